//! Actuals: what really happened, beside the plan. The `[actuals]` section holds outturn
//! figures by financial year, from up to [`MAX_YEARS_BEFORE`] years before the base year to
//! the last projected year:
//!
//! ```toml
//! [actuals]
//! closing_deficit = { "2023-24" = 65.5e6, "2024-25" = 113.3e6 }
//! in_year_deficit = { "2024-25" = 47.8e6 }
//! ehcps = { "2023-24" = 3769 }
//! ehcps_by_category.special = { "2023-24" = 1100 }
//!
//! [sources]
//! "actuals.closing_deficit" = "BCP budget papers, February 2025"
//! ```
//!
//! Actuals never change the projection: they are carried beside it, and the projection shows
//! the variance (forecast − actual) in every projected year where both exist. Years before the
//! base year are history (drawn on charts as actuals); a roll-forward reads the base values of
//! the new base year from them.

use super::unique;
use crate::error::Issue;
use crate::scenario::schedule::MAX_MONEY;
use crate::scenario::year::FinancialYear;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// Earliest actual accepted, in years before the base year.
pub const MAX_YEARS_BEFORE: i32 = 10;

/// Largest number of plans accepted for an actual EHCP count.
const MAX_PLANS: f64 = 1e7;

/// Year label → value.
pub type YearValues = IndexMap<String, f64>;

/// The `[actuals]` section: each field a table of financial years to values (£, or plans for
/// EHCPs). All optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Actuals {
    /// Cumulative deficit at 31 March of each year (£; negative = surplus).
    #[serde(
        default,
        deserialize_with = "unique::map",
        skip_serializing_if = "IndexMap::is_empty"
    )]
    pub closing_deficit: YearValues,
    /// Spend − income in each year (£; negative = surplus).
    #[serde(
        default,
        deserialize_with = "unique::map",
        skip_serializing_if = "IndexMap::is_empty"
    )]
    pub in_year_deficit: YearValues,
    /// Total high-needs income (£).
    #[serde(
        default,
        deserialize_with = "unique::map",
        skip_serializing_if = "IndexMap::is_empty"
    )]
    pub total_income: YearValues,
    /// Total high-needs expenditure (£).
    #[serde(
        default,
        deserialize_with = "unique::map",
        skip_serializing_if = "IndexMap::is_empty"
    )]
    pub total_expenditure: YearValues,
    /// High needs block allocation (£).
    #[serde(
        default,
        deserialize_with = "unique::map",
        skip_serializing_if = "IndexMap::is_empty"
    )]
    pub hnb_funding: YearValues,
    /// EHCPs at the January census within the year (plans).
    #[serde(
        default,
        deserialize_with = "unique::map",
        skip_serializing_if = "IndexMap::is_empty"
    )]
    pub ehcps: YearValues,
    /// EHCPs by placement category id (plans).
    #[serde(
        default,
        deserialize_with = "by_category",
        skip_serializing_if = "IndexMap::is_empty"
    )]
    pub ehcps_by_category: IndexMap<String, YearValues>,
}

/// A map of category ids to year tables, every map with unique keys.
fn by_category<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<IndexMap<String, YearValues>, D::Error> {
    #[derive(Deserialize)]
    #[serde(transparent)]
    struct Table(#[serde(deserialize_with = "unique::map")] YearValues);
    let m: IndexMap<String, Table> = unique::map(d)?;
    Ok(m.into_iter().map(|(k, t)| (k, t.0)).collect())
}

/// The kind of number an actual line holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActualKind {
    /// £ that may be negative (a surplus).
    SignedMoney,
    /// £, zero or more.
    Money,
    /// Plans, zero or more.
    Plans,
}

impl Actuals {
    /// True when no actual is given.
    pub fn is_empty(&self) -> bool {
        self.series().iter().all(|(_, _, v)| v.is_empty())
    }

    /// Every series as (projection line name, kind, year table), in a fixed order:
    /// `closing_deficit`, `in_year_deficit`, `total_income`, `total_expenditure`,
    /// `hnb_funding`, `ehcps`, then `ehcps.<category>` in file order.
    pub fn series(&self) -> Vec<(String, ActualKind, &YearValues)> {
        use ActualKind::*;
        let mut out = vec![
            (
                "closing_deficit".to_string(),
                SignedMoney,
                &self.closing_deficit,
            ),
            (
                "in_year_deficit".to_string(),
                SignedMoney,
                &self.in_year_deficit,
            ),
            ("total_income".to_string(), Money, &self.total_income),
            (
                "total_expenditure".to_string(),
                Money,
                &self.total_expenditure,
            ),
            ("hnb_funding".to_string(), Money, &self.hnb_funding),
            ("ehcps".to_string(), Plans, &self.ehcps),
        ];
        for (c, v) in &self.ehcps_by_category {
            out.push((format!("ehcps.{c}"), Plans, v));
        }
        out
    }

