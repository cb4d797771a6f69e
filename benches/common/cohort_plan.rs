//! The BCP example plan on the cohort demand model, shared by the projection benchmark and
//! `examples/profile_cohort.rs`.

use dsg_forecast::Scenario;
use std::fmt::Write;

const BCP: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/bcp_safety_valve_2024.toml"
);

/// The BCP plan on the cohort model: each category's plans spread over ages 0 to 25 by a
/// school-age profile, new plans at 9% of the stock a year (at ages 3 to 11), cessation 1% a
/// year below 15, then from 2% at 15 rising 4 points a year to 42% at 25, moves into special
/// at 11 and into post-16 at 16.
/// `benches/cohort_plan.py` builds the same scenario for `benches/compare.py --model cohort`
/// (`python benches/cohort_plan.py --check` compares the two).
pub fn bcp_cohort() -> Scenario {
    Scenario::from_toml_str(&bcp_cohort_toml())
        .and_then(dsg_forecast::runnable)
        .expect("valid cohort plan")
}

/// [`bcp_cohort`]'s scenario text.
pub fn bcp_cohort_toml() -> String {
    let s = Scenario::from_path(std::path::Path::new(BCP)).expect("example is valid");
    let profile: Vec<f64> = (0..26)
        .map(|a: i32| match a {
            0..=2 => 0.2,
            3..=18 => 1.0 + (11 - (a - 11).abs()) as f64 * 0.1,
            _ => (25 - a) as f64 * 0.15,
        })
        .collect();
    let norm: f64 = profile.iter().sum();
    let cats: Vec<(String, f64)> = s.demand.base_plans.clone().into_iter().collect();
    let total: f64 = cats.iter().map(|c| c.1).sum();
    let mut text = std::fs::read_to_string(BCP).unwrap();
    text = text.replace("[demand]\n", "[demand]\nmodel = \"cohort\"\n");
    let list = |v: &[f64]| format!("{v:?}");
    let mut stock = String::new();
    let mut mix = String::new();
    for (c, n) in &cats {
        let ages: Vec<f64> = profile.iter().map(|p| n * p / norm).collect();
        write!(stock, "{c} = {}, ", list(&ages)).unwrap();
        let share = vec![n / total; 26];
        write!(mix, "{c} = {}, ", list(&share)).unwrap();
    }
    let new: Vec<f64> = (0..26)
        .map(|a| {
            if (3..=11).contains(&a) {
                0.09 * total / 9.0
            } else {
                0.0
            }
        })
        .collect();
    let cess: Vec<f64> = (0..26)
        .map(|a| {
            if a < 15 {
                0.01
            } else {
                (0.02 + 0.04 * (a - 15) as f64).min(1.0)
            }
        })
        .collect();
    write!(
        text,
        "\n[demand.cohort]\nstock = {{ {} }}\nnew_plans = {}\nnew_plan_mix = {{ {} }}\ncessation = {}\ntransitions = [ {{ age = 11, from = \"mainstream\", to = \"special\", share = 0.05 }}, {{ age = 16, from = \"special\", to = \"post16\", share = 0.3 }} ]\n",
        stock.trim_end_matches(", "),
        list(&new),
        mix.trim_end_matches(", "),
        list(&cess),
    )
    .unwrap();
    text
}
