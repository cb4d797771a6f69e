"""A complete, sourced baseline scenario for any council from the shipped public data.

The methods (also in the README, "Public data"):

* **Plans.** The January census within the base year (January 2025 for 2024-25). Where it is
  later than the latest census L, the total is rolled forward by the council's own trend rate
  g_c: ``total = T[L] * (1 + g_c) ** (J - L)``; the categories keep the shares of the latest
  census whose seven categories are all published.
* **Trend.** ``g_c = (T[L] / T[L-k]) ** (1/k) - 1`` with k = 3 (fewer if the council has fewer
  censuses), clamped to -5%..+25%. England's long-run rate g_E is the same formula over the
  whole published series (January 2010 to L, statements and plans). A council with a single
  census uses England's last 3 years.
* **Growth.** Plans grow at ``g[t] = g_E + (g_c - g_E) * max(0, 1 - t / 5)`` in projection year
  t (t = 0 the base year): the council's trend tapering linearly to England's long-run rate
  over five years.
* **Funding.** The latest allocation's high needs block before deductions and schools block,
  grown 3% a year to the base year and after it (the DfE told councils to plan on 3%; primer).
  No block transfer (a transfer is a mitigation).
* **Unit costs.** From the benchmarking extract's s251 outturn (2020-21): the spend of each
  provider type (place funding + top-ups) plus the allocation's deductions for places the DfE
  pays academies directly, divided by the plans in that provider type's categories at January
  2021, inflated at 5% a year to the base year. A result outside 0.4x-2.5x the national median
  is replaced by the national median, with a note.
* **Non-plan lines.** SEN support services, therapies, hospital education (plus the hospital
  deduction) and alternative provision (place + top-ups + services + AP deductions, less the
  hospital/AP plans costed in the plan lines) from the same outturn, inflated likewise, growing
  3% a year.
* **Opening deficit.** ``-balance_pct / 100 * total DSG allocation`` (before deductions for
  academies and directly funded places: the DSG income the DfE's share is of) of the year before
  the base year where the balance share covers it; otherwise the ``opening_deficit`` argument;
  otherwise :class:`OpeningDeficitError`.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import pandas as pd

from ._baseline_args import arguments
from ._categories import CATEGORIES, CATEGORY_IDS, POOL_CATEGORIES, S251_POOLS
from ._tables import table
from .councils import Council, UnknownCouncilError, council, reorganisation_notes

FUNDING_GROWTH = 0.03
COST_INFLATION_TO_BASE = 0.05
PROJECTED_INFLATION = 0.03
TAPER_YEARS = 5
TREND_YEARS = 3
TREND_LIMITS = (-0.05, 0.25)
PLAUSIBLE = (0.4, 2.5)
#: National average cost per EHCP pupil in 2023-24, primer section 3 (DfE PQs 50389, 100030).
PRIMER_2023_24 = {"special": 26_000.0, "independent": 63_000.0}


class OpeningDeficitError(ValueError):
    """The data do not cover the year before the base year and no opening deficit was given."""


class BaselineError(ValueError):
    """A baseline cannot be built for this area (e.g. an abolished council, or a region)."""


def _fy(label: str) -> int:
    try:
        start = int(label[:4])
        ok = len(label) == 7 and label[4] == "-" and int(label[5:]) == (start + 1) % 100
    except ValueError:
        ok = False
    if not ok:
        raise ValueError(f"base_year {label!r}: expected a financial year such as '2024-25'")
    return start


def _label(start: int) -> str:
    return f"{start}-{(start + 1) % 100:02d}"


def _rate(series: pd.Series, years: int | None) -> tuple[float, int, int]:
    s = series.dropna()
    last = int(s.index.max())
    first = int(s.index.min()) if years is None else max(int(s.index.min()), last - years)
    while first not in s.index:
        first += 1
    if first == last:
        return math.nan, first, last
    return (s[last] / s[first]) ** (1 / (last - first)) - 1, first, last


def _totals(area: str) -> pd.Series:
    t = table("ehcp_placement")
    return t[t["area"] == area].set_index("year")["total"].astype(float).sort_index()


def demand(c: Council, base: int, horizon: int, sources: dict, notes: list) -> dict[str, Any]:
    """Base plans by category and the growth schedule (see the module docstring). Only the
    censuses up to the base year's own (January base + 1) are read: a past base year's plans,
    placement split and trend are what was published by then, never later figures."""
    census = base + 1  # the January census within the base year
    rows = table("ehcp_placement")
    rows = rows[rows["area"] == c.area].set_index("year").sort_index()
    published = rows["total"].dropna()
    if published.empty:
        raise BaselineError(f"council {c.name!r}: no EHC plan counts published")
    rows = rows[rows.index <= census]
    total = rows["total"].dropna()
    if total.empty:
        raise BaselineError(
            f"base_year {_label(base)!r}: {c.name}'s first published EHC plan count is January "
            f"{int(published.index.min())}, after the base year's January {census} census; "
            f"expected a base year from {_label(int(published.index.min()) - 1)} on"
        )
    last = int(total.index.max())
    england = _totals("E92000001")
    england = england[england.index <= census]
    g_e, e0, e1 = _rate(england, None)
    g_c, c0, c1 = _rate(total, TREND_YEARS)
    trend_note = f"{c.name}'s compound growth January {c0}-{c1}: {g_c:.1%} a year"
    if math.isnan(g_c):
        g_c, c0, c1 = _rate(england, TREND_YEARS)
        trend_note = (f"{c.name} has one census only; England's compound growth January "
                      f"{c0}-{c1}, {g_c:.1%} a year, is used instead")  # fmt: skip
        notes.append(trend_note)
    lo, hi = TREND_LIMITS
    if not lo <= g_c <= hi:
        clipped = min(max(g_c, lo), hi)
        notes.append(f"{trend_note} is outside {lo:.0%} to {hi:.0%}; {clipped:.0%} is used")
        trend_note += f", clamped to {clipped:.0%}"
        g_c = clipped
    complete = rows.dropna(subset=list(CATEGORY_IDS))
    complete = complete[complete["note"].isna() | (complete.index < 2015)]
    if complete.empty:
        raise BaselineError(
            f"council {c.name!r}: no census up to January {census} has all seven placement "
            "categories published, so the plans cannot be split by category"
        )
    mix_year = int(complete.index.max())
    shares = complete.loc[mix_year, list(CATEGORY_IDS)].astype(float)
    shares = shares / shares.sum()
    if census == last:
        base_total = float(total[census])
        how = f"the January {census} census, {base_total:,.0f} plans"
    else:
        years = census - last
        base_total = float(total[last]) * (1 + g_c) ** years
        how = (f"January {last} census {total[last]:,.0f} plans x (1 + {g_c:.4f})^{years} "
               f"= {base_total:,.0f} for January {census} ({trend_note})")  # fmt: skip
    if mix_year != last:
        notes.append(f"placement shares from January {mix_year}, the latest census with all "
                     "seven categories published")  # fmt: skip
    base_plans = {k: round(float(base_total * shares[k]), 1) for k in CATEGORY_IDS}
    sources["demand.base_plans"] = (
        f"DfE SEN2: {how}; split by the January {mix_year} placement shares ("
        + ", ".join(f"{k} {shares[k]:.1%}" for k in CATEGORY_IDS)
        + "). Financial year "
        f"{_label(base)} counts the January {census} census."
    )
    growth = {}
    for t in range(horizon):
        g = g_e + (g_c - g_e) * max(0.0, 1 - t / TAPER_YEARS)
        growth[_label(base + t)] = round(g, 6)
        if t >= TAPER_YEARS:
            break
    sources["demand.growth"] = (
        f"Derived: g[t] = gE + (gC - gE) x max(0, 1 - t/{TAPER_YEARS}), t = 0 in "
        f"{_label(base)}; gC = {g_c:.2%} ({trend_note}); gE = {g_e:.2%}, England's compound "
        f"growth January {e0}-{e1} (DfE SEN2, statements and EHC plans)"
        + (f"; censuses up to January {census} only, the base year's own" if
           census < int(published.index.max()) else "")
        + "."
    )  # fmt: skip
    return {"base_plans": base_plans, "growth": growth, "labels": dict(CATEGORIES)}


def cohort_demand(
    c: Council, base: int, horizon: int, sources: dict, notes: list
) -> dict[str, Any]:
    """The cohort model's demand section: ``dsg.calibrate(c, through=J)`` with J the base
    year's January census or the latest published one, stepped forward to the base year's
    census by the calibrated flows (README, "The cohort model")."""
    from ..calibration import calibrate

    latest = int(table("areas")["last_census"].max())
    cal = calibrate(c, through=min(base + 1, latest))
    dem, src = cal.demand_for(_label(base), horizon)
    sources.update(src)
    notes.extend(n for n in cal.notes if n not in notes)
    return dem


def _latest(df: pd.DataFrame, col: str, upto: int) -> tuple[str, float]:
    published = df[col].dropna()
    ok = published[[_fy(y) <= upto for y in published.index]]
    if ok.empty:
        first = (
            f"; its first is {min(published.index, key=_fy)}: use that base year or a later one"
            if not published.empty
            else ""
        )
        raise BaselineError(
            f"base_year {_label(upto)}: no DSG allocation published for this council up to "
            f"then{first}"
        )
    return ok.index.max(), float(ok[ok.index.max()])


def funding(c: Council, base: int, sources: dict, notes: list) -> dict[str, Any]:
    alloc = table("allocations")
    a = alloc[alloc["area"] == c.area].set_index("year")
    out: dict[str, Any] = {"hnb_growth": FUNDING_GROWTH, "schools_block_growth": FUNDING_GROWTH}
    if a.empty:
        return _funding_by_plans(c, base, alloc, out, sources, notes)
    for field, col, what in (
        ("hnb", "hnb_before_deductions", "high needs block before deductions"),
        ("schools_block", "schools_block", "schools block"),
    ):
        year, value = _latest(a, col, base)
        n = base - _fy(year)
        out[field] = round(value * (1 + FUNDING_GROWTH) ** n)
        src = a.loc[year, "source_file"]
        sources[f"funding.{field}"] = (
            f"DfE DSG allocations {year} ({src}): {what} £{value:,.0f}"
            + (f" x 1.03^{n} = £{out[field]:,.0f} for {_label(base)}" if n else "")
            + "; growth 3% a year as the DfE advised councils to plan (primer section 1)."
        )
    sources["funding.hnb_growth"] = "DfE advised councils to plan on 3% a year (primer)."
    sources["funding.schools_block_growth"] = "Assumed: 3% a year, as the high needs block."
    return out


def _funding_by_plans(c, base, alloc, out, sources, notes) -> dict[str, Any]:
    """A council missing from the allocation tables (City of London, Isles of Scilly): England's
    high needs block per EHC plan x the council's plans, with a note; no schools block."""
    eng = alloc[alloc["area"] == "E92000001"].set_index("year")
    year, hnb = _latest(eng, "hnb_before_deductions", base)
    census = _fy(year) + 1
    plans_e, plans_c = _totals("E92000001"), _totals(c.area)
    if census not in plans_c.index:
        census = int(plans_c.dropna().index.max())
    per_plan = hnb / plans_e[census]
    n = base - _fy(year)
    value = per_plan * plans_c[census] * (1 + FUNDING_GROWTH) ** n
    out["hnb"] = round(value)
    out["schools_block"] = 0.0
    msg = f"{c.name} is not in the DSG allocation tables"
    notes.append(f"{msg}; its high needs block is England's per EHC plan x its plans")
    sources["funding.hnb"] = (
        f"{msg}. Derived: England's HNB before deductions {year} £{hnb:,.0f} / England's "
        f"January {census} plans {plans_e[census]:,.0f} = £{per_plan:,.0f} per plan, x "
        f"{c.name}'s {plans_c[census]:,.0f} plans x 1.03^{n} = £{value:,.0f}."
    )
    sources["funding.schools_block"] = f"{msg}; set to 0 (no block transfer is assumed)."
    sources["funding.hnb_growth"] = "DfE advised councils to plan on 3% a year (primer)."
    sources["funding.schools_block_growth"] = "Assumed: 3% a year, as the high needs block."
    return out


