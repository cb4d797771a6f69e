"""Tornado: hand-worked swings, the largest bar re-projected directly, bad input."""

from __future__ import annotations

import dsg_forecast as dsg
import pytest
from toolkit_data import bcp, cease, rich, small

# How to set each rate driver for every year through Scenario.replace (a route that does not
# touch the tornado's code).
PATHS = {
    "hnb_growth": ["funding.hnb_growth"],
    "block_transfer": ["funding.block_transfer"],
    "ehcp_growth": ["demand.growth"],
    "unit_cost_inflation": ["cost.inflation", "cost.inflation_by_category.independent"],
}


def test_swings_match_hand_worked_values():
    t = dsg.tornado(small(), metric="closing_deficit")
    f = t.to_frame()
    assert t.base == pytest.approx(1_500_000)
    assert f.at["block_transfer", "swing"] == pytest.approx(3_000_000)  # 1% of 100m, 3 years
    assert f.at["unit_cost:special", "swing"] == pytest.approx(1_200_000)  # ±10% of 2m × 3
    assert f.at["hnb_growth", "swing"] == pytest.approx(1.5e6 * (1.05 + 1.1025 - 1.01 - 1.0201))
    assert f.at["interest_rate", "swing"] == 0
    assert list(f["swing"]) == sorted(f["swing"], reverse=True)
    assert f.index[0] == "block_transfer"


def test_largest_bar_matches_a_direct_reprojection():
    s = rich()
    t = dsg.tornado(s, metric="closing_deficit")
    top = t.largest
    assert top["driver"] in PATHS, top["driver"]
    for end in ("low", "high"):
        changed = s.replace({path: top[end] for path in PATHS[top["driver"]]})
        direct = dsg.project(changed).metrics["closing_deficit"]
        assert direct == pytest.approx(top[f"at_{end}"], rel=1e-12)
    assert t.base == pytest.approx(dsg.project(s).metrics["closing_deficit"], rel=1e-12)


def test_default_ranges_cover_every_rate_share_unit_cost_and_mitigation():
    s = rich()
    names = set(dsg.tornado(s).to_frame().index)
    expected = {"hnb_growth", "block_transfer", "ehcp_growth", "unit_cost_inflation"}
    expected |= {f"unit_cost:{c}" for c in s.categories}
    expected |= {f"mitigation:{m}" for m in s.mitigation_names}
    assert expected <= names
    f = dsg.tornado(s).to_frame()
    assert f.at["unit_cost:special", "low"] == pytest.approx(0.9 * 26_000)
    assert (f.at["mitigation:Early help", "low"], f.at["mitigation:Early help", "high"]) == (0, 1.2)


def test_ranges_and_drivers_can_be_chosen():
    t = dsg.tornado(
        small(),
        "peak_deficit",
        ranges={"hnb_growth": (0.0, 0.1)},
        drivers=["hnb_growth", "block_transfer"],
    )
    f = t.to_frame()
    assert list(f.index) == ["block_transfer", "hnb_growth"]
    assert (f.at["hnb_growth", "low"], f.at["hnb_growth", "high"]) == (0.0, 0.1)
    # 1.5m × ((1 + 1.1 + 1.21) − 3) less income at the top of the range.
    assert f.at["hnb_growth", "swing"] == pytest.approx(1.5e6 * 0.31)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"metric": "deficit"}, ["metric", "closing_deficit"]),
        ({"ranges": {"growth": (0.0, 0.1)}}, ["unknown lever", "hnb_growth"]),
        ({"ranges": {"hnb_growth": (0.05, 0.01)}}, ["hnb_growth", "low at most high"]),
        ({"drivers": ["nope"]}, ["nope", "unknown driver"]),
        ({"ranges": {"x": ("a", 1)}}, ["ranges['x']", "('a', 1)", "two numbers"]),
        ({"ranges": {"hnb_growth": 0.02}}, ["ranges['hnb_growth']", "0.02", "(low, high)"]),
        ({"ranges": [("hnb_growth", 0.0, 0.1)]}, ["ranges", "a dict"]),
        ({"metric": None}, ["metric", "None", "closing_deficit"]),
    ],
)
def test_bad_input_is_a_scenario_error(kwargs, words):
    with pytest.raises(dsg.ScenarioError) as e:
        dsg.tornado(small(), **kwargs)
    for w in words:
        assert w in str(e.value)
    assert e.value.issues


def rate_paths(s: dsg.Scenario, driver: str) -> list[str]:
    """Where Scenario.replace sets a rate driver for every year (all overrides included)."""
    if driver == "unit_cost_inflation":
        cats = s.to_dict()["cost"].get("inflation_by_category") or {}
        return ["cost.inflation", *[f"cost.inflation_by_category.{c}" for c in cats]]
    return {
        "hnb_growth": ["funding.hnb_growth"],
        "block_transfer": ["funding.block_transfer"],
        "ehcp_growth": ["demand.growth"],
        "interest_rate": ["financing.interest_rate"],
    }[driver]


