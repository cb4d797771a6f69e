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

impl Engine {
    /// Run paths `a .. b` into `acc`, then flush it. With `keep` (one slice per line, each
    /// `(b − a) × h` long), also write each path's lines there, `[path − a][year]`.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn run_range(
        &self,
        ws: &mut Workspace<LANES>,
        acc: &mut Acc,
        a: usize,
        b: usize,
        grid: &Grid,
        thresholds: &[f64],
        keep: &mut [&mut [f64]],
    ) {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f")
                && std::arch::is_x86_feature_detected!("avx512dq")
                && std::arch::is_x86_feature_detected!("avx512vl")
            {
                // SAFETY: this CPU has AVX-512F, DQ and VL (checked just above).
                unsafe { self.run_range_avx512(ws, acc, a, b, grid, thresholds, keep) };
                return;
            }
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: this CPU has AVX2 (checked just above).
                unsafe { self.run_range_avx2(ws, acc, a, b, grid, thresholds, keep) };
                return;
            }
        }
        self.run_range_lanes(ws, acc, a, b, grid, thresholds, keep);
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512dq,avx512vl")]
    #[allow(clippy::too_many_arguments)]
    unsafe fn run_range_avx512(
        &self,
        ws: &mut Workspace<LANES>,
        acc: &mut Acc,
        a: usize,
        b: usize,
        grid: &Grid,
        thresholds: &[f64],
        keep: &mut [&mut [f64]],
    ) {
        self.run_range_lanes(ws, acc, a, b, grid, thresholds, keep);
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    #[allow(clippy::too_many_arguments)]
    unsafe fn run_range_avx2(
        &self,
        ws: &mut Workspace<LANES>,
        acc: &mut Acc,
        a: usize,
        b: usize,
        grid: &Grid,
        thresholds: &[f64],
        keep: &mut [&mut [f64]],
    ) {
        self.run_range_lanes(ws, acc, a, b, grid, thresholds, keep);
    }

    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    fn run_range_lanes(
        &self,
        ws: &mut Workspace<LANES>,
        acc: &mut Acc,
        a: usize,
        b: usize,
        grid: &Grid,
        thresholds: &[f64],
        keep: &mut [&mut [f64]],
    ) {
        let h = self.horizon();
        for first in (a..b).step_by(LANES) {
            let n = LANES.min(b - first);
            // [`Engine::paths`], inlined.
            self.shocks
                .draw_lanes(self.key, first as u64, &mut ws.shocks);
            self.apply(&ws.shocks, &mut ws.inputs);
            self.kernel_lanes(ws);
            acc.add_lanes_inline(ws.lanes_out(), n, grid, thresholds);
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
