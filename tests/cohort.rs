//! The cohort (flow) demand model: a cohort worked by hand, conservation of plans, and the
//! growth model as its special case.

use approx::assert_relative_eq;
use dsg_forecast::{Projection, Scenario, project};
use proptest::prelude::*;

const HAND: &str = include_str!("data/cohort_hand.toml");

fn read(text: &str) -> Scenario {
    Scenario::from_toml_str(text)
        .and_then(dsg_forecast::runnable)
        .unwrap_or_else(|e| panic!("{e}"))
}

fn line<'a>(p: &'a Projection, name: &str) -> &'a [f64] {
    p.get(name)
        .unwrap_or_else(|| panic!("projection has no line {name}"))
}

fn check(p: &Projection, name: &str, expected: &[f64]) {
    let got = line(p, name);
    assert_eq!(got.len(), expected.len(), "{name}");
    for (t, (g, e)) in got.iter().zip(expected).enumerate() {
        assert!(
            (g - e).abs() <= 1e-9 * e.abs().max(1.0),
            "{name}[{}]: got {g}, expected {e}",
            p.years[t]
        );
    }
}

#[test]
fn a_cohort_by_hand() {
    let p = project(&read(HAND));
    // 2025-26 from the base census (a: 10, 20, 30 at ages 0-2; b: 0, 5, 10):
    //  1. cessations: age 1 a 2, b 0.5; age 2 a 15, b 5 → ceased 22.5;
    //  2. ageing: age 2 (a 15, b 5) ends → aged out 20; age 1 ← a 10, b 0; age 2 ← a 18, b 4.5;
    //  3. a quarter of age 1's a moves to b: a 7.5, b 2.5;
    //  4. new plans × 1.5: age 0 6 → a; age 1 3 → a 1.5, b 1.5 → new 9;
    //  5. net other +1 at age 1 → a 0.5, b 0.5.
    //  Stock: age 0 a 6; age 1 a 9.5, b 4.5; age 2 a 18, b 4.5 → a 33.5, b 9.
    // 2026-27:
    //  1. age 1 a 0.95, b 0.45; age 2 a 9, b 2.25 → ceased 12.65;
    //  2. aged out 9 + 2.25 = 11.25; age 1 ← a 6; age 2 ← a 8.55, b 4.05;
    //  3. age 1: a 1.5 to b → a 4.5, b 1.5;
    //  4. new × 2.25: age 0 9 → a; age 1 4.5 → a 2.25, b 2.25 → new 13.5;
    //  5. net other: a 7.25, b 4.25.
    //  Stock: age 0 a 9; age 1 a 7.25, b 4.25; age 2 a 8.55, b 4.05 → a 24.8, b 8.3.
    check(&p, "ehcps.a", &[60.0, 33.5, 24.8]);
    check(&p, "ehcps.b", &[15.0, 9.0, 8.3]);
    check(&p, "ehcps", &[75.0, 42.5, 33.1]);
    check(&p, "new_plans", &[0.0, 9.0, 13.5]);
    check(&p, "ceased_plans", &[0.0, 22.5, 12.65]);
    check(&p, "aged_out", &[0.0, 20.0, 11.25]);
    check(&p, "net_other_change", &[0.0, 1.0, 1.0]);
    // Ages 0 to 2 are all in the DfE group "under 5".
    check(&p, "ehcps_age.under_5", &[75.0, 42.5, 33.1]);
    check(&p, "ehcps_age.under_5.b", &[15.0, 9.0, 8.3]);
    check(&p, "ehcps_age.5_to_10", &[0.0, 0.0, 0.0]);
    // The categories flow on to cost untouched: a £10k, b £20k.
    check(&p, "spend.a", &[600_000.0, 335_000.0, 248_000.0]);
    check(&p, "spend.b", &[300_000.0, 180_000.0, 166_000.0]);
}

