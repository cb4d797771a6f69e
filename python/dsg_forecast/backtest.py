"""Back-testing: how accurate each demand forecast method has been, council by council.

    bt = dsg.backtest("Bournemouth, Christchurch and Poole", model="growth")
    bt.to_frame()      # council, model, origin, year, horizon, item, forecast, actual, error
    bt.summary()       # MAPE and bias (%) by horizon
    bt.plot()          # each origin's forecast against the published outturn
    dsg.backtest_all(model="naive").summary()   # England-wide accuracy table

**Only data published up to the origin.** For origin O (a January census year), the forecast
reads the council's and England's EHCP counts at the January censuses up to O and nothing
later (``_known``); a test poisons every later row and checks the forecasts do not move. The
forecast of census O + h (h = 1 … ``horizon``) is compared with what was later published.

**Models.**

* ``growth``: the library's baseline method (``Scenario.from_public_data``) as it would have
  run at O, with the baseline's own rule (``data.baseline._rate``): the council's compound
  growth over the three years to O, g_c = (T[O] / T[O−k])^(1/k) − 1 with k = 3, or fewer when
  the council has fewer censuses by O (BCP and Dorset, first counted in 2020, at O = 2021 and
  2022; North and West Northamptonshire, first counted in 2022, at O = 2023); England's
  three-year rate only for a council with a single census by O; clamped to −5%..25%;
  tapering to England's long-run rate g_E = (T_E[O] / T_E[2010])^(1/(O−2010)) − 1 over five
  years: year t grows at g_E + (g_c − g_E) × max(0, 1 − t/5). Categories: the total split by
  the latest complete placement shares at or before O.
* ``naive``: the benchmark every method must beat: last year's growth carried forward,
  T[O+h] = T[O] × (T[O] / T[O−1])^h, split by the placement shares at O.
* ``cohort``: the cohort model calibrated with ``dsg.calibrate(council, through=O)`` (plans by
  age × category, flows), projected by the engine; also by DfE age group.

Every projection runs in the Rust engine (a demand-only scenario: the EHCP lines are what is
compared). Errors: ``error = forecast − actual``; MAPE = mean |error| / actual; bias = mean
error / actual (positive = forecasts too high).

**Bands** (``bands=True``): each forecast is also simulated (``dsg.simulate``, ``n_paths``
paths, seed = the origin year) with a normal shock to its growth each year (to new-plan growth
for the cohort model), persistence 0.5, and standard deviation the standard deviation of the
council's own yearly growth of plans over the five years to O (England's when fewer than three
are published then), capped at the engine's largest accepted shock (25 points; the Isles of
Scilly at O = 2015-2018 and Slough at 2018-2021 exceed it), each cap named in ``.notes``;
the 25-75% and 5-95% quantiles of total EHCPs are its 50% and 90% bands, and ``summary()``
reports how often the outturn fell inside them.

**Nothing is left out silently.** An origin a council gives no comparison from (before its
first census; ``naive`` without last year's growth; nothing published after it) is listed in
``.skipped`` as (council, "origin O: reason"), by ``backtest`` and ``backtest_all`` alike; a
council that cannot be back-tested at all (its forecast raises a ``ValueError``) is listed as
(council, reason) by ``backtest_all``. ``repr`` counts the entries and councils and shows the
first few; the England-wide tables count only the rows in ``.to_frame()``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import _core
from ._args import bad_argument, checked, problems_error
from ._core import ScenarioError
from .data._categories import CATEGORIES
from .data._tables import table
from .data.baseline import TAPER_YEARS, TREND_LIMITS, TREND_YEARS
from .data.baseline import _rate as _baseline_rate
from .data.councils import council as _council
from .data.councils import councils as _councils

if TYPE_CHECKING:
    from matplotlib.axes import Axes

MODELS = ("growth", "naive", "cohort")
CATEGORY_IDS = list(CATEGORIES)
ENGLAND = "E92000001"
COLUMNS = ["council", "model", "origin", "year", "horizon", "item", "forecast", "actual", "error",
           "lo50", "hi50", "lo90", "hi90"]  # fmt: skip
#: Quantiles of the simulated bands: 5%, 25%, 75%, 95%.
BAND_QUANTILES = (0.05, 0.25, 0.75, 0.95)
BAND_PERSISTENCE = 0.5
BAND_YEARS = 5
#: The largest yearly growth shock the engine accepts (``MAX_RATE_SHOCK`` in
#: src/scenario/uncertainty.rs): a band's standard deviation is capped here, with a note.
MAX_BAND_SD = 0.25
#: How many ``.skipped`` entries ``repr`` shows before saying how many more there are.
SHOWN_SKIPPED = 10


class BacktestError(ScenarioError):
    """A back-test request that cannot run (unknown model, an origin outside the data, ...): a
    ScenarioError (a ``ValueError``) listing every problem, with ``.issues``."""


class _NoForecast(Exception):
    """An origin a council gives no forecast from; the message is the reason, listed in
    ``.skipped`` (raised where the origin is skipped, caught by :func:`_rows`)."""


def _label(census: int) -> str:
    """The financial year whose January census is ``census`` (2025 -> "2024-25")."""
    return f"{census - 1}-{census % 100:02d}"


def _load(area: str) -> pd.DataFrame:
    """Every published January census of ``area``: the seven categories and the total, by
    census year (the whole record; forecasts only ever see ``_known`` of it)."""
    rows = table("ehcp_placement")
    rows = rows[rows["area"] == area].set_index("year").sort_index()
    return rows[[*CATEGORY_IDS, "total", "note"]]


def _known(history: pd.DataFrame, origin: int) -> pd.DataFrame:
    """What was published by the January ``origin`` census: the rows up to ``origin``."""
    return history[history.index <= origin]


def _shares(known: pd.DataFrame) -> pd.Series:
    """The latest complete placement shares (all seven categories published)."""
    complete = known.dropna(subset=CATEGORY_IDS)
    complete = complete[complete["note"].isna() | (complete.index < 2015)]
    if complete.empty:
        return pd.Series(1 / len(CATEGORY_IDS), index=CATEGORY_IDS)
    row = complete.iloc[-1][CATEGORY_IDS].astype(float)
    return row / row.sum() if row.sum() > 0 else pd.Series(1 / 7, index=CATEGORY_IDS)


def _cagr(total: pd.Series, end: int, years: int | None) -> float:
    """Compound growth of ``total`` into census ``end`` over ``years`` (all when None)."""
    t = total.dropna()
    t = t[t.index <= end]
    if end not in t.index or len(t) < 2:
        return float("nan")
    start = int(t.index.min()) if years is None else end - years
    if start not in t.index or t[start] <= 0:
        return float("nan")
    return float((t[end] / t[start]) ** (1 / (end - start)) - 1)


def growth_rates(known: pd.DataFrame, england: pd.DataFrame, origin: int, horizon: int):
    """The growth model's rates into census origin + t, t = 1 … horizon (see the module): the
    baseline's rule (``data.baseline._rate``, the same function) on the censuses up to
    ``origin``."""
    council_t = known["total"].dropna()
    england_t = england["total"].dropna()
    council_t = council_t[council_t.index <= origin].astype(float)
    england_t = england_t[england_t.index <= origin].astype(float)
    if origin not in council_t.index or origin not in england_t.index:
        return [float("nan")] * horizon
    g_e = float(_baseline_rate(england_t, None)[0])
    g_c = float(_baseline_rate(council_t, TREND_YEARS)[0])
    if np.isnan(g_c):  # a single census by the origin: England's three-year rate
        g_c = float(_baseline_rate(england_t, TREND_YEARS)[0])
    g_c = min(max(g_c, TREND_LIMITS[0]), TREND_LIMITS[1])
    return [g_e + (g_c - g_e) * max(0.0, 1 - t / TAPER_YEARS) for t in range(1, horizon + 1)]


def naive_rates(known: pd.DataFrame, origin: int, horizon: int):
    """Last year's growth, T[O] / T[O−1] − 1, carried forward."""
    g = _cagr(known["total"], origin, 1)
    return [g] * horizon


