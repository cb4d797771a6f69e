//! A small scenario worked out by hand, line by line: every expected figure below comes from the
//! arithmetic in the comments, not from running the model.
//!
//! Three placement categories, four years (2024-25 to 2027-28), a step schedule for HNB growth
//! and for the block transfer, a glided target mix, a capacity limit that overflows, one
//! mitigation of each kind, a payment, a write-off by share and one by amount, and financing.

use approx::{assert_relative_eq, relative_eq};
use dsg_forecast::{Projection, Scenario, project};

const HAND: &str = include_str!("data/hand_worked.toml");

fn hand() -> Projection {
    let s = Scenario::from_toml_str(HAND).unwrap_or_else(|e| panic!("{e}"));
    project(&s)
}

fn line<'a>(p: &'a Projection, name: &str) -> &'a [f64] {
    p.get(name)
        .unwrap_or_else(|| panic!("projection has no line {name}"))
}

fn check(p: &Projection, name: &str, expected: [f64; 4]) {
    let got = line(p, name);
    assert_eq!(got.len(), 4, "{name}");
    for (t, (g, e)) in got.iter().zip(expected).enumerate() {
        assert!(
            relative_eq!(*g, e, max_relative = 1e-9, epsilon = 1e-6),
            "{name}[{}]: got {g}, expected {e}",
            p.years[t]
        );
    }
}

#[test]
fn years_are_labelled() {
    assert_eq!(hand().years, ["2024-25", "2025-26", "2026-27", "2027-28"]);
}

#[test]
fn income_by_hand() {
    let p = hand();
    // HNB: 15.0m; ×1.10 = 16.5m; ×1.05 = 17.325m; ×1.05 = 18.19125m (step schedule holds 5%).
    check(&p, "hnb_funding", [15.0e6, 16.5e6, 17.325e6, 18.19125e6]);
    // Schools block flat at £100m; transfer 0.5% then 1% from 2025-26.
    check(&p, "schools_block", [100.0e6; 4]);
    check(&p, "block_transfer", [0.5e6, 1.0e6, 1.0e6, 1.0e6]);
    check(&p, "other_income", [0.0, 0.0, 2.0e6, 0.0]);
    // Total = HNB + transfer + other.
    check(&p, "total_income", [15.5e6, 17.5e6, 20.325e6, 19.19125e6]);
}

#[test]
fn plans_by_hand() {
    let p = hand();
    // Underlying total U: 1000; ×1.10 = 1100; ×(1.10 − 0.05) = 1155; ×1.05 = 1212.75.
    // Ceased (all categories, 10 a year from 2025-26): 0, 10, 20, 30.
    // Total: 1000, 1090, 1135, 1182.75.
    check(&p, "ehcps", [1000.0, 1090.0, 1135.0, 1182.75]);
    // Mix glides from 0.6/0.3/0.1 (base) to 0.6/0.2/0.2 in 2026-27: 0.6/0.25/0.15 in 2025-26.
    // Before moves: 2024-25 600/300/100; 2025-26 654/272.5/163.5; 2026-27 681/227/227;
    //               2027-28 709.65/236.55/236.55.
    // Moves independent → special, 20 a year over a 2-year ramp from 2025-26:
    //   cumulative 10 (2025-26), 30 (2026-27), 50 (2027-28).
    //   2025-26 special 282.5, independent 153.5; 2026-27 257 / 197; 2027-28 286.55 / 186.55.
    // Special places 300, then 250 from 2026-27; overflow to independent:
    //   2026-27 excess 7 → special 250, independent 204;
    //   2027-28 excess 36.55 → special 250, independent 223.1.
    check(&p, "ehcps.mainstream", [600.0, 654.0, 681.0, 709.65]);
    check(&p, "ehcps.special", [300.0, 282.5, 250.0, 250.0]);
    check(&p, "ehcps.independent", [100.0, 153.5, 204.0, 223.1]);
}

#[test]
fn unit_costs_by_hand() {
    let p = hand();
    // Mainstream 10,000 at 2% a year: 10,200, 10,404, 10,612.08; the unit-cost mitigation
    // (−10%, 2-year ramp from 2026-27) takes off 5% then 10%: 9,883.8 and 9,550.872.
    check(
        &p,
        "unit_cost.mainstream",
        [10_000.0, 10_200.0, 9_883.8, 9_550.872],
    );
    check(
        &p,
        "unit_cost.special",
        [20_000.0, 20_400.0, 20_808.0, 21_224.16],
    );
    // Independent inflates at its own 5%.
    check(
        &p,
        "unit_cost.independent",
        [50_000.0, 52_500.0, 55_125.0, 57_881.25],
    );
}

