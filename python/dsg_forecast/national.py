"""Many plans at once: projecting them on any executor and summing them into a national (or
regional) picture.

    baselines = dsg.data.baselines(executor=client)          # every council, public data
    projections = dsg.project_many(baselines, executor=client)
    england = dsg.national(projections, share=0.4)

``executor`` is anything with a ``concurrent.futures``-style ``submit``: a
``ProcessPoolExecutor``, a Dask ``distributed.Client`` (local or a remote scheduler address),
Ray's executor. Every result equals the serial one bit for bit: each plan is projected by the
same deterministic engine wherever it runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from .projection import Projection, project
from .scenario import Scenario

#: Lines summed across plans by :func:`national` (£, and plans for EHCPs).
NATIONAL_LINES = [
    "ehcps",
    "total_income",
    "total_expenditure",
    "in_year_deficit",
    "closing_deficit",
]


def project_many(scenarios: Iterable[Scenario], executor: Any = None) -> list[Projection]:
    """Project several scenarios, in order. With ``executor`` (anything with a
    ``concurrent.futures``-style ``submit``) each is projected on a worker; a Projection
    pickles as its scenario and is projected again on arrival, so the results are the serial
    ones bit for bit. Without one they run here, one after another (a projection takes
    microseconds)."""
    scenarios = list(scenarios)
    for i, s in enumerate(scenarios):
        if not isinstance(s, Scenario):
            raise TypeError(f"project_many(): item {i} is a {type(s).__name__}, not a Scenario")
    if executor is None:
        return [project(s) for s in scenarios]
    futures = [executor.submit(project, s) for s in scenarios]
    return [f.result() for f in futures]


def national(
    projections: Iterable[Projection], share: float | None = None, dsg_income: Any = None
) -> pd.DataFrame:
    """The sum of many plans by financial year (rows: the years every plan covers; columns:
    EHCPs in plans and income, expenditure, in-year and closing deficits in £), each column the
    plain sum of the plans' lines.

    With ``share`` (e.g. 0.4) and ``dsg_income`` (a {plan name: £ of total DSG income} mapping
    or a Series), a column ``councils_over_share`` counts the plans whose closing deficit
    exceeds ``share`` × their DSG income that year (a plan without an income is not counted,
    and the column says how many were left out in ``attrs["notes"]``)."""
    projections = list(projections)
    if not projections:
        raise ValueError("national(): no projections given")
    years = sorted(set.intersection(*(set(p.years) for p in projections)))
    if not years:
        raise ValueError("national(): the plans share no financial year")
    out = pd.DataFrame(0.0, index=pd.Index(years, name="year"), columns=NATIONAL_LINES)
    for p in projections:
        f = p.to_frame()
        out += f.loc[NATIONAL_LINES, years].T.to_numpy()
    out.attrs["source"] = (
        f"Sum of {len(projections)} projections' lines {', '.join(NATIONAL_LINES)} by year."
    )
    if share is not None:
        if not (isinstance(share, (int, float)) and 0 < share):
            raise ValueError(f"share = {share!r}: expected a share of DSG income above 0")
        income = pd.Series(dsg_income if dsg_income is not None else {}, dtype=float)
        counts = np.zeros(len(years), dtype=int)
        missing = 0
        for p in projections:
            name = p.scenario.name
            if name not in income.index:
                # A plan rolled forward since the income was keyed by its name.
                name = re.sub(r" \(rolled forward to \d{4}-\d{2}\)$", "", name)
            if name not in income.index or not np.isfinite(income[name]):
                missing += 1
                continue
            closing = p.to_frame().loc["closing_deficit", years].to_numpy()
            counts += closing > share * income[name]
        out["councils_over_share"] = counts
        out.attrs["notes"] = (
            [f"{missing} plan(s) without a DSG income were not counted"] if missing else []
        )
    return out
