"""The stochastic model four ways: this library, expert numba, tuned numpy, plain Python.

    python benches/compare.py            # table
    python benches/compare.py --json     # every figure and ratio as JSON
    python benches/compare.py --quick    # smaller sizes, for a smoke test
    python benches/compare.py --model cohort   # the cohort demand model (benches/cohort_models.py)

With `--model cohort`, the BCP plan on the cohort demand model (benches/cohort_plan.py, the
scenario `cargo bench --bench project` runs) against a tuned numpy and an expert numba cohort
implementation (benches/cohort_models.py); there is no plain-Python version of it.

Same inputs (the BCP example plus an uncertainty section), same model, same summaries
(quantiles read off 4,096-bin histograms whose range a 1,024-path pilot sets, and means).

* library: `dsg.simulate` (xoshiro256++ per path, 16 paths side by side, every core);
* numba (optional: `pip install numba`; the script says when it is missing): `@njit(parallel=True)`,
  blocks of 8,192 paths under `prange`, one `np.random.Generator(PCG64)` per block, 16 paths
  side by side in the model loop, a summary per thread; its first-call compile time is
  reported and excluded;
* numpy, tuned: years x paths (each year a contiguous row), in place with `out=`, chunks of
  100,000 paths, `einsum` for the category sums, one `bincount` per line for the histograms;
  its quantile step is timed with it;
* plain Python: one path at a time, as a translated spreadsheet (timed on a few paths and
  scaled).

With the uncertainty off every implementation must agree with the projection to 1e-9
(relative); with it on, their means and quantiles must agree with the library's within Monte
Carlo error (each uses its own generator). The floor is the faster of the library's
generator (`_core.rng_floor`) and numpy's PCG64 (one Generator per thread) drawing the same
numbers and doing nothing else. Library and numba are timed on every core and on one.
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
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import dsg_forecast as dsg
import numpy as np
from cohort_models import numpy_year_end
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


# ---- shared by the baselines: flat parameters, the histogram grid and its quantiles ------------
# Mitigation kinds as numbers (numba takes arrays, not dicts).
REDUCE_GROWTH, CEASE_ALL, MOVE, CEASE_CAT, UNIT_COST, INVEST, SAVE = range(7)
L = 16  # paths side by side in the numba version
NBINS = 4096  # histogram bins per line and year, as the library's
PILOT = 1024  # paths that set the histogram range, as the library's
CHUNK = 100_000  # numpy: paths per chunk


def flat(r: dict) -> dict:
    """The mitigations as arrays: kind, size (points, per_year or change), two category
    indices, amounts by year and phase by year."""
    nm, h = len(r["mits"]), r["h"]
    kind = np.zeros(nm, np.int64)
    size = np.zeros(nm)
    c1 = np.zeros(nm, np.int64)
    c2 = np.zeros(nm, np.int64)
    amounts = np.zeros((nm, h))
    phase = np.zeros((nm, h))
    for k, m in enumerate(r["mits"]):
        phase[k] = m["phase"]
        if m["kind"] == "reduce_growth":
            kind[k], size[k] = REDUCE_GROWTH, m["points"]
        elif m["kind"] == "cease_plans" and m.get("category") is None:
            kind[k], size[k] = CEASE_ALL, m["per_year"]
        elif m["kind"] == "cease_plans":
            kind[k], size[k], c1[k] = CEASE_CAT, m["per_year"], m["category"]
        elif m["kind"] == "move_plans":
            kind[k], size[k], c1[k], c2[k] = MOVE, m["per_year"], m["from"], m["to"]
        elif m["kind"] == "unit_cost":
            kind[k], size[k], c1[k] = UNIT_COST, m["change"], m["category"]
        elif m["kind"] in ("invest", "save"):
            kind[k] = INVEST if m["kind"] == "invest" else SAVE
            amounts[k] = m["amounts"]
        else:
            raise NotImplementedError(m["kind"])
    return {"kind": kind, "size": size, "c1": c1, "c2": c2, "amounts": amounts, "phase": phase}


def shock_spec(u: dict | None) -> tuple:
    """(sd growth, sd inflation, sd HNB, persistence, correlation, Beta α, Beta β); no
    uncertainty is zero spreads and delivery 1 (α = 0 means no Beta draw)."""
    if u is None:
        return (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    (spec,) = {(v["alpha"], v["beta"]) for v in u["delivery"].values()}
    return (
        u["ehcp_growth"]["sd"],
        u["inflation"]["sd"],
        u["hnb_growth"]["sd"],
        u["persistence"],
        u["correlation"],
        float(spec[0]),
        float(spec[1]),
    )


def grid(pilot: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Histogram range per line and year from pilot lines (4, years, paths), widened by half
    on each side as the library's: (low edge, bin width)."""
    lo, hi = pilot.min(axis=2), pilot.max(axis=2)
    span = np.where(hi > lo, hi - lo, np.maximum(np.abs(lo), 1.0) * 1e-9)
    lo = lo - 0.5 * span
    return lo, 2.0 * span / NBINS


