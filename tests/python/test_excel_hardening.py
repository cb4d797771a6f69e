"""Input workbooks that are broken or crafted (issue 9, items 1 and 2): a value far from the data
is an error naming its cell, read in bounded time and memory; corruption is an error naming the
sheet and cell, never a different plan."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import dsg_forecast as dsg
import pytest
from test_toolkit_excel import cell_of, edited
from toolkit_data import rich

ROOT = Path(__file__).resolve().parents[2]


def problems(path) -> str:
    with pytest.raises(dsg.ScenarioError) as e:
        dsg.Scenario.from_excel(path)
    return str(e.value)


# ---- item 2: corruption is an error naming sheet and cell ------------------------------------
def test_a_mitigation_row_with_a_blank_name(tmp_path):
    text = problems(edited(tmp_path, lambda wb: setattr(wb["Mitigations"]["A2"], "value", None)))
    assert "sheet 'Mitigations' cell A2 (mitigation name) is blank" in text


def test_a_blank_category_cell(tmp_path):
    text = problems(edited(tmp_path, lambda wb: setattr(wb["Placements"]["A4"], "value", None)))
    assert "sheet 'Placements' cell A4 (category) is blank" in text


def test_a_category_repeated(tmp_path):
    def edit(wb):
        ws = wb["Placements"]
        ws["A5"].value = ws["A4"].value

    text = problems(edited(tmp_path, edit))
    assert "sheet 'Placements' cell A5 (category)" in text and "repeats cell A4" in text


def test_a_year_heading_repeated(tmp_path):
    def edit(wb):
        ws = wb["Yearly"]
        ws["E1"].value = ws["D1"].value

    text = problems(edited(tmp_path, edit))
    assert "sheet 'Yearly' cell E1" in text and "repeats cell D1" in text


def test_two_year_headings_merged(tmp_path):
    text = problems(edited(tmp_path, lambda wb: wb["Yearly"].merge_cells("E1:F1")))
    assert "sheet 'Yearly' cells E1:F1 are merged" in text
    assert "its column has no year heading (F1" in text


def test_a_formula_with_no_saved_result_is_named_not_read_as_blank(tmp_path):
    # openpyxl and pandas save formulas without calculating them: the cell has no value to
    # read, and blank would mean "the default" (an interest rate of 0) or "no amount".
    def edit(wb):
        cell_of(wb["Assumptions"], "financing.interest_rate")[1].value = "=0.045"
        wb["Yearly"]["E3"].value = "=500000*2"

    text = problems(edited(tmp_path, edit))
    row = cell_of(
        __import__("openpyxl").load_workbook(tmp_path / "edited.xlsx")["Assumptions"],
        "financing.interest_rate",
    )[1].coordinate
    assert f"sheet 'Assumptions' cell {row} holds the formula =0.045 with no saved result" in text
    assert "sheet 'Yearly' cell E3 holds the formula =500000*2 with no saved result" in text


def test_a_formula_saved_with_an_empty_result_and_a_merged_note_below_are_read(tmp_path):
    # Excel saves =IF(…,"",…) with an empty result (<v></v>): a result, not a missing one. A
    # merged note below a table is outside it, as a note is.
    import zipfile

    plain = tmp_path / "inputs.xlsx"
    dsg.write_input_workbook(plain, rich())
    wb = __import__("openpyxl").load_workbook(plain)
    ws = wb["Mitigations"]
    last = ws.max_row
    ws.cell(last + 2, 1).value = "Effects: see the plan"
    ws.merge_cells(start_row=last + 2, start_column=1, end_row=last + 2, end_column=3)
    out = tmp_path / "edited.xlsx"
    wb.save(out)
    assert dsg.Scenario.from_excel(out) == dsg.Scenario.from_excel(plain)
    # The same workbook with a formula cell whose saved result is empty text, in a source-note
    # cell of the Assumptions sheet (E2), patched into the sheet's XML as Excel writes it.
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        files = {n: z.read(n) for n in names}
    sheet = next(n for n in names if n.startswith("xl/worksheets/sheet1"))
    xml = files[sheet].decode()
    assert '<c r="E2"' not in xml  # row 2's source note is empty
    start = xml.index('<row r="2"')
    end = xml.index("</row>", start)
    cell = '<c r="E2" t="str"><f>IF(1=1,"","x")</f><v></v></c>'
    files[sheet] = (xml[:end] + cell + xml[end:]).encode()
    patched = tmp_path / "patched.xlsx"
    with zipfile.ZipFile(patched, "w") as z:
        for n in names:
            z.writestr(n, files[n])
    assert dsg.Scenario.from_excel(patched) == dsg.Scenario.from_excel(plain)


def test_merged_value_cells_are_named_not_read_as_blank(tmp_path):
    def edit(wb):
        row = cell_of(wb["Assumptions"], "financing.interest_rate")[1].row
        wb["Assumptions"].merge_cells(f"B{row - 1}:B{row}")
        wb["Yearly"].merge_cells("E3:G3")

    text = problems(edited(tmp_path, edit))
    assert "sheet 'Assumptions' cells B" in text and "are merged; unmerge them" in text
    assert "sheet 'Yearly' cells E3:G3 are merged; unmerge them" in text


def test_values_out_of_range_name_their_cells_with_unreadable_cells_in_one_error(tmp_path):
    # A value the scenario's own checks refuse names its sheet and cell, and is listed with
    # the cells that could not be read at all, not only after they are mended.
    def edit(wb):
        cell_of(wb["Yearly"], "funding.block_transfer")[5].value = 0.9  # column F
        cell_of(wb["Yearly"], "funding.hnb_growth")[4].value = "3%"  # column E
        wb["Placements"]["C2"].value = -5
        cell_of(wb["Assumptions"], "funding.hnb")[1].value = "fifty million"

    text = problems(edited(tmp_path, edit))
    ws = __import__("openpyxl").load_workbook(tmp_path / "edited.xlsx")
    hnb = cell_of(ws["Assumptions"], "funding.hnb")[1].coordinate
    bt = cell_of(ws["Yearly"], "funding.block_transfer")[5].coordinate
    growth = cell_of(ws["Yearly"], "funding.hnb_growth")[4].coordinate
    year = ws["Yearly"]["F1"].value
    assert text.startswith(f"{tmp_path / 'edited.xlsx'}: 4 problems:"), text
    assert f"sheet 'Assumptions' cell {hnb} (funding.hnb) = 'fifty million'" in text
    assert f"sheet 'Yearly' cell {growth} (funding.hnb_growth" in text
    assert f"sheet 'Yearly' cell {bt}: funding.block_transfer[{year}] = 0.9: expected" in text
    assert "sheet 'Placements' cell C2: demand.base_plans." in text and "= -5: expected" in text


def test_a_value_out_of_range_alone_names_its_cell(tmp_path):
    def edit(wb):
        wb["Placements"]["C2"].value = -5

    text = problems(edited(tmp_path, edit))
    assert "sheet 'Placements' cell C2: demand.base_plans." in text and "= -5" in text


def test_fractional_ramp_years_and_horizon(tmp_path):
    def edit(wb):
        wb["Mitigations"]["C2"].value = 1.5
        cell_of(wb["Assumptions"], "meta.horizon")[1].value = 15.5

    text = problems(edited(tmp_path, edit))
    assert "sheet 'Mitigations' cell C2" in text and "= 1.5: expected a whole number" in text
    assert "(meta.horizon) = 15.5: expected a whole number" in text


def test_every_corruption_is_listed_at_once(tmp_path):
    def edit(wb):
        wb["Mitigations"]["A2"].value = None
        wb["Placements"]["A4"].value = None
        wb["Mitigations"]["C3"].value = 2.5
        wb["Sources"]["A2"].value = None

    with pytest.raises(dsg.ScenarioError) as e:
        dsg.Scenario.from_excel(edited(tmp_path, edit))
    assert len(e.value.issues) == 4, str(e.value)


def test_a_value_below_the_table_after_a_blank_row(tmp_path):
    def edit(wb):
        wb["Placements"]["C40"].value = 500

    text = problems(edited(tmp_path, edit))
    assert "sheet 'Placements' cell C40 = 500: outside the sheet's table" in text


# ---- item 1: a value far from the data -------------------------------------------------------
READ = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))  # a runaway read fails, not the VM
import dsg_forecast as dsg
try:
    dsg.Scenario.from_excel(sys.argv[1])
    out = "read"
except dsg.ScenarioError as e:
    out = str(e)
except MemoryError:
    out = "MemoryError"
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"out": out, "rss": rss}))
"""


