"""Uncertainty: Monte Carlo fan charts and probabilities, and batch evaluation for sensitivity.

    sim = dsg.simulate(scenario, n_paths=100_000, seed=1)
    sim.quantile_frame("closing_deficit")   # quantiles x years, in £
    sim.prob_balanced_by                    # chance of in-year balance by each year
    sim.plot_fan()

The scenario's ``[uncertainty]`` section says what is uncertain (see docs/uncertainty.md). The
paths run in Rust, in parallel, with the GIL released; the same seed gives the same numbers on
any machine and any number of threads.
"""

from __future__ import annotations

import functools
import html
import math
import numbers
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import _core
from ._args import checked, problems_error
from ._format import fixed, money_scale, pounds_m
from .projection import project
from .scenario import Scenario

if TYPE_CHECKING:
    from matplotlib.axes import Axes

ScenarioError = _core.ScenarioError

#: Quantiles reported by default.
DEFAULT_QUANTILES = (0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95)
#: Most paths one simulation may run.
MAX_PATHS: int = _core.MAX_PATHS
#: Largest magnitude a path's value can add to a mean exactly (2**43 £, about £8.8tn): the
#: engine sums means in fixed point (value × 2**20 in an i64), and a larger value saturates.
MEAN_LIMIT = float(2**43)
#: Most worker threads a simulation or batch may ask for (each is an OS thread).
MAX_THREADS = 256
#: Summarised lines: (label, unit).
LINES = {
    "closing_deficit": ("Closing cumulative deficit", "£"),
    "in_year_deficit": ("In-year deficit (+) / surplus (−)", "£"),
    "total_expenditure": ("Total expenditure", "£"),
    "ehcps": ("EHCPs: total", "plans"),
}
#: Metrics for :func:`evaluate_batch`.
BATCH_METRICS = ("closing_deficit", "peak_deficit", "in_year_deficit", "total_expenditure", "ehcps")


def _bad(path: str, value: object, message: str) -> ScenarioError:
    return problems_error([(path, value, message)])


_bad_all = problems_error


def _share(p: float) -> str:
    """A share as a percentage with one decimal, or two significant figures below 0.1%, so a
    few paths in many never read as 0.0%: 0.25 → "25.0%", 3e-5 → "0.003%"."""
    pct = 100 * p
    return f"{pct:.1f}%" if pct >= 0.1 or pct == 0 else f"{pct:.2g}%"


def _is_number(x: object) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def _check_quantiles(quantiles: object) -> list[float]:
    """The quantile levels as floats; every problem at once as a ScenarioError."""
    allowed = "expected a list of probabilities strictly between 0 and 1, e.g. (0.05, 0.5, 0.95)"
    if isinstance(quantiles, (str, bytes)) or not isinstance(quantiles, Iterable):
        raise _bad("quantiles", quantiles, allowed)
    problems: list[tuple[str, object, str]] = []
    out: list[float] = []
    seen: dict[float, int] = {}
    for i, q in enumerate(quantiles):
        path = f"quantiles[{i}]"
        if not _is_number(q):
            problems.append((path, q, "expected a number strictly between 0 and 1"))
            continue
        f = float(q)  # type: ignore[arg-type]
        if not (math.isfinite(f) and 0.0 < f < 1.0):
            problems.append((path, q, "expected a probability strictly between 0 and 1"))
        elif f in seen:
            problems.append((path, q, f"each quantile once; {f} is already quantiles[{seen[f]}]"))
        else:
            seen[f] = i
        out.append(f)
    if problems:
        raise _bad_all(problems)
    return out


def _check_thresholds(thresholds: object) -> list[float]:
    """The threshold amounts (£) as floats; every problem at once as a ScenarioError."""
    if isinstance(thresholds, (str, bytes)) or not isinstance(thresholds, Iterable):
        raise _bad("thresholds", thresholds, "expected a list of amounts in £, e.g. [200e6]")
    problems: list[tuple[str, object, str]] = []
    out: list[float] = []
    for i, a in enumerate(thresholds):
        if not _is_number(a) or not math.isfinite(float(a)):  # type: ignore[arg-type]
            problems.append((f"thresholds[{i}]", a, "expected an amount in £ (a finite number)"))
        else:
            out.append(float(a))  # type: ignore[arg-type]
    if problems:
        raise _bad_all(problems)
    return out


