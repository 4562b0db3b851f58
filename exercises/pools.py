"""Thread pools whose threads keep their database connection from one call to the next.

Django connections belong to threads, and CONN_MAX_AGE stays 0: under Django's ASGI handler
every request runs on a new thread, so a connection kept there would never be used again. The
server's own long-lived threads (the API's, the live stream's) are used again and again, so a
connection one of them opens stays open, and is closed only when it breaks: Django checks that
around every request and every `database_sync_to_async` call, and health-checks a reused
PostgreSQL connection (settings). With PostgreSQL's connection pool (the default there) they
hand their connection back after each call like every other thread, and the pool keeps it open.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created

_names: set[str] = set()


def pool_keeping_connections(name: str, threads: int) -> ThreadPoolExecutor:
    """A pool of `threads` threads, named `name`_N, that keep their connections."""
    _names.add(name)
    return ThreadPoolExecutor(threads, thread_name_prefix=name)


def _keep_connection(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    # With a connection pool (PostgreSQL, settings), closing hands the connection back to the
    # pool for any thread to take: kept here, it would be lost to every other thread.
    if getattr(connection, "pool", None) is not None:
        return
    if threading.current_thread().name.rpartition("_")[0] in _names:
        connection.close_at = None


connection_created.connect(_keep_connection)
