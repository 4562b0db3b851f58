"""ASGI entry point: `uvicorn wargame.asgi:application`.

HTTP, and the live stream's WebSocket routes (exercises/live/). In the embedded mode (no
REDIS_URL) the application also sweeps turn deadlines every second (exercises/runtime.py);
with Redis, Celery beat does that instead.
"""

import gc
import os

from channels.routing import ProtocolTypeRouter
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wargame.settings")

# Set Django up before anything imports models (consumers will, once they exist).
django_application = get_asgi_application()

from exercises.api.asgi import ApiApplication  # noqa: E402
from exercises.live.routing import websocket_application  # noqa: E402
from exercises.runtime import Runtime, Sweeper, embedded_sweeper_wanted  # noqa: E402
from wargame.static_files import StaticFiles  # noqa: E402

# uvicorn serves no static files of its own, so Django's handler serves /static/ in every mode
# (wargame/static_files.py):
# the few small files here do not need more. A proxy in front may serve STATIC_ROOT instead.
router = ProtocolTypeRouter(
    {
        # The API runs on its own long-lived threads (exercises/api/asgi.py); pages and
        # static files go through Django's handler.
        "http": ApiApplication(StaticFiles(django_application)),
        # The Origin of cookie handshakes is checked by the consumer (exercises/live/auth.py):
        # bearer handshakes from programs carry none.
        "websocket": websocket_application(),
    }
)

application = Runtime(router, Sweeper() if embedded_sweeper_wanted() else None)

# What was built to start the server lives as long as the process: moved out of the garbage
# collector's sight, it no longer makes each full collection walk some 100,000 objects, a
# pause of about 45 ms here that every request then in flight waits out.
gc.freeze()
