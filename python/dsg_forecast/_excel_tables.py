"""Excel in, the tables: the scenario dict from an input workbook, sheet by sheet (Assumptions,
Yearly, Placements, Mitigations, Write-offs, Uncertainty and Sources here; Cohort, Transitions
and Actuals in ``_excel_cohort`` and ``_excel_actuals``), every cell problem at once."""

from __future__ import annotations

from typing import Any

from . import _excel_actuals, _excel_cohort, _sheets
from . import _excel_exact as _exact
from ._excel_common import DFE_CATEGORIES
from ._excel_reader import _missing_rows, _Reader, _unknown_sheets, _year_run
from ._excel_template import (
    _DISTRIBUTIONS,
    _EFFECTS,
    _MIT_COLUMNS,
    _MIT_NOTE_START,
    _MIT_OPTIONAL,
    _PLACEMENT_COLUMNS,
    _SCALARS,
    _UNC_DRIVERS,
    _UNC_PARAMS,
    _UNC_SETTINGS,
    _YEARLY,
)

#: Units of Assumptions fields that are not numbers (no stand-in when unreadable).
_NOT_NUMBERS = ("date, e.g. 2028-03-31", "year, e.g. 2024-25", "text", "TRUE or FALSE")

#: The Assumptions sheet's ``<yearly field>.steps`` rows: {field: ((sheet, cell), years listed)}.
_Steps = dict[str, tuple[tuple[Any, Any], list[str]]]


def _put(data: dict[str, Any], dotted: str, value: Any) -> None:
    """Set the field ``dotted`` ("funding.hnb") of ``data``, adding the tables on its way."""
    node = data
    parts = dotted.split(".")
    for p in parts[:-1]:
        node = node.setdefault(p, {})
    node[parts[-1]] = value


def _read_tables(r: _Reader) -> dict[str, Any]:
    """The scenario dict from the input workbook's tables; every cell problem at once."""
    data: dict[str, Any] = {}
    sources: dict[str, str] = {}
    _unknown_sheets(r)
    steps_rows, seen_assumptions = _read_assumptions(r, data, sources)
    _read_yearly(r, data, steps_rows, seen_assumptions)
    _read_placements(r, data)
    _excel_cohort.read_sheets(r, data)
    _read_mitigations(r, data, sources)
    _read_write_offs(r, data)
    uncertainty = _read_uncertainty(r, sources)
    if uncertainty:
        data["uncertainty"] = uncertainty
    _excel_actuals.read_sheet(r, data)
    _read_sources(r, sources)
    if sources:
        data["sources"] = sources
    # Every cell problem at once, before the scenario's own validation (which lists every
    # problem in the values).
    r.data = data  # what could be read, for the value checks that follow a cell problem
    r.check()
    return data


