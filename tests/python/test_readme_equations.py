"""The README's equations say exactly what the library computes.

``readme_model`` implements the README's "The equations" section from its text alone; every
line and metric of ``dsg.project`` must match it to £1 (plans to 1e-6) on every example and test
scenario, on hand-built scenarios that exercise each rule, and on generated ones. Then one small
test per statement issue 9 (item 16) found the README got wrong or left out, each checked
against figures worked by hand from the statement.
"""

from __future__ import annotations

import copy
from pathlib import Path

import dsg_forecast as dsg
import numpy as np
import pytest
import readme_model
from hypothesis import HealthCheck, assume, given, settings
from test_engine_properties import scenarios
from toolkit_data import RICH

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted([*ROOT.glob("examples/*.toml"), *ROOT.glob("tests/data/*.toml")])

#: Every rule at once: growth tables starting the year after the base year, two mix targets,
#: a capacity chain (resourced -> special -> independent) with a moved-into full category,
#: every mitigation kind, two unit-cost changes on one category, mitigations starting in the
#: base year with a ramp, inflation by category, non-plan lines, a payment larger than the
#: deficit, write-offs by share and amount in one year, and an amount larger than the deficit.
EVERYTHING = {
    "meta": {"name": "everything", "base_year": "2024-25", "horizon": 9},
    "funding": {
        "hnb": 25_000_000.0,
        "hnb_growth": {"2025-26": 0.05, "2027-28": 0.02},
        "schools_block": 150_000_000.0,
        "schools_block_growth": {"2024-25": 0.9, "2025-26": 0.03},
        "block_transfer": {"2024-25": 0.005, "2026-27": 0.01},
        "other_income": {"2026-27": 1_500_000.0},
    },
    "deficit": {
        "opening": 12_000_000.0,
        "payments": {"2025-26": 2_000_000.0, "2030-31": 900_000_000.0},
        "write_offs": [
            {"year": "2026-27", "share": 0.25},
            {"year": "2026-27", "amount": 1_000_000.0},
            {"year": "2027-28", "share": 0.5},
            {"year": "2028-29", "amount": 800_000_000.0},
        ],
    },
    "demand": {
        "growth": {"2025-26": 0.07, "2028-29": 0.04},
        "base_plans": {
            "mainstream": 900.0,
            "resourced_provision": 35.0,
            "special": 380.0,
            "independent": 120.0,
            "post16": 200.0,
        },
        "mix": [
            {
                "year": "2026-27",
                "shares": {
                    "mainstream": 0.5,
                    "resourced_provision": 0.03,
                    "special": 0.24,
                    "independent": 0.08,
                    "post16": 0.15,
                },
            },
            {
                "year": "2030-31",
                "shares": {
                    "mainstream": 0.56,
                    "resourced_provision": 0.04,
                    "special": 0.22,
                    "independent": 0.06,
                    "post16": 0.12,
                },
            },
        ],
    },
    "capacity": {
        "resourced_provision": {"places": 45.0, "overflow": "special"},
        "special": {"places": {"2024-25": 390.0, "2027-28": 410.0}, "overflow": "independent"},
    },
    "cost": {
        "unit_cost": {
            "mainstream": 9_000.0,
            "resourced_provision": 20_000.0,
            "special": 26_000.0,
            "independent": 64_000.0,
            "post16": 12_000.0,
        },
        "inflation": {"2025-26": 0.03},
        "inflation_by_category": {"independent": {"2024-25": 0.5, "2026-27": 0.05}},
        "non_plan": {
            "ap": {"base": 2_000_000.0, "growth": {"2025-26": 0.04, "2029-30": 0.01}},
            "central": {"base": 1_000_000.0},
        },
    },
    "mitigations": [
        {
            "name": "early help",
            "start": "2024-25",
            "ramp_years": 3,
            "effect": {"reduce_growth": {"points": 0.02}},
        },
        {
            "name": "into resourced",
            "start": "2025-26",
            "effect": {
                "move_plans": {"from": "mainstream", "to": "resourced_provision", "per_year": 8}
            },
        },
        {
            "name": "local special",
            "start": "2024-25",
            "ramp_years": 2,
            "effect": {"move_plans": {"from": "independent", "to": "special", "per_year": 6}},
        },
        {
            "name": "cease at 20",
            "start": "2024-25",
            "effect": {"cease_plans": {"per_year": 5, "category": "post16"}},
        },
        {
            "name": "outcomes met",
            "start": "2025-26",
            "ramp_years": 2,
            "effect": {"cease_plans": {"per_year": 10}},
        },
        {
            "name": "fees",
            "start": "2024-25",
            "ramp_years": 2,
            "effect": {"unit_cost": {"category": "independent", "change": -0.1}},
        },
        {
            "name": "commissioning",
            "start": "2026-27",
            "ramp_years": 3,
            "effect": {"unit_cost": {"category": "independent", "change": -0.05}},
        },
        {
            "name": "invest",
            "start": "2024-25",
            "effect": {"invest": {"amounts": {"2024-25": 700_000.0, "2026-27": 300_000.0}}},
        },
        {
            "name": "save",
            "start": "2027-28",
            "effect": {"save": {"amounts": {"2027-28": 400_000.0, "2031-32": 1_200_000.0}}},
        },
    ],
    "financing": {"interest_rate": 0.05, "reserves": 20_000_000.0, "override_end": "2030-03-31"},
}

