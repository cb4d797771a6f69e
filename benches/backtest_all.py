"""Benchmark (not a test): back-test every council from every origin for each demand model,
serially and on two worker processes, and print the England-wide accuracy table.

    .venv/bin/python benches/backtest_all.py

The README's "Forecasts held to account" section quotes its output.
"""

from __future__ import annotations

import time
from concurrent.futures import ProcessPoolExecutor

import dsg_forecast as dsg
import pandas as pd

MODELS = ["growth", "naive"] + (["cohort"] if hasattr(dsg, "calibrate") else [])


def main() -> None:
    tables = []
    t0 = time.perf_counter()
    with ProcessPoolExecutor(2) as ex:
        for model in MODELS:
            t = time.perf_counter()
            bt = dsg.backtest_all(model=model, executor=ex)
            print(f"{model}: {len(bt.frame):,} comparisons in {time.perf_counter() - t:.1f} s")
            tables.append(bt.summary())
    print(f"every council, origins 2015-2023, models {', '.join(MODELS)}, 2 processes: "
          f"{time.perf_counter() - t0:.1f} s")  # fmt: skip
    t = time.perf_counter()
    for model in MODELS:
        dsg.backtest_all(model=model)
    print(f"the same, serial: {time.perf_counter() - t:.1f} s")
    table = pd.concat(tables)[["n", "mape", "bias", "median_ape"]].round(1)
    print(table.to_string())
    england = {m: dsg.backtest("England", model=m).summary().loc[m, "mape"] for m in MODELS}
    for m in MODELS:
        print(f"England {m} MAPE by horizon: {'/'.join(f'{v:.1f}' for v in england[m])}%")
    t = time.perf_counter()
    with ProcessPoolExecutor(
        2, mp_context=__import__("multiprocessing").get_context("spawn")
    ) as ex:
        runs = {m: dsg.backtest_all(model=m, executor=ex, bands=True) for m in MODELS}
    bands = pd.concat([bt.summary() for bt in runs.values()])
    print(f"with simulated bands (1,000 paths a forecast), 2 processes: "
          f"{time.perf_counter() - t:.1f} s")  # fmt: skip
    print(bands[["n", "coverage_50", "coverage_90"]].round(1).to_string())
    # Nothing left out silently: councils that could not run, and band SDs capped.
    for m, bt in runs.items():
        for name, why in bt.skipped:
            print(f"{m}: left out {name}: {why}")
        for note in bt.notes:
            print(f"{m}: {note}")
        if not bt.skipped and not bt.notes:
            print(f"{m}: every council, no band capped")


if __name__ == "__main__":
    main()
