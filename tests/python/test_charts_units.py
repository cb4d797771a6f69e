"""Charts and tables in the reader's units (issue 9, item 14): x is the year's real position, so
actuals overlaid by year label land on their year; £bn from £10bn; never "−£0.0m"."""

from __future__ import annotations

import dsg_forecast as dsg
import matplotlib
import numpy as np
import pytest
from dsg_forecast._format import pounds_m
from dsg_forecast.plotting import POUNDS_M

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def national(bcp):
    # A national-scale run: the deficit passes £10bn.
    return dsg.project(bcp.replace({"deficit.opening": 300e9}))


def _closing_line(ax):
    return next(x for x in ax.get_lines() if x.get_label() == "Closing cumulative deficit")


def test_an_overlay_by_year_label_lands_on_that_year(bcp):
    p = dsg.project(bcp)
    ax = p.plot()
    line = _closing_line(ax)
    k = p.years.index("2026-27")
    assert line.get_xdata()[k] == dsg.year_position("2026-27") == 2026
    # a user's actual for 2026-27, placed by its label, sits on the model's 2026-27 point
    ax.plot(dsg.year_position("2026-27"), 150.0, "k*")
    assert ax.get_lines()[-1].get_xdata()[0] == line.get_xdata()[k]
    ticks = dict(zip(ax.get_xticks(), [t.get_text() for t in ax.get_xticklabels()], strict=True))
    assert ticks[2026] == "2026-27"


def test_comparison_and_fan_charts_use_the_same_positions(bcp):
    cmp = dsg.compare(bcp.without_mitigations(), bcp)
    ax = cmp.plot()
    assert list(ax.get_lines()[0].get_xdata()) == [dsg.year_position(y) for y in cmp.years]
    sim = dsg.simulate(
        bcp.replace({"uncertainty": {"ehcp_growth": {"distribution": "normal", "sd": 0.01}}}),
        n_paths=300,
        progress=False,
    )
    ax = sim.plot_fan()
    assert ax.get_lines()[0].get_xdata()[0] == 2024


def test_year_position_checks_its_argument():
    assert dsg.year_position("2030/31") == 2030
    with pytest.raises(dsg.ScenarioError, match="2030-31"):
        dsg.year_position("2030")
    with pytest.raises(dsg.ScenarioError):
        dsg.year_position(2030)


def test_text_and_tables_switch_to_bn_past_10bn(national, bcp):
    assert pounds_m(350_123_000_000) == "£350.1bn"
    assert pounds_m(9_999_000_000) == "£9,999.0m"
    assert "£300.2bn" in repr(national)
    frame = national.summary_frame()
    assert "Closing cumulative deficit (£bn)" in frame.index
    assert frame.loc["Closing cumulative deficit (£bn)"].iloc[0] == "300.0"
    assert "In-year deficit (+) / surplus (−) (£m)" in frame.index  # small lines stay in £m
    assert "£300.2bn" in national._repr_html_()
    cmp = dsg.compare(bcp, bcp.replace({"deficit.opening": 300e9}))
    assert "£bn" in cmp.to_frame().index.get_level_values("measure")
    assert "bn" in cmp.metrics_frame().to_string() or "bn" in cmp._repr_html_()


def test_charts_switch_to_bn_past_10bn(national):
    ax = national.plot()
    fig = ax.figure
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert any(t.endswith("bn") for t in labels), labels
    assert not any(t.endswith("m") for t in labels), labels
    assert "£bn" in ax.get_ylabel()
    fig = national.plot_summary()
    fig.canvas.draw()
    money = [a for a in fig.axes if "£" in a.get_ylabel()]
    assert money and all("£bn" in a.get_ylabel() or "£m" in a.get_ylabel() for a in money)


def test_cli_table_in_bn(run_cli, tmp_path, bcp):
    path = tmp_path / "national.toml"
    bcp.replace({"deficit.opening": 300e9}).to_toml(path)
    r = run_cli("project", path)
    assert r.returncode == 0, r.stderr
    assert "Closing cumulative deficit (£bn)" in r.stdout and "£300.2bn" in r.stdout


def test_never_negative_zero():
    assert pounds_m(-1.0) == "£0.0m"
    assert pounds_m(-49_999.0) == "£0.0m"
    assert pounds_m(-50_001.0) == "−£0.1m"
    assert POUNDS_M(-0.2, 0) == "£0m"
    assert POUNDS_M(-5.0, 0) == "−£5m"


def test_tables_never_show_negative_zero(small):
    # A plan balanced to within pennies: the in-year line is a tiny negative in some years.
    p = dsg.project(small)
    frame = p.summary_frame()
    assert not any(v.startswith("-0.0") for v in np.ravel(frame.to_numpy()))
    from dsg_forecast._format import fixed

    assert fixed(-1.0, 1e6) == "0.0" and fixed(-0.04, 1) == "0.0"
