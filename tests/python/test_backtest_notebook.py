"""Execute examples/backtest.ipynb as a user would: BCP's January 2024 plan against its
outturn, rolled forward, what the outturn implies, and the back-test of each demand model."""

from __future__ import annotations

import pytest
from notebooks import errors, execute, outputs, text


@pytest.fixture(scope="module")
def executed():
    return execute("backtest.ipynb", timeout=300)


def cell(nb, start: str):
    """The code cell whose source starts with ``start``."""
    return next(c for c in nb.cells if c.cell_type == "code" and c.source.startswith(start))


def shown(c) -> str:
    """Everything a cell printed or displayed (plain text and HTML)."""
    return "".join(
        str(o.get("text", ""))
        + str(o.get("data", {}).get("text/plain", ""))
        + str(o.get("data", {}).get("text/html", ""))
        for o in c.outputs
    )


def test_notebook_runs_without_errors(executed):
    assert errors(executed) == []


def test_notebook_draws_the_deficit_the_paths_and_the_back_test(executed):
    assert len(outputs(executed, "image/png")) >= 3
    for start in ("ax = p.plot()", "fig, ax = plt.subplots", "fig, axes = plt.subplots"):
        assert any("image/png" in o.get("data", {}) for o in cell(executed, start).outputs), start


def test_plan_against_outturn(executed):
    variance = shown(cell(executed, "v = p.variance()"))
    for figure in ("91.0", "113.3", "-22.3", "28.0", "47.8", "-19.8"):
        assert figure in variance, figure
    said = shown(cell(executed, "gap = "))
    assert "£22.3m above the plan: £2.5m was there before the plan began, £19.8m arose in" in said
    assert "71% above the plan's" in said


def test_rolled_forward_on_the_actuals(executed):
    notes = shown(cell(executed, "rolled = actual_plan.roll_forward"))
    assert "actual closing deficit at 31 March 2025" in notes
    paths = shown(cell(executed, "pr = dsg.project(rolled)"))
    assert "116.7" in paths and "139.0" in paths and "302.0" in paths and "324.3" in paths
    assert "£22.3m above the old one in every year from 2025-26" in shown(cell(executed, "shift ="))


def test_what_the_outturn_implies(executed):
    refused = shown(cell(executed, "try:"))
    assert "ehcp_growth changes the plan from the year after it (2025-26)" in refused
    implied = shown(cell(executed, "from_actual = "))
    assert "leaves £19.8m, 24.6% of the £80.5m the plan spends on placements" in implied
    assert "£26,000" in implied and "£32,390" in implied and "£43,680" in implied
    level = shown(cell(executed, "rolled_level = "))
    assert "617.7" in level and "not by 2038-39" in level


def test_savings_and_back_tests(executed):
    assert "£315.7m in all" in shown(cell(executed, "steps = "))
    out = text(executed)
    assert "England, 5 year(s) ahead: naive 16.1%; growth 24.4% (worse than naive)" in out
    assert "Every council, 5 year(s) ahead: naive 30.5%; growth 23.5% (better than naive)" in out
    bcp3 = "BCP, 3 year(s) ahead: naive 13.9%; growth 9.5% (better than naive); cohort 14.2%"
    assert bcp3 + " (worse than naive)" in out
    assert "15 South West councils" in out


def test_notebook_passes_its_checks(executed):
    plain = cell(executed, "def mape(").outputs[-1]["data"]["text/plain"]
    assert "True" in plain and "False" not in plain, plain
