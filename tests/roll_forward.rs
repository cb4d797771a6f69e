//! Roll-forward (issue 13 part 2): a plan rolled forward with actuals equal to its own
//! forecast reproduces its own projection for the remaining years; actuals that differ are
//! used and noted; where the rolled plan cannot match (lines against the unmitigated plan) a
//! note says so.

use dsg_forecast::analysis::roll_forward::roll_forward;
use dsg_forecast::{Projection, Scenario, project};

const BCP: &str = include_str!("../examples/bcp_safety_valve_2024.toml");
const HAND: &str = include_str!("data/hand_worked.toml");
const COHORT: &str = include_str!("data/cohort_hand.toml");

fn read(text: &str) -> Scenario {
    Scenario::from_toml_str(text).unwrap_or_else(|e| panic!("{e}"))
}

/// Every line of `new` equals the same line of `old` from year index `t0` on (to `new`'s last
/// year), to rounding (1e-9 relative, 1e-6 absolute), except the lines against the
/// unmitigated plan.
fn same_tail(old: &Projection, new: &Projection, t0: usize) {
    assert_eq!(&old.years[t0..t0 + new.years.len()], &new.years[..]);
    let mut checked = 0;
    for l in &new.lines {
        // The gross deficit counts payments and write-offs from the plan's own base year, so
        // a rolled plan's starts again from its opening deficit (checked below).
        if l.name.starts_with("unmitigated_")
            || l.name.starts_with("mitigation_effect.")
            || l.name == "closing_deficit_gross"
        {
            continue;
        }
        // A cohort plan's base year has no flows: the flows into it are in its stock.
        let flow = ["new_plans", "ceased_plans", "aged_out", "net_other_change"]
            .contains(&l.name.as_ref());
        let o = old
            .get(&l.name)
            .unwrap_or_else(|| panic!("old has no {}", l.name));
        for (t, (a, b)) in o[t0..].iter().zip(&l.values).enumerate() {
            if flow && t == 0 {
                continue;
            }
            let ok = (a - b).abs() <= 1e-6 + 1e-9 * a.abs() || (a.is_nan() && b.is_nan());
            assert!(ok, "{}[{}]: old {a}, rolled {b}", l.name, new.years[t]);
        }
        checked += 1;
    }
    assert!(checked > 20, "{checked}");
    let gross = new.get("closing_deficit_gross").unwrap();
    let opening = new.get("opening_deficit").unwrap()[0];
    let iy = new.get("in_year_deficit").unwrap();
    assert!((gross[0] - (opening + iy[0])).abs() < 1e-6);
}

/// `s` with actuals equal to its own forecast for the base year `t0 - 1` and `t0`.
fn with_own_actuals(s: &Scenario, t0: usize) -> Scenario {
    let p = project(s);
    let mut s = s.clone();
    let y = |t: usize| p.years[t].clone();
    s.actuals
        .closing_deficit
        .insert(y(t0 - 1), p.get("closing_deficit").unwrap()[t0 - 1]);
    s.actuals
        .hnb_funding
        .insert(y(t0), p.get("hnb_funding").unwrap()[t0]);
    s.actuals.ehcps.insert(y(t0), p.get("ehcps").unwrap()[t0]);
    for c in s.categories() {
        let v = p.get(&format!("ehcps.{c}")).unwrap()[t0];
        s.actuals
            .ehcps_by_category
            .entry(c)
            .or_default()
            .insert(y(t0), v);
    }
    s.validated().unwrap()
}

