"""Charts for a schools forum or cabinet paper: £m axes, "2024-25" labels, plain titles.

Every function takes ``ax=None`` (a new figure when None; anything but a matplotlib Axes or
None is refused with a ScenarioError, a ``ValueError``) and returns the matplotlib Axes;
:func:`plot_summary` returns a Figure of four panels.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ._format import money
from .plotting import money_axis, new_axes, year_axis, year_positions

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from .compare import Comparison
    from .projection import Projection
    from .sensitivity import Tornado

#: One colour per DfE placement category (others cycle through the rest).
CATEGORY_COLOURS = {
    "mainstream": "#4292c6",
    "resourced_provision": "#9ecae1",
    "special": "#41ab5d",
    "independent": "#cb181d",
    "hospital_ap": "#fd8d3c",
    "post16": "#807dba",
    "other": "#969696",
}
_SPARE = ["#8c6d31", "#e7ba52", "#637939", "#7b4173", "#3182bd"]


def _colour(cat: str, k: int) -> str:
    return CATEGORY_COLOURS.get(cat, _SPARE[k % len(_SPARE)])


def _categories(p: Projection, prefix: str) -> list[str]:
    return [n[len(prefix) :] for n in p.to_frame().index if n.startswith(prefix)]


def _finish(ax: Axes, title: str, legend: str | None = "upper left") -> Axes:
    ax.set_title(title)
    if legend:
        ax.legend(loc=legend, frameon=False, fontsize="small")
    ax.grid(axis="y", alpha=0.3)
    return ax


def _from_zero(ax: Axes, *values: np.ndarray) -> None:
    """Start a money axis at £0 when every value drawn is £0 or more, so a gap between two
    lines is not exaggerated by a cut-off axis (an axis with negatives to show is left alone)."""
    if all(np.nanmin(v) >= 0 for v in values):
        ax.set_ylim(0, ax.get_ylim()[1])


def plot_trajectory(p: Projection, ax: Axes | None = None) -> Axes:
    """The deficit corkscrew in £m: opening and closing cumulative deficit (lines) and the
    in-year deficit (bars) for every year."""
    ax = new_axes(ax)
    f = p.to_frame() / 1e6
    x = year_positions(p.years)
    ax.bar(x, f.loc["in_year_deficit"], color="#9ecae1", label="In-year deficit (+) / surplus (−)")
    ax.plot(
        x,
        f.loc["opening_deficit"],
        color="#6baed6",
        marker=".",
        lw=1.5,
        ls=":",
        label="Opening cumulative deficit",
    )
    ax.plot(
        x,
        f.loc["closing_deficit"],
        color="#08519c",
        marker="o",
        lw=2,
        label="Closing cumulative deficit",
    )
    ax.axhline(0, color="black", lw=0.8)
    year_axis(ax, p.years)
    money_axis(ax)
    return _finish(ax, f"Cumulative DSG deficit: {p.scenario.name}")


def plot_income_expenditure(p: Projection, ax: Axes | None = None) -> Axes:
    """Total high-needs income against total expenditure (£m); the gap is the in-year
    deficit (shaded)."""
    ax = new_axes(ax)
    f = p.to_frame() / 1e6
    x = year_positions(p.years)
    inc, exp = f.loc["total_income"].to_numpy(), f.loc["total_expenditure"].to_numpy()
    ax.plot(x, inc, color="#238b45", marker="o", lw=2, label="Total income")
    ax.plot(x, exp, color="#cb181d", marker="o", lw=2, label="Total expenditure")
    ax.fill_between(
        x,
        inc,
        exp,
        where=exp >= inc,
        color="#fcbba1",
        alpha=0.6,
        label="In-year deficit",
        interpolate=True,
    )
    ax.fill_between(
        x,
        inc,
        exp,
        where=exp < inc,
        color="#c7e9c0",
        alpha=0.6,
        label="In-year surplus",
        interpolate=True,
    )
    year_axis(ax, p.years)
    money_axis(ax)
    _from_zero(ax, inc, exp)
    return _finish(ax, "High needs income and expenditure")


def _stack_categories(ax: Axes, p: Projection, f, prefix: str, label_prefix: str) -> np.ndarray:
    """Stack one bar series per placement category for the lines ``<prefix><category>`` of
    frame ``f``; returns the stacked total per year."""
    bottom = np.zeros(len(p.years))
    labels = p.line_info["label"]
    for k, cat in enumerate(_categories(p, prefix)):
        v = f.loc[f"{prefix}{cat}"].to_numpy()
        ax.bar(
            year_positions(p.years),
            v,
            bottom=bottom,
            color=_colour(cat, k),
            label=labels[f"{prefix}{cat}"].removeprefix(label_prefix),
        )
        bottom += v
    return bottom


def plot_spend_by_placement(p: Projection, ax: Axes | None = None) -> Axes:
    """Expenditure by placement category (stacked bars, £m), with spend not tied to plans
    stacked on top."""
    ax = new_axes(ax)
    f = p.to_frame() / 1e6
    x = year_positions(p.years)
    bottom = _stack_categories(ax, p, f, "spend.", "Spend: ")
    non_plan = [n for n in f.index if n.startswith("non_plan.")]
    if non_plan:
        v = f.loc[non_plan].sum().to_numpy()
        ax.bar(
            x,
            v,
            bottom=bottom,
            color="#d9d9d9",
            hatch="//",
            edgecolor="white",
            label="Spend not tied to plans",
        )
        bottom += v
    year_axis(ax, p.years)
    money_axis(ax)
    ax.set_ylim(0, float(bottom.max()) * 1.4 or 1.0)  # room for the legend above the bars
    ax.legend(loc="upper left", frameon=False, fontsize="x-small", ncol=2)
    return _finish(ax, "High needs expenditure by placement", legend=None)


def plot_ehcps(p: Projection, ax: Axes | None = None) -> Axes:
    """EHCPs by placement category (stacked bars, number of plans)."""
    from matplotlib.ticker import StrMethodFormatter

    ax = new_axes(ax)
    bottom = _stack_categories(ax, p, p.to_frame(), "ehcps.", "EHCPs: ")
    a = p.actuals() if p.has_actuals else None
    if a is not None:
        rows = a[(a["line"] == "ehcps") & a["year"].isin(p.years)]
        if not rows.empty:
            ax.scatter(
                year_positions(list(rows["year"])),
                rows["actual"],
                marker="D",
                color="black",
                zorder=5,
                label="Actual EHCPs (total)",
            )
    year_axis(ax, p.years)
    ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    ax.set_ylabel("EHCPs (plans)")
    ax.set_ylim(0, float(bottom.max()) * 1.4 or 1.0)  # room for the legend above the bars
    ax.legend(loc="upper left", frameon=False, fontsize="x-small", ncol=2)
    return _finish(ax, "EHCPs by placement", legend=None)


#: The engine's age-group line ids and the DfE template's labels, youngest first.
AGE_GROUP_LINES = {
    "under_5": "Under 5",
    "5_to_10": "5-10",
    "11_to_15": "11-15",
    "16_to_19": "16-19",
    "20_to_25": "20-25",
}
AGE_COLOURS = ["#c6dbef", "#6baed6", "#2171b5", "#fd8d3c", "#a63603"]


def age_profile(p: Projection, ax: Axes | None = None) -> Axes:
    """EHCPs by DfE age group through the years (stacked areas, plans): the cohort model's
    ``ehcps_age.<group>`` lines, so a large intake can be seen moving up the ages. Raises
    ValueError for a projection without them (the growth model has no ages)."""
    from matplotlib.ticker import StrMethodFormatter

    f = p.to_frame()
    lines = [f"ehcps_age.{g}" for g in AGE_GROUP_LINES]
    if not all(n in f.index for n in lines):
        raise ValueError(
            'this projection has no EHCPs by age: only demand.model = "cohort" projects '
            "plans by age (see dsg.calibrate)"
        )
    ax = new_axes(ax)
    x = year_positions(p.years)
    ax.stackplot(x, f.loc[lines].to_numpy(), labels=list(AGE_GROUP_LINES.values()),
                 colors=AGE_COLOURS, alpha=0.9)  # fmt: skip
    year_axis(ax, p.years)
    ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    ax.set_ylabel("EHCPs (plans)")
    ax.set_ylim(0, float(f.loc["ehcps"].max()) * 1.3 or 1.0)
    ax.legend(loc="upper left", frameon=False, fontsize="x-small", ncol=5, title="age")
    return _finish(ax, "EHCPs by age group", legend=None)


def waterfall_steps(p: Projection) -> list[tuple[str, float]]:
    """The waterfall's steps (label, £): the unmitigated deficit at the horizon, minus what each
    mitigation buys (the sum over the years of its in-year effect), the interaction between
    mitigations (what is left so the steps add up), and the planned deficit at the horizon."""
    u = p.unmitigated
    if u is None:
        raise ValueError("the scenario has no mitigations, so there is no waterfall to draw")
    f = p.to_frame()
    start = float(u.metrics["closing_deficit"])
    end = float(p.metrics["closing_deficit"])
    steps = [(f"Without mitigations ({p.years[-1]})", start)]
    total = 0.0
    for name in p.scenario.mitigation_names:
        effect = float(f.loc[f"mitigation_effect.{name}"].sum())
        steps.append((name, -effect))
        total += effect
    rest = (end - start) + total
    if abs(rest) >= 0.05e6:
        steps.append(("Interaction and write-offs", rest))
    steps.append((f"With mitigations ({p.years[-1]})", end))
    return steps


def plot_waterfall(p: Projection, ax: Axes | None = None) -> Axes:
    """What each mitigation buys by the horizon (£m): from the unmitigated closing deficit,
    down by each mitigation's cumulative effect, to the planned closing deficit."""
    steps = waterfall_steps(p)
    ax = new_axes(ax, figsize=(9, 5))
    x = np.arange(len(steps))
    level = 0.0
    for i, (_label, v) in enumerate(steps):
        v_m = v / 1e6
        if i == 0 or i == len(steps) - 1:
            ax.bar(i, v_m, color="#08519c")
            level = v_m
            ax.annotate(money(v), (i, v_m), ha="center", va="bottom", fontsize="small")
        else:
            colour = "#41ab5d" if v_m < 0 else "#cb181d"
            ax.bar(i, v_m, bottom=level, color=colour)
            ax.annotate(
                money(v) if money(v).startswith("−") else f"+{money(v)}",
                (i, max(level, level + v_m)),
                ha="center",
                va="bottom",
                fontsize="small",
            )
            level += v_m
    ax.set_xticks(x)
    ax.set_xticklabels([s[0] for s in steps], rotation=30, ha="right", fontsize="small")
    money_axis(ax, "Cumulative deficit (£m)")
    return _finish(ax, f"What each mitigation buys by {p.years[-1]}", legend=None)


