"""dsg.data lookups and history, checked against the raw DfE files and hand-copied figures."""

from __future__ import annotations

from pathlib import Path

import dsg_forecast as dsg
import numpy as np
import pandas as pd
import pytest

RAW = Path(__file__).resolve().parents[2] / "data" / "raw"


def test_bcp_january_totals_match_the_published_release():
    t = dsg.data.ehcps("Bournemouth, Christchurch and Poole", by=None)["total"]
    assert t.loc[2020:2024].tolist() == [2448, 2627, 3063, 3266, 3769]
    assert t.index.name == "January census"


def test_england_january_2024_total():
    df = dsg.data.ehcps("England", by=None)
    assert df.loc[2024, "total"] == 576_474
    assert "SEN2" in df.attrs["source"]


def test_totals_equal_the_raw_csv_for_every_council_and_year():
    raw = pd.read_csv(RAW / "sen2" / "caseload.csv.gz", dtype=str, keep_default_na=False)
    raw = raw[
        (raw.breakdown_topic == "All EHC plans") & (raw.geographic_level == "Local authority")
    ]
    for code, tp, value in zip(raw.old_la_code, raw.time_period, raw.ehcplans, strict=True):
        year = 2000 + int(tp[-2:])
        got = dsg.data.ehcps(code, by=None).loc[year, "total"]
        assert got == float(value), (code, year)


def test_bcp_high_needs_block_before_deductions():
    a = dsg.data.allocations(839)["hnb_before_deductions"] / 1e6
    assert list(a.index) == ["2019-20", "2020-21", "2021-22", "2022-23", "2023-24"]
    assert [round(v, 1) for v in a] == [39.2, 43.0, 47.8, 54.0, 59.2]


def test_lookup_by_name_and_both_codes_ignores_case_and_punctuation():
    by_name = dsg.data.council("bournemouth christchurch & POOLE")
    assert by_name == dsg.data.council(839) == dsg.data.council("E06000058")
    assert by_name.old_code == "839" and by_name.new_code == "E06000058"
    assert by_name.region == "South West"
    assert dsg.data.council("england").level == "england"
    assert dsg.data.council("South West").level == "region"


def test_unknown_council_lists_the_closest_names():
    with pytest.raises(dsg.data.UnknownCouncilError, match="Bournemouth") as e:
        dsg.data.council("Bornemouth")
    assert isinstance(e.value, ValueError)


def test_councils_lists_every_current_council_once():
    c = dsg.data.councils()
    assert len(c) == 153
    assert c["old_code"].is_unique and c["new_code"].is_unique
    assert {"name", "old_code", "new_code", "region"} <= set(c.columns)
    assert "Bournemouth" not in set(c["name"])  # abolished in 2019
    assert "Bournemouth" in set(dsg.data.councils(include_former=True)["name"])


@pytest.mark.parametrize(
    ("name", "first"),
    [
        ("Bournemouth, Christchurch and Poole", 2020),
        ("North Northamptonshire", 2022),
        ("West Northamptonshire", 2022),
        ("Cumberland", 2024),
        ("Westmorland and Furness", 2024),
    ],
)
def test_split_councils_have_no_years_before_they_existed_and_say_why(name, first):
    df = dsg.data.ehcps(name)
    assert df.index.min() == first
    assert any("missing" in n for n in df.attrs["notes"]), df.attrs["notes"]


@pytest.mark.parametrize("name", ["North Yorkshire", "Somerset"])
def test_same_boundary_unitaries_keep_their_county_history(name):
    df = dsg.data.ehcps(name, by=None)
    assert df.index.min() == 2010 and df.loc[2019:2024, "total"].notna().all()
    assert any("same" in n or "boundary" in n for n in df.attrs["notes"])


def test_predecessors_are_separate_never_summed_into_bcp():
    assert dsg.data.ehcps("Bournemouth", by=None).loc[2019, "total"] == 1045
    assert dsg.data.ehcps("Poole", by=None).loc[2019, "total"] == 846
    assert 2019 not in dsg.data.ehcps(839, by=None).index


def test_suppressed_values_are_nan_never_zero():
    r = dsg.data.requests(839)
    assert np.isnan(r.loc[2019, "requests_decided_to_assess"])
    assert r.loc[2019, "requests_received_in_year"] == 541
    hackney = dsg.data.ehcps("Hackney")
    assert hackney.loc[2024].isna().all()
    assert any("no placements published" in n for n in hackney.attrs["notes"])


def test_ages_and_flows_for_a_cohort_model():
    age = dsg.data.ehcps(839, by="age")
    assert list(age.columns) == ["Under 5", "5-10", "11-15", "16-19", "20-25"]
    assert age.loc[2024].sum() == 3769
    assert age.loc[2023].isna().all()  # no age breakdown published for January 2023
    new = dsg.data.new_plans(839, by="age")
    assert new.loc[2023].notna().all()
    ceased = dsg.data.ceased_plans(839)
    assert ceased.loc[2023, "total_ceased"] == 306
    assert dsg.data.ceased_plans(839, by="age").loc[2023].sum() == 306


def test_every_frame_names_its_source():
    for f in (dsg.data.ehcps, dsg.data.new_plans, dsg.data.ceased_plans, dsg.data.requests,
              dsg.data.allocations, dsg.data.outturn, dsg.data.deficit_share):  # fmt: skip
        df = f(839)
        assert df.attrs["source"] and "notes" in df.attrs, f.__name__


def test_sources_name_the_licence_and_the_releases():
    s = dsg.data.sources()
    assert {"dataset", "publisher", "release", "licence", "url"} <= set(s.columns)
    assert (s["licence"] == "Open Government Licence v3.0").all()


def test_outturn_lines_are_the_published_figures():
    o = dsg.data.outturn(839)
    assert o.loc["sen_support_services", "outturn 2020-21"] == pytest.approx(2_186_687.24)
    assert o.loc["independent:Special schools and academies", "outturn 2020-21"] == (
        pytest.approx(17_284_511.78)
    )
    assert dsg.data.deficit_share(839).loc["2021-22", "balance_pct"] == -6.8


def test_plot_history_returns_axes_with_the_history_and_england():
    ax = dsg.data.plot_history(839)
    labels = [line.get_label() for line in ax.get_lines()]
    assert "all EHC plans" in labels and any("England" in s for s in labels)
    total = next(line for line in ax.get_lines() if line.get_label() == "all EHC plans")
    assert list(total.get_ydata()) == [2448, 2627, 3063, 3266, 3769]
    assert len(ax.collections) == 7  # the seven stacked categories


def test_plot_history_refuses_an_ax_that_is_not_an_axes():
    with pytest.raises(dsg.ScenarioError) as e:
        dsg.data.plot_history(839, ax="x")
    assert isinstance(e.value, ValueError)
    assert [(i["path"], i["value"]) for i in e.value.issues] == [("ax", "'x'")]
    assert "expected a matplotlib Axes" in str(e.value)