#[test]
fn bcp_rolled_one_year_on_its_own_forecast_reproduces_itself() {
    let s = with_own_actuals(&read(BCP), 1);
    let r = roll_forward(&s, "2025-26", None).unwrap();
    assert_eq!(r.scenario.meta.base_year, "2025-26");
    assert_eq!(r.scenario.meta.horizon, 14);
    // Named as what it now is; rolling it again replaces the words rather than adding more.
    assert_eq!(
        r.scenario.meta.name,
        format!("{} (rolled forward to 2025-26)", s.meta.name)
    );
    let again = roll_forward(&r.scenario, "2026-27", None).unwrap();
    assert_eq!(
        again.scenario.meta.name,
        format!("{} (rolled forward to 2026-27)", s.meta.name)
    );
    same_tail(&project(&s), &project(&r.scenario), 1);
    // The rolled values say where they came from.
    let src = &r.scenario.sources;
    assert!(
        src["deficit.opening"].contains("actual closing deficit at 31 March 2025"),
        "{src:#?}"
    );
    assert!(src["funding.hnb"].contains("actual HNB 2025-26"));
    assert!(src["demand.base_plans"].contains("EHCPs by category from the actuals for 2025-26"));
    // BCP's mitigations start in 2025-26, so nothing began before the new base year.
    assert!(
        !r.notes.iter().any(|n| n.contains("unmitigated")),
        "{:#?}",
        r.notes
    );
    // Rolled to 2026-27, the growth cut has begun: the note says what the rolled plan's
    // lines against the unmitigated plan cannot repeat, and the plan's own lines still match.
    let s2 = with_own_actuals(&read(BCP), 2);
    let r2 = roll_forward(&s2, "2026-27", None).unwrap();
    assert!(
        r2.notes
            .iter()
            .any(|n| n.contains("\"Early help reduces new plans\" began before 2026-27")),
        "{:#?}",
        r2.notes
    );
    same_tail(&project(&s2), &project(&r2.scenario), 2);
}

#[test]
fn every_mitigation_kind_rolled_by_one_and_two_years() {
    // The hand-worked plan: step schedules, a glided mix, a capacity limit that overflows,
    // a ramped move, a pro-rata cessation, write-offs, payments, invest and save.
    let s = read(HAND);
    for (to, t0) in [("2025-26", 1), ("2026-27", 2), ("2027-28", 3)] {
        let r = roll_forward(&s, to, None).unwrap();
        same_tail(&project(&s), &project(&r.scenario), t0);
        let again = Scenario::from_toml_str(&r.scenario.to_toml_string()).unwrap();
        assert_eq!(
            again, r.scenario,
            "the rolled plan round-trips through TOML"
        );
    }
    // Rolling twice equals rolling once.
    let once = roll_forward(&s, "2026-27", None).unwrap().scenario;
    let step = roll_forward(&s, "2025-26", None).unwrap().scenario;
    let twice = roll_forward(&step, "2026-27", None).unwrap().scenario;
    same_tail(&project(&once), &project(&twice), 0);
}

#[test]
fn carried_moves_are_what_makes_it_exact() {
    // Without the carried plans the rolled plan would move only this year's plans again.
    let s = read(HAND);
    let mut r = roll_forward(&s, "2026-27", None).unwrap().scenario;
    let local = r
        .mitigations
        .iter()
        .position(|m| m.name == "local places")
        .unwrap();
    // 2025-26 is the first year of a two-year ramp: 20 × 1/2 = 10 plans moved by then.
    assert!((r.mitigations[local].carried - 10.0).abs() < 1e-12);
    let cease = r
        .mitigations
        .iter()
        .position(|m| m.name == "cease")
        .unwrap();
    assert!((r.mitigations[cease].carried - 10.0).abs() < 1e-12);
    r.mitigations[local].carried = 0.0;
    let p = project(&r);
    let old = project(&s);
    let a = old.get("ehcps.independent").unwrap()[2];
    let b = p.get("ehcps.independent").unwrap()[0];
    assert!((a - b).abs() > 1.0, "{a} {b}");
}

#[test]
fn cohort_model_rolled_on_its_own_forecast_reproduces_itself() {
    let mut s = read(COHORT);
    s.meta.horizon = 6;
    let extra = r#"
[[mitigations]]
name = "cease some"
start = "2025-26"
ramp_years = 2
effect = { cease_plans = { per_year = 2, category = "a" } }

[[mitigations]]
name = "move some"
start = "2024-25"
effect = { move_plans = { from = "a", to = "b", per_year = 1 } }

[[mitigations]]
name = "fewer new"
start = "2025-26"
ramp_years = 3
effect = { reduce_new_plans = { share = 0.2 } }
"#;
    let s = read(&format!("{}{extra}", s.to_toml_string()));
    for (to, t0) in [("2025-26", 1), ("2027-28", 3)] {
        let own = with_own_actuals(&s, t0);
        let r = roll_forward(&own, to, None).unwrap();
        same_tail(&project(&own), &project(&r.scenario), t0);
    }
}