#[test]
fn spend_by_hand() {
    let p = hand();
    // plans × unit cost:
    // mainstream: 6.0m; 654 × 10,200 = 6,670,800; 681 × 9,883.8 = 6,730,867.8;
    //             709.65 × 9,550.872 = 6,777,776.3148.
    check(
        &p,
        "spend.mainstream",
        [6.0e6, 6_670_800.0, 6_730_867.8, 6_777_776.314_8],
    );
    // special: 6.0m; 282.5 × 20,400 = 5,763,000; 250 × 20,808 = 5,202,000;
    //          250 × 21,224.16 = 5,306,040.
    check(
        &p,
        "spend.special",
        [6.0e6, 5_763_000.0, 5_202_000.0, 5_306_040.0],
    );
    // independent: 5.0m; 153.5 × 52,500 = 8,058,750; 204 × 55,125 = 11,245,500;
    //              223.1 × 57,881.25 = 12,913,306.875.
    check(
        &p,
        "spend.independent",
        [5.0e6, 8_058_750.0, 11_245_500.0, 12_913_306.875],
    );
    // Not tied to plans: 1.0m growing 10%.
    check(&p, "non_plan.ap", [1.0e6, 1.1e6, 1.21e6, 1.331e6]);
    check(&p, "mitigation_costs", [0.5e6, 0.5e6, 0.0, 0.0]);
    check(&p, "mitigation_savings", [0.0, 0.0, 1.0e6, 8.0e6]);
    // Total = Σ categories + non-plan + invest − save:
    // 17.0m + 1.0m + 0.5m = 18.5m
    // 20,492,550 + 1.1m + 0.5m = 22,092,550
    // 23,178,367.8 + 1.21m − 1.0m = 23,388,367.8
    // 24,997,123.1898 + 1.331m − 8.0m = 18,328,123.1898
    check(
        &p,
        "total_expenditure",
        [18.5e6, 22_092_550.0, 23_388_367.8, 18_328_123.189_8],
    );
    // In-year deficit = spend − income.
    check(
        &p,
        "in_year_deficit",
        [3.0e6, 4_592_550.0, 3_063_367.8, -863_126.810_2],
    );
}

#[test]
fn corkscrew_by_hand() {
    let p = hand();
    // 2024-25: 2.0m + 3.0m = 5.0m.
    // 2025-26: standing 5.0m + 4,592,550 − 1.0m payment = 8,592,550; half written off
    //          (4,296,275) leaves 4,296,275.
    // 2026-27: 4,296,275 + 3,063,367.8 − 1.0m written off = 6,359,642.8.
    // 2027-28: 6,359,642.8 − 863,126.8102 = 5,496,515.9898.
    check(
        &p,
        "opening_deficit",
        [2.0e6, 5.0e6, 4_296_275.0, 6_359_642.8],
    );
    check(&p, "payments", [0.0, 1.0e6, 0.0, 0.0]);
    check(&p, "write_offs", [0.0, 4_296_275.0, 1.0e6, 0.0]);
    check(&p, "deficit_reductions", [0.0, 5_296_275.0, 1.0e6, 0.0]);
    check(
        &p,
        "closing_deficit",
        [5.0e6, 4_296_275.0, 6_359_642.8, 5_496_515.989_8],
    );
    // 4% of the average of opening and closing:
    // 0.04 × 3.5m = 140,000; 0.04 × 4,648,137.5 = 185,925.5;
    // 0.04 × 5,327,958.9 = 213,118.356; 0.04 × 5,928,079.3949 = 237,123.175796.
    check(
        &p,
        "financing_cost",
        [140_000.0, 185_925.5, 213_118.356, 237_123.175_796],
    );
}

