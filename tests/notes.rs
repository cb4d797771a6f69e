//! Inputs that are valid but misleading get a plain-English note in `Projection::notes`
//! (never an error, so small test scenarios still run); amounts the engine caps are noted too.

use dsg_forecast::{Scenario, project};

/// A two-category, three-year scenario; `HNB`, `PLANS`, `COST`, `GROWTH` and `EXTRA` are
/// replaced by each test.
const SMALL: &str = r#"
[meta]
name = "notes"
base_year = "2024-25"
horizon = 3

[funding]
hnb = HNB
hnb_growth = GROWTH

[demand]
growth = 0.0
base_plans = { mainstream = PLANS, special = 50 }

[cost]
unit_cost = { mainstream = COST, special = 20_000 }
inflation = 0.0

EXTRA
"#;

fn scenario(hnb: &str, plans: &str, cost: &str, growth: &str, extra: &str) -> Scenario {
    let text = SMALL
        .replace("HNB", hnb)
        .replace("PLANS", plans)
        .replace("COST", cost)
        .replace("GROWTH", growth)
        .replace("EXTRA", extra);
    Scenario::from_toml_str(&text).unwrap_or_else(|e| panic!("{e}"))
}

fn notes(s: &Scenario) -> Vec<String> {
    project(s).notes
}

#[test]
fn a_plausible_plan_has_no_notes() {
    let s = scenario("5_000_000", "100", "10_000", "0.03", "");
    assert!(notes(&s).is_empty(), "{:?}", notes(&s));
}

#[test]
fn money_typed_in_millions_or_thousands_is_noted_not_rejected() {
    // funding.hnb = 59.0 meant as £59m; a unit cost of 9.0 meant as £9k; 100.5 plans.
    let s = scenario("59.0", "100.5", "9.0", "0.03", "");
    let n = notes(&s);
    assert_eq!(n.len(), 3, "{n:#?}");
    assert!(
        n[0].starts_with("funding.hnb = 59") && n[0].contains("pounds"),
        "{}",
        n[0]
    );
    assert!(
        n[1].starts_with("cost.unit_cost.mainstream = 9") && n[1].contains("£500"),
        "{}",
        n[1]
    );
    assert!(
        n[2].starts_with("demand.base_plans.mainstream = 100.5"),
        "{}",
        n[2]
    );
}

#[test]
fn fractional_plans_with_a_source_note_saying_how_are_not_questioned() {
    let fractional = |n: &[String]| n.iter().any(|x| x.contains("whole numbers"));
    let bare = scenario("5_000_000", "100.5", "10_000", "0.03", "");
    assert!(fractional(&notes(&bare)));
    for key in ["demand.base_plans", "demand.base_plans.mainstream"] {
        let extra = format!("[sources]\n\"{key}\" = \"January census x (1 + growth)\"\n");
        let s = scenario("5_000_000", "100.5", "10_000", "0.03", &extra);
        assert!(!fractional(&notes(&s)), "{key}: {:?}", notes(&s));
    }
    // A note on another category does not explain this one.
    let other = "[sources]\n\"demand.base_plans.special\" = \"census\"\n";
    let s = scenario("5_000_000", "100.5", "10_000", "0.03", other);
    assert!(fractional(&notes(&s)));
}

#[test]
fn a_base_year_growth_with_a_source_note_is_not_questioned() {
    let schedule = "{ \"2024-25\" = 0.5, \"2025-26\" = 0.03 }";
    let unused = |n: &[String]| n.iter().any(|x| x.contains("is not used"));
    assert!(unused(&notes(&scenario(
        "5_000_000",
        "100",
        "10_000",
        schedule,
        ""
    ))));
    let extra = "[sources]\n\"funding.hnb_growth\" = \"taper from the council's rate\"\n";
    let s = scenario("5_000_000", "100", "10_000", schedule, extra);
    assert!(!unused(&notes(&s)), "{:?}", notes(&s));
}

#[test]
fn a_growth_rate_for_the_base_year_is_noted_as_unused() {
    // The 2024-25 value is the growth *into* 2024-25, whose values are given directly.
    let s = scenario(
        "5_000_000",
        "100",
        "10_000",
        "{ \"2024-25\" = 0.5, \"2025-26\" = 0.03 }",
        "",
    );
    let n = notes(&s);
    assert_eq!(n.len(), 1, "{n:#?}");
    assert!(
        n[0].starts_with("funding.hnb_growth[2024-25] = 0.5 is not used"),
        "{}",
        n[0]
    );
    // ... and indeed changing it changes nothing.
    let other = scenario(
        "5_000_000",
        "100",
        "10_000",
        "{ \"2024-25\" = 0.9, \"2025-26\" = 0.03 }",
        "",
    );
    assert_eq!(
        project(&s).get("hnb_funding"),
        project(&other).get("hnb_funding")
    );
}