#[test]
fn actuals_that_differ_are_used_and_the_horizon_extends() {
    let mut s = read(BCP);
    s.actuals.closing_deficit.insert("2024-25".into(), 113.3e6);
    s.sources
        .insert("actuals.closing_deficit".into(), "BCP budget papers".into());
    s.actuals.ehcps.insert("2025-26".into(), 5000.0);
    let r = roll_forward(&s, "2025-26", Some("2040-41")).unwrap();
    assert_eq!(r.scenario.deficit.opening, 113.3e6);
    assert!(r.scenario.sources["deficit.opening"].contains("source: BCP budget papers"));
    assert_eq!(r.scenario.meta.horizon, 16);
    let p = project(&r.scenario);
    assert_eq!(p.years.last().unwrap(), "2040-41");
    let total = p.get("ehcps").unwrap()[0];
    assert!((total - 5000.0).abs() < 1.0, "{total}");
    // The invest-to-save money of 2024-25 is spent: only 2025-26 is left.
    let invest = r
        .scenario
        .mitigations
        .iter()
        .find(|m| m.effect.kind() == "invest")
        .unwrap();
    assert_eq!(
        format!("{:?}", invest.effect).matches("20").count(),
        1,
        "{:?}",
        invest.effect
    );
}

#[test]
fn an_earlier_actual_closing_deficit_is_carried_to_the_new_base_year() {
    // Hand-worked plan rolled to 2026-27 with an actual closing deficit for 2024-25 only
    // (none for 2025-26): the £10m is carried through 2025-26 by the corkscrew, not dropped.
    // 2025-26 pays £1m and writes off half of what stands.
    let mut s = read(HAND);
    s.actuals.closing_deficit.insert("2024-25".into(), 10e6);
    // With an actual in-year deficit of £3m for 2025-26: (10 + 3 − 1) × ½ = £6m exactly.
    let mut with_in_year = s.clone();
    with_in_year
        .actuals
        .in_year_deficit
        .insert("2025-26".into(), 3e6);
    let r = roll_forward(&with_in_year, "2026-27", None).unwrap();
    assert_eq!(r.scenario.deficit.opening, 6e6);
    let why = &r.scenario.sources["deficit.opening"];
    assert!(why.contains("actuals.closing_deficit[2024-25]"), "{why}");
    assert!(why.contains("actual in-year deficits for 2025-26"), "{why}");
    // Without it, the plan's own in-year deficit for 2025-26 is used.
    let iy = project(&s).get("in_year_deficit").unwrap()[1];
    let r = roll_forward(&s, "2026-27", None).unwrap();
    let expected = (10e6 + iy - 1e6) * 0.5;
    assert!(
        (r.scenario.deficit.opening - expected).abs() < 1e-6,
        "{} against {expected}",
        r.scenario.deficit.opening
    );
    assert!(r.scenario.sources["deficit.opening"].contains("that plan's in-year deficits"));
    // Actual in-year deficits alone (no actual closing deficit) are carried from the plan's
    // opening deficit, £2m: 2024-25 2 + 3 = 5; 2025-26 (5 + 4 − 1) × ½ = £4m.
    let mut in_years = read(HAND);
    for (y, v) in [("2024-25", 3e6), ("2025-26", 4e6)] {
        in_years.actuals.in_year_deficit.insert(y.into(), v);
    }
    let r = roll_forward(&in_years, "2026-27", None).unwrap();
    assert_eq!(r.scenario.deficit.opening, 4e6);
    let why = &r.scenario.sources["deficit.opening"];
    assert!(
        why.contains("that plan's opening deficit at 1 April 2024")
            && why.contains("actual in-year deficits for 2024-25, 2025-26 and its payments"),
        "{why}"
    );
    // An actual closing deficit for the year before the base year starts the carry too.
    let mut before = read(HAND);
    before.actuals.closing_deficit.insert("2023-24".into(), 1e6);
    let iy = project(&before).get("in_year_deficit").unwrap().to_vec();
    let r = roll_forward(&before, "2026-27", None).unwrap();
    let expected = (1e6 + iy[0] + iy[1] - 1e6) * 0.5;
    assert!((r.scenario.deficit.opening - expected).abs() < 1e-6);
    // An actual for the year before the new base year still wins outright.
    s.actuals.closing_deficit.insert("2025-26".into(), 7e6);
    let r = roll_forward(&s, "2026-27", None).unwrap();
    assert_eq!(r.scenario.deficit.opening, 7e6);
}

