"""The engine is pure Python: it imports no Django, Celery or Channels, directly or not.

Checked twice: by reading every module's imports, which names the offending line, and by
importing the engine in a fresh interpreter, which also catches an indirect import.
"""

import ast
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENGINE = ROOT / "exercises" / "engine"
FORBIDDEN = ("django", "celery", "channels", "channels_redis", "kombu", "redis")


def imported_modules(path: Path) -> Iterator[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module
        elif isinstance(node, ast.Call) and _is_dynamic_import(node):
            argument = node.args[0]
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                yield node.lineno, argument.value


def _is_dynamic_import(node: ast.Call) -> bool:
    func = node.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
    return name in {"__import__", "import_module"} and bool(node.args)


def is_forbidden(module: str) -> bool:
    return module.split(".")[0] in FORBIDDEN


def test_no_engine_module_imports_django_celery_or_channels() -> None:
    modules = sorted(ENGINE.rglob("*.py"))
    offences = [
        f"{path.relative_to(ROOT)}:{line}: imports {module}"
        for path in modules
        for line, module in imported_modules(path)
        if is_forbidden(module)
    ]

    assert len(modules) > 5, "the engine's modules were not found"
    assert offences == []


def test_the_import_check_would_catch_each_form_of_import(tmp_path: Path) -> None:
    module = tmp_path / "bad.py"
    module.write_text(
        "import django\n"
        "from celery import shared_task\n"
        "import channels.layers as layers\n"
        "from os import path\n"
        "importlib.import_module('django.conf')\n"
    )

    found = [m for _, m in imported_modules(module) if is_forbidden(m)]

    assert found == ["django", "celery", "channels.layers", "django.conf"]


def test_importing_the_engine_loads_no_django_celery_or_channels() -> None:
    script = (
        "import json, sys\n"
        "import exercises.engine\n"
        "import exercises.engine.simulation\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )

    loaded = json.loads(done.stdout)
    assert "exercises.engine" in loaded
    assert [name for name in loaded if is_forbidden(name)] == []
