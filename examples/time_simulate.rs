//! Time whole simulations of the BCP example with uncertainty, on 1 and 2 threads (best of
//! 10), next to the floor (the same random numbers drawn, 16 paths side by side, and
//! nothing else): `cargo run --release --example time_simulate`. For profiling, `-- simulate` or
//! `-- floor` times only that one, on 1 thread, at 100,000 paths. With `cohort` among the
//! arguments, the BCP plan on the cohort model (`benches/common/cohort_plan.rs`) instead.

#[path = "../benches/common/cohort_plan.rs"]
mod cohort_plan;
#[path = "../benches/common/mod.rs"]
mod common;

use common::{bcp_uncertain, uncertainty_toml};
use dsg_forecast::Scenario;
use dsg_forecast::simulate::{Options, rng_floor, simulate};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let s = if args.iter().any(|a| a == "cohort") {
        let c = cohort_plan::bcp_cohort();
        Scenario::from_toml_str(&(cohort_plan::bcp_cohort_toml() + &uncertainty_toml(&c)))
            .expect("valid uncertain cohort scenario")
    } else {
        bcp_uncertain()
    };
    let only = args.into_iter().find(|a| a != "cohort");
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
        let (t, cpu) = (Instant::now(), cpu_seconds());
        for _ in 0..20 {
            match which {
                "simulate" => drop(std::hint::black_box(pool.install(|| simulate(&s, &o)))),
                "floor" => drop(std::hint::black_box(
                    pool.install(|| rng_floor(&s, o.n_paths, 1)),
                )),
                other => panic!("unknown argument {other:?}: give simulate or floor"),
            }
        }
        // CPU time as well as wall time: on a busy machine the CPU time moves less.
        println!(
            "{which}: {:.3} us/path (CPU {:.3} us/path)",
            t.elapsed().as_secs_f64() * 1e6 / 2e6,
            (cpu_seconds() - cpu) * 1e6 / 2e6
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

/// This process's user + system CPU time (s), from /proc/self/stat (Linux; 0 elsewhere).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which ends at the last ')'): utime and stime are the
    // 12th and 13th, in clock ticks (100 a second on Linux).
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<f64> = rest
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0.0))
        .collect();
    f.get(11)
        .zip(f.get(12))
        .map_or(0.0, |(u, s)| (u + s) / 100.0)
}