#[test]
fn bad_years_are_named() {
    let s = read(BCP);
    for (to, end) in [
        ("2024-25", None),
        ("2039-40", None),
        ("2025-27", None),
        ("2025-26", Some("2020-21")),
    ] {
        let e = roll_forward(&s, to, end).unwrap_err().to_string();
        assert!(e.contains("expected"), "{e}");
    }
    let e = roll_forward(&s, "2024-25", None).unwrap_err().to_string();
    assert!(e.contains("to = \"2024-25\": expected a year after the base year and inside the projection: 2025-26 to 2038-39"), "{e}");
}

#[test]
fn a_rolled_plans_lines_without_its_mitigations_equal_the_plan_projected_without_them() {
    // Removing a mitigation undoes the plans it had moved or ceased before the new base year
    // (`carried`), so the lines against the unmitigated plan agree with the rolled scenario
    // projected without that mitigation, and `unmitigated_*` with `without_mitigations()`.
    let s = read(HAND);
    let r = roll_forward(&s, "2026-27", None).unwrap().scenario;
    assert!(r.mitigations.iter().any(|m| m.carried != 0.0));
    let p = project(&r);
    let close = |a: &[f64], b: &[f64], what: &str| {
        for (t, (x, y)) in a.iter().zip(b).enumerate() {
            assert!((x - y).abs() < 1e-6, "{what} year {t}: {x} against {y}");
        }
    };
    let bare = project(&r.without_mitigations());
    for key in ["closing_deficit", "in_year_deficit"] {
        close(
            p.get(&format!("unmitigated_{key}")).unwrap(),
            bare.get(key).unwrap(),
            key,
        );
    }
    let spend = p.get("total_expenditure").unwrap();
    for (i, m) in r.mitigations.iter().enumerate() {
        let mut less = r.clone();
        less.mitigations.remove(i);
        let effect: Vec<f64> = project(&less)
            .get("total_expenditure")
            .unwrap()
            .iter()
            .zip(spend)
            .map(|(a, b)| a - b)
            .collect();
        close(
            p.get(&format!("mitigation_effect.{}", m.name)).unwrap(),
            &effect,
            &m.name,
        );
    }
}

#[test]
fn actual_ehcps_for_some_categories_are_used_and_the_rest_share_the_actual_total() {
    let s = read(BCP);
    let p = project(&s);
    let cats = s.categories();
    let forecast = |c: &str| p.get(&format!("ehcps.{c}")).unwrap()[1];
    let mut given = s.clone();
    for c in cats.iter().filter(|c| *c != "other") {
        let by = given
            .actuals
            .ehcps_by_category
            .entry(c.clone())
            .or_default();
        by.insert("2025-26".into(), (forecast(c) + 10.0).round());
    }
    let sum_given: f64 = cats
        .iter()
        .filter(|c| *c != "other")
        .map(|c| (forecast(c) + 10.0).round())
        .sum();
    let rolled = |s: &Scenario| {
        let r = roll_forward(s, "2025-26", None).unwrap();
        let p = project(&r.scenario);
        let at = |c: &str| p.get(&format!("ehcps.{c}")).unwrap()[0];
        let notes = r.notes.join("\n");
        (cats.iter().map(|c| at(c)).collect::<Vec<f64>>(), notes)
    };
    let other = cats.iter().position(|c| c == "other").unwrap();
    let check_given = |got: &[f64]| {
        for (c, name) in cats.iter().enumerate().filter(|(_, c)| *c != "other") {
            let want = (forecast(name) + 10.0).round();
            assert!(
                (got[c] - want).abs() < 0.5,
                "{name}: {} against {want}",
                got[c]
            );
        }
    };

    // With an actual total: the category without an actual gets what the total leaves.
    let mut with_total = given.clone();
    with_total
        .actuals
        .ehcps
        .insert("2025-26".into(), sum_given + 200.0);
    let (got, notes) = rolled(&with_total);
    check_given(&got);
    assert!((got[other] - 200.0).abs() < 0.5, "{got:?}");
    assert!(notes.contains("for 6 of 7 categories"), "{notes}");
    assert!(
        notes.contains("the others (other) the actual total"),
        "{notes}"
    );

    // Without one: the forecast, and the note says so.
    let (got, notes) = rolled(&given);
    check_given(&got);
    assert!((got[other] - forecast("other")).abs() < 0.5, "{got:?}");
    assert!(
        notes.contains("the others (other) as the plan forecast them"),
        "{notes}"
    );

    // A total below what the categories already hold is not used, and the note says why.
    let mut short = given.clone();
    short.actuals.ehcps.insert("2025-26".into(), 100.0);
    let (got, notes) = rolled(&short);
    assert!((got[other] - forecast("other")).abs() < 0.5, "{got:?}");
    assert!(
        notes.contains("(the actual total, 100, is below"),
        "{notes}"
    );

    // Every category given and a total that disagrees: the categories, and a note.
    let mut all = with_total.clone();
    all.actuals
        .ehcps_by_category
        .entry("other".into())
        .or_default()
        .insert("2025-26".into(), 50.0);
    let (got, notes) = rolled(&all);
    assert!((got[other] - 50.0).abs() < 0.5, "{got:?}");
    assert!(notes.contains("was not used"), "{notes}");
}

