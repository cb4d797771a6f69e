"""Number and year formatting in the finance officer's language: £m to one decimal."""

from __future__ import annotations

import math


def pounds_m(value: float | None, decimals: int = 1) -> str:
    """Format pounds as £m, e.g. 28_049_000 -> "£28.0m"; negatives as "−£0.2m"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    sign = "−" if value < 0 else ""
    return f"{sign}£{abs(value) / 1e6:,.{decimals}f}m"


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
