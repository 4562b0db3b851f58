"""The difference test's tools: the same exercise played twice, once with a secret act, and
every other seat's views made comparable.

Two plays of one exercise differ in what no seat may learn from anyway: the random public ids
of the exercise and its moves, the tokens, the clock. `Normaliser` replaces each by a
placeholder numbered in order of appearance, so that two texts that say the same thing about
the same things compare equal byte for byte. Event numbers (`seq`) are global to the log, so
a secret move's event leaves a gap between the events another seat may see; a seat's seqs are
replaced by their rank among the events that seat may see, which the view's `last_seq`, an
event's `seq` and the report's timeline all speak of. That gap is the one residue a secret act
leaves (docs/scenario-reference.md, "Secret actions").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?(\+00:00|Z)?")
# The report's timeline and its inject table show times as "12-02 15:31": two plays a minute
# apart differ there whatever they did.
SHORT_TIME = re.compile(
    r'(class="meta when" title="<time>">|<div class="meta">)\d\d-\d\d \d\d:\d\d'
)
SEQ = re.compile(r'("(?:seq|last_seq|since)":\s*|event #|since=)(\d+)')
TIMELINE_SEQ = re.compile(r'(<tr><td class="num">)(\d+)(</td><td class="num">)')
CSRF = re.compile(r'(csrfmiddlewaretoken" value="|csrftoken=|"csrf": ")[A-Za-z0-9]+')


class Normaliser:
    """Placeholders for one play's ids and tokens, and one seat's seqs."""

    def __init__(self, ids: Iterable[str], seen_seqs: Iterable[int]) -> None:
        # Longest first, so that an id inside a longer token is not taken for itself.
        alternatives = sorted({re.escape(i) for i in ids if i}, key=len, reverse=True)
        self.ids = re.compile("|".join(alternatives))
        self.rank = {seq: index + 1 for index, seq in enumerate(sorted(seen_seqs))}
        self.names: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        text = CSRF.sub(r"\1<csrf>", text)
        text = self.ids.sub(lambda m: self._name(m.group(0)), text)
        text = TIMESTAMP.sub("<time>", text)
        text = SHORT_TIME.sub(r"\1<time>", text)
        text = SEQ.sub(lambda m: m.group(1) + self._seq(int(m.group(2))), text)
        return TIMELINE_SEQ.sub(
            lambda m: m.group(1) + self._seq(int(m.group(2))) + m.group(3), text
        )

    def _name(self, value: str) -> str:
        if value not in self.names:
            self.names[value] = f"<id{len(self.names) + 1}>"
        return self.names[value]

    def _seq(self, seq: int) -> str:
        if seq == 0:
            return "0"
        return f"<seq{self.rank[seq]}>" if seq in self.rank else f"<unseen seq {seq}>"


def first_difference(a: str, b: str) -> str:
    """Where two texts part, for a failure message that shows what leaked."""
    index = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), None)
    if index is None:
        index = min(len(a), len(b))
    start, end = max(0, index - 200), index + 200
    return f"with: ...{a[start:end]!r}\nwithout: ...{b[start:end]!r}"
