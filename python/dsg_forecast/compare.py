"""Compare scenarios: each against a base, per year and per metric, in £m and %.

cmp = dsg.compare(unmitigated, mitigated)
cmp.to_frame()          # closing deficit by year: £m, change vs base £m and %
cmp.metrics_frame()     # headline metrics, each scenario against the base
cmp.plot()              # closing-deficit paths overlaid
cmp.to_excel("out/compare.xlsx")
"""

from __future__ import annotations

import html
import os
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ._format import metric_text, money_scale, pounds_m
from .projection import Projection, project
from .scenario import Scenario, ScenarioError

if TYPE_CHECKING:
    from matplotlib.axes import Axes

#: Headline metrics in £ compared scenario by scenario.
MONEY_METRICS = [
    "closing_deficit",
    "peak_deficit",
    "total_financing_cost",
    "deficit_at_override_end",
]
#: The three ways a value is shown against the base.
MEASURES = ["£m", "change vs base (£m)", "change vs base (%)"]


class Comparison:
    """Scenarios side by side; the first is the base every other is measured against.

    Change vs base = scenario − base (£m); % = change / |base| × 100 (blank where the base is
    0). Build one with :func:`compare`.
    """

    def __init__(self, projections: list[Projection], names: list[str]):
        self.projections = projections
        self.names = names

    @property
    def base(self) -> Projection:
        return self.projections[0]

    @property
    def years(self) -> list[str]:
        return self.base.years

    def to_frame(self, line: str = "closing_deficit") -> pd.DataFrame:
        """``line`` for every scenario and year: index (scenario, measure) with measures "£m",
        "change vs base (£m)" and "change vs base (%)"; columns the year labels. Money lines are
        in £m (in £bn, and the measures say so, when any scenario's line passes £10bn); EHCP
        lines in plans. A line missing from any scenario (or not text) raises
        ScenarioError listing the lines every scenario has."""
        common = [
            n
            for n in self.base.line_info.index
            if all(n in p.line_info.index for p in self.projections)
        ]
        if not isinstance(line, str) or line not in common:
            from ._args import bad_argument

            raise bad_argument(
                "line",
                line,
                f"not a line of every compared scenario; expected one of {', '.join(common)}",
            )
        base = self.base[line].to_numpy(dtype=float)
        unit = self.base.line_info.at[line, "unit"]
        scale, shown = 1.0, unit
        if unit.startswith("£"):
            scale, shown = money_scale([p[line].to_numpy(dtype=float) for p in self.projections])
        rows, index = [], []
        for name, p in zip(self.names, self.projections, strict=False):
            v = p[line].to_numpy(dtype=float)
            diff = v - base
            with np.errstate(divide="ignore", invalid="ignore"):
                pct = np.where(base != 0, diff / np.abs(base) * 100, np.nan)
            for measure, values in zip(MEASURES, (v / scale, diff / scale, pct), strict=False):
                index.append((name, measure.replace("£m", shown)))
                rows.append(values)
        frame = pd.DataFrame(
            rows,
            index=pd.MultiIndex.from_tuples(index, names=["scenario", "measure"]),
            columns=self.years,
        )
        frame.columns.name = "year"
        return frame

    def metrics_frame(self) -> pd.DataFrame:
        """Headline money metrics: index = metric name, columns = (scenario, measure)."""
        cols, data = [], []
        base = self.base.metrics
        for name, p in zip(self.names, self.projections, strict=False):
            m = p.metrics
            for measure in MEASURES:
                col = []
                for k in MONEY_METRICS:
                    v, b = m.get(k), base.get(k)
                    if v is None or b is None:
                        col.append(np.nan)
                    elif measure == "£m":
                        col.append(v / 1e6)
                    elif measure == "change vs base (£m)":
                        col.append((v - b) / 1e6)
                    else:
                        col.append((v - b) / abs(b) * 100 if b else np.nan)
                cols.append((name, measure))
                data.append(col)
        frame = pd.DataFrame(
            np.array(data).T,
            index=MONEY_METRICS,
            columns=pd.MultiIndex.from_tuples(cols, names=["scenario", "measure"]),
        )
        frame.index.name = "metric"
        return frame

    def summary(self) -> pd.DataFrame:
        """One row per scenario: closing deficit at the horizon, first balanced year, peak
        deficit (text, £m), and the closing deficit against the base."""
        rows = []
        b = self.base.metrics["closing_deficit"]
        for name, p in zip(self.names, self.projections, strict=False):
            m = p.metrics
            rows.append(
                {
                    "scenario": name,
                    f"Deficit at end of {self.years[-1]}": pounds_m(m["closing_deficit"]),
                    "vs base": pounds_m(m["closing_deficit"] - b),
                    "First balanced year": metric_text("", m["first_balanced_year"]),
                    "Peak deficit": f"{pounds_m(m['peak_deficit'])} ({m['peak_deficit_year']})",
                }
            )
        return pd.DataFrame(rows).set_index("scenario")

    def plot(self, ax: Axes | None = None) -> Axes:
        """Overlay the closing-deficit paths (£m) of every scenario. x is the year's starting
        calendar year (``dsg.year_position("2025-26")`` = 2025), y is in £m: overlay your own
        figures with ``ax.plot([dsg.year_position(y) for y in years], pounds / 1e6)``."""
        from .charts import plot_overlay

        return plot_overlay(self, ax=ax)

    def to_excel(self, path: str | os.PathLike[str], *, overwrite: bool = False):
        """Write a new workbook: Comparison, Metrics, and each scenario's Projection and
        Assumptions. Never overwrites unless ``overwrite=True``; written atomically."""
        from .excel import comparison_to_excel

        return comparison_to_excel(self, path, overwrite=overwrite)

    def __repr__(self) -> str:
        n = len(self.names)
        if n == 1:
            return f"<Comparison of 1 scenario: the base {self.names[0]!r} alone>"
        return f"<Comparison of {n} scenarios against {self.names[0]!r}>"

    def _repr_html_(self) -> str:
        s = self.summary()
        head = "".join(f"<th>{html.escape(c)}</th>" for c in ["Scenario", *s.columns])
        body = "".join(
            "<tr>"
            + f"<td style='text-align:left'>{html.escape(str(i))}</td>"
            + "".join(f"<td>{html.escape(str(v))}</td>" for v in row)
            + "</tr>"
            for i, row in zip(s.index, s.to_numpy(), strict=False)
        )
        return (
            f"<div><b>Scenarios compared with {html.escape(self.names[0])}</b>"
            f"<table><tr>{head}</tr>{body}</table></div>"
        )


