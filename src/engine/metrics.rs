//! Headline figures a committee asks for, computed from one projection.

use serde::Serialize;

/// Headline metrics. Money in £; years as labels ("2038-39").
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metrics {
    /// First year whose in-year deficit is ≤ 0 (spend within income), if any.
    pub first_balanced_year: Option<String>,
    /// Largest closing cumulative deficit (£) …
    pub peak_deficit: f64,
    /// … and the year it occurs (the first such year).
    pub peak_deficit_year: String,
    /// Closing cumulative deficit in the last projected year (£).
    pub closing_deficit: f64,
    /// Σ financing cost over the horizon (£).
    pub total_financing_cost: f64,
    /// Closing deficit in the year ending on the statutory override end (£), if projected.
    pub deficit_at_override_end: Option<f64>,
    /// First year the closing deficit exceeds general fund reserves, if reserves are given.
    pub reserves_exceeded_year: Option<String>,
}

/// Metric names, in display order (the keys of `--json` output and `Projection.metrics`).
pub const METRIC_NAMES: [&str; 7] = [
    "first_balanced_year",
    "peak_deficit",
    "peak_deficit_year",
    "closing_deficit",
    "total_financing_cost",
    "deficit_at_override_end",
    "reserves_exceeded_year",
];

/// Compute the metrics from the yearly series.
pub fn metrics(
    years: &[String],
    in_year: &[f64],
    closing: &[f64],
    financing: &[f64],
    override_end: Option<usize>,
    reserves: Option<f64>,
) -> Metrics {
    let first = |pred: &dyn Fn(usize) -> bool| {
        (0..years.len())
            .find(|&t| pred(t))
            .map(|t| years[t].clone())
    };
    let mut peak_t = 0;
    for t in 1..closing.len() {
        if closing[t] > closing[peak_t] {
            peak_t = t;
        }
    }
    Metrics {
        first_balanced_year: first(&|t| in_year[t] <= 0.0),
        peak_deficit: closing.get(peak_t).copied().unwrap_or(0.0),
        peak_deficit_year: years.get(peak_t).cloned().unwrap_or_default(),
        closing_deficit: closing.last().copied().unwrap_or(0.0),
        total_financing_cost: financing.iter().sum(),
        deficit_at_override_end: override_end.map(|t| closing[t]),
        reserves_exceeded_year: reserves.and_then(|r| first(&|t| closing[t] > r)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_by_hand() {
        let years: Vec<String> = ["2024-25", "2025-26", "2026-27"].map(String::from).to_vec();
        let m = metrics(
            &years,
            &[10.0, 5.0, -1.0],
            &[20.0, 25.0, 24.0],
            &[1.0, 2.0, 3.0],
            Some(1),
            Some(22.0),
        );
        assert_eq!(m.first_balanced_year.as_deref(), Some("2026-27"));
        assert_eq!(m.peak_deficit, 25.0);
        assert_eq!(m.peak_deficit_year, "2025-26");
        assert_eq!(m.closing_deficit, 24.0);
        assert_eq!(m.total_financing_cost, 6.0);
        assert_eq!(m.deficit_at_override_end, Some(25.0));
        assert_eq!(m.reserves_exceeded_year.as_deref(), Some("2025-26"));
    }
}
