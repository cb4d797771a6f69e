"""Excel in, cell access: :class:`_Reader` reads each sheet of an input workbook as one table
(see ``_sheets``) and names the sheet and cell in every problem; the table on each sheet, the
limits on what is read, and the checks that the workbook has the template's sheets, rows and
year columns."""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import _excel_actuals, _excel_cohort, _sheets
from ._excel_cells import _error
from ._excel_common import INPUT_SHEETS
from ._excel_template import _MIT_COLUMNS, _MIT_OPTIONAL, _PLACEMENT_COLUMNS, _UNC_PARAMS

#: The table on each input sheet: (template columns, first year column or None, note-row
#: prefixes the template writes below the table). A sheet read by heading (Placements,
#: Mitigations, Transitions) takes the run of headings from column A (first year column 1).
_LAYOUT = {
    "Assumptions": (5, None, ()),
    "Yearly": (3, 4, ()),
    "Placements": (len(_PLACEMENT_COLUMNS), 1, ()),
    "Mitigations": (len(_MIT_COLUMNS) - len(_MIT_OPTIONAL), 1, ("Effects: ",)),
    "Write-offs": (3, None, ()),
    "Uncertainty": (2 + len(_UNC_PARAMS) + 2, None, ("Distributions: ",)),
    "Sources": (2, None, ()),
    **_excel_cohort.LAYOUT,
    **_excel_actuals.LAYOUT,
}


#: Largest input workbook read, in bytes (one written by write_input_workbook is about 20 KB).
_MAX_WORKBOOK_BYTES = 100_000_000


#: Values outside a table listed one by one on each sheet (the rest are counted).
_MAX_STRAY = 20


