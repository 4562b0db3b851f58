"""Every route of the API, in one table: the URL patterns and the OpenAPI document come from it."""

from __future__ import annotations

from exercises.services.export import CONTENT_TYPES
from exercises.services.export_types import Export

from . import handlers as h
from . import responses as r
from . import schemas as s
from .openapi import document
from .table import Call, Reply, Route

ANY_SEAT = "any seat of the exercise"
A_ROLE = "a role's seat (not a bot's)"
FACILITATOR = "the facilitator"
MOVE = "the move, as `{id, turn, role, action, params, rationale, status}`"
NOTE = "the note, as `{id, kind, turn, event_seq, text, created_at, updated_at}`"


def openapi(call: Call) -> Reply:
    return Reply(200, document(ROUTES))


ROUTES: list[Route] = [
    Route(
        "GET",
        "/openapi.json",
        "openapi",
        "This document",
        "anyone",
        openapi,
        200,
        "The OpenAPI 3.1 document of this API.",
        returns=r.OpenApiDocument,
        errors=(),
        auth=False,
    ),
    Route(
        "GET",
        "/exercises/{id}",
        "getExercise",
        "The exercise as the caller's seat sees it",
        ANY_SEAT,
        h.exercise_view,
        200,
        "`name`, `scenario`, `status`, `turn`, `me` (seat, briefing, private state, actions, "
        "moves), the public `state`, `roles` and `last_seq` (the seq of the last event this "
        "seat may see).",
        returns=r.ExerciseView,
        errors=(401, 403, 404),
    ),
    Route(
        "POST",
        "/exercises/{id}/moves",
        "submitMove",
        "Submit a move for the caller's role",
        A_ROLE,
        h.submit_move,
        201,
        f"Created: {MOVE}. Resending the same idempotency key and body answers 200 with the "
        "same move; the same key with another body is a 409.",
        returns=r.MoveView,
        request=s.MoveRequest,
        extra_statuses={200: "An idempotent replay: the move the key created."},
    ),
    Route(
        "POST",
        "/exercises/{id}/moves/check",
        "checkMoves",
        "Check moves the caller might make, without making them",
        A_ROLE,
        h.check_moves,
        200,
        "`{checks: [{action, allowed, reason, cost}]}`, one per move asked about, in order: "
        "whether it would be taken now (the turn open, the move legal in the current state, "
        "the role's other live moves counted, except the one it would replace) and what it "
        "would cost, each `{variable, amount, text}` (`amount` null and `text` in words when "
        "it cannot be known yet). Nothing is changed.",
        returns=r.MoveCheckList,
        request=s.MoveChecksRequest,
        errors=(400, 401, 403, 404, 413),
    ),
    Route(
        "DELETE",
        "/exercises/{id}/moves/{move}",
        "withdrawMove",
        "Withdraw one of the caller's moves while the turn is open",
        "the move's role",
        h.withdraw_move,
        200,
        f"The withdrawn move: {MOVE}.",
        returns=r.MoveView,
    ),
    Route(
        "POST",
        "/exercises/{id}/ready",
        "declareReady",
        "Say the caller's role has made all its moves this turn",
        A_ROLE,
        h.declare_ready,
        200,
        '`{"ok": true}`. The turn closes once every role is in.',
        returns=r.Ok,
    ),
    Route(
        "POST",
        "/exercises/{id}/moves/{move}/votes",
        "voteOnMove",
        "Estimate the chance that a free-form move succeeds",
        A_ROLE,
        h.vote,
        200,
        "`{move, chance}`: the caller's vote (a second vote replaces the first).",
        returns=r.VoteView,
        request=s.VoteRequest,
    ),
    Route(
        "GET",
        "/exercises/{id}/events",
        "listEvents",
        "The events the caller may see after `since`",
        ANY_SEAT,
        h.events,
        200,
        "`{events: [{seq, type, turn, at, data}]}`, ascending by the exercise-wide `seq`.",
        returns=r.EventList,
        query=s.EventsQuery,
        errors=(400, 401, 403, 404),
    ),
    Route(
        "POST",
        "/exercises/{id}/messages",
        "postMessage",
        "Send a message to some roles, to all, or on a commitment's channel",
        "a role's seat or the facilitator (not the observer)",
        h.post_message,
        201,
        "The message: `{id, turn, from, to, channel, body}`.",
        returns=r.MessageView,
        request=s.MessageRequest,
    ),
    Route(
        "POST",
        "/exercises/{id}/control",
        "control",
        "A facilitator command: start, close or open a turn, pause, resume, finish, extend, "
        "inject, set a variable, replace a seat, fork a new exercise from a resolved turn",
        FACILITATOR,
        h.control,
        200,
        '`{"ok": true}`; `replace_seat` without a bot answers `{token, url}` for the new '
        "player, and `fork` `{id, name, seats: {<seat>: {token, url}}}` for the new "
        "exercise, shown this once.",
        returns=r.ControlReply,
        request=s.ControlRequest,
    ),
    Route(
        "POST",
        "/exercises/{id}/rulings",
        "ruleOnMove",
        "Rule on a free-form move: a chance the server rolls, or an outcome",
        FACILITATOR,
        h.rule_on_move,
        200,
        "The ruling: `{move, chance, outcome, narrative, failure_narrative, changes}`.",
        returns=r.RulingView,
        request=s.RulingRequest,
    ),
    Route(
        "POST",
        "/exercises/{id}/notes",
        "addNote",
        "Write a note: an observation on a turn or an event, or the debrief",
        FACILITATOR,
        h.add_note,
        201,
        f"Created: {NOTE}. Notes are the facilitator's only; `GET /exercises/{{id}}` lists "
        "them under `notes` for the facilitator.",
        returns=r.NoteView,
        request=s.NoteRequest,
    ),
    Route(
        "PATCH",
        "/exercises/{id}/notes/{note}",
        "editNote",
        "Change a note's text (and kind)",
        FACILITATOR,
        h.edit_note,
        200,
        f"The note: {NOTE}.",
        returns=r.NoteView,
        request=s.NoteEdit,
    ),
    Route(
        "DELETE",
        "/exercises/{id}/notes/{note}",
        "deleteNote",
        "Delete a note",
        FACILITATOR,
        h.delete_note,
        200,
        f"The note as it was: {NOTE}.",
        returns=r.NoteView,
    ),
    Route(
        "GET",
        "/exercises/{id}/export",
        "exportExercise",
        "The exercise as the caller's seat may keep it: JSON, CSV or the HTML report",
        ANY_SEAT,
        h.export,
        200,
        "An attachment. `json`: the versioned export (docs/export-format.md), everything for "
        "the facilitator and only what the seat saw for any other; `csv`: `turn,variable,value` "
        "for the variables the seat may see; `html`: the after-action report. Built once per "
        "version of what the seat may see and sent in pieces; its size counts against the "
        "seat's export allowance (429 past it).",
        returns=Export,
        query=s.ExportQuery,
        errors=(400, 401, 403, 404),
        content_types=tuple(CONTENT_TYPES.values()),
        etag=True,
    ),
]
