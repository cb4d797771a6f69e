"""Back-testing (issue 13 part 5): hand-checked naive and growth forecasts, no data after the
origin is ever read (poisoned later rows leave every forecast unchanged), and backtest_all on
an executor equals the serial run."""

from __future__ import annotations

import importlib
from concurrent.futures import ProcessPoolExecutor

import dsg_forecast as dsg
import numpy as np
import pandas as pd
import pytest

BCP = "Bournemouth, Christchurch and Poole"
# The module (``dsg.backtest`` is the function of the same name).
bt_mod = importlib.import_module("dsg_forecast.backtest")


def test_naive_by_hand_for_england():
    bt = dsg.backtest("England", model="naive", origins=[2020], horizon=2)
    f = bt.to_frame().set_index(["horizon", "item"])
    # January 2019 353,995 and 2020 390,109 plans: growth 10.20% a year, carried forward.
    g = 390109 / 353995
    assert f.at[(1, "total"), "forecast"] == pytest.approx(390109 * g, rel=1e-12)
    assert f.at[(2, "total"), "forecast"] == pytest.approx(390109 * g**2, rel=1e-12)
    assert f.at[(1, "total"), "actual"] == 430697
    assert f.at[(1, "total"), "error"] == f.at[(1, "total"), "forecast"] - 430697
    # The categories add up to the total.
    cats = f.xs(1, level="horizon").drop("total")["forecast"].sum()
    assert cats == pytest.approx(f.at[(1, "total"), "forecast"], rel=1e-12)


def test_growth_by_hand_for_bcp():
    # Origin January 2023: BCP 2,448 (2020) to 3,266 (2023), g_c = 10.09%; England's long-run
    # rate 2010-2023 g_E = (517,048 / 228,221)^(1/13) - 1; year 1 grows at g_E + 0.8 (g_c - g_E).
    bt = dsg.backtest(BCP, model="growth", origins=[2023], horizon=1)
    f = bt.to_frame().set_index("item")
    g_c = (3266 / 2448) ** (1 / 3) - 1
    g_e = (517048 / 228221) ** (1 / 13) - 1
    expected = 3266 * (1 + g_e + 0.8 * (g_c - g_e))
    assert f.at["total", "forecast"] == pytest.approx(expected, rel=1e-9)
    assert f.at["total", "actual"] == 3769
    s = bt.summary()
    assert s.loc[("growth", 1), "mape"] == pytest.approx(abs(expected - 3769) / 3769 * 100)


@pytest.mark.parametrize("model", ["growth", "naive"])
@pytest.mark.parametrize("council", [BCP, "Kent", "England"])
def test_no_data_after_the_origin_is_read(monkeypatch, model, council):
    clean = dsg.backtest(council, model=model).to_frame()
    load = bt_mod._load
    for origin in range(2015, 2024):

        def poisoned(area, origin=origin):
            h = load(area).copy()
            later = h.index > origin
            cols = [*bt_mod.CATEGORY_IDS, "total"]
            h.loc[later, cols] = h.loc[later, cols] * 7 + 1000  # nonsense after the origin
            return h

        monkeypatch.setattr(bt_mod, "_load", poisoned)
        dirty = dsg.backtest(council, model=model, origins=[origin]).to_frame()
        monkeypatch.setattr(bt_mod, "_load", load)
        mine = clean[clean["origin"] == origin].reset_index(drop=True)
        # The forecasts are untouched; only the actuals they are compared with moved.
        np.testing.assert_array_equal(mine["forecast"], dirty["forecast"])
        if len(mine):
            assert not np.array_equal(mine["actual"], dirty["actual"])


def test_backtest_all_on_an_executor_equals_serial():
    serial = dsg.backtest_all(model="naive", origins=[2018, 2022], horizon=2)
    with ProcessPoolExecutor(2) as ex:
        parallel = dsg.backtest_all(model="naive", origins=[2018, 2022], horizon=2, executor=ex)
    pd.testing.assert_frame_equal(serial.to_frame(), parallel.to_frame())
    assert serial.frame["council"].nunique() > 140
    s = serial.summary()
    assert list(s.index) == [("naive", 1), ("naive", 2)]


def test_bad_requests_and_cohort_plug_in():
    with pytest.raises(ValueError, match="expected one of growth, naive, cohort"):
        dsg.backtest(BCP, model="arima")
    with pytest.raises(ValueError, match="horizon = 0"):
        dsg.backtest(BCP, horizon=0)
    if not hasattr(dsg, "calibrate"):
        with pytest.raises(ValueError, match="model='cohort' needs dsg.calibrate"):
            dsg.backtest(BCP, model="cohort", origins=[2023])
    else:  # the cohort calibration is in this build: it back-tests by age group too
        f = dsg.backtest(BCP, model="cohort", origins=[2023], horizon=1).to_frame()
        assert (f["item"] == "total").any()


def test_plot(tmp_path):
    ax = dsg.backtest(BCP, model="growth").plot()
    assert ax.get_ylabel() == "EHCPs (total)"
    assert any(line.get_label() == "Published" for line in ax.get_lines())
    # Whole census years on the axis (never "2022.25"), and a forecast made one year before
    # the last census still draws a segment, from its origin's published figure.
    assert all(float(t).is_integer() for t in ax.get_xticks())
    last = next(line for line in ax.get_lines() if line.get_label() == "growth from 2023")
    assert list(last.get_xdata()) == [2023, 2024]


def test_plot_refuses_an_ax_that_is_not_an_axes():
    bt = dsg.backtest(BCP, model="naive", origins=[2023], horizon=1)
    with pytest.raises(dsg.ScenarioError) as e:
        bt.plot(ax="x")
    assert isinstance(e.value, ValueError)
    assert [(i["path"], i["value"]) for i in e.value.issues] == [("ax", "'x'")]
    assert "expected a matplotlib Axes" in str(e.value)


def test_simulated_bands_and_their_coverage():
    bt = dsg.backtest(BCP, model="growth", origins=[2019, 2020, 2021], horizon=3, bands=True)
    f = bt.to_frame()
    total = f[f["item"] == "total"]
    assert total[["lo50", "hi50", "lo90", "hi90"]].notna().all().all()
    assert f.loc[f["item"] != "total", "lo50"].isna().all()  # bands are of total plans only
    # Nested bands around the forecast (the median path of a symmetric shock is the plan).
    assert (total["lo90"] <= total["lo50"]).all() and (total["hi50"] <= total["hi90"]).all()
    assert ((total["lo50"] < total["forecast"]) & (total["forecast"] < total["hi50"])).all()
    # Coverage is the share of outturns inside each band, by horizon.
    s = bt.summary()
    for h, g in total.groupby("horizon"):
        inside = ((g["actual"] >= g["lo90"]) & (g["actual"] <= g["hi90"])).mean() * 100
        assert s.loc[("growth", h), "coverage_90"] == pytest.approx(inside)
    # Without bands the coverage columns are empty, and the same seed gives the same bands.
    assert dsg.backtest(BCP, origins=[2019], horizon=1).summary()["coverage_50"].isna().all()
    again = dsg.backtest(BCP, model="growth", origins=[2019, 2020, 2021], horizon=3, bands=True)
    assert again.to_frame().equals(f)
    with pytest.raises(ValueError, match="n_paths"):
        dsg.backtest(BCP, bands=True, n_paths=5)
