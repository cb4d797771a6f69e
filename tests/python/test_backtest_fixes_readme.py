"""The README's band table states its n, which is every council's (the same forecasts as the
accuracy table), and names the councils whose band SD is capped, as ``backtest_all`` reports
them in ``.notes``."""

from __future__ import annotations

import re
from pathlib import Path

import dsg_forecast as dsg

ROOT = Path(__file__).resolve().parents[2]


def _section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text.split("## Forecasts held to account")[1].split("\n## ")[0]


def _band_rows() -> tuple[list[str], list[list[str]]]:
    block = _section().split("<!-- band-table: from benches/backtest_all.py -->")[1]
    lines = block.split("<!-- /band-table -->")[0].strip().splitlines()
    header = [c.strip() for c in lines[0].strip().strip("|").split("|")]
    rows = [[c.strip() for c in r.strip().strip("|").split("|")] for r in lines[2:]]
    return header, rows


def test_band_table_states_n_and_it_is_every_councils():
    banded = dsg.backtest_all("growth", bands=True, n_paths=100)
    point_run = dsg.backtest_all("growth")
    point = point_run.summary().loc["growth", "n"]
    header, rows = _band_rows()
    assert header[:2] == ["horizon", "n"]
    n = {int(r[0]): int(r[1].replace(",", "")) for r in rows}
    assert n == point.to_dict() == banded.summary().loc["growth", "n"].to_dict()
    # What is left out is the same in both runs: council-origins without rows (a council's
    # origins before its first census), so the n above is every council's.
    assert banded.skipped == point_run.skipped
    made = set(zip(banded.frame["council"], banded.frame["origin"], strict=True))
    for name, why in banded.skipped:
        origin = int(why.split(":")[0].removeprefix("origin "))
        assert (name, origin) not in made and "no EHC plan total published" in why
    assert "Cumberland" in {name for name, _ in banded.skipped}
    # Every council whose band SD was capped is named in the section, with the cap.
    text = " ".join(_section().split())
    capped = {note.split(", origin")[0] for note in banded.notes}
    assert capped and all(name in text for name in capped)
    assert "bands use 0.25" in text
    assert not re.search(r"every council:\s*<!-- band-table", _section())
