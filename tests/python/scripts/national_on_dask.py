"""Run by test_national_dask.py in its own process (so a hang is killed by the test's timeout):
build public baselines for a few councils with both demand models, project, simulate and back-test
them on a real Dask cluster of two worker processes, and compare every number with a serial run.
Prints "OK <councils> <years>" on success; any difference raises."""

from __future__ import annotations

import sys

import dsg_forecast as dsg
import numpy as np
from distributed import Client, LocalCluster

COUNCILS = ["BCP", "Cumberland", "Rutland", "Kent", "Hackney", "City of London"]


def main() -> None:
    scenarios = [
        dsg.Scenario.from_public_data(c, opening_deficit=0, demand=d)
        for c in COUNCILS
        for d in ("growth", "cohort")
    ]
    serial = dsg.project_many(scenarios)
    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with cluster, Client(cluster) as client:
        remote = dsg.project_many(scenarios, executor=client)
        sims = dsg.simulate_many(
            [s.replace({"uncertainty": {"ehcp_growth": {"distribution": "normal", "sd": 0.02}}})
             for s in scenarios[:2]],
            executor=client, n_paths=2_000, seed=7,
        )  # fmt: skip
        # A back-test of every council on the cluster (a Dask Client's map returns futures,
        # which backtest_all once took for results).
        bt_remote = dsg.backtest_all("growth", origins=[2022], horizon=1, executor=client)
    bt_serial = dsg.backtest_all("growth", origins=[2022], horizon=1)
    assert len(bt_serial.frame) > 100
    assert bt_serial.frame.equals(bt_remote.frame), "back-test on the cluster differs"
    assert bt_serial.skipped == bt_remote.skipped
    for a, b in zip(serial, remote, strict=True):
        fa, fb = a.to_frame(), b.to_frame()
        assert fa.index.equals(fb.index) and fa.columns.equals(fb.columns)
        assert np.array_equal(fa.to_numpy(), fb.to_numpy(), equal_nan=True), a.scenario.name
    england_serial, england_remote = dsg.national(serial), dsg.national(remote)
    assert england_serial.equals(england_remote)
    local = [dsg.simulate(s.scenario, n_paths=2_000, seed=7) for s in sims]
    for a, b in zip(local, sims, strict=True):
        qa, qb = a.quantile_frame("closing_deficit"), b.quantile_frame("closing_deficit")
        assert qa.equals(qb)
    print("OK", len(scenarios), len(england_serial))


if __name__ == "__main__":
    sys.exit(main())
