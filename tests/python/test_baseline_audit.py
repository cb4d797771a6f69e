"""Audit fixes in the public-data baseline: a past base year reads only the censuses published
by its own January census (its own placement split, its trend to then), and bad arguments are
one ScenarioError (a ValueError) naming each argument, its value and what is allowed."""

from __future__ import annotations

import dsg_forecast as dsg
import pytest
from dsg_forecast.data import baseline as base_mod

from_public_data = dsg.Scenario.from_public_data


def test_a_past_base_year_uses_its_own_census_split():
    s = from_public_data("Leeds", base_year="2019-20", opening_deficit=1)
    plans = s.to_dict()["demand"]["base_plans"]
    published = dsg.data.ehcps("Leeds").loc[2020]  # the January 2020 census, 2019-20's own
    for cat, value in published.items():
        assert plans[cat] == pytest.approx(value, abs=0.05), cat
    assert plans["special"] == 1206 and plans["hospital_ap"] == 8
    src = s.sources["demand.base_plans"]
    assert "January 2020 census" in src and "January 2020 placement shares" in src
    assert "2024" not in src


def test_a_past_base_year_takes_growth_only_from_data_up_to_its_census():
    s = from_public_data("Leeds", base_year="2019-20", opening_deficit=1)
    total = dsg.data.ehcps("Leeds", by=None)["total"]
    g_c = (total[2020] / total[2017]) ** (1 / 3) - 1
    assert s.to_dict()["demand"]["growth"]["2019-20"] == pytest.approx(g_c, abs=1e-6)
    england = dsg.data.ehcps("England", by=None)["total"]
    g_e = (england[2020] / england[2010]) ** (1 / 10) - 1
    growth = s.sources["demand.growth"]
    assert "January 2017-2020" in growth and "January 2010-2020" in growth
    assert "censuses up to January 2020 only" in growth
    assert f"gE = {g_e:.2%}" in growth


def test_no_later_census_moves_a_past_baseline(monkeypatch):
    """Poison every census after January 2020: the 2019-20 baseline does not move."""
    before = from_public_data("Leeds", base_year="2019-20", opening_deficit=1).to_dict()["demand"]
    table = base_mod.table

    def poisoned(name):
        t = table(name)
        if name == "ehcp_placement":
            cols = [c for c in t.columns if c not in ("area", "year", "note", "release")]
            t.loc[t["year"] > 2020, cols] = 1e9
        return t

    monkeypatch.setattr(base_mod, "table", poisoned)
    after = from_public_data("Leeds", base_year="2019-20", opening_deficit=1).to_dict()["demand"]
    assert after == before


def test_a_base_year_before_the_councils_first_census_is_refused():
    with pytest.raises(base_mod.BaselineError, match="2018-19") as e:
        from_public_data("BCP", base_year="2018-19", opening_deficit=0)
    assert "January 2020" in str(e.value) and "2019-20" in str(e.value)


def test_the_latest_base_year_is_unchanged():
    d = from_public_data("BCP", base_year="2024-25", opening_deficit=63e6).to_dict()
    assert "censuses up to" not in d["sources"]["demand.growth"]
    assert "January 2024 census 3,769 plans" in d["sources"]["demand.base_plans"]


@pytest.mark.parametrize(
    ("kwargs", "path", "says"),
    [
        ({"base_year": 2024}, "base_year = 2024", "write '2024-25' for the year starting April"),
        ({"base_year": "2024"}, "base_year = '2024'", "write '2024-25'"),
        ({"horizon": 15.0}, "horizon = 15.0", "a whole number of years, 1 to 50"),
        ({"horizon": 0}, "horizon = 0", "1 to 50 years"),
        ({"horizon": True}, "horizon = True", "a whole number of years"),
        ({"opening_deficit": "63e6"}, "opening_deficit = '63e6'", "an amount in £"),
        ({"opening_deficit": float("nan")}, "opening_deficit = nan", "an amount in £"),
        ({"demand": "flow"}, "demand = 'flow'", "'growth' or 'cohort'"),
    ],
)
def test_bad_arguments_are_a_scenario_error_naming_them(kwargs, path, says):
    args = {"opening_deficit": 0, **kwargs}
    with pytest.raises(dsg.ScenarioError) as e:
        from_public_data("BCP", **args)
    assert isinstance(e.value, ValueError)
    assert path in str(e.value) and says in str(e.value)


def test_every_bad_argument_is_listed_at_once():
    with pytest.raises(dsg.ScenarioError) as e:
        from_public_data("BCP", base_year=2024, horizon=15.0, opening_deficit="63e6", demand="x")
    assert str(e.value).startswith("4 problems in the baseline's arguments:")
    assert [i["path"] for i in e.value.issues] == [
        "base_year", "horizon", "opening_deficit", "demand"
    ]  # fmt: skip


