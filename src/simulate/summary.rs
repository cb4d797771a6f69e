//! Bounded-memory, order-free summaries of simulated paths.
//!
//! **Quantile method.** For every line and year, values go into a histogram of [`BINS`] equal
//! bins. The range is fixed by the pilot paths (the first [`super::PILOT_PATHS`]): from
//! `min − span/2` to `max + span/2`, `span` = the pilot's max − min. Values outside go to an
//! under- or overflow count; exact minima and maxima are kept too. A quantile `q` is read off
//! the cumulative counts at rank `q × n`, interpolating linearly inside its bin (the under- and
//! overflow act as bins reaching to the exact minimum and maximum), and clamped to
//! [minimum, maximum]. Inside the range the error is below one bin width, `2 × span / 4096`:
//! about 0.05% of the pilot's spread (for a normal line, about 0.003 standard deviations).
//! Quantiles beyond the range (rarer than about 1 in 100,000 paths for a normal line) are
//! interpolated between the range edge and the exact extreme.
//!
//! **Means** are sums of values rounded toward zero to 2⁻²⁰ (about a millionth of a pound or
//! of a plan) in 128-bit integers, so they are exact, order-free and identical for any
//! thread count. Values beyond ±8.7 × 10¹² saturate.

use super::{LINES, N_LINES, Options};
use crate::engine::lanes::LaneVec;
use std::sync::Mutex;

/// Bins per histogram.
pub const BINS: usize = 4096;
/// Counts kept per histogram: under the range, the bins, over the range.
const STRIDE: usize = BINS + 2;
const FIXED: f64 = 1_048_576.0;

/// Histogram ranges, one per (line, year), `k = line × h + t`.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    /// Lower edge of bin 0.
    pub lo: Vec<f64>,
    /// Upper edge of the last bin.
    pub hi: Vec<f64>,
    inv_width: Vec<f64>,
}

impl Grid {
    /// Ranges from pilot paths run side by side: chunks of `width` lane arrays, each chunk
    /// `[k][lane]` as [`super::Workspace::lanes_out`], `n` paths in all (lanes past the
    /// `n`th path in the last chunk are ignored).
    pub fn from_pilot<const L: usize>(pilot: &[[f64; L]], width: usize, n: usize) -> Grid {
        let mut lo = vec![f64::INFINITY; width];
        let mut hi = vec![f64::NEG_INFINITY; width];
        for k in 0..width {
            // Per lane over the chunks, then across the lanes, in registers. (`if` rather
            // than `f64::min`, so it vectorises; both skip a NaN, and lanes past the `n`th
            // path are NaN here.)
            let (mut a, mut b) = ([f64::INFINITY; L], [f64::NEG_INFINITY; L]);
            for (j, chunk) in pilot.chunks(width).enumerate() {
                let live = n.saturating_sub(j * L);
                // (A short last chunk has no value for this entry.)
                let Some(&v) = chunk.get(k) else { continue };
                for l in 0..L {
                    let x = if l < live { v[l] } else { f64::NAN };
                    a[l] = if x < a[l] { x } else { a[l] };
                    b[l] = if x > b[l] { x } else { b[l] };
                }
            }
            for l in 0..L {
                lo[k] = if a[l] < lo[k] { a[l] } else { lo[k] };
                hi[k] = if b[l] > hi[k] { b[l] } else { hi[k] };
            }
        }
        let mut inv_width = vec![0.0; width];
        for k in 0..width {
            let (a, b) = if lo[k].is_finite() && hi[k].is_finite() {
                (lo[k], hi[k])
            } else {
                (0.0, 0.0)
            };
            // A zero-width pilot (no uncertainty) still gets a small, non-empty range.
            let span = (b - a).max(1e-9 * a.abs().max(b.abs())).max(1e-9);
            lo[k] = a - span / 2.0;
            hi[k] = b + span / 2.0;
            inv_width[k] = BINS as f64 / (hi[k] - lo[k]);
        }
        Grid { lo, hi, inv_width }
    }
}

