//! Monte Carlo engine: reproducibility across threads and runs, agreement with the
//! deterministic projection, hand-worked moments, and bad options rejected up front.

use dsg_forecast::simulate::{
    LINES, Options, Simulator, Summary, batch_driver_names, evaluate_batch, simulate,
};
use dsg_forecast::{Model, Scenario, ScenarioError, run};

fn bcp_text() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/bcp_safety_valve_2024.toml"
    ))
    .unwrap()
}

/// The BCP example with every kind of uncertain input.
fn bcp_uncertain() -> Scenario {
    let text = bcp_text()
        + r#"
[uncertainty]
persistence = 0.5
correlation = 0.4
ehcp_growth = { distribution = "normal", sd = 0.015 }
inflation = { distribution = "triangular", min = -0.01, mode = 0.0, max = 0.02 }
hnb_growth = { distribution = "uniform", min = -0.01, max = 0.01 }
[uncertainty.inflation_by_category]
independent = { distribution = "lognormal", mu = -5.0, sigma = 0.5, shift = -0.0075 }
[uncertainty.delivery]
"Plans cease at 20" = { distribution = "beta", alpha = 6, beta = 3 }
"Early help reduces new plans" = { distribution = "normal", mean = 0.8, sd = 0.2 }
"#;
    Scenario::from_toml_str(&text).expect("valid uncertain scenario")
}

fn opts(n: usize, seed: u64, keep: bool) -> Options {
    Options {
        n_paths: n,
        seed,
        keep_paths: keep,
        thresholds: vec![150e6],
        ..Options::default()
    }
}

fn in_pool(threads: usize, s: &Scenario, o: &Options) -> Summary {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(|| simulate(s, o).unwrap())
}

fn same(a: &Summary, b: &Summary) {
    assert_eq!(a.quantile_values, b.quantile_values);
    assert_eq!(a.mean, b.mean);
    assert_eq!(a.min, b.min);
    assert_eq!(a.max, b.max);
    assert_eq!(a.prob_balanced, b.prob_balanced);
    assert_eq!(a.prob_balanced_by, b.prob_balanced_by);
    assert_eq!(a.prob_exceeds, b.prob_exceeds);
    assert_eq!(a.prob_exceeds_by, b.prob_exceeds_by);
    assert_eq!(a.hist_counts, b.hist_counts);
    assert_eq!(a.paths, b.paths);
}

#[test]
fn one_and_two_threads_give_bit_identical_results() {
    let s = bcp_uncertain();
    let o = opts(5_000, 42, true);
    let one = in_pool(1, &s, &o);
    let two = in_pool(2, &s, &o);
    same(&one, &two);
    // The paths really vary, so the comparison is not trivially true.
    let last = one.years.len() - 1;
    assert!(one.max[last] - one.min[last] > 1e6);
}

#[test]
fn blocks_of_any_size_give_the_same_result() {
    let s = bcp_uncertain();
    let o = opts(3_000, 9, true);
    let whole = simulate(&s, &o).unwrap();
    let mut sim = Simulator::new(&s, o).unwrap();
    while sim.run_block(777) > 0 {}
    same(&whole, &sim.finish());
}

#[test]
fn same_seed_same_result_other_seed_differs() {
    let s = bcp_uncertain();
    let a = simulate(&s, &opts(2_000, 7, false)).unwrap();
    let b = simulate(&s, &opts(2_000, 7, false)).unwrap();
    same(&a, &b);
    let c = simulate(&s, &opts(2_000, 8, false)).unwrap();
    assert_ne!(a.mean, c.mean);
}

#[test]
fn without_uncertainty_every_path_is_the_deterministic_projection() {
    let s = Scenario::from_toml_str(&bcp_text()).unwrap();
    let r = run(&Model::new(&s));
    let sum = simulate(&s, &opts(50, 1, true)).unwrap();
    let det = [
        r.deficit.closing.clone(),
        r.in_year_deficit.clone(),
        r.spend.total.clone(),
        (0..r.deficit.closing.len())
            .map(|t| r.plans.total(t))
            .collect(),
    ];
    let h = det[0].len();
    let paths = sum.paths.as_ref().unwrap();
    for (l, d) in det.iter().enumerate() {
        for p in 0..50 {
            assert_eq!(
                &paths[l][p * h..(p + 1) * h],
                d.as_slice(),
                "line {}",
                LINES[l]
            );
        }
        for j in 0..sum.quantiles.len() {
            assert_eq!(sum.quantile_row(l, j), d.as_slice());
        }
        for (m, x) in sum.row(&sum.mean, l).iter().zip(d) {
            assert!((m - x).abs() <= 1e-9 * x.abs().max(1.0), "mean {m} vs {x}");
        }
    }
    // BCP's plan first balances in its last year, and the deficit always exceeds the reserves.
    let last = h - 1;
    let balanced = r.in_year_deficit[last] <= 0.0;
    assert_eq!(sum.prob_balanced[last], if balanced { 1.0 } else { 0.0 });
}

