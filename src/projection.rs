//! The projection: income, spend, the deficit corkscrew and metrics for every year, with each
//! mitigation's effect and the unmitigated path beside the plan.

use crate::cost::{Spend, expenditure};
use crate::deficit::{DeficitPath, corkscrew};
use crate::demand::{DemandModel, GrowthDemand, PlanTable};
use crate::funding::{Income, income};
use crate::metrics::{Metrics, metrics};
use crate::model::Model;
use crate::scenario::Scenario;

/// One run of the model, as structured arrays (no names): the fast path for what-ifs,
/// goal seeks and simulations.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Run {
    pub plans: PlanTable,
    pub income: Income,
    pub spend: Spend,
    /// `spend.total − income.total` (£): positive = spend above income.
    pub in_year_deficit: Vec<f64>,
    pub deficit: DeficitPath,
}

/// Run `m` with the default growth-rate demand model.
pub fn run(m: &Model) -> Run {
    run_with(m, &GrowthDemand)
}

/// Run `m` with any demand model.
pub fn run_with(m: &Model, demand: &dyn DemandModel) -> Run {
    let mut plans = PlanTable::default();
    demand.project(m, &mut plans);
    let income = income(m);
    let spend = expenditure(m, &plans);
    let in_year_deficit: Vec<f64> = spend
        .total
        .iter()
        .zip(&income.total)
        .map(|(s, i)| s - i)
        .collect();
    let deficit = corkscrew(m, &in_year_deficit);
    Run {
        plans,
        income,
        spend,
        in_year_deficit,
        deficit,
    }
}

/// One named yearly series of a projection.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// Machine name, e.g. `closing_deficit`, `spend.independent`, `mitigation_effect.<name>`.
    pub name: String,
    /// Display label, e.g. "Closing cumulative deficit".
    pub label: String,
    /// "£", "£ per plan" or "plans".
    pub unit: &'static str,
    pub values: Vec<f64>,
}

/// A full projection of one scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    pub scenario: String,
    /// Year labels, "2024-25", …
    pub years: Vec<String>,
    pub lines: Vec<Line>,
    pub metrics: Metrics,
    /// The same scenario with every mitigation removed (absent when there are none).
    pub unmitigated: Option<Box<Projection>>,
}

impl Projection {
    /// The values of line `name`, if present.
    pub fn get(&self, name: &str) -> Option<&[f64]> {
        self.lines
            .iter()
            .find(|l| l.name == name)
            .map(|l| l.values.as_slice())
    }
}

/// Project a validated scenario: the mitigated plan, each mitigation's effect on the in-year
/// deficit (£ a year, positive = the mitigation lowers it: the in-year deficit without that one
/// mitigation minus the plan's), and the unmitigated projection.
pub fn project(s: &Scenario) -> Projection {
    let m = Model::new(s);
    let r = run(&m);
    let mut p = named(s, &m, &r);
    if !m.mitigations.is_empty() {
        let mut without = m.clone();
        for i in 0..m.mitigations.len() {
            without.mitigations[i].delivery = 0.0;
            let alt = run(&without);
            without.mitigations[i].delivery = m.mitigations[i].delivery;
            let values = alt
                .in_year_deficit
                .iter()
                .zip(&r.in_year_deficit)
                .map(|(a, b)| a - b)
                .collect();
            let name = &m.mitigations[i].name;
            p.lines.push(Line {
                name: format!("mitigation_effect.{name}"),
                label: format!("Mitigation: {name}"),
                unit: "£",
                values,
            });
        }
        let bare = s.without_mitigations();
        let u = named(&bare, &Model::new(&bare), &run(&Model::new(&bare)));
        for (key, label) in [
            ("in_year_deficit", "Unmitigated in-year deficit"),
            ("closing_deficit", "Unmitigated closing deficit"),
        ] {
            let values = u.get(key).map(<[f64]>::to_vec).unwrap_or_default();
            p.lines.push(Line {
                name: format!("unmitigated_{key}"),
                label: label.into(),
                unit: "£",
                values,
            });
        }
        p.unmitigated = Some(Box::new(u));
    }
    p
}

