"""Build the package's public-data tables from the raw DfE files (``make data``).

    python data/build.py [--raw DIR] [--out DIR]

Reads ``data/raw/`` (a copy of the published files; see ``data/raw/README.md``) and writes
compact tidy tables, gzip CSV, to ``python/dsg_forecast/data/`` with ``manifest.json`` (every
source file and every output file with its sha256). The output is byte-for-byte deterministic:
fixed row and column order, fixed number formatting, gzip with mtime 0 and no file name; the test
``tests/python/test_data_build.py`` rebuilds into a temporary folder and compares.

Years are discovered from the files, never listed here, so a newer release of the same files
builds without code changes. Suppressed or not-applicable cells (c, x, z, :, u, blank) stay
missing (an empty CSV cell), never zero. The DfE publishes no row for an age with no plans: in
the age-group tables such an age is 0, with a note, where the area-year's published age rows add
up exactly to its published total (none suppressed), else missing, with a note giving the figures.
``manifest.json`` records which years of each table come from which release
(``release_years``; ``dsg.data.sources()`` reads it). Which placement column goes into which of
the seven categories is decided once, in ``python/dsg_forecast/data/_categories.py``.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib.util
import io
import json
import math
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
OUT = ROOT / "python" / "dsg_forecast" / "data"
MISSING = {"c", "x", "z", ":", "u", ""}
ENGLAND = "E92000001"


def _load_categories():
    # Loaded by path so the build needs neither the compiled extension nor the package.
    path = OUT / "_categories.py"
    spec = importlib.util.spec_from_file_location("_dsg_categories", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


CAT = _load_categories()
SEVEN = list(CAT.CATEGORY_IDS)


# ---- reading ---------------------------------------------------------------------------------
def num(series: pd.Series) -> pd.Series:
    """Numbers from published text; the suppression codes and blanks become NaN."""
    s = series.astype(str).str.strip().str.replace(",", "", regex=False)
    s = s.mask(s.str.lower().isin(MISSING))
    return pd.to_numeric(s, errors="raise")


def read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def area_code(df: pd.DataFrame) -> pd.Series:
    """One identifier per row: the old LA code (e.g. "839"), the region code, or England's."""
    level = df["geographic_level"]
    return np.where(
        level == "Local authority",
        df["old_la_code"],
        np.where(level == "Regional", df["region_code"], ENGLAND),
    )


def census_year(time_period: pd.Series) -> pd.Series:
    """January census calendar year: "202324" (academic year) -> 2024; "2022" -> 2022."""
    tp = time_period.astype(str)
    return np.where(tp.str.len() == 6, 2000 + tp.str[-2:].astype(int), tp.astype(int))


# ---- SEN2: EHC plans ---------------------------------------------------------------------------
def sen2_seven(df: pd.DataFrame, total_col: str) -> pd.DataFrame:
    """The seven categories from the SEN2 placement columns (see _categories.SEN2_COLUMNS)."""
    out = pd.DataFrame(index=df.index)
    out["total"] = num(df[total_col])
    vals = {c: num(df[c]) for c in df.columns if c in CAT.SEN2_COLUMNS}
    for cat in SEVEN:
        cols = [c for c, k in CAT.SEN2_COLUMNS.items() if k == cat and c in vals]
        out[cat] = pd.concat([vals[c] for c in cols], axis=1).sum(axis=1, min_count=1)
    ops_col = CAT.SEN2_MAYBE_IN_ED_ELSEWHERE
    if ops_col in df.columns:
        ops = num(df[ops_col]).fillna(0)
        parts = sum(num(df[c]).fillna(0) for c in CAT.SEN2_ED_ELSEWHERE_PARTS if c in df.columns)
        inside = (num(df["ed_elsewhere"]).fillna(0) == parts + ops) & (ops > 0)
        out["other"] = out["other"] + ops.where(~inside, 0)
    # Where no category can be formed, the placement columns that are published all the same
    # (for the note: e.g. other_placement_settings beside suppressed columns).
    cols = [c for c in df.columns[df.columns.get_loc(total_col) + 1 :]
            if not c.lower().endswith("_pc")]  # fmt: skip
    none = out[SEVEN].isna().all(axis=1).to_numpy()
    published = [""] * len(out)
    for i in np.flatnonzero(none):
        row = df.iloc[i]
        shown = [f"{c} ({v:.0f})" for c in cols if pd.notna(v := num(pd.Series([row[c]]))[0])]
        published[i] = ", ".join(shown)
    out["_published"] = published
    return out


