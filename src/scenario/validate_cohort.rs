//! Checks of the cohort model's inputs (`[demand.cohort]`) and of the mitigation kinds that
//! only the cohort model can run. Every problem names its field, the age where there is one,
//! the value and what is allowed.

use super::Scenario;
use super::cohort::{AGES, CohortInputs, DemandKind};
use super::validate::{MAX_PLANS, known};
use super::{Effect, Issue};
use indexmap::IndexMap;

/// How far a category's stock may be from its `base_plans` entry (plans): rounding only.
const STOCK_TOLERANCE: f64 = 0.5;

/// Every problem with the choice of demand model and the cohort section.
pub fn validate_cohort(s: &Scenario, v: &mut Vec<Issue>) {
    let d = &s.demand;
    match (d.model, &d.cohort) {
        (DemandKind::Growth, Some(_)) => v.push(
            Issue::new(
                "demand.cohort",
                "is given but demand.model is \"growth\", which would ignore it; set demand.model = \"cohort\" or remove the section",
            ),
        ),
        (DemandKind::Cohort, None) => v.push(Issue::new(
            "demand.cohort",
            "missing; demand.model = \"cohort\" needs the stock and flows (see the README's cohort section, or build them with dsg.calibrate)",
        )),
        (DemandKind::Cohort, Some(c)) => inputs(s, c, v),
        (DemandKind::Growth, None) => {}
    }
    if d.model == DemandKind::Cohort && !d.mix.is_empty() {
        v.push(Issue::new(
            "demand.mix",
            "is given but the cohort model places new plans by demand.cohort.new_plan_mix and carries the stock's placements, so it would ignore a target mix; remove demand.mix (or change new_plan_mix)",
        ));
    }
    let cohort_ages = d.cohort.as_ref().map(CohortInputs::n_ages);
    for (i, m) in s.mitigations.iter().enumerate() {
        let e = format!("mitigations[{i}].effect.{}", m.effect.kind());
        let cohort_only = matches!(
            m.effect,
            Effect::ReduceNewPlans { .. } | Effect::CeaseAtAge { .. }
        );
        if cohort_only && d.model != DemandKind::Cohort {
            v.push(Issue::new(
                e.clone(),
                "acts on flows of plans, which only the cohort model has; set demand.model = \"cohort\", or use reduce_growth / cease_plans with the growth model",
            ));
        }
        match &m.effect {
            Effect::ReduceNewPlans { share } => fraction(v, &format!("{e}.share"), *share),
            Effect::CeaseAtAge {
                age,
                share,
                category,
            } => {
                fraction(v, &format!("{e}.share"), *share);
                if let Some(n) = cohort_ages
                    && !(0..n as i64).contains(age)
                {
                    v.push(
                        Issue::new(
                            format!("{e}.age"),
                            format!("expected an age from 0 to {}", n - 1),
                        )
                        .with_value(age),
                    );
                }
                if let Some(c) = category {
                    known(v, &format!("{e}.category"), c, &s.categories());
                }
            }
            _ => {}
        }
    }
}

