"""Scenario.from_public_data: a complete, valid, sourced baseline for every council."""

from __future__ import annotations

import math

import dsg_forecast as dsg
import numpy as np
import pytest
from dsg_forecast.data.baseline import (
    COST_INFLATION_TO_BASE,
    PRIMER_2023_24,
    OpeningDeficitError,
    unit_costs_table,
)

COUNCILS = list(dsg.data.councils()["old_code"])


@pytest.fixture(scope="module")
def bcp_base():
    return dsg.Scenario.from_public_data(839, opening_deficit=63e6)


def _projected(frame):
    """The projected lines, without the actual and variance lines (missing where no actual is
    published, by design)."""
    keep = [n for n in frame.index if not n.startswith(("actual.", "variance."))]
    return frame.loc[keep]


def test_every_council_builds_validates_and_projects():
    assert len(COUNCILS) == 153
    for code in COUNCILS:
        s = dsg.Scenario.from_public_data(code, opening_deficit=0)
        frame = _projected(dsg.project(s).to_frame())
        assert not frame.isna().any().any(), code
        assert (frame.loc["total_expenditure"] > 0).all(), code
        assert min(s.to_dict()["cost"]["unit_cost"].values()) > 0, code
        assert s.mitigation_names == []
        assert dsg.Scenario.from_toml_str(s.to_toml()) == s


def test_every_value_has_a_source_note(bcp_base):
    d = bcp_base.to_dict()
    for field in ("funding.hnb", "funding.schools_block", "funding.hnb_growth",
                  "deficit.opening", "demand.base_plans", "demand.growth", "cost.unit_cost",
                  "cost.inflation", "cost.non_plan"):  # fmt: skip
        assert field in d["sources"], field
    assert "January 2024 census 3,769" in d["sources"]["demand.base_plans"]
    assert "£59,216,498" in d["sources"]["funding.hnb"]


def test_bcp_base_year_plans_roll_january_2024_forward_by_its_trend(bcp_base):
    d = bcp_base.to_dict()
    g = (3769 / 2627) ** (1 / 3) - 1  # January 2021 to 2024, by hand
    assert sum(d["demand"]["base_plans"].values()) == pytest.approx(3769 * (1 + g), abs=0.5)
    growth = d["demand"]["growth"]
    assert growth["2024-25"] == pytest.approx(g, abs=1e-6)
    england = (576474 / 228221) ** (1 / 14) - 1
    assert growth["2029-30"] == pytest.approx(england, abs=1e-6)
    assert d["funding"]["hnb"] == pytest.approx(59_216_498 * 1.03, abs=1)


def test_a_base_year_with_a_census_uses_it_and_the_published_balance():
    s = dsg.Scenario.from_public_data("Bournemouth, Christchurch and Poole", base_year="2022-23")
    d = s.to_dict()
    assert sum(d["demand"]["base_plans"].values()) == pytest.approx(3266, abs=0.5)
    # 6.8% of the 2021-22 DSG allocation before deductions, £298,614,510 (the raw file's
    # total): £20.3m.
    assert d["deficit"]["opening"] == pytest.approx(0.068 * 298_614_510, abs=1)


def test_missing_opening_deficit_says_what_to_pass():
    with pytest.raises(OpeningDeficitError, match="opening_deficit") as e:
        dsg.Scenario.from_public_data(839)
    assert isinstance(e.value, ValueError)
    assert "Bournemouth" in str(e.value)


def test_unknown_council_and_bad_arguments_raise_value_errors():
    with pytest.raises(dsg.data.UnknownCouncilError, match="closest"):
        dsg.Scenario.from_public_data("Bornemouth", opening_deficit=0)
    with pytest.raises(ValueError, match="'growth' or 'cohort'"):
        dsg.Scenario.from_public_data(839, opening_deficit=0, demand="flow")
    with pytest.raises(ValueError, match="2024-25"):
        dsg.Scenario.from_public_data(839, base_year="2024", opening_deficit=0)
    with pytest.raises(ValueError, match="no longer exists"):
        dsg.Scenario.from_public_data("Poole", opening_deficit=0)


def test_national_unit_costs_are_near_the_published_averages():
    t = unit_costs_table()
    years = 2023 - int(t.attrs["year"][:4])
    for pool, published in PRIMER_2023_24.items():
        median = t[pool].median() * (1 + COST_INFLATION_TO_BASE) ** years
        assert abs(median / published - 1) < 0.15, (pool, median)


