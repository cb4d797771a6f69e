"""Fixes to the public data: absent age rows, the sources table, the placement notes, source
years, blank council names and the licence attribution; each checked against the raw DfE files."""

from __future__ import annotations

import json
from pathlib import Path

import dsg_forecast as dsg
import numpy as np
import pandas as pd
import pytest
from dsg_forecast.data._categories import AGE_GROUPS, age_group, single_age

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "data" / "raw"
ZERO_NOTE = "0: no row published; the published ages sum to the total"
MISSING = {"c", "x", "z", ":", "u", ""}


def _raw(path: str) -> pd.DataFrame:
    return pd.read_csv(RAW / path, dtype=str, keep_default_na=False)


def _num(s: pd.Series) -> pd.Series:
    s = s.str.strip().str.replace(",", "", regex=False)
    return pd.to_numeric(s.mask(s.str.lower().isin(MISSING)))


# ---- 1. an age with no published row is 0 where the published ages add up ----------------
def test_isles_of_scilly_january_2024_under_5_is_zero_with_a_note():
    age = dsg.data.ehcps("Isles of Scilly", by="age")
    assert age.loc[2024, "Under 5"] == 0
    assert age.loc[2024].notna().all() and age.loc[2024].sum() == 18
    assert any(n.startswith("January 2024, Under 5: " + ZERO_NOTE) for n in age.attrs["notes"])
    assert "0 where the published ages sum to the published total" in age.attrs["source"]


def test_city_of_london_new_plans_2022_account_for_all_three_plans():
    new = dsg.data.new_plans("City of London", by="age")
    row = new.loc[2022]
    assert row.notna().all() and row.sum() == 3
    assert (row[["5-10", "16-19", "20-25"]] == 0).all()
    for g in ("5-10", "16-19", "20-25"):
        assert any(n.startswith(f"Calendar year 2022, {g}: {ZERO_NOTE}")
                   for n in new.attrs["notes"])  # fmt: skip


@pytest.mark.parametrize(
    ("path", "topic", "all_topic", "col", "fn"),
    [
        ("sen2/caseload.csv.gz", "Child or young persons age", "All EHC plans", "ehcplans",
         dsg.data.ehcps),
        ("sen2/newplans.csv.gz", "Age when plan started", "New EHC plans", "new_ehc_plans",
         dsg.data.new_plans),
    ],
)  # fmt: skip
def test_absent_ages_are_zero_exactly_where_the_raw_rows_add_up(path, topic, all_topic, col, fn):
    raw = _raw(path)
    raw = raw[raw.geographic_level == "Local authority"]
    ages = raw[raw.breakdown_topic == topic]
    totals = raw[raw.breakdown_topic == all_topic].set_index(["old_la_code", "time_period"])
    filled = 0
    for (code, tp), g in ages.groupby(["old_la_code", "time_period"]):
        year = 2000 + int(tp[-2:]) if len(tp) == 6 else int(tp)
        v = _num(g[col])
        total = _num(totals.loc[[(code, tp)], col]).iloc[0]
        present = {age_group(min(single_age(b), 25)) for b in g.breakdown}
        absent = [k for k in AGE_GROUPS if k not in present]
        if not absent:
            continue
        got = fn(code, by="age").loc[year]
        if v.notna().all() and v.sum() == total:
            assert (got[absent] == 0).all(), (code, year)
            assert got.sum() == total, (code, year)
            filled += 1
        else:  # the published rows do not account for every plan: missing, never 0
            assert got[absent].isna().all(), (code, year)
    assert filled > 0


def test_yorkshire_2022_new_plans_stay_missing_where_the_total_is_the_regions():
    # The published 2022 total of each of these councils is the region's (6,078).
    new = dsg.data.new_plans(370, by="age")
    assert np.isnan(new.loc[2022, "20-25"])
    assert any("region's total" in n for n in new.attrs["notes"])


def test_the_cohort_calibration_and_the_age_tables_agree():
    # The calibration's single-age grids take an age without a row as 0; the age groups agree.
    from dsg_forecast.calibration._frames import public_frames

    for name, year in (("Isles of Scilly", 2024), ("City of London", 2024)):
        c = dsg.data.council(name)
        f = public_frames(c, year)
        for grid, published, y in ((f.stock, dsg.data.ehcps(c, by="age"), year),
                                   (f.new, dsg.data.new_plans(c, by="age"), year - 1)):  # fmt: skip
            by_age = grid[y].sum(axis=1)
            grouped = pd.Series({k: by_age.loc[lo:hi].sum() for k, (lo, hi) in AGE_GROUPS.items()})
            pd.testing.assert_series_equal(published.loc[y], grouped, check_names=False)
            pd.testing.assert_series_equal(
                (f.groups if grid is f.stock else f.new_groups).loc[y], grouped, check_names=False
            )


