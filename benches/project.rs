//! Criterion benchmark: projecting the BCP example (all mitigations, their effects and the
//! unmitigated path), and one bare model run. `cargo bench --bench project`.

use criterion::{Criterion, criterion_group, criterion_main};
use dsg_forecast::{Model, Scenario, project, run};
use std::hint::black_box;

fn bcp() -> Scenario {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/bcp_safety_valve_2024.toml"
    );
    Scenario::from_path(std::path::Path::new(path)).expect("example is valid")
}

fn bench(c: &mut Criterion) {
    let s = bcp();
    c.bench_function("project_bcp_full", |b| b.iter(|| project(black_box(&s))));
    c.bench_function("model_new_bcp", |b| b.iter(|| Model::new(black_box(&s))));
    let m = Model::new(&s);
    c.bench_function("run_bcp_model", |b| b.iter(|| run(black_box(&m))));
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/bcp_safety_valve_2024.toml"
    ))
    .unwrap();
    c.bench_function("parse_validate_bcp", |b| {
        b.iter(|| Scenario::from_toml_str(black_box(&text)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
