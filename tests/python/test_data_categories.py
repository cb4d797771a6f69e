"""The one placement mapping: the seven categories add up, and match the DfE benchmarking tool."""

from __future__ import annotations

import dsg_forecast as dsg
import pandas as pd
from dsg_forecast.data._categories import CATEGORY_IDS, SEN2_COLUMNS
from dsg_forecast.data._tables import table

SEVEN = list(CATEGORY_IDS)


def test_the_seven_keys_are_the_example_scenarios_categories(bcp):
    assert list(bcp.categories) == SEVEN


def test_no_subtotal_is_counted_with_its_parts():
    parts = {"ap_pru_total": "ap_pru_", "fe_total": "general_fe"}
    for subtotal, part in parts.items():
        assert subtotal in SEN2_COLUMNS
        assert not [c for c in SEN2_COLUMNS if c.startswith(part) and c != subtotal]
    assert "mainstream_total" not in SEN2_COLUMNS and "special_total" not in SEN2_COLUMNS


def test_seven_sum_to_the_published_total_for_every_council_and_year():
    t = table("ehcp_placement")
    t = t[~t["area"].str.startswith("E")]
    published = t.dropna(subset=SEVEN)
    assert len(published) > 2000
    diff = published[SEVEN].sum(axis=1) - published["total"]
    assert (diff == 0).all(), published[diff != 0]
    # Councils whose placements were not published have a note, and missing categories.
    unpublished = t[t[SEVEN].isna().any(axis=1) & t["total"].notna()]
    assert set(unpublished["area"]) == {"204", "874"}  # Hackney, Peterborough (Jan 2024)
    assert unpublished["note"].str.contains("no placements published").all()


def test_england_gap_is_exactly_the_councils_without_placements():
    t = table("ehcp_placement").set_index(["area", "year"])
    eng = t.loc[("E92000001", 2024)]
    gap = eng["total"] - eng[SEVEN].sum()
    # Hackney and Peterborough returned totals only; their plans are the gap, less the few
    # placements DfE still counted for them nationally.
    assert gap == 3645 and "sum to 572829 of 576474" in eng["note"]
    assert gap <= t.loc[("204", 2024), "total"] + t.loc[("874", 2024), "total"]


def test_new_plans_sum_to_their_totals_within_a_few_plans():
    t = table("new_plans_placement")
    t = t[~t["area"].str.startswith("E")].dropna(subset=[*SEVEN, "total"])
    diff = (t["total"] - t[SEVEN].sum(axis=1)).abs()
    assert (diff <= 3).all(), t[diff > 3]
    assert (t.loc[diff > 0, "note"].str.contains("sum to")).all()


def test_matches_the_benchmarking_tools_groups_for_january_2021():
    # The DfE benchmarking tool's seven groups for January 2021, from its own extract. The only
    # difference: the tool counts hospital schools with AP, the 2023 release counts them in
    # LA maintained special schools; the 2022 release lists them, and explains every gap.
    bench = table("benchmarking_plans").set_index("area")
    t = table("ehcp_placement")
    t = t[t["year"] == 2021].set_index("area")
    common = bench.index.intersection(t.index)
    bench = bench.loc[common].dropna(subset=SEVEN)
    diff = bench[SEVEN] - t.loc[bench.index, SEVEN]
    same = ["mainstream", "resourced_provision", "independent", "post16", "other", "total"]
    assert (bench[same] == t.loc[bench.index, same]).all().all()
    assert (diff["special"] == -diff["hospital_ap"]).all()
    assert (diff["hospital_ap"] >= 0).all() and diff["hospital_ap"].sum() > 0
    assert len(bench) > 140


def test_categories_are_a_dataframe_with_seven_columns():
    df = dsg.data.ehcps(839)
    assert list(df.columns) == SEVEN
    assert isinstance(df, pd.DataFrame)


def test_readme_mapping_table_lists_every_column_under_its_category():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    block = text.split("<!-- category-map")[1].split("<!-- /category-map -->")[0]
    rows = {
        r.split("|")[1].strip().strip("`"): r.split("|")[2] for r in block.strip().splitlines()[3:]
    }
    assert list(rows) == SEVEN
    for column, category in SEN2_COLUMNS.items():
        assert column in [c.strip() for c in rows[category].split(",")], (column, category)
