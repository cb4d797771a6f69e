"""The cohort demand model's Monte Carlo as a tuned numpy and an expert numba version, for
`benches/compare.py --model cohort` (which supplies the shared parts: the scenario's resolved
inputs, the shocks, histograms, quantiles, checks and timing).

The demand step is `src/engine/demand/cohort.rs`'s `CohortLevers::step`, equation for
equation (README, "The cohort model"): from January t−1's stock S[a, c] to January t's,
cessations `S × (1 − q)`, ageing (plans at 25 end), transitions, new plans
`new_plans[a] × G[t] × mix[a, c]` with `G[t] = G[t−1] × (1 + g[t] − Σ reduce_growth)`, net
other change (floored at 0); then, every year, the mitigations on plans as flows that stay in
the stock: each `cease_plans` without a category takes `min(asked, Σ S)` from every cell in
proportion, then each `move_plans` and `cease_plans` with a category (file order) takes
`min(asked, held)` from every age of its category in proportion. Plans by category are the
stock summed over ages; cost, funding and the deficit as `compare.py`'s growth versions.
Supports what the benchmark's plan uses (no capacity limits, `reduce_new_plans`,
`cease_at_age` or cessation shocks).

Both versions are written as an expert would: the numpy one keeps the stock as (ages,
categories, paths) with each age × category a contiguous row of paths, ages as a ring (ageing
relabels rows instead of copying them; the row that held age 25 is zeroed and becomes age 0),
in place with `out=`, in chunks of 20,000 paths (faster than 10^5 for this model); the numba
one runs 16 paths side by side with cessation and ageing fused in one pass, and plans by
category summed once a year and then kept up to date by the flows (instead of summed again
after every mitigation).
"""

from __future__ import annotations

import numpy as np

# Mitigation kinds, as compare.py numbers them (it checks they agree).
REDUCE_GROWTH, CEASE_ALL, MOVE, CEASE_CAT, UNIT_COST, INVEST, SAVE = range(7)


def resolve_cohort(d: dict, r: dict) -> dict:
    """`r` (compare.py's resolved inputs) plus the cohort arrays from the scenario dict `d`."""
    dem = d["demand"]
    co = dem["cohort"]
    cats = list(dem["base_plans"])
    nc = len(cats)
    if not co.get("ageing", True) or co.get("cessation_by_category"):
        raise NotImplementedError("ageing off and cessation by category are not in this sketch")
    na = len(co["new_plans"])
    stock = np.zeros((na, nc))
    mix = np.zeros((na, nc))
    for k, c in enumerate(cats):
        stock[:, k] = co["stock"].get(c, [0.0] * na)
        mix[:, k] = co["new_plan_mix"].get(c, [0.0] * na)
    net = co.get("net_other") or [0.0] * na
    trans = np.array(
        [
            [t["age"], cats.index(t["from"]), cats.index(t["to"]), t["share"]]
            for t in co.get("transitions", [])
        ]
        or np.zeros((0, 4))
    )
    return {
        **r,
        # Paths per numpy chunk: 20,000 (the stock is 182 rows a path; 10^5 paths' stock is
        # 146 MB, and 20,000 ran about 20% faster here).
        "chunk": 20_000,
        "na": na,
        "stock0": stock,
        "new_plans": np.asarray(co["new_plans"], float),
        "mix": mix,
        "cessation": np.clip(np.asarray(co["cessation"], float), 0.0, 1.0),
        "net_other": np.asarray(net, float),
        "trans": trans,
    }


