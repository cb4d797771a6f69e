"""dsg.simulate: results in the user's terms, reproducibility, bad input and Ctrl-C."""

from __future__ import annotations

import signal
from pathlib import Path

import dsg_forecast as dsg
import matplotlib
import numpy as np
import pytest
from dsg_forecast import _core
from hypothesis import given, settings
from hypothesis import strategies as st

matplotlib.use("Agg")

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "bcp_safety_valve_2024.toml"

UNCERTAINTY = {
    "persistence": 0.5,
    "correlation": 0.3,
    "ehcp_growth": {"distribution": "normal", "sd": 0.015},
    "inflation": {"distribution": "triangular", "min": -0.01, "mode": 0.0, "max": 0.02},
    "hnb_growth": {"distribution": "uniform", "min": -0.01, "max": 0.01},
    "delivery": {"Plans cease at 20": {"distribution": "beta", "alpha": 6, "beta": 3}},
}


@pytest.fixture(scope="module")
def base():
    return dsg.Scenario.from_toml(EXAMPLE)


@pytest.fixture(scope="module")
def uncertain(base):
    return base.replace({"uncertainty": UNCERTAINTY})


@pytest.fixture(scope="module")
def sim(uncertain):
    return dsg.simulate(uncertain, n_paths=20_000, seed=11, keep_paths=True, thresholds=[200e6])


def test_frames_are_lines_by_years(sim):
    assert sim.lines == ["closing_deficit", "in_year_deficit", "total_expenditure", "ehcps"]
    q = sim.quantile_frame("closing_deficit")
    assert list(q.index) == [0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95]
    assert list(q.columns) == sim.years and sim.years[0] == "2024-25"
    assert sim.mean.shape == (4, 15)
    # Quantiles rise with the level in every year.
    assert (np.diff(q.to_numpy(), axis=0) >= 0).all()
    assert sim.n_paths == 20_000 and sim.seed == 11 and sim.version == dsg.__version__


def test_quantiles_and_means_match_the_kept_paths(sim):
    paths = sim.paths["closing_deficit"]
    assert paths.shape == (20_000, 15)
    # Means are exact (to 2^-20 £ per path); quantiles within a histogram bin of numpy's.
    np.testing.assert_allclose(sim.mean.loc["closing_deficit"], paths.mean(axis=0), rtol=1e-12)
    exact = np.quantile(paths, [0.05, 0.5, 0.95], axis=0)
    est = sim.quantile_frame("closing_deficit").loc[[0.05, 0.5, 0.95]].to_numpy()
    spread = paths.max(axis=0) - paths.min(axis=0)
    assert (np.abs(est - exact) <= 0.002 * spread + 1.0).all()


def test_probabilities_match_the_kept_paths(sim, base):
    in_year = sim.paths["in_year_deficit"]
    np.testing.assert_array_equal(sim.prob_balanced, (in_year <= 0).mean(axis=0))
    by = np.maximum.accumulate(in_year <= 0, axis=1).mean(axis=0)
    np.testing.assert_array_equal(sim.prob_balanced_by, by)
    closing = sim.paths["closing_deficit"]
    reserves = base.to_dict()["financing"]["reserves"]
    np.testing.assert_array_equal(sim.prob_exceeds(), (closing > reserves).mean(axis=0))
    np.testing.assert_array_equal(
        sim.prob_exceeds(200e6, by=True),
        np.maximum.accumulate(closing > 200e6, axis=1).mean(axis=0),
    )
    # An amount not counted exactly is read off the histogram, close to the exact share.
    est = sim.prob_exceeds(300e6)
    assert np.abs(est - (closing > 300e6).mean(axis=0)).max() < 0.002


@pytest.mark.parametrize("amount", [float("nan"), float("inf"), "1e6", True])
def test_prob_exceeds_refuses_an_amount_that_is_not_a_finite_number(sim, amount):
    with pytest.raises(dsg.ScenarioError, match=r"amount.*expected an amount in £"):
        sim.prob_exceeds(amount)


def test_paths_are_numpy_arrays_owned_by_rust(sim):
    arr = sim.paths["ehcps"]
    assert isinstance(arr, np.ndarray) and arr.dtype == np.float64
    # Moved from a Rust Vec: numpy does not own the buffer, and no numpy array is its base.
    assert not arr.flags["OWNDATA"] and not isinstance(arr.base, np.ndarray)


