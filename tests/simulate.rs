//! Monte Carlo engine: reproducibility across threads and runs, agreement with the
//! deterministic projection (with and without shocks), hand-worked moments, capped paths, and
//! bad options rejected up front.

use dsg_forecast::simulate::{
    Engine, LANES, LINES, Options, PIECE, PILOT_PATHS, Simulator, Summary, batch_driver_names,
    evaluate_batch, max_kept_paths, piece_size, simulate,
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
    assert_eq!(a.capped_paths, b.capped_paths);
    assert_eq!(a.capped_by_mitigation, b.capped_by_mitigation);
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
fn pieces_shared_among_threads_give_the_same_result_with_every_path_in_its_place() {
    let s = bcp_uncertain();
    // Several pieces after the pilot, shrinking towards the end, claimed by whichever thread
    // is free.
    let n = PILOT_PATHS + 3 * PIECE + 100;
    let o = opts(n, 7, true);
    let one = in_pool(1, &s, &o);
    let three = in_pool(3, &s, &o);
    same(&one, &three);
    // Each kept path is that path run alone, at its own index: the first, either side of the
    // pilot's end and of the first piece's end on three threads, and the last.
    let first_end = PILOT_PATHS + piece_size(n - PILOT_PATHS, 3);
    assert!(first_end < n);
    let edges = [0, PILOT_PATHS, first_end - 1, first_end, n - 1];
    kept_paths_are_paths_run_alone(&Engine::new(&s, 7), &three, edges);
}

/// Each of `paths` that `sum` kept equals that path run alone by `e`, every line bit for bit.
fn kept_paths_are_paths_run_alone(
    e: &Engine,
    sum: &Summary,
    paths: impl IntoIterator<Item = usize>,
) {
    let mut ws = e.workspace::<1>();
    let h = e.horizon();
    let kept = sum.paths.as_ref().unwrap();
    for i in paths {
        e.path(&mut ws, i as u64);
        for (l, line) in kept.iter().enumerate() {
            assert_eq!(
                &line[i * h..(i + 1) * h],
                &ws.out()[l * h..(l + 1) * h],
                "path {i}, line {l}"
            );
        }
    }
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

/// The probabilities counted while simulating equal the shares counted from the kept paths,
/// on 4,097 paths: the pilot's 1,024, then 3,073 whose last block of sixteen lanes holds one
/// path and fifteen empty lanes.
#[test]
fn probabilities_are_the_shares_of_the_kept_paths() {
    let n = PIECE + 1;
    let o = Options {
        thresholds: vec![150e6, 250e6],
        ..opts(n, 11, true)
    };
    let sum = simulate(&bcp_uncertain(), &o).unwrap();
    let h = sum.years.len();
    let paths = sum.paths.as_ref().unwrap();
    let line = |name: &str| &paths[LINES.iter().position(|l| *l == name).unwrap()];
    // shares[t] of paths where `hit(value)` holds in year t (`by`: in year t or earlier).
    let shares = |values: &[f64], hit: &dyn Fn(f64) -> bool, by: bool| -> Vec<f64> {
        let mut count = vec![0u64; h];
        for p in values.chunks_exact(h) {
            let mut ever = false;
            for t in 0..h {
                ever |= hit(p[t]);
                count[t] += u64::from(if by { ever } else { hit(p[t]) });
            }
        }
        count.iter().map(|c| *c as f64 / n as f64).collect()
    };
    let in_year = line("in_year_deficit");
    let balanced = |v: f64| v <= 0.0;
    assert_eq!(sum.prob_balanced, shares(in_year, &balanced, false));
    assert_eq!(sum.prob_balanced_by, shares(in_year, &balanced, true));
    // Balanced sometimes and not always, or the comparison above would prove little.
    assert!(sum.prob_balanced_by.iter().any(|p| *p > 0.0 && *p < 1.0));
    assert!(
        sum.prob_balanced
            .iter()
            .zip(&sum.prob_balanced_by)
            .any(|(a, b)| a < b)
    );
    let closing = line("closing_deficit");
    assert_eq!(sum.thresholds, vec![150e6, 250e6, 50e6]); // then the reserves
    for (j, a) in sum.thresholds.iter().enumerate() {
        let above = |v: f64| v > *a;
        assert_eq!(
            sum.prob_exceeds[j * h..(j + 1) * h],
            shares(closing, &above, false)
        );
        assert_eq!(
            sum.prob_exceeds_by[j * h..(j + 1) * h],
            shares(closing, &above, true)
        );
    }
    assert!(
        sum.prob_exceeds
            .iter()
            .zip(&sum.prob_exceeds_by)
            .any(|(a, b)| a < b)
    );
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
fn a_scenario_without_uncertain_inputs_is_refused() {
    for extra in ["", "\n[uncertainty]\npersistence = 0.5\n"] {
        let s = Scenario::from_toml_str(&(bcp_text() + extra)).unwrap();
        let e = simulate(&s, &opts(100, 1, false)).unwrap_err();
        let issues = e.issues();
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].path, "uncertainty");
        assert!(issues[0].message.contains("no uncertain inputs"));
        assert!(issues[0].message.contains("[uncertainty]"));
        assert!(issues[0].message.contains("replace("));
    }
}

#[test]
fn zero_spread_shocks_give_the_deterministic_projection_on_every_path() {
    // Every driver present with no spread: each shock is exactly 0 (delivery exactly 1).
    let s = Scenario::from_toml_str(
        &(bcp_text()
            + r#"
[uncertainty]
persistence = 0.5
ehcp_growth = { distribution = "normal", sd = 0.0 }
inflation = { distribution = "normal", sd = 0.0 }
hnb_growth = { distribution = "normal", sd = 0.0 }
[uncertainty.delivery]
"Plans cease at 20" = { distribution = "normal", mean = 1.0, sd = 0.0 }
"#),
    )
    .unwrap();
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
        (
            Options {
                quantiles: vec![0.25, 0.5, 0.5],
                ..Options::default()
            },
            "quantiles[2]",
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

/// Two categories; a mitigation moves 6 independent placements a year into special from the
/// base year, so 6d, 12d, 18d plans have moved by year 0, 1, 2 with delivery d. Independent
/// holds 20, so the move is capped exactly when 18d > 20, i.e. d > 10/9.
fn mover(delivery: &str) -> Scenario {
    let text = format!(
        r#"
[meta]
name = "mover"
base_year = "2024-25"
horizon = 3
[funding]
hnb = 10_000_000
hnb_growth = 0.0
[demand]
growth = 0.0
base_plans = {{ special = 400, independent = 20 }}
[cost]
inflation = 0.0
unit_cost = {{ special = 30_000, independent = 60_000 }}
[[mitigations]]
name = "bring home"
start = "2024-25"
effect = {{ move_plans = {{ from = "independent", to = "special", per_year = 6 }} }}
[uncertainty]
delivery = {{ "bring home" = {delivery} }}
"#
    );
    Scenario::from_toml_str(&text).unwrap()
}

#[test]
fn capped_paths_are_counted_exactly_for_any_thread_count() {
    // Delivery uniform on [0.5, 1.5]: P(d > 10/9) = (1.5 − 10/9) / 1 = 7/18 ≈ 0.3889.
    let s = mover(r#"{ distribution = "uniform", min = 0.5, max = 1.5 }"#);
    let n = 20_000;
    let o = opts(n, 4, true);
    let one = in_pool(1, &s, &o);
    let two = in_pool(2, &s, &o);
    same(&one, &two);
    assert_eq!(one.mitigations, ["bring home"]);
    assert_eq!(one.capped_by_mitigation, [one.capped_paths]);
    let share = one.capped_share();
    let sd = (7.0 / 18.0 * 11.0 / 18.0 / n as f64).sqrt();
    assert!(
        (share - 7.0 / 18.0).abs() < 4.0 * sd,
        "capped share {share}"
    );
    // Exactly the paths whose independent placements ran out in the last year: spend there is
    // 60,000 × independent + 30,000 × special with 420 plans in all, so independent plans =
    // (spend − 420 × 30,000) / 30,000, and a capped path has none left.
    let p = one.paths.as_ref().unwrap();
    let ran_out = (0..n)
        .filter(|i| (p[2][i * 3 + 2] - 420.0 * 30_000.0) / 30_000.0 < 1e-6)
        .count();
    assert_eq!(one.capped_paths, ran_out as u64);
    // Delivery never above 1: 18 × d ≤ 18 < 20, no path is capped.
    let none = simulate(
        &mover(r#"{ distribution = "uniform", min = 0.5, max = 1.0 }"#),
        &o,
    )
    .unwrap();
    assert_eq!(none.capped_paths, 0);
    assert_eq!(none.capped_share(), 0.0);
}

/// A scenario exercising every lever, capacity limits, non-plan spend, other income, payments
/// (one larger than any deficit, so it is capped) and both kinds of write-off, with every kind
/// of shock.
fn everything() -> Scenario {
    Scenario::from_toml_str(
        r#"
[meta]
name = "everything"
base_year = "2024-25"
horizon = 8
[funding]
hnb = 50_000_000
hnb_growth = { "2024-25" = 0.03, "2027-28" = 0.02 }
schools_block = 300_000_000
block_transfer = 0.005
other_income = { "2026-27" = 2_000_000 }
[demand]
growth = { "2024-25" = 0.06, "2027-28" = 0.05 }
base_plans = { mainstream = 900, special = 700, independent = 150, post16 = 200 }
[cost]
inflation = 0.03
unit_cost = { mainstream = 9_000, special = 26_000, independent = 55_000, post16 = 12_000 }
inflation_by_category = { independent = 0.05 }
[cost.non_plan.central]
base = 4_000_000
growth = 0.02
[capacity.special]
places = 800
overflow = "independent"
[deficit]
opening = 30_000_000
payments = { "2025-26" = 5_000_000, "2028-29" = 900_000_000 }
write_offs = [ { year = "2027-28", share = 0.5 }, { year = "2029-30", amount = 3_000_000 } ]
[[mitigations]]
name = "early help"
start = "2025-26"
ramp_years = 2
effect = { reduce_growth = { points = 0.02 } }
[[mitigations]]
name = "bring home"
start = "2024-25"
effect = { move_plans = { from = "independent", to = "special", per_year = 15 } }
[[mitigations]]
name = "cease at 20"
start = "2025-26"
effect = { cease_plans = { per_year = 20, category = "post16" } }
[[mitigations]]
name = "annual reviews"
start = "2025-26"
effect = { cease_plans = { per_year = 10 } }
[[mitigations]]
name = "commissioning"
start = "2025-26"
effect = { unit_cost = { category = "independent", change = -0.05 } }
[[mitigations]]
name = "outreach"
start = "2024-25"
effect = { invest = { amounts = { "2024-25" = 500_000, "2025-26" = 500_000 } } }
[[mitigations]]
name = "transport"
start = "2025-26"
effect = { save = { amounts = { "2025-26" = 300_000, "2026-27" = 600_000 } } }
[uncertainty]
persistence = 0.5
correlation = 0.3
ehcp_growth = { distribution = "normal", sd = 0.04 }
inflation = { distribution = "normal", sd = 0.02 }
hnb_growth = { distribution = "triangular", min = -0.03, mode = 0.0, max = 0.02 }
[uncertainty.inflation_by_category]
independent = { distribution = "uniform", min = -0.02, max = 0.03 }
[uncertainty.delivery]
"early help" = { distribution = "normal", mean = 1.0, sd = 0.5 }
"bring home" = { distribution = "uniform", min = 0.5, max = 2.5 }
"cease at 20" = { distribution = "beta", alpha = 2, beta = 2, min = 0.0, max = 3.0 }
"annual reviews" = { distribution = "normal", mean = 1.0, sd = 0.3 }
"commissioning" = { distribution = "normal", mean = 1.0, sd = 0.5 }
"outreach" = { distribution = "lognormal", mu = 0.0, sigma = 0.3 }
"transport" = { distribution = "uniform", min = 0.0, max = 2.0 }
"#,
    )
    .expect("valid scenario")
}

/// A simulation's own loop works out its shocked rates where it uses them; each kept path
/// must still be that path run alone (which sets every input first), on a scenario whose
/// planned rates change from year to year and between categories, with every kind of shock.
#[test]
fn a_simulations_kept_paths_are_the_paths_run_alone() {
    let s = everything();
    let n = PILOT_PATHS + 40;
    let sum = simulate(&s, &opts(n, 5, true)).unwrap();
    kept_paths_are_paths_run_alone(&Engine::new(&s, 5), &sum, (0..n).step_by(37).chain([n - 1]));
}

#[test]
fn the_fast_kernel_equals_run_on_shocked_models() {
    // The kernel is a lean copy of projection::run; on the same shocked model every summarised
    // line must match run's bit for bit, and its capped flags must match run's shortfalls.
    for s in [everything(), bcp_uncertain()] {
        let engine = Engine::new(&s, 2024);
        let base = engine.model.clone();
        let mut ws = engine.workspace::<1>();
        let h = engine.horizon();
        let (mut moved, mut capped) = (0, 0);
        for i in 0..300 {
            engine.shock(&mut ws, i);
            let m = engine.lane_model(&ws, 0);
            if m.plan_growth != base.plan_growth && m.inflation != base.inflation {
                moved += 1;
            }
            let r = run(&m);
            engine.kernel(&mut ws);
            let totals: Vec<f64> = (0..h).map(|t| r.plans.total(t)).collect();
            let expect = [
                &r.deficit.closing,
                &r.in_year_deficit,
                &r.spend.total,
                &totals,
            ];
            for (l, e) in expect.iter().enumerate() {
                assert_eq!(
                    &ws.out()[l * h..(l + 1) * h],
                    e.as_slice(),
                    "{} {}, path {i}",
                    s.meta.name,
                    LINES[l]
                );
            }
            let mut flags = vec![false; m.mitigations.len()];
            for (k, _, _) in &r.shortfalls {
                flags[*k] = true;
            }
            assert_eq!(ws.capped(), flags.as_slice(), "path {i}");
            capped += usize::from(!r.shortfalls.is_empty());
        }
        // The models really were shocked.
        assert_eq!(moved, 300, "{}", s.meta.name);
        if s.meta.name == "everything" {
            // Large delivery shocks: some paths cap a move, most do not.
            assert!(capped > 0 && capped < 300, "capped {capped}");
        }
    }
}

#[test]
fn paths_side_by_side_equal_paths_one_at_a_time() {
    // A simulation runs LANES paths at once; each lane must give exactly what its path gives
    // alone, its capped flags included, whatever the lane and however full the block.
    for s in [everything(), bcp_uncertain()] {
        let engine = Engine::new(&s, 7);
        let mut one = engine.workspace::<1>();
        let mut lanes = engine.workspace::<LANES>();
        let nm = engine.model.mitigations.len();
        let (mut first, mut checked, mut capped) = (0u64, 0, 0);
        // Blocks of every fill, from a full one down to a single path.
        for n in (1..=LANES).rev().cycle().take(80) {
            engine.paths(&mut lanes, first, n);
            for l in 0..n {
                engine.path(&mut one, first + l as u64);
                assert_eq!(lanes.lane_out(l), one.out(), "path {}", first + l as u64);
                assert_eq!(
                    lanes.lane_capped(l),
                    one.capped(),
                    "path {}",
                    first + l as u64
                );
                assert_eq!(lanes.lane_capped(l).len(), nm);
                capped += usize::from(one.capped().iter().any(|c| *c));
                checked += 1;
            }
            first += n as u64;
        }
        assert!(checked > 150, "{checked}");
        if s.meta.name == "everything" {
            assert!(capped > 0, "some lanes cap a move");
        }
    }
}

#[test]
fn a_workspaces_lane_arrays_start_on_a_cache_line() {
    // Each 16-lane array is two 512-bit vectors: on a 64-byte boundary, no vector load or
    // store of one straddles two cache lines (which made the kernel's time vary by half from
    // one run to the next on an Intel machine). Several workspaces, so a lucky allocation
    // alone cannot pass.
    let engine = Engine::new(&bcp_uncertain(), 1);
    let spaces: Vec<_> = (0..8).map(|_| engine.workspace::<LANES>()).collect();
    for ws in &spaces {
        let at = ws.lanes_out().as_ptr() as usize;
        assert_eq!(at % 64, 0, "lines at {at:#x}");
    }
}

#[test]
fn keep_paths_is_limited_to_a_gigabyte() {
    let s = bcp_uncertain();
    // 4 lines × 8 bytes × 15 years = 480 bytes a path: 2^30 / 480 = 2,236,962 paths.
    assert_eq!(max_kept_paths(15), 2_236_962);
    let e = Simulator::new(&s, opts(2_236_963, 0, true))
        .err()
        .expect("too many kept paths");
    let issues = e.issues();
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].path, "n_paths");
    assert_eq!(issues[0].value.as_deref(), Some("2236963"));
    assert!(
        issues[0].message.contains("2236962"),
        "{}",
        issues[0].message
    );
    assert!(issues[0].message.contains("keep_paths"));
    // The same count without keep_paths is fine (checked, not run).
    assert!(dsg_forecast::simulate::check_options(&opts(2_236_963, 0, false), 15).is_ok());
}

#[test]
fn batch_rows_match_projections_and_threads() {
    let s = Scenario::from_toml_str(&bcp_text()).unwrap();
    let names = names(&["ehcp_growth", "mitigation:Plans cease at 20"]);
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
    assert!(batch_driver_names(&s).contains(&"unit_cost_inflation:independent".to_string()));
    assert!(batch_driver_names(&s).contains(&"mitigation:Plans cease at 20".to_string()));
    assert!(evaluate_batch(&s, &["nope".into()], &[0.0], "closing_deficit").is_err());
}

#[test]
fn batch_rows_side_by_side_equal_each_row_alone() {
    // Rows run several at a time; each must equal the projection of its own model, bit for
    // bit, for a row count that fills some blocks and not the last.
    let s = Scenario::from_toml_str(&bcp_text()).unwrap();
    let names = names(&["ehcp_growth", "mitigation:Plans cease at 20"]);
    let idx = s
        .mitigations
        .iter()
        .position(|m| m.name == "Plans cease at 20")
        .unwrap();
    let rows = 2 * LANES + 3;
    let values: Vec<f64> = (0..rows)
        .flat_map(|i| [0.002 * i as f64 - 0.01, 0.25 * i as f64])
        .collect();
    let closing = evaluate_batch(&s, &names, &values, "closing_deficit").unwrap();
    let peak = evaluate_batch(&s, &names, &values, "peak_deficit").unwrap();
    assert_eq!(closing.len(), rows);
    for i in 0..rows {
        let mut m = Model::new(&s);
        for t in 1..m.horizon {
            m.plan_growth[t] = (m.plan_growth[t] + values[2 * i]).max(-1.0);
        }
        m.mitigations[idx].delivery = values[2 * i + 1];
        let r = run(&m);
        assert_eq!(closing[i], *r.deficit.closing.last().unwrap(), "row {i}");
        let max = r
            .deficit
            .closing
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max);
        assert_eq!(peak[i], max, "row {i}");
    }
}

#[test]
fn batch_reads_the_goal_seek_names_and_the_older_ones_alike() {
    let s = Scenario::from_toml_str(&bcp_text()).unwrap();
    let values = [0.01, 0.02, 0.5];
    let canonical = names(&[
        "unit_cost_inflation",
        "unit_cost_inflation:independent",
        "mitigation:Plans cease at 20",
    ]);
    let older = names(&[
        "inflation",
        "inflation.independent",
        "delivery.Plans cease at 20",
    ]);
    let a = evaluate_batch(&s, &canonical, &values, "closing_deficit").unwrap();
    let b = evaluate_batch(&s, &older, &values, "closing_deficit").unwrap();
    assert_eq!(a, b);
    // Each driver moves the result: 1 point more inflation raises the deficit.
    let base = evaluate_batch(&s, &canonical, &[0.0, 0.0, 1.0], "closing_deficit").unwrap();
    let more = evaluate_batch(&s, &canonical, &[0.01, 0.0, 1.0], "closing_deficit").unwrap();
    assert!(more[0] > base[0]);
    assert_eq!(
        base[0],
        *run(&Model::new(&s)).deficit.closing.last().unwrap()
    );
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

#[test]
fn batch_values_outside_a_valid_scenario_are_named_not_floored() {
    // BCP's EHCP growth is 6.2% then 4.3% after the base year; rates may be −99% to 100%, so
    // a shift may be from −0.99 − 0.043 = −1.033 to 1 − 0.062 = 0.938. A mitigation's size
    // is 0 to 10 × planned.
    let s = Scenario::from_toml_str(&bcp_text()).unwrap();
    let names = names(&["ehcp_growth", "mitigation:Plans cease at 20"]);
    assert!(evaluate_batch(&s, &names, &[0.93, 10.0, -1.03, 0.0], "closing_deficit").is_ok());
    let values = [0.95, 1.0, -1.04, -0.1, 1e300, 10.5];
    let e = evaluate_batch(&s, &names, &values, "closing_deficit").unwrap_err();
    let paths: Vec<String> = e.issues().iter().map(|i| i.path.clone()).collect();
    assert_eq!(
        paths,
        [
            "values[0, 0]",
            "values[1, 0]",
            "values[1, 1]",
            "values[2, 0]",
            "values[2, 1]"
        ]
    );
    let text = e.to_string();
    assert!(text.contains("from -1.0330 to 0.9380"), "{text}");
    assert!(text.contains("is from 0 to 10 × planned"), "{text}");
}

#[test]
fn batch_shifts_that_add_up_are_checked_together() {
    let s = Scenario::from_toml_str(&bcp_text()).unwrap();
    let twice = names(&["ehcp_growth", "ehcp_growth"]);
    let e = evaluate_batch(&s, &twice, &[0.6, 0.6], "closing_deficit").unwrap_err();
    assert!(e.to_string().contains("the same driver as names[0]"), "{e}");
    // BCP's inflation is 2% every year: the common and the category's shift add, up to 0.98.
    let names = names(&["unit_cost_inflation", "unit_cost_inflation:special"]);
    assert!(evaluate_batch(&s, &names, &[0.5, 0.4], "closing_deficit").is_ok());
    let e = evaluate_batch(&s, &names, &[0.5, 0.5], "closing_deficit").unwrap_err();
    let paths: Vec<String> = e.issues().iter().map(|i| i.path.clone()).collect();
    assert_eq!(paths, ["values[0, 1]"], "{e}");
    assert!(e.to_string().contains("the two together here from"), "{e}");
}

/// Driver names as the batch takes them.
fn names(xs: &[&str]) -> Vec<String> {
    xs.iter().map(|x| x.to_string()).collect()
}