    /// The field path of a series in the file, e.g. `actuals.ehcps_by_category.special`.
    pub fn field_path(line: &str) -> String {
        match line.strip_prefix("ehcps.") {
            Some(c) => format!("actuals.ehcps_by_category.{c}"),
            None => format!("actuals.{line}"),
        }
    }

    /// The actual of `line` (a projection line name) in financial year `year`, if given.
    pub fn get(&self, line: &str, year: FinancialYear) -> Option<f64> {
        let table = match line.strip_prefix("ehcps.") {
            Some(c) => self.ehcps_by_category.get(c)?,
            None => self
                .series()
                .into_iter()
                .find(|(n, _, _)| n == line)
                .map(|(_, _, v)| v)?,
        };
        table
            .iter()
            .find(|(k, _)| FinancialYear::parse(k) == Some(year))
            .map(|(_, v)| *v)
    }

    /// Check every year (a financial year from [`MAX_YEARS_BEFORE`] years before `base` to the
    /// last projected year), every value (finite, in range for its kind) and every category.
    pub fn validate(
        &self,
        base: FinancialYear,
        horizon: usize,
        categories: &[String],
        issues: &mut Vec<Issue>,
    ) {
        let first = base.plus(-MAX_YEARS_BEFORE);
        let last = base.plus(horizon as i32 - 1);
        for c in self.ehcps_by_category.keys() {
            if !categories.contains(c) {
                issues.push(
                    Issue::new(
                        format!("actuals.ehcps_by_category.{c}"),
                        format!(
                            "no placement category {c:?} in demand.base_plans; expected one of {}",
                            categories.join(", ")
                        ),
                    )
                    .with_value(format!("{c:?}")),
                );
            }
        }
        for (line, kind, table) in self.series() {
            let path = Self::field_path(&line);
            for (label, v) in table {
                match FinancialYear::parse(label) {
                    None => issues.push(
                        Issue::new(&path, "not a financial year; write it like \"2024-25\"")
                            .with_value(format!("{label:?}")),
                    ),
                    Some(y) if y < first || y > last => issues.push(
                        Issue::new(
                            &path,
                            format!(
                                "outside the years actuals may cover; expected {first} to {last} \
                                 (up to {MAX_YEARS_BEFORE} years before the base year, to the last projected year)"
                            ),
                        )
                        .with_value(format!("{label:?}")),
                    ),
                    Some(_) => {}
                }
                if let Some(msg) = check_value(kind, *v) {
                    issues.push(
                        Issue::new(&path, msg)
                            .in_year(label.clone())
                            .with_number(*v),
                    );
                }
            }
        }
    }
}

/// `None` when `v` is allowed for `kind`; otherwise what is allowed.
fn check_value(kind: ActualKind, v: f64) -> Option<String> {
    if !v.is_finite() {
        return Some("must be a finite number".into());
    }
    match kind {
        ActualKind::SignedMoney if v.abs() > MAX_MONEY => {
            Some("expected pounds from -1e12 to 1e12 (negative = surplus)".into())
        }
        ActualKind::Money if !(0.0..=MAX_MONEY).contains(&v) => {
            Some("expected an amount in pounds from 0 to 1e12".into())
        }
        ActualKind::Plans if !(0.0..=MAX_PLANS).contains(&v) => {
            Some("expected a number of plans from 0 to 10 million".into())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_values_and_categories_are_checked() {
        let mut a = Actuals::default();
        a.closing_deficit.insert("2013-14".into(), 1.0); // 11 years before 2024-25
        a.closing_deficit.insert("2014-15".into(), -5e6); // a surplus is fine
        a.total_income.insert("2024-25".into(), -1.0);
        a.ehcps.insert("2039-40".into(), 10.0); // after the last year
        a.ehcps_by_category
            .insert("nowhere".into(), [("2024-25".to_string(), 1.0)].into());
        let mut v = Vec::new();
        a.validate(FinancialYear(2024), 15, &["special".into()], &mut v);
        let text: Vec<String> = v.iter().map(|i| i.to_string()).collect();
        assert_eq!(v.len(), 4, "{text:#?}");
        assert!(text[0].contains("actuals.ehcps_by_category.nowhere"));
        assert!(
            text.iter()
                .any(|t| t.contains("2013-14") && t.contains("2014-15 to 2038-39"))
        );
        assert!(
            text.iter()
                .any(|t| t.contains("actuals.total_income") && t.contains("0 to 1e12"))
        );
        assert!(text.iter().any(|t| t.contains("\"2039-40\"")));
    }

    #[test]
    fn get_reads_by_line_name() {
        let mut a = Actuals::default();
        a.ehcps_by_category
            .insert("special".into(), [("2024-25".to_string(), 7.0)].into());
        assert_eq!(a.get("ehcps.special", FinancialYear(2024)), Some(7.0));
        assert_eq!(a.get("ehcps.special", FinancialYear(2025)), None);
        assert_eq!(a.get("closing_deficit", FinancialYear(2024)), None);
        assert!(!a.is_empty());
        assert!(Actuals::default().is_empty());
    }
}
