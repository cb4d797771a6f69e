"""dsg-forecast councils / history / baseline."""

from __future__ import annotations


def test_councils_search_lists_matches(run_cli):
    r = run_cli("councils", "northampton")
    assert r.returncode == 0, r.stderr
    assert "North Northamptonshire" in r.stdout and "West Northamptonshire" in r.stdout
    assert "940" in r.stdout and "E06000061" in r.stdout


def test_history_prints_the_census_table(run_cli):
    r = run_cli("history", "E06000058", "--by", "total")
    assert r.returncode == 0, r.stderr
    for n in ("2,448", "2,627", "3,063", "3,266", "3,769"):
        assert n in r.stdout
    assert "Source:" in r.stdout


def test_unknown_council_exits_2_with_suggestions_and_no_traceback(run_cli):
    r = run_cli("history", "Bornemouth")
    assert r.returncode == 2
    assert "Bournemouth" in r.stderr and "Traceback" not in r.stderr


def test_baseline_writes_a_commented_toml_that_check_accepts(run_cli, tmp_path):
    out = tmp_path / "plan.toml"
    r = run_cli("baseline", "839", "--base-year", "2024-25", "--opening-deficit", "63e6",
                "-o", out)  # fmt: skip
    assert r.returncode == 0, r.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# ") and "Open Government Licence" in text
    assert "opening = 63000000" in text
    ok = run_cli("check", out)
    assert ok.returncode == 0 and "OK" in ok.stdout
    again = run_cli("baseline", "839", "--opening-deficit", "63e6", "-o", out)
    assert again.returncode == 2 and "--force" in again.stderr
    assert (
        run_cli("baseline", "839", "--opening-deficit", "1", "-o", out, "--force").returncode == 0
    )


def test_baseline_without_opening_deficit_says_what_to_pass(run_cli):
    r = run_cli("baseline", "Bournemouth, Christchurch and Poole")
    assert r.returncode == 2
    assert "--opening-deficit" in r.stderr and "Traceback" not in r.stderr


def test_baseline_to_a_named_pipe_is_refused_without_suggesting_force(run_cli, tmp_path):
    import os

    fifo = tmp_path / "out.toml"
    os.mkfifo(fifo)
    r = run_cli("baseline", "BCP", "--opening-deficit", "63e6", "-o", fifo)
    assert r.returncode == 2 and "not a regular file" in r.stderr, r.stderr
    assert "--force" not in r.stderr.replace("even with --force", "")
