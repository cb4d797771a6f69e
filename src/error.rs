//! Errors a finance officer can act on: every problem names the field path, the year, the
//! value and what is allowed.

use std::fmt;

/// One problem with a scenario, e.g.
/// `funding.block_transfer[2026-27] = 0.03: expected a share of the schools block from 0 to 0.02`.
#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    /// Dotted path of the field, e.g. `demand.base_plans.independent`.
    pub path: String,
    /// Financial year the problem applies to, when it is year-specific ("2026-27").
    pub year: Option<String>,
    /// The offending value as written, when there is one.
    pub value: Option<String>,
    /// What is wrong and what is allowed, in plain English.
    pub message: String,
}

impl Issue {
    /// An issue on `path` with no year or value.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Issue {
            path: path.into(),
            year: None,
            value: None,
            message: message.into(),
        }
    }

    /// Attach the financial year the problem applies to.
    pub fn in_year(mut self, year: impl Into<String>) -> Self {
        self.year = Some(year.into());
        self
    }

    /// Attach the offending value.
    pub fn with_value(mut self, value: impl fmt::Display) -> Self {
        self.value = Some(value.to_string());
        self
    }

    /// Attach an offending number, written as the user would type it: `1e300`, not three
    /// hundred digits (scientific notation from 10^15 up).
    pub fn with_number(self, x: f64) -> Self {
        if x.is_finite() && x.abs() >= 1e15 {
            self.with_value(format!("{x:e}"))
        } else {
            self.with_value(x)
        }
    }
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path)?;
        if let Some(y) = &self.year {
            write!(f, "[{y}]")?;
        }
        if let Some(v) = &self.value {
            write!(f, " = {v}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Everything that can go wrong reading or checking a scenario.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read or written.
    #[error("{path}: {message}")]
    Io { path: String, message: String },
    /// The text is not valid TOML/JSON, or a field has the wrong type or is missing.
    /// `message` carries the parser's line and column; `more` lists the other fields in the
    /// file with the wrong type or missing (after a syntax error, none).
    #[error("{format} error: {}{message}{}", if .path.is_empty() { String::new() } else { format!("{}: ", .path) }, also(.more))]
    Parse {
        format: &'static str,
        /// Dotted path of the field the parser stopped at ("" for a syntax error).
        path: String,
        message: String,
        more: Vec<Issue>,
    },
    /// The scenario parsed but some values are not allowed; every problem is listed.
    #[error("{} problem{} in the scenario:\n{}", .0.len(), if .0.len() == 1 { "" } else { "s" }, render(.0))]
    Invalid(Vec<Issue>),
}

fn also(more: &[Issue]) -> String {
    if more.is_empty() {
        return String::new();
    }
    format!(
        "\nand {} more problem{}:\n{}",
        more.len(),
        if more.len() == 1 { "" } else { "s" },
        render(more)
    )
}

fn render(issues: &[Issue]) -> String {
    issues
        .iter()
        .map(|i| format!("  - {i}"))
        .collect::<Vec<_>>()
        .join("\n")
}

impl ScenarioError {
    /// The individual problems (one for a parse or I/O error).
    pub fn issues(&self) -> Vec<Issue> {
        match self {
            ScenarioError::Invalid(v) => v.clone(),
            ScenarioError::Parse {
                path,
                message,
                more,
                ..
            } => std::iter::once(Issue::new(path.clone(), message.clone()))
                .chain(more.iter().cloned())
                .collect(),
            ScenarioError::Io { path, message } => vec![Issue::new(path.clone(), message.clone())],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_names_path_year_value_and_rule() {
        let i = Issue::new("funding.block_transfer", "expected 0 to 0.02")
            .in_year("2026-27")
            .with_value(0.03);
        assert_eq!(
            i.to_string(),
            "funding.block_transfer[2026-27] = 0.03: expected 0 to 0.02"
        );
    }

    #[test]
    fn invalid_lists_every_issue() {
        let e = ScenarioError::Invalid(vec![Issue::new("a", "x"), Issue::new("b", "y")]);
        let s = e.to_string();
        assert!(s.starts_with("2 problems"));
        assert!(s.contains("  - a: x") && s.contains("  - b: y"));
    }
}
