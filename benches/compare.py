"""The stochastic model three ways: this library, numpy-vectorised, plain Python.

    python benches/compare.py            # table
    python benches/compare.py --json     # the same figures (ratios included) as JSON
    python benches/compare.py --quick    # smaller sizes, for a smoke test

Same inputs (the BCP example plus an uncertainty section), same model. With the uncertainty
off the three implementations must agree to 1e-9 (relative); with it on, their means and
quantiles must agree within Monte Carlo error (each uses its own generator: ChaCha8 in the
library, PCG64 in numpy, Mersenne Twister in plain Python). Also timed: the floor, i.e. the
library drawing exactly the random numbers a simulation uses and doing nothing else.

Plain Python is timed on a smaller path count and reported per path, scaled up (the table
says so). Each time is the best of several runs: five for the library and the floor, three
for numpy and plain Python (one numpy run at the largest size).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import subprocess
import sys
import time
from pathlib import Path

import dsg_forecast as dsg
import numpy as np
from dsg_forecast import _core

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "bcp_safety_valve_2024.toml"
LINES = ("closing_deficit", "in_year_deficit", "total_expenditure", "ehcps")
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def uncertainty(names: list[str]) -> dict:
    """Normal rate shocks with persistence and correlation; Beta delivery for every mitigation."""
    return {
        "persistence": 0.5,
        "correlation": 0.3,
        "ehcp_growth": {"distribution": "normal", "sd": 0.015},
        "inflation": {"distribution": "normal", "sd": 0.01},
        "hnb_growth": {"distribution": "normal", "sd": 0.01},
        "delivery": {n: {"distribution": "beta", "alpha": 8, "beta": 3} for n in names},
    }


# ---- the model's inputs, resolved from the scenario file's fields ------------------------------
def _year(label: str) -> int:
    return int(label[:4])


def _schedule(v, base: int, h: int) -> np.ndarray:
    if isinstance(v, (int, float)):
        return np.full(h, float(v))
    steps = sorted((_year(k) - base, float(x)) for k, x in v.items())
    out, cur, j = np.empty(h), steps[0][1], 0
    for t in range(h):
        while j < len(steps) and steps[j][0] <= t:
            cur = steps[j][1]
            j += 1
        out[t] = cur
    return out


def _amounts(v: dict, base: int, h: int) -> np.ndarray:
    out = np.zeros(h)
    for k, x in (v or {}).items():
        if 0 <= _year(k) - base < h:
            out[_year(k) - base] += x
    return out


def resolve(d: dict) -> dict:
    """Per-year arrays, as the library's Model holds them (supports what BCP uses)."""
    if d.get("capacity") or d["demand"].get("mix") or d.get("deficit", {}).get("write_offs"):
        raise NotImplementedError("capacity, mix targets and write-offs are not in this sketch")
    base, h = _year(d["meta"]["base_year"]), int(d["meta"].get("horizon", 15))
    cats = list(d["demand"]["base_plans"])
    f, c = d["funding"], d["cost"]
    plans0 = np.array([float(d["demand"]["base_plans"][k]) for k in cats])
    sb = float(f.get("schools_block", 0.0)) * np.cumprod(
        np.r_[1.0, 1.0 + _schedule(f.get("schools_block_growth", 0.03), base, h)[1:]]
    )
    infl = np.tile(_schedule(c["inflation"], base, h)[:, None], (1, len(cats)))
    for k, v in c.get("inflation_by_category", {}).items():
        infl[:, cats.index(k)] = _schedule(v, base, h)
    non_plan = np.zeros(h)
    for line in c.get("non_plan", {}).values():
        g = _schedule(line.get("growth", 0.0), base, h)
        non_plan += line["base"] * np.cumprod(np.r_[1.0, 1.0 + g[1:]])
    mits = []
    for m in d.get("mitigations", []):
        start, ramp = _year(m["start"]) - base, max(int(m.get("ramp_years", 1)), 1)
        phase = np.array([0.0 if t < start else min(1.0, (t - start + 1) / ramp) for t in range(h)])
        ((kind, p),) = m["effect"].items()
        p = dict(p)
        for key in ("from", "to", "category"):
            if p.get(key) is not None:
                p[key] = cats.index(p[key])
        if "amounts" in p:
            p["amounts"] = _amounts(p["amounts"], base, h)
        mits.append({"name": m["name"], "kind": kind, "phase": phase, **p})
    return {
        "h": h,
        "nc": len(cats),
        "plans0": plans0,
        "mix0": plans0 / plans0.sum(),
        "growth": _schedule(d["demand"]["growth"], base, h),
        "hnb0": float(f["hnb"]),
        "hnb_growth": _schedule(f.get("hnb_growth", 0.03), base, h),
        "transfer": _schedule(f.get("block_transfer", 0.0), base, h) * sb,
        "other": _amounts(f.get("other_income"), base, h),
        "uc0": np.array([float(c["unit_cost"].get(k, 0.0)) for k in cats]),
        "infl": infl,
        "non_plan": non_plan,
        "opening": float(d.get("deficit", {}).get("opening", 0.0)),
        "payments": _amounts(d.get("deficit", {}).get("payments"), base, h),
        "mits": mits,
    }


