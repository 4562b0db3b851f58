"""Pages carry a Content-Security-Policy their own scripts satisfy: scripts and styles from
/static/ only, so no template may hold an inline script, style or event handler."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted((ROOT / "exercises" / "templates").rglob("*.html"))
# The HTML export is a file people download and open from disk: one file, its style inline.
DOWNLOADED = {"exercises/report.html"}
INLINE = {
    "an inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "a style element": re.compile(r"<style\b", re.IGNORECASE),
    "a style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "an event handler attribute": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "a javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def name(path: Path) -> str:
    return str(path.relative_to(ROOT / "exercises" / "templates"))


@pytest.mark.parametrize("template", [t for t in TEMPLATES if name(t) not in DOWNLOADED], ids=name)
def test_a_page_template_holds_no_inline_script_style_or_handler(template: Path) -> None:
    text = template.read_text()

    found = [what for what, pattern in INLINE.items() if pattern.search(text)]

    assert found == [], f"{name(template)} holds {', '.join(found)}"


@pytest.mark.django_db
def test_pages_carry_a_policy_of_self_only_without_unsafe_inline(client: Client) -> None:
    response = client.get("/")

    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in response["Content-Security-Policy"]


SCRIPTS = sorted((ROOT / "static" / "js").glob("*.js"))
BLOCKED_IN_SCRIPTS = re.compile(
    r"setAttribute\(\s*[\"'](style|on[a-z]+)[\"']|\.innerHTML\s*=|\.outerHTML\s*=|"
    r"insertAdjacentHTML|\beval\(|new Function\(|document\.write"
)


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_a_script_sets_no_style_attribute_or_markup_the_policy_would_block(script: Path) -> None:
    found = BLOCKED_IN_SCRIPTS.findall(script.read_text())

    assert found == [], f"{script.name} uses {found}"