def _pool_spend(area_rows: pd.DataFrame, ded: pd.DataFrame) -> dict[str, float]:
    spend: dict[str, float] = {}
    for line, amount in zip(area_rows["line"], area_rows["amount"], strict=True):
        if ":" in line:
            provider, phase = line.split(":", 1)
            pool = S251_POOLS[(phase, provider)]
        else:
            pool = line
        spend[pool] = spend.get(pool, 0.0) + (0.0 if pd.isna(amount) else float(amount))
    for pool, amount in zip(ded["pool"], ded["amount"], strict=True):
        spend[pool] = spend.get(pool, 0.0) + (0.0 if pd.isna(amount) else float(amount))
    return spend


def unit_costs_table() -> pd.DataFrame:
    """Unit cost (£ per plan, outturn year prices) of each spending pool for every council
    with an outturn, and the plans it divides by. Columns ``<pool>``; index the area."""
    df = _unit_costs()
    out = df.copy()
    out.attrs.update(df.attrs)
    return out


@functools.lru_cache(maxsize=1)
def _unit_costs() -> pd.DataFrame:
    s = table("s251")
    s = s[s["kind"] == "outturn"]
    year = s["year"].iloc[0]
    census = _fy(year) + 1
    plans = table("ehcp_placement")
    plans = plans[plans["year"] == census].set_index("area")
    ded = table("hnb_deductions")
    ded = ded[ded["year"] == year]
    rows = {}
    for area, g in s.groupby("area"):
        if g["amount"].isna().all() or area not in plans.index:
            continue
        spend = _pool_spend(g, ded[ded["area"] == area])
        r = {}
        for pool, cats in POOL_CATEGORIES.items():
            n = float(plans.loc[area, list(cats)].sum())
            r[pool] = spend.get(pool, 0.0) / n if n > 0 else math.nan
        r["ap_spend"] = spend.get("ap", 0.0) + spend.get("ap_services", 0.0)
        for k in ("sen_support_services", "therapies", "hospital_services", "hospital"):
            r[k] = spend.get(k, 0.0)
        r["plans"] = float(plans.loc[area, "total"])
        rows[area] = r
    df = pd.DataFrame.from_dict(rows, orient="index")
    df.attrs["year"] = year
    df.attrs["census"] = census
    return df


