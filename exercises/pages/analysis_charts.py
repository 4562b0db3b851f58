"""Server-drawn SVG for the analysis page: ending shares with their intervals, and a
variable's mean inside its p5-p95 band by turn. Drawn here rather than in the browser because
the data are fixed once stored and the page then needs no script."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BAR_WIDTH, ROW, LABEL = 260, 26, 150
PLOT_W, PLOT_H, PAD = 300, 120, 30


def ending_bars(endings: Sequence[dict[str, Any]], shares: dict[str, dict[str, Any]]) -> SafeString:
    """One bar per ending (its share) with a whisker from the interval's low to its high."""
    rows = [e for e in endings if e["id"] in shares]
    height = ROW * len(rows) + 4
    parts = [
        f'<svg class="chart analysis-bars" viewBox="0 0 {LABEL + BAR_WIDTH + 60} {height}" '
        f'role="img" aria-label="{escape(_bars_text(rows, shares))}">'
    ]
    for i, ending in enumerate(rows):
        cell, y = shares[ending["id"]], i * ROW + 4
        x0, x1 = LABEL + cell["low"] * BAR_WIDTH, LABEL + cell["high"] * BAR_WIDTH
        mid = y + ROW / 2 - 2
        parts += [
            f'<text x="{LABEL - 6}" y="{mid + 4}" text-anchor="end">'
            f"{escape(ending['title'])}</text>",
            f'<rect x="{LABEL}" y="{y}" width="{BAR_WIDTH}" height="{ROW - 8}" class="track"/>',
            f'<rect x="{LABEL}" y="{y}" width="{cell["share"] * BAR_WIDTH:.1f}" '
            f'height="{ROW - 8}" class="bar"/>',
            f'<line x1="{x0:.1f}" x2="{x1:.1f}" y1="{mid}" y2="{mid}" class="whisker"/>',
            f'<text x="{LABEL + BAR_WIDTH + 6}" y="{mid + 4}">{cell["share"]:.0%}</text>',
        ]
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text in it was escaped above


def _bars_text(rows: Sequence[dict[str, Any]], shares: dict[str, dict[str, Any]]) -> str:
    return "; ".join(
        f"{e['title']}: {shares[e['id']]['share']:.0%} "
        f"({shares[e['id']]['low']:.0%} to {shares[e['id']]['high']:.0%})"
        for e in rows
    )


def band_chart(variable: dict[str, Any], band: dict[str, list[float]]) -> SafeString:
    """The mean as a line inside the p5-p95 band, turn 0 (the start) to the last turn."""
    low, high = _y_range(variable, band)
    turns = len(band["mean"]) - 1 or 1

    def point(turn: int, value: float) -> str:
        x = PAD + turn / turns * PLOT_W
        y = PAD / 2 + (high - value) / (high - low) * PLOT_H
        return f"{x:.1f},{y:.1f}"

    upper = [point(t, v) for t, v in enumerate(band["p95"])]
    lower = [point(t, v) for t, v in reversed(list(enumerate(band["p5"])))]
    mean = [point(t, v) for t, v in enumerate(band["mean"])]
    text = (
        f"{variable['label']}: mean {band['mean'][0]:g} at the start, {band['mean'][-1]:g} "
        f"after turn {turns} (p5 {band['p5'][-1]:g}, p95 {band['p95'][-1]:g})"
    )
    bottom = PAD / 2 + PLOT_H
    return mark_safe(  # every text in it is a number or escaped
        f'<svg class="chart analysis-band" viewBox="0 0 {PLOT_W + PAD + 10} {PLOT_H + PAD + 10}" '
        f'role="img" aria-label="{escape(text)}">'
        f'<polygon class="band" points="{" ".join(upper + lower)}"/>'
        f'<polyline class="mean" fill="none" points="{" ".join(mean)}"/>'
        f'<text x="{PAD - 4}" y="{PAD / 2 + 4}" text-anchor="end">{_tick(high)}</text>'
        f'<text x="{PAD - 4}" y="{bottom}" text-anchor="end">{_tick(low)}</text>'
        f'<text x="{PAD}" y="{bottom + 14}">0</text>'
        f'<text x="{PAD + PLOT_W}" y="{bottom + 14}" text-anchor="end">{turns}</text>'
        "</svg>"
    )


def _y_range(variable: dict[str, Any], band: dict[str, list[float]]) -> tuple[float, float]:
    """The variable's bounds when it has both; else the band's own extent, never empty."""
    if variable["type"] == "bool":
        return 0.0, 1.0
    if variable["min"] is not None and variable["max"] is not None:
        return float(variable["min"]), float(variable["max"])
    low, high = min(band["p5"]), max(band["p95"])
    if variable["min"] is not None:
        low = float(variable["min"])
    if variable["max"] is not None:
        high = float(variable["max"])
    return (low - 1, high + 1) if low == high else (low, high)


def _tick(value: float) -> str:
    size = abs(value)
    if size >= 1e6:
        return f"{value / 1e6:.3g}M"
    if size >= 1e4:
        return f"{value / 1e3:.3g}k"
    return f"{value:.4g}"
