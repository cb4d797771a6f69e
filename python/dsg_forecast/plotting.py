"""Charts a committee can read: £m axes (£bn from £10bn), "2024-25" labels, plain titles.

Every function takes ``ax=None`` (a new figure when None; anything but a matplotlib Axes or
None is refused with a ScenarioError, a ``ValueError``) and returns the matplotlib Axes.

Data coordinates are the same on every chart, so your own figures can be drawn on top: x is
the calendar year a financial year starts in (``dsg.year_position("2025-26")`` = 2025; the
ticks read "2025-26"), and money is in £m, whatever the axis shows (an axis whose values pass
£10bn labels its ticks in £bn, but the data stay in £m). For example, actual closing deficits::

    ax = p.plot()
    ax.plot([dsg.year_position(y) for y in actuals.index], actuals / 1e6, "k*", label="Actual")
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.ticker import FuncFormatter

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from .projection import Projection


def _tick_m(v: float, _pos=None) -> str:
    text = f"{abs(v):,.0f}"
    return f"{'−' if v < 0 and text.strip('0,') else ''}£{text}m"


def _tick_bn(v: float, _pos=None) -> str:
    bn = abs(v) / 1000
    text = f"{bn:,.0f}" if bn >= 100 or float(bn).is_integer() else f"{bn:,.1f}"
    return f"{'−' if v < 0 and text.strip('0,.') else ''}£{text}bn"


#: Formatter for £m axes (data in £m): 28.0 -> "£28m"; never "−£0m".
POUNDS_M = FuncFormatter(_tick_m)
#: Formatter for the same data shown in £bn: 350000.0 -> "£350bn".
POUNDS_BN = FuncFormatter(_tick_bn)


def year_positions(years: list[str]) -> np.ndarray:
    """The x positions of ``years`` on every chart: the calendar year each starts in."""
    from ._format import year_positions as positions

    return np.asarray(positions(years), dtype=float)


def checked_axes(ax: object) -> Axes | None:
    """``ax`` if it is a matplotlib Axes or None, else a ScenarioError (a ``ValueError``)
    naming ``ax``, the value given and what is allowed (shared by every chart)."""
    from matplotlib.axes import Axes

    if ax is None or isinstance(ax, Axes):
        return ax
    from matplotlib.figure import Figure

    from ._args import bad_argument

    hint = ""
    if isinstance(ax, Figure):
        hint = "; for a Figure, pass one of its Axes, e.g. fig.axes[0] or fig.add_subplot()"
    elif isinstance(ax, (np.ndarray, list, tuple)):
        hint = "; for several Axes (plt.subplots(2, 2)), pass one of them, e.g. axes[0, 0]"
    raise bad_argument(
        "ax", ax, f"expected a matplotlib Axes (e.g. from plt.subplots()) or None for a new "
        f"figure{hint}",
    )  # fmt: skip


def new_axes(ax: Axes | None, figsize: tuple[float, float] = (9, 4.5)) -> Axes:
    """``ax`` itself, or the Axes of a new figure when None; anything else is refused (see
    :func:`checked_axes`)."""
    if checked_axes(ax) is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def year_axis(ax: Axes, years: list[str]) -> None:
    """Label the x axis with financial years at their positions (see :func:`year_positions`),
    rotated so 15 of them fit."""
    ax.set_xticks(year_positions(years))
    ax.set_xticklabels(years, rotation=45, ha="right")
    ax.set_xlabel("Financial year")


def money_axis(ax: Axes, label: str = "£m", axis: str = "y") -> None:
    """Format an axis whose data are in £m: ticks in £m, or in £bn (and "£m" in the label
    read "£bn") when the data drawn so far pass £10bn in size."""
    lo, hi = ax.dataLim.intervaly if axis == "y" else ax.dataLim.intervalx
    big = np.isfinite([lo, hi]).all() and max(abs(lo), abs(hi)) >= 10_000
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(POUNDS_BN if big else POUNDS_M)
    text = label.replace("£m", "£bn") if big else label
    (ax.set_ylabel if axis == "y" else ax.set_xlabel)(text)


def plot_deficit(p: Projection, ax: Axes | None = None) -> Axes:
    """Closing cumulative deficit (line), in-year deficit (bars), unmitigated path (dashed),
    with the general fund reserves (dotted), the end of the statutory override and any
    write-offs marked."""
    ax = new_axes(ax)
    x = year_positions(p.years)
    frame = p.to_frame() / 1e6
    ax.bar(x, frame.loc["in_year_deficit"], color="#9ecae1", label="In-year deficit")
    ax.plot(
        x,
        frame.loc["closing_deficit"],
        color="#08519c",
        marker="o",
        lw=2,
        label="Closing cumulative deficit",
    )
    if p.unmitigated is not None:
        ax.plot(
            x,
            p.unmitigated["closing_deficit"] / 1e6,
            color="#cb181d",
            ls="--",
            lw=1.5,
            label="Closing deficit without mitigations",
        )
    ax.axhline(0, color="black", lw=0.8)
    _mark_policy_events(ax, p, frame)
    if not _mark_actuals(ax, p):
        year_axis(ax, p.years)
    money_axis(ax)
    # Wrapped, so a long plan name (a public-data baseline's, say) is not cut off.
    ax.set_title(textwrap.fill(f"DSG high needs deficit: {p.scenario.name}", 80))
    ax.legend(loc="upper left", frameon=False)
    ax.grid(axis="y", alpha=0.3)
    return ax


def _mark_actuals(ax: Axes, p: Projection) -> bool:
    """Actual closing and in-year deficits as markers (black diamonds and crosses) at their
    years' positions, like every series (:func:`year_positions`), with the history before the
    base year shaded and the year axis labelled from the first history year. False (and
    nothing drawn) when there are no actuals."""
    a = p.actuals()
    if a.empty:
        return False
    history = sorted({y for y in a["year"] if y < p.years[0]})
    years = history + list(p.years)
    for line, marker, label in (
        ("closing_deficit", "D", "Actual closing deficit"),
        ("in_year_deficit", "X", "Actual in-year deficit"),
    ):
        rows = a[(a["line"] == line) & a["year"].isin(years)]
        if not rows.empty:
            ax.scatter(
                year_positions(list(rows["year"])),
                rows["actual"] / 1e6,
                marker=marker,
                color="black",
                zorder=5,
                label=label,
            )
    if history:
        first, base = year_positions([history[0], p.years[0]])
        ax.axvspan(first - 0.5, base - 0.5, color="#f0f0f0", zorder=0, label="Actuals (history)")
    year_axis(ax, years)
    return True


def _mark_policy_events(ax: Axes, p: Projection, frame) -> None:
    """Reserves as a dotted level, the override end as a line at the end of its year, and
    each write-off as a labelled arrow at its year (all in £m on the deficit chart)."""
    from ._format import money
    from ._format import year_position as year_position_of

    financing = p.scenario.to_dict().get("financing", {})
    reserves = financing.get("reserves")
    if reserves is not None:
        ax.axhline(
            reserves / 1e6,
            color="#636363",
            ls=":",
            lw=1.2,
            label=f"General fund reserves ({money(reserves, 0)})",
        )
    end = financing.get("override_end", "2028-03-31")
    year = f"{int(end[:4]) - 1}-{end[2:4]}"
    if year in p.years:
        ax.axvline(
            year_position_of(year) + 0.5,
            color="#756bb1",
            ls="-.",
            lw=1.2,
            label=f"Statutory override ends ({end})",
        )
    x = year_positions(p.years)
    for i, amount in enumerate(frame.loc["write_offs"]):
        if amount > 0:
            ax.annotate(
                f"Write-off {money(amount * 1e6)}",
                xy=(x[i], frame.loc["closing_deficit"].iloc[i]),
                xytext=(0, 18),
                textcoords="offset points",
                ha="center",
                fontsize=8,
                arrowprops={"arrowstyle": "->", "lw": 0.8},
            )
