//! Year-indexed inputs: rates that hold until changed, and one-off amounts per year.

use crate::error::Issue;
use crate::scenario::year::FinancialYear;
use indexmap::IndexMap;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

/// A value that applies from a year onwards until the next change: a growth rate, a transfer
/// share, a number of places.
///
/// Written either as one number for every year (`hnb_growth = 0.03`) or as a table of
/// financial years to values (`block_transfer = { "2024-25" = 0.005, "2025-26" = 0.01 }`),
/// where each value holds from its year until the next listed year. A table must start at the
/// scenario's base year, so no year is left without a value.
#[derive(Debug, Clone, PartialEq)]
pub enum Schedule {
    /// The same value in every year.
    Constant(f64),
    /// Step changes: year label to the value from that year on.
    Steps(IndexMap<String, f64>),
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule::Constant(0.0)
    }
}

impl Schedule {
    /// The value in each projection year, starting at `base`. Call only on a validated schedule.
    pub fn resolve(&self, base: FinancialYear, horizon: usize) -> Vec<f64> {
        match self {
            Schedule::Constant(v) => vec![*v; horizon],
            Schedule::Steps(map) => {
                let mut steps: Vec<(i32, f64)> = map
                    .iter()
                    .filter_map(|(k, v)| FinancialYear::parse(k).map(|y| (y.0 - base.0, *v)))
                    .collect();
                steps.sort_by_key(|s| s.0);
                let mut out = Vec::with_capacity(horizon);
                let mut current = steps.first().map_or(0.0, |s| s.1);
                let mut next = 0;
                for t in 0..horizon as i32 {
                    while next < steps.len() && steps[next].0 <= t {
                        current = steps[next].1;
                        next += 1;
                    }
                    out.push(current);
                }
                out
            }
        }
    }

    /// Multiply every value by `k` (used for what-ifs and for scaling money inputs).
    pub fn scaled(&self, k: f64) -> Schedule {
        match self {
            Schedule::Constant(v) => Schedule::Constant(v * k),
            Schedule::Steps(m) => {
                Schedule::Steps(m.iter().map(|(y, v)| (y.clone(), v * k)).collect())
            }
        }
    }

    /// Check a schedule whose value applies in its own year (a block transfer share, a number
    /// of places): every year label and value, and a table must start at the base year.
    /// `check` returns what is allowed when a value is not.
    pub fn validate(
        &self,
        path: &str,
        base: FinancialYear,
        horizon: usize,
        check: impl Fn(f64) -> Option<String>,
        issues: &mut Vec<Issue>,
    ) {
        self.validate_as(path, base, horizon, check, Applies::InItsYear, issues)
    }

    /// Check a growth-rate schedule. A growth rate is the change *into* a year from the year
    /// before, so it applies from the year after the base year (the base year's values are
    /// given directly): `{ "2025-26" = 0.06 }` is growth from 2024-25 to 2025-26. A table may
    /// start at the base year (its value then holds from the year after) or at the year after.
    /// A base-year value beside a value for the year after is never used; the projection says
    /// so in a note ([`unused_base_growth`]).
    pub fn validate_growth(
        &self,
        path: &str,
        base: FinancialYear,
        horizon: usize,
        check: impl Fn(f64) -> Option<String>,
        issues: &mut Vec<Issue>,
    ) {
        self.validate_as(
            path,
            base,
            horizon,
            check,
            Applies::FromYearAfterBase,
            issues,
        )
    }

