//! Actuals beside the plan: variance = forecast − actual exactly, the projection is the same
//! with and without actuals, history before the base year is carried, and bad actuals are
//! reported with field, year, value and what is allowed.

use dsg_forecast::{Projection, Scenario, project};

const BCP: &str = include_str!("../examples/bcp_safety_valve_2024.toml");

fn with_actuals() -> Scenario {
    let text = format!(
        "{BCP}\n[actuals]\nclosing_deficit = {{ \"2023-24\" = 65.5e6, \"2024-25\" = 113.3e6, \"2026-27\" = 150e6 }}\n\
         in_year_deficit = {{ \"2024-25\" = 47.8e6 }}\nehcps = {{ \"2022-23\" = 3266, \"2023-24\" = 3769, \"2024-25\" = 4100 }}\n\
         ehcps_by_category.special = {{ \"2024-25\" = 1000 }}\n"
    );
    Scenario::from_toml_str(&text).unwrap_or_else(|e| panic!("{e}"))
}

fn line<'a>(p: &'a Projection, name: &str) -> &'a [f64] {
    p.get(name).unwrap_or_else(|| panic!("no line {name}"))
}

#[test]
fn variance_is_forecast_minus_actual_exactly() {
    let p = project(&with_actuals());
    let forecast = line(&p, "closing_deficit");
    let actual = line(&p, "actual.closing_deficit");
    let variance = line(&p, "variance.closing_deficit");
    // 2024-25 (t = 0) and 2026-27 (t = 2) have actuals; the rest are NaN.
    assert_eq!(actual[0], 113.3e6);
    assert_eq!(actual[2], 150e6);
    assert_eq!(variance[0], forecast[0] - 113.3e6);
    assert_eq!(variance[2], forecast[2] - 150e6);
    for t in [1, 3, 14] {
        assert!(actual[t].is_nan() && variance[t].is_nan(), "year {t}");
    }
    // The plan's £28.0m in-year deficit against £47.8m: the plan was £19.8m short.
    let v = line(&p, "variance.in_year_deficit")[0];
    assert!((v - (28.0e6 - 47.8e6)).abs() < 0.1e6, "{v}");
    let special = line(&p, "variance.ehcps.special")[0];
    assert_eq!(special, line(&p, "ehcps.special")[0] - 1000.0);
}

#[test]
fn actuals_never_change_the_projection() {
    let a = project(&with_actuals());
    let plain: Scenario = {
        let mut s = with_actuals();
        s.actuals = Default::default();
        s
    };
    let b = project(&plain);
    assert_eq!(a.metrics, b.metrics);
    assert_eq!(a.notes, b.notes);
    assert_eq!(a.unmitigated, b.unmitigated);
    let own: Vec<_> = a
        .lines
        .iter()
        .filter(|l| !l.name.starts_with("actual.") && !l.name.starts_with("variance."))
        .cloned()
        .collect();
    assert_eq!(own, b.lines);
    assert!(b.actuals.is_empty());
    assert_eq!(a.lines.len(), b.lines.len() + 2 * 4);
}

#[test]
fn history_before_the_base_year_is_carried() {
    let p = project(&with_actuals());
    let ehcps: Vec<_> = p.actuals.iter().filter(|a| a.0 == "ehcps").collect();
    assert_eq!(
        ehcps,
        [
            &("ehcps".to_string(), "2022-23".to_string(), 3266.0),
            &("ehcps".to_string(), "2023-24".to_string(), 3769.0),
            &("ehcps".to_string(), "2024-25".to_string(), 4100.0),
        ]
    );
}

#[test]
fn actuals_round_trip_and_bad_ones_are_named() {
    let s = with_actuals();
    let again = Scenario::from_toml_str(&s.to_toml_string()).unwrap();
    assert_eq!(s, again);
    let again = Scenario::from_json_str(&s.to_json_string()).unwrap();
    assert_eq!(s, again);
    let bad = format!(
        "{BCP}\n[actuals]\nehcps = {{ \"2010-11\" = 3000, \"2024-25\" = -1 }}\nclosing_deficit = {{ \"2024-25\" = 1 }}\n\
         ehcps_by_category.nowhere = {{ \"2024-25\" = 1 }}\n[sources]\n\"actuals.closing_deficit\" = \"budget papers\"\n"
    );
    // The [sources] table above clashes with the file's own; write the note into it instead.
    let bad = bad.replace(
        "\n[sources]\n\"actuals.closing_deficit\" = \"budget papers\"\n",
        "\n",
    );
    let err = Scenario::from_toml_str(&bad).unwrap_err().to_string();
    assert!(err.contains("actuals.ehcps = \"2010-11\": outside the years actuals may cover; expected 2014-15 to 2038-39"), "{err}");
    assert!(err.contains("actuals.ehcps[2024-25] = -1"), "{err}");
    assert!(err.contains("actuals.ehcps_by_category.nowhere"), "{err}");
    assert!(!err.contains("closing_deficit"), "{err}");
}

#[test]
fn a_source_note_may_name_an_actual() {
    let mut s = with_actuals();
    s.sources
        .insert("actuals.closing_deficit".into(), "BCP budget papers".into());
    assert!(s.clone().validated().is_ok());
    s.sources
        .insert("actuals.hnb_funding".into(), "nothing there".into());
    assert!(s.validated().is_err());
}
