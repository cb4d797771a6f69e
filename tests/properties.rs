//! Properties that hold for every scenario, checked on randomly generated ones (proptest):
//! the corkscrew identity, monotonicity in funding, scaling of money, and a flat steady state.

use approx::relative_eq;
use dsg_forecast::{Projection, Scenario, project};
use proptest::prelude::*;

/// Inputs of a generated three-category scenario ("a", "b", "c"). Money in £.
#[derive(Debug, Clone)]
struct Params {
    horizon: usize,
    hnb: f64,
    hnb_growth: f64,
    schools_block: f64,
    transfer: f64,
    other_income: (usize, f64),
    opening: f64,
    payment: (usize, f64),
    write_off_share: (usize, f64),
    write_off_amount: (usize, f64),
    plans: [f64; 3],
    growth: f64,
    unit_cost: [f64; 3],
    inflation: f64,
    non_plan: (f64, f64),
    places_b: f64,
    reduce_points: f64,
    move_a_to_b: f64,
    cease: f64,
    cost_change_c: f64,
    invest: (usize, f64),
    save: (usize, f64),
    interest: f64,
    reserves: f64,
}

fn year(base: i32, t: usize) -> String {
    let y = base + t as i32;
    format!("{y}-{:02}", (y + 1) % 100)
}

impl Params {
    /// TOML text with every money input multiplied by `k` (plans, rates and shares unchanged).
    fn toml(&self, k: f64) -> String {
        let h = self.horizon;
        let y = |t: usize| year(2024, t.min(h - 1));
        let [pa, pb, pc] = self.plans;
        let [ua, ub, uc] = self.unit_cost;
        format!(
            r#"
[meta]
name = "generated"
base_year = "2024-25"
horizon = {h}

[funding]
hnb = {hnb}
hnb_growth = {hg}
schools_block = {sb}
schools_block_growth = 0.02
block_transfer = {tr}
other_income = {{ "{oy}" = {oa} }}

[deficit]
opening = {op}
payments = {{ "{py}" = {pa_} }}
write_offs = [
  {{ year = "{wsy}", share = {ws} }},
  {{ year = "{way}", amount = {wa} }},
]

[demand]
growth = {g}
base_plans = {{ a = {pa}, b = {pb}, c = {pc} }}

[capacity.b]
places = {places}
overflow = "c"

[cost]
unit_cost = {{ a = {ua}, b = {ub}, c = {uc} }}
inflation = {inf}
non_plan = {{ central = {{ base = {npb}, growth = {npg} }} }}

[[mitigations]]
name = "slower growth"
start = "{y1}"
ramp_years = 2
effect = {{ reduce_growth = {{ points = {rp} }} }}

[[mitigations]]
name = "move"
start = "{y1}"
effect = {{ move_plans = {{ from = "a", to = "b", per_year = {mv} }} }}

[[mitigations]]
name = "cease"
start = "{y0}"
effect = {{ cease_plans = {{ per_year = {cs} }} }}

[[mitigations]]
name = "cheaper c"
start = "{y1}"
ramp_years = 3
effect = {{ unit_cost = {{ category = "c", change = {cc} }} }}

[[mitigations]]
name = "invest"
start = "{y0}"
effect = {{ invest = {{ amounts = {{ "{iy}" = {ia} }} }} }}

[[mitigations]]
name = "save"
start = "{y0}"
effect = {{ save = {{ amounts = {{ "{sy}" = {sa} }} }} }}

[financing]
interest_rate = {ir}
reserves = {res}
"#,
            hnb = self.hnb * k,
            hg = self.hnb_growth,
            sb = self.schools_block * k,
            tr = self.transfer,
            oy = y(self.other_income.0),
            oa = self.other_income.1 * k,
            op = self.opening * k,
            py = y(self.payment.0),
            pa_ = self.payment.1 * k,
            wsy = y(self.write_off_share.0),
            ws = self.write_off_share.1,
            way = y(self.write_off_amount.0),
            wa = self.write_off_amount.1 * k,
            g = self.growth,
            places = self.places_b,
            ua = ua * k,
            ub = ub * k,
            uc = uc * k,
            inf = self.inflation,
            npb = self.non_plan.0 * k,
            npg = self.non_plan.1,
            y0 = y(0),
            y1 = y(1),
            rp = self.reduce_points,
            mv = self.move_a_to_b,
            cs = self.cease,
            cc = self.cost_change_c,
            iy = y(self.invest.0),
            ia = self.invest.1 * k,
            sy = y(self.save.0),
            sa = self.save.1 * k,
            ir = self.interest,
            res = self.reserves * k,
        )
    }