/// Name every series of a run, in the order a DSG management plan shows them.
fn named(s: &Scenario, m: &Model, r: &Run) -> Projection {
    let years = m.year_labels();
    let h = m.horizon;
    let nc = m.n_categories();
    let mut lines = Vec::with_capacity(24 + 3 * nc);
    let mut push = |name: String, label: String, unit: &'static str, values: Vec<f64>| {
        lines.push(Line {
            name,
            label,
            unit,
            values,
        });
    };
    let col = |data: &[f64], c: usize| (0..h).map(|t| data[t * nc + c]).collect::<Vec<f64>>();
    let i = &r.income;
    push(
        "hnb_funding".into(),
        "High needs block funding".into(),
        "£",
        i.hnb.clone(),
    );
    push(
        "block_transfer".into(),
        "Block transfer from schools block".into(),
        "£",
        i.block_transfer.clone(),
    );
    push(
        "other_income".into(),
        "Other income".into(),
        "£",
        i.other.clone(),
    );
    push(
        "total_income".into(),
        "Total income".into(),
        "£",
        i.total.clone(),
    );
    for (c, id) in m.categories.iter().enumerate() {
        push(
            format!("spend.{id}"),
            format!("Spend: {}", s.category_label(id)),
            "£",
            col(&r.spend.by_category, c),
        );
    }
    for (k, (name, _, _)) in m.non_plan.iter().enumerate() {
        push(
            format!("non_plan.{name}"),
            format!("Spend not tied to plans: {name}"),
            "£",
            r.spend.non_plan[k].clone(),
        );
    }
    push(
        "mitigation_costs".into(),
        "Mitigation investment".into(),
        "£",
        r.spend.mitigation_costs.clone(),
    );
    push(
        "mitigation_savings".into(),
        "Mitigation savings".into(),
        "£",
        r.spend.mitigation_savings.clone(),
    );
    push(
        "total_expenditure".into(),
        "Total expenditure".into(),
        "£",
        r.spend.total.clone(),
    );
    push(
        "in_year_deficit".into(),
        "In-year deficit (+) / surplus (−)".into(),
        "£",
        r.in_year_deficit.clone(),
    );
    let d = &r.deficit;
    push(
        "opening_deficit".into(),
        "Opening cumulative deficit".into(),
        "£",
        d.opening.clone(),
    );
    push(
        "payments".into(),
        "Payments towards the deficit".into(),
        "£",
        d.payments.clone(),
    );
    push(
        "write_offs".into(),
        "Write-offs".into(),
        "£",
        d.write_offs.clone(),
    );
    let reductions = d
        .payments
        .iter()
        .zip(&d.write_offs)
        .map(|(p, w)| p + w)
        .collect();
    push(
        "deficit_reductions".into(),
        "Payments and write-offs".into(),
        "£",
        reductions,
    );
    push(
        "closing_deficit".into(),
        "Closing cumulative deficit".into(),
        "£",
        d.closing.clone(),
    );
    push(
        "financing_cost".into(),
        "Cost of carrying the deficit (general fund)".into(),
        "£",
        d.financing_cost.clone(),
    );
    for (c, id) in m.categories.iter().enumerate() {
        push(
            format!("ehcps.{id}"),
            format!("EHCPs: {}", s.category_label(id)),
            "plans",
            col(&r.plans.data, c),
        );
    }
    push(
        "ehcps".into(),
        "EHCPs: total".into(),
        "plans",
        (0..h).map(|t| r.plans.total(t)).collect(),
    );
    for (c, id) in m.categories.iter().enumerate() {
        push(
            format!("unit_cost.{id}"),
            format!("Unit cost: {}", s.category_label(id)),
            "£ per plan",
            col(&r.spend.unit_cost, c),
        );
    }
    push(
        "schools_block".into(),
        "Schools block".into(),
        "£",
        i.schools_block.clone(),
    );
    let metrics = metrics(
        &years,
        &r.in_year_deficit,
        &d.closing,
        &d.financing_cost,
        m.override_end,
        m.reserves,
    );
    Projection {
        scenario: s.meta.name.clone(),
        years,
        lines,
        metrics,
        unmitigated: None,
    }
}
