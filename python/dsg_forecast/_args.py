"""Argument helpers shared by the analyses and charts: errors worded like the Rust ones,
numbers and financial years checked, lever and driver values shown in their units.

Every helper raises :class:`ScenarioError` (a ``ValueError``) naming the argument, the value and
what is allowed, with ``.issues`` holding one dict, as the Rust validation does.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

from ._core import ScenarioError


def problems_error(
    problems: Sequence[tuple[str, object, str]],
    subject: str = "request",
    show=repr,
    cls: type[ScenarioError] = ScenarioError,
) -> ScenarioError:
    """One ScenarioError listing every (path, value, message) problem, worded and structured
    like the Rust errors: ``N problems in the <subject>:`` then ``- path = value: message``
    lines, with ``.issues`` holding one dict (path, year, value, message) each. ``show``
    writes a value (``repr`` by default); ``cls``: a ScenarioError subclass to raise."""
    n = len(problems)
    lines = [f"{n} problem{'s' if n != 1 else ''} in the {subject}:"]
    lines += [f"  - {path} = {show(value)}: {message}" for path, value, message in problems]
    err = cls("\n".join(lines))
    err.issues = [
        {"path": path, "year": None, "value": show(value), "message": message}
        for path, value, message in problems
    ]
    return err


def checked(problems: list[tuple[str, object, str]], check, *args):
    """``check(*args)``; if it raises a ScenarioError, its problems go into ``problems``
    (path, value as shown, message) and the result is None. So a function can check every
    argument, then raise them all at once with ``problems_error(problems, show=str)``."""
    try:
        return check(*args)
    except ScenarioError as e:
        problems.extend(problems_of(e))
        return None


def problems_of(e: ScenarioError) -> list[tuple[str, object, str]]:
    """``e``'s problems as (path, value as shown, message) tuples (see :func:`checked`)."""
    return [(i["path"], i["value"], i["message"]) for i in e.issues]


def bad_argument(path: str, value: object, message: str) -> ScenarioError:
    """A ScenarioError for one bad argument (see :func:`problems_error`)."""
    return problems_error([(path, value, message)])


def real_number(path: str, value: object, what: str = "a number") -> float:
    """``value`` as a float, or a ScenarioError naming ``path`` (bools and text are refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise bad_argument(path, value, f"expected {what}")
    return float(value)


_YEAR_FORM = "a financial year as text, written like '2030-31' (or '2030/31')"


def financial_year(path: str, value: object, optional: bool = True) -> str | None:
    """A financial-year argument as the label the projection uses ("2030-31").

    Accepts "2030-31" and "2030/31" (spaces around are ignored) and, when ``optional``, None.
    Anything else (a number such as 2030, "2030-2031", "2030-32", a date) raises a
    ScenarioError naming ``path``, the value and the expected form "2030-31"."""
    if value is None and optional:
        return None
    if isinstance(value, str):
        text = value.strip()
        a, sep, b = text.replace("/", "-", 1).partition("-")
        if (
            sep
            and len(a) == 4
            and len(b) == 2
            and a.isdigit()
            and b.isdigit()
            and (int(a) + 1) % 100 == int(b)
        ):
            return f"{a}-{b}"
    extra = ""
    year = value.strip() if isinstance(value, str) else value
    if isinstance(year, str) and len(year) == 4 and year.isdigit():
        year = int(year)  # "2025" as typed on the command line
    if isinstance(year, int) and not isinstance(year, bool) and 1900 <= year <= 2200:
        extra = f"; write '{year}-{(year + 1) % 100:02d}' for the year starting April {year}"
    raise bad_argument(path, value, f"expected {_YEAR_FORM}{extra}")


def format_value(value: float, unit: str) -> str:
    """A lever or driver value in its unit, as the Rust messages show it: rates and shares as
    percentages to 2 decimals ("2.35%"), unit costs in whole £ ("£41,250 per plan"),
    mitigation sizes to 2 decimals ("0.85 × planned")."""
    if unit in ("share", "rate"):
        return f"{value * 100:.2f}%"
    if unit == "£ per plan":
        return f"£{value:,.0f} per plan"
    return f"{value:.2f} × planned"
