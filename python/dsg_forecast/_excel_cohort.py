"""The cohort model's sheets of the input workbook: **Cohort** (the ``[demand.cohort]`` arrays,
one row per age) and **Transitions** (one row per phase transfer).

Cohort: column A is the age (0 to 25, or the scenario's number of ages, in order), then one
column per array and category, headed ``stock.<category>``, ``new_plan_mix.<category>``,
``cessation_by_category.<category>`` (optional), then ``new_plans``, ``cessation`` and
``net_other`` (optional). A note row below the table (after a blank row) gives the units.
Transitions: Age, From, To, Share. ``demand.model`` and ``demand.cohort.ageing`` are rows of
the Assumptions sheet.

Every cell is checked here, naming the sheet and cell (a blank or repeated age, an age out of
order, text in a number cell, a column heading or category that is not known); values then go
through the scenario's own validation.
"""

from __future__ import annotations

from typing import Any

#: Sheets written for a cohort-model scenario, after Placements.
COHORT_SHEETS = ["Cohort", "Transitions"]
#: Arrays by category, in the order written.
BY_CATEGORY = ["stock", "new_plan_mix", "cessation_by_category"]
#: Arrays by age alone: (name, required).
SINGLE = [("new_plans", True), ("cessation", True), ("net_other", False)]
#: The units note written below the Cohort table.
UNITS_NOTE = (
    "Units: one row per age (0 to 25 with ageing, plans ending at 25). stock.<category> = plans "
    "at the base year's January census; new_plans = new plans a year in the base year (growing "
    "by demand.growth); net_other = net other change a year (plans, may be negative); "
    "new_plan_mix.<category> = share of new plans placed in the category (the shares of an age "
    "sum to 1); cessation and cessation_by_category.<category> = share of the plans held at the "
    "age that cease in a year (0 to 1). Blank cessation_by_category cells are not allowed: clear "
    "the whole column instead."
)
#: Layouts for the reader: (fixed columns, first heading-run column, note prefixes).
LAYOUT = {
    "Cohort": (1, 2, ("Units: ",)),
    "Transitions": (4, 1, ("Transitions: ",)),
}
#: Transitions headings (read by heading, in any order).
TRANSITION_COLUMNS = ["Age", "From", "To", "Share"]

PLANS_1DP = "#,##0.0"
SHARE = "0.0%"
RATE = "0.00%"


def write_sheets(wb, cohort: dict[str, Any] | None, categories: list[str]) -> None:
    """Write the Cohort and Transitions sheets (``cohort`` is the scenario's
    ``demand.cohort`` dict; None writes nothing)."""
    if cohort is None:
        return
    from openpyxl.styles import Font

    from ._excel_common import _bold_header

    ws = wb.create_sheet("Cohort")
    cols: list[tuple[str, list[float]]] = []
    for key in BY_CATEGORY:
        for c, values in (cohort.get(key) or {}).items():
            cols.append((f"{key}.{c}", values))
    for key, required in SINGLE:
        if required or cohort.get(key):
            cols.append((key, cohort[key]))
    _bold_header(ws, ["age", *[h for h, _ in cols]], {1: 8} | {k + 2: 16 for k in range(len(cols))})
    for a in range(len(cohort["new_plans"])):
        ws.append([a, *[(v[a] if a < len(v) else None) for _, v in cols]])
        for cell, (h, _) in zip(ws[ws.max_row][1:], cols, strict=True):
            cell.number_format = _format(h)
    ws.append([])
    ws.append([UNITS_NOTE])
    ws.cell(row=ws.max_row, column=1).font = Font(italic=True)

    ws = wb.create_sheet("Transitions")
    _bold_header(ws, TRANSITION_COLUMNS, {1: 8, 2: 22, 3: 22, 4: 12})
    for t in cohort.get("transitions") or []:
        ws.append([t["age"], t["from"], t["to"], t["share"]])
        ws.cell(row=ws.max_row, column=4).number_format = RATE
    ws.append([])
    ws.append(
        [
            "Transitions: a Share of the plans in From move to To as children reach Age, every "
            f"year (0 to 1). Categories: {', '.join(categories)}."
        ]
    )
    ws.cell(row=ws.max_row, column=1).font = Font(italic=True)


def _format(heading: str) -> str:
    if heading.startswith("new_plan_mix."):
        return SHARE
    if heading.startswith("cessation"):
        return RATE
    return PLANS_1DP


