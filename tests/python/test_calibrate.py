"""dsg.calibrate: the cohort model's flows from data the model itself generated, from BCP's
raw DfE files, for every council (rates within 0..1, a valid scenario that projects), and
never from data after the ``through`` census."""

from __future__ import annotations

import gzip

import dsg_forecast as dsg
import numpy as np
import pandas as pd
import pytest
from conftest import ROOT
from dsg_forecast.calibration import _frames
from dsg_forecast.calibration._step import step

RAW = ROOT / "data" / "raw" / "sen2"
CATS = ["mainstream", "special", "post16"]


def _template(demand: dict, base_year: str, horizon: int = 15) -> dict:
    cats = list(demand["base_plans"])
    return {
        "meta": {"name": "calibrated", "base_year": base_year, "horizon": horizon},
        "funding": {"hnb": 60e6},
        "demand": demand,
        "cost": {"unit_cost": {c: 20_000.0 for c in cats}, "inflation": 0.03},
    }


# ---- the numpy step is the engine's ------------------------------------------------------
def test_numpy_step_equals_the_engine():
    """The calibration's numpy step (diagnostics, rolling to a base year) against the engine
    projecting the calibrated section, on the same (rounded) inputs."""
    demand = dsg.calibrate("BCP", through=2024).demand_for(horizon=6)[0]
    p = dsg.project(dsg.Scenario.from_dict(_template(demand, "2023-24", horizon=6)))
    co = demand["cohort"]
    cats = list(demand["base_plans"])
    s = np.array([co["stock"][c] for c in cats]).T
    mix = np.array([co["new_plan_mix"][c] for c in cats]).T
    trans = [(t["age"], cats.index(t["from"]), cats.index(t["to"]), t["share"])
             for t in co["transitions"]]  # fmt: skip
    g = 1.0
    for year in p.years[1:]:
        g *= 1 + demand["growth"][year]
        fl = step(s, co["cessation"], co["new_plans"], mix, trans, co["net_other"], g)
        s = fl.stock
        for i, c in enumerate(cats):
            assert p[f"ehcps.{c}"][year] == pytest.approx(s[:, i].sum(), rel=1e-9)
            assert p[f"ehcps_age.16_to_19.{c}"][year] == pytest.approx(
                s[16:20, i].sum(), rel=1e-9, abs=1e-9
            )
        assert p["new_plans"][year] == pytest.approx(fl.new, rel=1e-9)
        assert p["ceased_plans"][year] == pytest.approx(fl.ceased, rel=1e-9)
        assert p["aged_out"][year] == pytest.approx(fl.aged_out, rel=1e-9)
        assert p["net_other_change"][year] == pytest.approx(fl.net_other, rel=1e-9)


# ---- recovering known flows --------------------------------------------------------------
TRUE_Q = np.array([0.0] * 3 + [0.02] * 13 + [0.1] * 4 + [0.3] * 6)
TRUE_NEW = np.array([0, 0, 20, 40, 60, 50] + [30] * 6 + [10] * 4 + [5] * 5 + [0] * 5, float)
TRUE_OTHER = np.array([0, 0, 1, 2, 3] + [2] * 11 + [0] * 10, float)
TRUE_TRANS = [(11, 0, 1, 0.1), (16, 0, 2, 0.45), (16, 1, 2, 0.4)]  # under MAX_MOVE
TRUE_G = 0.05


def _mix() -> np.ndarray:
    m = np.zeros((26, 3))
    m[:16] = [0.8, 0.2, 0.0]
    m[16:] = [0.1, 0.3, 0.6]
    return m


def _synthetic() -> dict[str, pd.DataFrame]:
    """Censuses January 2020-2024 and the flows between them, made by the cohort step (the
    engine's arithmetic, test above) from known flows; new plans grow 5% a year."""
    s = np.outer(np.r_[np.zeros(2), np.full(24, 100.0)], [0.6, 0.3, 0.1])
    s[16:] = np.outer(np.full(10, 80.0), [0.1, 0.3, 0.6])
    stock, new, ceased = [], [], []
    g = 1.0
    for year in range(2020, 2025):
        if year > 2020:
            g *= 1 + TRUE_G
            fl = step(s, TRUE_Q, TRUE_NEW, _mix(), TRUE_TRANS, TRUE_OTHER, g)
            s = fl.stock
            for a in range(26):
                ceased.append((year - 1, a, fl.ceased_by_age[a]))
                for i, c in enumerate(CATS):
                    new.append((year - 1, a, c, TRUE_NEW[a] * g * _mix()[a, i]))
        for a in range(26):
            for i, c in enumerate(CATS):
                stock.append((year, a, c, s[a, i]))
    return {
        "stock": pd.DataFrame(stock, columns=["year", "age", "category", "plans"]),
        "new": pd.DataFrame(new, columns=["year", "age", "category", "plans"]),
        "ceased": pd.DataFrame(ceased, columns=["year", "age", "plans"]),
    }


