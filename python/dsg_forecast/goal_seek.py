"""Goal seek: the value of one lever that meets a deficit target, solved in Rust.

    r = dsg.goal_seek(s, lever="block_transfer", target="in_year_balance", year="2030-31")
    r.achieved, r.value, r.message
    r.scenario      # the scenario with the lever set: re-projecting it meets the target
    r.projection    # its projection

Levers: ``block_transfer``, ``hnb_growth``, ``ehcp_growth``, ``unit_cost_inflation``,
``interest_rate``, ``unit_cost:<category>`` and ``mitigation:<name>`` (the size of a named
mitigation: 1 = as planned); with the cohort demand model also ``new_plan_growth`` and
``cessation_rate:<age>``. Targets: ``in_year_balance`` (in-year deficit ≤ 0 in ``year``),
``in_year_deficit`` (≤ ``amount`` £ in ``year``), ``closing_deficit`` (≤ ``amount`` £ at the
end of ``year``), ``deficit_at_override_end`` (≤ ``amount`` £ when the statutory override
ends). With ``exact=True`` the target is met exactly: the lever value that makes the measure
equal ``amount`` within ``tolerance`` (£1,000 by default); ``achieved`` is False when no value
inside the bounds reaches it.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from . import _core
from ._args import (
    bad_argument,
    checked,
    financial_year,
    format_value,
    problems_error,
    real_number,
)
from ._format import pounds_m
from .projection import Projection
from .scenario import Scenario, ScenarioError

#: Target names.
TARGETS = ["in_year_balance", "in_year_deficit", "closing_deficit", "deficit_at_override_end"]

__all__ = [
    "TARGETS",
    "GoalSeekResult",
    "bad_argument",
    "financial_year",
    "format_value",
    "goal_seek",
    "levers",
    "real_number",
    "set_lever",
]


@dataclass(frozen=True)
class GoalSeekResult:
    """The answer of :func:`goal_seek`.

    ``value`` is the lever value found (a share or rate as a fraction, £ per plan for a unit
    cost, a multiple of the planned size for a mitigation); when ``achieved`` is False it is
    the best the lever can do inside ``bounds``. ``measure`` is the in-year or closing deficit
    (£) in ``year`` in the returned scenario, ``limit`` the most it may be (``mode`` "at_most")
    or the amount it must equal within the tolerance (``mode`` "exact").
    """

    lever: str
    unit: str
    target: str
    year: str
    from_year: str
    limit: float
    mode: str
    value: float
    start_value: float
    achieved: bool
    measure: float
    start_measure: float
    bounds: tuple[float, float]
    projections: int
    message: str
    scenario: Scenario
    projection: Projection

    def __repr__(self) -> str:
        state = "achieved" if self.achieved else "NOT achievable"
        return (
            f"<GoalSeekResult {self.lever} = {format_value(self.value, self.unit)} "
            f"({state}; {self.projections} projection{'' if self.projections == 1 else 's'})>"
        )

    def _repr_html_(self) -> str:
        rows = [
            ("Lever", self.lever),
            (
                "Target",
                f"{self.target} in {self.year} "
                f"({'exactly' if self.mode == 'exact' else 'at most'} {pounds_m(self.limit)})",
            ),
            ("Achieved", "yes" if self.achieved else "no: best achievable shown"),
            (
                "Value",
                f"{format_value(self.value, self.unit)} "
                f"(was {format_value(self.start_value, self.unit)})",
            ),
            ("Applies from", self.from_year),
            ("Result", f"{pounds_m(self.measure)} (was {pounds_m(self.start_measure)})"),
            ("Projections used", str(self.projections)),
        ]
        body = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
            f"<td style='text-align:left'>{html.escape(v)}</td></tr>"
            for k, v in rows
        )
        return f"<div><p>{html.escape(self.message)}</p><table>{body}</table></div>"


def goal_seek(
    scenario: Scenario,
    lever: str,
    target: str,
    year: str | None = None,
    *,
    amount: float = 0.0,
    bounds: tuple[float, float] | None = None,
    from_year: str | None = None,
    tolerance: float = 1000.0,
    exact: bool = False,
) -> GoalSeekResult:
    """Find the value of ``lever`` that meets ``target`` in ``year``.

    ``year`` defaults to the last projected year (for ``deficit_at_override_end`` it is the
    year the override ends: leave it out; another year is an error); ``amount`` (£) is the
    limit for the deficit targets; ``bounds`` the search range (defaults: 0 to 0.02 for
    ``block_transfer``, −5% to 15% for rates, 0 to 3× for unit costs and mitigation sizes);
    ``from_year`` the first year a rate or share lever changes (default: the target year for
    ``block_transfer``, else the base year; an error for levers that apply to every year);
    ``tolerance`` how close (£) to the limit the answer must land; ``exact`` asks for the
    measure to equal ``amount`` (within ``tolerance``) rather than stay at most ``amount``
    (not with ``in_year_balance``: use ``in_year_deficit``). The search brackets the
    answer and refines it by regula falsi (Illinois) with a bisection fallback, all in Rust,
    typically in 3 to 15 projections. Raises ScenarioError for an unknown lever or target, a
    year outside the projection, bounds the wrong way round or outside what is allowed, or an
    argument of the wrong type (naming the argument, the value and what is allowed).
    """
    if not isinstance(scenario, Scenario):
        raise TypeError(f"goal_seek() takes a Scenario, not {type(scenario).__name__}")
    # Every bad argument in one error (the values as they are shown).
    problems: list[tuple[str, object, str]] = []

    if not isinstance(lever, str):
        problems.append(
            ("lever", repr(lever), "expected a lever name as text, e.g. 'block_transfer'")
        )
    if not isinstance(target, str):
        problems.append(("target", repr(target), f"expected one of {', '.join(TARGETS)}"))
    year = checked(problems, financial_year, "year", year)
    from_year = checked(problems, financial_year, "from_year", from_year)
    amount = checked(
        problems, real_number, "amount", amount, "an amount in pounds (0 = clear the deficit)"
    )
    tolerance = checked(
        problems, real_number, "tolerance", tolerance, "an amount in pounds above 0"
    )
    if tolerance is not None and not tolerance > 0:
        problems.append(("tolerance", repr(tolerance), "expected an amount in pounds above 0"))
    b = None
    if bounds is not None:
        pair = list(bounds) if isinstance(bounds, (tuple, list)) else None
        if pair is None or len(pair) != 2:
            problems.append(("bounds", repr(bounds), "expected (low, high): two numbers, or None"))
        else:
            try:
                lo, hi = real_number("bounds[0]", pair[0]), real_number("bounds[1]", pair[1])
            except ScenarioError:
                problems.append(("bounds", repr(bounds), "expected (low, high): two numbers"))
            else:
                if not lo < hi:
                    problems.append((
                        "bounds", repr(bounds),
                        "the wrong way round or empty; expected (low, high) with low below high",
                    ))  # fmt: skip
                b = (lo, hi)
    if not isinstance(exact, bool):
        problems.append(("exact", repr(exact), "expected True or False"))
    if problems:
        raise problems_error(problems, show=str)
    d = _core.goal_seek(scenario._core, lever, target, year, amount, b, from_year, tolerance, exact)
    new = Scenario(d.pop("scenario"))
    proj = Projection(d.pop("projection"), new)
    d["bounds"] = tuple(d["bounds"])
    return GoalSeekResult(scenario=new, projection=proj, **d)


def set_lever(
    scenario: Scenario, lever: str, value: float, from_year: str | None = None
) -> Scenario:
    """A copy of ``scenario`` with ``lever`` set to ``value`` (from ``from_year`` on for rates
    and shares; every year otherwise, where a ``from_year`` is an error), validated. The same
    levers as :func:`goal_seek`."""
    if not isinstance(lever, str):
        raise bad_argument("lever", lever, "expected a lever name as text, e.g. 'block_transfer'")
    from_year = financial_year("from_year", from_year)
    value = real_number("value", value)
    return Scenario(_core.set_driver(scenario._core, lever, value, from_year))


def levers(scenario: Scenario) -> list[tuple[str, str, str, float, float]]:
    """Every lever of ``scenario``: (name, label, unit, lowest allowed, highest allowed)."""
    return _core.drivers(scenario._core)
