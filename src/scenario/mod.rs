//! The scenario: every assumption of a DSG management plan, read from TOML or JSON with serde.
//!
//! Money is in pounds, rates are fractions (0.03 = 3%), years are financial-year labels
//! ("2024-25"). Field names here are the names in the scenario file; `README.md` documents them.

pub mod actuals;
pub mod cohort;
mod more_errors;
pub mod schedule;
pub mod uncertainty;
pub mod unique;
pub mod validate;
mod validate_cohort;
mod validate_uncertainty;
pub mod year;

use crate::error::{Issue, ScenarioError};
use crate::scenario::schedule::{Amounts, Schedule};
use crate::scenario::year::FinancialYear;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// The DfE management-plan template's seven placement categories: (id, label).
pub const DFE_CATEGORIES: [(&str, &str); 7] = [
    ("mainstream", "Mainstream schools or academies"),
    ("resourced_provision", "Resourced provision or SEN units"),
    ("special", "Maintained special schools or special academies"),
    (
        "independent",
        "Non-maintained or independent special schools",
    ),
    ("hospital_ap", "Hospital schools or alternative provision"),
    ("post16", "Post-16 and further education"),
    ("other", "Other placements or direct payments"),
];

/// A complete scenario. Build one with [`Scenario::from_toml_str`] or
/// [`Scenario::from_json_str`]; both validate and report every problem at once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    pub meta: Meta,
    pub funding: Funding,
    #[serde(default)]
    pub deficit: Deficit,
    pub demand: Demand,
    /// Optional places limit per placement category (category id to limit).
    #[serde(
        deserialize_with = "unique::map",
        default,
        skip_serializing_if = "IndexMap::is_empty"
    )]
    pub capacity: IndexMap<String, Capacity>,
    pub cost: Cost,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mitigations: Vec<Mitigation>,
    #[serde(default)]
    pub financing: Financing,
    /// Source notes: field path (e.g. "funding.hnb_growth") to where the figure comes from.
    /// Each path must name a field of this scenario; notes travel into every output.
    #[serde(
        deserialize_with = "unique::map",
        default,
        skip_serializing_if = "IndexMap::is_empty"
    )]
    pub sources: IndexMap<String, String>,
    /// Optional uncertain inputs for simulation (see [`crate::scenario::uncertainty`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uncertainty: Option<crate::scenario::uncertainty::Uncertainty>,
    /// Outturn figures beside the plan (see [`actuals`]); they never change the projection.
    #[serde(default, skip_serializing_if = "actuals::Actuals::is_empty")]
    pub actuals: actuals::Actuals,
}

/// Added to a scenario's name by [`Scenario::without_mitigations`].
pub const UNMITIGATED: &str = " (unmitigated)";

/// Who and when: the plan's name, council, first projected year and length.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    pub name: String,
    #[serde(default)]
    pub council: String,
    /// First projected financial year, e.g. "2024-25".
    pub base_year: String,
    /// Number of projected years, 1 to 50 (default 15).
    #[serde(default = "default_horizon")]
    pub horizon: i64,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
}

fn default_horizon() -> i64 {
    15
}

/// Income to the high needs block (£ a year).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Funding {
    /// High needs block allocation in the base year (£).
    pub hnb: f64,
    /// Annual growth of the HNB allocation, from the year after the base year (default 0.03).
    #[serde(default = "three_percent")]
    pub hnb_growth: Schedule,
    /// Schools block in the base year (£); the base for block transfers.
    #[serde(default)]
    pub schools_block: f64,
    /// Annual growth of the schools block (default 0.03).
    #[serde(default = "three_percent")]
    pub schools_block_growth: Schedule,
    /// Share of the schools block moved to the HNB each year: 0.005 = 0.5%.
    #[serde(default)]
    pub block_transfer: Schedule,
    /// Other income to the HNB in given years (£), e.g. a general fund contribution.
    #[serde(default, skip_serializing_if = "amounts_empty")]
    pub other_income: Amounts,
}

fn three_percent() -> Schedule {
    Schedule::Constant(0.03)
}

