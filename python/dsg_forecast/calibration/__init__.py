"""Calibrating the cohort demand model from a council's statistics (``dsg.calibrate``).

    import dsg_forecast as dsg
    cal = dsg.calibrate("Bournemouth, Christchurch and Poole", through=2024, window=3)
    cal.demand          # a valid [demand] section, model = "cohort", for 2023-24 (January 2024)
    cal.sources         # a source note for every field: dataset, years, arithmetic
    cal.diagnostics     # modelled vs published plans at each past census
    cal.plot()          # the fit; returns the matplotlib Axes

The method (README, "The cohort model"): stock by single age x category at the ``through``
January census; new plans by age in calendar ``through - 1`` and their placement mix over the
``window`` years before; cessation rates by age (ceased in ``through - 1`` / plans at that age a
census earlier); transition shares at 5, 11 and 16 from the cross-section of placement by age;
the net other change that closes each age's stock identity; new-plan growth from the last
``window`` years' trend, tapering to England's long-run rate. Thin data are pooled towards the
region (``(x + k * pooled) / (n + k)``). Nothing published after January ``through`` (or after
calendar ``through - 1`` for flows) is read.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..data._categories import AGE_GROUPS, CATEGORIES
from ..data.councils import Council
from ..data.councils import council as _council
from ._estimate import (
    K_GROWTH,
    K_MIX,
    K_RATE,
    TAPER_YEARS,
    TRANSITION_AGES,
    Estimate,
    estimate,
)
from ._frames import AGES, CalibrationError, Frames, area_of, own_frames, public_frames

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["Calibration", "CalibrationError", "calibrate", "calibrate_frames"]

#: The engine's age-group ids for the DfE groups.
GROUP_IDS = {
    "Under 5": "under_5",
    "5-10": "5_to_10",
    "11-15": "11_to_15",
    "16-19": "16_to_19",
    "20-25": "20_to_25",
}


def _fy(census: int) -> str:
    """The financial year whose January census is ``census`` (2025 -> "2024-25")."""
    return f"{census - 1}-{census % 100:02d}"


@functools.cache
def _parent(area: str) -> Council | None:
    return area_of(_council(area))


@functools.lru_cache(maxsize=512)
def _public(
    area: str, through: int, window: int, ages: tuple[int, ...] = TRANSITION_AGES
) -> tuple[Estimate, Frames]:
    c = _council(area)
    parent = _parent(area)
    pool = _public(parent.area, through, window, ages)[0] if parent is not None else None
    f = public_frames(c, through)
    return estimate(f, pool, window, ages), f


class Calibration:
    """A calibrated cohort model: the flows, their sources and the fit to past censuses.

    ``demand`` is a valid ``[demand]`` section for the financial year of the ``through``
    census; :meth:`demand_for` rolls it to a later base year. Arrays are by age 0-25.
    """

    def __init__(self, est: Estimate, frames: Frames, window: int, labels: dict | None):
        self.estimate = est
        self.frames = frames
        self.window = window
        self.through = est.through
        self.council = est.name
        self._labels = labels
        self._diagnostics: pd.DataFrame | None = None

    # ---- the scenario section -------------------------------------------------------------
    def demand_for(
        self, base_year: str | None = None, horizon: int = 15
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """The ``[demand]`` section and its source notes for ``base_year`` (default: the
        financial year of the ``through`` census). A later base year's stock is the
        calibration census stepped forward by the calibrated flows (new plans grown by the
        growth rule), and its ``new_plans`` are grown likewise."""
        e = self.estimate
        census = self.through if base_year is None else int(base_year[:4]) + 1
        k0 = census - self.through
        if k0 < 0:
            raise CalibrationError(
                f"base_year {base_year!r}: its January {census} census is before the "
                f"calibration census (January {self.through}); calibrate with through={census}"
            )
        factors, g = [], 1.0
        for k in range(1, k0 + 1):
            g *= 1 + e.growth_rate(k)
            factors.append(g)
        stock = e.stock
        for fl in e.run(stock, factors):
            stock = fl.stock
        stock = np.round(stock, 4)
        cats = e.categories
        growth: dict[str, float] = {_fy(census): round(e.growth_rate(k0 + 1), 6)}
        for t in range(1, min(TAPER_YEARS + 2, horizon)):
            growth[_fy(census + t)] = round(e.growth_rate(k0 + t), 6)
        cohort: dict[str, Any] = {
            "stock": {c: stock[:, i].tolist() for i, c in enumerate(cats)},
            "new_plans": np.round(e.new_plans * g, 4).tolist(),
            "new_plan_mix": {c: np.round(e.mix[:, i], 8).tolist() for i, c in enumerate(cats)},
            "cessation": np.round(e.cessation, 8).tolist(),
            "transitions": [
                {"age": a, "from": cats[i], "to": cats[j], "share": round(s, 8)}
                for a, i, j, s in e.transitions
            ],
            "net_other": np.round(e.net_other, 4).tolist(),
        }
        # Mixes rounded to 8 places must still add up to 1 at every age.
        m = np.array([cohort["new_plan_mix"][c] for c in cats])
        m[int(np.argmax(m.sum(axis=1)))] += 1 - m.sum(axis=0)
        for i, c in enumerate(cats):
            cohort["new_plan_mix"][c] = m[i].tolist()
        if not cohort["transitions"]:
            del cohort["transitions"]
        demand: dict[str, Any] = {
            "model": "cohort",
            "growth": growth,
            "base_plans": {c: round(float(stock[:, i].sum()), 4) for i, c in enumerate(cats)},
            "cohort": cohort,
        }
        if self._labels:
            demand["labels"] = dict(self._labels)
        src = {k: v for k, v in e.sources.items() if k.split(".")[-1] in cohort or "." not in k[7:]}
        roll = (
            f"; stepped forward {k0} year(s) to January {census} by the calibrated flows "
            f"(new plans x {g:.4f})"
            if k0
            else ""
        )
        src["demand.cohort.stock"] += roll
        src["demand.base_plans"] = f"The cohort stock summed by category (January {census})"
        src["demand.model"] = (
            f"Cohort model calibrated by dsg.calibrate({self.council!r}, through={self.through}"
            f", window={self.window}); pooling k = {K_RATE:g} (rates), {K_MIX:g} (mixes), "
            f"{K_GROWTH:g} (growth)"
        )
        if k0:
            src["demand.cohort.new_plans"] += f"; x {g:.4f} (growth to January {census})"
        return demand, src

    @property
    def demand(self) -> dict[str, Any]:
        """The ``[demand]`` section (model "cohort") for the ``through`` census's year."""
        return self.demand_for()[0]

    @property
    def sources(self) -> dict[str, str]:
        """A source note for each field of :attr:`demand`, keyed by field path."""
        return self.demand_for()[1]

    @property
    def notes(self) -> list[str]:
        return list(self.estimate.notes)

    def to_frame(self) -> pd.DataFrame:
        """The flows by age (index 0-25): plans held, new plans a year, cessation rate, net
        other change a year, and the new-plan share of each category."""
        e = self.estimate
        df = pd.DataFrame(
            {
                "plans": e.stock.sum(axis=1),
                "new_plans": e.new_plans,
                "cessation": e.cessation,
                "net_other": e.net_other,
            },
            index=pd.RangeIndex(AGES, name="age"),
        )
        for i, c in enumerate(e.categories):
            df[f"mix.{c}"] = e.mix[:, i]
        return df

    # ---- fit ------------------------------------------------------------------------------
    @property
    def diagnostics(self) -> pd.DataFrame:
        """Modelled against published plans at each census from ``through - window`` on:
        the calibrated flows run forward from that census's plans (its category totals, the
        ``through`` census's age profile), new plans each year set to the published total of
        the calendar year before; and from the census a year before ``through`` (one step).
        Columns: from (the starting census), census, measure ("total", "category", "age
        group"), item, modelled, published, difference, pct_difference."""
        if self._diagnostics is None:
            self._diagnostics = _diagnostics(self.estimate, self.frames, self.window)
        return self._diagnostics

    def plot(self, ax: Axes | None = None) -> Axes:
        """Published plans at each January census (markers) and the calibrated model run
        forward (lines), total and by category; returns the Axes (a new figure's when ``ax``
        is None; anything but an Axes or None is a ScenarioError, a ``ValueError``)."""
        import matplotlib.pyplot as plt

        from ..plotting import checked_axes

        if checked_axes(ax) is None:
            _, ax = plt.subplots(figsize=(8, 4.5))
        d = self.diagnostics
        d = d[d["measure"].isin(["total", "category"]) & (d["from"] == d["from"].min())]
        for i, (item, g) in enumerate(d.groupby("item", sort=False)):
            color = f"C{i}"
            ax.plot(g["census"], g["modelled"], "-", color=color, label=f"{item} (model)")
            ax.plot(g["census"], g["published"], "o", color=color, label=f"{item} (published)")
        ax.set_xlabel("January census")
        ax.set_ylabel("EHC plans")
        ax.set_title(f"{self.council}: cohort model calibrated through January {self.through}")
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.legend(fontsize=7, ncol=2)
        return ax

    # ---- display --------------------------------------------------------------------------
    def _headline(self) -> dict[str, str]:
        e = self.estimate
        d = self.diagnostics
        tot = d[d["measure"] == "total"].dropna(subset=["published"])
        fit = tot["pct_difference"].abs().max() if len(tot) else float("nan")
        ceased = (e.stock.sum(axis=1) * e.cessation).sum()
        return {
            f"plans (January {self.through})": f"{e.stock.sum():,.0f}",
            "new plans a year": f"{e.new_plans.sum():,.0f}",
            "new-plan growth": f"{e.growth:+.1%} tapering to {e.long_run:+.1%}",
            "plans ceased a year (at the rates)": f"{ceased:,.0f}",
            "net other change a year": f"{e.net_other.sum():+,.0f}"
            + ("" if e.published_gap is None else f" (published gap {e.published_gap:+,.0f})"),
            "transitions": str(len(e.transitions)),
            "largest total misfit": f"{fit:.1%}",
        }

    def __repr__(self) -> str:
        head = "; ".join(f"{k} {v}" for k, v in self._headline().items())
        return f"<Calibration {self.council!r} through={self.through} window={self.window}: {head}>"

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
            for k, v in self._headline().items()
        )
        e = self.estimate
        by_group = []
        for g, (lo, hi) in AGE_GROUPS.items():
            sl = slice(lo, hi + 1)
            held = e.stock[sl].sum()
            rate = (e.stock[sl].sum(axis=1) * e.cessation[sl]).sum() / held if held else 0.0
            by_group.append(
                f"<tr><td>{g}</td><td>{held:,.0f}</td><td>{e.new_plans[sl].sum():,.0f}"
                f"</td><td>{rate:.1%}</td><td>{e.net_other[sl].sum():+,.0f}</td></tr>"
            )
        return (
            f"<b>Cohort calibration: {html.escape(self.council)}, through January "
            f"{self.through}</b><table>{rows}</table><table><tr><th>age group</th><th>plans"
            "</th><th>new a year</th><th>cessation rate</th><th>net other</th></tr>"
            + "".join(by_group)
            + "</table>"
        )


