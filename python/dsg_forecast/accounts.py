"""Holding a plan to account: fitting a lever to the actuals, and the savings a deficit path
needs.

    fit = dsg.calibrate_to_actuals(plan, lever="ehcp_growth", years=["2025-26", "2026-27"])
    fit.to_frame()     # year, assumed, fitted, actual, ...: "we assumed 6.2%; outturn implies 15%"
    fit.scenario       # the plan with the fitted values, year by year

    need = dsg.required_savings(plan, closing_deficit={"2025-26": 207e6, "2026-27": 207e6})
    need.to_frame()    # year, target, plan's closing deficit, savings (negative = headroom)
    need.scenario      # the plan with the savings as one named `save` mitigation
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from . import _core
from ._args import checked, problems_error
from ._format import pounds_m
from .goal_seek import bad_argument, financial_year, format_value, goal_seek, real_number
from .projection import Projection, project
from .scenario import Scenario

#: Levers fitted year by year, and the schedule each one sets.
FIT_LEVERS = {
    "ehcp_growth": "demand.growth",
    "unit_cost_inflation": "cost.inflation",
    "hnb_growth": "funding.hnb_growth",
    "block_transfer": "funding.block_transfer",
}
FIT_TARGETS = ("closing_deficit", "in_year_deficit")
#: Levers that are growth into a year from the year before: they change the plan only from the
#: year after the base year (the base year's figures are given directly).
GROWTH_LEVERS = ("ehcp_growth", "unit_cost_inflation", "hnb_growth")


@dataclass(frozen=True)
class ActualsFit:
    """What :func:`calibrate_to_actuals` found: one row per fitted year (``to_frame()``), the
    plan with the fitted values (``scenario``) and its projection."""

    lever: str
    target: str
    frame: pd.DataFrame
    scenario: Scenario
    projection: Projection

    @property
    def achieved(self) -> bool:
        """True when every year's actual was met within the tolerance."""
        return bool(self.frame["achieved"].all())

    def to_frame(self) -> pd.DataFrame:
        """Columns: year, assumed (the plan's value of the lever in that year), fitted (the
        value that meets the actual, from that year on), actual (£), fitted_measure (the
        fitted plan's figure, £), achieved, message."""
        return self.frame.copy()

    def sentences(self) -> list[str]:
        """One line per year, e.g. "2025-26: we assumed 6.20%; the outturn implies 15.00%"."""
        unit = "£ per plan" if self.lever.startswith("unit_cost:") else "rate"
        return [
            f"{r.year}: we assumed {format_value(r.assumed, unit)}; the outturn implies "
            f"{format_value(r.fitted, unit)}" + ("" if r.achieved else " (not reached)")
            for r in self.frame.itertuples()
        ]

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{html.escape(s)}</li>" for s in self.sentences())
        return (
            f"<div><b>{html.escape(self.lever)} fitted to {self.target}</b><ul>{items}</ul></div>"
        )


def _assumed(plan: dict[str, Any], path: str, year: str) -> float:
    """The value a rate schedule (number or {year: value} steps) holds in ``year``."""
    node: Any = plan
    for part in path.split("."):
        node = node.get(part, {}) if isinstance(node, dict) else {}
    if isinstance(node, (int, float)):
        return float(node)
    if not node:
        return 0.0
    # (Labels compared as "2025-26", however the file wrote them.)
    steps = sorted((financial_year(path, y, optional=False), v) for y, v in node.items())
    value = steps[0][1]
    for y, v in steps:
        if y <= year:
            value = v
    return float(value)


