//! The growth-rate demand model: one EHCP growth rate, a placement mix, and mitigations that
//! cut growth, cease plans or move them between categories.

use super::{DemandModel, PlanLevers, PlanTable, Shortfall, report_short};
use crate::engine::lanes::LaneVec;
use crate::engine::model::Model;

/// The growth-rate model used by DfE management plans and DBV:
///
/// * underlying total `U[t] = U[t−1] × (1 + g[t] − Σ reduce_growth points × phase[t] × delivery)`,
///   `U[0]` = base-year plans;
/// * plans ceased beyond normal accumulate: `C[t] = C[t−1] + Σ per_year × phase[t] × delivery`;
/// * plans in category c: `(U[t] − C[t]) × share[t][c]`, shares glided between targets;
/// * then cumulative moves between categories, category-specific cessations, and capacity
///   limits (plans above a limit go to its overflow category).
#[derive(Debug, Clone, Copy, Default)]
pub struct GrowthDemand;

impl DemandModel for GrowthDemand {
    fn project(&self, m: &Model, out: &mut PlanTable) -> Vec<Shortfall> {
        let nc = m.n_categories();
        let h = m.horizon;
        out.n_categories = nc;
        out.data.clear();
        out.data.resize(h * nc, 0.0);
        let levers = DemandLevers::new(m);
        let delivery: Vec<[f64; 1]> = m.mitigations.iter().map(|x| [x.delivery]).collect();
        let mut state = DemandState::default();
        levers.start(m, &mut state);
        let mut short = Vec::new();
        let mut row = vec![[0.0]; nc];
        for t in 0..h {
            let growth = [m.plan_growth[t]];
            levers.step(
                m,
                t,
                growth,
                &delivery,
                &mut state,
                &mut row,
                |i, _, gap| short.push((i, t, gap)),
            );
            for (x, r) in out.data[t * nc..(t + 1) * nc].iter_mut().zip(&row) {
                *x = r[0];
            }
        }
        short
    }
}

/// A model's demand levers sorted by kind, so each year visits only the mitigations that act
/// on plans. Built once per model shape: the growth rate and each mitigation's delivery are
/// passed to [`DemandLevers::step`] year by year, so one set of levers serves every path of
/// a simulation (which varies those, not the levers).
///
/// **Lanes.** `step` runs `L` models at once, each number an `[f64; L]` with one model per
/// lane; every lane gets exactly the operations, in the same order, that one model alone
/// would (so results are bit-identical for any `L`). [`GrowthDemand`] runs one lane; the
/// simulation runs several paths side by side, which the compiler turns into vector
/// instructions.
#[derive(Debug, Clone, Default)]
pub struct DemandLevers {
    /// (mitigation index, points a year off the growth rate).
    growth_cuts: Vec<(usize, f64)>,
    /// (mitigation index, plans a year ceased across all categories pro rata).
    pro_rata: Vec<(usize, f64)>,
    /// (mitigation index, from, to or `None` for a cessation, plans a year).
    shifts: Vec<(usize, usize, Option<usize>, f64)>,
    /// Per shift: whether its source and its destination category are still as the mix left
    /// them (no earlier shift touched them), so their plans are `total × share`.
    untouched: Vec<(bool, bool)>,
    has_capacity: bool,
}

/// The running totals of [`GrowthDemand`] between years, per lane: underlying plans `U`,
/// plans ceased pro rata `C`, and each shift's cumulative plans (moves and category
/// cessations persist).
#[derive(Debug, Clone)]
pub struct DemandState<const L: usize = 1> {
    underlying: [f64; L],
    ceased: [f64; L],
    cumulative: LaneVec<[f64; L]>,
}

impl<const L: usize> Default for DemandState<L> {
    fn default() -> Self {
        DemandState {
            underlying: [0.0; L],
            ceased: [0.0; L],
            cumulative: LaneVec::new(),
        }
    }
}

impl DemandLevers {
    /// Sort `m`'s mitigations by the demand lever they pull.
    pub fn new(m: &Model) -> DemandLevers {
        let s = PlanLevers::new(m);
        let mut touched = vec![false; m.n_categories()];
        let mut untouched = Vec::with_capacity(s.shifts.len());
        for &(_, from, to, _) in &s.shifts {
            let from_fresh = !touched[from];
            // (Marked before `to` is looked at: a move into its own source reads the source.)
            touched[from] = true;
            untouched.push((from_fresh, to.is_some_and(|c| !touched[c])));
            if let Some(c) = to {
                touched[c] = true;
            }
        }
        DemandLevers {
            growth_cuts: s.growth_cuts,
            pro_rata: s.pro_rata,
            shifts: s.shifts,
            untouched,
            has_capacity: s.has_capacity,
        }
    }

    /// Reset `state` to the base year (before year 0 is stepped).
    ///
    /// Cumulative moves and cessations start from the plans each mitigation had already
    /// moved or ceased before the base year (`carried`, 0 unless the plan was rolled forward).
    pub fn start<const L: usize>(&self, m: &Model, state: &mut DemandState<L>) {
        state.underlying = [m.base_plans.iter().sum(); L];
        let mut ceased = 0.0;
        for &(i, _) in &self.pro_rata {
            ceased += m.mitigations[i].carried;
        }
        state.ceased = [ceased; L];
        state.cumulative.clear();
        state.cumulative.extend(
            self.shifts
                .iter()
                .map(|&(i, ..)| [m.mitigations[i].carried; L]),
        );
    }

