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


def test_readme_bcp_figures_are_what_the_model_gives():
    """Every £ figure in the README's BCP table and unmitigated sentence is reproduced."""
    import dsg_forecast as dsg

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("<!-- bcp-anchors")[1].split("<!-- /bcp-anchors -->")[0]
    model = [row.split("|")[3].strip() for row in block.strip().splitlines()[3:]]
    p = dsg.project(dsg.Scenario.from_toml(ROOT / "examples" / "bcp_safety_valve_2024.toml"))
    iy, closing = p["in_year_deficit"] / 1e6, p["closing_deficit"] / 1e6
    surplus = -iy[p.metrics["first_balanced_year"]]
    assert model == [
        f"£{iy['2024-25']:.1f}m",
        f"£{closing['2026-27']:.1f}m",
        f"£{closing['2038-39']:.1f}m",
        f"{p.metrics['first_balanced_year']} (surplus £{surplus:.1f}m)",
    ]
    u = dsg.project(dsg.Scenario.from_toml(ROOT / "examples" / "bcp_unmitigated_2024.toml"))
    assert f"£{u.metrics['closing_deficit'] / 1e6:,.1f}m by the end of 2038-39" in text


def test_readme_error_example_is_what_the_cli_prints(tmp_path, run_cli):
    """The README's error example: the BCP plan with a misspelt key and a 3% transfer."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = text.split("error: plan.toml:")[1].split("```")[0]
    plan = (ROOT / "examples" / "bcp_safety_valve_2024.toml").read_text(encoding="utf-8")
    plan = plan.replace(
        'block_transfer = { "2024-25" = 0.005, "2025-26" = 0.01 }',
        'block_transfer = { "2024-25" = 0.005, "2026-27" = 0.03 }',
    ).replace("hnb_growth = 0.03", "hnb_grwoth = 0.04", 1)
    (tmp_path / "plan.toml").write_text(plan, encoding="utf-8")
    r = run_cli("check", "plan.toml", cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr.strip() == ("error: plan.toml:" + shown).strip()
