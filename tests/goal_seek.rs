//! Goal seek and tornado on a scenario small enough to solve by hand.
//!
//! One category: 100 special plans at £20,000 = £2.0m spend a year (no growth, no inflation);
//! HNB £1.5m with no growth; schools block £100m; no transfer; opening deficit 0. So the
//! in-year deficit is £0.5m every year and the closing deficit £0.5m, £1.0m, £1.5m.

use approx::assert_relative_eq;
use dsg_forecast::analysis::goal_seek::{GoalSeek, goal_seek};
use dsg_forecast::analysis::sensitivity::{default_ranges, tornado};
use dsg_forecast::{Scenario, project};

const SMALL: &str = include_str!("data/toolkit_small.toml");

fn small() -> Scenario {
    Scenario::from_toml_str(SMALL).unwrap()
}

fn line(s: &Scenario, name: &str) -> Vec<f64> {
    project(s).get(name).unwrap().to_vec()
}

#[test]
fn block_transfer_that_balances_a_year_is_half_a_percent() {
    // Balance in 2025-26: 2.0m − 1.5m − share × 100m ≤ 0  ⇒  share ≥ 0.005.
    let mut req = GoalSeek::new("block_transfer", "in_year_balance");
    req.year = Some("2025-26".into());
    let r = goal_seek(&small(), &req).unwrap();
    assert!(r.achieved, "{}", r.message);
    assert!(
        r.value >= 0.005 && r.value <= 0.005 + 1_000.0 / 100e6,
        "{}",
        r.value
    );
    assert_eq!(r.from_year, "2025-26");
    assert!(r.projections <= 12, "{} projections", r.projections);
    // Re-project the returned scenario: balanced in 2025-26, untouched in 2024-25.
    let iy = line(&r.scenario, "in_year_deficit");
    assert!(iy[1] <= 0.0 && iy[1] > -1_000.0, "{iy:?}");
    assert_relative_eq!(iy[0], 500_000.0, max_relative = 1e-12);
}

#[test]
fn hnb_growth_that_holds_the_closing_deficit_solves_a_quadratic() {
    // 6.0m − 1.5m × (1 + (1+g) + (1+g)²) ≤ 0.6m  ⇒  g² + 3g − 0.6 = 0  ⇒  g = (−3 + √11.4) / 2.
    let mut req = GoalSeek::new("hnb_growth", "closing_deficit");
    req.year = Some("2026-27".into());
    req.amount = 600_000.0;
    req.bounds = Some((0.0, 0.5));
    req.tolerance = 1.0;
    let r = goal_seek(&small(), &req).unwrap();
    let g = (-3.0 + 11.4_f64.sqrt()) / 2.0;
    assert!(r.achieved, "{}", r.message);
    assert_relative_eq!(r.value, g, max_relative = 1e-6);
    assert!(r.value >= g - 1e-12);
    let closing = line(&r.scenario, "closing_deficit");
    assert!(
        closing[2] <= 600_000.0 && closing[2] > 599_999.0,
        "{closing:?}"
    );
    assert!(r.projections <= 40, "{} projections", r.projections);
}

#[test]
fn mitigation_size_is_solved_and_written_back_scaled() {
    // Cease 10 special plans a year from 2024-25 at size k: 2026-27 plans = 100 − 30k,
    // spend (100 − 30k) × 20,000 ≤ 1.5m  ⇒  k ≥ 5/6.
    let text = format!(
        "{SMALL}\n[[mitigations]]\nname = \"Cease\"\nstart = \"2024-25\"\neffect = {{ cease_plans = {{ per_year = 10, category = \"special\" }} }}\n"
    );
    let s = Scenario::from_toml_str(&text).unwrap();
    let mut req = GoalSeek::new("mitigation:Cease", "in_year_balance");
    req.year = Some("2026-27".into());
    req.tolerance = 1.0;
    let r = goal_seek(&s, &req).unwrap();
    assert!(r.achieved, "{}", r.message);
    assert_relative_eq!(r.value, 5.0 / 6.0, max_relative = 1e-6);
    assert!(line(&r.scenario, "in_year_deficit")[2] <= 0.0);
    let toml = r.scenario.to_toml_string();
    assert!(toml.contains("per_year = 8.33"), "{toml}");
}

