//! Criterion benchmark: projecting the BCP example (all mitigations, their effects and the
//! unmitigated path), one bare model run with each demand model, and reading a scenario.
//! `cargo bench --bench project`.
//!
//! The cohort run uses the same plan with its plans spread over ages 0 to 25 × the seven
//! categories (see [`bcp_cohort`]), so the two runs differ only in the demand model: the
//! issue's target is a cohort run costing at most 10× a growth run.

use criterion::{Criterion, criterion_group, criterion_main};
use dsg_forecast::{Model, Scenario, project, run};
use std::hint::black_box;

#[path = "common/cohort_plan.rs"]
mod cohort_plan;
use cohort_plan::bcp_cohort;

const BCP: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/bcp_safety_valve_2024.toml"
);

fn bcp() -> Scenario {
    Scenario::from_path(std::path::Path::new(BCP)).expect("example is valid")
}

fn bench(c: &mut Criterion) {
    let s = bcp();
    c.bench_function("project_bcp_full", |b| b.iter(|| project(black_box(&s))));
    c.bench_function("model_new_bcp", |b| b.iter(|| Model::new(black_box(&s))));
    let m = Model::new(&s);
    c.bench_function("run_bcp_model", |b| b.iter(|| run(black_box(&m))));
    let cohort = Model::new(&bcp_cohort());
    c.bench_function("run_bcp_cohort_model", |b| {
        b.iter(|| run(black_box(&cohort)))
    });
    let text = std::fs::read_to_string(BCP).unwrap();
    c.bench_function("parse_validate_bcp", |b| {
        b.iter(|| Scenario::from_toml_str(black_box(&text)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
