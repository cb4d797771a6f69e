//! BCP's rejected 2024 Safety Valve plan: the example file must reproduce the published
//! anchors (primer section 4; seeds `000_…` and `001_…`).
//!
//! | anchor                                   | published | tolerance |
//! |------------------------------------------|-----------|-----------|
//! | in-year deficit 2024-25                  | £28m      | ±£0.5m    |
//! | closing cumulative deficit end 2026-27   | £140m     | ±£2m      |
//! | closing cumulative deficit end 2038-39   | £302m     | ±£3m      |
//! | 2038-39 in-year position                 | surplus of £0.2m: first balanced year (≤ £1m) |

use dsg_forecast::{Projection, Scenario, project};

const EXAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/bcp_safety_valve_2024.toml"
);

fn bcp() -> Projection {
    let s = Scenario::from_path(std::path::Path::new(EXAMPLE)).unwrap_or_else(|e| panic!("{e}"));
    project(&s)
}

/// Value of `line` in financial year `year` (£).
fn at(p: &Projection, line: &str, year: &str) -> f64 {
    let t = p
        .years
        .iter()
        .position(|y| y == year)
        .unwrap_or_else(|| panic!("{year} is not projected"));
    p.get(line).unwrap_or_else(|| panic!("no line {line}"))[t]
}

fn within(got: f64, target_m: f64, tol_m: f64, what: &str) {
    let got_m = got / 1e6;
    assert!(
        (got_m - target_m).abs() <= tol_m,
        "{what}: £{got_m:.2}m, published £{target_m}m ± £{tol_m}m"
    );
}

#[test]
fn fifteen_years_from_2024_25() {
    let p = bcp();
    assert_eq!(p.years.first().map(String::as_str), Some("2024-25"));
    assert_eq!(p.years.last().map(String::as_str), Some("2038-39"));
}

#[test]
fn in_year_deficit_2024_25_is_28m() {
    within(
        at(&bcp(), "in_year_deficit", "2024-25"),
        28.0,
        0.5,
        "in-year 2024-25",
    );
}

#[test]
fn opening_deficit_is_63m() {
    within(
        at(&bcp(), "opening_deficit", "2024-25"),
        63.0,
        0.0,
        "opening 2024-25",
    );
}

#[test]
fn closing_deficit_end_2026_27_is_140m() {
    within(
        at(&bcp(), "closing_deficit", "2026-27"),
        140.0,
        2.0,
        "closing 2026-27",
    );
}

#[test]
fn closing_deficit_end_2038_39_is_302m() {
    within(
        at(&bcp(), "closing_deficit", "2038-39"),
        302.0,
        3.0,
        "closing 2038-39",
    );
}

#[test]
fn first_surplus_is_2038_39_and_small() {
    let p = bcp();
    let iy = p.get("in_year_deficit").unwrap();
    let last = iy.len() - 1;
    for (t, v) in iy[..last].iter().enumerate() {
        assert!(
            *v > 0.0,
            "{} should still be in deficit: £{:.2}m",
            p.years[t],
            v / 1e6
        );
    }
    let surplus = -iy[last];
    assert!(
        (0.0..=1.0e6).contains(&surplus),
        "2038-39 should be a surplus of at most £1m: in-year £{:.2}m",
        iy[last] / 1e6
    );
    assert_eq!(p.metrics.first_balanced_year.as_deref(), Some("2038-39"));
}
