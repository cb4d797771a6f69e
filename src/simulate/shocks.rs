//! Random shocks: the scenario's `[uncertainty]` distributions compiled for sampling, and
//! `L` paths' draws side by side.
//!
//! Path `i` draws from its own xoshiro256++ stream ([`super::rng`]), in a fixed order (see
//! [`Shocks::draw`]), so its numbers do not depend on which thread or lane runs it. Every
//! lane consumes the same numbers in step, except where a rejection sampler retries: a Gamma
//! draw (for Beta) whose first attempt is rejected, and Cheng's Beta sampler, continue that
//! lane's own stream alone, so each path still gets exactly the numbers it would get alone.
//!
//! Samplers: normal and lognormal from one standard normal ([`super::rng::box_muller`]);
//! uniform and triangular from one uniform (by the inverse distribution function); in a
//! correlated EHCP growth and inflation pair, every kind from a correlated normal score
//! (a Gaussian copula); Beta with both shapes ≥ 1 as `X / (X + Y)` of two Marsaglia–Tsang
//! gammas (first attempts for all lanes at once, in vector instructions), and with a shape
//! below 1 by Cheng's method (`rand_distr::Beta`, lane by lane).

use super::rng::{Lanes, ln, unit_open0};
use crate::engine::lanes::LaneVec;
use crate::scenario::Scenario;
use crate::scenario::uncertainty::Dist;
use rand_distr::{Beta, Distribution};

/// Marsaglia and Tsang's Gamma(α, 1) sampler for α ≥ 1: `d = α − 1/3`, `c = 1/√(9d)`; from a
/// standard normal `x` and a uniform `u`, `v = (1 + cx)³` gives `d·v` when `v > 0` and
/// `u < 1 − 0.0331 x⁴` (a squeeze that accepts most attempts) or
/// `ln u < x²/2 + d(1 − v + ln v)`; otherwise another attempt.
#[derive(Debug, Clone, Copy)]
pub(super) struct Gamma {
    d: f64,
    c: f64,
}

impl Gamma {
    fn new(alpha: f64) -> Gamma {
        let d = alpha - 1.0 / 3.0;
        Gamma {
            d,
            c: 1.0 / (9.0 * d).sqrt(),
        }
    }

    /// `(d·v, v, whether the squeeze accepts)` for one attempt.
    #[inline(always)]
    fn attempt(&self, x: f64, u: f64) -> (f64, f64, bool) {
        let v = 1.0 + self.c * x;
        let v3 = v * v * v;
        let x2 = x * x;
        (self.d * v3, v3, v > 0.0 && u < 1.0 - 0.0331 * (x2 * x2))
    }

    /// The exact acceptance test of an attempt the squeeze did not accept.
    #[inline(always)]
    fn exact(&self, x: f64, u: f64, v3: f64) -> bool {
        // With v ≤ 0 (then v³ ≤ 0) the attempt is rejected; ln is only taken of positive v³.
        let safe = if v3 > 0.0 { v3 } else { 1.0 };
        v3 > 0.0 && ln(u) < 0.5 * x * x + self.d * (1.0 - v3 + ln(safe))
    }

    /// One draw in every lane: first attempts from `x` and `u` for all lanes at once; a lane
    /// whose attempt is rejected retries alone on its own stream.
    #[inline(always)]
    fn lanes<const L: usize>(&self, x: [f64; L], u: [f64; L], rng: &mut Lanes<L>) -> [f64; L] {
        let mut out = [0.0; L];
        let mut v3 = [0.0; L];
        let mut ok = [false; L];
        for l in 0..L {
            (out[l], v3[l], ok[l]) = self.attempt(x[l], u[l]);
        }
        if ok.iter().all(|a| *a) {
            return out;
        }
        for l in 0..L {
            ok[l] = ok[l] || self.exact(x[l], u[l], v3[l]);
        }
        for l in 0..L {
            while !ok[l] {
                let x = rng.lane_normal(l);
                let u = unit_open0(rng.lane_u64(l));
                let (g, v3, squeeze) = self.attempt(x, u);
                out[l] = g;
                ok[l] = squeeze || self.exact(x, u, v3);
            }
        }
        out
    }
}

