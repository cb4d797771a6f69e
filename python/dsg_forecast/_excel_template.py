"""Excel in, the template: the input workbook's layout (the fields of the Assumptions and
Yearly sheets, the Placements and Mitigations headings, the Uncertainty sheet's rows and
distributions) and :func:`write_input_workbook`, which writes it blank or filled in from a
scenario. ``_excel_tables`` reads it back."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import _excel_actuals, _excel_cohort
from . import _excel_exact as _exact
from ._excel_common import (
    DFE_CATEGORIES,
    PLANS,
    PLANS_1DP,
    POUNDS,
    RATE,
    _bold_header,
    _col,
    _openpyxl,
    _refuse_existing,
    _save,
)

if TYPE_CHECKING:
    from .scenario import Scenario


# (field, label, unit, required). Values on the Assumptions sheet, one per row.
_SCALARS = [
    ("meta.name", "Name of the plan", "text", True),
    ("meta.council", "Council", "text", False),
    ("meta.base_year", "First projected year", "year, e.g. 2024-25", True),
    ("meta.horizon", "Years projected", "years", True),
    ("meta.notes", "Notes", "text", False),
    ("funding.hnb", "High needs block in the first year", "£", True),
    ("funding.schools_block", "Schools block in the first year", "£", False),
    ("deficit.opening", "Cumulative deficit brought forward", "£", False),
    ("financing.interest_rate", "Interest on the deficit (general fund)", "rate a year", False),
    ("financing.reserves", "General fund reserves", "£", False),
    ("financing.override_end", "Statutory override ends", "date, e.g. 2028-03-31", False),
    ("demand.model", "Demand model: growth (blank) or cohort (the Cohort sheet)", "text", False),
]
# Rows of the Yearly sheet: (field, label, unit, kind) with kind "rate" (a value every year,
# required), "rate?" (optional: blank row = the default) or "amounts" (blank = none).
_YEARLY = [
    ("funding.hnb_growth", "HNB growth", "rate", "rate?"),
    ("funding.schools_block_growth", "Schools block growth", "rate", "rate?"),
    ("funding.block_transfer", "Block transfer (share of schools block)", "share", "rate?"),
    ("funding.other_income", "Other income to the HNB", "£", "amounts"),
    ("deficit.payments", "Payments towards the deficit", "£", "amounts"),
    ("demand.growth", "EHCP growth", "rate", "rate"),
    ("cost.inflation", "Unit-cost inflation", "rate", "rate"),
]
# The Uncertainty sheet: one row per setting or uncertain driver (see docs/uncertainty.md).
_UNC_SETTINGS = {
    "persistence": "Share of last year's shock still there this year (0 to below 1; blank = 0)",
    "correlation": "Correlation of EHCP growth and inflation shocks in a year (-1 to 1; blank = 0)",
}
_UNC_DRIVERS = {
    "ehcp_growth": "Yearly shock to EHCP growth (0.01 = 1 point); blank = as planned",
    "inflation": "Yearly shock to unit-cost inflation, every category; blank = as planned",
    "hnb_growth": "Yearly shock to HNB growth; blank = as planned",
}
_UNC_PARAMS = ["mean", "sd", "mu", "sigma", "shift", "min", "mode", "max", "alpha", "beta"]
# distribution: (parameters it takes, parameters it needs)
_DISTRIBUTIONS = {
    "normal": (("mean", "sd"), ("sd",)),
    "lognormal": (("mu", "sigma", "shift"), ("mu", "sigma")),
    "triangular": (("min", "mode", "max"), ("min", "mode", "max")),
    "uniform": (("min", "max"), ("min", "max")),
    "beta": (("alpha", "beta", "min", "max"), ("alpha", "beta")),
}
_EFFECTS = {
    "reduce_growth": ("points", "points of growth (0.02 = 2 points)"),
    "move_plans": ("per_year", "plans a year"),
    "cease_plans": ("per_year", "plans a year"),
    "unit_cost": ("change", "change in unit cost (-0.05 = 5% cheaper)"),
    "invest": ("amounts", "£ by year (columns to the right)"),
    "save": ("amounts", "£ by year (columns to the right; negative = headroom)"),
    "reduce_new_plans": ("share", "share of new plans avoided (0.2 = a fifth fewer; cohort)"),
    "cease_at_age": ("share", "share of the plans at Age ceasing a year (cohort)"),
}
#: Mitigations sheet headings before the years (read by heading, in any order). Age and
#: Carried may be left out together (workbooks written before them).
_MIT_COLUMNS = ["Name", "Start", "Ramp years", "Effect", "Size", "From", "To", "Category",
                "Age", "Carried", "Source note"]  # fmt: skip
_MIT_OPTIONAL = ("Age", "Carried")
#: The note row the template writes below the Mitigations table: its exact text, and the start
#: every version of it has (a row is skipped as the note only if it starts so and has nothing
#: else: a mitigation's name may start "Effects: ").
_MIT_NOTE = (
    "Effects: "
    + "; ".join(f"{k}: Size is {v[1]}" for k, v in _EFFECTS.items())
    + ". Age: the age of cease_at_age. Carried: plans a move_plans or cease_plans "
    "mitigation had moved or ceased before the first projected year (a roll-forward)."
)
_MIT_NOTE_START = "Effects: reduce_growth: Size is points of growth"
#: Placements sheet headings before the "Share in <year>" columns (read by heading).
_PLACEMENT_COLUMNS = ["Category", "Label", "EHCPs in first year", "Unit cost (£ a plan)",
                      "Overflow to (if places limited)"]  # fmt: skip


def _yearly_rows(get) -> list[tuple[str, str, str, str]]:
    """The Yearly sheet's rows for a scenario dict (``get`` reads a dotted field)."""
    rows = list(_YEARLY)
    for c in get("cost.inflation_by_category") or {}:
        rows.append((f"cost.inflation_by_category.{c}", f"Inflation: {c}", "rate", "rate"))
    for name in get("cost.non_plan") or {}:
        rows.append((f"cost.non_plan.{name}.growth", f"Growth: {name}", "rate", "rate?"))
    for c in get("capacity") or {}:
        rows.append((f"capacity.{c}.places", f"Places limit: {c}", "plans", "rate"))
    return rows