#: A council in surplus: payments and write-offs asked against a surplus apply nothing, the
#: peak "deficit" is negative, and the override end falls after the projection.
SURPLUS = {
    "meta": {"name": "surplus", "base_year": "2030-31", "horizon": 4},
    "funding": {"hnb": 30_000_000.0, "hnb_growth": 0.04},
    "deficit": {
        "opening": -3_000_000.0,
        "payments": {"2031-32": 1_000_000.0},
        "write_offs": [{"year": "2032-33", "share": 0.9}],
    },
    "demand": {"growth": 0.01, "base_plans": {"special": 1000.0}},
    "cost": {"unit_cost": {"special": 25_000.0}, "inflation": 0.02},
    "financing": {"interest_rate": 0.03, "reserves": 1.0, "override_end": "2040-03-31"},
}

#: Mitigation "B" moves plans out of special that "A" moves in; without A, B is capped at what
#: special holds (20 plans a year) instead of its 45.
RELIANT = {
    "meta": {"name": "reliant", "base_year": "2024-25", "horizon": 3},
    "funding": {"hnb": 10_000_000.0, "hnb_growth": 0.0},
    "demand": {
        "growth": 0.0,
        "base_plans": {"mainstream": 500.0, "special": 20.0, "independent": 200.0},
    },
    "cost": {
        "unit_cost": {"mainstream": 10_000.0, "special": 25_000.0, "independent": 60_000.0},
        "inflation": 0.0,
    },
    "mitigations": [
        {
            "name": "A",
            "start": "2024-25",
            "effect": {"move_plans": {"from": "independent", "to": "special", "per_year": 40}},
        },
        {
            "name": "B",
            "start": "2024-25",
            "effect": {"move_plans": {"from": "special", "to": "mainstream", "per_year": 45}},
        },
    ],
}

#: The same closing deficit every year (a payment each year equal to the in-year deficit), so
#: the peak is reached in every year and its year is the first; never balanced.
FLAT = {
    "meta": {"name": "flat", "base_year": "2024-25", "horizon": 4},
    "funding": {"hnb": 9_000_000.0, "hnb_growth": 0.0, "schools_block_growth": 0.0},
    "deficit": {
        "opening": 4_000_000.0,
        "payments": {y: 1_000_000.0 for y in ("2024-25", "2025-26", "2026-27", "2027-28")},
    },
    "demand": {"growth": 0.0, "base_plans": {"special": 400.0}},
    "cost": {"unit_cost": {"special": 25_000.0}, "inflation": 0.0},
    "financing": {"interest_rate": 0.02, "reserves": 3_000_000.0},
}

HAND_BUILT = {"everything": EVERYTHING, "surplus": SURPLUS, "reliant": RELIANT, "flat": FLAT}


