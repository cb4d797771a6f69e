"""Reading an input workbook's sheets without walking empty cells.

openpyxl's ordinary reader (and ``iter_rows`` without bounds) fills every cell of the sheet's
rectangle up to its farthest value: one value typed at ``XFD100000`` makes a 7 KB workbook
1.6 billion cells. Here each sheet's XML is streamed once (openpyxl's own parser, on a
read-only workbook) and only the cells holding a value are kept, so time and memory follow the
size of the file, not the position of its farthest cell. A sheet is then read as one table:

* its columns are the template's fixed columns plus, on sheets with year columns, the run of
  year headings in row 1 that starts after them (a merged heading counts as part of the run,
  and is reported);
* its rows run from row 2 down to the first row that is blank across those columns (a note
  row the template writes below the table, such as "Effects: ...", is allowed after it);
* any value outside the table is a problem naming its cell, never silently read or ignored.

The limits below bound a crafted file: more values or more parsed cells than any input
workbook needs is an error, raised before the rest of the sheet is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: Most cells holding a value in one workbook (an input workbook has a few hundred).
MAX_VALUES = 200_000
#: Most cells (filled or only formatted) parsed from one sheet's XML.
MAX_PARSED = 2_000_000


def column_letter(c: int) -> str:
    s = ""
    while c:
        c, r = divmod(c - 1, 26)
        s = chr(65 + r) + s
    return s


@dataclass(frozen=True)
class Cell:
    """One cell's value (None when blank) and its address."""

    value: Any
    row: int
    column: int

    @property
    def coordinate(self) -> str:
        return f"{column_letter(self.column)}{self.row}"


class TooLarge(Exception):
    """A sheet holds more than an input workbook ever needs (see MAX_VALUES, MAX_PARSED)."""


class Sheet:
    """The values of one worksheet, kept sparsely: {(row, column): value}; ``merged``, its
    merged ranges ("B9:B10"); ``unsaved``, cells holding a formula with no saved result (read
    as blank), {(row, column): formula}."""

    def __init__(
        self,
        title: str,
        values: dict[tuple[int, int], Any],
        merged: list[str],
        unsaved: dict[tuple[int, int], str] | None = None,
    ):
        self.title = title
        self.values = values
        self.merged = merged
        self.unsaved = unsaved or {}

    def cell(self, row: int, column: int) -> Cell:
        return Cell(self.values.get((row, column)), row, column)

    def row(self, row: int, width: int) -> list[Cell]:
        return [self.cell(row, c) for c in range(1, width + 1)]

    def blank(self, row: int, width: int) -> bool:
        return all((row, c) not in self.values for c in range(1, width + 1))

    def merged_in_row(self, row: int) -> list[tuple[str, int, int]]:
        """Merged ranges touching ``row``: (range, first column, last column)."""
        from openpyxl.utils.cell import range_boundaries

        out = []
        for ref in self.merged:
            try:
                c1, r1, c2, r2 = range_boundaries(ref)
            except ValueError:
                continue
            if r1 <= row <= r2:
                out.append((ref, c1, c2))
        return out


def load_sheet(wb: Any, name: str, counted: list[int]) -> Sheet:
    """Stream sheet ``name`` of the read-only workbook ``wb``, keeping only cells with a value
    (text that is only spaces counts as blank). ``counted`` is a one-item list carrying the
    number of values kept so far in the workbook. Raises :class:`TooLarge` past the limits."""
    from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

    unsaved: dict[tuple[int, int], str] = {}

    class Parser(WorkSheetParser):
        # A formula cell's saved result is what is read; a program that writes formulas
        # without calculating them (openpyxl, pandas) saves none, and the cell would read as
        # blank: note it, so the reader can name it instead of taking a default.
        def parse_cell(self, element):
            c = super().parse_cell(element)
            # (Excel saves an empty text result as t="str" with an empty <v>: a result. With
            # no <v>, or an empty one of another type, as openpyxl writes, there is none.)
            f = element.find(FORMULA_TAG)
            v = element.find(VALUE_TAG)
            none = v is None or (not v.text and element.get("t") != "str")
            if c["value"] is None and f is not None and none:
                unsaved[(c["row"], c["column"])] = "=" + (f.text or "")
            return c

    ws = wb[name]
    values: dict[tuple[int, int], Any] = {}
    parsed = 0
    with ws._get_source() as src:
        parser = Parser(
            src,
            ws._shared_strings,
            data_only=True,
            epoch=wb.epoch,
            date_formats=wb._date_formats,
            timedelta_formats=wb._timedelta_formats,
        )
        for _, cells in parser.parse():
            parsed += len(cells)
            if parsed > MAX_PARSED:
                raise TooLarge(f"more than {MAX_PARSED:,} cells")
            for c in cells:
                v = c["value"]
                if v is None or (isinstance(v, str) and not v.strip()):
                    continue
                values[(c["row"], c["column"])] = v
                counted[0] += 1
                if counted[0] > MAX_VALUES:
                    raise TooLarge(f"more than {MAX_VALUES:,} filled cells")
        merged = [str(m.ref) for m in parser.merged_cells.mergeCell] if parser.merged_cells else []
    return Sheet(name, values, merged, unsaved)


