from django.apps import AppConfig


class ExercisesConfig(AppConfig):
    name = "exercises"
    verbose_name = "Exercises"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The modules that do the jobs' work register their handlers with the job road
        # (exercises/services/jobs.py) when imported: every process must have them.
        from exercises.services import bots, quick_checks, turns  # noqa: F401
        from wargame import log_redaction

        # The Celery app, so that @shared_task binds to it in every process Django starts
        # (a worker imports it itself, through `celery -A wargame`).
        from wargame.celery import app  # noqa: F401

        # After Django and uvicorn have configured logging (uvicorn does before loading us).
        log_redaction.install()
