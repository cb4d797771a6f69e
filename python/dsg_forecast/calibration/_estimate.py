"""Estimating the cohort model's flows from one area's frames (method in the README, "The
cohort model"). Every estimate records a source note naming the dataset, years and arithmetic.

Notation: T the ``through`` census (January), S_T[a, c] its plans by age x category, S_P the
census a year earlier, N[a, c] new plans in calendar T-1 (they are in census T), C[a] plans
ceased in calendar T-1, k the pooling weights below, "pool" the region (England for a region).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..data._categories import AGE_GROUPS
from ._frames import AGES, CalibrationError, Frames
from ._step import step

#: Pooling weights (plans): an estimate from n plans is (x + k * pooled) / (n + k).
K_RATE = 20.0
K_MIX = 10.0
K_GROWTH = 100.0
#: Ages where children move between settings: every age 1-25 by default (the January
#: cross-section's change of placement from one age to the next; largest at the phase changes:
#: school at 5, secondary at 11, post-16 at 16). ``dsg.calibrate(transition_ages=(11, 16))``
#: restricts them.
TRANSITION_AGES = tuple(range(1, 26))
#: Moves of fewer plans than this in the calibration year are left out (noise).
MIN_MOVE = 0.5
#: At most this share of a category moves at one transition age (keeps the engine's sequential
#: shares below 1 and a small council's noise from emptying a setting).
MAX_MOVE = 0.5
GROWTH_LIMITS = (-0.10, 0.25)
TAPER_YEARS = 5
#: Assumed relative cessation rate by age where no cessations by age are published at all
#: (before calendar 2023): 1 below 16, 4 at 16-19, 8 at 20-25 (plans end by 25).
ASSUMED_SHAPE = np.array([1.0] * 16 + [4.0] * 4 + [8.0] * 6)


@dataclass
class Estimate:
    """One area's calibrated flows at census ``through`` (arrays by age 0-25 x category)."""

    name: str
    through: int
    categories: list[str]
    stock: np.ndarray
    previous: np.ndarray | None
    new_plans: np.ndarray
    mix: np.ndarray
    cessation: np.ndarray
    transitions: list[tuple[int, int, int, float]]
    net_other: np.ndarray
    growth: float
    long_run: float
    published_gap: float | None
    sources: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def growth_rate(self, k: int) -> float:
        """New-plan growth into the census k years after ``through`` (k >= 1): the area's rate
        tapering linearly to England's long-run rate over TAPER_YEARS."""
        w = max(0.0, 1.0 - (k - 1) / TAPER_YEARS)
        return self.long_run + (self.growth - self.long_run) * w

    def run(self, s0: np.ndarray, factors: list[float]):
        """Step ``s0`` forward once per new-plan growth factor; yields each step's Flows."""
        for f in factors:
            fl = step(
                s0, self.cessation, self.new_plans, self.mix, self.transitions, self.net_other, f
            )
            s0 = fl.stock
            yield fl


def _uniform_seed(cats: list[str]) -> np.ndarray:
    seed = np.ones((AGES, len(cats)))
    seed[:2] = 0.0  # ages 0-1 are published with age 2 ("under 3")
    if "post16" in cats:
        seed[:16, cats.index("post16")] = 0.0
    return seed


def _profile(s: np.ndarray) -> np.ndarray:
    t = s.sum()
    return s / t if t > 0 else s


def _rake(seed: np.ndarray, cat_target: np.ndarray, group_target: dict | None) -> np.ndarray:
    """Iterative proportional fitting of ``seed`` (ages x categories) to category totals and
    (optionally) DfE age-group totals {(first, last): plans}."""
    x = seed.astype(float).copy()
    for _ in range(50):
        if group_target:
            for (lo, hi), t in group_target.items():
                s = x[lo : hi + 1].sum()
                if s > 0:
                    x[lo : hi + 1] *= t / s
        col = x.sum(axis=0)
        x = x * np.divide(cat_target, col, out=np.zeros_like(col), where=col > 0)
    return x


def _latest_complete(df: pd.DataFrame, cols: list[str], upto: int):
    ok = df.loc[df.index <= upto].dropna(subset=cols)
    return (None, None) if ok.empty else (int(ok.index.max()), ok.loc[ok.index.max(), cols])


