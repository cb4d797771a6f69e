"""Shared fixtures: paths, the BCP example, and a small scenario worked out by hand.

The hand-worked figures for ``SMALL_TOML`` are derived step by step in ``tests/hand_worked.rs``;
the Python tests check a few of them again through the Python API.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

import dsg_forecast as dsg  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
BCP_PATH = EXAMPLES / "bcp_safety_valve_2024.toml"

#: Lines and metrics issue 2 requires of every projection (the CLI's --json names).
REQUIRED_LINES = [
    "hnb_funding",
    "block_transfer",
    "total_income",
    "total_expenditure",
    "in_year_deficit",
    "opening_deficit",
    "deficit_reductions",
    "closing_deficit",
    "ehcps",
    "financing_cost",
]
REQUIRED_METRICS = {
    "first_balanced_year",
    "peak_deficit",
    "peak_deficit_year",
    "closing_deficit",
    "total_financing_cost",
    "deficit_at_override_end",
    "reserves_exceeded_year",
}

#: Four years, three categories, one mitigation of each kind (see tests/hand_worked.rs).
SMALL_TOML = (Path(__file__).resolve().parents[1] / "data" / "hand_worked.toml").read_text(
    encoding="utf-8"
)

#: Hand-worked lines of SMALL_TOML (£ or plans), 2024-25 to 2027-28.
SMALL_EXPECTED = {
    "total_income": [15.5e6, 17.5e6, 20.325e6, 19.19125e6],
    "total_expenditure": [18.5e6, 22_092_550.0, 23_388_367.8, 18_328_123.1898],
    "in_year_deficit": [3.0e6, 4_592_550.0, 3_063_367.8, -863_126.8102],
    "closing_deficit": [5.0e6, 4_296_275.0, 6_359_642.8, 5_496_515.9898],
    "ehcps": [1000.0, 1090.0, 1135.0, 1182.75],
}

#: A minimal valid scenario as a dict (no mitigations), for what-ifs and generated cases.
MINIMAL = {
    "meta": {"name": "minimal", "base_year": "2024-25", "horizon": 5},
    "funding": {"hnb": 10_000_000.0, "schools_block": 100_000_000.0, "block_transfer": 0.005},
    "deficit": {"opening": 1_000_000.0},
    "demand": {"growth": 0.05, "base_plans": {"mainstream": 500.0, "special": 200.0}},
    "cost": {"unit_cost": {"mainstream": 10_000.0, "special": 25_000.0}, "inflation": 0.02},
}


@pytest.fixture(scope="session")
def bcp_path() -> Path:
    return BCP_PATH


@pytest.fixture(scope="session")
def bcp() -> dsg.Scenario:
    return dsg.Scenario.from_toml(BCP_PATH)


@pytest.fixture(scope="session")
def small() -> dsg.Scenario:
    return dsg.Scenario.from_toml_str(SMALL_TOML)


@pytest.fixture(scope="session")
def small_projection(small) -> dsg.Projection:
    return dsg.project(small)


@pytest.fixture()
def small_path(tmp_path) -> Path:
    path = tmp_path / "small.toml"
    path.write_text(SMALL_TOML, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def _cli_command() -> list[str]:
    exe = Path(sys.executable).parent / "dsg-forecast"
    if exe.exists():
        return [str(exe)]
    found = shutil.which("dsg-forecast")
    if found:
        return [found]
    return [sys.executable, "-m", "dsg_forecast"]


@pytest.fixture(scope="session")
def run_cli():
    """Run the ``dsg-forecast`` command; returns the CompletedProcess (text mode)."""
    cmd = _cli_command()

    def run(*args: str | os.PathLike[str], cwd: Path | None = None):
        return subprocess.run(
            [*cmd, *map(str, args)],
            capture_output=True,
            text=True,
            cwd=cwd or ROOT,
            timeout=120,
            env={**os.environ, "MPLBACKEND": "Agg"},
        )

    return run
