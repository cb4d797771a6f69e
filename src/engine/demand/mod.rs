//! Demand: EHCPs by placement category in each year.
//!
//! Funding and finance only see the [`PlanTable`] a [`DemandModel`] fills, so another model
//! (a cohort or flow model: new plans, cessations, ageing, transitions) can sit beside
//! [`GrowthDemand`] without touching them. Each model lives in its own file.

mod growth;

pub use growth::{DemandLevers, DemandState, GrowthDemand};

use crate::engine::model::Model;

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
