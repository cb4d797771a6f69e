"""The arguments of ``Scenario.from_public_data`` (``data.baseline.baseline_dict``), checked
before any work: every problem listed at once in one ScenarioError (a ``ValueError``) naming the
argument, its value and what is allowed."""

from __future__ import annotations

import math
import numbers
from typing import Any

from .._args import (
    ScenarioError,
    bad_argument,
    checked,
    financial_year,
    problems_error,
    real_number,
)
from ._tables import table

#: Years past the latest published census a baseline's base year may lie (its plans rolled
#: forward by the council's own trend that far).
MAX_ROLL = 5

#: The longest horizon a scenario accepts (``MAX_HORIZON`` in src/scenario/validate.rs).
MAX_HORIZON = 50


def _base_year(value: object) -> str:
    hint = ""
    if isinstance(value, (int, str)) and not isinstance(value, bool):
        text = str(value).strip()
        if text.isdigit() and len(text) == 4:
            y = int(text)
            hint = (
                f"; write '{y}-{(y + 1) % 100:02d}' for the year starting April {y} (its plans "
                f"are the January {y + 1} census)"
            )
    try:
        label = financial_year("base_year", value, optional=False)
    except ScenarioError:
        raise bad_argument(
            "base_year", value, f"expected a financial year as text such as '2024-25'{hint}"
        ) from None
    latest = int(table("areas")["last_census"].max())
    census = int(label[:4]) + 1
    if census > latest + MAX_ROLL:
        last = latest + MAX_ROLL - 1
        raise bad_argument(
            "base_year", value,
            f"its plans would be the January {census} census, {census - latest} years after "
            f"the latest published (January {latest}); a baseline is rolled forward at most "
            f"{MAX_ROLL} years: a base year up to {last}-{(last + 1) % 100:02d}",
        )  # fmt: skip
    return label


def _horizon(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise bad_argument(
            "horizon", value, f"expected a whole number of years, 1 to {MAX_HORIZON}"
        )
    if not 1 <= int(value) <= MAX_HORIZON:
        raise bad_argument("horizon", value, f"expected 1 to {MAX_HORIZON} years")
    return int(value)


def _opening(value: object) -> float | None:
    if value is None:
        return None
    what = "an amount in £ (a number such as 63e6), or None to take it from the published balance"
    amount = real_number("opening_deficit", value, what)
    if not math.isfinite(amount):
        raise bad_argument("opening_deficit", value, f"expected {what}")
    return amount


def _demand_model(value: object) -> str:
    if value not in ("growth", "cohort"):
        raise bad_argument("demand", value, "expected 'growth' or 'cohort'")
    return str(value)


def arguments(
    base_year, horizon, opening_deficit, demand_model, council_problem: tuple | None = None
) -> tuple[str, int, Any]:
    """The baseline's arguments checked, every problem listed at once (a ScenarioError, a
    ValueError, naming each argument, its value and what is allowed). ``council_problem``:
    why the council was not found (as ``(value, message)``), listed first when another
    argument is wrong too."""
    problems: list[tuple[str, object, str]] = []
    if council_problem is not None:
        problems.append(("council", *council_problem))
    out = (
        checked(problems, _base_year, base_year),
        checked(problems, _horizon, horizon),
        checked(problems, _opening, opening_deficit),
    )
    checked(problems, _demand_model, demand_model)
    if len(problems) > (council_problem is not None):
        raise problems_error(problems, "baseline's arguments", show=str)
    return out