def _growth_scenario(base_plans: dict[str, float], rates: list[float], origin: int) -> dict:
    """A demand-only scenario: EHCPs by category for censuses origin … origin + len(rates)
    with these growth rates."""
    base = _label(origin)
    growth = {_label(origin + t): float(g) for t, g in enumerate(rates, start=1)}
    return {
        "meta": {"name": "back-test", "base_year": base, "horizon": len(rates) + 1},
        "funding": {"hnb": 1e6, "hnb_growth": 0.0},
        "demand": {"base_plans": base_plans, "growth": growth or 0.0},
        "cost": {"unit_cost": dict.fromkeys(base_plans, 1000.0), "inflation": 0.0},
    }


def _growth_sd(known: pd.DataFrame, england: pd.DataFrame) -> float:
    """The standard deviation of yearly growth of total plans over the five years to the
    origin: the council's, or England's with fewer than three published."""
    for frame in (known, england):
        g = frame["total"].dropna().sort_index()
        g = (g / g.shift(1) - 1).dropna().iloc[-BAND_YEARS:]
        if len(g) >= 3:
            return float(g.std(ddof=1))
    return 0.0


def _bands(scenario: dict, sd: float, origin: int, n_paths: int) -> pd.DataFrame:
    """The 5/25/75/95% quantiles of total EHCPs by census year, simulated."""
    import dsg_forecast as dsg

    s = dict(scenario)
    s["uncertainty"] = {
        "persistence": BAND_PERSISTENCE,
        "ehcp_growth": {"distribution": "normal", "sd": max(sd, 1e-9)},
    }
    sim = dsg.simulate(
        dsg.Scenario.from_dict(s), n_paths=n_paths, seed=origin, quantiles=BAND_QUANTILES,
        threads=1, progress=False,
    )  # fmt: skip
    q = sim.quantile_frame("ehcps").T
    q.index = range(origin, origin + len(q))
    q.columns = ["lo90", "lo50", "hi50", "hi90"]
    return q


