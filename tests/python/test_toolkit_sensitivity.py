"""Tornado: hand-worked swings, the largest bar re-projected directly, bad input."""

from __future__ import annotations

import dsg_forecast as dsg
import pytest
from toolkit_data import rich, small

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
    ],
)
def test_bad_input_is_a_scenario_error(kwargs, words):
    with pytest.raises(dsg.ScenarioError) as e:
        dsg.tornado(small(), **kwargs)
    for w in words:
        assert w in str(e.value)


def test_tornado_plot_has_a_bar_per_driver_in_pounds_millions():
    t = dsg.tornado(rich())
    ax = t.plot(top=5)
    labels = [tl.get_text() for tl in ax.get_yticklabels()]
    assert labels == list(t.to_frame()["label"][:5])
    fmt = ax.xaxis.get_major_formatter()
    assert fmt(150, 0) == "£150m"
    assert "£m" in ax.get_xlabel()