def _read_assumptions(
    r: _Reader, data: dict[str, Any], sources: dict[str, str]
) -> tuple[_Steps, dict[str, str]]:
    """The Assumptions sheet, one value a row, into ``data`` (its notes into ``sources``):
    the ``<yearly field>.steps`` rows it lists (by field, for the Yearly sheet) and the fields
    seen (by cell)."""
    ws = r.sheet("Assumptions")
    units = {f: (u, req) for f, _, u, req in _SCALARS}
    steps_rows: _Steps = {}
    seen: dict[str, str] = {}
    for row, field in r.keyed_rows(ws, "field", seen=seen):
        if field in units:
            unit, required = units[field]
        elif field.startswith("cost.non_plan.") and field.endswith(".base"):
            unit, required = "£", True
        elif field in ("demand.cohort.ageing", _exact.LABELS_GIVEN):
            unit, required = "TRUE or FALSE", False
        elif field.endswith(".steps"):
            text = r.text(ws, row[1], field, False)
            listed = _exact.parse_years(r, ws, row[1], field, text) if text else None
            if listed:
                steps_rows[field.removesuffix(".steps")] = ((ws, row[1]), listed)
            continue
        else:
            r.bad(
                f"{r.path}: sheet 'Assumptions' cell {row[0].coordinate} = {field!r}: unknown "
                f"field; expected one of {', '.join(units)}, cost.non_plan.<name>.base, "
                f"demand.cohort.ageing, {_exact.LABELS_GIVEN} or <yearly field>.steps"
            )
            continue
        before = len(r.problems)
        if unit == "date, e.g. 2028-03-31":
            v = r.date(ws, row[1], field, required)
        elif unit == "year, e.g. 2024-25":
            v = r.year(ws, row[1], field, required)
        elif unit == "text":
            v = r.text(ws, row[1], field, required)
        elif field == "meta.horizon":
            v = r.whole(ws, row[1], field, required)
        elif unit == "TRUE or FALSE":
            v = r.flag(ws, row[1], field)
        else:
            v = r.number(ws, row[1], field, required)
        if v is not None:
            _put(data, field, v)
            r.came_from(ws, row[1], field)
        elif len(r.problems) > before and unit not in _NOT_NUMBERS and field != "meta.horizon":
            # An unreadable number (already a problem): 0 stands in, so the other values can
            # still be checked; it is never a scenario (the problem is raised first).
            _put(data, field, 0.0)
        note = r.text(ws, row[4], "source note", False) if len(row) > 4 else None
        if note:
            key = field.removesuffix(".base") if field.startswith("cost.non_plan.") else field
            sources[key] = note
    if ws is not None:
        _missing_rows(r, "Assumptions", seen, [(f, label, req) for f, label, _, req in _SCALARS])
    return steps_rows, seen


def _read_yearly(
    r: _Reader, data: dict[str, Any], steps_rows: _Steps, seen_assumptions: dict[str, str]
) -> None:
    """The Yearly sheet (a value every year, or amounts by year) into ``data``; the steps an
    Assumptions row lists are applied to their field's row."""
    ws = r.sheet("Yearly")
    before = len(r.problems)
    header = r.year_header(ws, 1, 4, "year column heading")
    if header and len(r.problems) == before:
        _year_run(r, ws, header, data.get("meta", {}))
    years = [y for _, y in header]
    if ws is not None and not years:
        r.bad(
            f"{r.path}: sheet 'Yearly' has no year headings in row 1 from cell D1; expected "
            'financial years such as "2024-25"'
        )
    kinds = {f: k for f, _, _, k in _YEARLY}
    seen: dict[str, str] = {}
    for row, field in r.keyed_rows(ws, "field", seen=seen):
        if field in kinds:
            kind = kinds[field]
        elif field.startswith(("cost.inflation_by_category.", "capacity.")):
            kind = "rate"
        elif field.startswith("cost.non_plan.") and field.endswith(".growth"):
            kind = "rate?"
        else:
            r.bad(
                f"{r.path}: sheet 'Yearly' cell {row[0].coordinate} = {field!r}: "
                f"unknown field; expected one of {', '.join(kinds)}"
            )
            continue
        cells = r.under(row, 4, header)
        r.came_from(ws, row[0], field)
        for y, c in cells:
            r.came_from(ws, c, field, y)
        if kind == "amounts":
            vals = {y: r.number(ws, c, f"{field} {y}", False) for y, c in cells}
            vals = {y: v for y, v in vals.items() if v is not None}
            if vals:
                _put(data, field, vals)
            continue
        if not cells or kind == "rate?" and all(c.value in (None, "") for _, c in cells):
            continue
        values = [r.number(ws, c, f"{field} {y}", True) for y, c in cells]
        if any(v is None for v in values):
            # Unreadable cells (already problems): 0 stands in, so the row's other values can
            # still be checked; it is never a scenario (the problems are raised first).
            for (y, _), v in zip(cells, values, strict=True):
                if v is None:
                    r.cells.pop((field, y), None)
            values = [0.0 if v is None else v for v in values]
        if field in steps_rows:
            where, listed = steps_rows.pop(field)
            if all(v is not None for v in values):
                steps = _exact.apply_steps(r, where, field, listed, cells, values, ws)
                if steps is not None:
                    _put(data, field, steps)
            continue
        _put(data, field, _exact.compress(values, [y for y, _ in cells]))
    if ws is not None:
        non_plan = [f.removesuffix(".base") for f in seen_assumptions if f.endswith(".base")]
        _missing_rows(
            r, "Yearly", seen,
            [(f, label, kind == "rate") for f, label, _, kind in _YEARLY]
            + [(f"{f}.growth", f"Growth: {f.removeprefix('cost.non_plan.')}", False)
               for f in non_plan if f.startswith("cost.non_plan.")],
        )  # fmt: skip
    for field, ((a_ws, a_cell), _) in steps_rows.items():
        r.bad(
            f"{r.where(a_ws, a_cell)} ({field}.steps): no row {field} with a value every year "
            "on the sheet 'Yearly'; clear the cell"
        )


