"""Persistence for exercises: scenario snapshot, exercise, seat, turn, move, ruling, message, event.

Models hold data and guarded state transitions; they change nothing on save. Every change to
an exercise goes through `exercises.services`, which appends `Event` rows in the same
transaction.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any, ClassVar

from django.conf import settings
from django.db import models


class TransitionError(Exception):
    """A state change the table of allowed transitions does not list."""


def check_transition(table: dict[str, set[str]], current: str, to: str, what: str) -> None:
    if to not in table[current]:
        raise TransitionError(f"{what} that is {current} cannot become {to}")


def new_public_id() -> str:
    return secrets.token_hex(8)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ScenarioSnapshot(models.Model):
    """The exact scenario text an exercise started with: replay never reads a file again."""

    scenario_id = models.CharField(max_length=48)
    version = models.CharField(max_length=32)
    title = models.CharField(max_length=200)
    text = models.TextField()
    sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.scenario_id} v{self.version} ({self.sha256[:8]})"


class Exercise(models.Model):
    class CloseWhen(models.TextChoices):
        # As soon as every role is in and every free-form move is ruled on.
        EVERYONE_IN = "everyone_in"
        # Only at the deadline, or when the facilitator closes the turn.
        DEADLINE = "deadline"

    class Status(models.TextChoices):
        LOBBY = "lobby"
        RUNNING = "running"
        PAUSED = "paused"
        FINISHED = "finished"

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.LOBBY: {Status.RUNNING, Status.FINISHED},
        Status.RUNNING: {Status.PAUSED, Status.FINISHED},
        Status.PAUSED: {Status.RUNNING, Status.FINISHED},
        Status.FINISHED: set(),
    }

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    name = models.CharField(max_length=200)
    snapshot = models.ForeignKey(ScenarioSnapshot, on_delete=models.PROTECT)
    seed = models.CharField(max_length=64)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.LOBBY)
    turn_seconds = models.PositiveIntegerField(null=True, blank=True)
    auto_advance = models.BooleanField(default=False)
    close_when = models.CharField(
        max_length=16, choices=CloseWhen.choices, default=CloseWhen.EVERYONE_IN
    )
    # Adjudication drafts each turn for the facilitator, who publishes it.
    review = models.BooleanField(default=False)
    # The engine's state after the last resolved turn (or the opening of the current one).
    state = models.JSONField()
    ending = models.CharField(max_length=48, blank=True)
    # Seq of the last event appended; bumped in the same transaction as the event rows, so
    # seq numbers are gapless per exercise.
    last_seq = models.PositiveBigIntegerField(default=0)
    paused_remaining = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The operator who made it in the lobby (none from the command line, or once deleted): the
    # lobby lists it for them and lets them replace a lost facilitator link.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="exercises",
    )

    def __str__(self) -> str:
        return f"{self.name} ({self.public_id})"

    def check_transition(self, to: str) -> None:
        check_transition(self.TRANSITIONS, self.status, to, "an exercise")


class Seat(models.Model):
    class Kind(models.TextChoices):
        FACILITATOR = "facilitator"
        OBSERVER = "observer"
        ROLE = "role"

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="seats")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    role = models.CharField(max_length=48, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    bot_policy = models.CharField(max_length=48, blank=True)
    joined_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["exercise", "role"])]

    def __str__(self) -> str:
        return f"{self.name} of {self.exercise_id}"

    @property
    def name(self) -> str:
        """`facilitator`, `observer` or the role id: the seat's name in the API and links."""
        return self.role if self.kind == self.Kind.ROLE else self.kind

    @property
    def is_bot(self) -> bool:
        return bool(self.bot_policy)


