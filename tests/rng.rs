//! The random-number engine: each lane is exactly `rand_xoshiro`'s xoshiro256++ stream of its
//! path; `ln` and `sin`/`cos` match the standard library; every distribution's draws have the
//! stated moments and pass a Kolmogorov–Smirnov test; neighbouring paths' and seeds' streams
//! are uncorrelated; and the engine gives the same paths at any lane width.
//!
//! Sample sizes keep the whole file to a few seconds; every limit is 4.5 standard errors (or
//! the KS critical value at about the 1e-4 level), so a correct engine fails about once in
//! ten thousand runs per check, and a seed change is all it takes to re-run.

use dsg_forecast::Scenario;
use dsg_forecast::scenario::uncertainty::{Dist, normal_cdf};
use dsg_forecast::simulate::rng::{
    Lanes, box_muller, ln, path_key, seed_key, sincos_2pi, unit, unit_open0,
};
use dsg_forecast::simulate::{Engine, LANES, sample_draws};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::collections::HashSet;

const N: usize = 200_000;

#[test]
fn every_lane_is_the_xoshiro256pp_stream_of_its_path() {
    for (seed, first) in [(0u64, 0u64), (42, 16), (u64::MAX, 9_999_984)] {
        let key = seed_key(seed);
        let mut lanes = Lanes::<LANES>::default();
        lanes.seed(key, first);
        let mut reference: Vec<Xoshiro256PlusPlus> = (0..LANES as u64)
            .map(|l| Xoshiro256PlusPlus::seed_from_u64(path_key(key, first + l)))
            .collect();
        for k in 0..200 {
            let got = lanes.next_u64();
            for (l, r) in reference.iter_mut().enumerate() {
                assert_eq!(
                    got[l],
                    r.next_u64(),
                    "seed {seed} path {} draw {k}",
                    first + l as u64
                );
            }
        }
        // One lane stepped alone stays on its stream; the others do not move.
        let before = lanes.clone().next_u64();
        for _ in 0..5 {
            assert_eq!(lanes.lane_u64(3), reference[3].next_u64());
        }
        let after = lanes.next_u64();
        assert_eq!(after[3], reference[3].next_u64());
        for l in (0..LANES).filter(|l| *l != 3) {
            assert_eq!(after[l], before[l]);
        }
    }
}

#[test]
fn keys_are_distinct_for_nearby_seeds_and_paths() {
    let mut seen = HashSet::new();
    for seed in 0..64u64 {
        let key = seed_key(seed);
        for path in 0..4096u64 {
            assert!(seen.insert(path_key(key, path)), "seed {seed} path {path}");
        }
    }
}

#[test]
fn ln_and_sincos_agree_with_the_standard_library() {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(5);
    let mut worst_ln: f64 = 0.0;
    let mut worst_trig: f64 = 0.0;
    for i in 0..200_000 {
        let x = rng.next_u64();
        let u = unit_open0(x);
        // Also values far from (0, 1], for the gamma sampler's ln v³.
        let wide = u * 2f64.powi((i % 200) - 100);
        for v in [u, wide] {
            let err = (ln(v) - v.ln()).abs() / v.ln().abs().max(f64::MIN_POSITIVE);
            worst_ln = worst_ln.max(if v == 1.0 { ln(v).abs() } else { err });
        }
        let w = unit(x);
        let (s, c) = sincos_2pi(w);
        let (s0, c0) = (std::f64::consts::TAU * w).sin_cos();
        worst_trig = worst_trig.max((s - s0).abs()).max((c - c0).abs());
    }
    assert!(
        worst_ln < 4.0 * f64::EPSILON,
        "ln relative error {worst_ln:e}"
    );
    // 2πu itself is rounded (≈ 1e-16 × 2π absolute), so compare absolutely.
    assert!(worst_trig < 2e-15, "sin/cos error {worst_trig:e}");
    // Quadrant edges exactly.
    for (u, s, c) in [
        (0.0, 0.0, 1.0),
        (0.25, 1.0, 0.0),
        (0.5, 0.0, -1.0),
        (0.75, -1.0, 0.0),
    ] {
        let (gs, gc) = sincos_2pi(u);
        assert!(
            (gs - s).abs() < 1e-15 && (gc - c).abs() < 1e-15,
            "{u}: {gs} {gc}"
        );
    }
    // Box–Muller's largest radius: u₁ = 2⁻⁵² gives √(104 ln 2) ≈ 8.49.
    let (z, _) = box_muller(u64::MAX, 0);
    assert!((z - (104.0 * 2f64.ln()).sqrt()).abs() < 1e-12, "{z}");
}