def sen2_2022_seven(df: pd.DataFrame, value_col: str) -> pd.DataFrame:
    """The seven categories from the 2022 release's establishment rows, one row per area-year."""
    df = df.assign(area=area_code(df), year=census_year(df["time_period"]), v=num(df[value_col]))
    key = list(zip(df["establishment_group"], df["establishment_type"], strict=True))
    df["cat"] = [CAT.SEN2_2022_TYPES.get(k) for k in key]
    total = df[(df.establishment_group == "Total") & (df.establishment_type == "Total")]
    total = total.set_index(["area", "year"])["v"].rename("total")
    cats = df.dropna(subset=["cat"]).groupby(["area", "year", "cat"])["v"].sum(min_count=1)
    out = pd.concat([total, cats.unstack("cat").reindex(columns=SEVEN)], axis=1)
    # An area-year the release does not cover at all (e.g. a council before it existed) is
    # left out; a row with some cells published keeps its missing cells missing.
    return out.dropna(how="all").reset_index()


def ehcp_placement(raw: Path) -> pd.DataFrame:
    cur = read_csv(raw / "sen2" / "caseload.csv.gz")
    cur = cur[cur.breakdown_topic == "All EHC plans"]
    a = sen2_seven(cur, "ehcplans")
    a.insert(0, "year", census_year(cur["time_period"]))
    a.insert(0, "area", area_code(cur))
    a.insert(2, "release", "sen2")
    old = read_csv(raw / "sen2_2022_release" / "sen2_estab_caseload.csv.gz")
    old = sen2_2022_seven(old, "Total_all")
    old.insert(2, "release", "sen2_2022_release")
    return _prefer_current(a, old)


def new_plans_placement(raw: Path) -> pd.DataFrame:
    cur = read_csv(raw / "sen2" / "newplans.csv.gz")
    cur = cur[cur.breakdown_topic == "New EHC plans"]
    a = sen2_seven(cur, "new_ehc_plans")
    a.insert(0, "year", cur["time_period"].astype(int).to_numpy())
    a.insert(0, "area", area_code(cur))
    a.insert(2, "release", "sen2")
    old = read_csv(raw / "sen2_2022_release" / "sen2_estab_new_plans.csv.gz")
    old = sen2_2022_seven(old, "Total_new_all")
    old.insert(2, "release", "sen2_2022_release")
    return _prefer_current(a, old)


def _prefer_current(cur: pd.DataFrame, old: pd.DataFrame) -> pd.DataFrame:
    """Stack two releases; where both have an area-year, the current release (sen2/) wins."""
    have = set(zip(cur["area"], cur["year"], strict=True))
    keep = [(a, y) not in have for a, y in zip(old["area"], old["year"], strict=True)]
    return _annotate(pd.concat([cur, old[keep]], ignore_index=True))


def _annotate(df: pd.DataFrame) -> pd.DataFrame:
    """Add a ``note`` to every row whose published figures do not add up, and say why.

    * A council total equal to its region's total (the region having several councils) is a
      publishing error (2022 new plans for Yorkshire and The Humber): the total is set missing.
    * A category the release does not list in a year (post-16 before 2015) while the others
      account for every plan is set to 0, with a note.
    * Where the seven categories do not sum to the total, the note gives both figures; the
      numbers stay as published (a council that returned totals only, and the England and
      region rows that include it).
    """
    df = df.copy()
    notes = [""] * len(df)
    # Placement columns published where no category could be formed (sen2_seven).
    published = df.pop("_published").tolist() if "_published" in df else [""] * len(df)
    region_of = {}
    for a, y, t in zip(df["area"], df["year"], df["total"], strict=True):
        region_of[(a, y)] = t
    ssum = df[SEVEN].sum(axis=1, min_count=1)
    n_missing = df[SEVEN].isna().sum(axis=1)
    for i, (area, year, total) in enumerate(zip(df["area"], df["year"], df["total"], strict=True)):
        reg = _REGION_OF.get(area)
        if reg and _N_IN_REGION.get(reg, 0) > 1 and total == region_of.get((reg, year)):
            notes[i] = (
                f"published total {total:.0f} equals the region's total: a publishing error; "
                "total set missing"
            )
            df.iloc[i, df.columns.get_loc("total")] = np.nan
            continue
        if pd.notna(total) and pd.isna(ssum.iloc[i]):
            notes[i] = f"no placements published for the {total:.0f} plans"
            shown = published[i] if isinstance(published[i], str) else ""
            if shown:
                notes[i] += (
                    f" other than {shown}; the other placement columns are suppressed, so the "
                    "seven categories are missing"
                )
            continue
        if pd.isna(total) or pd.isna(ssum.iloc[i]):
            continue
        if n_missing.iloc[i] == 0 and ssum.iloc[i] != total:
            notes[i] = (
                f"the seven categories sum to {ssum.iloc[i]:.0f} of {total:.0f} published plans"
            )
        elif n_missing.iloc[i] > 0 and ssum.iloc[i] == total:
            gone = [c for c in SEVEN if pd.isna(df.iloc[i][c])]
            for c in gone:
                df.iloc[i, df.columns.get_loc(c)] = 0.0
            notes[i] = (
                f"{', '.join(gone)} not listed by the release this year; the other categories "
                f"account for all {total:.0f} plans, so set to 0"
            )
        elif n_missing.iloc[i] > 0:
            notes[i] = f"placements published for {ssum.iloc[i]:.0f} of {total:.0f} plans"
    df["note"] = notes
    return df


