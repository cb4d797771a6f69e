//! Goal seek: the value of one [`Driver`] that meets a deficit target.
//!
//! The search runs on the fast path ([`run`] on a [`Model`] with the driver applied):
//!
//! 1. **Bracket.** Project at both bounds. If the target is met at one and missed at the other,
//!    that is the bracket; if it is missed (or met) at both, eight evenly spaced inner points are
//!    tried for a change of side, so a target met only inside the range is still found.
//! 2. **Root-find.** The Illinois variant of regula falsi on the gap `measure − limit`, falling
//!    back to bisection whenever three steps fail to halve the bracket. It stops when the side
//!    that meets the target is within `tolerance` (£) of the limit, or the bracket is a
//!    millionth of a millionth of the range wide.
//! 3. **Write back and check.** The answer (always taken on the side that meets the target) is
//!    written into a copy of the scenario, which is re-projected from scratch; if rounding put
//!    it a fraction over the limit, the value is nudged further into the side that meets it.
//!
//! A typical seek uses 3 to 15 projections. When no value in the bounds meets the target the
//! result says so and gives the best value the driver can do.
//!
//! **Two modes.** By default a target is "at most": the measure must not exceed the limit, and a
//! lever that keeps the measure below the limit everywhere in its bounds meets it (at the value
//! needing least change). With `exact`, the lever must make the measure *equal* the amount
//! within `tolerance`: the same bracket and root-find on the same gap, stopping when either side
//! is within `tolerance` of the amount; when no value inside the bounds reaches the amount
//! (no change of side), `achieved` is false and the closest value is returned.

use crate::analysis::driver::{Driver, show_value as show};
use crate::engine::model::Model;
use crate::engine::projection::run;
use crate::error::{Issue, ScenarioError};
use crate::scenario::Scenario;

/// What to meet: a measure (£) at most a limit, or equal to it with `exact`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target {
    /// In-year deficit (spend − income) in the target year ≤ 0.
    InYearBalance,
    /// In-year deficit in the target year ≤ `amount` (or = `amount` with `exact`).
    InYearDeficit,
    /// Closing cumulative deficit at the end of the target year ≤ `amount`.
    ClosingDeficit,
    /// Closing deficit in the year the statutory override ends ≤ `amount`.
    DeficitAtOverrideEnd,
}

/// The target names [`GoalSeek::target`] accepts.
pub const TARGETS: [&str; 4] = [
    "in_year_balance",
    "in_year_deficit",
    "closing_deficit",
    "deficit_at_override_end",
];

/// A goal-seek request. Only `lever` and `target` are required.
#[derive(Debug, Clone, PartialEq)]
pub struct GoalSeek {
    /// Driver name, e.g. "block_transfer" or "mitigation:Plans cease at 20" (see [`Driver`]).
    pub lever: String,
    /// One of [`TARGETS`].
    pub target: String,
    /// Target year ("2030-31"); default the last projected year. For
    /// `deficit_at_override_end` the year is the override end: leave it out (any other year
    /// is an error).
    pub year: Option<String>,
    /// Limit (£) for `closing_deficit` and `deficit_at_override_end`; 0 = clear it.
    pub amount: f64,
    /// Search range of the lever's value; default [`default_bounds`].
    pub bounds: Option<(f64, f64)>,
    /// First year the lever's new value applies (rates and shares only; an error for the
    /// other levers). Default: the target year for `block_transfer`, the base year for the
    /// other rates.
    pub from_year: Option<String>,
    /// How close (£) to the limit the answer must come; default £1,000.
    pub tolerance: f64,
    /// Find the value that makes the measure equal `amount` (within `tolerance`) instead of
    /// at most `amount`. Not for `in_year_balance` (use `in_year_deficit` with amount 0).
    pub exact: bool,
}

impl GoalSeek {
    /// A request with the defaults.
    pub fn new(lever: &str, target: &str) -> GoalSeek {
        GoalSeek {
            lever: lever.into(),
            target: target.into(),
            year: None,
            amount: 0.0,
            bounds: None,
            from_year: None,
            tolerance: 1_000.0,
            exact: false,
        }
    }
}

