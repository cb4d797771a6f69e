"""Execute examples/bcp.ipynb as a user would, and check it produced its table and chart."""

from __future__ import annotations

import pytest
from notebooks import errors, execute, outputs


@pytest.fixture(scope="module")
def executed():
    return execute("bcp.ipynb")


def test_notebook_runs_without_errors(executed):
    assert errors(executed) == []


def test_notebook_draws_the_deficit_chart(executed):
    assert len(outputs(executed, "image/png")) >= 1


def test_notebook_shows_projection_in_pounds_millions(executed):
    html = "".join(o["data"]["text/html"] for o in outputs(executed, "text/html"))
    assert "2024-25" in html and "2038-39" in html
    assert "£m" in html


def test_notebook_anchor_checks_all_pass(executed):
    text = "".join(
        str(o.get("data", {}).get("text/plain", ""))
        for c in executed.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
    )
    assert "within tolerance" in text
    cell = next(c for c in executed.cells if "within tolerance" in c.source)
    plain = cell.outputs[-1]["data"]["text/plain"]
    assert "False" not in plain, plain
