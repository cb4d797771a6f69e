"""Edits a finance officer makes to an input workbook's layout (the audit of the Excel input
workbook): columns moved, year columns moved or deleted, template rows or sheets deleted or
renamed, a mitigation named like the template's note. Each either reads as the plan the cells
show, or is an error naming the sheet and cell; never a different plan without a word."""

from __future__ import annotations

import dsg_forecast as dsg
import openpyxl
import pytest
from test_excel_cohort import hand
from test_toolkit_excel import edited
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

    back = dsg.Scenario.from_excel(edited(tmp_path, edit))
    assert [m["name"] for m in back.to_dict()["mitigations"]][-1] == "Extra"