class Turn(models.Model):
    class Phase(models.TextChoices):
        OPEN = "open"
        ADJUDICATING = "adjudicating"
        REVIEW = "review"
        RESOLVED = "resolved"

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Phase.OPEN: {Phase.ADJUDICATING},
        Phase.ADJUDICATING: {Phase.REVIEW, Phase.RESOLVED},
        Phase.REVIEW: {Phase.RESOLVED},
        Phase.RESOLVED: set(),
    }

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="turns")
    number = models.PositiveIntegerField()
    phase = models.CharField(max_length=16, choices=Phase.choices, default=Phase.OPEN)
    opened_at = models.DateTimeField(auto_now_add=True)
    deadline = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Written by the worker that adjudicates the turn, in the transaction of its results: a
    # worker that dies half way leaves none behind (exercises/services/turns.py).
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True)
    # Roles that are in for this turn: their moves fill their limit, or they said they are done.
    ready = models.JSONField(default=list)
    resolved_at = models.DateTimeField(null=True, blank=True)
    state_before = models.JSONField()
    state_after = models.JSONField(null=True, blank=True)
    narrative = models.JSONField(default=list)
    draws = models.JSONField(default=list)
    # The state adjudication started from: `state_before` plus whatever the facilitator
    # changed while the turn was open (set_state, an inject's effects). Replay reads it.
    state_at_close = models.JSONField(null=True, blank=True)
    # The facilitator's review (engine.Review's record: overrides, re-rolls, narrative edits),
    # an input of adjudication; and while in review, the draft it gave, for the facilitator.
    review = models.JSONField(default=dict)
    draft = models.JSONField(null=True, blank=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["exercise", "number"], name="one_turn_per_number")
        ]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["phase", "deadline"])]

    def __str__(self) -> str:
        return f"turn {self.number} of {self.exercise_id} ({self.phase})"

    def check_transition(self, to: str) -> None:
        check_transition(self.TRANSITIONS, self.phase, to, "a turn")


class Move(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted"
        WITHDRAWN = "withdrawn"
        SUCCEEDED = "succeeded"
        FAILED = "failed"
        REJECTED = "rejected"

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="moves")
    turn = models.ForeignKey(Turn, on_delete=models.CASCADE, related_name="moves")
    seat = models.ForeignKey(Seat, on_delete=models.CASCADE, related_name="moves")
    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    role = models.CharField(max_length=48)
    action = models.CharField(max_length=48)
    params = models.JSONField(default=dict)
    rationale = models.TextField(blank=True)
    idempotency_key = models.CharField(max_length=200, blank=True)
    body_hash = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    result = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["seat", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="one_move_per_idempotency_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.role}: {self.action} ({self.status})"


def everyone() -> str:
    return "everyone"


class Ruling(models.Model):
    """The facilitator's ruling on a free-form move: a chance to roll, or a fixed outcome."""

    move = models.OneToOneField(Move, on_delete=models.CASCADE, related_name="ruling")
    chance = models.FloatField(null=True, blank=True)
    outcome = models.CharField(max_length=16, blank=True)
    narrative = models.TextField(blank=True)
    failure_narrative = models.TextField(blank=True)
    changes = models.JSONField(default=list)
    # Who reads the narrative: "everyone", "mover", or a list of role ids (and the mover).
    audience = models.JSONField(default=everyone)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"ruling on {self.move_id}"


class ProbabilityVote(models.Model):
    """A player's estimate of a free-form move's chance, shown to the facilitator."""

    move = models.ForeignKey(Move, on_delete=models.CASCADE, related_name="votes")
    seat = models.ForeignKey(Seat, on_delete=models.CASCADE)
    chance = models.FloatField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["move", "seat"], name="one_vote_per_seat")
        ]


class Message(models.Model):
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="messages")
    turn = models.PositiveIntegerField()
    sender = models.CharField(max_length=48)  # a role id, or `facilitator`
    recipients = models.JSONField()  # role ids; every role for a message to all
    to_all = models.BooleanField(default=False)
    channel = models.CharField(max_length=48, blank=True)  # a met commitment's private channel
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.sender} to {'all' if self.to_all else self.recipients}"


class Event(models.Model):
    """One entry of an exercise's log: the truth for live updates, reconnects and replay.

    `audience` is `{"all": true}`, `{"roles": [...]}` or `{}` (facilitator only); the
    facilitator sees every event. `redacted` is what the roles outside `roles` see of it, if
    anything (a move's submission is announced to all, its content only to its role).
    """

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveBigIntegerField()
    type = models.CharField(max_length=48)
    turn = models.PositiveIntegerField(default=0)
    at = models.DateTimeField(auto_now_add=True)
    data = models.JSONField(default=dict)
    audience = models.JSONField(default=dict)
    redacted = models.JSONField(null=True, blank=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["exercise", "seq"], name="gapless_seq")
        ]
        ordering: ClassVar[list[str]] = ["exercise", "seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.type}"

    def as_dict(self, data: dict[str, Any] | None = None) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "type": self.type,
            "turn": self.turn,
            "at": self.at.isoformat(),
            "data": self.data if data is None else data,
        }


