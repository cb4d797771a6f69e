//! The projection: income, spend, the deficit corkscrew and metrics for every year, with each
//! mitigation's effect and the unmitigated path beside the plan.

use crate::engine::cost::{Spend, expenditure_into};
use crate::engine::deficit::{DeficitPath, corkscrew_into};
use crate::engine::demand::{DemandModel, PlanTable, Shortfall, model_for};
use crate::engine::funding::{Income, income_into};
use crate::engine::metrics::{Metrics, metrics};
use crate::engine::model::{Lever, Model};
use crate::engine::notes::{input_notes, payment_notes};
use crate::scenario::Scenario;
use crate::scenario::cohort::AGE_GROUPS;
use std::borrow::Cow;

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
    /// Where a mitigation asked to move or cease more plans than a category held, as
    /// (mitigation index, year index, plans short); the move was capped at what there was.
    /// Always empty for a validated scenario; what-ifs that change the model can trigger it.
    pub shortfalls: Vec<Shortfall>,
}

/// Run `m` with the default growth-rate demand model.
pub fn run(m: &Model) -> Run {
    run_with(m, model_for(m))
}

/// Run `m` with any demand model.
pub fn run_with(m: &Model, demand: &dyn DemandModel) -> Run {
    let mut r = Run::default();
    run_into(m, demand, &mut r);
    r
}

/// Run `m` into `out`, reusing its buffers: repeated runs (mitigation effects, goal seeks,
/// simulations) then allocate nothing.
pub fn run_into(m: &Model, demand: &dyn DemandModel, out: &mut Run) {
    out.shortfalls = demand.project(m, &mut out.plans);
    income_into(m, &mut out.income);
    expenditure_into(m, &out.plans, &mut out.spend);
    out.in_year_deficit.clear();
    out.in_year_deficit.extend(
        out.spend
            .total
            .iter()
            .zip(&out.income.total)
            .map(|(s, i)| s - i),
    );
    corkscrew_into(m, &out.in_year_deficit, &mut out.deficit);
}

/// One named yearly series of a projection.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// Machine name, e.g. `closing_deficit`, `spend.independent`, `mitigation_effect.<name>`.
    pub name: Cow<'static, str>,
    /// Display label, e.g. "Closing cumulative deficit".
    pub label: Cow<'static, str>,
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
    /// Plain-English warnings about the plan that are not errors, e.g. a mitigation whose
    /// moved plans a full category sends straight back out.
    pub notes: Vec<String>,
    /// Every actual in the scenario as (line, year label, value), history before the base
    /// year included; the projected years' actuals are also the `actual.<line>` lines.
    pub actuals: Vec<crate::engine::variance::ActualPoint>,
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
    let mut m = Model::new(s);
    let labels: Vec<String> = m.categories.iter().map(|c| s.category_label(c)).collect();
    let r = run(&m);
    let mut notes = input_notes(s);
    notes.extend(payment_notes(&m, &r.deficit));
    notes.extend(net_other_notes(&m, &r));
    if m.mitigations.is_empty() {
        let mut p = named(&s.meta.name, &labels, &m, r);
        p.notes = notes;
        crate::engine::variance::add_actuals(s, &mut p);
        return p;
    }
    // Switching a mitigation off is delivery = 0 and nothing carried from before the base
    // year (a rolled plan's earlier moves and cessations): every lever then adds exactly 0 or
    // multiplies by exactly 1, so this equals projecting the scenario without it.
    let mut without = Run::default();
    let mut effects = Vec::with_capacity(m.mitigations.len());
    for i in 0..m.mitigations.len() {
        let planned = std::mem::replace(&mut m.mitigations[i].delivery, 0.0);
        let carried = std::mem::replace(&mut m.mitigations[i].carried, 0.0);
        // Mitigations act on plans and costs only, never on income, so the change in the
        // in-year deficit is the change in spend: only demand and cost need re-running.
        model_for(&m).project(&m, &mut without.plans);
        expenditure_into(&m, &without.plans, &mut without.spend);
        m.mitigations[i].delivery = planned;
        m.mitigations[i].carried = carried;
        let values: Vec<f64> = without
            .spend
            .total
            .iter()
            .zip(&r.spend.total)
            .map(|(a, b)| a - b)
            .collect();
        let name = &m.mitigations[i].name;
        effects.push(Line {
            name: cat("mitigation_effect.", name),
            label: cat("Mitigation: ", name),
            unit: "£",
            values,
        });
    }
    notes.extend(capacity_notes(&m, &r));
    let mut p = named(&s.meta.name, &labels, &m, r);
    p.lines.append(&mut effects);
    p.notes = notes;
    for mit in &mut m.mitigations {
        mit.delivery = 0.0;
        mit.carried = 0.0;
    }
    run_into(&m, model_for(&m), &mut without);
    // Named as `Scenario::without_mitigations` names it, so the two agree.
    let unmitigated_name = format!("{}{}", s.meta.name, crate::scenario::UNMITIGATED);
    let u = named(&unmitigated_name, &labels, &m, without);
    for (key, label) in [
        ("in_year_deficit", "Unmitigated in-year deficit"),
        ("closing_deficit", "Unmitigated closing deficit"),
    ] {
        let values = u.get(key).map(<[f64]>::to_vec).unwrap_or_default();
        p.lines.push(Line {
            name: cat("unmitigated_", key),
            label: label.into(),
            unit: "£",
            values,
        });
    }
    p.unmitigated = Some(Box::new(u));
    crate::engine::variance::add_actuals(s, &mut p);
    p
}

