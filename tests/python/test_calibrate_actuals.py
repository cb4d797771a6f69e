"""Fitting a lever to the actuals year by year (issue 13 part 3)."""

from __future__ import annotations

import dsg_forecast as dsg
import pytest
from conftest import BCP_PATH


@pytest.fixture(scope="module")
def plan_with_outturn():
    plan = dsg.Scenario.from_toml(BCP_PATH)
    p = dsg.project(plan)
    # An outturn running ahead of the plan: £3m, £8m and £14m above it.
    closing = {y: float(p["closing_deficit"][y]) + extra for y, extra in
               [("2025-26", 3e6), ("2026-27", 8e6), ("2027-28", 14e6)]}  # fmt: skip
    return plan.replace({"actuals": {"closing_deficit": closing}})


@pytest.mark.parametrize("lever", ["ehcp_growth", "unit_cost_inflation"])
def test_fit_meets_each_actual_to_1000(plan_with_outturn, lever):
    fit = dsg.calibrate_to_actuals(plan_with_outturn, lever=lever)
    f = fit.to_frame()
    assert f["year"].tolist() == ["2025-26", "2026-27", "2027-28"]
    assert fit.achieved
    # Checked by projecting the returned scenario, not by trusting the goal seek.
    p = dsg.project(fit.scenario)
    actual = plan_with_outturn.to_dict()["actuals"]["closing_deficit"]
    for y, a in actual.items():
        assert abs(p["closing_deficit"][y] - a) <= 1000, (y, p["closing_deficit"][y], a)
    # The outturn above the plan implies more growth (or inflation) than assumed.
    assert (f["fitted"] > f["assumed"]).all()
    assumed = {"ehcp_growth": 0.062, "unit_cost_inflation": 0.02}[lever]
    assert f["assumed"].tolist() == pytest.approx([assumed] * 3)
    assert fit.sentences()[0].startswith(f"2025-26: we assumed {assumed * 100:.2f}%")


def test_in_year_target_and_errors(plan_with_outturn):
    plan = plan_with_outturn.replace({"actuals.in_year_deficit": {"2025-26": 40e6}})
    fit = dsg.calibrate_to_actuals(plan, lever="ehcp_growth", target="in_year_deficit")
    assert abs(dsg.project(fit.scenario)["in_year_deficit"]["2025-26"] - 40e6) <= 1000
    with pytest.raises(dsg.ScenarioError, match="no actual closing_deficit for 2030-31"):
        dsg.calibrate_to_actuals(plan, years=["2030-31"])
    with pytest.raises(dsg.ScenarioError, match="expected a lever fitted year by year"):
        dsg.calibrate_to_actuals(plan, lever="interest_rate")


def test_growth_levers_do_not_pretend_to_fit_the_base_year():
    # A growth lever changes the plan from the year after the base year, so no value of it
    # moves the base year: an actual there is left out by default, an error when named.
    plan = dsg.Scenario.from_toml(BCP_PATH)
    only_base = plan.replace({"actuals": {"closing_deficit": {"2024-25": 113.3e6}}})
    for lever in ("ehcp_growth", "unit_cost_inflation", "hnb_growth"):
        with pytest.raises(dsg.ScenarioError, match="the only actual closing_deficit is in the"):
            dsg.calibrate_to_actuals(only_base, lever=lever)
        with pytest.raises(dsg.ScenarioError, match=r"years\[0\] = '2024-25': the base year"):
            dsg.calibrate_to_actuals(only_base, lever=lever, years=["2024-25"])
    both = plan.replace({"actuals": {"closing_deficit": {"2024-25": 113.3e6, "2025-26": 140e6}}})
    fit = dsg.calibrate_to_actuals(both, lever="ehcp_growth")
    assert fit.to_frame()["year"].tolist() == ["2025-26"] and fit.achieved
    # A block transfer is a value for the year itself, so the base year can be fitted with it.
    near = plan.replace({"actuals": {"in_year_deficit": {"2024-25": 27e6}}})
    fit = dsg.calibrate_to_actuals(near, lever="block_transfer", target="in_year_deficit")
    assert fit.to_frame()["year"].tolist() == ["2024-25"] and fit.achieved


