"""The shipped tables: reading them (pandas only) and where each came from."""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
OGL = "Open Government Licence v3.0"
OGL_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
ATTRIBUTION = "Contains public sector information licensed under the Open Government Licence v3.0"

#: One row per source dataset; the tables built from each are named in ``tables``.
SOURCES: list[dict[str, str]] = [
    {
        "dataset": "Education, health and care plans (SEN2)",
        "publisher": "Department for Education",
        "release": "Reporting year 2025 edition: January 2019-2024 census, calendar 2019-2023",
        "licence": OGL,
        "url": "https://explore-education-statistics.service.gov.uk/find-statistics/education-health-and-care-plans",
        "tables": "ehcp_placement, ehcp_age, ehcp_age_placement, new_plans_placement, "
        "new_plans_age, new_plans_age_placement, ceased, ceased_age, requests, areas",
    },
    {
        "dataset": "Education, health and care plans (SEN2), 2022 release",
        "publisher": "Department for Education",
        "release": "June 2022 edition: January 2010-2022 census, new plans 2009-2021",
        "licence": OGL,
        "url": "https://explore-education-statistics.service.gov.uk/find-statistics/education-health-and-care-plans/2022",
        "tables": "ehcp_placement and ehcp_age (2010-2018), new_plans_* (2009-2018), areas",
    },
    {
        "dataset": "Dedicated schools grant (DSG) allocations",
        "publisher": "Department for Education / Education and Skills Funding Agency",
        "release": "Allocation tables of 18 Nov 2021 (2020-21), 18 Jul 2022 (2021-22), "
        "20 Jul 2023 (2022-23), 20 Jul 2024 (2023-24), and the 2019-20 to 2023-24 summary",
        "licence": OGL,
        "url": "https://www.gov.uk/government/publications/dedicated-schools-grant-dsg-2023-to-2024",
        "tables": "allocations, hnb_deductions",
    },
    {
        "dataset": "High needs benchmarking tool (extract)",
        "publisher": "Department for Education",
        "release": "2021-22 tool: s251 budget 2021-22, s251 outturn 2020-21, EHCPs January 2021",
        "licence": OGL,
        "url": "https://www.gov.uk/government/publications/high-needs-benchmarking-tool",
        "tables": "s251, benchmarking_plans",
    },
    {
        "dataset": "DSG cumulative balance as a share of DSG income",
        "publisher": "Department for Education",
        "release": "Year ends 2019-20 to 2021-22",
        "licence": OGL,
        "url": "https://www.gov.uk/government/publications/high-needs-benchmarking-tool",
        "tables": "deficit_share",
    },
]


@functools.cache
def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(
        HERE / f"{name}.csv.gz", dtype={"area": str, "old_code": str, "note": str},
        keep_default_na=False, na_values=[""],
    )  # fmt: skip


def table(name: str) -> pd.DataFrame:
    """A fresh copy of shipped table ``name`` (editing it never changes the next call)."""
    return _read(name).copy()


def sources() -> pd.DataFrame:
    """Every source dataset: dataset, publisher, release, licence, URL and the tables built."""
    return pd.DataFrame(SOURCES)
