"""Projections: the forecast as pandas tables, £m displays and a deficit chart."""

from __future__ import annotations

import html
import os
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import _core
from ._format import METRIC_LABELS, fixed, metric_text, money_scale
from ._io import atomic_write
from .scenario import Scenario

if TYPE_CHECKING:
    from matplotlib.axes import Axes

#: Lines shown by default in the CLI and notebook summary, in this order.
SUMMARY_LINES = [
    "hnb_funding",
    "block_transfer",
    "other_income",
    "total_income",
    "total_expenditure",
    "in_year_deficit",
    "opening_deficit",
    "deficit_reductions",
    "closing_deficit",
    "financing_cost",
    "ehcps",
    # The cohort model's flows (absent, so not shown, for the growth model).
    "new_plans",
    "ceased_plans",
    "aged_out",
    "net_other_change",
]


class Projection:
    """A projected DSG management plan: every line for every financial year, plus metrics.

    Money lines are in pounds (unit "£"); EHCP lines in plans. Build one with
    :func:`dsg_forecast.project`.
    """

    __slots__ = ("_core", "scenario", "_lines", "_frame", "_unmitigated")

    def __init__(self, core: _core.Projection, scenario: Scenario):
        self._core = core
        self.scenario = scenario
        self._lines: list[tuple[str, str, str, np.ndarray]] | None = None
        self._frame: pd.DataFrame | None = None
        self._unmitigated: Projection | None = None

    def __reduce__(self):
        # A projection is a pure function of its scenario, so it pickles as the scenario and
        # is projected again on arrival (microseconds; the same numbers bit for bit). This is
        # what lets project_many send projections back from worker processes and clusters.
        return (project, (self.scenario,))

    # ---- data ------------------------------------------------------------------------------
    @property
    def years(self) -> list[str]:
        """Financial-year labels, e.g. ["2024-25", ...]."""
        return self._core.years

    @property
    def notes(self) -> list[str]:
        """Warnings about the plan that are not errors, e.g. a mitigation absorbed by a full
        category."""
        return self._core.notes

    @property
    def metrics(self) -> dict[str, Any]:
        """Headline metrics: money in £, years as labels, None where there is none."""
        return self._core.metrics()

    @property
    def line_info(self) -> pd.DataFrame:
        """One row per line: its display label and unit ("£", "£ per plan" or "plans")."""
        rows = [(n, label, unit) for n, label, unit, _ in self._all_lines()]
        return pd.DataFrame(rows, columns=["line", "label", "unit"]).set_index("line")

    @property
    def unmitigated(self) -> Projection | None:
        """The same plan with every mitigation removed (None if there are no mitigations)."""
        if self._unmitigated is None:
            core = self._core.unmitigated
            if core is not None:
                self._unmitigated = Projection(core, self.scenario.without_mitigations())
        return self._unmitigated

    def _all_lines(self) -> list[tuple[str, str, str, np.ndarray]]:
        if self._lines is None:
            self._lines = self._core.lines()
        return self._lines

    def to_frame(self, millions: bool = False) -> pd.DataFrame:
        """Every line as a DataFrame: index = line names, columns = year labels.

        Values are in £ (plans for EHCP lines). ``millions=True`` divides the money lines by
        1,000,000 for display; the returned frame is a copy.
        """
        out = self._table().copy()
        if millions:
            money = self.line_info["unit"].str.startswith("£").to_numpy()
            out.loc[money] = out.loc[money] / 1e6
        return out

    def _table(self) -> pd.DataFrame:
        """The lines × years frame, built once and shared (callers must not modify it)."""
        if self._frame is None:
            lines = self._all_lines()
            data = np.vstack([v for *_, v in lines])
            frame = pd.DataFrame(data, index=[n for n, *_ in lines], columns=self.years)
            frame.index.name = "line"
            frame.columns.name = "year"
            self._frame = frame
        return self._frame

    def to_long(self) -> pd.DataFrame:
        """Tidy form: one row per (line, year) with columns line, year, value, unit."""
        frame = self.to_frame()
        long = frame.reset_index().melt(id_vars="line", var_name="year", value_name="value")
        long["unit"] = long["line"].map(self.line_info["unit"])
        return long

    def __getitem__(self, line: str) -> pd.Series:
        """One line as a Series indexed by year."""
        frame = self._table()
        if line not in frame.index:
            raise KeyError(f"no line {line!r}; lines are: {', '.join(frame.index)}")
        return frame.loc[line].copy()

    def to_dict(self) -> dict[str, Any]:
        """The CLI's JSON shape: scenario, years, lines {name: [£ per year]}, units, metrics,
        and the scenario's source notes (field path -> note), so the audit trail travels."""
        lines = self._all_lines()
        return {
            "scenario": self._core.scenario,
            "years": self.years,
            # NaN (an actual line in a year without an actual) becomes None, so the JSON the
            # CLI prints is valid JSON (null), never NaN.
            "lines": {n: [None if x != x else x for x in v.tolist()] for n, _, _, v in lines},
            "units": {n: u for n, _, u, _ in lines},
            "metrics": self.metrics,
            "sources": self.scenario.sources,
            "notes": self.notes,
        }

    # ---- actuals ---------------------------------------------------------------------------
    @property
    def has_actuals(self) -> bool:
        """True when the scenario carries actuals (its ``[actuals]`` section)."""
        return bool(self._core.actuals())

    def actuals(self) -> pd.DataFrame:
        """Every actual in the scenario, history before the base year included: columns
        line (the projection line it sits beside, e.g. "closing_deficit", "ehcps.special"),
        year, actual, unit. Empty when there are none."""
        rows = self._core.actuals()
        out = pd.DataFrame(rows, columns=["line", "year", "actual"])
        units = {n: u for n, _, u, _ in self._all_lines()}
        out["unit"] = out["line"].map(units).fillna("")
        return out

    def variance(self) -> pd.DataFrame:
        """Forecast against actual in every projected year where both exist: columns line,
        year, forecast, actual, variance (forecast − actual, computed in Rust; positive = the
        plan expected more than happened), unit. Empty when there are no actuals."""
        frame = self._table()
        info = self.line_info
        rows = []
        for name in frame.index:
            if not name.startswith("variance."):
                continue
            line = name.removeprefix("variance.")
            for year in self.years:
                v = frame.at[name, year]
                if v == v:  # not NaN: both forecast and actual exist
                    rows.append(
                        (
                            line,
                            year,
                            frame.at[line, year],
                            frame.at[f"actual.{line}", year],
                            v,
                            info.at[line, "unit"],
                        )
                    )
        return pd.DataFrame(
            rows, columns=["line", "year", "forecast", "actual", "variance", "unit"]
        )

    def to_csv(self, path: str | os.PathLike[str] | None = None, *, overwrite: bool = False):
        """The table as CSV text: one row per line, its unit ("£", "plans" or "£ per plan") in
        the second column, then one column per year; with ``path`` also write it safely."""
        frame = self.to_frame()
        frame.insert(0, "unit", self.line_info["unit"].reindex(frame.index))
        text = frame.to_csv()
        if path is not None:
            atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"), overwrite=overwrite)
        return text

    # ---- display ---------------------------------------------------------------------------
    def summary_frame(self, lines: list[str] | None = None) -> pd.DataFrame:
        """The headline lines as strings in £m to one decimal (a line passing £10bn in £bn, as
        its label says), plans as whole numbers."""
        frame = self.to_frame()
        info = self.line_info
        names = [n for n in (lines or SUMMARY_LINES) if n in frame.index]
        rows = {}
        for n in names:
            unit = info.at[n, "unit"]
            if unit == "£":
                div, shown = money_scale(frame.loc[n])
                rows[info.at[n, "label"] + f" ({shown})"] = [fixed(v, div) for v in frame.loc[n]]
            else:
                rows[info.at[n, "label"] + f" ({unit})"] = [fixed(v, 1, 0) for v in frame.loc[n]]
        return pd.DataFrame.from_dict(rows, orient="index", columns=self.years)

    def __repr__(self) -> str:
        m = self.metrics
        return (
            f"<Projection {self._core.scenario!r}: {self.years[0]} to {self.years[-1]}, "
            f"closing deficit {metric_text('closing_deficit', m['closing_deficit'])}, "
            f"first balanced year {metric_text('', m['first_balanced_year'])}>"
        )

    def _repr_html_(self) -> str:
        metrics = "".join(
            f"<tr><th style='text-align:left'>{html.escape(METRIC_LABELS[k])}</th>"
            f"<td style='text-align:right'>{html.escape(metric_text(k, v))}</td></tr>"
            for k, v in self.metrics.items()
        )
        table = self.summary_frame().to_html(classes="dsg-projection", border=0)
        notes = "".join(f"<p>⚠ {html.escape(n)}</p>" for n in self.notes)
        return (
            f"<div><b>{html.escape(self._core.scenario)}</b><table>{metrics}</table>"
            f"{notes}{table}{self._variance_html()}</div>"
        )

    def _variance_html(self) -> str:
        """The forecast-against-actual table (£m to one decimal; plans whole), or ""."""
        v = self.variance()
        if v.empty:
            return ""
        shown = v.copy()
        for col in ("forecast", "actual", "variance"):
            shown[col] = [
                f"{x / 1e6:,.1f}" if u == "£" else f"{x:,.0f}"
                for x, u in zip(v[col], v["unit"], strict=True)
            ]
        shown["unit"] = shown["unit"].replace({"£": "£m"})
        table = shown.to_html(index=False, classes="dsg-variance", border=0)
        return f"<p><b>Forecast against actual</b> (variance = forecast − actual)</p>{table}"

    def plot(self, ax: Axes | None = None) -> Axes:
        """The deficit trajectory in £m: closing cumulative deficit (line), in-year deficit
        (bars), and the unmitigated closing deficit (dashed) where there are mitigations.
        x is the year's starting calendar year (``dsg.year_position("2025-26")`` = 2025, ticks
        labelled "2025-26") and y is in £m (ticks in £bn past £10bn), so actuals by year label
        overlay as ``ax.plot([dsg.year_position(y) for y in years], pounds / 1e6)``."""
        from .plotting import plot_deficit

        return plot_deficit(self, ax=ax)

    # ---- toolkit: charts and Excel (see charts.py and excel.py) ----------------------------
    def plot_trajectory(self, ax: Axes | None = None) -> Axes:
        """Opening and closing cumulative deficit (lines) and in-year deficit (bars), £m."""
        from .charts import plot_trajectory

        return plot_trajectory(self, ax=ax)

    def plot_income_expenditure(self, ax: Axes | None = None) -> Axes:
        """Total income against total expenditure (£m), the gap shaded."""
        from .charts import plot_income_expenditure

        return plot_income_expenditure(self, ax=ax)

    def plot_spend_by_placement(self, ax: Axes | None = None) -> Axes:
        """Expenditure by placement category, stacked (£m)."""
        from .charts import plot_spend_by_placement

        return plot_spend_by_placement(self, ax=ax)

    def plot_ehcps(self, ax: Axes | None = None) -> Axes:
        """EHCPs by placement category, stacked (plans)."""
        from .charts import plot_ehcps

        return plot_ehcps(self, ax=ax)

    def plot_age_profile(self, ax: Axes | None = None) -> Axes:
        """EHCPs by DfE age group through the years (cohort model only), stacked areas."""
        from .charts import age_profile

        return age_profile(self, ax=ax)

    def plot_waterfall(self, ax: Axes | None = None) -> Axes:
        """What each mitigation buys by the horizon (£m), unmitigated to planned deficit."""
        from .charts import plot_waterfall

        return plot_waterfall(self, ax=ax)

    def plot_summary(self, fig: Any = None) -> Any:
        """One matplotlib Figure with the four charts a schools forum paper needs."""
        from .charts import plot_summary

        return plot_summary(self, fig=fig)

    def to_excel(self, path: str | os.PathLike[str], *, overwrite: bool = False):
        """Write a new workbook: Assumptions (with source notes), Projection (£ formats, years
        as columns), Metrics and EHCPs (DfE seven categories). Never overwrites unless
        ``overwrite=True``; written atomically. Needs openpyxl."""
        from .excel import projection_to_excel

        return projection_to_excel(self, path, overwrite=overwrite)


def project(scenario: Scenario) -> Projection:
    """Project ``scenario`` over its horizon (computed in Rust)."""
    if not isinstance(scenario, Scenario):
        raise TypeError(f"project() takes a Scenario, not {type(scenario).__name__}")
    return Projection(_core.project(scenario._core), scenario)
