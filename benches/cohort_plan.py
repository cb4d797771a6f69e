"""The BCP example plan on the cohort demand model, built exactly as the Rust benchmarks build
it (`benches/common/cohort_plan.rs`), so `benches/compare.py --model cohort` and `cargo bench
--bench project` run the same inputs.

    python benches/cohort_plan.py            # print the scenario as TOML
    python benches/cohort_plan.py --check    # compare with the Rust construction (needs cargo)

Each category's plans spread over ages 0 to 25 by a school-age profile, new plans at 9% of
the stock a year (at ages 3 to 11), cessation 1% a year below 15 then rising from 2% at 15 by
4 points a year, moves into special at 11 and into post-16 at 16. Every number is computed
with the same IEEE operations in the same order as the Rust code, so the parsed scenarios are
equal field for field (`--check` proves it).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "bcp_safety_valve_2024.toml"
N_AGES = 26


def _list(v: list[float]) -> str:
    return "[" + ", ".join(repr(float(x)) for x in v) + "]"


def bcp_cohort_toml() -> str:
    """The scenario text (the BCP example with `model = "cohort"` and a `[demand.cohort]`)."""
    import dsg_forecast as dsg

    text = EXAMPLE.read_text()
    cats = list(dsg.Scenario.from_toml(EXAMPLE).to_dict()["demand"]["base_plans"].items())
    profile = []
    for a in range(N_AGES):
        if a <= 2:
            profile.append(0.2)
        elif a <= 18:
            profile.append(1.0 + float(11 - abs(a - 11)) * 0.1)
        else:
            profile.append(float(25 - a) * 0.15)
    # Sums left to right from 0, as Rust's `Iterator::sum` (Python's `sum` of floats is
    # compensated from 3.12).
    norm = 0.0
    for p in profile:
        norm += p
    total = 0.0
    for _, n in cats:
        total += float(n)
    stock = ", ".join(f"{c} = {_list([float(n) * p / norm for p in profile])}" for c, n in cats)
    mix = ", ".join(f"{c} = {_list([float(n) / total] * N_AGES)}" for c, n in cats)
    new = [0.09 * total / 9.0 if 3 <= a <= 11 else 0.0 for a in range(N_AGES)]
    cess = [0.01 if a < 15 else min(0.02 + 0.04 * float(a - 15), 1.0) for a in range(N_AGES)]
    text = text.replace("[demand]\n", '[demand]\nmodel = "cohort"\n')
    text += (
        f"\n[demand.cohort]\nstock = {{ {stock} }}\nnew_plans = {_list(new)}\n"
        f"new_plan_mix = {{ {mix} }}\ncessation = {_list(cess)}\n"
        'transitions = [ { age = 11, from = "mainstream", to = "special", share = 0.05 }, '
        '{ age = 16, from = "special", to = "post16", share = 0.3 } ]\n'
    )
    return text


def bcp_cohort():
    """The scenario (`dsg.Scenario`)."""
    import dsg_forecast as dsg

    return dsg.Scenario.from_toml_str(bcp_cohort_toml())


def check() -> bool:
    """Whether the scenario equals the Rust construction's, field for field (its JSON, printed
    by `cargo run --release --example profile_cohort -- --print-scenario`)."""
    out = subprocess.run(
        [
            "cargo",
            "run",
            "--quiet",
            "--release",
            "--example",
            "profile_cohort",
            "--",
            "--print-scenario",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rust = json.loads(out)
    ours = json.loads(bcp_cohort().to_json())
    return rust == ours


if __name__ == "__main__":
    if "--check" in sys.argv[1:]:
        same = check()
        print("identical to benches/common/cohort_plan.rs" if same else "DIFFERENT from Rust")
        sys.exit(0 if same else 1)
    print(bcp_cohort_toml())