def costs(c: Council, base: int, plans: dict, sources: dict, notes: list) -> dict[str, Any]:
    """Unit costs per category and the non-plan lines (see the module docstring)."""
    table_ = unit_costs_table()
    year, census = table_.attrs["year"], table_.attrs["census"]
    n = base - _fy(year)
    f = (1 + COST_INFLATION_TO_BASE) ** n
    if n < 0:
        notes.append(
            f"unit costs and non-plan lines: the only s251 outturn shipped is {year}, after "
            f"the base year {_label(base)}; deflated at 5% a year (x 1.05^{n})"
        )
    med = table_[list(POOL_CATEGORIES)].median()
    own = table_.loc[c.area] if c.area in table_.index else None
    pool_cost: dict[str, float] = {}
    pool_note: dict[str, str] = {}
    for pool in POOL_CATEGORIES:
        value = math.nan if own is None else float(own[pool])
        lo, hi = (PLAUSIBLE[0] * med[pool], PLAUSIBLE[1] * med[pool])
        if own is None or not (lo <= value <= hi):
            why = ("no s251 outturn for this council in " + year if own is None else
                   f"the council's £{value:,.0f} is outside {PLAUSIBLE[0]}x-{PLAUSIBLE[1]}x the "
                   f"national median")  # fmt: skip
            notes.append(f"unit cost {pool}: {why}; national median £{med[pool]:,.0f} used")
            value = float(med[pool])
            pool_note[pool] = f"national median of councils £{med[pool]:,.0f} ({why})"
        else:
            cats = "+".join(POOL_CATEGORIES[pool])
            pool_note[pool] = (f"{c.name}: s251 outturn {year} spend for the provider type "
                               f"incl. direct place deductions / plans in {cats} "
                               f"at January {census} = £{value:,.0f}")  # fmt: skip
        pool_cost[pool] = value * f
    unit = {k: 0.0 for k in CATEGORY_IDS}
    for pool, cats in POOL_CATEGORIES.items():
        for k in cats:
            unit[k] = round(pool_cost[pool])
    unit["other"] = unit["mainstream"]
    unit["hospital_ap"] = unit["special"]
    sources["cost.unit_cost"] = (
        "; ".join(f"{p}: {pool_note[p]}" for p in POOL_CATEGORIES)
        + f"; each x 1.05^{n} to {_label(base)} (5% a year: DfE average cost per pupil in special "
        "schools £22k 2020-21 to £26k 2023-24, INMSS £54k to £63k; primer section 3). "
        "other: no s251 line, taken at the mainstream rate; hospital_ap: at the special rate "
        "(AP place £10k + top-up)."
    )
    sources["cost.inflation"] = "Assumed: 3% a year from the base year."
    scale = 1.0
    src = own
    if own is None:
        # No outturn: national per-plan amounts x this council's plans.
        src = table_.sum() / table_["plans"].sum()
        scale = sum(plans.values()) / f
        notes.append(f"non-plan lines: no s251 outturn for {year}; England's amounts per plan used")
    ap_plans_cost = plans["hospital_ap"] * pool_cost["special"] / f
    lines = {
        "sen_support_services": (float(src["sen_support_services"]) * scale,
                                 "SEN support and inclusion services"),
        "therapies": (float(src["therapies"]) * scale, "therapies and other health services"),
        "hospital_education": (float(src["hospital_services"] + src["hospital"]) * scale,
                               "hospital education services + hospital academy deductions"),
        "alternative_provision": (max(0.0, float(src["ap_spend"]) * scale - ap_plans_cost),
                                  "AP/PRU place funding, top-ups and AP services + AP place "
                                  f"deductions (£{float(src['ap_spend']) * scale:,.0f}), less "
                                  f"the {plans['hospital_ap']:.1f} hospital/AP plans of "
                                  f"{_label(base)} that are costed as plans, at the special "
                                  f"rate of {year} (x £{pool_cost['special'] / f:,.0f}), so "
                                  "they are not counted twice"),
    }  # fmt: skip
    non_plan = {k: {"base": round(v * f), "growth": PROJECTED_INFLATION} for k, (v, _) in
                lines.items()}  # fmt: skip
    sources["cost.non_plan"] = (
        f"s251 outturn {year} ({'England per plan x plans' if own is None else c.name}): "
        + "; ".join(f"{k} = {d} (£{v:,.0f})" for k, (v, d) in lines.items())
        + f"; x 1.05^{n} to {_label(base)}, then 3% a year."
    )
    return {"unit_cost": unit, "inflation": PROJECTED_INFLATION, "non_plan": non_plan}