# ---- numpy: vectorised over paths ----------------------------------------------------------------
def numpy_shocks(r: dict, u: dict | None, n: int, seed: int) -> dict:
    h, nm = r["h"], len(r["mits"])
    z = {k: np.zeros((n, h)) for k in ("g", "i", "h")}
    delivery = np.ones((n, nm))
    if u is not None:
        rng = np.random.default_rng(seed)
        names = [m["name"] for m in r["mits"]]
        for name, spec in u["delivery"].items():
            delivery[:, names.index(name)] = rng.beta(spec["alpha"], spec["beta"], n)
        e = rng.standard_normal((3, n, h))
        rho, corr = u["persistence"], u["correlation"]
        eg = u["ehcp_growth"]["sd"] * e[0]
        ei = u["inflation"]["sd"] * (corr * e[0] + math.sqrt(1 - corr**2) * e[1])
        eh = u["hnb_growth"]["sd"] * e[2]
        for key, inn in (("g", eg), ("i", ei), ("h", eh)):
            s = np.zeros(n)
            for t in range(1, h):
                s = rho * s + inn[:, t]
                z[key][:, t] = s
    return {"dg": z["g"], "di": z["i"], "dh": z["h"], "delivery": delivery}


def numpy_model(r: dict, sh: dict) -> dict:
    n = sh["delivery"].shape[0]
    h = r["h"]
    out = {k: np.empty((n, h)) for k in LINES}
    under = np.full(n, r["plans0"].sum())
    ceased = np.zeros(n)
    cum = [np.zeros(n) for _ in r["mits"]]
    level = np.tile(r["uc0"], (n, 1))
    hnb = np.full(n, r["hnb0"])
    balance = np.full(n, r["opening"])
    dlv = sh["delivery"]
    for t in range(h):
        if t > 0:
            g = np.maximum(r["growth"][t] + sh["dg"][:, t], -1.0)
            for k, m in enumerate(r["mits"]):
                if m["kind"] == "reduce_growth":
                    g = g - m["points"] * m["phase"][t] * dlv[:, k]
            under = under * (1.0 + g)
            infl = np.maximum(r["infl"][t] + sh["di"][:, t, None], -1.0)
            level = level * (1.0 + infl)
            hnb = hnb * (1.0 + np.maximum(r["hnb_growth"][t] + sh["dh"][:, t], -1.0))
        for k, m in enumerate(r["mits"]):
            if m["kind"] == "cease_plans" and m.get("category") is None:
                ceased = ceased + m["per_year"] * m["phase"][t] * dlv[:, k]
        plans = np.maximum(under - ceased, 0.0)[:, None] * r["mix0"]
        uc = level.copy()
        costs = np.zeros(n)
        for k, m in enumerate(r["mits"]):
            step = m["phase"][t] * dlv[:, k]
            if m["kind"] == "move_plans":
                cum[k] = cum[k] + m["per_year"] * step
                moved = np.minimum(cum[k], plans[:, m["from"]])
                plans[:, m["from"]] -= moved
                plans[:, m["to"]] += moved
            elif m["kind"] == "cease_plans" and m.get("category") is not None:
                cum[k] = cum[k] + m["per_year"] * step
                plans[:, m["category"]] -= np.minimum(cum[k], plans[:, m["category"]])
            elif m["kind"] == "unit_cost":
                uc[:, m["category"]] *= 1.0 + m["change"] * step
            elif m["kind"] == "invest":
                costs = costs + m["amounts"][t] * dlv[:, k]
            elif m["kind"] == "save":
                costs = costs - m["amounts"][t] * dlv[:, k]
        spend = (plans * uc).sum(axis=1) + r["non_plan"][t] + costs
        in_year = spend - (hnb + r["transfer"][t] + r["other"][t])
        balance = balance + in_year - r["payments"][t]
        out["closing_deficit"][:, t] = balance
        out["in_year_deficit"][:, t] = in_year
        out["total_expenditure"][:, t] = spend
        out["ehcps"][:, t] = plans.sum(axis=1)
    return out