/// The answer of a goal seek.
#[derive(Debug, Clone, PartialEq)]
pub struct GoalSeekResult {
    /// The driver's name and its unit ("share", "rate", "£ per plan", "× planned").
    pub lever: String,
    pub unit: &'static str,
    pub target: String,
    /// The year the target is tested in.
    pub year: String,
    /// The year the lever's value applies from (the base year for every-year drivers).
    pub from_year: String,
    /// The limit (£) the measure must not exceed, or (exact) must equal.
    pub limit: f64,
    /// "at_most" (the measure must not exceed the limit) or "exact" (it must equal the limit
    /// within the tolerance).
    pub mode: &'static str,
    /// The value found; when not achieved, the best the lever can do inside the bounds.
    pub value: f64,
    /// The lever's value in the scenario as given (in `from_year`).
    pub start_value: f64,
    /// Did the returned scenario, re-projected, meet the target (at most the limit; or, exact,
    /// within the tolerance of it)?
    pub achieved: bool,
    /// The measure (£) in the returned scenario: in-year or closing deficit in `year`.
    pub measure: f64,
    /// The measure (£) in the scenario as given.
    pub start_measure: f64,
    pub bounds: (f64, f64),
    /// Projections run, including the final check.
    pub projections: usize,
    /// The scenario with the lever set to `value`.
    pub scenario: Scenario,
    /// One plain-English sentence saying what was found.
    pub message: String,
}

/// Default search range for a driver: the range a valid scenario allows for shares, and a
/// generous plausible range for rates (−5% to 15%), unit costs (0 to 3 × the base) and
/// mitigation size (0 to 3 × planned).
pub fn default_bounds(d: &Driver, m: &Model) -> (f64, f64) {
    match d {
        Driver::BlockTransfer | Driver::InterestRate => d.allowed(),
        Driver::HnbGrowth | Driver::EhcpGrowth | Driver::UnitCostInflation => (-0.05, 0.15),
        Driver::UnitCost(c, _) => (0.0, 3.0 * m.unit_cost_base[*c]),
        Driver::Mitigation(..) => (0.0, 3.0),
        Driver::CessationRate(_) => (0.0, 1.0),
    }
}