def test_recovers_the_flows_that_generated_the_data():
    cal = dsg.calibrate_frames(_synthetic(), through=2024, window=3)
    e = cal.estimate
    held = e.previous.sum(axis=1) > 0
    np.testing.assert_allclose(e.cessation[held], TRUE_Q[held], atol=1e-9)
    np.testing.assert_allclose(e.new_plans, TRUE_NEW * (1 + TRUE_G) ** 4, rtol=1e-9)
    placed = TRUE_NEW > 0
    np.testing.assert_allclose(e.mix[placed], _mix()[placed], atol=1e-9)
    np.testing.assert_allclose(e.net_other, TRUE_OTHER, atol=1e-7)
    assert e.growth == pytest.approx(TRUE_G, abs=1e-9)
    got = {(a, i, j): s for a, i, j, s in e.transitions}
    assert set(got) == {(a, i, j) for a, i, j, _ in TRUE_TRANS}
    for a, i, j, share in TRUE_TRANS:
        assert got[(a, i, j)] == pytest.approx(share, abs=1e-7)
    # The fit to every census the data hold is exact.
    d = cal.diagnostics.dropna(subset=["published"])
    assert d["difference"].abs().max() < 1e-6


def test_recovery_can_fail():
    """The same check on data made with a different cessation rate at 18 does not pass."""
    frames = _synthetic()
    c = frames["ceased"]
    frames["ceased"] = c.assign(plans=np.where(c["age"] == 18, c["plans"] * 2, c["plans"]))
    e = dsg.calibrate_frames(frames, through=2024).estimate
    assert e.cessation[18] == pytest.approx(2 * TRUE_Q[18], rel=1e-9)


def test_frames_errors_name_the_frame():
    frames = _synthetic()
    with pytest.raises(ValueError, match=r"frames\['ceased'\]: missing"):
        dsg.calibrate_frames({k: v for k, v in frames.items() if k != "ceased"}, through=2024)
    bad = frames["stock"].rename(columns={"plans": "n"})
    with pytest.raises(dsg.CalibrationError, match=r"frames\['stock'\]: no column plans"):
        dsg.calibrate_frames({**frames, "stock": bad}, through=2024)


# ---- BCP against the raw DfE files -------------------------------------------------------
def _raw(name: str, topic: str) -> pd.DataFrame:
    with gzip.open(RAW / f"{name}.csv.gz", "rt") as fh:
        d = pd.read_csv(fh, dtype=str)
    return d[(d["old_la_code"] == "839") & (d["breakdown_topic"] == topic)]


def _age(label: str) -> int:
    return int("".join(ch if ch.isdigit() else " " for ch in label).split()[0]) - (
        1 if label.startswith("under") else 0
    )


def test_bcp_against_the_raw_files():
    cal = dsg.calibrate("Bournemouth, Christchurch and Poole", through=2024, window=3)
    e = cal.estimate
    stock = _raw("caseload", "Child or young persons age")
    stock = stock[stock["time_period"] == "202324"]
    by_age = pd.Series(
        stock["ehcplans"].astype(float).to_numpy(), [_age(b) for b in stock["breakdown"]]
    )
    np.testing.assert_allclose(e.stock.sum(axis=1), by_age.reindex(range(26), fill_value=0))
    assert e.stock.sum() == 3769
    new = _raw("newplans", "Age when plan started")
    new = new[new["time_period"] == "2023"]
    by_age = pd.Series(
        new["new_ehc_plans"].astype(float).to_numpy(), [_age(b) for b in new["breakdown"]]
    )
    np.testing.assert_allclose(e.new_plans, by_age.reindex(range(26), fill_value=0))
    assert e.new_plans.sum() == 312
    # The published identity gap: 3,769 - 3,266 - 312 + 306 = 497, carried and reported.
    assert e.published_gap == 497
    assert "= +497" in cal.sources["demand.cohort.net_other"]
    assert e.previous.sum() == pytest.approx(3266)
    # Cessation at 18: (ceased at 18 + k x South West's rate) / (January 2023 plans at 18 + k).
    ceased = _raw("ceased_plans", "Age plan ceased")
    c18 = float(ceased.loc[ceased["breakdown"] == "age 18", "total_ceased"].iloc[0])
    assert c18 == 50
    pool = dsg.calibrate("South West", through=2024).estimate.cessation[18]
    assert e.cessation[18] == pytest.approx((c18 + 20 * pool) / (e.previous[18].sum() + 20))
    # New-plan growth: 277 (2020) to 312 (2023), pooled with the South West's with k = 100.
    g_sw = dsg.calibrate("South West", through=2024).estimate.growth
    g_own = (312 / 277) ** (1 / 3) - 1
    assert e.growth == pytest.approx((312 * g_own + 100 * g_sw) / 412)
    # One year from the estimated January 2023 reproduces January 2024's age groups.
    d = cal.diagnostics
    one = d[(d["from"] == 2023) & (d["census"] == 2024) & (d["measure"] != "category")]
    assert one["difference"].abs().max() < 0.5


