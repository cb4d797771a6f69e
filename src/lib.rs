//! # dsg-forecast
//!
//! A 15-year forecast of an English council's Dedicated Schools Grant (DSG) high-needs deficit:
//! funding (HNB growth, block transfers), demand (EHCPs by placement), unit costs, mitigations,
//! and the cumulative deficit with its financing cost.
//!
//! Read a [`Scenario`], then [`project`] it:
//!
//! ```
//! let text = std::fs::read_to_string("examples/bcp_safety_valve_2024.toml").unwrap();
//! let s = dsg_forecast::Scenario::from_toml_str(&text).unwrap();
//! let p = dsg_forecast::project(&s);
//! assert_eq!(p.years[0], "2024-25");
//! ```
//!
//! Modules, in the order money flows:
//! * [`scenario`]: the inputs (schedules, years, uncertain inputs) and their validation;
//! * [`engine`]: the resolved [`Model`], then demand (EHCPs) → cost (spend) and funding
//!   (income) → deficit (the corkscrew) → metrics → projection (named lines);
//! * [`analysis`]: levers by name, goal seek and tornado sensitivity, each running the engine;
//! * [`simulate`]: Monte Carlo over uncertain inputs, and batch evaluation;
//! * `python` (behind the `python` feature): the only code that uses PyO3.
//!
//! Imports run one way: `scenario` ← `engine` ← `analysis` ← `simulate` ← `python`.

// Year-indexed loops over several parallel arrays read like the equations they implement.
#![allow(clippy::needless_range_loop)]

pub mod analysis;
pub mod engine;
pub mod error;
pub mod scenario;
pub mod simulate;

#[cfg(feature = "python")]
mod python;

pub use engine::metrics::Metrics;
pub use engine::model::Model;
pub use engine::projection::{Projection, project, run};
pub use engine::runnable;
pub use error::{Issue, ScenarioError};
pub use scenario::Scenario;
pub use scenario::year::FinancialYear;
