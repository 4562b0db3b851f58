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
        },
    )
    return row


def latest_analysis(scenario: Scenario) -> ScenarioAnalysis | None:
    """The analysis of this text with the most runs (the narrowest intervals), if any."""
    rows = ScenarioAnalysis.objects.filter(sha256=scenario_sha256(scenario))
    return rows.order_by("-runs", "-created_at").first()
