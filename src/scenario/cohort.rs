//! The cohort (flow) demand model's inputs: the `[demand.cohort]` section, used when
//! `demand.model = "cohort"`.
//!
//! Plans are held by single year of age × placement category. Every array here is indexed by
//! age: with ageing (the default) it has [`AGES`] entries, ages 0 to 25, the last being the
//! age at which plans end (fewer, at least 2, only for a younger range or a worked example);
//! without ageing (a flow model on totals, or a test) any length of at least 1, one entry per
//! age bucket.
//!
//! ```toml
//! [demand]
//! model = "cohort"
//! growth = 0.05                 # growth of new plans a year, from the year after the base year
//! base_plans = { mainstream = 1500, special = 1100 }   # must equal the stock's totals
//!
//! [demand.cohort]
//! stock = { mainstream = [ ...26 numbers... ], special = [ ... ] }   # plans by age, base census
//! new_plans = [ ... ]            # new plans a year by age, in the base year
//! new_plan_mix = { mainstream = [ ... ], special = [ ... ] }         # placement of new plans
//! cessation = [ ... ]            # share of plans at each age that cease during a year
//! transitions = [ { age = 11, from = "mainstream", to = "special", share = 0.03 } ]
//! net_other = [ ... ]            # net other change a year by age (plans), calibrated
//! ```

use super::unique;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// Ages held with ageing on: 0 to 25 (a plan ends at 25 by law).
pub const AGES: usize = 26;

/// The DfE management plan's age groups: (label, first age, last age).
pub const AGE_GROUPS: [(&str, usize, usize); 5] = [
    ("under_5", 0, 4),
    ("5_to_10", 5, 10),
    ("11_to_15", 11, 15),
    ("16_to_19", 16, 19),
    ("20_to_25", 20, 25),
];

/// Which demand model projects plans.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DemandKind {
    /// One growth rate for total plans, a placement mix, mitigations on the totals.
    #[default]
    Growth,
    /// Plans by age × category moved by flows: ageing, cessations, new plans, transitions
    /// between settings and net other change.
    Cohort,
}

impl DemandKind {
    /// True for the default model (so files that do not choose one stay as they were).
    pub fn is_growth(&self) -> bool {
        *self == DemandKind::Growth
    }
}

/// The `[demand.cohort]` section: the stock and flows of the cohort model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CohortInputs {
    /// Plans age a year every year and end at 25 (default true). Without ageing the arrays
    /// are age buckets that never change.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub ageing: bool,
    /// Plans in the base year's January census by category id, each an array by age (plans).
    #[serde(deserialize_with = "unique::map")]
    pub stock: IndexMap<String, Vec<f64>>,
    /// New plans in the base year by age at the January census after they were made (plans a
    /// year); later years grow by `demand.growth`.
    pub new_plans: Vec<f64>,
    /// Where new plans are placed: by category id, an array by age of shares (at each age the
    /// shares sum to 1 wherever new plans or net other change are not zero).
    #[serde(deserialize_with = "unique::map")]
    pub new_plan_mix: IndexMap<String, Vec<f64>>,
    /// Share of the plans held at each age (at the start of a year) that cease during it.
    pub cessation: Vec<f64>,
    /// Cessation rates by age overriding `cessation` for particular categories.
    #[serde(
        deserialize_with = "unique::map",
        default,
        skip_serializing_if = "IndexMap::is_empty"
    )]
    pub cessation_by_category: IndexMap<String, Vec<f64>>,
    /// Moves between settings as children reach an age (phase transfers, e.g. at 11 and 16).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transitions: Vec<Transition>,
    /// Net other change a year by age (plans; may be negative): what the published flows do
    /// not explain (transfers in from other councils, late recording). Placed by the new-plan
    /// mix. Empty = none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub net_other: Vec<f64>,
}

/// A share of the plans in `from` that move to `to` as children reach `age`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transition {
    pub age: i64,
    pub from: String,
    pub to: String,
    pub share: f64,
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

impl CohortInputs {
    /// Number of age entries (the length of `new_plans`).
    pub fn n_ages(&self) -> usize {
        self.new_plans.len()
    }
}