class Simulation:
    """Results of :func:`simulate`: quantiles, means and probabilities by year.

    Money in £ (EHCPs in plans). Quantiles come from fixed-size histograms (accurate to about
    0.05% of the spread; see docs/uncertainty.md); means and probabilities are exact.

    Means are summed exactly in fixed point (so they do not depend on the thread count), which
    holds each path's value to ±2⁴³ (about ±£8.8 trillion, :data:`MEAN_LIMIT`): a path beyond
    that counts as exactly ±2⁴³, so the mean of a line where any path passes £8.8tn is too
    small. :attr:`notes` says so when it happens; quantiles, minima, maxima and probabilities
    are not affected. No council's plan comes near; a mistyped rate over a long horizon can.
    """

    def __init__(self, data: dict[str, Any], scenario: Scenario):
        self.scenario = scenario
        #: Year labels.
        self.years: list[str] = list(data["years"])
        #: Number of paths, generator seed and library version used.
        self.n_paths: int = int(data["n_paths"])
        self.seed: int = int(data["seed"])
        self.version: str = _core.__version__
        #: Quantile levels reported.
        self.quantile_levels: list[float] = list(data["quantiles"])
        self._lines: list[str] = list(data["lines"])
        self._data = {k: v for k, v in data.items() if k != "paths"}
        self._paths: dict[str, np.ndarray] | None = data["paths"]
        #: Paths in which a mitigation asked to move or cease more plans than a category held,
        #: so the move was capped at the plans there were (exact count).
        self.capped_paths: int = int(data["capped_paths"])

    @functools.cached_property
    def deterministic(self) -> pd.DataFrame:
        """The deterministic projection of the summarised lines (lines x years, £), run on
        first use."""
        return project(self.scenario).to_frame().loc[self._lines]

    # ---- capped paths ----------------------------------------------------------------------
    @property
    def capped_share(self) -> float:
        """Share of paths (0 to 1) in which a mitigation's move or cessation was capped."""
        return self.capped_paths / self.n_paths if self.n_paths else 0.0

    @property
    def capped_by_mitigation(self) -> pd.Series:
        """Per mitigation: share of paths in which its move or cessation was capped."""
        counts = np.asarray(self._data["capped_by_mitigation"], dtype=np.float64)
        return pd.Series(
            counts / max(self.n_paths, 1),
            index=pd.Index(list(self._data["mitigations"]), name="mitigation"),
            name="capped_share",
        )

    @property
    def saturated(self) -> pd.DataFrame:
        """True for each line and year whose mean is not exact because some path's value
        passed ±:data:`MEAN_LIMIT` (about ±£8.8tn); see the class docstring."""
        d = self._data
        hit = (np.asarray(d["max"]) >= MEAN_LIMIT) | (np.asarray(d["min"]) <= -MEAN_LIMIT)
        return pd.DataFrame(
            hit, index=pd.Index(self._lines, name="line"), columns=pd.Index(self.years, name="year")
        )

    @property
    def notes(self) -> list[str]:
        """Warnings about the results a reader should see (empty when there are none)."""
        out = []
        sat = self.saturated
        if sat.to_numpy().any():
            lines = [LINES[n][0] for n in sat.index if sat.loc[n].any()]
            first = sat.columns[sat.any(axis=0)][0]
            out.append(
                f"Some paths pass £8.8 trillion (2^43 pounds) from {first} on "
                f"({', '.join(lines)}): "
                "the simulation's exact means hold each path to ±2^43, so those means are too "
                "small and should not be used (check the inputs: such values usually come from "
                "a mistyped rate). Quantiles and probabilities are not affected."
            )
        if not self.capped_paths:
            return out
        shares = self.capped_by_mitigation
        which = ", ".join(f"{name} ({_share(v)})" for name, v in shares[shares > 0].items())
        return out + [
            f"In {self.capped_paths:,} of {self.n_paths:,} paths ({_share(self.capped_share)}) "
            "a mitigation asked to "
            f"move or cease more plans than a category held, so the move was capped at the "
            f"plans there were: {which}. Those paths deliver less than the drawn delivery; "
            f"check the mitigation's size against the plans it acts on."
        ]

    # ---- tables ----------------------------------------------------------------------------
    @property
    def lines(self) -> list[str]:
        """The summarised lines: closing_deficit, in_year_deficit, total_expenditure, ehcps."""
        return list(self._lines)

    @property
    def quantiles(self) -> pd.DataFrame:
        """Every line's quantiles: index (line, quantile), columns years, values in £/plans."""
        qv = self._data["quantile_values"]
        idx = pd.MultiIndex.from_product(
            [self._lines, self.quantile_levels], names=["line", "quantile"]
        )
        return pd.DataFrame(
            qv.reshape(-1, len(self.years)), index=idx, columns=pd.Index(self.years, name="year")
        )

    @property
    def mean(self) -> pd.DataFrame:
        """Mean of each line by year: index line, columns years. Exact, but a path's value
        counts at most ±2**43 (about £8.8tn): see :attr:`saturated` and :attr:`notes`."""
        return pd.DataFrame(
            self._data["mean"],
            index=pd.Index(self._lines, name="line"),
            columns=pd.Index(self.years, name="year"),
        )

    def quantile_frame(self, line: str = "closing_deficit") -> pd.DataFrame:
        """One line's quantiles (rows) by year (columns)."""
        return self.quantiles.loc[self._check_line(line)]

    def summary_frame(self, line: str = "closing_deficit") -> pd.DataFrame:
        """Display table for one line: quantiles, mean and the plan, £m to one decimal (£bn
        when a value passes £10bn: see :meth:`summary_unit`)."""
        frame = self.quantile_frame(line).copy()
        frame.index = [f"{q:.0%} quantile" for q in frame.index]
        frame.loc["Mean"] = self.mean.loc[line]
        frame.loc["Plan (no uncertainty)"] = self.deterministic.loc[line]
        if LINES[line][1] == "£":
            div, _ = money_scale(frame.to_numpy())
            return frame.map(lambda v: fixed(v, div))
        return frame.map(lambda v: fixed(v, 1, 0))

    def summary_unit(self, line: str = "closing_deficit") -> str:
        """The unit :meth:`summary_frame` shows ``line`` in: "£m", "£bn" or "plans"."""
        if LINES[self._check_line(line)][1] != "£":
            return LINES[line][1]
        frame = self.quantile_frame(line)
        values = np.concatenate(
            [frame.to_numpy().ravel(), self.mean.loc[line], self.deterministic.loc[line]]
        )
        return money_scale(values)[1]

    # ---- probabilities ---------------------------------------------------------------------
    @property
    def prob_balanced(self) -> pd.Series:
        """Share of paths whose spend is within income (in-year deficit ≤ 0) in each year."""
        return pd.Series(self._data["prob_balanced"], index=self.years, name="prob_balanced")

    @property
    def prob_balanced_by(self) -> pd.Series:
        """Share of paths that have reached in-year balance in that year or earlier."""
        return pd.Series(self._data["prob_balanced_by"], index=self.years, name="prob_balanced_by")

    def prob_exceeds(self, amount: float | None = None, *, by: bool = False) -> pd.Series:
        """Chance the closing deficit exceeds ``amount`` (£; default the scenario's reserves)
        in each year, or with ``by=True`` in that year or any earlier one.

        Amounts passed to ``simulate(thresholds=...)`` and the reserves are counted exactly.
        Other amounts are read off the histograms (``by=False`` only).
        """
        if amount is None:
            amount = self.scenario.to_dict().get("financing", {}).get("reserves")
            if amount is None:
                raise _bad(
                    "amount", None, "the scenario gives no financing.reserves; pass an amount in £"
                )
        if not _is_number(amount) or not np.isfinite(amount):
            raise _bad("amount", amount, "expected an amount in £ (a finite number)")
        amount = float(amount)
        key = "prob_exceeds_by" if by else "prob_exceeds"
        name = f"P(closing deficit > {pounds_m(amount)}{' by then' if by else ''})"
        thresholds = list(self._data["thresholds"])
        if amount in thresholds:
            return pd.Series(self._data[key][thresholds.index(amount)], index=self.years, name=name)
        if by:
            raise _bad(
                "amount",
                amount,
                "for by=True pass the amount in simulate(thresholds="
                "[...]) so it is counted path by path",
            )
        return pd.Series(self._cdf_above(0, amount), index=self.years, name=name)

    def _cdf_above(self, line: int, amount: float) -> np.ndarray:
        d = self._data
        counts = d["hist_counts"][line].astype(np.float64)
        out = np.empty(len(self.years))
        for t in range(len(self.years)):
            lo, hi = d["hist_lo"][line, t], d["hist_hi"][line, t]
            mn, mx = d["min"][line, t], d["max"][line, t]
            nb = counts.shape[1]
            xs = np.concatenate([[min(mn, lo)], np.linspace(lo, hi, nb + 1), [max(mx, hi)]])
            under, over = float(d["hist_under"][line, t]), float(d["hist_over"][line, t])
            cum = np.concatenate(
                [
                    [0.0],
                    under + np.concatenate([[0.0], np.cumsum(counts[t])]),
                    [under + counts[t].sum() + over],
                ]
            )
            below = np.interp(amount, xs, cum) if mn < amount else 0.0
            out[t] = 1.0 - (below / self.n_paths if amount < mx else 1.0)
        return out

    # ---- paths -----------------------------------------------------------------------------
    @property
    def paths(self) -> dict[str, np.ndarray] | None:
        """With ``keep_paths=True``: each line as an array of shape (paths, years); else None."""
        return self._paths

    def _check_line(self, line: str) -> str:
        if line not in self._lines:
            raise KeyError(f"no line {line!r}; simulated lines are: {', '.join(self._lines)}")
        return line

    # ---- display ---------------------------------------------------------------------------
    def plot_fan(self, line: str = "closing_deficit", ax: Axes | None = None) -> Axes:
        """Fan chart: 5–95, 10–90 and 25–75% bands, median (solid), mean (dotted) and the
        deterministic plan (dashed); £m axis and year labels."""
        return plot_fan(self, line, ax=ax)

    def __repr__(self) -> str:
        last = self.years[-1]
        if 0.5 in self.quantile_levels:
            centre = (
                f"median closing deficit {last} {pounds_m(self._median('closing_deficit')[-1])}"
            )
        elif self.saturated.loc["closing_deficit"].iloc[-1]:
            centre = f"mean closing deficit {last} not exact (paths pass £8.8tn)"
        else:
            centre = (
                f"mean closing deficit {last} {pounds_m(self.mean.loc['closing_deficit'].iloc[-1])}"
            )
        capped = f", {self.capped_share:.1%} of paths capped" if self.capped_paths else ""
        return (
            f"<Simulation {self.scenario.name!r}: {self.n_paths:,} paths, seed {self.seed}, "
            f"{centre}, "
            f"P(balanced by {last}) {self.prob_balanced_by.iloc[-1]:.0%}{capped}>"
        )

    def _median(self, line: str) -> np.ndarray:
        """The median of ``line`` by year (only when 0.5 is among the quantiles)."""
        return self.quantile_frame(line).loc[0.5].to_numpy()

    def _repr_html_(self) -> str:
        head = (
            f"<b>{html.escape(self.scenario.name)}</b>: {self.n_paths:,} paths, seed "
            f"{self.seed}, dsg-forecast {html.escape(self.version)}"
        )
        probs = pd.DataFrame(
            {
                "P(in-year balance)": self.prob_balanced.map("{:.0%}".format),
                "P(balanced by then)": self.prob_balanced_by.map("{:.0%}".format),
            }
        ).T
        notes = "".join(f"<p><b>Note:</b> {html.escape(n)}</p>" for n in self.notes)
        return (
            f"<div>{head}<br><i>Closing cumulative deficit ({self.summary_unit()})</i>"
            f"{self.summary_frame().to_html(border=0)}{probs.to_html(border=0)}{notes}</div>"
        )