def test_a_scenario_without_uncertain_inputs_is_refused(base):
    for scenario in (base, base.replace({"uncertainty": {"persistence": 0.5}})):
        with pytest.raises(dsg.ScenarioError) as e:
            dsg.simulate(scenario, n_paths=200, seed=0)
        assert [i["path"] for i in e.value.issues] == ["uncertainty"]
        message = e.value.issues[0]["message"]
        assert "no uncertain inputs" in message and 'replace({"uncertainty"' in message


def test_zero_spread_shocks_give_the_plan_on_every_quantile(base):
    flat = base.replace({"uncertainty": {"ehcp_growth": {"distribution": "normal", "sd": 0.0}}})
    sim = dsg.simulate(flat, n_paths=200, seed=0)
    plan = dsg.project(base)
    for line in sim.lines:
        q = sim.quantile_frame(line).to_numpy()
        np.testing.assert_array_equal(q, np.tile(plan[line].to_numpy(), (7, 1)))
    assert sim.capped_paths == 0 and sim.notes == []


MOVER = """
[meta]
name = "mover"
base_year = "2024-25"
horizon = 3
[funding]
hnb = 10_000_000
hnb_growth = 0.0
[demand]
growth = 0.0
base_plans = { special = 400, independent = 20 }
[cost]
inflation = 0.0
unit_cost = { special = 30_000, independent = 60_000 }
[[mitigations]]
name = "bring home"
start = "2024-25"
effect = { move_plans = { from = "independent", to = "special", per_year = 6 } }
[uncertainty]
delivery = { "bring home" = { distribution = "uniform", min = 0.5, max = 1.5 } }
"""


def test_capped_paths_are_reported():
    # 6 × delivery placements move a year from a category of 20: by the third year 18 × d are
    # wanted, capped when d > 10/9, so with d uniform on [0.5, 1.5] in 7/18 of paths.
    sim = dsg.simulate(dsg.Scenario.from_toml_str(MOVER), n_paths=20_000, seed=3)
    sd = (7 / 18 * 11 / 18 / 20_000) ** 0.5
    assert abs(sim.capped_share - 7 / 18) < 4 * sd
    assert sim.capped_by_mitigation["bring home"] == sim.capped_share
    assert "capped" in repr(sim)
    assert len(sim.notes) == 1 and "bring home" in sim.notes[0]
    assert sim.notes[0].startswith(f"In {sim.capped_paths:,} of 20,000 paths (")
    assert "Note:" in sim._repr_html_() and "bring home" in sim._repr_html_()
    # Same count on one thread and two.
    one = dsg.simulate(dsg.Scenario.from_toml_str(MOVER), n_paths=20_000, seed=3, threads=1)
    assert one.capped_paths == sim.capped_paths


def test_a_small_share_of_paths_never_reads_as_zero():
    from dsg_forecast.simulation import _share

    assert [_share(x) for x in (0.25, 0.001, 3e-5, 0.0, 1.0)] == [
        "25.0%", "0.1%", "0.003%", "0.0%", "100.0%"
    ]  # fmt: skip


def test_same_seed_same_numbers_any_threads(uncertain):
    a = dsg.simulate(uncertain, n_paths=3_000, seed=5, threads=1)
    b = dsg.simulate(uncertain, n_paths=3_000, seed=5, threads=2)
    assert a.quantiles.equals(b.quantiles) and a.mean.equals(b.mean)
    c = dsg.simulate(uncertain, n_paths=3_000, seed=6)
    assert not a.mean.equals(c.mean)


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**64 - 1), n=st.integers(1, 400))
def test_invariants_for_any_seed(uncertain, seed, n):
    sim = dsg.simulate(uncertain, n_paths=n, seed=seed, progress=False)
    assert (np.diff(sim.prob_balanced_by.to_numpy()) >= 0).all()
    assert (sim.prob_balanced.to_numpy() <= sim.prob_balanced_by.to_numpy()).all()
    q = sim.quantiles.to_numpy()
    assert np.isfinite(q).all()


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"n_paths": 0}, "n_paths"),
        ({"n_paths": -5}, "n_paths"),
        ({"n_paths": dsg.simulation.MAX_PATHS + 1}, "n_paths"),
        ({"quantiles": (0.5, 1.0)}, "quantiles[1]"),
        ({"quantiles": (0.0,)}, "quantiles[0]"),
        ({"quantiles": ["x"]}, "quantiles[0]"),
        ({"quantiles": [0.5, None]}, "quantiles[1]"),
        ({"quantiles": [0.25, 0.5, 0.5]}, "quantiles[2]"),
        ({"quantiles": [float("nan")]}, "quantiles[0]"),
        ({"quantiles": "0.5"}, "quantiles"),
        ({"thresholds": ["200m"]}, "thresholds[0]"),
        ({"n_paths": 2_236_963, "keep_paths": True}, "n_paths"),
        ({"seed": -1}, "seed"),
    ],
)
def test_bad_requests_name_the_field(uncertain, kwargs, path):
    with pytest.raises(dsg.ScenarioError) as e:
        dsg.simulate(uncertain, **kwargs)
    assert isinstance(e.value, ValueError)
    assert [i["path"] for i in e.value.issues] == [path]
    assert e.value.issues[0]["message"] and str(e.value)


