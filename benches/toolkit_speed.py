"""How fast are goal seek and the tornado, called from Python?

    .venv/bin/python benches/toolkit_speed.py [SCENARIO.toml] [--repeat N] [--json]

For each goal seek it reports the projections used (the search runs in Rust: bracketing, then
regula falsi with a bisection fallback) and the best wall time of N calls; for the tornado of
every default driver, the projections and the best wall time. Wall times include building the
result objects in Python.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import dsg_forecast as dsg

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "examples" / "bcp_safety_valve_2024.toml"

#: (label, keyword arguments of dsg.goal_seek) for the BCP plan.
SEEKS = [
    (
        "block transfer, balance 2030-31",
        {"lever": "block_transfer", "target": "in_year_balance", "year": "2030-31"},
    ),
    (
        "HNB growth, balance 2030-31",
        {"lever": "hnb_growth", "target": "in_year_balance", "year": "2030-31"},
    ),
    (
        "EHCP growth, balance 2030-31",
        {"lever": "ehcp_growth", "target": "in_year_balance", "year": "2030-31"},
    ),
    (
        "HNB growth, deficit at override end ≤ £100m",
        {"lever": "hnb_growth", "target": "deficit_at_override_end", "amount": 100e6},
    ),
]


def best_of(fn, repeat: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario", nargs="?", default=str(DEFAULT))
    ap.add_argument("--repeat", type=int, default=5, help="calls per timing; the best is kept")
    ap.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = ap.parse_args()
    s = dsg.Scenario.from_toml(args.scenario)
    dsg.project(s)  # warm up

    rows = []
    for label, kwargs in SEEKS:
        try:
            secs, r = best_of(lambda kw=kwargs: dsg.goal_seek(s, **kw), args.repeat)
        except dsg.ScenarioError as e:
            rows.append({"task": f"goal seek: {label}", "error": str(e).splitlines()[0]})
            continue
        rows.append(
            {
                "task": f"goal seek: {label}",
                "projections": r.projections,
                "seconds": secs,
                "achieved": r.achieved,
                "value": r.value,
            }
        )
    secs, t = best_of(lambda: dsg.tornado(s), args.repeat)
    rows.append(
        {
            "task": f"tornado: {len(t)} default drivers",
            "projections": t.projections,
            "seconds": secs,
        }
    )
    secs, _ = best_of(lambda: dsg.project(s), args.repeat)
    rows.append({"task": "one full projection (for scale)", "projections": 1, "seconds": secs})

    meta = {
        "scenario": Path(args.scenario).name,
        "repeat": args.repeat,
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    if args.json:
        print(json.dumps({"meta": meta, "results": rows}, indent=2))
        return
    print(f"{meta['scenario']}, best of {args.repeat}, Python {meta['python']}")
    print(f"{'task':<58} {'projections':>11} {'time (ms)':>10}  result")
    for r in rows:
        if "error" in r:
            print(f"{r['task']:<58} {'':>11} {'':>10}  error: {r['error']}")
            continue
        result = ""
        if "achieved" in r:
            result = f"{'achieved' if r['achieved'] else 'not achievable'}, value {r['value']:.4g}"
        print(f"{r['task']:<58} {r['projections']:>11} {r['seconds'] * 1e3:>10.2f}  {result}")


if __name__ == "__main__":
    main()
