"""The **Actuals** sheet of the input workbook: the ``[actuals]`` section, what really happened.

One row per series (Line, Label, Unit), years as columns from the first actual given (or the
base year) to the last projected year; a blank cell is no actual. Lines are the projection's:
``closing_deficit``, ``in_year_deficit``, ``total_income``, ``total_expenditure``,
``hnb_funding``, ``ehcps`` and ``ehcps.<category>`` (the ``ehcps_by_category`` table). The
sheet may be left out (no actuals). Source notes are on the Sources sheet (``actuals.<field>``).
"""

from __future__ import annotations

from typing import Any

#: (line, label, unit) of the series other than by category, in the engine's order.
LINES = [
    ("closing_deficit", "Cumulative deficit at 31 March (negative = surplus)", "£"),
    ("in_year_deficit", "In-year deficit: spend − income (negative = surplus)", "£"),
    ("total_income", "Total high-needs income", "£"),
    ("total_expenditure", "Total high-needs expenditure", "£"),
    ("hnb_funding", "High needs block allocation", "£"),
    ("ehcps", "EHCPs at the January census", "plans"),
]
LAYOUT = {"Actuals": (3, 4, ("Actuals: ",))}
#: How many years before the base year the template offers when no actual is given.
YEARS_BEFORE = 5


def _start(label: str) -> int:
    try:
        return int(str(label)[:4])
    except ValueError:
        return 10_000  # not a year: last (the scenario's validation names it)


def _year_label(start: int) -> str:
    return f"{start}-{(start + 1) % 100:02d}"


def write_sheet(wb, actuals: dict[str, Any], base_year: str, horizon: int, cats: list[str]):
    """Write the Actuals sheet: every series (and one row per placement category), years from
    the earliest actual (or ``YEARS_BEFORE`` before the base year) to the last projected year
    plus any later year an actual names."""
    from openpyxl.styles import Font

    from ._excel_common import PLANS, POUNDS, _bold_header

    by_cat = actuals.get("ehcps_by_category") or {}
    series = [(line, label, unit, actuals.get(line) or {}) for line, label, unit in LINES]
    for c in [*cats, *[c for c in by_cat if c not in cats]]:
        series.append((f"ehcps.{c}", f"EHCPs: {c}", "plans", by_cat.get(c) or {}))
    given = {y for *_, t in series for y in t}
    base = _start(base_year)
    first = min([base - YEARS_BEFORE, *[_start(y) for y in given]])
    years = [_year_label(k) for k in range(first, base + horizon)]
    years += sorted((y for y in given if y not in years), key=lambda y: (_start(y), y))

    ws = wb.create_sheet("Actuals")
    _bold_header(ws, ["Line", "Label", "Unit", *years], {1: 26, 2: 50, 3: 8})
    for line, label, unit, table in series:
        ws.append([line, label, unit, *[table.get(y) for y in years]])
        for cell in ws[ws.max_row][3:]:
            cell.number_format = PLANS if unit == "plans" else POUNDS
    from ._excel_common import _col

    for c in range(4, 4 + len(years)):
        ws.column_dimensions[_col(c)].width = 13
    ws.append([])
    ws.append(
        [
            "Actuals: outturn by financial year, from up to 10 years before the first projected "
            "year; a blank cell is no actual. They never change the projection: it shows the "
            "variance (forecast − actual) where both exist. Add rows ehcps.<category> as needed."
        ]
    )
    ws.cell(row=ws.max_row, column=1).font = Font(italic=True)


def read_sheet(r, data: dict[str, Any]) -> None:
    """Read the Actuals sheet (if present) into ``data["actuals"]``."""
    ws = r.sheet("Actuals", optional=True)
    if ws is None:
        return
    header = r.year_header(ws, 1, 4, "year column heading")
    known = {line for line, _, _ in LINES}
    out: dict[str, Any] = {}
    for row, line in r.keyed_rows(ws, "line", note="Actuals: "):
        if line not in known and not (line.startswith("ehcps.") and len(line) > len("ehcps.")):
            r.bad(
                f"{r.where(ws, row[0])} = {line!r}: unknown line; expected one of "
                f"{', '.join(known)} or ehcps.<category>"
            )
            continue
        cells = r.under(row, 4, header)
        vals = {y: r.number(ws, c, f"{line} {y}", False) for y, c in cells}
        vals = {y: v for y, v in vals.items() if v is not None}
        if not vals:
            continue
        cat = line.removeprefix("ehcps.") if line.startswith("ehcps.") else None
        field = f"actuals.ehcps_by_category.{cat}" if cat else f"actuals.{line}"
        r.came_from(ws, row[0], field)
        for y, c in cells:
            r.came_from(ws, c, field, y)
        if line.startswith("ehcps."):
            out.setdefault("ehcps_by_category", {})[line.removeprefix("ehcps.")] = vals
        else:
            out[line] = vals
    if out:
        data["actuals"] = out
