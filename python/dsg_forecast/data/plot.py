"""A council's EHC plan history as one chart."""

from __future__ import annotations

from ._categories import CATEGORIES
from .councils import council
from .history import ceased_plans, ehcps, new_plans


def plot_history(council_, ax=None):
    """EHC plans at each January census stacked by the seven categories (years whose placements
    are not all published are drawn as a total line only), England's growth for reference
    (England's total scaled to the council's total in its first year), and new plans and
    ceased plans in the calendar year before each census. Returns the matplotlib Axes; ``ax``
    is an Axes to draw on or None for a new figure (anything else is a ScenarioError, a
    ``ValueError``)."""
    import matplotlib.pyplot as plt

    from ..plotting import checked_axes

    c = council(council_)
    if checked_axes(ax) is None:
        _, ax = plt.subplots(figsize=(11, 5))
    cats = ehcps(c)
    total = ehcps(c, by=None)["total"].dropna()
    full = cats.dropna()
    if len(full):
        ax.stackplot(full.index, full.T.to_numpy(), labels=[CATEGORIES[k] for k in full.columns],
                     alpha=0.85)  # fmt: skip
    ax.plot(total.index, total.to_numpy(), color="black", lw=1.5, label="all EHC plans")
    eng = ehcps("England", by=None)["total"]
    first = int(total.index.min())
    ref = eng.loc[first:] / eng.loc[first] * total.loc[first]
    ax.plot(ref.index, ref.to_numpy(), color="grey", ls="--",
            label=f"England's growth from January {first}")  # fmt: skip
    new = new_plans(c, by=None)["total"].dropna()
    ax.plot(new.index + 1, new.to_numpy(), marker="o", color="tab:green", lw=1,
            label="new plans in the year before")  # fmt: skip
    ceased = ceased_plans(c)
    if "total_ceased" in ceased:
        s = ceased["total_ceased"].dropna()
        ax.plot(s.index + 1, s.to_numpy(), marker="s", color="tab:red", lw=1,
                label="plans ceased in the year before")  # fmt: skip
    ax.set_title(f"{c.name}: EHC plans at the January census")
    ax.set_xlabel("January census")
    ax.set_ylabel("plans")
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.figure.tight_layout()
    ax.grid(alpha=0.3)
    return ax
