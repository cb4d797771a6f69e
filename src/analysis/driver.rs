//! Drivers: the inputs a goal seek solves for and a tornado varies.
//!
//! A driver is applied two ways that give the same numbers: straight onto a resolved [`Model`]
//! (fast, for the many projections of a search) and written back into a [`Scenario`] (to save,
//! share or re-project the answer).
//!
//! | name | value | applied |
//! |---|---|---|
//! | `block_transfer` | share of the schools block (0.01 = 1%) | from `from` year on |
//! | `hnb_growth` | HNB growth a year (0.03 = 3%) | from `from` year on |
//! | `ehcp_growth` | underlying growth of plans a year, before mitigations | from `from` year on |
//! | `unit_cost_inflation` | unit-cost inflation a year, every category | from `from` year on |
//! | `interest_rate` | cost of carrying the deficit a year | every year |
//! | `unit_cost:<category>` | base-year cost per plan (£) | every year |
//! | `mitigation:<name>` | size of the mitigation (1 = as planned, 0 = none) | every year |
//! | `cessation_rate:<age>` | cohort model: share of plans at that age ceasing a year, every category | every year |
//!
//! With the cohort model `ehcp_growth` is the growth of new plans (also readable as
//! `new_plan_growth`).

use crate::engine::model::Model;
use crate::error::{Issue, ScenarioError};
use crate::scenario::Scenario;
use crate::scenario::schedule::Schedule;
use crate::scenario::validate::MAX_BLOCK_TRANSFER;
use crate::scenario::year::FinancialYear;
use indexmap::IndexMap;

/// One input that a goal seek or tornado can set.
#[derive(Debug, Clone, PartialEq)]
pub enum Driver {
    BlockTransfer,
    HnbGrowth,
    EhcpGrowth,
    UnitCostInflation,
    InterestRate,
    /// Category index and id.
    UnitCost(usize, String),
    /// Mitigation index and name.
    Mitigation(usize, String),
    /// Cohort model: the cessation rate at an age, every category.
    CessationRate(usize),
}

/// The fixed driver names (unit costs and mitigations are named per scenario).
pub const RATE_DRIVERS: [&str; 5] = [
    "block_transfer",
    "hnb_growth",
    "ehcp_growth",
    "unit_cost_inflation",
    "interest_rate",
];

impl Driver {
    /// Read a driver name: one of [`RATE_DRIVERS`], `unit_cost:<category id>`, or
    /// `mitigation:<name>` (a bare mitigation name also works). The error lists what is allowed.
    pub fn parse(name: &str, s: &Scenario) -> Result<Driver, ScenarioError> {
        let name = name.trim();
        let d = match name {
            "block_transfer" => Some(Driver::BlockTransfer),
            "hnb_growth" => Some(Driver::HnbGrowth),
            "ehcp_growth" => Some(Driver::EhcpGrowth),
            "new_plan_growth" if s.demand.cohort.is_some() => Some(Driver::EhcpGrowth),
            "unit_cost_inflation" => Some(Driver::UnitCostInflation),
            "interest_rate" => Some(Driver::InterestRate),
            _ => None,
        };
        if let Some(d) = d {
            return Ok(d);
        }
        if let Some(cat) = name.strip_prefix("unit_cost:") {
            let cats = s.categories();
            return match cats.iter().position(|c| c == cat.trim()) {
                Some(c) => Ok(Driver::UnitCost(c, cats[c].clone())),
                None => Err(invalid(
                    Issue::new(
                        "lever",
                        format!(
                            "no placement category {:?}; expected unit_cost: followed by one of {}",
                            cat.trim(),
                            cats.join(", ")
                        ),
                    )
                    .with_value(format!("{name:?}")),
                )),
            };
        }
        if let Some(age) = name.strip_prefix("cessation_rate:") {
            let ages = s.demand.cohort.as_ref().map_or(0, |c| c.n_ages());
            return match age.trim().parse::<usize>() {
                Ok(a) if a < ages => Ok(Driver::CessationRate(a)),
                _ => Err(invalid(
                    Issue::new(
                        "lever",
                        if ages == 0 {
                            "cessation rates are levers of the cohort model; this scenario uses the growth model".to_string()
                        } else {
                            format!("expected cessation_rate: followed by an age from 0 to {}", ages - 1)
                        },
                    )
                    .with_value(format!("{name:?}")),
                )),
            };
        }
        let wanted = name.strip_prefix("mitigation:").unwrap_or(name).trim();
        if let Some(i) = s.mitigations.iter().position(|m| m.name == wanted) {
            return Ok(Driver::Mitigation(i, wanted.to_string()));
        }
        let mut allowed: Vec<String> = RATE_DRIVERS.iter().map(|d| d.to_string()).collect();
        allowed.extend(s.categories().iter().map(|c| format!("unit_cost:{c}")));
        allowed.extend(
            s.mitigations
                .iter()
                .map(|m| format!("mitigation:{}", m.name)),
        );
        let what = if name.starts_with("mitigation:") {
            "no mitigation of that name"
        } else {
            "unknown lever"
        };
        Err(invalid(
            Issue::new(
                "lever",
                format!("{what}; expected one of {}", allowed.join(", ")),
            )
            .with_value(format!("{name:?}")),
        ))
    }

