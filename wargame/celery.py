"""The Celery app `wargame` (`celery -A wargame worker`, `celery -A wargame beat`).

Its configuration is read from Django's settings, every name prefixed with CELERY_.
"""

import logging.config
import os
from typing import Any

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wargame.settings")

app = Celery("wargame")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def _django_logging(**kwargs: Any) -> None:
    """Workers and beat log through the settings' LOGGING, as the web processes do."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