def calibrate_to_actuals(
    scenario: Scenario,
    lever: str = "ehcp_growth",
    years: Iterable[str] | str | None = None,
    target: str = "closing_deficit",
    *,
    bounds: tuple[float, float] | None = None,
    tolerance: float = 1000.0,
) -> ActualsFit:
    """Fit ``lever`` year by year so the projection meets each actual of ``target``.

    For each year in ``years`` (a list, or one year such as ``"2025-26"``; default: every
    projected year with an actual ``target``), in order, the exact goal seek
    (``dsg.goal_seek(..., exact=True)``) finds the lever value that, applied from that year
    on, makes the closing (or in-year) deficit of that year equal the actual within
    ``tolerance`` (£); the next year starts from that answer, so earlier years stay met.
    Levers: ``ehcp_growth``, ``unit_cost_inflation``, ``hnb_growth``, ``block_transfer``
    (rates that can change from a year on). Growth levers act from the year after the base
    year, so the base year cannot be fitted with them: by default its actual is left out, and
    naming it in ``years`` is an error. Raises ScenarioError naming the argument for an
    unknown lever or target, a year outside the projection or without an actual, no actual
    in the projected years at all (or an empty ``years``), or a base year (or only a
    base-year actual) with a growth lever.
    """
    if not isinstance(scenario, Scenario):
        raise TypeError(f"calibrate_to_actuals() takes a Scenario, not {type(scenario).__name__}")
    problems: list[tuple[str, object, str]] = []
    if not isinstance(lever, str) or lever not in FIT_LEVERS:
        problems.append(
            ("lever", repr(lever), f"expected a lever fitted year by year: {', '.join(FIT_LEVERS)}")
        )
    if not isinstance(target, str) or target not in FIT_TARGETS:
        problems.append(("target", repr(target), f"expected one of {', '.join(FIT_TARGETS)}"))
        target = None  # (the years' form is still checked; their actuals cannot be)
    tolerance = checked(
        problems, real_number, "tolerance", tolerance, "an amount in pounds above 0"
    )
    data = scenario.to_dict()
    # Keyed by the projection's label ("2025-26"), however the file wrote the year ("2025/26").
    actuals = {
        financial_year(f"actuals.{target}", k, optional=False): v
        for k, v in data.get("actuals", {}).get(target or "", {}).items()
    }
    base = scenario.years[0]
    growth = lever in GROWTH_LEVERS
    why_not_base = (
        f"the base year: {lever} changes the plan from the year after it "
        f"({scenario.years[1] if len(scenario.years) > 1 else 'none'}) on, so no value of it "
        f"meets {base}'s actual; fit a later year's actual, or set the base year's own "
        "figures (plans, unit costs, funding) from the outturn"
    )
    projected = f"{scenario.years[0]} to {scenario.years[-1]}"
    if years is None and target is None:
        years = []  # (nothing to fit without a target; its problem is listed)
    elif years is None:
        years = [y for y in scenario.years if y in actuals and not (growth and y == base)]
        if not years and growth and base in actuals:
            problems.append(("years", "None", f"the only actual {target} is in {why_not_base}"))
        elif not years:
            given = ", ".join(sorted(actuals)) or "none"
            problems.append((
                "years", "None",
                f"no actual {target} in the projection's years ({projected}) to fit: the "
                f"scenario's actuals.{target} gives {given}; add an actual for a projected year",
            ))  # fmt: skip
    elif isinstance(years, str):
        years = [years]  # one financial year, such as "2025-26"
    elif not isinstance(years, Iterable):
        problems.append(("years", repr(years), "expected a financial year or a list of them"))
        years = []
    years = list(years)
    if not years and target is not None and not any(p[0] == "years" for p in problems):
        problems.append((
            "years", repr(years),
            f"expected at least one year with an actual {target} (the projection's years: "
            f"{projected}); leave it out (None) to fit every actual",
        ))  # fmt: skip
    labels: list[str] = []
    first: dict[str, int] = {}
    for i, y in enumerate(years):
        label = checked(problems, financial_year, f"years[{i}]", y, False)
        if label is None:
            continue
        if label in first:
            problems.append((
                f"years[{i}]", repr(y),
                f"the same year as years[{first[label]}] ({label}); give each year once",
            ))  # fmt: skip
            continue
        first[label] = i
        if label not in scenario.years:
            problems.append((
                f"years[{i}]", repr(label),
                f"outside the projection's years ({projected}); fit an actual for a projected year",
            ))  # fmt: skip
        elif target is not None and label not in actuals:
            problems.append((
                f"years[{i}]", repr(label),
                f"no actual {target} for {label}; add it to the scenario's actuals "
                f"(actuals.{target}) or leave the year out",
            ))  # fmt: skip
        elif growth and label == base:
            problems.append((f"years[{i}]", repr(label), why_not_base))
        labels.append(label)
    if problems:
        raise problems_error(problems, show=str)
    if bounds is None:
        # An outturn can sit far from a plan: search the lever's whole plausible range
        # (rates from −50% to +100% a year; a transfer up to its legal maximum).
        lo, hi = next((lo, hi) for n, _, _, lo, hi in _core.drivers(scenario._core) if n == lever)
        bounds = (max(lo, -0.5), min(hi, 1.0))
    rows = []
    current = scenario
    for y in sorted(labels):
        r = goal_seek(
            current,
            lever,
            target,
            y,
            amount=float(actuals[y]),
            from_year=y,
            bounds=bounds,
            tolerance=tolerance,
            exact=True,
        )
        current = r.scenario
        rows.append(
            {
                "year": y,
                "assumed": _assumed(data, FIT_LEVERS[lever], y),
                "fitted": r.value,
                "actual": float(actuals[y]),
                "fitted_measure": r.measure,
                "achieved": r.achieved,
                "message": r.message,
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=["year", "assumed", "fitted", "actual", "fitted_measure", "achieved", "message"],
    )
    return ActualsFit(lever, target, frame, current, project(current))


@dataclass(frozen=True)
class RequiredSavings:
    """What :func:`required_savings` found: the savings by year (``to_frame()``) and the plan
    with them as one named ``save`` mitigation (``scenario``), with its projection. ``notes``:
    anything the reader must know, such as actual deficits the savings do not start from."""

    name: str
    basis: str
    frame: pd.DataFrame
    scenario: Scenario
    projection: Projection
    notes: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """Columns: year, target (£, NaN where none), plan_closing (the plan's closing
        deficit, £, on the chosen basis), savings (£ a year; negative = headroom, spend the
        path allows above the plan), closing (the new plan's closing deficit, £)."""
        return self.frame.copy()


def required_savings(
    scenario: Scenario,
    closing_deficit: dict[str, float],
    *,
    name: str = "Savings to follow the deficit path",
    basis: str = "net",
) -> RequiredSavings:
    """The savings (negative = headroom) that make the closing deficit follow a path exactly.

    ``closing_deficit`` maps years to the closing deficit wanted (£). Year by year, in order,
    Rust finds the saving that lands the year's closing deficit on its target (to a penny,
    through payment caps and write-offs); years without a target save nothing, so they keep
    the plan's in-year position. ``basis="gross"`` reads the targets as the deficit before
    payments towards it and write-offs (the ``closing_deficit_gross`` line) instead of after.
    The savings become one ``save`` mitigation called ``name`` (a ``save`` amount may be
    negative: headroom). Raises ScenarioError for a year outside the projection, a target
    that is not a number, or a year whose deficit does not respond to savings (all of it
    written off).
    """
    if not isinstance(scenario, Scenario):
        raise TypeError(f"required_savings() takes a Scenario, not {type(scenario).__name__}")
    if not isinstance(closing_deficit, dict) or not closing_deficit:
        raise bad_argument(
            "closing_deficit", closing_deficit, "expected {year: £ closing deficit}, at least one"
        )
    if basis not in ("net", "gross"):
        raise bad_argument("basis", basis, "expected 'net' or 'gross'")
    targets = [
        (
            financial_year(f"closing_deficit[{y!r}]", y, optional=False),
            real_number(f"closing_deficit[{y!r}]", v, "an amount in pounds"),
        )
        for y, v in closing_deficit.items()
    ]
    core, savings = _core.required_savings(scenario._core, targets, name, basis == "gross")
    new = Scenario(core)
    before = project(scenario)
    after = project(new)
    line = "closing_deficit_gross" if basis == "gross" else "closing_deficit"
    wanted = dict(targets)
    frame = pd.DataFrame(
        {
            "year": scenario.years,
            "target": [wanted.get(y, float("nan")) for y in scenario.years],
            "plan_closing": before[line].to_numpy(),
            "savings": savings,
            "closing": after[line].to_numpy(),
        }
    )
    return RequiredSavings(name, basis, frame, new, after, _actuals_notes(before, targets))


def _actuals_notes(p: Projection, targets: list[tuple[str, float]]) -> tuple[str, ...]:
    """A note for each projected year up to the last target whose actual closing deficit is
    not the plan's: the savings work from the plan's deficit (actuals never change a
    projection), so the reader is told, and how to start from the actual instead."""
    last = max(p.years.index(y) for y, _ in targets)
    v = p.variance()
    if v.empty:
        return ()
    rows = v[(v["line"] == "closing_deficit") & v["year"].isin(p.years[: last + 1])]
    rows = rows[rows["actual"].notna() & (rows["forecast"] != rows["actual"])]
    if rows.empty:
        return ()
    y = rows["year"].iloc[-1]
    after = p.years.index(y) + 1
    roll = (
        f"plan.roll_forward({p.years[after]!r})"
        if after < len(p.years)
        else "a plan rolled forward past it"
    )
    said = "; ".join(
        f"{r.year} plan {pounds_m(r.forecast)}, actual {pounds_m(r.actual)}"
        for r in rows.itertuples()
    )
    return (
        f"These savings start from the plan's closing deficit, not the actual ({said}): "
        f"actuals never change a projection. To work from the actual, pass {roll} instead.",
    )


__all__ = ["ActualsFit", "RequiredSavings", "calibrate_to_actuals", "required_savings"]