#[test]
fn out_of_reach_target_says_so_and_gives_the_best() {
    // At most 0.002 × 100m = 0.2m of transfer against a 0.5m gap: 0.3m remains.
    let mut req = GoalSeek::new("block_transfer", "in_year_balance");
    req.year = Some("2024-25".into());
    req.bounds = Some((0.0, 0.002));
    let r = goal_seek(&small(), &req).unwrap();
    assert!(!r.achieved);
    assert_eq!(r.value, 0.002);
    assert_relative_eq!(r.measure, 300_000.0, max_relative = 1e-9);
    assert!(r.message.contains("cannot be met"), "{}", r.message);
}

#[test]
fn met_everywhere_returns_the_least_change() {
    // Target 5m at the end of 2026-27 is met with no transfer at all.
    let mut req = GoalSeek::new("block_transfer", "closing_deficit");
    req.amount = 5_000_000.0;
    req.from_year = Some("2024-25".into());
    let r = goal_seek(&small(), &req).unwrap();
    assert!(r.achieved);
    assert_eq!(r.value, 0.0);
}

#[test]
fn deficit_at_override_end_uses_the_override_year() {
    // Override ends 31 March 2026: the 2025-26 closing deficit, 1.0m with no transfer.
    // Transfer from 2024-25 at share x: 1.0m − 2 × 100m × x ≤ 0.4m  ⇒  x ≥ 0.003.
    let mut req = GoalSeek::new("block_transfer", "deficit_at_override_end");
    req.amount = 400_000.0;
    req.from_year = Some("2024-25".into());
    let r = goal_seek(&small(), &req).unwrap();
    assert_eq!(r.year, "2025-26");
    assert!(r.achieved);
    assert!(r.value >= 0.003 && r.value < 0.003 + 1e-5, "{}", r.value);
}

#[test]
fn bad_requests_list_every_problem() {
    let mut req = GoalSeek::new("transfer", "balance");
    req.year = Some("2040-41".into());
    let e = goal_seek(&small(), &req).unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("lever") && text.contains("block_transfer"),
        "{text}"
    );
    assert!(
        text.contains("target") && text.contains("in_year_balance"),
        "{text}"
    );
    assert!(
        text.contains("2040-41") && text.contains("2024-25 to 2026-27"),
        "{text}"
    );

    let mut req = GoalSeek::new("block_transfer", "in_year_balance");
    req.bounds = Some((0.02, 0.0));
    let text = goal_seek(&small(), &req).unwrap_err().to_string();
    assert!(
        text.contains("bounds") && text.contains("wrong way round"),
        "{text}"
    );

    req.bounds = Some((0.0, 0.05));
    let text = goal_seek(&small(), &req).unwrap_err().to_string();
    assert!(text.contains("from 0 to 0.02"), "{text}");

    let req = GoalSeek::new("mitigation:Nope", "in_year_balance");
    let text = goal_seek(&small(), &req).unwrap_err().to_string();
    assert!(text.contains("no mitigation of that name"), "{text}");
}

#[test]
fn tornado_ranks_drivers_by_hand_worked_swings() {
    let s = small();
    let t = tornado(&s, "closing_deficit", &default_ranges(&s)).unwrap();
    assert_relative_eq!(t.base, 1_500_000.0, max_relative = 1e-12);
    let swing = |name: &str| t.bars.iter().find(|b| b.driver == name).unwrap().swing();
    // Transfer 0 to 1% of 100m for 3 years.
    assert_relative_eq!(swing("block_transfer"), 3_000_000.0, max_relative = 1e-9);
    // ±10% of 2.0m a year for 3 years.
    assert_relative_eq!(swing("unit_cost:special"), 1_200_000.0, max_relative = 1e-9);
    // 2m × ((1 + 1.03 + 1.0609) − (1 + 0.97 + 0.9409)).
    assert_relative_eq!(swing("ehcp_growth"), 360_000.0, max_relative = 1e-9);
    // 2m × ((1 + 1.05 + 1.1025) − (1 + 1.01 + 1.0201)).
    assert_relative_eq!(swing("unit_cost_inflation"), 244_800.0, max_relative = 1e-9);
    // 1.5m × ((1 + 1.05 + 1.1025) − (1 + 1.01 + 1.0201)).
    assert_relative_eq!(swing("hnb_growth"), 183_600.0, max_relative = 1e-9);
    assert_eq!(swing("interest_rate"), 0.0);
    let order: Vec<&str> = t.bars.iter().map(|b| b.driver.as_str()).collect();
    assert_eq!(
        order,
        [
            "block_transfer",
            "unit_cost:special",
            "ehcp_growth",
            "unit_cost_inflation",
            "hnb_growth",
            "interest_rate"
        ]
    );
}

