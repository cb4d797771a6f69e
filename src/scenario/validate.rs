//! Every rule a scenario must satisfy, checked together so all problems are reported at once.

use crate::error::Issue;
use crate::scenario::schedule::{MAX_MONEY, check_year, non_negative_money};
use crate::scenario::year::FinancialYear;
use crate::scenario::{Effect, Scenario};
use indexmap::IndexMap;

/// Largest block transfer accepted, as a share of the schools block.
pub const MAX_BLOCK_TRANSFER: f64 = 0.02;
/// Longest projection accepted, in years.
pub const MAX_HORIZON: i64 = 50;

/// All problems with `s`; empty when the scenario can be projected.
pub fn validate(s: &Scenario) -> Vec<Issue> {
    let mut v = Vec::new();
    let base = match FinancialYear::parse(&s.meta.base_year) {
        Some(b) => b,
        None => {
            v.push(
                Issue::new(
                    "meta.base_year",
                    "not a financial year; write it like \"2024-25\"",
                )
                .with_value(format!("{:?}", s.meta.base_year)),
            );
            // Every year in the file is checked against the base year, so without one the
            // other year checks would only mislead.
            return v;
        }
    };
    if s.meta.name.trim().is_empty() {
        v.push(Issue::new(
            "meta.name",
            "must not be empty; give the plan a name",
        ));
    }
    if !(1..=MAX_HORIZON).contains(&s.meta.horizon) {
        v.push(
            Issue::new(
                "meta.horizon",
                format!("expected a number of years from 1 to {MAX_HORIZON}"),
            )
            .with_value(s.meta.horizon),
        );
    }
    let h = s.horizon().max(1);
    let cats = s.categories();

    // Funding.
    let f = &s.funding;
    money(&mut v, "funding.hnb", f.hnb);
    money(&mut v, "funding.schools_block", f.schools_block);
    f.hnb_growth
        .validate_growth("funding.hnb_growth", base, h, growth_rule, &mut v);
    f.schools_block_growth.validate_growth(
        "funding.schools_block_growth",
        base,
        h,
        growth_rule,
        &mut v,
    );
    f.block_transfer
        .validate("funding.block_transfer", base, h, transfer_rule, &mut v);
    if f.schools_block == 0.0 && f.block_transfer.resolve(base, h).iter().any(|x| *x > 0.0) {
        v.push(Issue::new(
            "funding.schools_block",
            "is 0 but a block transfer is set; give the schools block (£) the transfer is a share of",
        ));
    }
    f.other_income
        .validate("funding.other_income", base, h, &mut v);

    // Deficit.
    let d = &s.deficit;
    if !d.opening.is_finite() {
        v.push(
            Issue::new("deficit.opening", "must be a finite amount in pounds")
                .with_number(d.opening),
        );
    } else if d.opening.abs() > MAX_MONEY {
        v.push(
            Issue::new(
                "deficit.opening",
                "beyond ±£1 trillion is not a plausible deficit; money is in pounds, expected -1e12 to 1e12 (negative for a surplus)",
            )
            .with_number(d.opening),
        );
    }
    d.payments.validate("deficit.payments", base, h, &mut v);
    for (i, w) in d.write_offs.iter().enumerate() {
        let p = format!("deficit.write_offs[{i}]");
        check_year(&format!("{p}.year"), &w.year, base, h, &mut v);
        match (w.amount, w.share) {
            (Some(a), None) => money(&mut v, &format!("{p}.amount"), a),
            (None, Some(sh)) => fraction(&mut v, &format!("{p}.share"), sh),
            _ => v.push(Issue::new(
                p,
                "give exactly one of `amount` (£) or `share` (of the deficit at the end of the year, 0 to 1)",
            )),
        }
    }

    // Demand.
    let dm = &s.demand;
    if cats.is_empty() {
        v.push(Issue::new(
            "demand.base_plans",
            "must list at least one placement category",
        ));
    }
    for (c, n) in &dm.base_plans {
        count(&mut v, &format!("demand.base_plans.{c}"), *n);
    }
    let total: f64 = dm.base_plans.values().filter(|x| x.is_finite()).sum();
    if !cats.is_empty() && total <= 0.0 {
        v.push(Issue::new("demand.base_plans", "total plans must be above 0").with_value(total));
    }
    dm.growth
        .validate_growth("demand.growth", base, h, growth_rule, &mut v);
    for k in dm.labels.keys() {
        known(&mut v, &format!("demand.labels.{k}"), k, &cats);
    }
    let mut last_mix = base;
    for (i, m) in dm.mix.iter().enumerate() {
        let p = format!("demand.mix[{i}]");
        if let Some(y) = check_year(&format!("{p}.year"), &m.year, base, h, &mut v) {
            if y <= last_mix {
                v.push(
                    Issue::new(
                        format!("{p}.year"),
                        format!("targets must come after the base year and after the previous target ({last_mix})"),
                    )
                    .with_value(&m.year),
                );
            }
            last_mix = y;
        }
        shares(&mut v, &format!("{p}.shares"), &m.shares, &cats, &m.year);
    }

    // Capacity.
    for (c, cap) in &s.capacity {
        let p = format!("capacity.{c}");
        known(&mut v, &p, c, &cats);
        cap.places
            .validate(&format!("{p}.places"), base, h, count_rule, &mut v);
        if cap.overflow == *c {
            v.push(
                Issue::new(
                    format!("{p}.overflow"),
                    "must be a different category from the one that is full",
                )
                .with_value(&cap.overflow),
            );
        } else {
            known(&mut v, &format!("{p}.overflow"), &cap.overflow, &cats);
        }
    }

    // An overflow chain must end in a category without a limit, or plans have nowhere to go.
    for start in s.capacity.keys() {
        let mut seen = vec![start.as_str()];
        let mut at = start.as_str();
        while let Some(cap) = s.capacity.get(at) {
            at = cap.overflow.as_str();
            if at == start {
                v.push(
                    Issue::new(
                        format!("capacity.{start}.overflow"),
                        "the overflow chain comes back to this category; the last category in a chain must have no places limit",
                    )
                    .with_value(seen.join(" -> ") + " -> " + start),
                );
                break;
            }
            if seen.contains(&at) {
                break;
            }
            seen.push(at);
        }
    }

    // Cost.
    let cost = &s.cost;
    for c in &cats {
        match cost.unit_cost.get(c) {
            Some(u) => money(&mut v, &format!("cost.unit_cost.{c}"), *u),
            None => v.push(Issue::new(
                format!("cost.unit_cost.{c}"),
                "missing; every category in demand.base_plans needs a unit cost (£ per plan a year)",
            )),
        }
    }
    for c in cost.unit_cost.keys() {
        known(&mut v, &format!("cost.unit_cost.{c}"), c, &cats);
    }
    cost.inflation
        .validate_growth("cost.inflation", base, h, growth_rule, &mut v);
    for (c, sch) in &cost.inflation_by_category {
        let p = format!("cost.inflation_by_category.{c}");
        known(&mut v, &p, c, &cats);
        sch.validate_growth(&p, base, h, growth_rule, &mut v);
    }
    for (n, line) in &cost.non_plan {
        money(&mut v, &format!("cost.non_plan.{n}.base"), line.base);
        line.growth.validate_growth(
            &format!("cost.non_plan.{n}.growth"),
            base,
            h,
            growth_rule,
            &mut v,
        );
    }

    // Mitigations.
    let mut names: Vec<&str> = Vec::new();
    for (i, m) in s.mitigations.iter().enumerate() {
        let p = format!("mitigations[{i}]");
        if m.name.trim().is_empty() {
            v.push(Issue::new(format!("{p}.name"), "must not be empty"));
        } else if names.contains(&m.name.as_str()) {
            v.push(
                Issue::new(
                    format!("{p}.name"),
                    "another mitigation has this name; names must be unique",
                )
                .with_value(&m.name),
            );
        }
        names.push(&m.name);
        // A start before the base year is allowed (a rolled-forward plan keeps its
        // mitigations' calendar years), up to the longest horizon before it.
        let start = match FinancialYear::parse(&m.start) {
            Some(y) if y < base && y >= base.plus(-(MAX_HORIZON as i32)) => Some(y),
            _ => check_year(&format!("{p}.start"), &m.start, base, h, &mut v),
        };
        if m.carried != 0.0 {
            let growth_shift = matches!(
                m.effect,
                Effect::MovePlans { .. } | Effect::CeasePlans { .. }
            ) && s.demand.model == crate::scenario::cohort::DemandKind::Growth;
            if !growth_shift {
                v.push(Issue::new(format!("{p}.carried"), "only a move_plans or cease_plans mitigation of the growth model carries plans from before the base year; remove it").with_number(m.carried));
            } else {
                count(&mut v, &format!("{p}.carried"), m.carried);
            }
        }
        if !(1..=MAX_HORIZON).contains(&m.ramp_years) {
            v.push(
                Issue::new(
                    format!("{p}.ramp_years"),
                    format!("expected 1 to {MAX_HORIZON} years"),
                )
                .with_value(m.ramp_years),
            );
        }
        let e = format!("{p}.effect.{}", m.effect.kind());
        match &m.effect {
            Effect::ReduceGrowth { points } => {
                if !points.is_finite() || points.abs() > 1.0 {
                    v.push(Issue::new(format!("{e}.points"), "expected percentage points as a fraction from -1 to 1 (0.02 = 2 points)").with_value(points));
                }
            }
            Effect::MovePlans { from, to, per_year } => {
                known(&mut v, &format!("{e}.from"), from, &cats);
                known(&mut v, &format!("{e}.to"), to, &cats);
                if from == to {
                    v.push(Issue::new(format!("{e}.to"), "must differ from `from`").with_value(to));
                }
                count(&mut v, &format!("{e}.per_year"), *per_year);
            }
            Effect::CeasePlans { per_year, category } => {
                count(&mut v, &format!("{e}.per_year"), *per_year);
                if let Some(c) = category {
                    known(&mut v, &format!("{e}.category"), c, &cats);
                }
            }
            Effect::UnitCost { category, change } => {
                known(&mut v, &format!("{e}.category"), category, &cats);
                if let Some(msg) = growth_rule(*change) {
                    v.push(Issue::new(format!("{e}.change"), msg).with_value(change));
                }
            }
            Effect::Invest { amounts } => {
                amounts.validate(&format!("{e}.amounts"), base, h, &mut v);
                fixed_amounts_rules(&mut v, &p, &e, m.ramp_years, start, &amounts.0);
            }
            // A negative saving is headroom (dsg.required_savings writes one).
            Effect::Save { amounts } => {
                amounts.validate_signed(&format!("{e}.amounts"), base, h, &mut v);
                fixed_amounts_rules(&mut v, &p, &e, m.ramp_years, start, &amounts.0);
            }
            // Checked with the cohort inputs they act on (validate_cohort).
            Effect::ReduceNewPlans { .. } | Effect::CeaseAtAge { .. } => {}
        }
    }

    // Financing.
    let fin = &s.financing;
    if !fin.interest_rate.is_finite() || !(0.0..=0.25).contains(&fin.interest_rate) {
        v.push(
            Issue::new(
                "financing.interest_rate",
                "expected an annual rate from 0 to 0.25",
            )
            .with_value(fin.interest_rate),
        );
    }
    if let Some(r) = fin.reserves {
        money(&mut v, "financing.reserves", r);
    }
    if override_end_year(&fin.override_end).is_none() {
        v.push(
            Issue::new(
                "financing.override_end",
                "expected a 31 March date like \"2028-03-31\"",
            )
            .with_value(format!("{:?}", fin.override_end)),
        );
    }

    s.actuals.validate(base, h, &cats, &mut v);

    // Source notes must name real fields, so a typo does not silently detach a note.
    let tree = serde_json::to_value(s).unwrap_or_default();
    for key in s.sources.keys() {
        if !path_exists(&tree, key) {
            v.push(Issue::new(format!("sources.{key:?}"), "names no field of this scenario; use a dotted path like \"funding.hnb_growth\" or \"mitigations.<name>\""));
        }
    }

    super::validate_cohort::validate_cohort(s, &mut v);
    super::validate_uncertainty::validate_uncertainty(s, &mut v);
    v
}

