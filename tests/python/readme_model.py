"""The README's "The equations" section, implemented from its text alone in plain Python.

Nothing here comes from the library: the input is a scenario as a nested dict (the scenario
file's fields, as ``Scenario.to_dict()`` gives them) and the output is every line and metric
the README defines. ``test_readme_equations.py`` checks the library against it, so a README
that stops saying what the code computes fails a test. Section numbers refer to the README.
"""

from __future__ import annotations

from typing import Any

import readme_cohort

Lines = dict[str, list[float]]


# ---- Schedules, phase ----------------------------------------------------------------------
def _index(label: str, base: int) -> int:
    """Year index of a financial-year label ("2025-26" with base 2024 -> 1)."""
    return int(label[:4]) - base


def schedule(value: Any, base: int, h: int) -> list[float]:
    """A rate schedule: the value listed for the latest year at or before t (a number: it)."""
    if not isinstance(value, dict):
        return [float(value)] * h
    steps = sorted((_index(k, base), float(v)) for k, v in value.items())
    out = []
    for t in range(h):
        listed = [v for year, v in steps if year <= t]
        out.append(listed[-1] if listed else float("nan"))
    return out


def growth(value: Any, base: int, h: int) -> list[float]:
    """A growth schedule: read like a rate schedule but used only from t = 1 (index 0 unused)."""
    g = schedule(value, base, h)
    return [0.0, *g[1:]]


def amounts(table: dict[str, float] | None, base: int, h: int) -> list[float]:
    """An amounts table: the amount listed for year t, or 0."""
    out = [0.0] * h
    for k, v in (table or {}).items():
        out[_index(k, base)] += float(v)
    return out


def phase(mitigation: dict[str, Any], base: int, h: int) -> list[float]:
    """0 before the start s, then min(1, (t − s + 1) / ramp)."""
    s = _index(mitigation["start"], base)
    r = mitigation.get("ramp_years", 1)
    return [0.0 if t < s else min(1.0, (t - s + 1) / r) for t in range(h)]


def _compound(start: float, g: list[float]) -> list[float]:
    """x[0] = start, x[t] = x[t−1] × (1 + g[t])."""
    out = [start]
    for t in range(1, len(g)):
        out.append(out[-1] * (1 + g[t]))
    return out


# ---- 1. EHCPs ------------------------------------------------------------------------------
def _mix(d: dict[str, Any], cats: list[str], base: int, h: int) -> list[list[float]]:
    plans = d["demand"]["base_plans"]
    total = sum(plans.values())
    knots = [(0, [plans[c] / total for c in cats])]
    for target in d["demand"].get("mix", []):
        knots.append((_index(target["year"], base), [target["shares"][c] for c in cats]))
    out = []
    for t in range(h):
        k = max(i for i, (kt, _) in enumerate(knots) if kt <= t)
        ta, a = knots[k]
        if k + 1 < len(knots):
            tb, b = knots[k + 1]
            out.append([x + (y - x) * (t - ta) / (tb - ta) for x, y in zip(a, b, strict=True)])
        else:
            out.append(list(a))
    return out


def ehcps(d: dict[str, Any], mits: list[dict[str, Any]]) -> list[dict[str, float]]:
    """Plans by category in each year, with the mitigations `mits`."""
    base, h, cats = _frame(d)
    g = growth(d["demand"]["growth"], base, h)
    share = _mix(d, cats, base, h)
    phases = [phase(m, base, h) for m in mits]
    capacity = {
        c: (schedule(cap["places"], base, h), cap["overflow"])
        for c, cap in d.get("capacity", {}).items()
    }
    if readme_cohort.is_cohort(d):
        return readme_cohort.project(d, mits, g, phases, capacity, cats)[0]
    U = sum(d["demand"]["base_plans"].values())
    # A rolled-forward plan's moves and cessations start from what they had `carried`.
    C = sum(
        m.get("carried", 0.0)
        for m in mits
        if "cease_plans" in m["effect"] and m["effect"]["cease_plans"].get("category") is None
    )
    asked = [float(m.get("carried", 0.0)) for m in mits]
    out = []
    for t in range(h):
        if t >= 1:
            cut = sum(
                m["effect"]["reduce_growth"]["points"] * p[t]
                for m, p in zip(mits, phases, strict=True)
                if "reduce_growth" in m["effect"]
            )
            U = U * (1 + g[t] - cut)
        for m, p in zip(mits, phases, strict=True):
            cease = m["effect"].get("cease_plans")
            if cease is not None and cease.get("category") is None:
                C += cease["per_year"] * p[t]
        P = max(0.0, U - C)
        N = {c: P * share[t][i] for i, c in enumerate(cats)}
        for k, (m, p) in enumerate(zip(mits, phases, strict=True)):
            e = m["effect"]
            if "move_plans" in e:
                move = e["move_plans"]
                frm, to, per_year = move["from"], move["to"], move["per_year"]
            elif "cease_plans" in e and e["cease_plans"].get("category") is not None:
                frm, to, per_year = e["cease_plans"]["category"], None, e["cease_plans"]["per_year"]
            else:
                continue
            asked[k] += per_year * p[t]
            moved = min(asked[k], N[frm])
            N[frm] -= moved
            if to is not None:
                N[to] += moved
        over = True
        while over:
            over = False
            for c, (places, overflow) in capacity.items():
                if N[c] > places[t]:
                    N[overflow] += N[c] - places[t]
                    N[c] = places[t]
                    over = True
        out.append(N)
    return out


