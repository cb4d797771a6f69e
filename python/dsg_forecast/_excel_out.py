"""Excel out: a projection's or a comparison's workbook for schools forum. Assumptions (every
input with its source note), Projection (years as columns), Metrics, EHCPs (the DfE seven
categories), and the Cohort and Actuals sheets where the scenario has them."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._excel_common import (
    DFE_CATEGORIES,
    PERCENT,
    PLANS,
    POUNDS,
    RATE,
    _bold_header,
    _col,
    _openpyxl,
    _refuse_existing,
    _save,
)
from ._format import METRIC_LABELS

if TYPE_CHECKING:
    from .compare import Comparison
    from .projection import Projection
    from .scenario import Scenario


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
