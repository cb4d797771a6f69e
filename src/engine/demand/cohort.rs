//! The cohort (flow) demand model: plans by single year of age × placement category, moved
//! each year by flows instead of one growth rate.
//!
//! From the stock `S[a, c]` in year t−1's January census to year t's (t ≥ 1), in this order:
//!
//! 1. **Cessations** during the year: `ceased[a, c] = S[a, c] × q[a, c]`, with
//!    `q = min(1, rate[a, c] × m + Σ cease_at_age share × phase[t] × delivery)` (`rate` from
//!    `cessation`, or `cessation_by_category`; `m` = 1, or a simulation's cessation shock; the
//!    sum over `cease_at_age` mitigations for that age and category).
//! 2. **Ageing** (unless switched off): every plan moves up one year of age; plans at 25
//!    end (`aged_out`); age 0 starts empty.
//! 3. **Transitions**, in the order listed: `x = S[age, from] × share` moves to `S[age, to]`
//!    (children who have just reached `age`).
//! 4. **New plans**: `N[t, a] = new_plans[a] × G[t] × max(0, 1 − Σ reduce_new_plans share ×
//!    phase[t] × delivery)`, `G[t] = G[t−1] × (1 + g[t] − Σ reduce_growth points × phase[t] ×
//!    delivery)`, `G[0] = 1`; placed `S[a, c] += N[t, a] × mix[a, c]`.
//! 5. **Net other change**: `S[a, c] = max(0, S[a, c] + net_other[a] × mix[a, c])`.
//!
//! Then, in every year including the base year, the **mitigations on plans** as in the growth
//! model, as flows that stay in the stock: `cease_plans` ceases `per_year × phase[t] ×
//! delivery` plans from its category (or from every cell in proportion), `move_plans` moves
//! that many from one category to another; each takes from every age in proportion to the
//! plans held there and moved plans keep their ages. A mitigation asking for more than the
//! category holds takes what there is and is reported (a scenario doing so is rejected).
//! Finally plans by category `P[t, c] = Σ_a S[a, c]`, and capacity limits send plans above a
//! limit to its overflow category in the reported plans (the stock keeps the placements the
//! children need, so a limit raised later takes them back).
//!
//! **Storage.** The stock is kept as [`CohortState`] describes: ages as a ring (ageing moves
//! one index), a cessation in proportion as a factor applied in next year's cessation pass,
//! and the sums by category taken once a year after the flows and kept up to date by the
//! moves. The equations above are what is computed; only the rounding of a cessation in
//! proportion, the moves after it and the sums differs from applying it to every cell at once
//! (about 1e-16 relative). In a year where no rate × multiplier can leave [0, 1] and no
//! `cease_at_age` acts, the clamp in step 1 is skipped: it would change nothing.
//!
//! **Lanes.** As [`super::DemandLevers::step`], `step` runs `L` models side by side with the
//! same operations in the same order per lane, so results do not depend on `L`.

use super::cohort_state::{CohortState, row_start};
use super::{DemandModel, Flows, PlanLevers, PlanTable, Shortfall, report_short};
use crate::engine::model::{Lever, Model};
use crate::scenario::cohort::{AGE_GROUPS, CohortInputs};

/// Cohort inputs as arrays: per age `[a]`, per age and category `[a * nc + c]`.
#[derive(Debug, Clone, PartialEq)]
pub struct CohortArrays {
    pub n_ages: usize,
    pub ageing: bool,
    /// Plans in the base-year census.
    pub stock: Vec<f64>,
    /// New plans a year in the base year.
    pub new_plans: Vec<f64>,
    /// Placement shares of new plans (and of net other change).
    pub mix: Vec<f64>,
    /// Cessation rate a year.
    pub cessation: Vec<f64>,
    /// (age, from, to, share), in the order listed.
    pub transitions: Vec<(usize, usize, usize, f64)>,
    /// Net other change a year (plans).
    pub net_other: Vec<f64>,
}

