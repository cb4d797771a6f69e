"""Execute examples/cohort.ipynb as a user would."""

from __future__ import annotations

import pytest
from notebooks import errors, execute, outputs, text


@pytest.fixture(scope="module")
def executed():
    return execute("cohort.ipynb", timeout=300)


def test_notebook_runs_without_errors(executed):
    assert errors(executed) == []


def test_notebook_draws_the_fit_the_views_and_the_age_profile(executed):
    assert len(outputs(executed, "image/png")) >= 3


def test_notebook_shows_the_calibration_and_passes_its_checks(executed):
    out = text(executed)
    assert "Calibration" in out and "+497" in out and "BCP plan, January 2024" in out
    cell = next(c for c in executed.cells if c.source.startswith("checks = {"))
    plain = cell.outputs[-1]["data"]["text/plain"]
    assert "True" in plain and "False" not in plain, plain
