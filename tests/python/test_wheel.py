"""The wheel, not the editable install, carries the public data: build it (maturin reuses the
release build `make build` just made, so this takes seconds), unpack it, and use the unpacked
package in a fresh interpreter."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT

MATURIN = Path(sys.executable).with_name("maturin")


@pytest.mark.skipif(not MATURIN.exists(), reason="maturin is not installed in this environment")
def test_the_wheel_ships_the_data_and_works_offline(tmp_path):
    env = {**os.environ, "VIRTUAL_ENV": str(Path(sys.executable).parents[1])}
    out = tmp_path / "wheel"
    subprocess.run(
        [str(MATURIN), "build", "--release", "--quiet", "-o", str(out)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=900,
    )
    (wheel,) = out.glob("dsg_forecast-*.whl")
    manifest = json.loads((ROOT / "python/dsg_forecast/data/manifest.json").read_text())
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        size = sum(i.file_size for i in z.infolist() if "/data/" in i.filename)
        z.extractall(tmp_path / "site")
    shipped = {f"dsg_forecast/data/{name}" for name in manifest["outputs"]}
    assert shipped <= names, sorted(shipped - names)
    assert size < 5e6, f"installed data is {size / 1e6:.1f} MB"
    code = (
        "import dsg_forecast as dsg, sys; "
        "assert dsg.__file__.startswith(sys.argv[1]), dsg.__file__; "
        "print(int(dsg.data.ehcps('Bournemouth, Christchurch and Poole', by=None)['total'][2024]))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "site")],
        env={**os.environ, "PYTHONPATH": str(tmp_path / "site")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "3769"