def stock_at(f: Frames, pool: Estimate | None, year: int, src: list[str]) -> np.ndarray:
    """Plans by age x category at census ``year``: the published single ages where complete,
    else raked (IPF) from a seed (the pool's age x category profile, or a structural one) to
    the area's latest published category shares and age-group shares, scaled to its total."""
    cats = f.categories
    if year in f.stock and not f.stock[year].isna().any().any():
        src.append(f"{f.name} January {year}: published plans by single year of age x category")
        return f.stock[year].to_numpy(float)
    if year not in f.totals.index or pd.isna(f.totals.loc[year, "total"]):
        raise CalibrationError(f"{f.name}: no published EHC plan total for January {year}")
    total = float(f.totals.loc[year, "total"])
    cy, shares = _latest_complete(f.totals, cats, year)
    if cy is None:
        raise CalibrationError(f"{f.name}: no census up to {year} with all categories published")
    cat_target = shares.to_numpy(float) / max(float(shares.sum()), 1e-12) * total
    groups = None
    gy = f.groups.loc[f.groups.index <= year].dropna()
    if len(gy):
        g = gy.iloc[-1]
        gsum = float(g.sum())
        groups = {AGE_GROUPS[k]: float(v) / gsum * total for k, v in g.items()} if gsum else None
    if pool is not None:
        seed = pool.stock + 1e-9
        what = f"{pool.name}'s age x category profile"
    else:
        seed = _uniform_seed(cats)
        what = "a uniform seed (ages 2-25; post-16 placements from 16 only)"
    src.append(
        f"{f.name} January {year}: no complete single-age census, so {what} raked (IPF) to "
        f"{f.name}'s January {cy} category shares"
        + (f" and January {int(gy.index[-1])} age-group shares" if groups else "")
        + f", scaled to the January {year} total {total:,.0f}"
    )
    return _rake(seed, cat_target, groups)


def previous_stock(f: Frames, s_t: np.ndarray, year: int, src: list[str]) -> np.ndarray | None:
    """Census ``year`` (= T - 1): published single ages where complete, else S_T with each
    category scaled to that census's published category total (S_T's age profile assumed)."""
    if year in f.stock and not f.stock[year].isna().any().any():
        src.append(f"January {year}: published plans by single year of age")
        return f.stock[year].to_numpy(float)
    if year not in f.totals.index:
        return None
    row = f.totals.loc[year]
    cats = f.categories
    if row[cats].notna().all():
        col = s_t.sum(axis=0)
        prof = _profile(s_t.sum(axis=1))
        out = np.where(col > 0, s_t / np.where(col > 0, col, 1.0), prof[:, None])
        out = out * row[cats].to_numpy(float)
        how = "each category of January {T} scaled to its published January {P} total"
    elif pd.notna(row["total"]):
        out = s_t * float(row["total"]) / s_t.sum()
        how = "January {T} scaled to the published January {P} total"
    else:
        return None
    src.append(
        f"January {year} by age: "
        + how.format(T=year + 1, P=year)
        + " (no single-age census; the age profile is assumed unchanged)"
    )
    return out


def shrink(x: np.ndarray, n: np.ndarray, pooled: np.ndarray | None, k: float) -> np.ndarray:
    """(x + k * pooled) / (n + k) elementwise; without a pool x / n (0 where n = 0)."""
    if pooled is None:
        return np.divide(x, n, out=np.zeros_like(x, dtype=float), where=n > 0)
    return (x + k * pooled) / (n + k)