#[test]
fn net_other_change_beyond_an_ages_plans_is_floored_and_noted() {
    // Net other −12 at age 1 (mix a ½, b ½: −6 each). In 2025-26, after steps 1-4 as in
    // `a_cohort_by_hand`, age 1 holds a 9 and b 4: a 9 − 6 = 3, b max(0, 4 − 6) = 0, so −10
    // is applied, not −12. Stock: a 6 + 3 + 18 = 27, b 0 + 4.5 = 4.5.
    let text = HAND.replace("net_other = [0, 1, 0]", "net_other = [0, -12, 0]");
    assert_ne!(text, HAND);
    let p = project(&read(&text));
    assert_relative_eq!(line(&p, "net_other_change")[1], -10.0, epsilon = 1e-9);
    assert_relative_eq!(line(&p, "ehcps.a")[1], 27.0, epsilon = 1e-9);
    assert_relative_eq!(line(&p, "ehcps.b")[1], 4.5, epsilon = 1e-9);
    let notes: Vec<&String> = p
        .notes
        .iter()
        .filter(|n| n.starts_with("Net other"))
        .collect();
    assert_eq!(notes.len(), 1, "{:?}", p.notes);
    assert!(
        notes[0].contains("the change applied was -10.0 plans in 2025-26, not the -12.0 asked"),
        "{}",
        notes[0]
    );
    // Inflow at one age and outflow at another: 0 asked, but age 2's outflow of 10 a
    // category meets b's 4.5 plans, so +20 − 10 − 4.5 = 5.5 is applied in 2025-26.
    let text = HAND.replace("net_other = [0, 1, 0]", "net_other = [20, 0, -20]");
    let p = project(&read(&text));
    assert_relative_eq!(line(&p, "net_other_change")[1], 5.5, epsilon = 1e-9);
    assert!(
        p.notes
            .iter()
            .any(|n| n.contains("the change applied was 5.5 plans in 2025-26, not the 0.0 asked")),
        "{:?}",
        p.notes
    );
    // The hand-worked cohort applies all it asks: no such note.
    let plain = project(&read(HAND));
    assert!(
        !plain.notes.iter().any(|n| n.starts_with("Net other")),
        "{:?}",
        plain.notes
    );
}

#[test]
fn mitigations_act_on_flows() {
    // A fifth fewer new plans from 2026-27: new 13.5 × 0.8 = 10.8 (age 0 7.2 → a; age 1 3.6
    // → a 1.8, b 1.8); then net other: a 4.5 + 1.8 + 0.5 = 6.8, b 1.5 + 1.8 + 0.5 = 3.8.
    let text = format!(
        "{HAND}\n[[mitigations]]\nname = \"early help\"\nstart = \"2026-27\"\neffect = {{ reduce_new_plans = {{ share = 0.2 }} }}\n"
    );
    let p = project(&read(&text));
    check(&p, "new_plans", &[0.0, 9.0, 10.8]);
    check(&p, "ehcps.a", &[60.0, 33.5, 7.2 + 6.8 + 8.55]);
    check(&p, "ehcps.b", &[15.0, 9.0, 3.8 + 4.05]);
    // Ceasing a further half of the plans held at age 1 from 2025-26: the rate there becomes
    // 0.1 + 0.5 = 0.6, so 2025-26 ceases a 12, b 3 at age 1 (not 2, 0.5): 12.5 more ceased,
    // and age 2 then holds a 8 (was 18), b 2 (was 4.5).
    let text = format!(
        "{HAND}\n[[mitigations]]\nname = \"cease at 1\"\nstart = \"2025-26\"\neffect = {{ cease_at_age = {{ age = 1, share = 0.5 }} }}\n"
    );
    let p = project(&read(&text));
    check(
        &p,
        "ceased_plans",
        &[0.0, 35.0, line(&p, "ceased_plans")[2]],
    );
    check(&p, "ehcps", &[75.0, 30.0, line(&p, "ehcps")[2]]);
    // A move of 6 plans a year from a to b: taken from every age of a in proportion.
    let text = format!(
        "{HAND}\n[[mitigations]]\nname = \"move\"\nstart = \"2025-26\"\neffect = {{ move_plans = {{ from = \"a\", to = \"b\", per_year = 6 }} }}\n"
    );
    let p = project(&read(&text));
    check(&p, "ehcps.a", &[60.0, 27.5, line(&p, "ehcps.a")[2]]);
    check(&p, "ehcps.b", &[15.0, 15.0, line(&p, "ehcps.b")[2]]);
    check(&p, "ehcps", &[75.0, 42.5, line(&p, "ehcps")[2]]);
}

