"""Public data for every council in England, shipped inside the package (no downloads).

    import dsg_forecast as dsg
    dsg.data.council("Bournemouth, Christchurch and Poole")   # or 839, or "E06000058"
    dsg.data.ehcps(839)                      # EHC plans by January census x seven categories
    dsg.data.ehcps("England", by="age")      # DfE age groups
    dsg.data.allocations(839)                # DSG blocks by financial year, in £
    dsg.Scenario.from_public_data(839, opening_deficit=63e6)   # a sourced baseline

Plans are counted at the January census: a financial year's plans are the January census within
it (January 2025 for 2024-25), as in the DfE management plan template. Every frame carries
``.attrs["source"]`` (dataset, years, arithmetic) and ``.attrs["notes"]`` (reorganisations,
figures that do not add up). Suppressed figures are NaN, never 0. The tables are built from the
DfE files in ``data/raw/`` by ``data/build.py``; :func:`sources` lists them and their licence.
Contains public sector information licensed under the Open Government Licence v3.0.
"""

from ._categories import AGE_GROUPS, CATEGORIES, CATEGORY_IDS
from ._tables import ATTRIBUTION, sources
from .councils import Council, UnknownCouncilError, council, councils, search
from .history import (
    allocations,
    ceased_plans,
    deductions,
    deficit_share,
    ehcps,
    new_plans,
    outturn,
    requests,
)

__all__ = [
    "AGE_GROUPS",
    "ATTRIBUTION",
    "CATEGORIES",
    "CATEGORY_IDS",
    "Council",
    "UnknownCouncilError",
    "allocations",
    "ceased_plans",
    "council",
    "councils",
    "deductions",
    "deficit_share",
    "ehcps",
    "new_plans",
    "outturn",
    "plot_history",
    "requests",
    "search",
    "sources",
]


def plot_history(council, ax=None):
    """EHC plans by category over the January censuses, England's growth for reference, and
    new and ceased plans; returns the matplotlib Axes. See :mod:`dsg_forecast.data.plot`."""
    from .plot import plot_history as _plot

    return _plot(council, ax=ax)