def _diagnostics(e: Estimate, f: Frames, window: int) -> pd.DataFrame:
    cats = e.categories
    starts = [
        y
        for y in range(e.through - window, e.through)
        if y in f.totals.index and f.totals.loc[y, cats].notna().all()
    ]
    parts = [_run(e, f, y) for y in sorted({starts[0], starts[-1]})] if starts else []
    if not parts:
        parts = [_run(e, f, e.through)]
    d = pd.concat(parts, ignore_index=True)
    d["difference"] = d["modelled"] - d["published"]
    d["pct_difference"] = d["difference"] / d["published"].where(d["published"] > 0)
    d.attrs["source"] = (
        "The calibrated flows run forward from an earlier January census (its published "
        f"category totals, the January {e.through} age profile within each category) with "
        "each calendar year's published new plans; 'from' is the starting census. Published: "
        "DfE SEN2 censuses (age groups where published)"
    )
    return d


def _run(e: Estimate, f: Frames, start: int) -> pd.DataFrame:
    cats = e.categories
    if start in f.stock and not f.stock[start].isna().any().any():
        s = f.stock[start].to_numpy(float)
    else:
        col = e.stock.sum(axis=0)
        share = np.divide(e.stock, col, out=np.zeros_like(e.stock), where=col > 0)
        s = share * f.totals.loc[start, cats].to_numpy(float)
    rows = []

    def record(y: int, s: np.ndarray) -> None:
        pub = f.totals.loc[y] if y in f.totals.index else None
        rows.append((start, y, "total", "total", s.sum(), np.nan if pub is None else pub["total"]))
        for i, c in enumerate(cats):
            rows.append((start, y, "category", c, s[:, i].sum(), np.nan if pub is None else pub[c]))
        for g, (lo, hi) in AGE_GROUPS.items():
            p = f.groups.loc[y, g] if (y in f.groups.index and g in f.groups) else np.nan
            rows.append((start, y, "age group", g, s[lo : hi + 1].sum(), p))

    record(start, s)
    for y in range(start + 1, e.through + 1):
        n = f.new_totals.get(y - 1, np.nan)
        factor = n / e.new_plans.sum() if pd.notna(n) and e.new_plans.sum() > 0 else 1.0
        s = next(e.run(s, [factor])).stock
        record(y, s)
    return pd.DataFrame(
        rows, columns=["from", "census", "measure", "item", "modelled", "published"]
    )


