"""The settings read the environment: embedded mode by default, services when they are named.

Each case imports the settings in a fresh interpreter, since they are read once per process.
"""

import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests import fresh_interpreter
from tests.fresh_interpreter import ROOT

CONFIGURATION = (
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_SECRET_KEY",
    "DJANGO_DEBUG",
    "DJANGO_ALLOWED_HOSTS",
    "WARGAME_SQLITE_PATH",
    "WARGAME_HTTPS",
    "WARGAME_SECURE_SSL_REDIRECT",
    "WARGAME_SECURE_HSTS_SECONDS",
    "WARGAME_SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "WARGAME_SECURE_HSTS_PRELOAD",
    "WARGAME_SECURE_COOKIES",
    "DJANGO_CSRF_TRUSTED_ORIGINS",
)
KEY = "kX3v9-QeT_7bLwZ2pYrN8mJ4sHcD6fGuA1oE5iVnB0tRyW"  # 46 characters, of 46 kinds

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
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "hsts_seconds": settings.SECURE_HSTS_SECONDS,
    "hsts_subdomains": settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "csrf_cookie_secure": settings.CSRF_COOKIE_SECURE,
    "trusted_origins": settings.CSRF_TRUSTED_ORIGINS,
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
    settings = load_settings(DJANGO_DEBUG="false", DJANGO_SECRET_KEY=KEY)

    assert settings["debug"] is False


@pytest.mark.parametrize(
    ("key", "words"),
    [
        ("x", "is 1 characters long; it needs 32 or more"),
        (KEY[:31], "is 31 characters long"),
        ("x" * 50, "has only 1 different characters"),
        ("abcdefghi" * 6, "has only 9 different characters"),
    ],
)
@pytest.mark.parametrize("debug", ["true", "false"])
def test_a_weak_secret_key_is_refused_at_start_with_how_to_make_one(
    key: str, words: str, debug: str
) -> None:
    result = run_settings(DJANGO_DEBUG=debug, DJANGO_SECRET_KEY=key)

    assert result.returncode != 0
    assert f"DJANGO_SECRET_KEY {words}" in result.stderr
    assert "secrets.token_urlsafe(50)" in result.stderr
    assert len(key) < 8 or key not in result.stderr  # the key itself is not printed


def test_with_debug_off_https_redirect_hsts_and_secure_cookies_are_on() -> None:
    settings = load_settings(DJANGO_DEBUG="false", DJANGO_SECRET_KEY=KEY)

    assert settings["ssl_redirect"] is True
    assert settings["hsts_seconds"] == 365 * 24 * 3600
    assert settings["hsts_subdomains"] is True
    assert settings["session_cookie_secure"] is settings["csrf_cookie_secure"] is True


def test_with_debug_on_https_settings_are_off() -> None:
    settings = load_settings()

    assert settings["ssl_redirect"] is False
    assert settings["hsts_seconds"] == 0
    assert settings["session_cookie_secure"] is False


def test_wargame_https_false_turns_the_https_settings_off_and_each_has_its_own_switch() -> None:
    off = load_settings(DJANGO_DEBUG="false", DJANGO_SECRET_KEY=KEY, WARGAME_HTTPS="false")
    mixed = load_settings(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=KEY,
        WARGAME_SECURE_SSL_REDIRECT="false",
        WARGAME_SECURE_HSTS_SECONDS="3600",
        WARGAME_SECURE_HSTS_INCLUDE_SUBDOMAINS="no",
    )

    assert (off["ssl_redirect"], off["hsts_seconds"], off["session_cookie_secure"]) == (
        False,
        0,
        False,
    )
    assert mixed["ssl_redirect"] is False
    assert (mixed["hsts_seconds"], mixed["hsts_subdomains"]) == (3600, False)
    assert mixed["session_cookie_secure"] is True


def test_trusted_origins_are_comma_separated() -> None:
    settings = load_settings(
        DJANGO_CSRF_TRUSTED_ORIGINS="https://play.example.org, https://*.x.org"
    )

    assert settings["trusted_origins"] == ["https://play.example.org", "https://*.x.org"]


def test_check_deploy_is_clean_with_debug_off_and_a_strong_key() -> None:
    key = "pR7-xK2qLmZ9_vT4bN8wYc3JhG6sDfE1aU5oI0tVnQyB" * 2
    result = fresh_interpreter.run(
        "import django\ndjango.setup()\nfrom django.core.management import call_command\n"
        "call_command('check', '--deploy', '--fail-level', 'WARNING')\n",
        unset=CONFIGURATION,
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=key,
    )

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout + result.stderr


def test_an_unreadable_boolean_is_a_configuration_error() -> None:
    result = run_settings(DJANGO_DEBUG="maybe")

    assert result.returncode != 0
    assert "DJANGO_DEBUG must be true or false" in result.stderr
