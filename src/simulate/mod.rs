//! Monte Carlo simulation of a scenario's `[uncertainty]` section.
//!
//! Each path perturbs a copy of the scenario's [`Model`] — EHCP growth, unit-cost inflation,
//! HNB growth and each mitigation's delivery, as [`crate::scenario::uncertainty`] describes — and runs a
//! lean, allocation-free copy of [`crate::engine::projection::run`] (the same arithmetic in the same
//! order, so with no uncertainty it gives bit-for-bit the deterministic projection). Workers
//! run [`LANES`] paths side by side in vector instructions ([`Engine`]); each path's results
//! are the same as if it ran alone.
//!
//! **Reproducibility.** Path `i` draws from its own xoshiro256++ stream keyed by
//! `(seed, i)` ([`rng`]): its numbers do not depend on which thread or lane runs it, in what
//! order, or on which CPU.
//! Every summary is an exact, order-free merge (integer counts, integer fixed-point sums,
//! minima and maxima), so results are bit-identical for any number of threads.
//!
//! **Memory.** Without `keep_paths` nothing grows with the path count: each of a fixed number
//! of workers holds one [`summary::Acc`] (a histogram per line and year). See
//! [`summary`] for the quantile method and its accuracy. With `keep_paths` the kept lines take
//! 4 × paths × years × 8 bytes, at most [`MAX_KEPT_BYTES`] (see [`max_kept_paths`]).
//!
//! **Capped paths.** A shock can make a mitigation ask to move or cease more plans than a
//! category holds (lower EHCP growth, delivery above 1); the demand model then caps the move at
//! the plans there are. Each path records whether that happened, per mitigation, and the
//! summary counts those paths ([`Summary::capped_paths`]).

mod batch;
mod engine;
mod kernel;
pub mod rng;
mod shocks;
pub mod summary;
mod worker;

pub use batch::{BATCH_METRICS, BatchDriver, batch_driver_names, evaluate_batch};
pub use engine::{Engine, LANES, Workspace};
pub use shocks::sample_draws;
pub use summary::{Grid, Summary};

use crate::error::{Issue, ScenarioError};
use crate::scenario::Scenario;
use rayon::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use summary::Acc;

/// Most paths one simulation may run (10 million).
pub const MAX_PATHS: usize = 10_000_000;
/// Most memory (bytes) the kept paths of `keep_paths` may take: 1 GiB.
pub const MAX_KEPT_BYTES: usize = 1 << 30;
/// Paths run first, in full, to set each histogram's range (see [`summary`]).
pub const PILOT_PATHS: usize = 1024;

/// Paths a thread claims at a time in [`Simulator::run_block`] (a whole number of
/// [`summary::BLOCK`]s, so a piece leaves no values pending in its worker's summary).
pub const PIECE: usize = 4096;
const _: () = assert!(PIECE.is_multiple_of(summary::BLOCK) && PIECE.is_multiple_of(LANES));
/// The lines summarised, in this order: closing cumulative deficit (£), in-year deficit (£),
/// total expenditure (£), EHCPs (plans).
pub const LINES: [&str; 4] = [
    "closing_deficit",
    "in_year_deficit",
    "total_expenditure",
    "ehcps",
];
/// Number of summarised lines.
pub const N_LINES: usize = LINES.len();

/// What to simulate and summarise.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Number of paths, 1 to [`MAX_PATHS`].
    pub n_paths: usize,
    /// Seed of the generator (any value; same seed, same results).
    pub seed: u64,
    /// Quantiles to report, each strictly between 0 and 1.
    pub quantiles: Vec<f64>,
    /// Amounts (£) for which to count paths whose closing deficit exceeds them; the scenario's
    /// `financing.reserves` is added when given.
    pub thresholds: Vec<f64>,
    /// Keep every path's lines (memory: 4 × paths × years × 8 bytes); then `n_paths` may be
    /// at most [`max_kept_paths`] of the horizon.
    pub keep_paths: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            n_paths: 10_000,
            seed: 0,
            quantiles: vec![0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95],
            thresholds: Vec::new(),
            keep_paths: false,
        }
    }
}

