//! Repeatedly project the BCP example, for profilers:
//! `cargo build --release --example profile_project && valgrind --tool=callgrind target/release/examples/profile_project`.
fn main() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/bcp_safety_valve_2024.toml"
    );
    let s = dsg_forecast::Scenario::from_path(std::path::Path::new(path)).expect("valid example");
    let mut total = 0.0;
    for _ in 0..2000 {
        total += dsg_forecast::project(std::hint::black_box(&s))
            .metrics
            .closing_deficit;
    }
    println!("{total}");
}