# ---- plain Python: one path at a time, as a translated spreadsheet would ----------------------
def python_model(r: dict, u: dict | None, n: int, seed: int) -> dict:
    h, nc, mits = r["h"], r["nc"], r["mits"]
    R = {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in r.items()}
    M = [{k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in m.items()} for m in mits]
    names = [m["name"] for m in M]
    rng = random.Random(seed)
    out = {k: [[0.0] * h for _ in range(n)] for k in LINES}
    for p in range(n):
        dlv = [1.0] * len(M)
        dg, di, dh = [0.0] * h, [0.0] * h, [0.0] * h
        if u is not None:
            for name, spec in u["delivery"].items():
                dlv[names.index(name)] = rng.betavariate(spec["alpha"], spec["beta"])
            rho, corr = u["persistence"], u["correlation"]
            sg = si = shh = 0.0
            for t in range(1, h):
                zg, zi, zh = rng.gauss(0, 1), rng.gauss(0, 1), rng.gauss(0, 1)
                sg = rho * sg + u["ehcp_growth"]["sd"] * zg
                si = rho * si + u["inflation"]["sd"] * (corr * zg + math.sqrt(1 - corr**2) * zi)
                shh = rho * shh + u["hnb_growth"]["sd"] * zh
                dg[t], di[t], dh[t] = sg, si, shh
        under, ceased = sum(R["plans0"]), 0.0
        cum = [0.0] * len(M)
        level = list(R["uc0"])
        hnb, balance = R["hnb0"], R["opening"]
        for t in range(h):
            if t > 0:
                g = max(R["growth"][t] + dg[t], -1.0)
                for k, m in enumerate(M):
                    if m["kind"] == "reduce_growth":
                        g -= m["points"] * m["phase"][t] * dlv[k]
                under *= 1.0 + g
                for c in range(nc):
                    level[c] *= 1.0 + max(R["infl"][t][c] + di[t], -1.0)
                hnb *= 1.0 + max(R["hnb_growth"][t] + dh[t], -1.0)
            for k, m in enumerate(M):
                if m["kind"] == "cease_plans" and m.get("category") is None:
                    ceased += m["per_year"] * m["phase"][t] * dlv[k]
            total = max(under - ceased, 0.0)
            plans = [total * s for s in R["mix0"]]
            uc = list(level)
            costs = 0.0
            for k, m in enumerate(M):
                step = m["phase"][t] * dlv[k]
                if m["kind"] == "move_plans":
                    cum[k] += m["per_year"] * step
                    moved = min(cum[k], plans[m["from"]])
                    plans[m["from"]] -= moved
                    plans[m["to"]] += moved
                elif m["kind"] == "cease_plans" and m.get("category") is not None:
                    cum[k] += m["per_year"] * step
                    plans[m["category"]] -= min(cum[k], plans[m["category"]])
                elif m["kind"] == "unit_cost":
                    uc[m["category"]] *= 1.0 + m["change"] * step
                elif m["kind"] == "invest":
                    costs += m["amounts"][t] * dlv[k]
                elif m["kind"] == "save":
                    costs -= m["amounts"][t] * dlv[k]
            spend = sum(a * b for a, b in zip(plans, uc, strict=True)) + R["non_plan"][t] + costs
            in_year = spend - (hnb + R["transfer"][t] + R["other"][t])
            balance += in_year - R["payments"][t]
            out["closing_deficit"][p][t] = balance
            out["in_year_deficit"][p][t] = in_year
            out["total_expenditure"][p][t] = spend
            out["ehcps"][p][t] = sum(plans)
    return {k: np.array(v) for k, v in out.items()}


# ---- checks ------------------------------------------------------------------------------------
def rel_diff(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1.0)))


def mc_agreement(lib: dsg.Simulation, other: dict, label: str) -> dict:
    """Mean within 4 standard errors; each library quantile's rank in the other sample within
    4 binomial standard errors (both samples' error combined)."""
    worst_z_mean, worst_z_q = 0.0, 0.0
    n_lib = lib.n_paths
    for line in LINES:
        x = other[line]
        n = x.shape[0]
        se = np.sqrt(x.var(axis=0, ddof=1) / n + x.var(axis=0, ddof=1) / n_lib)
        z = np.abs(lib.mean.loc[line].to_numpy() - x.mean(axis=0)) / np.maximum(se, 1e-12)
        worst_z_mean = max(worst_z_mean, float(z[1:].max()))
        q = lib.quantile_frame(line)
        for level in QUANTILES:
            rank = (x <= q.loc[level].to_numpy()).mean(axis=0)
            se_q = math.sqrt(level * (1 - level) * (1 / n + 1 / n_lib))
            worst_z_q = max(worst_z_q, float((np.abs(rank - level) / se_q)[1:].max()))
    return {
        "against": label,
        "worst_mean_z": worst_z_mean,
        "worst_quantile_z": worst_z_q,
        "ok": worst_z_mean < 4.5 and worst_z_q < 4.5,
    }