_REGION_OF: dict[str, str] = {}
_N_IN_REGION: dict[str, int] = {}


def _by_single_age(df: pd.DataFrame, total_col: str, topic: str, placement: bool) -> pd.DataFrame:
    rows = df[df.breakdown_topic == topic]
    if placement:
        out = sen2_seven(rows, total_col).drop(columns="_published")
    else:
        out = pd.DataFrame({"total": num(rows[total_col])})
    out.insert(0, "age", [CAT.single_age(b) for b in rows["breakdown"]])
    out.insert(0, "year", census_year(rows["time_period"]))
    out.insert(0, "area", area_code(rows))
    out = out.dropna(subset=["age"])  # "unknown" ages are kept only inside the totals
    out["age"] = out["age"].astype(int)
    return out


def _groups_from_single(single: pd.DataFrame, value: str = "total") -> pd.DataFrame:
    """Single ages summed into the DfE age groups; a group with a suppressed age is missing."""
    g = single.assign(group=[CAT.age_group(min(a, 25)) for a in single["age"]])
    by = g.groupby(["area", "year", "group"])[value]
    out = by.sum(min_count=1).where(by.count() == by.size())
    return out.rename(value).reset_index()


#: The note on an age group the release has no row for, where the rows it has add up.
ABSENT_AGE_ZERO = "0: no row published; the published ages sum to the total"


def _complete_age_groups(
    groups: pd.DataFrame, age_sum: pd.Series, total: pd.Series, release: str
) -> pd.DataFrame:
    """Every DfE age group for each area-year of ``groups`` (area, year, group, total).

    The DfE publishes no row for an age with no plans. Where an area-year's published age rows
    (none suppressed) add up exactly to its published total (``age_sum`` and ``total``, indexed
    by area and year), an absent group is 0, with a note saying so; otherwise it stays missing,
    with a note giving the figures.
    """
    keys = groups[["area", "year"]].drop_duplicates()
    grid = keys.merge(pd.DataFrame({"group": list(CAT.AGE_GROUPS)}), how="cross")
    out = grid.merge(groups, on=["area", "year", "group"], how="left", indicator=True)
    absent = (out.pop("_merge") == "left_only").to_numpy()
    idx = pd.MultiIndex.from_frame(out[["area", "year"]])
    s = age_sum.reindex(idx).to_numpy()
    t = total.reindex(idx).to_numpy()
    adds_up = absent & ~np.isnan(s) & ~np.isnan(t) & (s == t)
    out.loc[adds_up, "total"] = 0.0
    notes = np.full(len(out), "", dtype=object)
    for i in np.flatnonzero(absent):
        if adds_up[i]:
            notes[i] = f"{ABSENT_AGE_ZERO} of {t[i]:.0f}"
        elif np.isnan(t[i]):
            notes[i] = "no row published and no total published; missing"
        elif np.isnan(s[i]):
            notes[i] = "no row published and some ages suppressed; missing"
        elif _is_region_total(out.at[i, "area"], out.at[i, "year"], t[i], total):
            notes[i] = (
                f"no row published; the published total {t[i]:.0f} equals the region's total "
                f"(a publishing error) and the published ages sum to {s[i]:.0f}; missing"
            )
        else:
            notes[i] = (
                f"no row published; the published ages sum to {s[i]:.0f} of {t[i]:.0f} plans, "
                "so missing"
            )
    out["release"] = release
    out["note"] = notes
    return out


