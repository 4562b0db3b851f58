"""What a batch of simulated runs adds up to, in a form batches merge into exactly.

A worker sends back counts rather than each run's per-turn series (178 variables times 12 turns
a run for `ai-pause`): how many runs ended each turn with each value of each variable, which
ending came in which turn, which actions were chosen. Counts add up exactly, so the summary is
the same however the runs were split between workers, and the parent does little: unpickling
and summarising every run's series was about a third of `simulate`'s time outside the runs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

Row = tuple[Any, ...]  # one state's values, in the scenario's order of variables

# 250 runs of 12 turns of `ai-pause` hold about 4 MB of rows.
PENDING_RUNS = 250


@dataclass
class Totals:
    """Counts over runs. `columns[turn][variable]` maps a value to the runs that held it after
    that turn (a run that ended early holds its last state to the end)."""

    runs: int = 0
    columns: list[list[Counter[Any]]] = field(default_factory=list)
    endings: Counter[str] = field(default_factory=Counter)
    ending_turns: dict[str, Counter[int]] = field(default_factory=dict)
    actions: Counter[tuple[str, str]] = field(default_factory=Counter)
    # For each text, choice and roles variable, how many runs ended on each value (a list of
    # roles counts each role in it).
    words: list[Counter[str]] = field(default_factory=list)
    # Runs' rows not counted yet, by turn: counting many runs at once is one count in C a
    # column, where a merge is a loop in Python; counting every so often bounds their memory.
    pending: list[list[Row]] = field(default_factory=list)

    def add_run(self, rows: Sequence[Row]) -> None:
        """One run's row after each turn, counted with others (`count_pending`)."""
        if not self.pending:
            self.pending = [[] for _ in rows]
        for waiting, row in zip(self.pending, rows, strict=True):
            waiting.append(row)
        self.runs += 1
        if len(self.pending[0]) >= PENDING_RUNS:
            self.count_pending()

    def count_pending(self) -> None:
        if self.pending:
            self.add_runs(self.pending)
            self.pending = []

    def add_runs(self, rows_by_turn: Sequence[Sequence[Row]]) -> None:
        """Count a batch of runs' values: `rows_by_turn[turn]` holds each run's row."""
        counted = [[Counter(column) for column in zip(*rows, strict=True)] for rows in rows_by_turn]
        self.merge_columns(counted)

    def add_ending(self, ending: str, turn: int | None) -> None:
        self.endings[ending] += 1
        if turn is not None:
            self.ending_turns.setdefault(ending, Counter())[turn] += 1

    def add_words(self, values: Sequence[Any]) -> None:
        """Count one run's final texts, choices and lists of roles."""
        if not self.words:
            self.words = [Counter() for _ in values]
        for counted, value in zip(self.words, values, strict=True):
            counted.update(value if isinstance(value, list) else [value])

    def merge_columns(self, columns: list[list[Counter[Any]]]) -> None:
        if not self.columns:
            self.columns = columns
            return
        for mine, theirs in zip(self.columns, columns, strict=True):
            for counts, more in zip(mine, theirs, strict=True):
                counts.update(more)

    def merge(self, other: Totals) -> None:
        """Adds counted totals (`count_pending` done on both)."""
        self.runs += other.runs
        self.merge_columns(other.columns)
        self.endings.update(other.endings)
        for ending, turns in other.ending_turns.items():
            self.ending_turns.setdefault(ending, Counter()).update(turns)
        self.actions.update(other.actions)
        if not self.words:
            self.words = other.words
        else:
            for counted, more in zip(self.words, other.words, strict=True):
                counted.update(more)


def ordered_floats(counts: Counter[Any]) -> list[float]:
    """The counted values as floats, each as often as it was counted, in ascending order: the
    sorted column the runs' values would make. 0.0 and -0.0 count as one value, which is 0.0:
    which of the two a count kept depends on the order the runs were counted in, which the
    summary must not."""
    ordered: list[float] = []
    for value, times in sorted(counts.items()):
        ordered += [float(value) + 0.0] * times
    return ordered


def ordered_ints(counts: Counter[int]) -> list[int]:
    ordered: list[int] = []
    for value, times in sorted(counts.items()):
        ordered += [value] * times
    return ordered
