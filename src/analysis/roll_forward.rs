//! Roll a plan forward: a new scenario based in a later year of the old plan's projection.
//!
//! The new base year's values come from the scenario's actuals where they are given (the
//! actual closing deficit of the year before becomes the opening deficit, or without one the
//! latest earlier actual closing deficit (else the plan's opening deficit, when actual in-year
//! deficits are given) carried forward by the corkscrew with the actual in-year deficits where
//! given and the plan's otherwise and the plan's payments and write-offs; actual EHCPs for
//! each category given, the others sharing what the actual total leaves by the forecast mix;
//! the actual HNB) and otherwise from the old plan's own projection of that year. Schedules,
//! amounts, write-offs and mitigations keep their calendar years; the last projected year
//! stays unless another is asked for (an earlier one cuts the steps, amounts, write-offs and
//! mitigations after it, and turns a mix target after it into the shares reached by then).
//! Every rolled value gets a source note saying what it was rolled from; actuals the rolled
//! plan cannot hold, and a total that disagrees with the categories, are named in the notes.
//!
//! **Exactness.** With no actuals, or actuals equal to the old plan's forecast, the rolled plan
//! reproduces the old projection of the remaining years (to rounding, about 1e-15 relative):
//! * growth model: the base plans are the old model's plans of the new base year *before*
//!   its mitigations' moves and cessations (underlying total × the glided mix, as the growth
//!   model's base always is), each move or cessation carries the plans it had already moved
//!   or ceased (`carried`), mitigations keep their calendar start (so their ramp continues),
//!   and mix targets after the new base year glide on from the same shares;
//! * cohort model: the stock by age × category at the new base census after that year's
//!   flows and before that year's plan mitigations (which the rolled plan applies in its base
//!   year), and new plans a year scaled by the growth factor reached;
//! * unit costs: the old base cost inflated to the new base year, before mitigation
//!   multipliers (which follow their calendar phase); spend not tied to plans, HNB and the
//!   schools block as projected.
//!
//! `closing_deficit_gross` (before payments and write-offs) counts from the plan's own base
//! year, so a rolled plan's starts again from its opening deficit.
//!
//! Lines that compare the plan with a plan *without* its mitigations (`unmitigated_*`,
//! `mitigation_effect.*`) differ: removing a mitigation from the rolled plan undoes its
//! carried moves but not the growth it cut before the new base year (that is in the base
//! plans). The result's notes say so when it applies, and say how far the new base year's
//! EHCPs are from the actuals when those differ from the forecast.

use crate::engine::deficit::year_step;
use crate::engine::demand::{CohortLevers, CohortState, DemandLevers, DemandState};
use crate::engine::model::{Lever, Model};
use crate::engine::projection::{project, run};
use crate::error::{Issue, ScenarioError};
use crate::scenario::schedule::{Amounts, Schedule};
use crate::scenario::year::FinancialYear;
use crate::scenario::{Effect, Scenario};

/// A rolled-forward scenario and plain-English notes on what was rolled from where and where
/// the new plan cannot reproduce the old one.
#[derive(Debug, Clone, PartialEq)]
pub struct RollForward {
    pub scenario: Scenario,
    pub notes: Vec<String>,
}

fn invalid(path: &str, value: &str, message: String) -> ScenarioError {
    ScenarioError::Invalid(vec![
        Issue::new(path, message).with_value(format!("{value:?}")),
    ])
}

