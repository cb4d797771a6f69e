"""Charts, checked on the Axes (lines, bars, labels, £m formatting, year labels), not pixels."""

from __future__ import annotations

import dsg_forecast as dsg
import matplotlib
import pytest
from dsg_forecast.charts import waterfall_steps
from toolkit_data import rich, small

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def p():
    return dsg.project(rich())


def ticks(ax):
    return [t.get_text() for t in ax.get_xticklabels()]


def money(ax):
    text = ax.yaxis.get_major_formatter()(25, 0)
    return "£" in text and text.endswith("m")


def test_trajectory_has_opening_and_closing_lines_and_in_year_bars(p):
    ax = p.plot_trajectory()
    labels = [line.get_label() for line in ax.get_lines()]
    assert "Opening cumulative deficit" in labels and "Closing cumulative deficit" in labels
    assert len(ax.patches) == len(p.years)
    assert ticks(ax) == p.years and money(ax) and ax.get_title()
    closing = next(line for line in ax.get_lines() if line.get_label().startswith("Closing"))
    assert closing.get_ydata()[-1] == pytest.approx(p["closing_deficit"].iloc[-1] / 1e6)


def test_income_against_expenditure(p):
    ax = p.plot_income_expenditure()
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["Total income", "Total expenditure"]
    assert ticks(ax) == p.years and money(ax)


def test_spend_by_placement_is_stacked_to_the_total(p):
    ax = p.plot_spend_by_placement()
    n = len(p.years)
    assert len(ax.patches) == n * (7 + 1)  # seven categories and spend not tied to plans
    tops = [max(b.get_y() + b.get_height() for b in ax.patches[k::n]) for k in range(n)]
    expected = (p["total_expenditure"] - p["mitigation_costs"] + p["mitigation_savings"]) / 1e6
    assert tops == pytest.approx(list(expected))
    assert ticks(ax) == p.years and money(ax)


def test_ehcps_by_placement_count_plans(p):
    ax = p.plot_ehcps()
    n = len(p.years)
    tops = [max(b.get_y() + b.get_height() for b in ax.patches[k::n]) for k in range(n)]
    assert tops == pytest.approx(list(p["ehcps"]))
    assert "plans" in ax.get_ylabel() and ticks(ax) == p.years


def test_waterfall_steps_add_up_from_unmitigated_to_plan(p):
    steps = waterfall_steps(p)
    assert steps[0][1] == pytest.approx(p.unmitigated.metrics["closing_deficit"])
    assert steps[-1][1] == pytest.approx(p.metrics["closing_deficit"])
    assert sum(v for _, v in steps[1:-1]) == pytest.approx(steps[-1][1] - steps[0][1])
    ax = p.plot_waterfall()
    assert len(ax.patches) == len(steps) and money(ax)
    assert [t.get_text() for t in ax.get_xticklabels()][1] == "Local special places"


def test_waterfall_needs_mitigations():
    with pytest.raises(ValueError, match="no mitigations"):
        dsg.project(small()).plot_waterfall()


def test_summary_is_one_figure_of_four_charts(p):
    fig = p.plot_summary()
    assert len(fig.axes) == 4
    assert all(ticks(ax) == p.years for ax in fig.axes)
    assert sum(money(ax) for ax in fig.axes) == 3  # EHCPs are in plans


def test_charts_draw_on_a_given_axes(p):
    import matplotlib.pyplot as plt

    _, ax = plt.subplots()
    assert p.plot_trajectory(ax=ax) is ax


def test_money_axes_start_at_zero_when_every_value_is_positive(p):
    # Income and expenditure are all well above £0, so an autoscaled axis would start near
    # the smallest of them and make the gap between the lines look far larger than it is.
    low = min(p["total_income"].min(), p["total_expenditure"].min()) / 1e6
    high = max(p["total_income"].max(), p["total_expenditure"].max()) / 1e6
    assert low > 0.3 * high  # the case the fix is for
    assert p.plot_income_expenditure().get_ylim()[0] == 0
    panel = p.plot_summary().axes[1]
    assert panel.get_title() == "High needs income and expenditure"
    assert panel.get_ylim()[0] == 0
    # An axis that has to show negatives keeps them.
    assert p.plot_trajectory().get_ylim()[0] <= min(0, p["in_year_deficit"].min() / 1e6)


