"""Limits checked before any work (issue 9, item 8): ``threads`` is 1 to 256."""

from __future__ import annotations

from pathlib import Path

import dsg_forecast as dsg
import numpy as np
import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "bcp_safety_valve_2024.toml"


@pytest.fixture(scope="module")
def uncertain():
    s = dsg.Scenario.from_toml(EXAMPLE)
    return s.replace({"uncertainty": {"ehcp_growth": {"distribution": "normal", "sd": 0.01}}})


# 257 first: before the limit existed it ran (so the test failed without starting 10**6 threads).
@pytest.mark.parametrize("threads", [257, 10**6, 0, -1, 2.0, True, "4"])
def test_threads_out_of_range_is_refused_naming_the_range(uncertain, threads):
    with pytest.raises(dsg.ScenarioError) as e:
        dsg.simulate(uncertain, n_paths=100, threads=threads)
    assert isinstance(e.value, ValueError)
    msg = str(e.value)
    assert "threads" in msg and repr(threads) in msg and "1 to 256" in msg
    assert e.value.issues[0]["path"] == "threads"


@pytest.mark.parametrize("threads", [257, 10**6])
def test_batch_threads_limit(uncertain, threads):
    with pytest.raises(dsg.ScenarioError, match="1 to 256"):
        dsg.evaluate_batch(uncertain, np.zeros((2, 1)), ["ehcp_growth"], threads=threads)


def test_threads_in_range_still_work(uncertain):
    a = dsg.simulate(uncertain, n_paths=200, seed=1, threads=np.int64(1), progress=False)
    b = dsg.simulate(uncertain, n_paths=200, seed=1, threads=256, progress=False)
    assert a.quantiles.equals(b.quantiles)
    with pytest.raises(dsg.ScenarioError, match="threads"):
        dsg.simulate_many([uncertain], n_paths=100, threads=257)


def test_every_bad_argument_is_listed_at_once():
    s = dsg.Scenario.from_toml(EXAMPLE).replace(
        {"uncertainty": {"ehcp_growth": {"distribution": "normal", "sd": 0.01}}}
    )
    with pytest.raises(dsg.ScenarioError) as e:
        dsg.simulate(
            s, n_paths=0, seed=-1, quantiles=(1.5, float("nan")), keep_paths="no", progress="x"
        )
    assert [i["path"] for i in e.value.issues] == [
        "n_paths", "seed", "keep_paths", "progress", "quantiles[0]", "quantiles[1]"
    ]  # fmt: skip
    assert str(e.value).startswith("6 problems in the request:")
    assert "keep_paths = 'no': expected True or False" in str(e.value)


def test_batch_values_that_are_not_numbers_name_values():
    s = dsg.Scenario.from_toml(EXAMPLE)
    with pytest.raises(dsg.ScenarioError, match=r"values = 'not numbers': expected a 2-D array"):
        dsg.evaluate_batch(s, [["a"]], ["hnb_growth"])
