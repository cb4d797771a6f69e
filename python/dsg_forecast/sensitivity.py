"""Sensitivity: which assumption matters most? A one-at-a-time tornado, computed in Rust.

t = dsg.tornado(s, metric="closing_deficit")
t.to_frame()    # one row per driver, largest swing first
t.plot()        # the tornado chart
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import pandas as pd

from . import _core
from ._format import METRIC_LABELS, pounds_m
from .scenario import Scenario, ScenarioError

if TYPE_CHECKING:
    from matplotlib.axes import Axes

#: Metrics a tornado can rank by (all in £).
METRICS = ["closing_deficit", "peak_deficit", "total_financing_cost", "deficit_at_override_end"]


class Tornado:
    """One-at-a-time sensitivity of a metric (£): for each driver, the metric with the driver
    at its low and at its high value, every other input as in the scenario.

    ``swing`` = |at_high − at_low| (£); rows are sorted by swing, largest first.
    """

    def __init__(self, data: dict, scenario: Scenario):
        self.scenario = scenario
        self.metric: str = data["metric"]
        #: The metric (£) in the scenario as given.
        self.base: float = data["base"]
        #: Projections run.
        self.projections: int = data["projections"]
        self._bars: list[dict] = data["bars"]

    def to_frame(self) -> pd.DataFrame:
        """Columns: label, unit, base_value, low, high, at_low, at_high, swing (£); index:
        driver name; sorted by swing, largest first."""
        cols = [
            "driver",
            "label",
            "unit",
            "base_value",
            "low",
            "high",
            "at_low",
            "at_high",
            "swing",
        ]
        return pd.DataFrame(self._bars, columns=cols).set_index("driver")

    @property
    def largest(self) -> dict:
        """The bar with the largest swing (a dict with the frame's columns and ``driver``)."""
        return dict(self._bars[0])

    def plot(self, ax: Axes | None = None, top: int | None = 12) -> Axes:
        """Draw the tornado in £m (``top`` largest bars; None for all)."""
        from .charts import plot_tornado

        return plot_tornado(self, ax=ax, top=top)

    def __len__(self) -> int:
        return len(self._bars)

    def __repr__(self) -> str:
        head = self._bars[0]["driver"] if self._bars else "none"
        return (
            f"<Tornado of {self.metric} over {len(self)} drivers; largest swing: {head} "
            f"({pounds_m(self._bars[0]['swing']) if self._bars else '–'})>"
        )

    def _repr_html_(self) -> str:
        label = METRIC_LABELS.get(self.metric, self.metric)
        rows = "".join(
            f"<tr><td style='text-align:left'>{html.escape(b['label'])}</td>"
            f"<td>{html.escape(_value(b['low'], b['unit']))} to "
            f"{html.escape(_value(b['high'], b['unit']))}</td>"
            f"<td>{pounds_m(b['at_low'])}</td><td>{pounds_m(b['at_high'])}</td>"
            f"<td>{pounds_m(b['swing'])}</td></tr>"
            for b in self._bars
        )
        return (
            f"<div><b>{html.escape(label)}</b>: {pounds_m(self.base)} as planned"
            "<table><tr><th>Driver</th><th>Range</th><th>At low</th><th>At high</th>"
            f"<th>Swing</th></tr>{rows}</table></div>"
        )


def _value(v: float, unit: str) -> str:
    if unit in ("share", "rate"):
        return f"{v * 100:.2f}%"
    if unit == "£ per plan":
        return f"£{v:,.0f}"
    return f"{v:.2f}×"


def default_ranges(scenario: Scenario) -> dict[str, tuple[float, float]]:
    """The default (low, high) of every driver: HNB growth and inflation 1% to 5%, block
    transfer 0 to 1%, EHCP growth the scenario's average ± 3 points, interest 2% to 6%, each
    unit cost ± 10%, each mitigation's size 0 to 1.2 × planned."""
    return {d: (lo, hi) for d, lo, hi in _core.default_ranges(scenario._core)}


def tornado(
    scenario: Scenario,
    metric: str = "closing_deficit",
    ranges: Mapping[str, tuple[float, float]] | None = None,
    drivers: Iterable[str] | None = None,
) -> Tornado:
    """Vary each driver one at a time between a low and a high value and rank by swing.

    ``metric``: one of ``closing_deficit``, ``peak_deficit``, ``total_financing_cost``,
    ``deficit_at_override_end`` (£). ``ranges`` overrides the default (low, high) of some
    drivers ({"hnb_growth": (0.02, 0.04)}; a new driver such as ``unit_cost:special`` may be
    added); ``drivers`` limits the tornado to those names. Rates and shares are set for every
    year. Raises ScenarioError for an unknown metric or driver or a range the wrong way round.
    """
    if not isinstance(scenario, Scenario):
        raise TypeError(f"tornado() takes a Scenario, not {type(scenario).__name__}")
    table = default_ranges(scenario)
    for name, pair in (ranges or {}).items():
        try:
            lo, hi = pair
        except (TypeError, ValueError):
            raise ScenarioError(
                f"ranges[{name!r}] = {pair!r}: expected a pair (low, high)"
            ) from None
        table[name] = (float(lo), float(hi))
    if drivers is not None:
        wanted = list(drivers)
        unknown = [d for d in wanted if d not in table]
        if unknown:
            raise ScenarioError(
                f"drivers = {unknown!r}: unknown driver; expected some of {', '.join(table)}"
            )
        table = {d: table[d] for d in wanted}
    data = _core.tornado(scenario._core, metric, [(d, lo, hi) for d, (lo, hi) in table.items()])
    return Tornado(data, scenario)
