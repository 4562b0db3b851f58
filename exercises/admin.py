"""The operator's view of every table. Read-only: a change made here would bypass the use
cases and leave no event, so exercises are changed through the API and commands only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from exercises.models import (
    Event,
    Exercise,
    Job,
    Message,
    Move,
    Note,
    ProbabilityVote,
    QuickCheck,
    Ruling,
    ScenarioSnapshot,
    ScenarioVersion,
    Seat,
    Turn,
    UploadedScenario,
)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ScenarioSnapshot)
class SnapshotAdmin(ReadOnly):
    list_display = ("scenario_id", "version", "title", "sha256", "created_at")
    search_fields = ("scenario_id", "title", "sha256")


@admin.register(Exercise)
class ExerciseAdmin(ReadOnly):
    list_display = ("name", "public_id", "snapshot", "status", "ending", "last_seq", "created_at")
    list_filter = ("status",)
    search_fields = ("name", "public_id")


@admin.register(Seat)
class SeatAdmin(ReadOnly):
    list_display = ("exercise", "kind", "role", "bot_policy", "joined_at", "revoked_at")
    list_filter = ("kind",)
    search_fields = ("exercise__public_id", "role")
    exclude = ("token_hash",)


@admin.register(Turn)
class TurnAdmin(ReadOnly):
    list_display = ("exercise", "number", "phase", "deadline", "closed_at", "resolved_at")
    list_filter = ("phase",)
    search_fields = ("exercise__public_id",)


@admin.register(Move)
class MoveAdmin(ReadOnly):
    list_display = ("exercise", "turn", "role", "action", "status", "created_at")
    list_filter = ("status", "action")
    search_fields = ("exercise__public_id", "public_id", "role")


@admin.register(Ruling)
class RulingAdmin(ReadOnly):
    list_display = ("move", "chance", "outcome", "created_at")


@admin.register(ProbabilityVote)
class VoteAdmin(ReadOnly):
    list_display = ("move", "seat", "chance", "created_at")


@admin.register(Message)
class MessageAdmin(ReadOnly):
    list_display = ("exercise", "turn", "sender", "to_all", "channel", "created_at")
    search_fields = ("exercise__public_id", "sender", "body")


@admin.register(Event)
class EventAdmin(ReadOnly):
    list_display = ("exercise", "seq", "type", "turn", "at")
    list_filter = ("type",)
    search_fields = ("exercise__public_id",)


@admin.register(Note)
class NoteAdmin(ReadOnly):
    list_display = ("exercise", "kind", "turn", "event_seq", "created_at")
    list_filter = ("kind",)
    search_fields = ("exercise__public_id", "text")


@admin.register(Job)
class JobAdmin(ReadOnly):
    list_display = ("exercise", "kind", "turn", "created_at", "sent_at", "attempts", "done_at")
    list_filter = ("kind",)
    search_fields = ("exercise__public_id",)


@admin.register(UploadedScenario)
class UploadedScenarioAdmin(ReadOnly):
    list_display = ("scenario_id", "created_by", "created_at", "retired_at")
    search_fields = ("scenario_id",)


@admin.register(ScenarioVersion)
class ScenarioVersionAdmin(ReadOnly):
    list_display = ("scenario", "number", "snapshot", "uploaded_by", "created_at")
    search_fields = ("scenario__scenario_id",)


@admin.register(QuickCheck)
class QuickCheckAdmin(ReadOnly):
    list_display = ("version", "status", "done", "total", "created_at", "finished_at")
    list_filter = ("status",)