def estimate(
    f: Frames,
    pool: Estimate | None,
    window: int,
    transition_ages: tuple[int, ...] = TRANSITION_AGES,
) -> Estimate:
    """The flows of ``f``'s area at census ``f.through`` (see the module docstring)."""
    T, cats, nc = f.through, f.categories, len(f.categories)
    src: dict[str, str] = {}
    notes: list[str] = []
    where = f"pooled towards {pool.name}" if pool is not None else "no pooling"
    # -- stock at T and a year before
    s_notes: list[str] = []
    s_t = stock_at(f, pool, T, s_notes)
    s_p = previous_stock(f, s_t, T - 1, s_notes)
    src["demand.cohort.stock"] = f"{_dataset(f)}: " + "; ".join(s_notes[:1])
    # -- new plans in calendar T-1 by age x category
    if T - 1 in f.new and not f.new[T - 1].isna().any().any():
        n_ac = f.new[T - 1].to_numpy(float)
        scale = f.new_totals.get(T - 1, math.nan)
        n_src = f"{f.name} new plans in calendar {T - 1} by age when started x category"
        if pd.notna(scale) and n_ac.sum() > 0 and abs(scale - n_ac.sum()) > 0.5:
            n_src += f", scaled from {n_ac.sum():,.0f} to the published total {scale:,.0f}"
            n_ac = n_ac * scale / n_ac.sum()
    elif (
        T - 1 in f.new_groups.index
        and f.new_groups.loc[T - 1].notna().all()
        and (T - 1 in f.new_cats.index and f.new_cats.loc[T - 1].notna().all())
    ):
        groups = {AGE_GROUPS[k]: float(v) for k, v in f.new_groups.loc[T - 1].items()}
        cat_t = f.new_cats.loc[T - 1, cats].to_numpy(float)
        cat_t = cat_t / max(cat_t.sum(), 1e-12) * sum(groups.values())
        if pool is not None:
            seed, what = pool.new_plans[:, None] * pool.mix + 1e-9, f"{pool.name}'s"
        else:
            seed, what = _uniform_seed(cats), "a uniform"
        n_ac = _rake(seed, cat_t, groups)
        n_src = (
            f"{f.name} new plans in calendar {T - 1} by DfE age group and by category "
            f"(no single ages published): {what} age x category shape raked (IPF) to both"
        )
    elif pool is not None:
        tot = f.new_totals.get(T - 1, math.nan)
        if pd.isna(tot):
            ratio = pool.new_plans.sum() / pool.stock.sum()
            tot = ratio * s_t.sum()
            notes.append(
                f"new plans in {T - 1} not published for {f.name}: {pool.name}'s new "
                f"plans per plan held ({ratio:.3f}) x its January {T} plans"
            )
        n_ac = pool.new_plans[:, None] * pool.mix
        n_ac = n_ac / max(n_ac.sum(), 1e-12) * tot
        n_src = (
            f"{f.name}'s {tot:,.0f} new plans in calendar {T - 1} spread by {pool.name}'s "
            "age x category shares (no age detail published)"
        )
    else:
        raise CalibrationError(f"{f.name}: no new plans by age for calendar {T - 1}")
    new = n_ac.sum(axis=1)
    open_note = (
        f"; ages {f.open_age} and over are published together and placed at {f.open_age}"
        if f.open_age is not None
        else ""
    )
    src["demand.cohort.new_plans"] = (
        f"{n_src}{open_note}; a plan started at age a is in the next January census at age a "
        f"(total {new.sum():,.1f})"
    )
    # -- placement mix of new plans, pooled
    years = [y for y in range(T - window, T) if y in f.new and not f.new[y].isna().any().any()]
    counts = sum((f.new[y].to_numpy(float) for y in years), np.zeros((AGES, nc)))
    if not years:
        counts = n_ac
    n_a = counts.sum(axis=1)
    mix = shrink(counts, n_a[:, None], None if pool is None else pool.mix, K_MIX)
    stock_mix = np.divide(
        s_t,
        s_t.sum(axis=1, keepdims=True),
        out=np.zeros_like(s_t),
        where=s_t.sum(axis=1, keepdims=True) > 0,
    )
    for a in range(AGES):  # no pool and no new plans at this age: the stock's placement there
        if mix[a].sum() <= 0:
            mix[a] = stock_mix[a] if stock_mix[a].sum() > 0 else _nearest(mix, a)
    mix = mix / mix.sum(axis=1, keepdims=True)
    yrs = f"calendar {years[0]}-{years[-1]}" if years else f"calendar {T - 1} (as new_plans)"
    src["demand.cohort.new_plan_mix"] = (
        f"{f.name} new plans by age x category, {yrs}: mix[a, c] = (n[a, c] + {K_MIX:g} x "
        f"pooled[a, c]) / (n[a] + {K_MIX:g}), {where}; ages with no new plans take the "
        f"January {T} stock's placement at that age"
    )
    # -- cessation rates by age
    q, q_src = _cessation(f, pool, s_p, s_t, new, notes)
    src["demand.cohort.cessation"] = q_src
    # -- transitions between settings as children age
    trans, t_src = _transitions(f, pool, s_p, s_t, q, mix, notes, transition_ages)
    src["demand.cohort.transitions"] = t_src
    # -- net other change closes each age's identity
    gap = None
    if s_p is not None:
        surv = np.concatenate([[0.0], (s_p.sum(axis=1) * (1 - q))[:-1]])
        other = s_t.sum(axis=1) - surv - new
        other[np.abs(other) < 1e-9] = 0.0
        tt, tp = f.totals.loc[T, "total"], f.totals.loc[T - 1, "total"]
        nt, ct = f.new_totals.get(T - 1, math.nan), f.ceased_totals.get(T - 1, math.nan)
        leavers = float((s_p.sum(axis=1) * q).sum() + s_p[-1].sum() * (1 - q[-1]))
        if all(pd.notna(x) for x in (tt, tp, nt, ct)):
            gap = float(tt - tp - nt + ct)
            pub = (
                f"the published identity gap {T - 1}: {tt:,.0f} (January {T}) - {tp:,.0f} "
                f"(January {T - 1}) - {nt:,.0f} new + {ct:,.0f} ceased = {gap:+,.0f}"
            )
        else:
            pub = f"the published identity gap for {T - 1} cannot be formed (a figure missing)"
        earlier = _gaps(f, T - 1)
        if earlier:
            pub += "; earlier years' published gaps: " + ", ".join(
                f"{y} {v:+,.0f}" for y, v in earlier.items()
            )
        src["demand.cohort.net_other"] = (
            f"net_other[a] = S_{T}[a] - S_{T - 1}[a-1] x (1 - q[a-1]) - new_plans[a] (plans a "
            f"year): what makes the January {T - 1} stock, stepped by the calibrated flows, "
            f"give January {T}'s plans at every age; total {other.sum():+,.1f} a year. Compare "
            f"{pub}; the model's leavers in {T - 1} (ceased at the rates + aged out at 25) are "
            f"{leavers:,.1f}. Carried every year, placed by the new-plan mix."
        )
    else:
        other = np.zeros(AGES)
        src["demand.cohort.net_other"] = f"no census before January {T}: no net other change"
        notes.append(f"{f.name}: no census before January {T}; net other change set to 0")
    g, long_run, g_src = _growth(f, pool, window)
    src["demand.growth"] = g_src
    return Estimate(
        name=f.name,
        through=T,
        categories=cats,
        stock=s_t,
        previous=s_p,
        new_plans=new,
        mix=mix,
        cessation=q,
        transitions=trans,
        net_other=other,
        growth=g,
        long_run=long_run,
        published_gap=gap,
        sources=src,
        notes=f.notes + notes,
    )