/// Find the lever value that meets the target. Errors (as [`ScenarioError::Invalid`], every
/// problem listed) for an unknown lever or target, a year outside the projection, bounds that
/// are reversed, not finite or outside what a valid scenario allows, a tolerance ≤ 0, an
/// override end outside the projection, a `year` other than the override end's with
/// `deficit_at_override_end`, or a `from_year` for a driver that applies to every year.
pub fn goal_seek(s: &Scenario, req: &GoalSeek) -> Result<GoalSeekResult, ScenarioError> {
    let m = Model::new(s);
    let years = s.year_labels();
    let mut issues = Vec::new();
    let driver = match Driver::parse(&req.lever, s) {
        Ok(d) => Some(d),
        Err(e) => {
            issues.extend(e.issues());
            None
        }
    };
    let target = match req.target.trim() {
        "in_year_balance" => Some(Target::InYearBalance),
        "in_year_deficit" => Some(Target::InYearDeficit),
        "closing_deficit" => Some(Target::ClosingDeficit),
        "deficit_at_override_end" => Some(Target::DeficitAtOverrideEnd),
        other => {
            issues.push(
                Issue::new(
                    "target",
                    format!("unknown target; expected one of {}", TARGETS.join(", ")),
                )
                .with_value(format!("{other:?}")),
            );
            None
        }
    };
    let year_index = |field: &str, label: &str, issues: &mut Vec<Issue>| {
        let t = years.iter().position(|y| y == label.trim());
        if t.is_none() {
            issues.push(
                Issue::new(
                    field,
                    format!(
                        "outside the projection; expected a year from {} to {}",
                        years[0],
                        years[years.len() - 1]
                    ),
                )
                .with_value(format!("{label:?}")),
            );
        }
        t
    };
    let t_target = match (target, &req.year) {
        (Some(Target::DeficitAtOverrideEnd), year) => match m.override_end {
            Some(t) => {
                // The target year is the override's end by definition: a different year given
                // alongside it is a mistake, not something to ignore.
                if let Some(y) = year.as_deref().filter(|y| y.trim() != years[t]) {
                    issues.push(
                        Issue::new(
                            "year",
                            format!(
                                "deficit_at_override_end is tested in the year the statutory override ends, {}; leave year out (or give {}), or use closing_deficit to target another year",
                                years[t], years[t]
                            ),
                        )
                        .with_value(format!("{y:?}")),
                    );
                }
                Some(t)
            }
            None => {
                issues.push(
                    Issue::new(
                        "target",
                        "the statutory override ends outside the projection, so there is no deficit at its end to target; use closing_deficit with a year",
                    )
                    .with_value(format!("{:?}", s.financing.override_end)),
                );
                None
            }
        },
        (_, Some(y)) => year_index("year", y, &mut issues),
        (_, None) => Some(years.len() - 1),
    };
    if !req.tolerance.is_finite() || req.tolerance <= 0.0 {
        issues.push(
            Issue::new("tolerance", "expected an amount in pounds above 0")
                .with_value(req.tolerance),
        );
    }
    if req.exact && target == Some(Target::InYearBalance) {
        issues.push(
            Issue::new(
                "exact",
                "in_year_balance is a limit (an in-year deficit of at most 0); to hit an in-year deficit exactly, use target in_year_deficit with an amount",
            )
            .with_value("true"),
        );
    }
    if !req.amount.is_finite() {
        issues.push(
            Issue::new("amount", "expected a finite amount in pounds").with_value(req.amount),
        );
    }
    let mut bounds = (0.0, 0.0);
    if let Some(d) = &driver {
        bounds = req.bounds.unwrap_or_else(|| default_bounds(d, &m));
        let (lo, hi) = bounds;
        let (amin, amax) = d.allowed();
        if !lo.is_finite() || !hi.is_finite() {
            issues.push(
                Issue::new("bounds", "expected two finite numbers (low, high)")
                    .with_value(format!("({lo}, {hi})")),
            );
        } else if lo >= hi {
            issues.push(
                Issue::new(
                    "bounds",
                    "the wrong way round or empty; expected (low, high) with low below high",
                )
                .with_value(format!("({lo}, {hi})")),
            );
        } else if lo < amin || hi > amax {
            issues.push(
                Issue::new(
                    "bounds",
                    format!("outside what a scenario allows for {}; expected values from {amin} to {amax}", d.name()),
                )
                .with_value(format!("({lo}, {hi})")),
            );
        }
    }
    let from = match (&req.from_year, &driver) {
        (Some(y), Some(d)) if !d.takes_from_year() => {
            issues.push(
                Issue::new(
                    "from_year",
                    format!(
                        "{} applies to every year; from_year is only for block_transfer, hnb_growth, ehcp_growth and unit_cost_inflation, so leave it out",
                        d.name()
                    ),
                )
                .with_value(format!("{y:?}")),
            );
            None
        }
        (Some(y), _) => year_index("from_year", y, &mut issues),
        (None, Some(Driver::BlockTransfer)) => t_target,
        _ => Some(0),
    };
    if !issues.is_empty() {
        return Err(ScenarioError::Invalid(issues));
    }
    let (driver, target, t, from) = (
        driver.expect("checked"),
        target.expect("checked"),
        t_target.expect("checked"),
        from.expect("checked"),
    );
    let from = if driver.takes_from_year() { from } else { 0 };
    let limit = match target {
        Target::InYearBalance => 0.0,
        _ => req.amount,
    };
    let measure_of = |model: &Model| {
        let r = run(model);
        match target {
            Target::InYearBalance | Target::InYearDeficit => r.in_year_deficit[t],
            _ => r.deficit.closing[t],
        }
    };
    let exact = req.exact;
    let meets = |measure: f64| {
        if exact {
            (measure - limit).abs() <= req.tolerance
        } else {
            measure <= limit
        }
    };
    let mut count = 0usize;
    let mut work = m.clone();
    let mut gap = |x: f64| {
        count += 1;
        driver.apply(&mut work, x, from);
        measure_of(&work) - limit
    };
    // Search only where the written-back scenario is valid: a mitigation scaled up, or plan
    // growth scaled down, can ask to move or cease more plans than a placement holds.
    let start_value = driver.current(s, &m, from);
    let (lo, hi) = driver.valid_range(s, from, bounds, start_value, "bounds")?;
    let found = search(&mut gap, lo, hi, req.tolerance, exact);

    // Write back, re-project from the scenario text, nudge if rounding tipped it over.
    let mut value = found.value;
    let mut tries = 0;
    let (scenario, measure) = loop {
        let sc = driver.write(s, value, from).map_err(|e| {
            let mut issues = vec![
                Issue::new(
                    "lever",
                    "the value found makes the scenario invalid (listed below); narrow the bounds or choose another lever, e.g. one that does not change the number of plans",
                )
                .with_value(format!("{} = {value}", driver.name())),
            ];
            issues.extend(e.issues());
            ScenarioError::Invalid(issues)
        })?;
        count += 1;
        let measure = measure_of(&Model::new(&sc));
        // An exact answer is not nudged: it may sit either side of the amount.
        if exact || !found.achieved || meets(measure) || tries >= 30 || found.toward_feasible == 0.0
        {
            break (sc, measure);
        }
        let step = (hi - lo) * 1e-12 * f64::powi(2.0, tries);
        value = (value + found.toward_feasible * step).clamp(lo, hi);
        tries += 1;
    };
    let start_measure = measure_of(&m);
    let achieved = meets(measure);
    let what = match target {
        Target::InYearBalance | Target::InYearDeficit => {
            format!("the in-year deficit in {}", years[t])
        }
        _ => format!("the closing deficit at the end of {}", years[t]),
    };
    let lever = driver.name();
    let from_year = years[from].clone();
    let shown = show(value, driver.unit());
    let applies = if driver.takes_from_year() {
        format!(" from {from_year}")
    } else {
        String::new()
    };
    let narrowed = if (lo, hi) != bounds {
        format!(
            " (values outside {} to {} would move or cease more plans than a placement holds, so the search stayed inside)",
            show(lo, driver.unit()),
            show(hi, driver.unit())
        )
    } else {
        String::new()
    };
    let message = if exact && achieved {
        format!(
            "{lever} = {shown}{applies} brings {what} to {} (target: {}, within £{:.0}).",
            pounds_m(measure),
            pounds_m(limit),
            req.tolerance
        )
    } else if exact {
        format!(
            "No value of {lever} between {} and {} brings {what} to {}: the closest is {shown}{applies}, which gives {}.",
            show(lo, driver.unit()),
            show(hi, driver.unit()),
            pounds_m(limit),
            pounds_m(measure)
        ) + &narrowed
    } else if achieved {
        format!(
            "{lever} = {shown}{applies} brings {what} to {} (target: at most {}).",
            pounds_m(measure),
            pounds_m(limit)
        )
    } else {
        format!(
            "The target cannot be met with {lever} between {} and {}: the best is {shown}{applies}, which leaves {what} at {} against a target of at most {}.",
            show(lo, driver.unit()),
            show(hi, driver.unit()),
            pounds_m(measure),
            pounds_m(limit)
        ) + &narrowed
    };
    Ok(GoalSeekResult {
        lever,
        unit: driver.unit(),
        target: req.target.trim().to_string(),
        year: years[t].clone(),
        from_year,
        limit,
        mode: if exact { "exact" } else { "at_most" },
        value,
        start_value,
        achieved,
        measure,
        start_measure,
        bounds: (lo, hi),
        projections: count + 1,
        scenario,
        message,
    })
}

