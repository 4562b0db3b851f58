"""The settings read the environment: embedded mode by default, services when they are named.

Each case imports the settings in a fresh interpreter, since they are read once per process.
"""

import subprocess
from pathlib import Path
from typing import Any

from tests import fresh_interpreter
from tests.fresh_interpreter import ROOT

CONFIGURATION = (
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_SECRET_KEY",
    "DJANGO_DEBUG",
    "DJANGO_ALLOWED_HOSTS",
    "WARGAME_SQLITE_PATH",
)

PRINT_SETTINGS = """
import json
from django.conf import settings

database = settings.DATABASES["default"]
layer = settings.CHANNEL_LAYERS["default"]
print(json.dumps({
    "database_engine": database["ENGINE"],
    "database_name": str(database["NAME"]),
    "channel_layer": layer["BACKEND"],
    "channel_hosts": layer.get("CONFIG", {}).get("hosts"),
    "celery_eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "celery_broker": settings.CELERY_BROKER_URL,
    "debug": settings.DEBUG,
    "allowed_hosts": settings.ALLOWED_HOSTS,
}))
"""


def run_settings(**env: str) -> subprocess.CompletedProcess[str]:
    return fresh_interpreter.run(PRINT_SETTINGS, unset=CONFIGURATION, **env)


def load_settings(**env: str) -> dict[str, Any]:
    settings: dict[str, Any] = fresh_interpreter.run_json(
        PRINT_SETTINGS, unset=CONFIGURATION, **env
    )
    return settings


def test_the_defaults_are_the_embedded_mode() -> None:
    settings = load_settings()

    assert settings["database_engine"] == "django.db.backends.sqlite3"
    assert settings["database_name"] == str(ROOT / "db.sqlite3")
    assert settings["channel_layer"] == "channels.layers.InMemoryChannelLayer"
    assert settings["celery_eager"] is True
    assert settings["celery_broker"] == "memory://"
    assert settings["debug"] is True
    assert settings["allowed_hosts"] == ["localhost", "127.0.0.1", "[::1]"]


def test_redis_url_switches_to_channels_redis_and_a_real_broker() -> None:
    redis_url = "redis://127.0.0.1:6379/15"

    settings = load_settings(REDIS_URL=redis_url)

    assert settings["channel_layer"] == "channels_redis.pubsub.RedisPubSubChannelLayer"
    assert settings["channel_hosts"] == [redis_url]
    assert settings["celery_broker"] == redis_url
    assert settings["celery_eager"] is False


def test_database_url_switches_to_postgresql() -> None:
    settings = load_settings(DATABASE_URL="postgres://postgres@127.0.0.1:5432/test")

    assert settings["database_engine"] == "django.db.backends.postgresql"
    assert settings["database_name"] == "test"


def test_wargame_sqlite_path_moves_the_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "elsewhere.sqlite3"

    settings = load_settings(WARGAME_SQLITE_PATH=str(path))

    assert settings["database_name"] == str(path)


def test_an_empty_variable_counts_as_unset() -> None:
    settings = load_settings(REDIS_URL="", DATABASE_URL="")

    assert settings["database_engine"] == "django.db.backends.sqlite3"
    assert settings["celery_eager"] is True


def test_allowed_hosts_are_comma_separated() -> None:
    settings = load_settings(DJANGO_ALLOWED_HOSTS="wargame.example, .example.org,")

    assert settings["allowed_hosts"] == ["wargame.example", ".example.org"]


def test_it_refuses_to_run_without_a_secret_key_when_debug_is_off() -> None:
    result = run_settings(DJANGO_DEBUG="false")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_it_runs_with_debug_off_once_a_secret_key_is_set() -> None:
    settings = load_settings(DJANGO_DEBUG="false", DJANGO_SECRET_KEY="x" * 50)

    assert settings["debug"] is False


def test_an_unreadable_boolean_is_a_configuration_error() -> None:
    result = run_settings(DJANGO_DEBUG="maybe")

    assert result.returncode != 0
    assert "DJANGO_DEBUG must be true or false" in result.stderr
