"""Goal seek: answers worked out by hand, and every answer re-projected from the scenario it
returns (read back from its TOML text, so nothing is shared with the search)."""

from __future__ import annotations

import math

import dsg_forecast as dsg
import pytest
from dsg_forecast.goal_seek import set_lever
from toolkit_data import SMALL, rich, small


def reproject(s: dsg.Scenario) -> dsg.Projection:
    return dsg.project(dsg.Scenario.from_toml_str(s.to_toml()))


def test_block_transfer_that_balances_a_year_is_half_a_percent():
    # 2.0m spend − 1.5m HNB − share × 100m ≤ 0  ⇒  share ≥ 0.005.
    r = dsg.goal_seek(small(), lever="block_transfer", target="in_year_balance", year="2025-26")
    assert isinstance(r, dsg.GoalSeekResult)
    assert r.achieved
    assert 0.005 <= r.value <= 0.005 + 1_000 / 100e6
    assert r.from_year == "2025-26"
    in_year = reproject(r.scenario)["in_year_deficit"]
    assert -1_000 < in_year["2025-26"] <= 0
    assert in_year["2024-25"] == pytest.approx(500_000, rel=1e-12)  # earlier year untouched
    assert r.projection["in_year_deficit"]["2025-26"] == in_year["2025-26"]


def test_hnb_growth_for_a_closing_deficit_solves_a_quadratic():
    # 6.0m − 1.5m × (1 + (1+g) + (1+g)²) ≤ 0.6m  ⇒  g² + 3g − 0.6 = 0.
    r = dsg.goal_seek(
        small(),
        "hnb_growth",
        "closing_deficit",
        "2026-27",
        amount=600_000,
        bounds=(0, 0.5),
        tolerance=1.0,
    )
    g = (-3 + math.sqrt(11.4)) / 2
    assert r.achieved
    assert r.value == pytest.approx(g, rel=1e-6)
    closing = reproject(r.scenario)["closing_deficit"]["2026-27"]
    assert 599_999 < closing <= 600_000
    assert r.projections <= 40


def test_out_of_reach_says_so_plainly_and_gives_the_best():
    # At most 0.002 × 100m = 0.2m of transfer against a 0.5m gap leaves 0.3m.
    r = dsg.goal_seek(small(), "block_transfer", "in_year_balance", "2024-25", bounds=(0, 0.002))
    assert not r.achieved
    assert r.value == 0.002
    assert r.measure == pytest.approx(300_000, rel=1e-9)
    assert "cannot be met" in r.message
    assert "NOT achievable" in repr(r)
    assert "best achievable" in r._repr_html_()


def test_mitigation_size_meets_the_target_on_reprojection():
    s = rich()
    r = dsg.goal_seek(
        s,
        "mitigation:Local special places",
        "closing_deficit",
        "2026-27",
        amount=dsg.project(s)["closing_deficit"]["2026-27"] - 1_000_000,
    )
    assert r.achieved, r.message
    assert r.value > 1.0  # more than planned is needed to save £1m more
    p = reproject(r.scenario)
    assert p["closing_deficit"]["2026-27"] <= r.limit
    assert r.limit - p["closing_deficit"]["2026-27"] <= 1_000
    assert r.projections <= 40


@pytest.mark.parametrize("lever", ["hnb_growth", "unit_cost_inflation", "unit_cost:special"])
def test_each_rate_lever_meets_in_year_balance_on_reprojection(lever):
    r = dsg.goal_seek(rich(), lever, "in_year_balance", "2028-29")
    assert r.achieved, r.message
    assert reproject(r.scenario)["in_year_deficit"]["2028-29"] <= 0
    assert r.projections <= 40