fn amounts_empty(a: &Amounts) -> bool {
    a.0.is_empty()
}

/// The cumulative deficit and the events that reduce it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Deficit {
    /// Cumulative DSG deficit brought forward at the start of the base year (£).
    #[serde(default)]
    pub opening: f64,
    /// Payments towards the deficit (£) by year, e.g. Safety Valve instalments.
    #[serde(default, skip_serializing_if = "amounts_empty")]
    pub payments: Amounts,
    /// Write-offs: an amount, or a share of the deficit standing at the end of a year.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub write_offs: Vec<WriteOff>,
}

/// One write-off. Give exactly one of `amount` (£) or `share` (of the deficit standing at the
/// end of `year` after that year's movement and payments; 0.9 = the 2026 stability grant's 90%).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WriteOff {
    pub year: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<f64>,
}

/// Demand: EHCPs by placement category and how they grow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Demand {
    /// Which demand model projects plans: `growth` (default) or `cohort`.
    #[serde(default, skip_serializing_if = "cohort::DemandKind::is_growth")]
    pub model: cohort::DemandKind,
    /// EHCPs in the base year by placement category id (plans). The keys define the
    /// categories; the DfE seven ids are listed in [`DFE_CATEGORIES`].
    #[serde(deserialize_with = "unique::map")]
    pub base_plans: IndexMap<String, f64>,
    /// Display labels for category ids not among the DfE seven.
    #[serde(
        deserialize_with = "unique::map",
        default,
        skip_serializing_if = "IndexMap::is_empty"
    )]
    pub labels: IndexMap<String, String>,
    /// Annual growth from the year after the base year (fraction): of total plans in the
    /// growth model, of new plans in the cohort model.
    pub growth: Schedule,
    /// Target placement mixes: shares glide linearly from the base-year mix to each target.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mix: Vec<MixTarget>,
    /// The cohort model's stock and flows (required with `model = "cohort"`, an error
    /// otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cohort: Option<cohort::CohortInputs>,
}

/// Placement shares (summing to 1) to be reached in `year`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MixTarget {
    pub year: String,
    #[serde(deserialize_with = "unique::map")]
    pub shares: IndexMap<String, f64>,
}

/// A places limit for one category; plans above it go to the `overflow` category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Capacity {
    /// Places available (plans), a number or a table by year.
    pub places: Schedule,
    /// Category id that takes the plans above the limit.
    pub overflow: String,
}

/// Costs: unit cost per plan by category, and spend not tied to plans.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cost {
    /// HNB-funded cost per plan in the base year (£ a year) by category id.
    #[serde(deserialize_with = "unique::map")]
    pub unit_cost: IndexMap<String, f64>,
    /// Annual unit-cost inflation from the year after the base year (fraction).
    pub inflation: Schedule,
    /// Inflation overriding `inflation` for particular categories.
    #[serde(
        deserialize_with = "unique::map",
        default,
        skip_serializing_if = "IndexMap::is_empty"
    )]
    pub inflation_by_category: IndexMap<String, Schedule>,
    /// High-needs spend not tied to plans (AP, hospital education, SEN support, central).
    #[serde(
        deserialize_with = "unique::map",
        default,
        skip_serializing_if = "IndexMap::is_empty"
    )]
    pub non_plan: IndexMap<String, NonPlan>,
}

/// A spend line not tied to plans: `base` (£ in the base year) growing at `growth` a year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NonPlan {
    pub base: f64,
    #[serde(default)]
    pub growth: Schedule,
}

/// A named mitigation. It starts in `start` and reaches full effect after `ramp_years`
/// (effect share in its k-th year, k = 1, 2, …: min(1, k / ramp_years)).
///
/// `start` may be before the base year (a plan rolled forward keeps its mitigations'
/// calendar years): the phase follows the calendar start, so a mitigation that began two
/// years before the base year with a three-year ramp is at full effect in the base year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mitigation {
    pub name: String,
    pub start: String,
    #[serde(default = "one")]
    pub ramp_years: i64,
    pub effect: Effect,
    /// Growth model, `move_plans` and `cease_plans` only: plans this mitigation had already
    /// moved or ceased before the base year (its cumulative total carried in, not scaled by
    /// delivery: it has happened). `demand.base_plans` are then the plans before those moves,
    /// as the growth model's base always is before the mitigations; a roll-forward writes it.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub carried: f64,
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

