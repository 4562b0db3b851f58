"""ASGI entry point: `uvicorn wargame.asgi:application`.

HTTP only for now; the WebSocket routes join the router here.
"""

import os

from channels.routing import ProtocolTypeRouter
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wargame.settings")

# Set Django up before anything imports models (consumers will, once they exist).
django_application = get_asgi_application()

# uvicorn serves no static files of its own, so Django's handler serves /static/ in every mode:
# the few small files here do not need more. A proxy in front may serve STATIC_ROOT instead.
application = ProtocolTypeRouter({"http": ASGIStaticFilesHandler(django_application)})
