"""The shipped public-data tables are exactly what data/build.py makes from data/raw/."""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "data" / "raw"
SHIPPED = ROOT / "python" / "dsg_forecast" / "data"
SHARED = ROOT / ".." / "shared" / "data"


def _build_module():
    spec = importlib.util.spec_from_file_location("dsg_data_build", ROOT / "data" / "build.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    out = tmp_path_factory.mktemp("data")
    manifest = _build_module().build(RAW, out)
    return out, manifest


def test_rebuild_from_raw_is_byte_identical_to_the_shipped_tables(rebuilt):
    out, manifest = rebuilt
    assert len(manifest["outputs"]) >= 10
    for name in [*manifest["outputs"], "manifest.json"]:
        assert (out / name).read_bytes() == (SHIPPED / name).read_bytes(), name


def test_manifest_hashes_every_source_and_output():
    manifest = json.loads((SHIPPED / "manifest.json").read_text(encoding="utf-8"))
    raw_files = sorted(str(p.relative_to(RAW)) for p in RAW.rglob("*") if p.is_file())
    assert sorted(manifest["sources"]) == raw_files
    for rel, digest in manifest["sources"].items():
        assert hashlib.sha256((RAW / rel).read_bytes()).hexdigest() == digest, rel
    for name, entry in manifest["outputs"].items():
        assert hashlib.sha256((SHIPPED / name).read_bytes()).hexdigest() == entry["sha256"]


def test_gzip_headers_carry_no_time_or_file_name():
    for path in SHIPPED.glob("*.csv.gz"):
        head = path.read_bytes()[:10]
        assert head[3] & 0x08 == 0, f"{path.name}: gzip header names a file"
        assert head[4:8] == b"\0\0\0\0", f"{path.name}: gzip header has a time stamp"
        gzip.decompress(path.read_bytes())  # and it is valid gzip


def test_installed_data_is_under_5_mb():
    total = sum(p.stat().st_size for p in SHIPPED.iterdir() if p.is_file())
    assert total < 5e6, total


def test_suppressed_cells_are_missing_not_zero():
    # Hackney returned totals only in January 2024: the placement cells are empty, not 0.
    text = gzip.decompress((SHIPPED / "ehcp_placement.csv.gz").read_bytes()).decode()
    row = next(line for line in text.splitlines() if line.startswith("204,2024,"))
    assert row.split(",")[4:11] == [""] * 7
    # requests_decided_to_assess is "x" for BCP in 2019-2022.
    text = gzip.decompress((SHIPPED / "requests.csv.gz").read_bytes()).decode()
    header = text.splitlines()[0].split(",")
    row = next(line for line in text.splitlines() if line.startswith("839,2019,")).split(",")
    assert row[header.index("requests_decided_to_assess")] == ""
    assert row[header.index("requests_received_in_year")] == "541"


def test_raw_copy_is_byte_identical_to_the_shared_data():
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED.resolve()} is not on this machine (a clean checkout)")
    shared = sorted(str(p.relative_to(SHARED)) for p in SHARED.rglob("*") if p.is_file())
    ours = sorted(str(p.relative_to(RAW)) for p in RAW.rglob("*") if p.is_file())
    assert ours == shared
    for rel in shared:
        assert (RAW / rel).read_bytes() == (SHARED / rel).read_bytes(), rel


def test_shipped_loaders_need_only_pandas_and_numpy():
    # The build needs odfpy and openpyxl; the package's data modules must not import them.
    for path in SHIPPED.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for mod in ("odf", "openpyxl", "xlrd"):
            assert f"import {mod}" not in text and f"from {mod}" not in text, (path.name, mod)