/// One compiled distribution.
#[derive(Debug, Clone)]
pub(super) enum Draw {
    /// Normal or lognormal, from one standard normal.
    Normal(Dist),
    /// Uniform or triangular, from one uniform.
    Uniform(Dist),
    /// Beta with both shapes ≥ 1 as `X / (X + Y)`, `X ~ Gamma(α)`, `Y ~ Gamma(β)` (exact),
    /// scaled to `[min, max]`.
    BetaGammas(Gamma, Gamma, f64, f64),
    /// Beta with a shape below 1 (where a ratio of gammas can underflow): Cheng's method.
    Beta(Beta<f64>, f64, f64),
}

/// The value of `d` at uniform `u` in [0, 1) (inverse distribution function), for uniform
/// and triangular distributions.
#[inline(always)]
fn from_uniform(d: &Dist, u: f64) -> f64 {
    match *d {
        Dist::Uniform { min, max } => min + (max - min) * u,
        Dist::Triangular { min, mode, max } => {
            let f = (mode - min) / (max - min);
            if u < f {
                min + (u * (max - min) * (mode - min)).sqrt()
            } else {
                max - ((1.0 - u) * (max - min) * (max - mode)).sqrt()
            }
        }
        _ => d.from_normal(0.0),
    }
}

/// `d` at standard-normal score `z` in every lane (normal in vector instructions).
#[inline(always)]
fn scored<const L: usize>(d: &Dist, z: [f64; L]) -> [f64; L] {
    let mut out = [0.0; L];
    match *d {
        Dist::Normal { mean, sd } => {
            for l in 0..L {
                out[l] = mean + sd * z[l];
            }
        }
        _ => {
            for l in 0..L {
                out[l] = d.from_normal(z[l]);
            }
        }
    }
    out
}

impl Draw {
    fn new(d: &Dist) -> Draw {
        match *d {
            Dist::Beta {
                alpha,
                beta,
                min,
                max,
            } => {
                if alpha >= 1.0 && beta >= 1.0 && alpha.is_finite() && beta.is_finite() {
                    return Draw::BetaGammas(Gamma::new(alpha), Gamma::new(beta), min, max);
                }
                match Beta::new(alpha, beta) {
                    Ok(b) => Draw::Beta(b, min, max),
                    Err(_) => Draw::Normal(d.clone()),
                }
            }
            Dist::Uniform { .. } | Dist::Triangular { .. } => Draw::Uniform(d.clone()),
            _ => Draw::Normal(d.clone()),
        }
    }

    /// The distribution, when a draw can be made from a correlated normal score (not Beta).
    fn copula(&self) -> Option<&Dist> {
        match self {
            Draw::Normal(d) | Draw::Uniform(d) => Some(d),
            _ => None,
        }
    }

    /// One draw in every lane.
    #[inline(always)]
    pub(super) fn sample<const L: usize>(&self, rng: &mut Lanes<L>) -> [f64; L] {
        match self {
            Draw::Normal(d) => scored(d, rng.normal()),
            Draw::Uniform(d) => {
                let u = rng.uniform();
                let mut out = [0.0; L];
                for l in 0..L {
                    out[l] = from_uniform(d, u[l]);
                }
                out
            }
            Draw::BetaGammas(gx, gy, min, max) => {
                let zx = rng.normal();
                let zy = rng.normal();
                let ux = rng.uniform_open0();
                let uy = rng.uniform_open0();
                let x = gx.lanes(zx, ux, rng);
                let y = gy.lanes(zy, uy, rng);
                let mut out = [0.0; L];
                for l in 0..L {
                    out[l] = min + (max - min) * (x[l] / (x[l] + y[l]));
                }
                out
            }
            Draw::Beta(b, min, max) => {
                let mut out = [0.0; L];
                for (l, o) in out.iter_mut().enumerate() {
                    *o = min + (max - min) * b.sample(&mut rng.lane(l));
                }
                out
            }
        }
    }
}