    fn validate_as(
        &self,
        path: &str,
        base: FinancialYear,
        horizon: usize,
        check: impl Fn(f64) -> Option<String>,
        applies: Applies,
        issues: &mut Vec<Issue>,
    ) {
        match self {
            Schedule::Constant(v) => {
                if let Some(msg) = check(*v) {
                    issues.push(Issue::new(path, msg).with_number(*v));
                }
            }
            Schedule::Steps(map) => {
                if map.is_empty() {
                    issues.push(Issue::new(
                        path,
                        "an empty table; give a number or at least the base year",
                    ));
                    return;
                }
                let next = base.plus(1);
                let (mut has_base, mut has_next) = (false, false);
                for (label, v) in map {
                    if let Some(y) = check_year(path, label, base, horizon, issues) {
                        has_base |= y == base;
                        has_next |= y == next;
                    }
                    if let Some(msg) = check(*v) {
                        issues.push(Issue::new(path, msg).in_year(label.clone()).with_number(*v));
                    }
                }
                match applies {
                    Applies::InItsYear if !has_base => issues.push(Issue::new(
                        path,
                        format!("the table must start at the base year {base}, so every year has a value"),
                    )),
                    Applies::FromYearAfterBase if horizon > 1 && !has_base && !has_next => {
                        issues.push(Issue::new(
                            path,
                            format!("the table must start at {next} (or the base year {base}): growth applies from the year after the base year, and the rate listed for a year is the growth from the year before into it"),
                        ))
                    }
                    _ => {}
                }
            }
        }
    }
}

/// For a growth-rate table listing both the base year and the year after, the base year's
/// label and value: that value is never used (see [`Schedule::validate_growth`]).
pub fn unused_base_growth(s: &Schedule, base: FinancialYear) -> Option<(String, f64)> {
    let Schedule::Steps(map) = s else {
        return None;
    };
    let mut found = None;
    let mut has_next = false;
    for (label, v) in map {
        match FinancialYear::parse(label) {
            Some(y) if y == base => found = Some((label.clone(), *v)),
            Some(y) if y == base.plus(1) => has_next = true,
            _ => {}
        }
    }
    found.filter(|_| has_next)
}

/// Which years a schedule's values apply to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Applies {
    /// The value listed for a year is used in that year (transfer shares, places).
    InItsYear,
    /// The value listed for a year is the growth into it; the base year's is never used.
    FromYearAfterBase,
}

/// Parse `label` and check it is a financial year inside the projection; report otherwise.
pub(crate) fn check_year(
    path: &str,
    label: &str,
    base: FinancialYear,
    horizon: usize,
    issues: &mut Vec<Issue>,
) -> Option<FinancialYear> {
    let last = base.plus(horizon as i32 - 1);
    match FinancialYear::parse(label) {
        None => {
            issues.push(
                Issue::new(path, "not a financial year; write it like \"2024-25\"")
                    .with_value(format!("{label:?}")),
            );
            None
        }
        Some(y) if y < base || y > last => {
            issues.push(
                Issue::new(
                    path,
                    format!("outside the projection; expected {base} to {last}"),
                )
                .with_value(format!("{label:?}")),
            );
            None
        }
        Some(y) => Some(y),
    }
}