class Note(models.Model):
    """The facilitator's own writing: an observation during play (on a turn or an event), or
    the debrief. Only the facilitator sees notes; the after-action report holds them."""

    class Kind(models.TextChoices):
        OBSERVATION = "observation"
        DEBRIEF = "debrief"

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="notes")
    turn = models.PositiveIntegerField(null=True, blank=True)
    event_seq = models.PositiveBigIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.OBSERVATION)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["exercise", "id"]

    def __str__(self) -> str:
        return f"{self.kind} on {self.exercise_id}"


class Job(models.Model):
    """Work a change asked for, to run once its transaction commits: adjudicating a turn,
    letting the bots move. Written in the same transaction as that change, so no crash, dead
    worker or unreachable broker loses it; `done_at` is set once it has run through, and until
    then the sweep hands it out again whenever `sent_at` is older than the lease, or, while a
    worker runs it, as soon as that worker's heartbeat (`beat_at`) stops."""

    class Kind(models.TextChoices):
        ADJUDICATE = "adjudicate"
        PLAY_BOTS = "play_bots"
        QUICK_CHECK = "quick_check"

    # None for work on no exercise (a quick check of an uploaded scenario).
    exercise = models.ForeignKey(
        Exercise, on_delete=models.CASCADE, related_name="jobs", null=True, blank=True
    )
    quick_check = models.ForeignKey(
        "QuickCheck", on_delete=models.CASCADE, null=True, blank=True, related_name="jobs"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    turn = models.ForeignKey(Turn, on_delete=models.CASCADE, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)
    # Refreshed every few seconds by the worker running the job, cleared when it stops: a beat
    # that grew stale means the worker died or froze mid-job (exercises/services/jobs.py).
    beat_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["done_at", "sent_at"])]

    def __str__(self) -> str:
        return f"{self.kind} of exercise {self.exercise_id}, turn {self.turn_id}"


class ScenarioAnalysis(models.Model):
    """A balance analysis of one scenario text (`manage.py analyze --store`). It takes minutes,
    so it is never computed in a request; the library's page shows the stored one for the text
    it serves, so a changed scenario has none until it is analysed again."""

    scenario_id = models.CharField(max_length=48)
    version = models.CharField(max_length=32)
    sha256 = models.CharField(max_length=64)
    runs = models.PositiveIntegerField()
    seed = models.CharField(max_length=64)
    data = models.JSONField()
    # What the library's page shows of `data`, without every set-up's per-turn figures: for
    # ai-pause the whole is tens of megabytes, which the page read on every request.
    page = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["sha256", "runs"], name="one_analysis_per_text_and_runs"
            )
        ]

    def __str__(self) -> str:
        return f"analysis of {self.scenario_id} v{self.version}, {self.runs} runs"


class Heartbeat(models.Model):
    """When a piece of the deployment last showed it was alive (`sweep`: the periodic sweep,
    run by a worker in production), for the health endpoint and the metrics."""

    name = models.CharField(max_length=32, primary_key=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.at:%Y-%m-%d %H:%M:%S}"


class UploadedScenario(models.Model):
    """A scenario an operator uploaded in the lobby, by its id: its versions are its texts over
    time (each a snapshot, stored by hash as an exercise's is), the newest the one in use.
    Retired, it leaves the lobby's create form but keeps its versions, and can be restored."""

    scenario_id = models.CharField(max_length=48, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"uploaded {self.scenario_id}"


class ScenarioVersion(models.Model):
    scenario = models.ForeignKey(
        UploadedScenario, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField()
    # PROTECT: exercises made from this version point at the same snapshot.
    snapshot = models.ForeignKey(ScenarioSnapshot, on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The loader's warnings on this text (it loads, but look again), with their lines.
    warnings = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["scenario", "number"], name="one_version_per_number")
        ]
        ordering: ClassVar[list[str]] = ["scenario", "-number"]

    def __str__(self) -> str:
        return f"{self.scenario.scenario_id} version {self.number}"


class QuickCheck(models.Model):
    """A short simulation of each policy of one uploaded version, run as a job (never in a
    request); the workshop page polls its progress."""

    class Status(models.TextChoices):
        WAITING = "waiting"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.WAITING: {Status.RUNNING, Status.FAILED},
        Status.RUNNING: {Status.RUNNING, Status.DONE, Status.FAILED},
        Status.DONE: set(),
        Status.FAILED: set(),
    }

    version = models.ForeignKey(ScenarioVersion, on_delete=models.CASCADE, related_name="checks")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.WAITING)
    runs = models.PositiveIntegerField()
    seed = models.CharField(max_length=64)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"quick check of {self.version} ({self.status})"

    def check_transition(self, to: str) -> None:
        check_transition(self.TRANSITIONS, self.status, to, "a quick check")
