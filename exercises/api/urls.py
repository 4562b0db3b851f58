"""URL patterns for `/api/v1/`, generated from the route table, then a JSON 404 for the rest."""

from __future__ import annotations

import re

from django.urls import URLPattern, path, re_path

from .dispatch import no_route, view_for
from .routes import ROUTES
from .table import Route


def django_path(openapi_path: str) -> str:
    """`/exercises/{id}/moves` to `exercises/<str:id>/moves`."""
    return re.sub(r"{(\w+)}", r"<str:\1>", openapi_path.removeprefix("/"))


def patterns(routes: list[Route]) -> list[URLPattern]:
    by_path: dict[str, list[Route]] = {}
    for route in routes:
        by_path.setdefault(route.path, []).append(route)
    return [
        path(django_path(p), view_for(group), name=group[0].name) for p, group in by_path.items()
    ]


app_name = "api"
urlpatterns = [*patterns(ROUTES), re_path(r"", no_route)]
