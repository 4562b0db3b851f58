"""Reads on the move-submission path, in SQL built once from the models.

A submission is the hottest request there is: every role moves every turn, and programs and
bots move through the same API. On it, the ORM spent more time building its queries than the
database spent running them (about 2,000 Python calls to compile and load one `select_related`
lookup, against 100 to run it). Here the column lists come from the models' metadata, the SQL
is written once per process, and rows become model instances through the converters and the
`Model.from_db` the ORM itself uses, so callers get the ORM's own objects.

The two writes every submission makes, its move and its event, are here too: `insert` does
what `save()` does for a new row (field defaults, `auto_now_add`, the fields' own conversion to
the database) without compiling an INSERT each time. No model here has save signals or a
custom `save()`; one that gets them must not be inserted through this module.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Field, Model

from exercises.models import Exercise, Move, Seat, Turn

M = TypeVar("M", bound=Model)
Converter = Callable[[Any, Any, Any], Any]


class Table:
    """One model's columns in a query, under an alias, and how to load them."""

    def __init__(self, model: type[Model], alias: str) -> None:
        self.model = model
        self.alias = alias
        self.fields: list[Field[Any, Any]] = list(model._meta.concrete_fields)
        self.names = [field.attname for field in self.fields]
        self.name = connection.ops.quote_name(str(model._meta.db_table))

    def columns(self) -> str:
        quote = connection.ops.quote_name
        return ", ".join(f"{self.alias}.{quote(str(field.column))}" for field in self.fields)

    def load(self, values: Sequence[Any]) -> Model:
        converted = [
            convert(value) for convert, value in zip(self.converters(), values, strict=True)
        ]
        return self.model.from_db(connection.alias, self.names, converted)

    def converters(self) -> list[Callable[[Any], Any]]:
        return _converters(self.model, self.alias, connection.vendor)

    def __len__(self) -> int:
        return len(self.fields)


@cache
def _converters(model: type[Model], alias: str, vendor: str) -> list[Callable[[Any], Any]]:
    return [_converter_for(field.get_col(alias)) for field in model._meta.concrete_fields]


def _converter_for(column: Any) -> Callable[[Any], Any]:
    steps: list[Converter] = [
        *connection.ops.get_db_converters(column),
        *column.get_db_converters(connection),
    ]

    def convert(value: Any) -> Any:
        for step in steps:
            value = step(value, column, connection)
        return value

    return convert


def load(row: Sequence[Any], *tables: Table) -> list[Model]:
    """Split a row into one instance per table, in the order the tables' columns came."""
    instances, start = [], 0
    for table in tables:
        instances.append(table.load(row[start : start + len(table)]))
        start += len(table)
    return instances


def insert(instance: M) -> M:
    """Write a new instance as one INSERT and give it its primary key."""
    model = type(instance)
    fields = _insertable(model)
    values = [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]
    row = fetch_one(_insert_sql(model, connection.vendor), values)
    assert row is not None
    instance.pk = row[0]
    instance._state.adding = False
    instance._state.db = connection.alias
    return instance


@cache
def _insertable(model: type[Model]) -> list[Field[Any, Any]]:
    return [field for field in model._meta.concrete_fields if not field.primary_key]


@cache
def _insert_sql(model: type[Model], vendor: str) -> str:
    quote = connection.ops.quote_name
    fields = _insertable(model)
    columns = ", ".join(quote(str(field.column)) for field in fields)
    places = ", ".join(["%s"] * len(fields))
    primary_key = quote(str(model._meta.pk.column))
    table = quote(str(model._meta.db_table))
    return f"INSERT INTO {table} ({columns}) VALUES ({places}) RETURNING {primary_key}"


def claim_seq(exercise_pk: int, seq: int) -> bool:
    """Move the exercise's `last_seq` from `seq - 1` to `seq`; False if it was not `seq - 1`."""
    table = connection.ops.quote_name(str(Exercise._meta.db_table))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_seq = %s WHERE id = %s AND last_seq = %s",
            [seq, exercise_pk, seq - 1],
        )
        return bool(cursor.rowcount == 1)