#: Fan-chart bands (lower, upper quantile) from widest to narrowest, with their shading.
FAN_BANDS = ((0.05, 0.95, 0.18), (0.1, 0.9, 0.28), (0.25, 0.75, 0.42))


def plot_fan(sim: Simulation, line: str = "closing_deficit", ax: Axes | None = None) -> Axes:
    """Nested quantile bands of ``line`` by year, median solid, mean dotted, plan dashed.

    Bands whose quantiles were not simulated are left out. Money lines are drawn in £m.
    """
    from .plotting import money_axis, new_axes, year_axis, year_positions

    sim._check_line(line)
    ax = new_axes(ax)
    label, unit = LINES[line]
    scale = 1e6 if unit == "£" else 1.0
    x = year_positions(sim.years)
    q = sim.quantile_frame(line) / scale
    levels = set(sim.quantile_levels)
    colour = "#08519c"
    for lo, hi, alpha in FAN_BANDS:
        if lo in levels and hi in levels:
            ax.fill_between(
                x,
                q.loc[lo],
                q.loc[hi],
                color=colour,
                alpha=alpha,
                lw=0,
                label=f"{lo:.0%}–{hi:.0%} of paths",
            )
    if 0.5 in levels:
        ax.plot(x, q.loc[0.5], color=colour, lw=2, label="Median")
    ax.plot(x, sim.mean.loc[line] / scale, color="black", lw=1.5, ls=":", label="Mean")
    ax.plot(
        x,
        sim.deterministic.loc[line] / scale,
        color="#cb181d",
        lw=1.5,
        ls="--",
        label="Plan (no uncertainty)",
    )
    if line != "ehcps":
        ax.axhline(0, color="black", lw=0.8)
    year_axis(ax, sim.years)
    if unit == "£":
        money_axis(ax)
    else:
        ax.set_ylabel(unit)
    ax.set_title(f"{label}: {sim.scenario.name} ({sim.n_paths:,} paths)")
    ax.legend(loc="upper left", frameon=False)
    ax.grid(axis="y", alpha=0.3)
    return ax


