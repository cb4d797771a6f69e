//! Criterion benchmarks of the Monte Carlo engine on the BCP example with uncertain EHCP
//! growth, inflation, HNB growth and mitigation delivery: one path, its random numbers alone
//! (the floor; xoshiro256++ per path), sixteen paths side by side, and whole simulations.
//! `cargo bench --bench simulate`.

mod common;

use common::bcp_uncertain;
use criterion::{Criterion, criterion_group, criterion_main};
use dsg_forecast::simulate::summary::{Acc, BLOCK};
use dsg_forecast::simulate::{Engine, Grid, LANES, Options, evaluate_batch, simulate};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let s = bcp_uncertain();
    let engine = Engine::new(&s, 1);
    let mut ws = engine.workspace::<1>();
    let mut i = 0u64;
    c.bench_function("one_path", |b| {
        b.iter(|| {
            i += 1;
            engine.path(&mut ws, black_box(i));
        })
    });
    c.bench_function("one_path_draws_only", |b| {
        b.iter(|| {
            i += 1;
            black_box(engine.draw_only(&mut ws, black_box(i)))
        })
    });
    c.bench_function("one_path_kernel_only", |b| {
        b.iter(|| engine.kernel(&mut ws))
    });
    // LANES paths side by side, as a simulation runs them (time per block, not per path).
    let mut lanes = engine.workspace::<LANES>();
    c.bench_function("lanes_paths", |b| {
        b.iter(|| {
            i += LANES as u64;
            engine.paths(&mut lanes, black_box(i), LANES);
        })
    });
    c.bench_function("lanes_draws_only", |b| {
        b.iter(|| {
            i += LANES as u64;
            black_box(engine.draw_only(&mut lanes, black_box(i)))
        })
    });
    c.bench_function("lanes_kernel_only", |b| {
        b.iter(|| engine.kernel(&mut lanes))
    });
    // Summarising: a block of paths' lines into the histograms, sums and counts, LANES at a
    // time as a simulation adds them.
    let blocks: Vec<Vec<[f64; LANES]>> = (0..(BLOCK / LANES) as u64)
        .map(|k| {
            engine.paths(&mut lanes, 10_000 + k * LANES as u64, LANES);
            lanes.lanes_out().to_vec()
        })
        .collect();
    let grid = Grid::from_pilot(&blocks[0], blocks[0].len(), LANES);
    let mut acc = Acc::new(4, engine.horizon(), 1);
    c.bench_function("summarise_block", |b| {
        b.iter(|| {
            // (A full block goes into the histograms as it fills; `flush` finds nothing left.)
            for o in &blocks {
                acc.add_lanes(black_box(o), LANES, &grid, &[3.0e8]);
            }
            acc.flush(&grid);
        })
    });
    let mut group = c.benchmark_group("simulate");
    group.sample_size(10);
    for n in [10_000, 100_000] {
        let o = Options {
            n_paths: n,
            seed: 1,
            ..Options::default()
        };
        group.bench_function(format!("{n}_paths"), |b| {
            b.iter(|| simulate(black_box(&s), &o).unwrap())
        });
    }
    let names = vec!["ehcp_growth".to_string(), "hnb_growth".to_string()];
    let values: Vec<f64> = (0..20_000).map(|k| (k % 7) as f64 * 0.002).collect();
    group.bench_function("batch_10000_rows", |b| {
        b.iter(|| evaluate_batch(&s, &names, black_box(&values), "closing_deficit").unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