@dataclass
class Table:
    """The bounds of a sheet's one table: columns 1..width, rows 2..last_row."""

    width: int
    last_row: int
    #: Merged ranges inside the heading row's year columns.
    merged_headings: list[str]


def table_bounds(sheet: Sheet, fixed: int, years_from: int | None) -> Table:
    """The table of ``sheet``: ``fixed`` template columns, then (when ``years_from`` is given)
    the run of non-blank year headings in row 1 from that column (a merged range continues the
    run; ``years_from`` = 1 for a sheet read by heading: the ``fixed`` columns, blank headings
    included, and the run of headings after them); rows from 2 to the last before the first
    row blank across the table's columns."""
    width = fixed
    merged_headings: list[str] = []
    if years_from is not None:
        merges = {c: ref for ref, c1, c2 in sheet.merged_in_row(1) for c in range(c1, c2 + 1)}
        c = years_from
        while (1, c) in sheet.values or c in merges or c <= fixed:
            if c in merges and merges[c] not in merged_headings:
                merged_headings.append(merges[c])
            width = max(width, c)
            c += 1
    rows = sorted({r for r, c in sheet.values if r >= 2 and c <= width})
    last = 1
    for r in rows:
        if r != last + 1:
            break
        last = r
    return Table(width, last, merged_headings)


def outside(sheet: Sheet, table: Table, notes: tuple[str, ...] = ()) -> list[Cell]:
    """Cells holding a value outside ``table``: right of its columns, or below its first blank
    row (except a note row: text in column A starting with one of ``notes``, the rest blank)."""
    out = []
    for (r, c), v in sorted(sheet.values.items()):
        if c > table.width:
            out.append(Cell(v, r, c))
        elif r > table.last_row:
            if c == 1 and isinstance(v, str) and v.startswith(notes) and notes:
                continue
            out.append(Cell(v, r, c))
    return out


def overlaps(ref: str, table: Table) -> bool:
    """Does the merged range ``ref`` ("B9:B10") reach into ``table`` (columns 1 to its width,
    rows 1 to its last row)? A merge wholly outside it, such as a note below the table, does
    not."""
    from openpyxl.utils.cell import range_boundaries

    try:
        c1, r1, _, _ = range_boundaries(ref)
    except ValueError:
        return True
    return c1 <= table.width and r1 <= table.last_row


def under_blank_heading(sheet: Sheet, table: Table, col: int, row: int = 1) -> list[Cell]:
    """The cells holding a value in column ``col`` of ``table`` below its heading in ``row``:
    values under a blank (or merged) heading, each a problem for the caller to name."""
    return [
        sheet.cell(r, col) for r in range(row + 1, table.last_row + 1) if (r, col) in sheet.values
    ]


def headed(
    r: Any, ws: Any, headings: list[str], optional: tuple[str, ...], is_year: Any, years: str
) -> tuple[dict[str, int] | None, list[int]]:
    """Read a sheet by its headings in row 1, not by position: ``({heading: 0-based column},
    year columns)`` for the template's ``headings`` found in any order, and the columns whose
    heading ``is_year`` accepts (read by :meth:`_excel_reader._Reader.year_header`). ``r`` is the
    workbook reader. A heading given twice, a heading that is neither, or a value under a blank
    heading, is a problem naming its cell; a missing heading (other than ``optional``) is a
    problem naming the sheet and the heading, and then the mapping is None (the rows are not
    read: each value would land in the wrong field). ``years`` says what a year heading is, for
    the message."""
    if ws is None:
        return None, []
    t = r.tables[ws.title]
    cols: dict[str, int] = {}
    year_cols: list[int] = []
    seen: dict[str, str] = {}
    for col in range(1, t.width + 1):
        cell = ws.cell(1, col)
        h = cell.value.strip() if isinstance(cell.value, str) else cell.value
        if h is None:
            below = under_blank_heading(ws, t, col)
            if below:
                r.bad(
                    f"{r.where(ws, below[0])} = {below[0].value!r}: its column has no heading "
                    f"({cell.coordinate} is blank or merged); give the column its heading"
                )
        elif h in headings:
            if r.once(ws, seen, h, cell, "column heading"):
                cols[h] = col - 1
        elif is_year(h):
            year_cols.append(col)
        else:
            r.bad(
                f"{r.where(ws, cell)} (column heading) = {cell.value!r}: unknown column; "
                f"expected one of {', '.join(map(repr, headings))} or {years}"
            )
    missing = [h for h in headings if h not in cols and h not in optional]
    for h in missing:
        r.bad(
            f"{r.path}: sheet {ws.title!r} has no column headed {h!r} in row 1; expected the "
            f"headings {', '.join(map(repr, headings))} (in any order), then {years}"
        )
    return (None if missing else cols), year_cols