def write_input_workbook(
    path: str | os.PathLike[str], scenario: Scenario | None = None, *, overwrite: bool = False
) -> Path:
    """Write an input workbook a finance officer can fill in, laid out by topic:
    Assumptions (one value a row, with units and notes), Yearly (rates and amounts with years
    as columns), Placements (EHCPs, unit costs and places by placement), Mitigations,
    Write-offs, Uncertainty (the ``[uncertainty]`` section: persistence, correlation and one
    row per uncertain driver) and Sources. With ``scenario``, it is filled in from it (read it
    back with ``Scenario.from_excel``); without, it holds the DfE seven categories and blank
    values. A cohort-model scenario adds the Cohort and Transitions sheets after Placements
    (see ``_excel_cohort``); the Actuals sheet holds the ``[actuals]`` section. A scenario
    written and read back is equal to it (``==``)."""
    _refuse_existing(path, overwrite)
    from openpyxl.styles import Font

    wb = _openpyxl().Workbook()
    wb.remove(wb.active)
    d = scenario.to_dict() if scenario is not None else {}
    sources = dict(d.get("sources", {}))
    get = lambda dotted: _get(d, dotted)  # noqa: E731
    years = (
        scenario.years
        if scenario is not None
        else [f"{2024 + k}-{(25 + k) % 100:02d}" for k in range(15)]
    )

    ws = wb.create_sheet("Assumptions")
    _bold_header(
        ws, ["Field", "Value", "Unit", "Label", "Source note"], {1: 30, 2: 40, 3: 22, 4: 42, 5: 90}
    )
    for field, label, unit, required in _SCALARS:
        v = get(field)
        ws.append(
            [field, v, unit, label + (" (required)" if required else ""), sources.pop(field, "")]
        )
        cell = ws.cell(row=ws.max_row, column=2)
        cell.number_format = {"£": POUNDS, "rate a year": RATE, "years": "0"}.get(unit, "@")
    cohort = get("demand.cohort")
    if cohort is not None:
        ws.append(
            [
                "demand.cohort.ageing",
                cohort.get("ageing", True),
                "TRUE or FALSE",
                "Plans age a year every year and end at 25 (FALSE: the Cohort sheet's rows are "
                "age buckets that never change)",
                sources.pop("demand.cohort.ageing", ""),
            ]
        )
    for name, line in (get("cost.non_plan") or {}).items():
        field = f"cost.non_plan.{name}.base"
        ws.append(
            [
                field,
                line["base"],
                "£",
                f"Spend not tied to plans: {name}",
                sources.pop(f"cost.non_plan.{name}", ""),
            ]
        )
        ws.cell(row=ws.max_row, column=2).number_format = POUNDS

    rows = _yearly_rows(get)
    labels_given = _exact.labels_given(get("demand.labels") or {}, DFE_CATEGORIES)
    _exact.write_rows(ws, get, rows, years, labels_given, sources)

    ws = wb.create_sheet("Yearly")
    _bold_header(ws, ["Field", "Label", "Unit", *years], {1: 44, 2: 42, 3: 8})
    for field, label, unit, kind in rows:
        v = get(field)
        if kind == "amounts":
            vals = [(v or {}).get(y) for y in years]
        elif v is None:
            vals = [None] * len(years)
        else:
            vals = _exact.schedule_values(v, years)
        ws.append([field, label, unit, *vals])
        fmt = {"rate": RATE, "share": RATE, "£": POUNDS, "plans": PLANS}[unit]
        for cell in ws[ws.max_row][3:]:
            cell.number_format = fmt
    for c in range(4, 4 + len(years)):
        ws.column_dimensions[_col(c)].width = 12

    ws = wb.create_sheet("Placements")
    mix = get("demand.mix") or []
    _bold_header(
        ws,
        [*_PLACEMENT_COLUMNS, *[f"Share in {m['year']}" for m in mix]],
        {1: 22, 2: 48, 3: 18, 4: 18, 5: 18},
    )
    cats = list((get("demand.base_plans") or {c: None for c, _ in DFE_CATEGORIES}).keys())
    labels = ({} if labels_given else dict(DFE_CATEGORIES)) | (get("demand.labels") or {})
    for c in cats:
        cap = (get("capacity") or {}).get(c)
        ws.append(
            [
                c,
                labels.get(c, None if labels_given else c),
                get(f"demand.base_plans.{c}"),
                get(f"cost.unit_cost.{c}"),
                cap["overflow"] if cap else None,
                *[m["shares"].get(c, 0.0) for m in mix],
            ]
        )
        row = ws[ws.max_row]
        row[2].number_format, row[3].number_format = PLANS, POUNDS
        for cell in row[5:]:
            cell.number_format = RATE

    _excel_cohort.write_sheets(wb, get("demand.cohort"), cats)

    ws = wb.create_sheet("Mitigations")
    _bold_header(ws, [*_MIT_COLUMNS, *years], {1: 44, 4: 16, 11: 60})
    for m in get("mitigations") or []:
        ((kind, body),) = m["effect"].items()
        key, _ = _EFFECTS[kind]
        size = None if key == "amounts" else body[key]
        amounts = body.get("amounts", {}) if key == "amounts" else {}
        ws.append(
            [
                m["name"],
                m["start"],
                m.get("ramp_years", 1),
                kind,
                size,
                body.get("from"),
                body.get("to"),
                body.get("category"),
                body.get("age"),
                m.get("carried"),
                sources.pop(f"mitigations.{m['name']}", ""),
                *[amounts.get(y) for y in years],
            ]
        )
        ws.cell(row=ws.max_row, column=10).number_format = PLANS_1DP
        for cell in ws[ws.max_row][11:]:
            cell.number_format = POUNDS
    ws.append([])
    ws.append([_MIT_NOTE])
    ws.cell(row=ws.max_row, column=1).font = Font(italic=True)

    ws = wb.create_sheet("Write-offs")
    _bold_header(ws, ["Year", "Amount (£)", "Share of the deficit (0 to 1)"], {1: 12, 2: 18, 3: 28})
    for w in get("deficit.write_offs") or []:
        ws.append([w["year"], w.get("amount"), w.get("share")])
        ws.cell(row=ws.max_row, column=2).number_format = POUNDS

    _uncertainty_sheet(wb, d.get("uncertainty") or {}, sources)
    _excel_actuals.write_sheet(wb, d.get("actuals") or {}, years[0], len(years), cats)

    ws = wb.create_sheet("Sources")
    _bold_header(ws, ["Field", "Source note"], {1: 50, 2: 110})
    for k, v in sources.items():
        ws.append([k, v])
    _exact.full_precision(wb)
    return _save(wb, path, overwrite)