def tornado_title(t: Tornado) -> str:
    """The tornado's title: the metric in words with its year, and the plan's name, e.g.
    "What moves the closing deficit in 2038-39: BCP safety valve plan"."""
    years = t.scenario.years
    name = t.scenario.name
    if t.metric == "closing_deficit":
        what = f"the closing deficit in {years[-1]}"
    elif t.metric == "peak_deficit":
        from .projection import project

        peak = project(t.scenario).metrics["peak_deficit_year"]
        what = f"the peak deficit ({peak} as planned)"
    elif t.metric == "total_financing_cost":
        what = f"the total financing cost, {years[0]} to {years[-1]}"
    elif t.metric == "deficit_at_override_end":
        end = str(t.scenario.to_dict().get("financing", {}).get("override_end", "2028-03-31"))
        y = int(end[:4])  # the override ends on 31 March: the year April y-1 to March y
        what = f"the deficit when the statutory override ends ({y - 1}-{y % 100:02d})"
    else:
        what = t.metric
    return f"What moves {what}: {name}"


def plot_tornado(t: Tornado, ax: Axes | None = None, top: int | None = 12) -> Axes:
    """Tornado of the metric (£m): one bar per driver from its value at low to its value at
    high, largest swing at the top; the vertical line is the scenario as planned. Each bar is
    labelled with the driver's low and high values ("1.00% to 5.00%"); the title names the
    metric's year and the plan (see :func:`tornado_title`)."""
    from ._args import format_value
    from ._format import METRIC_LABELS

    bars = t._bars[:top] if top else t._bars
    ax = new_axes(ax, figsize=(11, 0.45 * len(bars) + 1.8))
    base = t.base / 1e6
    y = np.arange(len(bars))[::-1]
    for yi, b in zip(y, bars, strict=False):
        lo, hi = b["at_low"] / 1e6, b["at_high"] / 1e6
        ax.barh(
            yi,
            lo - base,
            left=base,
            color="#6baed6",
            label="Driver at its low value" if yi == y[0] else None,
        )
        ax.barh(
            yi,
            hi - base,
            left=base,
            color="#fd8d3c",
            label="Driver at its high value" if yi == y[0] else None,
        )
        ax.annotate(
            f"{format_value(b['low'], b['unit'])} to {format_value(b['high'], b['unit'])}",
            (max(lo, hi, base), yi),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize="x-small",
            color="#333333",
        )
    ax.axvline(base, color="black", lw=1)
    ax.set_yticks(y)
    # A bar whose range was narrowed to valid scenarios is starred and explained below.
    ax.set_yticklabels(
        [b["label"] + (" *" if b.get("note") else "") for b in bars], fontsize="small"
    )
    if any(b.get("note") for b in bars):
        ax.annotate(
            "* range narrowed to values that give a valid scenario (see the note column of "
            "Tornado.to_frame())",
            xy=(0, 0),
            xycoords="figure fraction",
            xytext=(6, 4),
            textcoords="offset points",
            fontsize="x-small",
            color="#555555",
        )
    label = METRIC_LABELS.get(t.metric, t.metric)
    money_axis(ax, f"{label} (£m)", axis="x")
    left, right = ax.get_xlim()
    ax.set_xlim(left, right + 0.3 * (right - left))  # room for the value labels
    ax.set_title(tornado_title(t))
    ax.legend(loc="lower right", frameon=False, fontsize="small")
    ax.grid(axis="x", alpha=0.3)
    return ax


