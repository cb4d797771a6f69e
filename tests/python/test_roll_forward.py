"""Roll-forward from Python and the command line (issue 13 part 2)."""

from __future__ import annotations

import dsg_forecast as dsg
import numpy as np
import pytest
from conftest import BCP_PATH


def own_actuals(plan: dsg.Scenario, year: str) -> dsg.Scenario:
    """``plan`` with actuals equal to its own forecast for ``year`` and the year before."""
    p = dsg.project(plan)
    t = p.years.index(year)
    f = p.to_frame()
    by_cat = {c: {year: float(f.at[f"ehcps.{c}", year])} for c in plan.categories}
    return plan.replace(
        {
            "actuals": {
                "closing_deficit": {p.years[t - 1]: float(f.at["closing_deficit", p.years[t - 1]])},
                "hnb_funding": {year: float(f.at["hnb_funding", year])},
                "ehcps_by_category": by_cat,
            }
        }
    )


def test_rolled_on_own_forecast_reproduces_the_remaining_years():
    plan = own_actuals(dsg.Scenario.from_toml(BCP_PATH), "2025-26")
    rolled = plan.roll_forward("2025-26")
    assert rolled.years == plan.years[1:]
    old = dsg.project(plan).to_frame()
    new = dsg.project(rolled).to_frame()
    keep = [
        n
        for n in new.index
        if not n.startswith(("unmitigated_", "mitigation_effect.", "closing_deficit_gross"))
    ]
    np.testing.assert_allclose(
        new.loc[keep].to_numpy(), old.loc[keep, rolled.years].to_numpy(), rtol=1e-9, atol=1e-6
    )
    assert "actual closing deficit at 31 March 2025" in rolled.sources["deficit.opening"]
    assert "Rolled forward from base year 2024-25 to 2025-26" in rolled.notes


def test_outturn_becomes_the_opening_deficit_and_horizon_extends():
    plan = dsg.Scenario.from_toml(BCP_PATH).replace(
        {"actuals": {"closing_deficit": {"2024-25": 113.3e6}}}
    )
    rolled = plan.roll_forward("2025-26", horizon_end="2040-41")
    assert rolled.to_dict()["deficit"]["opening"] == 113.3e6
    assert rolled.years[0] == "2025-26" and rolled.years[-1] == "2040-41"
    with pytest.raises(dsg.ScenarioError, match="expected a year after the base year"):
        plan.roll_forward("2023-24")


def test_cli_roll_forward_writes_and_never_overwrites(run_cli, tmp_path):
    out = tmp_path / "new.toml"
    r = run_cli("roll-forward", BCP_PATH, "--to", "2025-26", "-o", out)
    assert r.returncode == 0, r.stderr
    assert "wrote" in r.stderr
    rolled = dsg.Scenario.from_toml(out)
    assert rolled.years[0] == "2025-26"
    before = out.read_text()
    r = run_cli("roll-forward", BCP_PATH, "--to", "2026-27", "-o", out)
    assert r.returncode == 2 and "already exists; pass --force" in r.stderr
    assert out.read_text() == before
    r = run_cli("roll-forward", BCP_PATH, "--to", "2026-27", "-o", out, "--force")
    assert r.returncode == 0 and dsg.Scenario.from_toml(out).years[0] == "2026-27"
    r = run_cli("roll-forward", BCP_PATH, "--to", "1999-00", "-o", tmp_path / "x.toml")
    assert r.returncode == 2 and 'to = "1999-00"' in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "x.toml").exists()
    r = run_cli("roll-forward", out, "--to", "2027-28", "-o", out, "--force")
    assert r.returncode == 2 and "that is the scenario file" in r.stderr


