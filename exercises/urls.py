from django.contrib.auth import views as auth_views
from django.urls import path

from exercises.pages import analysis, library, lobby, replay, room, workshop
from exercises.pages import views as live
from exercises.pages.join import switch_seat

app_name = "exercises"

urlpatterns = [
    path("", library.scenario_library, name="scenario_library"),
    path("scenarios/<slug:scenario_id>/", library.scenario_detail, name="scenario_detail"),
    path(
        "scenarios/<slug:scenario_id>/analysis/",
        analysis.scenario_analysis,
        name="scenario_analysis",
    ),
    path("lobby/", lobby.lobby, name="lobby"),
    path(
        "lobby/exercises/<str:public_id>/facilitator-link/",
        lobby.new_facilitator_link,
        name="new_facilitator_link",
    ),
    path("lobby/scenarios/upload/", workshop.upload, name="upload_scenario"),
    path("lobby/scenarios/<slug:scenario_id>/", workshop.workshop, name="workshop"),
    path(
        "lobby/scenarios/<slug:scenario_id>/v<int:number>.yaml",
        workshop.download,
        name="download_scenario",
    ),
    path(
        "lobby/scenarios/<slug:scenario_id>/timeline.xlsx",
        workshop.timeline,
        {"kind": "xlsx"},
        name="timeline_xlsx",
    ),
    path(
        "lobby/scenarios/<slug:scenario_id>/timeline.csv",
        workshop.timeline,
        {"kind": "csv"},
        name="timeline_csv",
    ),
    path("lobby/scenarios/<slug:scenario_id>/retire/", workshop.retire, name="retire_scenario"),
    path("lobby/scenarios/<slug:scenario_id>/restore/", workshop.restore, name="restore_scenario"),
    path(
        "lobby/scenarios/<slug:scenario_id>/preview/<slug:role>/",
        workshop.preview,
        name="preview_role",
    ),
    path(
        "lobby/scenarios/<slug:scenario_id>/quick-check/",
        workshop.start_quick_check,
        name="start_quick_check",
    ),
    path(
        "lobby/quick-checks/<int:check_id>.json",
        workshop.quick_check_status,
        name="quick_check_status",
    ),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            template_name="exercises/lobby/login.html",
            next_page="exercises:lobby",
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path(
        "accounts/logout/",
        auth_views.LogoutView.as_view(next_page="exercises:scenario_library"),
        name="logout",
    ),
    path("exercises/<str:public_id>/", live.exercise_home, name="exercise"),
    path("exercises/<str:public_id>/play/", live.player, name="player"),
    path("exercises/<str:public_id>/console/", live.console, name="console"),
    path("exercises/<str:public_id>/watch/", live.observer, name="observer"),
    path("exercises/<str:public_id>/page.json", live.page_json, name="page_data"),
    path("exercises/<str:public_id>/now.json", live.now_json, name="now_data"),
    path("exercises/<str:public_id>/replay/", replay.replay, name="replay"),
    path("exercises/<str:public_id>/switch/", switch_seat, name="switch_seat"),
    path("exercises/<str:public_id>/room/", room.room_page, name="room"),
    path("exercises/<str:public_id>/room/api/events", room.room_events, name="room_events"),
    path("exercises/<str:public_id>/room/now.json", room.room_now, name="room_now"),
]