def opening(c: Council, base: int, given: float | None, sources: dict) -> float:
    prev = _label(base - 1)
    d = table("deficit_share")
    d = d[(d["area"] == c.area) & (d["year"] == prev)]
    a = table("allocations")
    a = a[(a["area"] == c.area) & (a["year"] == prev)]
    if given is not None:
        sources["deficit.opening"] = f"Given by the user: £{given:,.0f} at 31 March {base}."
        return float(given)
    if len(d) and len(a) and pd.notna(d["balance_pct"].iloc[0]):
        pct = float(d["balance_pct"].iloc[0])
        income = float(a["total"].iloc[0])
        value = round(-pct / 100 * income)
        sources["deficit.opening"] = (
            f"DfE DSG cumulative balance at 31 March {base}: {pct}% of DSG income; x total DSG "
            f"allocation {prev} £{income:,.0f} before deductions (DfE allocations) = £{value:,.0f} "
            "(negative = surplus)."
        )
        return value
    covered = sorted(table("deficit_share")["year"].unique())
    raise OpeningDeficitError(
        f"deficit.opening for {c.name}, base year {_label(base)}: the published DSG balance "
        f"covers year ends {covered[0]} to {covered[-1]}, not 31 March {base}. Pass "
        "opening_deficit= (the cumulative DSG deficit in £ at the start of the base year, "
        "e.g. 63e6) or --opening-deficit on the command line."
    )


