"""Scenarios shared by the toolkit tests (test_toolkit_*.py)."""

from __future__ import annotations

from pathlib import Path

import dsg_forecast as dsg

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

#: One category: 100 special plans at £20,000 = £2.0m a year (no growth, no inflation); HNB
#: £1.5m (no growth); schools block £100m; no transfer. In-year deficit £0.5m every year, so
#: the closing deficit is £0.5m, £1.0m, £1.5m.
SMALL = (Path(__file__).resolve().parents[1] / "data" / "toolkit_small.toml").read_text(
    encoding="utf-8"
)

#: All seven DfE categories, step schedules, mitigations of several kinds, a write-off,
#: capacity, a target mix and source notes: exercises every sheet of the workbooks.
RICH = """
[meta]
name = "Rich"
council = "Example Council"
base_year = "2024-25"
horizon = 8

[funding]
hnb = 50_000_000
hnb_growth = { "2024-25" = 0.03, "2026-27" = 0.04 }
schools_block = 200_000_000
schools_block_growth = 0.03
block_transfer = { "2024-25" = 0.005, "2025-26" = 0.01 }
other_income = { "2025-26" = 1_000_000 }

[deficit]
opening = 30_000_000
payments = { "2026-27" = 2_000_000 }
write_offs = [ { year = "2027-28", share = 0.1 } ]

[demand]
growth = { "2024-25" = 0.06, "2027-28" = 0.03 }

[demand.base_plans]
mainstream = 1200
resourced_provision = 150
special = 800
independent = 350
hospital_ap = 100
post16 = 500
other = 100

[[demand.mix]]
year = "2028-29"

[demand.mix.shares]
mainstream = 0.42
resourced_provision = 0.06
special = 0.26
independent = 0.08
hospital_ap = 0.03
post16 = 0.12
other = 0.03

[capacity.special]
places = { "2024-25" = 1000, "2027-28" = 1200 }
overflow = "independent"

[cost]
inflation = 0.025
inflation_by_category = { independent = 0.04 }

[cost.unit_cost]
mainstream = 9_000
resourced_provision = 20_000
special = 26_000
independent = 64_000
hospital_ap = 27_500
post16 = 12_000
other = 10_000

[cost.non_plan]
central = { base = 3_000_000, growth = 0.02 }

[[mitigations]]
name = "Local special places"
start = "2025-26"
ramp_years = 2
effect = { move_plans = { from = "independent", to = "special", per_year = 20 } }

[[mitigations]]
name = "Cheaper independent placements"
start = "2025-26"
effect = { unit_cost = { category = "independent", change = -0.05 } }

[[mitigations]]
name = "Early help"
start = "2025-26"
ramp_years = 3
effect = { reduce_growth = { points = 0.01 } }

[[mitigations]]
name = "Invest to save"
start = "2024-25"
effect = { invest = { amounts = { "2024-25" = 500_000, "2025-26" = 500_000 } } }

[financing]
interest_rate = 0.04
reserves = 40_000_000
override_end = "2028-03-31"

[sources]
"funding.hnb" = "Allocation table, 2024-25."
"demand.base_plans" = "SEN2 return, January 2024."
"mitigations.Early help" = "Early help strategy, 2024."
"""


def small() -> dsg.Scenario:
    return dsg.Scenario.from_toml_str(SMALL)


def rich() -> dsg.Scenario:
    return dsg.Scenario.from_toml_str(RICH)


#: SMALL with a mitigation ceasing 10k special plans a year from 100 (10k, 20k, 30k ceased by
#: 2026-27): valid only for sizes k ≤ 10/3. Size k cuts spend by £20,000 × k × 60 = £1.2m × k.
CEASE = (
    SMALL
    + """
[[mitigations]]
name = "Cease"
start = "2024-25"
effect = { cease_plans = { per_year = 10, category = "special" } }
"""
)

#: An [uncertainty] section for RICH using every distribution and setting.
RICH_UNCERTAINTY = {
    "persistence": 0.5,
    "correlation": 0.3,
    "ehcp_growth": {"distribution": "normal", "mean": 0.001, "sd": 0.015},
    "inflation": {"distribution": "triangular", "min": -0.01, "mode": 0.0, "max": 0.02},
    "hnb_growth": {"distribution": "uniform", "min": -0.01, "max": 0.01},
    "inflation_by_category": {
        "independent": {"distribution": "lognormal", "mu": -4.0, "sigma": 0.5, "shift": -0.02}
    },
    "delivery": {"Early help": {"distribution": "beta", "alpha": 8.0, "beta": 3.0}},
}


def cease() -> dsg.Scenario:
    return dsg.Scenario.from_toml_str(CEASE)


def bcp() -> dsg.Scenario:
    return dsg.Scenario.from_file(EXAMPLES / "bcp_safety_valve_2024.toml")