class _Progress:
    """tqdm bar shown once a run looks like taking over ~1 s (or always / never)."""

    def __init__(self, mode: bool | None):
        self.mode = mode
        self.start = time.perf_counter()
        self.bar: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            elapsed = time.perf_counter() - self.start
            expected = elapsed * total / max(done, 1)
            if not (self.mode or (self.mode is None and expected > 1.0 and done < total)):
                return
            try:
                from tqdm.auto import tqdm
            except ImportError:
                self.mode = False
                return
            self.bar = tqdm(total=total, unit="path", desc="Simulating", leave=False)
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _check_threads(threads: object) -> int | None:
    """``threads`` as an int from 1 to :data:`MAX_THREADS`, or None (all cores); anything else
    is a ScenarioError naming ``threads``, the value and the allowed range, raised before any
    work starts (each thread is an OS thread: ``threads=10**6`` would start a million)."""
    if threads is None:
        return None
    if (
        isinstance(threads, bool)
        or not isinstance(threads, (int, np.integer))
        or not 1 <= threads <= MAX_THREADS
    ):
        raise _bad(
            "threads",
            threads,
            f"expected a whole number of threads from 1 to {MAX_THREADS}, or None for all cores",
        )
    return int(threads)


def simulate(
    scenario: Scenario,
    n_paths: int = 10_000,
    seed: int = 0,
    quantiles: Sequence[float] = DEFAULT_QUANTILES,
    keep_paths: bool = False,
    *,
    thresholds: Iterable[float] = (),
    threads: int | None = None,
    progress: bool | Callable[[int, int], None] | None = None,
) -> Simulation:
    """Simulate ``scenario``'s uncertain inputs over ``n_paths`` paths.

    The scenario needs an ``[uncertainty]`` section with at least one distribution (add one
    with ``scenario.replace({"uncertainty": {...}})``); without one this raises ScenarioError.
    ``seed`` (0 to 2**64 − 1) fixes every random number: same seed, same results on any machine
    and thread count. ``quantiles``: distinct probabilities strictly between 0 and 1.
    ``thresholds`` (£) are counted exactly for :meth:`Simulation.prob_exceeds`
    (the reserves always are). ``keep_paths=True`` also returns every path (memory: 4 × paths
    × years × 8 bytes, at most 1 GiB: 2,236,962 paths over 15 years).
    ``threads`` limits the worker threads: 1 to 256 (default None: all cores).
    ``progress``: None shows a tqdm bar for runs over about a second, True always, False never,
    or a callable ``f(done, total)``. Ctrl-C stops the run with ``KeyboardInterrupt``.
    """
    if not isinstance(scenario, Scenario):
        raise TypeError(f"simulate() takes a Scenario, not {type(scenario).__name__}")
    # Every bad argument in one error (values as they are shown: repr).
    problems: list[tuple[str, object, str]] = []
    if (
        isinstance(n_paths, bool)
        or not isinstance(n_paths, (int, np.integer))
        or not 1 <= n_paths <= MAX_PATHS
    ):
        problems.append(
            ("n_paths", repr(n_paths), f"expected a whole number of paths from 1 to {MAX_PATHS}")
        )
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not (0 <= seed < 2**64):
        problems.append(("seed", repr(seed), "expected a whole number from 0 to 2**64 − 1"))
    if not isinstance(keep_paths, (bool, np.bool_)):
        problems.append(("keep_paths", repr(keep_paths), "expected True or False"))
    if not (progress is None or isinstance(progress, bool) or callable(progress)):
        problems.append(
            ("progress", repr(progress), "expected None, True, False or a function f(done, total)")
        )

    threads = checked(problems, _check_threads, threads)
    qs = checked(problems, _check_quantiles, quantiles)
    ths = checked(problems, _check_thresholds, thresholds)
    if problems:
        raise _bad_all(problems, show=str)
    callback: Callable[[int, int], None] | None
    bar = None
    if callable(progress):
        callback = progress
    elif progress is False:
        callback = None
    else:
        bar = _Progress(progress)
        callback = bar
    _mark_threads_started()
    try:
        data = _core.simulate(
            scenario._core,
            int(n_paths),
            int(seed),
            qs,
            ths,
            bool(keep_paths),
            threads=threads,
            progress=callback,
        )
    finally:
        if bar is not None:
            bar.close()
    return Simulation(data, scenario)