    fn scenario(&self, k: f64) -> Result<Scenario, String> {
        Scenario::from_toml_str(&self.toml(k)).map_err(|e| e.to_string())
    }
}

prop_compose! {
    fn funding()(
        horizon in 2usize..=12,
        hnb in 1.0e6..1.0e8f64,
        hnb_growth in -0.05..0.15f64,
        schools_block in 1.0e7..5.0e8f64,
        transfer in 0.0..0.02f64,
        other_income in (0usize..12, 0.0..5.0e6f64),
        opening in -1.0e7..2.0e8f64,
        payment in (0usize..12, 0.0..2.0e7f64),
        write_off_share in (0usize..12, 0.0..1.0f64),
        write_off_amount in (0usize..12, 0.0..2.0e7f64),
        interest in 0.0..0.08f64,
        reserves in 0.0..3.0e8f64,
    ) -> (usize, f64, f64, f64, f64, (usize, f64), f64, (usize, f64), (usize, f64), (usize, f64), f64, f64) {
        (horizon, hnb, hnb_growth, schools_block, transfer, other_income, opening, payment,
         write_off_share, write_off_amount, interest, reserves)
    }
}

prop_compose! {
    fn params()(
        f in funding(),
        plans in [500.0..3000.0f64, 0.0..1000.0f64, 0.0..1000.0f64],
        growth in -0.05..0.2f64,
        unit_cost in [1.0e3..8.0e4f64, 1.0e3..8.0e4f64, 1.0e3..8.0e4f64],
        inflation in -0.01..0.08f64,
        non_plan in (0.0..1.0e7f64, 0.0..0.1f64),
        places_b in 0.0..1500.0f64,
        reduce_points in 0.0..0.05f64,
        move_a_to_b in 0.0..5.0f64,
        cease in 0.0..10.0f64,
        cost_change_c in -0.2..0.2f64,
        invest in (0usize..12, 0.0..5.0e6f64),
        save in (0usize..12, 0.0..5.0e6f64),
    ) -> Params {
        let (horizon, hnb, hnb_growth, schools_block, transfer, other_income, opening, payment,
             write_off_share, write_off_amount, interest, reserves) = f;
        Params {
            horizon, hnb, hnb_growth, schools_block, transfer, other_income, opening, payment,
            write_off_share, write_off_amount, plans, growth, unit_cost, inflation, non_plan,
            places_b, reduce_points, move_a_to_b, cease, cost_change_c, invest, save, interest,
            reserves,
        }
    }
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 96,
        ..ProptestConfig::default()
    }
}

fn line<'a>(p: &'a Projection, name: &str) -> &'a [f64] {
    p.get(name)
        .unwrap_or_else(|| panic!("projection has no line {name}"))
}

/// `a ≈ b` relative to the size of the money involved (`scale`, £).
fn close(a: f64, b: f64, scale: f64) -> bool {
    (a - b).abs() <= 1e-9 * scale.abs().max(1.0)
}

fn check_corkscrew(p: &Projection) -> Result<(), TestCaseError> {
    let (open, iy, pay, wo, close_) = (
        line(p, "opening_deficit"),
        line(p, "in_year_deficit"),
        line(p, "payments"),
        line(p, "write_offs"),
        line(p, "closing_deficit"),
    );
    let red = line(p, "deficit_reductions");
    for t in 0..p.years.len() {
        let scale = open[t].abs() + iy[t].abs() + pay[t] + wo[t];
        let expected = open[t] + iy[t] - pay[t] - wo[t];
        prop_assert!(
            close(close_[t], expected, scale),
            "{}: closing {} != opening {} + in-year {} - payments {} - write-offs {}",
            p.years[t],
            close_[t],
            open[t],
            iy[t],
            pay[t],
            wo[t]
        );
        prop_assert!(close(red[t], pay[t] + wo[t], scale));
        if t + 1 < p.years.len() {
            prop_assert_eq!(open[t + 1], close_[t], "next opening = this closing");
        }
    }
    Ok(())
}

