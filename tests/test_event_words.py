"""Every event type the log can hold reads as words, in the report and on the pages alike."""

from __future__ import annotations

import re
from pathlib import Path

from exercises.services.report import HEADLINES

ROOT = Path(__file__).resolve().parent.parent
TYPES = re.findall(r"^### `([a-z_.]+)`", (ROOT / "docs" / "events.md").read_text(), re.M)
SCRIPT = (ROOT / "static" / "js" / "event-words.js").read_text()


def _js_table(name: str) -> set[str]:
    body = SCRIPT.split(f"const {name} = {{", 1)[1].split("\n  };", 1)[0]
    return set(re.findall(r'^    "?([a-z_.]+)"?:', body, re.M))


def test_the_events_doc_lists_types_to_check() -> None:
    assert "turn.adjudicated" in TYPES and len(TYPES) > 30


def test_every_logged_type_has_a_headline_in_the_report() -> None:
    assert sorted(set(TYPES) - set(HEADLINES)) == []


def test_every_logged_type_has_a_headline_and_words_on_the_pages() -> None:
    assert sorted(set(TYPES) - _js_table("HEADLINES")) == []
    assert sorted(set(TYPES) - _js_table("WORDS")) == []


def test_the_report_and_the_pages_give_each_type_the_same_headline() -> None:
    body = SCRIPT.split("const HEADLINES = {", 1)[1].split("\n  };", 1)[0]
    on_pages = dict(re.findall(r'^    "?([a-z_.]+)"?: "([^"]*)"', body, re.M))
    assert {t: HEADLINES[t] for t in TYPES} == {t: on_pages[t] for t in TYPES}