#[test]
fn tornado_rejects_unknown_metric_and_driver() {
    let s = small();
    let e = tornado(&s, "deficit", &[("growth".into(), 0.0, 0.1)]).unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("metric") && text.contains("closing_deficit"),
        "{text}"
    );
    assert!(text.contains("unknown lever"), "{text}");
}

#[test]
fn bcp_goal_seek_uses_few_projections() {
    let text = std::fs::read_to_string("examples/bcp_safety_valve_2024.toml").unwrap();
    let s = Scenario::from_toml_str(&text).unwrap();
    // Levers that do not change the number of plans, so every value keeps the scenario valid.
    for lever in ["hnb_growth", "unit_cost_inflation", "unit_cost:independent"] {
        let mut req = GoalSeek::new(lever, "in_year_balance");
        req.year = Some("2030-31".into());
        let r = goal_seek(&s, &req).unwrap();
        assert!(
            r.projections <= 36,
            "{lever}: {} projections",
            r.projections
        );
        if r.achieved {
            assert!(line(&r.scenario, "in_year_deficit")[6] <= 0.0, "{lever}");
        }
    }
}

#[test]
fn search_stays_where_the_scenario_is_valid() {
    // Cease 10k special plans a year from 100: by 2026-27 30k plans, so k ≤ 10/3 keeps the
    // scenario valid. An out-of-reach target returns the largest valid size, not an error.
    let text = format!(
        "{SMALL}\n[[mitigations]]\nname = \"Cease\"\nstart = \"2024-25\"\neffect = {{ cease_plans = {{ per_year = 10, category = \"special\" }} }}\n"
    );
    let s = Scenario::from_toml_str(&text).unwrap();
    let mut req = GoalSeek::new("mitigation:Cease", "closing_deficit");
    req.amount = -10_000_000.0;
    req.bounds = Some((0.0, 5.0));
    let r = goal_seek(&s, &req).unwrap();
    assert!(!r.achieved);
    assert!(
        r.value <= 10.0 / 3.0 && r.value > 10.0 / 3.0 - 1e-6,
        "{}",
        r.value
    );
    assert!(r.bounds.1 < 5.0);
    assert!(
        r.message.contains("more plans than a placement holds"),
        "{}",
        r.message
    );
}

fn with_cease() -> Scenario {
    // Cease 10k special plans a year from 100 (10k, 20k, 30k by 2026-27): valid for k ≤ 10/3.
    let text = format!(
        "{SMALL}\n[[mitigations]]\nname = \"Cease\"\nstart = \"2024-25\"\neffect = {{ cease_plans = {{ per_year = 10, category = \"special\" }} }}\n"
    );
    Scenario::from_toml_str(&text).unwrap()
}

#[test]
fn tornado_narrows_a_range_to_valid_scenarios_and_says_so() {
    let s = with_cease();
    let t = tornado(
        &s,
        "closing_deficit",
        &[("mitigation:Cease".into(), 0.0, 5.0)],
    )
    .unwrap();
    let b = &t.bars[0];
    assert_eq!(b.requested, (0.0, 5.0));
    assert_eq!(b.low, 0.0);
    assert!(
        b.high <= 10.0 / 3.0 && b.high > 10.0 / 3.0 - 1e-6,
        "{}",
        b.high
    );
    // Size 0: closing 1.5m. Size k: spend falls by £20,000 × k × (10 + 20 + 30) = £1.2m × k.
    assert_relative_eq!(b.at_low, 1_500_000.0, max_relative = 1e-12);
    assert_relative_eq!(b.at_high, 1_500_000.0 - 4_000_000.0, max_relative = 1e-6);
    assert!(
        b.note
            .starts_with("high lowered from 5.00 × planned to 3.33 × planned"),
        "{}",
        b.note
    );
    // Within the valid part nothing is narrowed and the note is empty.
    let t = tornado(&s, "closing_deficit", &[("Cease".into(), 0.0, 1.2)]).unwrap();
    assert_eq!(
        (t.bars[0].low, t.bars[0].high, t.bars[0].note.as_str()),
        (0.0, 1.2, "")
    );
}

