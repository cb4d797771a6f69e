//! One-at-a-time sensitivity (the tornado): each [`Driver`] is set to a low and a high value
//! with every other input as in the scenario, and a headline metric is recorded at each.
//!
//! Swing = |metric at high − metric at low| (£). Bars are sorted by swing, largest first.
//!
//! Every bar is a valid scenario: where part of a driver's range would give a scenario the
//! validator rejects (a mitigation moving or ceasing more plans than a placement holds, e.g.
//! EHCP growth cut so far that too few plans remain), the range is narrowed to its valid part,
//! the way goal seek narrows its bounds, and the bar's `note` says which end moved and why.
//! So re-projecting a bar's `low` or `high` written into the scenario gives `at_low`/`at_high`.

use crate::analysis::driver::{Driver, show_value};
use crate::engine::metrics::{Metrics, metrics};
use crate::engine::model::Model;
use crate::engine::projection::run;
use crate::error::{Issue, ScenarioError};
use crate::scenario::Scenario;

/// Metrics a tornado can rank drivers by (all in £).
pub const TORNADO_METRICS: [&str; 4] = [
    "closing_deficit",
    "peak_deficit",
    "total_financing_cost",
    "deficit_at_override_end",
];

/// One driver's bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// Driver name (see [`Driver::parse`]) and display label.
    pub driver: String,
    pub label: String,
    /// Unit of `low` and `high` ("share", "rate", "£ per plan", "× planned").
    pub unit: &'static str,
    /// The scenario's own value; for a rate or share set by year (EHCP growth, HNB growth,
    /// inflation, block transfer), its average over the years with one ([`base_value`]): the
    /// single value a bar's range replaces, and the centre of EHCP growth's default range.
    pub base_value: f64,
    /// The values used: the range asked for, narrowed to its valid part (see `note`).
    pub low: f64,
    pub high: f64,
    /// The range asked for (equal to `low`, `high` unless narrowed).
    pub requested: (f64, f64),
    /// The metric (£) with the driver at `low` and at `high`.
    pub at_low: f64,
    pub at_high: f64,
    /// Empty, or why the range was narrowed, e.g. "low raised from 1.98% to 2.41%: at 1.98%
    /// the scenario is not valid (…)".
    pub note: String,
}

impl Bar {
    /// |at_high − at_low| (£).
    pub fn swing(&self) -> f64 {
        (self.at_high - self.at_low).abs()
    }
}

/// A tornado: the metric in the scenario as given, and the bars sorted by swing.
#[derive(Debug, Clone, PartialEq)]
pub struct Tornado {
    pub metric: String,
    /// The metric (£) in the scenario as given.
    pub base: f64,
    pub bars: Vec<Bar>,
    /// Projections run.
    pub projections: usize,
}

/// Default (low, high) for every driver of `s`:
///
/// * `hnb_growth` 1% to 5%; `unit_cost_inflation` 1% to 5%; `interest_rate` 2% to 6%;
/// * `block_transfer` 0 to 1% of the schools block;
/// * `ehcp_growth` the scenario's average yearly growth ± 3 points;
/// * `unit_cost:<category>` the base-year cost ± 10%;
/// * `mitigation:<name>` 0 (not delivered) to 1.2 (20% more than planned);
/// * cohort model: `cessation_rate:19` (the last year of post-16 education) half to one and a
///   half times its rate.
///
/// Rates and shares are set for every year (a tornado compares whole paths).
pub fn default_ranges(s: &Scenario) -> Vec<(String, f64, f64)> {
    let m = Model::new(s);
    Driver::all(s)
        .into_iter()
        .map(|d| {
            let (lo, hi) = match &d {
                Driver::HnbGrowth | Driver::UnitCostInflation => (0.01, 0.05),
                Driver::InterestRate => (0.02, 0.06),
                Driver::BlockTransfer => (0.0, 0.01),
                Driver::EhcpGrowth => {
                    let mean = base_value(&d, s, &m);
                    (mean - 0.03, mean + 0.03)
                }
                Driver::UnitCost(c, _) => (0.9 * m.unit_cost_base[*c], 1.1 * m.unit_cost_base[*c]),
                Driver::Mitigation(..) => (0.0, 1.2),
                Driver::CessationRate(_) => {
                    let r = d.current(s, &m, 0);
                    ((0.5 * r).max(0.0), (1.5 * r).min(1.0))
                }
            };
            (d.name(), lo, hi)
        })
        .collect()
}