def assert_matches_readme(s: dsg.Scenario) -> None:
    """Every line and metric of the library equals the README reimplementation's."""
    p = dsg.project(s)
    lines, metrics = readme_model.project(s.to_dict())
    frame = p.to_frame()
    assert list(frame.index) == list(lines), "the lines, or their order, differ from the README"
    assert list(frame.columns) == readme_model.year_labels(s.to_dict())
    units = p.line_info["unit"]
    for name, expected in lines.items():
        tolerance = 1e-6 if units[name] != "£" else 1.0
        np.testing.assert_allclose(
            frame.loc[name].to_numpy(), expected, rtol=0, atol=tolerance, err_msg=name
        )
    for key, value in p.metrics.items():
        if isinstance(value, float):
            assert value == pytest.approx(metrics[key], abs=1.0), key
        else:
            assert value == metrics[key], key


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_example_and_test_scenario_matches_the_readme(path):
    assert_matches_readme(dsg.Scenario.from_toml(path))


def test_the_toolkit_scenario_matches_the_readme():
    assert_matches_readme(dsg.Scenario.from_toml_str(RICH))


@pytest.mark.parametrize("to", ["2026-27", "2027-28"])
def test_rolled_forward_plans_match_the_readme(to):
    """A rolled plan's moves and cessations start from what they carried (`A[−1]`, `C[−1]`),
    and its lines without a mitigation undo what that one carried."""
    for path in (
        ROOT / "examples/bcp_safety_valve_2024.toml",
        ROOT / "tests/data/hand_worked.toml",
    ):
        rolled = dsg.Scenario.from_toml(path).roll_forward(to)
        assert any(m.get("carried", 0) for m in rolled.to_dict()["mitigations"]), path
        assert_matches_readme(rolled)


@pytest.mark.parametrize("name", HAND_BUILT)
def test_hand_built_scenarios_match_the_readme(name):
    assert_matches_readme(dsg.Scenario.from_dict(HAND_BUILT[name]))


def test_the_hand_built_scenarios_reach_the_rules_they_are_for():
    """EVERYTHING really overflows, caps a payment and a write-off, and writes off by share."""
    p = dsg.project(dsg.Scenario.from_dict(EVERYTHING))
    f = p.to_frame()
    assert (f.loc["ehcps.resourced_provision"] == 45.0).any(), "no overflow from resourced"
    special_places = np.array([390.0] * 3 + [410.0] * 6)
    assert np.isclose(f.loc["ehcps.special"], special_places).any(), "no overflow from special"
    paid, asked = f.loc["payments"]["2030-31"], 900_000_000.0
    assert 0 < paid < asked, "the payment was not capped at the deficit standing"
    assert f.loc["closing_deficit"]["2028-29"] == 0.0, "the large write-off was not capped"
    assert f.loc["write_offs"]["2027-28"] > 0
    s = dsg.project(dsg.Scenario.from_dict(SURPLUS)).to_frame()
    assert (s.loc["deficit_reductions"] == 0).all()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_generated_scenarios_match_the_readme(d):
    try:
        s = dsg.Scenario.from_dict(d)
    except dsg.ScenarioError:
        assume(False)
    assert_matches_readme(s)


# ---- One test per statement of issue 9, item 16 --------------------------------------------
def plain(mitigations=()) -> dict:
    """RELIANT with `mitigations` instead of its own (720 plans, no growth or inflation)."""
    d = copy.deepcopy(RELIANT)
    d["mitigations"] = list(mitigations)
    return d


def test_unit_cost_changes_multiply_so_two_sixty_percent_cuts_leave_sixteen_percent():
    cut = {"unit_cost": {"category": "independent", "change": -0.6}}
    d = plain(
        [
            {"name": "first", "start": "2024-25", "effect": cut},
            {"name": "second", "start": "2024-25", "effect": cut},
        ]
    )
    p = dsg.project(dsg.Scenario.from_dict(d))
    # 60,000 × 0.4 × 0.4 = 9,600 a plan: positive, where adding the changes gives −12,000.
    np.testing.assert_allclose(p["unit_cost.independent"].to_numpy(), 9_600.0, rtol=1e-12)
    np.testing.assert_allclose(p["spend.independent"].to_numpy(), 200 * 9_600.0, rtol=1e-12)


