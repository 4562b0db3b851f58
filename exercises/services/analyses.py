"""Stored balance analyses: written by `manage.py analyze --store`, read by the library page."""

from __future__ import annotations

import hashlib
from typing import Any

from exercises.engine import Scenario
from exercises.models import ScenarioAnalysis


def scenario_sha256(scenario: Scenario) -> str:
    return hashlib.sha256(scenario.source.encode()).hexdigest()


def store_analysis(scenario: Scenario, data: dict[str, Any]) -> ScenarioAnalysis:
    """Keep `data` for this exact text and run count; analysing again replaces it."""
    row, _ = ScenarioAnalysis.objects.update_or_create(
        sha256=scenario_sha256(scenario),
        runs=data["runs"],
        defaults={
            "scenario_id": scenario.id,
            "version": str(scenario.version),
            "seed": str(data["seed"]),
            "data": data,
            "page": page_of(data),
        },
    )
    return row


def page_of(data: dict[str, Any]) -> dict[str, Any]:
    """The analysis as its page shows it: every set-up's endings, but the per-turn figures of
    the policies as they stand only (the page charts one of those at a time)."""

    def base(setup: dict[str, Any]) -> bool:
        return not setup["idle"] and not setup["swap"]

    setups = [
        s if base(s) else {k: v for k, v in s.items() if k != "variables"} for s in data["setups"]
    ]
    return {**data, "setups": setups}


def latest_analysis(scenario: Scenario) -> ScenarioAnalysis | None:
    """The analysis of this text with the most runs (the narrowest intervals), if any, with
    its page's data and not the whole (`data` is deferred: read it only to export it)."""
    rows = ScenarioAnalysis.objects.filter(sha256=scenario_sha256(scenario)).defer("data")
    row = rows.order_by("-runs", "-created_at").first()
    if row is not None and row.page is None:  # stored before pages were kept apart
        row.page = page_of(row.data)
        row.save(update_fields=["page"])
    return row