/// Index of `metric` (trimmed) in `allowed`, or an issue on the field "metric" naming the
/// value and listing what is allowed. Shared by the tornado and batch evaluation.
pub fn check_metric(metric: &str, allowed: &[&str]) -> Result<usize, Issue> {
    let name = metric.trim();
    allowed.iter().position(|m| *m == name).ok_or_else(|| {
        Issue::new(
            "metric",
            format!("unknown metric; expected one of {}", allowed.join(", ")),
        )
        .with_value(format!("{metric:?}"))
    })
}

/// A money metric (£) by name: `closing_deficit`, `peak_deficit`, `total_financing_cost` or
/// `deficit_at_override_end` (NaN when the override ends outside the projection). None for
/// any other name.
pub fn metric_value(mt: &Metrics, name: &str) -> Option<f64> {
    match name {
        "closing_deficit" => Some(mt.closing_deficit),
        "peak_deficit" => Some(mt.peak_deficit),
        "total_financing_cost" => Some(mt.total_financing_cost),
        "deficit_at_override_end" => Some(mt.deficit_at_override_end.unwrap_or(f64::NAN)),
        _ => None,
    }
}

/// Run the tornado of `metric` over `ranges` (driver name, low, high). Errors list every
/// unknown metric or driver, driver given twice, reversed or non-finite range, a value outside
/// what a scenario allows, and a range with no valid value. Ranges are narrowed to their
/// valid part (see the module documentation).
pub fn tornado(
    s: &Scenario,
    metric: &str,
    ranges: &[(String, f64, f64)],
) -> Result<Tornado, ScenarioError> {
    let m = Model::new(s);
    let mut issues = Vec::new();
    let metric = metric.trim();
    match check_metric(metric, &TORNADO_METRICS) {
        Err(issue) => issues.push(issue),
        Ok(_) if metric == "deficit_at_override_end" && m.override_end.is_none() => issues.push(
            Issue::new(
                "metric",
                "the statutory override ends outside the projection; choose another metric",
            )
            .with_value(format!("{metric:?}")),
        ),
        Ok(_) => {}
    }
    let mut drivers: Vec<(Driver, f64, f64)> = Vec::with_capacity(ranges.len());
    let mut seen: Vec<(String, &str)> = Vec::new();
    for (name, lo, hi) in ranges {
        let path = format!("ranges[{name:?}]");
        match Driver::parse(name, s) {
            Err(e) => issues.extend(e.issues().into_iter().map(|mut i| {
                i.path = path.clone();
                i
            })),
            Ok(d) => {
                let (amin, amax) = d.allowed();
                let shown = format!("({lo}, {hi})");
                if let Some((_, first)) = seen.iter().find(|(n, _)| *n == d.name()) {
                    issues.push(
                        Issue::new(
                            path,
                            format!(
                                "the same driver as {first:?} ({}); give each driver once",
                                d.name()
                            ),
                        )
                        .with_value(shown),
                    );
                    continue;
                }
                seen.push((d.name(), name.as_str()));
                if !lo.is_finite() || !hi.is_finite() || lo > hi {
                    issues.push(
                        Issue::new(path, "expected (low, high) with low at most high")
                            .with_value(shown),
                    );
                } else if *lo < amin || *hi > amax {
                    issues.push(
                        Issue::new(path, format!("expected values from {amin} to {amax}"))
                            .with_value(shown),
                    );
                } else {
                    drivers.push((d, *lo, *hi));
                }
            }
        }
    }
    if !issues.is_empty() {
        return Err(ScenarioError::Invalid(issues));
    }
    // Narrow each range to the values that give a valid scenario (rates and shares are set
    // for every year, so `from` = 0, as in `apply` below).
    let mut narrowed = Vec::with_capacity(drivers.len());
    for (d, lo, hi) in drivers {
        let path = format!("ranges[{:?}]", d.name());
        match d.valid_range(s, 0, (lo, hi), d.current(s, &m, 0), &path) {
            Ok((vlo, vhi)) => {
                let note = narrowing_note(&d, s, (lo, hi), (vlo, vhi));
                narrowed.push((d, (lo, hi), vlo, vhi, note));
            }
            Err(e) => issues.extend(e.issues()),
        }
    }
    if !issues.is_empty() {
        return Err(ScenarioError::Invalid(issues));
    }
    let years = m.year_labels();
    let value = |model: &Model| {
        let r = run(model);
        debug_assert!(
            r.shortfalls.is_empty(),
            "a valid what-if capped a mitigation"
        );
        let mt = metrics(
            &years,
            &r.in_year_deficit,
            &r.deficit.closing,
            &r.deficit.financing_cost,
            model.override_end,
            model.reserves,
        );
        metric_value(&mt, metric).expect("metric checked")
    };
    let base = value(&m);
    let mut bars: Vec<Bar> = narrowed
        .into_iter()
        .map(|(d, requested, lo, hi, note)| {
            let mut work = m.clone();
            d.apply(&mut work, lo, 0);
            let at_low = value(&work);
            d.apply(&mut work, hi, 0);
            let at_high = value(&work);
            Bar {
                driver: d.name(),
                label: d.label(s),
                unit: d.unit(),
                base_value: base_value(&d, s, &m),
                low: lo,
                high: hi,
                requested,
                at_low,
                at_high,
                note,
            }
        })
        .collect();
    // Stable sort: equal swings keep the input order, so results are reproducible.
    bars.sort_by(|a, b| b.swing().total_cmp(&a.swing()));
    Ok(Tornado {
        metric: metric.to_string(),
        base,
        projections: 1 + 2 * bars.len(),
        bars,
    })
}

