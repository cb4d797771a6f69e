"""What a simulation says about itself (issue 9, item 15): the mean is never labelled the
median; means that saturate at £8.8tn (2**43) are flagged, not shown as if exact."""

from __future__ import annotations

from pathlib import Path

import dsg_forecast as dsg
import pytest

MEAN_LIMIT = float(2**43)  # dsg_forecast.simulation.MEAN_LIMIT

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "bcp_safety_valve_2024.toml"
UNC = {"ehcp_growth": {"distribution": "normal", "sd": 0.01}}


@pytest.fixture(scope="module")
def uncertain():
    return dsg.Scenario.from_toml(EXAMPLE).replace({"uncertainty": UNC})


def test_repr_says_mean_when_the_median_was_not_simulated(uncertain):
    sim = dsg.simulate(uncertain, n_paths=500, seed=1, quantiles=(0.1, 0.9), progress=False)
    text = repr(sim)
    assert "median" not in text
    mean = sim.mean.loc["closing_deficit"].iloc[-1]
    assert f"mean closing deficit {sim.years[-1]} £{mean / 1e6:,.1f}m" in text


def test_repr_says_median_when_it_was(uncertain):
    sim = dsg.simulate(uncertain, n_paths=500, seed=1, progress=False)
    med = sim.quantile_frame().loc[0.5].iloc[-1]
    assert f"median closing deficit {sim.years[-1]} £{med / 1e6:,.1f}m" in repr(sim)


def test_means_past_8_8_trillion_are_flagged(uncertain):
    runaway = uncertain.replace({"demand.growth": 0.5, "meta.horizon": 50})
    sim = dsg.simulate(runaway, n_paths=500, seed=1, quantiles=(0.1, 0.9), progress=False)
    assert sim.quantile_frame().iloc[0, -1] > MEAN_LIMIT  # the quantiles see the true size
    assert sim.saturated.loc["closing_deficit"].iloc[-1]
    assert not sim.saturated.loc["ehcps"].any()
    assert any("£8.8 trillion" in n and "Closing cumulative deficit" in n for n in sim.notes)
    assert "not exact" in repr(sim) and "8,796,093" not in repr(sim)
    assert "£8.8 trillion" in sim._repr_html_()


def test_ordinary_runs_have_no_saturation_note(uncertain):
    sim = dsg.simulate(uncertain, n_paths=500, seed=1, progress=False)
    assert not sim.saturated.to_numpy().any() and sim.notes == []