def _is_region_total(area: str, year: int, value: float, total: pd.Series) -> bool:
    """Whether a council's published total equals its region's (the region having several
    councils): the publishing error :func:`_annotate` sets missing."""
    reg = _REGION_OF.get(area)
    return bool(reg and _N_IN_REGION.get(reg, 0) > 1 and total.get((reg, year)) == value)


def _single_age_check(df: pd.DataFrame, total_col: str, topic: str, all_topic: str):
    """Per area-year: the published single ages summed (NaN if any age row, unknown included,
    is suppressed; unknown ages are not counted) and the published total."""
    rows = df[df.breakdown_topic == topic]
    v = num(rows[total_col])
    known = np.array([CAT.single_age(b) is not None for b in rows["breakdown"]], dtype=bool)
    key = [area_code(rows), census_year(rows["time_period"])]
    by = v.groupby(key)
    age_sum = v.where(known, 0.0).groupby(key).sum().where(by.count() == by.size())
    tot = df[df.breakdown_topic == all_topic]
    total = pd.Series(
        num(tot[total_col]).to_numpy(),
        index=pd.MultiIndex.from_arrays([area_code(tot), census_year(tot["time_period"])]),
    )
    return age_sum.rename_axis(["area", "year"]), total.rename_axis(["area", "year"])


def _sen2_2022_groups(path: Path, value_col: str, year_of) -> tuple:
    """The 2022 release's age-group rows (area, year, group, total) and the per area-year sum
    of its group rows (NaN if one is suppressed) and published total."""
    old = read_csv(path)
    old = old.assign(
        area=area_code(old), year=year_of(old["time_period"]), total=num(old[value_col])
    )
    tot = old[old.characteristic_age == "Total"].set_index(["area", "year"])["total"]
    old = old[old.characteristic_age.isin(CAT.SEN2_2022_AGES)]
    old = old.assign(group=old.characteristic_age.map(CAT.SEN2_2022_AGES))
    by = old.groupby(["area", "year"])["total"]
    age_sum = by.sum().where(by.count() == by.size())
    return old[["area", "year", "group", "total"]], age_sum, tot


def _age_table(
    cur: pd.DataFrame, cur_sum: pd.Series, cur_total: pd.Series, old: tuple
) -> pd.DataFrame:
    """Age groups of the current release's single ages, then the 2022 release's groups for the
    area-years the current one lacks; each row names its release."""
    cur = _complete_age_groups(cur, cur_sum, cur_total, "sen2")
    old_rows, old_sum, old_total = old
    have = set(zip(cur["area"], cur["year"], strict=True))
    old_rows = old_rows[[(a, y) not in have for a, y in zip(old_rows["area"], old_rows["year"],
                                                              strict=True)]]  # fmt: skip
    old = _complete_age_groups(old_rows, old_sum, old_total, "sen2_2022_release")
    both = pd.concat([cur, old], ignore_index=True)
    return both.rename(columns={"total": "plans"})


def ehcp_age(raw: Path, df: pd.DataFrame, single: pd.DataFrame) -> pd.DataFrame:
    """EHC plans by DfE age group: the 2022 release, then groups of the current single ages."""
    old = _sen2_2022_groups(
        raw / "sen2_2022_release" / "sen2_age_caseload.csv.gz", "Total_all", census_year
    )
    s, t = _single_age_check(df, "ehcplans", "Child or young persons age", "All EHC plans")
    return _age_table(_groups_from_single(single), s, t, old)


def new_plans_age(raw: Path, df: pd.DataFrame, single: pd.DataFrame) -> pd.DataFrame:
    """New EHC plans by DfE age group (age when the plan started), as :func:`ehcp_age`."""
    old = _sen2_2022_groups(
        raw / "sen2_2022_release" / "sen2_age_new_plans.csv.gz", "Total_new_all",
        lambda tp: tp.astype(int).to_numpy(),
    )  # fmt: skip
    s, t = _single_age_check(df, "new_ehc_plans", "Age when plan started", "New EHC plans")
    return _age_table(_groups_from_single(single), s, t, old)


# ---- SEN2: ceased plans and requests -----------------------------------------------------------
CEASED_REASONS = [
    "needs_met", "he", "employ", "transfer", "no_engage", "moved_outside_eng",
    "max_age", "deceased", "not_rec", "other", "total_ceased",
]  # fmt: skip
REQUEST_COLUMNS = [
    "requests_received_in_year", "requests_decided_to_assess", "requests_decided_not_to_assess",
    "requests_decision_not_made", "requests_withdrawn",
]  # fmt: skip