/// Most paths `keep_paths` may keep over `horizon` years: the kept lines (4 × paths × years ×
/// 8 bytes) stay within [`MAX_KEPT_BYTES`] (2,236,962 paths over 15 years).
pub fn max_kept_paths(horizon: usize) -> usize {
    (MAX_KEPT_BYTES / (N_LINES * 8 * horizon.max(1))).min(MAX_PATHS)
}

/// Reject bad options for a `horizon`-year scenario before any work starts, naming each field.
pub fn check_options(o: &Options, horizon: usize) -> Result<(), ScenarioError> {
    let mut v = Vec::new();
    if !(1..=MAX_PATHS).contains(&o.n_paths) {
        v.push(
            Issue::new(
                "n_paths",
                format!("expected a number of paths from 1 to {MAX_PATHS}"),
            )
            .with_value(o.n_paths),
        );
    } else if o.keep_paths && o.n_paths > max_kept_paths(horizon) {
        let limit = max_kept_paths(horizon);
        v.push(
            Issue::new(
                "n_paths",
                format!(
                    "with keep_paths at most {limit} paths over {horizon} years (kept paths \
                     are limited to 1 GiB); run more paths without keep_paths, or fewer with it"
                ),
            )
            .with_value(o.n_paths),
        );
    }
    for (i, q) in o.quantiles.iter().enumerate() {
        if !(q.is_finite() && *q > 0.0 && *q < 1.0) {
            v.push(
                Issue::new(
                    format!("quantiles[{i}]"),
                    "expected a probability strictly between 0 and 1",
                )
                .with_value(q),
            );
        } else if let Some(j) = o.quantiles[..i].iter().position(|x| x == q) {
            v.push(
                Issue::new(
                    format!("quantiles[{i}]"),
                    format!("each quantile once; {q} is already quantiles[{j}]"),
                )
                .with_value(q),
            );
        }
    }
    for (i, x) in o.thresholds.iter().enumerate() {
        if !x.is_finite() {
            v.push(Issue::new(format!("thresholds[{i}]"), "expected an amount in £").with_value(x));
        }
    }
    if v.is_empty() {
        Ok(())
    } else {
        Err(ScenarioError::Invalid(v))
    }
}

/// Does `s` have any uncertain input? Without one every path would be the plan, so
/// [`Simulator::new`] refuses it with an error saying how to add one.
pub fn check_uncertain(s: &Scenario) -> Result<(), ScenarioError> {
    let any = s.uncertainty.as_ref().is_some_and(|u| {
        u.ehcp_growth.is_some()
            || u.inflation.is_some()
            || u.hnb_growth.is_some()
            || !u.inflation_by_category.is_empty()
            || !u.delivery.is_empty()
    });
    if any {
        return Ok(());
    }
    Err(ScenarioError::Invalid(vec![Issue::new(
        "uncertainty",
        "the scenario has no uncertain inputs, so every path would be the plan; add an \
         [uncertainty] section with at least one distribution, e.g. ehcp_growth = \
         { distribution = \"normal\", sd = 0.015 } (from Python: scenario.replace(\
         {\"uncertainty\": {\"ehcp_growth\": {\"distribution\": \"normal\", \"sd\": 0.015}}})); \
         see docs/uncertainty.md",
    )]))
}

/// A simulation in progress: run it in blocks (checking for Ctrl-C between them), then
/// [`Simulator::finish`].
pub struct Simulator {
    engine: Engine,
    opts: Options,
    thresholds: Vec<f64>,
    grid: Grid,
    accs: Vec<Acc>,
    workspaces: Vec<Workspace<LANES>>,
    paths: Option<Vec<Vec<f64>>>,
    done: usize,
}

