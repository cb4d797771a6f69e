//! One path's model run: the arithmetic of [`crate::engine::projection::run`] reduced to the
//! simulation's [`super::LINES`], in one pass over the years and without allocating.
//!
//! Demand is [`crate::engine::demand::DemandLevers::step`], the very code [`crate::engine::demand::GrowthDemand`]
//! runs. Spend, income and the deficit repeat [`crate::engine::cost::expenditure`],
//! [`crate::engine::funding::income`] and [`crate::engine::deficit::corkscrew`] operation for operation, in
//! the same order, so the lines are bit-identical to `run` on the same model (tested on
//! shocked models in `tests/simulate.rs`): a year's plans, then unit costs, then income, then
//! the corkscrew, instead of each line over every year in turn.

use super::engine::{Engine, Workspace};
use crate::engine::demand::{CohortState, DemandState};
use crate::engine::lanes::LaneVec;
use crate::engine::model::{Lever, Model};

/// The spend levers of a model's mitigations, sorted by kind (built once per engine; each
/// mitigation's `phase` and `delivery` are read from the model being run).
#[derive(Debug, Clone, Default)]
pub(super) struct SpendLevers {
    /// Per category, in scenario order: (mitigation index, fractional change in unit cost at
    /// full effect).
    unit_cost: Vec<Vec<(usize, f64)>>,
    /// (mitigation index, £ a year invested at full delivery).
    invest: Vec<(usize, Vec<f64>)>,
    /// (mitigation index, £ a year saved at full delivery).
    save: Vec<(usize, Vec<f64>)>,
}

impl SpendLevers {
    pub(super) fn new(m: &Model) -> SpendLevers {
        let mut l = SpendLevers {
            unit_cost: vec![Vec::new(); m.n_categories()],
            ..SpendLevers::default()
        };
        for (i, mit) in m.mitigations.iter().enumerate() {
            match &mit.lever {
                Lever::UnitCost { category, change } => l.unit_cost[*category].push((i, *change)),
                Lever::Invest { amounts } => l.invest.push((i, amounts.clone())),
                Lever::Save { amounts } => l.save.push((i, amounts.clone())),
                _ => {}
            }
        }
        l
    }
}

/// Per-lane running values of one run, reused between runs.
#[derive(Debug, Clone)]
pub(super) struct Scratch<const L: usize> {
    demand: DemandState<L>,
    cohort: CohortState<L>,
    /// Plans by category in the year being run.
    row: LaneVec<[f64; L]>,
    /// Unit cost by category (£ a plan) before mitigations, that year.
    level: LaneVec<[f64; L]>,
}

impl<const L: usize> Scratch<L> {
    pub(super) fn new(nc: usize) -> Scratch<L> {
        Scratch {
            demand: DemandState::default(),
            cohort: CohortState::default(),
            row: LaneVec::filled([0.0; L], nc),
            level: LaneVec::filled([0.0; L], nc),
        }
    }
}