def hist_quantiles(counts: np.ndarray, lo: np.ndarray, width: np.ndarray, n: int) -> np.ndarray:
    """Quantiles (len(QUANTILES), 4, years) read off histograms (4, years, bins): rank q × n,
    linear inside its bin (the library's method)."""
    cum = np.cumsum(counts, axis=-1)
    out = np.empty((len(QUANTILES),) + counts.shape[:2])
    for i, q in enumerate(QUANTILES):
        rank = q * n
        idx = np.minimum((cum < rank).sum(axis=-1), NBINS - 1)
        upto = np.take_along_axis(cum, idx[..., None], -1)[..., 0]
        inbin = np.take_along_axis(counts, idx[..., None], -1)[..., 0]
        frac = (rank - (upto - inbin)) / np.maximum(inbin, 1)
        out[i] = lo + (idx + frac) * width
    return out


# ---- numpy, as an expert writes it --------------------------------------------------------
def numpy_chunk(r: dict, f: dict, spec: tuple, e: np.ndarray, dlv: np.ndarray, out: np.ndarray):
    """The model for one chunk of paths, years × paths (each year a contiguous row), in place.
    `e` (3, years, paths) standard normals (overwritten by the shocks), `dlv` (mitigations,
    paths) deliveries; writes the lines into `out` (4, years, paths)."""
    h, nc = r["h"], r["nc"]
    sdg, sdi, sdh, rho, corr, _, _ = spec
    n = e.shape[2]
    # Shocks: correlate, scale, then carry forward (s[t] = ρ s[t−1] + e[t]).
    e[1] *= math.sqrt(1.0 - corr * corr)
    e[1] += corr * e[0]
    e[0] *= sdg
    e[1] *= sdi
    e[2] *= sdh
    e[:, 0] = 0.0
    tmp3 = np.empty((3, n))
    for t in range(1, h):
        np.multiply(e[:, t - 1], rho, out=tmp3)
        e[:, t] += tmp3
    dg, di, dh = e
    kind, size, c1, c2 = f["kind"], f["size"], f["c1"], f["c2"]
    amounts, phase = f["amounts"], f["phase"]
    under = np.full(n, r["plans0"].sum())
    ceased = np.zeros(n)
    cum = np.zeros((len(kind), n))
    level = np.repeat(r["uc0"][:, None], n, axis=1)
    hnb = np.full(n, r["hnb0"])
    balance = np.full(n, r["opening"])
    g, x, costs = np.empty(n), np.empty(n), np.empty(n)
    rates = np.empty((nc, n))
    plans, uc = np.empty((nc, n)), np.empty((nc, n))
    mix0 = r["mix0"][:, None]
    for t in range(h):
        if t > 0:
            np.add(dg[t], r["growth"][t], out=g)
            np.maximum(g, -1.0, out=g)
            for k in np.flatnonzero(kind == REDUCE_GROWTH):
                np.multiply(dlv[k], size[k] * phase[k, t], out=x)
                g -= x
            g += 1.0
            under *= g
            np.add(r["infl"][t][:, None], di[t], out=rates)
            np.maximum(rates, -1.0, out=rates)
            rates += 1.0
            level *= rates
            np.add(dh[t], r["hnb_growth"][t], out=x)
            np.maximum(x, -1.0, out=x)
            x += 1.0
            hnb *= x
        for k in np.flatnonzero(kind == CEASE_ALL):
            np.multiply(dlv[k], size[k] * phase[k, t], out=x)
            ceased += x
        np.subtract(under, ceased, out=x)
        np.maximum(x, 0.0, out=x)
        np.multiply(mix0, x, out=plans)
        np.copyto(uc, level)
        costs.fill(0.0)
        for k in range(len(kind)):
            kd, ph = kind[k], phase[k, t]
            if kd == MOVE or kd == CEASE_CAT:
                if ph == 0.0:
                    if cum[k].any():
                        np.minimum(cum[k], plans[c1[k]], out=x)
                    else:
                        continue
                else:
                    np.multiply(dlv[k], size[k] * ph, out=x)
                    cum[k] += x
                    np.minimum(cum[k], plans[c1[k]], out=x)
                plans[c1[k]] -= x
                if kd == MOVE:
                    plans[c2[k]] += x
            elif kd == UNIT_COST and ph != 0.0:
                np.multiply(dlv[k], size[k] * ph, out=x)
                x += 1.0
                uc[c1[k]] *= x
            elif (kd == INVEST or kd == SAVE) and amounts[k, t] != 0.0:
                np.multiply(dlv[k], amounts[k, t], out=x)
                if kd == INVEST:
                    costs += x
                else:
                    costs -= x
        numpy_year_end(r, t, plans, uc, costs, hnb, balance, out)


def numpy_draws(rng: np.random.Generator, spec: tuple, nm: int, h: int, n: int):
    e = rng.standard_normal((3, h, n))
    dlv = rng.beta(spec[5], spec[6], (nm, n)) if spec[5] > 0 else np.ones((nm, n))
    return e, dlv


