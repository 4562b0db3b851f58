"""The scenario library's analysis page: the stored balance analysis of a bundled scenario.

The analysis is never computed here (it plays thousands of exercises): `manage.py analyze
--store` writes it, keyed by the scenario text's sha256, so after the scenario changes the
page says it has not been analysed yet until someone runs the command again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString

from exercises.engine import load_bundled_scenarios
from exercises.engine.analysis_summary import ending_ids
from exercises.pages.analysis_charts import band_chart, ending_bars
from exercises.services.analyses import latest_analysis


@dataclass(frozen=True)
class PolicyView:
    name: str
    bars: SafeString
    idle: list[tuple[str, float]]  # (role name, points the endings move)


@dataclass(frozen=True)
class VariableChart:
    name: str
    label: str
    chart: SafeString


def scenario_analysis(request: HttpRequest, scenario_id: str) -> HttpResponse:
    scenario = load_bundled_scenarios().get(scenario_id)
    if scenario is None:
        raise Http404(f"No bundled scenario has the id {scenario_id!r}.")
    stored = latest_analysis(scenario)
    context: dict[str, Any] = {"scenario": scenario, "stored": stored}
    if stored is not None and stored.page is not None:
        context.update(_views(stored.page, request.GET.get("policy")))
    return render(request, "exercises/scenario_analysis.html", context)


def _views(data: dict[str, Any], wanted: str | None) -> dict[str, Any]:
    bases = [s for s in data["setups"] if not s["idle"] and not s["swap"]]
    shown = next((s for s in bases if s["policy"] == wanted), bases[0])
    names = {r["id"]: r["name"] for r in data["roles"]}
    policies = [
        PolicyView(
            s["policy"],
            ending_bars(data["endings"], s["endings"]),
            [(names[r], p) for r, p in data["idle_shift"].get(s["policy"], {}).items()],
        )
        for s in bases
    ]
    ids = ending_ids(data)
    titles = {e["id"]: e["title"] for e in data["endings"]} | {"unresolved": "Unresolved"}
    charts = [
        VariableChart(v["name"], v["label"], band_chart(v, shown["variables"][v["name"]]))
        for v in data["variables"]
    ]
    return {
        "data": data,
        "policies": policies,
        "shown_policy": shown["policy"],
        "charts": charts,
        "endings": [titles[e] for e in ids],
        "rows": [_row(s, ids) for s in data["setups"]],
    }


def _row(setup: dict[str, Any], ids: list[str]) -> tuple[str, list[str]]:
    cells = [setup["endings"][e] for e in ids]
    return setup["label"], [f"{c['share']:.0%} ({c['low']:.0%} to {c['high']:.0%})" for c in cells]