def _uncertainty_sheet(wb, u: dict, sources: dict[str, str]) -> None:
    """The Uncertainty sheet: persistence and correlation (a value in column B), then one row
    per uncertain driver (distribution in column B, its parameters in the named columns)."""
    from openpyxl.styles import Font

    ws = wb.create_sheet("Uncertainty")
    _bold_header(
        ws,
        ["Field", "Distribution or value", *_UNC_PARAMS, "Meaning", "Source note"],
        {1: 40, 2: 22, 13: 70, 14: 60},
    )
    for field, meaning in _UNC_SETTINGS.items():
        note = sources.pop(f"uncertainty.{field}", "")
        ws.append([field, u.get(field), *[None] * len(_UNC_PARAMS), meaning, note])
    rows = [(f, u.get(f), m) for f, m in _UNC_DRIVERS.items()]
    for cat, dist in (u.get("inflation_by_category") or {}).items():
        rows.append((f"inflation_by_category.{cat}", dist, f"Extra inflation shock: {cat}"))
    for name, dist in (u.get("delivery") or {}).items():
        rows.append((f"delivery.{name}", dist, f"Share of {name!r} delivered (1 = as planned)"))
    for field, dist, meaning in rows:
        dist = dist or {}
        note = sources.pop(f"uncertainty.{field}", "")
        params = [dist.get(k) for k in _UNC_PARAMS]
        ws.append([field, dist.get("distribution"), *params, meaning, note])
    ws.append([])
    ws.append(
        [
            "Distributions: "
            + "; ".join(f"{k} ({', '.join(v[0])})" for k, v in _DISTRIBUTIONS.items())
            + ". Add rows inflation_by_category.<category> or delivery.<mitigation name> as "
            "needed; see docs/uncertainty.md."
        ]
    )
    ws.cell(row=ws.max_row, column=1).font = Font(italic=True)


def _get(d: dict, dotted: str) -> Any:
    node: Any = d
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node
