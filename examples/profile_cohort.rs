//! Profile the cohort model: many runs of the BCP plan on the cohort model, for `perf`.
//! `cargo run --release --example profile_cohort`; with `-- --print-scenario`, print the
//! scenario as JSON instead (`benches/cohort_plan.py --check` compares it with Python's).

use dsg_forecast::{Model, run};
use std::hint::black_box;

#[path = "../benches/common/cohort_plan.rs"]
mod cohort_plan;

fn main() {
    let s = cohort_plan::bcp_cohort();
    if std::env::args().any(|a| a == "--print-scenario") {
        println!("{}", s.to_json_string());
        return;
    }
    let m = Model::new(&s);
    let n = 100_000;
    let t = std::time::Instant::now();
    for _ in 0..n {
        black_box(run(black_box(&m)));
    }
    println!("{:.2} µs a run", t.elapsed().as_secs_f64() * 1e6 / n as f64);
}
