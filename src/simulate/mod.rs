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

use crate::engine::lanes::LaneVec;
use crate::error::{Issue, ScenarioError};
use crate::scenario::Scenario;
use rayon::prelude::*;
use std::sync::{Mutex, MutexGuard};
use summary::Acc;

/// Most paths one simulation may run (10 million).
pub const MAX_PATHS: usize = 10_000_000;
/// Most memory (bytes) the kept paths of `keep_paths` may take: 1 GiB.
pub const MAX_KEPT_BYTES: usize = 1 << 30;
/// Paths run first, in full, to set each histogram's range (see [`summary`]).
pub const PILOT_PATHS: usize = 1024;

/// The most paths a thread claims at a time in [`Simulator::run_block`] ([`piece_size`]; a
/// whole number of [`summary::BLOCK`]s, so the summary's buffer is full, not part-full, when
/// the piece ends).
pub const PIECE: usize = 4096;
/// The fewest paths a thread claims at a time, unless fewer are left ([`piece_size`]).
pub const MIN_PIECE: usize = 256;
const _: () = assert!(
    PIECE.is_multiple_of(summary::BLOCK)
        && MIN_PIECE.is_multiple_of(summary::BLOCK)
        && summary::BLOCK.is_multiple_of(LANES)
        && MIN_PIECE <= PIECE
);
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
        let mut pilot = LaneVec::filled([0.0; LANES], blocks * w);
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
        // One summary per thread, built (and their histograms zeroed) in parallel; the
        // pilot's paths go into the first.
        let mut accs: Vec<Acc> = (0..rayon::current_num_threads())
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
        accs[0].flush_pending(&grid);
        let workspaces = accs.iter().map(|_| engine.workspace::<LANES>()).collect();
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
    /// Every thread of the pool claims pieces of the paths in turn as it becomes free (so a
    /// thread the machine slows down does not hold the others up) and adds them to its own
    /// summary. Each piece is a share of the paths not yet claimed ([`piece_size`]): at most
    /// [`PIECE`], shrinking as the block runs out, so the threads finish together. Summaries
    /// merge exactly and in any order, so which thread ran which piece does not change any
    /// result.
    pub fn run_block(&mut self, n: usize) -> usize {
        let start = self.done;
        let end = (start + n).min(self.opts.n_paths);
        if end <= start {
            return 0;
        }
        let h = self.engine.horizon();
        let Simulator {
            engine,
            thresholds,
            grid,
            accs,
            workspaces,
            paths,
            ..
        } = self;
        // Threads running at once: the pool's, each with a summary of its own (a larger pool
        // than when the simulation was set up shares them).
        let threads = rayon::current_num_threads().min(accs.len());
        // With keep_paths, the block's slice of every kept line, cut up as pieces are claimed.
        let keep = match paths.as_mut() {
            Some(p) => p.iter_mut().map(|l| &mut l[start * h..end * h]).collect(),
            None => Vec::new(),
        };
        let unclaimed = Mutex::new(Unclaimed {
            next: start,
            end,
            keep,
        });
        let workers: Vec<Mutex<(&mut Acc, &mut Workspace<LANES>)>> = accs
            .iter_mut()
            .zip(workspaces.iter_mut())
            .map(Mutex::new)
            .collect();
        rayon::broadcast(|ctx| {
            // One worker per thread; were the pool larger than when the simulation was set
            // up, threads sharing a worker take turns.
            let mut worker = lock(&workers[ctx.index() % workers.len()]);
            let (acc, ws) = &mut *worker;
            loop {
                let Some((a, b, mut keep)) = lock(&unclaimed).claim(threads, h) else {
                    break;
                };
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
        // (With one thread there was nothing to merge: fold its counts in here.)
        total.flush(&self.grid);
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

/// The paths of a block that no thread has claimed yet, `next .. end`, and with `keep_paths`
/// the rest of each kept line (from path `next`).
struct Unclaimed<'k> {
    next: usize,
    end: usize,
    keep: Vec<&'k mut [f64]>,
}

/// The paths the next piece takes when `left` paths of a block are unclaimed and `threads`
/// threads run: half of them split evenly between the threads, `left / (2 × threads)`
/// (rounded down), rounded up to a whole number of [`summary::BLOCK`]s, kept between
/// [`MIN_PIECE`] and [`PIECE`], and never more than `left`. So pieces shrink as a block runs
/// out, and the threads' last pieces are small.
pub fn piece_size(left: usize, threads: usize) -> usize {
    (left / (2 * threads.max(1)))
        .next_multiple_of(summary::BLOCK)
        .clamp(MIN_PIECE, PIECE)
        .min(left)
}

impl<'k> Unclaimed<'k> {
    /// The next piece for one of `threads` threads, `(first path, end, its part of each kept
    /// line)` for paths of `h` years, [`piece_size`] paths; `None` once every path is claimed.
    fn claim(&mut self, threads: usize, h: usize) -> Option<(usize, usize, Vec<&'k mut [f64]>)> {
        let left = self.end - self.next;
        if left == 0 {
            return None;
        }
        let size = piece_size(left, threads);
        let a = self.next;
        self.next += size;
        let keep = self
            .keep
            .iter_mut()
            .map(|line| {
                let (head, tail) = std::mem::take(line).split_at_mut(size * h);
                *line = tail;
                head
            })
            .collect();
        Some((a, a + size, keep))
    }
}

/// Lock `m`, whatever a panicking thread left in it (the simulation's data stay valid).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Zeroed buffers for `n` kept paths of `h` years, one per line; an allocation failure is an
/// error naming `keep_paths`, never an abort.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claimed_pieces_tile_the_block_and_shrink_towards_its_end() {
        // 30,000 paths from path 1,024, two threads, three years, one kept line whose values
        // are the path numbers: each piece gets the paths it claims, in order, and the kept
        // values of exactly those paths.
        let (start, end, h) = (1_024, 31_024, 3);
        let mut line: Vec<f64> = (start..end).flat_map(|i| [i as f64; 3]).collect();
        let mut u = Unclaimed {
            next: start,
            end,
            keep: vec![&mut line[..]],
        };
        let mut sizes = Vec::new();
        while let Some((a, b, keep)) = u.claim(2, h) {
            assert_eq!(a, start + sizes.iter().sum::<usize>());
            assert_eq!(keep.len(), 1);
            assert_eq!(keep[0].len(), (b - a) * h);
            assert_eq!(
                (keep[0][0], keep[0][(b - a) * h - 1]),
                (a as f64, (b - 1) as f64)
            );
            sizes.push(b - a);
        }
        assert_eq!(u.claim(2, h), None);
        // By hand: a quarter of what is left, rounded up to a multiple of 128, between 256
        // and 4,096: 30,000 / 4 = 7,500 gives 4,096 four times; then 13,616 / 4 = 3,404 gives
        // 3,456; 10,160 / 4 = 2,540 gives 2,560; … 432 / 4 = 108 gives 256; the last 176.
        let hand = [
            4096, 4096, 4096, 4096, 3456, 2560, 1920, 1536, 1152, 768, 640, 512, 384, 256, 256, 176,
        ];
        assert_eq!(sizes, hand);
        // Three threads take a sixth: 12,388 / 6 = 2,064, up to 2,176; one thread a half.
        assert_eq!(piece_size(12_388, 3), 2_176);
        assert_eq!(piece_size(12_388, 1), PIECE);
        assert_eq!(piece_size(1_000, 1), 512);
        assert_eq!(piece_size(100, 4), 100);
    }
}