def test_invest_or_save_amounts_before_the_start_are_an_error_naming_the_year():
    for kind in ("invest", "save"):
        d = plain(
            [
                {
                    "name": kind,
                    "start": "2025-26",
                    "effect": {kind: {"amounts": {"2024-25": 1.0e5, "2025-26": 2.0e5}}},
                }
            ]
        )
        with pytest.raises(dsg.ScenarioError, match=r"2024-25.*before the mitigation's start"):
            dsg.Scenario.from_dict(d)


def test_a_ramp_on_invest_or_save_is_an_error_saying_it_has_no_effect():
    for kind in ("invest", "save"):
        m = {"name": kind, "start": "2024-25", "ramp_years": 2, "effect": {kind: {"amounts": {}}}}
        with pytest.raises(dsg.ScenarioError, match=r"ramp_years.*no effect"):
            dsg.Scenario.from_dict(plain([m]))


def test_invest_and_save_amounts_are_used_exactly_as_given():
    d = plain(
        [
            {"name": "i", "start": "2024-25", "effect": {"invest": {"amounts": {"2025-26": 3e5}}}},
            {"name": "s", "start": "2025-26", "effect": {"save": {"amounts": {"2026-27": 2e5}}}},
        ]
    )
    p = dsg.project(dsg.Scenario.from_dict(d))
    assert p["mitigation_costs"].tolist() == [0.0, 3e5, 0.0]
    assert p["mitigation_savings"].tolist() == [0.0, 0.0, 2e5]
    assert p["mitigation_effect.i"].tolist() == [0.0, -3e5, 0.0]
    assert p["mitigation_effect.s"].tolist() == [0.0, 0.0, 2e5]


def test_an_effect_line_reruns_the_others_with_their_moves_capped_at_what_is_there():
    """Effect of A = spend without A (B then capped at the 20 special plans) minus the plan's."""
    p = dsg.project(dsg.Scenario.from_dict(RELIANT))
    cost = {"mainstream": 10_000.0, "special": 25_000.0, "independent": 60_000.0}
    for t in range(3):
        a, b = 40 * (t + 1), 45 * (t + 1)  # A's and B's running totals asked
        plan = {"mainstream": 500 + b, "special": 20 + a - b, "independent": 200 - a}
        without_a = {"mainstream": 500 + 20, "special": 0.0, "independent": 200}
        effect = sum((without_a[c] - plan[c]) * cost[c] for c in cost)
        assert p["mitigation_effect.A"].iloc[t] == pytest.approx(effect, abs=1e-6)
        # Read without the cap, B would take special below zero and the effect would differ.
        uncapped = {"mainstream": 500 + b, "special": 20 - b, "independent": 200}
        assert effect != sum((uncapped[c] - plan[c]) * cost[c] for c in cost)


def test_a_mitigation_starting_in_the_base_year_already_changes_base_year_figures():
    d = plain(
        [
            {
                "name": "cease",
                "start": "2024-25",
                "effect": {"cease_plans": {"per_year": 30, "category": "independent"}},
            },
            {
                "name": "cheaper",
                "start": "2024-25",
                "ramp_years": 2,
                "effect": {"unit_cost": {"category": "special", "change": -0.1}},
            },
        ]
    )
    p = dsg.project(dsg.Scenario.from_dict(d))
    assert p["ehcps.independent"].iloc[0] == pytest.approx(200 - 30)
    assert p["unit_cost.special"].iloc[0] == pytest.approx(25_000 * (1 - 0.1 / 2))
    assert p["ehcps.mainstream"].iloc[0] == pytest.approx(500)  # base_plans are pre-mitigation


