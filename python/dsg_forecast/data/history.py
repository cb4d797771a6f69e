"""A council's published history as pandas tables, with the source and notes in ``attrs``.

Year conventions: EHC plans are counted at the **January census**, indexed by its calendar year
(2024 = January 2024). A financial year's plans are the January census within it: 2024-25 uses
January 2025, as in the DfE management plan template. New, ceased plans and requests are
**calendar years**. Money is indexed by **financial year** ("2023-24") and is in £.
"""

from __future__ import annotations

import pandas as pd

from ._categories import AGE_GROUPS, CATEGORY_IDS
from ._tables import pivot_sum, table
from .councils import Council, council, reorganisation_notes

SEN2 = "DfE Education, health and care plans (SEN2)"
SEN2_2022 = "DfE Education, health and care plans (SEN2), 2022 release"


def _finish(df: pd.DataFrame, c: Council, source: str, notes: list[str], index: str):
    df.index.name = index
    df.columns.name = None
    df.attrs["council"] = c.name
    df.attrs["source"] = source
    df.attrs["notes"] = reorganisation_notes(c) + notes
    return df


def _rows(name: str, c: Council) -> pd.DataFrame:
    t = table(name)
    return t[t["area"] == c.area]


def _row_notes(rows: pd.DataFrame, when: str) -> list[str]:
    if "note" not in rows:
        return []
    return [f"{when} {y}: {n}" for y, n in zip(rows["year"], rows["note"], strict=True)
            if isinstance(n, str) and n]  # fmt: skip


def _years_note(rows: pd.DataFrame) -> str:
    if "release" not in rows or rows.empty:
        return ""
    parts = []
    for rel, label in (("sen2_2022_release", SEN2_2022), ("sen2", SEN2)):
        ys = rows.loc[rows["release"] == rel, "year"]
        if len(ys):
            parts.append(f"{label}, {ys.min()}-{ys.max()}")
    return "; ".join(parts)


def _age_notes(rows: pd.DataFrame, when: str) -> list[str]:
    """The notes of an age table's rows: why an age group is 0 or missing."""
    order = {g: i for i, g in enumerate(AGE_GROUPS)}
    noted = rows[rows["note"].notna() & (rows["note"] != "")]
    noted = noted.assign(k=noted["group"].map(order)).sort_values(["year", "k"])
    rows = zip(noted["year"], noted["group"], noted["note"], strict=True)
    return [f"{when} {y}, {g}: {n}" for y, g, n in rows]


def _age_source(rows: pd.DataFrame, when: str, old_what: str, cur_what: str) -> str:
    """Which release gives which years of an age table, and the arithmetic."""
    parts = []
    for rel, label, what in (("sen2_2022_release", SEN2_2022, old_what), ("sen2", SEN2, cur_what)):
        ys = rows.loc[rows["release"] == rel, "year"]
        if len(ys):
            span = f"{ys.min()}" if ys.min() == ys.max() else f"{ys.min()}-{ys.max()}"
            parts.append(f"{label} ({what}, {when}{span})")
    src = " and ".join(parts) or f"{SEN2}: no age breakdown published"
    return src + (
        "; an age group with no published row is 0 where the published ages sum to the "
        "published total (see notes), else missing"
    )


def ehcps(council_: str | int | Council, by: str | None = "placement") -> pd.DataFrame:
    """EHC plans at each January census (index: calendar year of the census, int).

    ``by="placement"``: the seven management-plan categories (mapping in the README);
    ``by="age"``: the DfE age groups "Under 5", "5-10", "11-15", "16-19", "20-25";
    ``by=None``: one column, "total". Before 2019 the counts are statements and EHC plans
    together (the 2022 release's ``Total_all``). Missing or suppressed figures are NaN.
    The plans of financial year 2024-25 are the January 2025 census.
    """
    c = council(council_)
    if by in ("placement", None):
        rows = _rows("ehcp_placement", c).set_index("year").sort_index()
        cols = list(CATEGORY_IDS) if by == "placement" else ["total"]
        df = rows[cols].astype(float)
        src = f"{_years_note(rows.reset_index())}: EHC plans in January"
        if by == "placement":
            src += "; the seven categories are sums of placement columns (README mapping)"
        return _finish(df, c, src, _row_notes(rows.reset_index(), "January"), "January census")
    if by == "age":
        rows = _rows("ehcp_age", c)
        df = rows.pivot(index="year", columns="group", values="plans").reindex(
            columns=list(AGE_GROUPS)
        )
        years = range(int(df.index.min()), int(df.index.max()) + 1) if len(df) else []
        df = df.reindex(years).astype(float)
        gap = [y for y in years if df.loc[y].isna().all()]
        notes = [f"January {', '.join(map(str, gap))}: no age breakdown published"] if gap else []
        notes += _age_notes(rows, "January")
        src = _age_source(rows, "January ", "age groups",
                          "single years of age summed into the DfE age groups")  # fmt: skip
        return _finish(df, c, src, notes, "January census")
    raise ValueError(f"by={by!r}: expected 'placement', 'age' or None")