/// The rules of an `invest` or `save` mitigation, whose amounts are spent or saved exactly as
/// given, year by year: `start` and `ramp_years` cannot phase them, so a ramp other than 1
/// and an amount in a year before the start (which the start would not stop) are errors
/// rather than settings silently ignored. `p` is the mitigation's path, `e` its effect's.
fn fixed_amounts_rules(
    v: &mut Vec<Issue>,
    p: &str,
    e: &str,
    ramp_years: i64,
    start: Option<FinancialYear>,
    amounts: &IndexMap<String, f64>,
) {
    if ramp_years != 1 && (1..=MAX_HORIZON).contains(&ramp_years) {
        v.push(
            Issue::new(
                format!("{p}.ramp_years"),
                "has no effect on an invest or save mitigation: its amounts are used exactly as given, year by year; phase the amounts themselves and remove ramp_years (or set it to 1)",
            )
            .with_value(ramp_years),
        );
    }
    let Some(start) = start else { return };
    for (label, x) in amounts {
        if FinancialYear::parse(label).is_some_and(|y| y < start) {
            v.push(
                Issue::new(
                    format!("{e}.amounts"),
                    format!("is before the mitigation's start {start}; invest and save amounts are used exactly as given whatever the start, so start the mitigation no later than its first amount, or move the amount"),
                )
                .in_year(label.clone())
                .with_number(*x),
            );
        }
    }
}