def test_reduce_growth_starting_in_the_base_year_first_acts_in_year_one_at_its_phase_then():
    d = plain(
        [
            {
                "name": "early help",
                "start": "2024-25",
                "ramp_years": 2,
                "effect": {"reduce_growth": {"points": 0.01}},
            }
        ]
    )
    d["demand"]["growth"] = 0.05
    p = dsg.project(dsg.Scenario.from_dict(d))
    total = 720.0
    assert p["ehcps"].iloc[0] == pytest.approx(total)
    # Year 1: phase = min(1, 2 / 2) = 1, so growth is 5% − 1 point (the base year's half is
    # never used: growth applies from the year after the base year).
    assert p["ehcps"].iloc[1] == pytest.approx(total * 1.04)


def test_deficit_reductions_are_payments_plus_write_offs_as_applied():
    d = plain()
    d["deficit"] = {
        "opening": 1_000_000.0,
        "payments": {"2025-26": 50_000_000.0},
        "write_offs": [{"year": "2024-25", "share": 0.5}, {"year": "2024-25", "amount": 1e5}],
    }
    p = dsg.project(dsg.Scenario.from_dict(d))
    D = p["in_year_deficit"].to_numpy()
    standing0 = 1_000_000.0 + D[0]
    written0 = min(0.5 * standing0 + 1e5, standing0)
    assert p["write_offs"].iloc[0] == pytest.approx(written0)
    paid1 = min(50_000_000.0, standing0 - written0 + D[1])  # capped at the deficit standing
    assert p["payments"].iloc[1] == pytest.approx(paid1)
    assert p["closing_deficit"].iloc[1] == pytest.approx(0.0, abs=1e-6)
    np.testing.assert_array_equal(
        p["deficit_reductions"].to_numpy(), p["payments"].to_numpy() + p["write_offs"].to_numpy()
    )


def _cohort_with_every_flow() -> dict:
    """The hand-worked cohort (tests/data/cohort_hand.toml) with every mitigation that acts on
    plans, a capacity limit and a category cessation rate: the cohort equations end to end."""
    d = dsg.Scenario.from_toml(ROOT / "tests/data/cohort_hand.toml").to_dict()
    d["meta"]["horizon"] = 6
    d["demand"]["cohort"]["cessation_by_category"] = {"b": [0.0, 0.2, 0.6]}
    d["capacity"] = {"b": {"places": 10, "overflow": "a"}}
    d["mitigations"] = [
        {"name": "fewer", "start": "2025-26", "ramp_years": 2,
         "effect": {"reduce_new_plans": {"share": 0.3}}},
        {"name": "slower", "start": "2025-26", "effect": {"reduce_growth": {"points": 0.1}}},
        {"name": "cease at 1", "start": "2026-27",
         "effect": {"cease_at_age": {"age": 1, "share": 0.2, "category": "a"}}},
        {"name": "pro rata", "start": "2024-25", "effect": {"cease_plans": {"per_year": 2}}},
        {"name": "move", "start": "2025-26", "effect": {"move_plans": {"from": "a", "to": "b",
                                                                       "per_year": 3}}},
        {"name": "cease b", "start": "2025-26",
         "effect": {"cease_plans": {"per_year": 1, "category": "b"}}},
    ]  # fmt: skip
    return d


def test_the_cohort_model_matches_the_readme():
    d = _cohort_with_every_flow()
    s = dsg.Scenario.from_dict(d)
    assert_matches_readme(s)
    # The scenario reaches what it is for: overflow from b, every flow line moving.
    f = dsg.project(s).to_frame()
    assert (f.loc["ehcps.b"] == 10.0).any(), "no overflow from b"
    for line in ("new_plans", "ceased_plans", "aged_out", "net_other_change"):
        assert (f.loc[line].iloc[1:] != 0).all(), line


def test_actual_and_variance_lines_match_the_readme():
    s = dsg.Scenario.from_toml(ROOT / "examples/bcp_safety_valve_2024.toml").replace(
        {
            "actuals": {
                "closing_deficit": {"2023-24": 65.5e6, "2024-25": 113.3e6},
                "ehcps_by_category": {"special": {"2025-26": 1200}},
                "hnb_funding": {"2026-27": 66e6},
            }
        }
    )
    assert_matches_readme(s)
    lines, _ = readme_model.project(s.to_dict())
    assert lines["variance.closing_deficit"][0] == pytest.approx(91.0e6 - 113.3e6, abs=0.1e6)
