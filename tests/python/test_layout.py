"""The package's import layout (issue 9 item 18): shared argument helpers live in a small module
beside ``_format.py``, so no analysis imports another analysis for its helpers."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "python" / "dsg_forecast"


def _imports(module: str) -> set[str]:
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
            found.add(node.module)
    return found


def test_analyses_and_charts_do_not_import_goal_seek_for_helpers():
    for module in ("sensitivity", "compare", "charts", "simulation", "plotting", "excel"):
        assert "goal_seek" not in _imports(module), module


def test_shared_helpers_live_in_args_module():
    import importlib

    from dsg_forecast import _args

    goal_seek = importlib.import_module("dsg_forecast.goal_seek")

    for name in ("bad_argument", "real_number", "format_value", "financial_year"):
        assert hasattr(_args, name), name
        # goal_seek keeps its public names working (they are the same objects)
        assert getattr(goal_seek, name) is getattr(_args, name)
    err = _args.bad_argument("x", 1, "expected text")
    assert err.issues[0]["path"] == "x"
    assert _args.format_value(0.0235, "rate") == "2.35%"