fn one() -> i64 {
    1
}

/// What a mitigation does, at full effect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// Lower total plan growth by `points` (0.02 = 2 percentage points).
    ReduceGrowth { points: f64 },
    /// Move `per_year` plans a year from category `from` to `to` (cumulative).
    MovePlans {
        from: String,
        to: String,
        per_year: f64,
    },
    /// Cease `per_year` plans a year beyond normal cessations (cumulative); from `category`
    /// only, or from every category in proportion when it is absent.
    CeasePlans {
        per_year: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        category: Option<String>,
    },
    /// Change one category's unit cost by `change` (−0.05 = 5% cheaper).
    UnitCost { category: String, change: f64 },
    /// Spend `amounts` (£ by year) exactly as given, e.g. an invest-to-save budget. The start
    /// and ramp cannot phase them: an amount before the start, or a ramp other than 1, is an
    /// error.
    Invest { amounts: Amounts },
    /// Save `amounts` (£ by year) not captured by the other levers, exactly as given. An amount may be
    /// negative: headroom, spend the plan may add in that year (as `dsg.required_savings`
    /// writes when a deficit path allows more spend than the plan).
    Save { amounts: Amounts },
    /// Cohort model only: make `share` fewer new plans (0.2 = a fifth fewer), e.g. through
    /// early help.
    ReduceNewPlans { share: f64 },
    /// Cohort model only: cease a further `share` of the plans held at `age` each year (from
    /// `category` only, or every category when absent), e.g. "cease plans at 20".
    CeaseAtAge {
        age: i64,
        share: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        category: Option<String>,
    },
}

impl Effect {
    /// The kind as written in the file, e.g. "move_plans".
    pub fn kind(&self) -> &'static str {
        match self {
            Effect::ReduceGrowth { .. } => "reduce_growth",
            Effect::MovePlans { .. } => "move_plans",
            Effect::CeasePlans { .. } => "cease_plans",
            Effect::UnitCost { .. } => "unit_cost",
            Effect::Invest { .. } => "invest",
            Effect::Save { .. } => "save",
            Effect::ReduceNewPlans { .. } => "reduce_new_plans",
            Effect::CeaseAtAge { .. } => "cease_at_age",
        }
    }

    /// The same effect with its size multiplied by `k` (plans, points, change or amounts).
    pub fn scaled(&self, k: f64) -> Effect {
        match self {
            Effect::ReduceGrowth { points } => Effect::ReduceGrowth { points: points * k },
            Effect::MovePlans { from, to, per_year } => Effect::MovePlans {
                from: from.clone(),
                to: to.clone(),
                per_year: per_year * k,
            },
            Effect::CeasePlans { per_year, category } => Effect::CeasePlans {
                per_year: per_year * k,
                category: category.clone(),
            },
            Effect::UnitCost { category, change } => Effect::UnitCost {
                category: category.clone(),
                change: change * k,
            },
            Effect::Invest { amounts } => Effect::Invest {
                amounts: amounts.scaled(k),
            },
            Effect::Save { amounts } => Effect::Save {
                amounts: amounts.scaled(k),
            },
            Effect::ReduceNewPlans { share } => Effect::ReduceNewPlans { share: share * k },
            Effect::CeaseAtAge {
                age,
                share,
                category,
            } => Effect::CeaseAtAge {
                age: *age,
                share: share * k,
                category: category.clone(),
            },
        }
    }
}