def _lines(scenario: dict[str, Any], origin: int) -> pd.DataFrame:
    """EHCPs by category (and age group for the cohort model) and total, projected by the Rust
    engine, indexed by census year."""
    import json

    core = _core.Scenario.from_json_str(json.dumps(scenario))
    lines = _core.project(core).lines()
    keep = {n: v for n, _, _, v in lines if n == "ehcps" or n.startswith(("ehcps.", "ehcps_age."))}
    frame = pd.DataFrame(keep)
    frame.index = range(origin, origin + len(frame))
    return frame.rename(columns={"ehcps": "total"})


def _cohort_scenario(c, origin: int, horizon: int) -> dict:
    """The cohort model calibrated through January ``origin``, for ``horizon`` years."""
    import dsg_forecast as dsg

    calibrate = getattr(dsg, "calibrate", None)
    if calibrate is None:
        raise BacktestError(
            "model='cohort' needs dsg.calibrate (the cohort model's calibration), which this "
            "build does not have; use model='growth' or model='naive'"
        )
    cal = calibrate(c.name, through=origin)
    # The financial year holding the January `origin` census, and its demand section (growth
    # schedule cut to this horizon).
    base_year = _label(origin)
    demand, _ = cal.demand_for(base_year, horizon + 1)
    return {
        "meta": {"name": "back-test", "base_year": base_year, "horizon": horizon + 1},
        "funding": {"hnb": 1e6, "hnb_growth": 0.0},
        "demand": demand,
        "cost": {"unit_cost": dict.fromkeys(demand["base_plans"], 1000.0), "inflation": 0.0},
    }


