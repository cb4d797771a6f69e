"""The calibration's inputs: a council's stock and flows as frames, from the shipped public
tables or from a council's own SEN2 return, never later than the ``through`` census.

The documented frames (``dsg.calibrate(frames={...})``), long and tidy, one row per cell:

=================  ===============================  ===========================================
frame              columns                          meaning
=================  ===============================  ===========================================
``stock``          year, age, category, plans       plans at the January census of ``year`` by
                                                    single year of age (0-25) x category;
                                                    required for the ``through`` census
``new``            year, age, category, plans       new plans made in calendar ``year`` by age
                                                    when the plan started; required for
                                                    ``through - 1``
``ceased``         year, age, plans                 plans ceased in calendar ``year`` by age
                                                    when ceased; required for ``through - 1``
``stock_totals``   year, category, plans            optional: census totals for years without
                                                    ages (fit diagnostics, the census before)
``new_totals``     year, plans                      optional: new plans a year (growth trend);
                                                    default: ``new`` summed
``ceased_totals``  year, plans                      optional: ceased a year including unknown
                                                    ages; default: ``ceased`` summed
=================  ===============================  ===========================================

Missing or suppressed cells are NaN (never 0). Ages are whole years; the public data hold ages
0-2 at 2 ("under 3", "2 and under") and ceased and new plans at 20 and over at 20
(``open_age=20``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import pandas as pd

from ..data._categories import AGE_GROUPS, CATEGORY_IDS
from ..data._tables import pivot_sum, table
from ..data.councils import Council, council

AGES = 26
SEN2 = "DfE SEN2 (Education, health and care plans)"


class CalibrationError(ValueError):
    """The calibration's inputs are missing or malformed; the message names the frame."""


@dataclass
class Frames:
    """One area's data, wide: every census and calendar year at or before the cut-off."""

    name: str
    categories: list[str]
    through: int
    #: census year -> ages 0-25 x categories (NaN = not published)
    stock: dict[int, pd.DataFrame]
    #: census year x (categories + "total")
    totals: pd.DataFrame
    #: calendar year -> ages 0-25 x categories, by age when the plan started
    new: dict[int, pd.DataFrame]
    new_totals: pd.Series
    #: calendar year -> ages 0-25, by age when the plan ceased
    ceased: dict[int, pd.Series]
    ceased_totals: pd.Series
    #: census year x DfE age groups ("Under 5", ...), where published
    groups: pd.DataFrame
    #: calendar year x categories and x DfE age groups: new plans without single ages
    new_cats: pd.DataFrame = field(default_factory=pd.DataFrame)
    new_groups: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: the age that stands for itself and every older age in new and ceased (None: exact)
    open_age: int | None = None
    notes: list[str] = field(default_factory=list)


def _grid(df: pd.DataFrame, cats: list[str]) -> pd.DataFrame:
    out = df.reindex(range(AGES))
    return out.reindex(columns=cats).astype(float)


# ---- the shipped public tables ------------------------------------------------------------
@functools.cache
def _by_area(name: str) -> dict[str, pd.DataFrame]:
    return {str(a): g for a, g in table(name).groupby("area", sort=False)}


def _area_rows(name: str, area: str, last: int) -> pd.DataFrame:
    """Rows of shipped table ``name`` for ``area`` with ``year <= last`` (the cut-off is applied
    here, as the rows are read, so no later year reaches any estimate)."""
    t = _by_area(name).get(area)
    if t is None:
        return table(name).iloc[:0]
    return t[t["year"] <= last].copy()


def clear_cache() -> None:
    """Forget the tables read so far (tests that change the shipped tables call this)."""
    _by_area.cache_clear()


def public_frames(c: Council, through: int) -> Frames:
    """``c``'s published stock and flows up to the January ``through`` census (flows up to
    calendar ``through - 1``). Ages a council published no row for are 0 (the DfE leaves out
    rows with no plans); published but suppressed cells are NaN."""
    cats = list(CATEGORY_IDS)
    flows_to = through - 1
    stock = {}
    rows = _area_rows("ehcp_age_placement", c.area, through)
    for y, g in rows.groupby("year"):
        grid = _grid(g.set_index("age")[cats], cats)
        present = g.set_index("age").index
        grid.loc[~grid.index.isin(present)] = 0.0
        stock[int(y)] = grid
    tot = _area_rows("ehcp_placement", c.area, through).set_index("year").sort_index()
    totals = tot[cats + ["total"]].astype(float)
    new = {}
    rows = _area_rows("new_plans_age_placement", c.area, flows_to)
    for y, g in rows.groupby("year"):
        grid = _grid(g.set_index("age")[cats], cats)
        grid.loc[~grid.index.isin(g["age"])] = 0.0
        new[int(y)] = grid
    np_rows = _area_rows("new_plans_placement", c.area, flows_to).set_index("year").sort_index()
    nt = np_rows["total"]
    ng = _area_rows("new_plans_age", c.area, flows_to)
    new_groups = ng.pivot(index="year", columns="group", values="plans")
    new_groups = new_groups.reindex(columns=list(AGE_GROUPS)).astype(float)
    ceased = {}
    rows = _area_rows("ceased_age", c.area, flows_to)
    for y, g in rows.groupby("year"):
        ceased[int(y)] = g.set_index("age")["ceased"].reindex(range(AGES)).fillna(0.0)
    ct = _area_rows("ceased", c.area, flows_to).set_index("year")["total_ceased"]
    grp = _area_rows("ehcp_age", c.area, through)
    groups = grp.pivot(index="year", columns="group", values="plans").reindex(
        columns=list(AGE_GROUPS)
    )
    return Frames(
        name=c.name,
        categories=cats,
        through=through,
        stock=stock,
        totals=totals,
        new=new,
        new_totals=nt.astype(float).sort_index(),
        ceased=ceased,
        ceased_totals=ct.astype(float).sort_index(),
        groups=groups.astype(float),
        new_cats=np_rows[cats].astype(float),
        new_groups=new_groups,
        open_age=20,
    )


