//! Checks of the optional `[uncertainty]` section against the rest of the scenario
//! (categories and mitigation names it refers to, plausible sizes of rate shocks).

use super::Scenario;
use super::uncertainty::{Dist, MAX_RATE_SHOCK};
use crate::error::Issue;

/// A rate shock's parameters are fractions of a year's rate; a spread or bound above
/// [`MAX_RATE_SHOCK`] is almost certainly a percentage typed as a number (1.5 for 1.5%).
fn plausible_rate_shock(path: &str, d: &Dist, v: &mut Vec<Issue>) {
    let params = scale_params(d);
    for (field, x) in params {
        if x.is_finite() && x.abs() > MAX_RATE_SHOCK {
            v.push(
                Issue::new(
                    format!("{path}.{field}"),
                    format!(
                        "a yearly rate shock this large is not plausible; rates are fractions (0.015 = 1.5 points), expected -{MAX_RATE_SHOCK} to {MAX_RATE_SHOCK}"
                    ),
                )
                .with_value(x),
            );
        }
    }
    // A lognormal's spread is exp(mu + sigma Z): check its median and a high quantile.
    if let Dist::Lognormal { mu, sigma, shift } = *d {
        let high = shift + (mu + 2.0 * sigma).exp();
        if high.is_finite() && high.abs() > MAX_RATE_SHOCK {
            v.push(
                Issue::new(
                    format!("{path}.mu"),
                    format!(
                        "shift + exp(mu + 2 sigma) = {high:.3}: a yearly rate shock this large is not plausible; expected within ±{MAX_RATE_SHOCK}"
                    ),
                )
                .with_value(mu),
            );
        }
    }
}

/// Every problem with `s.uncertainty` (nothing when the section is absent).
pub fn validate_uncertainty(s: &Scenario, v: &mut Vec<Issue>) {
    let Some(u) = &s.uncertainty else {
        return;
    };
    if !(u.persistence.is_finite() && (0.0..1.0).contains(&u.persistence)) {
        v.push(
            Issue::new(
                "uncertainty.persistence",
                "expected a share of last year's shock from 0 up to (not including) 1",
            )
            .with_value(u.persistence),
        );
    }
    if !(u.correlation.is_finite() && (-1.0..=1.0).contains(&u.correlation)) {
        v.push(
            Issue::new(
                "uncertainty.correlation",
                "expected a correlation from −1 to 1",
            )
            .with_value(u.correlation),
        );
    } else if u.correlation != 0.0 {
        for (name, d) in [("ehcp_growth", &u.ehcp_growth), ("inflation", &u.inflation)] {
            match d {
                None => v.push(
                    Issue::new(
                        "uncertainty.correlation",
                        format!("a correlation needs a distribution for uncertainty.{name}"),
                    )
                    .with_value(u.correlation),
                ),
                Some(Dist::Beta { .. }) => v.push(Issue::new(
                    format!("uncertainty.{name}.distribution"),
                    "a correlated shock must be normal, lognormal, triangular or uniform, not beta",
                )),
                Some(_) => {}
            }
        }
    }
    for (name, d) in [
        ("ehcp_growth", &u.ehcp_growth),
        ("inflation", &u.inflation),
        ("hnb_growth", &u.hnb_growth),
    ] {
        if let Some(d) = d {
            d.validate(&format!("uncertainty.{name}"), v);
            plausible_rate_shock(&format!("uncertainty.{name}"), d, v);
        }
    }
    if let Some(d) = &u.cessation {
        d.validate("uncertainty.cessation", v);
        if s.demand.model != crate::scenario::cohort::DemandKind::Cohort {
            v.push(Issue::new(
                "uncertainty.cessation",
                "shocks the cohort model's cessation rates; this scenario uses the growth model (set demand.model = \"cohort\", or remove it)",
            ));
        }
        plausible_share_shock("uncertainty.cessation", d, v);
    }
    let cats = s.categories();
    for (c, d) in &u.inflation_by_category {
        let path = format!("uncertainty.inflation_by_category.{c}");
        if !cats.contains(c) {
            v.push(Issue::new(
                path.clone(),
                format!(
                    "unknown placement category; expected one of {}",
                    cats.join(", ")
                ),
            ));
        }
        d.validate(&path, v);
        plausible_rate_shock(&path, d, v);
    }
    let names: Vec<&str> = s.mitigations.iter().map(|m| m.name.as_str()).collect();
    for (n, d) in &u.delivery {
        let path = format!("uncertainty.delivery.{n}");
        if !names.contains(&n.as_str()) {
            v.push(Issue::new(
                path.clone(),
                format!(
                    "no mitigation has this name; expected one of: {}",
                    if names.is_empty() {
                        "(no mitigations)".to_string()
                    } else {
                        names.join("; ")
                    }
                ),
            ));
        }
        d.validate(&path, v);
    }
}

/// A distribution's parameters in the unit of its draws (location, spread and bounds; not a
/// lognormal's `mu` and `sigma`, which are on the log scale), by field name.
fn scale_params(d: &Dist) -> Vec<(&'static str, f64)> {
    match *d {
        Dist::Normal { mean, sd } => vec![("mean", mean), ("sd", sd)],
        Dist::Lognormal { shift, .. } => vec![("shift", shift)],
        Dist::Triangular { min, mode, max } => vec![("min", min), ("mode", mode), ("max", max)],
        Dist::Uniform { min, max } => vec![("min", min), ("max", max)],
        Dist::Beta { min, max, .. } => vec![("min", min), ("max", max)],
    }
}

/// Largest cessation shock accepted, as a share of the planned rates (1 = double them).
pub const MAX_SHARE_SHOCK: f64 = 1.0;

/// A cessation shock is a share of the planned rates; a spread above [`MAX_SHARE_SHOCK`] is
/// almost certainly a percentage typed as a number (10 for 10%).
fn plausible_share_shock(path: &str, d: &Dist, v: &mut Vec<Issue>) {
    let params = scale_params(d);
    for (field, x) in params {
        if x.is_finite() && x.abs() > MAX_SHARE_SHOCK {
            v.push(
                Issue::new(
                    format!("{path}.{field}"),
                    format!("a yearly shock this large is not plausible; it is a share of the planned cessation rates (0.1 = 10% more), expected -{MAX_SHARE_SHOCK} to {MAX_SHARE_SHOCK}"),
                )
                .with_value(x),
            );
        }
    }
}
