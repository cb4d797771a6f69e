//! Bad input gets a clear error and nothing else: each problem names the field path, the year
//! (where there is one), the value and what is allowed, and a file with several problems
//! reports all of them at once.

use dsg_forecast::{Issue, Scenario, ScenarioError};

/// A valid four-year scenario with two categories; `{...}` markers are replaced by the tests.
const GOOD: &str = r#"
[meta]
name = "errors"
base_year = "2024-25"
horizon = HORIZON

[funding]
hnb = HNB
hnb_growth = HNB_GROWTH
schools_block = 100_000_000
block_transfer = 0.005

[demand]
growth = 0.05
base_plans = { mainstream = PLANS, special = 50 }
MIX

[cost]
unit_cost = { mainstream = UNIT_COST, special = 20_000 }
inflation = 0.02

EXTRA
"#;

struct Edit<'a> {
    horizon: &'a str,
    hnb: &'a str,
    hnb_growth: &'a str,
    plans: &'a str,
    unit_cost: &'a str,
    mix: &'a str,
    extra: &'a str,
}

const OK: Edit<'static> = Edit {
    horizon: "4",
    hnb: "1_000_000",
    hnb_growth: "0.03",
    plans: "100",
    unit_cost: "10_000",
    mix: "",
    extra: "",
};

fn toml(e: &Edit) -> String {
    GOOD.replace("HORIZON", e.horizon)
        .replace("HNB_GROWTH", e.hnb_growth)
        .replace("HNB", e.hnb)
        .replace("PLANS", e.plans)
        .replace("UNIT_COST", e.unit_cost)
        .replace("MIX", e.mix)
        .replace("EXTRA", e.extra)
}

/// The issues of an invalid scenario (panics if it is valid or fails to parse).
fn issues(text: &str) -> Vec<Issue> {
    match Scenario::from_toml_str(text).and_then(dsg_forecast::runnable) {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(ScenarioError::Invalid(v)) => v,
        Err(e) => panic!("expected a validation error, got: {e}"),
    }
}

/// The single issue of `text`, checked for path, year, value and a phrase of what is allowed.
fn one(text: &str, path: &str, year: Option<&str>, value: &str, allowed: &str) -> Issue {
    let v = issues(text);
    assert_eq!(v.len(), 1, "expected one issue, got {v:#?}");
    let i = v.into_iter().next().unwrap();
    assert_eq!(i.path, path, "{i}");
    assert_eq!(i.year.as_deref(), year, "{i}");
    assert_eq!(i.value.as_deref(), Some(value), "{i}");
    assert!(i.message.contains(allowed), "{i} should say {allowed:?}");
    // The rendered line carries all of it.
    let line = i.to_string();
    assert!(line.starts_with(path) && line.contains(value), "{line}");
    if let Some(y) = year {
        assert!(line.contains(&format!("[{y}]")), "{line}");
    }
    i
}

#[test]
fn the_template_is_valid() {
    Scenario::from_toml_str(&toml(&OK)).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn toml_syntax_error_gives_line_and_column() {
    let text = toml(&OK).replace("hnb = 1_000_000", "hnb = = 1_000_000");
    let e = Scenario::from_toml_str(&text).unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, ScenarioError::Parse { .. }), "{msg}");
    // `hnb` is on line 8 of the template (it starts with a newline); `= =` at column 7.
    assert!(msg.contains("line 8, column 7"), "{msg}");
}

#[test]
fn json_syntax_error_gives_line_and_column() {
    let e = Scenario::from_json_str("{\n  \"meta\": {\"name\": \"x\",}\n}").unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("JSON") && msg.contains("line 2"), "{msg}");
}

#[test]
fn unknown_key_is_an_error_not_a_default() {
    // A typo in a nested key must not fall back to the 3% default.
    let text = toml(&OK).replace("hnb_growth =", "hnb_grwoth =");
    let v = issues(&text);
    assert_eq!(v.len(), 1, "{v:#?}");
    assert_eq!(v[0].path, "funding.hnb_grwoth");
    assert!(v[0].message.contains("unknown field"));
}