fn inputs(s: &Scenario, c: &CohortInputs, v: &mut Vec<Issue>) {
    let p = "demand.cohort";
    let cats = s.categories();
    let n = c.n_ages();
    if c.ageing && !(2..=AGES).contains(&n) {
        v.push(
            Issue::new(
                format!("{p}.new_plans"),
                format!("with ageing, every array has one entry per age from 0 to the age plans end at: {AGES} entries for ages 0 to 25 (at least 2)"),
            )
            .with_value(format!("{n} entries")),
        );
        return;
    }
    if n == 0 {
        v.push(Issue::new(
            format!("{p}.new_plans"),
            "is empty; give one entry per age (26 with ageing)",
        ));
        return;
    }
    let len_ok = |v: &mut Vec<Issue>, path: String, xs: &[f64]| {
        if xs.len() != n {
            v.push(
                Issue::new(
                    path,
                    format!("expected {n} entries, one per age, as in {p}.new_plans"),
                )
                .with_value(format!("{} entries", xs.len())),
            );
            false
        } else {
            true
        }
    };
    // Stock: every category, counts that add up to base_plans.
    for cat in &cats {
        if !c.stock.contains_key(cat) {
            v.push(Issue::new(
                format!("{p}.stock.{cat}"),
                "missing; the stock needs plans by age for every category in demand.base_plans",
            ));
        }
    }
    per_category(v, &format!("{p}.stock"), &c.stock, &cats, |v, path, xs| {
        if len_ok(v, path.clone(), xs) {
            each(v, &path, xs, |x| {
                count(x).then_some("expected a number of plans of 0 or more")
            });
        }
    });
    for (cat, xs) in &c.stock {
        if let Some(base) = s.demand.base_plans.get(cat) {
            let total: f64 = xs.iter().sum();
            if total.is_finite() && (total - base).abs() > STOCK_TOLERANCE {
                v.push(
                    Issue::new(
                        format!("{p}.stock.{cat}"),
                        format!("adds up to {total:.1} plans, but demand.base_plans.{cat} is {base}; they describe the same census, so they must agree"),
                    ),
                );
            }
        }
    }
    // New plans and where they go.
    if len_ok(v, format!("{p}.new_plans"), &c.new_plans) {
        each(v, &format!("{p}.new_plans"), &c.new_plans, |x| {
            count(x).then_some("expected a number of new plans a year, 0 or more")
        });
    }
    per_category(
        v,
        &format!("{p}.new_plan_mix"),
        &c.new_plan_mix,
        &cats,
        |v, path, xs| {
            if len_ok(v, path.clone(), xs) {
                each(v, &path, xs, |x| {
                    (!(x.is_finite() && (0.0..=1.0).contains(&x)))
                        .then_some("expected a share from 0 to 1")
                });
            }
        },
    );
    let other = if c.net_other.is_empty() {
        vec![0.0; n]
    } else {
        if len_ok(v, format!("{p}.net_other"), &c.net_other) {
            each(v, &format!("{p}.net_other"), &c.net_other, |x| {
                (!(x.is_finite() && x.abs() <= MAX_PLANS))
                    .then_some("expected a number of plans a year (negative for a net outflow)")
            });
        }
        c.net_other.clone()
    };
    if c.new_plan_mix.values().all(|xs| xs.len() == n) && other.len() == n {
        for a in 0..n {
            let placed = c.new_plans[a] != 0.0 || other[a] != 0.0;
            let sum: f64 = c.new_plan_mix.values().map(|xs| xs[a]).sum();
            if placed && (sum - 1.0).abs() > 1e-6 {
                v.push(
                    Issue::new(
                        format!("{p}.new_plan_mix"),
                        format!("at age {a} the shares add up to {sum:.6}; where new plans or net other change are not zero, the shares must add up to 1"),
                    ),
                );
            }
        }
    }
    // Cessation rates.
    if len_ok(v, format!("{p}.cessation"), &c.cessation) {
        each(v, &format!("{p}.cessation"), &c.cessation, rate);
    }
    per_category(
        v,
        &format!("{p}.cessation_by_category"),
        &c.cessation_by_category,
        &cats,
        |v, path, xs| {
            if len_ok(v, path.clone(), xs) {
                each(v, &path, xs, rate);
            }
        },
    );
    // Transitions at phase changes.
    let mut out_shares: IndexMap<(i64, &str), f64> = IndexMap::new();
    for (i, tr) in c.transitions.iter().enumerate() {
        let tp = format!("{p}.transitions[{i}]");
        let first = if c.ageing { 1 } else { 0 };
        if !(first..n as i64).contains(&tr.age) {
            v.push(
                Issue::new(
                    format!("{tp}.age"),
                    format!(
                        "expected the age children move at, from {first} to {}",
                        n - 1
                    ),
                )
                .with_value(tr.age),
            );
        }
        known(v, &format!("{tp}.from"), &tr.from, &cats);
        known(v, &format!("{tp}.to"), &tr.to, &cats);
        if tr.from == tr.to {
            v.push(Issue::new(format!("{tp}.to"), "must differ from `from`").with_value(&tr.to));
        }
        if !(tr.share.is_finite() && (0.0..=1.0).contains(&tr.share)) {
            v.push(
                Issue::new(format!("{tp}.share"), "expected a share from 0 to 1")
                    .with_value(tr.share),
            );
        } else {
            *out_shares.entry((tr.age, tr.from.as_str())).or_default() += tr.share;
        }
    }
    for ((age, from), total) in out_shares {
        if total > 1.0 + 1e-9 {
            v.push(
                Issue::new(
                    format!("{p}.transitions"),
                    format!("at age {age} the shares moving out of {from} add up to {total}; at most all of them (1) can move"),
                ),
            );
        }
    }
}

/// Check each array of a by-category map: the key is a category, then `check` the values.
fn per_category(
    v: &mut Vec<Issue>,
    path: &str,
    m: &IndexMap<String, Vec<f64>>,
    cats: &[String],
    mut check: impl FnMut(&mut Vec<Issue>, String, &[f64]),
) {
    for (cat, xs) in m {
        let p = format!("{path}.{cat}");
        known(v, &p, cat, cats);
        check(v, p, xs);
    }
}

/// One issue per age whose value `bad` rejects, naming the age.
fn each(v: &mut Vec<Issue>, path: &str, xs: &[f64], bad: impl Fn(f64) -> Option<&'static str>) {
    for (a, x) in xs.iter().enumerate() {
        if let Some(msg) = bad(*x) {
            v.push(Issue::new(format!("{path}[{a}]"), format!("age {a}: {msg}")).with_number(*x));
        }
    }
}

fn count(x: f64) -> bool {
    !(x.is_finite() && (0.0..=MAX_PLANS).contains(&x))
}

fn rate(x: f64) -> Option<&'static str> {
    (!(x.is_finite() && (0.0..=1.0).contains(&x)))
        .then_some("expected a share of the plans at that age from 0 to 1")
}

fn fraction(v: &mut Vec<Issue>, path: &str, x: f64) {
    if !x.is_finite() || !(0.0..=1.0).contains(&x) {
        v.push(Issue::new(path, "expected a share from 0 to 1").with_number(x));
    }
}
