//! The savings a deficit path needs: year by year, the saving (negative = headroom) that
//! makes the closing deficit equal a target path exactly.
//!
//! Safety Valve agreements and recovery plans are written as a path ("hold the deficit at
//! £207m from 2025-26, then bring it down over six years"). For each target year, in order,
//! the saving `S[t]` (a reduction in that year's spend, so in the in-year deficit) is found
//! that lands the year's closing deficit on its target; the saving acts only on its own year,
//! so earlier years stay met. On the net basis the closing deficit is
//! `opening + in_year − S − payment − write_off`, piecewise linear in `S` with slope −1 where
//! payments and write-offs are fixed amounts, and −(1 − share) where a write-off is a share;
//! the secant method lands on the target in a few projections (to half a penny). On the gross
//! basis (before payments and write-offs) the closing deficit is `opening + Σ in_year`, and
//! `S[t]` is the gap itself. Years without a target save nothing, so they keep the plan's
//! in-year position.

use crate::engine::model::{Lever, MitigationModel, Model};
use crate::engine::projection::run;
use crate::error::{Issue, ScenarioError};
use crate::scenario::schedule::{Amounts, MAX_MONEY};
use crate::scenario::year::FinancialYear;
use crate::scenario::{Effect, Mitigation, Scenario};

/// The plan with the savings as one `save` mitigation, and the savings by year (£, 0 where no
/// target; negative = headroom).
#[derive(Debug, Clone, PartialEq)]
pub struct RequiredSavings {
    pub scenario: Scenario,
    pub savings: Vec<f64>,
}

/// Within this (£) the closing deficit counts as on its target.
const PENNY: f64 = 0.005;

/// Savings that make the closing deficit of each `(year, £)` target equal it (see the module
/// documentation); `gross` reads targets before payments and write-offs. The savings become a
/// `save` mitigation called `name`.
pub fn required_savings(
    s: &Scenario,
    targets: &[(String, f64)],
    name: &str,
    gross: bool,
) -> Result<RequiredSavings, ScenarioError> {
    let base = s.base_year();
    let h = s.horizon();
    let mut issues = Vec::new();
    let mut wanted: Vec<(usize, f64, &str)> = Vec::new();
    for (y, v) in targets {
        let path = format!("closing_deficit[{y}]");
        match FinancialYear::parse(y).map(|fy| fy.0 - base.0) {
            Some(t) if (0..h as i32).contains(&t) => {
                if !v.is_finite() || v.abs() > MAX_MONEY {
                    issues.push(
                        Issue::new(
                            path,
                            "expected a closing deficit in pounds from -1e12 to 1e12",
                        )
                        .with_number(*v),
                    );
                } else {
                    wanted.push((t as usize, *v, y));
                }
            }
            _ => issues.push(
                Issue::new(
                    path,
                    format!(
                        "not a year of the projection; expected {base} to {}",
                        base.plus(h as i32 - 1)
                    ),
                )
                .with_value(format!("{y:?}")),
            ),
        }
    }
    if name.trim().is_empty() || s.mitigations.iter().any(|m| m.name == name) {
        issues.push(
            Issue::new(
                "name",
                "expected a new mitigation name, not empty and not already in the plan",
            )
            .with_value(format!("{name:?}")),
        );
    }
    if !issues.is_empty() {
        return Err(ScenarioError::Invalid(issues));
    }
    wanted.sort_by_key(|w| w.0);

    let mut m = Model::new(s);
    m.mitigations.push(MitigationModel {
        name: name.to_string(),
        phase: vec![1.0; h],
        lever: Lever::Save {
            amounts: vec![0.0; h],
        },
        delivery: 1.0,
        carried: 0.0,
    });
    let k = m.mitigations.len() - 1;
    let set = |m: &mut Model, t: usize, x: f64| {
        if let Lever::Save { amounts } = &mut m.mitigations[k].lever {
            amounts[t] = x;
        }
    };
    let measure = |m: &Model, t: usize| {
        let r = run(m);
        if gross {
            m.opening + r.in_year_deficit[..=t].iter().sum::<f64>()
        } else {
            r.deficit.closing[t]
        }
    };
    let mut savings = vec![0.0; h];
    for &(t, target, label) in &wanted {
        // Secant on f(S) = measure − target, which falls as S rises (slope −1 to 0).
        let (mut s0, mut f0) = (0.0, measure(&m, t) - target);
        let (mut s1, mut f1) = (f0, 0.0);
        let mut met = f0.abs() <= PENNY;
        if met {
            s1 = 0.0;
        }
        for _ in 0..60 {
            if met {
                break;
            }
            set(&mut m, t, s1);
            f1 = measure(&m, t) - target;
            if f1.abs() <= PENNY {
                met = true;
                break;
            }
            let slope = (f1 - f0) / (s1 - s0);
            if !slope.is_finite() || slope.abs() < 1e-9 {
                break;
            }
            (s0, f0) = (s1, f1);
            s1 -= f1 / slope;
        }
        if !met {
            return Err(ScenarioError::Invalid(vec![Issue::new(
                format!("closing_deficit[{label}]"),
                format!(
                    "no saving reaches this closing deficit: the deficit in {label} does not respond to savings there (e.g. all of it is written off, or a payment takes it to zero); the nearest reached was £{:.1}m",
                    (target + f1) / 1e6
                ),
            )
            .with_number(target)]));
        }
        set(&mut m, t, s1);
        savings[t] = s1;
    }

    let mut ns = s.clone();
    let amounts = Amounts(
        savings
            .iter()
            .enumerate()
            .filter(|(_, x)| **x != 0.0)
            .map(|(t, x)| (base.plus(t as i32).label(), *x))
            .collect(),
    );
    ns.mitigations.push(Mitigation {
        name: name.to_string(),
        start: base.label(),
        ramp_years: 1,
        effect: Effect::Save { amounts },
        carried: 0.0,
    });
    let path: Vec<String> = wanted
        .iter()
        .map(|(_, v, y)| format!("{y} £{:.1}m", v / 1e6))
        .collect();
    ns.sources.insert(
        format!("mitigations.{name}"),
        format!(
            "Savings (negative = headroom) that make the closing deficit{} follow the path {} exactly; other years keep the plan's in-year position (dsg.required_savings)",
            if gross { " before payments and write-offs" } else { "" },
            path.join(", ")
        ),
    );
    let scenario = ns.validated().and_then(crate::engine::runnable)?;
    Ok(RequiredSavings { scenario, savings })
}