def test_cli_roll_forward_writes_the_format_its_file_name_says(run_cli, tmp_path):
    toml_out, xlsx_out = tmp_path / "new.toml", tmp_path / "new.xlsx"
    assert run_cli("roll-forward", BCP_PATH, "--to", "2025-26", "-o", toml_out).returncode == 0
    r = run_cli("roll-forward", BCP_PATH, "--to", "2025-26", "-o", xlsx_out)
    assert r.returncode == 0, r.stderr
    # An input workbook (a zip), read back to the same scenario: not TOML text in a .xlsx.
    assert xlsx_out.read_bytes()[:2] == b"PK"
    assert dsg.Scenario.from_excel(xlsx_out) == dsg.Scenario.from_toml(toml_out)
    r = run_cli("roll-forward", BCP_PATH, "--to", "2025-26", "-o", tmp_path / "new.txt")
    assert r.returncode == 2 and "unknown scenario format" in r.stderr
    assert ".toml, .json, .xlsx" in r.stderr and not (tmp_path / "new.txt").exists()


def test_cli_an_empty_chart_name_is_refused(run_cli, tmp_path):
    r = run_cli("project", BCP_PATH, "--chart", "")
    assert r.returncode == 2 and "unknown chart format" in r.stderr


def test_years_that_are_not_text_labels_are_one_error_naming_each_argument():
    plan = dsg.Scenario.from_toml(BCP_PATH)
    with pytest.raises(dsg.ScenarioError) as e:
        plan.roll_forward(2025, horizon_end=2035)
    assert isinstance(e.value, ValueError)
    paths = [i["path"] for i in e.value.issues]
    assert paths == ["to", "horizon_end"]
    assert "write '2025-26'" in str(e.value) and "write '2035-36'" in str(e.value)
    with pytest.raises(dsg.ScenarioError, match="to = None"):
        plan.roll_forward(None)
    # "2025/26" is the same year as "2025-26".
    assert plan.roll_forward("2025/26").to_dict() == plan.roll_forward("2025-26").to_dict()


def test_a_mitigation_sized_zero_keeps_the_plans_it_carried():
    # docs/toolkit.md: `mitigation:<name>` = 0 in a rolled plan is "not delivered from now
    # on"; the plans it moved before the base year (`carried`) stay moved. Without the
    # mitigation at all (its `mitigation_effect` line) they are undone.
    from dsg_forecast.goal_seek import set_lever

    rolled = dsg.Scenario.from_file(BCP_PATH).roll_forward("2027-28")
    name = "More children with EHCPs in mainstream"
    mit = next(m for m in rolled.to_dict()["mitigations"] if m["name"] == name)
    assert mit["carried"] == pytest.approx(120.0)  # 60 a year in 2025-26 and 2026-27
    zero = dsg.project(set_lever(rolled, f"mitigation:{name}", 0.0)).to_frame()
    d = rolled.to_dict()
    d["mitigations"] = [m for m in d["mitigations"] if m["name"] != name]
    d["sources"] = {k: v for k, v in d.get("sources", {}).items() if name not in k}
    without = dsg.project(dsg.Scenario.from_dict(d)).to_frame()
    moved = zero.loc["ehcps.mainstream"] - without.loc["ehcps.mainstream"]
    np.testing.assert_allclose(moved.to_numpy(), 120.0, atol=1e-6)
    # The plan's own effect line is the spend with the mitigation gone entirely.
    plan = dsg.project(rolled).to_frame()
    np.testing.assert_allclose(
        plan.loc[f"mitigation_effect.{name}"].to_numpy(),
        (without.loc["total_expenditure"] - plan.loc["total_expenditure"]).to_numpy(),
        rtol=1e-9,
    )


def test_cli_roll_forward_names_every_bad_year_with_the_pythons_hints(run_cli, tmp_path):
    out = tmp_path / "r.toml"
    r = run_cli("roll-forward", BCP_PATH, "--to", "x", "--horizon-end", "y", "-o", out)
    assert r.returncode == 2
    assert "2 problems in the roll-forward's arguments" in r.stderr
    assert "to = 'x'" in r.stderr and "horizon_end = 'y'" in r.stderr
    r = run_cli("roll-forward", BCP_PATH, "--to", "2025", "-o", out)
    assert r.returncode == 2
    assert "write '2025-26' for the year starting April 2025" in r.stderr
    assert "Traceback" not in r.stderr and not out.exists()
