"""The README's "The cohort model" equations, implemented from its text alone in plain Python
(the demand side; `readme_model.py` does the rest). Input: a scenario as a nested dict."""

from __future__ import annotations

from typing import Any

GROUPS = [("under_5", 0, 4), ("5_to_10", 5, 10), ("11_to_15", 11, 15), ("16_to_19", 16, 19),
          ("20_to_25", 20, 25)]  # fmt: skip


def project(d, mits, g, phases, capacity, cats):
    """Plans by category each year and the flow lines, with the mitigations `mits`.

    `g` is the growth schedule (index 0 unused), `phases` each mitigation's phase by year and
    `capacity` {category: (places by year, overflow)}."""
    co = d["demand"]["cohort"]
    n = len(co["new_plans"])
    ageing = co.get("ageing", True)
    S = {c: [float(x) for x in co["stock"][c]] for c in cats}
    mix = {c: co["new_plan_mix"].get(c, [0.0] * n) for c in cats}
    rate = {c: co.get("cessation_by_category", {}).get(c, co["cessation"]) for c in cats}
    other = co.get("net_other") or [0.0] * n
    G = 1.0
    out, flows = [], {"new_plans": [], "ceased_plans": [], "aged_out": [], "net_other_change": []}
    groups = {name: [] for name, _, _ in GROUPS}
    by_group = {f"{name}.{c}": [] for name, _, _ in GROUPS for c in cats}
    h = len(g)
    for t in range(h):
        new = ceased = aged = net = 0.0
        if t >= 1:
            # 1. Cessations.
            for a in range(n):
                extra = {c: 0.0 for c in cats}
                for m, p in zip(mits, phases, strict=True):
                    e = m["effect"].get("cease_at_age")
                    if e is not None and e["age"] == a:
                        for c in cats:
                            if e.get("category") in (None, c):
                                extra[c] += e["share"] * p[t]
                for c in cats:
                    q = min(1.0, max(0.0, rate[c][a] + extra[c]))
                    x = S[c][a] * q
                    S[c][a] -= x
                    ceased += x
            # 2. Ageing.
            if ageing:
                for c in cats:
                    aged += S[c][n - 1]
                    S[c] = [0.0] + S[c][: n - 1]
            # 3. Transitions.
            for tr in co.get("transitions", []):
                x = S[tr["from"]][tr["age"]] * tr["share"]
                S[tr["from"]][tr["age"]] -= x
                S[tr["to"]][tr["age"]] += x
            # 4. New plans.
            cut_g = sum(
                m["effect"]["reduce_growth"]["points"] * p[t]
                for m, p in zip(mits, phases, strict=True)
                if "reduce_growth" in m["effect"]
            )
            cut_n = sum(
                m["effect"]["reduce_new_plans"]["share"] * p[t]
                for m, p in zip(mits, phases, strict=True)
                if "reduce_new_plans" in m["effect"]
            )
            G *= 1 + g[t] - cut_g
            for a in range(n):
                N = co["new_plans"][a] * G * max(0.0, 1 - cut_n)
                new += N
                for c in cats:
                    S[c][a] += N * mix[c][a]
            # 5. Net other change.
            for a in range(n):
                for c in cats:
                    before = S[c][a]
                    S[c][a] = max(0.0, before + other[a] * mix[c][a])
                    net += S[c][a] - before
        # 6. Cessations from every cell in proportion.
        for m, p in zip(mits, phases, strict=True):
            e = m["effect"].get("cease_plans")
            if e is None or e.get("category") is not None:
                continue
            total = sum(sum(v) for v in S.values())
            done = min(e["per_year"] * p[t], total)
            keep = 1 - done / total if total > 0 else 0.0
            S = {c: [x * keep for x in v] for c, v in S.items()}
            ceased += done
        # 7. Moves and cessations from one category.
        for m, p in zip(mits, phases, strict=True):
            e = m["effect"]
            if "move_plans" in e:
                frm, to, per_year = e["move_plans"]["from"], e["move_plans"]["to"], None
                per_year = e["move_plans"]["per_year"]
            elif "cease_plans" in e and e["cease_plans"].get("category") is not None:
                frm, to, per_year = e["cease_plans"]["category"], None, e["cease_plans"]["per_year"]
            else:
                continue
            held = sum(S[frm])
            done = min(per_year * p[t], held)
            for a in range(n):
                x = S[frm][a] * (done / held if held > 0 else 0.0)
                S[frm][a] -= x
                if to is not None:
                    S[to][a] += x
            if to is None:
                ceased += done
        P = {c: sum(S[c]) for c in cats}
        over = True
        while over:
            over = False
            for c, (places, overflow) in capacity.items():
                if P[c] > places[t]:
                    P[overflow] += P[c] - places[t]
                    P[c] = places[t]
                    over = True
        out.append(P)
        for key, v in (("new_plans", new), ("ceased_plans", ceased), ("aged_out", aged),
                       ("net_other_change", net)):  # fmt: skip
            flows[key].append(v)
        for name, lo, hi in GROUPS:
            ages = range(lo, min(hi, n - 1) + 1)
            groups[name].append(sum(S[c][a] for c in cats for a in ages))
            for c in cats:
                by_group[f"{name}.{c}"].append(sum(S[c][a] for a in ages))
    lines: dict[str, list[float]] = dict(flows)
    for name, _, _ in GROUPS:
        lines[f"ehcps_age.{name}"] = groups[name]
        for c in cats:
            lines[f"ehcps_age.{name}.{c}"] = by_group[f"{name}.{c}"]
    return out, lines


def is_cohort(d: dict[str, Any]) -> bool:
    return d["demand"].get("model", "growth") == "cohort"