impl Serialize for Schedule {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Schedule::Constant(v) => s.serialize_f64(*v),
            Schedule::Steps(m) => m.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Schedule {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Schedule;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number, or a table of financial years to numbers like { \"2024-25\" = 0.03 }")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Schedule, E> {
                Ok(Schedule::Constant(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Schedule, E> {
                Ok(Schedule::Constant(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Schedule, E> {
                Ok(Schedule::Constant(v as f64))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Schedule, A::Error> {
                let mut m = IndexMap::new();
                while let Some(k) = a.next_key::<String>()? {
                    if let Some(why) = super::unique::clash(m.keys(), &k) {
                        return Err(de::Error::custom(why));
                    }
                    let v = a.next_value::<f64>()?;
                    m.insert(k, v);
                }
                Ok(Schedule::Steps(m))
            }
        }
        d.deserialize_any(V)
    }
}

/// Money in particular years only (£), zero in every other year: Safety Valve instalments, a
/// general fund contribution, an invest-to-save budget. Written as
/// `{ "2025-26" = 1_400_000, "2026-27" = 1_400_000 }`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Amounts(#[serde(deserialize_with = "super::unique::map")] pub IndexMap<String, f64>);

impl Amounts {
    /// The amount in each projection year (£), zero where none is given. Call only when valid.
    pub fn resolve(&self, base: FinancialYear, horizon: usize) -> Vec<f64> {
        let mut out = vec![0.0; horizon];
        for (k, v) in &self.0 {
            if let Some(y) = FinancialYear::parse(k) {
                let t = (y.0 - base.0) as usize;
                if t < horizon {
                    out[t] += v;
                }
            }
        }
        out
    }

    /// Multiply every amount by `k`.
    pub fn scaled(&self, k: f64) -> Amounts {
        Amounts(self.0.iter().map(|(y, v)| (y.clone(), v * k)).collect())
    }

    /// Check each year is in the projection and each amount is finite and not negative.
    pub fn validate(
        &self,
        path: &str,
        base: FinancialYear,
        horizon: usize,
        issues: &mut Vec<Issue>,
    ) {
        for (label, v) in &self.0 {
            check_year(path, label, base, horizon, issues);
            if let Some(msg) = non_negative_money(*v) {
                issues.push(Issue::new(path, msg).in_year(label.clone()).with_number(*v));
            }
        }
    }
}

impl Amounts {
    /// As [`Amounts::validate`], but an amount may be negative (down to −[`MAX_MONEY`]): a
    /// `save` line's negative amount is headroom, spend the plan may add.
    pub fn validate_signed(
        &self,
        path: &str,
        base: FinancialYear,
        horizon: usize,
        issues: &mut Vec<Issue>,
    ) {
        for (label, v) in &self.0 {
            check_year(path, label, base, horizon, issues);
            if let Some(msg) = non_negative_money(v.abs()) {
                let msg = msg.replace("0 to 1e12", "-1e12 to 1e12");
                issues.push(Issue::new(path, msg).in_year(label.clone()).with_number(*v));
            }
        }
    }
}

/// Largest amount of money accepted anywhere in a scenario (£1 trillion): far above any
/// council's budget (England's whole DSG is about £65bn), and low enough that nothing the
/// projection computes from it can overflow to infinity.
pub const MAX_MONEY: f64 = 1e12;

/// `None` when `v` is a finite amount of money from 0 to [`MAX_MONEY`]; otherwise what is
/// allowed.
pub(crate) fn non_negative_money(v: f64) -> Option<String> {
    if !v.is_finite() {
        Some("must be a finite amount in pounds".into())
    } else if v < 0.0 {
        Some("must not be negative; expected an amount in pounds of 0 or more".into())
    } else if v > MAX_MONEY {
        Some(
            "above £1 trillion is not a plausible amount; money is in pounds, expected 0 to 1e12"
                .into(),
        )
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_hold_until_the_next_change() {
        let mut m = IndexMap::new();
        m.insert("2024-25".to_string(), 0.005);
        m.insert("2026-27".to_string(), 0.01);
        let s = Schedule::Steps(m);
        assert_eq!(
            s.resolve(FinancialYear(2024), 4),
            vec![0.005, 0.005, 0.01, 0.01]
        );
    }

    #[test]
    fn steps_must_start_at_base_year_and_stay_inside() {
        let mut m = IndexMap::new();
        m.insert("2026-27".to_string(), 0.01);
        m.insert("2050-51".to_string(), 0.01);
        let mut issues = vec![];
        Schedule::Steps(m).validate("x", FinancialYear(2024), 15, |_| None, &mut issues);
        assert_eq!(issues.len(), 2, "{issues:?}");
        assert!(issues[0].message.contains("outside the projection"));
        assert!(
            issues[1]
                .message
                .contains("must start at the base year 2024-25")
        );
    }

    #[test]
    fn amounts_are_zero_elsewhere() {
        let mut m = IndexMap::new();
        m.insert("2025-26".to_string(), 5.0);
        assert_eq!(
            Amounts(m).resolve(FinancialYear(2024), 3),
            vec![0.0, 5.0, 0.0]
        );
    }
}