class _Reader:
    """Cell access that names the sheet and cell in every problem. Problems are collected
    (the bad cell reads as None) so that one error can list every problem in the workbook.
    Sheets are read sparsely, one table each (see ``_sheets``): a value outside the table is a
    problem, and nothing walks the empty cells between the data and a stray value."""

    def __init__(self, wb, path: str):
        self.wb, self.path = wb, path
        self.problems: list[str] = []
        self.tables: dict[str, _sheets.Table] = {}
        self._counted = [0]
        #: Where each value came from, "sheet 'Yearly' cell F4", by (field path, year or
        #: None): so the scenario's own validation can name the cell too.
        self.cells: dict[tuple[str, str | None], str] = {}

    def came_from(self, ws, cell, field: str, year: str | None = None) -> None:
        """Record that ``field`` (in ``year``) was read from ``cell``."""
        self.cells[(field, year)] = f"sheet {ws.title!r} cell {cell.coordinate}"

    def bad(self, message: str) -> None:
        """Record a problem (a message naming the sheet and cell); the cell reads as None."""
        self.problems.append(message)

    def check(self) -> None:
        """Raise one ScenarioError listing every problem recorded, if there are any."""
        if not self.problems:
            return
        raise _error(self.path, self.problems)

    def where(self, ws, cell) -> str:
        return f"{self.path}: sheet {ws.title!r} cell {cell.coordinate}"

    def sheet(self, name: str, optional: bool = False):
        if name not in self.wb.sheetnames:
            if not optional:
                self.bad(
                    f"{self.path}: missing sheet {name!r}; an input workbook has the sheets "
                    f"{', '.join(INPUT_SHEETS)} (write one with dsg.write_input_workbook)"
                )
            return None
        try:
            ws = _sheets.load_sheet(self.wb, name, self._counted)
        except _sheets.TooLarge as e:
            self.bad(
                f"{self.path}: sheet {name!r} holds {e}; an input workbook holds a few hundred "
                "values (write one with dsg.write_input_workbook)"
            )
            return None
        fixed, years_from, notes = _LAYOUT[name]
        table = _sheets.table_bounds(ws, fixed, years_from)
        self.tables[name] = table
        for ref in table.merged_headings:
            self.bad(
                f"{self.path}: sheet {name!r} cells {ref} are merged in the heading row; "
                "give each column its own heading in its own cell"
            )
        # A merged range keeps its value in its first cell only: the others would read as
        # blank (a default, or no amount), whatever the sheet shows across them.
        for ref in ws.merged:
            if ref not in table.merged_headings and _sheets.overlaps(ref, table):
                self.bad(
                    f"{self.path}: sheet {name!r} cells {ref} are merged; unmerge them and give "
                    "each cell its own value (a merged range holds a value in its first cell "
                    "only)"
                )
        for (row, col), formula in sorted(ws.unsaved.items()):
            self.bad(
                f"{self.where(ws, ws.cell(row, col))} holds the formula {formula} with no saved "
                "result (the workbook was saved by a program that does not calculate "
                "formulas); open and save it in Excel or LibreOffice, or type the value"
            )
        last_col = _sheets.column_letter(table.width)
        stray = _sheets.outside(ws, table, notes)
        if len(stray) > _MAX_STRAY:
            self.bad(
                f"{self.path}: sheet {name!r} has {len(stray):,} values outside its table "
                f"(columns A to {last_col}, rows 1 to {table.last_row}); the first "
                f"{_MAX_STRAY} are listed; clear them"
            )
        for cell in stray[:_MAX_STRAY]:
            self.bad(
                f"{self.where(ws, cell)} = {cell.value!r}: outside the sheet's table (columns A "
                f"to {last_col}, rows 1 to {table.last_row}, ending at the first blank row); "
                "clear the cell, or move it into the table"
            )
        return ws

    def number(self, ws, cell, what: str, required: bool) -> float | None:
        v = cell.value
        if v is None or (isinstance(v, str) and not v.strip()):
            if required:
                self.bad(f"{self.where(ws, cell)} ({what}) is blank; expected a number")
            return None
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            self.bad(f"{self.where(ws, cell)} ({what}) = {v!r}: expected a number, not text")
            return None
        return float(v)

    def whole(self, ws, cell, what: str, required: bool) -> int | None:
        """A whole number (a count of years): 1.5 is a problem, as it is in a TOML file."""
        v = self.number(ws, cell, what, required)
        if v is None:
            return None
        if not v.is_integer():
            self.bad(f"{self.where(ws, cell)} ({what}) = {cell.value!r}: expected a whole number")
            return None
        return int(v)

    def flag(self, ws, cell, what: str) -> bool | None:
        """TRUE or FALSE (Excel's booleans, or the text true/false/yes/no); blank is None."""
        v = cell.value
        if v is None or isinstance(v, bool):
            return v
        if isinstance(v, str) and v.strip().lower() in ("true", "yes", "false", "no"):
            return v.strip().lower() in ("true", "yes")
        self.bad(f"{self.where(ws, cell)} ({what}) = {v!r}: expected TRUE or FALSE")
        return None

    def text(self, ws, cell, what: str, required: bool) -> str | None:
        v = cell.value
        if v is None or (isinstance(v, str) and not v.strip()):
            if required:
                self.bad(f"{self.where(ws, cell)} ({what}) is blank; expected text")
            return None
        return str(v).strip()

    def date(self, ws, cell, what: str, required: bool) -> str | None:
        """A date cell as "YYYY-MM-DD": Excel turns a typed 2028-03-31 into a date, which
        openpyxl reads as a datetime; text is passed on for the scenario to check."""
        v = cell.value
        if isinstance(v, (dt.datetime, dt.date)):
            return v.strftime("%Y-%m-%d")
        return self.text(ws, cell, what, required)

    def year(self, ws, cell, what: str, required: bool) -> str | None:
        """A financial-year cell as text ("2025-26"). A number (2025) or a date is refused,
        naming the sheet and cell and the label to write instead."""
        v = cell.value
        if v is None or (isinstance(v, str) and not v.strip()):
            if required:
                self.bad(
                    f"{self.where(ws, cell)} ({what}) is blank; "
                    'expected a financial year such as "2025-26"'
                )
            return None
        if isinstance(v, str):
            return v.strip()
        start = None
        if isinstance(v, (int, float)) and not isinstance(v, bool) and float(v).is_integer():
            start = int(v)
        elif isinstance(v, (dt.datetime, dt.date)):
            start = v.year if v.month >= 4 else v.year - 1
        label = f"{start}-{(start + 1) % 100:02d}" if start is not None else "2025-26"
        self.bad(
            f"{self.where(ws, cell)} ({what}) = {v!r}: "
            f'expected a financial year as text; write "{label}" (April to March)'
        )
        return None

    def rows(self, ws):
        """The rows of the sheet's table below its heading row, each padded to the table's
        width (none for a missing sheet)."""
        if ws is None:
            return []
        t = self.tables[ws.title]
        return [ws.row(r, t.width) for r in range(2, t.last_row + 1)]

    def key_blank(self, ws, row, what: str, key=None) -> None:
        """Row ``row``'s key cell (``key``, or column A) is blank: a problem if any other cell
        of the row holds a value (its values would otherwise be dropped without a word)."""
        key = row[0] if key is None else key
        filled = [c for c in row if c.value is not None and c is not key]
        if filled:
            self.bad(
                f"{self.where(ws, key)} ({what}) is blank but cell {filled[0].coordinate} = "
                f"{filled[0].value!r} is not; fill in the {what} or clear the row"
            )

    def keyed_rows(self, ws, what: str, note: str | None = None, seen: dict | None = None):
        """Each row of the sheet's table with its key (column A text), in order: a row with a
        blank key is reported if it holds values (:meth:`key_blank`), a key given twice is
        reported (:meth:`once`), and a key starting with ``note`` (the template's note row)
        is passed over; none of those is yielded. ``seen`` (key → cell) fills as it goes."""
        seen = {} if seen is None else seen
        for row in self.rows(ws):
            key = self.text(ws, row[0], what, False)
            if key is None:
                self.key_blank(ws, row, what)
            elif (note is None or not key.startswith(note)) and self.once(
                ws, seen, key, row[0], what
            ):
                yield row, key

    def once(self, ws, seen: dict[str, str], key: str, cell, what: str) -> bool:
        """False (and a problem naming both cells) if ``key`` was already given on this sheet."""
        if key in seen:
            self.bad(
                f"{self.where(ws, cell)} ({what}) = {key!r}: repeats cell {seen[key]}; "
                f"give each {what} once"
            )
            return False
        seen[key] = cell.coordinate
        return True

    def year_header(
        self, ws, row: int, first_col: int, what: str, cols: list[int] | None = None
    ) -> list[tuple[int, str]]:
        """The year labels in ``row`` from column ``first_col`` (1-based) to the table's last
        column (or in the columns ``cols``, found by :func:`_sheets.headed`), each with its
        column offset from ``first_col``. A number or date is refused (see :meth:`year`)
        without moving the columns after it; a repeated heading is a problem naming both cells;
        a value under a blank heading (as under a merged one) is a problem naming its cell."""
        if ws is None:
            return []
        t = self.tables[ws.title]
        out = []
        seen: dict[str, str] = {}
        for col in range(first_col, t.width + 1) if cols is None else cols:
            k = col - first_col
            cell = ws.cell(row, col)
            label = self.year(ws, cell, what, False)
            if label is not None:
                label = label.removeprefix("Share in ").strip()
                if self.once(ws, seen, label, cell, what):
                    out.append((k, label))
            elif cell.value is None:
                for below in _sheets.under_blank_heading(ws, t, col, row):
                    self.bad(
                        f"{self.where(ws, below)} = {below.value!r}: its column has no "
                        f"year heading ({cell.coordinate} is blank or merged); give the "
                        "column its year"
                    )
        return out

    @staticmethod
    def under(row, first_col: int, header: list[tuple[int, str]]) -> list[tuple[str, Any]]:
        """(year, cell) for each heading in ``header`` (see :meth:`year_header`), from
        ``row``'s cells; columns past the row's end are left out."""
        return [(y, row[first_col - 1 + k]) for k, y in header if first_col - 1 + k < len(row)]


