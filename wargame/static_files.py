"""Static files as Django's handler serves them, with two fixes for the open internet.

A path that climbs out of the static folder (`/static/..%2f..%2fwargame/settings.py`, or its
double-encoded form) makes Django's finders raise SuspiciousFileOperation, which the handler
lets through as a 500: here it is the 404 it is. And the handler skips the middleware, so
SecurityMiddleware never adds `X-Content-Type-Options: nosniff`: added here, so a browser never
runs a file as a type other than the one it was served as.
"""

from __future__ import annotations

from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.core.exceptions import SuspiciousOperation
from django.http import FileResponse, Http404, HttpRequest, HttpResponse


class StaticFiles(ASGIStaticFilesHandler):
    def serve(self, request: HttpRequest) -> HttpResponse | FileResponse:
        try:
            response = super().serve(request)
        except SuspiciousOperation:
            raise Http404("no such file") from None
        response["X-Content-Type-Options"] = "nosniff"
        return response