#[test]
fn tornado_rejects_a_driver_given_twice_under_two_names() {
    let s = with_cease();
    let e = tornado(
        &s,
        "closing_deficit",
        &[
            ("mitigation:Cease".into(), 0.0, 1.0),
            ("Cease".into(), 0.0, 1.2),
        ],
    )
    .unwrap_err();
    assert!(e.to_string().contains("give each driver once"), "{e}");
}

#[test]
fn bcp_tornado_bars_reproject_through_the_scenario() {
    // Every bar's low and high, written into the scenario, validate and give the bar's values.
    let text = std::fs::read_to_string("examples/bcp_safety_valve_2024.toml").unwrap();
    let s = Scenario::from_toml_str(&text).unwrap();
    let t = tornado(&s, "closing_deficit", &default_ranges(&s)).unwrap();
    for b in &t.bars {
        let d = dsg_forecast::analysis::driver::Driver::parse(&b.driver, &s).unwrap();
        for (x, at) in [(b.low, b.at_low), (b.high, b.at_high)] {
            let written = d
                .write(&s, x, 0)
                .unwrap_or_else(|e| panic!("{} = {x}: {e}", b.driver));
            let direct = project(&written).metrics.closing_deficit;
            assert!(
                (direct - at).abs() <= 1.0,
                "{} = {x}: bar {at}, re-projected {direct}",
                b.driver
            );
        }
        assert_eq!(
            b.note.is_empty(),
            (b.low, b.high) == b.requested,
            "{}",
            b.driver
        );
    }
}

#[test]
fn goal_seek_rejects_arguments_it_would_ignore() {
    // A year other than the override's end with deficit_at_override_end.
    let mut req = GoalSeek::new("block_transfer", "deficit_at_override_end");
    req.year = Some("2026-27".into());
    let e = goal_seek(&small(), &req).unwrap_err().to_string();
    assert!(
        e.contains("year") && e.contains("2025-26") && e.contains("2026-27"),
        "{e}"
    );
    req.year = Some("2025-26".into());
    assert_eq!(goal_seek(&small(), &req).unwrap().year, "2025-26");
    // from_year for a lever that applies to every year.
    let mut req = GoalSeek::new("interest_rate", "closing_deficit");
    req.from_year = Some("2025-26".into());
    let e = goal_seek(&small(), &req).unwrap_err().to_string();
    assert!(e.contains("from_year") && e.contains("every year"), "{e}");
}

#[test]
fn unit_cost_inflation_starts_from_the_default_schedule() {
    // The only category has its own 5% inflation; the default schedule says 0%.
    let text = format!("{SMALL}\n[cost.inflation_by_category]\nspecial = 0.05\n");
    let s = Scenario::from_toml_str(&text).unwrap();
    let req = GoalSeek::new("unit_cost_inflation", "closing_deficit");
    assert_eq!(goal_seek(&s, &req).unwrap().start_value, 0.0);
    let t = tornado(
        &s,
        "closing_deficit",
        &[("unit_cost_inflation".into(), 0.01, 0.05)],
    )
    .unwrap();
    assert_eq!(t.bars[0].base_value, 0.0);
}

