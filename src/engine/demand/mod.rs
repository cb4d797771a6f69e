//! Demand: EHCPs by placement category in each year.
//!
//! Funding and finance only see the [`PlanTable`] a [`DemandModel`] fills, so another model
//! (a cohort or flow model: new plans, cessations, ageing, transitions) can sit beside
//! [`GrowthDemand`] without touching them. Each model lives in its own file.

mod cohort;
mod cohort_state;
mod growth;

pub use cohort::{CohortArrays, CohortDemand, CohortLevers};
pub use cohort_state::CohortState;
pub use growth::{DemandLevers, DemandState, GrowthDemand};

use crate::engine::model::{Lever, Model};

/// Plans by year and category: `get(t, c)`, stored row-major (`t * nc + c`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlanTable {
    pub n_categories: usize,
    pub data: Vec<f64>,
    /// Flows of plans by year, from a model that has them (the cohort model).
    pub flows: Option<Flows>,
}

/// A cohort model's flows by year (plans): `new[t]`, `ceased[t]` (by rate, `cease_at_age`
/// and `cease_plans`), `aged_out[t]` (plans ending at 25), `net_other[t]` (as applied), and
/// plans by the DfE age groups × category, `by_age_group[(t * 5 + g) * nc + c]` (before
/// capacity limits, which act on categories only).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Flows {
    pub new: Vec<f64>,
    pub ceased: Vec<f64>,
    pub aged_out: Vec<f64>,
    pub net_other: Vec<f64>,
    pub by_age_group: Vec<f64>,
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

/// The demand model a model runs: the cohort model when it has cohort inputs, else growth.
pub fn model_for(m: &Model) -> &'static dyn DemandModel {
    if m.cohort.is_some() {
        &CohortDemand
    } else {
        &GrowthDemand
    }
}

/// `short(i, lane, gap)` for every lane whose `gap` (plans) exceeds 10⁻⁹, testing all lanes at
/// once first: shortfalls are rare, so the usual case stays in vector instructions.
#[inline(always)]
fn report_short<const L: usize>(
    i: usize,
    gap: [f64; L],
    short: &mut impl FnMut(usize, usize, f64),
) {
    // Every lane compared at once into a bit mask (one vector compare), not lane by lane.
    let mut any = 0u32;
    for (l, g) in gap.iter().enumerate() {
        any |= u32::from(*g > 1e-9) << (l % 32);
    }
    if any != 0 {
        for (l, g) in gap.into_iter().enumerate() {
            if g > 1e-9 {
                short(i, l, g);
            }
        }
    }
}

/// The mitigations both demand models pull on plans, sorted once per model shape: growth
/// cuts (mitigation index, points a year), cessations from every category in proportion
/// (index, plans a year), and moves and category cessations (index, from, to or `None` for a
/// cessation, plans a year), each in file order. Each model adds its own kinds.
#[derive(Debug, Clone, Default)]
pub(super) struct PlanLevers {
    pub(super) growth_cuts: Vec<(usize, f64)>,
    pub(super) pro_rata: Vec<(usize, f64)>,
    pub(super) shifts: Vec<(usize, usize, Option<usize>, f64)>,
    pub(super) has_capacity: bool,
}

impl PlanLevers {
    pub(super) fn new(m: &Model) -> PlanLevers {
        let mut l = PlanLevers {
            has_capacity: m.capacity.iter().any(Option::is_some),
            ..PlanLevers::default()
        };
        for (i, mit) in m.mitigations.iter().enumerate() {
            match mit.lever {
                Lever::ReduceGrowth { points } => l.growth_cuts.push((i, points)),
                Lever::CeasePlans {
                    per_year,
                    category: None,
                } => l.pro_rata.push((i, per_year)),
                Lever::CeasePlans {
                    per_year,
                    category: Some(c),
                } => l.shifts.push((i, c, None, per_year)),
                Lever::MovePlans { from, to, per_year } => {
                    l.shifts.push((i, from, Some(to), per_year))
                }
                _ => {}
            }
        }
        l
    }
}
