"""`python manage.py create_exercise SCENARIO --name N`: a new exercise and its seat links.

Every seat's token is printed once, here, and stored only hashed: keep the output. With
`--json`, prints `{"id", "seats": {"<seat>": {"token", "url"}}}`; without, a list a person
can read. `--bots` gives roles to bots; `--players` is the other way round (bots play every
role it does not name). `--close-when` and `--review`/`--no-review` default as the lobby's
form does (`creation.people_defaults`): with a person in any role, turns close at the deadline
or by the facilitator, and each is reviewed before it is published; with bots only, each turn
closes once everyone is in and is published at once.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser, BooleanOptionalAction
from typing import Any

from django.core.management.base import BaseCommand
from django.db import DatabaseError

from exercises.engine import Scenario
from exercises.management import UnknownScenario, load, scenario_path, usage_error
from exercises.services import creation, uploads
from exercises.services.errors import ServiceError

DEFAULT_BASE_URL = "http://127.0.0.1:8000"


class Command(BaseCommand):
    help = "Create an exercise in the lobby and print a link for every seat."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "scenario",
            metavar="SCENARIO",
            help="a bundled id, a file, or an uploaded scenario's id",
        )
        parser.add_argument("--name", required=True, help="the exercise's name")
        parser.add_argument("--seed", default=None, help="default: a random one")
        parser.add_argument(
            "--turn-seconds", type=int, default=None, help="each turn's deadline (default: none)"
        )
        bots = parser.add_mutually_exclusive_group()
        bots.add_argument("--bots", default="", metavar="ROLE,...", help="roles bots play")
        bots.add_argument(
            "--players", default=None, metavar="ROLE,...", help="roles people play; bots the rest"
        )
        parser.add_argument(
            "--bot-policy", default=None, help="the bots' policy (default: the scenario's first)"
        )
        parser.add_argument(
            "--auto-advance", action="store_true", help="open each turn once the last resolves"
        )
        parser.add_argument(
            "--close-when",
            choices=["everyone_in", "deadline"],
            default=None,
            help="close each turn once everyone is in, or only at its deadline or by hand "
            "(default: everyone_in for bots only, deadline with people)",
        )
        parser.add_argument(
            "--review",
            action=BooleanOptionalAction,
            default=None,
            help="the facilitator reviews each turn before it is published "
            "(default: with people, yes)",
        )
        parser.add_argument("--base-url", default=DEFAULT_BASE_URL, help="the server's address")
        parser.add_argument("--json", action="store_true", help="print the seats as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        scenario = find(options["scenario"])
        bots = bot_roles(scenario, options["bots"], options["players"])
        policy = options["bot_policy"] or next(iter(scenario.policies), None)
        if bots and policy is None:
            raise usage_error(f"{scenario.id} has no bot policies")
        close_when, review = creation.people_defaults(scenario, dict.fromkeys(bots, ""))
        try:
            created = creation.create_exercise(
                scenario,
                options["name"],
                seed=options["seed"],
                turn_seconds=options["turn_seconds"],
                bots=dict.fromkeys(bots, policy or ""),
                auto_advance=options["auto_advance"],
                close_when=options["close_when"] or close_when,
                review=review if options["review"] is None else options["review"],
            )
        except ServiceError as exc:
            raise usage_error(str(exc)) from exc
        except DatabaseError as exc:
            raise usage_error(
                f"the database refused the exercise ({exc}); is it migrated? "
                "(python manage.py migrate)"
            ) from exc
        summary = {
            "id": created.exercise.public_id,
            "seats": seats(created.tokens, options["base_url"]),
        }
        if options["json"]:
            self.stdout.write(json.dumps(summary, indent=2))
        else:
            self.stdout.write(readable(created, summary, scenario, bots, policy))


def find(ref: str) -> Scenario:
    """A file or bundled scenario, else the latest version of one uploaded in the lobby (and
    not retired)."""
    try:
        scenario_path(ref)
    except UnknownScenario as exc:
        uploaded = uploads.active_scenario(ref) if "/" not in ref else None
        if uploaded is None:
            raise usage_error(f"{exc}, nor an uploaded scenario in use") from exc
        return uploaded
    return load(ref)


def split(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def bot_roles(scenario: Scenario, bots: str, players: str | None) -> list[str]:
    named = split(bots) if players is None else split(players)
    unknown = [role for role in named if role not in scenario.role_ids]
    if unknown:
        roles = ", ".join(scenario.role_ids)
        raise usage_error(f"{scenario.id} has no role {unknown[0]!r} (its roles: {roles})")
    if players is None:
        return named
    return [role for role in scenario.role_ids if role not in named]


def seats(tokens: dict[str, str], base_url: str) -> dict[str, dict[str, str]]:
    """Facilitator, observer, then the roles in the scenario's order (the order of `tokens`)."""
    base = base_url.rstrip("/")
    return {seat: {"token": token, "url": f"{base}/join/{token}"} for seat, token in tokens.items()}


def readable(
    created: creation.Created,
    summary: dict[str, Any],
    scenario: Scenario,
    bots: list[str],
    policy: str | None,
) -> str:
    exercise = created.exercise
    width = max(len(seat) for seat in summary["seats"])
    lines = [
        f"{exercise.name} ({scenario.title}, {scenario.id}): exercise {exercise.public_id}",
        "Each link opens one seat; it is shown only now, so keep it.",
        "",
    ]
    for seat, entry in summary["seats"].items():
        note = f"  (bot: {policy})" if seat in bots else ""
        lines.append(f"{seat:<{width}}  {entry['url']}{note}")
    return "\n".join(lines)
