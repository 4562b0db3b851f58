"""WSGI entry point, for the admin and HTML pages only: live updates need `wargame.asgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wargame.settings")

application = get_wsgi_application()
