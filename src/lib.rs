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
//! [`scenario`] (inputs) → [`validate`] → [`model`] (resolved arrays) → [`demand`] (EHCPs) →
//! [`cost`] (spend) and [`funding`] (income) → [`deficit`] (corkscrew) → [`metrics`] →
//! [`projection`] (named lines). Only `python` (behind the `python` feature) uses PyO3.

// Year-indexed loops over several parallel arrays read like the equations they implement.
#![allow(clippy::needless_range_loop)]

pub mod cost;
pub mod deficit;
pub mod demand;
pub mod driver;
pub mod error;
pub mod funding;
pub mod goal_seek;
pub mod metrics;
pub mod model;
pub mod projection;
pub mod scenario;
pub mod schedule;
pub mod sensitivity;
pub mod simulate;
pub mod uncertainty;
pub mod validate;
pub mod year;

#[cfg(feature = "python")]
mod python;

pub use error::{Issue, ScenarioError};
pub use metrics::Metrics;
pub use model::Model;
pub use projection::{Projection, project, run};
pub use scenario::Scenario;
pub use year::FinancialYear;
