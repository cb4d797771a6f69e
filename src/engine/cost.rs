//! High-needs expenditure: plans × unit cost by category, spend not tied to plans, and
//! mitigation investment and savings.

use crate::engine::demand::PlanTable;
use crate::engine::funding::compound_into;
use crate::engine::model::{Lever, Model};

/// Expenditure by year (£).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Spend {
    /// Unit cost per plan, `unit_cost[t * nc + c]` (£ a year):
    /// `base[c] × Π(1 + inflation) × Π(1 + unit_cost change × phase[t] × delivery)`, one factor
    /// per `unit_cost` mitigation on the category (they multiply, so cuts never go negative).
    pub unit_cost: Vec<f64>,
    /// Spend on plans, `by_category[t * nc + c] = plans × unit_cost`.
    pub by_category: Vec<f64>,
    /// Spend not tied to plans, one vector per `non_plan` line.
    pub non_plan: Vec<Vec<f64>>,
    /// Mitigation investment: Σ invest amounts × delivery (amounts as given; start and ramp
    /// cannot phase them, which validation enforces).
    pub mitigation_costs: Vec<f64>,
    /// Mitigation savings: Σ save amounts × delivery (a reduction in spend).
    pub mitigation_savings: Vec<f64>,
    /// Σ by_category + Σ non_plan + mitigation_costs − mitigation_savings.
    pub total: Vec<f64>,
}

/// Compute every spend line for `m` given the projected plans.
pub fn expenditure(m: &Model, plans: &PlanTable) -> Spend {
    let mut out = Spend::default();
    expenditure_into(m, plans, &mut out);
    out
}

/// [`expenditure`] into existing buffers.
pub fn expenditure_into(m: &Model, plans: &PlanTable, out: &mut Spend) {
    let h = m.horizon;
    let nc = m.n_categories();
    let unit_cost = &mut out.unit_cost;
    unit_cost.clear();
    unit_cost.reserve(h * nc);
    unit_cost.extend_from_slice(&m.unit_cost_base);
    for t in 1..h {
        for c in 0..nc {
            let prev = unit_cost[(t - 1) * nc + c];
            unit_cost.push(prev * (1.0 + m.inflation[t * nc + c]));
        }
    }
    unit_cost.truncate(h * nc);
    reset(&mut out.mitigation_costs, h);
    reset(&mut out.mitigation_savings, h);
    for mit in &m.mitigations {
        match &mit.lever {
            Lever::UnitCost { category, change } => {
                for t in 0..h {
                    unit_cost[t * nc + category] *= 1.0 + change * mit.phase[t] * mit.delivery;
                }
            }
            Lever::Invest { amounts } => {
                add_scaled(&mut out.mitigation_costs, amounts, mit.delivery)
            }
            Lever::Save { amounts } => {
                add_scaled(&mut out.mitigation_savings, amounts, mit.delivery)
            }
            _ => {}
        }
    }
    out.by_category.clear();
    out.by_category
        .extend(plans.data.iter().zip(unit_cost.iter()).map(|(p, u)| p * u));
    out.non_plan.resize_with(m.non_plan.len(), Vec::new);
    for (line, (_, base, growth)) in out.non_plan.iter_mut().zip(&m.non_plan) {
        compound_into(*base, growth, h, line);
    }
    out.total.clear();
    out.total.reserve(h);
    for t in 0..h {
        let plans_spend: f64 = out.by_category[t * nc..(t + 1) * nc].iter().sum();
        let other: f64 = out.non_plan.iter().map(|l| l[t]).sum();
        out.total
            .push(plans_spend + other + out.mitigation_costs[t] - out.mitigation_savings[t]);
    }
}

fn reset(v: &mut Vec<f64>, h: usize) {
    v.clear();
    v.resize(h, 0.0);
}

fn add_scaled(acc: &mut [f64], x: &[f64], k: f64) {
    for (a, v) in acc.iter_mut().zip(x) {
        *a += v * k;
    }
}
