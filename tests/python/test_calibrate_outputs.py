"""The cohort model's lines in the outputs: to_frame, --json, the notebook display, the Excel
output workbook, and the age-profile chart."""

from __future__ import annotations

import json
import subprocess
import sys

import dsg_forecast as dsg
import pytest
from conftest import BCP_PATH, ROOT

COHORT_LINES = ["new_plans", "ceased_plans", "aged_out", "net_other_change",
                "ehcps_age.under_5", "ehcps_age.20_to_25.post16"]  # fmt: skip


@pytest.fixture(scope="module")
def cohort():
    return dsg.project(dsg.Scenario.from_public_data("BCP", opening_deficit=63e6, demand="cohort"))


def test_lines_in_frame_json_and_display(cohort, tmp_path):
    f = cohort.to_frame()
    for line in COHORT_LINES:
        assert line in f.index
    groups = f.loc[[f"ehcps_age.{g}" for g in ("under_5", "5_to_10", "11_to_15", "16_to_19",
                                                "20_to_25")]].sum()  # fmt: skip
    assert (groups - f.loc["ehcps"]).abs().max() < 1e-6
    html = cohort._repr_html_()
    assert "Net other change" in html and "New plans" in html
    growth = dsg.project(dsg.Scenario.from_toml(BCP_PATH))
    assert "New plans" not in growth._repr_html_()
    path = tmp_path / "cohort.toml"
    cohort.scenario.to_toml(path)
    out = subprocess.run([sys.executable, "-m", "dsg_forecast", "project", str(path), "--json"],
                         capture_output=True, text=True, cwd=ROOT, check=True)  # fmt: skip
    d = json.loads(out.stdout)
    assert d["lines"]["net_other_change"][1] == pytest.approx(f.loc["net_other_change"].iloc[1])
    assert "demand.cohort.cessation" in d["sources"]


def test_excel_output_has_flows_and_a_cohort_sheet(cohort, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    path = cohort.to_excel(tmp_path / "out.xlsx")
    wb = openpyxl.load_workbook(path)
    assert "Cohort" in wb.sheetnames
    ws = wb["Cohort"]
    assert ws["A1"].value == "age" and ws["B1"].value == "stock.mainstream"
    assert ws.cell(row=2 + 11, column=1).value == 11  # ages 0-25 in rows 2-27
    labels = [r[0].value for r in wb["EHCPs"].iter_rows()]
    assert "Net other change" in labels and "16-19" in labels
    cells = [r[0].value for r in wb["Assumptions"].iter_rows()]
    assert "demand.cohort" in cells and not any(str(c).startswith("demand.cohort.") for c in cells)


def test_age_profile_chart(cohort):
    ax = cohort.plot_age_profile()
    assert ax.get_title() == "EHCPs by age group"
    assert [t.get_text() for t in ax.get_legend().get_texts()][0] == "Under 5"
    with pytest.raises(ValueError, match="cohort"):
        dsg.project(dsg.Scenario.from_toml(BCP_PATH)).plot_age_profile()
    assert dsg.calibrate("BCP").plot().get_xlabel() == "January census"


@pytest.mark.parametrize("chart", ["age profile", "calibration"])
def test_cohort_charts_refuse_an_ax_that_is_not_an_axes(cohort, chart):
    call = cohort.plot_age_profile if chart == "age profile" else dsg.calibrate("BCP").plot
    with pytest.raises(dsg.ScenarioError) as e:
        call(ax="x")
    assert isinstance(e.value, ValueError)
    assert [(i["path"], i["value"]) for i in e.value.issues] == [("ax", "'x'")]
    assert "expected a matplotlib Axes" in str(e.value)


def test_age_profile_areas_sit_at_the_year_ticks(cohort):
    # Every chart puts a financial year at the calendar year it starts in: the stacked areas
    # must span the same positions as the year ticks, and the axis must show only them.
    import numpy as np

    ax = cohort.plot_age_profile()
    ticks = list(ax.get_xticks())
    assert ticks == [float(y[:4]) for y in cohort.years]
    for poly in ax.collections:
        xs = np.concatenate([p.vertices[:, 0] for p in poly.get_paths()])
        assert (xs.min(), xs.max()) == (ticks[0], ticks[-1])
    lo, hi = ax.get_xlim()
    assert ticks[0] - 1 < lo <= ticks[0] and ticks[-1] <= hi < ticks[-1] + 1


def test_input_workbook_round_trips_a_calibrated_cohort_scenario(cohort, tmp_path):
    pytest.importorskip("openpyxl")
    dsg.write_input_workbook(tmp_path / "in.xlsx", cohort.scenario)
    assert dsg.Scenario.from_excel(tmp_path / "in.xlsx") == cohort.scenario
