//! One-at-a-time sensitivity (the tornado): each [`Driver`] is set to a low and a high value
//! with every other input as in the scenario, and a headline metric is recorded at each.
//!
//! Swing = |metric at high − metric at low| (£). Bars are sorted by swing, largest first.

use crate::driver::Driver;
use crate::error::{Issue, ScenarioError};
use crate::metrics::metrics;
use crate::model::Model;
use crate::projection::run;
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
    /// The scenario's own value (for rates: the value in the first year with a rate).
    pub base_value: f64,
    pub low: f64,
    pub high: f64,
    /// The metric (£) with the driver at `low` and at `high`.
    pub at_low: f64,
    pub at_high: f64,
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
/// * `mitigation:<name>` 0 (not delivered) to 1.2 (20% more than planned).
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
                    let g = &m.plan_growth;
                    let rates = if g.len() > 1 { &g[1..] } else { &g[..] };
                    let mean = rates.iter().sum::<f64>() / rates.len().max(1) as f64;
                    (mean - 0.03, mean + 0.03)
                }
                Driver::UnitCost(c, _) => (0.9 * m.unit_cost_base[*c], 1.1 * m.unit_cost_base[*c]),
                Driver::Mitigation(..) => (0.0, 1.2),
            };
            (d.name(), lo, hi)
        })
        .collect()
}

/// Run the tornado of `metric` over `ranges` (driver name, low, high). Errors list every
/// unknown metric or driver, reversed or non-finite range, and a value outside what a
/// scenario allows.
pub fn tornado(
    s: &Scenario,
    metric: &str,
    ranges: &[(String, f64, f64)],
) -> Result<Tornado, ScenarioError> {
    let m = Model::new(s);
    let mut issues = Vec::new();
    let metric = metric.trim();
    if !TORNADO_METRICS.contains(&metric) {
        issues.push(
            Issue::new(
                "metric",
                format!(
                    "unknown metric; expected one of {}",
                    TORNADO_METRICS.join(", ")
                ),
            )
            .with_value(format!("{metric:?}")),
        );
    } else if metric == "deficit_at_override_end" && m.override_end.is_none() {
        issues.push(
            Issue::new(
                "metric",
                "the statutory override ends outside the projection; choose another metric",
            )
            .with_value(format!("{metric:?}")),
        );
    }
    let mut drivers = Vec::with_capacity(ranges.len());
    for (name, lo, hi) in ranges {
        match Driver::parse(name, s) {
            Err(e) => issues.extend(e.issues().into_iter().map(|mut i| {
                i.path = format!("ranges[{name:?}]");
                i
            })),
            Ok(d) => {
                let (amin, amax) = d.allowed();
                let path = format!("ranges[{name:?}]");
                let shown = format!("({lo}, {hi})");
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
    let years = m.year_labels();
    let value = |model: &Model| {
        let r = run(model);
        let mt = metrics(
            &years,
            &r.in_year_deficit,
            &r.deficit.closing,
            &r.deficit.financing_cost,
            model.override_end,
            model.reserves,
        );
        match metric {
            "closing_deficit" => mt.closing_deficit,
            "peak_deficit" => mt.peak_deficit,
            "total_financing_cost" => mt.total_financing_cost,
            _ => mt.deficit_at_override_end.unwrap_or(f64::NAN),
        }
    };
    let base = value(&m);
    let mut bars: Vec<Bar> = drivers
        .iter()
        .map(|(d, lo, hi)| {
            let mut work = m.clone();
            d.apply(&mut work, *lo, 0);
            let at_low = value(&work);
            d.apply(&mut work, *hi, 0);
            let at_high = value(&work);
            Bar {
                driver: d.name(),
                label: d.label(s),
                unit: d.unit(),
                base_value: d.current(&m, 0),
                low: *lo,
                high: *hi,
                at_low,
                at_high,
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
