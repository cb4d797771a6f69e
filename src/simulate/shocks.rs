//! Random shocks: the scenario's `[uncertainty]` distributions compiled for sampling, and
//! one path's draws.
//!
//! Path `i` draws from the engine's `ChaCha8Rng` on stream `i` (`set_stream(i)`), in a fixed
//! order (see [`Shocks::draw`]), so its numbers do not depend on which thread runs it.

use crate::scenario::Scenario;
use crate::scenario::uncertainty::Dist;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Beta, Distribution, Gamma, StandardNormal};

/// One compiled distribution: from a standard-normal score, or a direct Beta sampler.
#[derive(Debug, Clone)]
pub(super) enum Draw {
    Scored(Dist),
    /// Beta with both shapes ≥ 1 as `X / (X + Y)`, `X ~ Gamma(α)`, `Y ~ Gamma(β)` (exact;
    /// Marsaglia–Tsang gammas mostly need one normal and one uniform each, about twice as
    /// fast as Cheng's rejection method), scaled to `[min, max]`.
    BetaGammas(Gamma<f64>, Gamma<f64>, f64, f64),
    /// Beta with a shape below 1 (where a ratio of gammas can underflow): Cheng's method.
    Beta(Beta<f64>, f64, f64),
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
                if alpha >= 1.0
                    && beta >= 1.0
                    && let (Ok(x), Ok(y)) = (Gamma::new(alpha, 1.0), Gamma::new(beta, 1.0))
                {
                    return Draw::BetaGammas(x, y, min, max);
                }
                match Beta::new(alpha, beta) {
                    Ok(b) => Draw::Beta(b, min, max),
                    Err(_) => Draw::Scored(d.clone()),
                }
            }
            _ => Draw::Scored(d.clone()),
        }
    }

    #[inline]
    fn sample(&self, rng: &mut ChaCha8Rng) -> f64 {
        match self {
            Draw::Scored(d) => d.from_normal(StandardNormal.sample(rng)),
            Draw::BetaGammas(gx, gy, min, max) => {
                let x = gx.sample(rng);
                let y = gy.sample(rng);
                min + (max - min) * (x / (x + y))
            }
            Draw::Beta(b, min, max) => min + (max - min) * b.sample(rng),
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
    /// (category index, draw).
    pub(super) infl_cat: Vec<(usize, Draw)>,
    /// (mitigation index, draw).
    pub(super) delivery: Vec<(usize, Draw)>,
}

/// `L` paths' shocks side by side, one path per lane: rate shocks `s[t][lane]` (index 0
/// unused) and delivery multipliers `delivery[k][lane]`.
#[derive(Debug, Clone, Default)]
pub(super) struct ShockLanes<const L: usize> {
    pub(super) growth: Vec<[f64; L]>,
    pub(super) infl: Vec<[f64; L]>,
    pub(super) hnb: Vec<[f64; L]>,
    /// `infl_cat[k * h + t]` for the k-th category with its own shock.
    pub(super) infl_cat: Vec<[f64; L]>,
    pub(super) delivery: Vec<[f64; L]>,
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
            growth: vec![[0.0; L]; h],
            infl: vec![[0.0; L]; h],
            hnb: vec![[0.0; L]; h],
            infl_cat: vec![[0.0; L]; h * self.infl_cat.len()],
            delivery: vec![[0.0; L]; self.delivery.len()],
        }
    }

    /// Draw path `i`'s shocks into lane `l` of `p`, in a fixed order: deliveries (file
    /// order), then for each year growth, inflation, HNB growth and each category's inflation.
    pub(super) fn draw<const L: usize>(
        &self,
        base: &ChaCha8Rng,
        i: u64,
        p: &mut ShockLanes<L>,
        l: usize,
    ) {
        let mut rng = base.clone();
        rng.set_stream(i);
        for (k, (_, d)) in self.delivery.iter().enumerate() {
            p.delivery[k][l] = d.sample(&mut rng).max(0.0);
        }
        let h = p.growth.len();
        let scale = (1.0 - self.corr * self.corr).sqrt();
        let ncat = self.infl_cat.len();
        let (mut sg, mut si, mut sh) = (0.0, 0.0, 0.0);
        for t in 1..h {
            let (eg, ei) = match (&self.growth, &self.infl) {
                (Some(Draw::Scored(g)), Some(Draw::Scored(f))) if self.corr != 0.0 => {
                    let zg: f64 = StandardNormal.sample(&mut rng);
                    let zi: f64 = StandardNormal.sample(&mut rng);
                    (
                        g.from_normal(zg),
                        f.from_normal(self.corr * zg + scale * zi),
                    )
                }
                (g, f) => (
                    g.as_ref().map_or(0.0, |d| d.sample(&mut rng)),
                    f.as_ref().map_or(0.0, |d| d.sample(&mut rng)),
                ),
            };
            let eh = self.hnb.as_ref().map_or(0.0, |d| d.sample(&mut rng));
            sg = self.rho * sg + eg;
            si = self.rho * si + ei;
            sh = self.rho * sh + eh;
            p.growth[t][l] = sg;
            p.infl[t][l] = si;
            p.hnb[t][l] = sh;
            for (k, (_, d)) in self.infl_cat.iter().enumerate() {
                let prev = p.infl_cat[k * h + t - 1][l];
                p.infl_cat[k * h + t][l] = self.rho * prev + d.sample(&mut rng);
            }
        }
        debug_assert!(ncat == 0 || p.infl_cat.len() == ncat * h);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    /// Mean and variance of 200,000 draws of Beta(α, β) on [0, 1].
    fn moments(alpha: f64, beta: f64) -> (f64, f64, Draw) {
        let d = Draw::new(&Dist::Beta {
            alpha,
            beta,
            min: 0.0,
            max: 1.0,
        });
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let n = 200_000;
        let x: Vec<f64> = (0..n).map(|_| d.sample(&mut rng)).collect();
        assert!(x.iter().all(|v| (0.0..=1.0).contains(v)));
        let m = x.iter().sum::<f64>() / n as f64;
        let v = x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (n as f64 - 1.0);
        (m, v, d)
    }

    #[test]
    fn beta_draws_have_the_stated_moments_by_either_method() {
        // Mean α / (α + β); variance αβ / ((α + β)² (α + β + 1)).
        for (alpha, beta, gammas) in [(8.0, 3.0, true), (1.0, 1.0, true), (0.5, 0.7, false)] {
            let (m, v, d) = moments(alpha, beta);
            assert_eq!(matches!(d, Draw::BetaGammas(..)), gammas, "{alpha}, {beta}");
            let s = alpha + beta;
            let (mean, var) = (alpha / s, alpha * beta / (s * s * (s + 1.0)));
            assert!(
                (m - mean).abs() < 4.0 * (var / 200_000.0).sqrt(),
                "mean {m} vs {mean}"
            );
            assert!((v / var - 1.0).abs() < 0.02, "variance {v} vs {var}");
        }
    }
}