#[test]
fn metrics_by_hand() {
    let m = hand().metrics;
    // In-year deficit first ≤ 0 in 2027-28.
    assert_eq!(m.first_balanced_year.as_deref(), Some("2027-28"));
    // Closing: 5.0m, 4.30m, 6.36m, 5.50m → peak 6,359,642.8 in 2026-27.
    assert_relative_eq!(m.peak_deficit, 6_359_642.8, max_relative = 1e-9);
    assert_eq!(m.peak_deficit_year, "2026-27");
    assert_relative_eq!(m.closing_deficit, 5_496_515.989_8, max_relative = 1e-9);
    // 140,000 + 185,925.5 + 213,118.356 + 237,123.175796.
    assert_relative_eq!(m.total_financing_cost, 776_167.031_796, max_relative = 1e-9);
    // The override ends 31 March 2027, the end of 2026-27.
    assert_relative_eq!(
        m.deficit_at_override_end
            .expect("override end is projected"),
        6_359_642.8,
        max_relative = 1e-9
    );
    // Reserves £6m: first exceeded at the end of 2026-27 (5.0m and 4.3m before are below).
    assert_eq!(m.reserves_exceeded_year.as_deref(), Some("2026-27"));
}

#[test]
fn mitigation_effects_and_unmitigated_by_hand() {
    let p = hand();
    // Investment raises the in-year deficit by what it spends; savings lower it by theirs.
    check(&p, "mitigation_effect.invest", [-0.5e6, -0.5e6, 0.0, 0.0]);
    check(&p, "mitigation_effect.save", [0.0, 0.0, 1.0e6, 8.0e6]);
    // Without mitigations plans grow 10% a year: 1000, 1100, 1210, 1331.
    let u = p
        .unmitigated
        .as_ref()
        .expect("mitigations give an unmitigated path");
    check(u, "ehcps", [1000.0, 1100.0, 1210.0, 1331.0]);
    assert!(u.unmitigated.is_none());
    assert_eq!(
        line(&p, "unmitigated_closing_deficit"),
        line(u, "closing_deficit")
    );
    // Income does not depend on mitigations.
    assert_eq!(line(u, "total_income"), line(&p, "total_income"));
}

#[test]
fn no_mitigations_means_no_unmitigated_path() {
    let s = Scenario::from_toml_str(HAND).unwrap();
    let p = project(&s.without_mitigations());
    assert!(p.unmitigated.is_none());
    assert!(p.get("unmitigated_closing_deficit").is_none());
    assert!(
        !p.lines
            .iter()
            .any(|l| l.name.starts_with("mitigation_effect."))
    );
}

#[test]
fn units_are_named() {
    let p = hand();
    let unit = |n: &str| p.lines.iter().find(|l| l.name == n).unwrap().unit;
    assert_eq!(unit("closing_deficit"), "£");
    assert_eq!(unit("ehcps"), "plans");
    assert_eq!(unit("unit_cost.special"), "£ per plan");
}

#[test]
fn write_offs_never_exceed_the_deficit_standing() {
    // Spend £1.0m (100 plans × £10k) equals income, so the £1.0m opening deficit stands at
    // £1.0m at the end of 2024-25. Two write-offs ask for 90% (£0.9m) + £0.5m = £1.4m: only
    // the £1.0m standing is written off, closing at 0, not at a £0.4m surplus.
    let text = r#"
[meta]
name = "Too much written off"
base_year = "2024-25"
horizon = 2

[funding]
hnb = 1_000_000
hnb_growth = 0.0

[deficit]
opening = 1_000_000
write_offs = [ { year = "2024-25", share = 0.9 }, { year = "2024-25", amount = 500_000 } ]

[demand]
growth = 0.0
base_plans = { mainstream = 100 }

[cost]
inflation = 0.0
unit_cost = { mainstream = 10_000 }
"#;
    let p = dsg_forecast::project(&dsg_forecast::Scenario::from_toml_str(text).unwrap());
    assert_relative_eq!(p.get("write_offs").unwrap()[0], 1_000_000.0);
    assert_relative_eq!(p.get("closing_deficit").unwrap()[0], 0.0);
    assert_relative_eq!(p.get("closing_deficit").unwrap()[1], 0.0);
}

#[test]
fn the_unmitigated_scenario_says_so_in_its_name() {
    let s = Scenario::from_toml_str(HAND).unwrap();
    assert!(!s.mitigations.is_empty());
    let bare = s.without_mitigations();
    assert_eq!(bare.meta.name, format!("{} (unmitigated)", s.meta.name));
    // Once only, and not for a scenario that had no mitigations to remove.
    assert_eq!(bare.without_mitigations().meta.name, bare.meta.name);
    let p = project(&bare);
    assert_eq!(p.scenario, bare.meta.name);
}