/// Outcome of the numerical search on `gap(x) = measure − limit` (≤ 0 meets the target).
struct Found {
    value: f64,
    achieved: bool,
    /// +1 or −1: the direction in which the gap falls (where to nudge), 0 if unknown.
    toward_feasible: f64,
}

/// Bracket and root-find `gap` on `[lo, hi]`; see the module documentation.
/// With `exact`, the gap must come within `tol` of 0 from either side.
fn search(gap: &mut dyn FnMut(f64) -> f64, lo: f64, hi: f64, tol: f64, exact: bool) -> Found {
    let (glo, ghi) = (gap(lo), gap(hi));
    let mut samples = vec![(lo, glo), (hi, ghi)];
    let meets = |g: f64| g <= 0.0;
    let mut bracket = None;
    if meets(glo) != meets(ghi) {
        bracket = Some(((lo, glo), (hi, ghi)));
    } else {
        // Same side at both ends: look inside for a change of side.
        let n = 8;
        let mut prev = (lo, glo);
        for k in 1..=n {
            let x = if k == n {
                hi
            } else {
                lo + (hi - lo) * k as f64 / n as f64
            };
            let g = if k == n { ghi } else { gap(x) };
            samples.push((x, g));
            if meets(g) != meets(prev.1) {
                bracket = Some((prev, (x, g)));
                break;
            }
            prev = (x, g);
        }
    }
    let Some(((mut a, mut ga), (mut b, mut gb))) = bracket else {
        if exact {
            // No change of side: the amount is not reached inside the bounds (unless a sample
            // happens to be within the tolerance); return the closest sample.
            let (x, g) = *samples
                .iter()
                .min_by(|p, q| p.1.abs().total_cmp(&q.1.abs()))
                .expect("two samples at least");
            return Found {
                value: x,
                achieved: g.abs() <= tol,
                toward_feasible: 0.0,
            };
        }
        // Met everywhere: the value closest to the limit (least change needed).
        // Missed everywhere: the value that comes closest.
        let all_meet = samples.iter().all(|s| meets(s.1));
        let best = if all_meet {
            samples
                .iter()
                .filter(|s| s.1 <= 0.0)
                .max_by(|p, q| p.1.total_cmp(&q.1))
        } else {
            samples.iter().min_by(|p, q| p.1.total_cmp(&q.1))
        };
        let (x, _) = *best.expect("two samples at least");
        return Found {
            value: x,
            achieved: all_meet,
            toward_feasible: 0.0,
        };
    };
    // Illinois regula falsi on [a, b] with gap(a), gap(b) on opposite sides.
    let xtol = (hi - lo).abs() * 1e-12;
    let (mut wa, mut wb) = (ga, gb); // weighted values for the secant step
    let mut last_side = 0i8;
    let mut width = (b - a).abs();
    let mut stalls = 0;
    for _ in 0..200 {
        let gf = if meets(ga) { ga } else { gb };
        let close_enough = if exact {
            ga.abs().min(gb.abs()) <= tol
        } else {
            gf >= -tol
        };
        if close_enough || (b - a).abs() <= xtol {
            break;
        }
        let mut x = (a * wb - b * wa) / (wb - wa);
        if stalls >= 3 || !x.is_finite() || x <= a.min(b) || x >= a.max(b) {
            x = 0.5 * (a + b);
            stalls = 0;
        }
        let gx = gap(x);
        if meets(gx) == meets(gb) {
            b = x;
            gb = gx;
            wb = gx;
            if last_side == -1 {
                wa *= 0.5;
            }
            last_side = -1;
        } else {
            a = x;
            ga = gx;
            wa = gx;
            if last_side == 1 {
                wb *= 0.5;
            }
            last_side = 1;
        }
        let w = (b - a).abs();
        if w > 0.5 * width {
            stalls += 1;
        } else {
            stalls = 0;
            width = w;
        }
    }
    if exact {
        let (x, g) = if ga.abs() <= gb.abs() {
            (a, ga)
        } else {
            (b, gb)
        };
        return Found {
            value: x,
            achieved: g.abs() <= tol,
            toward_feasible: 0.0,
        };
    }
    let (xf, xi) = if meets(ga) { (a, b) } else { (b, a) };
    Found {
        value: xf,
        achieved: true,
        toward_feasible: if xf > xi { 1.0 } else { -1.0 },
    }
}

/// Pounds as £m to one decimal, e.g. "£28.0m", "−£0.2m".
fn pounds_m(v: f64) -> String {
    let sign = if v < -0.05e6 { "−" } else { "" };
    format!("{sign}£{:.1}m", v.abs() / 1e6)
}