def numpy_paths(r: dict, f: dict, spec: tuple, n: int, seed: int, chunk=None) -> dict:
    """Every path's lines, (paths, years) per line (for the checks). `chunk` is the model for
    one chunk (`numpy_chunk`, the growth model, unless given)."""
    chunk = chunk or numpy_chunk
    step = r.get("chunk", CHUNK)
    rng = np.random.default_rng(seed)
    out = np.empty((4, r["h"], n))
    for a in range(0, n, step):
        b = min(n, a + step)
        e, dlv = numpy_draws(rng, spec, len(f["kind"]), r["h"], b - a)
        chunk(r, f, spec, e, dlv, out[:, :, a:b])
    return {line: out[i].T for i, line in enumerate(LINES)}


def numpy_simulate(r: dict, f: dict, spec: tuple, n: int, seed: int, chunk=None) -> dict:
    """Summaries as the library gives them, in chunks of CHUNK paths (memory flat): a pilot of
    PILOT paths sets each histogram's range, then chunk by chunk the model, histogram counts
    (one `bincount` per line) and sums; quantiles and means at the end."""
    chunk = chunk or numpy_chunk
    h, nm = r["h"], len(f["kind"])
    rng = np.random.default_rng(seed)
    npilot = min(n, PILOT)
    e, dlv = numpy_draws(rng, spec, nm, h, npilot)
    pilot = np.empty((4, h, npilot))
    chunk(r, f, spec, e, dlv, pilot)
    lo, width = grid(pilot)
    inv = 1.0 / width
    counts = np.zeros((4, h * NBINS), np.int64)
    sums = np.zeros((4, h))
    offsets = (np.arange(h) * NBINS)[:, None]
    step = r.get("chunk", CHUNK)
    size = min(step, max(n - npilot, 1))
    out = np.empty((4, h, size))
    ix = np.empty((h, size))
    k = np.empty((h, size), np.int64)

    def add(lines: np.ndarray) -> None:
        m = lines.shape[2]
        for i in range(4):
            x, kk = ix[:, :m], k[:, :m]
            np.subtract(lines[i], lo[i][:, None], out=x)
            x *= inv[i][:, None]
            np.clip(x, 0, NBINS - 1, out=x)
            kk[...] = x
            kk += offsets
            counts[i] += np.bincount(kk.ravel(), minlength=h * NBINS)
            sums[i] += lines[i].sum(axis=1)

    add(pilot)
    for a in range(npilot, n, step):
        b = min(n, a + step)
        e, dlv = numpy_draws(rng, spec, nm, h, b - a)
        lines = out[:, :, : b - a]
        chunk(r, f, spec, e, dlv, lines)
        add(lines)
    counts = counts.reshape(4, h, NBINS)
    return {"quantiles": hist_quantiles(counts, lo, width, n), "mean": sums / n}