def plot_overlay(c: Comparison, ax: Axes | None = None, line: str = "closing_deficit") -> Axes:
    """Overlay one line (default the closing cumulative deficit, £m) of every compared
    scenario: the base (first scenario) dashed grey, as ``p.plot()`` draws the path without
    mitigations, and the others solid in colour."""
    ax = new_axes(ax)
    x = year_positions(c.years)
    colours = ["#08519c", "#cb181d", "#238b45", "#6a51a3", "#d94801", "#17becf"]
    for k, (name, p) in enumerate(zip(c.names, c.projections, strict=False)):
        ax.plot(
            x,
            p[line].to_numpy() / 1e6,
            marker="o" if k else ".",
            color="#737373" if k == 0 else colours[(k - 1) % len(colours)],
            lw=1.8 if k == 0 else 2.2,
            ls="--" if k == 0 else "-",
            label=name,
        )
    ax.axhline(0, color="black", lw=0.8)
    year_axis(ax, c.years)
    money_axis(ax)
    _from_zero(ax, *(p[line].to_numpy() for p in c.projections))
    label = c.base.line_info.at[line, "label"]
    return _finish(ax, f"{label}: scenarios compared")


def plot_summary(p: Projection, fig: Figure | None = None) -> Figure:
    """One figure with the four charts a schools forum paper needs: the deficit trajectory,
    income against expenditure, expenditure by placement, and EHCPs by placement."""
    import matplotlib.pyplot as plt

    if fig is None:
        fig = plt.figure(figsize=(14, 9), layout="constrained")
    axes = fig.subplots(2, 2)
    plot_trajectory(p, ax=axes[0, 0])
    plot_income_expenditure(p, ax=axes[0, 1])
    plot_spend_by_placement(p, ax=axes[1, 0])
    plot_ehcps(p, ax=axes[1, 1])
    fig.suptitle(f"DSG high needs forecast: {p.scenario.name}", fontsize="x-large")
    return fig
