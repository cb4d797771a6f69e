//! Batch evaluation for sensitivity analysis (e.g. SALib's Sobol indices): many parameter
//! sets in one call, each a deterministic projection with some drivers changed.
//!
//! Drivers, by the names goal seeks and tornados use ([`crate::analysis::driver`]):
//! * `ehcp_growth`, `hnb_growth`, `unit_cost_inflation`: a **shift** (fraction, 0.01 = one
//!   percentage point) added to the planned rate in every year after the base year (rates
//!   floored at −1). Unlike a goal seek, which sets the rate, a batch row moves it, so 0 is
//!   the plan;
//! * `unit_cost_inflation:<category>`: a shift to one category's inflation;
//! * `mitigation:<name>`: that mitigation's size (delivery multiplier, 1 = as planned, ≥ 0),
//!   as in a goal seek.
//!
//! Older names are still read: `inflation`, `inflation.<category>` and `delivery.<name>`.
//!
//! Metrics ([`BATCH_METRICS`]): the final year's `closing_deficit`, `in_year_deficit`,
//! `total_expenditure` or `ehcps`, or the `peak_deficit` (largest closing deficit, £). The name
//! is checked by [`crate::analysis::sensitivity::check_metric`], as a tornado's is; the value is read off
//! the kernel's lines (the kernel computes no financing cost, so the tornado's
//! [`crate::analysis::sensitivity::metric_value`] on full metrics does not apply).

use super::{Engine, LANES};
use crate::analysis::sensitivity::check_metric;
use crate::error::{Issue, ScenarioError};
use crate::scenario::Scenario;
use rayon::prelude::*;

/// Metric names accepted by [`evaluate_batch`].
pub const BATCH_METRICS: [&str; 5] = [
    "closing_deficit",
    "peak_deficit",
    "in_year_deficit",
    "total_expenditure",
    "ehcps",
];

/// A driver a batch row can set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BatchDriver {
    EhcpGrowth,
    HnbGrowth,
    Inflation,
    InflationCategory(usize),
    Delivery(usize),
}

/// Every driver name a scenario accepts (canonical names), in a stable order.
pub fn batch_driver_names(s: &Scenario) -> Vec<String> {
    let mut v: Vec<String> = ["ehcp_growth", "hnb_growth", "unit_cost_inflation"]
        .map(String::from)
        .to_vec();
    v.extend(
        s.categories()
            .iter()
            .map(|c| format!("unit_cost_inflation:{c}")),
    );
    v.extend(
        s.mitigations
            .iter()
            .map(|m| format!("mitigation:{}", m.name)),
    );
    v
}

fn parse(s: &Scenario, name: &str) -> Option<BatchDriver> {
    match name {
        "ehcp_growth" => Some(BatchDriver::EhcpGrowth),
        "hnb_growth" => Some(BatchDriver::HnbGrowth),
        "unit_cost_inflation" | "inflation" => Some(BatchDriver::Inflation),
        _ => {
            if let Some(c) = name
                .strip_prefix("unit_cost_inflation:")
                .or_else(|| name.strip_prefix("inflation."))
            {
                s.categories()
                    .iter()
                    .position(|x| x == c)
                    .map(BatchDriver::InflationCategory)
            } else if let Some(n) = name
                .strip_prefix("mitigation:")
                .or_else(|| name.strip_prefix("delivery."))
            {
                s.mitigations
                    .iter()
                    .position(|m| m.name == n)
                    .map(BatchDriver::Delivery)
            } else {
                None
            }
        }
    }
}