impl Simulator {
    /// Check the options, compile the scenario and run the pilot paths (0 to
    /// [`PILOT_PATHS`] − 1) that fix each histogram's range.
    pub fn new(s: &Scenario, opts: Options) -> Result<Simulator, ScenarioError> {
        check_options(&opts, s.horizon())?;
        check_uncertain(s)?;
        let engine = Engine::new(s, opts.seed);
        let h = engine.horizon();
        let nm = engine.model.mitigations.len().max(1);
        let mut thresholds = opts.thresholds.clone();
        if let Some(r) = engine.model.reserves
            && !thresholds.contains(&r)
        {
            thresholds.push(r);
        }
        let pilot_n = opts.n_paths.min(PILOT_PATHS);
        let w = N_LINES * h;
        let real = engine.model.mitigations.len();
        // Pilot paths in blocks of LANES, kept as the workspace holds them (`[k][lane]` and
        // `[lane × real + i]`).
        let blocks = pilot_n.div_ceil(LANES);
        let mut pilot = vec![[0.0; LANES]; blocks * w];
        let mut pilot_capped = vec![false; blocks * LANES * nm];
        pilot
            .par_chunks_mut(w)
            .zip(pilot_capped.par_chunks_mut(LANES * nm))
            .enumerate()
            .for_each_init(
                || engine.workspace::<LANES>(),
                |ws, (j, (out, capped))| {
                    let n = (pilot_n - j * LANES).min(LANES);
                    engine.paths(ws, (j * LANES) as u64, n);
                    out.copy_from_slice(ws.lanes_out());
                    capped[..LANES * real].copy_from_slice(ws.capped());
                },
            );
        let grid = Grid::from_pilot(&pilot, w, pilot_n);
        // The pilot's summary (`accs[0]`), then one per thread (`accs[1..]`); built (and their
        // histograms zeroed) in parallel.
        let workers = 1 + rayon::current_num_threads();
        let mut accs: Vec<Acc> = (0..workers)
            .into_par_iter()
            .map(|_| Acc::new(N_LINES, h, thresholds.len()))
            .collect();
        let mut paths = if opts.keep_paths {
            Some(kept_buffers(opts.n_paths, h)?)
        } else {
            None
        };
        for (j, (out, capped)) in pilot
            .chunks(w)
            .zip(pilot_capped.chunks(LANES * nm))
            .enumerate()
        {
            let n = (pilot_n - j * LANES).min(LANES);
            accs[0].add_lanes(out, n, &grid, &thresholds);
            for lane in 0..n {
                accs[0].add_capped(&capped[lane * real..(lane + 1) * real]);
                let i = j * LANES + lane;
                if let Some(p) = paths.as_mut() {
                    for (l, line) in p.iter_mut().enumerate() {
                        for (x, o) in line[i * h..(i + 1) * h].iter_mut().zip(&out[l * h..]) {
                            *x = o[lane];
                        }
                    }
                }
            }
        }
        accs[0].flush(&grid);
        let workspaces = (1..workers).map(|_| engine.workspace::<LANES>()).collect();
        Ok(Simulator {
            engine,
            opts,
            thresholds,
            grid,
            accs,
            workspaces,
            paths,
            done: pilot_n,
        })
    }

    /// Paths run so far.
    pub fn done(&self) -> usize {
        self.done
    }

    /// Paths requested.
    pub fn n_paths(&self) -> usize {
        self.opts.n_paths
    }