def test_no_actual_in_the_projected_years_is_an_error_not_an_empty_fit():
    # Nothing to fit is not "achieved": it names the years the actuals give and the
    # projection's years, as a ScenarioError (a ValueError) for the argument.
    plan = dsg.Scenario.from_toml(BCP_PATH)
    before = plan.replace({"actuals": {"closing_deficit": {"2019-20": 5e6}}})
    cases = [
        (plan, {}, "years = None: no actual closing_deficit in the projection's years "
                   r"\(2024-25 to 2038-39\) to fit: the scenario's actuals.closing_deficit "
                   "gives none"),
        (before, {}, r"years = None: .*\(2024-25 to 2038-39\).*gives 2019-20"),
        (before, {"years": []}, r"years = \[\]: expected at least one year .*2024-25 to 2038-39"),
        (before, {"years": ["2019-20"]},
         r"years\[0\] = '2019-20': outside the projection's years \(2024-25 to 2038-39\)"),
    ]  # fmt: skip
    for scenario, kwargs, message in cases:
        with pytest.raises(dsg.ScenarioError, match=message) as e:
            dsg.calibrate_to_actuals(scenario, **kwargs)
        assert isinstance(e.value, ValueError) and len(e.value.issues) == 1


def test_one_year_as_text_is_that_year(plan_with_outturn):
    fit = dsg.calibrate_to_actuals(plan_with_outturn, years="2026-27")
    assert fit.to_frame()["year"].tolist() == ["2026-27"] and fit.achieved
    # The same as a one-item list; the other spelling of the year is accepted too.
    listed = dsg.calibrate_to_actuals(plan_with_outturn, years=["2026-27"]).to_frame()
    assert fit.to_frame()["fitted"].tolist() == listed["fitted"].tolist()
    assert dsg.calibrate_to_actuals(plan_with_outturn, years="2026/27").to_frame()[
        "year"
    ].tolist() == ["2026-27"]
    with pytest.raises(dsg.ScenarioError, match=r"years\[0\] = '2030-31': no actual"):
        dsg.calibrate_to_actuals(plan_with_outturn, years="2030-31")
    with pytest.raises(dsg.ScenarioError, match="years = 2026: expected a financial year"):
        dsg.calibrate_to_actuals(plan_with_outturn, years=2026)


def test_actuals_written_with_a_slash_are_the_same_years(plan_with_outturn):
    """An actual keyed "2026/27" is the projection's 2026-27, as the scenario itself reads it."""
    closing = plan_with_outturn.to_dict()["actuals"]["closing_deficit"]
    slashed = plan_with_outturn.replace(
        {"actuals": {"closing_deficit": {y.replace("-", "/"): v for y, v in closing.items()}}}
    )
    dashed = dsg.calibrate_to_actuals(plan_with_outturn).to_frame()
    fit = dsg.calibrate_to_actuals(slashed)
    assert fit.achieved
    assert fit.to_frame()["year"].tolist() == ["2025-26", "2026-27", "2027-28"]
    assert fit.to_frame()["fitted"].tolist() == dashed["fitted"].tolist()
    one = dsg.calibrate_to_actuals(slashed, years="2026-27").to_frame()
    assert one["year"].tolist() == ["2026-27"]
    # A growth step written "2030/31" is the assumption from 2030-31 on, as the model reads it.
    p = dsg.project(plan_with_outturn)
    late = plan_with_outturn.replace(
        {"actuals.closing_deficit": {"2030-31": float(p["closing_deficit"]["2030-31"]) + 8e6}}
    )
    for growth in ({"2024-25": 0.062, "2030-31": 0.043}, {"2024/25": 0.062, "2030/31": 0.043}):
        f = dsg.calibrate_to_actuals(late.replace({"demand.growth": growth}), years="2030-31")
        assert f.to_frame()["assumed"].tolist() == pytest.approx([0.043])
