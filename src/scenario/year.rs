//! Financial years, April to March, labelled the way councils write them: "2024-25".

use std::fmt;

/// An English local-government financial year, 1 April to 31 March.
///
/// Stored as the calendar year in which it starts: `FinancialYear(2024)` is "2024-25",
/// which ends on 31 March 2025.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FinancialYear(pub i32);

impl FinancialYear {
    /// Parse a label such as "2024-25" (also accepts "2024/25"). Returns `None` when the text
    /// is not a financial-year label or the second part does not follow the first.
    pub fn parse(label: &str) -> Option<Self> {
        let label = label.trim();
        let (a, b) = label.split_once(['-', '/'])?;
        if a.len() != 4 || b.len() != 2 {
            return None;
        }
        let start: i32 = a.parse().ok()?;
        let end: i32 = b.parse().ok()?;
        if !(1900..=2200).contains(&start) || (start + 1) % 100 != end {
            return None;
        }
        Some(FinancialYear(start))
    }

    /// The year `n` years after this one.
    pub fn plus(self, n: i32) -> Self {
        FinancialYear(self.0 + n)
    }

    /// The label, e.g. "2024-25".
    pub fn label(self) -> String {
        if !(0..=9999).contains(&self.0) {
            return self.to_string();
        }
        // Built digit by digit: labels are made for every line of every projection.
        let y = self.0 as u32;
        let e = (y + 1) % 100;
        let d = |n: u32| b'0' + n as u8;
        let bytes = [
            d(y / 1000),
            d(y / 100 % 10),
            d(y / 10 % 10),
            d(y % 10),
            b'-',
            d(e / 10),
            d(e % 10),
        ];
        String::from_utf8(bytes.to_vec()).unwrap_or_default()
    }

    /// The calendar year in which this financial year ends (31 March).
    pub fn end_calendar_year(self) -> i32 {
        self.0 + 1
    }
}

impl fmt::Display for FinancialYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:02}", self.0, (self.0 + 1).rem_euclid(100))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_labels() {
        assert_eq!(FinancialYear::parse("2024-25"), Some(FinancialYear(2024)));
        assert_eq!(FinancialYear::parse("2099/00"), Some(FinancialYear(2099)));
        assert_eq!(FinancialYear(2099).label(), "2099-00");
        assert_eq!(FinancialYear(2024).plus(3).label(), "2027-28");
    }

    #[test]
    fn rejects_non_labels() {
        for bad in ["2024", "2024-26", "24-25", "2024-2025", "abcd-ef", ""] {
            assert_eq!(FinancialYear::parse(bad), None, "{bad}");
        }
    }
}