def test_bad_quantiles_say_what_is_allowed(uncertain):
    with pytest.raises(dsg.ScenarioError) as e:
        dsg.simulate(uncertain, n_paths=10, quantiles=[0.5, "x", 0.5])
    issues = e.value.issues
    assert [i["path"] for i in issues] == ["quantiles[1]", "quantiles[2]"]
    assert issues[0]["value"] == "'x'" and "between 0 and 1" in issues[0]["message"]
    assert "already quantiles[0]" in issues[1]["message"]


def test_keep_paths_limit_is_named(uncertain):
    with pytest.raises(dsg.ScenarioError) as e:
        dsg.simulate(uncertain, n_paths=3_000_000, keep_paths=True)
    issue = e.value.issues[0]
    assert issue["path"] == "n_paths" and issue["value"] == "3000000"
    assert "2236962" in issue["message"] and "keep_paths" in issue["message"]


@pytest.mark.parametrize(
    ("section", "path"),
    [
        ({"ehcp_growth": {"distribution": "normal", "sd": -0.01}}, "uncertainty.ehcp_growth.sd"),
        (
            {
                "correlation": -1.5,
                "ehcp_growth": {"distribution": "normal", "sd": 0.01},
                "inflation": {"distribution": "normal", "sd": 0.01},
            },
            "uncertainty.correlation",
        ),
        (
            {"delivery": {"Plans cease at 20": {"distribution": "beta", "alpha": 0, "beta": 2}}},
            "uncertainty.delivery.Plans cease at 20.alpha",
        ),
        (
            {"hnb_growth": {"distribution": "triangular", "min": 0, "mode": 0.3, "max": 0.1}},
            "uncertainty.hnb_growth.mode",
        ),
        ({"persistence": 1.0}, "uncertainty.persistence"),
    ],
)
def test_bad_distributions_are_scenario_errors(base, section, path):
    with pytest.raises(dsg.ScenarioError) as e:
        base.replace({"uncertainty": section})
    assert path in [i["path"] for i in e.value.issues]


def test_ctrl_c_stops_a_long_run(uncertain):
    # A real signal from the kernel's interval timer, handled as Ctrl-C is: it needs no other
    # Python thread to run (a timer thread has to win the interpreter lock first, which on a
    # busy machine once took longer than the whole run).
    seen = []
    previous = signal.signal(signal.SIGALRM, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            signal.setitimer(signal.ITIMER_REAL, 0.2)
            _core.simulate(
                uncertain._core,
                10_000_000,
                1,
                [0.5],
                [],
                False,
                block=4096,
                progress=lambda done, total: seen.append(done),
            )
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    # Stopped well before the end (the interrupt may even land before the first block ends).
    assert not seen or seen[-1] < 10_000_000


def test_progress_callback_reaches_the_total(uncertain):
    seen = []
    dsg.simulate(uncertain, n_paths=10_000, seed=1, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (10_000, 10_000)


def test_fan_chart(sim):
    ax = sim.plot_fan()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == [
        "5%–95% of paths",
        "10%–90% of paths",
        "25%–75% of paths",
        "Median",
        "Mean",
        "Plan (no uncertainty)",
    ]
    assert ax.get_xticklabels()[0].get_text() == "2024-25"
    assert ax.yaxis.get_major_formatter()(100.0, 0) == "£100m"
    dashed = [ln for ln in ax.get_lines() if ln.get_linestyle() == "--"]
    np.testing.assert_allclose(
        dashed[0].get_ydata(), sim.deterministic.loc["closing_deficit"] / 1e6
    )
    html = sim._repr_html_()
    assert "2038-39" in html and "paths" in html


def test_fan_chart_refuses_an_ax_that_is_not_an_axes(sim):
    from dsg_forecast.simulation import plot_fan

    for call in (lambda: sim.plot_fan(ax="x"), lambda: plot_fan(sim, "ehcps", ax="x")):
        with pytest.raises(dsg.ScenarioError) as e:
            call()
        assert isinstance(e.value, ValueError)
        assert [(i["path"], i["value"]) for i in e.value.issues] == [("ax", "'x'")]
        assert "expected a matplotlib Axes" in str(e.value)
