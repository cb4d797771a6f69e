"""The shipped tables: reading them (pandas only) and where each came from."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
OGL = "Open Government Licence v3.0"
OGL_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
ATTRIBUTION = "Contains public sector information licensed under the Open Government Licence v3.0"

#: One row per source dataset; ``raw`` is its key in the build's manifest, whose
#: ``release_years`` (written by ``data/build.py`` from the tables as built) say which tables,
#: and which years of each, come from it: :func:`sources` reads them from there.
SOURCES: list[dict[str, str]] = [
    {
        "dataset": "Education, health and care plans (SEN2)",
        "publisher": "Department for Education",
        "release": "Reporting year 2025 edition: January 2019-2024 census, calendar 2019-2023",
        "licence": OGL,
        "url": "https://explore-education-statistics.service.gov.uk/find-statistics/education-health-and-care-plans",
        "raw": "sen2",
    },
    {
        "dataset": "Education, health and care plans (SEN2), 2022 release",
        "publisher": "Department for Education",
        "release": "June 2022 edition: January 2010-2022 census, new plans 2009-2021",
        "licence": OGL,
        "url": "https://explore-education-statistics.service.gov.uk/find-statistics/education-health-and-care-plans/2022",
        "raw": "sen2_2022_release",
    },
    {
        "dataset": "Dedicated schools grant (DSG) allocations",
        "publisher": "Department for Education / Education and Skills Funding Agency",
        "release": "Allocation tables of 18 Nov 2021 (2020-21), 18 Jul 2022 (2021-22), "
        "20 Jul 2023 (2022-23), 20 Jul 2024 (2023-24), and the 2019-20 to 2023-24 summary",
        "licence": OGL,
        "url": "https://www.gov.uk/government/publications/dedicated-schools-grant-dsg-2023-to-2024",
        "raw": "dsg_allocations",
    },
    {
        "dataset": "High needs benchmarking tool (extract)",
        "publisher": "Department for Education",
        "release": "2021-22 tool: s251 budget 2021-22, s251 outturn 2020-21, EHCPs January 2021",
        "licence": OGL,
        "url": "https://www.gov.uk/government/publications/high-needs-benchmarking-tool",
        "raw": "high_needs_benchmarking/outturn",
    },
    {
        "dataset": "DSG cumulative balance as a share of DSG income",
        "publisher": "Department for Education",
        "release": "Year ends 2019-20 to 2021-22",
        "licence": OGL,
        "url": "https://www.gov.uk/government/publications/high-needs-benchmarking-tool",
        "raw": "high_needs_benchmarking/dsg_deficit_share",
    },
]


@functools.cache
def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(
        HERE / f"{name}.csv.gz", dtype={"area": str, "old_code": str, "note": str},
        keep_default_na=False, na_values=[""],
    )  # fmt: skip


def pivot_sum(df: pd.DataFrame, index: str, columns: str, values: str) -> pd.DataFrame:
    """``values`` summed by ``index`` x ``columns``; a cell whose values are all missing stays
    missing (NaN), never 0 (``pivot_table(aggfunc="sum")`` would make it 0)."""
    return df.groupby([index, columns])[values].sum(min_count=1).unstack(columns)


def table(name: str) -> pd.DataFrame:
    """A fresh copy of shipped table ``name`` (editing it never changes the next call)."""
    return _read(name).copy()


@functools.cache
def manifest() -> dict:
    """The build's manifest: every raw file and shipped table with its sha256, and which years
    of each table come from which release (``release_years``)."""
    return json.loads((HERE / "manifest.json").read_text(encoding="utf-8"))


#: Tables counted at the January census (the others: calendar or financial years).
_CENSUS_TABLES = ("ehcp_", "areas", "benchmarking_plans")


def _tables_text(raw: str) -> str:
    """The tables built from release ``raw`` and their years, as the build recorded them."""
    parts = []
    for name, span in manifest()["release_years"].get(raw, {}).items():
        first, last = span["first"], span["last"]
        years = str(first) if first == last else f"{first} to {last}"
        if isinstance(first, int):
            years = years.replace(" to ", "-")
        if name.startswith(_CENSUS_TABLES):
            years = f"January {years}"
        some = span.get("some_areas", {})
        if some:
            years += "; " + ", ".join(
                f"{y} for {n} area{'s' if n != 1 else ''} the newer release leaves out"
                for y, n in some.items()
            )
        parts.append(f"{name} ({years})")
    return ", ".join(parts)


def sources() -> pd.DataFrame:
    """Every source dataset: dataset, publisher, release, licence, URL and ``tables``: the
    shipped tables built from it with the years each takes from it (from the build's manifest;
    where two releases cover an area-year, the newer is used)."""
    rows = [{**{k: v for k, v in s.items() if k != "raw"}, "tables": _tables_text(s["raw"])}
            for s in SOURCES]  # fmt: skip
    return pd.DataFrame(rows)