/// Σ round-toward-zero(v × 2²⁰) over `vals` (each saturating at ±2⁶³; NaN counts 0),
/// exactly, given the block's smallest and largest value (NaN skipped). When every |v| < 2³⁵
/// (£34bn) no conversion saturates and the block's sum stays below [`BLOCK`] × 2⁵⁵ = 2⁶², so
/// one `i64` sum (which the compiler splits across vector lanes: integer sums do not depend
/// on their order) replaces the `i128` chain.
#[inline(always)]
fn fixed_sum(vals: &[f64], min: f64, max: f64) -> i128 {
    const SMALL: f64 = (1u64 << 35) as f64;
    const { assert!(BLOCK <= 128) };
    if vals.len() <= BLOCK && min > -SMALL && max < SMALL {
        let mut acc = 0i64;
        for &x in vals {
            // Only a NaN fails the test (every other value is within ±2³⁵); it counts 0.
            let v = if x.abs() < SMALL { x } else { 0.0 };
            // SAFETY: |v × 2²⁰| < 2⁵⁵ and v is not NaN, so it fits an i64.
            acc += unsafe { (v * FIXED).to_int_unchecked::<i64>() };
        }
        i128::from(acc)
    } else {
        vals.iter().map(|v| (v * FIXED) as i64 as i128).sum()
    }
}

/// A mergeable summary of some paths. Merging is exact and order-free.
#[derive(Debug, Clone)]
pub struct Acc {
    n: u64,
    h: usize,
    /// Per entry `k`, [`STRIDE`] counts: values below the range, the [`BINS`] bins, values
    /// above the range. (`u32`: a worker runs at most [`super::MAX_PATHS`] paths.) The
    /// counts still in `recent` are not in these yet.
    counts: Vec<u32>,
    /// The same counts for the paths added since they were last folded into `counts` (which
    /// is empty until the first fold), as `u16`: a worker's histograms take half the memory
    /// (0.5 MB for 15 years, against 1 MB, the size of each core's level-2 cache on the
    /// machine measured, where a path ran 7% faster for it). A bin holds at most `recent_n`,
    /// and they are folded in before that could pass `u16::MAX`.
    recent: Vec<u16>,
    /// Paths counted in `recent`.
    recent_n: usize,
    min: Vec<f64>,
    max: Vec<f64>,
    sum: Vec<i128>,
    balanced: Vec<u64>,
    balanced_by: Vec<u64>,
    exceed: Vec<u64>,
    exceed_by: Vec<u64>,
    /// Counts not yet in `balanced`, `balanced_by`, `exceed` and `exceed_by`, kept per lane:
    /// `[now, by]` pairs, the first `h` for balanced years, then `h` for each threshold. A
    /// path in lane `l` counts in `[l]`, so sixteen paths add as one vector add instead of a
    /// sum across lanes. Folded in at every flush, so a lane counts at most [`BLOCK`] + `L`
    /// paths between folds.
    lane_counts: LaneVec<[[u32; W]; 2]>,
    /// Paths in which any mitigation's move or cessation was capped.
    capped: u64,
    /// Per mitigation: paths in which its move or cessation was capped.
    capped_by: Vec<u64>,
    /// Up to [`BLOCK`] paths' values not yet in the histograms, `pending[k × BLOCK + p]`.
    pending: LaneVec<f64>,
    /// Paths in `pending`.
    n_pending: usize,
}

/// Lanes of [`Acc::lane_counts`]: at least the widest `add_lanes` (a simulation's
/// [`super::LANES`]).
const W: usize = super::LANES;

/// Paths buffered before their values go into the histograms, minima, maxima and sums. Going
/// through one (line, year) at a time keeps that histogram (8 KB of `u16` counts) in the
/// fastest cache, instead of touching 60 histograms (0.5 MB) for every path. Counts are
/// order-free, so the results do not depend on it.
pub const BLOCK: usize = 128;

/// Histogram and buffer memory of dropped summaries, kept for the next ones (at most
/// [`SPARE_MAX`]): zeroing a megabyte already in memory is far cheaper than the page faults
/// of fresh memory, which cost about a millisecond a simulation.
#[allow(clippy::type_complexity)]
static SPARE: Mutex<Vec<(Vec<u32>, Vec<u16>, LaneVec<f64>)>> = Mutex::new(Vec::new());
const SPARE_MAX: usize = 8;

impl Drop for Acc {
    fn drop(&mut self) {
        let mut s = super::lock(&SPARE);
        if s.len() < SPARE_MAX {
            s.push((
                std::mem::take(&mut self.counts),
                std::mem::take(&mut self.recent),
                std::mem::take(&mut self.pending),
            ));
        }
    }
}

