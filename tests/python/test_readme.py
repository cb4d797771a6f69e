"""The README's Python examples run as tests, so the documentation cannot rot."""

from __future__ import annotations

import os
import re
from pathlib import Path

import matplotlib

ROOT = Path(__file__).resolve().parents[2]


def python_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_readme_has_python_examples():
    assert python_blocks(), "README lost its Python quick start"


def test_readme_python_examples_run(monkeypatch):
    matplotlib.use("Agg")
    monkeypatch.chdir(ROOT)
    for block in python_blocks():
        exec(compile(block, "README.md", "exec"), {"__name__": "readme"})  # noqa: S102
    assert os.getcwd() == str(ROOT)