def calibrate(
    council: str | int | Council | None = None,
    through: int = 2024,
    window: int = 3,
    *,
    frames: dict[str, pd.DataFrame] | None = None,
    transition_ages: tuple[int, ...] = TRANSITION_AGES,
) -> Calibration:
    """Calibrate the cohort model for ``council`` from the shipped DfE statistics up to the
    January ``through`` census (flows up to calendar ``through - 1``), the placement mix and
    growth over ``window`` years; children move between settings at ``transition_ages``
    (default every age 1-25; ``(5, 11, 16)`` for the phase changes only). With ``frames``
    (a council's own SEN2 tables, columns in :mod:`dsg_forecast.calibration._frames`), those
    are used instead and, if ``council`` is also given, pooled towards its region's public
    figures. Raises :class:`CalibrationError` (a ValueError) naming what is missing."""
    problems = _argument_problems(through, window, transition_ages)
    if problems:
        raise CalibrationError("; ".join(problems))
    transition_ages = tuple(int(a) for a in transition_ages)
    if frames is not None:
        return calibrate_frames(
            frames, through, window, pool=council, transition_ages=transition_ages
        )
    if council is None:
        raise CalibrationError("council: give a council (name or code) or frames=")
    c = _council(council)
    est, f = _public(c.area, int(through), int(window), tuple(transition_ages))
    return Calibration(est, f, int(window), CATEGORIES)


