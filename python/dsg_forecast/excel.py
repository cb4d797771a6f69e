"""Excel out (projections and comparisons for schools forum) and Excel in (an input workbook a
finance officer fills in). openpyxl is imported only when a workbook is read or written, so
the core install does not need it: ``pip install dsg-forecast[excel]``.

Every workbook is new: it is written to a temporary file and renamed into place, and an
existing file is never replaced unless ``overwrite=True``.
"""

from __future__ import annotations

import os

# The Excel modules, each importing only those above it: _excel_common (formats, sheets,
# helpers); _excel_out (projection and comparison workbooks); _excel_template (the input
# workbook's layout, and writing it); _excel_cells (naming cells in problems); _excel_reader
# (reading a sheet's table); _excel_tables (the scenario from the tables); and this module,
# which reads a workbook into a Scenario and re-exports the names used from here.
from ._excel_cells import _cell_for, _cell_line, _with_cells
from ._excel_common import DFE_CATEGORIES as DFE_CATEGORIES
from ._excel_common import INPUT_SHEETS as INPUT_SHEETS
from ._excel_common import OPTIONAL_SHEETS as OPTIONAL_SHEETS
from ._excel_common import PERCENT as PERCENT
from ._excel_common import PLANS as PLANS
from ._excel_common import PLANS_1DP as PLANS_1DP
from ._excel_common import POUNDS as POUNDS
from ._excel_common import POUNDS_M as POUNDS_M
from ._excel_common import RATE as RATE
from ._excel_common import _bold_header as _bold_header
from ._excel_common import _col as _col
from ._excel_common import _openpyxl
from ._excel_common import _refuse_existing as _refuse_existing
from ._excel_common import _save as _save
from ._excel_out import comparison_to_excel as comparison_to_excel
from ._excel_out import flatten as flatten
from ._excel_out import projection_to_excel as projection_to_excel
from ._excel_out import source_note as source_note
from ._excel_reader import _MAX_WORKBOOK_BYTES, _Reader
from ._excel_tables import _read_tables
from ._excel_template import write_input_workbook as write_input_workbook
from .scenario import Scenario, ScenarioError


def read_input_workbook(path: str | os.PathLike[str]) -> Scenario:
    """Read an input workbook (see :func:`write_input_workbook`) into a validated Scenario.
    Errors name the sheet and cell: a missing sheet, text in a number cell, a blank required
    cell (every mix share is required), an unknown distribution or a parameter it does not
    take; then the scenario's own validation names the field. The Uncertainty sheet may be
    left out (no ``[uncertainty]`` section)."""
    from .scenario import check_input_file

    openpyxl = _openpyxl()
    check_input_file(path, limit=_MAX_WORKBOOK_BYTES)
    try:
        # Read-only: sheets are streamed when read, never expanded into a grid of cells.
        wb = openpyxl.load_workbook(path, data_only=True, read_only=True)
    except FileNotFoundError:
        raise ScenarioError(f"{path}: no such file") from None
    except Exception as e:  # openpyxl raises several types for a file that is not xlsx
        raise ScenarioError(f"{path}: not an Excel workbook ({e})") from None
    reader = _Reader(wb, str(path))
    try:
        data = _read_tables(reader)
    except ScenarioError:
        # Cells that could not be read: also check the values that could, so every problem
        # in the workbook is listed at once (only those with a cell to name: the others may
        # come from what could not be read).
        more = _value_problems(reader)
        if not more:
            raise
        reader.problems += more
        reader.check()
    finally:
        wb.close()
    try:
        return Scenario.from_dict(data)
    except ScenarioError as e:
        raise _with_cells(e, reader.cells, str(path)) from None


def _value_problems(r: _Reader) -> list[str]:
    """The scenario's own checks on what could be read, as "<file>: sheet 'X' cell C: field =
    value: rule" lines, for the values read from a named cell only."""
    data = getattr(r, "data", None)
    if not data:
        return []
    try:
        Scenario.from_dict(data)
    except ScenarioError as e:
        found = [(i, _cell_for(r.cells, i, under=False)) for i in e.issues or []]
        return [f"{r.path}: {_cell_line(i, where)}" for i, where in found if where]
    return []