    /// Every driver of `s`, in the order a tornado lists them before sorting.
    pub fn all(s: &Scenario) -> Vec<Driver> {
        let mut out = vec![
            Driver::HnbGrowth,
            Driver::BlockTransfer,
            Driver::EhcpGrowth,
            Driver::UnitCostInflation,
            Driver::InterestRate,
        ];
        out.extend(
            s.categories()
                .into_iter()
                .enumerate()
                .map(|(c, id)| Driver::UnitCost(c, id)),
        );
        out.extend(
            s.mitigations
                .iter()
                .enumerate()
                .map(|(i, m)| Driver::Mitigation(i, m.name.clone())),
        );
        // The cohort model's cessation rate in the last year of post-16 education.
        if s.demand.cohort.as_ref().is_some_and(|c| c.n_ages() > 19) {
            out.push(Driver::CessationRate(19));
        }
        out
    }

    /// The name [`Driver::parse`] reads.
    pub fn name(&self) -> String {
        match self {
            Driver::BlockTransfer => "block_transfer".into(),
            Driver::HnbGrowth => "hnb_growth".into(),
            Driver::EhcpGrowth => "ehcp_growth".into(),
            Driver::UnitCostInflation => "unit_cost_inflation".into(),
            Driver::InterestRate => "interest_rate".into(),
            Driver::UnitCost(_, id) => format!("unit_cost:{id}"),
            Driver::Mitigation(_, name) => format!("mitigation:{name}"),
            Driver::CessationRate(a) => format!("cessation_rate:{a}"),
        }
    }

    /// A label a committee can read, e.g. "EHCP growth a year".
    pub fn label(&self, s: &Scenario) -> String {
        match self {
            Driver::BlockTransfer => "Block transfer (share of schools block)".into(),
            Driver::HnbGrowth => "HNB funding growth a year".into(),
            Driver::EhcpGrowth if s.demand.cohort.is_some() => "New-plan growth a year".into(),
            Driver::EhcpGrowth => "EHCP growth a year".into(),
            Driver::UnitCostInflation => "Unit-cost inflation a year".into(),
            Driver::InterestRate => "Interest rate on the deficit".into(),
            Driver::UnitCost(_, id) => format!("Unit cost: {}", s.category_label(id)),
            Driver::Mitigation(_, name) => format!("Mitigation size: {name}"),
            Driver::CessationRate(a) => format!("Plans ceasing a year at age {a}"),
        }
    }

