//! The uncertain BCP scenario the speed measurements share (`benches/simulate.rs`,
//! `examples/time_simulate.rs`), the same as `benches/compare.py` builds: normal shocks to EHCP
//! growth, inflation and HNB growth with persistence 0.5 and correlation 0.3, and Beta(8, 3)
//! delivery for every mitigation.

use dsg_forecast::Scenario;

/// The BCP example plan with the benchmarks' uncertainty.
pub fn bcp_uncertain() -> Scenario {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/bcp_safety_valve_2024.toml"
    );
    let base = Scenario::from_path(std::path::Path::new(path)).expect("example is valid");
    let text = std::fs::read_to_string(path).unwrap() + &uncertainty_toml(&base);
    Scenario::from_toml_str(&text).expect("valid uncertain scenario")
}

/// The benchmarks' `[uncertainty]` section for a scenario with `s`'s mitigations.
pub fn uncertainty_toml(s: &Scenario) -> String {
    let mut text = r#"
[uncertainty]
persistence = 0.5
correlation = 0.3
ehcp_growth = { distribution = "normal", sd = 0.015 }
inflation = { distribution = "normal", sd = 0.01 }
hnb_growth = { distribution = "normal", sd = 0.01 }
[uncertainty.delivery]
"#
    .to_string();
    for m in &s.mitigations {
        text += &format!(
            "{:?} = {{ distribution = \"beta\", alpha = 8, beta = 3 }}\n",
            m.name
        );
    }
    text
}
