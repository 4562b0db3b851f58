"""What checking an uploaded scenario costs: the sandbox (a child interpreter with limits)
against loading in this process, for each bundled scenario and the hostile fixture.

    python benchmarks/upload_check.py [--repeat 3] [--seconds 10]

Prints the median wall time of `sandbox.check_text` and of `load_scenario_text` in this
process, and for the hostile file how long the refusal took with a limit of --seconds. Not a
test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wargame.settings")


def median_seconds(work: Callable[[str], object], text: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work(text)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10.0)
    options = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings

    from exercises.engine import load_scenario_text
    from exercises.engine.loader import BUNDLED
    from exercises.services import sandbox

    for path in sorted(BUNDLED.glob("*.yaml")):
        text = path.read_text()
        child = median_seconds(sandbox.check_text, text, options.repeat)
        here = median_seconds(load_scenario_text, text, options.repeat)
        print(f"{path.stem:<12} sandbox {child:6.2f} s   in process {here:6.2f} s")
    settings.WARGAME_SCENARIO_SECONDS = options.seconds
    hostile = (ROOT / "tests" / "fixtures" / "hostile_nested_lists.yaml").read_text()
    started = time.perf_counter()
    try:
        sandbox.check_text(hostile)
        outcome = "accepted"
    except sandbox.TooCostly as exc:
        outcome = str(exc)
    print(f"hostile      {time.perf_counter() - started:6.2f} s: {outcome}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
