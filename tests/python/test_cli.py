"""The ``dsg-forecast`` command, run as a user would (a subprocess)."""

from __future__ import annotations

import csv
import io
import json
import os

import dsg_forecast as dsg
import pytest
from conftest import (
    REQUIRED_LINES,
    REQUIRED_METRICS,
    SMALL_EXPECTED,
    SMALL_TOML,
    _cli_command,
)

YEARS = ["2024-25", "2025-26", "2026-27", "2027-28"]


def assert_clean_failure(result, *phrases):
    """Exit 2, messages on stderr, and no traceback or Rust panic text anywhere."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    for text in (result.stderr, result.stdout):
        assert "Traceback" not in text
        assert "panicked" not in text
        assert "RUST_BACKTRACE" not in text
    for phrase in phrases:
        assert phrase in result.stderr, (phrase, result.stderr)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ---- project ----------------------------------------------------------------------------------
def test_project_prints_the_table_in_pounds_millions(run_cli, small_path):
    r = run_cli("project", small_path)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "Hand-worked" in out
    assert "£m" in out
    header = next(line for line in out.splitlines() if "2024-25" in line)
    assert header.split() == YEARS
    closing = next(line for line in out.splitlines() if line.startswith("Closing"))
    # Hand-worked closing deficits: 5.0m, 4.3m, 6.4m, 5.5m.
    assert closing.split()[-4:] == ["5.0", "4.3", "6.4", "5.5"]
    assert "First year in balance" in out and "2027-28" in out


def test_project_unmitigated_says_so_in_the_table_and_the_json(run_cli, small_path):
    name = dsg.Scenario.from_file(small_path).name
    r = run_cli("project", small_path, "--unmitigated")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == f"{name} (unmitigated)  (£m unless stated)"
    r = run_cli("project", small_path, "--unmitigated", "--json")
    assert json.loads(r.stdout)["scenario"] == f"{name} (unmitigated)"


def test_the_unmitigated_path_of_a_projection_has_the_same_name_everywhere(small_path):
    s = dsg.Scenario.from_file(small_path)
    u = dsg.project(s).unmitigated
    name = f"{s.name} (unmitigated)"
    assert u.scenario.name == name and u.to_dict()["scenario"] == name
    assert dsg.project(s.without_mitigations()).to_dict()["scenario"] == name


def test_project_json_has_the_documented_shape(run_cli, small_path):
    r = run_cli("project", small_path, "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    required = {"scenario", "years", "lines", "metrics"}
    assert required <= set(d)
    # Only each line's unit and the source notes may accompany the documented keys.
    assert set(d) - required <= {"units", "sources", "notes"}
    assert set(d["units"]) == set(d["lines"])
    assert d["scenario"] == "Hand-worked"
    assert d["years"] == YEARS
    for name in REQUIRED_LINES:
        assert name in d["lines"], name
        assert len(d["lines"][name]) == len(YEARS)
    assert set(d["metrics"]) == REQUIRED_METRICS
    # Values in £, as worked by hand.
    for name, values in SMALL_EXPECTED.items():
        assert d["lines"][name] == pytest.approx(values, rel=1e-9), name
    assert d["metrics"]["first_balanced_year"] == "2027-28"
    assert d["metrics"]["peak_deficit"] == pytest.approx(6_359_642.8)
    # deficit_reductions = payments + write-offs: 0, 1.0m + 4,296,275, 1.0m, 0.
    assert d["lines"]["deficit_reductions"] == pytest.approx([0, 5_296_275.0, 1.0e6, 0])


def test_project_csv_to_stdout(run_cli, small_path):
    r = run_cli("project", small_path, "--csv")
    assert r.returncode == 0, r.stderr
    rows = list(csv.reader(io.StringIO(r.stdout)))
    assert rows[0] == ["line", "unit", *YEARS]
    by_name = {row[0]: [float(x) for x in row[2:]] for row in rows[1:]}
    unit = {row[0]: row[1] for row in rows[1:]}
    for name in REQUIRED_LINES:
        assert name in by_name
    assert by_name["closing_deficit"] == pytest.approx(SMALL_EXPECTED["closing_deficit"])
    # Each row says what it counts: money, plans, or money per plan.
    assert unit["closing_deficit"] == "£"
    assert {unit[n] for n in by_name if n.startswith("ehcps")} == {"plans"}
    assert {unit[n] for n in by_name if n.startswith("unit_cost.")} == {"£ per plan"}


def test_project_csv_to_a_file_never_overwrites(run_cli, small_path, tmp_path):
    out = tmp_path / "table.csv"
    r = run_cli("project", small_path, "--csv", out)
    assert r.returncode == 0, r.stderr
    first = out.read_text(encoding="utf-8")
    assert first.startswith("line,unit,2024-25")
    # A second run must refuse, leaving the existing file exactly as it was.
    out.write_text("my own notes", encoding="utf-8")
    r = run_cli("project", small_path, "--csv", out)
    assert_clean_failure(r, str(out))
    assert out.read_text(encoding="utf-8") == "my own notes"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("table")] == ["table.csv"]


def test_chart_is_written_and_never_overwrites(run_cli, small_path, tmp_path):
    png = tmp_path / "deficit.png"
    r = run_cli("project", small_path, "--chart", png)
    assert r.returncode == 0, r.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    png.write_bytes(b"keep")
    r = run_cli("project", small_path, "--chart", png)
    assert_clean_failure(r)
    assert png.read_bytes() == b"keep"


def test_project_json_file_input(run_cli, small_path, tmp_path):
    # A scenario saved as JSON projects the same.
    import dsg_forecast as dsg

    path = tmp_path / "s.json"
    dsg.Scenario.from_toml(small_path).to_json(path)
    a = json.loads(run_cli("project", small_path, "--json").stdout)
    b = json.loads(run_cli("project", path, "--json").stdout)
    assert a == b


# ---- check ------------------------------------------------------------------------------------
def test_check_a_good_file(run_cli, small_path):
    r = run_cli("check", small_path)
    assert r.returncode == 0, r.stderr
    assert "OK" in r.stdout


def test_check_a_syntax_error(run_cli, tmp_path):
    path = write(tmp_path, "bad.toml", SMALL_TOML.replace("hnb = 15_000_000", "hnb = = 1"))
    r = run_cli("check", path)
    assert_clean_failure(r, "line 7, column 7")


def test_check_an_unknown_key(run_cli, tmp_path):
    path = write(tmp_path, "typo.toml", SMALL_TOML.replace("hnb_growth =", "hnb_grwoth ="))
    r = run_cli("check", path)
    assert_clean_failure(r, "funding.hnb_grwoth", "unknown field")


def test_several_problems_are_all_on_stderr(run_cli, tmp_path):
    text = (
        SMALL_TOML.replace("horizon = 4", "horizon = 51")
        .replace("hnb = 15_000_000", "hnb = -15")
        .replace("independent = 100 }", "independent = nan }")
        .replace("interest_rate = 0.04", "interest_rat = 0.04")
    )
    path = write(tmp_path, "many.toml", text)
    for command in ("check", "project"):
        r = run_cli(command, path)
        assert_clean_failure(
            r,
            "meta.horizon",
            "funding.hnb",
            "demand.base_plans.independent",
            "financing.interest_rat",
        )
        assert r.stdout == ""


def test_a_move_beyond_the_category_names_the_year(run_cli, tmp_path):
    # 200 a year over a 2-year ramp asks for 100 plans by 2025-26 (independent holds 163.5)
    # and 300 by 2026-27, when independent holds 227 before moves: 73 short.
    text = SMALL_TOML.replace("per_year = 20 }", "per_year = 200 }")
    r = run_cli("check", write(tmp_path, "move.toml", text))
    assert_clean_failure(r, "mitigations[2].effect.move_plans[2026-27]", "73.0")
    assert "2025-26" not in r.stderr


def test_missing_file(run_cli, tmp_path):
    missing = tmp_path / "nowhere.toml"
    for command in ("check", "project"):
        r = run_cli(command, missing)
        assert_clean_failure(r, "nowhere.toml")


def test_not_utf8_file(run_cli, tmp_path):
    path = tmp_path / "binary.toml"
    path.write_bytes(b"\xff\xfe\x00garbage")
    assert_clean_failure(run_cli("check", path))


def test_bcp_example_projects(run_cli, bcp_path):
    r = run_cli("project", bcp_path, "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["years"][0] == "2024-25" and d["years"][-1] == "2038-39"


def test_project_json_carries_the_source_notes(run_cli, bcp_path):
    r = run_cli("project", bcp_path, "--json")
    assert r.returncode == 0, r.stderr
    sources = json.loads(r.stdout)["sources"]
    assert "DfE advised" in sources["funding.hnb_growth"]
    assert any(k.startswith("mitigations.") for k in sources)


def test_output_onto_the_scenario_file_is_refused_even_with_force(run_cli, small_path):
    before = small_path.read_bytes()
    r = run_cli("project", small_path, "--csv", small_path, "--force")
    assert r.returncode == 2
    assert "that is the scenario file" in r.stderr
    assert small_path.read_bytes() == before


def test_existing_output_is_refused_before_any_work(run_cli, small_path, tmp_path):
    chart = tmp_path / "deficit.png"
    chart.write_bytes(b"mine")
    r = run_cli("project", small_path, "--chart", chart)
    assert r.returncode == 2
    assert "--force" in r.stderr and "overwrite=True" not in r.stderr
    assert r.stdout == ""  # nothing printed before the refusal
    assert chart.read_bytes() == b"mine"


def test_chart_format_follows_the_extension(run_cli, small_path, tmp_path):
    pdf = tmp_path / "deficit.pdf"
    r = run_cli("project", small_path, "--chart", pdf)
    assert r.returncode == 0, r.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
    r = run_cli("project", small_path, "--chart", tmp_path / "deficit.jpg")
    assert r.returncode == 2 and "unknown chart format" in r.stderr


def test_outputs_are_readable_by_colleagues(run_cli, small_path, tmp_path):
    out = tmp_path / "table.csv"
    r = run_cli("project", small_path, "--csv", out)
    assert r.returncode == 0, r.stderr
    mask = os.umask(0)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask


def test_piping_into_a_reader_that_stops_early_is_not_an_error(small_path):
    import subprocess

    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone, as after `| head`
    try:
        r = subprocess.run(
            [*_cli_command(), "project", str(small_path), "--json"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    finally:
        os.close(write_end)
    assert r.returncode == 0, r.stderr
    assert "Error" not in r.stderr and "Traceback" not in r.stderr


def test_a_mitigation_absorbed_by_a_full_category_is_noted(run_cli, tmp_path, bcp):
    full = bcp.replace(
        {"capacity": {"special": {"places": 1100, "overflow": "independent"}}},
    )
    path = tmp_path / "full.toml"
    full.to_toml(path)
    p = dsg.project(full)
    notes = [n for n in p.notes if "Local special places" in n]
    assert len(notes) == 1 and "overflow straight back to independent" in notes[0], p.notes
    r = run_cli("project", path)
    assert r.returncode == 0, r.stderr
    assert "Note:" in r.stdout and "at its limit of 1100 places" in r.stdout
    assert dsg.project(bcp).notes == []


def _strict_json(text: str):
    """Parse JSON as the standard defines it: NaN, Infinity and -Infinity are not JSON."""

    def refuse(name):
        raise ValueError(f"{name} is not valid JSON")

    return json.loads(text, parse_constant=refuse)


def test_project_json_is_always_valid_json(run_cli, tmp_path):
    # The largest plan a scenario accepts: £1 trillion a year of spend growing 100% a year
    # for 50 years. Every value stays finite (money is capped at £1tn) and the JSON is strict.
    text = (
        '[meta]\nname = "extreme"\nbase_year = "2024-25"\nhorizon = 50\n'
        "[funding]\nhnb = 1e12\nhnb_growth = 1.0\n"
        "[deficit]\nopening = -1e12\n"
        "[demand]\ngrowth = 1.0\nbase_plans = { special = 1e7 }\n"
        "[cost]\nunit_cost = { special = 1e12 }\ninflation = 1.0\n"
    )
    path = tmp_path / "extreme.toml"
    path.write_text(text)
    r = run_cli("project", str(path), "--json")
    assert r.returncode == 0, r.stderr
    d = _strict_json(r.stdout)
    assert d["years"][-1] == "2073-74"
    # A bound rejected value (1e300 as in the report) is an error naming the field, exit 2.
    path.write_text(text.replace("hnb = 1e12", "hnb = 1e300"))
    r = run_cli("check", str(path))
    assert r.returncode == 2
    assert "funding.hnb" in r.stderr and "1 trillion" in r.stderr


def test_check_prints_the_notes_on_a_valid_plan(run_cli, tmp_path):
    # funding.hnb = 59.0 meant as £59m: valid, but the check says money is in pounds.
    path = tmp_path / "units.toml"
    path.write_text(
        '[meta]\nname = "units"\nbase_year = "2024-25"\nhorizon = 3\n[funding]\nhnb = 59.0\n'
        "[demand]\ngrowth = 0.05\nbase_plans = { special = 100 }\n"
        "[cost]\nunit_cost = { special = 26000 }\ninflation = 0.02\n"
    )
    r = run_cli("check", str(path))
    assert r.returncode == 0, r.stderr
    assert "OK" in r.stdout
    assert "Note: funding.hnb = 59" in r.stdout and "pounds" in r.stdout