def test_a_slash_base_year_is_accepted():
    s = from_public_data("BCP", base_year="2024/25", opening_deficit=0)
    assert s.years[0] == "2024-25"


@pytest.mark.parametrize("amount", ["-5e6", "-5E+6", "-.5e7", "-5000000", "-5000000.0"])
def test_cli_negative_opening_deficit(amount, capsys):
    from dsg_forecast.cli import main

    assert main(["baseline", "839", "--horizon", "3", "--opening-deficit", amount]) == 0
    assert "opening = -5000000.0" in capsys.readouterr().out


def test_only_a_number_after_a_signed_option_is_joined_to_it():
    from dsg_forecast._cli_data import signed_values

    argv = ["baseline", "839", "--opening-deficit", "-5e6", "-o", "x.toml"]
    assert signed_values(argv) == ["baseline", "839", "--opening-deficit=-5e6", "-o", "x.toml"]
    # An option after it is left for argparse to report as a missing value.
    assert signed_values(["--opening-deficit", "-o", "x"]) == ["--opening-deficit", "-o", "x"]
    # Nothing after "--" changes; a trailing option is left alone.
    assert signed_values(["--", "--opening-deficit", "-1"]) == ["--", "--opening-deficit", "-1"]
    assert signed_values(["--opening-deficit"]) == ["--opening-deficit"]
    # argparse takes a shortened option name; so does this (but not "--o", which is ambiguous).
    assert signed_values(["--opening", "-5e6"]) == ["--opening=-5e6"]
    assert signed_values(["--o", "-5e6"]) == ["--o", "-5e6"]


def test_cli_shortened_opening_deficit_takes_a_negative_amount(capsys):
    from dsg_forecast.cli import main

    assert main(["baseline", "839", "--horizon", "3", "--opening-def", "-5e6"]) == 0
    assert "opening = -5000000.0" in capsys.readouterr().out


def test_cli_opening_deficit_with_an_option_after_it_exits_2(capsys):
    from dsg_forecast.cli import main

    with pytest.raises(SystemExit) as e:
        main(["baseline", "839", "--opening-deficit", "-o", "x.toml"])
    assert e.value.code == 2
    assert "--opening-deficit" in capsys.readouterr().err


def test_cli_baseline_writes_the_format_the_ending_names(tmp_path, capsys):
    import json

    from dsg_forecast.cli import main

    for name in ("bl.toml", "bl.json", "bl.xlsx"):
        path = tmp_path / name
        assert main(["baseline", "839", "--opening-deficit", "1", "-o", str(path)]) == 0
        again = dsg.Scenario.from_file(path)
        assert again.to_dict()["deficit"]["opening"] == 1
    assert (tmp_path / "bl.toml").read_text().startswith("# Bournemouth")  # commented TOML
    assert json.loads((tmp_path / "bl.json").read_text())["meta"]["base_year"] == "2024-25"
    assert (tmp_path / "bl.xlsx").read_bytes()[:2] == b"PK"


def test_cli_baseline_refuses_an_unknown_ending(tmp_path, capsys):
    from dsg_forecast.cli import main

    path = tmp_path / "bl.txt"
    assert main(["baseline", "839", "--opening-deficit", "1", "-o", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"-o {path}: unknown scenario format" in err and ".toml, .json, .xlsx" in err
    assert "Traceback" not in err and not path.exists()


def test_no_other_option_begins_like_a_signed_one():
    # signed_values joins any name of four or more characters that begins a signed option;
    # that is safe only while no other option of any command begins the same way.
    import argparse

    from dsg_forecast._cli_data import SIGNED
    from dsg_forecast.cli import _parser

    sub = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    names = {o for p in sub.choices.values() for a in p._actions for o in a.option_strings}
    assert set(SIGNED) <= names
    for signed in SIGNED:
        clash = {n for n in names - {signed} if n[:4] == signed[:4]}
        assert not clash, clash


def test_a_base_year_far_past_the_data_is_refused():
    # The latest census is January 2024: a base year's plans may be rolled forward at most
    # five years (2028-29); "2060-61" once built a plan of 323,000 BCP plans without a word.
    assert from_public_data("BCP", base_year="2028-29", opening_deficit=0).years[0] == "2028-29"
    with pytest.raises(ValueError, match=r"base_year = '2029-30': .* a base year up to 2028-29"):
        from_public_data("BCP", base_year="2029-30", opening_deficit=0)


def test_an_unknown_council_is_listed_with_the_other_bad_arguments():
    with pytest.raises(ValueError) as e:
        from_public_data("Nowhere", horizon=0, opening_deficit=0)
    assert [i["path"] for i in e.value.issues] == ["council", "horizon"]
    assert "no council, region or England by that name" in str(e.value)
    # Alone, it is the lookup's own error, as before.
    with pytest.raises(dsg.data.UnknownCouncilError):
        from_public_data("Nowhere", opening_deficit=0)
