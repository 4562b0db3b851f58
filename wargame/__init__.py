"""The Django project: settings, URLs, and the ASGI, WSGI and Celery entry points.

The Celery app (`wargame.celery`) is imported by the exercises app when Django starts, not
here: `manage.py simulate` reads the settings without starting Django, and the job queue's
client was a fifth of its start-up. `celery -A wargame` finds `wargame.celery` by itself.
"""