def test_comparison_draws_the_base_dashed_grey_and_the_others_solid():
    s = rich()
    ax = dsg.compare(s.without_mitigations(), s).plot()
    base, plan = ax.get_lines()[0], ax.get_lines()[1]
    assert base.get_linestyle() == "--" and plan.get_linestyle() == "-"
    r, g, b, _ = matplotlib.colors.to_rgba(base.get_color())
    assert r == g == b  # grey
    assert ax.get_ylim()[0] == 0  # closing deficits all above £0 here
    assert min(line.get_ydata().min() for line in ax.get_lines()[:2]) > 0


def test_tornado_title_names_the_year_and_plan_and_bars_show_their_range():
    s = rich()
    t = dsg.tornado(s, drivers=["hnb_growth", "interest_rate"])
    ax = t.plot()
    assert ax.get_title() == f"What moves the closing deficit in {s.years[-1]}: {s.name}"
    labels = [a.get_text() for a in ax.texts]
    # Default ranges: HNB growth 1% to 5%, interest 2% to 6% (see default_ranges).
    assert "1.00% to 5.00%" in labels and "2.00% to 6.00%" in labels
    # The override in the test plan ends on 31 March 2028: the year 2027-28.
    t2 = dsg.tornado(s, "deficit_at_override_end", drivers=["hnb_growth"])
    assert t2.plot().get_title().endswith(f"ends (2027-28): {s.name}")
    t3 = dsg.tornado(s, "total_financing_cost", drivers=["hnb_growth"])
    assert f"{s.years[0]} to {s.years[-1]}" in t3.plot().get_title()


def _refuses_ax(call, value="x", says="expected a matplotlib Axes"):
    """``call(value)`` raises a ScenarioError (a ValueError) naming ``ax`` and the value."""
    with pytest.raises(dsg.ScenarioError) as e:
        call(value)
    assert isinstance(e.value, ValueError)
    assert [(i["path"], i["value"]) for i in e.value.issues] == [("ax", repr(value))]
    assert f"ax = {value!r}: " in str(e.value) and says in str(e.value)


#: Every chart a projection, comparison or tornado draws, by name: chart(p, ax).
CHARTS = {
    "plot": lambda p, ax: p.plot(ax=ax),
    "plot_trajectory": lambda p, ax: p.plot_trajectory(ax=ax),
    "plot_income_expenditure": lambda p, ax: p.plot_income_expenditure(ax=ax),
    "plot_spend_by_placement": lambda p, ax: p.plot_spend_by_placement(ax=ax),
    "plot_ehcps": lambda p, ax: p.plot_ehcps(ax=ax),
    "plot_waterfall": lambda p, ax: p.plot_waterfall(ax=ax),
    "Comparison.plot": lambda p, ax: dsg.compare(p.scenario, p.scenario).plot(ax=ax),
    "Tornado.plot": lambda p, ax: dsg.tornado(p.scenario, drivers=["hnb_growth"]).plot(ax=ax),
}


@pytest.mark.parametrize("chart", CHARTS.values(), ids=list(CHARTS))
def test_a_chart_refuses_an_ax_that_is_not_an_axes(p, chart):
    _refuses_ax(lambda ax: chart(p, ax))


def test_a_figure_or_several_axes_as_ax_says_to_pass_one_axes(p):
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2)
    _refuses_ax(lambda ax: p.plot_trajectory(ax=ax), fig, "pass one of its Axes, e.g. fig.axes[0]")
    _refuses_ax(lambda ax: p.plot_trajectory(ax=ax), axes, "pass one of them, e.g. axes[0, 0]")
    plt.close(fig)