def _gaps(f: Frames, before: int) -> dict[int, float]:
    """The published stock identity gap T[y+1] - T[y] - new[y] + ceased[y] for calendar years
    before ``before`` where every figure is published."""
    out = {}
    for y in sorted(f.ceased_totals.index):
        if y >= before or y not in f.totals.index or y + 1 not in f.totals.index:
            continue
        vals = (
            f.totals.loc[y + 1, "total"],
            f.totals.loc[y, "total"],
            f.new_totals.get(y, math.nan),
            f.ceased_totals[y],
        )
        if all(pd.notna(v) for v in vals):
            out[int(y)] = float(vals[0] - vals[1] - vals[2] + vals[3])
    return out


def _dataset(f: Frames) -> str:
    return "DfE SEN2 (Education, health and care plans)" if f.open_age == 20 else f.name


def _nearest(mix: np.ndarray, a: int) -> np.ndarray:
    for d in range(1, AGES):
        for b in (a - d, a + d):
            if 0 <= b < AGES and mix[b].sum() > 0:
                return mix[b]
    return np.full(mix.shape[1], 1.0 / mix.shape[1])


def _cessation(f, pool, s_p, s_t, new, notes) -> tuple[np.ndarray, str]:
    """q[a] = (C[a] + k x q_pool[a]) / (S_P[a] + k), clamped to 0..1; ages in the open group
    (20 and over) share one rate q = (C[20+] - S_P[25]) / S_P[20..24] (those at 25 leave by
    ageing), pooled likewise."""
    T = f.through
    y = T - 1
    sp = s_p.sum(axis=1) if s_p is not None else s_t.sum(axis=1)
    qp = None if pool is None else pool.cessation
    o = f.open_age
    where = f"pooled towards {pool.name}, k = {K_RATE:g}" if pool is not None else "no pooling"
    if y in f.ceased and f.ceased[y].notna().all():
        c = f.ceased[y].to_numpy(float).copy()
        published = c.sum()
        total = f.ceased_totals.get(y, math.nan)
        extra = ""
        if pd.notna(total) and c.sum() > 0 and total > c.sum() + 0.5:
            extra = f"; x {total / c.sum():.4f} for ceased plans of unknown age"
            c *= total / c.sum()
        n = sp.copy()
        if o is not None:
            lo = o
            c[lo] = max(0.0, c[lo:].sum() - sp[-1])
            c[lo + 1 :] = c[lo]
            n[lo:] = sp[lo:-1].sum()
        q = shrink(c, n, qp, K_RATE)
        if o is not None:
            q[o:] = q[o]
        q = np.clip(q, 0.0, 1.0)
        prev = "published" if (s_p is not None and T - 1 in f.stock) else "estimated"
        text = (
            f"{_dataset(f)}: q[a] = (C[a] + k x pooled[a]) / (S[a] + k) ({where}); C = plans "
            f"ceased in calendar {y} by age when ceased ({published:,.0f}{extra}); S = the "
            f"{prev} January {y} plans at that age"
            + (
                f"; ages {o}-25 share one rate, (C[{o}+] - S[25]) / S[{o}..24], the plans at 25 "
                "leaving by ageing"
                if o is not None
                else ""
            )
            + "; clamped to 0..1; a cessation at age a is charged to age a at the census before"
        )
        return q, text
    if pool is not None:
        q = pool.cessation.copy()
        total = f.ceased_totals.get(y, math.nan)
        text = f"no cessations by age for {f.name} in {y}: {pool.name}'s rates"
        if pd.notna(total) and s_p is not None:
            model = float((sp * q).sum() + sp[-1] * (1 - q[-1]))
            if model > 0:
                q = np.clip(q * total / model, 0.0, 1.0)
                text += f" x {total / model:.3f} to give {f.name}'s {total:,.0f} ceased in {y}"
        return q, text
    total = f.ceased_totals.get(y, math.nan)
    if pd.isna(total) and s_p is not None:
        total = max(0.0, sp.sum() + new.sum() - s_t.sum())
        how = f"implied leavers {total:,.0f} = January {y} + new - January {T} (net other 0)"
    else:
        how = f"{total:,.0f} ceased in {y}"
    lam = max(0.0, total - sp[-1]) / max((sp[:-1] * ASSUMED_SHAPE[:-1]).sum(), 1e-12)
    q = np.clip(lam * ASSUMED_SHAPE, 0.0, 1.0)
    notes.append(f"{f.name}: no cessations by age published up to {y}; an assumed age shape")
    return q, (
        f"Assumed age shape (1 below 16, 4 at 16-19, 8 at 20-25) scaled to {how}: no "
        f"cessations by age published up to calendar {y}"
    )