# ---- 2. sources() says which years each table takes from each release ----------------------
def test_sources_give_the_years_each_table_takes_from_the_2022_release():
    s = dsg.data.sources().set_index("dataset")["tables"]
    old = s["Education, health and care plans (SEN2), 2022 release"]
    assert "ehcp_age (January 2010-2022)" in old
    assert "new_plans_age (2009-2021)" in old
    assert "ehcp_placement (January 2010-2018)" in old
    assert "new_plans_age_placement" not in old  # built from the current release only


@pytest.mark.parametrize(
    "name", ["ehcp_placement", "ehcp_age", "new_plans_placement", "new_plans_age"]
)
def test_sources_years_are_the_built_tables_years(name):
    t = pd.read_csv(ROOT / "python/dsg_forecast/data" / f"{name}.csv.gz", dtype={"area": str})
    s = dsg.data.sources()
    sen2 = "Education, health and care plans (SEN2)"
    for release, dataset in (("sen2", sen2), ("sen2_2022_release", f"{sen2}, 2022 release")):
        text = s.set_index("dataset").loc[dataset, "tables"]
        ys = t.loc[t["release"] == release, "year"]
        if not len(ys):
            assert f"{name} (" not in text
            continue
        assert f"{name} (" in text, (name, release)
        span = text.split(f"{name} (", 1)[1].split(")", 1)[0]
        assert str(ys.max()) in span and (str(ys.min()) in span or "for 1 area" in span), span


# ---- 3. the placement note names what is published -------------------------------------------
def test_peterborough_2024_note_names_the_438_published():
    notes = dsg.data.ehcps(874).attrs["notes"]
    note = next(n for n in notes if n.startswith("January 2024"))
    assert "other_placement_settings (438)" in note and "suppressed" in note


def test_no_placements_note_names_every_published_placement_column():
    raw = _raw("sen2/caseload.csv.gz")
    raw = raw[
        (raw.breakdown_topic == "All EHC plans") & (raw.geographic_level == "Local authority")
    ]
    cols = [c for c in raw.columns[raw.columns.get_loc("ehcplans") + 1 :] if not c.endswith("_pc")]
    t = pd.read_csv(ROOT / "python/dsg_forecast/data/ehcp_placement.csv.gz", dtype={"area": str},
                    keep_default_na=False)  # fmt: skip
    checked = 0
    for _, r in raw.iterrows():
        year = 2000 + int(r.time_period[-2:])
        vals = _num(r[cols].astype(str))
        if vals.notna().sum() == 0 or vals.notna().sum() > 2:
            continue
        note = t.loc[(t.area == r.old_la_code) & (t.year == year), "note"].iloc[0]
        for c in vals[vals.notna()].index:
            assert f"{c} ({vals[c]:.0f})" in note, (r.old_la_code, year, note)
        checked += 1
    assert checked >= 2  # Peterborough and Hackney, January 2024


# ---- 4. source notes name their years; a council not in the allocation tables says so --------
def test_requests_and_ceased_sources_name_their_years():
    assert "2019-2023" in dsg.data.requests(839).attrs["source"]
    assert "2022-2023" in dsg.data.ceased_plans(839).attrs["source"]
    assert "calendar 2023" in dsg.data.ceased_plans(839, by="age").attrs["source"]


def test_allocations_for_a_council_not_in_the_tables_says_so():
    a = dsg.data.allocations("Isles of Scilly")
    assert a.empty
    src = a.attrs["source"]
    assert "()" not in src
    assert "Isles of Scilly" in src and "not in the DfE DSG allocation tables" in src
    assert "2019-20" in src and "2023-24" in src


# ---- 5. an empty or blank council name is an error -------------------------------------------
@pytest.mark.parametrize("query", ["", "   "])
def test_blank_council_is_an_error_saying_what_is_allowed(query):
    with pytest.raises(dsg.data.UnknownCouncilError, match="council") as e:
        dsg.data.council(query)
    assert isinstance(e.value, ValueError)
    assert "England" in str(e.value) and "name or code" in str(e.value)


@pytest.mark.parametrize("command", ["history", "baseline"])
@pytest.mark.parametrize("query", ["", "  "])
def test_cli_blank_council_exits_2(run_cli, command, query):
    r = run_cli(command, query, "--opening-deficit", "1") if command == "baseline" else (
        run_cli(command, query))  # fmt: skip
    assert r.returncode == 2, r.stdout
    assert "council" in r.stderr and "name or code" in r.stderr and "England" in r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""


# ---- 6. the licence attribution wherever the data are shown ----------------------------------
def test_history_prints_the_licence_attribution(run_cli):
    r = run_cli("history", "839")
    assert r.returncode == 0, r.stderr
    assert dsg.data.ATTRIBUTION in r.stdout


@pytest.mark.parametrize("name", ["public_data", "backtest", "cohort"])
def test_notebooks_carry_the_attribution_and_no_outputs(name):
    nb = json.loads((ROOT / "examples" / f"{name}.ipynb").read_text(encoding="utf-8"))
    md = " ".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert dsg.data.ATTRIBUTION in " ".join(md.split())
    assert all(not c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code")
