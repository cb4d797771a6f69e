//! Uncertain inputs: the optional `[uncertainty]` section of a scenario.
//!
//! Each uncertain driver has a distribution. For the three rates (EHCP growth, unit-cost
//! inflation, HNB growth) a draw is a *shock* added to the planned rate each year after the base
//! year; shocks carry over from year to year as an AR(1) process:
//!
//! `s[t] = persistence × s[t−1] + e[t]`, `s[0] = 0`, rate used in year t = planned rate + `s[t]`
//! (floored at −1, i.e. −100%),
//!
//! with `e[t]` drawn afresh from the stated distribution each year. With `persistence = 0` the
//! shocks are independent; with 0.6, 60% of last year's surprise is still there this year.
//! `correlation` (−1 to 1) links the EHCP growth and overall inflation shocks of the same year.
//!
//! For a mitigation's delivery the draw is the multiplier itself (the share of the planned
//! effect achieved, e.g. `beta` with `alpha = 8, beta = 2`, mean 0.8), drawn once per path
//! (a negative draw is taken as 0).
//!
//! ```toml
//! [uncertainty]
//! persistence = 0.6
//! correlation = 0.3
//! ehcp_growth = { distribution = "normal", sd = 0.015 }
//! inflation = { distribution = "triangular", min = -0.01, mode = 0.0, max = 0.02 }
//! hnb_growth = { distribution = "uniform", min = -0.01, max = 0.01 }
//! [uncertainty.delivery]
//! "Plans cease at 20" = { distribution = "beta", alpha = 6, beta = 3 }
//! ```

use crate::error::Issue;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// A probability distribution, written with a `distribution` tag and its parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "distribution", rename_all = "snake_case", deny_unknown_fields)]
pub enum Dist {
    /// Normal with `mean` (default 0) and standard deviation `sd` (≥ 0).
    Normal {
        #[serde(default)]
        mean: f64,
        sd: f64,
    },
    /// `shift + exp(mu + sigma × Z)`, Z standard normal; `sigma` ≥ 0, `shift` default 0.
    Lognormal {
        mu: f64,
        sigma: f64,
        #[serde(default)]
        shift: f64,
    },
    /// Triangular on [`min`, `max`] with peak at `mode` (min ≤ mode ≤ max, min < max).
    Triangular { min: f64, mode: f64, max: f64 },
    /// Uniform on [`min`, `max`] (min < max).
    Uniform { min: f64, max: f64 },
    /// Beta(`alpha`, `beta`) (both > 0) rescaled from [0, 1] to [`min`, `max`] (default 0, 1).
    Beta {
        alpha: f64,
        beta: f64,
        #[serde(default)]
        min: f64,
        #[serde(default = "one")]
        max: f64,
    },
}

fn one() -> f64 {
    1.0
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

/// The `[uncertainty]` section. Every field is optional; an absent driver stays as planned.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Uncertainty {
    /// Share of last year's rate shock carried into this year, 0 ≤ persistence < 1.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub persistence: f64,
    /// Correlation of the EHCP growth and overall inflation shocks in the same year, −1 to 1.
    /// Both drivers must be given, and neither may be `beta`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub correlation: f64,
    /// Yearly shock to total EHCP growth (fraction: 0.01 = 1 percentage point).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ehcp_growth: Option<Dist>,
    /// Yearly shock to unit-cost inflation, common to every category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inflation: Option<Dist>,
    /// Extra yearly shock to one category's inflation (added to the common one).
    #[serde(
        deserialize_with = "super::unique::map",
        default,
        skip_serializing_if = "IndexMap::is_empty"
    )]
    pub inflation_by_category: IndexMap<String, Dist>,
    /// Yearly shock to HNB growth.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hnb_growth: Option<Dist>,
    /// Cohort model only: yearly shock to every cessation rate, as a share of the rate
    /// (0.1 = 10% more plans ceasing than planned); each year's rates are multiplied by
    /// `max(0, 1 + s[t])`, `s[t]` carrying over with `persistence` like the rate shocks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cessation: Option<Dist>,
    /// Delivery multiplier by mitigation name (1 = as planned), drawn once per path.
    #[serde(
        deserialize_with = "super::unique::map",
        default,
        skip_serializing_if = "IndexMap::is_empty"
    )]
    pub delivery: IndexMap<String, Dist>,
}

