"""Edits a finance officer makes to an input workbook's layout (the audit of the Excel input
workbook): columns moved, year columns moved or deleted, template rows or sheets deleted or
renamed, a mitigation named like the template's note. Each either reads as the plan the cells
show, or is an error naming the sheet and cell; never a different plan without a word."""

from __future__ import annotations

import dsg_forecast as dsg
import openpyxl
import pytest
from test_excel_cohort import hand
from test_toolkit_excel import cell_of, edited
from toolkit_data import rich


def problems(path) -> str:
    with pytest.raises(dsg.ScenarioError) as e:
        dsg.Scenario.from_excel(path)
    return str(e.value)


def swap_columns(ws, a: str, b: str) -> None:
    """Swap columns ``a`` and ``b`` (letters), heading and all, as cut and paste does."""
    for row in ws.iter_rows(min_row=1, max_row=ws.max_row):
        ca = next(c for c in row if c.column_letter == a)
        cb = next(c for c in row if c.column_letter == b)
        ca.value, cb.value = cb.value, ca.value


def edited_from(tmp_path, s: dsg.Scenario, edit):
    path = tmp_path / "inputs.xlsx"
    dsg.write_input_workbook(path, s)
    wb = openpyxl.load_workbook(path)
    edit(wb)
    out = tmp_path / "edited.xlsx"
    wb.save(out)
    return out


# ---- A1: the Placements, Mitigations and Transitions sheets are read by heading ---------------
def test_swapped_placement_columns_are_read_by_their_headings(tmp_path):
    # EHCPs (C) and unit cost (D) swapped, heading and all: by position this read 64,000
    # plans at £350 each.
    path = edited(tmp_path, lambda wb: swap_columns(wb["Placements"], "C", "D"))
    assert dsg.Scenario.from_excel(path) == rich()


def test_swapped_from_and_to_columns_are_read_by_their_headings(tmp_path):
    path = edited(tmp_path, lambda wb: swap_columns(wb["Mitigations"], "F", "G"))
    assert dsg.Scenario.from_excel(path) == rich()


def test_swapped_transition_columns_are_read_by_their_headings(tmp_path):
    path = edited_from(tmp_path, hand(), lambda wb: swap_columns(wb["Transitions"], "B", "C"))
    assert dsg.Scenario.from_excel(path) == hand()


def test_an_unknown_or_missing_heading_names_the_cell_and_the_heading_expected(tmp_path):
    def edit(wb):
        wb["Placements"]["D1"].value = "Cost"
        wb["Mitigations"]["F1"].value = "Moved from"

    text = problems(edited(tmp_path, edit))
    assert "sheet 'Placements' cell D1 (column heading) = 'Cost': unknown column" in text
    assert "sheet 'Placements' has no column headed 'Unit cost (£ a plan)'" in text
    assert "sheet 'Mitigations' cell F1 (column heading) = 'Moved from': unknown column" in text
    assert "sheet 'Mitigations' has no column headed 'From'" in text


# ---- A5: a mitigation named "Effects: ..." is a mitigation -------------------------------------
def test_a_mitigation_named_like_the_note_row_is_read(tmp_path):
    s = rich()
    d = s.to_dict()
    old = d["mitigations"][0]["name"]
    d["mitigations"][0]["name"] = "Effects: early help"
    if f"mitigations.{old}" in d.get("sources", {}):
        d["sources"]["mitigations.Effects: early help"] = d["sources"].pop(f"mitigations.{old}")
    s = dsg.Scenario.from_dict(d)
    path = tmp_path / "inputs.xlsx"
    dsg.write_input_workbook(path, s)
    assert dsg.Scenario.from_excel(path) == s


def test_the_note_row_joined_to_the_table_is_still_skipped(tmp_path):
    # A mitigation typed into the blank row above the note joins the note to the table.
    def edit(wb):
        ws = wb["Mitigations"]
        blank = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value is None)
        for c, v in enumerate(["Extra", "2025-26", 1, "reduce_growth", 0.01], start=1):
            ws.cell(blank, c).value = v

    back = dsg.Scenario.from_excel(edited(tmp_path, edit)).to_dict()
    before = rich().to_dict()
    # Exactly one mitigation more (the note row added none), and nothing else changed.
    assert [m["name"] for m in back["mitigations"]] == [
        *(m["name"] for m in before["mitigations"]),
        "Extra",
    ]
    assert back["mitigations"][:-1] == before["mitigations"]
    assert {k: v for k, v in back.items() if k != "mitigations"} == {
        k: v for k, v in before.items() if k != "mitigations"
    }


# ---- A4: Yearly year headings run one after another from the base year ------------------------
def test_yearly_year_headings_out_of_order_name_the_cell(tmp_path):
    def edit(wb):
        ws = wb["Yearly"]
        ws["E1"].value, ws["F1"].value = ws["F1"].value, ws["E1"].value

    text = problems(edited(tmp_path, edit))
    assert "sheet 'Yearly' cell E1 = '2026-27': expected '2025-26'" in text
    assert "one after another from 2024-25" in text


def test_a_deleted_yearly_year_column_names_the_cell(tmp_path):
    text = problems(edited(tmp_path, lambda wb: wb["Yearly"].delete_cols(5)))  # 2025-26
    assert "sheet 'Yearly' cell E1 = '2026-27': expected '2025-26'" in text