impl CohortArrays {
    /// Resolve validated inputs against the category order `cats`.
    pub fn new(c: &CohortInputs, cats: &[String]) -> CohortArrays {
        let n = c.n_ages();
        let nc = cats.len();
        let by_cat = |m: &indexmap::IndexMap<String, Vec<f64>>, default: &dyn Fn(usize) -> f64| {
            let mut out = vec![0.0; n * nc];
            for a in 0..n {
                for (k, cat) in cats.iter().enumerate() {
                    out[a * nc + k] = m.get(cat).map_or_else(|| default(a), |xs| xs[a]);
                }
            }
            out
        };
        let idx = |id: &str| cats.iter().position(|x| x == id).unwrap_or(0);
        CohortArrays {
            n_ages: n,
            ageing: c.ageing,
            stock: by_cat(&c.stock, &|_| 0.0),
            new_plans: c.new_plans.clone(),
            mix: by_cat(&c.new_plan_mix, &|_| 0.0),
            cessation: by_cat(&c.cessation_by_category, &|a| c.cessation[a]),
            transitions: c
                .transitions
                .iter()
                .map(|t| (t.age.max(0) as usize, idx(&t.from), idx(&t.to), t.share))
                .collect(),
            net_other: if c.net_other.is_empty() {
                vec![0.0; n]
            } else {
                c.net_other.clone()
            },
        }
    }
}

/// The cohort model (see the module documentation).
#[derive(Debug, Clone, Copy, Default)]
pub struct CohortDemand;

impl DemandModel for CohortDemand {
    fn project(&self, m: &Model, out: &mut PlanTable) -> Vec<Shortfall> {
        let Some(co) = &m.cohort else {
            return super::GrowthDemand.project(m, out);
        };
        let nc = m.n_categories();
        let h = m.horizon;
        out.n_categories = nc;
        out.data.clear();
        out.data.resize(h * nc, 0.0);
        let levers = CohortLevers::new(m);
        let delivery: Vec<[f64; 1]> = m.mitigations.iter().map(|x| [x.delivery]).collect();
        let mut state = CohortState::default();
        levers.start(m, &mut state);
        let mut short = Vec::new();
        let mut row = vec![[0.0]; nc];
        let mut flows = Flows::default();
        let ng = AGE_GROUPS.len();
        flows.by_age_group.resize(h * ng * nc, 0.0);
        let group: Vec<usize> = (0..co.n_ages)
            .map(|a| {
                AGE_GROUPS
                    .iter()
                    .position(|(_, lo, hi)| (*lo..=*hi).contains(&a))
                    .unwrap_or(ng - 1)
            })
            .collect();
        for t in 0..h {
            levers.step(
                m,
                t,
                [m.plan_growth[t]],
                [m.cessation_multiplier[t]],
                &delivery,
                &mut state,
                &mut row,
                |i, _, gap| short.push((i, t, gap)),
            );
            for (x, r) in out.data[t * nc..(t + 1) * nc].iter_mut().zip(&row) {
                *x = r[0];
            }
            flows.new.push(state.new[0]);
            flows.ceased.push(state.ceased[0]);
            flows.aged_out.push(state.aged_out[0]);
            flows.net_other.push(state.net_other[0]);
            for (a, g) in group.iter().enumerate() {
                let at = (t * ng + g) * nc;
                let plans = state.age(a);
                for (d, x) in flows.by_age_group[at..at + nc].iter_mut().zip(plans) {
                    *d += x[0] * state.scale[0];
                }
            }
        }
        out.flows = Some(flows);
        short
    }
}

/// The cohort model's levers, sorted once per model shape (as [`super::DemandLevers`]).
#[derive(Debug, Clone, Default)]
pub struct CohortLevers {
    /// (mitigation index, points a year off new-plan growth).
    growth_cuts: Vec<(usize, f64)>,
    /// (mitigation index, share fewer new plans).
    new_plan_cuts: Vec<(usize, f64)>,
    /// (mitigation index, age, category or every one, further share ceasing).
    age_ceases: Vec<(usize, usize, Option<usize>, f64)>,
    /// (mitigation index, plans a year ceased from every cell in proportion).
    pro_rata: Vec<(usize, f64)>,
    /// (mitigation index, from, to or `None` for a cessation, plans a year).
    shifts: Vec<(usize, usize, Option<usize>, f64)>,
    has_capacity: bool,
    /// The largest cessation rate, or infinity if any is negative or not a number: while
    /// `max_rate × m ≤ 1` for every lane's multiplier `m ≥ 0` and no `cease_at_age` acts,
    /// every `rate × m` is already in [0, 1] (rounding is monotone), so the clamp is skipped.
    max_rate: f64,
}

