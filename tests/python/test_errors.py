"""Invalid input raises dsg_forecast.ScenarioError (a ValueError) listing every problem."""

from __future__ import annotations

import os

import dsg_forecast as dsg
import pytest
from conftest import MINIMAL, SMALL_TOML


def bad(**sections):
    """MINIMAL with some sections' fields replaced."""
    d = {k: dict(v) for k, v in MINIMAL.items()}
    for section, fields in sections.items():
        d.setdefault(section, {}).update(fields)
    return d


def issues_of(fn, *args):
    with pytest.raises(dsg.ScenarioError) as e:
        fn(*args)
    return e.value.issues


def test_scenario_error_is_a_value_error():
    assert issubclass(dsg.ScenarioError, ValueError)
    with pytest.raises(ValueError):
        dsg.Scenario.from_dict(bad(funding={"hnb": -1.0}))


def test_issues_name_path_year_value_and_rule():
    d = bad(funding={"block_transfer": {"2024-25": 0.005, "2026-27": 0.05}})
    (issue,) = issues_of(dsg.Scenario.from_dict, d)
    assert set(issue) == {"path", "year", "value", "message"}
    assert issue["path"] == "funding.block_transfer"
    assert issue["year"] == "2026-27"
    assert issue["value"] == "0.05"
    assert "0 to 0.02" in issue["message"]


def test_message_lists_every_problem():
    d = bad(
        meta={"horizon": 0},
        funding={"hnb": float("nan"), "hnb_grwoth": 0.05},
        demand={"base_plans": {"mainstream": -4.0, "special": 200.0}},
    )
    with pytest.raises(dsg.ScenarioError) as e:
        dsg.Scenario.from_dict(d)
    paths = {i["path"] for i in e.value.issues}
    assert {
        "meta.horizon",
        "funding.hnb",
        "funding.hnb_grwoth",
        "demand.base_plans.mainstream",
    } <= paths
    text = str(e.value)
    for p in paths:
        assert p in text
    assert text.startswith(f"{len(paths)} problems")


def test_toml_syntax_error_names_line_and_column():
    text = SMALL_TOML.replace("hnb = 15_000_000", "hnb = = 15_000_000")
    with pytest.raises(dsg.ScenarioError) as e:
        dsg.Scenario.from_toml_str(text)
    assert "line 7, column 7" in str(e.value)
    assert len(e.value.issues) == 1


@pytest.mark.parametrize(
    ("sections", "path", "year", "value", "allowed"),
    [
        ({"funding": {"hnb": float("inf")}}, "funding.hnb", None, "inf", "finite"),
        ({"funding": {"hnb_growth": -1.0}}, "funding.hnb_growth", None, "-1", "above -1"),
        (
            {"funding": {"hnb_growth": {"2024-25": 0.03, "2030-31": 0.02}}},
            "funding.hnb_growth",
            None,
            '"2030-31"',
            "2024-25 to 2028-29",
        ),
        (
            {"funding": {"hnb_growth": {"2024-25": 0.03, "2025/27": 0.02}}},
            "funding.hnb_growth",
            None,
            '"2025/27"',
            "financial year",
        ),
        ({"meta": {"horizon": 51}}, "meta.horizon", None, "51", "1 to 50"),
        (
            {"cost": {"unit_cost": {"mainstream": -1.0, "special": 25_000.0}, "inflation": 0.0}},
            "cost.unit_cost.mainstream",
            None,
            "-1",
            "0 or more",
        ),
        (
            {
                "demand": {
                    "growth": 0.0,
                    "base_plans": {"mainstream": 500.0, "special": 200.0},
                    "mix": [{"year": "2026-27", "shares": {"mainstream": 0.7, "special": 0.4}}],
                }
            },
            "demand.mix[0].shares",
            "2026-27",
            "1.1",
            "sum to 1",
        ),
        (
            {"capacity": {"special": {"places": 100.0, "overflow": "independent"}}},
            "capacity.special.overflow",
            None,
            '"independent"',
            "mainstream, special",
        ),
    ],
)
def test_each_bad_input_is_named(sections, path, year, value, allowed):
    (issue,) = issues_of(dsg.Scenario.from_dict, bad(**sections))
    assert issue["path"] == path
    assert issue["year"] == year
    assert issue["value"] == value
    assert allowed in issue["message"]