def test_deficit_at_override_end_targets_the_override_year():
    # Override ends 31 March 2026: the 2025-26 closing deficit, 1.0m with no transfer.
    # A transfer x from 2024-25: 1.0m − 2 × 100m × x ≤ 0.4m  ⇒  x ≥ 0.003.
    r = dsg.goal_seek(
        small(), "block_transfer", "deficit_at_override_end", amount=400_000, from_year="2024-25"
    )
    assert r.year == "2025-26" and r.achieved
    assert 0.003 <= r.value < 0.003 + 1e-5


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"lever": "transfer", "target": "in_year_balance"}, ["lever", "block_transfer"]),
        ({"lever": "block_transfer", "target": "balance"}, ["target", "in_year_balance"]),
        (
            {"lever": "block_transfer", "target": "in_year_balance", "year": "2040-41"},
            ["2040-41", "2024-25 to 2026-27"],
        ),
        (
            {"lever": "block_transfer", "target": "in_year_balance", "bounds": (0.02, 0.0)},
            ["bounds", "wrong way round"],
        ),
        (
            {"lever": "block_transfer", "target": "in_year_balance", "bounds": (0.0, 0.05)},
            ["bounds", "0 to 0.02"],
        ),
        ({"lever": "mitigation:Nope", "target": "in_year_balance"}, ["no mitigation"]),
        (
            {"lever": "block_transfer", "target": "in_year_balance", "bounds": ("a", "b")},
            ["bounds = ('a', 'b')", "two numbers"],
        ),
        (
            {"lever": "block_transfer", "target": "in_year_balance", "bounds": 0.01},
            ["bounds = 0.01", "(low, high)"],
        ),
        (
            {"lever": "block_transfer", "target": "closing_deficit", "amount": None},
            ["amount = None", "amount in pounds"],
        ),
        (
            {"lever": "block_transfer", "target": "in_year_balance", "year": 2030},
            ["year = 2030", "as text", "'2030-31'"],
        ),
        (
            {"lever": "block_transfer", "target": "in_year_balance", "tolerance": "1k"},
            ["tolerance = '1k'", "above 0"],
        ),
        (
            {"lever": "block_transfer", "target": "deficit_at_override_end", "year": "2026-27"},
            ["year", "2026-27", "override ends, 2025-26"],
        ),
        (
            {"lever": "interest_rate", "target": "closing_deficit", "from_year": "2025-26"},
            ["from_year", "2025-26", "every year"],
        ),
    ],
)
def test_bad_requests_name_what_is_wrong_and_what_is_allowed(kwargs, words):
    with pytest.raises(dsg.ScenarioError) as e:
        dsg.goal_seek(small(), **kwargs)
    assert isinstance(e.value, ValueError)
    for w in words:
        assert w in str(e.value)
    assert e.value.issues


def test_the_override_year_itself_may_be_given():
    r = dsg.goal_seek(
        small(),
        "block_transfer",
        "deficit_at_override_end",
        year="2025-26",
        amount=400_000,
        from_year="2024-25",
    )
    assert r.year == "2025-26" and r.achieved


def test_set_lever_refuses_a_from_year_it_cannot_use():
    with pytest.raises(dsg.ScenarioError, match="from_year") as e:
        set_lever(small(), "unit_cost:special", 25_000, from_year="2025-26")
    assert "every year" in str(e.value) and e.value.issues
    with pytest.raises(dsg.ScenarioError, match="value = 'x'"):
        set_lever(small(), "hnb_growth", "x")
    # A rate lever takes it: growth from 2025-26 only.
    s = set_lever(small(), "hnb_growth", 0.1, from_year="2025-26")
    assert s.to_dict()["funding"]["hnb_growth"] == {"2024-25": 0.0, "2025-26": 0.1}


def test_message_and_repr_show_the_value_the_same_way():
    # The answer is a 0.5% transfer: both the Rust message and the Python repr say "0.50%".
    r = dsg.goal_seek(small(), "block_transfer", "in_year_balance", year="2025-26")
    assert "block_transfer = 0.50%" in r.message
    assert "block_transfer = 0.50%" in repr(r)


def test_unit_cost_inflation_starts_from_the_default_schedule_not_a_category_override():
    s = dsg.Scenario.from_toml_str(SMALL + "\n[cost.inflation_by_category]\nspecial = 0.05\n")
    r = dsg.goal_seek(s, "unit_cost_inflation", "closing_deficit", amount=10e6)
    assert r.start_value == 0.0