def _forecast(
    c,
    model: str,
    history,
    england,
    origin: int,
    horizon: int,
    n_paths: int = 0,
    notes: list[str] | None = None,
) -> pd.DataFrame:
    """The forecast from ``origin``: EHCP lines by census year, with the simulated band columns
    when ``n_paths`` > 0. Raises :class:`_NoForecast` (the reason) when the origin has no
    published total, or the model no growth rate from it. A band SD capped at ``MAX_BAND_SD``
    is said in ``notes``."""
    known = _known(history, origin)
    if origin not in known["total"].dropna().index:
        total = history["total"].dropna()
        first, last = (total.index.min(), total.index.max()) if len(total) else (None, None)
        span = (
            "none"
            if first is None
            else f"January {first}" + (f"-{last}" if last != first else " only")
        )
        raise _NoForecast(f"no EHC plan total published for {c.name} at January {origin} (its "
                          f"censuses: {span})")  # fmt: skip
    if model == "cohort":
        scenario = _cohort_scenario(c, origin, horizon)
    else:
        if model == "growth":
            rates = growth_rates(known, _known(england, origin), origin, horizon)
        else:
            before = known["total"].dropna().get(origin - 1)
            if before is None:
                raise _NoForecast(f"model 'naive' needs last year's growth, but January "
                                  f"{origin - 1} is not published")  # fmt: skip
            if not before > 0:
                raise _NoForecast(f"model 'naive' needs last year's growth, but January "
                                  f"{origin - 1}'s total is {before:,.0f} plans")  # fmt: skip
            rates = naive_rates(known, origin, horizon)
        if any(np.isnan(rates)):
            raise _NoForecast(f"model '{model}' has no growth rate from the censuses published "
                              f"by January {origin}")  # fmt: skip
        total = float(known.at[origin, "total"])
        shares = _shares(known)
        plans = {k: total * float(shares[k]) for k in CATEGORY_IDS}
        scenario = _growth_scenario(plans, rates, origin)
    frame = _lines(scenario, origin)
    if n_paths:
        sd = _growth_sd(known, _known(england, origin))
        if sd > MAX_BAND_SD:
            if notes is not None:
                notes.append(
                    f"{c.name}, origin {origin}: the SD of yearly growth of plans over the five "
                    f"years to January {origin} is {sd:.3f}, above the largest shock the engine "
                    f"accepts; its bands use {MAX_BAND_SD:.2f} (narrower than its own history)"
                )
            sd = MAX_BAND_SD
        frame = frame.join(_bands(scenario, sd, origin, n_paths))
    return frame


def _rows(
    c,
    model: str,
    history,
    england,
    origins,
    horizon,
    n_paths: int = 0,
    notes: list[str] | None = None,
) -> tuple[list[tuple], list[tuple[int, str]]]:
    """The comparisons (rows of ``COLUMNS``) from each origin, and (origin, reason) for each
    origin that gave none, the reason said where the origin is skipped."""
    out: list[tuple] = []
    skipped: list[tuple[int, str]] = []
    for origin in origins:
        try:
            f = _forecast(c, model, history, england, int(origin), horizon, n_paths, notes)
        except _NoForecast as e:
            skipped.append((origin, str(e)))
            continue
        made = len(out)
        for h in range(1, horizon + 1):
            year = origin + h
            if year not in history.index:
                continue
            for item in ["total", *CATEGORY_IDS]:
                col = item if item == "total" else f"ehcps.{item}"
                actual = history.at[year, item]
                if pd.isna(actual) or col not in f:
                    continue
                fc = float(f.at[year, col])
                band = (
                    tuple(float(f.at[year, k]) for k in ("lo50", "hi50", "lo90", "hi90"))
                    if item == "total" and "lo50" in f
                    else (np.nan,) * 4
                )
                out.append(
                    (c.name, model, origin, year, h, item, fc, float(actual), fc - actual, *band)
                )
        if len(out) == made:
            years = f"January {origin + 1}-{origin + horizon}"
            skipped.append((origin, f"nothing published for {years} to compare the forecast with"))
    return out, skipped


