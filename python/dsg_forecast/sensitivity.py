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
from ._args import bad_argument, format_value, problems_error, problems_of, real_number
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

    Every bar is a valid scenario: where part of a range asked for would make a mitigation move
    or cease more plans than a placement holds (a scenario the validator rejects), the bar uses
    the valid part only; ``requested_low``/``requested_high`` keep what was asked for and
    ``note`` says which end moved and why (empty otherwise).
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
        """Columns: label, unit, base_value, low, high, at_low, at_high, swing (£),
        requested_low, requested_high, note; index: driver name; sorted by swing, largest
        first. ``low``/``high`` are the values used (the valid part of the requested range)."""
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
            "requested_low",
            "requested_high",
            "note",
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
            f"<Tornado of {self.metric} over {len(self)} driver{'' if len(self) == 1 else 's'}; "
            f"largest swing: {head} "
            f"({pounds_m(self._bars[0]['swing']) if self._bars else '–'})>"
        )

    def _repr_html_(self) -> str:
        label = METRIC_LABELS.get(self.metric, self.metric)
        rows = "".join(
            f"<tr><td style='text-align:left'>{html.escape(b['label'])}</td>"
            f"<td>{html.escape(_value(b['low'], b['unit']))} to "
            f"{html.escape(_value(b['high'], b['unit']))}</td>"
            f"<td>{pounds_m(b['at_low'])}</td><td>{pounds_m(b['at_high'])}</td>"
            f"<td>{pounds_m(b['swing'])}</td>"
            f"<td style='text-align:left'>{html.escape(b['note'])}</td></tr>"
            for b in self._bars
        )
        return (
            f"<div><b>{html.escape(label)}</b>: {pounds_m(self.base)} as planned"
            "<table><tr><th>Driver</th><th>Range</th><th>At low</th><th>At high</th>"
            f"<th>Swing</th><th>Note</th></tr>{rows}</table></div>"
        )


_value = format_value


def _canonical(name: str, known: Iterable[str]) -> str:
    """The driver name the defaults use: a bare mitigation name becomes ``mitigation:<name>``
    and spaces around names are dropped, so one driver never gets two bars."""
    n = name.strip()
    if n.startswith("mitigation:"):
        return "mitigation:" + n.removeprefix("mitigation:").strip()
    if n not in known and f"mitigation:{n}" in known:
        return f"mitigation:{n}"
    return n


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
    added; a bare mitigation name means ``mitigation:<name>``); ``drivers`` limits the tornado
    to those names. Rates and shares are set for every year. A range is narrowed to the values
    that give a valid scenario (the bar's ``note`` says so). Raises ScenarioError for an
    unknown metric or driver, a driver given twice, or a range that is not two numbers, is the
    wrong way round, or is outside what a scenario allows.
    """
    if not isinstance(scenario, Scenario):
        raise TypeError(f"tornado() takes a Scenario, not {type(scenario).__name__}")
    if not isinstance(metric, str):
        raise bad_argument("metric", metric, f"expected one of {', '.join(METRICS)}")
    table = default_ranges(scenario)
    if ranges is not None and not isinstance(ranges, Mapping):
        raise bad_argument(
            "ranges",
            ranges,
            "expected a dict of driver name: (low, high), e.g. {'hnb_growth': (0.02, 0.04)}",
        )
    # Every problem in one error: the request's own, then (for what could be read) the
    # engine's checks of each range.
    problems: list[tuple[str, object, str]] = []
    given: dict[str, str] = {}
    unreadable: set[str] = set()  # drivers whose range could not be read (already a problem)
    for name, pair in (ranges or {}).items():
        path = f"ranges[{name!r}]"
        if not isinstance(name, str):
            problems.append(
                ("ranges", repr(name), "expected driver names as text, e.g. 'hnb_growth'")
            )
            continue
        key = _canonical(name, table)
        if key in given:
            problems.append((
                path, repr(pair),
                f"the same driver as ranges[{given[key]!r}] ({key}); give it once",
            ))  # fmt: skip
            continue
        given[key] = name
        try:
            lo, hi = pair
            table[key] = (
                real_number(path, lo, "(low, high): two numbers"),
                real_number(path, hi, "(low, high): two numbers"),
            )
        except (TypeError, ValueError):
            problems.append((path, repr(pair), "expected (low, high): two numbers"))
            unreadable.add(key)
    if drivers is not None:
        if isinstance(drivers, str):
            problems.append(
                ("drivers", repr(drivers), "expected a list of driver names, not one name")
            )
        else:
            wanted = [_canonical(d, table) if isinstance(d, str) else d for d in drivers]
            unknown = [d for d in wanted if d not in table and d not in unreadable]
            if unknown:
                problems.append((
                    "drivers", repr(unknown),
                    f"unknown driver; expected some of {', '.join(table)}",
                ))  # fmt: skip
            table = {d: table[d] for d in dict.fromkeys(wanted) if d in table}
    request = [(d, lo, hi) for d, (lo, hi) in table.items() if d not in unreadable]
    if problems:
        if request:
            try:
                _core.tornado(scenario._core, metric, request)
            except ScenarioError as e:
                problems += problems_of(e)
        raise problems_error(problems, show=str)
    data = _core.tornado(scenario._core, metric, request)
    return Tornado(data, scenario)