#[test]
fn actuals_the_rolled_plan_cannot_hold_are_named_in_the_notes() {
    let mut s = read(BCP);
    s.actuals.closing_deficit.insert("2015-16".into(), 1e6);
    s.actuals.ehcps.insert("2016-17".into(), 2000.0);
    let r = roll_forward(&s, "2030-31", None).unwrap();
    let notes = r.notes.join("\n");
    assert!(
        notes.contains("actuals outside 2020-21 to 2038-39")
            && notes.contains("closing_deficit[2015-16], ehcps[2016-17]"),
        "{notes}"
    );
    assert!(r.scenario.actuals.closing_deficit.is_empty());
    // Nothing dropped: no such note.
    let r = roll_forward(&read(BCP), "2030-31", None).unwrap();
    assert!(
        !r.notes.join("\n").contains("actuals outside"),
        "{:?}",
        r.notes
    );
}

#[test]
fn actual_ehcps_far_from_the_forecast_are_used_and_questioned() {
    // (Without its mitigations, whose moves 100 plans could not supply.)
    let mut s = read(BCP).without_mitigations();
    s.actuals.ehcps.insert("2025-26".into(), 100.0);
    let r = roll_forward(&s, "2025-26", None).unwrap();
    let notes = r.notes.join("\n");
    assert!(
        notes.contains("the 2025-26 EHCPs used, 100, are 2% of the"),
        "{notes}"
    );
    // Within half to twice the forecast: no such note.
    s.actuals.ehcps.insert("2025-26".into(), 5000.0);
    let r = roll_forward(&s, "2025-26", None).unwrap();
    assert!(!r.notes.join("\n").contains("EHCPs used"), "{:?}", r.notes);
}

#[test]
fn a_shorter_horizon_keeps_the_plan_up_to_its_end() {
    // Steps, amounts, write-offs, mix targets and mitigations after the new last year are cut
    // (a mix target beyond it becomes the shares reached by then), so the rolled plan is the
    // old plan's projection of the years it keeps.
    let hand = read(HAND);
    let last = project(&hand).years.last().unwrap().clone();
    for (to, end, t0) in [
        ("2025-26", "2025-26", 1),
        ("2025-26", "2026-27", 1),
        ("2026-27", "2026-27", 2),
    ] {
        assert!(end < last.as_str());
        let r = roll_forward(&hand, to, Some(end)).unwrap_or_else(|e| panic!("{to} {end}: {e}"));
        assert_eq!(project(&r.scenario).years.last().unwrap(), end);
        same_tail(&project(&hand), &project(&r.scenario), t0);
    }
    // A mitigation that starts after the end is left out, and the notes say so.
    let r = roll_forward(&hand, "2025-26", Some("2025-26")).unwrap();
    let notes = r.notes.join("\n");
    assert!(
        notes.contains("start after 2025-26, the rolled plan's last year"),
        "{notes}"
    );
    // A mix target after the end: the glide up to the end is the old plan's.
    let far = HAND.replace(
        "mix = [ { year = \"2026-27\"",
        "mix = [ { year = \"2027-28\"",
    );
    assert_ne!(far, HAND);
    let far = read(&far);
    let r = roll_forward(&far, "2025-26", Some("2026-27")).unwrap();
    assert_eq!(r.scenario.demand.mix[0].year, "2026-27");
    same_tail(&project(&far), &project(&r.scenario), 1);
    let bcp = with_own_actuals(&read(BCP), 2);
    let r = roll_forward(&bcp, "2026-27", Some("2029-30")).unwrap();
    same_tail(&project(&bcp), &project(&r.scenario), 2);
}
