//! High-needs expenditure: plans × unit cost by category, spend not tied to plans, and
//! mitigation investment and savings.

use crate::demand::PlanTable;
use crate::funding::compound;
use crate::model::{Lever, Model};

/// Expenditure by year (£).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Spend {
    /// Unit cost per plan, `unit_cost[t * nc + c]` (£ a year):
    /// `base[c] × Π(1 + inflation) × (1 + Σ unit_cost change × phase[t] × delivery)`.
    pub unit_cost: Vec<f64>,
    /// Spend on plans, `by_category[t * nc + c] = plans × unit_cost`.
    pub by_category: Vec<f64>,
    /// Spend not tied to plans, one vector per `non_plan` line.
    pub non_plan: Vec<Vec<f64>>,
    /// Mitigation investment: Σ invest amounts × delivery.
    pub mitigation_costs: Vec<f64>,
    /// Mitigation savings: Σ save amounts × delivery (a reduction in spend).
    pub mitigation_savings: Vec<f64>,
    /// Σ by_category + Σ non_plan + mitigation_costs − mitigation_savings.
    pub total: Vec<f64>,
}

/// Compute every spend line for `m` given the projected plans.
pub fn expenditure(m: &Model, plans: &PlanTable) -> Spend {
    let h = m.horizon;
    let nc = m.n_categories();
    let mut unit_cost = Vec::with_capacity(h * nc);
    let mut level = m.unit_cost_base.clone();
    for t in 0..h {
        if t > 0 {
            for (c, u) in level.iter_mut().enumerate() {
                *u *= 1.0 + m.inflation[t * nc + c];
            }
        }
        unit_cost.extend_from_slice(&level);
    }
    let mut mitigation_costs = vec![0.0; h];
    let mut mitigation_savings = vec![0.0; h];
    for mit in &m.mitigations {
        match &mit.lever {
            Lever::UnitCost { category, change } => {
                for t in 0..h {
                    unit_cost[t * nc + category] *= 1.0 + change * mit.phase[t] * mit.delivery;
                }
            }
            Lever::Invest { amounts } => add_scaled(&mut mitigation_costs, amounts, mit.delivery),
            Lever::Save { amounts } => add_scaled(&mut mitigation_savings, amounts, mit.delivery),
            _ => {}
        }
    }
    let by_category: Vec<f64> = plans
        .data
        .iter()
        .zip(&unit_cost)
        .map(|(p, u)| p * u)
        .collect();
    let non_plan: Vec<Vec<f64>> = m
        .non_plan
        .iter()
        .map(|(_, base, growth)| compound(*base, growth, h))
        .collect();
    let total = (0..h)
        .map(|t| {
            by_category[t * nc..(t + 1) * nc].iter().sum::<f64>()
                + non_plan.iter().map(|l| l[t]).sum::<f64>()
                + mitigation_costs[t]
                - mitigation_savings[t]
        })
        .collect();
    Spend {
        unit_cost,
        by_category,
        non_plan,
        mitigation_costs,
        mitigation_savings,
        total,
    }
}

fn add_scaled(acc: &mut [f64], x: &[f64], k: f64) {
    for (a, v) in acc.iter_mut().zip(x) {
        *a += v * k;
    }
}