impl Dist {
    /// The distribution's name as written in the file.
    pub fn kind(&self) -> &'static str {
        match self {
            Dist::Normal { .. } => "normal",
            Dist::Lognormal { .. } => "lognormal",
            Dist::Triangular { .. } => "triangular",
            Dist::Uniform { .. } => "uniform",
            Dist::Beta { .. } => "beta",
        }
    }

    /// The draw whose standard-normal score is `z`: `Q(Φ(z))` with `Q` the quantile function.
    /// Exact for normal and lognormal; for uniform and triangular Φ is computed to about 1e-7.
    /// Beta is sampled directly instead (see `simulate`), so it maps to its mean here.
    #[inline]
    pub fn from_normal(&self, z: f64) -> f64 {
        match *self {
            Dist::Normal { mean, sd } => mean + sd * z,
            Dist::Lognormal { mu, sigma, shift } => shift + (mu + sigma * z).exp(),
            Dist::Uniform { min, max } => min + (max - min) * normal_cdf(z),
            Dist::Triangular { min, mode, max } => {
                let u = normal_cdf(z);
                let f = (mode - min) / (max - min);
                if u < f {
                    min + (u * (max - min) * (mode - min)).sqrt()
                } else {
                    max - ((1.0 - u) * (max - min) * (max - mode)).sqrt()
                }
            }
            Dist::Beta {
                alpha,
                beta,
                min,
                max,
            } => min + (max - min) * alpha / (alpha + beta),
        }
    }

    /// The distribution's mean.
    pub fn mean(&self) -> f64 {
        match *self {
            Dist::Normal { mean, .. } => mean,
            Dist::Lognormal { mu, sigma, shift } => shift + (mu + sigma * sigma / 2.0).exp(),
            Dist::Triangular { min, mode, max } => (min + mode + max) / 3.0,
            Dist::Uniform { min, max } => (min + max) / 2.0,
            Dist::Beta { .. } => self.from_normal(0.0),
        }
    }

    /// Check the parameters; every problem is pushed to `v` under `path`.
    pub fn validate(&self, path: &str, v: &mut Vec<Issue>) {
        let mut bad = |field: &str, x: f64, rule: &str| {
            v.push(Issue::new(format!("{path}.{field}"), rule.to_string()).with_value(x));
        };
        let fin = |x: f64| x.is_finite();
        match *self {
            Dist::Normal { mean, sd } => {
                if !fin(mean) {
                    bad("mean", mean, "expected a finite number");
                }
                if !(fin(sd) && sd >= 0.0) {
                    bad("sd", sd, "expected a finite spread, sd ≥ 0");
                }
            }
            Dist::Lognormal { mu, sigma, shift } => {
                if !(fin(mu) && mu <= 5.0) {
                    bad("mu", mu, "expected a finite number up to 5 (exp(5) ≈ 148)");
                }
                if !(fin(sigma) && (0.0..=3.0).contains(&sigma)) {
                    bad("sigma", sigma, "expected a spread from 0 to 3");
                }
                if !fin(shift) {
                    bad("shift", shift, "expected a finite number");
                }
            }
            Dist::Triangular { min, mode, max } => {
                if !(fin(min) && fin(max) && min < max) {
                    bad("max", max, &format!("expected max above min ({min})"));
                } else if !(fin(mode) && min <= mode && mode <= max) {
                    bad(
                        "mode",
                        mode,
                        &format!("the mode must lie in its range; expected {min} to {max}"),
                    );
                }
            }
            Dist::Uniform { min, max } => {
                if !(fin(min) && fin(max) && min < max) {
                    bad("max", max, &format!("expected max above min ({min})"));
                }
            }
            Dist::Beta {
                alpha,
                beta,
                min,
                max,
            } => {
                if !(fin(alpha) && alpha > 0.0) {
                    bad("alpha", alpha, "a Beta shape must be above 0");
                }
                if !(fin(beta) && beta > 0.0) {
                    bad("beta", beta, "a Beta shape must be above 0");
                }
                if !(fin(min) && fin(max) && min < max) {
                    bad("max", max, &format!("expected max above min ({min})"));
                }
            }
        }
    }
}

/// Standard normal CDF Φ(z) = erfc(−z/√2)/2, with the Chebyshev-fitted erfc of Numerical
/// Recipes (fractional error below 1.2e-7 everywhere).
pub fn normal_cdf(z: f64) -> f64 {
    0.5 * erfc(-z / std::f64::consts::SQRT_2)
}

fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let r = t * poly.exp();
    if x >= 0.0 { r } else { 2.0 - r }
}

/// Largest yearly rate shock accepted (a fraction: 0.25 = 25 percentage points).
pub const MAX_RATE_SHOCK: f64 = 0.25;

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn normal_cdf_at_known_points() {
        assert_relative_eq!(normal_cdf(0.0), 0.5, max_relative = 1e-7);
        assert_relative_eq!(normal_cdf(1.959_963_985), 0.975, max_relative = 1e-7);
        assert_relative_eq!(normal_cdf(-1.0), 0.158_655_253_9, max_relative = 1e-6);
    }

    #[test]
    fn triangular_quantiles_by_hand() {
        // Triangular(0, 1, 4): F(1) = 1/4, so the median solves 1 − (4 − x)²/12 = 1/2: x = 4 − √6.
        let d = Dist::Triangular {
            min: 0.0,
            mode: 1.0,
            max: 4.0,
        };
        assert_relative_eq!(d.from_normal(0.0), 4.0 - 6f64.sqrt(), max_relative = 1e-6);
        assert_relative_eq!(d.mean(), 5.0 / 3.0);
    }

    #[test]
    fn bad_parameters_name_the_field() {
        let mut v = Vec::new();
        Dist::Normal {
            mean: 0.0,
            sd: -0.1,
        }
        .validate("uncertainty.ehcp_growth", &mut v);
        Dist::Beta {
            alpha: 0.0,
            beta: 2.0,
            min: 0.0,
            max: 1.0,
        }
        .validate("uncertainty.delivery.x", &mut v);
        Dist::Triangular {
            min: 0.0,
            mode: 2.0,
            max: 1.0,
        }
        .validate("uncertainty.inflation", &mut v);
        let paths: Vec<&str> = v.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "uncertainty.ehcp_growth.sd",
                "uncertainty.delivery.x.alpha",
                "uncertainty.inflation.mode"
            ]
        );
        assert_eq!(v[0].value.as_deref(), Some("-0.1"));
    }
}
