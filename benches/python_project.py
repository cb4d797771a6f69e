"""Time ``dsg.project`` on the BCP example from Python, against the Rust engine alone.

    python benches/python_project.py [--json]

Reports the median time per call of: parsing+validating the example, ``dsg.project`` (the
full projection with mitigation effects and the unmitigated path, returned to Python), and
``dsg.project(...).to_frame()`` (what a notebook displays). Figures depend on the machine; the
README quotes one run with the machine it ran on.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from pathlib import Path

import dsg_forecast as dsg

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "bcp_safety_valve_2024.toml"


def per_call(fn, repeat: int = 7, min_time: float = 0.2) -> float:
    """Median over ``repeat`` batches of the mean seconds per call (batch ≥ ``min_time``)."""
    n = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        if time.perf_counter() - t0 >= min_time:
            break
        n *= 2
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        samples.append((time.perf_counter() - t0) / n)
    return statistics.median(samples)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    text = EXAMPLE.read_text()
    s = dsg.Scenario.from_toml(EXAMPLE)
    rows = {
        "Scenario.from_toml_str (parse + validate)": per_call(
            lambda: dsg.Scenario.from_toml_str(text)
        ),
        "dsg.project (full: effects + unmitigated)": per_call(lambda: dsg.project(s)),
        "dsg.project(...).metrics": per_call(lambda: dsg.project(s).metrics),
        "dsg.project(...).to_frame()": per_call(lambda: dsg.project(s).to_frame()),
    }
    machine = (
        f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}"
    )
    if args.json:
        print(json.dumps({"machine": machine, "seconds_per_call": rows}, indent=2))
        return
    print(f"BCP example, {machine}")
    for k, v in rows.items():
        print(f"{k:<45} {v * 1e6:9.1f} µs")


if __name__ == "__main__":
    main()