/// A driver's value in `s` (model `m`): for a rate or share set by year, the mean of its
/// values over the years with one (growth and inflation rates from the second year, the
/// block transfer share from the first); otherwise [`Driver::current`].
pub fn base_value(d: &Driver, s: &Scenario, m: &Model) -> f64 {
    let h = m.horizon;
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    let rates = |v: &[f64]| if v.len() > 1 { mean(&v[1..]) } else { mean(v) };
    match d {
        Driver::EhcpGrowth => rates(&m.plan_growth),
        Driver::HnbGrowth => rates(&m.hnb_growth),
        Driver::UnitCostInflation => rates(&s.cost.inflation.resolve(s.base_year(), h)),
        Driver::BlockTransfer => mean(&m.transfer_share),
        _ => d.current(s, m, 0),
    }
}

/// Empty when the range was not narrowed; else which end moved, from what to what, and the
/// validator's first objection at the value asked for.
fn narrowing_note(d: &Driver, s: &Scenario, asked: (f64, f64), used: (f64, f64)) -> String {
    let unit = d.unit();
    let mut parts = Vec::new();
    for (end, verb, a, u) in [
        ("low", "raised", asked.0, used.0),
        ("high", "lowered", asked.1, used.1),
    ] {
        if a != u {
            let why = match d.write(s, a, 0) {
                Err(e) => e
                    .issues()
                    .first()
                    .map(|i| format!(" ({}: {})", i.path, i.message))
                    .unwrap_or_default(),
                Ok(_) => String::new(),
            };
            parts.push(format!(
                "{end} {verb} from {} to {}: at {} the scenario is not valid{why}",
                show_value(a, unit),
                show_value(u, unit),
                show_value(a, unit)
            ));
        }
    }
    parts.join("; ")
}