/// The financial year that ends on the override date ("2028-03-31" → 2027-28).
pub fn override_end_year(date: &str) -> Option<FinancialYear> {
    let y: i32 = date.strip_suffix("-03-31")?.parse().ok()?;
    (1900..=2200).contains(&y).then_some(FinancialYear(y - 1))
}

/// True when the dotted `path` names a field of the scenario `tree` (its JSON form).
pub(crate) fn path_exists(tree: &serde_json::Value, path: &str) -> bool {
    let mut parts = path.split('.');
    let mut node = tree;
    while let Some(part) = parts.next() {
        if part == "mitigations" {
            let rest: Vec<&str> = parts.collect();
            let name = rest.join(".");
            return node["mitigations"]
                .as_array()
                .is_some_and(|a| a.iter().any(|m| m["name"] == name.as_str()));
        }
        match node.get(part) {
            Some(n) => node = n,
            None => return false,
        }
    }
    true
}

fn growth_rule(x: f64) -> Option<String> {
    if !x.is_finite() {
        Some("must be a finite rate".into())
    } else if x <= -1.0 {
        Some("a fall of 100% or more is not possible; expected a rate above -1 (0.03 = 3%)".into())
    } else if x > 1.0 {
        Some(
            "above 100% a year is not plausible; expected a rate from above -1 to 1 (0.03 = 3%)"
                .into(),
        )
    } else {
        None
    }
}

