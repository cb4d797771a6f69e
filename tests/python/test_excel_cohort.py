"""The input workbook holds the cohort model (Cohort and Transitions sheets), the [actuals]
section (Actuals sheet) and every mitigation field (cease_at_age's age, a roll-forward's
carried plans, reduce_new_plans, negative save amounts): a scenario written and read back is
equal to it (``==``, not only the same projection), and a corrupted cell is an error naming
the sheet and cell, every problem at once."""

from __future__ import annotations

from pathlib import Path

import dsg_forecast as dsg
import openpyxl
import pytest
from dsg_forecast.excel import INPUT_SHEETS
from toolkit_data import rich

DATA = Path(__file__).resolve().parents[1] / "data"


def hand() -> dsg.Scenario:
    return dsg.Scenario.from_file(DATA / "cohort_hand.toml")


def hand_with_flow_mitigations() -> dsg.Scenario:
    return hand().replace(
        {
            "mitigations": [
                {"name": "Early help", "start": "2025-26", "ramp_years": 2,
                 "effect": {"reduce_new_plans": {"share": 0.2}}},
                {"name": "Cease at 2", "start": "2024-25",
                 "effect": {"cease_at_age": {"age": 2, "share": 0.1, "category": "b"}}},
                {"name": "Cease at 1", "start": "2025-26",
                 "effect": {"cease_at_age": {"age": 1, "share": 0.05}}},
                {"name": "Headroom", "start": "2024-25",
                 "effect": {"save": {"amounts": {"2024-25": 1000.0, "2025-26": -2500.5}}}},
            ],
            "sources": {"mitigations.Early help": "Early help strategy.",
                        "demand.cohort.stock": "SEN2, January 2024."},
        }
    )  # fmt: skip


@pytest.fixture(scope="module")
def bcp() -> dsg.Scenario:
    return dsg.Scenario.from_public_data("BCP", opening_deficit=63e6, demand="cohort")


def write(tmp_path, s: dsg.Scenario, name: str = "inputs.xlsx") -> Path:
    path = tmp_path / name
    dsg.write_input_workbook(path, s)
    return path


def edited(tmp_path, s: dsg.Scenario, edit) -> Path:
    wb = openpyxl.load_workbook(write(tmp_path, s))
    edit(wb)
    out = tmp_path / "edited.xlsx"
    wb.save(out)
    return out


def problems(path) -> dsg.ScenarioError:
    with pytest.raises(dsg.ScenarioError) as e:
        dsg.Scenario.from_excel(path)
    return e.value


# ---- round trips ----------------------------------------------------------------------------
@pytest.mark.parametrize("make", [hand, hand_with_flow_mitigations])
def test_a_cohort_scenario_round_trips_exactly(tmp_path, make):
    s = make()
    assert dsg.Scenario.from_excel(write(tmp_path, s)) == s


def test_the_bcp_public_data_cohort_baseline_round_trips_exactly(tmp_path, bcp):
    d = bcp.to_dict()
    assert d["demand"]["model"] == "cohort" and d["actuals"]["ehcps_by_category"]
    back = dsg.Scenario.from_excel(write(tmp_path, bcp))
    assert back == bcp
    assert back.to_dict() == d
    assert dsg.Scenario.from_file(tmp_path / "inputs.xlsx") == bcp


def test_actuals_and_carried_plans_round_trip_on_a_growth_scenario(tmp_path):
    s = rich().replace(
        {
            "mitigations[0].carried": 37.25,
            "actuals": {
                "closing_deficit": {"2022-23": 12e6, "2023-24": -1.5e6, "2025-26": 40e6},
                "in_year_deficit": {"2024-25": 8_123_456.78},
                "total_income": {"2024-25": 55e6},
                "total_expenditure": {"2024-25": 63e6},
                "hnb_funding": {"2019-20": 41e6},
                "ehcps": {"2023-24": 3100.0},
                "ehcps_by_category": {"special": {"2023-24": 790.0}, "post16": {"2024-25": 510.0}},
            },
            "sources": {"actuals.closing_deficit": "Outturn reports."},
        }
    )
    back = dsg.Scenario.from_excel(write(tmp_path, s))
    assert back == s
    assert back.to_dict()["mitigations"][0]["carried"] == 37.25


def test_a_growth_table_starting_the_year_after_the_base_year_round_trips(tmp_path):
    s = rich().replace({"demand.growth": {"2025-26": 0.05, "2027-28": 0.03}})
    assert dsg.Scenario.from_excel(write(tmp_path, s)) == s


def test_numbers_keep_their_last_bit(tmp_path):
    # openpyxl alone writes 16 significant digits: 0.10211526000000005 came back 0.1021152600000001
    for s in (
        rich().replace({"cost.inflation": 0.10211526000000005}),
        hand().replace({"demand.cohort.new_plans": [4.0, 2.0000000000000004, 0.0]}),
    ):
        back = dsg.Scenario.from_excel(write(tmp_path, s, f"{id(s)}.xlsx"))
        assert back == s
    assert back.to_dict()["demand"]["cohort"]["new_plans"][1] == 2.0000000000000004


