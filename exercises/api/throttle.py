"""A rate limit per seat: a token bucket for each seat, in this process.

A seat may make WARGAME_API_RATE requests a second on average and bursts of up to
WARGAME_API_BURST; past that it is told to wait (429 with Retry-After). A player, a bot runner
or a script never needs more; a runaway loop or a hostile client is slowed down before it
costs everyone else. Several server processes each keep their own buckets, which only makes
the limit looser.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from django.conf import settings

from .errors import ApiError

_lock = threading.Lock()
_buckets: dict[int, tuple[float, float]] = {}  # seat pk -> (tokens, when they were counted)

# Where `take` reads the time when it is not given one. Tests replace it with a clock that moves
# only when they say so, so that what they see never depends on how fast the machine runs.
clock: Callable[[], float] = time.monotonic


def limits() -> tuple[float, float]:
    rate = float(getattr(settings, "WARGAME_API_RATE", 30))
    burst = float(getattr(settings, "WARGAME_API_BURST", 120))
    return rate, burst


def take(seat_pk: int, now: float | None = None) -> None:
    """Spend one request of `seat_pk`'s allowance, or raise a 429 saying when to retry."""
    rate, burst = limits()
    now = clock() if now is None else now
    with _lock:
        tokens, then = _buckets.get(seat_pk, (burst, now))
        tokens = min(burst, tokens + (now - then) * rate)
        if tokens < 1:
            _buckets[seat_pk] = (tokens, now)
            wait = math.ceil((1 - tokens) / rate)
            raise Limited(wait)
        _buckets[seat_pk] = (tokens - 1, now)


class Limited(ApiError):
    def __init__(self, wait: int) -> None:
        super().__init__(
            429, "rate_limited", f"too many requests from this seat; retry in {wait} s"
        )
        self.retry_after = wait