    /// Unit of the driver's value: "share", "rate", "£ per plan" or "× planned".
    pub fn unit(&self) -> &'static str {
        match self {
            Driver::BlockTransfer | Driver::CessationRate(_) => "share",
            Driver::HnbGrowth
            | Driver::EhcpGrowth
            | Driver::UnitCostInflation
            | Driver::InterestRate => "rate",
            Driver::UnitCost(..) => "£ per plan",
            Driver::Mitigation(..) => "× planned",
        }
    }

    /// The closed range of values a valid scenario allows for this driver.
    pub fn allowed(&self) -> (f64, f64) {
        match self {
            Driver::BlockTransfer => (0.0, MAX_BLOCK_TRANSFER),
            Driver::HnbGrowth | Driver::EhcpGrowth | Driver::UnitCostInflation => (-0.99, 1.0),
            Driver::InterestRate => (0.0, 0.25),
            Driver::UnitCost(..) => (0.0, 10_000_000.0),
            Driver::Mitigation(..) => (0.0, 10.0),
            Driver::CessationRate(_) => (0.0, 1.0),
        }
    }

    /// Does the driver take a "from" year (rates and shares) or apply to every year?
    pub fn takes_from_year(&self) -> bool {
        matches!(
            self,
            Driver::BlockTransfer
                | Driver::HnbGrowth
                | Driver::EhcpGrowth
                | Driver::UnitCostInflation
        )
    }

    /// The value scenario `s` (resolved as `m`) has now in year index `t` (for growth rates
    /// the first year with a rate, t ≥ 1, when the horizon allows). For
    /// `unit_cost_inflation` this is the default `cost.inflation` schedule's value, which
    /// categories with their own `inflation_by_category` do not follow.
    pub fn current(&self, s: &Scenario, m: &Model, t: usize) -> f64 {
        let g = if m.horizon > 1 { t.max(1) } else { t };
        match self {
            Driver::BlockTransfer => m.transfer_share[t],
            Driver::HnbGrowth => m.hnb_growth[g],
            Driver::EhcpGrowth => m.plan_growth[g],
            Driver::UnitCostInflation => s.cost.inflation.resolve(s.base_year(), m.horizon)[g],
            Driver::InterestRate => m.interest_rate,
            Driver::UnitCost(c, _) => m.unit_cost_base[*c],
            Driver::Mitigation(i, _) => m.mitigations[*i].delivery,
            Driver::CessationRate(a) => s.demand.cohort.as_ref().map_or(0.0, |c| c.cessation[*a]),
        }
    }

    /// Set the driver to `value` in `m` from year index `from` on (rates and shares) or
    /// throughout (the others). Mirrors [`Driver::write`] exactly for rates, shares and costs.
    pub fn apply(&self, m: &mut Model, value: f64, from: usize) {
        let h = m.horizon;
        let nc = m.n_categories();
        match self {
            Driver::BlockTransfer => m.transfer_share[from..].fill(value),
            Driver::HnbGrowth => m.hnb_growth[from..].fill(value),
            Driver::EhcpGrowth => m.plan_growth[from..].fill(value),
            Driver::UnitCostInflation => m.inflation[from * nc..h * nc].fill(value),
            Driver::InterestRate => m.interest_rate = value,
            Driver::UnitCost(c, _) => m.unit_cost_base[*c] = value,
            Driver::Mitigation(i, _) => m.mitigations[*i].delivery = value,
            Driver::CessationRate(a) => {
                if let Some(co) = &mut m.cohort {
                    co.cessation[a * nc..(a + 1) * nc].fill(value);
                }
            }
        }
    }

    /// A copy of `s` with the driver set to `value` from year index `from` on, validated.
    /// A mitigation's size scales its effect ([`crate::scenario::Effect::scaled`]).
    pub fn write(&self, s: &Scenario, value: f64, from: usize) -> Result<Scenario, ScenarioError> {
        let mut out = s.clone();
        let base = s.base_year();
        let set = |sch: &Schedule| set_from(sch, base, from, value);
        match self {
            Driver::BlockTransfer => out.funding.block_transfer = set(&s.funding.block_transfer),
            Driver::HnbGrowth => out.funding.hnb_growth = set(&s.funding.hnb_growth),
            Driver::EhcpGrowth => out.demand.growth = set(&s.demand.growth),
            Driver::UnitCostInflation => {
                out.cost.inflation = set(&s.cost.inflation);
                for sch in out.cost.inflation_by_category.values_mut() {
                    *sch = set(sch);
                }
            }
            Driver::InterestRate => out.financing.interest_rate = value,
            Driver::UnitCost(_, id) => {
                out.cost.unit_cost.insert(id.clone(), value);
            }
            Driver::Mitigation(i, _) => {
                out.mitigations[*i].effect = s.mitigations[*i].effect.scaled(value);
            }
            Driver::CessationRate(a) => {
                if let Some(c) = &mut out.demand.cohort {
                    c.cessation[*a] = value;
                    for rates in c.cessation_by_category.values_mut() {
                        rates[*a] = value;
                    }
                }
            }
        }
        out.validated().and_then(crate::engine::runnable)
    }
}