def new_plans(council_: str | int | Council, by: str | None = "placement") -> pd.DataFrame:
    """New EHC plans made in each calendar year (index: year, int); ``by`` as for
    :func:`ehcps`, ages being the age when the plan started."""
    c = council(council_)
    if by in ("placement", None):
        rows = _rows("new_plans_placement", c).set_index("year").sort_index()
        cols = list(CATEGORY_IDS) if by == "placement" else ["total"]
        src = f"{_years_note(rows.reset_index())}: new EHC plans in the calendar year"
        notes = _row_notes(rows.reset_index(), "Calendar year")
        return _finish(rows[cols].astype(float), c, src, notes, "calendar year")
    if by == "age":
        rows = _rows("new_plans_age", c)
        df = rows.pivot(index="year", columns="group", values="plans")
        df = df.reindex(columns=list(AGE_GROUPS)).astype(float)
        src = _age_source(rows, "calendar ", "age groups, age when the plan started",
                          "single years of age when the plan started summed into the DfE "
                          "age groups")  # fmt: skip
        return _finish(df, c, src, _age_notes(rows, "Calendar year"), "calendar year")
    raise ValueError(f"by={by!r}: expected 'placement', 'age' or None")


def ceased_plans(council_: str | int | Council, by: str | None = None) -> pd.DataFrame:
    """EHC plans ceased in each calendar year, by reason (DfE column names; ``total_ceased``
    is the published total), or ``by="age"`` (age when the plan ceased: single years, 20 =
    "20 and over")."""
    if by not in (None, "age"):
        raise ValueError(f"by={by!r}: expected None (by reason) or 'age'")
    c = council(council_)
    if by == "age":
        rows = _rows("ceased_age", c)
        df = rows.pivot(index="year", columns="age", values="ceased").astype(float)
        src = (f"{SEN2}, {_span('ceased_age', rows)}: plans ceased in the calendar year by age "
               "when the plan ceased, as published (20 = 20 and over; unknown ages only in "
               "the total)")  # fmt: skip
        return _finish(df, c, src, [], "calendar year")
    rows = _rows("ceased", c).set_index("year").sort_index()
    df = rows.drop(columns=["area"]).astype(float)
    src = (f"{SEN2}, {_span('ceased', rows.reset_index())}: plans ceased in the calendar year, "
           "by reason, as published (DfE column names)")  # fmt: skip
    return _finish(df, c, src, [], "calendar year")


def _span(name: str, rows: pd.DataFrame) -> str:
    """The years of shipped table ``name`` an area's ``rows`` cover ("calendar 2019-2023"), or
    the table's years and that the area has none."""
    ys = rows["year"]
    if len(ys):
        lo, hi = ys.min(), ys.max()
        return f"calendar {lo}" if lo == hi else f"calendar {lo}-{hi}"
    t = table(name)["year"]
    return f"calendar {t.min()}-{t.max()}: none published for this area"


def requests(council_: str | int | Council) -> pd.DataFrame:
    """Requests for an EHC needs assessment received in each calendar year and their outcomes
    (DfE column names; outcomes are missing where not published)."""
    c = council(council_)
    rows = _rows("requests", c).set_index("year").sort_index()
    src = (f"{SEN2}, {_span('requests', rows.reset_index())}: requests for an EHC needs "
           "assessment received in the calendar year and their outcomes, as published (DfE "
           "column names)")  # fmt: skip
    return _finish(rows.drop(columns=["area"]).astype(float), c, src, [], "calendar year")