# ---- numpy, as an expert writes it --------------------------------------------------------
def numpy_chunk(r: dict, f: dict, spec: tuple, e: np.ndarray, dlv: np.ndarray, out: np.ndarray):
    """The cohort model for one chunk of paths, years × paths, in place. `e` (3, years,
    paths) standard normals (overwritten by the shocks), `dlv` (mitigations, paths)
    deliveries; writes the lines into `out` (4, years, paths)."""
    h, nc, na = r["h"], r["nc"], r["na"]
    sdg, sdi, sdh, rho, corr, _, _ = spec
    n = e.shape[2]
    e[1] *= np.sqrt(1.0 - corr * corr)
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
    pro_rata = np.flatnonzero(kind == CEASE_ALL)
    shifts = np.flatnonzero((kind == MOVE) | (kind == CEASE_CAT))
    keep_age = 1.0 - r["cessation"]
    slots = np.arange(na)
    new_ages = np.flatnonzero(r["new_plans"])
    other_ages = np.flatnonzero(r["net_other"])
    # The stock: slot s holds age (s + t) mod na in year t (ageing relabels the slots).
    stock = np.empty((na, nc, n))
    stock[...] = r["stock0"][:, :, None]
    big = np.zeros(n)  # G[t], the new-plan growth factor
    big += 1.0
    level = np.repeat(r["uc0"][:, None], n, axis=1)
    hnb = np.full(n, r["hnb0"])
    balance = np.full(n, r["opening"])
    g, x, y, costs = np.empty(n), np.empty(n), np.empty(n), np.empty(n)
    rates = np.empty((nc, n))
    plans, uc = np.empty((nc, n)), np.empty((nc, n))
    add = np.empty((nc, n))
    col = np.empty((na, n))
    for t in range(h):
        slot = lambda a, t=t: (a - t) % na  # noqa: E731
        if t > 0:
            # 1. Cessations: slot s held age (s + t − 1) mod na last year.
            stock *= keep_age[(slots + t - 1) % na][:, None, None]
            # 2. Ageing: the slot of last year's age 25 ends and becomes age 0.
            stock[slot(0)] = 0.0
            # 3. Transitions.
            for age, fr, to, share in r["trans"]:
                row = stock[slot(int(age))]
                np.multiply(row[int(fr)], share, out=x)
                row[int(fr)] -= x
                row[int(to)] += x
            # 4. New plans.
            np.add(dg[t], r["growth"][t], out=g)
            np.maximum(g, -1.0, out=g)
            for k in np.flatnonzero(kind == REDUCE_GROWTH):
                np.multiply(dlv[k], size[k] * phase[k, t], out=x)
                g -= x
            g += 1.0
            big *= g
            for a in new_ages:
                np.multiply(r["mix"][a][:, None], big, out=add)
                add *= r["new_plans"][a]
                stock[slot(a)] += add
            # 5. Net other change, floored at 0.
            for a in other_ages:
                row = stock[slot(a)]
                row += (r["net_other"][a] * r["mix"][a])[:, None]
                np.maximum(row, 0.0, out=row)
            # Unit costs and HNB.
            np.add(r["infl"][t][:, None], di[t], out=rates)
            np.maximum(rates, -1.0, out=rates)
            rates += 1.0
            level *= rates
            np.add(dh[t], r["hnb_growth"][t], out=x)
            np.maximum(x, -1.0, out=x)
            x += 1.0
            hnb *= x
        # Mitigations on plans. Plans by category, kept up to date by the flows.
        np.sum(stock, axis=0, out=plans)
        for k in pro_rata:
            if phase[k, t] == 0.0:
                continue
            np.multiply(dlv[k], size[k] * phase[k, t], out=x)  # asked
            np.sum(plans, axis=0, out=y)  # total
            np.minimum(x, y, out=x)
            np.divide(x, y, out=x, where=y > 0.0)
            np.subtract(1.0, x, out=x, where=y > 0.0)
            x[y <= 0.0] = 0.0
            stock *= x
            plans *= x
        for k in shifts:
            if phase[k, t] == 0.0:
                continue
            fr = c1[k]
            np.multiply(dlv[k], size[k] * phase[k, t], out=x)
            held = plans[fr]
            np.minimum(x, held, out=x)  # done
            held -= x
            if kind[k] == MOVE:
                plans[c2[k]] += x
            np.divide(x, held + x, out=x, where=held + x > 0.0)  # share
            np.multiply(stock[:, fr], x, out=col)
            stock[:, fr] -= col
            if kind[k] == MOVE:
                stock[:, c2[k]] += col
        np.copyto(uc, level)
        costs.fill(0.0)
        for k in range(len(kind)):
            kd, ph = kind[k], phase[k, t]
            if kd == UNIT_COST and ph != 0.0:
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