def compare(
    base: Scenario | Projection, *others: Scenario | Projection, names: list[str] | None = None
) -> Comparison:
    """Compare ``others`` with ``base`` (Scenarios are projected first). ``names`` labels the
    scenarios (default: their names, with "(unmitigated)" or a number added to repeats).
    Raises ScenarioError when the scenarios cover different years."""
    items = [base, *others]
    projections = []
    for i, it in enumerate(items):
        if isinstance(it, Projection):
            projections.append(it)
        elif isinstance(it, Scenario):
            projections.append(project(it))
        else:
            raise TypeError(
                f"compare() takes Scenarios or Projections; argument {i + 1} is a "
                f"{type(it).__name__}"
            )
    for i, p in enumerate(projections[1:], start=2):
        if p.years != projections[0].years:
            raise ScenarioError(
                f"scenario {i} covers {p.years[0]} to {p.years[-1]} but the base covers "
                f"{projections[0].years[0]} to {projections[0].years[-1]}; compare scenarios "
                "over the same years"
            )
    if names is None:
        raw = [p.scenario.name for p in projections]
        names = []
        for p, n in zip(projections, raw, strict=False):
            if raw.count(n) > 1 and not p.scenario.mitigation_names:
                n = f"{n} (unmitigated)"
            k, first = 2, n
            while n in names:
                n = f"{first} ({k})"
                k += 1
            names.append(n)
    elif len(names) != len(projections) or len(set(names)) != len(names):
        raise ScenarioError(f"names = {names!r}: expected {len(projections)} different names")
    return Comparison(projections, list(names))