impl Acc {
    /// An empty summary for `lines` lines over `h` years and `nt` thresholds.
    pub fn new(lines: usize, h: usize, nt: usize) -> Acc {
        let w = lines * h;
        let (mut counts, mut recent, mut pending) = super::lock(&SPARE).pop().unwrap_or_default();
        // (`counts` is sized when first folded into: a worker that runs fewer than 65,536
        // paths never needs it, nor the time to zero it.)
        counts.clear();
        recent.clear();
        recent.resize(w * STRIDE, 0);
        pending.clear();
        pending.resize(w * BLOCK, 0.0);
        Acc {
            n: 0,
            h,
            counts,
            recent,
            recent_n: 0,
            min: vec![f64::INFINITY; w],
            max: vec![f64::NEG_INFINITY; w],
            sum: vec![0; w],
            balanced: vec![0; h],
            balanced_by: vec![0; h],
            exceed: vec![0; nt * h],
            exceed_by: vec![0; nt * h],
            lane_counts: LaneVec::filled([[0; W]; 2], (1 + nt) * h),
            capped: 0,
            capped_by: Vec::new(),
            pending,
            n_pending: 0,
        }
    }

    /// Count one path's capped flags (one per mitigation, as [`super::Workspace::capped`]).
    #[inline]
    pub fn add_capped(&mut self, flags: &[bool]) {
        if !flags.iter().any(|f| *f) {
            return;
        }
        self.capped += 1;
        if self.capped_by.len() < flags.len() {
            self.capped_by.resize(flags.len(), 0);
        }
        for (c, f) in self.capped_by.iter_mut().zip(flags) {
            *c += u64::from(*f);
        }
    }

    /// Add one path's lines (`out[line × h + t]`, closing deficit first, in-year second):
    /// [`Acc::add_lanes`] with one lane. Values are buffered; [`Acc::flush`] must follow the
    /// last `add` before the summary is read or merged.
    pub fn add(&mut self, out: &[f64], grid: &Grid, thresholds: &[f64]) {
        self.add_lanes(out.as_chunks::<1>().0, 1, grid, thresholds);
    }

    /// Add the first `n` lanes of paths run side by side (`out[line × h + t][lane]`, as
    /// [`super::Workspace::lanes_out`]; closing deficit first, in-year second). Values are
    /// buffered; [`Acc::flush`] must follow the last add before the summary is read or merged.
    pub fn add_lanes<const L: usize>(
        &mut self,
        out: &[[f64; L]],
        n: usize,
        grid: &Grid,
        thresholds: &[f64],
    ) {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f")
                && std::arch::is_x86_feature_detected!("avx512dq")
                && std::arch::is_x86_feature_detected!("avx512vl")
            {
                // SAFETY: this CPU has AVX-512F, DQ and VL (checked just above).
                unsafe { self.add_lanes_avx512(out, n, grid, thresholds) };
                return;
            }
        }
        self.add_lanes_inline(out, n, grid, thresholds);
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512dq,avx512vl")]
    unsafe fn add_lanes_avx512<const L: usize>(
        &mut self,
        out: &[[f64; L]],
        n: usize,
        grid: &Grid,
        thresholds: &[f64],
    ) {
        self.add_lanes_inline(out, n, grid, thresholds);
    }