def simulate_many(
    scenarios: Iterable[Scenario],
    executor: Any = None,
    *,
    processes: int | None = None,
    **kwargs: Any,
) -> list[Simulation]:
    """Simulate several scenarios, in order, with the same keyword arguments.

    ``executor`` is anything with a ``concurrent.futures``-style ``submit`` (a
    ``ProcessPoolExecutor``, a Dask ``Client`` or ``distributed`` executor, Ray's
    ``RayExecutor``): each scenario is pickled to a worker and its Simulation pickled back.
    ``processes=N`` (instead of an executor) runs them on a pool of N worker processes that this
    function creates, started with ``spawn``, and shuts down. With neither, the scenarios run
    here one after another (each already uses every core).

    A process pool that starts its workers by ``fork`` (``ProcessPoolExecutor()`` on Linux before
    Python 3.14) is refused with a ScenarioError once this process has run a simulation or a
    batch: the engine's worker threads do not survive ``fork``, so such a worker would wait for
    ever. Create the pool with ``mp_context=multiprocessing.get_context("spawn")`` (or
    ``"forkserver"``), or pass ``processes=N``. A fork pool given before any simulation has run
    here is accepted.
    """
    scenarios = list(scenarios)
    if processes is not None:
        if executor is not None:
            raise _bad("processes", processes, "give an executor or processes, not both")
        if isinstance(processes, bool) or not isinstance(processes, (int, np.integer)):
            raise _bad("processes", processes, "expected a whole number of worker processes")
        if not 1 <= processes <= MAX_THREADS:
            raise _bad("processes", processes, f"expected 1 to {MAX_THREADS} worker processes")
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=int(processes), mp_context=ctx) as pool:
            return simulate_many(scenarios, pool, **kwargs)
    if executor is None:
        return [simulate(s, **kwargs) for s in scenarios]
    _refuse_fork_after_threads(executor)
    kwargs.setdefault("progress", False)
    futures = [executor.submit(simulate, s, **kwargs) for s in scenarios]
    return [f.result() for f in futures]