def _transitions(f, pool, s_p, s_t, q, mix, notes, ages):
    """At each phase-change age A: the mix p of the plans reaching A (January T-1's plans at
    A-1 after cessation, pooled mix) against the mix r they must have for January T's plans at
    A after the new plans and net other change there are placed by the new-plan mix; the
    categories whose share falls send the fall, in proportion, to those whose share rises."""
    cats = f.categories
    if s_p is None:
        return [], "no census before: no transitions"
    out: list[tuple[int, int, int, float]] = []
    parts = []
    for age in ages:
        m_c = _pooled_mix(s_p[age - 1], pool, age - 1) * s_p[age - 1].sum() * (1 - q[age - 1])
        big_m = m_c.sum()
        if big_m <= 0:
            continue
        p = m_c / big_m
        target = _pooled_mix(s_t[age], pool, age) * s_t[age].sum()
        d = target.sum() - big_m
        r = np.maximum(0.0, target - d * mix[age])
        if r.sum() <= 0:
            continue
        r = r / r.sum()
        loss, gain = np.maximum(0.0, p - r), np.maximum(0.0, r - p)
        if gain.sum() <= 1e-9:
            continue
        for i in np.flatnonzero(loss > 1e-6):
            leave = loss[i] / p[i]
            if leave > MAX_MOVE:
                notes.append(
                    f"transition at {age}: {leave:.0%} of {cats[i]} would move; "
                    f"capped at {MAX_MOVE:.0%}"
                )
                leave = MAX_MOVE
            remaining = 1.0
            for j in np.flatnonzero(gain > 0):
                frac = leave * gain[j] / gain.sum()
                if frac * p[i] * big_m < MIN_MOVE:
                    continue
                out.append((age, int(i), int(j), float(frac / remaining)))
                if age in (5, 11, 16):
                    parts.append(f"{age}: {frac:.1%} {cats[i]} -> {cats[j]}")
                remaining -= frac
    text = (
        f"From the January {f.through} cross-section of placement by single year of age and "
        f"the new-plan mix, at ages {_ages(ages)}: p = mix of the "
        f"plans reaching age A (January {f.through - 1} at A-1 after cessation), r = the mix "
        f"they need for January {f.through}'s plans at A once that age's new plans and net "
        "other change are placed by the new-plan mix; categories whose share falls move the "
        "fall to those whose share rises, in proportion (stock mixes pooled with k = "
        f"{K_MIX:g}; shares listed are of the category's plans, applied in order, each of what "
        f"is left; moves of fewer than {MIN_MOVE:g} plans left out). {len(out)} moves; at the "
        "phase changes: " + ("; ".join(parts) if parts else "none")
    )
    return out, text