#[test]
fn a_growth_table_may_start_the_year_after_the_base_year() {
    let s = scenario("5_000_000", "100", "10_000", "{ \"2025-26\" = 0.1 }", "");
    let hnb = project(&s).get("hnb_funding").unwrap().to_vec();
    // £5m, then ×1.1 into 2025-26 and held: 5.5m, 6.05m.
    assert_eq!(hnb, [5.0e6, 5.0e6 * 1.1, 5.0e6 * 1.1 * 1.1]);
    assert!(notes(&s).is_empty());
    // A table starting later leaves growth into 2025-26 undefined: an error saying which
    // years growth applies to.
    let text = SMALL
        .replace("HNB", "5_000_000")
        .replace("PLANS", "100")
        .replace("COST", "10_000")
        .replace("GROWTH", "{ \"2026-27\" = 0.1 }")
        .replace("EXTRA", "");
    let e = Scenario::from_toml_str(&text).unwrap_err().to_string();
    assert!(
        e.contains("funding.hnb_growth")
            && e.contains("growth applies from the year after the base year"),
        "{e}"
    );
    // A transfer share applies in its own year, so its table must still start at the base year.
    let text = SMALL
        .replace("HNB", "5_000_000")
        .replace("PLANS", "100")
        .replace("COST", "10_000")
        .replace("GROWTH", "0.03")
        .replace(
            "EXTRA",
            "",
        )
        .replace(
            "hnb_growth = 0.03",
            "hnb_growth = 0.03\nschools_block = 100_000_000\nblock_transfer = { \"2025-26\" = 0.005 }",
        );
    let e = Scenario::from_toml_str(&text).unwrap_err().to_string();
    assert!(
        e.contains("funding.block_transfer") && e.contains("must start at the base year"),
        "{e}"
    );
}

#[test]
fn payments_larger_than_the_deficit_are_capped_like_write_offs() {
    // Spend: 100 × £10k + 50 × £20k = £2m a year; HNB £5m → in-year −£3m (a surplus of £3m).
    // Opening deficit £4m: 2024-25 standing before payments £1m, so a £5m payment is capped
    // at £1m and the deficit closes at 0, not at −£4m; 2025-26: standing −£3m, so a £2m
    // payment applies nothing.
    let extra = "[deficit]\nopening = 4_000_000\npayments = { \"2024-25\" = 5_000_000, \"2025-26\" = 2_000_000 }\n";
    let s = scenario("5_000_000", "100", "10_000", "0.0", extra);
    let p = project(&s);
    assert_eq!(p.get("payments").unwrap(), [1.0e6, 0.0, 0.0]);
    assert_eq!(p.get("closing_deficit").unwrap(), [0.0, -3.0e6, -6.0e6]);
    let n = &p.notes;
    assert_eq!(n.len(), 2, "{n:#?}");
    assert!(
        n[0].starts_with("deficit.payments[2024-25]: £5.0m") && n[0].contains("£1.0m is applied"),
        "{}",
        n[0]
    );
    assert!(
        n[1].starts_with("deficit.payments[2025-26]: £2.0m") && n[1].contains("£0.0m is applied"),
        "{}",
        n[1]
    );
    // The corkscrew holds with the payments as applied.
    let (o, iy, pay, wo, c) = (
        p.get("opening_deficit").unwrap(),
        p.get("in_year_deficit").unwrap(),
        p.get("payments").unwrap(),
        p.get("write_offs").unwrap(),
        p.get("closing_deficit").unwrap(),
    );
    for t in 0..3 {
        assert_eq!(c[t], o[t] + iy[t] - pay[t] - wo[t]);
    }
}

#[test]
fn a_phase_transfer_given_twice_is_noted() {
    const COHORT: &str = include_str!("data/cohort_hand.toml");
    let once = Scenario::from_toml_str(COHORT).unwrap();
    assert!(!notes(&once).iter().any(|n| n.contains("transitions")));
    let line = "transitions = [ { age = 1, from = \"a\", to = \"b\", share = 0.25 } ]";
    assert!(COHORT.contains(line));
    let twice = COHORT.replace(
        line,
        "transitions = [ { age = 1, from = \"a\", to = \"b\", share = 0.25 }, \
         { age = 1, from = \"b\", to = \"a\", share = 0.1 }, \
         { age = 1, from = \"a\", to = \"b\", share = 0.25 } ]",
    );
    let n = notes(&Scenario::from_toml_str(&twice).unwrap());
    let hits: Vec<&String> = n.iter().filter(|n| n.contains("transitions[")).collect();
    assert_eq!(hits.len(), 1, "{n:#?}");
    assert!(
        hits[0].contains("transitions[0] and [2]") && hits[0].contains("copied row"),
        "{hits:?}"
    );
}

#[test]
fn ceasing_plans_at_the_last_age_is_noted_as_changing_nothing() {
    const COHORT: &str = include_str!("data/cohort_hand.toml");
    let with = |age: i64| {
        Scenario::from_toml_str(&format!(
            "{COHORT}\n[[mitigations]]\nname = \"cease\"\nstart = \"2024-25\"\n\
             effect = {{ cease_at_age = {{ age = {age}, share = 0.5 }} }}\n"
        ))
        .unwrap()
    };
    let plain = project(&Scenario::from_toml_str(COHORT).unwrap());
    // Age 2 is this cohort's last: the note is true (nothing moves) and given.
    let last = with(2);
    let p = project(&last);
    assert_eq!(p.get("ehcps"), plain.get("ehcps"));
    assert_eq!(p.get("closing_deficit"), plain.get("closing_deficit"));
    assert!(
        notes(&last)
            .iter()
            .any(|n| n.contains("\"cease\" ceases plans at age 2, the last age")),
        "{:?}",
        notes(&last)
    );
    // Age 1 does change the plans: no such note.
    let p = project(&with(1));
    assert_ne!(p.get("ehcps"), plain.get("ehcps"));
    assert!(!notes(&with(1)).iter().any(|n| n.contains("the last age")));
}
