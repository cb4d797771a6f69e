//! Monte Carlo with the cohort demand model: the fast kernel equals the deterministic engine
//! on shocked models, every lane equals its path run alone, and results are bit-identical on
//! any thread count.

use dsg_forecast::simulate::{Engine, LANES, LINES, Options, Summary, simulate};
use dsg_forecast::{Scenario, run};

/// The hand-worked cohort with mitigations on flows and every kind of shock that acts on it.
fn cohort_uncertain() -> Scenario {
    cohort_uncertain_with("", "")
}

/// Cessations in proportion (from every cell, and from one category), with uncertain
/// delivery: the first scales every plan by one factor a lane.
const PROPORTION: (&str, &str) = (
    r#"
[[mitigations]]
name = "cease in proportion"
start = "2025-26"
effect = { cease_plans = { per_year = 2 } }

[[mitigations]]
name = "cease from b"
start = "2026-27"
effect = { cease_plans = { per_year = 1, category = "b" } }
"#,
    r#"
"cease in proportion" = { distribution = "uniform", min = 0.0, max = 3.0 }
"cease from b" = { distribution = "uniform", min = 0.0, max = 2.0 }
"#,
);

/// The uncertain hand-worked cohort with `mitigations` added and `delivery` lines added to
/// its `[uncertainty.delivery]` table.
fn cohort_uncertain_with(mitigations: &str, delivery: &str) -> Scenario {
    let text = include_str!("data/cohort_hand.toml").to_string()
        + r#"
[capacity.b]
places = 12
overflow = "a"

[[mitigations]]
name = "early help"
start = "2025-26"
ramp_years = 2
effect = { reduce_new_plans = { share = 0.2 } }

[[mitigations]]
name = "cease at 2"
start = "2025-26"
effect = { cease_at_age = { age = 2, share = 0.3 } }

[[mitigations]]
name = "move"
start = "2025-26"
effect = { move_plans = { from = "a", to = "b", per_year = 3 } }
"# + mitigations
        + r#"
[uncertainty]
persistence = 0.5
ehcp_growth = { distribution = "normal", sd = 0.2 }
inflation = { distribution = "normal", sd = 0.02 }
hnb_growth = { distribution = "uniform", min = -0.01, max = 0.01 }
cessation = { distribution = "normal", sd = 0.3 }
[uncertainty.delivery]
"early help" = { distribution = "uniform", min = 0.0, max = 2.0 }
"move" = { distribution = "uniform", min = 0.0, max = 6.0 }
"# + delivery;
    Scenario::from_toml_str(&text)
        .and_then(dsg_forecast::runnable)
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The uncertain hand-worked cohort, without and with the cessations in proportion.
fn both_cohorts() -> [Scenario; 2] {
    [
        cohort_uncertain(),
        cohort_uncertain_with(PROPORTION.0, PROPORTION.1),
    ]
}

#[test]
fn the_fast_kernel_equals_run_on_shocked_cohort_models() {
    both_cohorts().iter().for_each(kernel_equals_run);
}

fn kernel_equals_run(s: &Scenario) {
    let engine = Engine::new(s, 11);
    let base = engine.model.clone();
    let mut ws = engine.workspace::<1>();
    let h = engine.horizon();
    let (mut moved, mut capped) = (0, 0);
    for i in 0..300 {
        engine.shock(&mut ws, i);
        let m = engine.lane_model(&ws, 0);
        moved += usize::from(
            m.plan_growth != base.plan_growth
                && m.cessation_multiplier != base.cessation_multiplier
                && m.cessation_multiplier[1..].iter().all(|x| *x >= 0.0),
        );
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
                "{}, path {i}",
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
    assert_eq!(moved, 300);
    assert!(capped > 0 && capped < 300, "capped {capped}");
}

#[test]
fn cohort_lanes_equal_paths_one_at_a_time() {
    both_cohorts().iter().for_each(lanes_equal_paths);
}

fn lanes_equal_paths(s: &Scenario) {
    let engine = Engine::new(s, 5);
    let mut one = engine.workspace::<1>();
    let mut lanes = engine.workspace::<LANES>();
    let mut first = 0u64;
    for n in (1..=LANES).rev().cycle().take(40) {
        engine.paths(&mut lanes, first, n);
        for l in 0..n {
            engine.path(&mut one, first + l as u64);
            assert_eq!(lanes.lane_out(l), one.out(), "path {}", first + l as u64);
            assert_eq!(lanes.lane_capped(l), one.capped());
        }
        first += n as u64;
    }
}

fn in_pool(threads: usize, s: &Scenario, o: &Options) -> Summary {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(|| simulate(s, o).unwrap())
}

#[test]
fn cohort_simulation_is_bit_identical_on_one_and_two_threads() {
    let p = cohort_uncertain_with(PROPORTION.0, PROPORTION.1);
    let o = Options {
        n_paths: 3_000,
        seed: 9,
        ..Options::default()
    };
    assert_eq!(
        in_pool(1, &p, &o).quantile_values,
        in_pool(2, &p, &o).quantile_values
    );
    let s = cohort_uncertain();
    let o = Options {
        n_paths: 3_000,
        seed: 9,
        ..Options::default()
    };
    let (a, b) = (in_pool(1, &s, &o), in_pool(2, &s, &o));
    assert_eq!(a.quantile_values, b.quantile_values);
    assert_eq!(a.mean, b.mean);
    assert_eq!(a.min, b.min);
    assert_eq!(a.max, b.max);
    // Shocks to new-plan growth really move plans: the EHCP fan has width.
    let ehcps = LINES.iter().position(|l| *l == "ehcps").unwrap();
    // quantile_values is [line][quantile][year]: the last year's lowest and highest quantiles.
    let (h, nq) = (s.horizon(), a.quantiles.len());
    let at = |q: usize| a.quantile_values[(ehcps * nq + q) * h + h - 1];
    let spread = at(nq - 1) - at(0);
    assert!(spread > 1.0, "spread {spread}");
}

#[test]
fn cessation_shocks_move_plans_and_are_checked() {
    // The same plan with and without the cessation shock, same seed: the shock widens the
    // spread of plans (every other draw is the same, the cessation draw comes last each year).
    let s = cohort_uncertain();
    let o = Options {
        n_paths: 4_000,
        seed: 3,
        ..Options::default()
    };
    let mut without = s.clone();
    without.uncertainty.as_mut().unwrap().cessation = None;
    let (a, b) = (simulate(&s, &o).unwrap(), simulate(&without, &o).unwrap());
    let ehcps = LINES.iter().position(|l| *l == "ehcps").unwrap();
    let (h, nq) = (s.horizon(), a.quantiles.len());
    let spread = |x: &Summary| {
        let at = |q: usize| x.quantile_values[(ehcps * nq + q) * h + h - 1];
        at(nq - 1) - at(0)
    };
    assert!(spread(&a) > spread(&b), "{} <= {}", spread(&a), spread(&b));
    // On the growth model it is an error naming the field; a percentage typed as 30 too.
    let growth = "[meta]\nname = \"g\"\nbase_year = \"2024-25\"\nhorizon = 3\n[funding]\nhnb = 2e6\n[demand]\ngrowth = 0.05\nbase_plans = { a = 10 }\n[cost]\nunit_cost = { a = 1e4 }\ninflation = 0.0\n[uncertainty]\ncessation = { distribution = \"normal\", sd = 0.1 }\n";
    let e = Scenario::from_toml_str(growth).unwrap_err();
    assert_eq!(e.issues()[0].path, "uncertainty.cessation", "{e}");
    let mut big = s.clone();
    big.uncertainty.as_mut().unwrap().cessation =
        Some(dsg_forecast::scenario::uncertainty::Dist::Normal {
            mean: 0.0,
            sd: 30.0,
        });
    let e = big.validated().unwrap_err();
    assert!(e.to_string().contains("uncertainty.cessation.sd"), "{e}");
}

#[test]
fn cessation_rates_shocked_above_one_cease_every_plan_there() {
    // The hand-worked cohort with a rate of 0.8 at age 2 and no `cease_at_age`: a cessation
    // shock that lifts the multiplier above 1.25 makes rate × multiplier above 1, and
    // q = min(1, rate × multiplier) ceases every plan at age 2, so none are left to age out.
    // Below that, some plans age out. Lanes mix paths on both sides (each lane equals the
    // path alone).
    let s = Scenario::from_toml_str(
        &(include_str!("data/cohort_hand.toml")
            .replace("cessation = [0.0, 0.1, 0.5]", "cessation = [0.0, 0.1, 0.8]")
            + "[uncertainty]\ncessation = { distribution = \"uniform\", min = -0.5, max = 0.5 }\n"),
    )
    .and_then(dsg_forecast::runnable)
    .unwrap_or_else(|e| panic!("{e}"));
    let engine = Engine::new(&s, 2);
    let mut ws = engine.workspace::<1>();
    let (mut above, mut below) = (0, 0);
    for i in 0..200 {
        engine.shock(&mut ws, i);
        let m = engine.lane_model(&ws, 0);
        let r = run(&m);
        let flows = r.plans.flows.as_ref().expect("cohort flows");
        for t in 1..engine.horizon() {
            if 0.8 * m.cessation_multiplier[t] > 1.0 {
                above += 1;
                assert_eq!(flows.aged_out[t], 0.0, "path {i}, year {t}");
            } else {
                below += 1;
                assert!(flows.aged_out[t] > 0.0, "path {i}, year {t}");
            }
        }
    }
    assert!(above > 20 && below > 20, "{above} above, {below} below");
    lanes_equal_paths(&s);
}

#[test]
fn each_lane_of_the_cohort_step_has_its_own_flows() {
    // Sixteen lanes stepped together, each with its own new-plan growth, cessation multiplier
    // and deliveries, give every lane the plans by category and the flows (new, ceased, aged
    // out, net other change) of the same step run on that lane's inputs alone, bit for bit.
    // In even years no multiplier takes a rate above 1, in odd years some do (both kinds of
    // cessation pass); the three scenarios add a `cease_at_age` mitigation, then cessations
    // in proportion.
    use dsg_forecast::Model;
    use dsg_forecast::engine::demand::{CohortLevers, CohortState};
    let plain = Scenario::from_toml_str(include_str!("data/cohort_hand.toml"))
        .and_then(dsg_forecast::runnable)
        .unwrap_or_else(|e| panic!("{e}"));
    let [mitigated, proportion] = both_cohorts();
    let (mut aged, mut ceased) = (0.0, 0.0);
    for (name, s) in [
        ("no mitigations", plain),
        ("cease at age", mitigated),
        ("in proportion", proportion),
    ] {
        let m = Model::new(&s);
        let levers = CohortLevers::new(&m);
        let (nc, nm) = (m.n_categories(), m.mitigations.len());
        let growth = |l: usize, t: usize| 0.03 * (l as f64 - 7.0) + 0.01 * t as f64;
        // The largest rate is 0.5: multipliers up to 2.0 in even years, 3.5 in odd ones.
        let mult = |l: usize, t: usize| 0.5 + (0.1 + 0.1 * (t % 2) as f64) * l as f64;
        let delivery = |i: usize, l: usize| 0.25 * ((i + l) % 5) as f64;
        let all: Vec<[f64; LANES]> = (0..nm)
            .map(|i| std::array::from_fn(|l| delivery(i, l)))
            .collect();
        let mut lanes = CohortState::<LANES>::default();
        levers.start(&m, &mut lanes);
        let mut alone: Vec<CohortState<1>> = (0..LANES).map(|_| CohortState::default()).collect();
        alone.iter_mut().for_each(|a| levers.start(&m, a));
        let mut row = vec![[0.0; LANES]; nc];
        for t in 0..m.horizon {
            let g = std::array::from_fn(|l| growth(l, t));
            let c = std::array::from_fn(|l| mult(l, t));
            levers.step(&m, t, g, c, &all, &mut lanes, &mut row, |_, _, _| {});
            for (l, one) in alone.iter_mut().enumerate() {
                let mut row1 = vec![[0.0; 1]; nc];
                let d: Vec<[f64; 1]> = (0..nm).map(|i| [delivery(i, l)]).collect();
                let (g, c) = ([growth(l, t)], [mult(l, t)]);
                levers.step(&m, t, g, c, &d, one, &mut row1, |_, _, _| {});
                let at = format!("{name}, year {t}, lane {l}");
                for (k, r) in row1.iter().enumerate() {
                    assert_eq!(row[k][l], r[0], "plans in category {k}, {at}");
                }
                assert_eq!(lanes.new[l], one.new[0], "new plans, {at}");
                assert_eq!(lanes.ceased[l], one.ceased[0], "ceased plans, {at}");
                assert_eq!(lanes.aged_out[l], one.aged_out[0], "aged out, {at}");
                assert_eq!(lanes.net_other[l], one.net_other[0], "net other, {at}");
                aged += one.aged_out[0];
                ceased += one.ceased[0];
            }
        }
    }
    assert!(
        aged > 0.0 && ceased > 0.0,
        "aged out {aged}, ceased {ceased}"
    );
}
