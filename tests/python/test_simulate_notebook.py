"""Execute examples/uncertainty.ipynb as a user would: fan chart, probability, drivers."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def executed():
    nb = nbformat.read(EXAMPLES / "uncertainty.ipynb", as_version=4)
    NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(EXAMPLES)}}
    ).execute()
    return nb


def outputs(nb, kind):
    return [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if kind in o.get("data", {})
    ]


def text(nb):
    return "".join(
        str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
    )


def test_notebook_runs_without_errors(executed):
    errors = [
        o
        for c in executed.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    assert errors == []


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