# ---- 2. Unit costs, 3. spend ---------------------------------------------------------------
def unit_costs(d: dict[str, Any], mits: list[dict[str, Any]]) -> dict[str, list[float]]:
    base, h, cats = _frame(d)
    cost = d["cost"]
    by_cat = cost.get("inflation_by_category", {})
    out = {}
    for c in cats:
        u = _compound(
            float(cost["unit_cost"][c]), growth(by_cat.get(c, cost["inflation"]), base, h)
        )
        for m in mits:
            e = m["effect"].get("unit_cost")
            if e is not None and e["category"] == c:
                p = phase(m, base, h)
                u = [u[t] * (1 + e["change"] * p[t]) for t in range(h)]
        out[c] = u
    return out


def spend(d: dict[str, Any], mits: list[dict[str, Any]]) -> Lines:
    """Section 3's lines (and the EHCP and unit-cost lines they use)."""
    base, h, cats = _frame(d)
    N = ehcps(d, mits)
    u = unit_costs(d, mits)
    lines: Lines = {}
    for c in cats:
        lines[f"spend.{c}"] = [N[t][c] * u[c][t] for t in range(h)]
    for name, line in d["cost"].get("non_plan", {}).items():
        lines[f"non_plan.{name}"] = _compound(
            float(line["base"]), growth(line.get("growth", 0.0), base, h)
        )
    for kind, key in (("invest", "mitigation_costs"), ("save", "mitigation_savings")):
        lines[key] = [0.0] * h
        for m in mits:
            if kind in m["effect"]:
                a = amounts(m["effect"][kind]["amounts"], base, h)
                lines[key] = [x + y for x, y in zip(lines[key], a, strict=True)]
    lines["total_expenditure"] = [
        sum(lines[f"spend.{c}"][t] for c in cats)
        + sum(lines[f"non_plan.{n}"][t] for n in d["cost"].get("non_plan", {}))
        + lines["mitigation_costs"][t]
        - lines["mitigation_savings"][t]
        for t in range(h)
    ]
    for c in cats:
        lines[f"ehcps.{c}"] = [N[t][c] for t in range(h)]
    lines["ehcps"] = [sum(N[t].values()) for t in range(h)]
    for c in cats:
        lines[f"unit_cost.{c}"] = u[c]
    return lines


# ---- 4. Income -----------------------------------------------------------------------------
def income(d: dict[str, Any]) -> Lines:
    base, h, _ = _frame(d)
    f = d["funding"]
    H = _compound(float(f["hnb"]), growth(f.get("hnb_growth", 0.03), base, h))
    B = _compound(
        float(f.get("schools_block", 0.0)), growth(f.get("schools_block_growth", 0.03), base, h)
    )
    share = schedule(f.get("block_transfer", 0.0), base, h)
    T = [share[t] * B[t] for t in range(h)]
    other = amounts(f.get("other_income"), base, h)
    return {
        "hnb_funding": H,
        "block_transfer": T,
        "other_income": other,
        "total_income": [H[t] + T[t] + other[t] for t in range(h)],
        "schools_block": B,
    }


# ---- 5. In-year deficit, 6. the corkscrew --------------------------------------------------
def corkscrew(d: dict[str, Any], D: list[float]) -> Lines:
    base, h, _ = _frame(d)
    deficit = d.get("deficit", {})
    asked = amounts(deficit.get("payments"), base, h)
    rate = d.get("financing", {}).get("interest_rate", 0.0)
    out: Lines = {
        k: []
        for k in (
            "opening_deficit",
            "payments",
            "write_offs",
            "deficit_reductions",
            "closing_deficit",
            "closing_deficit_gross",
            "financing_cost",
        )
    }
    opening = float(deficit.get("opening", 0.0))
    gross = opening
    for t in range(h):
        paid = min(asked[t], max(0.0, opening + D[t]))
        S = opening + D[t] - paid
        W = 0.0
        for w in deficit.get("write_offs", []):
            if _index(w["year"], base) == t:
                W += w["amount"] if w.get("amount") is not None else w["share"] * max(0.0, S)
        written = min(W, max(0.0, S))
        closing = S - written
        out["opening_deficit"].append(opening)
        out["payments"].append(paid)
        out["write_offs"].append(written)
        out["deficit_reductions"].append(paid + written)
        out["closing_deficit"].append(closing)
        gross += D[t]
        out["closing_deficit_gross"].append(gross)
        out["financing_cost"].append(rate * max(0.0, (opening + closing) / 2))
        opening = closing
    return out


