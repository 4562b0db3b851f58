from django.contrib import admin
from django.urls import include, path, re_path

from exercises.api.dispatch import no_route
from exercises.pages.health import healthz, metrics
from exercises.pages.join import join

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics, name="metrics"),
    path("api/v1/", include("exercises.api.urls")),
    re_path(r"^api(?:/|$)", no_route),  # other versions, or none: a JSON 404, not an HTML page
    path("join/<str:token>", join, name="join"),
    path("", include("exercises.urls")),
]
