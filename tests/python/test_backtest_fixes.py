"""Back-test fixes: the growth model is the baseline's rule at every origin (a council with a
short history uses its own shorter-period rate, as the baseline does, not England's), and no
council is left out of the band table silently (an SD above the engine's limit is capped and
said; a council that cannot run at all is listed in ``.skipped``)."""

from __future__ import annotations

import importlib

import dsg_forecast as dsg
import pytest
from dsg_forecast.data import baseline as base_mod

BCP = "Bournemouth, Christchurch and Poole"
bt_mod = importlib.import_module("dsg_forecast.backtest")


def _total(bt, origin, horizon=1):
    f = bt.to_frame()
    row = f[(f["item"] == "total") & (f["origin"] == origin) & (f["horizon"] == horizon)]
    return float(row["forecast"].iloc[0])


def test_bcp_short_history_uses_its_own_rate():
    # BCP is first counted in January 2020. At origin 2021 the baseline's rate is BCP's own
    # one-year growth 2020-2021, at 2022 its two-year growth: not England's three-year rate.
    bt = dsg.backtest(BCP, model="growth", origins=[2021, 2022], horizon=1)
    assert round(_total(bt, 2021), 1) == 2811.9  # was 2,895.1 (England's rate); actual 3,063
    assert round(_total(bt, 2022), 1) == 3392.0  # was 3,350.4; actual 3,266


@pytest.mark.parametrize(
    ("council", "origins"),
    [
        (BCP, [2020, 2021, 2022, 2023]),
        ("Dorset", [2020, 2021, 2022, 2023]),
        ("North Northamptonshire", [2022, 2023]),
        ("West Northamptonshire", [2022, 2023]),
        ("Kent", [2015, 2019, 2023]),
        ("Isles of Scilly", [2016, 2021]),
    ],
)
def test_growth_rates_are_the_baselines_at_each_origin(monkeypatch, council, origins):
    """The baseline's own ``demand`` run on the tables cut at January O (base year O-1 to O,
    whose census is O) gives the growth rates the back-test uses from O."""
    c = dsg.data.council(council)
    table = base_mod.table
    england = bt_mod._load(bt_mod.ENGLAND)
    history = bt_mod._load(c.area)
    for origin in origins:

        def cut(name, origin=origin):
            t = table(name)
            return t[t["year"] <= origin] if name == "ehcp_placement" else t

        monkeypatch.setattr(base_mod, "table", cut)
        dem = base_mod.demand(c, origin - 1, 6, {}, [])
        monkeypatch.setattr(base_mod, "table", table)
        rates = bt_mod.growth_rates(
            bt_mod._known(history, origin), bt_mod._known(england, origin), origin, 5
        )
        for t, g in enumerate(rates, start=1):
            assert g == pytest.approx(dem["growth"][f"{origin - 1 + t}-{(origin + t) % 100:02d}"],
                                      abs=1e-6), (council, origin, t)  # fmt: skip


@pytest.mark.parametrize(("council", "origin"), [("Slough", 2018), ("Isles of Scilly", 2015)])
def test_band_sd_above_the_limit_is_capped_and_said(council, origin):
    bt = dsg.backtest(council, model="growth", origins=[origin], horizon=2, bands=True)
    total = bt.to_frame().query("item == 'total'")
    assert len(total) == 2 and total[["lo50", "hi50", "lo90", "hi90"]].notna().all().all()
    assert len(bt.notes) == 1
    assert f"{council}, origin {origin}" in bt.notes[0] and "0.25" in bt.notes[0]
    assert bt.notes[0] in repr(bt)
    # A council inside the limit has no note.
    assert dsg.backtest(BCP, origins=[2023], horizon=1, bands=True, n_paths=100).notes == ()


def test_backtest_all_bands_count_every_council():
    point = dsg.backtest_all("growth")
    banded = dsg.backtest_all("growth", bands=True, n_paths=100)
    assert banded.skipped == () and point.skipped == ()
    assert (banded.summary()["n"] == point.summary()["n"]).all()
    assert set(banded.frame["council"]) == set(point.frame["council"])
    capped = {n.split(", origin")[0] for n in banded.notes}
    assert capped == {"Isles of Scilly", "Slough"}
    assert banded.summary().attrs["notes"] == list(banded.notes)


def test_a_council_that_cannot_run_is_reported_not_dropped_silently(monkeypatch):
    rows = bt_mod._rows

    def failing(c, *args, **kwargs):
        if c.name == "Slough":
            raise ValueError("no calibration at origin 2018")
        return rows(c, *args, **kwargs)

    monkeypatch.setattr(bt_mod, "_rows", failing)
    bt = dsg.backtest_all("naive", origins=[2018], horizon=1)
    assert bt.skipped == (("Slough", "ValueError: no calibration at origin 2018"),)
    assert "Slough" not in set(bt.frame["council"])
    assert "Left out (1 council(s)):\n  Slough: ValueError: no calibration" in repr(bt)
    skipped = [("Slough", "ValueError: no calibration at origin 2018")]
    assert bt.summary().attrs["skipped"] == skipped
