"""How a projection shows itself: the notebook table in £m and the deficit chart."""

from __future__ import annotations

import re

import dsg_forecast as dsg
import matplotlib.pyplot as plt
import pytest
from dsg_forecast._format import METRIC_LABELS


def test_repr_html_is_a_table_in_pounds_millions(small_projection):
    html = small_projection._repr_html_()
    assert "<table" in html
    for year in ["2024-25", "2025-26", "2026-27", "2027-28"]:
        assert year in html
    assert "£m" in html
    # Hand-worked closing deficits to one decimal of £m: 5.0, 4.3, 6.4, 5.5.
    for text in ["5.0", "4.3", "6.4", "5.5"]:
        assert re.search(rf">\s*{re.escape(text)}\s*<", html), text
    # In-year deficit 2024-25 £3.0m, and the 2027-28 surplus of £0.9m shown as negative.
    assert re.search(r">\s*3\.0\s*<", html)
    assert re.search(r">\s*-0\.9\s*<", html)
    # No money cell in raw pounds.
    assert "6359642" not in html and "6,359,642" not in html


def test_repr_html_shows_headline_metrics(small_projection):
    html = small_projection._repr_html_()
    for label in METRIC_LABELS.values():
        assert label in html, label
    assert "Hand-worked" in html
    assert "£6.4m" in html  # peak deficit
    assert "2027-28" in html  # first balanced year


def test_money_cells_have_one_decimal(small_projection):
    frame = small_projection.summary_frame()
    money_rows = [r for r in frame.index if r.endswith("(£m)")]
    assert money_rows
    for row in money_rows:
        for cell in frame.loc[row]:
            assert re.fullmatch(r"-?[\d,]+\.\d", cell), (row, cell)


def test_repr_is_one_readable_line(small_projection):
    text = repr(small_projection)
    assert "Hand-worked" in text and "2024-25" in text and "\n" not in text


def test_plot_returns_axes_with_title_money_axis_and_years(small_projection):
    ax = small_projection.plot()
    from matplotlib.axes import Axes

    assert isinstance(ax, Axes)
    assert "Hand-worked" in ax.get_title()
    assert "£m" in ax.get_ylabel()
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == ["2024-25", "2025-26", "2026-27", "2027-28"]
    # The closing deficit line is drawn in £m: 5.0 at the first year.
    ys = [line.get_ydata() for line in ax.get_lines() if len(line.get_ydata()) == 4]
    assert any(y[0] == pytest.approx(5.0) for y in ys)
    # The y tick labels read as £m.
    ax.figure.canvas.draw()
    ticks = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert ticks and all("£" in t for t in ticks), ticks


def test_plot_draws_on_a_given_axes(small_projection):
    fig, ax = plt.subplots()
    assert small_projection.plot(ax=ax) is ax
    # Mitigated and unmitigated closing deficit lines.
    assert len([ln for ln in ax.get_lines() if len(ln.get_ydata()) == 4]) >= 2


def test_plot_without_mitigations_has_no_unmitigated_line(small):
    ax = dsg.project(small.without_mitigations()).plot()
    labels = [ln.get_label() for ln in ax.get_lines()]
    assert not any("without mitigations" in lab for lab in labels)


def test_deficit_chart_marks_reserves_override_end_and_write_offs(bcp):
    import matplotlib

    matplotlib.use("Agg")
    plan = bcp.replace({"deficit.write_offs": [{"year": "2025-26", "share": 0.9}]})
    p = dsg.project(plan)
    ax = p.plot()
    labels = [line.get_label() for line in ax.get_lines()]
    assert "General fund reserves (£50m)" in labels
    assert "Statutory override ends (2028-03-31)" in labels
    override = next(x for x in ax.get_lines() if x.get_label().startswith("Statutory"))
    # The line sits at the end of 2027-28, the year that ends on 31 March 2028.
    # x is the year's starting calendar year: 2027-28 is at 2027.
    assert override.get_xdata()[0] == dsg.year_position("2027-28") + 0.5 == 2027.5
    written = p["write_offs"]["2025-26"] / 1e6
    notes = [t.get_text() for t in ax.texts]
    assert notes == [f"Write-off £{written:,.1f}m"]
    assert written > 50  # 90% of the deficit standing at the end of 2025-26
