"""What text the server accepts from a scenario or a request.

Python's strings hold two things that no store of ours can: a NUL character (PostgreSQL's text
and JSON columns refuse it, so an exercise would fail on the first event carrying it, on
PostgreSQL only) and half of a UTF-16 pair, which JSON and YAML may escape (`"\\ud800"`) but
which is not UTF-8 at all, and which the `cel` library cannot take.
"""

from __future__ import annotations

UNSTORABLE = "holds a NUL character or a lone surrogate, which no text can be stored with"


def storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