def test_an_implausible_unit_cost_falls_back_to_the_median_with_a_note():
    t = unit_costs_table()
    med = t["independent"].median()
    odd = t.index[(t["independent"] > 2.5 * med) | (t["independent"] < 0.4 * med)]
    assert len(odd) > 0
    code = next(a for a in odd if a in set(COUNCILS))
    s = dsg.Scenario.from_public_data(code, opening_deficit=0)
    assert "national median" in s.sources["cost.unit_cost"]
    assert "unit cost independent" in s.to_dict()["meta"]["notes"]


def test_council_without_an_allocation_gets_a_derived_hnb_with_a_note():
    s = dsg.Scenario.from_public_data("Isles of Scilly", opening_deficit=0)
    assert "not in the DSG allocation tables" in s.sources["funding.hnb"]
    assert math.isfinite(s.to_dict()["funding"]["hnb"])


def test_new_councils_without_an_outturn_use_national_rates():
    s = dsg.Scenario.from_public_data("Cumberland", opening_deficit=0)
    assert "no s251 outturn" in s.sources["cost.unit_cost"]
    assert np.isfinite(_projected(dsg.project(s).to_frame()).values).all()


def test_readme_public_data_figures_are_what_the_data_give():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    t = unit_costs_table()
    grow = (1 + COST_INFLATION_TO_BASE) ** 3
    total = dsg.data.ehcps(839, by=None)["total"]
    eng = dsg.data.ehcps("England", by=None)["total"]
    special, independent = (t[k].median() * grow / 1e3 for k in ("special", "independent"))
    figures = [
        f"special £{t['special'].median():,.0f}",
        f"independent £{t['independent'].median():,.0f}",
        f"£{special:.1f}k and £{independent:.1f}k",
        f"own trend ({(total[2023] / total[2020]) ** (1 / 3) - 1:.1%} a year",
        f"= {(eng[2024] / eng[2010]) ** (1 / 14) - 1:.1%} a year",
    ]
    for f in figures:
        assert f in text.replace("\n", " "), f
    size = sum(p.stat().st_size for p in dsg.data._tables.HERE.glob("*.csv.gz"))
    assert f"({size / 1e6:.1f} MB)" in text


def test_the_baseline_carries_the_published_history_as_actuals():
    s = dsg.Scenario.from_public_data("BCP", base_year="2024-25", opening_deficit=63e6)
    a = s.to_dict()["actuals"]
    # Each financial year holds its January census: 2023-24 is January 2024.
    assert a["ehcps"] == {"2019-20": 2448, "2020-21": 2627, "2021-22": 3063, "2022-23": 3266,
                          "2023-24": 3769}  # fmt: skip
    assert sum(v["2023-24"] for v in a["ehcps_by_category"].values()) == 3769
    assert a["hnb_funding"]["2023-24"] == 59_216_498
    # 31 March 2022: 6.8% of £298,614,510.
    assert a["closing_deficit"]["2021-22"] == round(0.068 * 298_614_510)
    p = dsg.project(s)
    assert "2024-25" not in set(p.actuals()["year"])  # history only, before the base year
    assert "actuals.ehcps" in s.sources
    # The history never changes the projection.
    d = s.to_dict()
    d.pop("actuals")
    d["sources"] = {k: v for k, v in d["sources"].items() if not k.startswith("actuals")}
    bare = dsg.project(dsg.Scenario.from_dict(d)).to_frame()
    assert bare.equals(p.to_frame().loc[bare.index])


def test_the_ap_line_note_shows_its_arithmetic():
    # BCP: the AP outturn less the base year's hospital/AP plans at the special rate, both in
    # the outturn year's prices; the note gives each figure, and they give the line.
    import re

    s = dsg.Scenario.from_public_data("BCP", opening_deficit=63e6)
    note = s.sources["cost.non_plan"]
    m = re.search(
        r"deductions \(£([\d,]+)\), less the ([\d.]+) hospital/AP plans of 2024-25 that are "
        r"costed as plans, at the special rate of (\d{4}-\d{2}) \(x £([\d,]+)\), so they are "
        r"not counted twice \(£([\d,]+)\)",
        note,
    )
    assert m, note
    spend, n, unit, line = (float(m[i].replace(",", "")) for i in (1, 2, 4, 5))
    assert abs(spend - n * unit - line) <= 0.5 + 0.05 * unit  # n is shown to one decimal
    assert n == s.to_dict()["demand"]["base_plans"]["hospital_ap"]
