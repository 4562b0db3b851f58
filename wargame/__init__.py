"""The Django project: settings, URLs, and the ASGI, WSGI and Celery entry points."""

# Import the Celery app whenever Django starts so that @shared_task binds to it.
from wargame.celery import app as celery_app

__all__ = ("celery_app",)
