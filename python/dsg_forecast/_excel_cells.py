"""Excel in, naming cells: the scenario's validation problems each prefixed with the sheet and
cell its value was read from, and one error listing every problem in a workbook."""

from __future__ import annotations

from .scenario import ScenarioError


def _error(path: str, messages: list[str]) -> ScenarioError:
    """One ScenarioError listing ``messages`` (each "<path>: ..."): the one alone, or all
    under ``<path>: N problems:``."""
    if len(messages) == 1:
        err = ScenarioError(messages[0])
    else:
        listed = "\n".join(f"  - {m.removeprefix(path + ': ')}" for m in messages)
        err = ScenarioError(f"{path}: {len(messages)} problems:\n{listed}")
    err.issues = [{"path": None, "year": None, "value": None, "message": m} for m in messages]
    return err


def _cell_line(issue: dict, where: str | None) -> str:
    """One validation issue as "sheet 'X' cell C: field[year] = value: rule" (without the
    cell when it is not known)."""
    field = issue["path"] + (f"[{issue['year']}]" if issue.get("year") else "")
    value = f" = {issue['value']}" if issue.get("value") is not None else ""
    return f"{where}: " * bool(where) + f"{field}{value}: {issue['message']}"


def _cell_for(
    cells: dict[tuple[str, str | None], str], issue: dict, under: bool = True
) -> str | None:
    """The sheet and cell a validation issue's value came from: its field in its year, in the
    year its value names (an actual outside the years), the field's row, or the first cell
    read under the field (``capacity.special`` from ``capacity.special.places``; not with
    ``under=False``, when cells could not be read and the field may be incomplete because of
    them); None when no cell is known."""
    path, year, value = issue.get("path"), issue.get("year"), issue.get("value")
    named = value.strip('"') if isinstance(value, str) else None
    for key in ((path, year or named), (path, None)):
        if key in cells:
            return cells[key]
    if not under or not path or "." not in path:
        return None
    found = [(y, w) for (p, y), w in cells.items() if p.startswith((path + ".", path + "["))]
    return next((w for y, w in found if y is None), found[0][1] if found else None)


def _with_cells(
    e: ScenarioError, cells: dict[tuple[str, str | None], str], path: str
) -> ScenarioError:
    """The scenario's validation error, each problem prefixed with the workbook's sheet and
    cell it came from where known (``sheet 'Yearly' cell F4: funding.block_transfer[2026-27]
    = 0.03: …``)."""
    issues = list(getattr(e, "issues", None) or [])
    at = [_cell_for(cells, i) for i in issues]
    if not any(at):
        return e
    err = _error(path, [f"{path}: {_cell_line(i, w)}" for i, w in zip(issues, at, strict=True)])
    err.issues = [{**i, "cell": w} for i, w in zip(issues, at, strict=True)]
    return err