def _unknown_sheets(r: _Reader) -> None:
    """A sheet the template does not have is a problem: a renamed sheet ("Actuals (2)") would
    otherwise be left unread, and its values dropped without a word."""
    known = [*INPUT_SHEETS, *_excel_cohort.COHORT_SHEETS]
    for name in r.wb.sheetnames:
        if name in known:
            continue
        like = next((k for k in known if name.strip().lower().startswith(k.lower())), None)
        r.bad(
            f"{r.path}: sheet {name!r} is not a sheet of the input workbook"
            + (f" (the {like} sheet renamed? name it {like!r})" if like else "")
            + f"; expected only the sheets {', '.join(known)}; rename or delete it (keep "
            "your own notes in another workbook)"
        )


def _missing_rows(r: _Reader, sheet: str, seen: dict[str, str], rows) -> None:
    """Each template row (field, label, required) not on ``sheet`` (its fields ``seen``) is a
    problem: a deleted row would otherwise read as the default without a word, while a blank
    row says so. (demand.model is not in workbooks written before the cohort model.)"""
    for field, label, required in rows:
        if field in seen or field == "demand.model":
            continue
        blank = "with its value" if required else "with its value, or blank for the default"
        r.bad(
            f"{r.path}: sheet {sheet!r} has no row {field} ({label}) in column A; the template "
            f"has one row for each field: put the row back, {blank}"
        )


def _year_run(r: _Reader, ws, header: list[tuple[int, str]], meta: dict[str, Any]) -> None:
    """The Yearly sheet's year headings (from D1) must run one after another from the first
    projected year to the last, each once: a column moved or deleted would otherwise put each
    value in another year. The first heading out of place is a problem naming its cell."""
    base, horizon = meta.get("base_year"), meta.get("horizon")
    first = _excel_actuals._start(base if isinstance(base, str) else header[0][1])
    if first == 10_000:
        return  # no year to start from: the base year's own cell is the problem
    n = horizon if isinstance(horizon, int) and horizon > 0 else None
    label = _excel_actuals._year_label
    run = f"from {label(first)}" + (f" to {label(first + n - 1)}" if n else "")
    for i, (k, y) in enumerate(header):
        cell = ws.cell(1, 4 + k)
        if n is not None and i >= n:
            r.bad(
                f"{r.where(ws, cell)} = {y!r}: after the last projected year {label(first + n - 1)}"
                f" (meta.horizon = {n}); delete the column, or raise meta.horizon"
            )
            return
        if y.replace("/", "-") != label(first + i):
            r.bad(
                f"{r.where(ws, cell)} = {y!r}: expected {label(first + i)!r}; the year headings "
                f"run one after another {run} (meta.base_year, meta.horizon), each once, with "
                "none missing"
            )
            return
    if n is not None and len(header) < n:
        r.bad(
            f"{r.path}: sheet 'Yearly' has year headings only to {header[-1][1]!r} (cell "
            f"{ws.cell(1, 4 + header[-1][0]).coordinate}); expected one for every projected "
            f"year, {run} (meta.horizon = {n}); add the missing columns"
        )