#[test]
fn unknown_keys_in_sections_and_tables_are_all_reported() {
    let extra = "[financing]\ninterest_rat = 0.02\n\n[[mitigations]]\nname = \"m\"\nstart = \"2025-26\"\nramp = 2\neffect = { invest = { amounts = { \"2025-26\" = 1 } } }\n";
    let text = toml(&Edit { extra, ..OK }).replace("[meta]", "[meta]\nnmae = \"x\"");
    let paths: Vec<String> = issues(&text).into_iter().map(|i| i.path).collect();
    for p in ["meta.nmae", "financing.interest_rat", "mitigations[0].ramp"] {
        assert!(paths.iter().any(|x| x == p), "{p} missing from {paths:?}");
    }
}

#[test]
fn missing_field_is_named() {
    let text = toml(&OK).replace("hnb = 1_000_000\n", "");
    let e = Scenario::from_toml_str(&text).unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("missing field `hnb`"), "{msg}");
    assert!(msg.contains("line"), "{msg}");
}

#[test]
fn nan_and_infinity_are_rejected() {
    one(
        &toml(&Edit { hnb: "nan", ..OK }),
        "funding.hnb",
        None,
        "NaN",
        "finite",
    );
    one(
        &toml(&Edit {
            unit_cost: "inf",
            ..OK
        }),
        "cost.unit_cost.mainstream",
        None,
        "inf",
        "finite",
    );
    one(
        &toml(&Edit {
            hnb_growth: "{ \"2024-25\" = 0.03, \"2026-27\" = -inf }",
            ..OK
        }),
        "funding.hnb_growth",
        Some("2026-27"),
        "-inf",
        "finite",
    );
}

#[test]
fn negative_plans_costs_and_funding_are_rejected() {
    one(
        &toml(&Edit { plans: "-5", ..OK }),
        "demand.base_plans.mainstream",
        None,
        "-5",
        "0 or more",
    );
    one(
        &toml(&Edit {
            unit_cost: "-10",
            ..OK
        }),
        "cost.unit_cost.mainstream",
        None,
        "-10",
        "0 or more",
    );
    one(
        &toml(&Edit { hnb: "-1", ..OK }),
        "funding.hnb",
        None,
        "-1",
        "0 or more",
    );
    let extra = "[deficit]\npayments = { \"2025-26\" = -3 }\n";
    one(
        &toml(&Edit { extra, ..OK }),
        "deficit.payments",
        Some("2025-26"),
        "-3",
        "0 or more",
    );
}

#[test]
fn placement_shares_must_sum_to_one() {
    let mix = "mix = [ { year = \"2026-27\", shares = { mainstream = 0.5, special = 0.4 } } ]";
    one(
        &toml(&Edit { mix, ..OK }),
        "demand.mix[0].shares",
        Some("2026-27"),
        "0.9",
        "sum to 1",
    );
}

#[test]
fn growth_at_or_below_minus_100_percent_is_rejected() {
    one(
        &toml(&Edit {
            hnb_growth: "-1.0",
            ..OK
        }),
        "funding.hnb_growth",
        None,
        "-1",
        "above -1",
    );
    one(
        &toml(&Edit {
            hnb_growth: "{ \"2024-25\" = 0.03, \"2025-26\" = -1.5 }",
            ..OK
        }),
        "funding.hnb_growth",
        Some("2025-26"),
        "-1.5",
        "above -1",
    );
    // Just above −100% is a (drastic) but possible fall.
    Scenario::from_toml_str(&toml(&Edit {
        hnb_growth: "-0.99",
        ..OK
    }))
    .unwrap();
}

#[test]
fn a_year_outside_the_horizon_is_rejected() {
    one(
        &toml(&Edit {
            hnb_growth: "{ \"2024-25\" = 0.03, \"2031-32\" = 0.01 }",
            ..OK
        }),
        "funding.hnb_growth",
        None,
        "\"2031-32\"",
        "expected 2024-25 to 2027-28",
    );
    let extra = "[deficit]\npayments = { \"2023-24\" = 1_000 }\n";
    one(
        &toml(&Edit { extra, ..OK }),
        "deficit.payments",
        None,
        "\"2023-24\"",
        "expected 2024-25 to 2027-28",
    );
}