impl CohortLevers {
    /// Sort `m`'s mitigations by the lever they pull.
    pub fn new(m: &Model) -> CohortLevers {
        let s = PlanLevers::new(m);
        let mut l = CohortLevers {
            growth_cuts: s.growth_cuts,
            pro_rata: s.pro_rata,
            shifts: s.shifts,
            has_capacity: s.has_capacity,
            ..CohortLevers::default()
        };
        for (i, mit) in m.mitigations.iter().enumerate() {
            match mit.lever {
                Lever::ReduceNewPlans { share } => l.new_plan_cuts.push((i, share)),
                Lever::CeaseAtAge {
                    age,
                    share,
                    category,
                } => l.age_ceases.push((i, age, category, share)),
                _ => {}
            }
        }
        let rates = m.cohort.as_ref().map_or(&[][..], |co| &co.cessation[..]);
        l.max_rate = rates
            .iter()
            .try_fold(0.0, |a: f64, r| (*r >= 0.0).then_some(a.max(*r)))
            .unwrap_or(f64::INFINITY);
        l
    }

    /// Reset `state` to the base-year census (before year 0 is stepped).
    pub fn start<const L: usize>(&self, m: &Model, state: &mut CohortState<L>) {
        let co = m.cohort.as_ref().expect("a cohort model");
        state.reset(&co.stock, co.n_ages, m.n_categories());
    }