fn check_totals(p: &Projection) -> Result<(), TestCaseError> {
    let sum_prefix = |prefix: &str, t: usize| -> f64 {
        p.lines
            .iter()
            .filter(|l| l.name.starts_with(prefix))
            .map(|l| l.values[t])
            .sum()
    };
    let (inc, exp, iy) = (
        line(p, "total_income"),
        line(p, "total_expenditure"),
        line(p, "in_year_deficit"),
    );
    for t in 0..p.years.len() {
        let income =
            line(p, "hnb_funding")[t] + line(p, "block_transfer")[t] + line(p, "other_income")[t];
        prop_assert!(close(inc[t], income, income));
        let spend =
            sum_prefix("spend.", t) + sum_prefix("non_plan.", t) + line(p, "mitigation_costs")[t]
                - line(p, "mitigation_savings")[t];
        prop_assert!(close(exp[t], spend, spend.abs() + exp[t].abs()));
        prop_assert!(close(iy[t], exp[t] - inc[t], exp[t].abs() + inc[t].abs()));
        let plans = sum_prefix("ehcps.", t);
        prop_assert!(close(line(p, "ehcps")[t], plans, plans));
        for l in p.lines.iter().filter(|l| l.name.starts_with("ehcps")) {
            prop_assert!(
                l.values[t] >= -1e-9,
                "{} negative in {}",
                l.name,
                p.years[t]
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn corkscrew_holds_every_year(p in params()) {
        let s = p.scenario(1.0);
        prop_assume!(s.is_ok(), "{:?}", s.err());
        let proj = project(&s.unwrap());
        check_corkscrew(&proj)?;
        check_totals(&proj)?;
        let u = proj.unmitigated.as_deref().expect("has mitigations");
        check_corkscrew(u)?;
        check_totals(u)?;
    }

    #[test]
    fn more_hnb_growth_never_raises_the_deficit(p in params(), extra in 0.0..0.05f64) {
        let s = p.scenario(1.0);
        prop_assume!(s.is_ok());
        let base = project(&s.unwrap());
        let more = Params { hnb_growth: p.hnb_growth + extra, ..p.clone() };
        let higher = project(&more.scenario(1.0).unwrap());
        let (b, h) = (line(&base, "closing_deficit"), line(&higher, "closing_deficit"));
        for t in 0..b.len() {
            prop_assert!(h[t] <= b[t] + 1e-6, "{}: {} > {}", base.years[t], h[t], b[t]);
        }
    }

    #[test]
    fn a_bigger_block_transfer_never_raises_the_deficit(p in params(), extra in 0.0..0.02f64) {
        let s = p.scenario(1.0);
        prop_assume!(s.is_ok());
        let base = project(&s.unwrap());
        let more = Params { transfer: (p.transfer + extra).min(0.02), ..p.clone() };
        let bigger = project(&more.scenario(1.0).unwrap());
        let (b, h) = (line(&base, "closing_deficit"), line(&bigger, "closing_deficit"));
        for t in 0..b.len() {
            prop_assert!(h[t] <= b[t] + 1e-6, "{}: {} > {}", base.years[t], h[t], b[t]);
        }
    }

    #[test]
    fn doubling_every_money_input_doubles_every_money_output(p in params()) {
        let s1 = p.scenario(1.0);
        prop_assume!(s1.is_ok());
        let one = project(&s1.unwrap());
        let two = project(&p.scenario(2.0).unwrap());
        prop_assert_eq!(one.lines.len(), two.lines.len());
        for (a, b) in one.lines.iter().zip(&two.lines) {
            prop_assert_eq!(&a.name, &b.name);
            let k = if a.unit == "plans" { 1.0 } else { 2.0 };
            for t in 0..a.values.len() {
                prop_assert!(
                    relative_eq!(b.values[t], k * a.values[t], max_relative = 1e-12, epsilon = 1e-6),
                    "{}[{}]: {} vs {} × {}", a.name, one.years[t], b.values[t], k, a.values[t]
                );
            }
        }
        let (m1, m2) = (&one.metrics, &two.metrics);
        prop_assert_eq!(&m1.first_balanced_year, &m2.first_balanced_year);
        prop_assert_eq!(&m1.peak_deficit_year, &m2.peak_deficit_year);
        prop_assert_eq!(&m1.reserves_exceeded_year, &m2.reserves_exceeded_year);
        prop_assert!(relative_eq!(m2.peak_deficit, 2.0 * m1.peak_deficit, max_relative = 1e-12));
        prop_assert!(relative_eq!(m2.closing_deficit, 2.0 * m1.closing_deficit, max_relative = 1e-12));
        prop_assert!(relative_eq!(
            m2.total_financing_cost, 2.0 * m1.total_financing_cost, max_relative = 1e-12
        ));
    }

    #[test]
    fn zero_growth_with_income_equal_to_spend_stays_flat(
        horizon in 1i64..=20,
        plans in [0u32..2000, 0u32..2000, 1u32..2000],
        unit_cost in [1000u32..80_000, 1000u32..80_000, 1000u32..80_000],
        non_plan in 0u32..5_000_000,
        opening in -5.0e7..2.0e8f64,
        interest in 0.0..0.08f64,
    ) {
        // Income = Σ plans × unit cost + non-plan spend, with no growth anywhere.
        let spend: f64 = (0..3).map(|c| plans[c] as f64 * unit_cost[c] as f64).sum::<f64>()
            + non_plan as f64;
        let text = format!(
            r#"
[meta]
name = "flat"
base_year = "2024-25"
horizon = {horizon}
[funding]
hnb = {spend}
hnb_growth = 0.0
[deficit]
opening = {opening}
[demand]
growth = 0.0
base_plans = {{ a = {}, b = {}, c = {} }}
[cost]
unit_cost = {{ a = {}, b = {}, c = {} }}
inflation = 0.0
non_plan = {{ central = {{ base = {non_plan}, growth = 0.0 }} }}
[financing]
interest_rate = {interest}
"#,
            plans[0], plans[1], plans[2], unit_cost[0], unit_cost[1], unit_cost[2]
        );
        let s = Scenario::from_toml_str(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let p = project(&s);
        let scale = spend + opening.abs();
        for t in 0..p.years.len() {
            prop_assert!(close(line(&p, "in_year_deficit")[t], 0.0, scale));
            prop_assert!(close(line(&p, "closing_deficit")[t], opening, scale));
            prop_assert!(close(line(&p, "ehcps")[t], (plans.iter().sum::<u32>()) as f64, 1.0));
            // Financing on a flat deficit: the same each year.
            let expect = interest * opening.max(0.0);
            prop_assert!(close(line(&p, "financing_cost")[t], expect, scale));
        }
    }
}

proptest! {
    #![proptest_config(config())]

    /// Saving to JSON or TOML and reading back gives the same scenario, bit for bit, for any
    /// finite values (including awkward ones such as 1.946938378244596e-270).
    #[test]
    fn any_scenario_round_trips_exactly(p in params(), opening in proptest::num::f64::NORMAL) {
        let s = p.scenario(1.0);
        prop_assume!(s.is_ok());
        let mut s = s.unwrap();
        // Awkward bits within the ±£1 trillion a scenario accepts (fmod keeps them awkward).
        s.deficit.opening = if opening.abs() <= 1e12 { opening } else { opening % 1e12 };
        let json = Scenario::from_json_str(&s.to_json_string())
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&json, &s);
        let toml = Scenario::from_toml_str(&s.to_toml_string())
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&toml, &s);
    }
}