/// The cost of carrying the deficit, and the council's capacity to absorb it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Financing {
    /// Interest forgone or paid on the average cumulative deficit (fraction a year). The cost
    /// falls on the general fund, not the DSG, so it does not add to the deficit.
    #[serde(default)]
    pub interest_rate: f64,
    /// General fund reserves (£), to flag the year the deficit exceeds them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reserves: Option<f64>,
    /// Date the statutory override ends, always a 31 March (default "2028-03-31").
    #[serde(default = "default_override_end")]
    pub override_end: String,
}

fn default_override_end() -> String {
    "2028-03-31".into()
}

impl Default for Financing {
    fn default() -> Self {
        Financing {
            interest_rate: 0.0,
            reserves: None,
            override_end: default_override_end(),
        }
    }
}

/// Marks a non-finite number rewritten as a string by [`json_with_non_finite`].
const NON_FINITE: char = '\u{1}';

/// JSON written by Python's `json.dumps` spells non-finite numbers `NaN`, `Infinity` and
/// `-Infinity`, which strict JSON lacks. When `text` has any outside strings, read it into a
/// TOML value that holds them as floats, so validation reports each with its field path
/// (e.g. `funding.hnb = NaN`) instead of failing the parse. `None` when there are none.
fn json_with_non_finite(text: &str) -> Option<toml::Value> {
    if !text.contains("NaN") && !text.contains("Infinity") {
        return None;
    }
    let (mut out, mut found, mut in_string, mut escaped) = (String::new(), false, false, false);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let token = ["-Infinity", "Infinity", "NaN"]
            .into_iter()
            .find(|t| !in_string && rest.starts_with(t));
        if let Some(t) = token {
            // JSON strings may not hold a raw control character, so escape the marker.
            out.push_str(&format!("\"\\u0001{t}\""));
            rest = &rest[t.len()..];
            found = true;
            continue;
        }
        if in_string {
            in_string = escaped || c != '"';
            escaped = !escaped && c == '\\';
        } else {
            in_string = c == '"';
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    if !found {
        return None;
    }
    fn convert(v: serde_json::Value) -> Option<toml::Value> {
        use serde_json::Value as J;
        use toml::Value as T;
        Some(match v {
            J::Null => return None,
            J::Bool(b) => T::Boolean(b),
            J::Number(n) => n
                .as_i64()
                .map_or_else(|| T::Float(n.as_f64().unwrap_or(f64::NAN)), T::Integer),
            J::String(s) => match s.strip_prefix(NON_FINITE) {
                Some("NaN") => T::Float(f64::NAN),
                Some("Infinity") => T::Float(f64::INFINITY),
                Some("-Infinity") => T::Float(f64::NEG_INFINITY),
                _ => T::String(s),
            },
            J::Array(a) => T::Array(a.into_iter().filter_map(convert).collect()),
            J::Object(o) => T::Table(
                o.into_iter()
                    .filter_map(|(k, v)| Some((k, convert(v)?)))
                    .collect(),
            ),
        })
    }
    convert(serde_json::from_str(&out).ok()?)
}

impl Scenario {
    /// Parse and validate TOML text. Every unknown key and every invalid value is reported.
    pub fn from_toml_str(text: &str) -> Result<Scenario, ScenarioError> {
        let de = toml::de::Deserializer::parse(text).map_err(|e| ScenarioError::Parse {
            format: "TOML",
            path: String::new(),
            message: e.to_string().trim_end().to_string(),
            more: Vec::new(),
        })?;
        Self::from_deserializer(de, "TOML")
            .map_err(|e| with_more(e, |p| more_errors::more_toml(text, p)))
    }

    /// Parse and validate JSON text (the same fields as TOML).
    pub fn from_json_str(text: &str) -> Result<Scenario, ScenarioError> {
        let more = |p: &str| more_errors::more_json(text, p);
        if let Some(value) = json_with_non_finite(text) {
            return Self::from_deserializer(value.clone(), "JSON")
                .map_err(|e| with_more(e, |p| more_errors::more_value(value, p)));
        }
        let mut de = serde_json::Deserializer::from_str(text);
        let s = Self::from_deserializer(&mut de, "JSON").map_err(|e| with_more(e, more))?;
        de.end().map_err(|e| ScenarioError::Parse {
            format: "JSON",
            path: String::new(),
            message: e.to_string(),
            more: Vec::new(),
        })?;
        Ok(s)
    }

    /// Read a `.toml` or `.json` file (chosen by extension; TOML otherwise).
    pub fn from_path(path: &std::path::Path) -> Result<Scenario, ScenarioError> {
        // Only a regular file: a named pipe would wait for a writer for ever, and a device
        // such as /dev/zero never ends.
        if let Ok(meta) = std::fs::metadata(path)
            && !meta.is_file()
        {
            let what = if meta.is_dir() {
                "is a folder"
            } else {
                "is not a regular file (a pipe, socket or device)"
            };
            return Err(ScenarioError::Io {
                path: path.display().to_string(),
                message: format!("{what}; give the path of a scenario file"),
            });
        }
        let text = std::fs::read_to_string(path).map_err(|e| ScenarioError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        let is_json = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        if is_json {
            Self::from_json_str(&text)
        } else {
            Self::from_toml_str(&text)
        }
    }

    fn from_deserializer<'de, D: serde::Deserializer<'de>>(
        de: D,
        format: &'static str,
    ) -> Result<Scenario, ScenarioError>
    where
        D::Error: std::fmt::Display,
    {
        let mut unknown = Vec::new();
        // serde_ignored collects every unknown key; serde_path_to_error names the field of a
        // type error or missing field ("funding.hnb: invalid type: string ...").
        let mut note_unknown = |path: serde_ignored::Path<'_>| {
            unknown.push(Issue::new(
                dotted(&path),
                "unknown field; check the spelling against the scenario format in the README",
            ));
        };
        let ignoring = serde_ignored::Deserializer::new(de, &mut note_unknown);
        let result: Result<Scenario, _> = serde_path_to_error::deserialize(ignoring);
        // The parser stops at the first type error or missing field; the unknown keys met
        // before it are listed with it (a misspelt `hbn` is why `hnb` is missing).
        let parsed = result.map_err(|e| ScenarioError::Parse {
            format,
            message: plain_types(e.inner().to_string().trim_end()),
            path: field_path(e.path()),
            more: std::mem::take(&mut unknown),
        })?;
        let mut issues = unknown;
        issues.extend(validate::validate(&parsed));
        if issues.is_empty() {
            Ok(parsed)
        } else {
            Err(ScenarioError::Invalid(issues))
        }
    }

    /// Check an already-built scenario (e.g. one edited in code) with the same rules.
    pub fn validated(self) -> Result<Scenario, ScenarioError> {
        let issues = validate::validate(&self);
        if issues.is_empty() {
            Ok(self)
        } else {
            Err(ScenarioError::Invalid(issues))
        }
    }

    /// TOML text that reads back to the same scenario.
    pub fn to_toml_string(&self) -> String {
        toml::to_string_pretty(self).expect("a scenario always serialises to TOML")
    }

    /// Pretty JSON text that reads back to the same scenario.
    pub fn to_json_string(&self) -> String {
        serde_json::to_string_pretty(self).expect("a scenario always serialises to JSON")
    }

    /// First projected year. Call only on a validated scenario.
    pub fn base_year(&self) -> FinancialYear {
        FinancialYear::parse(&self.meta.base_year).unwrap_or(FinancialYear(2024))
    }

    /// Number of projected years.
    pub fn horizon(&self) -> usize {
        self.meta.horizon.clamp(0, 50) as usize
    }

    /// Year labels of the projection, e.g. ["2024-25", "2025-26", …].
    pub fn year_labels(&self) -> Vec<String> {
        let b = self.base_year();
        (0..self.horizon() as i32)
            .map(|t| b.plus(t).label())
            .collect()
    }

    /// Placement category ids in file order.
    pub fn categories(&self) -> Vec<String> {
        self.demand.base_plans.keys().cloned().collect()
    }

    /// Display label for a category id: the DfE template name, a user label, or the id.
    pub fn category_label(&self, id: &str) -> String {
        if let Some(l) = self.demand.labels.get(id) {
            return l.clone();
        }
        DFE_CATEGORIES
            .iter()
            .find(|(k, _)| *k == id)
            .map_or_else(|| id.to_string(), |(_, l)| l.to_string())
    }

    /// The same scenario with no mitigations: the "unmitigated" forecast. Its name gains
    /// [`UNMITIGATED`] (when there were mitigations to remove).
    pub fn without_mitigations(&self) -> Scenario {
        let mut s = self.clone();
        // Named as what it is, so no table or chart of it passes for the plan.
        if !s.mitigations.is_empty() && !s.meta.name.ends_with(UNMITIGATED) {
            s.meta.name.push_str(UNMITIGATED);
        }
        s.mitigations.clear();
        // Their source notes go with them (a note must name a field of the scenario).
        s.sources.retain(|k, _| !k.starts_with("mitigations."));
        // So does the uncertainty about their delivery.
        if let Some(u) = &mut s.uncertainty {
            u.delivery.clear();
        }
        s
    }
}

/// The parser's type names in plain English ("expected f64" → "expected a number").
fn plain_types(message: &str) -> String {
    // A TOML date or time without quotes (`override_end = 2028-03-31`) reaches a text field
    // as a "map" (how the toml crate hands over a datetime).
    let message = if message.contains("invalid type: map, expected a string")
        && message.contains("| ")
        && message.lines().any(is_bare_date)
    {
        message.replace(
            "invalid type: map, expected a string",
            "a date or year needs quotes, e.g. \"2028-03-31\" or \"2025-26\"",
        )
    } else {
        message.to_string()
    };
    message
        .replace(
            "expected f64",
            "expected a number (no quotes, commas or % sign)",
        )
        .replace("expected i64", "expected a whole number")
        .replace(
            "expected a string",
            "expected text in quotes, e.g. \"2025-26\"",
        )
}

/// Does a line of a TOML error's excerpt (`5 | override_end = 2028-03-31`) hold a bare
/// (unquoted) date after its `=`?
fn is_bare_date(line: &str) -> bool {
    line.split_once('=').is_some_and(|(_, v)| {
        let v = v.trim();
        let b = v.as_bytes();
        b.len() >= 10
            && b[..4].iter().all(u8::is_ascii_digit)
            && b[4] == b'-'
            && b[5..7].iter().all(u8::is_ascii_digit)
            && b[7] == b'-'
            && b[8..10].iter().all(u8::is_ascii_digit)
    })
}

/// A field error (wrong type or missing) with every other such field in the file added
/// (`more(path)` finds them, given the first one's path; it finds none in text that does not
/// parse, so a syntax error stays alone), and the unknown keys already found. Other errors
/// pass unchanged.
fn with_more(e: ScenarioError, more: impl FnOnce(&str) -> Vec<Issue>) -> ScenarioError {
    match e {
        ScenarioError::Parse {
            format,
            path,
            message,
            more: unknown,
        } => {
            // Every other wrong type or missing field, then the unknown keys met before the
            // parser stopped (from_deserializer puts those in `more`).
            let mut all = more(&path);
            all.extend(unknown);
            ScenarioError::Parse {
                format,
                path,
                message,
                more: all,
            }
        }
        other => other,
    }
}

/// A serde_path_to_error path as a dotted field path ("" at the top level).
fn field_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Unknown => {}
        }
    }
    out
}

/// A serde path as the dotted field path users write (`funding.hnb_grwoth`,
/// `mitigations[2].effect`), skipping the `Option`/newtype layers serde reports as "?".
fn dotted(path: &serde_ignored::Path<'_>) -> String {
    use serde_ignored::Path;
    match path {
        Path::Root => String::new(),
        Path::Seq { parent, index } => format!("{}[{index}]", dotted(parent)),
        Path::Map { parent, key } => {
            let head = dotted(parent);
            if head.is_empty() {
                key.to_string()
            } else {
                format!("{head}.{key}")
            }
        }
        Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => dotted(parent),
    }
}
