"""Back-test origins: an origin outside the data, not a whole year, given twice, or of the wrong
type is a BacktestError (a ScenarioError, a ValueError) naming it and what is allowed, every
problem at once; an origin this council cannot be forecast from is listed in ``.skipped`` with
the reason, never dropped silently."""

from __future__ import annotations

import concurrent.futures
import importlib

import dsg_forecast as dsg
import numpy as np
import pytest

bt_mod = importlib.import_module("dsg_forecast.backtest")
BacktestError = bt_mod.BacktestError
BCP = "Bournemouth, Christchurch and Poole"


def _raises(call, *says):
    with pytest.raises(BacktestError) as e:
        call()
    assert isinstance(e.value, dsg.ScenarioError) and isinstance(e.value, ValueError)
    for text in says:
        assert text in str(e.value), (text, str(e.value))
    return e.value


def test_the_allowed_origins_follow_the_data():
    assert bt_mod.origin_range() == (2011, 2023)


@pytest.mark.parametrize(
    ("origins", "says"),
    [
        ([2030], ["origins[0] = 2030", "nothing is published after January 2024", "2011 to 2023"]),
        ([2024], ["origins[0] = 2024", "nothing is published after January 2024"]),
        ([2010], ["origins[0] = 2010", "first census is January 2010", "2011 to 2023"]),
        ([2020.5], ["origins[0] = 2020.5", "whole number, 2011 to 2023"]),
        ([True], ["origins[0] = True", "whole number"]),
        (["2020"], ["origins[0] = '2020'", "write 2020 (a number, not text)"]),
        (["2020-21"], ["origins[0] = '2020-21'", "January 2021 census", "write 2021"]),
        (2021, ["origins = 2021", "write [2021] for one"]),
        ("2021", ["origins = '2021'", "a list of January census years"]),
        ([], ["origins = []", "at least one"]),
        ([2021, 2021], ["origins[1] = 2021", "given twice"]),
    ],
)
def test_bad_origins_are_refused_naming_them(origins, says):
    _raises(lambda: dsg.backtest(BCP, origins=origins), *says)
    _raises(lambda: dsg.backtest_all("naive", origins=origins, horizon=1), *says)


def test_every_problem_is_listed_at_once():
    e = _raises(
        lambda: dsg.backtest(BCP, model="arima", origins=[2030, "2020", 2021, 2021], horizon=0),
        "5 problems in the back-test's arguments",
    )
    paths = [i["path"] for i in e.issues]
    assert paths == ["model", "origins[0]", "origins[1]", "origins[3]", "horizon"]


def test_an_origin_before_the_councils_first_census_is_listed_in_skipped():
    bt = dsg.backtest(BCP, origins=[2019])
    assert len(bt.to_frame()) == 0
    assert bt.skipped == (
        (BCP, f"origin 2019: no EHC plan total published for {BCP} at January 2019 (its "
              "censuses: January 2020-2024)"),
    )  # fmt: skip
    assert "origin 2019" in repr(bt)
    assert bt.summary().attrs["skipped"] == list(bt.skipped)


def test_naive_without_last_years_growth_is_listed_in_skipped():
    bt = dsg.backtest(BCP, model="naive", origins=[2020, 2021])
    assert set(bt.to_frame()["origin"]) == {2021}
    assert bt.skipped == (
        (BCP, "origin 2020: model 'naive' needs last year's growth, but January 2019 is not "
              "published"),
    )  # fmt: skip


def test_an_origin_with_nothing_published_after_it_is_listed_in_skipped():
    # Cumbria (abolished April 2023) was last counted in January 2023.
    bt = dsg.backtest("Cumbria", origins=[2022, 2023], horizon=3)
    assert set(bt.to_frame()["origin"]) == {2022}
    assert bt.skipped == (
        ("Cumbria", "origin 2023: nothing published for January 2024-2026 to compare the "
                    "forecast with"),
    )  # fmt: skip


def _with_total(monkeypatch, area, year, total):
    """``_load`` with ``area``'s total at January ``year`` replaced (None: not published)."""
    load = bt_mod._load

    def changed(a):
        h = load(a)
        if a == area:
            h = h.copy()
            h.loc[year, "total"] = np.nan if total is None else total
        return h

    monkeypatch.setattr(bt_mod, "_load", changed)


def test_naive_after_a_total_of_0_plans_is_skipped_for_that_reason(monkeypatch):
    # The reason is said where the origin is skipped (no growth rate from 0 plans), not
    # worked out again afterwards as "nothing published" to compare with.
    _with_total(monkeypatch, dsg.data.council(BCP).area, 2020, 0.0)
    bt = dsg.backtest(BCP, model="naive", origins=[2021, 2022], horizon=1)
    assert set(bt.to_frame()["origin"]) == {2022}
    assert bt.skipped == (
        (BCP, "origin 2021: model 'naive' needs last year's growth, but January 2020's total "
              "is 0 plans"),
    )  # fmt: skip


def test_growth_without_englands_total_at_the_origin_is_skipped_for_that_reason(monkeypatch):
    _with_total(monkeypatch, bt_mod.ENGLAND, 2022, None)
    bt = dsg.backtest(BCP, model="growth", origins=[2022, 2023], horizon=1)
    assert set(bt.to_frame()["origin"]) == {2023}
    assert bt.skipped == (
        (BCP, "origin 2022: model 'growth' has no growth rate from the censuses published by "
              "January 2022"),
    )  # fmt: skip


def test_origins_that_run_leave_nothing_skipped():
    bt = dsg.backtest(BCP, origins=[2020, 2021, 2022, 2023])
    assert bt.skipped == () and set(bt.to_frame()["origin"]) == {2020, 2021, 2022, 2023}
    assert (bt.summary()["n"] == [4, 3, 2, 1]).all()


def test_numpy_and_range_origins_are_whole_years():
    import numpy as np

    a = dsg.backtest(BCP, origins=np.array([2021, 2022]), horizon=1).to_frame()
    b = dsg.backtest(BCP, origins=range(2021, 2023), horizon=1).to_frame()
    assert a.equals(b) and len(a) > 0


def test_backtest_all_executor_must_have_submit():
    _raises(lambda: dsg.backtest_all("growth", executor=5), "executor = 5", "a submit method")
    with concurrent.futures.ThreadPoolExecutor(2) as ex:
        bt = dsg.backtest_all("naive", origins=[2022], horizon=1, executor=ex)
    assert len(bt.to_frame()) > 0


def test_a_numpy_whole_number_is_a_horizon():
    # As origins and from_public_data take them: np.int64(3) from a DataFrame is 3 years.
    a = dsg.backtest(839, origins=[2022], horizon=np.int64(2)).frame
    b = dsg.backtest(839, origins=[2022], horizon=2).frame
    assert a.equals(b) and len(a) > 0
    _raises(lambda: dsg.backtest(839, horizon=np.float64(2.0)), "horizon = ", "a whole number")