def timed(fn, repeat: int = 1) -> float:
    best = math.inf
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def machine() -> dict:
    model = platform.processor()
    try:
        text = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        model = (
            next(
                x.split(":", 1)[1].strip() for x in text.splitlines() if x.startswith("Model name")
            )
            or model
        )
    except (OSError, StopIteration):
        pass
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "dsg_forecast": dsg.__version__,
    }


def run(quick: bool) -> dict:
    base = dsg.Scenario.from_toml(EXAMPLE)
    u = uncertainty(base.mitigation_names)
    scen = base.replace({"uncertainty": u})
    r = resolve(base.to_dict())
    sizes = (10_000, 50_000) if quick else (100_000, 1_000_000)
    py_n = 200 if quick else 2_000
    res: dict = {"machine": machine(), "years": r["h"], "sizes": list(sizes), "python_paths": py_n}

    # 1. Uncertainty off (a shock with no spread: a scenario with no uncertain input is
    # refused): all three agree to 1e-9 with each other and the projection.
    flat = base.replace({"uncertainty": {"ehcp_growth": {"distribution": "normal", "sd": 0.0}}})
    lib_off = dsg.simulate(flat, n_paths=100, seed=0, keep_paths=True, progress=False)
    np_off = numpy_model(r, numpy_shocks(r, None, 100, 0))
    py_off = python_model(r, None, 5, 0)
    plan = dsg.project(base)
    off = {}
    for line in LINES:
        det = plan[line].to_numpy()
        off[line] = max(
            rel_diff(lib_off.paths[line], det),
            rel_diff(np_off[line], det),
            rel_diff(py_off[line], det),
        )
    res["off_max_rel_diff"] = max(off.values())
    res["off_ok"] = res["off_max_rel_diff"] <= 1e-9

    # 2. Uncertainty on: agreement within Monte Carlo error.
    lib_on = dsg.simulate(scen, n_paths=sizes[0], seed=1, progress=False)
    np_on = numpy_model(r, numpy_shocks(r, u, sizes[0], 2))
    py_on = python_model(r, u, py_n, 3)
    res["mc"] = [mc_agreement(lib_on, np_on, "numpy"), mc_agreement(lib_on, py_on, "python")]
    res["capped_share"] = lib_on.capped_share

    # 3. Timings: best of five for the library and the floor, of three for numpy and plain
    # Python (one numpy run at the largest size, which takes many seconds).
    t = {}
    for n in sizes:
        t[f"library_{n}"] = timed(
            lambda n=n: dsg.simulate(scen, n_paths=n, seed=1, progress=False), 5
        )
        t[f"floor_{n}"] = timed(lambda n=n: _core.rng_floor(scen._core, n, 1), 5)
        t[f"numpy_{n}"] = timed(
            lambda n=n: numpy_model(r, numpy_shocks(r, u, n, 2)), 3 if n <= 100_000 else 1
        )
    t_py = timed(lambda: python_model(r, u, py_n, 3), 3)
    for n in sizes:
        t[f"python_{n}"] = t_py / py_n * n
    big = sizes[-1]
    t["library_1_thread"] = timed(
        lambda: dsg.simulate(scen, n_paths=big, seed=1, threads=1, progress=False), 3
    )
    t["library_2_threads"] = timed(
        lambda: dsg.simulate(scen, n_paths=big, seed=1, threads=2, progress=False), 3
    )
    quarter = big // 4
    t["library_quarter"] = timed(
        lambda: dsg.simulate(scen, n_paths=quarter, seed=1, progress=False), 5
    )
    # Years: the plan without mitigations (they cannot all run 30 years), 15 vs 30 years.
    rates = {k: v for k, v in u.items() if k != "delivery"}
    short = base.replace({"mitigations": None, "sources": None, "uncertainty": rates})
    long = short.replace({"meta.horizon": 2 * r["h"]})
    half = big // 2
    t["library_half_15y"] = timed(
        lambda: dsg.simulate(short, n_paths=half, seed=1, progress=False), 3
    )
    t["library_half_30y"] = timed(
        lambda: dsg.simulate(long, n_paths=half, seed=1, progress=False), 3
    )
    res["seconds"] = t
    ratios = {}
    for n in sizes:
        ratios[f"numpy_over_library_{n}"] = t[f"numpy_{n}"] / t[f"library_{n}"]
        ratios[f"python_over_library_{n}"] = t[f"python_{n}"] / t[f"library_{n}"]
        ratios[f"library_over_floor_{n}"] = t[f"library_{n}"] / t[f"floor_{n}"]
    ratios["paths_x4_time_ratio"] = t[f"library_{big}"] / t["library_quarter"]
    ratios["years_x2_time_ratio"] = t["library_half_30y"] / t["library_half_15y"]
    ratios["two_threads_speedup"] = t["library_1_thread"] / t["library_2_threads"]
    res["ratios"] = ratios
    targets = {}
    for n in sizes:
        targets[f"5x_numpy_{n}"] = ratios[f"numpy_over_library_{n}"] >= 5
        targets[f"200x_python_{n}"] = ratios[f"python_over_library_{n}"] >= 200
        targets[f"within_1.5x_floor_{n}"] = ratios[f"library_over_floor_{n}"] <= 1.5
    targets["linear_in_paths"] = 3.4 <= ratios["paths_x4_time_ratio"] <= 4.6
    targets["linear_in_years"] = 1.7 <= ratios["years_x2_time_ratio"] <= 2.3
    targets["2_threads_1.8x"] = ratios["two_threads_speedup"] >= 1.8
    res["targets_met"] = targets
    return res


