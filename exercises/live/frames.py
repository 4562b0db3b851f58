"""One stored event as each viewer sees it, projected and encoded at most once per viewer.

A feed broadcasting to a thousand sockets of a handful of viewers (the facilitator, the
observer, each role) projects and encodes the event a handful of times, not a thousand.
"""

from __future__ import annotations

import json
from typing import Any

from exercises.services.projection import shown_to

NOT_SHOWN = ""


class Frames:
    def __init__(self, doorbell: dict[str, Any]) -> None:
        self.doorbell = doorbell
        self.seq: int = doorbell["seq"]
        self._by_viewer: dict[str, str] = {}

    def for_viewer(self, who: str) -> str:
        """The text frame `who` gets, or NOT_SHOWN when the event is not for it."""
        frame = self._by_viewer.get(who)
        if frame is None:
            event = self.doorbell["event"]
            shown = shown_to(who, event, self.doorbell["audience"], self.doorbell["redacted"])
            frame = NOT_SHOWN if shown is None else json.dumps(shown, separators=(",", ":"))
            self._by_viewer[who] = frame
        return frame

    def may_revoke(self, role: str) -> bool:
        """Whether this event may have taken `role`'s seat from its holder."""
        event = self.doorbell["event"]
        return bool(event["type"] == "seat.replaced" and event["data"].get("role") == role)