    /// Run up to `n` more paths in parallel on the current rayon pool; returns how many ran.
    ///
    /// The paths are cut into pieces of [`PIECE`] paths, which every thread of the pool claims
    /// in turn as it becomes free (so a thread the machine slows down does not hold the others
    /// up); each thread adds its pieces to its own summary. Summaries merge exactly and in any
    /// order, so which thread ran which piece does not change any result.
    pub fn run_block(&mut self, n: usize) -> usize {
        let start = self.done;
        let end = (start + n).min(self.opts.n_paths);
        if end <= start {
            return 0;
        }
        let h = self.engine.horizon();
        let pieces = (end - start).div_ceil(PIECE);
        let Simulator {
            engine,
            thresholds,
            grid,
            accs,
            workspaces,
            paths,
            ..
        } = self;
        // With keep_paths, each piece's slice of every kept line, taken by the thread that
        // runs the piece.
        let mut kept: Vec<Mutex<Vec<&mut [f64]>>> = Vec::new();
        if let Some(p) = paths.as_mut() {
            kept.resize_with(pieces, || Mutex::new(Vec::new()));
            for line in p.iter_mut() {
                for (j, chunk) in line[start * h..end * h].chunks_mut(PIECE * h).enumerate() {
                    lock(&kept[j]).push(chunk);
                }
            }
        }
        let workers: Vec<Mutex<(&mut Acc, &mut Workspace<LANES>)>> = accs[1..]
            .iter_mut()
            .zip(workspaces.iter_mut())
            .map(Mutex::new)
            .collect();
        let next = AtomicUsize::new(0);
        rayon::broadcast(|ctx| {
            // One worker per thread; were the pool larger than when the simulation was set
            // up, threads sharing a worker take turns.
            let mut worker = lock(&workers[ctx.index() % workers.len()]);
            let (acc, ws) = &mut *worker;
            loop {
                let j = next.fetch_add(1, Ordering::Relaxed);
                if j >= pieces {
                    break;
                }
                let a = start + j * PIECE;
                let b = (a + PIECE).min(end);
                let mut keep = kept
                    .get(j)
                    .map(|k| std::mem::take(&mut *lock(k)))
                    .unwrap_or_default();
                let piece = worker::Piece {
                    a,
                    b,
                    grid,
                    thresholds,
                    keep: &mut keep,
                };
                engine.run_range(ws, acc, piece);
            }
        });
        self.done = end;
        end - start
    }

    /// Run every remaining path and summarise.
    pub fn finish(mut self) -> Summary {
        while self.done < self.opts.n_paths {
            self.run_block(self.opts.n_paths);
        }
        let mut accs = std::mem::take(&mut self.accs).into_iter();
        let mut total = accs.next().expect("at least one worker");
        for a in accs {
            total.merge(&a);
        }
        let names = self
            .engine
            .model
            .mitigations
            .iter()
            .map(|m| m.name.clone())
            .collect();
        Summary::new(
            &total,
            &self.grid,
            self.engine.model.year_labels(),
            &self.opts,
            self.thresholds,
            self.paths,
            names,
        )
    }
}

/// Zeroed buffers for `n` kept paths of `h` years, one per line; an allocation failure is an
/// error naming `keep_paths`, never an abort.
/// Lock `m`, whatever a panicking thread left in it (the simulation's data stay valid).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn kept_buffers(n: usize, h: usize) -> Result<Vec<Vec<f64>>, ScenarioError> {
    let mut out = Vec::with_capacity(N_LINES);
    for _ in 0..N_LINES {
        let mut v: Vec<f64> = Vec::new();
        if v.try_reserve_exact(n * h).is_err() {
            return Err(ScenarioError::Invalid(vec![
                Issue::new(
                    "keep_paths",
                    format!(
                        "not enough memory to keep {n} paths ({} MB); run fewer paths or \
                         without keep_paths",
                        N_LINES * n * h * 8 / 1_000_000
                    ),
                )
                .with_value(true),
            ]));
        }
        v.resize(n * h, 0.0);
        out.push(v);
    }
    Ok(out)
}

/// Simulate `s` in one call (on the current rayon pool).
pub fn simulate(s: &Scenario, opts: &Options) -> Result<Summary, ScenarioError> {
    Ok(Simulator::new(s, opts.clone())?.finish())
}

/// Time floor for comparison: draw exactly the random numbers `n_paths` paths would use, in
/// parallel and [`LANES`] paths side by side as a simulation draws them, and nothing else. Returns the sum of the draws.
pub fn rng_floor(s: &Scenario, n_paths: usize, seed: u64) -> f64 {
    let engine = Engine::new(s, seed);
    let parts: Vec<f64> = (0..n_paths.div_ceil(LANES))
        .into_par_iter()
        .with_min_len(64)
        .fold(
            || (engine.workspace::<LANES>(), 0.0),
            |(mut ws, acc), j| {
                let x = engine.draw_only(&mut ws, (j * LANES) as u64);
                (ws, acc + x)
            },
        )
        .map(|(_, x)| x)
        .collect();
    parts.iter().sum()
}