def _read_placements(r: _Reader, data: dict[str, Any]) -> None:
    """The Placements sheet (read by heading): EHCPs, unit costs, overflow and the mix
    shares by year of each category, with labels other than the template's."""
    labels_given = bool(data.get("demand", {}).get("labels", {}).pop("given", False))
    if "labels" in data.get("demand", {}) and not data["demand"]["labels"]:
        del data["demand"]["labels"]
    ws = r.sheet("Placements")
    cols, share_cols = _sheets.headed(
        r, ws, _PLACEMENT_COLUMNS, (), lambda h: str(h).startswith("Share in "),
        "'Share in <year>' columns",
    )  # fmt: skip
    mix_header = r.year_header(ws, 1, 1, "share year column heading", share_cols)
    mix_years = [y for _, y in mix_header]
    mixes: list[dict[str, float]] = [{} for _ in mix_years]
    seen: dict[str, str] = {}
    for row in r.rows(ws) if cols is not None else []:
        cat_cell, label_cell, plans_cell, cost_cell, overflow_cell = (
            row[cols[h]] for h in _PLACEMENT_COLUMNS
        )
        cat = r.text(ws, cat_cell, "category", False)
        if cat is None:
            r.key_blank(ws, row, "category", cat_cell)
            continue
        if not r.once(ws, seen, cat, cat_cell, "category"):
            continue
        label = r.text(ws, label_cell, "label", False)
        if label and (labels_given or label != dict(DFE_CATEGORIES).get(cat, cat)):
            _put(data, f"demand.labels.{cat}", label)
        # (An unreadable number, already a problem, reads as 0 so the other values can still
        # be checked; it is never a scenario.)
        for field, cell, what in (
            (f"demand.base_plans.{cat}", plans_cell, f"EHCPs for {cat}"),
            (f"cost.unit_cost.{cat}", cost_cell, f"unit cost for {cat}"),
        ):
            v = r.number(ws, cell, what, True)
            _put(data, field, 0.0 if v is None else v)
            if v is not None:
                r.came_from(ws, cell, field)
        overflow = r.text(ws, overflow_cell, "overflow", False)
        if overflow:
            _put(data, f"capacity.{cat}.overflow", overflow)
            r.came_from(ws, overflow_cell, f"capacity.{cat}.overflow")
        for k, (y, c) in enumerate(r.under(row, 1, mix_header)):
            share = r.number(ws, c, f"share of {cat} in {y}", True)
            mixes[k][cat] = 0.0 if share is None else share
    if mix_years:
        data.setdefault("demand", {})["mix"] = [
            {"year": y, "shares": s} for y, s in zip(mix_years, mixes, strict=False)
        ]