/// Evaluate `metric` for each row of `values` (row-major, `names.len()` columns): one number
/// per row, in row order, computed in parallel (results do not depend on the thread count).
pub fn evaluate_batch(
    s: &Scenario,
    names: &[String],
    values: &[f64],
    metric: &str,
) -> Result<Vec<f64>, ScenarioError> {
    let mut issues = Vec::new();
    let drivers: Vec<BatchDriver> = names
        .iter()
        .enumerate()
        .filter_map(|(i, n)| {
            let d = parse(s, n);
            if d.is_none() {
                issues.push(
                    Issue::new(
                        format!("names[{i}]"),
                        format!(
                            "unknown driver; expected one of: {}",
                            batch_driver_names(s).join(", ")
                        ),
                    )
                    .with_value(format!("{n:?}")),
                );
            }
            d
        })
        .collect();
    // A driver given twice would shift its rate twice, past what either column's range allows.
    for (i, d) in drivers.iter().enumerate() {
        if let Some(j) = drivers[..i].iter().position(|e| e == d) {
            issues.push(
                Issue::new(
                    format!("names[{i}]"),
                    format!(
                        "the same driver as names[{j}] ({:?}); give each driver once",
                        names[j]
                    ),
                )
                .with_value(format!("{:?}", names[i])),
            );
        }
    }
    let m_idx = check_metric(metric, &BATCH_METRICS)
        .map_err(|e| issues.push(e))
        .ok();
    let k = names.len();
    if k == 0 || !values.len().is_multiple_of(k) {
        issues.push(
            Issue::new(
                "values",
                format!("expected rows of {k} values (one per driver name)"),
            )
            .with_value(format!("{} values", values.len())),
        );
    }
    if let Some(i) = values.iter().position(|x| !x.is_finite()) {
        issues.push(
            Issue::new(
                format!("values[{}, {}]", i / k.max(1), i % k.max(1)),
                "expected a finite number",
            )
            .with_value(values[i]),
        );
    }
    if !issues.is_empty() {
        return Err(ScenarioError::Invalid(issues));
    }
    let metric = m_idx.unwrap_or(0);
    let engine = Engine::new(s, 0);
    let h = engine.horizon();
    let nc = engine.model.n_categories();
    check_bounds(&engine, names, &drivers, values)?;
    let plan = engine.plan_inputs::<LANES>();
    // Rows run LANES at a time, side by side (each lane exactly as it would run alone).
    let mut out = vec![0.0; values.len() / k];
    out.par_chunks_mut(LANES)
        .zip(values.par_chunks(k * LANES))
        .for_each_init(
            || engine.workspace::<LANES>(),
            |ws, (results, rows)| {
                ws.inputs.clone_from(&plan);
                let m = &mut ws.inputs;
                for (l, row) in rows.chunks(k).enumerate() {
                    for (d, x) in drivers.iter().zip(row) {
                        let shift = |r: &mut [f64; LANES]| r[l] = (r[l] + x).max(-1.0);
                        match *d {
                            BatchDriver::EhcpGrowth => m.growth[1..].iter_mut().for_each(shift),
                            BatchDriver::HnbGrowth => m.hnb_growth[1..].iter_mut().for_each(shift),
                            BatchDriver::Inflation => m.inflation[nc..].iter_mut().for_each(shift),
                            BatchDriver::InflationCategory(c) => {
                                (1..h).for_each(|t| shift(&mut m.inflation[t * nc + c]))
                            }
                            BatchDriver::Delivery(i) => m.delivery[i][l] = x.max(0.0),
                        }
                    }
                }
                engine.kernel(ws);
                for (l, r) in results.iter_mut().enumerate() {
                    let line = |i: usize| ws.lane_line(i, l);
                    *r = match metric {
                        0 => line(0).last(),
                        1 => line(0).reduce(f64::max),
                        2 => line(1).last(),
                        3 => line(2).last(),
                        _ => line(3).last(),
                    }
                    .unwrap_or(f64::NAN);
                }
            },
        );
    Ok(out)
}

/// Most values outside their range listed one by one (the rest are counted).
const MAX_LISTED: usize = 20;