    /// [`Acc::add_lanes`], inlined into its caller (so it runs in the caller's vector
    /// instructions, as in [`super::worker`]).
    #[inline(always)]
    pub(super) fn add_lanes_inline<const L: usize>(
        &mut self,
        out: &[[f64; L]],
        n: usize,
        grid: &Grid,
        thresholds: &[f64],
    ) {
        let n = n.min(L);
        if self.n_pending + n > BLOCK {
            self.flush_portable(grid);
        }
        let p = self.n_pending;
        for (k, v) in out.iter().enumerate() {
            let dst = &mut self.pending[k * BLOCK + p..k * BLOCK + p + n];
            if let Ok(all) = <&mut [f64; L]>::try_from(&mut *dst) {
                *all = *v; // a whole block of lanes: a fixed-size copy, not a call
            } else {
                dst.copy_from_slice(&v[..n]);
            }
        }
        self.n += n as u64;
        self.n_pending += n;
        if self.n_pending == BLOCK {
            self.flush_portable(grid);
        }
        let h = self.h;
        if out.len() < 2 * h {
            return; // a lone line (tests): no in-year deficit to count.
        }
        // Counted across all lanes at once (lanes from `n` on masked out), so the comparisons
        // and the counts run in vector instructions.
        //
        // "Balanced by year t" is "the lowest in-year deficit so far is at most 0", and
        // "exceeded by year t" is "the highest closing deficit so far is above the amount":
        // running minima and maxima (a NaN never counts, as it never compares true), which
        // stay in vector registers from year to year where flags carried as `bool`s did not.
        const { assert!(L <= W) };
        let live: [bool; L] = std::array::from_fn(|l| l < n);
        let (balanced, exceed) = self.lane_counts.split_at_mut(h);
        let mut lowest = [f64::INFINITY; L];
        // (Each year's values and counts are copied in and out: worked on in place, the
        // compiler checks at run time whether they overlap, and its fallback for when they do
        // kept the running minima in memory.)
        for ([now, by], v) in balanced.iter_mut().zip(&out[h..2 * h]) {
            let (v, mut c_now, mut c_by) = (*v, *now, *by);
            for l in 0..L {
                lowest[l] = if v[l] < lowest[l] { v[l] } else { lowest[l] };
                c_now[l] += u32::from(live[l] & (v[l] <= 0.0));
                c_by[l] += u32::from(live[l] & (lowest[l] <= 0.0));
            }
            (*now, *by) = (c_now, c_by);
        }
        for (counts, a) in exceed.chunks_exact_mut(h).zip(thresholds) {
            let mut highest = [f64::NEG_INFINITY; L];
            for ([now, by], v) in counts.iter_mut().zip(&out[..h]) {
                let (v, mut c_now, mut c_by) = (*v, *now, *by);
                for l in 0..L {
                    highest[l] = if v[l] > highest[l] { v[l] } else { highest[l] };
                    c_now[l] += u32::from(live[l] & (v[l] > *a));
                    c_by[l] += u32::from(live[l] & (highest[l] > *a));
                }
                (*now, *by) = (c_now, c_by);
            }
        }
    }

    /// Whether every value and count added is in the histograms and totals (as after
    /// [`Acc::flush`]).
    fn flushed(&self) -> bool {
        self.n_pending == 0 && self.lane_counts.iter().all(|c| *c == [[0; W]; 2])
    }

    /// Move the per-lane counts into the totals.
    fn fold_lane_counts(&mut self) {
        let h = self.h;
        for (i, [now, by]) in self.lane_counts.iter_mut().enumerate() {
            let (a, b) = if i < h {
                (&mut self.balanced[i], &mut self.balanced_by[i])
            } else {
                (&mut self.exceed[i - h], &mut self.exceed_by[i - h])
            };
            *a += now.iter().map(|x| u64::from(*x)).sum::<u64>();
            *b += by.iter().map(|x| u64::from(*x)).sum::<u64>();
            *now = [0; W];
            *by = [0; W];
        }
    }

    /// Put the buffered paths' values into the histograms, minima, maxima and sums, and every
    /// count into the `u32` totals.
    ///
    /// On x86-64 CPUs with AVX-512 or AVX2 (checked at run time) the same code runs in wider
    /// vectors; every step is exact (comparisons, integer conversions of values known to be
    /// in range, integer sums), so the results are identical on every CPU.
    pub fn flush(&mut self, grid: &Grid) {
        self.flush_pending(grid);
        self.fold_recent();
    }