@dataclass(frozen=True)
class Backtest:
    """Forecasts made at each origin against what was later published.

    ``notes``: what was changed to run a forecast (a band SD capped at the engine's limit).
    ``skipped``: what is not in the frame or the summary, and why: (council, "origin O:
    reason") for each origin a council gave no comparison from (before its first census,
    say), or (council, reason) for a council that could not be back-tested at all."""

    frame: pd.DataFrame
    notes: tuple[str, ...] = ()
    skipped: tuple[tuple[str, str], ...] = ()

    def __repr__(self) -> str:
        f = self.frame
        text = (
            f"Backtest({len(f):,} comparisons, {f['council'].nunique()} council(s), "
            f"models {', '.join(map(str, f['model'].unique())) or '-'})"
        )
        if self.skipped:
            n, councils = len(self.skipped), len({name for name, _ in self.skipped})
            text += (
                f"\nLeft out ({n} {'entry' if n == 1 else 'entries'}, {councils} "
                f"{'council' if councils == 1 else 'councils'}):"
            ) + "".join(f"\n  {name}: {why}" for name, why in self.skipped[:SHOWN_SKIPPED])
            if n > SHOWN_SKIPPED:
                text += f"\n  ... and {n - SHOWN_SKIPPED} more (see .skipped)"
        if self.notes:
            text += f"\nNotes ({len(self.notes)}):" + "".join(f"\n  {n}" for n in self.notes)
        return text

    def to_frame(self) -> pd.DataFrame:
        """Columns: council, model, origin (January census the forecast was made from), year
        (census forecast), horizon (years ahead), item ("total" or a category id), forecast,
        actual, error (forecast − actual, plans)."""
        return self.frame.copy()

    def summary(self, item: str = "total") -> pd.DataFrame:
        """By model and horizon: n (forecasts), MAPE (%), bias (%) and median APE of ``item``;
        with ``bands=True`` (total EHCPs), coverage_50 and coverage_90: the share (%) of
        outturns inside the simulated 50% and 90% bands (NaN without bands). The frame's
        ``attrs`` carry ``notes`` and ``skipped`` (council-origins and councils left out, and
        why: ``.skipped``)."""
        f = self.frame[self.frame["item"] == item]
        pct = f["error"] / f["actual"].where(f["actual"] > 0)
        g = pd.DataFrame({"model": f["model"], "horizon": f["horizon"], "ape": pct.abs() * 100,
                          "pe": pct * 100}).dropna().groupby(["model", "horizon"])  # fmt: skip
        out = pd.DataFrame(
            {
                "n": g.size(),
                "mape": g["ape"].mean(),
                "bias": g["pe"].mean(),
                "median_ape": g["ape"].median(),
            }  # fmt: skip
        )
        inside50 = (f["actual"] >= f["lo50"]) & (f["actual"] <= f["hi50"])
        inside90 = (f["actual"] >= f["lo90"]) & (f["actual"] <= f["hi90"])
        banded = f["lo50"].notna()
        for name, inside in (("coverage_50", inside50), ("coverage_90", inside90)):
            share = (
                pd.DataFrame({"model": f["model"], "horizon": f["horizon"], "x": inside * 100.0})
                .loc[banded]
                .groupby(["model", "horizon"])["x"]
                .mean()
            )
            out[name] = share.reindex(out.index)
        out.attrs["notes"] = list(self.notes)
        out.attrs["skipped"] = list(self.skipped)
        return out

    def plot(self, ax: Axes | None = None, item: str = "total") -> Axes:
        """Each origin's forecast (thin lines, from the origin's published figure where the
        frame holds it, so a one-year forecast is a visible segment) against the published
        outturn (black), plans; the x axis is whole census years."""
        from matplotlib.ticker import MaxNLocator

        from .plotting import new_axes

        ax = new_axes(ax)
        f = self.frame[self.frame["item"] == item]
        actual = f.groupby("year")["actual"].first().sort_index()
        for (model, origin), g in f.groupby(["model", "origin"]):
            x, y = list(g["year"]), list(g["forecast"])
            if origin in actual.index:
                x, y = [origin, *x], [float(actual[origin]), *y]
            ax.plot(x, y, lw=1, alpha=0.7, marker=".", label=f"{model} from {origin}")
        ax.plot(actual.index, actual.values, color="black", marker="o", lw=2, label="Published")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("January census")
        ax.set_ylabel(f"EHCPs ({item})")
        councils = f["council"].unique()
        ax.set_title(f"Back-test: {councils[0] if len(councils) == 1 else 'councils'}")
        ax.legend(fontsize="x-small", ncol=2, frameon=False)
        return ax


