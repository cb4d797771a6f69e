"""Number and year formatting in the finance officer's language: £m to one decimal (£bn from
£10bn), and the x position of each financial year on charts."""

from __future__ import annotations

import math

#: Money of this size or more (£10bn) is shown in £bn, in every table, text and chart.
BN_FROM = 10e9


def money(value: float | None, decimals: int = 1) -> str:
    """Format pounds in £m, or in £bn from £10bn: 28_049_000 -> "£28.0m",
    350_123_000_000 -> "£350.1bn"; negatives as "−£0.2m"; never "−£0.0m" (a value that rounds
    to zero has no sign); None or NaN as "–"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float) and math.isinf(value):
        return f"{'−' if value < 0 else ''}£∞"
    div, unit = (1e9, "bn") if abs(value) >= BN_FROM else (1e6, "m")
    text = f"{abs(value) / div:,.{decimals}f}"
    sign = "−" if value < 0 and any(ch not in "0.," for ch in text) else ""
    return f"{sign}£{text}{unit}"


#: The name used across the package (money in £m, or £bn from £10bn).
pounds_m = money


def money_scale(values) -> tuple[float, str]:
    """(divisor, unit) for showing ``values`` (pounds) together: (1e9, "£bn") when any passes
    £10bn in size, else (1e6, "£m")."""
    import numpy as np

    a = np.abs(np.asarray(values, dtype=float))
    big = a.size and np.nanmax(a, initial=0.0) >= BN_FROM
    return (1e9, "£bn") if big else (1e6, "£m")


def fixed(value: float, div: float = 1.0, decimals: int = 1) -> str:
    """``value / div`` to ``decimals`` places with thousands separators, never "-0.0"."""
    x = round(value / div, decimals) + 0.0  # + 0.0 turns -0.0 into 0.0
    return f"{x:,.{decimals}f}"


def year_position(label: str) -> int:
    """The x position of a financial year on every chart: the calendar year it starts in
    ("2025-26" -> 2025). To overlay your own figures on ``p.plot()`` or ``cmp.plot()``:
    ``ax.plot([dsg.year_position(y) for y in years], values_in_pounds_m)``."""
    if not isinstance(label, str):
        from ._args import bad_argument

        raise bad_argument("year", label, "expected a financial year as text, e.g. '2025-26'")
    from ._args import financial_year

    return int(financial_year("year", label, optional=False)[:4])


def year_positions(labels) -> list[int]:
    """:func:`year_position` of each label."""
    return [year_position(y) for y in labels]


def metric_text(name: str, value: object) -> str:
    """Display a metric value: money in £m, years as labels, None as "none"."""
    if value is None:
        return "none"
    if isinstance(value, float):
        return pounds_m(value)
    return str(value)


METRIC_LABELS = {
    "first_balanced_year": "First year in balance",
    "peak_deficit": "Peak cumulative deficit",
    "peak_deficit_year": "Year of peak deficit",
    "closing_deficit": "Cumulative deficit at horizon",
    "total_financing_cost": "Total cost of carrying the deficit",
    "deficit_at_override_end": "Deficit when the statutory override ends",
    "reserves_exceeded_year": "First year the deficit exceeds reserves",
}