    /// [`Acc::flush`], except that the histogram counts stay in `u16` (as a worker's flushes
    /// leave them) until the next fold.
    pub(super) fn flush_pending(&mut self, grid: &Grid) {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f")
                && std::arch::is_x86_feature_detected!("avx512dq")
                && std::arch::is_x86_feature_detected!("avx512vl")
            {
                // SAFETY: this CPU has AVX-512F, DQ and VL (checked just above).
                unsafe { self.flush_avx512(grid) };
                return;
            }
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: this CPU has AVX2 (checked just above).
                unsafe { self.flush_avx2(grid) };
                return;
            }
        }
        self.flush_portable(grid);
    }

    /// Add the counts in `recent` to `counts` (sizing it first if need be) and clear them.
    fn fold_recent(&mut self) {
        if self.counts.len() != self.recent.len() {
            self.counts.resize(self.recent.len(), 0);
        }
        if self.recent_n == 0 {
            return;
        }
        for (c, r) in self.counts.iter_mut().zip(self.recent.iter_mut()) {
            *c += u32::from(*r);
            *r = 0;
        }
        self.recent_n = 0;
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512dq,avx512vl")]
    unsafe fn flush_avx512(&mut self, grid: &Grid) {
        self.flush_portable(grid);
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn flush_avx2(&mut self, grid: &Grid) {
        self.flush_portable(grid);
    }

    #[inline(always)]
    pub(super) fn flush_portable(&mut self, grid: &Grid) {
        self.fold_lane_counts();
        let np = std::mem::take(&mut self.n_pending);
        if np == 0 {
            return;
        }
        if self.recent_n + np > usize::from(u16::MAX) {
            self.fold_recent();
        }
        self.recent_n += np;
        let mut bins = [0u32; BLOCK];
        for k in 0..self.min.len() {
            let vals = &self.pending[k * BLOCK..k * BLOCK + np];
            let (lo, inv_width) = (grid.lo[k], grid.inv_width[k]);
            // Minima and maxima over eight interleaved runs, which vectorise (`if` rather
            // than `f64::min`, whose NaN rule does not; both skip a NaN).
            let (mut min, mut max) = ([f64::INFINITY; 8], [f64::NEG_INFINITY; 8]);
            let (octs, rest) = vals.as_chunks::<8>();
            // (Separate passes: together, the compiler packs both into one vector and shuffles.)
            for q in octs {
                for j in 0..8 {
                    min[j] = if q[j] < min[j] { q[j] } else { min[j] };
                }
            }
            for q in octs {
                for j in 0..8 {
                    max[j] = if q[j] > max[j] { q[j] } else { max[j] };
                }
            }
            for (j, &v) in rest.iter().enumerate() {
                min[j] = if v < min[j] { v } else { min[j] };
                max[j] = if v > max[j] { v } else { max[j] };
            }
            let block_min = min.iter().fold(f64::INFINITY, |a, b| a.min(*b));
            let block_max = max.iter().fold(f64::NEG_INFINITY, |a, b| a.max(*b));
            self.min[k] = self.min[k].min(block_min);
            self.max[k] = self.max[k].max(block_max);
            self.sum[k] += fixed_sum(vals, block_min, block_max);
            // Bin 0 counts values below the range, bin BINS + 1 values above it (or NaN):
            // x < 0 → −1, NaN or x ≥ BINS → BINS, otherwise x; then ⌊·⌋ + 1.
            let bin = |v: f64| {
                let x = (v - lo) * inv_width;
                let c = if x < 0.0 {
                    -1.0
                } else if x < BINS as f64 {
                    x
                } else {
                    BINS as f64
                };
                // SAFETY: c is in [−1, BINS], never NaN, so it fits an i32 (truncation is
                // the floor for c ≥ 0, and −1 stays −1).
                (unsafe { c.to_int_unchecked::<i32>() } + 1) as u32
            };
            let counts = &mut self.recent[k * STRIDE..(k + 1) * STRIDE];
            if block_min == block_max && vals.iter().all(|v| *v == block_min) {
                // Every path the same (a year no shock reaches yet; no NaN): one bin, counted
                // at once rather than by np dependent increments of one counter.
                counts[bin(vals[0]) as usize] += np as u16; // np ≤ BLOCK
                continue;
            }
            for (b, &v) in bins.iter_mut().zip(vals) {
                *b = bin(v);
            }
            for &b in &bins[..np] {
                // SAFETY: `bin` gives 0 ..= BINS + 1, and `counts` is STRIDE = BINS + 2 long.
                unsafe { *counts.get_unchecked_mut(b as usize) += 1 };
            }
        }
    }

    /// Fold `other` into `self`: afterwards every count of `self` is in its `u32` totals.
    pub fn merge(&mut self, other: &Acc) {
        debug_assert!(self.flushed() && other.flushed(), "flush before merging");
        self.fold_recent();
        self.n += other.n;
        let add = |a: &mut [u64], b: &[u64]| a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        for (x, r) in self.counts.iter_mut().zip(&other.recent) {
            *x += u32::from(*r);
        }
        // (Empty if `other` never folded.)
        for (x, y) in self.counts.iter_mut().zip(&other.counts) {
            *x += y;
        }
        add(&mut self.balanced, &other.balanced);
        add(&mut self.balanced_by, &other.balanced_by);
        add(&mut self.exceed, &other.exceed);
        add(&mut self.exceed_by, &other.exceed_by);
        self.capped += other.capped;
        if self.capped_by.len() < other.capped_by.len() {
            self.capped_by.resize(other.capped_by.len(), 0);
        }
        add(&mut self.capped_by, &other.capped_by);
        for k in 0..self.min.len() {
            self.min[k] = self.min[k].min(other.min[k]);
            self.max[k] = self.max[k].max(other.max[k]);
            self.sum[k] += other.sum[k];
        }
    }

    /// Quantile `q` of entry `k` (see the module docs for the method).
    pub fn quantile(&self, grid: &Grid, k: usize, q: f64) -> f64 {
        self.quantiles(grid, k, &[q])[0]
    }

    /// Quantiles `qs` of entry `k`, in the order given, read in one pass over its histogram
    /// (each as [`Acc::quantile`] would give it alone).
    pub fn quantiles(&self, grid: &Grid, k: usize, qs: &[f64]) -> Vec<f64> {
        debug_assert!(
            self.flushed() && self.recent_n == 0,
            "flush or merge before reading quantiles"
        );
        let mut out = vec![f64::NAN; qs.len()];
        if self.n == 0 {
            return out;
        }
        let (min, max) = (self.min[k], self.max[k]);
        let (lo, hi) = (grid.lo[k], grid.hi[k]);
        let width = (hi - lo) / BINS as f64;
        let counts = self.bins(k);
        let under = self.under(k) as f64;
        let mut order: Vec<usize> = (0..qs.len()).collect();
        order.sort_by(|a, b| qs[*a].total_cmp(&qs[*b]));
        // Targets rise, so the bin holding each is at or after the previous one's. Counts are
        // whole numbers, so "cum + count ≥ target" is "cum + count ≥ ⌈target⌉", compared
        // exactly in integers; whole runs of [`SKIP`] bins below that are passed at once.
        const SKIP: usize = 64;
        let (mut b, mut cum) = (0, self.under(k));
        for j in order {
            let target = qs[j] * self.n as f64;
            let x = if target <= under {
                min + (lo.max(min) - min) * target / under
            } else {
                let need = target.ceil() as u64;
                loop {
                    if b % SKIP == 0 && b + SKIP <= BINS {
                        let run: u64 = counts[b..b + SKIP].iter().map(|c| u64::from(*c)).sum();
                        if cum + run < need {
                            cum += run;
                            b += SKIP;
                            continue;
                        }
                    }
                    if b >= BINS || cum + u64::from(counts[b]) >= need {
                        break;
                    }
                    cum += u64::from(counts[b]);
                    b += 1;
                }
                let cum = cum as f64;
                if b < BINS {
                    lo + width * (b as f64 + (target - cum) / counts[b] as f64)
                } else {
                    let over = self.over(k) as f64;
                    let edge = hi.min(max);
                    edge + (max - edge) * ((target - cum) / over.max(1.0)).clamp(0.0, 1.0)
                }
            };
            out[j] = x.clamp(min, max);
        }
        out
    }

    /// Entry `k`'s histogram bins (without the under- and overflow counts).
    fn bins(&self, k: usize) -> &[u32] {
        &self.counts[k * STRIDE + 1..k * STRIDE + 1 + BINS]
    }

    /// Values of entry `k` below its histogram's range.
    fn under(&self, k: usize) -> u64 {
        u64::from(self.counts[k * STRIDE])
    }

    /// Values of entry `k` above its histogram's range.
    fn over(&self, k: usize) -> u64 {
        u64::from(self.counts[k * STRIDE + BINS + 1])
    }
}

/// A finished simulation's results. Arrays are flat, row-major, with shapes given per field.
#[derive(Debug, Clone)]
pub struct Summary {
    /// Year labels.
    pub years: Vec<String>,
    /// The summarised lines ([`LINES`]).
    pub lines: Vec<String>,
    pub n_paths: usize,
    pub seed: u64,
    /// Requested quantiles.
    pub quantiles: Vec<f64>,
    /// `[line][quantile][year]` (£, plans for EHCPs).
    pub quantile_values: Vec<f64>,
    /// `[line][year]`: mean over paths.
    pub mean: Vec<f64>,
    /// `[line][year]`: smallest and largest value seen.
    pub min: Vec<f64>,
    pub max: Vec<f64>,
    /// `[year]`: share of paths with in-year spend within income (in-year deficit ≤ 0) that year.
    pub prob_balanced: Vec<f64>,
    /// `[year]`: share of paths balanced in that year or any earlier one.
    pub prob_balanced_by: Vec<f64>,
    /// Amounts (£) counted exactly: the requested thresholds, then reserves if given.
    pub thresholds: Vec<f64>,
    /// `[threshold][year]`: share of paths whose closing deficit exceeds the amount that year.
    pub prob_exceeds: Vec<f64>,
    /// `[threshold][year]`: … in that year or any earlier one.
    pub prob_exceeds_by: Vec<f64>,
    /// Histograms `[line][year][bin]` with their ranges `[line][year]` and outside counts.
    pub hist_counts: Vec<u32>,
    pub hist_lo: Vec<f64>,
    pub hist_hi: Vec<f64>,
    pub hist_under: Vec<u64>,
    pub hist_over: Vec<u64>,
    /// With `keep_paths`: per line, `[path][year]`.
    pub paths: Option<Vec<Vec<f64>>>,
    /// Paths in which a mitigation asked to move or cease more plans than a category held, so
    /// the demand model capped the move at the plans there were (exact count).
    pub capped_paths: u64,
    /// Mitigation names, in scenario order, and per mitigation the paths where it was capped.
    pub mitigations: Vec<String>,
    pub capped_by_mitigation: Vec<u64>,
}

impl Summary {
    pub(super) fn new(
        acc: &Acc,
        grid: &Grid,
        years: Vec<String>,
        opts: &Options,
        thresholds: Vec<f64>,
        paths: Option<Vec<Vec<f64>>>,
        mitigations: Vec<String>,
    ) -> Summary {
        let mut capped_by_mitigation = acc.capped_by.clone();
        capped_by_mitigation.resize(mitigations.len(), 0);
        let h = years.len();
        let n = acc.n as f64;
        let share = |v: &[u64]| v.iter().map(|c| *c as f64 / n).collect::<Vec<f64>>();
        let nq = opts.quantiles.len();
        let mut quantile_values = vec![0.0; N_LINES * nq * h];
        for l in 0..N_LINES {
            for t in 0..h {
                let qs = acc.quantiles(grid, l * h + t, &opts.quantiles);
                for (j, x) in qs.into_iter().enumerate() {
                    quantile_values[(l * nq + j) * h + t] = x;
                }
            }
        }
        let w = acc.min.len();
        Summary {
            lines: LINES.iter().map(|s| s.to_string()).collect(),
            n_paths: acc.n as usize,
            seed: opts.seed,
            quantiles: opts.quantiles.clone(),
            quantile_values,
            mean: acc.sum.iter().map(|s| *s as f64 / FIXED / n).collect(),
            min: acc.min.clone(),
            max: acc.max.clone(),
            prob_balanced: share(&acc.balanced),
            prob_balanced_by: share(&acc.balanced_by),
            prob_exceeds: share(&acc.exceed),
            prob_exceeds_by: share(&acc.exceed_by),
            thresholds,
            hist_counts: {
                let mut c = Vec::with_capacity(w * BINS);
                for k in 0..w {
                    c.extend_from_slice(acc.bins(k));
                }
                c
            },
            hist_lo: grid.lo.clone(),
            hist_hi: grid.hi.clone(),
            hist_under: (0..w).map(|k| acc.under(k)).collect(),
            hist_over: (0..w).map(|k| acc.over(k)).collect(),
            paths,
            years,
            capped_paths: acc.capped,
            mitigations,
            capped_by_mitigation,
        }
    }

    /// Share of paths in which a mitigation's move or cessation was capped (0 to 1).
    pub fn capped_share(&self) -> f64 {
        self.capped_paths as f64 / self.n_paths.max(1) as f64
    }

    /// The `[year]` slice of line `line` (index into [`LINES`]) of a `[line][year]` array.
    pub fn row<'a>(&self, data: &'a [f64], line: usize) -> &'a [f64] {
        let h = self.years.len();
        &data[line * h..(line + 1) * h]
    }

    /// Quantile number `j` of line `line`, by year.
    pub fn quantile_row(&self, line: usize, j: usize) -> &[f64] {
        let h = self.years.len();
        let nq = self.quantiles.len();
        &self.quantile_values[(line * nq + j) * h..(line * nq + j + 1) * h]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_of_a_uniform_grid_by_hand() {
        // 1000 values 0.5, 1.5, …, 999.5 in a pilot range of [0.5, 999.5]: the median of the
        // interpolated distribution is 500 to within one bin width (2 × 999 / 4096 ≈ 0.49).
        let vals: Vec<f64> = (0..1000).map(|i| i as f64 + 0.5).collect();
        let grid = Grid::from_pilot(vals.as_chunks::<1>().0, 1, vals.len());
        let mut acc = Acc::new(1, 1, 0);
        for v in &vals {
            acc.add(std::slice::from_ref(v), &grid, &[]);
        }
        acc.flush(&grid);
        let bin = 2.0 * 999.0 / BINS as f64;
        assert!((acc.quantile(&grid, 0, 0.5) - 500.0).abs() <= bin);
        assert!((acc.quantile(&grid, 0, 0.1) - 100.0).abs() <= bin);
        assert_eq!(acc.sum[0] as f64 / FIXED / 1000.0, 500.0);
    }

    #[test]
    fn a_bin_counts_past_the_u16_range() {
        // 70,000 values, one in 128 of them 1 and the rest 0, added as one worker adds them:
        // the bin of 0 ends with 69,453 counts, more than a u16 holds, through the
        // increments (no block is all one value); the bin of 1 with 547.
        let grid = Grid::from_pilot(&[[0.0], [1.0]], 1, 2);
        let value = |i: usize| if i.is_multiple_of(128) { 1.0 } else { 0.0 };
        let mut acc = Acc::new(1, 1, 0);
        for i in 0..70_000 {
            acc.add(&[value(i)], &grid, &[]);
        }
        acc.flush(&grid);
        let bin = |v: f64| ((v - grid.lo[0]) * grid.inv_width[0]) as usize;
        assert_eq!(acc.bins(0)[bin(0.0)], 69_453);
        assert_eq!(acc.bins(0)[bin(1.0)], 547);
        assert_eq!(
            acc.bins(0).iter().map(|c| u64::from(*c)).sum::<u64>(),
            70_000
        );
        // The same paths in one worker's summary, left as its flushes leave it (folded once
        // at 65,535 paths, the rest still in `u16`), and 35,000 in another's never folded:
        // merged, every count is there.
        let mut parts = [Acc::new(1, 1, 0), Acc::new(1, 1, 0)];
        for (p, n) in parts.iter_mut().zip([70_000, 35_000]) {
            for i in 0..n {
                p.add(&[value(i)], &grid, &[]);
            }
            p.flush_portable(&grid);
            assert!(p.recent_n > 0);
        }
        assert!(!parts[0].counts.is_empty() && parts[1].counts.is_empty());
        let mut total = Acc::new(1, 1, 0);
        total.merge(&parts[0]);
        total.merge(&parts[1]);
        assert_eq!(total.bins(0)[bin(0.0)], 69_453 + 34_726);
        assert_eq!(total.bins(0)[bin(1.0)], 547 + 274);
        assert!(total.quantile(&grid, 0, 0.5).abs() <= 2.0 / BINS as f64);
    }

    #[test]
    fn the_pilot_range_ignores_lanes_past_the_last_path() {
        // Two entries, chunks of four lanes, five paths: lanes 1 to 3 of the second chunk
        // hold no path, and their values (±10³⁰⁰, NaN) must not reach the range.
        let pilot = [
            [3.0, 1.0, 4.0, 1.5],
            [-2.0, 7.0, 0.5, 2.0],
            [5.0, 1e300, -1e300, f64::NAN],
            [9.0, -1e300, 1e300, f64::NAN],
        ];
        let grid = Grid::from_pilot(&pilot, 2, 5);
        // Entry 0 spans 1 to 5, entry 1 −2 to 9; the range reaches half a span beyond each.
        assert_eq!((grid.lo[0], grid.hi[0]), (1.0 - 2.0, 5.0 + 2.0));
        assert_eq!((grid.lo[1], grid.hi[1]), (-2.0 - 5.5, 9.0 + 5.5));
    }

    #[test]
    fn identical_values_give_that_value() {
        let grid = Grid::from_pilot(&[[7.25e7]; 3], 1, 3);
        let mut acc = Acc::new(1, 1, 0);
        for _ in 0..3 {
            acc.add(&[7.25e7], &grid, &[]);
        }
        acc.flush(&grid);
        assert_eq!(acc.quantile(&grid, 0, 0.05), 7.25e7);
        assert_eq!(acc.quantile(&grid, 0, 0.95), 7.25e7);
    }
}