# ---- numba, as an expert writes it ------------------------------------------------------------
def load_numba():
    """The numba functions, or None when numba is not installed (`pip install numba`, or
    `pip install -e .[bench]`)."""
    try:
        import numba
    except ImportError:
        return None
    import warnings

    from numba import njit, prange
    from numba.core.errors import NumbaTypeSafetyWarning

    # prange's index is unsigned; the block arithmetic with it is safe.
    warnings.simplefilter("ignore", NumbaTypeSafetyWarning)

    @njit(cache=False)
    def group(e, dlv, g0, spec, p, f, s, out):
        """Paths g0 .. g0 + L side by side (one per lane, in vector instructions): their
        lines into out (4, years, L). `s` is scratch (rows of L)."""
        growth, hnb_g, infl, mix0, uc0, transfer, other, non_plan, payments, scal = p
        kind, size, c1, c2, amounts, phase = f
        sdg, sdi, sdh, rho, corr, _, _ = spec
        scale = math.sqrt(1.0 - corr * corr)
        h, nc, nm = growth.shape[0], mix0.shape[0], kind.shape[0]
        plans0, hnb0, opening = scal[0], scal[1], scal[2]
        sg, si, sh, under, ceased, hnb = s[0], s[1], s[2], s[3], s[4], s[5]
        bal, g, costs, spend, ehcps = s[6], s[7], s[8], s[9], s[10]
        level = s[11 : 11 + nc]
        plans = s[11 + nc : 11 + 2 * nc]
        uc = s[11 + 2 * nc : 11 + 3 * nc]
        cum = s[11 + 3 * nc : 11 + 3 * nc + nm]
        for j in range(L):
            sg[j] = 0.0
            si[j] = 0.0
            sh[j] = 0.0
            under[j] = plans0
            ceased[j] = 0.0
            hnb[j] = hnb0
            bal[j] = opening
        for c in range(nc):
            for j in range(L):
                level[c, j] = uc0[c]
        for k in range(nm):
            for j in range(L):
                cum[k, j] = 0.0
        for t in range(h):
            if t > 0:
                for j in range(L):
                    zg = e[0, t, g0 + j]
                    sg[j] = rho * sg[j] + sdg * zg
                    si[j] = rho * si[j] + sdi * (corr * zg + scale * e[1, t, g0 + j])
                    sh[j] = rho * sh[j] + sdh * e[2, t, g0 + j]
                    g[j] = max(growth[t] + sg[j], -1.0)
                    hnb[j] *= 1.0 + max(hnb_g[t] + sh[j], -1.0)
                for k in range(nm):
                    if kind[k] == 0:
                        for j in range(L):
                            g[j] -= size[k] * phase[k, t] * dlv[k, g0 + j]
                for j in range(L):
                    under[j] *= 1.0 + g[j]
                for c in range(nc):
                    for j in range(L):
                        level[c, j] *= 1.0 + max(infl[t, c] + si[j], -1.0)
            for k in range(nm):
                if kind[k] == 1:
                    for j in range(L):
                        ceased[j] += size[k] * phase[k, t] * dlv[k, g0 + j]
            for c in range(nc):
                for j in range(L):
                    plans[c, j] = mix0[c] * max(under[j] - ceased[j], 0.0)
                    uc[c, j] = level[c, j]
            for j in range(L):
                costs[j] = 0.0
            for k in range(nm):
                kd = kind[k]
                ph = phase[k, t]
                if kd == 2 or kd == 3:
                    a, b = c1[k], c2[k]
                    for j in range(L):
                        cum[k, j] += size[k] * ph * dlv[k, g0 + j]
                        moved = min(cum[k, j], plans[a, j])
                        plans[a, j] -= moved
                        if kd == 2:
                            plans[b, j] += moved
                elif kd == 4:
                    a = c1[k]
                    for j in range(L):
                        uc[a, j] *= 1.0 + size[k] * ph * dlv[k, g0 + j]
                elif kd == 5:
                    for j in range(L):
                        costs[j] += amounts[k, t] * dlv[k, g0 + j]
                elif kd == 6:
                    for j in range(L):
                        costs[j] -= amounts[k, t] * dlv[k, g0 + j]
            for j in range(L):
                spend[j] = 0.0
                ehcps[j] = 0.0
            for c in range(nc):
                for j in range(L):
                    spend[j] += plans[c, j] * uc[c, j]
                    ehcps[j] += plans[c, j]
            for j in range(L):
                sp = spend[j] + non_plan[t] + costs[j]
                iy = sp - (hnb[j] + transfer[t] + other[t])
                bal[j] += iy - payments[t]
                out[0, t, j] = bal[j]
                out[1, t, j] = iy
                out[2, t, j] = sp
                out[3, t, j] = ehcps[j]

    @njit(cache=False)
    def draws(rng, spec, nm, h, m):
        e = rng.standard_normal((3, h, m))
        if spec[5] > 0:
            dlv = rng.beta(spec[5], spec[6], (nm, m))
        else:
            dlv = np.ones((nm, m))
        return e, dlv

    def scratch_rows(p, f):
        return 11 + 3 * p[3].shape[0] + f[0].shape[0]

    def drivers(group):
        """`paths` and `summary` for a model's `group` function (the model for L paths side
        by side): compiled once per model."""

        @njit(parallel=True, cache=False)
        def paths(rngs, n, block, spec, p, f, rows, out):
            """Every path's lines into out (4, years, paths), blocks of paths in parallel."""
            h, nm = p[0].shape[0], f[0].shape[0]
            for b in prange(len(rngs)):
                a = b * block
                m = min(block, n - a)
                mp = (m + L - 1) // L * L
                e, dlv = draws(rngs[b], spec, nm, h, mp)
                s = np.empty((rows, L))
                o = np.empty((4, h, L))
                for g0 in range(0, mp, L):
                    group(e, dlv, g0, spec, p, f, s, o)
                    for i in range(4):
                        for t in range(h):
                            for j in range(min(L, m - g0)):
                                out[i, t, a + g0 + j] = o[i, t, j]

        @njit(parallel=True, cache=False)
        def summary(rngs, n, block, spec, p, f, rows, lo, inv, nthreads):
            """Histogram counts (4, years, bins) and sums (4, years) of paths from PILOT on: each
            thread takes every nthreads-th block (one Generator each) into its own summary."""
            h, nm = p[0].shape[0], f[0].shape[0]
            counts = np.zeros((nthreads, 4, h, NBINS), np.int64)
            sums = np.zeros((nthreads, 4, h))
            for tid in prange(nthreads):
                s = np.empty((rows, L))
                o = np.empty((4, h, L))
                for b in range(tid, len(rngs), nthreads):
                    a = b * block
                    m = min(block, n - a)
                    mp = (m + L - 1) // L * L
                    e, dlv = draws(rngs[b], spec, nm, h, mp)
                    for g0 in range(0, mp, L):
                        group(e, dlv, g0, spec, p, f, s, o)
                        w = min(L, m - g0)
                        for i in range(4):
                            for t in range(h):
                                base, step = lo[i, t], inv[i, t]
                                for j in range(w):
                                    v = o[i, t, j]
                                    k = int(min(max((v - base) * step, 0.0), NBINS - 1.0))
                                    counts[tid, i, t, k] += 1
                                    sums[tid, i, t] += v
            return counts.sum(axis=0), sums.sum(axis=0)

        return paths, summary

    paths, summary = drivers(group)
    return {
        "numba": numba,
        "njit": njit,
        "drivers": drivers,
        "paths": paths,
        "summary": summary,
        "rows": scratch_rows,
        "args": numba_args,
    }