/// Roll `s` forward so that `to` is its base year (see the module documentation).
/// `horizon_end` is the last projected year of the new plan (default: the old plan's).
pub fn roll_forward(
    s: &Scenario,
    to: &str,
    horizon_end: Option<&str>,
) -> Result<RollForward, ScenarioError> {
    let base = s.base_year();
    let h = s.horizon();
    let last = base.plus(h as i32 - 1);
    let new_base = match FinancialYear::parse(to) {
        Some(y) if y > base && y <= last => y,
        _ => {
            return Err(invalid(
                "to",
                to,
                format!(
                    "expected a year after the base year and inside the projection: {} to {last}",
                    base.plus(1)
                ),
            ));
        }
    };
    let end = match horizon_end {
        None => last,
        Some(e) => match FinancialYear::parse(e) {
            Some(y) if y >= new_base && y.0 - new_base.0 < 50 => y,
            _ => {
                return Err(invalid(
                    "horizon_end",
                    e,
                    format!(
                        "expected the last year to project, from {new_base} to {} (at most 50 years)",
                        new_base.plus(49)
                    ),
                ));
            }
        },
    };
    let t0 = (new_base.0 - base.0) as usize;
    let m = Model::new(s);
    let r = run(&m);
    let nc = m.n_categories();
    let mut notes = Vec::new();
    let mut ns = s.clone();
    let from = format!("{:?} (base {base})", s.meta.name);
    let prev = new_base.plus(-1);
    let note = |ns: &mut Scenario, field: &str, text: String| {
        ns.sources.insert(field.to_string(), text);
    };

    // Meta. The name says what the plan now is (once: rolling a rolled plan replaces it).
    let stem = match s.meta.name.rfind(" (rolled forward to ") {
        Some(i) if s.meta.name.ends_with(')') => &s.meta.name[..i],
        _ => s.meta.name.as_str(),
    };
    ns.meta.name = format!("{stem} (rolled forward to {new_base})");
    ns.meta.base_year = new_base.label();
    ns.meta.horizon = (end.0 - new_base.0 + 1) as i64;

    // Funding.
    let actual = |line: &str, y: FinancialYear| s.actuals.get(line, y);
    let (hnb, hnb_note) = match actual("hnb_funding", new_base) {
        Some(a) => (
            a,
            format!(
                "Rolled forward from {from}: actual HNB {new_base} (actuals.hnb_funding{})",
                cite(s, "actuals.hnb_funding")
            ),
        ),
        None => (
            r.income.hnb[t0],
            format!("Rolled forward from {from}: that plan's projected HNB for {new_base}"),
        ),
    };
    ns.funding.hnb = hnb;
    note(&mut ns, "funding.hnb", hnb_note);
    if s.funding.schools_block != 0.0 {
        ns.funding.schools_block = r.income.schools_block[t0];
        note(
            &mut ns,
            "funding.schools_block",
            format!(
                "Rolled forward from {from}: that plan's projected schools block for {new_base}"
            ),
        );
    }
    let f = &mut ns.funding;
    f.hnb_growth = rebase(&f.hnb_growth, base, new_base, end, true);
    f.schools_block_growth = rebase(&f.schools_block_growth, base, new_base, end, true);
    f.block_transfer = rebase(&f.block_transfer, base, new_base, end, false);
    f.other_income = within(&f.other_income, new_base, end);

    // The deficit: the closing deficit of the year before is the opening deficit.
    let (opening, opening_note) = match actual("closing_deficit", prev) {
        Some(a) => (
            a,
            format!(
                "Rolled forward from {from}: actual closing deficit at 31 March {} (actuals.closing_deficit[{prev}]{})",
                new_base.0,
                cite(s, "actuals.closing_deficit")
            ),
        ),
        None => carried_opening(s, &m, &r, base, t0, &from).unwrap_or_else(|| {
            (
                r.deficit.closing[t0 - 1],
                format!(
                    "Rolled forward from {from}: that plan's projected closing deficit for {prev}"
                ),
            )
        }),
    };
    ns.deficit.opening = opening;
    note(&mut ns, "deficit.opening", opening_note);
    ns.deficit.payments = within(&ns.deficit.payments, new_base, end);
    ns.deficit
        .write_offs
        .retain(|w| FinancialYear::parse(&w.year).is_some_and(|y| y >= new_base && y <= end));

    // Demand.
    let forecast = r.plans.year(t0).to_vec();
    let (target, demand_from) = actual_plans(s, new_base, &forecast);
    // An actual far from the forecast is used as given, but said: it may be a typing slip
    // (a count in hundreds, a category's figure in the total's row).
    let (got, planned): (f64, f64) = (target.iter().sum(), forecast.iter().sum());
    if planned > 0.0 && !(0.5..=2.0).contains(&(got / planned)) {
        notes.push(format!(
            "the {new_base} EHCPs used, {got:.0}, are {:.0}% of the {planned:.0} the plan forecast: check the actuals are a whole year's count of plans",
            100.0 * got / planned
        ));
    }
    let cats = m.categories.clone();
    if let (Some(co), Some(inputs)) = (&m.cohort, ns.demand.cohort.as_mut()) {
        let (stock, growth) = cohort_state(&m, t0);
        // Plans before the base year's own mitigations, by category; scaled so that the
        // base year shows the actuals (exactly the forecast when no actual differs).
        let before: Vec<f64> = (0..nc)
            .map(|c| (0..co.n_ages).map(|a| stock[a * nc + c]).sum())
            .collect();
        for (c, id) in cats.iter().enumerate() {
            let k = if target[c] == forecast[c] || before[c] <= 0.0 {
                1.0
            } else {
                ((before[c] + (target[c] - forecast[c])) / before[c]).max(0.0)
            };
            let ages: Vec<f64> = (0..co.n_ages).map(|a| stock[a * nc + c] * k).collect();
            ns.demand.base_plans.insert(id.clone(), ages.iter().sum());
            inputs.stock.insert(id.clone(), ages);
        }
        inputs.new_plans = inputs.new_plans.iter().map(|x| x * growth).collect();
        note(
            &mut ns,
            "demand.cohort.stock",
            format!(
                "Rolled forward from {from}: the cohort model's stock by age at the {new_base} census (January {}), after that year's flows and before its plan mitigations; {demand_from}",
                new_base.0 + 1
            ),
        );
        note(
            &mut ns,
            "demand.cohort.new_plans",
            format!(
                "Rolled forward from {from}: new plans a year × the growth factor {growth:.6} reached by {new_base}"
            ),
        );
    } else {
        let rolled = growth_state(&m, t0);
        for (c, id) in cats.iter().enumerate() {
            // The plans before the mitigations' moves: the old model's (underlying × mix),
            // shifted by how far the actual is from the forecast (0 when they agree).
            let x = rolled.underlying * m.mix[t0 * nc + c] + (target[c] - forecast[c]);
            ns.demand.base_plans.insert(id.clone(), x.max(0.0));
        }
        for (i, carried) in rolled.carried {
            ns.mitigations[i].carried = carried;
        }
        ns.demand
            .mix
            .retain(|t| FinancialYear::parse(&t.year).is_some_and(|y| y > new_base));
        // Targets after a shorter horizon's end: the shares the old plan's glide reached by
        // the end become the last target (the same straight line up to it).
        let after =
            |t: &crate::scenario::MixTarget| FinancialYear::parse(&t.year).is_some_and(|y| y > end);
        if end > new_base && ns.demand.mix.iter().any(after) {
            ns.demand.mix.retain(|t| !after(t));
            if !ns.demand.mix.iter().any(|t| t.year == end.label()) {
                let te = (end.0 - base.0) as usize;
                ns.demand.mix.push(crate::scenario::MixTarget {
                    year: end.label(),
                    shares: cats
                        .iter()
                        .enumerate()
                        .map(|(c, id)| (id.clone(), m.mix[te * nc + c]))
                        .collect(),
                });
            }
        } else if end == new_base {
            ns.demand.mix.clear();
        }
        note(
            &mut ns,
            "demand.base_plans",
            format!(
                "Rolled forward from {from}: plans at the {new_base} census (January {}) before the mitigations' moves and cessations (the growth model's base; each mitigation's `carried` holds what it had moved or ceased before {new_base}); {demand_from}",
                new_base.0 + 1
            ),
        );
    }
    ns.demand.growth = rebase(&ns.demand.growth, base, new_base, end, true);
    for cap in ns.capacity.values_mut() {
        cap.places = rebase(&cap.places, base, new_base, end, false);
    }

    // Cost: unit costs inflated to the new base year, before mitigation multipliers.
    for (c, id) in cats.iter().enumerate() {
        let mut u = m.unit_cost_base[c];
        for t in 1..=t0 {
            u *= 1.0 + m.inflation[t * nc + c];
        }
        ns.cost.unit_cost.insert(id.clone(), u);
    }
    note(
        &mut ns,
        "cost.unit_cost",
        format!(
            "Rolled forward from {from}: base-year unit costs inflated to {new_base} by that plan's inflation (before mitigations, which keep their calendar years)"
        ),
    );
    ns.cost.inflation = rebase(&ns.cost.inflation, base, new_base, end, true);
    for sch in ns.cost.inflation_by_category.values_mut() {
        *sch = rebase(sch, base, new_base, end, true);
    }
    for (k, (name, line)) in ns.cost.non_plan.iter_mut().enumerate() {
        line.base = r.spend.non_plan[k][t0];
        line.growth = rebase(&line.growth, base, new_base, end, true);
        ns.sources.insert(
            format!("cost.non_plan.{name}"),
            format!("Rolled forward from {from}: that plan's projected spend for {new_base}"),
        );
    }

    // Mitigations keep their calendar years; amounts before the new base year are spent.
    let mut past_growth_cut = Vec::new();
    for mit in &mut ns.mitigations {
        match &mut mit.effect {
            Effect::Invest { amounts } | Effect::Save { amounts } => {
                *amounts = within(amounts, new_base, end);
            }
            Effect::ReduceGrowth { .. } | Effect::ReduceNewPlans { .. }
                if FinancialYear::parse(&mit.start).is_some_and(|y| y < new_base) =>
            {
                past_growth_cut.push(mit.name.clone());
            }
            _ => {}
        }
    }
    // Mitigations that start after a shorter horizon's end do nothing inside it.
    let late: Vec<String> = ns
        .mitigations
        .iter()
        .filter(|m| FinancialYear::parse(&m.start).is_some_and(|y| y > end))
        .map(|m| m.name.clone())
        .collect();
    if !late.is_empty() {
        ns.mitigations.retain(|m| !late.contains(&m.name));
        if let Some(u) = ns.uncertainty.as_mut() {
            u.delivery.retain(|n, _| !late.contains(n));
        }
        for n in &late {
            ns.sources.shift_remove(&format!("mitigations.{n}"));
        }
        notes.push(format!(
            "{} start after {end}, the rolled plan's last year, so they are left out",
            late.iter()
                .map(|n| format!("{n:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    // Actuals further back than the new scenario may hold are dropped.
    let first = new_base.plus(-crate::scenario::actuals::MAX_YEARS_BEFORE);
    let keep = |k: &String| FinancialYear::parse(k).is_some_and(|y| y >= first && y <= end);
    let a = &mut ns.actuals;
    // (field, year) of each actual dropped, for the notes.
    let mut dropped: Vec<String> = Vec::new();
    let mut trim = |field: &str, t: &mut indexmap::IndexMap<String, f64>| {
        t.retain(|k, _| {
            let kept = keep(k);
            if !kept {
                dropped.push(format!("{field}[{k}]"));
            }
            kept
        });
    };
    for (field, t) in [
        ("closing_deficit", &mut a.closing_deficit),
        ("in_year_deficit", &mut a.in_year_deficit),
        ("total_income", &mut a.total_income),
        ("total_expenditure", &mut a.total_expenditure),
        ("hnb_funding", &mut a.hnb_funding),
        ("ehcps", &mut a.ehcps),
    ] {
        trim(field, t);
    }
    for (c, t) in a.ehcps_by_category.iter_mut() {
        trim(&format!("ehcps.{c}"), t);
    }
    a.ehcps_by_category.retain(|_, t| !t.is_empty());
    if !dropped.is_empty() {
        notes.push(format!(
            "actuals outside {first} to {end}, the years the rolled plan can hold, were left out: {}",
            dropped.join(", ")
        ));
    }

    let stamp = format!("Rolled forward from base year {base} to {new_base} (last year {end}).");
    ns.meta.notes = if ns.meta.notes.is_empty() {
        stamp
    } else {
        format!("{}\n{stamp}", ns.meta.notes)
    };
    // Notes on fields that no longer exist (an amounts table now empty) are dropped.
    let tree = serde_json::to_value(&ns).unwrap_or_default();
    ns.sources
        .retain(|k, _| crate::scenario::validate::path_exists(&tree, k));

    let ns = ns.validated().and_then(crate::engine::runnable)?;
    if !past_growth_cut.is_empty() {
        notes.push(format!(
            "{} began before {new_base}: the growth they cut before then is in the rolled base plans, so the rolled plan's unmitigated and mitigation-effect lines leave it in (the plan's own lines are unchanged)",
            past_growth_cut.iter().map(|n| format!("{n:?}")).collect::<Vec<_>>().join(", ")
        ));
    }
    let p = project(&ns);
    let got: Vec<f64> = (0..nc)
        .map(|c| p.get(&format!("ehcps.{}", cats[c])).map_or(0.0, |v| v[0]))
        .collect();
    let off: f64 = got.iter().zip(&target).map(|(g, t)| (g - t).abs()).sum();
    if off > 0.5 {
        notes.push(format!(
            "the rolled plan's {new_base} EHCPs differ from the actuals by {off:.0} plans in all: the mitigations' pro-rata cessations and capacity limits act on the plans as the old plan modelled them; set demand.base_plans by hand to pin them"
        ));
    }
    notes.push(demand_from);
    // The notes travel with the plan, in its free-text notes.
    let mut ns = ns;
    for n in &notes {
        ns.meta.notes.push_str("\nRoll-forward note: ");
        ns.meta.notes.push_str(n);
    }
    Ok(RollForward {
        scenario: ns,
        notes,
    })
}

/// The opening deficit of base year `base + t0` when there is no actual closing deficit for
/// the year before it but some other actual bears on it, and its source note: from the latest actual closing deficit of an earlier year (the plan's
/// base year or after, or the year before the base year), else the plan's own opening
/// deficit, carried forward by the corkscrew with each year's actual in-year deficit where
/// given, else the plan's, and the plan's payments and write-offs (`from` names the plan in
/// the note). `None` when no actual
/// closing or in-year deficit falls in those years (the plan's own projection then stands).
fn carried_opening(
    s: &Scenario,
    m: &Model,
    r: &crate::engine::projection::Run,
    base: FinancialYear,
    t0: usize,
    from: &str,
) -> Option<(f64, String)> {
    let actual = |line: &str, y: FinancialYear| s.actuals.get(line, y);
    let new_base = base.plus(t0 as i32);
    // The year whose closing deficit starts the carry: the latest with an actual.
    let anchor = (base.0 - 1..new_base.0 - 1)
        .rev()
        .map(FinancialYear)
        .find_map(|y| actual("closing_deficit", y).map(|a| (y, a)));
    let (from_year, start) = anchor.unwrap_or((base.plus(-1), m.opening));
    let first = (from_year.0 - base.0 + 1) as usize;
    let own: Vec<String> = (first..t0)
        .map(|t| base.plus(t as i32))
        .filter(|y| actual("in_year_deficit", *y).is_some())
        .map(|y| y.label())
        .collect();
    if anchor.is_none() && own.is_empty() {
        return None;
    }
    let mut balance = start;
    for t in first..t0 {
        let in_year =
            actual("in_year_deficit", base.plus(t as i32)).unwrap_or(r.in_year_deficit[t]);
        balance = year_step(m, t, balance, in_year).2;
    }
    let in_years = match own.len() {
        0 => "that plan's in-year deficits".to_string(),
        n if n == t0 - first => format!("actual in-year deficits for {}", own.join(", ")),
        _ => format!(
            "actual in-year deficits for {} and that plan's for the other years",
            own.join(", ")
        ),
    };
    let start_text = match anchor {
        Some((y, _)) => format!(
            "actual closing deficit at 31 March {} (actuals.closing_deficit[{y}]{})",
            y.0 + 1,
            cite(s, "actuals.closing_deficit")
        ),
        None => format!("that plan's opening deficit at 1 April {}", base.0),
    };
    Some((
        balance,
        format!(
            "Rolled forward from {from}: {start_text}, carried to 31 March {} with {in_years} and its payments and write-offs (no actual closing deficit for {})",
            new_base.0,
            new_base.plus(-1),
        ),
    ))
}

/// `" (source: …)"` when the scenario has a note for `field`.
fn cite(s: &Scenario, field: &str) -> String {
    s.sources
        .get(field)
        .map_or_else(String::new, |n| format!("; source: {n}"))
}

/// The plans by category the new base year should show, and a sentence saying where they
/// come from: actual EHCPs for each category given; the categories without one share what the
/// actual total leaves (by the forecast mix) when a total is given and covers the given ones,
/// else keep the forecast. Every actual given is used or the sentence says why not.
fn actual_plans(s: &Scenario, y: FinancialYear, forecast: &[f64]) -> (Vec<f64>, String) {
    let cats = s.categories();
    let given: Vec<Option<f64>> = cats
        .iter()
        .map(|c| s.actuals.get(&format!("ehcps.{c}"), y))
        .collect();
    let n_given = given.iter().flatten().count();
    let sum_given: f64 = given.iter().flatten().sum();
    let total = s.actuals.get("ehcps", y);
    if n_given == cats.len() {
        let v: Vec<f64> = given.into_iter().flatten().collect();
        let mut why = format!("EHCPs by category from the actuals for {y}");
        if let Some(a) = total
            && (a - sum_given).abs() > 0.5
        {
            why.push_str(&format!(
                " (they sum to {sum_given:.0}; the actual total given, {a:.0}, was not used)"
            ));
        }
        return (v, why);
    }
    let missing: Vec<usize> = (0..cats.len()).filter(|&c| given[c].is_none()).collect();
    let rest_forecast: f64 = missing.iter().map(|&c| forecast[c]).sum();
    // What the categories without an actual get, and how that was worked out.
    let (rest, how) = match total {
        Some(a) if a >= sum_given && rest_forecast > 0.0 => (
            a - sum_given,
            if n_given == 0 {
                format!(
                    "EHCPs from the actual total for {y} ({a:.0}), split by the plan's forecast mix"
                )
            } else {
                format!("the actual total ({a:.0}) less those, split by the plan's forecast mix")
            },
        ),
        Some(a) => (
            rest_forecast,
            format!(
                "as the plan forecast them (the actual total, {a:.0}, {})",
                if a < sum_given {
                    format!("is below the {sum_given:.0} given by category, so it was not used")
                } else {
                    "could not be split: the plan forecast none of them".to_string()
                }
            ),
        ),
        None if n_given == 0 => (
            rest_forecast,
            format!("EHCPs as the plan forecast them for {y} (no actual EHCPs given)"),
        ),
        None => (rest_forecast, "as the plan forecast them".to_string()),
    };
    let scale = if rest_forecast > 0.0 {
        rest / rest_forecast
    } else {
        0.0
    };
    let v: Vec<f64> = (0..cats.len())
        .map(|c| given[c].unwrap_or(forecast[c] * scale))
        .collect();
    if n_given == 0 {
        return (v, how);
    }
    let names = |ix: &[usize]| {
        ix.iter()
            .map(|&c| cats[c].as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let had: Vec<usize> = (0..cats.len()).filter(|&c| given[c].is_some()).collect();
    (
        v,
        format!(
            "EHCPs by category from the actuals for {y} for {} of {} categories ({}); the others ({}) {how}",
            n_given,
            cats.len(),
            names(&had),
            names(&missing),
        ),
    )
}

/// The growth model's state carried into year index `t0`.
struct GrowthRolled {
    /// Underlying total `U[t0]` (after growth cuts, before cessations and moves).
    underlying: f64,
    /// (mitigation index, plans moved or ceased before year `t0`).
    carried: Vec<(usize, f64)>,
}

fn growth_state(m: &Model, t0: usize) -> GrowthRolled {
    let levers = DemandLevers::new(m);
    let delivery: Vec<[f64; 1]> = m.mitigations.iter().map(|x| [x.delivery]).collect();
    let mut state = DemandState::<1>::default();
    levers.start(m, &mut state);
    let mut row = vec![[0.0]; m.n_categories()];
    for t in 0..t0 {
        levers.step(
            m,
            t,
            [m.plan_growth[t]],
            &delivery,
            &mut state,
            &mut row,
            |_, _, _| {},
        );
    }
    let (_, _, mut carried) = levers.carried(&state, 0);
    // Pro-rata cessations are one running total in the model; carry each mitigation's own.
    for (i, mit) in m.mitigations.iter().enumerate() {
        if let Lever::CeasePlans {
            per_year,
            category: None,
        } = mit.lever
        {
            let mut c = mit.carried;
            for t in 0..t0 {
                c += per_year * mit.phase[t] * mit.delivery;
            }
            carried.push((i, c));
        }
    }
    levers.step(
        m,
        t0,
        [m.plan_growth[t0]],
        &delivery,
        &mut state,
        &mut row,
        |_, _, _| {},
    );
    let (underlying, _, _) = levers.carried(&state, 0);
    GrowthRolled {
        underlying,
        carried,
    }
}

/// The cohort model's stock at year index `t0` after that year's flows and before its plan
/// mitigations (`[a * nc + c]`), and the new-plan growth factor `G[t0]`.
fn cohort_state(m: &Model, t0: usize) -> (Vec<f64>, f64) {
    let mut m = m.clone();
    for mit in &mut m.mitigations {
        if matches!(
            mit.lever,
            Lever::CeasePlans { .. } | Lever::MovePlans { .. }
        ) {
            mit.phase[t0] = 0.0;
        }
    }
    let levers = CohortLevers::new(&m);
    let delivery: Vec<[f64; 1]> = m.mitigations.iter().map(|x| [x.delivery]).collect();
    let mut state = CohortState::<1>::default();
    levers.start(&m, &mut state);
    let mut row = vec![[0.0]; m.n_categories()];
    for t in 0..=t0 {
        levers.step(
            &m,
            t,
            [m.plan_growth[t]],
            [1.0],
            &delivery,
            &mut state,
            &mut row,
            |_, _, _| {},
        );
    }
    let (n, nc) = (m.cohort.as_ref().map_or(0, |c| c.n_ages), m.n_categories());
    let stock = (0..n * nc)
        .map(|k| state.plans(k / nc, k % nc)[0])
        .collect();
    (stock, state.growth[0])
}

/// A schedule written from `new` to `end`, with the same value in every calendar year: the
/// value in effect in `new`, then every later step up to `end`. A growth schedule with a step in the year after
/// `new` starts there (growth into the base year is never used).
pub fn rebase(
    sch: &Schedule,
    old: FinancialYear,
    new: FinancialYear,
    end: FinancialYear,
    growth: bool,
) -> Schedule {
    match sch {
        Schedule::Constant(v) => Schedule::Constant(*v),
        Schedule::Steps(map) => {
            let t = (new.0 - old.0) as usize;
            let now = sch.resolve(old, t + 1)[t];
            let mut later: Vec<(FinancialYear, f64)> = map
                .iter()
                .filter_map(|(k, v)| FinancialYear::parse(k).map(|y| (y, *v)))
                .filter(|(y, _)| *y > new && *y <= end)
                .collect();
            later.sort_by_key(|(y, _)| *y);
            if later.is_empty() {
                return Schedule::Constant(now);
            }
            let mut out = indexmap::IndexMap::new();
            if !(growth && later[0].0 == new.plus(1)) {
                out.insert(new.label(), now);
            }
            out.extend(later.into_iter().map(|(y, v)| (y.label(), v)));
            Schedule::Steps(out)
        }
    }
}

/// The amounts from `new` to `end`.
fn within(a: &Amounts, new: FinancialYear, end: FinancialYear) -> Amounts {
    Amounts(
        a.0.iter()
            .filter(|(k, _)| FinancialYear::parse(k).is_some_and(|y| y >= new && y <= end))
            .map(|(k, v)| (k.clone(), *v))
            .collect(),
    )
}
