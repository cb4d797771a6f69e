//! Actuals beside the forecast: for each series in the scenario's `[actuals]`, an
//! `actual.<line>` line (the actual in each projected year, NaN where none is given) and a
//! `variance.<line>` line (forecast − actual, NaN where either is missing). Actuals never
//! change the projection; they are only read here.

use crate::engine::projection::{Line, Projection};
use crate::scenario::Scenario;
use crate::scenario::year::FinancialYear;
use std::borrow::Cow;

/// One actual figure: (projection line name, year label, value), any year the scenario gives.
pub type ActualPoint = (String, String, f64);

/// Add the actual and variance lines of `s` to `p` (nothing when `s` has no actuals), and
/// every actual, history before the base year included, to `p.actuals` (by line, then year).
pub fn add_actuals(s: &Scenario, p: &mut Projection) {
    if s.actuals.is_empty() {
        return;
    }
    let base = s.base_year();
    let h = p.years.len();
    let mut extra = Vec::new();
    for (line, _, table) in s.actuals.series() {
        if table.is_empty() {
            continue;
        }
        let mut points: Vec<(FinancialYear, f64)> = table
            .iter()
            .filter_map(|(k, v)| FinancialYear::parse(k).map(|y| (y, *v)))
            .collect();
        points.sort_by_key(|(y, _)| *y);
        p.actuals
            .extend(points.iter().map(|(y, v)| (line.clone(), y.label(), *v)));
        let Some((label, unit, forecast)) = p
            .lines
            .iter()
            .find(|l| l.name == line)
            .map(|l| (l.label.to_string(), l.unit, l.values.clone()))
        else {
            continue;
        };
        let mut actual = vec![f64::NAN; h];
        for (y, v) in &points {
            let t = y.0 - base.0;
            if (0..h as i32).contains(&t) {
                actual[t as usize] = *v;
            }
        }
        // Forecast − actual: positive = the plan expected more than happened. NaN where there
        // is no actual (NaN − x is NaN).
        let variance = forecast.iter().zip(&actual).map(|(f, a)| f - a).collect();
        extra.push(Line {
            name: Cow::Owned(format!("actual.{line}")),
            label: Cow::Owned(format!("Actual: {label}")),
            unit,
            values: actual,
        });
        extra.push(Line {
            name: Cow::Owned(format!("variance.{line}")),
            label: Cow::Owned(format!("Variance (forecast − actual): {label}")),
            unit,
            values: variance,
        });
    }
    p.lines.append(&mut extra);
}
