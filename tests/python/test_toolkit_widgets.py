"""What-if sliders: they re-project on release only, and a moved slider changes the metrics."""

from __future__ import annotations

import dsg_forecast as dsg
import matplotlib
import pytest
from toolkit_data import rich

matplotlib.use("Agg")
ipywidgets = pytest.importorskip("ipywidgets")


def sliders(box):
    return [w for w in box.children if isinstance(w, ipywidgets.FloatSlider)]


def test_sliders_update_on_release_only():
    box = dsg.what_if(rich())
    found = sliders(box)
    names = [s.description for s in found]
    assert "HNB funding growth a year" in names and "INMSS moves (× planned)" in names
    assert all(s.continuous_update is False for s in found)


def test_moving_a_slider_re_projects():
    s = rich()
    box = dsg.what_if(s)
    html = next(w for w in box.children if isinstance(w, ipywidgets.HTML))
    before = html.value
    transfer = next(w for w in sliders(box) if w.description.startswith("Block transfer"))
    transfer.value = 0.02
    assert html.value != before
    from dsg_forecast._format import pounds_m

    direct = dsg.project(s.replace({"funding.block_transfer": 0.02}))
    assert pounds_m(direct.metrics["closing_deficit"]) in html.value