/// Every value must give a valid scenario, as a goal seek's or a tornado's must: a shifted
/// rate within [`Driver::allowed`]'s range (−99% to 100%) in every year, a mitigation's size
/// from 0 to 10 × planned. A category's own inflation shift is checked added to the common
/// one in the same row, since the rate moves by both. A value outside is an error naming its
/// row and column and the range allowed there, never a rate or size quietly floored.
fn check_bounds(
    engine: &Engine,
    names: &[String],
    drivers: &[BatchDriver],
    values: &[f64],
) -> Result<(), ScenarioError> {
    use crate::analysis::driver::Driver;
    let m = &engine.model;
    let (h, nc, k) = (m.horizon, m.n_categories(), drivers.len());
    let (rate_lo, rate_hi) = Driver::EhcpGrowth.allowed();
    let (size_lo, size_hi) = Driver::Mitigation(0, String::new()).allowed();
    // Smallest and largest planned rate from the second year on (none: no limit on a shift).
    let span = |xs: &mut dyn Iterator<Item = f64>| -> (f64, f64) {
        xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
            (a.min(x), b.max(x))
        })
    };
    let shifts = |(lo, hi): (f64, f64)| {
        if h < 2 {
            (f64::NEG_INFINITY, f64::INFINITY)
        } else {
            (rate_lo - lo, rate_hi - hi)
        }
    };
    let common = drivers.iter().position(|d| *d == BatchDriver::Inflation);
    // Per column: the shifts (or sizes) allowed, and the column added to it, if any.
    let cols: Vec<(f64, f64, Option<usize>)> = drivers
        .iter()
        .map(|d| match *d {
            BatchDriver::EhcpGrowth => {
                let (lo, hi) = shifts(span(&mut m.plan_growth.iter().skip(1).copied()));
                (lo, hi, None)
            }
            BatchDriver::HnbGrowth => {
                let (lo, hi) = shifts(span(&mut m.hnb_growth.iter().skip(1).copied()));
                (lo, hi, None)
            }
            BatchDriver::Inflation => {
                let (lo, hi) = shifts(span(&mut m.inflation.iter().skip(nc).copied()));
                (lo, hi, None)
            }
            BatchDriver::InflationCategory(c) => {
                let (lo, hi) = shifts(span(&mut (1..h).map(|t| m.inflation[t * nc + c])));
                (lo, hi, common)
            }
            BatchDriver::Delivery(_) => (size_lo, size_hi, None),
        })
        .collect();
    let moved = |i: usize| values[i] + cols[i % k].2.map_or(0.0, |j| values[i - i % k + j]);
    let bad: Vec<usize> = (0..values.len())
        .filter(|&i| !(cols[i % k].0..=cols[i % k].1).contains(&moved(i)))
        .collect();
    if bad.is_empty() {
        return Ok(());
    }
    let mut issues: Vec<Issue> = bad
        .iter()
        .take(MAX_LISTED)
        .map(|&i| {
            let (lo, hi, partner) = cols[i % k];
            let rates = format!(
                "must keep every year's rate from {:.0}% to {:.0}%",
                100.0 * rate_lo,
                100.0 * rate_hi
            );
            let why = match (drivers[i % k], partner) {
                (BatchDriver::Delivery(_), _) => {
                    format!(
                        "a mitigation's size ({}) is from {lo} to {hi} × planned",
                        names[i % k]
                    )
                }
                (_, Some(j)) => format!(
                    "with the shift to {} in the same row, a shift to {} {rates}: the two \
                     together here from {lo:.4} to {hi:.4}, not {:.4}",
                    names[j],
                    names[i % k],
                    moved(i)
                ),
                _ => format!(
                    "a shift to {} {rates}: here from {lo:.4} to {hi:.4}",
                    names[i % k]
                ),
            };
            Issue::new(format!("values[{}, {}]", i / k, i % k), why).with_value(values[i])
        })
        .collect();
    if bad.len() > MAX_LISTED {
        issues.push(
            Issue::new(
                "values",
                format!(
                    "{} more values are outside their range",
                    bad.len() - MAX_LISTED
                ),
            )
            .with_value(format!("{} values", bad.len())),
        );
    }
    Err(ScenarioError::Invalid(issues))
}