def test_a_growth_scenario_still_has_the_usual_sheets(tmp_path):
    wb = openpyxl.load_workbook(write(tmp_path, rich()))
    assert wb.sheetnames == INPUT_SHEETS
    assert INPUT_SHEETS[-2:] == ["Actuals", "Sources"] and "Cohort" not in INPUT_SHEETS


# ---- layout ----------------------------------------------------------------------------------
def test_the_cohort_sheets_are_laid_out_by_age_with_units(tmp_path, bcp):
    wb = openpyxl.load_workbook(write(tmp_path, bcp))
    assert wb.sheetnames[:5] == ["Assumptions", "Yearly", "Placements", "Cohort", "Transitions"]
    a = {r[0].value: r for r in wb["Assumptions"].iter_rows(min_row=2)}
    assert a["demand.model"][1].value == "cohort"
    assert a["demand.cohort.ageing"][1].value is True
    ws = wb["Cohort"]
    heads = [c.value for c in ws[1]]
    assert heads[0] == "age" and "stock.special" in heads and "new_plan_mix.post16" in heads
    assert heads[-3:] == ["new_plans", "cessation", "net_other"]
    assert [ws.cell(r, 1).value for r in range(2, 28)] == list(range(26))
    assert ws.cell(28, 1).value is None and ws.cell(29, 1).value.startswith("Units: ")
    col = {h: k + 1 for k, h in enumerate(heads)}
    assert ws.cell(2, col["stock.special"]).number_format == "#,##0.0"
    assert ws.cell(2, col["new_plan_mix.special"]).number_format == "0.0%"
    assert ws.cell(2, col["cessation"]).number_format == "0.00%"
    assert isinstance(ws.cell(12, col["new_plans"]).value, float)
    t = wb["Transitions"]
    assert [c.value for c in t[1]] == ["Age", "From", "To", "Share"]
    first = bcp.to_dict()["demand"]["cohort"]["transitions"][0]
    assert [c.value for c in t[2]] == [first["age"], first["from"], first["to"], first["share"]]
    act = {r[0].value: r for r in wb["Actuals"].iter_rows(min_row=2)}
    years = [c.value for c in wb["Actuals"][1]][3:]
    assert act["ehcps"][3 + years.index("2023-24")].value == 3769
    assert years[-1] == bcp.years[-1]


def test_mitigations_have_age_and_carried_columns(tmp_path):
    wb = openpyxl.load_workbook(write(tmp_path, hand_with_flow_mitigations()))
    ws = wb["Mitigations"]
    assert [c.value for c in ws[1]][:11] == [
        "Name", "Start", "Ramp years", "Effect", "Size", "From", "To", "Category", "Age",
        "Carried", "Source note",
    ]  # fmt: skip
    row = {r[0].value: r for r in ws.iter_rows(min_row=2)}["Cease at 2"]
    assert [c.value for c in row[3:9]] == ["cease_at_age", 0.1, None, None, "b", 2]


def test_a_workbook_with_the_older_mitigations_layout_still_reads(tmp_path):
    s = rich()

    def edit(wb):
        ws = wb["Mitigations"]
        ws.delete_cols(9, 2)  # no Age and Carried columns, years from J

    assert dsg.Scenario.from_excel(edited(tmp_path, s, edit)) == s


# ---- corruption: errors naming sheet and cell ------------------------------------------------
def test_a_blank_age_cell(tmp_path):
    text = str(
        problems(edited(tmp_path, hand(), lambda wb: setattr(wb["Cohort"]["A3"], "value", None)))
    )
    assert "sheet 'Cohort' cell A3 (age) is blank but cell B3" in text


def test_a_repeated_age(tmp_path):
    text = str(
        problems(edited(tmp_path, hand(), lambda wb: setattr(wb["Cohort"]["A4"], "value", 1)))
    )
    assert "sheet 'Cohort' cell A4 (age) = 1: repeats cell A3" in text


def test_ages_out_of_order_or_fractional(tmp_path):
    def edit(wb):
        wb["Cohort"]["A2"].value = 0.5
        wb["Cohort"]["A4"].value = 7

    text = str(problems(edited(tmp_path, hand(), edit)))
    assert "sheet 'Cohort' cell A2 (age) = 0.5: expected a whole number" in text
    assert "sheet 'Cohort' cell A4 (age) = 7: expected age 2" in text


def test_text_in_a_number_cell(tmp_path):
    text = str(
        problems(
            edited(tmp_path, hand(), lambda wb: setattr(wb["Cohort"]["B3"], "value", "twenty"))
        )
    )
    assert (
        "sheet 'Cohort' cell B3 (stock.a at age 1) = 'twenty': expected a number, not text" in text
    )