#[test]
fn flow_mitigations_need_the_cohort_model() {
    let text = "[meta]\nname = \"g\"\nbase_year = \"2024-25\"\nhorizon = 3\n[funding]\nhnb = 2e6\n[demand]\ngrowth = 0.05\nbase_plans = { a = 10 }\n[cost]\nunit_cost = { a = 1e4 }\ninflation = 0.0\n[[mitigations]]\nname = \"x\"\nstart = \"2025-26\"\neffect = { reduce_new_plans = { share = 0.2 } }\n";
    let e = Scenario::from_toml_str(text).unwrap_err();
    let i = &e.issues()[0];
    assert_eq!(i.path, "mitigations[0].effect.reduce_new_plans");
    assert!(i.message.contains("cohort model"), "{i}");
}

#[test]
fn cohort_inputs_are_checked_naming_field_and_age() {
    let bad = HAND
        .replace("cessation = [0.0, 0.1, 0.5]", "cessation = [0.0, 1.1, 0.5]")
        .replace("stock = { a = [10, 20, 30]", "stock = { a = [10, 20, 31]")
        .replace(
            "new_plan_mix = { a = [1.0, 0.5, 0.5]",
            "new_plan_mix = { a = [1.0, 0.4, 0.5]",
        );
    let e = Scenario::from_toml_str(&bad).unwrap_err();
    let paths: Vec<String> = e.issues().iter().map(|i| i.path.clone()).collect();
    assert!(
        paths.contains(&"demand.cohort.cessation[1]".to_string()),
        "{e}"
    );
    assert!(paths.contains(&"demand.cohort.stock.a".to_string()), "{e}");
    assert!(
        paths.contains(&"demand.cohort.new_plan_mix".to_string()),
        "{e}"
    );
    let msg = e.to_string();
    assert!(
        msg.contains("adds up to 61.0 plans") && msg.contains("at age 1"),
        "{msg}"
    );
    // A cohort section with the growth model is an error, not silently ignored.
    let e = Scenario::from_toml_str(&HAND.replace("model = \"cohort\"\n", "")).unwrap_err();
    assert_eq!(e.issues()[0].path, "demand.cohort", "{e}");
    // So is a target mix with the cohort model, which places plans by new_plan_mix.
    let mixed = HAND.replace(
        "base_plans = { a = 60, b = 15 }",
        "base_plans = { a = 60, b = 15 }\nmix = [ { year = \"2026-27\", shares = { a = 0.9, b = 0.1 } } ]",
    );
    let e = Scenario::from_toml_str(&mixed).unwrap_err();
    let i = &e.issues()[0];
    assert_eq!(
        (i.path.as_str(), e.issues().len()),
        ("demand.mix", 1),
        "{e}"
    );
    assert!(i.message.contains("new_plan_mix"), "{i}");
}

/// The growth scenario of the special-case test, with `g` and `u0` plans split 0.6/0.4.
fn growth_text(g: f64) -> String {
    format!(
        "[meta]\nname = \"g\"\nbase_year = \"2024-25\"\nhorizon = 12\n[funding]\nhnb = 5e6\nhnb_growth = 0.03\n[deficit]\nopening = 1e6\n[demand]\ngrowth = {g}\nbase_plans = {{ a = 300, b = 200 }}\n[cost]\nunit_cost = {{ a = 1e4, b = 2.5e4 }}\ninflation = 0.02\n"
    )
}