def test_a_move_larger_than_the_category_names_the_year():
    # special: 200 of 700 plans, total flat; moving 80 a year from 2025-26 asks for 80, 160,
    # 240: short by 40 in 2027-28 and 120 in 2028-29.
    d = bad(demand={"growth": 0.0})
    d["mitigations"] = [
        {
            "name": "inclusion",
            "start": "2025-26",
            "effect": {"move_plans": {"from": "special", "to": "mainstream", "per_year": 80}},
        }
    ]
    issues = issues_of(dsg.Scenario.from_dict, d)
    assert [i["year"] for i in issues] == ["2027-28", "2028-29"]
    assert all(i["path"].startswith("mitigations[0].effect.move_plans") for i in issues)
    assert "40.0" in issues[0]["message"] and "120.0" in issues[1]["message"]


def test_missing_file_raises_scenario_error(tmp_path):
    with pytest.raises(dsg.ScenarioError) as e:
        dsg.Scenario.from_toml(tmp_path / "nope.toml")
    assert "nope.toml" in str(e.value)


def test_no_panic_crosses_into_python():
    # Odd but type-correct input must come back as ScenarioError, never a Rust panic.
    weird = [
        bad(meta={"horizon": 10**6}),
        bad(meta={"horizon": -(10**6)}),
        bad(meta={"base_year": "9999-00"}),
        bad(funding={"hnb": 1e308, "hnb_growth": 1.0}),
        bad(demand={"base_plans": {}}),
        bad(demand={"base_plans": {"mainstream": 0.0, "special": 0.0}}),
    ]
    for d in weird:
        try:
            s = dsg.Scenario.from_dict(d)
        except dsg.ScenarioError:
            continue
        dsg.project(s).to_frame()
    for text in ["", "[meta]", "\x00", "meta = 5", "[[mitigations]]\nname = 1"]:
        with pytest.raises(dsg.ScenarioError):
            dsg.Scenario.from_toml_str(text)
    with pytest.raises(dsg.ScenarioError):
        dsg.Scenario.from_json_str('{"meta": [1, 2')


def test_a_folder_or_unreadable_path_is_a_scenario_error(tmp_path):
    with pytest.raises(dsg.ScenarioError, match="is a folder"):
        dsg.Scenario.from_toml(tmp_path)


@pytest.mark.parametrize("suffix", [".toml", ".json", ".xlsx"])
def test_a_named_pipe_is_refused_at_once_not_waited_on(tmp_path, suffix):
    # Reading a FIFO blocks until something writes to it: the test would hang without the check.
    fifo = tmp_path / f"plan{suffix}"
    os.mkfifo(fifo)
    with pytest.raises(dsg.ScenarioError, match="named pipe.*not a regular file"):
        dsg.Scenario.from_file(fifo)


def test_a_device_or_a_huge_file_is_refused_before_it_is_read(tmp_path):
    with pytest.raises(dsg.ScenarioError, match="character device.*not a regular file"):
        dsg.Scenario.from_toml("/dev/zero")
    big = tmp_path / "big.toml"
    with open(big, "wb") as f:
        f.truncate(30_000_000)  # sparse: no 30 MB written
    with pytest.raises(dsg.ScenarioError, match="30,000,000 bytes; a scenario file is a few"):
        dsg.Scenario.from_toml(big)


def test_the_cli_refuses_a_named_pipe_with_exit_code_2(run_cli, tmp_path):
    fifo = tmp_path / "plan.toml"
    os.mkfifo(fifo)
    r = run_cli("check", fifo)
    assert r.returncode == 2 and "not a regular file" in r.stderr
    assert "Traceback" not in r.stderr


def test_an_error_from_python_values_cites_no_json_position(bcp):
    # The values pass through JSON on their way to Rust; the user never saw that text.
    with pytest.raises(dsg.ScenarioError) as e:
        bcp.replace({"funding.hnb": "a lot"})
    assert str(e.value).startswith("funding.hnb: invalid type")
    assert "line 1 column" not in str(e.value) and "JSON" not in str(e.value)
    assert all("line 1 column" not in i["message"] for i in e.value.issues)


def test_a_type_error_from_python_names_the_field(bcp):
    with pytest.raises(dsg.ScenarioError, match=r"funding\.hnb: invalid type"):
        bcp.replace({"funding.hnb": "a lot"})
