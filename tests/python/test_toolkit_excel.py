"""Workbooks opened with openpyxl: sheets, values, number formats; the input workbook round
trip; errors that name sheet and cell; nothing written on error."""

from __future__ import annotations

import datetime

import dsg_forecast as dsg
import numpy as np
import openpyxl
import pytest
from dsg_forecast.excel import DFE_CATEGORIES, INPUT_SHEETS
from toolkit_data import RICH_UNCERTAINTY, rich, small


@pytest.fixture(scope="module")
def p():
    return dsg.project(rich())


def rows_by_first(ws):
    return {r[0].value: r for r in ws.iter_rows(min_row=2) if r[0].value is not None}


def test_projection_workbook_sheets_values_and_formats(p, tmp_path):
    path = tmp_path / "plan.xlsx"
    p.to_excel(path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Assumptions", "Projection", "Metrics", "EHCPs"]
    ws = wb["Projection"]
    assert [c.value for c in ws[1]][3:] == p.years
    closing = rows_by_first(ws)["closing_deficit"]
    assert [c.value for c in closing[3:]] == pytest.approx(list(p["closing_deficit"]))
    assert all(isinstance(c.value, (int, float)) for c in closing[3:])  # numbers, not text
    assert "£#,##0" in closing[3].number_format
    assert rows_by_first(ws)["ehcps"][3].number_format == "#,##0"


def test_assumptions_carry_every_input_and_its_source_note(p, tmp_path):
    path = tmp_path / "plan.xlsx"
    p.to_excel(path)
    rows = rows_by_first(openpyxl.load_workbook(path)["Assumptions"])
    assert rows["funding.hnb"][1].value == 50_000_000
    assert rows["funding.hnb"][2].value == "Allocation table, 2024-25."
    assert rows["demand.base_plans.special"][2].value == "SEN2 return, January 2024."
    assert rows["mitigations[2].effect.reduce_growth.points"][2].value == (
        "Early help strategy, 2024."
    )
    assert rows["funding.block_transfer.2025-26"][1].number_format == "0.00%"
    assert "£" in rows["deficit.opening"][1].number_format


def test_metrics_and_the_dfe_ehcp_table(p, tmp_path):
    path = tmp_path / "plan.xlsx"
    p.to_excel(path)
    wb = openpyxl.load_workbook(path)
    m = rows_by_first(wb["Metrics"])
    assert m["closing_deficit"][2].value == pytest.approx(p.metrics["closing_deficit"])
    assert "£" in m["closing_deficit"][2].number_format
    ws = wb["EHCPs"]
    labels = [r[0].value for r in ws.iter_rows(min_row=2)]
    assert labels == [label for _, label in DFE_CATEGORIES] + ["Total"]
    total = [c.value for c in list(ws.iter_rows(min_row=9))[0][1:]]
    assert total == pytest.approx(list(p["ehcps"]))
    special = [c.value for c in list(ws.iter_rows(min_row=4))[0][1:]]
    assert special == pytest.approx(list(p["ehcps.special"]))


def test_comparison_workbook(tmp_path):
    s = rich()
    c = dsg.compare(s.without_mitigations(), s)
    path = tmp_path / "compare.xlsx"
    c.to_excel(path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[:2] == ["Comparison", "Metrics"]
    assert {"Projection 1", "Projection 2", "Assumptions 1", "EHCPs"} <= set(wb.sheetnames)
    rows = [r for r in wb["Comparison"].iter_rows(min_row=3) if r[1].value]
    change = next(r for r in rows if r[0].value == "Rich" and r[1].value.startswith("change"))
    b = dsg.project(s.without_mitigations())["closing_deficit"]
    q = dsg.project(s)["closing_deficit"]
    assert change[2].value == pytest.approx(q.iloc[0] - b.iloc[0])
    assert "£" in change[2].number_format


def test_never_overwrites_unless_asked(p, tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(b"the user's own file")
    with pytest.raises(FileExistsError):
        p.to_excel(path)
    with pytest.raises(FileExistsError):
        dsg.write_input_workbook(path, rich())
    assert path.read_bytes() == b"the user's own file"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["plan.xlsx"]
    p.to_excel(path, overwrite=True)
    assert openpyxl.load_workbook(path).sheetnames[0] == "Assumptions"


def test_a_failed_save_leaves_nothing_on_disk(p, tmp_path, monkeypatch):
    def broken(self, filename):
        raise OSError("disk full")

    monkeypatch.setattr(openpyxl.Workbook, "save", broken)
    with pytest.raises(OSError, match="disk full"):
        p.to_excel(tmp_path / "plan.xlsx")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("make", [rich, small])
def test_input_workbook_round_trip_gives_the_same_projection(make, tmp_path):
    s = make()
    path = tmp_path / "inputs.xlsx"
    dsg.write_input_workbook(path, s)
    assert openpyxl.load_workbook(path).sheetnames == INPUT_SHEETS
    back = dsg.Scenario.from_excel(path)
    np.testing.assert_array_equal(dsg.project(back).to_frame(), dsg.project(s).to_frame())
    assert back.sources == s.sources
    assert dsg.Scenario.from_file(path) == back


def test_input_workbook_is_laid_out_for_a_finance_officer(tmp_path):
    path = tmp_path / "inputs.xlsx"
    dsg.write_input_workbook(path, rich())
    wb = openpyxl.load_workbook(path)
    a = rows_by_first(wb["Assumptions"])
    assert a["funding.hnb"][2].value == "£" and "£" in a["funding.hnb"][1].number_format
    assert a["funding.hnb"][4].value == "Allocation table, 2024-25."
    y = rows_by_first(wb["Yearly"])
    assert [c.value for c in y["funding.hnb_growth"][3:6]] == [0.03, 0.03, 0.04]
    assert y["funding.hnb_growth"][3].number_format == "0.00%"
    pl = rows_by_first(wb["Placements"])
    assert pl["independent"][2].value == 350 and pl["independent"][3].value == 64_000
    mit = rows_by_first(wb["Mitigations"])
    assert mit["Local special places"][3].value == "move_plans"


def edited(tmp_path, edit):
    path = tmp_path / "inputs.xlsx"
    dsg.write_input_workbook(path, rich())
    wb = openpyxl.load_workbook(path)
    edit(wb)
    out = tmp_path / "edited.xlsx"
    wb.save(out)
    return out


def cell_of(ws, field):
    return next(r for r in ws.iter_rows(min_row=2) if r[0].value == field)


def test_missing_sheet_is_named(tmp_path):
    path = edited(tmp_path, lambda wb: wb.remove(wb["Placements"]))
    with pytest.raises(dsg.ScenarioError, match="missing sheet 'Placements'"):
        dsg.Scenario.from_excel(path)


def test_text_in_a_number_cell_names_sheet_and_cell(tmp_path):
    def edit(wb):
        cell_of(wb["Assumptions"], "funding.hnb")[1].value = "fifty million"

    with pytest.raises(dsg.ScenarioError) as e:
        dsg.Scenario.from_excel(edited(tmp_path, edit))
    assert "sheet 'Assumptions' cell B7 (funding.hnb)" in str(e.value)
    assert "not text" in str(e.value)


def test_blank_required_cell_names_sheet_and_cell(tmp_path):
    def edit(wb):
        cell_of(wb["Placements"], "special")[3].value = None

    with pytest.raises(dsg.ScenarioError) as e:
        dsg.Scenario.from_excel(edited(tmp_path, edit))
    assert "sheet 'Placements' cell D4" in str(e.value) and "blank" in str(e.value)


def test_every_cell_problem_in_the_workbook_is_listed_in_one_error(tmp_path):
    # Four problems on four sheets: one error names them all, each with its sheet and cell,
    # so a finance officer can fix the workbook in one pass.
    def edit(wb):
        cell_of(wb["Assumptions"], "funding.hnb")[1].value = "fifty million"
        cell_of(wb["Yearly"], "demand.growth")[5].value = None
        cell_of(wb["Placements"], "special")[3].value = None
        wb.remove(wb["Write-offs"])

    with pytest.raises(dsg.ScenarioError) as e:
        dsg.Scenario.from_excel(edited(tmp_path, edit))
    text = str(e.value)
    assert "4 problems" in text
    for where in (
        "sheet 'Assumptions' cell B7 (funding.hnb)",
        "sheet 'Yearly' cell F7",
        "sheet 'Placements' cell D4",
        "missing sheet 'Write-offs'",
    ):
        assert where in text
    assert len(e.value.issues) == 4
    cells = ["cell B7", "cell F7", "cell D4", "'Write-offs'"]
    assert all(c in i["message"] for i, c in zip(e.value.issues, cells, strict=True))


def test_a_bad_year_heading_does_not_shift_the_columns_after_it(tmp_path):
    # D1 typed as a number: named, and a blank rate in column F is still named with F's year.
    labels = {}

    def edit(wb):
        ws = wb["Yearly"]
        labels["F"] = ws["F1"].value
        ws["D1"].value = 2024
        cell_of(ws, "demand.growth")[5].value = None

    with pytest.raises(dsg.ScenarioError) as e:
        dsg.Scenario.from_excel(edited(tmp_path, edit))
    text = str(e.value)
    assert "sheet 'Yearly' cell D1" in text and 'write "2024-25"' in text
    assert f"sheet 'Yearly' cell F7 (demand.growth {labels['F']}) is blank" in text


def test_a_sheet_with_no_year_headings_is_named_not_a_crash(tmp_path):
    def edit(wb):
        for cell in wb["Yearly"][1][3:]:
            cell.value = None

    with pytest.raises(dsg.ScenarioError, match="sheet 'Yearly' has no year headings"):
        dsg.Scenario.from_excel(edited(tmp_path, edit))


def test_blank_rate_in_a_year_names_the_cell(tmp_path):
    def edit(wb):
        cell_of(wb["Yearly"], "demand.growth")[5].value = None

    with pytest.raises(dsg.ScenarioError, match="sheet 'Yearly' cell F7"):
        dsg.Scenario.from_excel(edited(tmp_path, edit))


def test_invalid_value_goes_through_scenario_validation(tmp_path):
    def edit(wb):
        cell_of(wb["Yearly"], "funding.block_transfer")[4].value = 0.05

    with pytest.raises(dsg.ScenarioError, match="funding.block_transfer"):
        dsg.Scenario.from_excel(edited(tmp_path, edit))


def test_blank_template_lists_the_seven_categories(tmp_path):
    path = tmp_path / "blank.xlsx"
    dsg.write_input_workbook(path)
    cats = [r[0].value for r in openpyxl.load_workbook(path)["Placements"].iter_rows(min_row=2)]
    assert cats == [c for c, _ in DFE_CATEGORIES]
    with pytest.raises(dsg.ScenarioError, match="is blank"):
        dsg.Scenario.from_excel(path)


def test_blank_mix_share_is_an_error_not_a_zero(tmp_path):
    # A blank share used to be read as 0; the mix then failed validation far from the cell.
    def edit(wb):
        cell_of(wb["Placements"], "special")[5].value = None

    with pytest.raises(dsg.ScenarioError) as e:
        dsg.Scenario.from_excel(edited(tmp_path, edit))
    assert "sheet 'Placements' cell F4 (share of special in 2028-29) is blank" in str(e.value)


def uncertain() -> dsg.Scenario:
    return rich().replace({"uncertainty": RICH_UNCERTAINTY})


def test_uncertainty_round_trips_through_the_input_workbook(tmp_path):
    s = uncertain()
    path = tmp_path / "inputs.xlsx"
    dsg.write_input_workbook(path, s)
    back = dsg.Scenario.from_excel(path)
    assert back.to_dict()["uncertainty"] == s.to_dict()["uncertainty"]
    assert back == s
    rows = rows_by_first(openpyxl.load_workbook(path)["Uncertainty"])
    assert rows["persistence"][1].value == 0.5
    assert [c.value for c in rows["ehcp_growth"][1:4]] == ["normal", 0.001, 0.015]
    assert rows["delivery.Early help"][1].value == "beta"
    assert rows["delivery.Early help"][11].value == 3.0  # the beta column
    # The same simulation from the scenario and from its workbook.
    a = dsg.simulate(s, n_paths=200, seed=7).quantile_frame("closing_deficit")
    b = dsg.simulate(back, n_paths=200, seed=7).quantile_frame("closing_deficit")
    np.testing.assert_array_equal(a, b)


def test_no_uncertainty_gives_blank_rows_and_none_back(tmp_path):
    path = tmp_path / "inputs.xlsx"
    dsg.write_input_workbook(path, rich())
    rows = rows_by_first(openpyxl.load_workbook(path)["Uncertainty"])
    assert {"persistence", "correlation", "ehcp_growth", "inflation", "hnb_growth"} <= set(rows)
    assert all(rows[k][1].value is None for k in ("persistence", "ehcp_growth"))
    assert "uncertainty" not in dsg.Scenario.from_excel(path).to_dict()


def test_a_workbook_without_the_uncertainty_sheet_still_reads(tmp_path):
    back = dsg.Scenario.from_excel(edited(tmp_path, lambda wb: wb.remove(wb["Uncertainty"])))
    assert back == rich()


def edited_uncertain(tmp_path, edit):
    path = tmp_path / "inputs.xlsx"
    dsg.write_input_workbook(path, uncertain())
    wb = openpyxl.load_workbook(path)
    edit(wb["Uncertainty"])
    out = tmp_path / "edited.xlsx"
    wb.save(out)
    return out


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (
            lambda ws: setattr(cell_of(ws, "ehcp_growth")[1], "value", "gaussian"),
            ["sheet 'Uncertainty' cell B4 (ehcp_growth) = 'gaussian'", "normal, lognormal"],
        ),
        (
            lambda ws: setattr(cell_of(ws, "ehcp_growth")[9], "value", 0.1),
            ["cell J4 (ehcp_growth max) = 0.1", "normal takes only mean, sd"],
        ),
        (
            lambda ws: setattr(cell_of(ws, "hnb_growth")[7], "value", None),
            ["cell H6 (hnb_growth min) is blank"],
        ),
        (
            lambda ws: setattr(cell_of(ws, "inflation")[1], "value", None),
            ["cell B5 (inflation) is blank", "has a parameter"],
        ),
        (
            lambda ws: setattr(cell_of(ws, "persistence")[1], "value", "half"),
            ["cell B2 (persistence) = 'half'", "not text"],
        ),
        (
            lambda ws: setattr(cell_of(ws, "ehcp_growth")[0], "value", "ehcp"),
            ["cell A4 = 'ehcp'", "unknown field", "delivery.<mitigation name>"],
        ),
        # Values go through the scenario's own validation, which names the field.
        (
            lambda ws: setattr(cell_of(ws, "ehcp_growth")[3], "value", -0.01),
            ["uncertainty.ehcp_growth.sd"],
        ),
        (
            lambda ws: setattr(cell_of(ws, "persistence")[1], "value", 1.0),
            ["uncertainty.persistence"],
        ),
        (
            lambda ws: setattr(cell_of(ws, "delivery.Early help")[0], "value", "delivery.Nope"),
            ["delivery", "Nope"],
        ),
    ],
)
def test_bad_uncertainty_cells_are_named(tmp_path, edit, words):
    with pytest.raises(dsg.ScenarioError) as e:
        dsg.Scenario.from_excel(edited_uncertain(tmp_path, edit))
    for w in words:
        assert w in str(e.value), str(e.value)


@pytest.mark.parametrize(
    "typed", [datetime.datetime(2027, 3, 31), datetime.date(2027, 3, 31)], ids=["datetime", "date"]
)
def test_a_date_typed_into_the_override_end_cell_is_read_as_that_date(tmp_path, typed):
    # Excel turns a typed 2027-03-31 into a date cell; it must read back as "2027-03-31",
    # not "2027-03-31 00:00:00" (which the scenario rejects as not a 31 March date).
    def edit(wb):
        cell = cell_of(wb["Assumptions"], "financing.override_end")[1]
        cell.value = typed
        cell.number_format = "yyyy-mm-dd"

    path = edited(tmp_path, edit)
    s = dsg.Scenario.from_excel(path)
    assert s.to_dict()["financing"]["override_end"] == "2027-03-31"


def _set_year_header(sheet, col):
    def edit(wb):
        wb[sheet].cell(row=1, column=col).value = 2025

    return edit


@pytest.mark.parametrize(
    ("edit", "where"),
    [
        (
            lambda wb: cell_of(wb["Assumptions"], "meta.base_year")[1].__setattr__("value", 2024),
            "sheet 'Assumptions' cell B",
        ),
        (_set_year_header("Yearly", 5), "sheet 'Yearly' cell E1"),
        (_set_year_header("Mitigations", 13), "sheet 'Mitigations' cell M1"),
        (
            lambda wb: wb["Write-offs"].cell(row=2, column=1).__setattr__("value", 2025),
            "sheet 'Write-offs' cell A2",
        ),
        (
            lambda wb: cell_of(wb["Mitigations"], "Early help")[1].__setattr__("value", 2025),
            "sheet 'Mitigations' cell B",
        ),
    ],
    ids=["base_year", "yearly_heading", "mitigation_heading", "write_off_year", "start"],
)
def test_a_number_typed_into_a_year_cell_names_the_cell_and_the_label_to_write(
    tmp_path, edit, where
):
    with pytest.raises(dsg.ScenarioError) as e:
        dsg.Scenario.from_excel(edited(tmp_path, edit))
    msg = str(e.value)
    assert where in msg
    # 2025 is the year starting April 2025: "2025-26" (2024 → "2024-25").
    assert '"2025-26"' in msg or '"2024-25"' in msg
    assert "as text" in msg


def test_a_date_in_a_year_cell_suggests_the_financial_year_it_falls_in(tmp_path):
    # 1 February 2026 falls in the financial year April 2025 to March 2026: "2025-26".
    def edit(wb):
        wb["Write-offs"].cell(row=2, column=1).value = datetime.datetime(2026, 2, 1)

    with pytest.raises(dsg.ScenarioError) as e:
        dsg.Scenario.from_excel(edited(tmp_path, edit))
    assert "sheet 'Write-offs' cell A2" in str(e.value) and '"2025-26"' in str(e.value)


def test_an_existing_file_is_a_file_exists_error_as_the_docs_say(p, tmp_path):
    # Not a ScenarioError: the request is fine, the file is in the way. `except OSError`
    # catches it; docs/toolkit.md must say so where it says bad requests raise ScenarioError.
    path = tmp_path / "plan.xlsx"
    path.write_bytes(b"the user's own file")
    with pytest.raises(OSError) as e:
        p.to_excel(path)
    assert type(e.value) is FileExistsError and not isinstance(e.value, dsg.ScenarioError)
    from pathlib import Path

    docs = (Path(__file__).parents[2] / "docs" / "toolkit.md").read_text(encoding="utf-8")
    assert "FileExistsError" in docs and "except OSError" in docs
