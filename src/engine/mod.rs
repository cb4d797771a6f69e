//! The engine: a validated [`Scenario`](crate::scenario::Scenario) resolved into a [`Model`]
//! (arrays by year and category), then run stage by stage in the order money flows:
//! [`demand`] (EHCPs) → [`cost`] (spend) and [`funding`] (income) → [`deficit`] (the
//! corkscrew) → [`metrics`] → [`projection`] (named lines). Depends on `scenario`, never the
//! other way round.

pub mod cost;
pub mod deficit;
pub mod demand;
mod feasible;
pub mod funding;
pub mod lanes;
pub mod metrics;
pub mod model;
pub mod notes;
pub mod projection;
pub mod variance;

pub use feasible::{check_moves, runnable};
pub use model::Model;