def _read_mitigations(r: _Reader, data: dict[str, Any], sources: dict[str, str]) -> None:
    """The Mitigations sheet (read by heading, one mitigation a row) into ``data``, each
    source note into ``sources``."""
    ws = r.sheet("Mitigations")
    cols, year_cols = _sheets.headed(
        r, ws, _MIT_COLUMNS, _MIT_OPTIONAL, lambda h: not str(h)[:1].isalpha(),
        "year columns such as '2024-25'",
    )  # fmt: skip
    if cols is not None and len({h in cols for h in _MIT_OPTIONAL}) > 1:  # one left out
        r.bad(
            f"{r.path}: sheet 'Mitigations' has a column headed "
            f"{' and '.join(repr(h) for h in _MIT_OPTIONAL if h in cols)} but none headed "
            f"{' and '.join(repr(h) for h in _MIT_OPTIONAL if h not in cols)}; expected both "
            "(or neither, as in workbooks written before them)"
        )
        cols = None
    m_header = r.year_header(ws, 1, 1, "year column heading", year_cols)
    mitigations = []
    for row in r.rows(ws) if cols is not None else []:
        cell = {h: row[cols[h]] for h in _MIT_COLUMNS if h in cols}
        name = r.text(ws, cell["Name"], "name", False)
        if name is None:
            r.key_blank(ws, row, "mitigation name", cell["Name"])
            continue
        if name.startswith(_MIT_NOTE_START) and all(
            c.value is None for c in row if c is not cell["Name"]
        ):
            continue  # the template's note row (joined to the table by a filled blank row)
        kind = r.text(ws, cell["Effect"], f"effect of {name!r}", True)
        if kind is None:
            continue  # blank: already recorded
        if kind not in _EFFECTS:
            r.bad(
                f"{r.path}: sheet 'Mitigations' cell {cell['Effect'].coordinate} = "
                f"{kind!r}: unknown effect; expected one of {', '.join(_EFFECTS)}"
            )
            continue
        key, _ = _EFFECTS[kind]
        body: dict[str, Any] = {}
        if key == "amounts":
            cells = r.under(row, 1, m_header)
            vals = {y: r.number(ws, c, f"{name} {y}", False) for y, c in cells}
            body["amounts"] = {y: v for y, v in vals.items() if v is not None}
        else:
            body[key] = r.number(ws, cell["Size"], f"size of {name!r}", True)
        for k in ("from", "to", "category"):
            v = r.text(
                ws,
                cell[k.title()],
                k,
                kind == "move_plans" and k != "category" or kind == "unit_cost" and k == "category",
            )
            if v is not None:
                body[k] = v
        ramp = r.whole(ws, cell["Ramp years"], f"ramp years of {name!r}", False)
        m = {
            "name": name,
            "start": r.year(ws, cell["Start"], f"start of {name!r}", True),
            "ramp_years": ramp if ramp is not None else 1,
            "effect": {kind: body},
        }
        if "Age" in cell:  # the Age and Carried columns (not in older workbooks)
            age = r.whole(ws, cell["Age"], f"age of {name!r}", kind == "cease_at_age")
            if age is not None:
                body["age"] = age
            carried = r.number(ws, cell["Carried"], f"carried plans of {name!r}", False)
            if carried is not None:
                m["carried"] = carried
        elif kind == "cease_at_age":
            r.bad(
                f"{r.where(ws, cell['Effect'])} (effect of {name!r}) = 'cease_at_age' needs an "
                "age, but the sheet has no column headed 'Age'; add the Age and Carried columns"
            )
        r.came_from(ws, cell["Name"], f"mitigations[{len(mitigations)}]")
        mitigations.append(m)
        note = r.text(ws, cell["Source note"], "source note", False)
        if note:
            sources[f"mitigations.{name}"] = note
    if mitigations:
        data["mitigations"] = mitigations