/// Kolmogorov–Smirnov statistic √n · sup |F_n − F| of `x` against the distribution function
/// `cdf`.
fn ks(mut x: Vec<f64>, cdf: impl Fn(f64) -> f64) -> f64 {
    x.sort_by(f64::total_cmp);
    let n = x.len() as f64;
    let mut d: f64 = 0.0;
    for (i, v) in x.iter().enumerate() {
        let f = cdf(*v);
        d = d.max(f - i as f64 / n).max((i + 1) as f64 / n - f);
    }
    d * n.sqrt()
}

/// √n D exceeds 1.95 with probability about 0.001 and 2.15 about 0.0002 (Kolmogorov).
const KS_LIMIT: f64 = 2.15;

fn mean_var(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    (
        m,
        x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (n - 1.0),
    )
}

/// Draws of `d` (one per path), checked against its mean, variance and distribution function.
fn check(name: &str, d: Dist, mean: f64, var: f64, cdf: impl Fn(f64) -> f64) {
    let x = sample_draws(&d, 2024, N);
    assert_eq!(x.len(), N);
    let (m, v) = mean_var(&x);
    let n = N as f64;
    assert!(
        (m - mean).abs() < 4.5 * (var / n).sqrt(),
        "{name}: mean {m} vs {mean}"
    );
    // Var of the sample variance: (μ₄ − σ⁴) / n, with μ₄ estimated from the sample.
    let m4 = x.iter().map(|y| (y - m).powi(4)).sum::<f64>() / n;
    assert!(
        (v - var).abs() < 4.5 * ((m4 - var * var) / n).sqrt(),
        "{name}: variance {v} vs {var}"
    );
    let k = ks(x, cdf);
    assert!(k < KS_LIMIT, "{name}: KS √n·D = {k}");
}

#[test]
fn normal_and_lognormal_draws() {
    check(
        "normal(0.5, 2)",
        Dist::Normal { mean: 0.5, sd: 2.0 },
        0.5,
        4.0,
        |x| normal_cdf((x - 0.5) / 2.0),
    );
    let (mu, sigma, shift) = (-1.0f64, 0.5f64, -0.2);
    let s2 = sigma * sigma;
    check(
        "lognormal",
        Dist::Lognormal { mu, sigma, shift },
        shift + (mu + s2 / 2.0).exp(),
        (s2.exp() - 1.0) * (2.0 * mu + s2).exp(),
        |x| {
            if x <= shift {
                0.0
            } else {
                normal_cdf(((x - shift).ln() - mu) / sigma)
            }
        },
    );
}

