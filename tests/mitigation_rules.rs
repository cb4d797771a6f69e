//! What a mitigation's `start` and `ramp_years` mean for each kind of effect, as the README's
//! equations state: `invest` and `save` amounts are used exactly as given, year by year, so a
//! ramp or an amount before the start (which neither could change) is an error, never ignored;
//! `unit_cost` changes multiply, so two 60% cuts leave 0.16 of the cost, not a negative one.

use dsg_forecast::{Issue, Scenario, ScenarioError, project};

/// Two years from 2024-25, one category; `MITIGATION` is replaced by the tests.
const BASE: &str = r#"
[meta]
name = "mitigation rules"
base_year = "2024-25"
horizon = 3

[funding]
hnb = 5_000_000
hnb_growth = 0.0

[demand]
growth = 0.0
base_plans = { special = 100 }

[cost]
unit_cost = { special = 20_000 }
inflation = 0.0

MITIGATION
"#;

fn scenario(mitigation: &str) -> Result<Scenario, ScenarioError> {
    Scenario::from_toml_str(&BASE.replace("MITIGATION", mitigation))
}

fn issues(mitigation: &str) -> Vec<Issue> {
    match scenario(mitigation) {
        Ok(_) => panic!("expected an error for:\n{mitigation}"),
        Err(ScenarioError::Invalid(v)) => v,
        Err(e) => panic!("expected a validation error, got: {e}"),
    }
}

#[test]
fn an_invest_amount_before_the_start_is_an_error_naming_the_year() {
    let v = issues(
        r#"[[mitigations]]
name = "outreach"
start = "2025-26"
effect = { invest = { amounts = { "2024-25" = 300_000, "2025-26" = 400_000 } } }"#,
    );
    assert_eq!(v.len(), 1, "{v:#?}");
    assert_eq!(v[0].path, "mitigations[0].effect.invest.amounts");
    assert_eq!(v[0].year.as_deref(), Some("2024-25"));
    assert_eq!(v[0].value.as_deref(), Some("300000"));
    assert!(
        v[0].message
            .contains("before the mitigation's start 2025-26")
    );
}

#[test]
fn a_save_amount_before_the_start_is_an_error_naming_the_year() {
    let v = issues(
        r#"[[mitigations]]
name = "transport"
start = "2026-27"
effect = { save = { amounts = { "2025-26" = 100_000, "2026-27" = 200_000 } } }"#,
    );
    assert_eq!(v.len(), 1, "{v:#?}");
    assert_eq!(v[0].path, "mitigations[0].effect.save.amounts");
    assert_eq!(v[0].year.as_deref(), Some("2025-26"));
    assert!(v[0].message.contains("start 2026-27"));
}

#[test]
fn a_ramp_on_invest_or_save_is_an_error_saying_it_has_no_effect() {
    for kind in ["invest", "save"] {
        let v = issues(&format!(
            r#"[[mitigations]]
name = "m"
start = "2024-25"
ramp_years = 3
effect = {{ {kind} = {{ amounts = {{ "2024-25" = 100_000 }} }} }}"#
        ));
        assert_eq!(v.len(), 1, "{kind}: {v:#?}");
        assert_eq!(v[0].path, "mitigations[0].ramp_years");
        assert_eq!(v[0].value.as_deref(), Some("3"));
        assert!(v[0].message.contains("no effect"), "{}", v[0].message);
    }
}

#[test]
fn invest_and_save_amounts_from_the_start_on_are_used_exactly_as_given() {
    let s = scenario(
        r#"[[mitigations]]
name = "outreach"
start = "2025-26"
ramp_years = 1
effect = { invest = { amounts = { "2025-26" = 400_000, "2026-27" = 100_000 } } }

[[mitigations]]
name = "transport"
start = "2025-26"
effect = { save = { amounts = { "2026-27" = 250_000 } } }"#,
    )
    .unwrap();
    let p = project(&s);
    assert_eq!(
        p.get("mitigation_costs").unwrap(),
        [0.0, 400_000.0, 100_000.0]
    );
    assert_eq!(p.get("mitigation_savings").unwrap(), [0.0, 0.0, 250_000.0]);
}

#[test]
fn a_ramp_on_other_kinds_is_still_allowed() {
    let s = scenario(
        r#"[[mitigations]]
name = "cheaper"
start = "2025-26"
ramp_years = 2
effect = { unit_cost = { category = "special", change = -0.1 } }"#,
    );
    assert!(s.is_ok(), "{:?}", s.err());
}

#[test]
fn unit_cost_changes_multiply_so_two_sixty_percent_cuts_leave_sixteen_percent() {
    let s = scenario(
        r#"[[mitigations]]
name = "first cut"
start = "2024-25"
effect = { unit_cost = { category = "special", change = -0.6 } }

[[mitigations]]
name = "second cut"
start = "2024-25"
effect = { unit_cost = { category = "special", change = -0.6 } }"#,
    )
    .unwrap();
    let p = project(&s);
    // 20,000 × (1 − 0.6) × (1 − 0.6) = 3,200; adding the changes would give 20,000 × −0.2.
    for u in p.get("unit_cost.special").unwrap() {
        assert!((u - 3_200.0).abs() < 1e-9, "{u}");
    }
}
