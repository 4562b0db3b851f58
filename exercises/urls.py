from django.urls import path

from exercises import views

app_name = "exercises"

urlpatterns = [
    path("", views.scenario_library, name="scenario_library"),
    path("scenarios/<slug:scenario_id>/", views.scenario_detail, name="scenario_detail"),
]
