//! Capacity limits along an overflow chain, and cessations larger than the stock of plans.

use approx::assert_relative_eq;
use dsg_forecast::{Model, Scenario, run};

fn scenario(capacity: &str, extra: &str) -> String {
    format!(
        r#"
[meta]
name = "chain"
base_year = "2024-25"
horizon = 2

[funding]
hnb = 1_000_000

[demand]
growth = 0.0
# Listed with the middle of the chain first, so one pass in file order is not enough.
base_plans = {{ special = 0, mainstream = 20, independent = 0 }}

[cost]
inflation = 0.0
unit_cost = {{ special = 2, mainstream = 1, independent = 10 }}

{capacity}
{extra}
"#
    )
}

const CHAIN: &str = r#"
[capacity.mainstream]
places = 10
overflow = "special"

[capacity.special]
places = 4
overflow = "independent"
"#;

#[test]
fn overflow_fills_the_next_category_then_the_one_after() {
    // 20 plans, mainstream holds 10: 10 go to special, which holds 4, so 6 go on to
    // independent. Spend = 10×1 + 4×2 + 6×10 = 78.
    let s = Scenario::from_toml_str(&scenario(CHAIN, "")).unwrap();
    let r = run(&Model::new(&s));
    assert_eq!(r.plans.year(0), &[4.0, 10.0, 6.0]);
    assert_relative_eq!(r.spend.total[0], 78.0);
    assert!(r.shortfalls.is_empty());
}

#[test]
fn an_overflow_loop_is_rejected() {
    let looped = CHAIN.replace("overflow = \"independent\"", "overflow = \"mainstream\"");
    let e = Scenario::from_toml_str(&scenario(&looped, "")).unwrap_err();
    let issues = e.issues();
    assert!(
        issues
            .iter()
            .any(|i| i.path == "capacity.mainstream.overflow"
                && i.message.contains("comes back")
                && i.value.as_deref() == Some("mainstream -> special -> mainstream")),
        "{issues:#?}"
    );
}

#[test]
fn ceasing_more_plans_than_exist_is_rejected_naming_the_year() {
    // 20 plans, no growth; ceasing 15 a year (cumulative) needs 30 by 2025-26.
    let m = r#"
[[mitigations]]
name = "Cease"
start = "2024-25"
effect = { cease_plans = { per_year = 15 } }
"#;
    let e = Scenario::from_toml_str(&scenario("", m))
        .and_then(dsg_forecast::runnable)
        .unwrap_err();
    let issues = e.issues();
    assert_eq!(issues.len(), 1, "{issues:#?}");
    assert_eq!(issues[0].path, "mitigations[0].effect.cease_plans");
    assert_eq!(issues[0].year.as_deref(), Some("2025-26"));
    assert!(
        issues[0].message.contains("10.0 more plans"),
        "{}",
        issues[0]
    );
}
