"""The Celery app `wargame` (`celery -A wargame worker`, `celery -A wargame beat`).

Its configuration is read from Django's settings, every name prefixed with CELERY_.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wargame.settings")

app = Celery("wargame")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
