"""Execute examples/public_data.ipynb as a user would."""

from __future__ import annotations

import pytest
from notebooks import errors, execute, outputs, text


@pytest.fixture(scope="module")
def executed():
    return execute("public_data.ipynb", timeout=300)


def test_notebook_runs_without_errors(executed):
    assert errors(executed) == []


def test_notebook_draws_the_history_chart(executed):
    assert len(outputs(executed, "image/png")) >= 1


def test_notebook_puts_the_plan_assumption_beside_the_trend(executed):
    out = text(executed)
    assert "6.2%" in out and "BCP trend, January 2020-2023" in out
    cell = next(c for c in executed.cells if c.source.startswith("checks = {"))
    plain = cell.outputs[-1]["data"]["text/plain"]
    assert "True" in plain and "False" not in plain, plain