def _ages(ages) -> str:
    a = sorted(ages)
    return (
        f"{a[0]}-{a[-1]}"
        if a == list(range(a[0], a[-1] + 1)) and len(a) > 2
        else ", ".join(map(str, a))
    )


def _pooled_mix(row: np.ndarray, pool, age: int) -> np.ndarray:
    n = row.sum()
    if pool is None:
        return row / n if n > 0 else np.full(len(row), 1.0 / len(row))
    ps = pool.stock[age]
    pm = ps / ps.sum() if ps.sum() > 0 else np.full(len(row), 1.0 / len(row))
    return (row + K_MIX * pm) / (n + K_MIX)


def _rate(s: pd.Series, last: int, years: int) -> tuple[float, int, int]:
    s = s.dropna()
    s = s[(s.index <= last) & (s > 0)]
    if last not in s.index:
        return math.nan, last, last
    first = [y for y in s.index if last - years <= y < last]
    if not first:
        return math.nan, last, last
    y0 = min(first)
    return float((s[last] / s[y0]) ** (1 / (last - y0)) - 1), int(y0), last


def _growth(f: Frames, pool, window: int) -> tuple[float, float, str]:
    """g = the compound growth of total new plans over ``window`` calendar years to T-1,
    clamped to GROWTH_LIMITS, pooled (n g + K_GROWTH g_pool) / (n + K_GROWTH) with n the new
    plans in T-1; it tapers over TAPER_YEARS to England's long-run growth of plans held
    (January 2010 to T, as the growth baseline's g_E)."""
    last = f.through - 1
    g, y0, y1 = _rate(f.new_totals, last, window)
    lo, hi = GROWTH_LIMITS
    parts = []
    if math.isnan(g):
        parts.append(f"{f.name}: no new-plan trend to {last}")
    else:
        parts.append(
            f"{f.name}'s new plans {f.new_totals[y0]:,.0f} ({y0}) to "
            f"{f.new_totals[y1]:,.0f} ({y1}): {g:+.2%} a year"
        )
        if not lo <= g <= hi:
            g = min(max(g, lo), hi)
            parts.append(f"clamped to {g:+.0%}")
    if pool is not None:
        n = float(f.new_totals.get(last, 0.0)) if not math.isnan(g) else 0.0
        n = 0.0 if math.isnan(n) else n
        g = (n * (0.0 if math.isnan(g) else g) + K_GROWTH * pool.growth) / (n + K_GROWTH)
        parts.append(
            f"pooled (n g + {K_GROWTH:g} x {pool.name}'s {pool.growth:+.2%}) / (n + "
            f"{K_GROWTH:g}) with n = {n:,.0f} = {g:+.2%}"
        )
        long_run = pool.long_run
        lr = f"England's long-run growth of plans held {long_run:+.2%} (as the growth baseline)"
    else:
        if math.isnan(g):
            raise CalibrationError(f"{f.name}: no new-plan totals to estimate growth from")
        long_run, a, b = _rate(f.totals["total"], f.through, f.through - 2010)
        long_run = min(max(long_run, lo), hi) if not math.isnan(long_run) else g
        lr = (
            f"{f.name}'s long-run growth of plans held, January {a}-{b}, {long_run:+.2%} "
            "(in the long run new plans grow with the plans held)"
        )
    text = (
        f"New-plan growth g = {g:+.2%} ({'; '.join(parts)}), tapering to {lr} over "
        f"{TAPER_YEARS} years: g[k] = gL + (g - gL) x max(0, 1 - (k - 1)/{TAPER_YEARS}) in the "
        "k-th year after the calibration census"
    )
    return g, long_run, text
