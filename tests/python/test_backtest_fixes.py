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


def _assert_skipped_have_no_rows(bt):
    """Every skipped entry is a council-origin with no rows in the frame, and every
    council-origin asked for (2015-2023) is either in the frame or skipped."""
    made = set(zip(bt.frame["council"], bt.frame["origin"], strict=True))
    skipped = {(name, int(why.split(":")[0].removeprefix("origin "))) for name, why in bt.skipped}
    assert len(skipped) == len(bt.skipped)  # one entry per council-origin
    assert not skipped & made
    names = dsg.data.councils()["name"]
    assert made | skipped == {(n, o) for n in names for o in range(2015, 2024)}


def test_backtest_all_bands_count_every_council():
    point = dsg.backtest_all("growth")
    banded = dsg.backtest_all("growth", bands=True, n_paths=100)
    # Banded and point runs leave out the same council-origins, each said, none with rows.
    assert banded.skipped == point.skipped
    for bt in (point, banded):
        _assert_skipped_have_no_rows(bt)
        assert bt.summary().attrs["skipped"] == list(bt.skipped)
    skipped_councils = {name for name, _ in point.skipped}
    assert skipped_councils == {BCP, "Cumberland", "Dorset", "North Northamptonshire",
                                "West Northamptonshire", "Westmorland and Furness"}  # fmt: skip
    # Cumberland (only a 2024 census) has no rows at all, but every origin is listed.
    assert "Cumberland" not in set(point.frame["council"])
    cumberland = [why for name, why in point.skipped if name == "Cumberland"]
    assert cumberland == [
        f"origin {o}: no EHC plan total published for Cumberland at January {o} (its "
        "censuses: January 2024 only)"
        for o in range(2015, 2024)
    ]
    # BCP's origins before its first census (January 2020) are listed, as backtest lists them.
    bcp = tuple(s for s in point.skipped if s[0] == BCP)
    assert bcp == dsg.backtest(BCP).skipped
    assert [why.split(":")[0] for _, why in bcp] == [f"origin {o}" for o in range(2015, 2020)]
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
    slough = ("Slough", "ValueError: no calibration at origin 2018")
    assert slough in bt.skipped
    assert "Slough" not in set(bt.frame["council"])
    # The others left out are the councils with no census at January 2018, one entry each.
    others = [s for s in bt.skipped if s != slough]
    assert len(others) == 6 and all(why.startswith("origin 2018: ") for _, why in others)
    assert "Left out (7 entries, 7 councils):" in repr(bt)
    assert "\n  Slough: ValueError: no calibration" in repr(bt)
    assert bt.summary().attrs["skipped"] == list(bt.skipped)


def test_backtest_all_lists_each_origin_without_a_comparison():
    bt = dsg.backtest_all("growth", origins=[2019, 2023], horizon=1)
    # BCP and Dorset (first counted 2020) and North and West Northamptonshire (2022) at 2019;
    # Cumberland and Westmorland and Furness (2024 only) at 2019 and 2023.
    assert [(name, why.split(":")[0]) for name, why in bt.skipped] == [
        (BCP, "origin 2019"),
        ("Cumberland", "origin 2019"),
        ("Cumberland", "origin 2023"),
        ("Dorset", "origin 2019"),
        ("North Northamptonshire", "origin 2019"),
        ("West Northamptonshire", "origin 2019"),
        ("Westmorland and Furness", "origin 2019"),
        ("Westmorland and Furness", "origin 2023"),
    ]
    # Each entry is what the single-council back-test says for that council.
    for name in {name for name, _ in bt.skipped}:
        mine = tuple(s for s in bt.skipped if s[0] == name)
        assert mine == dsg.backtest(name, origins=[2019, 2023], horizon=1).skipped
    made = set(zip(bt.frame["council"], bt.frame["origin"], strict=True))
    assert (BCP, 2023) in made and (BCP, 2019) not in made


def test_repr_counts_entries_and_councils_and_shows_the_first_ten():
    bt = dsg.backtest_all("growth")
    text = repr(bt)
    n, councils = len(bt.skipped), len({name for name, _ in bt.skipped})
    assert n > 10 and councils < n
    assert f"Left out ({n} entries, {councils} councils):" in text
    shown = [line for line in text.splitlines() if line.startswith("  ") and ": origin " in line]
    assert shown == [f"  {name}: {why}" for name, why in bt.skipped[:10]]
    assert f"\n  ... and {n - 10} more (see .skipped)" in text
    one = bt_mod.Backtest(bt.frame.iloc[:0], skipped=bt.skipped[:1])
    assert "Left out (1 entry, 1 council):" in repr(one) and "more" not in repr(one)
