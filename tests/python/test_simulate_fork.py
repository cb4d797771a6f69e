"""``simulate_many`` never hangs on a fork-started process pool (issue 9, item 13).

Each case runs in its own Python process under a timeout, so a hang fails the test instead of
blocking the suite."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRELUDE = f"""
import multiprocessing, sys
from concurrent.futures import ProcessPoolExecutor
import dsg_forecast as dsg

def uncertain():
    s = dsg.Scenario.from_toml({str(ROOT / "examples" / "bcp_safety_valve_2024.toml")!r})
    return s.replace({{"uncertainty": {{"ehcp_growth": {{"distribution": "normal", "sd": 0.01}}}}}})
"""


def run(body: str, tmp_path: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    script = tmp_path / "case.py"
    script.write_text(PRELUDE + "\nif __name__ == '__main__':\n" + textwrap.indent(body, "    "))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "python"), *sys.path])}
    # A session of its own, so a hang kills the script and any worker it forked.
    proc = subprocess.Popen(
        [sys.executable, str(script)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise AssertionError(f"hung: no answer within {timeout} s") from None
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def test_default_process_pool_after_a_simulation_is_refused_not_hung(tmp_path):
    r = run(
        textwrap.dedent("""
        s = uncertain()
        dsg.simulate(s, n_paths=2000, seed=1, progress=False)
        ctx = multiprocessing.get_context("fork")
        try:
            with ProcessPoolExecutor(max_workers=2, mp_context=ctx) as pool:
                dsg.simulate_many([s, s], executor=pool, n_paths=500, seed=1)
        except dsg.ScenarioError as e:
            print("REFUSED", e)
            sys.exit(0)
        print("RAN")
        """),
        tmp_path,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    assert "REFUSED" in r.stdout, r.stdout
    assert "fork" in r.stdout and "spawn" in r.stdout and "executor" in r.stdout


def test_default_executor_on_this_platform_does_not_hang(tmp_path):
    # ProcessPoolExecutor() as a user writes it: fork on Linux with Python 3.11.
    r = run(
        textwrap.dedent("""
        s = uncertain()
        dsg.simulate(s, n_paths=2000, seed=1, progress=False)
        try:
            with ProcessPoolExecutor(max_workers=2) as pool:
                out = dsg.simulate_many([s, s], executor=pool, n_paths=500, seed=1)
            print("RAN", len(out))
        except dsg.ScenarioError as e:
            print("REFUSED", e)
        """),
        tmp_path,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    assert "RAN 2" in r.stdout or "REFUSED" in r.stdout


def test_processes_creates_a_spawn_pool_that_works_after_a_simulation(tmp_path):
    r = run(
        textwrap.dedent("""
        s = uncertain()
        local = dsg.simulate(s, n_paths=500, seed=4, progress=False)
        out = dsg.simulate_many([s], processes=1, n_paths=500, seed=4)
        print("SAME", out[0].quantiles.equals(local.quantiles))
        """),
        tmp_path,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert "SAME True" in r.stdout