#[test]
fn a_year_that_is_not_a_financial_year_is_rejected() {
    one(
        &toml(&Edit {
            hnb_growth: "{ \"2024-25\" = 0.03, \"2025\" = 0.01 }",
            ..OK
        }),
        "funding.hnb_growth",
        None,
        "\"2025\"",
        "2024-25",
    );
    let extra = "[deficit]\nwrite_offs = [ { year = \"2025-27\", share = 0.9 } ]\n";
    one(
        &toml(&Edit { extra, ..OK }),
        "deficit.write_offs[0].year",
        None,
        "\"2025-27\"",
        "financial year",
    );
    let text = toml(&OK).replace("base_year = \"2024-25\"", "base_year = \"April 2024\"");
    let v = issues(&text);
    assert!(
        v.iter()
            .any(|i| i.path == "meta.base_year" && i.value.as_deref() == Some("\"April 2024\"")),
        "{v:#?}"
    );
}

#[test]
fn horizon_must_be_1_to_50() {
    for h in ["0", "51", "-3"] {
        one(
            &toml(&Edit { horizon: h, ..OK }),
            "meta.horizon",
            None,
            h,
            "from 1 to 50",
        );
    }
    for h in ["1", "50"] {
        Scenario::from_toml_str(&toml(&Edit { horizon: h, ..OK })).unwrap();
    }
}

#[test]
fn overflow_category_must_exist() {
    let extra = "[capacity.special]\nplaces = 40\noverflow = \"independant\"\n";
    one(
        &toml(&Edit { extra, ..OK }),
        "capacity.special.overflow",
        None,
        "\"independant\"",
        "expected one of mainstream, special",
    );
}

#[test]
fn a_block_transfer_above_the_limit_names_its_year() {
    let text = toml(&OK).replace(
        "block_transfer = 0.005",
        "block_transfer = { \"2024-25\" = 0.005, \"2026-27\" = 0.03 }",
    );
    one(
        &text,
        "funding.block_transfer",
        Some("2026-27"),
        "0.03",
        "from 0 to 0.02",
    );
}

#[test]
fn moving_more_plans_than_a_category_holds_names_the_year() {
    // special: 50 plans in 2024-25, share 1/3 of a total growing 5% a year:
    // 2025-26 52.5, 2026-27 55.1, 2027-28 57.9. Moving 30 a year from 2025-26 asks for
    // 30, 60, 90 cumulatively: fine in 2025-26, short from 2026-27.
    let extra = "[[mitigations]]\nname = \"to mainstream\"\nstart = \"2025-26\"\neffect = { move_plans = { from = \"special\", to = \"mainstream\", per_year = 30 } }\n";
    let v = issues(&toml(&Edit { extra, ..OK }));
    let years: Vec<_> = v.iter().map(|i| i.year.as_deref().unwrap_or("")).collect();
    assert_eq!(years, ["2026-27", "2027-28"], "{v:#?}");
    for i in &v {
        assert!(
            i.path.starts_with("mitigations[0].effect.move_plans"),
            "{i}"
        );
        assert_eq!(i.value.as_deref(), Some("30"), "{i}");
        assert!(i.message.contains("to mainstream"), "{i}");
        assert!(
            i.message.contains("more plans than the category holds"),
            "{i}"
        );
    }
    // 2026-27: 60 asked, special holds 150 × 1.05² / 3 = 55.125 → 4.875 short.
    assert!(v[0].message.contains("4.9"), "{}", v[0]);
}

#[test]
fn several_problems_are_reported_at_once() {
    let text = toml(&Edit {
        hnb: "-1",
        plans: "-3",
        horizon: "4",
        mix: "mix = [ { year = \"2026-27\", shares = { mainstream = 0.5, special = 0.4 } } ]",
        extra: "[capacity.special]\nplaces = 40\noverflow = \"nowhere\"\n",
        ..OK
    })
    .replace("hnb_growth =", "hnb_grwoth =");
    let e = Scenario::from_toml_str(&text).unwrap_err();
    let paths: Vec<String> = e.issues().into_iter().map(|i| i.path).collect();
    for p in [
        "funding.hnb_grwoth",
        "funding.hnb",
        "demand.base_plans.mainstream",
        "demand.mix[0].shares",
        "capacity.special.overflow",
    ] {
        assert!(paths.iter().any(|x| x == p), "{p} missing from {paths:?}");
    }
    let msg = e.to_string();
    assert!(
        msg.starts_with(&format!("{} problems", paths.len())),
        "{msg}"
    );
}