def _model(model: object) -> str:
    if model not in MODELS:
        raise bad_argument("model", model, f"expected one of {', '.join(MODELS)}")
    return str(model)


def _horizon(horizon: object) -> int:
    whole = isinstance(horizon, (int, np.integer)) and not isinstance(horizon, bool)
    if not whole or not 1 <= horizon <= 10:
        raise bad_argument("horizon", horizon, "expected a whole number of years, 1 to 10")
    return int(horizon)


def origin_range() -> tuple[int, int]:
    """The origins the data allow: from the second January census (a forecast needs a year
    of growth before it) to the one before the latest (there must be a census to compare)."""
    years = _load(ENGLAND)["total"].dropna().index
    return int(years.min()) + 1, int(years.max()) - 1


def _origin_problem(value: object, first: int, last: int) -> str | None:
    """Why ``value`` is not an origin, or None."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        if first <= value <= last:
            return None
        if value > last:
            return (f"nothing is published after January {last + 1} to compare with; expected "
                    f"a January census year from {first} to {last}")  # fmt: skip
        return (
            f"a forecast needs a year of growth before its origin and the first census is "
            f"January {first - 1}; expected a January census year from {first} to {last}"
        )
    hint = ""
    text = str(value).strip()
    if isinstance(value, str) and text.isdigit():
        hint = f"; write {text} (a number, not text)"
    elif isinstance(value, str) and text[:4].isdigit() and text[4:5] in ("-", "/"):
        census = int(text[:4]) + 1
        hint = f"; for the January {census} census (in financial year {text}) write {census}"
    return f"expected a January census year as a whole number, {first} to {last}{hint}"


def _origins(origins: object) -> list[int]:
    """``origins`` as a list of census years, every problem listed at once."""
    first, last = origin_range()
    if isinstance(origins, (str, bytes)) or not isinstance(origins, Iterable):
        hint = f"; write [{origins}] for one" if isinstance(origins, (int, str)) else ""
        raise bad_argument(
            "origins", origins,
            f"expected a list of January census years ({first} to {last}), e.g. [2021]{hint}",
        )  # fmt: skip
    values = list(origins)
    if not values:
        raise bad_argument(
            "origins", values, f"expected at least one census year, {first} to {last}"
        )
    problems = []
    seen: set[int] = set()
    for i, value in enumerate(values):
        why = _origin_problem(value, first, last)
        if why is None and int(value) in seen:
            why = "given twice; list each origin once"
        if why is not None:
            problems.append((f"origins[{i}]", value, why))
        else:
            seen.add(int(value))
    if problems:
        raise problems_error(problems, "back-test's origins")
    return [int(v) for v in values]


def _executor(executor: object) -> object:
    if executor is not None and not callable(getattr(executor, "submit", None)):
        raise bad_argument(
            "executor", executor,
            "expected None (run here) or an executor with a submit method, such as "
            "concurrent.futures.ProcessPoolExecutor() or a Dask Client",
        )  # fmt: skip
    return executor


def _arguments(model, origins, horizon, bands, n_paths, **executor) -> tuple:
    """The back-test's arguments checked: one BacktestError listing every problem."""
    problems: list[tuple[str, object, str]] = []
    out = (
        checked(problems, _model, model),
        checked(problems, _origins, origins),
        checked(problems, _horizon, horizon),
        checked(problems, _paths, bands, n_paths),
    )
    if executor:
        checked(problems, _executor, executor["executor"])
    if problems:
        raise problems_error(problems, "back-test's arguments", show=str, cls=BacktestError)
    return out