NUMBA_BLOCK = 8192  # paths per Generator


def numba_args(r: dict, f: dict) -> tuple:
    p = (
        r["growth"],
        r["hnb_growth"],
        np.ascontiguousarray(r["infl"]),
        r["mix0"],
        r["uc0"],
        r["transfer"],
        r["other"],
        r["non_plan"],
        r["payments"],
        np.array([r["plans0"].sum(), r["hnb0"], r["opening"]]),
    )
    fa = (f["kind"], f["size"], f["c1"], f["c2"], f["amounts"], f["phase"])
    return p, fa


def numba_rngs(nb, n: int, seed: int):
    """One PCG64 Generator per block of NUMBA_BLOCK paths, from spawned seed sequences."""
    blocks = max(1, -(-n // NUMBA_BLOCK))
    gens = [
        np.random.Generator(np.random.PCG64(s)) for s in np.random.SeedSequence(seed).spawn(blocks)
    ]
    lst = nb["numba"].typed.List()
    for g in gens:
        lst.append(g)
    return lst


def numba_paths(nb, r: dict, f: dict, spec: tuple, n: int, seed: int) -> dict:
    p, fa = nb["args"](r, f)
    out = np.empty((4, r["h"], n))
    nb["paths"](numba_rngs(nb, n, seed), n, NUMBA_BLOCK, spec, p, fa, nb["rows"](p, fa), out)
    return {line: out[i].T for i, line in enumerate(LINES)}


def numba_simulate(nb, r: dict, f: dict, spec: tuple, n: int, seed: int) -> dict:
    """Summaries as the library gives them: a pilot of PILOT paths sets each histogram's range,
    then the rest in parallel blocks with per-thread summaries; quantiles at the end."""
    p, fa = nb["args"](r, f)
    rows = nb["rows"](p, fa)
    npilot = min(n, PILOT)
    pilot = np.empty((4, r["h"], npilot))
    nb["paths"](numba_rngs(nb, npilot, seed), npilot, NUMBA_BLOCK, spec, p, fa, rows, pilot)
    lo, width = grid(pilot)
    counts, sums = nb["summary"](
        numba_rngs(nb, n - npilot, seed + 1),
        n - npilot,
        NUMBA_BLOCK,
        spec,
        p,
        fa,
        rows,
        lo,
        1.0 / width,
        nb["numba"].get_num_threads(),
    )
    idx = np.clip(((pilot - lo[..., None]) / width[..., None]).astype(np.int64), 0, NBINS - 1)
    for i in range(4):
        for t in range(r["h"]):
            counts[i, t] += np.bincount(idx[i, t], minlength=NBINS)
    sums += pilot.sum(axis=2)
    return {"quantiles": hist_quantiles(counts, lo, width, n), "mean": sums / n}


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
    """Mean within 4.5 standard errors; each library quantile's rank in the other sample within
    4.5 binomial standard errors (both samples' error combined)."""
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


def summary_agreement(lib: dsg.Simulation, other: dict, sample: dict, label: str) -> dict:
    """The timed summary (histogram quantiles and means) of a baseline against the library's,
    in standard errors: means by the sample's spread, quantiles by the rank of the baseline's
    quantile in the library's... (its rank in the baseline's own kept sample, as above)."""
    worst_m, worst_q = 0.0, 0.0
    n = lib.n_paths
    for i, line in enumerate(LINES):
        x = sample[line]
        se = np.sqrt(2.0 * x.var(axis=0, ddof=1) / n)
        z = np.abs(lib.mean.loc[line].to_numpy() - other["mean"][i]) / np.maximum(se, 1e-12)
        worst_m = max(worst_m, float(z[1:].max()))
        for j, level in enumerate(QUANTILES):
            rank = (x <= other["quantiles"][j, i]).mean(axis=0)
            lib_rank = (x <= lib.quantile_frame(line).loc[level].to_numpy()).mean(axis=0)
            se_q = math.sqrt(level * (1 - level) * 2.0 / n)
            worst_q = max(worst_q, float((np.abs(rank - lib_rank) / se_q)[1:].max()))
    return {
        "against": label + " (timed summary)",
        "worst_mean_z": worst_m,
        "worst_quantile_z": worst_q,
        "ok": worst_m < 4.5 and worst_q < 4.5,
    }


def timed(fn, repeat: int = 1) -> float:
    best = math.inf
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def numpy_floor(r: dict, spec: tuple, n: int, seed: int, threads: int) -> None:
    """numpy's PCG64 drawing the numbers the library draws (3 normals a year after the base
    year and one Beta per mitigation, per path), in chunks, one Generator per thread."""
    seqs = np.random.SeedSequence(seed).spawn(threads)
    h, nm = r["h"], len(r["mits"])

    def work(i: int) -> None:
        rng = np.random.Generator(np.random.PCG64(seqs[i]))
        share = n // threads + (i < n % threads)
        buf = np.empty(3 * (h - 1) * min(CHUNK, max(share, 1)))
        for a in range(0, share, CHUNK):
            m = min(CHUNK, share - a)
            rng.standard_normal(out=buf[: 3 * (h - 1) * m])
            rng.beta(spec[5], spec[6], nm * m)

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(work, range(threads)))


def peak_rss_mb(scen: dsg.Scenario, n: int) -> float:
    """Peak resident memory (MB) of a fresh process simulating n paths (no keep_paths)."""
    script = (
        "import sys\n"
        "import dsg_forecast as dsg\n"
        "s = dsg.Scenario.from_json(sys.argv[1])\n"
        "dsg.simulate(s, n_paths=int(sys.argv[2]), seed=1, progress=False)\n"
        # VmHWM, not ru_maxrss: Linux carries the parent's peak across fork and exec into it.
        "print(next(int(x.split()[1]) for x in open('/proc/self/status')"
        " if x.startswith('VmHWM')) / 1024)\n"
    )
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "scenario.json")
        scen.to_json(path)
        out = subprocess.run(
            [sys.executable, "-c", script, path, str(n)], capture_output=True, text=True, check=True
        )
    return float(out.stdout)


