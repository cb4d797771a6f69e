//! Project a scenario file from Rust and print the deficit path in £m:
//! `cargo run --example print_projection -- examples/bcp_safety_valve_2024.toml`.

use dsg_forecast::{Scenario, project};

fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "examples/bcp_safety_valve_2024.toml".into());
    let s = match Scenario::from_path(std::path::Path::new(&path)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let p = project(&s);
    let m = |name: &str| p.get(name).unwrap_or(&[]).to_vec();
    let (inc, exp, iy, cl, n) = (
        m("total_income"),
        m("total_expenditure"),
        m("in_year_deficit"),
        m("closing_deficit"),
        m("ehcps"),
    );
    println!(
        "{:8} {:>9} {:>9} {:>9} {:>9} {:>7}",
        "year", "income", "spend", "in-year", "closing", "EHCPs"
    );
    for (t, y) in p.years.iter().enumerate() {
        println!(
            "{y:8} {:9.1} {:9.1} {:9.1} {:9.1} {:7.0}",
            inc[t] / 1e6,
            exp[t] / 1e6,
            iy[t] / 1e6,
            cl[t] / 1e6,
            n[t]
        );
    }
    println!("{:#?}", p.metrics);
}
