"""Rate limits, as token buckets in this process: per seat, per address, per seat's exports.

- A seat may make WARGAME_API_RATE requests a second on average, in bursts of up to
  WARGAME_API_BURST, through the API and the pages together (`seat`).
- An address that sends requests without a valid token or session (a mistyped link, or someone
  guessing) may fail WARGAME_ANONYMOUS_RATE times a second, in bursts of WARGAME_ANONYMOUS_BURST
  (`failed_from`); past that, even its right guesses wait.
- A seat's exports cost their size: WARGAME_EXPORT_RATE megabytes a minute, a minute's worth at
  once (`export_allowed`, `export_cost`). An export is paid for after it is built, since its
  size is known only then, so one large export always goes through and the next waits.

Past a limit the caller is told to wait (429 with Retry-After). Several server processes each
keep their own buckets, which only makes the limits looser.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Hashable

from django.conf import settings

from exercises.services.errors import ServiceError

_lock = threading.Lock()
_buckets: dict[Hashable, tuple[float, float]] = {}  # key -> (tokens, when they were counted)

# Where the limits read the time when not given one. Tests replace it with a clock that moves
# only when they say so, so that what they see never depends on how fast the machine runs.
clock: Callable[[], float] = time.monotonic

MEGABYTE = 1024 * 1024


class Limited(ServiceError):
    status, code = 429, "rate_limited"

    def __init__(self, wait: int, whose: str = "this seat") -> None:
        super().__init__(f"too many requests from {whose}; retry in {wait} s")
        self.retry_after = wait


def limits() -> tuple[float, float]:
    return float(settings.WARGAME_API_RATE), float(settings.WARGAME_API_BURST)


def take(seat_pk: int, now: float | None = None) -> None:
    """Spend one request of the seat's allowance, or raise a 429 saying when to retry."""
    rate, burst = limits()
    _spend(("seat", seat_pk), 1, rate, burst, now, "this seat")


def failed_from(address: str, now: float | None = None) -> None:
    """Count a request from `address` that no token or session opened; raise a 429 once the
    address has failed too often."""
    rate = float(settings.WARGAME_ANONYMOUS_RATE)
    burst = float(settings.WARGAME_ANONYMOUS_BURST)
    _spend(("address", address), 1, rate, burst, now, "this address")


def refused_address(address: str, now: float | None = None) -> None:
    """Raise a 429 if `address` has used up its allowance of failures, without spending."""
    rate = float(settings.WARGAME_ANONYMOUS_RATE)
    burst = float(settings.WARGAME_ANONYMOUS_BURST)
    _spend(("address", address), 0, rate, burst, now, "this address", need=1)


def export_allowed(seat_pk: int, now: float | None = None) -> None:
    """Raise a 429 while the seat's exports have cost more than its allowance."""
    rate, burst = _export_limits()
    _spend(("export", seat_pk), 0, rate, burst, now, "this seat's exports")


def export_cost(seat_pk: int, size: int, now: float | None = None) -> None:
    """Charge the seat for an export of `size` bytes (its allowance may go below zero)."""
    rate, burst = _export_limits()
    _spend(("export", seat_pk), size / MEGABYTE, rate, burst, now, "", need=-math.inf)


def _export_limits() -> tuple[float, float]:
    per_minute = float(settings.WARGAME_EXPORT_RATE)
    return per_minute / 60, per_minute


def _spend(
    key: Hashable,
    cost: float,
    rate: float,
    burst: float,
    now: float | None,
    whose: str,
    need: float | None = None,
) -> None:
    """Take `cost` from the bucket if it holds at least `need` (by default, `cost`)."""
    need = cost if need is None else need
    now = clock() if now is None else now
    with _lock:
        tokens, then = _buckets.get(key, (burst, now))
        tokens = min(burst, tokens + (now - then) * rate)
        if tokens < need:
            _buckets[key] = (tokens, now)
            raise Limited(max(1, math.ceil((need - tokens) / rate)), whose)
        _buckets[key] = (tokens - cost, now)
