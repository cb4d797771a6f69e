"""Shared by the Excel modules (see :mod:`dsg_forecast.excel`): number formats, the DfE
categories, the input workbook's sheets, and the helpers every workbook writer uses (openpyxl
imported only when a workbook is read or written; a new file written atomically, an existing
one replaced only with ``overwrite=True``)."""

from __future__ import annotations

import os
from pathlib import Path

from . import _excel_cohort
from ._io import OutputPathError, atomic_write, resolve_output

#: Number formats: money in whole pounds, £m, plans, rates and shares.
POUNDS = "£#,##0;[Red]-£#,##0"
POUNDS_M = '£#,##0.0,,"m";[Red]-£#,##0.0,,"m"'
PLANS = "#,##0"
RATE = "0.00%"
PERCENT = '0.0"%"'
PLANS_1DP = "#,##0.0"

#: The DfE management-plan template's seven placement categories, in its order.
DFE_CATEGORIES = [
    ("mainstream", "Mainstream schools or academies"),
    ("resourced_provision", "Resourced provision or SEN units"),
    ("special", "Maintained special schools or special academies"),
    ("independent", "Non-maintained or independent special schools"),
    ("hospital_ap", "Hospital schools or alternative provision"),
    ("post16", "Post-16 and further education"),
    ("other", "Other placements or direct payments"),
]

#: Sheets of the input workbook, in order.
INPUT_SHEETS = [
    "Assumptions",
    "Yearly",
    "Placements",
    "Mitigations",
    "Write-offs",
    "Uncertainty",
    "Actuals",
    "Sources",
]
#: Sheets an input workbook may leave out (older workbooks have no Uncertainty or Actuals
#: sheet; only a cohort-model scenario has the Cohort and Transitions sheets, after Placements).
OPTIONAL_SHEETS = ["Uncertainty", "Actuals", *_excel_cohort.COHORT_SHEETS]


def _openpyxl():
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - depends on the install
        raise ImportError("Excel files need openpyxl: pip install 'dsg-forecast[excel]'") from None
    return openpyxl


def _col(c: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(c)


def _bold_header(ws, headers: list[str], widths: dict[int, float] | None = None) -> None:
    from openpyxl.styles import Font, PatternFill

    ws.append(headers)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    ws.freeze_panes = f"A{ws.max_row + 1}"  # a string: creating the cell would add a row
    for col, w in (widths or {}).items():
        ws.column_dimensions[_col(col)].width = w


def _save(wb, path: str | os.PathLike[str], overwrite: bool) -> Path:
    return atomic_write(path, lambda p: wb.save(p), overwrite=overwrite)


def _refuse_existing(path: str | os.PathLike[str], overwrite: bool) -> None:
    """Refuse, before building a workbook, a path that must not be written (see
    :func:`dsg_forecast._io.resolve_output`), or one not ending ``.xlsx``: a workbook written
    over ``plan.toml`` (or through a link to it) would replace the scenario file with a zip."""
    target = resolve_output(path, overwrite=overwrite)
    for p in dict.fromkeys([Path(path), target]):
        if p.suffix.lower() != ".xlsx":
            raise OutputPathError(
                f"{path}: a workbook is written only to a file ending .xlsx, not "
                f"{repr(p.suffix) if p.suffix else 'a name without one'}"
                f"{f' (the target of the link, {p})' if p != Path(path) else ''}; give a name "
                f"such as {Path(path).with_suffix('.xlsx').name!r}"
            )