def machine(nb) -> dict:
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
        "numba": nb["numba"].__version__ if nb else None,
        "dsg_forecast": dsg.__version__,
    }


def model(name: str, nb) -> tuple:
    """(scenario without uncertainty, resolved inputs, numpy chunk function, numba functions
    or None, plain-Python function or None) for the growth or the cohort model."""
    if name == "growth":
        base = dsg.Scenario.from_toml(EXAMPLE)
        return base, resolve(base.to_dict()), numpy_chunk, nb, python_model
    # The cohort model: the plan benches/common/cohort_plan.rs builds (benches/cohort_plan.py).
    import cohort_models as cm
    from cohort_plan import bcp_cohort

    assert (cm.REDUCE_GROWTH, cm.CEASE_ALL, cm.MOVE, cm.CEASE_CAT) == (
        REDUCE_GROWTH,
        CEASE_ALL,
        MOVE,
        CEASE_CAT,
    ) and (cm.UNIT_COST, cm.INVEST, cm.SAVE) == (UNIT_COST, INVEST, SAVE)
    base = bcp_cohort()
    d = base.to_dict()
    r = cm.resolve_cohort(d, resolve(d))
    if nb is not None:
        paths, summary = nb["drivers"](cm.make_group(nb["njit"], L))
        nb = {**nb, "paths": paths, "summary": summary, "rows": cm.scratch_rows}
        nb["args"] = cm.numba_args
    return base, r, cm.numpy_chunk, nb, None