def fetch_one(sql: str, params: Sequence[Any]) -> tuple[Any, ...] | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row: tuple[Any, ...] | None = cursor.fetchone()
        return row


def fetch_all(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


# The queries. Each is built on first use, from the models, for the connection's backend.

SEAT, EXERCISE, TURN = (Seat, "s"), (Exercise, "e"), (Turn, "t")


@cache
def _tables(*specs: tuple[type[Model], str]) -> tuple[Table, ...]:
    return tuple(Table(model, alias) for model, alias in specs)


@cache
def _seat_by_token_sql(vendor: str) -> str:
    seat, exercise = _tables(SEAT, EXERCISE)
    return (
        f"SELECT {seat.columns()}, {exercise.columns()} FROM {seat.name} s "
        f"JOIN {exercise.name} e ON e.id = s.exercise_id WHERE s.token_hash = %s"
    )


def seat_by_token_hash(token_hash: str) -> Seat | None:
    """The seat with this token hash and its exercise (`select_related`)."""
    row = fetch_one(_seat_by_token_sql(connection.vendor), [token_hash])
    if row is None:
        return None
    seat, exercise = load(row, *_tables(SEAT, EXERCISE))
    seat.exercise = exercise  # type: ignore[attr-defined]
    return seat  # type: ignore[return-value]


@cache
def _turn_and_exercise_sql(vendor: str) -> str:
    turn, exercise, seat = _tables(TURN, EXERCISE, SEAT)
    return (
        f"SELECT {turn.columns()}, {exercise.columns()}, s.revoked_at IS NOT NULL, s.bot_policy "
        f"FROM {exercise.name} e JOIN {seat.name} s ON s.exercise_id = e.id "
        f"JOIN {turn.name} t ON t.exercise_id = e.id "
        "WHERE s.id = %s ORDER BY t.number DESC LIMIT 1"
    )


def current_turn_of_seat(seat_pk: int) -> tuple[Turn, bool, str] | None:
    """The latest turn of the seat's exercise (its `exercise` loaded), and whether the seat
    is revoked and which bot plays it, as they are now; None when there is no turn yet."""
    row = fetch_one(_turn_and_exercise_sql(connection.vendor), [seat_pk])
    if row is None:
        return None
    turn, exercise = load(row, *_tables(TURN, EXERCISE))
    turn.exercise = exercise  # type: ignore[attr-defined]
    revoked, bot_policy = row[-2:]
    return turn, bool(revoked), bot_policy  # type: ignore[return-value]


@cache
def _moves_sql(vendor: str, with_key: bool) -> str:
    quote = connection.ops.quote_name
    live = "(turn_id = %s AND role = %s AND status = %s)"
    where = f"{live} OR (seat_id = %s AND idempotency_key = %s)" if with_key else live
    return (
        "SELECT id, seat_id, idempotency_key, turn_id, status, action, params, rationale "
        f"FROM {quote(Move._meta.db_table)} WHERE {where} ORDER BY id"
    )


def live_moves_and_key(turn_pk: int, role: str, seat_pk: int, key: str) -> list[tuple[Any, ...]]:
    """The role's live moves in the turn, and the seat's move made with `key` (when there is
    a key), in the order they were made, as rows of (id, seat_id, idempotency_key, turn_id,
    status, action, params, rationale)."""
    params: list[Any] = [turn_pk, role, Move.Status.SUBMITTED]
    if key:
        params += [seat_pk, key]
    rows = fetch_all(_moves_sql(connection.vendor, bool(key)), params)
    move = _tables((Move, "m"))[0]
    convert_params = move.converters()[move.names.index("params")]
    return [(*row[:6], convert_params(row[6]), row[7]) for row in rows]
