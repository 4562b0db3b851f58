"""Untrusted scenario text, loaded and checked in a child process with limits.

A scenario uploaded in the lobby can make the loader work for minutes (expressions that build
large lists are probed against every role), and the quick check plays it. Neither may hang a
request or a worker, so both run in a fresh interpreter (`sandbox_child`) whose CPU time and
address space the kernel caps (RLIMIT_CPU, RLIMIT_AS) and whose wall-clock time the parent
caps, killing it: a child that sleeps or waits uses no CPU. Over a limit, the answer is a
`TooCostly` error a person can read, never a hung page.
"""

from __future__ import annotations

import base64
import json
import math
import os
import selectors
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings

from .errors import Invalid

ROOT = Path(__file__).resolve().parent.parent.parent
Progress = Callable[[int, int], None]


class TooCostly(Invalid):
    """The child went over its time or memory limit, or died without an answer."""


def load_limits() -> tuple[float, float]:
    return float(settings.WARGAME_SCENARIO_SECONDS), float(settings.WARGAME_SCENARIO_MEMORY_MB)


def check_text(text: str) -> dict[str, Any]:
    """`{"errors", "warnings", "id", "title", "version"}`: the loader's answer on `text`."""
    seconds, memory = load_limits()
    answer: dict[str, Any] = run({"task": "load", "text": text}, seconds, memory, "to check")
    return answer


def merge_timeline(text: str, sheet: bytes, name: str) -> dict[str, Any]:
    """`sandbox_child.merge_timeline`'s answer: the sheet read and merged into `text`."""
    seconds, memory = load_limits()
    request = {
        "task": "merge_timeline",
        "text": text,
        "sheet": base64.b64encode(sheet).decode("ascii"),
        "name": name,
    }
    answer: dict[str, Any] = run(request, seconds, memory, "to merge with the timeline")
    return answer


def quick_check(text: str, runs: int, seed: str, progress: Progress | None = None) -> Any:
    _, memory = load_limits()
    seconds = float(settings.WARGAME_QUICK_CHECK_SECONDS)
    request = {"task": "quick_check", "text": text, "runs": runs, "seed": seed}
    return run(request, seconds, memory, "to run", progress)


def run(
    request: dict[str, Any],
    seconds: float,
    memory_mb: float,
    doing: str,
    progress: Progress | None = None,
) -> Any:
    command = [sys.executable, "-m", "exercises.services.sandbox_child"]
    with subprocess.Popen(
        [*command, *_limits(seconds, memory_mb)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
        env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT)},
    ) as child:
        try:
            lines = _talk(child, json.dumps(request).encode(), seconds, progress)
        finally:
            if child.poll() is None:
                child.kill()
    return _answer(lines, child.returncode, seconds, memory_mb, doing)


def _limits(seconds: float, memory_mb: float) -> list[str]:
    """The child's CPU seconds and bytes of address space, which it sets on itself before it
    reads the request (a `preexec_fn` would run Python between fork and exec, which is unsafe
    in a server with threads)."""
    return [str(max(1, math.ceil(seconds))), str(int(memory_mb * 1024 * 1024))]


def _talk(
    child: subprocess.Popen[bytes], request: bytes, seconds: float, progress: Progress | None
) -> list[dict[str, Any]]:
    """The child's lines, read until it closes its output or its time is up."""
    assert child.stdin is not None and child.stdout is not None
    try:
        child.stdin.write(request)
        child.stdin.close()
    except BrokenPipeError:  # it died at once (out of memory while starting): no answer
        return []
    deadline = time.monotonic() + seconds
    lines: list[dict[str, Any]] = []
    buffer = b""
    with selectors.DefaultSelector() as selector:
        selector.register(child.stdout, selectors.EVENT_READ)
        while (left := deadline - time.monotonic()) > 0:
            if not selector.select(left):
                break
            chunk = os.read(child.stdout.fileno(), 65536)
            if not chunk:
                return lines
            buffer += chunk
            *complete, buffer = buffer.split(b"\n")
            for raw in complete:
                line = json.loads(raw)
                if progress and "progress" in line:
                    progress(*line["progress"])
                lines.append(line)
    lines.append({"error": "time"})
    return lines


def _answer(
    lines: list[dict[str, Any]], code: int | None, seconds: float, memory_mb: float, doing: str
) -> Any:
    last = lines[-1] if lines else {}
    if "result" in last:
        return last["result"]
    error = last.get("error")
    # SIGXCPU: the kernel stopped it at its CPU limit.
    if error == "time" or code == -24:
        raise TooCostly(f"the scenario took longer than {seconds:g} s {doing}")
    if error == "memory" or not lines:
        raise TooCostly(f"the scenario needed more than {memory_mb:g} MB {doing}")
    raise TooCostly(f"the scenario could not be checked ({error or 'the check stopped'})")
