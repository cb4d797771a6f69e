"""dsg.required_savings from Python (issue 13 part 4)."""

from __future__ import annotations

import math

import dsg_forecast as dsg
import pytest
from conftest import BCP_PATH


def test_path_met_to_1000_in_every_target_year():
    plan = dsg.Scenario.from_toml(BCP_PATH)
    path = {"2025-26": 120e6, "2026-27": 120e6, "2027-28": 120e6, "2030-31": 100e6}
    need = dsg.required_savings(plan, closing_deficit=path, name="Recovery path")
    f = need.to_frame().set_index("year")
    p = dsg.project(need.scenario)
    for y, v in path.items():
        assert abs(p["closing_deficit"][y] - v) <= 1000
        assert f.at[y, "closing"] == pytest.approx(v, abs=1000)
    assert f.at["2028-29", "savings"] == 0 and math.isnan(f.at["2028-29", "target"])
    assert need.scenario.mitigation_names[-1] == "Recovery path"
    # Headroom: a target above the plan's deficit is a negative saving.
    above = dsg.required_savings(plan, {"2025-26": f.at["2025-26", "plan_closing"] + 2e6})
    assert above.to_frame().set_index("year").at["2025-26", "savings"] == pytest.approx(-2e6)
    assert "closing_deficit_gross" in p.to_frame().index


def test_bad_arguments_are_value_errors():
    plan = dsg.Scenario.from_toml(BCP_PATH)
    with pytest.raises(ValueError, match="not a year of the projection"):
        dsg.required_savings(plan, {"2050-51": 1e6})
    with pytest.raises(dsg.ScenarioError, match="expected 'net' or 'gross'"):
        dsg.required_savings(plan, {"2025-26": 1e6}, basis="both")


def test_savings_from_a_plan_with_actuals_say_they_start_from_the_plan():
    plan = dsg.Scenario.from_toml(BCP_PATH).replace(
        {"actuals": {"closing_deficit": {"2023-24": 65.5e6, "2024-25": 113.3e6}}}
    )
    targets = {"2025-26": 120e6, "2026-27": 120e6}
    need = dsg.required_savings(plan, closing_deficit=targets)
    assert need.notes == (
        "These savings start from the plan's closing deficit, not the actual (2024-25 plan "
        "£91.0m, actual £113.3m): actuals never change a projection. To work from the actual, "
        "pass plan.roll_forward('2025-26') instead.",
    )
    rolled = dsg.required_savings(plan.roll_forward("2025-26"), closing_deficit=targets)
    assert rolled.notes == ()
    # From the actual £113.3m, the rolled plan needs more saved in 2025-26 than the plan says.
    assert rolled.to_frame().loc[0, "savings"] > need.to_frame().loc[1, "savings"] + 20e6
    # A target in the actual's own year gets the note too; one with no actual before it, none.
    early = dsg.required_savings(plan, closing_deficit={"2024-25": 90e6})
    assert early.notes == (
        "These savings start from the plan's closing deficit, not the actual (2024-25 plan "
        "£91.0m, actual £113.3m): actuals never change a projection. To work from the actual, "
        "pass plan.roll_forward('2025-26') instead.",
    )
    bare = plan.replace({"actuals": {"closing_deficit": {"2023-24": 65.5e6}}})
    assert dsg.required_savings(bare, closing_deficit=targets).notes == ()