#[test]
fn the_growth_model_is_a_cohort_of_one_age_without_ageing_or_cessation() {
    // U[t] = U[t−1] (1 + g) needs new plans g U[t−1] = g U0 (1 + g)^(t−1); the cohort's are
    // n0 (1 + g)^t, so n0 = g U0 / (1 + g), placed by the base mix.
    let g = 0.07;
    let growth = project(&read(&growth_text(g)));
    let n0 = g * 500.0 / (1.0 + g);
    let cohort = format!(
        "{}model = \"cohort\"\n[demand.cohort]\nageing = false\nstock = {{ a = [300], b = [200] }}\nnew_plans = [{n0}]\nnew_plan_mix = {{ a = [0.6], b = [0.4] }}\ncessation = [0.0]\n",
        growth_text(g).replace("[cost]", "[cost_]")
    )
    .replace("[cost_]", "[cost]");
    // Move the model choice into [demand] (it was appended after [cost]).
    let cohort = cohort
        .replace("model = \"cohort\"\n[demand.cohort]", "[demand.cohort]")
        .replace("[demand]\n", "[demand]\nmodel = \"cohort\"\n");
    let cohort = project(&read(&cohort));
    for l in &growth.lines {
        let other = line(&cohort, &l.name);
        for (a, b) in l.values.iter().zip(other) {
            assert_relative_eq!(*a, *b, max_relative = 1e-9, epsilon = 1e-6);
        }
    }
}