#[test]
fn validated_applies_the_same_rules_to_a_scenario_built_in_code() {
    let mut s = Scenario::from_toml_str(&toml(&OK)).unwrap();
    s.funding.hnb = f64::NAN;
    s.meta.horizon = 0;
    let e = s.validated().unwrap_err();
    let paths: Vec<String> = e.issues().into_iter().map(|i| i.path).collect();
    assert!(paths.contains(&"funding.hnb".to_string()), "{paths:?}");
    assert!(paths.contains(&"meta.horizon".to_string()), "{paths:?}");
}

#[test]
fn a_missing_file_is_an_io_error_naming_the_path() {
    let e = Scenario::from_path(std::path::Path::new("no/such/scenario.toml")).unwrap_err();
    assert!(matches!(e, ScenarioError::Io { .. }));
    assert!(e.to_string().contains("no/such/scenario.toml"), "{e}");
}

#[test]
fn json_nan_and_infinity_from_python_are_named_by_path() {
    // Python's json.dumps writes NaN, Infinity and -Infinity; each must reach validation and
    // be reported with its field path, alongside every other problem.
    let text = r#"{
  "meta": {"name": "NaN in a name is fine", "base_year": "2024-25", "horizon": 3},
  "funding": {"hnb": NaN, "hnb_growth": {"2024-25": 0.03, "2025-26": -Infinity}},
  "demand": {"growth": 0.05, "base_plans": {"mainstream": 100, "special": Infinity}},
  "cost": {"unit_cost": {"mainstream": 10000, "special": -5}, "inflation": 0.02},
  "financing": {"reserves": null}
}"#;
    let e = Scenario::from_json_str(text).unwrap_err();
    let v = e.issues();
    let find = |p: &str| {
        v.iter()
            .find(|i| i.path == p)
            .unwrap_or_else(|| panic!("{p} missing from {v:#?}"))
    };
    assert_eq!(find("funding.hnb").value.as_deref(), Some("NaN"));
    let g = find("funding.hnb_growth");
    assert_eq!(
        (g.year.as_deref(), g.value.as_deref()),
        (Some("2025-26"), Some("-inf"))
    );
    assert_eq!(
        find("demand.base_plans.special").value.as_deref(),
        Some("inf")
    );
    assert_eq!(find("cost.unit_cost.special").value.as_deref(), Some("-5"));
    assert_eq!(v.len(), 4, "{v:#?}");
    // The same file without the non-finite values reads normally, strings untouched.
    let fixed = text
        .replace("\"hnb\": NaN", "\"hnb\": 1000000")
        .replace("-Infinity", "0.01")
        .replace("\"special\": Infinity", "\"special\": 50")
        .replace("\"special\": -5", "\"special\": 20000");
    let s = Scenario::from_json_str(&fixed).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.meta.name, "NaN in a name is fine");
}

/// The field paths of the problems reading `text` (panics if it reads).
fn parse_paths(text: &str) -> Vec<String> {
    let e = Scenario::from_toml_str(text).expect_err("expected an error");
    e.issues().into_iter().map(|i| i.path).collect()
}

/// The valid template as a JSON value, to break in tests.
fn ok_json() -> serde_json::Value {
    let s = Scenario::from_toml_str(&toml(&OK)).unwrap();
    serde_json::from_str(&s.to_json_string()).unwrap()
}

#[test]
fn a_type_error_names_the_field_in_toml_and_json() {
    let text = toml(&OK).replace("hnb = 1_000_000", "hnb = \"a lot\"");
    let e = Scenario::from_toml_str(&text).unwrap_err();
    assert_eq!(e.issues()[0].path, "funding.hnb", "{e}");
    assert!(
        e.to_string().contains("line") && e.to_string().contains("expected a number"),
        "{e}"
    );
    let mut json = ok_json();
    json["demand"]["base_plans"]["a"] = serde_json::json!("many");
    let e = Scenario::from_json_str(&json.to_string()).unwrap_err();
    let path = &e.issues()[0].path;
    assert!(path.starts_with("demand.base_plans"), "{e}");
}

