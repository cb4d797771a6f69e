"""Beyond one call: pickling, simulate_many on a process pool, and batch evaluation."""

from __future__ import annotations

import multiprocessing
import pickle
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import dsg_forecast as dsg
import numpy as np
import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "bcp_safety_valve_2024.toml"
SECTION = {
    "persistence": 0.3,
    "ehcp_growth": {"distribution": "normal", "sd": 0.01},
    "hnb_growth": {"distribution": "normal", "sd": 0.005},
}


@pytest.fixture(scope="module")
def base():
    return dsg.Scenario.from_toml(EXAMPLE)


@pytest.fixture(scope="module")
def uncertain(base):
    return base.replace({"uncertainty": SECTION})


def test_simulation_pickles(uncertain):
    sim = dsg.simulate(uncertain, n_paths=2_000, seed=3, keep_paths=True)
    back = pickle.loads(pickle.dumps(sim))
    assert back.quantiles.equals(sim.quantiles)
    assert back.prob_balanced_by.equals(sim.prob_balanced_by)
    assert back.scenario == uncertain and back.seed == 3
    np.testing.assert_array_equal(back.paths["ehcps"], sim.paths["ehcps"])


def test_simulate_many_on_a_process_pool_matches_local_runs(base, uncertain):
    higher = uncertain.replace(funding__hnb_growth=0.05)
    scenarios = [uncertain, higher]
    # "spawn": a forked child would inherit a thread pool whose threads it does not have.
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=ctx) as pool:
        remote = dsg.simulate_many(scenarios, executor=pool, n_paths=3_000, seed=8)
    local = dsg.simulate_many(scenarios, n_paths=3_000, seed=8)
    for r, loc in zip(remote, local, strict=True):
        assert r.quantiles.equals(loc.quantiles) and r.mean.equals(loc.mean)
    # More funding growth lowers the deficit: the order of the results is the input order.
    assert (
        remote[1].mean.loc["closing_deficit"].iloc[-1]
        < remote[0].mean.loc["closing_deficit"].iloc[-1]
    )


def test_batch_rows_are_projections(base):
    names = ["ehcp_growth", "hnb_growth", "mitigation:Plans cease at 20"]
    values = np.array([[0.0, 0.0, 1.0], [0.01, 0.0, 1.0], [0.0, 0.02, 0.5]])
    out = dsg.evaluate_batch(base, values, names)
    plan = dsg.project(base)
    assert out[0] == plan["closing_deficit"].iloc[-1]
    # More EHCP growth raises the deficit.
    assert out[1] > out[0]
    peak = dsg.evaluate_batch(base, values[:1], names, metric="peak_deficit")
    assert peak[0] == plan["closing_deficit"].max()


def test_batch_hnb_shift_equals_a_replaced_scenario(base):
    # HNB growth is a constant 3% in the example, so a +1 point shift is hnb_growth = 0.04.
    out = dsg.evaluate_batch(base, [[0.01]], ["hnb_growth"])
    other = dsg.project(base.replace(funding__hnb_growth=0.04))
    assert out[0] == pytest.approx(other["closing_deficit"].iloc[-1], rel=1e-12)


def test_batch_bad_input(base):
    with pytest.raises(dsg.ScenarioError) as e:
        dsg.evaluate_batch(base, [[0.0]], ["ehcp_grwth"])
    assert e.value.issues[0]["path"] == "names[0]"
    with pytest.raises(dsg.ScenarioError):
        dsg.evaluate_batch(base, [[0.0, 1.0]], ["ehcp_growth"])
    with pytest.raises(dsg.ScenarioError):
        dsg.evaluate_batch(base, [[0.0]], ["ehcp_growth"], metric="nope")
    assert "mitigation:Plans cease at 20" in dsg.batch_drivers(base)
    assert "unit_cost_inflation:independent" in dsg.batch_drivers(base)


def test_batch_reads_goal_seek_names_and_older_aliases(base):
    values = [[0.01, 0.02, 0.5]]
    new = ["unit_cost_inflation", "unit_cost_inflation:independent", "mitigation:Plans cease at 20"]
    old = ["inflation", "inflation.independent", "delivery.Plans cease at 20"]
    assert dsg.evaluate_batch(base, values, new)[0] == dsg.evaluate_batch(base, values, old)[0]


def test_sobol_on_the_batch_api(base):
    from SALib.analyze import sobol
    from SALib.sample import sobol as sample

    problem = dsg.sobol_problem(
        {
            "ehcp_growth": (-0.02, 0.02),
            "hnb_growth": (-0.01, 0.01),
            "mitigation:Plans cease at 20": (0.5, 1.0),
        }
    )
    x = sample.sample(problem, 256, seed=1)
    y = dsg.evaluate_batch(base, x, problem["names"])
    s = sobol.analyze(problem, y, seed=1)
    # EHCP growth drives the deficit far more than late cessations do.
    assert s["ST"][0] > 0.5 and s["ST"][0] > 5 * s["ST"][2]
