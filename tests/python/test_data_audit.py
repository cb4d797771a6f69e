"""Audit fixes in the data layer: a name matched exactly wins over one matched with "city of"
removed, and two places still tied are an error naming both; all-missing sums stay missing."""

from __future__ import annotations

import importlib
import math

import dsg_forecast as dsg
import pytest
from dsg_forecast.cli import main


@pytest.mark.parametrize("name", ["London", "london", " LONDON "])
def test_london_is_the_region_not_the_city_of_london(name):
    c = dsg.data.council(name)
    assert (c.name, c.area, c.level) == ("London", "E12000007", "region")
    assert dsg.data.ehcps(name, by=None).loc[2024, "total"] == 93_539


def test_city_of_london_by_its_own_name():
    assert dsg.data.council("City of London").area == "201"
    assert dsg.data.council("city-of-london").area == "201"
    assert dsg.data.ehcps("City of London", by=None).loc[2024, "total"] == 24


def test_other_city_of_names_still_found():
    assert dsg.data.council("Bristol").name == "Bristol, City of"
    assert dsg.data.council("City of Bristol").name == "Bristol, City of"
    assert dsg.data.council("Kingston upon Hull").name == "Kingston upon Hull, City of"
    assert dsg.data.council("Dorset").area == "838"  # the current council, not the former


@pytest.mark.parametrize("name", ["London, City of", "the london"])
def test_a_tie_between_two_places_names_both(name):
    with pytest.raises(dsg.data.UnknownCouncilError) as e:
        dsg.data.council(name)
    msg = str(e.value)
    assert "City of London (201, council)" in msg and "London (E12000007, region)" in msg


def test_history_and_backtest_of_london_are_the_region(capsys):
    assert main(["history", "London", "--by", "total"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("London: EHC plans") and "93,539" in out
    bt = dsg.backtest("London", origins=[2023], horizon=1)
    assert set(bt.to_frame()["council"]) == {"London"}
    assert bt.to_frame().query("item == 'total'")["actual"].iloc[0] == 93_539


@pytest.mark.parametrize("name", ["Bournemouth", "Northamptonshire"])
def test_former_councils_outturn_is_missing_not_zero(name):
    df = dsg.data.outturn(name)
    assert len(df) > 0 and df.isna().all().all()
    assert not (df == 0).any().any()


def test_outturn_keeps_published_figures():
    bcp = dsg.data.outturn("BCP")
    assert bcp.notna().all().all()
    assert bcp.loc["ap_services", "outturn 2020-21"] == pytest.approx(340_209.16)
    assert bcp.loc["hospital_services", "outturn 2020-21"] == 0.0  # a published 0 stays 0


def test_region_allocation_sums_stay_missing_where_nothing_is_published(monkeypatch):
    history = importlib.import_module("dsg_forecast.data.history")
    real = history.table
    members = set(history._members(dsg.data.council("London")))

    def unpublished(name):
        t = real(name)
        if name == "allocations":
            t.loc[t["area"].isin(members) & (t["year"] == "2022-23"), "early_years"] = math.nan
        return t

    monkeypatch.setattr(history, "table", unpublished)
    london = dsg.data.allocations("London")
    assert math.isnan(london.loc["2022-23", "early_years"])
    assert london.loc["2023-24", "early_years"] > 0


def test_own_frames_unpublished_category_total_is_not_zero():
    """A stock_totals row with no figure is missing (the stock's own sum is used), never 0."""
    import pandas as pd
    from dsg_forecast.calibration._frames import own_frames

    stock = pd.DataFrame(
        [(2024, 10, "special", 40.0), (2024, 10, "mainstream", 60.0)],
        columns=["year", "age", "category", "plans"],
    )
    totals = pd.DataFrame(
        [(2024, "special", math.nan), (2024, "mainstream", 65.0)],
        columns=["year", "category", "plans"],
    )
    f = own_frames(
        {"stock": stock, "new": stock.iloc[:0], "ceased": stock.iloc[:0, [0, 1, 3]],
         "stock_totals": totals},
        through=2024,
    )  # fmt: skip
    assert f.totals.loc[2024, "special"] == 40.0  # from the stock, not 0
    assert f.totals.loc[2024, "mainstream"] == 65.0
    assert f.totals.loc[2024, "total"] == 105.0


def test_buckinghamshire_by_its_unitary_ons_code():
    # Buckinghamshire became a unitary council (E06000060) in April 2020; the statistics
    # still carry its county code E10000002. Both find it.
    assert dsg.data.council("E06000060").name == "Buckinghamshire"
    assert dsg.data.council("E10000002").name == "Buckinghamshire"
    assert list(dsg.data.search("e06000060")["name"]) == ["Buckinghamshire"]


def test_search_takes_a_number_and_what_council_finds():
    assert list(dsg.data.search(839)["name"]) == ["Bournemouth, Christchurch and Poole"]
    assert list(dsg.data.search("BCP")["name"]) == ["Bournemouth, Christchurch and Poole"]
    assert dsg.data.search("England").empty  # not a council
    with pytest.raises(ValueError, match="include_former = 'no': expected True or False"):
        dsg.data.councils(include_former="no")


def test_cli_councils_says_when_the_name_is_not_a_council(run_cli):
    r = run_cli("councils", "England")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(
        'England (E92000001) is not a council; its figures: dsg-forecast history "England"'
    )
    assert "Empty DataFrame" not in r.stdout


@pytest.mark.parametrize("by", ["placement", "bogus", "Age"])
def test_ceased_plans_refuses_a_breakdown_it_does_not_have(by):
    with pytest.raises(ValueError, match=rf"by='{by}': expected None \(by reason\) or 'age'"):
        dsg.data.ceased_plans(839, by=by)
    assert "total_ceased" in dsg.data.ceased_plans(839).columns


def test_search_none_lists_every_council():
    assert len(dsg.data.search(None)) == len(dsg.data.councils()) > 100


@pytest.mark.parametrize(
    "query, name",
    [
        ("Hull", "Kingston upon Hull, City of"),  # a whole word: not Solihull
        ("Telford", "Telford and Wrekin"),
        ("Solihull", "Solihull"),
        ("London", "London"),  # an exact name still wins
    ],
)
def test_words_only_one_current_council_holds_find_it(query, name):
    assert dsg.data.council(query).name == name


@pytest.mark.parametrize("query", ["Kingston", "Sussex", "North"])
def test_words_several_councils_hold_are_not_guessed(query):
    with pytest.raises(dsg.data.UnknownCouncilError):
        dsg.data.council(query)