#[test]
fn every_field_with_the_wrong_type_or_missing_is_reported_at_once() {
    // Three wrong types and a missing field in different sections: one error lists all four,
    // the first with its line and column, the others by field.
    let text = toml(&OK)
        .replace("hnb = 1_000_000", "hnb = \"a lot\"")
        .replace("growth = 0.05", "growth = \"five percent\"")
        .replace("inflation = 0.02", "inflation = [0.02]")
        .replace("base_year = \"2024-25\"\n", "");
    let e = Scenario::from_toml_str(&text).unwrap_err();
    let paths: Vec<String> = e.issues().into_iter().map(|i| i.path).collect();
    assert_eq!(paths.len(), 4, "{e}");
    assert_eq!(paths[0], "meta", "the first in the file comes first: {e}");
    for p in ["funding.hnb", "demand.growth", "cost.inflation"] {
        assert!(
            paths.iter().any(|x| x == p),
            "{p} missing from {paths:?}: {e}"
        );
    }
    let shown = e.to_string();
    assert!(
        shown.contains("line") && shown.contains("and 3 more problems"),
        "{shown}"
    );
    assert!(shown.contains("missing field `base_year`"), "{shown}");
    assert!(
        !shown.contains("in `"),
        "serde's own field note is left off: {shown}"
    );

    // The same in JSON.
    let mut json = ok_json();
    json["funding"]["hnb"] = serde_json::json!("a lot");
    json["cost"]["inflation"] = serde_json::json!([0.02]);
    let e = Scenario::from_json_str(&json.to_string()).unwrap_err();
    let paths: Vec<String> = e.issues().into_iter().map(|i| i.path).collect();
    assert_eq!(paths, ["funding.hnb", "cost.inflation"], "{e}");

    // A section written as a number: the section is named once, not every field the
    // stand-in used to get past it lacks.
    json["funding"] = serde_json::json!(5);
    let e = Scenario::from_json_str(&json.to_string()).unwrap_err();
    let paths: Vec<String> = e.issues().into_iter().map(|i| i.path).collect();
    assert_eq!(paths, ["funding", "cost.inflation"], "{e}");
}

#[test]
fn problems_after_a_bad_distribution_or_a_missing_section_are_still_reported() {
    // Two distributions with a parameter typed as text: both named (the first used to stop
    // the search, as serde reports it at the distribution, not the parameter).
    let extra = "[uncertainty]\nehcp_growth = { distribution = \"normal\", sd = \"1%\" }\n\
                 inflation = { distribution = \"normal\", sd = \"2%\" }\n";
    let e = Scenario::from_toml_str(&toml(&Edit { extra, ..OK })).unwrap_err();
    let paths: Vec<String> = e.issues().into_iter().map(|i| i.path).collect();
    assert_eq!(
        paths,
        ["uncertainty.ehcp_growth", "uncertainty.inflation"],
        "{e}"
    );

    // A whole section missing, and a wrong type after it: both named, the section by name.
    let text = toml(&OK)
        .replace("[cost]", "[unused]")
        .replace("hnb = 1_000_000", "hnb = \"a lot\"");
    let e = Scenario::from_toml_str(&text).unwrap_err();
    let issues = e.issues();
    assert_eq!(issues.len(), 2, "{e}");
    assert!(
        issues
            .iter()
            .any(|i| i.path == "cost" && i.message.contains("missing field `cost`")),
        "{e}"
    );
    assert!(issues.iter().any(|i| i.path == "funding.hnb"), "{e}");
    assert!(!e.to_string().contains("  - : "), "{e}");
}

#[test]
fn a_rate_shock_typed_as_a_percentage_is_rejected() {
    let extra = "[uncertainty]\nehcp_growth = { distribution = \"normal\", sd = 1.5 }\n";
    let v = issues(&toml(&Edit { extra, ..OK }));
    assert_eq!(v.len(), 1, "{v:#?}");
    assert_eq!(v[0].path, "uncertainty.ehcp_growth.sd");
    assert_eq!(v[0].value.as_deref(), Some("1.5"));
    assert!(v[0].message.contains("0.015 = 1.5 points"), "{}", v[0]);
}

#[test]
fn a_spread_out_of_range_is_told_what_is_allowed_not_that_it_is_negative() {
    // A lognormal sigma of 10 is not negative: the message says what is allowed.
    let extra = "[uncertainty]\ninflation = { distribution = \"lognormal\", mu = 0, sigma = 10 }\n";
    let v = issues(&toml(&Edit { extra, ..OK }));
    let sigma = v
        .iter()
        .find(|i| i.path.ends_with(".sigma"))
        .unwrap_or_else(|| panic!("{v:#?}"));
    assert_eq!(sigma.message, "expected a spread from 0 to 3", "{sigma}");
}