#[test]
fn uniform_and_triangular_draws() {
    check(
        "uniform(-1, 3)",
        Dist::Uniform {
            min: -1.0,
            max: 3.0,
        },
        1.0,
        16.0 / 12.0,
        |x| ((x + 1.0) / 4.0).clamp(0.0, 1.0),
    );
    let (a, c, b) = (-0.01f64, 0.0f64, 0.02f64);
    check(
        "triangular(-0.01, 0, 0.02)",
        Dist::Triangular {
            min: a,
            mode: c,
            max: b,
        },
        (a + b + c) / 3.0,
        (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0,
        |x| {
            if x <= a {
                0.0
            } else if x <= c {
                (x - a).powi(2) / ((b - a) * (c - a))
            } else if x < b {
                1.0 - (b - x).powi(2) / ((b - a) * (b - c))
            } else {
                1.0
            }
        },
    );
}

/// The Beta(a, b) distribution function for whole-number shapes: P(at least a of a + b − 1
/// uniforms are below x).
fn beta_cdf_int(a: u32, b: u32, x: f64) -> f64 {
    let n = a + b - 1;
    let mut binom = 1.0; // C(n, j)
    let mut total = 0.0;
    for j in 0..=n {
        if j > 0 {
            binom *= f64::from(n - j + 1) / f64::from(j);
        }
        if j >= a {
            total += binom * x.powi(j as i32) * (1.0 - x).powi((n - j) as i32);
        }
    }
    total
}

fn beta(alpha: f64, beta: f64, min: f64, max: f64) -> (Dist, f64, f64) {
    let s = alpha + beta;
    let w = max - min;
    (
        Dist::Beta {
            alpha,
            beta,
            min,
            max,
        },
        min + w * alpha / s,
        w * w * alpha * beta / (s * s * (s + 1.0)),
    )
}

#[test]
fn beta_draws_from_gammas() {
    // Both shapes ≥ 1: the ratio of two Marsaglia–Tsang gammas (whose first attempts run in
    // lanes and whose retries run lane by lane).
    for (a, b) in [(8u32, 3u32), (1, 1), (2, 5), (1, 4)] {
        let (d, m, v) = beta(f64::from(a), f64::from(b), 0.0, 1.0);
        check(&format!("beta({a}, {b})"), d, m, v, |x| {
            beta_cdf_int(a, b, x.clamp(0.0, 1.0))
        });
    }
    // Rescaled to [min, max].
    let (d, m, v) = beta(6.0, 3.0, 0.5, 2.0);
    check("beta(6, 3) on [0.5, 2]", d, m, v, |x| {
        beta_cdf_int(6, 3, ((x - 0.5) / 1.5).clamp(0.0, 1.0))
    });
}

#[test]
fn beta_draws_by_chengs_method() {
    // A shape below 1: Cheng's method, lane by lane. Closed-form distribution functions.
    let (d, m, v) = beta(0.5, 0.5, 0.0, 1.0);
    check("beta(0.5, 0.5)", d, m, v, |x| {
        2.0 / std::f64::consts::PI * x.clamp(0.0, 1.0).sqrt().asin()
    });
    let (d, m, v) = beta(0.5, 1.0, 0.0, 1.0);
    check("beta(0.5, 1)", d, m, v, |x| x.clamp(0.0, 1.0).sqrt());
    let (d, m, v) = beta(1.0, 0.5, 0.0, 1.0);
    check("beta(1, 0.5)", d, m, v, |x| {
        1.0 - (1.0 - x.clamp(0.0, 1.0)).sqrt()
    });
}

/// Pearson correlation of two equally long samples.
fn corr(x: &[f64], y: &[f64]) -> f64 {
    let (mx, vx) = mean_var(x);
    let (my, vy) = mean_var(y);
    let c = x
        .iter()
        .zip(y)
        .map(|(a, b)| (a - mx) * (b - my))
        .sum::<f64>()
        / (x.len() as f64 - 1.0);
    c / (vx * vy).sqrt()
}

#[test]
fn neighbouring_paths_and_seeds_are_uncorrelated() {
    let std_normal = Dist::Normal { mean: 0.0, sd: 1.0 };
    let limit = 4.5 / (N as f64).sqrt();
    // Adjacent paths of one seed: path i's first draw against path i + 1's (and i + 16's:
    // the same lane of the next block).
    let a = sample_draws(&std_normal, 7, N + LANES);
    for lag in [1, LANES] {
        let r = corr(&a[..N], &a[lag..N + lag]);
        assert!(r.abs() < limit, "paths i and i + {lag}: r = {r}");
    }
    // Adjacent seeds: path i under seed s against paths i − 1, i and i + 1 under seed s + 1.
    let b = sample_draws(&std_normal, 8, N + 2);
    for off in 0..3 {
        let r = corr(&a[1..N + 1], &b[off..N + off]);
        assert!(r.abs() < limit, "seeds 7 and 8, offset {off}: r = {r}");
    }
    // Raw streams, whole: the k-th uniform of lane l against the k-th of lane l + 1, and each
    // lane's successive draws, over 2,048 paths × 100 draws.
    let key = seed_key(3);
    let mut lanes = Lanes::<LANES>::default();
    let (mut x, mut y, mut lag) = (Vec::new(), Vec::new(), (Vec::new(), Vec::new()));
    for first in (0..2048u64).step_by(LANES) {
        lanes.seed(key, first);
        let mut prev = lanes.uniform();
        for _ in 0..100 {
            let u = lanes.uniform();
            for l in 0..LANES - 1 {
                x.push(u[l]);
                y.push(u[l + 1]);
                lag.0.push(prev[l]);
                lag.1.push(u[l]);
            }
            prev = u;
        }
    }
    let lim = 4.5 / (x.len() as f64).sqrt();
    let r = corr(&x, &y);
    assert!(r.abs() < lim, "lanes l and l + 1: r = {r}");
    let r = corr(&lag.0, &lag.1);
    assert!(r.abs() < lim, "successive draws: r = {r}");
    // And the normals' pairs: Box–Muller's two halves are independent.
    let mut lanes = Lanes::<1>::default();
    lanes.seed(key, 0);
    let (mut z1, mut z2) = (Vec::new(), Vec::new());
    for _ in 0..N / 2 {
        z1.push(lanes.normal()[0]);
        z2.push(lanes.normal()[0]);
    }
    let r = corr(&z1, &z2);
    let r2 = corr(
        &z1.iter().map(|z| z * z).collect::<Vec<_>>(),
        &z2.iter().map(|z| z * z).collect::<Vec<_>>(),
    );
    let lim = 4.5 / ((N / 2) as f64).sqrt();
    assert!(
        r.abs() < lim && r2.abs() < lim,
        "pair halves: r = {r}, r(z²) = {r2}"
    );
}

fn bcp_uncertain() -> Scenario {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/bcp_safety_valve_2024.toml"
    ))
    .unwrap()
        + r#"