def test_a_blank_number_cell_is_an_error_not_a_zero(tmp_path):
    text = str(
        problems(edited(tmp_path, hand(), lambda wb: setattr(wb["Cohort"]["E4"], "value", None)))
    )
    assert "sheet 'Cohort' cell E4 (new_plan_mix.b at age 2) is blank; expected a number" in text


@pytest.mark.parametrize(
    ("heading", "words"),
    [
        ("stock.c", "(column heading) = 'stock.c': no placement category 'c' on the Placements"),
        ("stocks.a", "(column heading) = 'stocks.a': unknown column"),
        ("stock.b", "(column heading) = 'stock.b': repeats cell B1"),
    ],
)
def test_an_unknown_or_repeated_column(tmp_path, heading, words):
    text = str(
        problems(edited(tmp_path, hand(), lambda wb: setattr(wb["Cohort"]["B1"], "value", heading)))
    )
    cell = "C1" if "repeats" in words else "B1"
    assert f"sheet 'Cohort' cell {cell} {words}" in text


def test_a_value_outside_the_cohort_table(tmp_path):
    def edit(wb):
        wb["Cohort"]["Z40"].value = 5
        wb["Cohort"]["C9"].value = 3  # below the blank row, not the units note

    text = str(problems(edited(tmp_path, hand(), edit)))
    assert "sheet 'Cohort' cell Z40 = 5: outside the sheet's table" in text
    assert "sheet 'Cohort' cell C9 = 3: outside the sheet's table" in text


def test_transitions_cells_are_named(tmp_path):
    def edit(wb):
        ws = wb["Transitions"]
        ws["B2"].value = "nowhere"
        ws["D2"].value = "a quarter"
        ws["A3"].value = None
        ws["B3"].value = "a"

    e = problems(edited(tmp_path, hand(), edit))
    text = str(e)
    assert (
        "sheet 'Transitions' cell B2 (transition from) = 'nowhere': no placement category" in text
    )
    assert "sheet 'Transitions' cell D2 (transition share (age 1)) = 'a quarter'" in text
    assert "sheet 'Transitions' cell A3 (transition age) is blank but cell B3" in text


def test_a_cohort_scenario_without_its_cohort_sheet(tmp_path):
    text = str(problems(edited(tmp_path, hand(), lambda wb: wb.remove(wb["Cohort"]))))
    assert "missing sheet 'Cohort'" in text


def test_a_missing_required_column(tmp_path):
    text = str(problems(edited(tmp_path, hand(), lambda wb: wb["Cohort"].delete_cols(7, 1))))
    assert "sheet 'Cohort' has no cessation column" in text


def test_a_cohort_sheet_in_a_growth_model_workbook(tmp_path):
    def edit(wb):
        ws = wb["Assumptions"]
        next(r for r in ws.iter_rows(min_row=2) if r[0].value == "demand.model")[1].value = None

    text = str(problems(edited(tmp_path, hand(), edit)))
    assert "sheet 'Cohort' is present but demand.model" in text


def test_actuals_and_mitigation_cells_are_named(tmp_path, bcp):
    s = hand_with_flow_mitigations()

    def edit(wb):
        ws = wb["Actuals"]
        row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "ehcps")
        row[5].value = "lots"
        ws["A10"].value = "ehcps_total"  # the row after the table: joins it
        ws["D10"].value = 3
        m = wb["Mitigations"]
        m["I3"].value = None  # cease_at_age without its age
        m["J2"].value = "some"  # carried: text

    text = str(problems(edited(tmp_path, s, edit)))
    assert "sheet 'Actuals' cell F" in text and "= 'lots': expected a number" in text
    assert "sheet 'Actuals' cell A10 = 'ehcps_total': unknown line" in text
    assert "sheet 'Mitigations' cell I3 (age of 'Cease at 2') is blank" in text
    assert "sheet 'Mitigations' cell J2 (carried plans of 'Early help') = 'some'" in text


def test_a_yearly_value_changing_in_a_year_the_steps_row_does_not_name(tmp_path, bcp):
    def edit(wb):
        ws = wb["Yearly"]
        row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "demand.growth")
        row[3 + 9].value = 0.01  # 2033-34, after the last named step

    text = str(problems(edited(tmp_path, bcp, edit)))
    assert "sheet 'Yearly' cell M" in text
    assert (
        "(demand.growth 2033-34) = 0.01: the value changes in a year not among the step years"
        in text
    )


def test_every_cohort_problem_is_listed_at_once(tmp_path):
    def edit(wb):
        wb["Cohort"]["A3"].value = None
        wb["Cohort"]["A4"].value = 0
        wb["Cohort"]["B2"].value = "ten"
        wb["Cohort"]["D1"].value = "stock.z"
        wb["Cohort"]["Z40"].value = 1
        wb["Transitions"]["C2"].value = "zz"

    e = problems(edited(tmp_path, hand(), edit))
    assert len(e.issues) == 6, str(e)