def baseline_dict(
    council_, base_year: str = "2024-25", horizon: int = 15, opening_deficit=None,
    demand_model: str = "growth",
) -> dict[str, Any]:  # fmt: skip
    """The scenario dict of :meth:`dsg_forecast.Scenario.from_public_data`."""
    try:
        c, unknown = council(council_), None
    except UnknownCouncilError as e:
        # Listed with any other bad argument; alone, raised as it is.
        c, unknown = None, e
    why = None if unknown is None else (repr(council_), str(unknown).partition(": ")[2])
    base_year, horizon, opening_deficit = arguments(
        base_year, horizon, opening_deficit, demand_model, why
    )
    if unknown is not None:
        raise unknown
    if c.level != "council":
        what = "England" if c.level == "england" else f"a region ({c.name})"
        raise BaselineError(
            f"council {c.name!r}: a baseline is built for one council, not {what}; expected a "
            "council name or code (list them with dsg.data.councils() or `dsg-forecast "
            "councils`)"
        )
    latest = int(table("areas")["last_census"].max())
    if c.last_census < latest:
        raise BaselineError(
            f"council {c.name!r} ({c.old_code}) no longer exists; "
            + " ".join(reorganisation_notes(c))
        )
    base = _fy(base_year)
    sources: dict[str, str] = {}
    notes = list(reorganisation_notes(c))
    if demand_model == "cohort":
        dem = cohort_demand(c, base, horizon, sources, notes)
    else:
        dem = demand(c, base, horizon, sources, notes)
    fund = funding(c, base, sources, notes)
    cost = costs(c, base, dem["base_plans"], sources, notes)
    open_ = opening(c, base, opening_deficit, sources)
    history = actuals(c, base, sources)
    sources["meta.base_year"] = (
        f"Chosen by the user; its plans are the January {base + 1} census (DfE template)."
    )
    return {
        "meta": {
            "name": f"{c.name}: public-data baseline from {base_year}",
            "council": c.name,
            "base_year": base_year,
            "horizon": horizon,
            "notes": "Built by dsg.Scenario.from_public_data from DfE statistics; no mitigations. "
            + " ".join(notes),
        },
        "funding": fund,
        "deficit": {"opening": open_},
        "demand": dem,
        "cost": cost,
        **({"actuals": history} if history else {}),
        "sources": sources,
    }