#[test]
fn money_above_a_trillion_pounds_is_rejected_naming_the_field() {
    one(
        &toml(&Edit { hnb: "1e300", ..OK }),
        "funding.hnb",
        None,
        "1e300",
        "1 trillion",
    );
    one(
        &toml(&Edit {
            unit_cost: "2e12",
            ..OK
        }),
        "cost.unit_cost.mainstream",
        None,
        "2000000000000",
        "1 trillion",
    );
    let extra = "[deficit]\nopening = -5e15\n";
    one(
        &toml(&Edit { extra, ..OK }),
        "deficit.opening",
        None,
        "-5e15",
        "1 trillion",
    );
    let extra = "[deficit]\npayments = { \"2025-26\" = 1e13 }\n";
    one(
        &toml(&Edit { extra, ..OK }),
        "deficit.payments",
        Some("2025-26"),
        "10000000000000",
        "1 trillion",
    );
    one(
        &toml(&Edit { plans: "1e9", ..OK }),
        "demand.base_plans.mainstream",
        None,
        "1000000000",
        "10 million",
    );
    // A trillion itself is allowed, and the projection stays finite.
    let s = Scenario::from_toml_str(&toml(&Edit { hnb: "1e12", ..OK })).unwrap();
    let p = dsg_forecast::project(&s);
    assert!(
        p.lines
            .iter()
            .all(|l| l.values.iter().all(|v| v.is_finite())),
        "{p:?}"
    );
}

#[test]
fn a_key_repeated_in_a_json_map_is_an_error_naming_it() {
    let base = ok_json().to_string();
    // serde_json's Value cannot hold a repeated key, so write it into the text.
    let cases = [
        (
            "\"mainstream\":100.0",
            "\"mainstream\":100.0,\"mainstream\":120.0",
            "demand.base_plans",
        ),
        (
            "\"special\":20000.0",
            "\"special\":20000.0,\"special\":1.0",
            "cost.unit_cost",
        ),
    ];
    for (from, to, field) in cases {
        assert!(base.contains(from), "{base}");
        let text = base.replacen(from, to, 1);
        let e = Scenario::from_json_str(&text).unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("more than once"), "{msg}");
        assert!(msg.contains(field), "{msg}");
    }
    // A rate table and an amounts table.
    let mut json = ok_json();
    json["funding"]["hnb_growth"] = serde_json::json!({"2024-25": 0.03});
    json["deficit"]["payments"] = serde_json::json!({"2025-26": 1.0});
    let text = json.to_string();
    for (from, to, field) in [
        (
            "\"2024-25\":0.03",
            "\"2024-25\":0.03,\"2024-25\":0.5",
            "funding.hnb_growth",
        ),
        (
            "\"2025-26\":1.0",
            "\"2025-26\":1.0,\"2025-26\":9.0",
            "deficit.payments",
        ),
    ] {
        assert!(text.contains(from), "{text}");
        let e = Scenario::from_json_str(&text.replacen(from, to, 1)).unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains("\"2024-25\"") || msg.contains("\"2025-26\""),
            "{msg}"
        );
        assert!(
            msg.contains("more than once") && msg.contains(field),
            "{msg}"
        );
    }
}

#[test]
fn a_misspelt_required_field_is_named_with_the_missing_one() {
    // `hbn` for `hnb`: the parser stops at the missing `hnb`; the unknown `hbn` is why.
    let text = toml(&OK).replace("hnb = 1_000_000", "hbn = 1_000_000");
    let e = Scenario::from_toml_str(&text).unwrap_err();
    let paths: Vec<String> = e.issues().into_iter().map(|i| i.path).collect();
    assert!(paths.contains(&"funding.hbn".to_string()), "{e}");
    let shown = e.to_string();
    assert!(shown.contains("missing field `hnb`"), "{shown}");
    assert!(
        shown.contains("funding.hbn") && shown.contains("unknown field"),
        "{shown}"
    );
}

#[test]
fn a_date_without_quotes_is_told_it_needs_them() {
    let text = format!("{}\n[financing]\noverride_end = 2028-03-31\n", toml(&OK));
    let e = Scenario::from_toml_str(&text).unwrap_err().to_string();
    assert!(
        e.contains("a date or year needs quotes, e.g. \"2028-03-31\""),
        "{e}"
    );
    assert!(!e.contains("invalid type: map"), "{e}");
}

