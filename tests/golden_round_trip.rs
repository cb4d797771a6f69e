//! Golden round trip: the example file loads, saves to TOML and to JSON, and loads back to the
//! same scenario with a bit-identical projection.

use dsg_forecast::{Projection, Scenario, project};
use std::path::{Path, PathBuf};

const EXAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/bcp_safety_valve_2024.toml"
);

fn example() -> Scenario {
    Scenario::from_path(Path::new(EXAMPLE)).unwrap_or_else(|e| panic!("{e}"))
}

/// A fresh scratch directory for this test process.
fn scratch(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("dsg-forecast-golden-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every line, name by name, with values compared bit for bit.
fn assert_identical(a: &Projection, b: &Projection) {
    assert_eq!(a.years, b.years);
    assert_eq!(a.lines.len(), b.lines.len());
    for (x, y) in a.lines.iter().zip(&b.lines) {
        assert_eq!(x.name, y.name);
        let bits = |v: &[f64]| v.iter().map(|f| f.to_bits()).collect::<Vec<u64>>();
        assert_eq!(bits(&x.values), bits(&y.values), "line {}", x.name);
    }
    assert_eq!(a.metrics, b.metrics);
    match (&a.unmitigated, &b.unmitigated) {
        (Some(x), Some(y)) => assert_identical(x, y),
        (None, None) => {}
        _ => panic!("unmitigated path present in only one projection"),
    }
}

fn round_trip(s: &Scenario, name: &str) {
    let dir = scratch(name);
    let toml_path = dir.join("scenario.toml");
    let json_path = dir.join("scenario.json");
    std::fs::write(&toml_path, s.to_toml_string()).unwrap();
    std::fs::write(&json_path, s.to_json_string()).unwrap();
    let from_toml = Scenario::from_path(&toml_path).unwrap_or_else(|e| panic!("TOML: {e}"));
    let from_json = Scenario::from_path(&json_path).unwrap_or_else(|e| panic!("JSON: {e}"));
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(&from_toml, s, "TOML round trip changed the scenario");
    assert_eq!(&from_json, s, "JSON round trip changed the scenario");
    let p = project(s);
    assert_identical(&project(&from_toml), &p);
    assert_identical(&project(&from_json), &p);
    // Saving again gives the same text: the format is stable.
    assert_eq!(from_toml.to_toml_string(), s.to_toml_string());
    assert_eq!(from_json.to_json_string(), s.to_json_string());
}

#[test]
fn example_round_trips_through_toml_and_json() {
    round_trip(&example(), "bcp");
}

#[test]
fn example_keeps_its_source_notes() {
    let s = example();
    assert!(
        !s.sources.is_empty(),
        "every assumption should carry a source"
    );
    let again = Scenario::from_toml_str(&s.to_toml_string()).unwrap();
    assert_eq!(again.sources, s.sources);
}

#[test]
fn projecting_twice_is_bit_identical() {
    let s = example();
    assert_identical(&project(&s), &project(&s));
}

#[test]
fn a_scenario_with_every_feature_round_trips() {
    // Step schedules, write-offs of both kinds, mix targets, capacity, labels, per-category
    // inflation, every mitigation kind, reserves and a source note.
    let text = r#"
[meta]
name = "every feature"
council = "Anyshire"
base_year = "2025-26"
horizon = 6
notes = "round trip"

[funding]
hnb = 50_000_000.5
hnb_growth = { "2025-26" = 0.07, "2026-27" = 0.03 }
schools_block = 250_000_000
block_transfer = { "2025-26" = 0.005, "2027-28" = 0.01 }
other_income = { "2026-27" = 1_000_000 }

[deficit]
opening = 30_000_000
payments = { "2026-27" = 2_000_000, "2027-28" = 2_000_000 }
write_offs = [ { year = "2025-26", share = 0.9 }, { year = "2025-26", amount = 100_000 } ]

[demand]
growth = { "2025-26" = 0.08, "2028-29" = 0.03 }
base_plans = { mainstream = 900, special = 400, independent = 150, bespoke = 20 }
labels = { bespoke = "Bespoke packages" }
mix = [ { year = "2028-29", shares = { mainstream = 0.5, special = 0.3, independent = 0.18, bespoke = 0.02 } } ]

[capacity.special]
places = { "2025-26" = 420, "2027-28" = 480 }
overflow = "independent"

[cost]
unit_cost = { mainstream = 9_000, special = 25_000, independent = 60_000, bespoke = 30_000 }
inflation = 0.025
inflation_by_category = { independent = { "2025-26" = 0.06, "2027-28" = 0.04 } }
non_plan = { ap = { base = 4_000_000, growth = 0.02 } }

[[mitigations]]
name = "early help"
start = "2026-27"
ramp_years = 3
effect = { reduce_growth = { points = 0.02 } }

[[mitigations]]
name = "local places"
start = "2026-27"
effect = { move_plans = { from = "independent", to = "special", per_year = 10 } }

[[mitigations]]
name = "cease at 20"
start = "2026-27"
effect = { cease_plans = { per_year = 15, category = "mainstream" } }

[[mitigations]]
name = "banding"
start = "2027-28"
effect = { unit_cost = { category = "special", change = -0.03 } }

[[mitigations]]
name = "invest"
start = "2025-26"
effect = { invest = { amounts = { "2025-26" = 1_400_000 } } }

[[mitigations]]
name = "save"
start = "2027-28"
effect = { save = { amounts = { "2027-28" = 500_000, "2028-29" = 900_000 } } }

[financing]
interest_rate = 0.045
reserves = 40_000_000
override_end = "2028-03-31"

[sources]
"funding.hnb_growth" = "DfE guidance: plan on 3% a year"
"mitigations.early help" = "assumed"
"#;
    let s = Scenario::from_toml_str(text).unwrap_or_else(|e| panic!("{e}"));
    round_trip(&s, "features");
}