def test_a_slash_year_is_the_same_year_as_a_dash_year():
    # Scenario files accept "2025/26"; so do year and from_year here, with the same answer.
    dash = dsg.goal_seek(small(), "block_transfer", "in_year_balance", year="2025-26")
    slash = dsg.goal_seek(small(), "block_transfer", "in_year_balance", year=" 2025/26")
    assert slash.year == "2025-26" and slash.from_year == "2025-26"
    assert slash.value == dash.value
    s = set_lever(small(), "hnb_growth", 0.1, from_year="2025/26")
    assert s.to_dict()["funding"]["hnb_growth"] == {"2024-25": 0.0, "2025-26": 0.1}


@pytest.mark.parametrize("bad", ["2025-2026", "2025-27", "25-26", "2025", "next year", 2025.0])
@pytest.mark.parametrize("arg", ["year", "from_year"])
def test_a_year_not_written_like_2025_26_names_the_argument_and_the_form(arg, bad):
    with pytest.raises(dsg.ScenarioError) as e:
        dsg.goal_seek(small(), "hnb_growth", "in_year_balance", **{arg: bad})
    msg = str(e.value)
    assert f"{arg} = {bad!r}" in msg and "'2030-31'" in msg
    assert "outside the projection" not in msg
    assert e.value.issues[0]["path"] == arg
    with pytest.raises(dsg.ScenarioError, match=f"from_year = {bad!r}"):
        set_lever(small(), "hnb_growth", 0.1, from_year=bad)


def test_exact_target_meets_the_amount_where_at_most_stops_short():
    # The BCP plan closes 2024-25 at about £91m; the outturn was £113.3m. With the special
    # school unit cost searched up to £40k, "at most £113.3m" is met everywhere, so it reports
    # success at its bound well short of the amount; "exactly £113.3m" is honest that the
    # bounds cannot reach it, and with wider bounds finds the unit cost that does.
    s = dsg.Scenario.from_toml("examples/bcp_safety_valve_2024.toml")
    kwargs = dict(lever="unit_cost:special", target="closing_deficit", year="2024-25")
    narrow = (20_000.0, 40_000.0)
    at_most = dsg.goal_seek(s, amount=113.3e6, bounds=narrow, **kwargs)
    assert at_most.mode == "at_most" and at_most.achieved
    assert at_most.measure < 113.3e6 - 5e6
    short = dsg.goal_seek(s, amount=113.3e6, bounds=narrow, exact=True, **kwargs)
    assert short.mode == "exact" and not short.achieved
    assert short.value == 40_000.0
    exact = dsg.goal_seek(s, amount=113.3e6, exact=True, **kwargs)
    assert exact.achieved, exact.message
    closing = reproject(exact.scenario)["closing_deficit"]["2024-25"]
    assert abs(closing - 113.3e6) <= 1_000
    # About 1,100 special plans carry the extra £22m: roughly £20k a plan more than £26k.
    assert 40_000 < exact.value < 50_000
    assert "exactly" in exact._repr_html_()


def test_exact_target_out_of_reach_is_not_achieved():
    s = small()
    r = dsg.goal_seek(
        s, "hnb_growth", "closing_deficit", "2026-27", amount=3e6, bounds=(0.0, 0.1), exact=True
    )
    assert not r.achieved
    assert r.message.startswith("No value of hnb_growth")


def test_in_year_deficit_target_with_an_amount():
    r = dsg.goal_seek(
        small(), "block_transfer", "in_year_deficit", "2025-26", amount=200_000, exact=True
    )
    assert r.achieved, r.message
    assert abs(reproject(r.scenario)["in_year_deficit"]["2025-26"] - 200_000) <= 1_000
    with pytest.raises(dsg.ScenarioError, match="exact"):
        dsg.goal_seek(small(), "block_transfer", "in_year_balance", exact=True)
    with pytest.raises(dsg.ScenarioError, match="exact"):
        dsg.goal_seek(small(), "block_transfer", "in_year_balance", exact="yes")


def test_every_bad_argument_is_listed_at_once():
    s = small()
    with pytest.raises(dsg.ScenarioError) as e:
        dsg.goal_seek(
            s, "block_transfer", "in_year_balance", year="2030-32", tolerance=-1, bounds=(1, 0)
        )
    assert [i["path"] for i in e.value.issues] == ["year", "tolerance", "bounds"]
    assert str(e.value).startswith("3 problems in the request:")
