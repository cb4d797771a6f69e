"""The README's England-wide back-test table and the sentence under it are what
``dsg.backtest_all`` gives for the growth and naive methods (the cohort columns need every
council's calibration and are left to ``benches/backtest_all.py``)."""

from __future__ import annotations

import re
from pathlib import Path

import dsg_forecast as dsg
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _table() -> list[list[str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("<!-- backtest-table: from benches/backtest_all.py -->")[1]
    block = block.split("<!-- /backtest-table -->")[0]
    rows = [r.strip().strip("|").split("|") for r in block.strip().splitlines()[2:]]
    return [[c.strip().replace("**", "").replace("−", "-") for c in r] for r in rows]


@pytest.fixture(scope="module")
def summaries():
    return {m: dsg.backtest_all(m).summary().loc[m] for m in ("growth", "naive")}


def test_growth_and_naive_columns_are_what_backtest_all_gives(summaries):
    rows = _table()
    assert [int(r[0]) for r in rows] == [1, 2, 3, 4, 5]
    for r in rows:
        h = int(r[0])
        g, n = summaries["growth"].loc[h], summaries["naive"].loc[h]
        assert int(r[1].replace(",", "")) == g["n"]
        assert (r[2], r[3]) == (f"{g['mape']:.1f}", f"{g['bias']:+.1f}")
        assert (r[4], r[5]) == (f"{n['mape']:.1f}", f"{n['bias']:+.1f}")


def test_the_naive_count_sentence(summaries):
    text = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    m = re.search(r"naive has (\d+) fewer at horizons 1 and 2 and (\d+) fewer at 3 and 4", text)
    assert m, "README lost the sentence on naive's count"
    gap = (summaries["growth"]["n"] - summaries["naive"]["n"]).to_dict()
    assert (gap[1], gap[2], gap[3], gap[4], gap[5]) == (
        int(m[1]),
        int(m[1]),
        int(m[2]),
        int(m[2]),
        0,
    )


def test_the_skipped_sentence_counts_what_backtest_all_lists():
    text = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    m = re.search(r"\((\d+) entries from (\d+) councils for `growth`", text)
    extra = re.search(r"`naive` adds the (\d+) first-census origins", text)
    assert m and extra, "the sentence is missing"
    growth = dsg.backtest_all("growth").skipped
    naive = dsg.backtest_all("naive").skipped
    assert (len(growth), len({c for c, _ in growth})) == (int(m[1]), int(m[2]))
    assert len(naive) - len(growth) == int(extra[1])
    assert set(growth) <= set(naive)