#: Set once this process has run the engine's thread pool (a simulation or a batch).
_THREADS_STARTED = False


def _mark_threads_started() -> None:
    global _THREADS_STARTED
    _THREADS_STARTED = True


def _start_method(executor: Any) -> str | None:
    """The multiprocessing start method of a ``ProcessPoolExecutor``-like ``executor`` (its
    ``_mp_context``), or None when it is not a local process pool (threads, Dask, Ray)."""
    ctx = getattr(executor, "_mp_context", None)
    get = getattr(ctx, "get_start_method", None)
    if get is None:
        return None
    try:
        return get()
    except Exception:  # noqa: BLE001 - an unknown context is not ours to judge
        return None


def _refuse_fork_after_threads(executor: Any) -> None:
    if _THREADS_STARTED and _start_method(executor) == "fork":
        raise _bad(
            "executor",
            executor,
            "this process pool starts its workers by fork, and a simulation has already run "
            "here: the engine's worker threads do not survive fork, so the workers would hang. "
            "Create the pool with mp_context=multiprocessing.get_context('spawn') (or "
            "'forkserver'), or pass processes=N instead of an executor",
        )


# ---- batch evaluation for sensitivity analysis ----------------------------------------------
def batch_drivers(scenario: Scenario) -> list[str]:
    """Driver names :func:`evaluate_batch` accepts, named as in goal seeks and tornados:
    ``ehcp_growth``, ``hnb_growth``, ``unit_cost_inflation`` (shifts added to the planned rate
    every year: 0 = the plan), ``unit_cost_inflation:<category>``, and ``mitigation:<name>``
    (the mitigation's size, 1 = as planned). The older names ``inflation``,
    ``inflation.<category>`` and ``delivery.<name>`` are still read."""
    return list(_core.batch_driver_names(scenario._core))