fn transfer_rule(x: f64) -> Option<String> {
    if !x.is_finite() || !(0.0..=MAX_BLOCK_TRANSFER).contains(&x) {
        Some(format!(
            "expected a share of the schools block from 0 to {MAX_BLOCK_TRANSFER} (0.005 = 0.5%); a schools forum can agree up to 0.5%, more needs the Secretary of State's approval"
        ))
    } else {
        None
    }
}

/// Most plans accepted in one category or schedule: ten times England's total (about 640,000
/// in January 2025), so a national run fits and a mistyped number does not.
pub const MAX_PLANS: f64 = 1e7;

fn count_rule(x: f64) -> Option<String> {
    if !x.is_finite() || x < 0.0 {
        Some("expected a number of plans of 0 or more".into())
    } else if x > MAX_PLANS {
        Some("more than 10 million plans is not plausible (England had about 640,000 in January 2025); expected 0 to 1e7".into())
    } else {
        None
    }
}

fn money(v: &mut Vec<Issue>, path: &str, x: f64) {
    if let Some(msg) = non_negative_money(x) {
        v.push(Issue::new(path, msg).with_number(x));
    }
}

fn count(v: &mut Vec<Issue>, path: &str, x: f64) {
    if let Some(msg) = count_rule(x) {
        v.push(Issue::new(path, msg).with_number(x));
    }
}

fn fraction(v: &mut Vec<Issue>, path: &str, x: f64) {
    if !x.is_finite() || !(0.0..=1.0).contains(&x) {
        v.push(Issue::new(path, "expected a share from 0 to 1").with_value(x));
    }
}

pub(super) fn known(v: &mut Vec<Issue>, path: &str, id: &str, cats: &[String]) {
    if !cats.iter().any(|c| c == id) {
        v.push(
            Issue::new(
                path,
                format!(
                    "no such placement category; expected one of {}",
                    cats.join(", ")
                ),
            )
            .with_value(format!("{id:?}")),
        );
    }
}

fn shares(v: &mut Vec<Issue>, path: &str, m: &IndexMap<String, f64>, cats: &[String], year: &str) {
    for c in cats {
        if !m.contains_key(c) {
            v.push(
                Issue::new(
                    format!("{path}.{c}"),
                    "missing; a target mix needs a share for every category",
                )
                .in_year(year),
            );
        }
    }
    for (c, x) in m {
        known(v, &format!("{path}.{c}"), c, cats);
        if !x.is_finite() || !(0.0..=1.0).contains(x) {
            v.push(
                Issue::new(format!("{path}.{c}"), "expected a share from 0 to 1")
                    .in_year(year)
                    .with_value(x),
            );
        }
    }
    let sum: f64 = m.values().sum();
    if (sum - 1.0).abs() > 1e-6 {
        v.push(
            Issue::new(path, "placement shares must sum to 1")
                .in_year(year)
                .with_value(sum),
        );
    }
}