impl Driver {
    /// The part of `bounds` where the scenario with the driver written back (from year index
    /// `from`) is valid, assuming validity changes only once on each side of the anchor `start`
    /// (the scenario's own value, clamped into the bounds); each edge is found by bisection to
    /// a four-billionth of the range. A mitigation scaled up, or plan growth scaled down, can
    /// ask to move or cease more plans than a placement holds, which no valid scenario does.
    /// Errors (naming `field`) when no value in the bounds is valid.
    pub fn valid_range(
        &self,
        s: &Scenario,
        from: usize,
        bounds: (f64, f64),
        start: f64,
        field: &str,
    ) -> Result<(f64, f64), ScenarioError> {
        let (lo, hi) = bounds;
        let valid = |x: f64| self.write(s, x, from).is_ok();
        let (ok_lo, ok_hi) = (valid(lo), valid(hi));
        if ok_lo && ok_hi {
            return Ok(bounds);
        }
        let inside = start.clamp(lo, hi);
        let anchor = if valid(inside) {
            inside
        } else if ok_lo {
            lo
        } else if ok_hi {
            hi
        } else {
            let e = self.write(s, inside, from).expect_err("checked invalid");
            let mut issues = vec![
                Issue::new(
                    field,
                    "no value in this range gives a valid scenario (listed below); a mitigation would move or cease more plans than a placement holds",
                )
                .with_value(format!("{} from {lo} to {hi}", self.name())),
            ];
            issues.extend(e.issues());
            return Err(ScenarioError::Invalid(issues));
        };
        // Bisect between a valid `good` and an invalid `bad`; return the last valid value.
        let edge = |mut good: f64, mut bad: f64| {
            for _ in 0..32 {
                let mid = 0.5 * (good + bad);
                if valid(mid) {
                    good = mid;
                } else {
                    bad = mid;
                }
            }
            good
        };
        let new_lo = if ok_lo { lo } else { edge(anchor, lo) };
        let new_hi = if ok_hi { hi } else { edge(anchor, hi) };
        Ok((new_lo, new_hi))
    }
}

/// A driver value in its unit, as every message and table shows it: shares and rates as
/// percentages to 2 decimals ("2.35%"), unit costs in whole pounds with thousands separators
/// ("£41,250 per plan"), mitigation sizes to 2 decimals ("0.85 × planned").
pub fn show_value(v: f64, unit: &str) -> String {
    match unit {
        "share" | "rate" => format!("{:.2}%", v * 100.0),
        "£ per plan" => {
            let whole = format!("{:.0}", v.abs());
            let mut grouped = String::new();
            for (k, ch) in whole.chars().enumerate() {
                if k > 0 && (whole.len() - k) % 3 == 0 {
                    grouped.push(',');
                }
                grouped.push(ch);
            }
            let sign = if v < 0.0 && whole != "0" { "-" } else { "" };
            format!("{sign}£{grouped} per plan")
        }
        _ => format!("{v:.2} × planned"),
    }
}

/// `sch` with `value` from year index `from` on and the earlier years unchanged.
pub fn set_from(sch: &Schedule, base: FinancialYear, from: usize, value: f64) -> Schedule {
    if from == 0 {
        return Schedule::Constant(value);
    }
    let cut = base.plus(from as i32);
    let mut steps: IndexMap<String, f64> = match sch {
        Schedule::Constant(v) => IndexMap::from([(base.label(), *v)]),
        Schedule::Steps(m) => m
            .iter()
            .filter(|(k, _)| FinancialYear::parse(k).is_some_and(|y| y < cut))
            .map(|(k, v)| (k.clone(), *v))
            .collect(),
    };
    steps.insert(cut.label(), value);
    Schedule::Steps(steps)
}

fn invalid(issue: Issue) -> ScenarioError {
    ScenarioError::Invalid(vec![issue])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn show_value_formats_each_unit() {
        assert_eq!(show_value(0.023456, "rate"), "2.35%");
        assert_eq!(show_value(0.01, "share"), "1.00%");
        assert_eq!(show_value(41_250.4, "£ per plan"), "£41,250 per plan");
        assert_eq!(show_value(1_234_567.0, "£ per plan"), "£1,234,567 per plan");
        assert_eq!(show_value(999.0, "£ per plan"), "£999 per plan");
        assert_eq!(show_value(0.849, "× planned"), "0.85 × planned");
    }

    #[test]
    fn set_from_keeps_earlier_steps_and_drops_later_ones() {
        let mut m = IndexMap::new();
        m.insert("2024-25".to_string(), 0.005);
        m.insert("2025-26".to_string(), 0.01);
        m.insert("2030-31".to_string(), 0.002);
        let s = set_from(&Schedule::Steps(m), FinancialYear(2024), 3, 0.015);
        assert_eq!(
            s.resolve(FinancialYear(2024), 8),
            vec![0.005, 0.01, 0.01, 0.015, 0.015, 0.015, 0.015, 0.015]
        );
        let c = set_from(&Schedule::Constant(0.03), FinancialYear(2024), 2, 0.05);
        assert_eq!(
            c.resolve(FinancialYear(2024), 4),
            vec![0.03, 0.03, 0.05, 0.05]
        );
    }
}
