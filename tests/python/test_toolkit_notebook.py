"""Execute examples/scenarios.ipynb as a user would, and check it produced its figures."""

from __future__ import annotations

import pytest
from notebooks import errors, execute, outputs


@pytest.fixture(scope="module")
def executed():
    return execute("scenarios.ipynb")


def test_runs_without_errors(executed):
    assert errors(executed) == []


def test_draws_its_figures(executed):
    # Overlay, goal-seek overlay, tornado, summary, waterfall (and the what-if chart).
    assert len(outputs(executed, "image/png")) >= 5


def test_says_plainly_whether_a_transfer_can_balance(executed):
    text = "".join(o.get("text", "") for c in executed.cells for o in c.get("outputs", []))
    assert "block_transfer" in text
    assert "brings the in-year deficit in 2030-31" in text or "cannot be met" in text
    assert "re-projected in-year deficit in 2030-31" in text


def test_shows_the_comparison_and_the_workbooks(executed):
    html = "".join(o["data"]["text/html"] for o in outputs(executed, "text/html"))
    assert "(unmitigated)" in html and "First balanced year" in html
    plain = "".join(str(o["data"].get("text/plain", "")) for o in outputs(executed, "text/plain"))
    assert "bcp_plan.xlsx" in plain and "bcp_inputs.xlsx" in plain