/// One category, no growth or inflation, £10m HNB, £12m spend, horizon 3: in-year deficit =
/// spend − HNB × Π(1 + s), so the HNB shocks and the delivery draw can be read back exactly.
fn toy(extra: &str) -> Scenario {
    let text = format!(
        r#"
[meta]
name = "toy"
base_year = "2024-25"
horizon = 3
[funding]
hnb = 10_000_000
hnb_growth = 0.0
[demand]
growth = 0.0
base_plans = {{ special = 400 }}
[cost]
inflation = 0.0
unit_cost = {{ special = 30_000 }}
[[mitigations]]
name = "invest"
start = "2024-25"
effect = {{ invest = {{ amounts = {{ "2024-25" = 1_000_000 }} }} }}
{extra}
"#
    );
    Scenario::from_toml_str(&text).unwrap()
}

fn mean_var(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    (
        m,
        x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (n - 1.0),
    )
}

#[test]
fn persistent_shocks_and_beta_delivery_have_the_stated_moments() {
    // s1 = e1, s2 = 0.6 e1 + e2 with e ~ N(0, 0.01²): Var(s2) = 1.36e-4, Corr(s1, s2) = 0.6/√1.36.
    // Delivery ~ Beta(8, 2): mean 0.8, variance 16 / (100 × 11).
    let s = toy(r#"
[uncertainty]
persistence = 0.6
hnb_growth = { distribution = "normal", sd = 0.01 }
delivery = { invest = { distribution = "beta", alpha = 8, beta = 2 } }
"#);
    let n = 40_000;
    let sum = simulate(&s, &opts(n, 3, true)).unwrap();
    let p = sum.paths.as_ref().unwrap();
    let (mut s1, mut s2, mut d) = (vec![], vec![], vec![]);
    for i in 0..n {
        let spend = |t: usize| p[2][i * 3 + t];
        let income = |t: usize| spend(t) - p[1][i * 3 + t];
        assert!((income(0) - 10e6).abs() < 1e-6);
        d.push((spend(0) - 12e6) / 1e6);
        s1.push(income(1) / income(0) - 1.0);
        s2.push(income(2) / income(1) - 1.0);
    }
    let (m1, v1) = mean_var(&s1);
    let (_, v2) = mean_var(&s2);
    let cov = s1.iter().zip(&s2).map(|(a, b)| (a - m1) * b).sum::<f64>() / (n as f64 - 1.0);
    let (md, vd) = mean_var(&d);
    assert!(m1.abs() < 4.0 * 0.01 / (n as f64).sqrt());
    assert!((v1 / 1e-4 - 1.0).abs() < 0.05, "var s1 {v1}");
    assert!((v2 / 1.36e-4 - 1.0).abs() < 0.05, "var s2 {v2}");
    let corr = cov / (v1 * v2).sqrt();
    assert!((corr - 0.6 / 1.36f64.sqrt()).abs() < 0.02, "corr {corr}");
    assert!(
        (md - 0.8).abs() < 4.0 * (vd / n as f64).sqrt(),
        "delivery mean {md}"
    );
    assert!(
        (vd / (16.0 / 1100.0) - 1.0).abs() < 0.05,
        "delivery var {vd}"
    );
    // Histogram quantiles agree with the exact sample quantile to within a bin or so.
    let mut last: Vec<f64> = (0..n).map(|i| p[1][i * 3 + 2]).collect();
    last.sort_by(f64::total_cmp);
    let exact = last[n / 2];
    let median = sum.quantile_row(1, 3)[2];
    let bin = (sum.hist_hi[5] - sum.hist_lo[5]) / 4096.0;
    assert!(
        (median - exact).abs() < 2.0 * bin + 1e-9,
        "{median} vs {exact}"
    );
}

#[test]
fn correlated_growth_and_inflation_shocks() {
    // Spend on plans = 400 × 30,000 × (1 + g)(1 + i) in year 1, with Corr(g, i) = 0.8.
    let s = toy(r#"
[uncertainty]
correlation = 0.8
ehcp_growth = { distribution = "normal", sd = 0.02 }
inflation = { distribution = "normal", sd = 0.01 }
"#);
    let n = 20_000;
    let p = simulate(&s, &opts(n, 5, true)).unwrap().paths.unwrap();
    let g: Vec<f64> = (0..n).map(|i| p[3][i * 3 + 1] / 400.0 - 1.0).collect();
    let inf: Vec<f64> = (0..n)
        .map(|i| (p[2][i * 3 + 1] - 0.0) / (p[3][i * 3 + 1] * 30_000.0) - 1.0)
        .collect();
    let (mg, vg) = mean_var(&g);
    let (_, vi) = mean_var(&inf);
    let cov = g.iter().zip(&inf).map(|(a, b)| (a - mg) * b).sum::<f64>() / (n as f64 - 1.0);
    assert!((cov / (vg * vi).sqrt() - 0.8).abs() < 0.02);
    assert!((vi.sqrt() / 0.01 - 1.0).abs() < 0.05);
}

#[test]
fn bad_options_and_parameters_name_the_field() {
    let s = bcp_uncertain();
    let issues = |e: ScenarioError| {
        e.issues()
            .into_iter()
            .map(|i| i.path)
            .collect::<Vec<String>>()
    };
    for (o, path) in [
        (opts(0, 0, false), "n_paths"),
        (opts(10_000_001, 0, false), "n_paths"),
        (
            Options {
                quantiles: vec![0.5, 1.0],
                ..Options::default()
            },
            "quantiles[1]",
        ),
    ] {
        let e = Simulator::new(&s, o).err().expect("rejected");
        assert_eq!(issues(e), [path]);
    }
    let text = bcp_text()
        + r#"
[uncertainty]
correlation = 1.5
ehcp_growth = { distribution = "normal", sd = -0.01 }
inflation = { distribution = "normal", sd = 0.01 }
[uncertainty.delivery]
"Plans cease at 20" = { distribution = "beta", alpha = 0, beta = 3 }
"No such plan" = { distribution = "uniform", min = 0.5, max = 1.0 }
"#;
    let paths = issues(Scenario::from_toml_str(&text).unwrap_err());
    for p in [
        "uncertainty.correlation",
        "uncertainty.ehcp_growth.sd",
        "uncertainty.delivery.Plans cease at 20.alpha",
        "uncertainty.delivery.No such plan",
    ] {
        assert!(paths.iter().any(|x| x == p), "{p} not in {paths:?}");
    }
}

#[test]
fn batch_rows_match_projections_and_threads() {
    let s = Scenario::from_toml_str(&bcp_text()).unwrap();
    let names: Vec<String> = ["ehcp_growth", "delivery.Plans cease at 20"]
        .map(String::from)
        .to_vec();
    let values = [0.0, 1.0, 0.01, 1.0, 0.0, 0.0];
    let out = evaluate_batch(&s, &names, &values, "closing_deficit").unwrap();
    let det = run(&Model::new(&s));
    assert_eq!(out[0], *det.deficit.closing.last().unwrap());
    // More growth raises the deficit; not ceasing plans raises it too.
    assert!(out[1] > out[0] && out[2] > out[0]);
    let two = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap()
        .install(|| evaluate_batch(&s, &names, &values, "closing_deficit").unwrap());
    assert_eq!(out, two);
    assert!(batch_driver_names(&s).contains(&"inflation.independent".to_string()));
    assert!(evaluate_batch(&s, &["nope".into()], &[0.0], "closing_deficit").is_err());
}

#[test]
fn uncertainty_section_round_trips_and_rejects_typos() {
    let s = bcp_uncertain();
    assert_eq!(Scenario::from_toml_str(&s.to_toml_string()).unwrap(), s);
    assert_eq!(Scenario::from_json_str(&s.to_json_string()).unwrap(), s);
    let typo =
        bcp_text() + "\n[uncertainty]\nehcp_growth = { distribution = \"normal\", sdd = 0.1 }\n";
    assert!(Scenario::from_toml_str(&typo).is_err());
}