def _read_write_offs(r: _Reader, data: dict[str, Any]) -> None:
    """The Write-offs sheet (a year, an amount or a share, a row) into ``data``."""
    ws = r.sheet("Write-offs")
    write_offs = []
    for row in r.rows(ws):
        year = r.year(ws, row[0], "year", False)
        if year is None:
            if row[0].value is None:
                r.key_blank(ws, row, "year")
            continue
        w: dict[str, Any] = {"year": year}
        for col, k in ((1, "amount"), (2, "share")):
            v = r.number(ws, row[col], f"write-off {k} in {year}", False)
            if v is not None:
                w[k] = v
        write_offs.append(w)
    if write_offs:
        data.setdefault("deficit", {})["write_offs"] = write_offs


def _read_sources(r: _Reader, sources: dict[str, str]) -> None:
    """The Sources sheet (a field and its note, a row) into ``sources``."""
    ws = r.sheet("Sources")
    seen: dict[str, str] = {}
    for row in r.rows(ws):
        field = r.text(ws, row[0], "field", False)
        note = r.text(ws, row[1], "note", False) if len(row) > 1 else None
        if field is None:
            r.key_blank(ws, row, "field")
        elif r.once(ws, seen, field, row[0], "field") and note:
            sources[field] = note


def _read_uncertainty(r: _Reader, sources: dict[str, str]) -> dict[str, Any]:
    """The [uncertainty] section from the Uncertainty sheet ({} when the sheet is absent or
    blank). Cells are checked here (naming sheet and cell); values by the scenario's own
    validation."""
    ws = r.sheet("Uncertainty", optional=True)
    if ws is None:
        return {}
    where = f"{r.path}: sheet 'Uncertainty'"
    u: dict[str, Any] = {}
    for row, field in r.keyed_rows(ws, "field", note="Distributions: "):
        cells = dict(zip(_UNC_PARAMS, row[2 : 2 + len(_UNC_PARAMS)], strict=False))
        note_col = 2 + len(_UNC_PARAMS) + 1
        note = r.text(ws, row[note_col], "source note", False) if len(row) > note_col else None
        if field in _UNC_SETTINGS:
            v = r.number(ws, row[1], field, False)
            if v is not None:
                u[field] = v
        elif field in _UNC_DRIVERS or field.startswith(("inflation_by_category.", "delivery.")):
            dist = r.text(ws, row[1], f"distribution of {field}", False)
            filled = {k: c for k, c in cells.items() if c.value not in (None, "")}
            if dist is None:
                if filled:
                    c = next(iter(filled.values()))
                    r.bad(
                        f"{where} cell {row[1].coordinate} ({field}) is blank but cell "
                        f"{c.coordinate} has a parameter; expected a distribution: "
                        f"{', '.join(_DISTRIBUTIONS)} (or clear the row)"
                    )
                continue
            if dist not in _DISTRIBUTIONS:
                r.bad(
                    f"{where} cell {row[1].coordinate} ({field}) = {dist!r}: unknown "
                    f"distribution; expected one of {', '.join(_DISTRIBUTIONS)}"
                )
                continue
            takes, needs = _DISTRIBUTIONS[dist]
            body: dict[str, Any] = {"distribution": dist}
            for k, c in cells.items():
                if k in takes:
                    v = r.number(ws, c, f"{field} {k}", k in needs)
                    if v is not None:
                        body[k] = v
                elif k in filled:
                    r.bad(
                        f"{where} cell {c.coordinate} ({field} {k}) = {c.value!r}: {dist} takes "
                        f"only {', '.join(takes)}; clear this cell"
                    )
            if "." in field:
                group, key = field.split(".", 1)
                u.setdefault(group, {})[key] = body
            else:
                u[field] = body
        else:
            r.bad(
                f"{where} cell {row[0].coordinate} = {field!r}: unknown field; expected one of "
                f"{', '.join([*_UNC_SETTINGS, *_UNC_DRIVERS])}, inflation_by_category.<category> "
                "or delivery.<mitigation name>"
            )
            continue
        if note:
            sources[f"uncertainty.{field}"] = note
    return u