/// A random cohort of `n` ages over two categories with every flow and plan mitigation.
fn random_cohort(
    n: usize,
    stock: Vec<(f64, f64)>,
    new: Vec<f64>,
    cess: Vec<f64>,
    other: Vec<f64>,
    moves: (f64, f64, f64),
) -> String {
    let a: Vec<f64> = stock.iter().map(|x| x.0).collect();
    let b: Vec<f64> = stock.iter().map(|x| x.1).collect();
    let (sa, sb): (f64, f64) = (a.iter().sum(), b.iter().sum());
    let fmt = |v: &[f64]| format!("{v:?}");
    let mix_a: Vec<f64> = (0..n).map(|k| 0.2 + 0.6 * (k as f64 / n as f64)).collect();
    let mix_b: Vec<f64> = mix_a.iter().map(|x| 1.0 - x).collect();
    format!(
        "[meta]\nname = \"r\"\nbase_year = \"2024-25\"\nhorizon = 8\n[funding]\nhnb = 5e6\n[demand]\nmodel = \"cohort\"\ngrowth = 0.04\nbase_plans = {{ a = {sa}, b = {sb} }}\n[demand.cohort]\nstock = {{ a = {}, b = {} }}\nnew_plans = {}\nnew_plan_mix = {{ a = {}, b = {} }}\ncessation = {}\nnet_other = {}\ntransitions = [ {{ age = 1, from = \"a\", to = \"b\", share = 0.3 }} ]\n[cost]\nunit_cost = {{ a = 1e4, b = 2e4 }}\ninflation = 0.0\n[capacity.b]\nplaces = 40\noverflow = \"a\"\n[[mitigations]]\nname = \"m\"\nstart = \"2025-26\"\neffect = {{ move_plans = {{ from = \"a\", to = \"b\", per_year = {} }} }}\n[[mitigations]]\nname = \"c\"\nstart = \"2025-26\"\nramp_years = 2\neffect = {{ cease_plans = {{ per_year = {} }} }}\n[[mitigations]]\nname = \"k\"\nstart = \"2026-27\"\neffect = {{ cease_at_age = {{ age = 1, share = {}, category = \"b\" }} }}\n",
        fmt(&a),
        fmt(&b),
        fmt(&new),
        fmt(&mix_a),
        fmt(&mix_b),
        fmt(&cess),
        fmt(&other),
        moves.0,
        moves.1,
        moves.2,
    )
    .replace("ageing_marker", "")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Plans appear only as new plans or net other change and leave only by ceasing or ageing
    /// out: total[t] = total[t−1] + new + net other − ceased − aged out, every year.
    #[test]
    fn plans_are_conserved(
        (stock, new, cess, other) in (2usize..6).prop_flat_map(|n| (
            proptest::collection::vec((1.0..200.0f64, 1.0..200.0f64), n),
            proptest::collection::vec(0.0..50.0f64, n),
            proptest::collection::vec(0.0..0.5f64, n),
            proptest::collection::vec(-5.0..5.0f64, n),
        )),
        moves in (0.0..5.0f64, 0.0..5.0f64, 0.0..0.3f64),
    ) {
        let n = stock.len();
        let text = random_cohort(n, stock, new, cess, other, moves);
        let s = Scenario::from_toml_str(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let s = match dsg_forecast::runnable(s) {
            Ok(s) => s,
            // Mitigations asking for more plans than there are: not this property's concern.
            Err(_) => return Ok(()),
        };
        let p = project(&s);
        let (tot, new, other, ceased, aged) = (
            line(&p, "ehcps"), line(&p, "new_plans"), line(&p, "net_other_change"),
            line(&p, "ceased_plans"), line(&p, "aged_out"),
        );
        for t in 1..tot.len() {
            let expected = tot[t - 1] + new[t] + other[t] - ceased[t] - aged[t];
            prop_assert!((tot[t] - expected).abs() <= 1e-9 * tot[t - 1].max(1.0),
                "{}: {} != {}", p.years[t], tot[t], expected);
            prop_assert!(p.lines.iter().all(|l| l.values.iter().all(|v| v.is_finite())));
            let sum_groups: f64 = ["under_5", "5_to_10", "11_to_15", "16_to_19", "20_to_25"]
                .iter().map(|g| line(&p, &format!("ehcps_age.{g}"))[t]).sum();
            prop_assert!((sum_groups - tot[t]).abs() <= 1e-9 * tot[t].max(1.0));
        }
    }
}

#[test]
fn cohort_levers_in_goal_seek_and_tornado() {
    use dsg_forecast::analysis::driver::Driver;
    use dsg_forecast::analysis::goal_seek::{GoalSeek, goal_seek};
    use dsg_forecast::analysis::sensitivity::{default_ranges, tornado};
    let s = read(HAND);
    // Applying a lever to the model and writing it into the scenario give the same plans.
    for (name, value) in [("cessation_rate:1", 0.3), ("new_plan_growth", 0.2)] {
        let d = Driver::parse(name, &s).unwrap();
        let mut m = dsg_forecast::Model::new(&s);
        d.apply(&mut m, value, 0);
        let fast = dsg_forecast::run(&m);
        let written = project(&d.write(&s, value, 0).unwrap());
        for (c, id) in ["a", "b"].iter().enumerate() {
            let col: Vec<f64> = (0..3).map(|t| fast.plans.get(t, c)).collect();
            assert_eq!(col, line(&written, &format!("ehcps.{id}")), "{name}");
        }
    }
    // The cessation rate at age 1 that brings 2026-27 plans (33.1 as given) to exactly 30:
    // plans fall as the rate rises, so a root exists between 0.1 and 1.
    let mut req = GoalSeek::new("cessation_rate:1", "closing_deficit");
    req.year = Some("2026-27".into());
    let base = project(&s);
    let target = line(&base, "closing_deficit")[2] - 20_000.0;
    req.amount = target;
    req.exact = true;
    req.tolerance = 1.0;
    let r = goal_seek(&s, &req).unwrap();
    assert!(r.achieved, "{}", r.message);
    assert!(r.value > 0.1 && r.value < 1.0, "{}", r.value);
    assert!((line(&project(&r.scenario), "closing_deficit")[2] - target).abs() <= 1.0);
    // A cessation lever on a growth scenario is an error naming the lever.
    let g = read(&growth_text(0.05));
    let e = Driver::parse("cessation_rate:19", &g).unwrap_err();
    assert!(e.to_string().contains("cohort model"), "{e}");
    // The tornado runs every default range.
    let ranges = default_ranges(&s);
    let t = tornado(&s, "closing_deficit", &ranges).unwrap();
    assert_eq!(t.bars.len(), ranges.len());
}