def read_in_subprocess(path) -> dict:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "python"), *sys.path])}
    r = subprocess.run(
        [sys.executable, "-c", READ, str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    return json.loads(r.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("sheet", "cell"), [("Placements", "XFD100000"), ("Yearly", "A1048576"), ("Sources", "Z9")]
)
def test_a_stray_value_far_away_is_named_and_cheap(tmp_path, sheet, cell):
    path = edited(tmp_path, lambda wb: setattr(wb[sheet][cell], "value", "stray"))
    assert path.stat().st_size < 50_000
    got = read_in_subprocess(path)
    assert f"sheet '{sheet}' cell {cell} = 'stray': outside the sheet's table" in got["out"]
    assert got["rss"] < 500 * 2**20, got["rss"]


def _crafted(tmp_path) -> Path:
    """An input workbook of about 5 MB, written at the XML level (fast): the Placements sheet
    carries a block of 1,000 rows × 515 columns outside its table (two thirds random numbers,
    one third formatted but empty), and every sheet a value at XFD1048576."""
    import zipfile

    from openpyxl.utils import get_column_letter

    base = tmp_path / "base.xlsx"
    dsg.write_input_workbook(base, rich())
    rng = random.Random(9)
    letters = [get_column_letter(c) for c in range(30, 545)]
    block = []
    for r in range(100, 1100):
        cells = "".join(
            f'<c r="{col}{r}" s="1"/>'
            if k % 3 == 0
            else f'<c r="{col}{r}"><v>{rng.random()!r}</v></c>'
            for k, col in enumerate(letters)
        )
        block.append(f'<row r="{r}">{cells}</row>')
    far = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    out = tmp_path / "crafted.xlsx"
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                text = data.decode()
                extra = far
                if item.filename.endswith("sheet3.xml"):  # Placements, the third sheet
                    extra = "".join(block) + far
                text = text.replace("</sheetData>", extra + "</sheetData>").replace(
                    "<sheetData/>", f"<sheetData>{extra}</sheetData>"
                )
                data = text.encode()
            zout.writestr(item, data)
    return out


def test_a_crafted_workbook_of_several_megabytes_stays_bounded(tmp_path):
    # Up to 5 MB: reading stays under 500 MB (time is a benchmark: docs/toolkit.md).
    path = _crafted(tmp_path)
    assert 3 * 2**20 < path.stat().st_size <= 5 * 2**20, path.stat().st_size
    got = read_in_subprocess(path)
    # Placements holds more values than any input workbook: refused as too large, unread.
    assert "sheet 'Placements' holds more than 200,000 filled cells" in got["out"], got["out"]
    assert "sheet 'Yearly' cell XFD1048576 = 1: outside the sheet's table" in got["out"]
    assert len(got["out"]) < 20_000
    assert got["rss"] < 500 * 2**20, got["rss"]


def test_many_stray_values_are_counted_not_all_listed(tmp_path):
    def edit(wb):
        ws = wb["Write-offs"]
        for r in range(10, 60):
            ws.cell(row=r, column=20).value = r

    with pytest.raises(dsg.ScenarioError) as e:
        dsg.Scenario.from_excel(edited(tmp_path, edit))
    assert "has 50 values outside its table" in str(e.value)
    assert len(e.value.issues) == 21
