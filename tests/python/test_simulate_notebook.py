"""Execute examples/uncertainty.ipynb as a user would: fan chart, probability, drivers."""

from __future__ import annotations

import pytest
from notebooks import errors, execute, outputs, text


@pytest.fixture(scope="module")
def executed():
    return execute("uncertainty.ipynb")


def test_notebook_runs_without_errors(executed):
    assert errors(executed) == []


def test_notebook_draws_fan_charts_and_the_driver_chart(executed):
    assert len(outputs(executed, "image/png")) >= 3


def test_notebook_states_the_probability_of_balance(executed):
    out = text(executed)
    assert "Chance the plan has reached in-year balance by 2038-39:" in out
    line = next(x for x in out.splitlines() if "balance by 2038-39" in x)
    share = float(line.rsplit(" ", 1)[1].rstrip("%"))
    assert 0 <= share <= 100


def test_notebook_ranks_the_drivers(executed):
    html = "".join(o["data"]["text/html"] for o in outputs(executed, "text/html"))
    assert "ehcp_growth" in html and "ST" in html
    assert "100,000 paths" in html