# ---- numba, as an expert writes it ------------------------------------------------------------
def numba_args(r: dict, f: dict) -> tuple:
    """The inputs as a tuple of arrays (growth first: compare.py's drivers read years from it)."""
    na, nc = r["na"], r["nc"]
    p = (
        r["growth"],
        r["hnb_growth"],
        np.ascontiguousarray(r["infl"]),
        r["uc0"],
        r["transfer"],
        r["other"],
        r["non_plan"],
        r["payments"],
        np.array([r["hnb0"], r["opening"]]),
        np.ascontiguousarray(r["stock0"].reshape(na * nc)),
        r["new_plans"],
        np.ascontiguousarray(r["mix"].reshape(na * nc)),
        np.repeat(1.0 - r["cessation"], nc),
        np.ascontiguousarray(r["trans"], dtype=float).reshape(-1, 4),
        r["net_other"],
    )
    fa = (f["kind"], f["size"], f["c1"], f["c2"], f["amounts"], f["phase"])
    return p, fa


def scratch_rows(p: tuple, f: tuple) -> int:
    nc, cells = p[3].shape[0], p[9].shape[0]
    return 10 + 3 * nc + cells


def make_group(njit, lanes: int):
    """The numba group function: paths g0 .. g0 + lanes side by side (one per lane)."""
    L = lanes

    @njit(cache=False)
    def group(e, dlv, g0, spec, p, f, s, out):
        growth, hnb_g, infl, uc0, transfer = p[0], p[1], p[2], p[3], p[4]
        other, non_plan, payments, scal = p[5], p[6], p[7], p[8]
        stock0, newp, mix, keep_cell, trans, net = p[9], p[10], p[11], p[12], p[13], p[14]
        kind, size, c1, c2, amounts, phase = f
        sdg, sdi, sdh, rho, corr, _, _ = spec
        scale = np.sqrt(1.0 - corr * corr)
        h, nc, nm = growth.shape[0], uc0.shape[0], kind.shape[0]
        cells = stock0.shape[0]
        na = cells // nc
        sg, si, sh, big, hnb, bal, g, x, costs, spend = (
            s[0],
            s[1],
            s[2],
            s[3],
            s[4],
            s[5],
            s[6],
            s[7],
            s[8],
            s[9],
        )
        level = s[10 : 10 + nc]
        plans = s[10 + nc : 10 + 2 * nc]
        uc = s[10 + 2 * nc : 10 + 3 * nc]
        st = s[10 + 3 * nc : 10 + 3 * nc + cells]
        for j in range(L):
            sg[j] = 0.0
            si[j] = 0.0
            sh[j] = 0.0
            big[j] = 1.0
            hnb[j] = scal[0]
            bal[j] = scal[1]
        for c in range(nc):
            for j in range(L):
                level[c, j] = uc0[c]
        for i in range(cells):
            for j in range(L):
                st[i, j] = stock0[i]
        for t in range(h):
            if t > 0:
                for j in range(L):
                    zg = e[0, t, g0 + j]
                    sg[j] = rho * sg[j] + sdg * zg
                    si[j] = rho * si[j] + sdi * (corr * zg + scale * e[1, t, g0 + j])
                    sh[j] = rho * sh[j] + sdh * e[2, t, g0 + j]
                    g[j] = max(growth[t] + sg[j], -1.0)
                    hnb[j] *= 1.0 + max(hnb_g[t] + sh[j], -1.0)
                for c in range(nc):
                    for j in range(L):
                        level[c, j] *= 1.0 + max(infl[t, c] + si[j], -1.0)
                # 1 and 2. Cessations and ageing in one pass, oldest first (age 25 ends).
                for i in range(cells - 1, nc - 1, -1):
                    k = keep_cell[i - nc]
                    for j in range(L):
                        st[i, j] = st[i - nc, j] * k
                for i in range(nc):
                    for j in range(L):
                        st[i, j] = 0.0
                # 3. Transitions.
                for q in range(trans.shape[0]):
                    a = int(trans[q, 0])
                    fr = a * nc + int(trans[q, 1])
                    to = a * nc + int(trans[q, 2])
                    share = trans[q, 3]
                    for j in range(L):
                        v = st[fr, j] * share
                        st[fr, j] -= v
                        st[to, j] += v
                # 4. New plans.
                for k in range(nm):
                    if kind[k] == REDUCE_GROWTH:
                        for j in range(L):
                            g[j] -= size[k] * phase[k, t] * dlv[k, g0 + j]
                for j in range(L):
                    big[j] *= 1.0 + g[j]
                for a in range(na):
                    b = newp[a]
                    if b == 0.0:
                        continue
                    for c in range(nc):
                        w = b * mix[a * nc + c]
                        for j in range(L):
                            st[a * nc + c, j] += w * big[j]
                # 5. Net other change, floored at 0.
                for a in range(na):
                    o = net[a]
                    if o == 0.0:
                        continue
                    for c in range(nc):
                        d = o * mix[a * nc + c]
                        for j in range(L):
                            st[a * nc + c, j] = max(st[a * nc + c, j] + d, 0.0)
            # Plans by category, then the mitigations on plans (pro rata first, then moves and
            # category cessations in file order), keeping the sums up to date.
            for c in range(nc):
                for j in range(L):
                    plans[c, j] = 0.0
            for i in range(cells):
                c = i % nc
                for j in range(L):
                    plans[c, j] += st[i, j]
            for k in range(nm):
                if kind[k] != CEASE_ALL or phase[k, t] == 0.0:
                    continue
                for j in range(L):
                    total = 0.0
                    for c in range(nc):
                        total += plans[c, j]
                    asked = size[k] * phase[k, t] * dlv[k, g0 + j]
                    x[j] = 1.0 - min(asked, total) / total if total > 0.0 else 0.0
                for i in range(cells):
                    for j in range(L):
                        st[i, j] *= x[j]
                for c in range(nc):
                    for j in range(L):
                        plans[c, j] *= x[j]
            for k in range(nm):
                kd = kind[k]
                if (kd != MOVE and kd != CEASE_CAT) or phase[k, t] == 0.0:
                    continue
                fr, to = c1[k], c2[k]
                for j in range(L):
                    held = plans[fr, j]
                    done = min(size[k] * phase[k, t] * dlv[k, g0 + j], held)
                    x[j] = done / held if held > 0.0 else 0.0
                    plans[fr, j] = held - done
                    if kd == MOVE:
                        plans[to, j] += done
                for a in range(na):
                    for j in range(L):
                        v = st[a * nc + fr, j] * x[j]
                        st[a * nc + fr, j] -= v
                        if kd == MOVE:
                            st[a * nc + to, j] += v
            # Cost, funding and the deficit, as compare.py's growth version.
            for c in range(nc):
                for j in range(L):
                    uc[c, j] = level[c, j]
            for j in range(L):
                costs[j] = 0.0
            for k in range(nm):
                kd = kind[k]
                ph = phase[k, t]
                if kd == UNIT_COST:
                    a = c1[k]
                    for j in range(L):
                        uc[a, j] *= 1.0 + size[k] * ph * dlv[k, g0 + j]
                elif kd == INVEST:
                    for j in range(L):
                        costs[j] += amounts[k, t] * dlv[k, g0 + j]
                elif kd == SAVE:
                    for j in range(L):
                        costs[j] -= amounts[k, t] * dlv[k, g0 + j]
            for j in range(L):
                spend[j] = 0.0
                x[j] = 0.0
            for c in range(nc):
                for j in range(L):
                    spend[j] += plans[c, j] * uc[c, j]
                    x[j] += plans[c, j]
            for j in range(L):
                sp = spend[j] + non_plan[t] + costs[j]
                iy = sp - (hnb[j] + transfer[t] + other[t])
                bal[j] += iy - payments[t]
                out[0, t, j] = bal[j]
                out[1, t, j] = iy
                out[2, t, j] = sp
                out[3, t, j] = x[j]

    return group


def numpy_year_end(r: dict, t: int, plans, uc, costs, hnb, balance, out) -> None:
    """The tuned numpy versions' cost, funding and deficit for year `t`, in place: spend =
    Σ plans × unit cost + non-plan + mitigation costs, in-year = spend − income, the balance
    carried (payments subtracted), and the four lines written into `out[:, t]`. Shared by the
    growth and cohort versions (benches/cohort_models.py)."""
    spend, in_year, closing, ehcps = out[2, t], out[1, t], out[0, t], out[3, t]
    np.einsum("cp,cp->p", plans, uc, out=spend)
    spend += r["non_plan"][t]
    spend += costs
    np.subtract(spend, hnb, out=in_year)
    in_year -= r["transfer"][t] + r["other"][t]
    balance += in_year
    balance -= r["payments"][t]
    closing[:] = balance
    np.sum(plans, axis=0, out=ehcps)