#: Years of history carried as actuals before the base year (the most a scenario accepts).
HISTORY_YEARS = 10


def actuals(c: Council, base: int, sources: dict) -> dict[str, Any]:
    """The council's published record before the base year, as the scenario's ``[actuals]``
    (history drawn beside the projection; never used by it): EHCPs in total and by category
    (financial year Y-(Y+1) holds the January Y+1 census), the high needs block before
    deductions, and the cumulative DSG balance where published. Missing figures are left out,
    never zero."""
    first = base - HISTORY_YEARS
    out: dict[str, Any] = {}
    rows = table("ehcp_placement")
    rows = rows[rows["area"] == c.area].set_index("year").sort_index()
    years = [y for y in rows.index if first + 1 <= y <= base]  # census Y is FY (Y-1)-Y
    total = {_label(y - 1): float(rows.at[y, "total"]) for y in years
             if pd.notna(rows.at[y, "total"])}  # fmt: skip
    if total:
        out["ehcps"] = total
        sources["actuals.ehcps"] = (
            "DfE SEN2 (Education, health and care plans): EHC plans at each January census, "
            "the census in each financial year (January 2024 for 2023-24)."
        )
    by_cat: dict[str, dict[str, float]] = {}
    for cat in CATEGORY_IDS:
        vals = {_label(y - 1): float(rows.at[y, cat]) for y in years if pd.notna(rows.at[y, cat])}
        if vals:
            by_cat[cat] = vals
    if by_cat:
        out["ehcps_by_category"] = by_cat
        sources["actuals.ehcps_by_category"] = (
            "DfE SEN2: EHC plans at each January census by the seven management-plan "
            "categories (README mapping); suppressed or unpublished figures left out."
        )
    a = table("allocations")
    a = a[(a["area"] == c.area) & a["hnb_before_deductions"].notna()]
    hnb = {y: float(v) for y, v in zip(a["year"], a["hnb_before_deductions"], strict=True)
           if first <= _fy(y) < base}  # fmt: skip
    if hnb:
        out["hnb_funding"] = dict(sorted(hnb.items()))
        sources["actuals.hnb_funding"] = (
            "DfE DSG allocations: high needs block before deductions in each financial year."
        )
    d = table("deficit_share")
    d = d[(d["area"] == c.area) & d["balance_pct"].notna()]
    alloc = table("allocations")
    alloc = alloc[alloc["area"] == c.area].set_index("year")
    closing = {}
    for y, pct in zip(d["year"], d["balance_pct"], strict=True):
        if first <= _fy(y) < base and y in alloc.index and pd.notna(alloc.at[y, "total"]):
            closing[y] = float(round(-pct / 100 * float(alloc.at[y, "total"])))
    if closing:
        out["closing_deficit"] = dict(sorted(closing.items()))
        sources["actuals.closing_deficit"] = (
            "DfE DSG cumulative balance at 31 March as a % of DSG income x the total DSG "
            "allocation that year before deductions (DfE allocations); negative = surplus."
        )
    return out