def backtest(
    council,
    model: str = "growth",
    origins: Iterable[int] = range(2015, 2024),
    horizon: int = 5,
    *,
    bands: bool = False,
    n_paths: int = 1000,
) -> Backtest:
    """Back-test ``model`` for one council (or "England") from each origin census (see the
    module documentation for the methods, the bands and the no-later-data rule). ``origins``:
    whole January census years within the data (:func:`origin_range`), each once, else a
    BacktestError; an origin this council cannot be forecast from (before its first census,
    say) is listed in ``.skipped`` with the reason."""
    model, origins, horizon, paths = _arguments(model, origins, horizon, bands, n_paths)
    notes: list[str] = []
    rows, skipped = _council_rows(_council(council), model, origins, horizon, paths, notes)
    return Backtest(pd.DataFrame(rows, columns=COLUMNS), tuple(notes), tuple(skipped))


def _council_rows(
    c, model: str, origins, horizon: int, n_paths: int, notes: list[str]
) -> tuple[list[tuple], list[tuple[str, str]]]:
    """One council's rows, and (council, "origin O: reason") for each origin that gave no
    comparison (shared by :func:`backtest` and :func:`backtest_all`)."""
    history, england = _load(c.area), _load(ENGLAND)
    rows, skipped = _rows(c, model, history, england, origins, horizon, n_paths, notes)
    return rows, [(c.name, f"origin {o}: {why}") for o, why in skipped]


def _paths(bands: bool, n_paths: int) -> int:
    if not isinstance(bands, bool):
        raise bad_argument("bands", bands, "expected True or False")
    if not bands:
        return 0
    if isinstance(n_paths, bool) or not isinstance(n_paths, int) or not 100 <= n_paths <= 10**6:
        raise bad_argument("n_paths", n_paths, "expected a whole number, 100 to 1,000,000 paths")
    return n_paths


def _one(args) -> tuple[list[tuple], list[str], list[tuple[str, str]]]:
    """One council's rows, notes, and what was left out: (council, "origin O: reason") for
    each origin that gave no comparison, or (council, reason) if it could not be back-tested."""
    name, model, origins, horizon, n_paths = args
    c = _council(name)
    notes: list[str] = []
    try:
        rows, skipped = _council_rows(c, model, origins, horizon, n_paths, notes)
    except ValueError as e:  # a council the method cannot run at some origin: left out, said
        return [], [], [(name, f"{type(e).__name__}: {' '.join(str(e).split())}")]
    return rows, notes, skipped


def backtest_all(
    model: str = "growth",
    origins: Iterable[int] = range(2015, 2024),
    horizon: int = 5,
    executor=None,
    *,
    bands: bool = False,
    n_paths: int = 1000,
) -> Backtest:
    """Back-test ``model`` for every council; ``.summary()`` is the England-wide accuracy
    table. ``executor``: any ``concurrent.futures``-style executor (its ``submit`` is used),
    such as a ``ProcessPoolExecutor`` or a Dask ``Client``;
    results equal the serial run, row for row. Each origin a council gives no comparison from
    is listed in ``.skipped`` as (council, "origin O: reason"), as :func:`backtest` does; a
    council that cannot be back-tested at all is left out and listed as (council, reason);
    capped band SDs are listed in ``.notes``."""
    model, origins, horizon, paths = _arguments(
        model, origins, horizon, bands, n_paths, executor=executor
    )
    names = _councils()["name"].tolist()
    if paths and executor is not None:
        from .simulation import _refuse_fork_after_threads

        _refuse_fork_after_threads(executor)
    jobs = [(n, model, origins, horizon, paths) for n in names]
    if executor is None:
        results = [_one(j) for j in jobs]
    else:
        # submit, then each result in order: concurrent.futures and Dask alike (a Dask
        # Client's map returns futures, not results).
        futures = [executor.submit(_one, j) for j in jobs]
        results = [f.result() for f in futures]
    rows = [r for part, _, _ in results for r in part]
    notes = tuple(n for _, part, _ in results for n in part)
    skipped = tuple(s for _, _, part in results for s in part)
    return Backtest(pd.DataFrame(rows, columns=COLUMNS), notes, skipped)