def run(quick: bool, which: str = "growth") -> dict:
    nb = load_numba()
    base, r, chunk, nb, python = model(which, nb)
    u = uncertainty(base.mitigation_names)
    scen = base.replace({"uncertainty": u})
    f = flat(r)
    spec, spec_off = shock_spec(u), shock_spec(None)
    sizes = (10_000, 50_000) if quick else (100_000, 1_000_000)
    py_n = 200 if quick else 2_000
    threads = os.cpu_count() or 1
    res: dict = {
        "model": which,
        "machine": machine(nb),
        "years": r["h"],
        "sizes": list(sizes),
        "python_paths": py_n if python else None,
        "threads": threads,
        "numba": nb is not None,
    }

    # 1. Uncertainty off (a shock with no spread: a scenario with no uncertain input is
    # refused): every implementation agrees to 1e-9 with the projection, path by path.
    flat_scen = base.replace(
        {"uncertainty": {"ehcp_growth": {"distribution": "normal", "sd": 0.0}}}
    )
    lib_off = dsg.simulate(flat_scen, n_paths=100, seed=0, keep_paths=True, progress=False)
    plan = dsg.project(base)
    others = {"numpy": numpy_paths(r, f, spec_off, 100, 0, chunk)}
    if python:
        others["plain Python"] = python(r, None, 5, 0)
    sums_off = {"numpy": numpy_simulate(r, f, spec_off, 3000, 0, chunk)}
    if nb is not None:
        t0 = time.perf_counter()
        others["numba"] = numba_paths(nb, r, f, spec_off, 100, 0)
        sums_off["numba"] = numba_simulate(nb, r, f, spec_off, 3000, 0)
        res["numba_compile_seconds"] = time.perf_counter() - t0
    off = 0.0
    for i, line in enumerate(LINES):
        det = plan[line].to_numpy()
        off = max(off, rel_diff(lib_off.paths[line], det))
        for o in others.values():
            off = max(off, rel_diff(o[line], det))
        for sm in sums_off.values():
            off = max(off, rel_diff(sm["mean"][i], det))
            off = max(off, max(rel_diff(q, det) for q in sm["quantiles"][:, i]))
    res["off_max_rel_diff"] = off
    res["off_ok"] = off <= 1e-9

    # 2. Uncertainty on: agreement within Monte Carlo error, of every path (kept) and of the
    # timed summaries.
    n0 = sizes[0]
    lib_on = dsg.simulate(scen, n_paths=n0, seed=1, progress=False)
    np_on = numpy_paths(r, f, spec, n0, 2, chunk)
    res["mc"] = [
        mc_agreement(lib_on, np_on, "numpy"),
        summary_agreement(lib_on, numpy_simulate(r, f, spec, n0, 4, chunk), np_on, "numpy"),
    ]
    if python:
        res["mc"].append(mc_agreement(lib_on, python(r, u, py_n, 3), "plain Python"))
    if nb is not None:
        nb_on = numba_paths(nb, r, f, spec, n0, 5)
        res["mc"] += [
            mc_agreement(lib_on, nb_on, "numba"),
            summary_agreement(lib_on, numba_simulate(nb, r, f, spec, n0, 6), nb_on, "numba"),
        ]
    res["capped_share"] = lib_on.capped_share

    # 3. Timings, each the best of several runs.
    res["loadavg"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    t: dict = {}
    reps = {"library": 5, "floor": 5, "numba": 3, "numpy": 3}
    for n in sizes:
        big = n > 100_000
        for k, th in (("", None), ("_1_thread", 1)):
            t[f"library{k}_{n}"] = timed(
                lambda n=n, th=th: dsg.simulate(
                    scen, n_paths=n, seed=1, threads=th, progress=False
                ),
                reps["library"],
            )
        t[f"library_floor_{n}"] = timed(
            lambda n=n: _core.rng_floor(scen._core, n, 1), reps["floor"]
        )
        t[f"numpy_floor_{n}"] = timed(
            lambda n=n: numpy_floor(r, spec, n, 1, threads), reps["floor"]
        )
        t[f"floor_{n}"] = min(t[f"library_floor_{n}"], t[f"numpy_floor_{n}"])
        t[f"numpy_{n}"] = timed(
            lambda n=n: numpy_simulate(r, f, spec, n, 2, chunk), 2 if big else reps["numpy"]
        )
        if nb is not None:
            for k, th in (("", threads), ("_1_thread", 1)):
                nb["numba"].set_num_threads(th)
                t[f"numba{k}_{n}"] = timed(
                    lambda n=n: numba_simulate(nb, r, f, spec, n, 2), reps["numba"]
                )
            nb["numba"].set_num_threads(threads)
    if python:
        t_py = timed(lambda: python(r, u, py_n, 3), 3)
        for n in sizes:
            t[f"python_{n}"] = t_py / py_n * n
    big = sizes[-1]
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
    res["peak_rss_mb"] = {str(n): peak_rss_mb(scen, n) for n in (sizes[0], 10 * sizes[0])}

    ratios: dict = {}
    for n in sizes:
        lib2, lib1 = t[f"library_{n}"], t[f"library_1_thread_{n}"]
        ratios[f"numpy_over_library_{n}"] = t[f"numpy_{n}"] / lib2
        if python:
            ratios[f"python_over_library_{n}"] = t[f"python_{n}"] / lib2
        ratios[f"library_over_floor_{n}"] = lib2 / t[f"floor_{n}"]
        ratios[f"library_floor_over_numpy_floor_{n}"] = (
            t[f"library_floor_{n}"] / t[f"numpy_floor_{n}"]
        )
        ratios[f"two_threads_speedup_{n}"] = lib1 / lib2
        if nb is not None:
            ratios[f"numba_over_library_{n}"] = t[f"numba_{n}"] / lib2
            ratios[f"numba_over_library_1_thread_{n}"] = t[f"numba_1_thread_{n}"] / lib1
    ratios["paths_x4_time_ratio"] = t[f"library_{big}"] / t["library_quarter"]
    ratios["years_x2_time_ratio"] = t["library_half_30y"] / t["library_half_15y"]
    rss = list(res["peak_rss_mb"].values())
    ratios["memory_x10_paths_mb"] = rss[1] - rss[0]
    res["ratios"] = ratios
    targets: dict = {}
    for n in sizes:
        if nb is not None:
            targets[f"1.5x_numba_2_threads_{n}"] = ratios[f"numba_over_library_{n}"] >= 1.5
            targets[f"1.5x_numba_1_thread_{n}"] = ratios[f"numba_over_library_1_thread_{n}"] >= 1.5
        targets[f"8x_numpy_{n}"] = ratios[f"numpy_over_library_{n}"] >= 8
        targets[f"within_1.5x_floor_{n}"] = ratios[f"library_over_floor_{n}"] <= 1.5
        targets[f"2_threads_1.8x_{n}"] = ratios[f"two_threads_speedup_{n}"] >= 1.8
    targets["linear_in_paths"] = 3.4 <= ratios["paths_x4_time_ratio"] <= 4.6
    targets["linear_in_years"] = 1.7 <= ratios["years_x2_time_ratio"] <= 2.3
    targets["memory_flat"] = ratios["memory_x10_paths_mb"] < 32
    res["targets_met"] = targets
    return res


def table(res: dict) -> str:
    t, r = res["seconds"], res["ratios"]
    m = res["machine"]
    nb = res["numba"]
    py = res["python_paths"] is not None
    rows = [
        f"The {res['model']} model (--model {res['model']}). "
        f"Load average before timing: {res['loadavg']}.",
        f"Machine: {m['cpu']}, {m['cores']} cores; Python {m['python']}, numpy {m['numpy']}, "
        f"numba {m['numba'] or 'not installed'}, dsg-forecast {m['dsg_forecast']}. "
        f"{res['years']} years; {res['threads']} threads unless 1t.",
        "",
    ]
    if not nb:
        rows += [
            "NUMBA IS NOT INSTALLED: the numba baseline was skipped "
            "(pip install numba, or make bench).",
            "",
        ]
    head = (
        f"{'paths':>10} | {'library':>8} | {'lib 1t':>8} | {'lib RNG':>8} | {'np RNG':>8} | "
        f"{'numba':>8} | {'numba 1t':>8} | {'numpy':>8} | {'Python*':>8}"
    )
    rows += ["Seconds (best of N):", head, "-" * len(head)]
    dash = f"{'-':>8}"
    for n in sizes_of(res):
        rows.append(
            f"{n:>10,} | {t[f'library_{n}']:>8.3f} | {t[f'library_1_thread_{n}']:>8.3f} | "
            f"{t[f'library_floor_{n}']:>8.3f} | {t[f'numpy_floor_{n}']:>8.3f} | "
            + (
                f"{t[f'numba_{n}']:>8.3f} | {t[f'numba_1_thread_{n}']:>8.3f} | "
                if nb
                else f"{dash} | {dash} | "
            )
            + f"{t[f'numpy_{n}']:>8.3f} | "
            + (f"{t[f'python_{n}']:>8.1f}" if py else dash)
        )
    head = (
        f"{'paths':>10} | {'numba/lib':>9} | {'1t: numba/lib':>13} | {'numpy/lib':>9} | "
        f"{'Python/lib':>10} | {'lib/floor':>9} | {'2t speed-up':>11}"
    )
    rows += ["", "Ratios:", head, "-" * len(head)]
    for n in sizes_of(res):
        rows.append(
            f"{n:>10,} | "
            + (
                f"{r[f'numba_over_library_{n}']:>8.2f}x | "
                f"{r[f'numba_over_library_1_thread_{n}']:>12.2f}x | "
                if nb
                else f"{'-':>9} | {'-':>13} | "
            )
            + f"{r[f'numpy_over_library_{n}']:>8.1f}x | "
            + (f"{r[f'python_over_library_{n}']:>9.0f}x | " if py else f"{'-':>10} | ")
            + f"{r[f'library_over_floor_{n}']:>8.2f}x | "
            f"{r[f'two_threads_speedup_{n}']:>10.2f}x"
        )
    rows += [
        (
            f"* plain Python timed on {res['python_paths']:,} paths and scaled per path. "
            if py
            else "* no plain-Python version of this model. "
        )
        + "Best of 5 (library, floors), 3 (numba, numpy; numpy 2 at 10^6), 3 (plain Python).",
        "Floor: the faster of the library's generator and numpy's PCG64 drawing the same numbers "
        "(lib RNG, np RNG).",
    ]
    if nb:
        rows.append(
            f"numba first-call compile time (excluded): {res['numba_compile_seconds']:.1f} s."
        )
    rss = res["peak_rss_mb"]
    rows += [
        "",
        f"Time x{r['paths_x4_time_ratio']:.2f} for 4x the paths; x{r['years_x2_time_ratio']:.2f}"
        " for 2x the years. Peak memory "
        + ", ".join(f"{float(v):.0f} MB at {int(k):,} paths" for k, v in rss.items())
        + ".",
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
    rows.append(f"Targets MISSED: {', '.join(missed) or 'none'}.")
    return "\n".join(rows)


def sizes_of(res: dict) -> list[int]:
    return res["sizes"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--quick", action="store_true", help="small sizes (a smoke test)")
    ap.add_argument(
        "--model",
        choices=("growth", "cohort"),
        default="growth",
        help="demand model: the BCP example (growth) or the BCP plan on the cohort model "
        "(benches/cohort_plan.py, as cargo bench --bench project builds it)",
    )
    args = ap.parse_args(argv)
    res = run(args.quick, args.model)
    print(json.dumps(res, indent=2) if args.json else table(res))
    if not res["numba"]:
        print(
            "numba is not installed: the numba baseline was skipped (pip install numba)",
            file=sys.stderr,
        )
    ok = res["off_ok"] and all(mc["ok"] for mc in res["mc"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