def _simple(df: pd.DataFrame, topic_prefix: str, columns: list[str]) -> pd.DataFrame:
    rows = df[df.breakdown_topic.str.startswith(topic_prefix)]
    out = pd.DataFrame({c: num(rows[c]) for c in columns if c in rows.columns})
    out.insert(0, "year", rows["time_period"].astype(int).to_numpy())
    out.insert(0, "area", area_code(rows))
    return out


def ceased(raw: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    df = read_csv(raw / "sen2" / "ceased_plans.csv.gz")
    by_reason = _simple(df, "All ceased", CEASED_REASONS)
    by_age = _by_single_age(df, "total_ceased", "Age plan ceased", placement=False)
    return by_reason, by_age.rename(columns={"total": "ceased"})


def requests(raw: Path) -> pd.DataFrame:
    return _simple(read_csv(raw / "sen2" / "requests.csv.gz"), "All requests", REQUEST_COLUMNS)


# ---- areas -------------------------------------------------------------------------------------
def areas(raw: Path) -> pd.DataFrame:
    """Every area in the SEN2 files: latest name and codes, region, first and last census."""
    frames = []
    paths = [
        raw / "sen2" / "caseload.csv.gz",
        raw / "sen2_2022_release" / "sen2_age_caseload.csv.gz",
    ]
    for path in paths:
        df = read_csv(path)
        df = df.assign(area=area_code(df), year=census_year(df["time_period"]))
        cols = ["area", "year", "geographic_level", "new_la_code", "la_name", "region_code",
                "region_name"]  # fmt: skip
        frames.append(df[cols].assign(release=path.parent.name))
    df = pd.concat(frames, ignore_index=True).sort_values(["area", "year"], kind="stable")
    last = df.groupby("area").tail(1).set_index("area")
    span = df.groupby("area")["year"].agg(["min", "max"])
    level = last["geographic_level"].map(
        {"Local authority": "council", "Regional": "region", "National": "england"}
    )
    name = last["la_name"].where(level == "council", last["region_name"])
    name = name.where(level != "england", "England")
    out = pd.DataFrame({
        "area": last.index, "level": level.to_numpy(), "name": name.to_numpy(),
        "old_code": last.index.where(level.to_numpy() == "council", ""),
        "new_code": np.where(level == "council", last["new_la_code"],
                             np.where(level == "region", last.index, ENGLAND)),
        "region": np.where(level == "england", "", last["region_name"]),
        "first_census": span.loc[last.index, "min"].to_numpy(),
        "last_census": span.loc[last.index, "max"].to_numpy(),
    })  # fmt: skip
    # The censuses each release gives names for (read by release_years).
    out.attrs["years"] = {r: [int(y.min()), int(y.max())] for r, y in df.groupby("release")["year"]}
    return out


# ---- DSG allocations ---------------------------------------------------------------------------
ALLOC_FIELDS = ["schools_block", "cssb", "hnb_before_deductions", "early_years", "total",
                "schools_block_after", "cssb_after", "hnb_after_deductions", "early_years_after",
                "total_after"]  # fmt: skip


def _fy_from_text(text: str) -> str | None:
    m = re.search(r"(20\d\d)\s*(?:to|-)\s*(?:20)?(\d\d)\b", text)
    return f"{m.group(1)}-{m.group(2)}" if m else None


def _file_date(path: Path) -> str:
    m = re.search(r"(\d{4})_(\d{2})_(\d{2})", path.name)
    return "".join(m.groups()) if m else "00000000"  # an undated summary counts as oldest


def _la_rows(sheet: pd.DataFrame) -> pd.DataFrame:
    codes = sheet[0].astype(str).str.strip()
    rows = sheet[codes.str.fullmatch(r"\d{3}") | (codes.str.upper() == "ENGLAND")].copy()
    rows[0] = np.where(rows[0].astype(str).str.upper().str.strip() == "ENGLAND", ENGLAND,
                       rows[0].astype(str).str.strip())  # fmt: skip
    return rows


def allocations(raw: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Summary allocations in £ per area-year, and deductions for directly funded places.

    Each summary sheet names its year in its title; a year found in several files is taken from
    the file with the latest date in its name (the undated amalgamated summary counts as oldest).
    Sheets in £ million (their headers say so) are converted to £ and rounded to the pound.
    """
    found: dict[str, tuple[str, str, pd.DataFrame]] = {}
    deductions = []
    for path in sorted((raw / "dsg_allocations").glob("*.ods")):
        book = pd.read_excel(path, sheet_name=None, header=None, engine="odf")
        date = _file_date(path)
        for name, sheet in book.items():
            title = str(sheet.iat[0, 0])
            fy = _fy_from_text(title) or _fy_from_text(str(sheet.iat[0, 2]))
            if fy is None:
                continue
            if name.startswith("Allocations"):
                million = "million" in " ".join(str(x) for x in sheet.iloc[1].tolist())
                rows = _la_rows(sheet)
                vals = rows.iloc[:, 2:12].apply(num)
                vals = (vals * 1e6).round() if million else vals
                frame = pd.DataFrame(vals.to_numpy(), columns=ALLOC_FIELDS)
                frame.insert(0, "area", rows[0].to_numpy())
                frame.insert(1, "year", fy)
                frame["source_file"] = path.name
                if fy not in found or date > found[fy][0]:
                    found[fy] = (date, path.name, frame)
            elif name == "High_needs_deductions":
                deductions.append((date, fy, path.name, _deductions(sheet)))
    alloc = pd.concat([f for _, _, f in found.values()], ignore_index=True)
    best: dict[str, tuple[str, pd.DataFrame, str]] = {}
    for date, fy, fname, frame in deductions:
        if fy not in best or date > best[fy][0]:
            best[fy] = (date, frame.assign(year=fy, source_file=fname), fname)
    ded = pd.concat([f for _, f, _ in best.values()], ignore_index=True)
    return alloc, ded[["area", "year", "pool", "amount", "source_file"]]


def _deductions(sheet: pd.DataFrame) -> pd.DataFrame:
    """Deductions (£) for places the DfE pays directly, summed by spending pool."""
    group = sheet.iloc[0].ffill()
    places = sheet.iloc[1].ffill()
    rows = _la_rows(sheet)
    parts = []
    for c in range(2, sheet.shape[1]):
        label = str(sheet.iat[2, c]).lower()
        if "deduction (£s)" not in label or str(group[c]).lower().startswith("total"):
            continue
        pool = CAT.deduction_pool(str(group[c]), str(places[c]))
        parts.append(pd.DataFrame({"area": rows[0].to_numpy(), "pool": pool,
                                   "amount": num(rows[c]).to_numpy()}))  # fmt: skip
    df = pd.concat(parts, ignore_index=True)
    return df.groupby(["area", "pool"], as_index=False)["amount"].sum(min_count=1)


# ---- high needs benchmarking -------------------------------------------------------------------
S251_PROVIDER = {"place funding": "place", "maintained schools": "maintained",
                 "non-maintained and independent": "independent"}  # fmt: skip
S251_SERVICES = {"SEN support": "sen_support_services", "Alternative provision services":
                 "ap_services", "Hospital education": "hospital_services",
                 "Therapies": "therapies"}  # fmt: skip


def benchmarking(raw: Path) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    """The benchmarking extract: s251 lines (long, £) and the plans by its seven groups.

    The extract's header says 2021-22; its s251 outturn is for 2020-21 (its own notes) and its
    EHCP counts are the January 2021 census; the year columns say which year each figure is for.
    """
    path = sorted((raw / "high_needs_benchmarking").glob("outturn_*.xlsx"))[-1]
    sheet = pd.read_excel(path, header=None)
    sheet_year = str(sheet.iat[1, 2]).strip()  # e.g. "2021-22"
    start = int(sheet_year[:4])
    outturn_fy = f"{start - 1}-{str(start)[2:]}"  # outturn runs a year behind the sheet
    census = start  # EHCPs: January of the outturn year (January 2021 for 2020-21)
    header = [
        " | ".join(
            " ".join(str(sheet.iat[r, c]).split()) for r in range(2, 6) if pd.notna(sheet.iat[r, c])
        )
        for c in range(sheet.shape[1])
    ]
    codes = sheet[2].astype(str).str.strip()
    rows = sheet[codes.str.fullmatch(r"\d{3}")]
    area = rows[2].astype(str).str.strip().to_numpy()
    # Plans by the seven groups.
    plans = pd.DataFrame({"area": area, "year": census})
    for c in range(sheet.shape[1]):
        label = " ".join(str(sheet.iat[5, c]).split())
        if label in CAT.BENCHMARKING_GROUPS:
            plans[CAT.BENCHMARKING_GROUPS[label]] = num(rows[c]).to_numpy()
        if "with SEN statement or EHCP" in label:
            plans["total"] = num(rows[c]).to_numpy()
    plans = plans[["area", "year", "total", *SEVEN]]
    # s251 lines: find the budget and outturn blocks by their headings, then each line's phase.
    lines = []
    kind = None
    provider = None
    for c in range(sheet.shape[1]):
        h = header[c]
        if "Section 251 budget" in h:
            kind = "budget"
        elif "Section 251 outturn" in h:
            kind = "outturn"
        elif "per head" in h and "Table" in h:
            kind = None
        if kind is None:
            continue
        for key, prov in S251_PROVIDER.items():
            if key in h.lower() and ("Place funding" in h or "Top up" in h):
                provider = prov
        line = None
        for key, name in S251_SERVICES.items():
            if key in h:
                line, provider = name, None
        if line is None and provider:
            phase = " ".join(str(sheet.iat[5, c]).split())
            phase = re.sub(r"\s*\(\d\)$", "", phase)
            if (phase, provider) in CAT.S251_POOLS:
                line = f"{provider}:{phase}"
        if line:
            lines.append(pd.DataFrame({
                "area": area, "year": outturn_fy if kind == "outturn" else sheet_year,
                "kind": kind, "line": line, "amount": num(rows[c]).to_numpy(),
            }))  # fmt: skip
    s251 = pd.concat(lines, ignore_index=True)
    return s251, plans, {"sheet_year": sheet_year, "outturn_year": outturn_fy}


def deficit_share(raw: Path, names: pd.DataFrame) -> pd.DataFrame:
    """DSG cumulative balance at each year end as % of DSG income (negative = deficit)."""
    path = sorted((raw / "high_needs_benchmarking").glob("dsg_deficit_share_*.xlsx"))[-1]
    df = pd.read_excel(path, dtype=str).fillna("")
    pct = [c for c in df.columns if "balance as a %" in c][0]
    by_name = {_key(n): a for a, n in zip(names["area"], names["name"], strict=True)}
    area = [
        ENGLAND
        if lvl == "National"
        else by_name.get(_key(la if lvl == "Local authority" else rg), "")
        for lvl, rg, la in zip(df.geographic_level, df.region_name, df.la_name, strict=True)
    ]
    out = pd.DataFrame({"area": area, "year": df["financial_year"], "balance_pct": num(df[pct])})
    unmatched = sorted(set(df.la_name[np.array(area) == ""]))
    if unmatched:
        raise SystemExit(f"deficit share: no council code for {unmatched}")
    return out


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower().replace("&", "and"))


# ---- which release gives which years -----------------------------------------------------------
#: The raw release (folder under data/raw/, or file for the two benchmarking extracts) each
#: table is read from, for tables without a ``release`` column (those name it row by row).
TABLE_RELEASES = {
    "ehcp_age_placement": "sen2", "new_plans_age_placement": "sen2", "ceased": "sen2",
    "ceased_age": "sen2", "requests": "sen2", "allocations": "dsg_allocations",
    "hnb_deductions": "dsg_allocations", "s251": "high_needs_benchmarking/outturn",
    "benchmarking_plans": "high_needs_benchmarking/outturn",
    "deficit_share": "high_needs_benchmarking/dsg_deficit_share",
}  # fmt: skip


def release_years(tables: dict[str, pd.DataFrame]) -> dict[str, dict[str, dict]]:
    """{release: {table: {"first", "last", "some_areas"}}}, from the tables as built: the
    ``release`` column where a table has one (several releases), else :data:`TABLE_RELEASES`;
    ``areas`` from the censuses each release names. ``some_areas`` lists the years in which the
    release gives only a minority of the table's areas ({year: areas}), e.g. a council the
    newer release leaves out. ``dsg.data.sources()`` reads this from the manifest."""
    out: dict[str, dict[str, dict]] = {}

    def put(rel: str, name: str, lo, hi, some: dict) -> None:
        lo, hi = (v if isinstance(v, str) else int(v) for v in (lo, hi))
        out.setdefault(rel, {})[name] = {"first": lo, "last": hi, "some_areas": some}

    for name, df in tables.items():
        if name == "areas":
            for rel, (lo, hi) in df.attrs["years"].items():
                put(rel, name, lo, hi, {})
        elif "release" in df.columns:
            ay = df[["area", "year", "release"]].drop_duplicates()
            n_year = ay.groupby("year")["area"].nunique()
            for rel, g in ay.groupby("release"):
                n = g.groupby("year")["area"].nunique()
                few = n[n * 2 < n_year.reindex(n.index)]
                main = n.index.difference(few.index)
                lo, hi = (main.min(), main.max()) if len(main) else (n.index.min(), n.index.max())
                put(rel, name, lo, hi, {str(y): int(k) for y, k in few.items()})
        else:
            put(TABLE_RELEASES[name], name, df["year"].min(), df["year"].max(), {})
    return {r: dict(sorted(t.items())) for r, t in sorted(out.items())}


# ---- writing -----------------------------------------------------------------------------------
def _cell(v) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return ""
    if isinstance(v, (float, np.floating)):
        f = float(v)
        return str(int(f)) if f.is_integer() and abs(f) < 1e15 else format(f, ".12g")
    return str(v)


def csv_bytes(df: pd.DataFrame, keys: list[str]) -> bytes:
    df = df.sort_values(keys, kind="stable").reset_index(drop=True)
    buf = io.StringIO()
    buf.write(",".join(df.columns) + "\n")
    for row in df.itertuples(index=False):
        buf.write(",".join(_quote(_cell(v)) for v in row) + "\n")
    data = buf.getvalue().encode("utf-8")
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, compresslevel=9, mtime=0) as gz:
        gz.write(data)
    return out.getvalue()


def _quote(s: str) -> str:
    return '"' + s.replace('"', '""') + '"' if ("," in s or '"' in s) else s


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build(raw: Path = RAW, out: Path = OUT) -> dict:
    raw, out = Path(raw), Path(out)
    area = areas(raw)
    region_code = dict(zip(area.loc[area.level == "region", "name"],
                           area.loc[area.level == "region", "area"], strict=True))  # fmt: skip
    councils = area[area.level == "council"]
    _REGION_OF.update(zip(councils["area"], councils["region"].map(region_code), strict=True))
    _N_IN_REGION.update(pd.Series(_REGION_OF).value_counts().to_dict())
    cur = read_csv(raw / "sen2" / "caseload.csv.gz")
    stock_age = _by_single_age(cur, "ehcplans", "Child or young persons age", placement=True)
    newp = read_csv(raw / "sen2" / "newplans.csv.gz")
    new_age = _by_single_age(newp, "new_ehc_plans", "Age when plan started", placement=True)
    ceased_reason, ceased_age = ceased(raw)
    alloc, ded = allocations(raw)
    s251, bench_plans, bench_years = benchmarking(raw)
    tables = {
        "areas": (area, ["level", "area"]),
        "ehcp_placement": (ehcp_placement(raw), ["area", "year"]),
        "ehcp_age": (ehcp_age(raw, cur, stock_age), ["area", "year", "group"]),
        "ehcp_age_placement": (stock_age, ["area", "year", "age"]),
        "new_plans_placement": (new_plans_placement(raw), ["area", "year"]),
        "new_plans_age": (new_plans_age(raw, newp, new_age), ["area", "year", "group"]),
        "new_plans_age_placement": (new_age, ["area", "year", "age"]),
        "ceased": (ceased_reason, ["area", "year"]),
        "ceased_age": (ceased_age, ["area", "year", "age"]),
        "requests": (requests(raw), ["area", "year"]),
        "allocations": (alloc, ["area", "year"]),
        "hnb_deductions": (ded, ["area", "year", "pool"]),
        "s251": (s251, ["area", "kind", "year", "line"]),
        "benchmarking_plans": (bench_plans, ["area", "year"]),
        "deficit_share": (deficit_share(raw, area), ["area", "year"]),
    }
    out.mkdir(parents=True, exist_ok=True)
    outputs = {}
    for name, (df, keys) in tables.items():
        data = csv_bytes(df, keys)
        (out / f"{name}.csv.gz").write_bytes(data)
        outputs[f"{name}.csv.gz"] = {"sha256": sha256(data), "rows": len(df)}
    sources = {
        str(p.relative_to(raw)): sha256(p.read_bytes())
        for p in sorted(raw.rglob("*"))
        if p.is_file()
    }
    manifest = {
        "built_by": "data/build.py",
        "licence": "Open Government Licence v3.0",
        "benchmarking_years": bench_years,
        "release_years": release_years({k: df for k, (df, _) in tables.items()}),
        "sources": sources,
        "outputs": outputs,
    }
    text = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    (out / "manifest.json").write_text(text, encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--raw", type=Path, default=RAW, help="folder of raw files (default data/raw)")
    p.add_argument("--out", type=Path, default=OUT, help="output folder (default: the package)")
    args = p.parse_args(argv)
    m = build(args.raw, args.out)
    total = sum((args.out / k).stat().st_size for k in m["outputs"])
    n = len(m["outputs"])
    print(f"wrote {n} tables ({total / 1e6:.2f} MB) and manifest.json to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