/// A note for each mitigation that moves plans into a category at its places limit: the
/// overflow rule sends those plans on, so the move may achieve little or nothing.
fn capacity_notes(m: &Model, r: &Run) -> Vec<String> {
    let mut notes = Vec::new();
    let nc = m.n_categories();
    for mit in &m.mitigations {
        let Lever::MovePlans { from, to, .. } = mit.lever else {
            continue;
        };
        let Some((places, overflow)) = &m.capacity[to] else {
            continue;
        };
        let full = (0..m.horizon)
            .find(|&t| mit.phase[t] > 0.0 && r.plans.data[t * nc + to] >= places[t] - 1e-9);
        if let Some(t) = full {
            let back = if *overflow == from {
                " straight back"
            } else {
                ""
            };
            notes.push(format!(
                "{:?} moves plans into {}, which is at its limit of {:.0} places from {}: the moved plans overflow{back} to {}, so the mitigation may achieve little",
                mit.name,
                m.categories[to],
                places[t],
                m.base.plus(t as i32),
                m.categories[*overflow],
            ));
        }
    }
    notes
}

/// A note when the cohort model's net other change met the floor: where an age's outflow
/// (`net_other[a] × mix[a, c]`, negative) is larger than its plans, step 5 floors them at zero
/// (`max(0, ·)`), so the change applied (the flows' `net_other`) is above the change asked
/// (`Σ_a Σ_c net_other[a] × mix[a, c]`, each year after the base year) by the plans that could
/// not be taken away. Noted when that is more than half a plan in a year.
fn net_other_notes(m: &Model, r: &Run) -> Vec<String> {
    let (Some(co), Some(flows)) = (&m.cohort, &r.plans.flows) else {
        return Vec::new();
    };
    let nc = m.n_categories();
    let asked: f64 = co
        .net_other
        .iter()
        .enumerate()
        .map(|(a, o)| {
            co.mix[a * nc..(a + 1) * nc]
                .iter()
                .map(|w| o * w)
                .sum::<f64>()
        })
        .sum();
    let floored: Vec<usize> = (1..m.horizon)
        .filter(|&t| flows.net_other[t] - asked > 0.5)
        .collect();
    let (Some(&first), Some(&last)) = (floored.first(), floored.last()) else {
        return Vec::new();
    };
    let years = if floored.len() == 1 {
        String::new()
    } else {
        format!(
            " (and in {} years in all, from {} to {})",
            floored.len(),
            m.base.plus(first as i32),
            m.base.plus(last as i32)
        )
    };
    vec![format!(
        "Net other change: at some ages the outflow asked was larger than the plans there, so they were floored at zero and less was taken away: the change applied was {:.1} plans in {}, not the {asked:.1} asked{years}. The flows show the change as applied.",
        flows.net_other[first],
        m.base.plus(first as i32),
    )]
}

/// `prefix` followed by `name`, without the cost of the formatting machinery.
fn cat(prefix: &str, name: &str) -> Cow<'static, str> {
    let mut s = String::with_capacity(prefix.len() + name.len());
    s.push_str(prefix);
    s.push_str(name);
    Cow::Owned(s)
}

