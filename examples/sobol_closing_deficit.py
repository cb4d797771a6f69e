"""Which assumptions drive BCP's 2038-39 deficit? Sobol indices over the batch API.

    python examples/sobol_closing_deficit.py

Each driver varies over a plausible range (shifts to the planned rates every year, and each
mitigation's delivery from 40% to 110% of plan); SALib draws a Saltelli/Sobol sample, the
library evaluates every row in one parallel call, and SALib computes first-order (S1) and
total (ST) indices of the closing cumulative deficit in the last year.
"""

from __future__ import annotations

from pathlib import Path

import dsg_forecast as dsg
import pandas as pd
from SALib.analyze import sobol
from SALib.sample import sobol as sobol_sample

EXAMPLE = Path(__file__).resolve().parent / "bcp_safety_valve_2024.toml"

#: Ranges: rate shifts in percentage points as fractions; delivery as a share of plan.
RATE_BOUNDS = {
    "ehcp_growth": (-0.02, 0.02),
    "unit_cost_inflation": (-0.01, 0.02),
    "hnb_growth": (-0.01, 0.02),
}


def bounds_for(scenario: dsg.Scenario) -> dict[str, tuple[float, float]]:
    """Rate shifts plus every mitigation's delivery from 0.4 to 1.1."""
    out = dict(RATE_BOUNDS)
    for name in dsg.batch_drivers(scenario):
        if name.startswith("mitigation:"):
            out[name] = (0.4, 1.1)
    return out


def sobol_indices(scenario: dsg.Scenario, n: int = 1024, seed: int = 1) -> pd.DataFrame:
    """S1 and ST (with 95% confidence half-widths) of the final closing deficit, largest ST
    first. Evaluates n × (2 × drivers + 2) projections."""
    problem = dsg.sobol_problem(bounds_for(scenario))
    x = sobol_sample.sample(problem, n, seed=seed)
    y = dsg.evaluate_batch(scenario, x, problem["names"], metric="closing_deficit")
    s = sobol.analyze(problem, y, seed=seed)
    frame = pd.DataFrame(
        {"S1": s["S1"], "S1 ±": s["S1_conf"], "ST": s["ST"], "ST ±": s["ST_conf"]},
        index=pd.Index(problem["names"], name="driver"),
    )
    return frame.sort_values("ST", ascending=False)


def main() -> None:
    scenario = dsg.Scenario.from_toml(EXAMPLE)
    table = sobol_indices(scenario)
    pd.set_option("display.width", 120)
    print(f"Sobol indices of the closing deficit in {scenario.years[-1]} ({scenario.name})")
    print(table.round(3).to_string())


if __name__ == "__main__":
    main()