#[test]
fn a_value_out_of_range_is_listed_beside_a_wrong_type() {
    // A number typed as text, and a value out of range in another section: both at once,
    // in TOML and in JSON. The stand-in that got past the text raises nothing of its own.
    let text = toml(&OK)
        .replace("hnb = 1_000_000", "hnb = \"a lot\"")
        .replace("special = 50", "special = -5");
    let e = Scenario::from_toml_str(&text).unwrap_err();
    let issues = e.issues();
    let paths: Vec<&str> = issues.iter().map(|i| i.path.as_str()).collect();
    assert_eq!(paths, ["funding.hnb", "demand.base_plans.special"], "{e}");
    assert_eq!(issues[1].value.as_deref(), Some("-5"), "{e}");
    assert!(e.to_string().contains("and 1 more problem"), "{e}");

    let mut json = ok_json();
    json["funding"]["hnb"] = serde_json::json!("a lot");
    json["demand"]["base_plans"]["special"] = serde_json::json!(-5);
    let e = Scenario::from_json_str(&json.to_string()).unwrap_err();
    let paths: Vec<String> = e.issues().into_iter().map(|i| i.path).collect();
    assert_eq!(paths, ["funding.hnb", "demand.base_plans.special"], "{e}");

    // A check that reads the stand-in from another field (the cohort stock must add up to
    // the base plans) is left out: its message would quote the stand-in, not the file.
    let cohort = include_str!("data/cohort_hand.toml");
    assert!(cohort.contains("base_plans = { a = 60, b = 15 }"));
    let text = cohort.replace(
        "base_plans = { a = 60, b = 15 }",
        "base_plans = { a = \"60\", b = 15 }",
    );
    assert_eq!(parse_paths(&text), ["demand.base_plans.a"]);
    // ... while one that does not depend on it is still listed.
    let text = text.replace("b = [0, 5, 10]", "b = [0, 5, -10]");
    let paths = parse_paths(&text);
    assert_eq!(paths[0], "demand.base_plans.a", "{paths:?}");
    assert!(
        paths.iter().any(|p| p == "demand.cohort.stock.b[2]"),
        "{paths:?}"
    );
    assert!(
        !paths.iter().any(|p| p.starts_with("demand.cohort.stock.a")),
        "{paths:?}"
    );

    // A stand-in in [meta] (every year depends on it) or for a whole table: no range checks,
    // so nothing that could come from the stand-in is reported.
    let text = toml(&OK)
        .replace("horizon = ", "horizon = \"ten\" #")
        .replace("special = 50", "special = -5");
    let paths = parse_paths(&text);
    assert_eq!(paths, ["meta.horizon"]);
}

#[test]
fn one_year_written_two_ways_is_an_error_naming_both() {
    // "2025-26" and "2025/26" are the same year: a schedule would keep one of the two values
    // and amounts would add them, silently. Each table is named, all at once.
    let extra = "[[mitigations]]\nname = \"invest\"\nstart = \"2024-25\"\n\
                 effect = { invest = { amounts = { \"2025-26\" = 1_000, \"2025/26\" = 5 } } }\n\
                 [actuals]\nclosing_deficit = { \"2024-25\" = 100e6, \" 2024/25\" = 50e6 }\n";
    let text = toml(&Edit { extra, ..OK }).replace(
        "block_transfer = 0.005",
        "block_transfer = { \"2024-25\" = 0.005, \"2025-26\" = 0.01, \"2025/26\" = 0.0 }",
    );
    let e = Scenario::from_toml_str(&text).unwrap_err();
    let issues = e.issues();
    let find = |p: &str| {
        issues
            .iter()
            .find(|i| i.path.starts_with(p))
            .unwrap_or_else(|| panic!("{p} not named: {e}"))
    };
    let m = &find("funding.block_transfer").message;
    assert!(
        m.contains("2025-26 is given twice") && m.contains("\"2025/26\""),
        "{m}"
    );
    assert!(
        find("mitigations[0]").message.contains("given twice"),
        "{e}"
    );
    assert!(
        find("actuals.closing_deficit")
            .message
            .contains("2024-25 is given twice"),
        "{e}"
    );
    // The same year once, however written, is fine; so are distinct years.
    let text = toml(&OK).replace(
        "block_transfer = 0.005",
        "block_transfer = { \"2024/25\" = 0.005, \"2025-26\" = 0.01 }",
    );
    Scenario::from_toml_str(&text).unwrap_or_else(|e| panic!("{e}"));
}