def read_sheets(r, data: dict[str, Any]) -> None:
    """Read the Cohort and Transitions sheets into ``data["demand"]["cohort"]`` (the
    Assumptions sheet's ``demand.cohort.ageing`` already there). The Cohort sheet is required
    when ``demand.model`` is ``cohort``; otherwise it is read only if present."""
    demand = data.setdefault("demand", {})
    cohort_model = demand.get("model") == "cohort"
    ws = r.sheet("Cohort", optional=not cohort_model)
    if ws is None:
        if "cohort" in demand and not cohort_model:  # ageing given without the sheet
            r.bad(
                f"{r.path}: sheet 'Assumptions' has demand.cohort.ageing but the workbook has no "
                "Cohort sheet; clear it, or set demand.model to cohort and add the Cohort sheet"
            )
        return
    if not cohort_model:
        r.bad(
            f"{r.path}: sheet 'Cohort' is present but demand.model (sheet 'Assumptions') is not "
            '"cohort"; set demand.model to cohort, or delete the Cohort sheet'
        )
        return
    cats = list((demand.get("base_plans") or {}).keys())
    cohort = demand.setdefault("cohort", {})
    columns = _columns(r, ws, cats)
    arrays: dict[str, list[Any]] = {h: [] for h, _ in columns}
    seen: dict[int, str] = {}
    for row in r.rows(ws):
        age_cell = row[0]
        if isinstance(age_cell.value, str) and age_cell.value.startswith("Units: "):
            continue  # the note row, joined to the table by a filled blank row
        age = r.whole(ws, age_cell, "age", False)
        if age is None:
            if age_cell.value is None:
                r.key_blank(ws, row, "age")
            continue
        if not r.once(ws, seen, age, age_cell, "age"):
            continue
        expected = age_cell.row - 2  # rows are ages from 0, in order
        if age != expected:
            r.bad(
                f"{r.where(ws, age_cell)} (age) = {age}: expected age {expected}; give the ages "
                "in order from 0, one row each"
            )
        for h, k in columns:
            cell = row[k]
            arrays[h].append(r.number(ws, cell, f"{h} at age {age}", True))
    if ws is not None and not seen:
        r.bad(f"{r.path}: sheet 'Cohort' has no ages in column A from cell A2; expected 0 to 25")
    for h, values in arrays.items():
        if any(v is None for v in values):
            continue  # a problem already recorded
        if "." in h:
            key, cat = h.split(".", 1)
            cohort.setdefault(key, {})[cat] = values
        else:
            cohort[h] = values
    for key, required in SINGLE:
        if required and key not in {h for h, _ in columns}:
            r.bad(
                f"{r.path}: sheet 'Cohort' has no {key} column; expected a heading {key!r} in row 1"
            )
    for key in ("stock", "new_plan_mix"):
        if not any(h.startswith(key + ".") for h, _ in columns):
            r.bad(
                f"{r.path}: sheet 'Cohort' has no {key}.<category> column; expected one per "
                f"category ({', '.join(f'{key}.{c}' for c in cats)})"
            )
    transitions = _read_transitions(r, cats)
    if transitions:
        cohort["transitions"] = transitions


def _columns(r, ws, cats: list[str]) -> list[tuple[str, int]]:
    """The Cohort sheet's known column headings with their 0-based column; an unknown heading,
    an unknown category or a repeated heading is a problem naming its cell."""
    t = r.tables[ws.title]
    singles = [k for k, _ in SINGLE]
    out: list[tuple[str, int]] = []
    seen: dict[str, str] = {}
    for col in range(2, t.width + 1):
        cell = ws.cell(1, col)
        h = r.text(ws, cell, "column heading", False)
        if h is None:
            for rr in range(2, t.last_row + 1):
                below = ws.cell(rr, col)
                if below.value is not None:
                    r.bad(
                        f"{r.where(ws, below)} = {below.value!r}: its column has no heading "
                        f"({cell.coordinate} is blank or merged); give the column its heading"
                    )
                    break
            continue
        if not r.once(ws, seen, h, cell, "column heading"):
            continue
        key, _, cat = h.partition(".")
        if h in singles:
            out.append((h, col - 1))
        elif key in BY_CATEGORY and cat:
            if cat not in cats:
                r.bad(
                    f"{r.where(ws, cell)} (column heading) = {h!r}: no placement category "
                    f"{cat!r} on the Placements sheet; expected one of {', '.join(cats)}"
                )
                continue
            out.append((h, col - 1))
        else:
            r.bad(
                f"{r.where(ws, cell)} (column heading) = {h!r}: unknown column; expected "
                f"{', '.join(f'{k}.<category>' for k in BY_CATEGORY)}, {', '.join(singles)}"
            )
    return out


def _read_transitions(r, cats: list[str]) -> list[dict[str, Any]]:
    from ._sheets import headed

    ws = r.sheet("Transitions", optional=True)
    cols, _ = headed(r, ws, TRANSITION_COLUMNS, (), lambda h: False, "no other columns")
    out = []
    for row in r.rows(ws) if cols is not None else []:
        cell = {h: row[cols[h]] for h in TRANSITION_COLUMNS}
        age_cell = cell["Age"]
        if isinstance(age_cell.value, str) and age_cell.value.startswith("Transitions: "):
            continue  # the note row
        age = r.whole(ws, age_cell, "transition age", False)
        if age is None:
            if age_cell.value is None:
                r.key_blank(ws, row, "transition age", age_cell)
            continue
        t: dict[str, Any] = {"age": age}
        for what in ("from", "to"):
            c = r.text(ws, cell[what.title()], f"transition {what} (age {age})", True)
            if c is not None and c not in cats:
                r.bad(
                    f"{r.where(ws, cell[what.title()])} (transition {what}) = {c!r}: no "
                    f"placement category {c!r} on the Placements sheet; expected one of "
                    f"{', '.join(cats)}"
                )
            t[what] = c
        t["share"] = r.number(ws, cell["Share"], f"transition share (age {age})", True)
        if all(v is not None for v in t.values()):
            out.append(t)
    return out
