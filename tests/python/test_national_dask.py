"""A national run on a real Dask cluster (two worker processes) equals the serial run, bit for
bit: projections, the England sum, and simulations. The cluster runs in its own process under a
timeout, so the suite can never hang on it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import dsg_forecast as dsg
import pytest

SCRIPT = Path(__file__).with_name("scripts") / "national_on_dask.py"


def test_project_and_simulate_on_a_dask_cluster_equal_the_serial_run():
    pytest.importorskip("distributed")
    r = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    assert r.stdout.split()[:3] == ["OK", "12", "15"], r.stdout


def test_national_sums_every_plan_and_counts_councils_over_a_share():
    a = dsg.Scenario.from_toml("examples/bcp_safety_valve_2024.toml")
    b = a.replace({"meta.name": "other", "funding.hnb": 50e6})
    pa, pb = dsg.project_many([a, b])
    england = dsg.national([pa, pb], share=0.5, dsg_income={a.name: 300e6})
    fa, fb = pa.to_frame(), pb.to_frame()
    for line in ("ehcps", "total_expenditure", "closing_deficit"):
        assert england[line].tolist() == (fa.loc[line] + fb.loc[line]).tolist()
    # Only the BCP plan has an income: counted when its closing deficit passes £150m.
    expected = (fa.loc["closing_deficit"] > 150e6).astype(int).tolist()
    assert england["councils_over_share"].tolist() == expected
    assert england.attrs["notes"] == ["1 plan(s) without a DSG income were not counted"]
    with pytest.raises(TypeError, match="item 1"):
        dsg.project_many([a, "b"])


def test_a_plan_rolled_forward_still_finds_the_income_keyed_by_its_name():
    a = dsg.Scenario.from_toml("examples/bcp_safety_valve_2024.toml")
    income = {a.name: 300e6}
    rolled = dsg.project(a.roll_forward("2025-26"))
    assert rolled.scenario.name == f"{a.name} (rolled forward to 2025-26)"
    england = dsg.national([rolled], share=0.5, dsg_income=income)
    assert england.attrs["notes"] == []