def test_bcp_largest_bar_is_a_valid_scenario_that_reprojects_to_the_same_values():
    # EHCP growth's default low (the plan's average − 3 points) makes BCP's local special
    # places move more plans out of independent placements than there are: the validator
    # rejects it, so the bar must use the valid part of the range and say so.
    s = bcp()
    t = dsg.tornado(s, metric="closing_deficit")
    top = t.largest
    assert top["driver"] in ("ehcp_growth", "hnb_growth", "unit_cost_inflation", "block_transfer")
    for end in ("low", "high"):
        # replace() validates: an invalid what-if raises ScenarioError here.
        changed = s.replace({p: top[end] for p in rate_paths(s, top["driver"])})
        direct = dsg.project(changed).metrics["closing_deficit"]
        assert direct == pytest.approx(top[f"at_{end}"], rel=1e-12, abs=1.0)
    narrowed = (top["low"], top["high"]) != (top["requested_low"], top["requested_high"])
    assert bool(top["note"]) == narrowed
    if narrowed:
        assert "not valid" in top["note"]
        # Just below the narrowed low the scenario is invalid: the range was not cut short.
        below = top["low"] - 1e-6 * (top["requested_high"] - top["requested_low"])
        with pytest.raises(dsg.ScenarioError, match="more plans than"):
            s.replace({p: below for p in rate_paths(s, top["driver"])})


def test_a_range_that_would_cease_more_plans_than_exist_is_narrowed_and_noted():
    t = dsg.tornado(cease(), ranges={"mitigation:Cease": (0.0, 5.0)}, drivers=["Cease"])
    f = t.to_frame()
    assert list(f.index) == ["mitigation:Cease"]
    bar = f.loc["mitigation:Cease"]
    assert (bar["requested_low"], bar["requested_high"]) == (0.0, 5.0)
    assert 10 / 3 - 1e-6 < bar["high"] <= 10 / 3
    # Size 0: £1.5m; size 10/3: £1.5m − £1.2m × 10/3 = −£2.5m.
    assert bar["at_low"] == pytest.approx(1_500_000)
    assert bar["at_high"] == pytest.approx(-2_500_000, rel=1e-6)
    assert bar["note"].startswith("high lowered from 5.00 × planned to 3.33 × planned")
    assert "Note" in t._repr_html_()
    labels = [tl.get_text() for tl in t.plot().get_yticklabels()]
    assert labels == ["Mitigation size: Cease *"]


def test_a_bare_mitigation_name_replaces_the_default_range_not_adds_a_bar():
    t = dsg.tornado(rich(), ranges={"Early help": (0.5, 1.0)})
    f = t.to_frame()
    assert "Early help" not in f.index
    assert list(f.index).count("mitigation:Early help") == 1
    assert (f.at["mitigation:Early help", "low"], f.at["mitigation:Early help", "high"]) == (
        0.5,
        1.0,
    )
    with pytest.raises(dsg.ScenarioError, match="give it once"):
        dsg.tornado(rich(), ranges={"Early help": (0.5, 1.0), "mitigation:Early help": (0, 1)})


def test_values_are_shown_as_goal_seek_shows_them():
    page = dsg.tornado(cease())._repr_html_()
    assert "1.00% to 5.00%" in page  # hnb_growth's default range
    assert "£18,000 per plan to £22,000 per plan" in page  # special's £20,000 ± 10%
    assert "0.00 × planned to 1.20 × planned" in page


def test_tornado_plot_has_a_bar_per_driver_in_pounds_millions():
    t = dsg.tornado(rich())
    ax = t.plot(top=5)
    labels = [tl.get_text().removesuffix(" *") for tl in ax.get_yticklabels()]
    assert labels == list(t.to_frame()["label"][:5])
    fmt = ax.xaxis.get_major_formatter()
    assert fmt(150, 0) == "£150m"
    assert "£m" in ax.get_xlabel()


def test_the_frame_is_indexed_by_driver_as_the_docs_say():
    # docs/toolkit.md: t.to_frame().loc["hnb_growth", ["low", "high", "swing"]].
    t = dsg.tornado(small(), drivers=["hnb_growth", "interest_rate"])
    f = t.to_frame()
    assert f.index.name == "driver" and "driver" not in f.columns
    assert list(f.loc["hnb_growth", ["low", "high"]]) == [0.01, 0.05]
    assert repr(dsg.tornado(small(), drivers=["hnb_growth"])).startswith(
        "<Tornado of closing_deficit over 1 driver; "
    )
    assert " over 2 drivers; " in repr(t)


def test_every_bad_range_and_driver_is_listed_at_once():
    s = bcp()
    with pytest.raises(dsg.ScenarioError) as e:
        dsg.tornado(
            s,
            ranges={"hnb_growth": (float("nan"), 0.05), "interest_rate": (1, 0)},
            drivers=["hnb_growth", "interest_rate", "foo"],
        )
    paths = [i["path"] for i in e.value.issues]
    assert paths == ["drivers", 'ranges["hnb_growth"]', 'ranges["interest_rate"]'], paths


def test_an_unreadable_range_is_not_also_called_an_unknown_driver():
    with pytest.raises(dsg.ScenarioError) as e:
        dsg.tornado(bcp(), ranges={"hnb_growth": "x"}, drivers=["hnb_growth"])
    assert [i["path"] for i in e.value.issues] == ["ranges['hnb_growth']"], str(e.value)