/// The uncertain drivers of a scenario, compiled for sampling.
#[derive(Debug, Clone, Default)]
pub(super) struct Shocks {
    pub(super) rho: f64,
    pub(super) corr: f64,
    pub(super) growth: Option<Draw>,
    pub(super) infl: Option<Draw>,
    pub(super) hnb: Option<Draw>,
    /// Cohort model: the share shock to cessation rates.
    pub(super) cessation: Option<Draw>,
    /// (category index, draw).
    pub(super) infl_cat: Vec<(usize, Draw)>,
    /// (mitigation index, draw).
    pub(super) delivery: Vec<(usize, Draw)>,
}

/// `L` paths' shocks side by side, one path per lane: rate shocks `s[t][lane]` (index 0
/// unused) and delivery multipliers `delivery[k][lane]`.
#[derive(Debug, Clone, Default)]
pub(super) struct ShockLanes<const L: usize> {
    pub(super) growth: LaneVec<[f64; L]>,
    pub(super) infl: LaneVec<[f64; L]>,
    pub(super) hnb: LaneVec<[f64; L]>,
    pub(super) cessation: LaneVec<[f64; L]>,
    /// `infl_cat[k * h + t]` for the k-th category with its own shock.
    pub(super) infl_cat: LaneVec<[f64; L]>,
    pub(super) delivery: LaneVec<[f64; L]>,
}

impl Shocks {
    pub(super) fn new(s: &Scenario) -> Shocks {
        let Some(u) = &s.uncertainty else {
            return Shocks::default();
        };
        let cats = s.categories();
        Shocks {
            rho: u.persistence,
            corr: u.correlation,
            growth: u.ehcp_growth.as_ref().map(Draw::new),
            infl: u.inflation.as_ref().map(Draw::new),
            hnb: u.hnb_growth.as_ref().map(Draw::new),
            cessation: u.cessation.as_ref().map(Draw::new),
            infl_cat: u
                .inflation_by_category
                .iter()
                .filter_map(|(c, d)| Some((cats.iter().position(|x| x == c)?, Draw::new(d))))
                .collect(),
            delivery: u
                .delivery
                .iter()
                .filter_map(|(n, d)| {
                    Some((
                        s.mitigations.iter().position(|m| &m.name == n)?,
                        Draw::new(d),
                    ))
                })
                .collect(),
        }
    }

    pub(super) fn buffers<const L: usize>(&self, h: usize) -> ShockLanes<L> {
        ShockLanes {
            growth: LaneVec::filled([0.0; L], h),
            infl: LaneVec::filled([0.0; L], h),
            hnb: LaneVec::filled([0.0; L], h),
            cessation: LaneVec::filled([0.0; L], h),
            infl_cat: LaneVec::filled([0.0; L], h * self.infl_cat.len()),
            delivery: LaneVec::filled([0.0; L], self.delivery.len()),
        }
    }

