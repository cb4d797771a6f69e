"""Rows of the input workbook's Assumptions sheet that keep a scenario's exact form, so that a
scenario written and read back is equal to it (``==``), not only the same projection. They are
written only when needed, and checked against the cells they describe when read.

* ``<field>.steps`` (e.g. ``demand.growth.steps``): the years a yearly schedule's table names,
  as text ("2024-25, 2025-26, 2027-28"), for a table the Yearly sheet's values alone would not
  give back: a step that repeats the value before it (a trajectory written year by year), or
  a growth table starting the year after the base year. Without the row a Yearly row is read as
  one number when it is the same every year, else as steps in the years it changes. A value on
  the Yearly sheet that changes in a year the row does not name is an error naming both cells.
* ``demand.labels.given`` = TRUE: the Placements sheet's Label column holds the plan's own
  labels (blank = none), some of them the DfE description itself; without it a label equal to
  the DfE description is read as no label.
"""

from __future__ import annotations

from typing import Any

LABELS_GIVEN = "demand.labels.given"


def labels_given(labels: dict[str, str], dfe: list[tuple[str, str]]) -> bool:
    """True when some label equals what the workbook shows without one (the DfE description,
    or the category id), so the Label column must be read as given."""
    defaults = dict(dfe)
    return any(v == defaults.get(c, c) for c, v in labels.items())


def compress(values: list[float], years: list[str]) -> float | dict[str, float]:
    """One value per year as a number when constant, else a table of the years it changes."""
    if all(v == values[0] for v in values):
        return values[0]
    steps = {years[0]: values[0]}
    for k in range(1, len(values)):
        if values[k] != values[k - 1]:
            steps[years[k]] = values[k]
    return steps


def schedule_values(value: Any, years: list[str]) -> list[float]:
    """A schedule (number or {year: value}) as one value per year; before a table's first year
    its first value (as the engine resolves it)."""
    if isinstance(value, dict):
        first = min(value, key=lambda y: (y not in years, years.index(y) if y in years else 0))
        current = value[first] if value else 0.0
        out = []
        for y in years:
            current = value.get(y, current)
            out.append(current)
        return out
    return [float(value)] * len(years)


def write_rows(ws, get, rows, years: list[str], given: bool, sources: dict[str, str]) -> None:
    """Append to the Assumptions sheet ``ws`` the rows that keep the exact form: the labels
    flag, and a ``<field>.steps`` row for each Yearly schedule ``rows`` (field, label, unit,
    kind) whose table the values alone would not give back."""
    if given:
        ws.append(
            [
                LABELS_GIVEN,
                True,
                "TRUE or FALSE",
                "TRUE: the Placements sheet's Label column holds the plan's own labels (blank = "
                "none), not DfE descriptions shown for reference",
                "",
            ]
        )
    for field, _label, _unit, kind in rows:
        v = get(field)
        if kind == "amounts" or v is None:
            continue
        if compress(schedule_values(v, years), years) != v:
            steps = list(v) if isinstance(v, dict) else years[:1]
            ws.append(
                [
                    f"{field}.steps",
                    ", ".join(steps),
                    "years",
                    f"Years the table of {field} names (its values are on the Yearly sheet); "
                    "clear it to read the years the value changes",
                    "",
                ]
            )
            ws.cell(row=ws.max_row, column=2).number_format = "@"


def parse_years(r, ws, cell, field: str, text: str) -> list[str] | None:
    """The years of a ``<field>.steps`` cell; a year given twice is a problem naming the cell."""
    listed = [y.strip() for y in text.split(",") if y.strip()]
    if len(set(listed)) != len(listed) or not listed:
        r.bad(
            f"{r.where(ws, cell)} ({field}) = {text!r}: expected years separated by commas, "
            "each once (e.g. 2024-25, 2026-27), or a blank cell"
        )
        return None
    return listed


def apply_steps(
    r, where: tuple[Any, Any], field: str, listed: list[str], cells: list[tuple[str, Any]],
    values: list[float], ws,
) -> dict[str, float] | None:  # fmt: skip
    """The table of ``field`` naming the years ``listed`` (from the Assumptions cell ``where``
    = (sheet, cell)) with the Yearly sheet's values ``values`` in the columns ``cells``. A
    listed year with no column, or a value that changes in a year not listed, is a problem."""
    a_ws, a_cell = where
    years = [y for y, _ in cells]
    bad = [y for y in listed if y not in years]
    if bad:
        r.bad(
            f"{r.where(a_ws, a_cell)} ({field}.steps): {', '.join(bad)} not a year column of the "
            "sheet 'Yearly'; name only its years, or clear the cell"
        )
        return None
    steps = {y: values[years.index(y)] for y in listed}
    for (y, cell), v, want in zip(cells, values, schedule_values(steps, years), strict=True):
        if v != want:
            r.bad(
                f"{r.where(ws, cell)} ({field} {y}) = {v!r}: the value changes in a year not among "
                f"the step years in sheet 'Assumptions' cell {a_cell.coordinate}; add {y} there, "
                "or clear that cell"
            )
            return None
    return steps


def full_precision(wb) -> None:
    """Keep every number's last bit: openpyxl writes a number with 16 significant digits,
    which changes about one float in ten (0.10211526000000005 is written 0.1021152600000001).
    Such a cell keeps its number type and is written with the shortest digits that read back
    as the same float (``repr``), as Excel itself reads it. Called just before saving (the
    cell's value then reads as that text)."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                v = cell._value
                if type(v) is float and float(f"{v:.16g}") != v:
                    cell._value = repr(v)  # written as <v>repr</v>, the type staying "n"