#[test]
fn exact_target_finds_the_value_that_meets_the_amount_not_just_stays_under_it() {
    // Closing deficit at the end of 2026-27 is £1.5m as given. "At most £2.1m" is already met
    // with any HNB growth from 0 up, so the at-most seek stops at the value needing least
    // change; the exact seek must raise the deficit to £2.1m, which needs HNB to fall:
    // 6.0m − 1.5m × (1 + (1+g) + (1+g)²) = 2.1m  ⇒  (1+g)² + (1+g) − 1.6 = 0
    // ⇒  1 + g = (−1 + √7.4) / 2.
    let mut req = GoalSeek::new("hnb_growth", "closing_deficit");
    req.year = Some("2026-27".into());
    req.amount = 2_100_000.0;
    req.bounds = Some((-0.5, 0.5));
    let at_most = goal_seek(&small(), &req).unwrap();
    assert_eq!(at_most.mode, "at_most");
    assert!(at_most.achieved);
    req.exact = true;
    let r = goal_seek(&small(), &req).unwrap();
    assert_eq!(r.mode, "exact");
    assert!(r.achieved, "{}", r.message);
    let g = (-1.0 + 7.4_f64.sqrt()) / 2.0 - 1.0;
    assert_relative_eq!(r.value, g, max_relative = 1e-3);
    let closing = line(&r.scenario, "closing_deficit");
    assert!((closing[2] - 2_100_000.0).abs() <= 1_000.0, "{closing:?}");
    assert!(r.message.contains("within £1000"), "{}", r.message);
}

#[test]
fn exact_target_out_of_reach_is_not_achieved() {
    // HNB growth from 0% to 10% can only lower the £1.5m closing deficit; £3m is out of reach.
    let mut req = GoalSeek::new("hnb_growth", "closing_deficit");
    req.year = Some("2026-27".into());
    req.amount = 3_000_000.0;
    req.bounds = Some((0.0, 0.1));
    req.exact = true;
    let r = goal_seek(&small(), &req).unwrap();
    assert!(!r.achieved, "{}", r.message);
    assert!(
        r.message.starts_with("No value of hnb_growth"),
        "{}",
        r.message
    );
    // The closest value is the bound nearest the amount: no growth.
    assert_eq!(r.value, 0.0);
}

#[test]
fn in_year_deficit_target_with_an_amount() {
    // In-year deficit in 2025-26 is 2.0m − 1.5m − share × 100m; exactly £0.2m ⇒ share 0.003.
    let mut req = GoalSeek::new("block_transfer", "in_year_deficit");
    req.year = Some("2025-26".into());
    req.amount = 200_000.0;
    req.exact = true;
    req.tolerance = 1.0;
    let r = goal_seek(&small(), &req).unwrap();
    assert!(r.achieved, "{}", r.message);
    assert_relative_eq!(r.value, 0.003, max_relative = 1e-6);
    let iy = line(&r.scenario, "in_year_deficit");
    assert!((iy[1] - 200_000.0).abs() <= 1.0, "{iy:?}");
    // in_year_balance is a limit, not an amount: exact with it is an error naming `exact`.
    let mut bad = GoalSeek::new("block_transfer", "in_year_balance");
    bad.exact = true;
    let e = goal_seek(&small(), &bad).unwrap_err();
    assert_eq!(e.issues()[0].path, "exact", "{e}");
}

#[test]
fn a_rate_set_by_year_has_its_average_as_base_value_the_centre_of_its_default_range() {
    // The BCP plan: EHCP growth 6.2% from 2024-25 and 4.3% from 2030-31, over 2024-25 to
    // 2038-39. The years with a rate (2025-26 on): five at 6.2%, nine at 4.3%.
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/bcp_safety_valve_2024.toml"
    );
    let s = Scenario::from_path(std::path::Path::new(path)).unwrap();
    let by_hand = (5.0 * 0.062 + 9.0 * 0.043) / 14.0;
    let ranges = default_ranges(&s);
    let (_, lo, hi) = ranges
        .iter()
        .find(|r| r.0 == "ehcp_growth")
        .unwrap()
        .clone();
    let t = tornado(&s, "closing_deficit", &ranges).unwrap();
    let bar = t.bars.iter().find(|b| b.driver == "ehcp_growth").unwrap();
    assert_relative_eq!(bar.base_value, by_hand, max_relative = 1e-14);
    assert_relative_eq!(bar.base_value - lo, 0.03, max_relative = 1e-12);
    assert_relative_eq!(hi - bar.base_value, 0.03, max_relative = 1e-12);
    // A rate the same every year keeps it: BCP's 2% inflation.
    let infl = t
        .bars
        .iter()
        .find(|b| b.driver == "unit_cost_inflation")
        .unwrap();
    assert_relative_eq!(infl.base_value, 0.02, max_relative = 1e-14);
}
