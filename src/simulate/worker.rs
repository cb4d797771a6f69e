//! A worker's share of a simulation: a range of paths, [`LANES`] at a time, drawn, run and
//! added to the worker's summary in one loop.
//!
//! The loop is compiled once per vector width (AVX-512, AVX2, portable; chosen at run time),
//! with the draws ([`super::shocks`]), the model ([`super::kernel`]) and the summary
//! ([`super::summary`]) inlined into it, so every step runs in the widest vectors the CPU has.
//! Each step is the same IEEE arithmetic at any width (Rust never fuses a multiply and an
//! add), so results are bit-identical on every CPU.

use super::engine::{Engine, LANES, Workspace};
use super::summary::{Acc, Grid};

/// A piece of a worker's share: paths `a .. b`, the histogram ranges and the counted
/// thresholds, and (with `keep_paths`) one slice per line, each `(b − a) × h` long, for each
/// path's lines, `[path − a][year]`.
pub(super) struct Piece<'p, 'k> {
    pub(super) a: usize,
    pub(super) b: usize,
    pub(super) grid: &'p Grid,
    pub(super) thresholds: &'p [f64],
    pub(super) keep: &'p mut [&'k mut [f64]],
}

impl Engine {
    /// Run the piece's paths into `acc`, then flush it.
    pub(super) fn run_range(&self, ws: &mut Workspace<LANES>, acc: &mut Acc, piece: Piece) {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f")
                && std::arch::is_x86_feature_detected!("avx512dq")
                && std::arch::is_x86_feature_detected!("avx512vl")
            {
                // SAFETY: this CPU has AVX-512F, DQ and VL (checked just above).
                unsafe { self.run_range_avx512(ws, acc, piece) };
                return;
            }
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: this CPU has AVX2 (checked just above).
                unsafe { self.run_range_avx2(ws, acc, piece) };
                return;
            }
        }
        self.run_range_lanes(ws, acc, piece);
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512dq,avx512vl")]
    unsafe fn run_range_avx512(&self, ws: &mut Workspace<LANES>, acc: &mut Acc, piece: Piece) {
        self.run_range_lanes(ws, acc, piece);
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn run_range_avx2(&self, ws: &mut Workspace<LANES>, acc: &mut Acc, piece: Piece) {
        self.run_range_lanes(ws, acc, piece);
    }

    #[inline(always)]
    fn run_range_lanes(&self, ws: &mut Workspace<LANES>, acc: &mut Acc, piece: Piece) {
        let Piece {
            a,
            b,
            grid,
            thresholds,
            keep,
        } = piece;
        let h = self.horizon();
        for first in (a..b).step_by(LANES) {
            let n = LANES.min(b - first);
            self.paths_inline(ws, first as u64);
            acc.add_lanes_inline(ws.lanes_out(), n, grid, thresholds);
            // (Most blocks cap nothing and keep nothing: then there is nothing per lane to do.)
            if keep.is_empty() && !ws.capped().contains(&true) {
                continue;
            }
            for lane in 0..n {
                acc.add_capped(ws.lane_capped(lane));
                let r = (first + lane - a) * h;
                for (l, line) in keep.iter_mut().enumerate() {
                    for (x, o) in line[r..r + h].iter_mut().zip(ws.lane_line(l, lane)) {
                        *x = o;
                    }
                }
            }
        }
        acc.flush_portable(grid);
    }
}
