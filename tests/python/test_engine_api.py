"""The Python API named in the issue: scenarios in and out, what-ifs, projections as pandas."""

from __future__ import annotations

import pickle

import dsg_forecast as dsg
import numpy as np
import pandas as pd
import pytest
from conftest import MINIMAL, REQUIRED_LINES, SMALL_EXPECTED

YEARS = ["2024-25", "2025-26", "2026-27", "2027-28"]
METRICS = {
    "first_balanced_year",
    "peak_deficit",
    "peak_deficit_year",
    "closing_deficit",
    "total_financing_cost",
    "deficit_at_override_end",
    "reserves_exceeded_year",
}


# ---- scenarios ---------------------------------------------------------------------------------
def test_public_names():
    for name in ["Scenario", "Projection", "ScenarioError", "project", "__version__"]:
        assert name in dsg.__all__
        assert hasattr(dsg, name)


def test_from_toml_reads_a_file(small_path, small):
    s = dsg.Scenario.from_toml(small_path)
    assert s == small
    assert s.name == "Hand-worked"
    assert s.years == YEARS
    assert list(s.categories) == ["mainstream", "special", "independent"]
    assert len(s.mitigation_names) == 6


def test_toml_and_json_round_trip(small, tmp_path):
    toml_path = tmp_path / "s.toml"
    json_path = tmp_path / "s.json"
    small.to_toml(toml_path)
    small.to_json(json_path)
    assert dsg.Scenario.from_toml(toml_path) == small
    assert dsg.Scenario.from_json(json_path) == small
    assert dsg.Scenario.from_file(json_path) == small
    # The same projection, value for value.
    a = dsg.project(small).to_frame()
    b = dsg.project(dsg.Scenario.from_json(json_path)).to_frame()
    pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_to_toml_never_overwrites_by_default(small, tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text("precious", encoding="utf-8")
    with pytest.raises(FileExistsError):
        small.to_toml(path)
    assert path.read_text(encoding="utf-8") == "precious"
    small.to_toml(path, overwrite=True)
    assert dsg.Scenario.from_toml(path) == small


def test_replace_returns_a_new_validated_scenario(small):
    before = small.to_dict()
    s2 = small.replace({"funding.hnb_growth": 0.04})
    assert s2 is not small and s2 != small
    assert s2.to_dict()["funding"]["hnb_growth"] == 0.04
    assert small.to_dict() == before, "the base scenario must not change"
    s3 = small.replace(funding__block_transfer=0.01)
    assert s3.to_dict()["funding"]["block_transfer"] == 0.01
    s4 = small.replace({"mitigations[0].ramp_years": 3})
    assert s4.to_dict()["mitigations"][0]["ramp_years"] == 3


def test_replace_changes_the_projection_as_worked_by_hand(small):
    # HNB 1% higher in every year raises income by 1% of 15.0m, 16.5m, 17.325m, 18.19125m.
    base = dsg.project(small)["total_income"]
    more = dsg.project(small.replace({"funding.hnb": 15_150_000}))["total_income"]
    np.testing.assert_allclose(
        (more - base).to_numpy(), [150_000.0, 165_000.0, 173_250.0, 181_912.5], rtol=1e-9
    )


def test_replace_with_a_bad_value_raises(small):
    with pytest.raises(dsg.ScenarioError) as e:
        small.replace({"funding.hnb_growth": -1.5})
    assert any(i["path"] == "funding.hnb_growth" for i in e.value.issues)
    with pytest.raises(dsg.ScenarioError):
        small.replace({"funding.hnb_grwoth": 0.05})


def test_scenarios_are_frozen(small):
    with pytest.raises(AttributeError):
        small.name = "other"
    with pytest.raises(AttributeError):
        small._core = None
    # Editing a dict copy does not touch the scenario.
    d = small.to_dict()
    d["funding"]["hnb"] = 0
    assert small.to_dict()["funding"]["hnb"] == 15_000_000


def test_pickle_round_trip(small):
    again = pickle.loads(pickle.dumps(small))
    assert again == small
    assert hash(again) == hash(small)
    pd.testing.assert_frame_equal(dsg.project(again).to_frame(), dsg.project(small).to_frame())


def test_from_dict_and_without_mitigations(small):
    s = dsg.Scenario.from_dict(MINIMAL)
    assert s.years == ["2024-25", "2025-26", "2026-27", "2027-28", "2028-29"]
    bare = small.without_mitigations()
    assert bare.mitigation_names == []
    assert len(small.mitigation_names) == 6


# ---- projections -------------------------------------------------------------------------------
def test_project_returns_a_projection(small_projection):
    assert isinstance(small_projection, dsg.Projection)
    assert small_projection.years == YEARS


def test_project_rejects_other_types():
    with pytest.raises(TypeError):
        dsg.project({"meta": {}})


def test_to_frame_is_lines_by_years_in_pounds(small_projection):
    f = small_projection.to_frame()
    assert list(f.columns) == YEARS
    for line in [
        *REQUIRED_LINES,
        "spend.special",
        "ehcps.independent",
        "unit_cost.mainstream",
        "mitigation_effect.save",
        "unmitigated_closing_deficit",
    ]:
        assert line in f.index, line
    for line, values in SMALL_EXPECTED.items():
        np.testing.assert_allclose(f.loc[line].to_numpy(), values, rtol=1e-9, err_msg=line)
    # £, not £m: the 2026-27 closing deficit is £6,359,642.80.
    assert f.at["closing_deficit", "2026-27"] == pytest.approx(6_359_642.8, rel=1e-12)
    m = small_projection.to_frame(millions=True)
    assert m.at["closing_deficit", "2026-27"] == pytest.approx(6.3596428, rel=1e-9)
    assert m.at["ehcps", "2026-27"] == pytest.approx(1135.0)


def test_getitem_gives_a_series_by_year(small_projection):
    s = small_projection["in_year_deficit"]
    assert isinstance(s, pd.Series)
    assert list(s.index) == YEARS
    assert s["2024-25"] == pytest.approx(3.0e6)
    with pytest.raises(KeyError):
        small_projection["no_such_line"]


def test_to_long_is_tidy(small_projection):
    long = small_projection.to_long()
    assert list(long.columns) == ["line", "year", "value", "unit"]
    n_lines = len(small_projection.to_frame())
    assert len(long) == n_lines * len(YEARS)
    row = long[(long.line == "closing_deficit") & (long.year == "2024-25")]
    assert row["value"].item() == pytest.approx(5.0e6)
    assert row["unit"].item() == "£"
    assert set(long.loc[long.line == "ehcps", "unit"]) == {"plans"}
    assert set(long.loc[long.line == "unit_cost.special", "unit"]) == {"£ per plan"}


def test_line_info_has_labels_and_units(small_projection):
    info = small_projection.line_info
    assert list(info.columns) == ["label", "unit"]
    assert info.at["closing_deficit", "unit"] == "£"
    assert "deficit" in info.at["closing_deficit", "label"].lower()


def test_metrics_as_worked_by_hand(small_projection):
    m = small_projection.metrics
    assert set(m) == METRICS
    assert m["first_balanced_year"] == "2027-28"
    assert m["peak_deficit"] == pytest.approx(6_359_642.8)
    assert m["peak_deficit_year"] == "2026-27"
    assert m["closing_deficit"] == pytest.approx(5_496_515.9898)
    assert m["total_financing_cost"] == pytest.approx(776_167.031796)
    assert m["deficit_at_override_end"] == pytest.approx(6_359_642.8)
    assert m["reserves_exceeded_year"] == "2026-27"


def test_metrics_are_none_where_not_applicable():
    p = dsg.project(dsg.Scenario.from_dict(MINIMAL))
    m = p.metrics
    assert m["reserves_exceeded_year"] is None  # no reserves given
    assert p.unmitigated is None


def test_unmitigated_projection_is_beside_the_plan(small_projection):
    u = small_projection.unmitigated
    assert isinstance(u, dsg.Projection)
    assert u.unmitigated is None
    # Without mitigations plans grow 10% a year from 1,000.
    np.testing.assert_allclose(u["ehcps"].to_numpy(), [1000, 1100, 1210, 1331], rtol=1e-12)
    np.testing.assert_allclose(
        u["closing_deficit"].to_numpy(),
        small_projection["unmitigated_closing_deficit"].to_numpy(),
    )


def test_projection_is_deterministic(small):
    a = dsg.project(small).to_frame()
    b = dsg.project(small).to_frame()
    pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_bcp_example_loads_and_projects(bcp):
    p = dsg.project(bcp)
    assert p.years[0] == "2024-25" and p.years[-1] == "2038-39"
    assert p.unmitigated is not None
    assert bcp.sources, "the example carries source notes"
