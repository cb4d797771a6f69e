"""Excel out (projections and comparisons for schools forum) and Excel in (an input workbook a
finance officer fills in). openpyxl is imported only when a workbook is read or written, so
the core install does not need it: ``pip install dsg-forecast[excel]``.

Every workbook is new: it is written to a temporary file and renamed into place, and an
existing file is never replaced unless ``overwrite=True``.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import _excel_actuals, _excel_cohort, _sheets
from . import _excel_exact as _exact
from ._format import METRIC_LABELS
from ._io import OutputPathError, atomic_write, resolve_output
from .scenario import Scenario, ScenarioError

if TYPE_CHECKING:
    from .compare import Comparison
    from .projection import Projection

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


# ---- Excel out -------------------------------------------------------------------------------
def flatten(data: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Nested dicts and lists as (dotted path, value) pairs: ``funding.hnb``,
    ``mitigations[0].effect.move_plans.per_year``."""
    out: list[tuple[str, Any]] = []
    if isinstance(data, dict):
        for k, v in data.items():
            out += flatten(v, f"{prefix}.{k}" if prefix else str(k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += flatten(v, f"{prefix}[{i}]")
    else:
        out.append((prefix, data))
    return out


def source_note(scenario: Scenario, path: str) -> str:
    """The source note for a dotted path: the note on the longest enclosing field, with
    mitigation notes keyed ``mitigations.<name>``."""
    d = scenario.to_dict()
    sources = d.get("sources", {})
    if path.startswith("mitigations["):
        i = int(path[len("mitigations[") : path.index("]")])
        return sources.get(f"mitigations.{d['mitigations'][i]['name']}", "")
    parts = path.split(".")
    for n in range(len(parts), 0, -1):
        note = sources.get(".".join(parts[:n]))
        if note:
            return note
    return ""


def _assumptions_sheet(wb, scenario: Scenario, title: str = "Assumptions") -> None:
    ws = wb.create_sheet(title)
    _bold_header(ws, ["Field", "Value", "Source note"], {1: 58, 2: 22, 3: 100})
    data = scenario.to_dict()
    data.pop("sources", None)
    cohort = data.get("demand", {}).pop("cohort", None)
    if cohort is not None:  # arrays by age: on their own sheet (_cohort_sheet)
        ws.append(["demand.cohort", "see the Cohort sheet", source_note(scenario, "demand.cohort")])
    for path, value in flatten(data):
        ws.append([path, value, source_note(scenario, path)])
        cell = ws.cell(row=ws.max_row, column=2)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            leaf = path.rsplit(".", 1)[-1]
            if any(
                w in path
                for w in ("growth", "inflation", "transfer", "rate", "share", "change", "points")
            ):
                cell.number_format = RATE
            elif (
                "base_plans" in path
                or leaf in ("per_year", "horizon", "ramp_years")
                or "places" in path
            ):
                cell.number_format = PLANS
            else:
                cell.number_format = POUNDS


def _projection_sheet(wb, p: Projection, title: str = "Projection") -> None:
    ws = wb.create_sheet(title)
    _bold_header(ws, ["Line", "Label", "Unit", *p.years], {1: 40, 2: 48, 3: 11})
    info = p.line_info
    frame = p.to_frame()
    for name, row in frame.iterrows():
        unit = info.at[name, "unit"]
        # A year without an actual is an empty cell, never NaN.
        ws.append(
            [name, info.at[name, "label"], unit, *[(None if v != v else float(v)) for v in row]]
        )
        fmt = PLANS if unit == "plans" else POUNDS
        for cell in ws[ws.max_row][3:]:
            cell.number_format = fmt
    for c in range(4, 4 + len(p.years)):
        ws.column_dimensions[_col(c)].width = 14


def _metrics_sheet(wb, projections: list[Projection], names: list[str]) -> None:
    ws = wb.create_sheet("Metrics")
    _bold_header(ws, ["Metric", "Label", *names], {1: 26, 2: 44})
    for key, label in METRIC_LABELS.items():
        values = [p.metrics.get(key) for p in projections]
        ws.append([key, label, *[("none" if v is None else v) for v in values]])
        for cell in ws[ws.max_row][2:]:
            if isinstance(cell.value, float):
                cell.number_format = POUNDS
    for c in range(3, 3 + len(names)):
        ws.column_dimensions[_col(c)].width = 30


def _ehcp_sheet(wb, p: Projection) -> None:
    ws = wb.create_sheet("EHCPs")
    _bold_header(ws, ["Placement (DfE template category)", *p.years], {1: 52})
    frame = p.to_frame()
    cats = [n[len("ehcps.") :] for n in frame.index if n.startswith("ehcps.")]
    rows = [(label, f"ehcps.{cid}") for cid, label in DFE_CATEGORIES]
    dfe = {cid for cid, _ in DFE_CATEGORIES}
    rows += [
        (p.line_info.at[f"ehcps.{c}", "label"].removeprefix("EHCPs: "), f"ehcps.{c}")
        for c in cats
        if c not in dfe
    ]
    for label, line in rows:
        values = frame.loc[line] if line in frame.index else [0.0] * len(p.years)
        ws.append([label, *[float(v) for v in values]])
    ws.append(["Total", *[float(v) for v in frame.loc["ehcps"]]])
    if "new_plans" in frame.index:  # the cohort model's flows and age groups
        ws.append([])
        for line, label in (("new_plans", "New plans in the year"),
                            ("ceased_plans", "Plans ceased in the year"),
                            ("aged_out", "Plans ended at 25 (aged out)"),
                            ("net_other_change", "Net other change")):  # fmt: skip
            ws.append([label, *[float(v) for v in frame.loc[line]]])
        ws.append([])
        ws.append(["By DfE age group"])
        for gid, label in (("under_5", "Under 5"), ("5_to_10", "5-10"), ("11_to_15", "11-15"),
                           ("16_to_19", "16-19"), ("20_to_25", "20-25")):  # fmt: skip
            ws.append([label, *[float(v) for v in frame.loc[f"ehcps_age.{gid}"]]])
    for row in ws.iter_rows(min_row=2, min_col=2):
        for cell in row:
            cell.number_format = PLANS
    for c in range(2, 2 + len(p.years)):
        ws.column_dimensions[_col(c)].width = 12


def projection_to_excel(
    p: Projection, path: str | os.PathLike[str], *, overwrite: bool = False
) -> Path:
    """Write a new workbook for ``p``: Assumptions (every input with its source note),
    Projection (£, years as columns), Metrics and EHCPs (the DfE seven categories)."""
    _refuse_existing(path, overwrite)
    wb = _openpyxl().Workbook()
    wb.remove(wb.active)
    _assumptions_sheet(wb, p.scenario)
    _projection_sheet(wb, p)
    _metrics_sheet(wb, [p], [p.scenario.name])
    _ehcp_sheet(wb, p)
    _cohort_sheet(wb, p.scenario)
    if p.has_actuals:
        _actuals_sheet(wb, p)
    return _save(wb, path, overwrite)


def _cohort_sheet(wb, scenario: Scenario) -> None:
    """The cohort model's inputs by age (rows 0-25): the stock and new-plan mix by category,
    new plans, cessation (and by category), net other change; then the transitions."""
    d = scenario.to_dict()["demand"]
    co = d.get("cohort")
    if co is None:
        return
    ws = wb.create_sheet("Cohort")
    cats = list(co["stock"])
    by_cat = [("stock", c) for c in cats] + [("new_plan_mix", c) for c in cats]
    by_cat += [("cessation_by_category", c) for c in co.get("cessation_by_category", {})]
    single = ["new_plans", "cessation"] + (["net_other"] if co.get("net_other") else [])
    heads = ["age", *[f"{k}.{c}" for k, c in by_cat], *single]
    _bold_header(ws, heads, {i + 1: 16 for i in range(len(heads))})
    for a in range(len(co["new_plans"])):
        ws.append([a, *[float(co[k][c][a]) for k, c in by_cat],
                   *[float(co[k][a]) for k in single]])  # fmt: skip
        for cell, h in zip(ws[ws.max_row][1:], heads[1:], strict=True):
            cell.number_format = "0.0%" if ("mix" in h or "cessation" in h) else "#,##0.0"
    ws.append([])
    ws.append(["transitions: age", "from", "to", "share"])
    for t in co.get("transitions", []):
        ws.append([t["age"], t["from"], t["to"], float(t["share"])])
        ws.cell(row=ws.max_row, column=4).number_format = "0.00%"


def _actuals_sheet(wb, p: Projection) -> None:
    """Forecast against actual (variance = forecast − actual) in the projected years, then
    every actual given, history before the base year included."""
    ws = wb.create_sheet("Actuals")
    _bold_header(ws, ["Line", "Year", "Forecast", "Actual", "Variance", "Unit"], {1: 30})
    for r in p.variance().itertuples(index=False):
        ws.append([r.line, r.year, float(r.forecast), float(r.actual), float(r.variance), r.unit])
        for cell in ws[ws.max_row][2:5]:
            cell.number_format = PLANS if r.unit == "plans" else POUNDS
    ws.append([])
    ws.append(["Every actual given (with the history before the base year)"])
    ws.append(["Line", "Year", "Actual", "Unit", "Source note"])
    for r in p.actuals().itertuples(index=False):
        field = _actual_field(r.line)
        ws.append([r.line, r.year, float(r.actual), r.unit, source_note(p.scenario, field)])
        ws.cell(row=ws.max_row, column=3).number_format = PLANS if r.unit == "plans" else POUNDS


def _actual_field(line: str) -> str:
    """The scenario field of an actual series ("ehcps.special" -> its by-category table)."""
    if line.startswith("ehcps."):
        return "actuals.ehcps_by_category." + line.removeprefix("ehcps.")
    return "actuals." + line


def comparison_to_excel(
    c: Comparison, path: str | os.PathLike[str], *, overwrite: bool = False
) -> Path:
    """Write a new workbook for a comparison: Comparison (closing deficit by year, each
    scenario against the base in £ and %), Metrics, then each scenario's Projection and
    Assumptions, and the base's EHCPs."""
    _refuse_existing(path, overwrite)
    wb = _openpyxl().Workbook()
    wb.remove(wb.active)
    ws = wb.create_sheet("Comparison")
    _bold_header(ws, ["Scenario", "Measure", *c.years], {1: 48, 2: 22})
    frame = c.to_frame("closing_deficit")
    ws.append(["Closing cumulative deficit"])
    for (name, measure), row in frame.iterrows():
        pct = "%" in measure
        scale = 1.0 if pct else 1e6
        label = measure.replace("(£m)", "(£)").replace("£m", "£")
        ws.append([name, label, *[(None if v != v else float(v) * scale) for v in row]])
        for cell in ws[ws.max_row][2:]:
            cell.number_format = PERCENT if pct else POUNDS
    _metrics_sheet(wb, c.projections, c.names)
    for k, p in enumerate(c.projections, start=1):
        _projection_sheet(wb, p, title=f"Projection {k}")
        _assumptions_sheet(wb, p.scenario, title=f"Assumptions {k}")
    ws.append([])
    ws.append(["Sheets 'Projection k' and 'Assumptions k' hold scenario k:"])
    for k, name in enumerate(c.names, start=1):
        ws.append([f"{k}", name])
    _ehcp_sheet(wb, c.base)
    return _save(wb, path, overwrite)


# ---- Excel in: the input workbook ------------------------------------------------------------
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


def _read_uncertainty(r: _Reader, sources: dict[str, str]) -> dict[str, Any]:
    """The [uncertainty] section from the Uncertainty sheet ({} when the sheet is absent or
    blank). Cells are checked here (naming sheet and cell); values by the scenario's own
    validation."""
    ws = r.sheet("Uncertainty", optional=True)
    if ws is None:
        return {}
    where = f"{r.path}: sheet 'Uncertainty'"
    u: dict[str, Any] = {}
    seen: dict[str, str] = {}
    for row in r.rows(ws):
        field = r.text(ws, row[0], "field", False)
        if field is None:
            r.key_blank(ws, row, "field")
            continue
        if field.startswith("Distributions: ") or not r.once(ws, seen, field, row[0], "field"):
            continue
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


def _get(d: dict, dotted: str) -> Any:
    node: Any = d
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


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

#: Units of Assumptions fields that are not numbers (no stand-in when unreadable).
_NOT_NUMBERS = ("date, e.g. 2028-03-31", "year, e.g. 2024-25", "text", "TRUE or FALSE")

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
                for r in range(row + 1, t.last_row + 1):
                    below = ws.cell(r, col)
                    if below.value is not None:
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
        data = _read_tables(reader, path)
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


def _read_tables(r: _Reader, path: str | os.PathLike[str]) -> dict[str, Any]:
    """The scenario dict from the input workbook's tables; every cell problem at once."""
    data: dict[str, Any] = {}
    sources: dict[str, str] = {}

    def put(dotted: str, value: Any) -> None:
        node = data
        parts = dotted.split(".")
        for p in parts[:-1]:
            node = node.setdefault(p, {})
        node[parts[-1]] = value

    _unknown_sheets(r)
    ws = r.sheet("Assumptions")
    units = {f: (u, req) for f, _, u, req in _SCALARS}
    steps_rows: dict[str, tuple[tuple[Any, Any], list[str]]] = {}
    seen: dict[str, str] = {}
    for row in r.rows(ws):
        field = r.text(ws, row[0], "field", False)
        if field is None:
            r.key_blank(ws, row, "field")
            continue
        if not r.once(ws, seen, field, row[0], "field"):
            continue
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
                f"{path}: sheet 'Assumptions' cell {row[0].coordinate} = {field!r}: unknown "
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
            put(field, v)
            r.came_from(ws, row[1], field)
        elif len(r.problems) > before and unit not in _NOT_NUMBERS and field != "meta.horizon":
            # An unreadable number (already a problem): 0 stands in, so the other values can
            # still be checked; it is never a scenario (the problem is raised first).
            put(field, 0.0)
        note = r.text(ws, row[4], "source note", False) if len(row) > 4 else None
        if note:
            key = field.removesuffix(".base") if field.startswith("cost.non_plan.") else field
            sources[key] = note
    if ws is not None:
        _missing_rows(r, "Assumptions", seen, [(f, label, req) for f, label, _, req in _SCALARS])

    seen_assumptions = seen
    ws = r.sheet("Yearly")
    before = len(r.problems)
    header = r.year_header(ws, 1, 4, "year column heading")
    if header and len(r.problems) == before:
        _year_run(r, ws, header, data.get("meta", {}))
    years = [y for _, y in header]
    if ws is not None and not years:
        r.bad(
            f"{path}: sheet 'Yearly' has no year headings in row 1 from cell D1; expected "
            'financial years such as "2024-25"'
        )
    kinds = {f: k for f, _, _, k in _YEARLY}
    seen = {}
    for row in r.rows(ws):
        field = r.text(ws, row[0], "field", False)
        if field is None:
            r.key_blank(ws, row, "field")
            continue
        if not r.once(ws, seen, field, row[0], "field"):
            continue
        if field in kinds:
            kind = kinds[field]
        elif field.startswith(("cost.inflation_by_category.", "capacity.")):
            kind = "rate"
        elif field.startswith("cost.non_plan.") and field.endswith(".growth"):
            kind = "rate?"
        else:
            r.bad(
                f"{path}: sheet 'Yearly' cell {row[0].coordinate} = {field!r}: "
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
                put(field, vals)
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
                    put(field, steps)
            continue
        put(field, _exact.compress(values, [y for y, _ in cells]))
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
    seen = {}
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
            put(f"demand.labels.{cat}", label)
        # (An unreadable number, already a problem, reads as 0 so the other values can still
        # be checked; it is never a scenario.)
        for field, cell, what in (
            (f"demand.base_plans.{cat}", plans_cell, f"EHCPs for {cat}"),
            (f"cost.unit_cost.{cat}", cost_cell, f"unit cost for {cat}"),
        ):
            v = r.number(ws, cell, what, True)
            put(field, 0.0 if v is None else v)
            if v is not None:
                r.came_from(ws, cell, field)
        overflow = r.text(ws, overflow_cell, "overflow", False)
        if overflow:
            put(f"capacity.{cat}.overflow", overflow)
            r.came_from(ws, overflow_cell, f"capacity.{cat}.overflow")
        for k, (y, c) in enumerate(r.under(row, 1, mix_header)):
            share = r.number(ws, c, f"share of {cat} in {y}", True)
            mixes[k][cat] = 0.0 if share is None else share
    if mix_years:
        data.setdefault("demand", {})["mix"] = [
            {"year": y, "shares": s} for y, s in zip(mix_years, mixes, strict=False)
        ]

    _excel_cohort.read_sheets(r, data)

    ws = r.sheet("Mitigations")
    cols, year_cols = _sheets.headed(
        r, ws, _MIT_COLUMNS, _MIT_OPTIONAL, lambda h: not str(h)[:1].isalpha(),
        "year columns such as '2024-25'",
    )  # fmt: skip
    if cols is not None and len({h in cols for h in _MIT_OPTIONAL}) > 1:  # one left out
        r.bad(
            f"{path}: sheet 'Mitigations' has a column headed "
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
                f"{path}: sheet 'Mitigations' cell {cell['Effect'].coordinate} = "
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

    uncertainty = _read_uncertainty(r, sources)
    if uncertainty:
        data["uncertainty"] = uncertainty
    _excel_actuals.read_sheet(r, data)

    ws = r.sheet("Sources")
    seen = {}
    for row in r.rows(ws):
        field = r.text(ws, row[0], "field", False)
        note = r.text(ws, row[1], "note", False) if len(row) > 1 else None
        if field is None:
            r.key_blank(ws, row, "field")
        elif r.once(ws, seen, field, row[0], "field") and note:
            sources[field] = note
    if sources:
        data["sources"] = sources
    # Every cell problem at once, before the scenario's own validation (which lists every
    # problem in the values).
    r.data = data  # what could be read, for the value checks that follow a cell problem
    r.check()
    return data