# ---- a council's own frames ---------------------------------------------------------------
def _need(frames: dict, name: str, cols: list[str]) -> pd.DataFrame:
    df = frames.get(name)
    if df is None:
        raise CalibrationError(f"frames[{name!r}]: missing; expected columns {', '.join(cols)}")
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise CalibrationError(
            f"frames[{name!r}]: no column {', '.join(missing)}; expected {', '.join(cols)}"
        )
    bad = df[(df["age"] < 0) | (df["age"] >= AGES)] if "age" in cols else df.iloc[:0]
    if len(bad):
        raise CalibrationError(f"frames[{name!r}].age = {bad['age'].iloc[0]}: expected 0 to 25")
    return df


def own_frames(
    frames: dict, through: int, name: str = "own data", open_age: int | None = None
) -> Frames:
    """Frames from a council's own long tables (see the module docstring), cut at ``through``.
    An age or category without a row is 0."""
    stock_l = _need(frames, "stock", ["year", "age", "category", "plans"])
    stock_l = stock_l[stock_l["year"] <= through]
    cats = list(dict.fromkeys(stock_l["category"]))
    if not cats:
        raise CalibrationError(f"frames['stock']: no census at or before January {through}")

    def wide(df: pd.DataFrame) -> dict[int, pd.DataFrame]:
        out = {}
        for y, g in df.groupby("year"):
            p = g.pivot_table(
                index="age", columns="category", values="plans", aggfunc="sum", dropna=False
            )
            out[int(y)] = p.reindex(range(AGES)).reindex(columns=cats).fillna(0.0)
        return out

    stock = wide(stock_l)
    new_l = _need(frames, "new", ["year", "age", "category", "plans"])
    new = wide(new_l[new_l["year"] <= through - 1])
    ce_l = _need(frames, "ceased", ["year", "age", "plans"])
    ce_l = ce_l[ce_l["year"] <= through - 1]
    ceased = {
        int(y): g.groupby("age")["plans"].sum().reindex(range(AGES)).fillna(0.0)
        for y, g in ce_l.groupby("year")
    }
    totals = pd.DataFrame({y: s.sum() for y, s in stock.items()}).T
    if "stock_totals" in frames:
        st = _need(frames, "stock_totals", ["year", "category", "plans"])
        st = pivot_sum(st[st["year"] <= through], "year", "category", "plans")
        totals = st.reindex(columns=cats).combine_first(totals)
    totals = totals.reindex(columns=cats).sort_index().astype(float)
    totals["total"] = totals[cats].sum(axis=1, min_count=len(cats))

    def series(key: str, default: dict) -> pd.Series:
        if key in frames:
            d = _need(frames, key, ["year", "plans"])
            return d[d["year"] <= through - 1].set_index("year")["plans"].astype(float)
        return pd.Series(default, dtype=float)

    groups = pd.DataFrame(
        {
            y: {g: s.loc[lo:hi].to_numpy().sum() for g, (lo, hi) in AGE_GROUPS.items()}
            for y, s in stock.items()
        }
    ).T
    return Frames(
        name=name,
        categories=cats,
        through=through,
        stock=stock,
        totals=totals,
        new=new,
        new_totals=series("new_totals", {y: g.to_numpy().sum() for y, g in new.items()}),
        ceased=ceased,
        ceased_totals=series("ceased_totals", {y: s.sum() for y, s in ceased.items()}),
        groups=groups.astype(float),
        open_age=open_age,
    )


def area_of(c: Council) -> Council | None:
    """The area a council's thin data are pooled towards: its region (England for a region)."""
    if c.level == "council":
        a = table("areas")
        code = a.loc[(a["level"] == "region") & (a["name"] == c.region), "area"]
        return council(str(code.iloc[0])) if len(code) else council("England")
    if c.level == "region":
        return council("England")
    return None


def group_of(age: int) -> str:
    for g, (lo, hi) in AGE_GROUPS.items():
        if lo <= age <= hi:
            return g
    raise ValueError(age)
