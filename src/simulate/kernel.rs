//! One path's model run: the arithmetic of [`crate::projection::run`] reduced to the
//! simulation's [`super::LINES`], in one pass over the years and without allocating.
//!
//! Demand is [`crate::demand::DemandLevers::step`], the very code [`crate::demand::GrowthDemand`]
//! runs. Spend, income and the deficit repeat [`crate::cost::expenditure`],
//! [`crate::funding::income`] and [`crate::deficit::corkscrew`] operation for operation, in
//! the same order, so the lines are bit-identical to `run` on the same model (tested on
//! shocked models in `tests/simulate.rs`): a year's plans, then unit costs, then income, then
//! the corkscrew, instead of each line over every year in turn.

use super::{Engine, Workspace};
use crate::model::{Lever, Model};

/// The spend levers of a model's mitigations, sorted by kind (built once per engine; each
/// mitigation's `phase` and `delivery` are read from the model being run).
#[derive(Debug, Clone, Default)]
pub(super) struct SpendLevers {
    /// (mitigation index, category, fractional change in unit cost at full effect).
    unit_cost: Vec<(usize, usize, f64)>,
    /// (mitigation index, £ a year invested at full delivery).
    invest: Vec<(usize, Vec<f64>)>,
    /// (mitigation index, £ a year saved at full delivery).
    save: Vec<(usize, Vec<f64>)>,
}

impl SpendLevers {
    pub(super) fn new(m: &Model) -> SpendLevers {
        let mut l = SpendLevers::default();
        for (i, mit) in m.mitigations.iter().enumerate() {
            match &mit.lever {
                Lever::UnitCost { category, change } => l.unit_cost.push((i, *category, *change)),
                Lever::Invest { amounts } => l.invest.push((i, amounts.clone())),
                Lever::Save { amounts } => l.save.push((i, amounts.clone())),
                _ => {}
            }
        }
        l
    }
}

impl Engine {
    /// Run `ws`'s model ([`Workspace::model`]) into `ws.out`: per year, closing cumulative
    /// deficit, in-year deficit (spend − income) and total expenditure (£), and EHCPs.
    ///
    /// * plans: [`crate::demand::DemandLevers::step`];
    /// * unit cost `u[t][c] = u[t−1][c] × (1 + inflation[t][c])`, then × (1 + change × phase ×
    ///   delivery) for each unit-cost mitigation;
    /// * spend = Σ plans × unit cost + non-plan lines + Σ invest × delivery − Σ save × delivery;
    /// * income = HNB (compounded by its growth) + block transfer + other income;
    /// * closing = opening + in-year − payments − write-offs.
    ///
    /// Records in [`Workspace::capped`] which mitigations were capped (`run`'s shortfalls).
    pub fn kernel(&self, ws: &mut Workspace) {
        let Workspace {
            model: m,
            demand: state,
            row,
            level,
            unit_cost,
            out,
            capped,
            ..
        } = ws;
        let h = m.horizon;
        let nc = m.n_categories();
        capped.fill(false);
        self.demand.start(m, state);
        // Element loops rather than `copy_from_slice`: a handful of categories, no memmove call.
        for (l, b) in level.iter_mut().zip(&m.unit_cost_base) {
            *l = *b;
        }
        let mut hnb = m.hnb_base;
        let mut balance = m.opening;
        for t in 0..h {
            self.demand
                .step(m, t, state, row, |i, _| capped[i] = true);
            if t > 0 {
                for (u, r) in level.iter_mut().zip(&m.inflation[t * nc..(t + 1) * nc]) {
                    *u *= 1.0 + r;
                }
                hnb *= 1.0 + m.hnb_growth[t];
            }
            for (u, l) in unit_cost.iter_mut().zip(level.iter()) {
                *u = *l;
            }
            let mut costs = 0.0;
            let mut savings = 0.0;
            for &(i, c, change) in &self.spend.unit_cost {
                let mit = &m.mitigations[i];
                unit_cost[c] *= 1.0 + change * mit.phase[t] * mit.delivery;
            }
            for (i, amounts) in &self.spend.invest {
                costs += amounts[t] * m.mitigations[*i].delivery;
            }
            for (i, amounts) in &self.spend.save {
                savings += amounts[t] * m.mitigations[*i].delivery;
            }
            let income = hnb + self.block_transfer[t] + m.other_income[t];
            let on_plans: f64 = row.iter().zip(unit_cost.iter()).map(|(p, u)| p * u).sum();
            let spend = on_plans + self.non_plan_total[t] + costs - savings;
            let in_year = spend - income;
            let standing = balance + in_year - m.payments[t];
            let written_off = crate::deficit::write_off(&m.write_offs, t, standing).0;
            balance = standing - written_off;
            out[t] = balance;
            out[h + t] = in_year;
            out[2 * h + t] = spend;
            out[3 * h + t] = row.iter().sum();
        }
    }
}