impl Engine {
    /// Run every lane of `ws` on its inputs into its lines ([`Workspace::lane_out`]): per year, closing cumulative
    /// deficit, in-year deficit (spend − income) and total expenditure (£), and EHCPs.
    ///
    /// * plans: [`crate::engine::demand::DemandLevers::step`], or
    ///   [`crate::engine::demand::CohortLevers::step`] for the cohort model (its new-plan
    ///   growth shocked as EHCP growth is);
    /// * unit cost `u[t][c] = u[t−1][c] × (1 + inflation[t][c])`, then × (1 + change × phase ×
    ///   delivery) for each unit-cost mitigation;
    /// * spend = Σ plans × unit cost + non-plan lines + Σ invest × delivery − Σ save × delivery;
    /// * income = HNB (compounded by its growth) + block transfer + other income;
    /// * closing = opening + in-year − payments − write-offs.
    ///
    /// Records in [`Workspace::capped`] which mitigations were capped (`run`'s shortfalls).
    ///
    /// On x86-64 CPUs with AVX-512 or AVX2 (checked at run time) the lanes run in 512- or
    /// 256-bit vectors. Rust never fuses a multiply and an add, so each lane's arithmetic is
    /// the same IEEE operations either way and results are bit-identical on every CPU.
    pub fn kernel<const L: usize>(&self, ws: &mut Workspace<L>) {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f") {
                // SAFETY: this CPU has AVX-512F (checked just above).
                unsafe { self.kernel_avx512(ws) };
                return;
            }
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: this CPU has AVX2 (checked just above).
                unsafe { self.kernel_avx2(ws) };
                return;
            }
        }
        self.kernel_lanes(ws);
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f")]
    unsafe fn kernel_avx512<const L: usize>(&self, ws: &mut Workspace<L>) {
        self.kernel_lanes(ws);
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn kernel_avx2<const L: usize>(&self, ws: &mut Workspace<L>) {
        self.kernel_lanes(ws);
    }

    #[inline(always)]
    pub(super) fn kernel_lanes<const L: usize>(&self, ws: &mut Workspace<L>) {
        self.kernel_run(ws, false);
    }

    /// The kernel; with `fused`, shocked rates (EHCP growth, HNB growth, inflation) are
    /// worked out here from the workspace's shocks ([`Engine::shifted`] and
    /// [`Engine::shocked_rate`], as [`Engine::apply`] would) rather than read from its inputs
    /// (which [`Engine::apply_lanes`] then leaves unset).
    #[inline(always)]
    pub(super) fn kernel_run<const L: usize>(&self, ws: &mut Workspace<L>, fused: bool) {
        let fused_growth = fused && self.shocks.growth.is_some();
        let fused_hnb = fused && self.shocks.hnb.is_some();
        let fused_inflation = fused && self.inflation_shocked();
        let m = &self.model;
        let h = m.horizon;
        let nc = m.n_categories();
        let nm = m.mitigations.len();
        let Workspace {
            shocks,
            inputs: inp,
            scratch: sc,
            out,
            capped,
        } = ws;
        let Scratch {
            demand: state,
            cohort: cohort_state,
            row,
            level,
        } = sc;
        capped.fill(false);
        match &self.cohort {
            Some(c) => c.start(m, cohort_state),
            None => self.demand.start(m, state),
        }
        for (l, b) in level.iter_mut().zip(&m.unit_cost_base) {
            *l = [*b; L];
        }
        let mut hnb = [m.hnb_base; L];
        let mut balance = [m.opening; L];
        for t in 0..h {
            let short = |i: usize, l: usize, _| capped[l * nm + i] = true;
            // (Year 0 takes no growth: its inputs are the plan's.)
            let growth = if fused_growth && t > 0 {
                Self::shifted(m.plan_growth[t], &shocks.growth[t])
            } else {
                inp.growth[t]
            };
            match &self.cohort {
                Some(c) => c.step(
                    m,
                    t,
                    growth,
                    inp.cessation[t],
                    &inp.delivery,
                    cohort_state,
                    row,
                    short,
                ),
                None => self
                    .demand
                    .step(m, t, growth, &inp.delivery, state, row, short),
            }
            if t > 0 {
                let g = if fused_hnb {
                    Self::shifted(m.hnb_growth[t], &shocks.hnb[t])
                } else {
                    inp.hnb_growth[t]
                };
                for l in 0..L {
                    hnb[l] *= 1.0 + g[l];
                }
            }
            let mut costs = [0.0; L];
            for (i, amounts) in &self.spend.invest {
                for l in 0..L {
                    costs[l] += amounts[t] * inp.delivery[*i][l];
                }
            }
            let mut savings = [0.0; L];
            for (i, amounts) in &self.spend.save {
                for l in 0..L {
                    savings[l] += amounts[t] * inp.delivery[*i][l];
                }
            }
            // One pass over categories: inflate the unit cost, apply its mitigations, add the
            // category to the sums. Sums over categories run in category order, as `run`'s do.
            // (`f64` sums start from −0.0.) A category's unit cost takes its mitigations in
            // scenario order, as `run`'s does. Each category's lanes are copied in and out
            // (a 16-lane array read straight after it was stored is slow).
            let rates = &inp.inflation[t * nc..(t + 1) * nc];
            let mut on_plans = [-0.0; L];
            let mut plans = [-0.0; L];
            for (c, (((p, lv), r), levers)) in row
                .iter()
                .zip(level.iter_mut())
                .zip(rates)
                .zip(&self.spend.unit_cost)
                .enumerate()
            {
                let mut u = *lv;
                if t > 0 {
                    let r = if fused_inflation {
                        self.shocked_rate(shocks, t, c)
                    } else {
                        *r
                    };
                    for l in 0..L {
                        u[l] *= 1.0 + r[l];
                    }
                    *lv = u;
                }
                for &(i, change) in levers {
                    let cp = change * m.mitigations[i].phase[t];
                    for l in 0..L {
                        u[l] *= 1.0 + cp * inp.delivery[i][l];
                    }
                }
                let p = *p;
                for l in 0..L {
                    on_plans[l] += p[l] * u[l];
                    plans[l] += p[l];
                }
            }
            let mut in_year = [0.0; L];
            let mut spend = [0.0; L];
            let mut standing = [0.0; L];
            for l in 0..L {
                let income = hnb[l] + self.block_transfer[t] + m.other_income[t];
                spend[l] = on_plans[l] + self.non_plan_total[t] + costs[l] - savings[l];
                in_year[l] = spend[l] - income;
                standing[l] = balance[l] + in_year[l];
            }
            // No payment subtracts exactly 0 (x − 0 = x), so skip the cap then.
            if m.payments[t] != 0.0 {
                for l in 0..L {
                    standing[l] -= crate::engine::deficit::payment(m.payments[t], standing[l]);
                }
            }
            // A year without a write-off rule writes off exactly 0 (x − 0 = x), so skip it.
            if m.write_offs.iter().any(|(wt, _)| *wt == t) {
                let applied = crate::engine::deficit::write_off_lanes(&m.write_offs, t, standing).0;
                for l in 0..L {
                    standing[l] -= applied[l];
                }
            }
            balance = standing;
            out[t] = balance;
            out[h + t] = in_year;
            out[2 * h + t] = spend;
            out[3 * h + t] = plans;
        }
    }
}