def test_the_last_yearly_year_column_deleted_is_named(tmp_path):
    def edit(wb):
        ws = wb["Yearly"]
        ws.delete_cols(ws.max_column)

    text = problems(edited(tmp_path, edit))
    assert "sheet 'Yearly' has year headings only to '2030-31'" in text
    assert "add the missing columns" in text


# ---- B1: a deleted template row is an error, a blank one keeps its meaning --------------------
@pytest.mark.parametrize(
    ("sheet", "field"),
    [
        ("Yearly", "funding.block_transfer"),
        ("Assumptions", "deficit.opening"),
        ("Assumptions", "funding.hnb"),
        ("Yearly", "demand.growth"),
    ],
)
def test_a_deleted_template_row_is_named(tmp_path, sheet, field):
    def edit(wb):
        ws = wb[sheet]
        ws.delete_rows(cell_of(ws, field)[0].row)

    text = problems(edited(tmp_path, edit))
    assert f"sheet {sheet!r} has no row {field} (" in text and "put the row back" in text


def test_a_deleted_non_plan_growth_row_is_named(tmp_path):
    s = rich().replace({"cost.non_plan": {"transport": {"base": 1e6, "growth": 0.05}}})

    def edit(wb):
        ws = wb["Yearly"]
        ws.delete_rows(cell_of(ws, "cost.non_plan.transport.growth")[0].row)

    text = problems(edited_from(tmp_path, s, edit))
    assert "sheet 'Yearly' has no row cost.non_plan.transport.growth" in text


def test_blank_optional_rows_still_read_as_the_default(tmp_path):
    def edit(wb):
        cell_of(wb["Assumptions"], "deficit.opening")[1].value = None
        for c in cell_of(wb["Yearly"], "funding.block_transfer")[3:]:
            c.value = None

    back = dsg.Scenario.from_excel(edited(tmp_path, edit))
    assert back.to_dict()["deficit"].get("opening", 0) == 0
    assert back.to_dict()["funding"].get("block_transfer", 0) == 0


# ---- B2: a sheet the template does not have ---------------------------------------------------
def test_a_renamed_actuals_sheet_is_named(tmp_path):
    def edit(wb):
        wb["Actuals"].title = "Actuals (2)"

    text = problems(edited(tmp_path, edit))
    assert "sheet 'Actuals (2)' is not a sheet of the input workbook" in text
    assert "name it 'Actuals'" in text and "Assumptions, Yearly, Placements" in text


def test_an_extra_sheet_is_named(tmp_path):
    text = problems(edited(tmp_path, lambda wb: wb.create_sheet("My notes")))
    assert "sheet 'My notes' is not a sheet of the input workbook; expected only" in text


# ---- D5: the scenario's own checks name the sheet and cell ------------------------------------
def test_an_actual_for_an_unknown_category_names_its_cell(tmp_path):
    def edit(wb):
        row = cell_of(wb["Actuals"], "ehcps.special")
        row[0].value = "ehcps.specail"
        row[5].value = 100.0

    text = problems(edited(tmp_path, edit))
    assert (
        "sheet 'Actuals' cell A" in text and 'actuals.ehcps_by_category.specail = "specail"' in text
    )


def test_an_actual_beyond_the_horizon_names_its_cell(tmp_path):
    def edit(wb):
        ws = wb["Actuals"]
        col = ws.max_column + 1
        ws.cell(1, col).value = "2060-61"
        ws.cell(2, col).value = 5.0

    path = edited(tmp_path, edit)
    letter = openpyxl.utils.get_column_letter(openpyxl.load_workbook(path)["Actuals"].max_column)
    assert f"sheet 'Actuals' cell {letter}2: actuals.closing_deficit" in problems(path)


def test_a_renamed_category_names_the_cells(tmp_path):
    text = problems(edited(tmp_path, lambda wb: setattr(wb["Placements"]["A4"], "value", "x")))
    assert "sheet 'Placements' cell E4: capacity.x: missing field `places`" in text
    assert "sheet 'Yearly' cell A" in text and "capacity.special: missing field" in text


# ---- D2: a workbook is written only to .xlsx --------------------------------------------------
@pytest.mark.parametrize("name", ["plan.toml", "plan.json", "plan.csv", "plan"])
def test_a_workbook_is_not_written_over_another_kind_of_file(tmp_path, name):
    path = tmp_path / name
    path.write_text("[meta]\n")
    with pytest.raises(dsg.OutputPathError, match="only to a file ending .xlsx") as e:
        dsg.write_input_workbook(path, rich(), overwrite=True)
    assert str(path) in str(e.value) and isinstance(e.value, ValueError)
    assert path.read_text() == "[meta]\n"


def test_a_cleared_heading_names_its_column_and_the_heading_expected(tmp_path):
    text = problems(edited(tmp_path, lambda wb: setattr(wb["Placements"]["B1"], "value", None)))
    assert "sheet 'Placements' cell B2 = " in text and "its column has no heading (B1" in text
    assert "sheet 'Placements' has no column headed 'Label'" in text
    assert "outside the sheet's table" not in text
