"""Comparison: each scenario against the base, in £m and %, per year and per metric."""

from __future__ import annotations

import dsg_forecast as dsg
import numpy as np
import pytest
from toolkit_data import rich, small


def test_each_scenario_against_the_base_by_year():
    s = rich()
    base, plan = dsg.project(s.without_mitigations()), dsg.project(s)
    c = dsg.compare(s.without_mitigations(), plan)  # a Scenario and a Projection
    assert isinstance(c, dsg.Comparison)
    assert c.names == ["Rich (unmitigated)", "Rich"]
    f = c.to_frame()
    b, p = base["closing_deficit"].to_numpy(), plan["closing_deficit"].to_numpy()
    np.testing.assert_allclose(f.loc[("Rich", "£m")].to_numpy(), p / 1e6)
    np.testing.assert_allclose(f.loc[("Rich", "change vs base (£m)")].to_numpy(), (p - b) / 1e6)
    np.testing.assert_allclose(
        f.loc[("Rich", "change vs base (%)")].to_numpy(), (p - b) / np.abs(b) * 100
    )
    assert (f.loc[("Rich (unmitigated)", "change vs base (£m)")] == 0).all()
    assert list(f.columns) == s.years


def test_metrics_against_the_base():
    s = rich()
    c = dsg.compare(s.without_mitigations(), s)
    m = c.metrics_frame()
    b = dsg.project(s.without_mitigations()).metrics["peak_deficit"]
    p = dsg.project(s).metrics["peak_deficit"]
    assert m.at["peak_deficit", ("Rich", "change vs base (£m)")] == pytest.approx((p - b) / 1e6)
    assert m.at["peak_deficit", ("Rich", "change vs base (%)")] == pytest.approx((p - b) / b * 100)


def test_html_summary_names_the_headline_figures():
    s = rich()
    html = dsg.compare(s.without_mitigations(), s)._repr_html_()
    for text in ["Rich (unmitigated)", "First balanced year", "Peak deficit", "2031-32", "£"]:
        assert text in html


def test_plot_overlays_one_path_per_scenario():
    s = rich()
    lower = s.replace({"funding.hnb_growth": 0.05})
    ax = dsg.compare(s, lower, s.without_mitigations()).plot()
    assert len(ax.get_lines()) == 3 + 1  # three paths and the zero line
    assert [t.get_text() for t in ax.get_xticklabels()] == s.years
    assert ax.yaxis.get_major_formatter()(40, 0) == "£40m"


def test_scenarios_over_different_years_are_refused():
    with pytest.raises(dsg.ScenarioError, match="same years"):
        dsg.compare(small(), rich())
    with pytest.raises(TypeError):
        dsg.compare(small(), "not a scenario")


@pytest.mark.parametrize("line", ["x", None, "mitigation_effect.Nope"])
def test_an_unknown_line_is_a_scenario_error_listing_the_lines(line):
    c = dsg.compare(small(), small().replace({"funding.hnb_growth": 0.02}))
    with pytest.raises(dsg.ScenarioError) as e:
        c.to_frame(line)
    assert f"line = {line!r}" in str(e.value)
    assert "closing_deficit" in str(e.value) and e.value.issues


def test_repr_counts_scenarios_in_good_english():
    s = small()
    assert repr(dsg.compare(s)) == f"<Comparison of 1 scenario: the base {s.name!r} alone>"
    two = repr(dsg.compare(s, s.replace(funding__hnb_growth=0.05), names=["a", "b"]))
    assert two == "<Comparison of 2 scenarios against 'a'>"