    /// Plans by category in year `t` into `row`, advancing `state` (years in order from 0).
    /// `growth` is new-plan growth into year `t`, `cessation` the multiplier on cessation
    /// rates (1 = as given), `delivery[i]` mitigation `i`'s delivery, per lane. `short(i,
    /// lane, gap)` reports a mitigation asking for `gap` more plans than its category held.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    pub fn step<const L: usize>(
        &self,
        m: &Model,
        t: usize,
        growth: [f64; L],
        cessation: [f64; L],
        delivery: &[[f64; L]],
        state: &mut CohortState<L>,
        row: &mut [[f64; L]],
        mut short: impl FnMut(usize, usize, f64),
    ) {
        let co = m.cohort.as_ref().expect("a cohort model");
        let nc = row.len();
        let n = co.n_ages;
        let effect = |i: usize, x: f64| {
            let xp = x * m.mitigations[i].phase[t];
            delivery[i].map(|d| xp * d)
        };
        state.new = [0.0; L];
        state.ceased = [0.0; L];
        state.aged_out = [0.0; L];
        state.net_other = [0.0; L];
        if t > 0 {
            // 1. Cessations, with the pending factor, and 2. ageing, in one pass. Extra rates
            // only where a cease_at_age mitigation acts (adding 0 changes nothing, so
            // without one the extra term is skipped).
            let has_extra = !self.age_ceases.is_empty();
            if has_extra {
                state.extra.fill([0.0; L]);
                for &(i, age, cat, share) in &self.age_ceases {
                    let e = effect(i, share);
                    for (c, x) in state.extra[age * nc..(age + 1) * nc].iter_mut().enumerate() {
                        if cat.is_none_or(|k| k == c) {
                            for l in 0..L {
                                x[l] += e[l];
                            }
                        }
                    }
                }
            }
            let scale = std::mem::replace(&mut state.scale, [1.0; L]);
            // Skipping the clamp where it cannot act leaves every value as it was.
            let clamp = has_extra
                || !(0..L).all(|l| cessation[l] >= 0.0 && self.max_rate * cessation[l] <= 1.0);
            let pass = Pass {
                rates: &co.cessation,
                extra: &state.extra,
                has_extra,
                scale,
                cessation,
                first: state.first,
                n,
                nc,
                ageing: co.ageing,
            };
            (state.ceased, state.aged_out) = if clamp {
                pass.run::<true>(&mut state.stock, &mut state.acc)
            } else {
                pass.run::<false>(&mut state.stock, &mut state.acc)
            };
            state.sums_valid = false;
            if co.ageing {
                // The row of age 25 ended in the pass and is now age 0, empty; every other
                // age moves up one row of the ring without being copied.
                state.first = (state.first + n - 1) % n;
            }
            // 3. Transitions.
            for &(age, from, to, share) in &co.transitions {
                let (f, d) = (state.at(age, from), state.at(age, to));
                for l in 0..L {
                    let x = state.stock[f][l] * share;
                    state.stock[f][l] -= x;
                    state.stock[d][l] += x;
                }
            }
            // 4. New plans.
            let mut g = growth;
            for &(i, points) in &self.growth_cuts {
                let e = effect(i, points);
                for l in 0..L {
                    g[l] -= e[l];
                }
            }
            let mut cut = [0.0; L];
            for &(i, share) in &self.new_plan_cuts {
                let e = effect(i, share);
                for l in 0..L {
                    cut[l] += e[l];
                }
            }
            let mut f = [0.0; L];
            for l in 0..L {
                state.growth[l] *= 1.0 + g[l];
                f[l] = state.growth[l] * (1.0 - cut[l]).max(0.0);
            }
            // Lanes innermost (each a cell's lanes are contiguous), so these loops run in
            // vector instructions; each lane's operations are the same either way.
            for a in 0..n {
                let base = co.new_plans[a];
                if base == 0.0 {
                    continue;
                }
                let x: [f64; L] = std::array::from_fn(|l| base * f[l]);
                for l in 0..L {
                    state.new[l] += x[l];
                }
                let r = state.at(a, 0);
                for (s, w) in state.stock[r..r + nc].iter_mut().zip(&co.mix[a * nc..]) {
                    // (`black_box` changes no value. It keeps the compiler from vectorising
                    // this loop across categories, eight at a time, which with seven
                    // categories leaves only its one-lane-at-a-time remainder to run; the
                    // lanes then run in vector instructions. Measured: about 12% of a
                    // cohort Monte Carlo path. The same hint through a generic helper, or on a
                    // copied array of the weight, left scalar code: after a toolchain update,
                    // `perf annotate` shows whether the lanes still run in vectors.)
                    let w = std::hint::black_box(*w);
                    for l in 0..L {
                        s[l] += x[l] * w;
                    }
                }
            }
            // 5. Net other change.
            for a in 0..n {
                let o = co.net_other[a];
                if o == 0.0 {
                    continue;
                }
                let r = state.at(a, 0);
                for (s, w) in state.stock[r..r + nc].iter_mut().zip(&co.mix[a * nc..]) {
                    let d = o * w;
                    for l in 0..L {
                        let before = s[l];
                        let after = (before + d).max(0.0);
                        s[l] = after;
                        state.net_other[l] += after - before;
                    }
                }
            }
        }
        // Mitigations on plans, as flows that stay in the stock. A cessation in proportion
        // only scales the pending factor (applied in next year's cessation pass).
        for &(i, per_year) in &self.pro_rata {
            let asked = effect(i, per_year);
            state.sum_by_category();
            let mut total = [0.0; L];
            for x in state.acc.iter() {
                for l in 0..L {
                    total[l] += x[l] * state.scale[l];
                }
            }
            let gap: [f64; L] = std::array::from_fn(|l| asked[l] - total[l]);
            report_short(i, gap, &mut short);
            for l in 0..L {
                let done = asked[l].min(total[l]);
                let keep = if total[l] > 0.0 {
                    1.0 - done / total[l]
                } else {
                    0.0
                };
                state.scale[l] *= keep;
                state.ceased[l] += done;
            }
        }
        for &(i, from, to, per_year) in &self.shifts {
            let asked = effect(i, per_year);
            state.sum_by_category();
            let held: [f64; L] = std::array::from_fn(|l| state.acc[from][l] * state.scale[l]);
            let gap: [f64; L] = std::array::from_fn(|l| asked[l] - held[l]);
            report_short(i, gap, &mut short);
            let mut share = [0.0; L];
            for l in 0..L {
                let done = asked[l].min(held[l]);
                share[l] = if held[l] > 0.0 { done / held[l] } else { 0.0 };
                if to.is_none() {
                    // Taken from every age in proportion: the plans taken add up to `done`.
                    state.ceased[l] += done;
                }
            }
            // Taken from every age in proportion, in stored values (the pending factor
            // applies to both categories alike); the two categories' sums kept up to date.
            let (mut left, mut gained) = ([0.0; L], [0.0; L]);
            let (first, stock) = (state.first, &mut state.stock);
            let to_cat = to.unwrap_or(from);
            for row in (first..n).chain(0..first) {
                let age = &mut stock[row * nc..(row + 1) * nc];
                let mut x = [0.0; L];
                for l in 0..L {
                    x[l] = age[from][l] * share[l];
                    age[from][l] -= x[l];
                    left[l] += age[from][l];
                }
                if to.is_some() {
                    for l in 0..L {
                        age[to_cat][l] += x[l];
                        gained[l] += age[to_cat][l];
                    }
                }
            }
            state.acc[from] = left;
            if let Some(to) = to {
                state.acc[to] = gained;
            }
        }
        // Plans by category, then capacity limits on what is reported.
        state.sum_by_category();
        // (`black_box` as for the new plans: the lanes run in vector instructions.)
        let scale = state.scale;
        for (o, x) in row.iter_mut().zip(&state.acc) {
            let x = std::hint::black_box(*x);
            *o = std::array::from_fn(|l| x[l] * scale[l]);
        }
        if self.has_capacity {
            super::growth::overflow(m, t, row);
        }
    }
}