def _argument_problems(through: object, window: object, transition_ages: object) -> list[str]:
    """Every problem with :func:`calibrate`'s arguments, each naming the argument and value."""
    whole = (int, np.integer)
    problems = []
    if isinstance(through, bool) or not isinstance(through, whole) or not 2011 <= through <= 2100:
        problems.append(f"through={through!r}: expected a January census year, e.g. 2024")
    if isinstance(window, bool) or not isinstance(window, whole) or not 1 <= window <= 10:
        problems.append(f"window={window!r}: expected 1 to 10 years")
    ages = (
        list(transition_ages)
        if isinstance(transition_ages, Iterable) and not isinstance(transition_ages, str | bytes)
        else None
    )
    if (
        not ages
        or any(isinstance(a, bool) or not isinstance(a, whole) or not 1 <= a <= 25 for a in ages)
        or len(set(ages)) != len(ages)
    ):
        problems.append(
            f"transition_ages={transition_ages!r}: expected distinct ages from 1 to 25, e.g. "
            "(5, 11, 16) or the default, every age 1 to 25"
        )
    return problems


def calibrate_frames(
    frames: dict[str, pd.DataFrame],
    through: int,
    window: int = 3,
    *,
    name: str = "own data",
    pool: str | int | Council | None = None,
    open_age: int | None = None,
    transition_ages: tuple[int, ...] = TRANSITION_AGES,
) -> Calibration:
    """Calibrate from a council's own long frames (``stock``, ``new``, ``ceased`` and the
    optional ``stock_totals``, ``new_totals``, ``ceased_totals``; see
    :mod:`dsg_forecast.calibration._frames`). ``pool``: a council whose region's public
    figures thin data are pooled towards (default: no pooling). ``open_age``: the age that
    stands for itself and all older ages in ``new`` and ``ceased`` (e.g. 20)."""
    problems = _argument_problems(through, window, transition_ages)
    if problems:
        raise CalibrationError("; ".join(problems))
    transition_ages = tuple(int(a) for a in transition_ages)
    pool_est = None
    if pool is not None:
        c = _council(pool)
        parent = area_of(c)
        pool_est = _public((parent or c).area, int(through), int(window), tuple(transition_ages))[0]
        name = name if name != "own data" else c.name
    f = own_frames(frames, int(through), name=name, open_age=open_age)
    labels = {k: v for k, v in CATEGORIES.items() if k in f.categories} or None
    est = estimate(f, pool_est, int(window), tuple(transition_ages))
    return Calibration(est, f, int(window), labels)
