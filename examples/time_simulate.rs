//! Time whole simulations of the BCP example with uncertainty, on 1 and 2 threads (best of
//! 10): `cargo run --release --example time_simulate`. For profiling, `-- simulate` or
//! `-- floor` times only that one, on 1 thread, at 100,000 paths.

use dsg_forecast::Scenario;
use dsg_forecast::simulate::{Options, rng_floor, simulate};
use std::time::Instant;

fn main() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/bcp_safety_valve_2024.toml"
    );
    let base = Scenario::from_path(std::path::Path::new(path)).expect("example is valid");
    let mut text = std::fs::read_to_string(path).unwrap();
    text += "\n[uncertainty]\npersistence = 0.5\ncorrelation = 0.3\nehcp_growth = { distribution = \"normal\", sd = 0.015 }\ninflation = { distribution = \"normal\", sd = 0.01 }\nhnb_growth = { distribution = \"normal\", sd = 0.01 }\n[uncertainty.delivery]\n";
    for m in &base.mitigations {
        text += &format!(
            "{:?} = {{ distribution = \"beta\", alpha = 8, beta = 3 }}\n",
            m.name
        );
    }
    let s = Scenario::from_toml_str(&text).expect("valid");
    let only = std::env::args().nth(1);
    if let Some(which) = only.as_deref() {
        let o = Options {
            n_paths: 100_000,
            seed: 1,
            ..Options::default()
        };
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let t = Instant::now();
        for _ in 0..20 {
            match which {
                "simulate" => drop(std::hint::black_box(pool.install(|| simulate(&s, &o)))),
                "floor" => drop(std::hint::black_box(
                    pool.install(|| rng_floor(&s, o.n_paths, 1)),
                )),
                other => panic!("unknown argument {other:?}: give simulate or floor"),
            }
        }
        println!(
            "{which}: {:.3} us/path",
            t.elapsed().as_secs_f64() * 1e6 / 2e6
        );
        return;
    }
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        for n in [1024usize, 100_000] {
            let o = Options {
                n_paths: n,
                seed: 1,
                ..Options::default()
            };
            let best = |f: &dyn Fn()| {
                (0..10)
                    .map(|_| {
                        let t = Instant::now();
                        f();
                        t.elapsed().as_secs_f64()
                    })
                    .fold(f64::INFINITY, f64::min)
            };
            let sim = pool.install(|| {
                best(&|| {
                    std::hint::black_box(simulate(&s, &o).unwrap());
                })
            });
            let floor = pool.install(|| {
                best(&|| {
                    std::hint::black_box(rng_floor(&s, n, 1));
                })
            });
            println!(
                "threads {threads} paths {n:>7}: simulate {:.2} ms ({:.3} us/path), floor {:.2} ms, ratio {:.2}",
                sim * 1e3,
                sim * 1e6 / n as f64,
                floor * 1e3,
                sim / floor
            );
        }
    }
}