def run(d: dict[str, Any], mits: list[dict[str, Any]]) -> Lines:
    """Sections 1 to 6 with the mitigations `mits`."""
    lines = {**income(d), **spend(d, mits)}
    h = len(lines["total_income"])
    lines["in_year_deficit"] = [
        lines["total_expenditure"][t] - lines["total_income"][t] for t in range(h)
    ]
    lines.update(corkscrew(d, lines["in_year_deficit"]))
    return lines


# ---- 7. Metrics ----------------------------------------------------------------------------
def metrics(d: dict[str, Any], lines: Lines) -> dict[str, Any]:
    base, h, _ = _frame(d)
    years = year_labels(d)
    D, closing = lines["in_year_deficit"], lines["closing_deficit"]
    fin = d.get("financing", {})
    peak = max(closing)
    # The year ending on 31 March Y starts in Y − 1.
    end = int(fin.get("override_end", "2028-03-31")[:4]) - 1 - base
    reserves = fin.get("reserves")
    return {
        "first_balanced_year": next((years[t] for t in range(h) if D[t] <= 0), None),
        "peak_deficit": peak,
        "peak_deficit_year": years[closing.index(peak)],
        "closing_deficit": closing[-1],
        "total_financing_cost": sum(lines["financing_cost"]),
        "deficit_at_override_end": closing[end] if 0 <= end < h else None,
        "reserves_exceeded_year": None
        if reserves is None
        else next((years[t] for t in range(h) if closing[t] > reserves), None),
    }


# ---- The projection: section 8 and the order of the lines ----------------------------------
def project(d: dict[str, Any]) -> tuple[Lines, dict[str, Any]]:
    """Every line of a projection, in the README's order, and the metrics."""
    _, h, cats = _frame(d)
    mits = d.get("mitigations", [])
    plan = run(d, mits)
    cohort_lines: list[str] = []
    if readme_cohort.is_cohort(d):
        base, _, _ = _frame(d)
        flows = readme_cohort.project(
            d,
            mits,
            growth(d["demand"]["growth"], base, h),
            [phase(m, base, h) for m in mits],
            {
                c: (schedule(cap["places"], base, h), cap["overflow"])
                for c, cap in d.get("capacity", {}).items()
            },
            cats,
        )[1]
        plan.update(flows)
        cohort_lines = list(flows)
    order = [
        "hnb_funding",
        "block_transfer",
        "other_income",
        "total_income",
        *(f"spend.{c}" for c in cats),
        *(f"non_plan.{n}" for n in d["cost"].get("non_plan", {})),
        "mitigation_costs",
        "mitigation_savings",
        "total_expenditure",
        "in_year_deficit",
        "opening_deficit",
        "payments",
        "write_offs",
        "deficit_reductions",
        "closing_deficit",
        "closing_deficit_gross",
        "financing_cost",
        *(f"ehcps.{c}" for c in cats),
        "ehcps",
        *cohort_lines,
        *(f"unit_cost.{c}" for c in cats),
        "schools_block",
    ]
    lines = {name: plan[name] for name in order}
    if mits:
        for i, m in enumerate(mits):
            without = spend(d, mits[:i] + mits[i + 1 :])["total_expenditure"]
            lines[f"mitigation_effect.{m['name']}"] = [
                without[t] - plan["total_expenditure"][t] for t in range(h)
            ]
        unmitigated = run(d, [])
        lines["unmitigated_in_year_deficit"] = unmitigated["in_year_deficit"]
        lines["unmitigated_closing_deficit"] = unmitigated["closing_deficit"]
    lines.update(_actual_lines(d, lines))
    return lines, metrics(d, plan)


ACTUAL_SERIES = ["closing_deficit", "in_year_deficit", "total_income", "total_expenditure",
                 "hnb_funding", "ehcps"]  # fmt: skip


def _actual_lines(d: dict[str, Any], lines: Lines) -> Lines:
    """`actual.<line>` (NaN where no actual) and `variance.<line>` = forecast − actual."""
    base, h, cats = _frame(d)
    a = d.get("actuals") or {}
    series = [(n, a.get(n)) for n in ACTUAL_SERIES]
    series += [(f"ehcps.{c}", a.get("ehcps_by_category", {}).get(c)) for c in cats]
    out: Lines = {}
    for name, table in series:
        if not table:
            continue
        actual = [float("nan")] * h
        for label, v in table.items():
            t = _index(label, base)
            if 0 <= t < h:
                actual[t] = float(v)
        out[f"actual.{name}"] = actual
        out[f"variance.{name}"] = [f - x for f, x in zip(lines[name], actual, strict=True)]
    return out


def _frame(d: dict[str, Any]) -> tuple[int, int, list[str]]:
    """Base year (its first calendar year), horizon and categories in base_plans order."""
    return (
        int(d["meta"]["base_year"][:4]),
        int(d["meta"].get("horizon", 15)),
        list(d["demand"]["base_plans"]),
    )


def year_labels(d: dict[str, Any]) -> list[str]:
    base, h, _ = _frame(d)
    return [f"{base + t}-{(base + t + 1) % 100:02d}" for t in range(h)]