[uncertainty]
persistence = 0.5
correlation = 0.3
ehcp_growth = { distribution = "normal", sd = 0.015 }
inflation = { distribution = "triangular", min = -0.01, mode = 0.0, max = 0.02 }
hnb_growth = { distribution = "uniform", min = -0.01, max = 0.01 }
[uncertainty.inflation_by_category]
independent = { distribution = "lognormal", mu = -5.0, sigma = 0.5, shift = -0.0075 }
[uncertainty.delivery]
"Plans cease at 20" = { distribution = "beta", alpha = 6, beta = 3 }
"Early help reduces new plans" = { distribution = "beta", alpha = 0.7, beta = 2 }
"More children with EHCPs in mainstream" = { distribution = "beta", alpha = 1.5, beta = 1.2 }
"#;
    Scenario::from_toml_str(&text).unwrap()
}

/// Paths `first ..` run `L` side by side give, lane by lane, what each gives alone.
fn lanes_equal_alone<const L: usize>(engine: &Engine, first: u64) {
    let mut one = engine.workspace::<1>();
    let mut many = engine.workspace::<L>();
    engine.paths(&mut many, first, L);
    for l in 0..L {
        engine.path(&mut one, first + l as u64);
        assert_eq!(
            many.lane_out(l),
            one.out(),
            "width {L}, path {}",
            first + l as u64
        );
    }
}

#[test]
fn any_lane_width_gives_the_same_paths() {
    // Every kind of draw, Cheng's Beta and gamma retries included (which step one lane
    // alone), at widths 2, 5, 8 and 16.
    let engine = Engine::new(&bcp_uncertain(), 99);
    for first in (0..480).step_by(80) {
        lanes_equal_alone::<2>(&engine, first);
        lanes_equal_alone::<5>(&engine, first + 3);
        lanes_equal_alone::<8>(&engine, first + 1);
        lanes_equal_alone::<LANES>(&engine, first + 7);
    }
}
