//! The savings a deficit path needs (issue 13 part 4): the path is met to £1,000 (in fact to
//! a penny) in every target year, by re-projecting the returned scenario; other years keep
//! the plan's in-year position; headroom is a negative saving; write-offs by share and
//! payments are handled; the gross basis reads the deficit before payments and write-offs.

use dsg_forecast::analysis::required_savings::required_savings;
use dsg_forecast::{Scenario, project};

const BCP: &str = include_str!("../examples/bcp_safety_valve_2024.toml");
const HAND: &str = include_str!("data/hand_worked.toml");

fn read(text: &str) -> Scenario {
    Scenario::from_toml_str(text).unwrap_or_else(|e| panic!("{e}"))
}

fn path(p: &[(&str, f64)]) -> Vec<(String, f64)> {
    p.iter().map(|(y, v)| (y.to_string(), *v)).collect()
}

#[test]
fn bcp_path_met_in_every_target_year() {
    let s = read(BCP);
    let plan = project(&s);
    let targets = path(&[
        ("2025-26", 120e6),
        ("2026-27", 120e6),
        ("2027-28", 120e6),
        ("2030-31", 100e6),
        ("2031-32", 90e6),
    ]);
    let r = required_savings(&s, &targets, "Recovery path", false).unwrap();
    let p = project(&r.scenario);
    let closing = p.get("closing_deficit").unwrap();
    for (y, v) in &targets {
        let t = p.years.iter().position(|x| x == y).unwrap();
        assert!(
            (closing[t] - v).abs() <= 1000.0,
            "{y}: {} vs {v}",
            closing[t]
        );
        assert!((closing[t] - v).abs() <= 0.01, "{y}: to the penny");
    }
    // Hand check of the first year: the plan closes 2025-26 at C; holding £120m needs C − 120m.
    let c = plan.get("closing_deficit").unwrap()[1];
    assert!(
        (r.savings[1] - (c - 120e6)).abs() < 0.01,
        "{} {}",
        r.savings[1],
        c - 120e6
    );
    // Years without a target keep the plan's in-year position.
    let (a, b) = (
        plan.get("in_year_deficit").unwrap(),
        p.get("in_year_deficit").unwrap(),
    );
    for t in [0, 4, 5, 8, 14] {
        assert_eq!(r.savings[t], 0.0);
        assert!((a[t] - b[t]).abs() < 1e-6, "{t}");
    }
    // One named save mitigation with a source note.
    let m = r.scenario.mitigations.last().unwrap();
    assert_eq!(
        (m.name.as_str(), m.effect.kind()),
        ("Recovery path", "save")
    );
    assert!(r.scenario.sources["mitigations.Recovery path"].contains("2025-26 £120.0m"));
    // TOML round trip keeps the path.
    let again = Scenario::from_toml_str(&r.scenario.to_toml_string()).unwrap();
    assert_eq!(
        project(&again).get("closing_deficit"),
        p.get("closing_deficit")
    );
}

#[test]
fn headroom_is_a_negative_saving() {
    let s = read(BCP);
    let c = project(&s).get("closing_deficit").unwrap()[1];
    let r = required_savings(&s, &path(&[("2025-26", c + 5e6)]), "Path", false).unwrap();
    assert!((r.savings[1] + 5e6).abs() < 0.01, "{}", r.savings[1]);
    let p = project(&r.scenario);
    assert!((p.get("closing_deficit").unwrap()[1] - (c + 5e6)).abs() < 0.01);
}

#[test]
fn write_off_share_and_payments_in_the_path() {
    // Hand-worked: a £1m payment and a 50% write-off in 2025-26, £1m written off in 2026-27.
    let s = read(HAND);
    let targets = path(&[("2025-26", 3e6), ("2026-27", 2e6), ("2027-28", 0.0)]);
    let r = required_savings(&s, &targets, "Path", false).unwrap();
    let p = project(&r.scenario);
    let closing = p.get("closing_deficit").unwrap();
    for (t, v) in [(1, 3e6), (2, 2e6), (3, 0.0)] {
        assert!((closing[t] - v).abs() <= 0.01, "{t}: {}", closing[t]);
    }
    // With half written off, each £1 saved lowers the closing deficit by 50p: the saving is
    // twice the gap (hand check against the plan's own 2025-26 closing deficit C).
    let c = project(&s).get("closing_deficit").unwrap()[1];
    assert!(
        (r.savings[1] - 2.0 * (c - 3e6)).abs() < 0.05,
        "{} {}",
        r.savings[1],
        c
    );
}

#[test]
fn gross_basis_and_the_gross_line() {
    let s = read(HAND);
    let p = project(&s);
    let gross = p.get("closing_deficit_gross").unwrap();
    let iy = p.get("in_year_deficit").unwrap();
    // Gross = opening (£2m) + in-year deficits so far; net is below it by payments and
    // write-offs so far.
    assert!((gross[1] - (2e6 + iy[0] + iy[1])).abs() < 1e-6);
    let net = p.get("closing_deficit").unwrap();
    let red: f64 = p.get("deficit_reductions").unwrap()[..=2].iter().sum();
    assert!((gross[2] - red - net[2]).abs() < 1e-6);
    let r = required_savings(&s, &path(&[("2026-27", 9e6)]), "Gross path", true).unwrap();
    let g = project(&r.scenario).get("closing_deficit_gross").unwrap()[2];
    assert!((g - 9e6).abs() <= 0.01, "{g}");
}

#[test]
fn bad_requests_are_named() {
    let s = read(BCP);
    let e = required_savings(
        &s,
        &path(&[("2050-51", 1.0), ("2025-26", f64::NAN)]),
        "Recovery",
        false,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("closing_deficit[2050-51] = \"2050-51\": not a year of the projection; expected 2024-25 to 2038-39"), "{e}");
    assert!(e.contains("closing_deficit[2025-26]"), "{e}");
    let e = required_savings(&s, &path(&[("2025-26", 1.0)]), "Plans cease at 20", false)
        .unwrap_err()
        .to_string();
    assert!(e.contains("expected a new mitigation name"), "{e}");
    // A year whose deficit is all written off does not respond to savings.
    let mut w = read(HAND);
    w.deficit.write_offs.push(dsg_forecast::scenario::WriteOff {
        year: "2027-28".into(),
        amount: None,
        share: Some(1.0),
    });
    let w = w.validated().unwrap();
    let e = required_savings(&w, &path(&[("2027-28", 1e6)]), "P", false)
        .unwrap_err()
        .to_string();
    assert!(e.contains("does not respond to savings"), "{e}");
}