# ---- every council ------------------------------------------------------------------------
def test_every_council_calibrates_to_a_valid_scenario_that_projects():
    codes = list(dsg.data.councils()["old_code"])
    assert len(codes) == 153
    for code in codes:
        cal = dsg.calibrate(code, through=2024)
        e = cal.estimate
        assert ((e.cessation >= 0) & (e.cessation <= 1)).all(), code
        assert all(0 <= s <= 1 for *_, s in e.transitions), code
        np.testing.assert_allclose(e.mix.sum(axis=1), 1.0, err_msg=code)
        demand, sources = cal.demand_for("2024-25")
        scenario = _template(demand, "2024-25")
        scenario["sources"] = sources
        p = dsg.project(dsg.Scenario.from_dict(scenario))
        plans = p.to_frame().loc[lambda f: f.index.str.startswith("ehcps")]
        assert np.isfinite(plans.to_numpy()).all() and (plans.to_numpy() >= 0).all(), code


def test_from_public_data_cohort():
    s = dsg.Scenario.from_public_data("BCP", opening_deficit=63e6, demand="cohort")
    d = s.to_dict()["demand"]
    assert d["model"] == "cohort" and len(d["cohort"]["stock"]["mainstream"]) == 26
    for key in ("stock", "new_plans", "new_plan_mix", "cessation", "net_other"):
        assert f"demand.cohort.{key}" in s.sources
    assert "stepped forward 1 year(s) to January 2025" in s.sources["demand.cohort.stock"]
    p = dsg.project(s)
    assert p["net_other_change"]["2025-26"] == pytest.approx(495, abs=1)
    growth = dsg.Scenario.from_public_data("BCP", opening_deficit=63e6)
    assert "model" not in growth.to_dict()["demand"]
    for code in ("201", "420", "204", "942"):  # City of London, Scilly, Hackney, Cumberland
        dsg.project(dsg.Scenario.from_public_data(code, opening_deficit=0, demand="cohort"))


# ---- nothing after the through census -------------------------------------------------------
def _later(table, through: int):
    """The shipped tables with every row of a year after ``through`` (census) or
    ``through - 1`` (flows) replaced by absurd numbers, and copies of the last year moved on."""

    def patched(name: str) -> pd.DataFrame:
        t = table(name)
        if "year" not in t or not np.issubdtype(t["year"].dtype, np.integer):
            return t
        num = [
            c
            for c in t.columns
            if c not in ("area", "year", "age", "group", "release", "note")
            and pd.api.types.is_numeric_dtype(t[c])
        ]
        late = t[t["year"] >= through - 1].copy()
        late["year"] = late["year"] + 2
        late[num] = late[num] * 7 + 3
        t = t.copy()
        t.loc[t["year"] > through, num] = t.loc[t["year"] > through, num] * 5 + 1
        return pd.concat([t, late], ignore_index=True)

    return patched


@pytest.mark.parametrize("through", [2023, 2024])
def test_through_reads_nothing_later(monkeypatch, through):
    def run():
        _frames.clear_cache()
        dsg.calibration._public.cache_clear()
        cal = dsg.calibrate("BCP", through=through)
        f = cal.frames
        for census in (f.stock, f.totals.index, f.groups.index):
            assert max(census, default=0) <= through
        for flow in (f.new, f.new_totals.index, f.ceased, f.ceased_totals.index, f.new_cats.index):
            assert max(flow, default=0) <= through - 1
        return cal.demand, cal.diagnostics

    demand, diag = run()
    monkeypatch.setattr(_frames, "table", _later(_frames.table, through))
    demand2, diag2 = run()
    assert demand2 == demand
    pd.testing.assert_frame_equal(diag2, diag)
    # The check can fail: a change to the through census itself changes the result.
    original = _frames.table

    def touched(name):
        t = original(name)
        if name == "ehcp_placement":
            t.loc[t["year"] == through, "total"] += 100
        return t

    monkeypatch.setattr(_frames, "table", touched)
    demand3, diag3 = run()
    assert not diag3.equals(diag)
    monkeypatch.undo()
    run()