/// Name every series of a run, in the order a DSG management plan shows them.
fn named(scenario: &str, labels: &[String], m: &Model, r: Run) -> Projection {
    let years = m.year_labels();
    let h = m.horizon;
    let nc = m.n_categories();
    let mut lines = Vec::with_capacity(24 + 3 * nc);
    let mut push = |name: Cow<'static, str>,
                    label: Cow<'static, str>,
                    unit: &'static str,
                    values: Vec<f64>| {
        lines.push(Line {
            name,
            label,
            unit,
            values,
        });
    };
    let col = |data: &[f64], c: usize| (0..h).map(|t| data[t * nc + c]).collect::<Vec<f64>>();
    let Run {
        shortfalls: _,
        plans,
        income: i,
        mut spend,
        in_year_deficit,
        deficit: d,
    } = r;
    push(
        "hnb_funding".into(),
        "High needs block funding".into(),
        "£",
        i.hnb,
    );
    push(
        "block_transfer".into(),
        "Block transfer from schools block".into(),
        "£",
        i.block_transfer,
    );
    push("other_income".into(), "Other income".into(), "£", i.other);
    push("total_income".into(), "Total income".into(), "£", i.total);
    for (c, id) in m.categories.iter().enumerate() {
        push(
            cat("spend.", id),
            cat("Spend: ", &labels[c]),
            "£",
            col(&spend.by_category, c),
        );
    }
    for (k, (name, _, _)) in m.non_plan.iter().enumerate() {
        push(
            cat("non_plan.", name),
            cat("Spend not tied to plans: ", name),
            "£",
            std::mem::take(&mut spend.non_plan[k]),
        );
    }
    push(
        "mitigation_costs".into(),
        "Mitigation investment".into(),
        "£",
        spend.mitigation_costs,
    );
    push(
        "mitigation_savings".into(),
        "Mitigation savings".into(),
        "£",
        spend.mitigation_savings,
    );
    push(
        "total_expenditure".into(),
        "Total expenditure".into(),
        "£",
        spend.total,
    );
    push(
        "in_year_deficit".into(),
        "In-year deficit (+) / surplus (−)".into(),
        "£",
        in_year_deficit.clone(),
    );
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
    // The deficit before payments towards it and write-offs: the opening deficit plus every
    // in-year deficit so far. A plan or an agreement may state its path on either basis.
    let mut gross = Vec::with_capacity(h);
    let mut acc = d.opening.first().copied().unwrap_or(m.opening);
    for x in &in_year_deficit {
        acc += x;
        gross.push(acc);
    }
    push(
        "closing_deficit_gross".into(),
        "Closing cumulative deficit before payments and write-offs".into(),
        "£",
        gross,
    );
    push(
        "financing_cost".into(),
        "Cost of carrying the deficit (general fund)".into(),
        "£",
        d.financing_cost.clone(),
    );
    for (c, id) in m.categories.iter().enumerate() {
        push(
            cat("ehcps.", id),
            cat("EHCPs: ", &labels[c]),
            "plans",
            col(&plans.data, c),
        );
    }
    push(
        "ehcps".into(),
        "EHCPs: total".into(),
        "plans",
        (0..h).map(|t| plans.total(t)).collect(),
    );
    if let Some(f) = &plans.flows {
        // The cohort model's flows and age profile (plans).
        for (name, label, values) in [
            ("new_plans", "New plans made in the year", &f.new),
            ("ceased_plans", "Plans ceased in the year", &f.ceased),
            ("aged_out", "Plans ended at age 25", &f.aged_out),
            (
                "net_other_change",
                "Net other change in plans",
                &f.net_other,
            ),
        ] {
            push(name.into(), label.into(), "plans", values.clone());
        }
        let ng = AGE_GROUPS.len();
        for (g, (group, lo, hi)) in AGE_GROUPS.iter().enumerate() {
            let at = |t: usize, c: usize| f.by_age_group[(t * ng + g) * nc + c];
            push(
                cat("ehcps_age.", group),
                format!("EHCPs aged {lo} to {hi}: total").into(),
                "plans",
                (0..h).map(|t| (0..nc).map(|c| at(t, c)).sum()).collect(),
            );
            for (c, id) in m.categories.iter().enumerate() {
                push(
                    format!("ehcps_age.{group}.{id}").into(),
                    format!("EHCPs aged {lo} to {hi}: {}", labels[c]).into(),
                    "plans",
                    (0..h).map(|t| at(t, c)).collect(),
                );
            }
        }
    }
    for (c, id) in m.categories.iter().enumerate() {
        push(
            cat("unit_cost.", id),
            cat("Unit cost: ", &labels[c]),
            "£ per plan",
            col(&spend.unit_cost, c),
        );
    }
    push(
        "schools_block".into(),
        "Schools block".into(),
        "£",
        i.schools_block,
    );
    let metrics = metrics(
        &years,
        &in_year_deficit,
        &d.closing,
        &d.financing_cost,
        m.override_end,
        m.reserves,
    );
    Projection {
        scenario: scenario.to_string(),
        years,
        lines,
        metrics,
        unmitigated: None,
        notes: Vec::new(),
        actuals: Vec::new(),
    }
}