    /// The underlying total `U`, plans ceased pro rata `C`, and each move or category
    /// cessation's cumulative plans, in mitigation order (a roll-forward carries them).
    pub fn carried<const L: usize>(
        &self,
        state: &DemandState<L>,
        lane: usize,
    ) -> (f64, f64, Vec<(usize, f64)>) {
        (
            state.underlying[lane],
            state.ceased[lane],
            self.shifts
                .iter()
                .zip(&state.cumulative)
                .map(|(&(i, ..), c)| (i, c[lane]))
                .collect(),
        )
    }

    /// Plans by category in year `t` into `row` (`nc` long), advancing `state`; years must be
    /// stepped in order from 0. `growth` is the EHCP growth rate into year `t` (unused in year
    /// 0) and `delivery[i]` mitigation `i`'s delivery multiplier, per lane; phases, mix and
    /// capacity come from `m`. `short(i, lane, gap)` is called for every mitigation `i` that
    /// asked to move or cease `gap` more plans than its category held (the category is
    /// floored at zero).
    #[inline(always)] // into the simulation's vectorised kernel, whatever its target features
    #[allow(clippy::too_many_arguments)]
    pub fn step<const L: usize>(
        &self,
        m: &Model,
        t: usize,
        growth: [f64; L],
        delivery: &[[f64; L]],
        state: &mut DemandState<L>,
        row: &mut [[f64; L]],
        mut short: impl FnMut(usize, usize, f64),
    ) {
        // x × phase × delivery, in that order (as everywhere else in the model).
        let effect = |i: usize, x: f64| {
            let xp = x * m.mitigations[i].phase[t];
            delivery[i].map(|d| xp * d)
        };
        // The running totals are worked on as local copies and written back once. In place,
        // the compiler reloads them after every store (`state`, `row` and `delivery` may share
        // memory as far as it knows), and a 16-lane array read straight after it was stored
        // is slow: `perf annotate` put 7–9% of the simulation kernel's time on one such read.
        let mut underlying = state.underlying;
        let mut ceased = state.ceased;
        if t > 0 {
            let mut g = growth;
            for &(i, points) in &self.growth_cuts {
                let e = effect(i, points);
                for l in 0..L {
                    g[l] -= e[l];
                }
            }
            for l in 0..L {
                underlying[l] *= 1.0 + g[l];
            }
        }
        for &(i, per_year) in &self.pro_rata {
            let e = effect(i, per_year);
            for l in 0..L {
                ceased[l] += e[l];
            }
        }
        state.underlying = underlying;
        state.ceased = ceased;
        // The last mitigation ceasing plans pro rata is named when cessations exceed plans.
        if let Some(&(i, _)) = self.pro_rata.last() {
            let gap: [f64; L] = std::array::from_fn(|l| ceased[l] - underlying[l]);
            report_short(i, gap, &mut short);
        }
        let mut total = [0.0; L];
        for l in 0..L {
            // max(U − C, 0), written as a comparison so it runs across lanes in vector
            // instructions (a NaN gives 0 either way; −0 gives +0).
            let x = underlying[l] - ceased[l];
            total[l] = if x > 0.0 { x } else { 0.0 };
        }
        let nc = row.len();
        let mix = &m.mix[t * nc..(t + 1) * nc];
        for (x, share) in row.iter_mut().zip(mix) {
            *x = total.map(|v| v * share);
        }
        // Moves and category cessations are cumulative: plans moved stay moved. A category no
        // earlier shift touched is `total × share` again (the same product), rather than
        // read back from `row` just after it was stored there.
        for ((&(i, from, to, per_year), &(from_fresh, to_fresh)), cumulative) in self
            .shifts
            .iter()
            .zip(&self.untouched)
            .zip(state.cumulative.iter_mut())
        {
            let e = effect(i, per_year);
            let mut cum = *cumulative;
            let mut src = if from_fresh {
                total.map(|v| v * mix[from])
            } else {
                row[from]
            };
            let mut done = [0.0; L];
            for l in 0..L {
                cum[l] += e[l];
                done[l] = cum[l].min(src[l]);
                src[l] -= done[l];
            }
            *cumulative = cum;
            row[from] = src;
            let gap: [f64; L] = std::array::from_fn(|l| cum[l] - done[l]);
            report_short(i, gap, &mut short);
            if let Some(to) = to {
                let mut dst = if to_fresh {
                    total.map(|v| v * mix[to])
                } else {
                    row[to]
                };
                for l in 0..L {
                    dst[l] += done[l];
                }
                row[to] = dst;
            }
        }
        if self.has_capacity {
            overflow(m, t, row);
        }
    }
}

/// Capacity limits on plans by category in year `t`: plans above a category's limit go to
/// its overflow category. Overflow can fill a category that has its own limit, so this
/// repeats; chains have no loops (validated), so plans settle within one pass per category.
#[inline(always)]
pub(super) fn overflow<const L: usize>(m: &Model, t: usize, row: &mut [[f64; L]]) {
    let nc = row.len();
    for _ in 0..nc {
        let mut moved = false;
        for (c, cap) in m.capacity.iter().enumerate() {
            if let Some((places, overflow)) = cap {
                for l in 0..L {
                    let excess = row[c][l] - places[t];
                    if excess > 0.0 {
                        row[c][l] -= excess;
                        row[*overflow][l] += excess;
                        moved = true;
                    }
                }
            }
        }
        if !moved {
            break;
        }
    }
}