ALLOCATION_COLUMNS = {
    "schools_block": "schools block",
    "hnb_before_deductions": "high needs block before deductions",
    "hnb_after_deductions": "high needs block after deductions",
    "early_years": "early years block",
    "cssb": "central school services block",
    "total": "total DSG before deductions",
    "total_after": "total DSG after deductions",
}


def allocations(council_: str | int | Council) -> pd.DataFrame:
    """DSG allocations by financial year ("2019-20", ...), in £: schools block, high needs
    block before and after deductions for places the DfE funds directly, early years, central
    school services, total before and after deductions. A region is the sum of its councils."""
    c = council(council_)
    t = table("allocations")
    years = sorted(set(t["year"]))
    notes = []
    if c.level == "region":
        members = set(_members(c))
        t = t[t["area"].isin(members)].groupby("year").sum(numeric_only=True, min_count=1)
        notes.append(f"{c.name}: the sum of its {len(members)} councils' allocations")
        files = f"the allocation tables, {years[0]} to {years[-1]}"
    else:
        t = t[t["area"] == c.area].set_index("year")
        files = ", ".join(f"{y} from {f}" for y, f in t["source_file"].items())
    df = t[list(ALLOCATION_COLUMNS)].astype(float).sort_index()
    if df.empty:
        code = f" ({c.old_code})" if c.old_code else ""
        msg = (f"{c.name}{code} is not in the DfE DSG allocation tables ({years[0]} to "
               f"{years[-1]}): no allocation published for it")  # fmt: skip
        notes.append(msg)
        return _finish(df, c, msg + "; £", notes, "financial year")
    return _finish(df, c, f"DfE DSG allocation tables ({files}); £", notes, "financial year")


def _members(c: Council) -> list[str]:
    a = table("areas")
    return list(a.loc[(a["level"] == "council") & (a["region"] == c.name), "area"])


def outturn(council_: str | int | Council) -> pd.DataFrame:
    """The high needs benchmarking extract's section 251 lines, in £: index the line
    ("place:Primary", "maintained:Special schools and academies", "independent:Post School",
    "sen_support_services", ...), columns "budget 2021-22" and "outturn 2020-21". Place and
    top-up lines exclude place funding the DfE pays academies directly (see
    :func:`dsg_forecast.data.deductions`). England and regions are sums of their councils."""
    c = council(council_)
    t = table("s251")
    notes = []
    if c.level == "council":
        t = t[t["area"] == c.area]
    else:
        members = set(_members(c)) if c.level == "region" else set(t["area"])
        t = t[t["area"].isin(members)]
        notes.append(f"{c.name}: the sum of {len(members)} councils")
    t = t.assign(column=t["kind"] + " " + t["year"])
    df = pivot_sum(t, "line", "column", "amount")
    src = (
        "DfE high needs benchmarking tool (2021-22): section 251 budget 2021-22 and "
        "outturn 2020-21; £"
    )
    return _finish(df.astype(float), c, src, notes, "line")


def deductions(council_: str | int | Council) -> pd.DataFrame:
    """Deductions from the high needs block for places the DfE funds directly (academies,
    free schools, FE), in £, by financial year and spending pool."""
    c = council(council_)
    t = table("hnb_deductions")
    years = sorted(set(t["year"]))
    t = t[t["area"] == c.area]
    df = t.pivot(index="year", columns="pool", values="amount").astype(float)
    src = (f"DfE DSG allocation tables, High_needs_deductions sheets, {years[0]} to "
           f"{years[-1]}: deductions summed by spending pool; £")  # fmt: skip
    if df.empty:
        src = f"{c.name} is not in the {src}"
    return _finish(df, c, src, [], "financial year")


def deficit_share(council_: str | int | Council) -> pd.DataFrame:
    """The DSG cumulative balance at each financial year end as a percentage of DSG income
    (negative = deficit), as published; column ``balance_pct``."""
    c = council(council_)
    rows = _rows("deficit_share", c).set_index("year").sort_index()
    src = "DfE DSG cumulative balance as a % of total DSG income, year ends 2019-20 to 2021-22"
    return _finish(rows[["balance_pct"]].astype(float), c, src, [], "financial year")
