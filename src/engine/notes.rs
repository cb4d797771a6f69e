//! Plain-English notes about a plan that are not errors: values that are valid but
//! implausible for their unit (money is in pounds), inputs that have no effect, and amounts the
//! engine capped. They travel in [`Projection::notes`](super::projection::Projection) to
//! every output (CLI, notebook, Excel), so a small test scenario still runs while a finance
//! officer who typed `hnb = 59.0` for £59m is told at once.

use super::deficit::DeficitPath;
use super::model::Model;
use crate::scenario::Scenario;
use crate::scenario::schedule::{Schedule, unused_base_growth};

/// An HNB or schools block below this (£) is almost certainly in millions, not pounds.
pub const IMPLAUSIBLE_BLOCK: f64 = 1e6;
/// A unit cost below this (£ per plan a year) is almost certainly in thousands, not pounds.
pub const IMPLAUSIBLE_UNIT_COST: f64 = 500.0;

/// Notes on the inputs of `s` (checked once, before any run).
pub fn input_notes(s: &Scenario) -> Vec<String> {
    let mut notes = Vec::new();
    let f = &s.funding;
    for (path, x) in [
        ("funding.hnb", f.hnb),
        ("funding.schools_block", f.schools_block),
    ] {
        if x > 0.0 && x < IMPLAUSIBLE_BLOCK {
            notes.push(format!(
                "{path} = {x}: under £1m is implausible for a council's block; money is in pounds (£59m is 59_000_000, not 59.0)"
            ));
        }
    }
    for (c, u) in &s.cost.unit_cost {
        if *u > 0.0 && *u < IMPLAUSIBLE_UNIT_COST {
            notes.push(format!(
                "cost.unit_cost.{c} = {u}: under £500 a year per plan is implausible; money is in pounds a year (£26k is 26_000, not 26.0)"
            ));
        }
    }
    // (A figure with a source note saying how it was worked out, such as a census projected
    // to the base year, may well be fractional.)
    let explained = |c: &str| {
        s.sources.contains_key("demand.base_plans")
            || s.sources.contains_key(&format!("demand.base_plans.{c}"))
    };
    for (c, n) in &s.demand.base_plans {
        if n.fract() != 0.0 && !explained(c) {
            notes.push(format!(
                "demand.base_plans.{c} = {n}: plans are counted in whole numbers; check the figure is a count of plans, not a share or a number in thousands"
            ));
        }
    }
    // A phase transfer given twice acts twice (the second share of what the first left):
    // more likely a copied row than a plan.
    if let Some(co) = &s.demand.cohort {
        let tr = &co.transitions;
        for (j, b) in tr.iter().enumerate() {
            if let Some(i) = tr[..j]
                .iter()
                .position(|a| (a.age, &a.from, &a.to) == (b.age, &b.from, &b.to))
            {
                notes.push(format!(
                    "demand.cohort.transitions[{i}] and [{j}] both move plans from {} to {} at age {}: they act one after the other (a share {} of what the first leaves), so check the second is not a copied row",
                    b.from, b.to, b.age, b.share
                ));
            }
        }
    }
    // With ageing, plans at the last age end that year anyway: ceasing them there changes
    // which flow line counts them (ceased, not aged out), never the plans or the money.
    if let Some(co) = s.demand.cohort.as_ref().filter(|c| c.ageing) {
        let last = co.n_ages() as i64 - 1;
        for m in &s.mitigations {
            if let crate::scenario::Effect::CeaseAtAge { age, .. } = m.effect
                && age == last
            {
                notes.push(format!(
                    "{:?} ceases plans at age {age}, the last age, where plans end that year anyway: it changes no plans and no money, only whether they count as ceased or aged out",
                    m.name
                ));
            }
        }
    }
    let base = s.base_year();
    let mut growth: Vec<(String, &Schedule)> = vec![
        ("funding.hnb_growth".into(), &f.hnb_growth),
        (
            "funding.schools_block_growth".into(),
            &f.schools_block_growth,
        ),
        ("demand.growth".into(), &s.demand.growth),
        ("cost.inflation".into(), &s.cost.inflation),
    ];
    for (c, sch) in &s.cost.inflation_by_category {
        growth.push((format!("cost.inflation_by_category.{c}"), sch));
    }
    for (n, line) in &s.cost.non_plan {
        growth.push((format!("cost.non_plan.{n}.growth"), &line.growth));
    }
    for (path, sch) in growth {
        // (A schedule whose source note says how it was worked out, as a public-data
        // baseline's taper does, is not questioned.)
        if s.sources.contains_key(&path) {
            continue;
        }
        if let Some((label, v)) = unused_base_growth(sch, base) {
            let next = base.plus(1);
            notes.push(format!(
                "{path}[{label}] = {v} is not used: growth applies from the year after the base year, and {next} gives the growth from {base} into {next}"
            ));
        }
    }
    notes
}

/// A note for each year whose payments towards the deficit were more than the deficit
/// standing, so only part was applied ([`super::deficit::payment`]).
pub fn payment_notes(m: &Model, d: &DeficitPath) -> Vec<String> {
    let mut notes = Vec::new();
    for (t, (asked, applied)) in m.payments.iter().zip(&d.payments).enumerate() {
        if asked > applied {
            notes.push(format!(
                "deficit.payments[{}]: £{:.1}m is more than the deficit standing; £{:.1}m is applied, since a payment (like a write-off) never creates a surplus",
                m.base.plus(t as i32),
                asked / 1e6,
                applied / 1e6,
            ));
        }
    }
    notes
}
