//! Demand: EHCPs by placement category in each year.
//!
//! Funding and finance only see the [`PlanTable`] a [`DemandModel`] fills, so a cohort or flow
//! model (requests, new plans, cessations, ageing, transitions) can replace [`GrowthDemand`]
//! without touching them.

use crate::error::Issue;
use crate::model::{Lever, Model};
use crate::scenario::Scenario;

/// Plans by year and category: `get(t, c)`, stored row-major (`t * nc + c`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlanTable {
    pub n_categories: usize,
    pub data: Vec<f64>,
}

impl PlanTable {
    /// Plans in year `t`, category `c`.
    pub fn get(&self, t: usize, c: usize) -> f64 {
        self.data[t * self.n_categories + c]
    }

    /// All categories in year `t`.
    pub fn year(&self, t: usize) -> &[f64] {
        &self.data[t * self.n_categories..(t + 1) * self.n_categories]
    }

    /// Total plans in year `t`.
    pub fn total(&self, t: usize) -> f64 {
        self.year(t).iter().sum()
    }
}

/// A mitigation that asked for more plans than a category held: (mitigation index, year
/// index, plans short).
pub type Shortfall = (usize, usize, f64);

/// Anything that can project plans by category from a [`Model`], mitigations included.
pub trait DemandModel {
    /// Fill `out` with plans for every year and category. Returns every place where a
    /// mitigation asked to move or cease more plans than a category held (those categories are
    /// floored at zero).
    fn project(&self, m: &Model, out: &mut PlanTable) -> Vec<Shortfall>;
}

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
        let mut short = Vec::new();
        // Sort the levers once, so each year only visits the mitigations that act there.
        let mut growth_cuts = Vec::new(); // (index, points)
        let mut pro_rata = Vec::new(); // (index, per_year)
        let mut shifts = Vec::new(); // (index, from, to or None for a cessation, per_year)
        for (i, mit) in m.mitigations.iter().enumerate() {
            match mit.lever {
                Lever::ReduceGrowth { points } => growth_cuts.push((i, points)),
                Lever::CeasePlans {
                    per_year,
                    category: None,
                } => pro_rata.push((i, per_year)),
                Lever::CeasePlans {
                    per_year,
                    category: Some(c),
                } => shifts.push((i, c, None, per_year, 0.0)),
                Lever::MovePlans { from, to, per_year } => {
                    shifts.push((i, from, Some(to), per_year, 0.0))
                }
                _ => {}
            }
        }
        let has_capacity = m.capacity.iter().any(Option::is_some);
        // x × phase × delivery, in that order (as everywhere else in the model).
        let effect =
            |i: usize, t: usize, x: f64| x * m.mitigations[i].phase[t] * m.mitigations[i].delivery;
        let mut underlying: f64 = m.base_plans.iter().sum();
        let mut ceased = 0.0;
        for t in 0..h {
            if t > 0 {
                let mut g = m.plan_growth[t];
                for &(i, points) in &growth_cuts {
                    g -= effect(i, t, points);
                }
                underlying *= 1.0 + g;
            }
            for &(i, per_year) in &pro_rata {
                ceased += effect(i, t, per_year);
            }
            // The last mitigation ceasing plans pro rata is named when cessations exceed plans.
            if let Some(&(i, _)) = pro_rata.last() {
                if ceased - underlying > 1e-9 {
                    short.push((i, t, ceased - underlying));
                }
            }
            let total = (underlying - ceased).max(0.0);
            let row = &mut out.data[t * nc..(t + 1) * nc];
            for (x, share) in row.iter_mut().zip(&m.mix[t * nc..(t + 1) * nc]) {
                *x = total * share;
            }
            // Moves and category cessations are cumulative: plans moved stay moved.
            for (i, from, to, per_year, cumulative) in shifts.iter_mut() {
                *cumulative += effect(*i, t, *per_year);
                let done = cumulative.min(row[*from]);
                if *cumulative - done > 1e-9 {
                    short.push((*i, t, *cumulative - done));
                }
                row[*from] -= done;
                if let Some(to) = to {
                    row[*to] += done;
                }
            }
            // Overflow can fill a category that has its own limit, so repeat; chains have no
            // loops (validated), so plans settle within one pass per category.
            if has_capacity {
                for _ in 0..nc {
                    let mut moved = false;
                    for (c, cap) in m.capacity.iter().enumerate() {
                        if let Some((places, overflow)) = cap {
                            let excess = row[c] - places[t];
                            if excess > 0.0 {
                                row[c] -= excess;
                                row[*overflow] += excess;
                                moved = true;
                            }
                        }
                    }
                    if !moved {
                        break;
                    }
                }
            }
        }
        short
    }
}

/// Issues for every mitigation that would move or cease more plans than a category holds,
/// naming the year (run on an otherwise valid scenario).
pub fn check_moves(s: &Scenario) -> Vec<Issue> {
    let m = Model::new(s);
    let mut table = PlanTable::default();
    let labels = m.year_labels();
    GrowthDemand
        .project(&m, &mut table)
        .into_iter()
        .map(|(i, t, gap)| {
            let mit = &s.mitigations[i];
            Issue::new(
                format!("mitigations[{i}].effect.{}", mit.effect.kind()),
                format!(
                    "{:?} needs {gap:.1} more plans than the category holds by then; reduce per_year or start later",
                    mit.name
                ),
            )
            .in_year(labels[t].clone())
        })
        .collect()
}
