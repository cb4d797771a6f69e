"""What-if sliders for a notebook: move a lever, release it, see the deficit chart and the
headline metrics re-drawn. Needs ipywidgets (``pip install dsg-forecast[notebook]``).

    dsg.what_if(s)
"""

from __future__ import annotations

from typing import Any

from ._format import METRIC_LABELS, metric_text, year_positions
from .goal_seek import set_lever
from .projection import project
from .scenario import Scenario, ScenarioError

#: The sliders: (lever, label, low, high, step, format). Rates as fractions.
SLIDERS = [
    ("hnb_growth", "HNB funding growth a year", 0.0, 0.10, 0.0025, ".2%"),
    ("block_transfer", "Block transfer (share of schools block)", 0.0, 0.02, 0.0005, ".2%"),
    ("ehcp_growth", "EHCP growth a year", -0.02, 0.12, 0.0025, ".2%"),
    ("unit_cost_inflation", "Unit-cost inflation a year", 0.0, 0.08, 0.0025, ".2%"),
]


def _ipywidgets():
    try:
        import ipywidgets
    except ImportError:
        raise ImportError(
            "what_if needs ipywidgets; install it with: pip install 'dsg-forecast[notebook]'"
        ) from None
    return ipywidgets


def _apply(
    base: Scenario, values: dict[str, float], inmss_name: str | None, inmss_size: float
) -> Scenario:
    s = base
    for lever, value in values.items():
        s = set_lever(s, lever, value)
    if inmss_name is not None:
        s = set_lever(s, f"mitigation:{inmss_name}", inmss_size)
    return s


def _inmss_mitigation(s: Scenario) -> str | None:
    """The first mitigation that moves plans out of independent placements, if any."""
    for m in s.to_dict().get("mitigations", []):
        move = m["effect"].get("move_plans")
        if move and move.get("from") == "independent":
            return m["name"]
    return None


def what_if(scenario: Scenario) -> Any:
    """Sliders for HNB growth, block transfer, EHCP growth, unit-cost inflation and (when the
    scenario has a mitigation moving plans out of independent placements) the size of those
    INMSS moves. Each re-projects on release (``continuous_update=False``) and redraws the
    deficit chart and the metrics. Rates apply to every year. Returns the widget box."""
    w = _ipywidgets()
    import matplotlib.pyplot as plt

    p0 = project(scenario)
    sliders = {}
    for lever, label, lo, hi, step, fmt in SLIDERS:
        start = _start_value(p0, scenario, lever)
        sliders[lever] = w.FloatSlider(
            value=min(max(start, lo), hi),
            min=lo,
            max=hi,
            step=step,
            description=label,
            readout_format=fmt,
            continuous_update=False,
            style={"description_width": "260px"},
            layout=w.Layout(width="620px"),
        )
    inmss = _inmss_mitigation(scenario)
    if inmss is not None:
        sliders["inmss"] = w.FloatSlider(
            value=1.0,
            min=0.0,
            max=2.0,
            step=0.05,
            readout_format=".2f",
            description="INMSS moves (× planned)",
            continuous_update=False,
            style={"description_width": "260px"},
            layout=w.Layout(width="620px"),
        )
    out = w.Output()
    metrics = w.HTML()
    touched: set[str] = set()

    def redraw(change: Any = None) -> None:
        if change is not None:
            touched.add(change["owner"].description)
        values = {
            k: s.value for k, s in sliders.items() if k != "inmss" and s.description in touched
        }
        try:
            s = _apply(
                scenario, values, inmss, sliders["inmss"].value if "inmss" in sliders else 1.0
            )
            p = project(s)
        except ScenarioError as e:
            metrics.value = f"<pre>{e}</pre>"
            return
        metrics.value = (
            "<table>"
            + "".join(
                f"<tr><th style='text-align:left'>{METRIC_LABELS[k]}</th>"
                f"<td style='text-align:right'>{metric_text(k, v)}</td></tr>"
                for k, v in p.metrics.items()
            )
            + "</table>"
        )
        with out:
            out.clear_output(wait=True)
            ax = p.plot()
            ax.plot(
                year_positions(p0.years),
                p0["closing_deficit"] / 1e6,
                color="grey",
                lw=1,
                ls=":",
                label="As planned",
            )
            ax.legend(loc="upper left", frameon=False)
            plt.show()

    for s in sliders.values():
        s.observe(redraw, names="value")
    redraw()
    return w.VBox([*sliders.values(), metrics, out])


def _start_value(p, scenario: Scenario, lever: str) -> float:
    """The lever's value in the scenario's second year (the first with a growth rate)."""
    d = scenario.to_dict()
    raw = {
        "hnb_growth": d["funding"].get("hnb_growth", 0.03),
        "block_transfer": d["funding"].get("block_transfer", 0.0),
        "ehcp_growth": d["demand"]["growth"],
        "unit_cost_inflation": d["cost"]["inflation"],
    }[lever]
    if isinstance(raw, dict):
        year = p.years[1] if len(p.years) > 1 else p.years[0]
        known = [y for y in sorted(raw) if y <= year]
        return float(raw[known[-1]]) if known else float(next(iter(raw.values())))
    return float(raw)
