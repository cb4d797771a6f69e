"""Actuals beside the plan (issue 13 part 1): the variance frame, the actual lines in the
table and the JSON (null, never NaN), the notebook display, Excel, and chart markers."""

from __future__ import annotations

import json
import math

import dsg_forecast as dsg
import numpy as np
import pytest
from conftest import BCP_PATH

ACTUALS = {
    "closing_deficit": {"2022-23": 36.0e6, "2023-24": 65.5e6, "2024-25": 113.3e6},
    "in_year_deficit": {"2024-25": 47.8e6},
    "ehcps": {"2023-24": 3769, "2024-25": 4200},
}


@pytest.fixture(scope="module")
def with_actuals():
    plan = dsg.Scenario.from_toml(BCP_PATH)
    return plan.replace(
        {"actuals": ACTUALS, "sources": {**plan.sources, "actuals.closing_deficit": "BCP papers"}}
    )


def test_variance_frame_is_forecast_minus_actual(with_actuals):
    p = dsg.project(with_actuals)
    v = p.variance()
    assert list(v.columns) == ["line", "year", "forecast", "actual", "variance", "unit"]
    # Only projected years where both exist: 2024-25 for three lines (history is not here).
    assert sorted(zip(v["line"], v["year"], strict=True)) == [
        ("closing_deficit", "2024-25"),
        ("ehcps", "2024-25"),
        ("in_year_deficit", "2024-25"),
    ]
    row = v.set_index("line").loc["closing_deficit"]
    assert row["forecast"] == p["closing_deficit"]["2024-25"]
    assert row["actual"] == 113.3e6
    assert row["variance"] == row["forecast"] - row["actual"]
    # Hand check: the plan carried in £63m and planned £28.0m in-year, so about £91.0m
    # against £113.3m: about £22.3m below the outturn.
    assert row["variance"] == pytest.approx(-22.3e6, abs=0.1e6)
    iy = v.set_index("line").loc["in_year_deficit"]
    assert iy["variance"] == pytest.approx(28.0e6 - 47.8e6, abs=0.1e6)


def test_projection_is_the_same_with_and_without_actuals(with_actuals):
    plain = dsg.project(dsg.Scenario.from_toml(BCP_PATH))
    p = dsg.project(with_actuals)
    mine = p.to_frame()
    own = mine.loc[[n for n in mine.index if not n.startswith(("actual.", "variance."))]]
    assert own.equals(plain.to_frame())
    assert p.metrics == plain.metrics
    assert plain.variance().empty and plain.actuals().empty


def test_actual_lines_in_the_frame_and_valid_json(with_actuals, run_cli, tmp_path):
    p = dsg.project(with_actuals)
    f = p.to_frame()
    assert f.at["actual.closing_deficit", "2024-25"] == 113.3e6
    assert np.isnan(f.at["actual.closing_deficit", "2025-26"])
    d = p.to_dict()
    assert d["lines"]["actual.closing_deficit"][1] is None
    text = json.dumps(d, allow_nan=False)  # raises on NaN
    assert json.loads(text)["sources"]["actuals.closing_deficit"] == "BCP papers"
    path = tmp_path / "plan.toml"
    with_actuals.to_toml(path)
    r = run_cli("project", path, "--json")
    assert r.returncode == 0, r.stderr
    assert "NaN" not in r.stdout
    lines = json.loads(r.stdout)["lines"]
    assert lines["actual.ehcps"][0] == 4200 and lines["variance.ehcps"][1] is None


def test_history_and_display(with_actuals):
    p = dsg.project(with_actuals)
    a = p.actuals()
    hist = a[a["line"] == "closing_deficit"]
    assert hist["year"].tolist() == ["2022-23", "2023-24", "2024-25"]
    assert hist["unit"].iloc[0] == "£"
    html = p._repr_html_()
    assert "Forecast against actual" in html and "113.3" in html
    assert (
        "Forecast against actual" not in dsg.project(dsg.Scenario.from_toml(BCP_PATH))._repr_html_()
    )


def test_chart_marks_actuals_with_history(with_actuals):
    p = dsg.project(with_actuals)
    ax = p.plot()
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[:3] == ["2022-23", "2023-24", "2024-25"]
    marks = [c for c in ax.collections if c.get_label() == "Actual closing deficit"]
    assert len(marks) == 1
    xy = marks[0].get_offsets()
    # At the same x as every series: the calendar year each financial year starts in, so the
    # 2024-25 actual sits on the plan's 2024-25 point.
    assert xy[:, 0].tolist() == [2022, 2023, 2024]
    assert xy[:, 1].tolist() == pytest.approx([36.0, 65.5, 113.3])
    closing = next(line for line in ax.lines if line.get_label() == "Closing cumulative deficit")
    assert closing.get_xdata()[0] == dsg.year_position("2024-25") == 2024
    ax2 = p.plot_ehcps()
    assert any(c.get_label() == "Actual EHCPs (total)" for c in ax2.collections)


def test_excel_has_actuals_sheet(with_actuals, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    p = dsg.project(with_actuals)
    path = p.to_excel(tmp_path / "out.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["Actuals"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("Line", "Year", "Forecast", "Actual", "Variance", "Unit")
    closing = next(r for r in rows[1:4] if r[0] == "closing_deficit")
    assert closing[3] == 113.3e6 and math.isclose(closing[4], closing[2] - closing[3])
    assert any(r[:2] == ("closing_deficit", "2022-23") and r[4] == "BCP papers" for r in rows)
    proj = list(wb["Projection"].iter_rows(values_only=True))
    actual_row = next(r for r in proj if r[0] == "actual.closing_deficit")
    assert actual_row[3] == 113.3e6 and actual_row[4] is None


def test_bad_actual_names_field_year_value():
    plan = dsg.Scenario.from_toml(BCP_PATH)
    with pytest.raises(dsg.ScenarioError) as e:
        plan.replace({"actuals": {"ehcps": {"2024-25": -5}}})
    assert "actuals.ehcps[2024-25] = -5" in str(e.value)
    assert isinstance(e.value, ValueError)


def test_calibrate_to_actuals_names_every_bad_argument_at_once():
    s = dsg.Scenario.from_toml("examples/bcp_safety_valve_2024.toml").replace(
        {"actuals": {"closing_deficit": {"2025-26": 120e6}}}
    )
    # A list for the lever once leaked a TypeError (unhashable).
    with pytest.raises(dsg.ScenarioError, match=r"lever = \['ehcp_growth'\]: expected a lever"):
        dsg.calibrate_to_actuals(s, lever=["ehcp_growth"])
    with pytest.raises(dsg.ScenarioError) as e:
        dsg.calibrate_to_actuals(s, years=["2030-31", "2025/26", "2025-26", "x"], tolerance="z")
    paths = [i["path"] for i in e.value.issues]
    assert paths == ["tolerance", "years[0]", "years[2]", "years[3]"]
    # One year written two ways is one year given twice, not two fits of it.
    assert "the same year as years[1] (2025-26)" in str(e.value)


def test_a_bad_target_is_the_only_problem_named():
    # With only in-year actuals, a misspelt target once also claimed no closing-deficit
    # actuals were given, sending the officer after data they never meant to fit.
    s = dsg.Scenario.from_toml("examples/bcp_safety_valve_2024.toml").replace(
        {"actuals": {"in_year_deficit": {"2025-26": 30e6}}}
    )
    with pytest.raises(dsg.ScenarioError) as e:
        dsg.calibrate_to_actuals(s, target="in_year")
    assert [i["path"] for i in e.value.issues] == ["target"]