    /// Draw paths `first .. first + L` (path `first + l` in lane `l`) under the mixed seed
    /// `key` ([`super::rng::seed_key`]), in a fixed order: deliveries (file order), then for
    /// each year growth, inflation, HNB growth, each category's inflation and the cessation
    /// shock (drawn only when given, so scenarios without it keep their numbers).
    ///
    /// On x86-64 CPUs with AVX-512 or AVX2 (checked at run time) the lanes run in 512- or
    /// 256-bit vectors; the arithmetic is the same IEEE operations either way (no multiply
    /// and add is fused), so the draws are bit-identical on every CPU.
    pub(super) fn draw<const L: usize>(&self, key: u64, first: u64, p: &mut ShockLanes<L>) {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f")
                && std::arch::is_x86_feature_detected!("avx512dq")
            {
                // SAFETY: this CPU has AVX-512F and AVX-512DQ (checked just above).
                unsafe { self.draw_avx512(key, first, p) };
                return;
            }
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: this CPU has AVX2 (checked just above).
                unsafe { self.draw_avx2(key, first, p) };
                return;
            }
        }
        self.draw_lanes(key, first, p);
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512dq")]
    unsafe fn draw_avx512<const L: usize>(&self, key: u64, first: u64, p: &mut ShockLanes<L>) {
        self.draw_lanes(key, first, p);
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn draw_avx2<const L: usize>(&self, key: u64, first: u64, p: &mut ShockLanes<L>) {
        self.draw_lanes(key, first, p);
    }

    #[inline(always)]
    pub(super) fn draw_lanes<const L: usize>(&self, key: u64, first: u64, p: &mut ShockLanes<L>) {
        // The generators live on this worker's stack while they run: kept in the workspace,
        // their constant writes shared cache lines with the next worker's workspace, and two
        // threads ran no faster than one.
        let mut lanes = Lanes::<L>::default();
        let rng = &mut lanes;
        rng.seed(key, first);
        for (k, (_, d)) in self.delivery.iter().enumerate() {
            let x = d.sample(rng);
            for l in 0..L {
                p.delivery[k][l] = x[l].max(0.0);
            }
        }
        let h = p.growth.len();
        let corr = self.corr;
        let rho = self.rho;
        let scale = (1.0 - corr * corr).sqrt();
        let copula = match (&self.growth, &self.infl) {
            (Some(g), Some(f)) if corr != 0.0 => g.copula().zip(f.copula()),
            _ => None,
        };
        let zero = [0.0; L];
        let (mut sg, mut si, mut sh) = (zero, zero, zero);
        for t in 1..h {
            let (eg, ei) = match copula {
                Some((g, f)) => {
                    let zg = rng.normal();
                    let zi = rng.normal();
                    let mut z = [0.0; L];
                    for l in 0..L {
                        z[l] = corr * zg[l] + scale * zi[l];
                    }
                    (scored(g, zg), scored(f, z))
                }
                None => {
                    let eg = match &self.growth {
                        Some(d) => d.sample(rng),
                        None => zero,
                    };
                    let ei = match &self.infl {
                        Some(d) => d.sample(rng),
                        None => zero,
                    };
                    (eg, ei)
                }
            };
            let eh = match &self.hnb {
                Some(d) => d.sample(rng),
                None => zero,
            };
            for l in 0..L {
                sg[l] = rho * sg[l] + eg[l];
                si[l] = rho * si[l] + ei[l];
                sh[l] = rho * sh[l] + eh[l];
            }
            p.growth[t] = sg;
            p.infl[t] = si;
            p.hnb[t] = sh;
            for (k, (_, d)) in self.infl_cat.iter().enumerate() {
                let prev = p.infl_cat[k * h + t - 1];
                let e = d.sample(rng);
                let cur = &mut p.infl_cat[k * h + t];
                for l in 0..L {
                    cur[l] = rho * prev[l] + e[l];
                }
            }
            if let Some(d) = &self.cessation {
                let prev = p.cessation[t - 1];
                let e = d.sample(rng);
                for l in 0..L {
                    p.cessation[t][l] = rho * prev[l] + e[l];
                }
            }
        }
    }
}

/// `n` draws of `d`, the first draw of each of paths `0 .. n` under `seed`, made as a
/// simulation makes them ([`super::LANES`] paths side by side). For tests of the samplers.
pub fn sample_draws(d: &Dist, seed: u64, n: usize) -> Vec<f64> {
    use super::LANES;
    let shocks = Shocks {
        delivery: vec![(0, Draw::new(d))],
        ..Shocks::default()
    };
    let key = super::rng::seed_key(seed);
    let mut rng = Lanes::<LANES>::default();
    let mut out = Vec::with_capacity(n.next_multiple_of(LANES));
    for first in (0..n).step_by(LANES) {
        // A delivery draw is floored at 0; draw the raw value instead.
        rng.seed(key, first as u64);
        out.extend(shocks.delivery[0].1.sample(&mut rng));
    }
    out.truncate(n);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beta_uses_gammas_when_both_shapes_are_at_least_one() {
        for (alpha, beta, gammas) in [(8.0, 3.0, true), (1.0, 1.0, true), (0.5, 0.7, false)] {
            let d = Draw::new(&Dist::Beta {
                alpha,
                beta,
                min: 0.0,
                max: 1.0,
            });
            assert_eq!(matches!(d, Draw::BetaGammas(..)), gammas, "{alpha}, {beta}");
        }
    }
}
