//! The one check that needs the engine: a mitigation must not move or cease more plans than
//! its category holds in any year. Input validation ([`Scenario::validated`]) cannot see this
//! without running demand, so it runs here, when a scenario is made ready to project.

use super::demand::{PlanTable, model_for};
use super::model::Model;
use crate::error::{Issue, ScenarioError};
use crate::scenario::{Effect, Scenario};

/// `s` when no mitigation moves or ceases more plans than its category holds, else every such
/// mitigation and year as one error. `s` must already have passed input validation (the
/// readers and [`Scenario::validated`] do that).
pub fn runnable(s: Scenario) -> Result<Scenario, ScenarioError> {
    let issues = check_moves(&s);
    if issues.is_empty() {
        Ok(s)
    } else {
        Err(ScenarioError::Invalid(issues))
    }
}

/// Issues for every mitigation that would move or cease more plans than a category holds,
/// naming the year and the mitigation's `per_year` (run on an otherwise valid scenario).
pub fn check_moves(s: &Scenario) -> Vec<Issue> {
    let m = Model::new(s);
    let mut table = PlanTable::default();
    let labels = m.year_labels();
    model_for(&m)
        .project(&m, &mut table)
        .into_iter()
        .map(|(i, t, gap)| {
            let mit = &s.mitigations[i];
            let issue = Issue::new(
                format!("mitigations[{i}].effect.{}", mit.effect.kind()),
                format!(
                    "{:?} needs {gap:.1} more plans than the category holds by then; reduce per_year or start later",
                    mit.name
                ),
            )
            .in_year(labels[t].clone());
            match &mit.effect {
                Effect::MovePlans { per_year, .. } | Effect::CeasePlans { per_year, .. } => {
                    issue.with_value(*per_year)
                }
                _ => issue,
            }
        })
        .collect()
}