/// One year's cessation pass over every cell (step 1 with the pending factor applied):
/// `v = S × scale`, `x = v × q`, `S = v − x`, and the ceased plans summed by category over ages
/// in order into `acc`; then, with `ageing`, the oldest age's plans leave the stock.
struct Pass<'a, const L: usize> {
    rates: &'a [f64],
    extra: &'a [[f64; L]],
    has_extra: bool,
    scale: [f64; L],
    cessation: [f64; L],
    first: usize,
    n: usize,
    nc: usize,
    ageing: bool,
}

impl<const L: usize> Pass<'_, L> {
    /// With `CLAMP` false, `q = rate × m` (only when that is known to be in [0, 1] and no
    /// extra rate acts); with it true, `q = clamp(rate × m + extra, 0, 1)`.
    ///
    /// Returns the plans ceased (Σ over categories, in order, of `acc`) and, with `ageing`,
    /// the plans ageing out (Σ over categories of the oldest age's cells after cessation;
    /// those cells are then emptied), both per lane.
    #[inline(always)]
    fn run<const CLAMP: bool>(
        &self,
        stock: &mut [[f64; L]],
        acc: &mut [[f64; L]],
    ) -> ([f64; L], [f64; L]) {
        let Pass {
            rates,
            extra,
            has_extra,
            scale,
            cessation,
            first,
            n,
            nc,
            ageing,
        } = *self;
        let (mut ceased, mut aged) = ([0.0; L], [0.0; L]);
        let oldest = row_start(first, n, nc, n - 1);
        // Both sums run over categories in order, as the per-category sums come.
        let close =
            |sum: &[f64; L], last: &mut [f64; L], ceased: &mut [f64; L], aged: &mut [f64; L]| {
                for l in 0..L {
                    ceased[l] += sum[l];
                }
                if ageing {
                    for l in 0..L {
                        aged[l] += last[l];
                    }
                    *last = [0.0; L];
                }
            };
        let cease = |s: &mut [f64; L], rate: f64, e: &[f64; L], sum: &mut [f64; L]| {
            for l in 0..L {
                let v = s[l] * scale[l];
                let r = rate * cessation[l];
                let q = if !CLAMP {
                    r
                } else if has_extra {
                    (r + e[l]).clamp(0.0, 1.0)
                } else {
                    r.clamp(0.0, 1.0)
                };
                let x = v * q;
                s[l] = v - x;
                sum[l] += x;
            }
        };
        // Ceased plans summed per category over ages in order (independent sums), then over
        // categories. One lane: along memory. Several: a category at a time with its sum in
        // registers (the sum over ages keeps the compiler from vectorising across cells with
        // gathers and scatters, so the lanes run in vector instructions). Each lane's
        // operations are the same either way.
        if L == 1 {
            acc.fill([0.0; L]);
            for a in 0..n {
                let r = row_start(first, n, nc, a);
                let (row, k) = (&mut stock[r..r + nc], a * nc);
                let (rates, extra) = (&rates[k..k + nc], &extra[k..k + nc]);
                for c in 0..nc {
                    cease(&mut row[c], rates[c], &extra[c], &mut acc[c]);
                }
            }
            for c in 0..nc {
                close(&acc[c], &mut stock[oldest + c], &mut ceased, &mut aged);
            }
            return (ceased, aged);
        }
        // Ages in order are rows `first .. n`, then rows `0 .. first` of the ring.
        for (c, total) in acc.iter_mut().enumerate() {
            let mut sum = [0.0; L];
            let mut k = c; // a × nc + c
            for row in first..n {
                cease(&mut stock[row * nc + c], rates[k], &extra[k], &mut sum);
                k += nc;
            }
            for row in 0..first {
                cease(&mut stock[row * nc + c], rates[k], &extra[k], &mut sum);
                k += nc;
            }
            *total = sum;
            close(&sum, &mut stock[oldest + c], &mut ceased, &mut aged);
        }
        (ceased, aged)
    }
}