def table(res: dict) -> str:
    t, r = res["seconds"], res["ratios"]
    m = res["machine"]
    rows = [
        f"Machine: {m['cpu']}, {m['cores']} cores; Python {m['python']}, numpy {m['numpy']}, "
        f"dsg-forecast {m['dsg_forecast']}. {res['years']} years.",
        "",
    ]
    rows.append(
        f"{'paths':>10} | {'library s':>9} | {'RNG floor s':>11} | {'numpy s':>8} | "
        f"{'plain Python s*':>15} | {'numpy/lib':>9} | {'Python/lib':>10} | "
        f"{'lib/floor':>9}"
    )
    rows.append("-" * len(rows[-1]))
    for n in res["sizes"]:
        rows.append(
            f"{n:>10,} | {t[f'library_{n}']:>9.3f} | {t[f'floor_{n}']:>11.3f} | "
            f"{t[f'numpy_{n}']:>8.3f} | {t[f'python_{n}']:>15.1f} | "
            f"{r[f'numpy_over_library_{n}']:>8.1f}x | "
            f"{r[f'python_over_library_{n}']:>9.0f}x | "
            f"{r[f'library_over_floor_{n}']:>8.2f}x"
        )
    rows += [
        f"* plain Python timed on {res['python_paths']:,} paths and scaled per path. Times are "
        "best of 5 (library, floor), of 3 (numpy, plain Python; numpy once at the largest size).",
        "",
        f"Time x{r['paths_x4_time_ratio']:.2f} for 4x the paths; x{r['years_x2_time_ratio']:.2f}"
        f" for 2x the years; 2 threads {r['two_threads_speedup']:.2f}x faster than 1.",
        f"Uncertainty off: largest relative difference {res['off_max_rel_diff']:.1e} "
        f"({'ok' if res['off_ok'] else 'FAIL'}, limit 1e-9).",
    ]
    for mc in res["mc"]:
        rows.append(
            f"Uncertainty on vs {mc['against']}: worst mean z {mc['worst_mean_z']:.2f}, "
            f"worst quantile z {mc['worst_quantile_z']:.2f} "
            f"({'ok' if mc['ok'] else 'FAIL'}, limit 4.5)."
        )
    rows.append(f"Paths with a capped mitigation move: {res['capped_share']:.2%}.")
    met = [k for k, v in res["targets_met"].items() if v]
    missed = [k for k, v in res["targets_met"].items() if not v]
    rows.append(f"Targets met: {', '.join(met) or 'none'}.")
    rows.append(f"Targets missed: {', '.join(missed) or 'none'}.")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--quick", action="store_true", help="small sizes (a smoke test)")
    args = ap.parse_args(argv)
    res = run(args.quick)
    print(json.dumps(res, indent=2) if args.json else table(res))
    ok = res["off_ok"] and all(mc["ok"] for mc in res["mc"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