def evaluate_batch(
    scenario: Scenario,
    values: Any,
    names: Sequence[str] | None = None,
    metric: str = "closing_deficit",
    *,
    threads: int | None = None,
) -> np.ndarray:
    """Evaluate ``metric`` for many parameter sets in one call (in parallel, in Rust).

    ``values`` is a 2-D array, one row per parameter set and one column per driver in
    ``names`` (or a DataFrame whose columns are the names). Each row is a deterministic
    projection with those drivers changed. ``metric``: the final year's ``closing_deficit``,
    ``in_year_deficit``, ``total_expenditure`` or ``ehcps``, or the ``peak_deficit`` (£).
    ``threads``: 1 to 256 worker threads (default None: all cores). Returns one number per row.
    """
    threads = _check_threads(threads)
    if isinstance(values, pd.DataFrame):
        names = list(values.columns) if names is None else names
        values = values.to_numpy()
    if names is None:
        raise _bad("names", None, "give one driver name per column of values")
    try:
        arr = np.ascontiguousarray(np.asarray(values, dtype=np.float64))
    except (TypeError, ValueError) as e:
        raise _bad(
            "values", "not numbers", f"expected a 2-D array of numbers, rows × drivers ({e})"
        ) from None
    if arr.ndim == 1 and len(names) == 1:
        arr = arr.reshape(-1, 1)
    if arr.ndim != 2:
        raise _bad("values", f"array of shape {arr.shape}", "expected a 2-D array: rows × drivers")
    _mark_threads_started()
    return _core.evaluate_batch(
        scenario._core, [str(n) for n in names], arr, metric, threads=threads
    )


def sobol_problem(bounds: Mapping[str, tuple[float, float]]) -> dict[str, Any]:
    """A SALib problem definition from ``{driver name: (low, high)}``."""
    names = list(bounds)
    return {
        "num_vars": len(names),
        "names": names,
        "bounds": [[float(lo), float(hi)] for lo, hi in bounds.values()],
    }
