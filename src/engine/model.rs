//! A validated scenario resolved into per-year numeric arrays, ready to project many times
//! (what-ifs, goal seeks and simulations change these arrays, not the scenario text).

use crate::engine::demand::CohortArrays;
use crate::scenario::cohort::DemandKind;
use crate::scenario::schedule::Schedule;
use crate::scenario::validate::override_end_year;
use crate::scenario::year::FinancialYear;
use crate::scenario::{Effect, Scenario};

/// A write-off in year index `t`: a fixed amount (£) or a share of the standing deficit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum WriteOffRule {
    Amount(f64),
    Share(f64),
}

/// A mitigation's effect resolved to category indices.
#[derive(Debug, Clone, PartialEq)]
pub enum Lever {
    ReduceGrowth {
        points: f64,
    },
    MovePlans {
        from: usize,
        to: usize,
        per_year: f64,
    },
    CeasePlans {
        per_year: f64,
        category: Option<usize>,
    },
    UnitCost {
        category: usize,
        change: f64,
    },
    Invest {
        amounts: Vec<f64>,
    },
    Save {
        amounts: Vec<f64>,
    },
    /// Cohort model: a share fewer new plans.
    ReduceNewPlans {
        share: f64,
    },
    /// Cohort model: a further share of the plans at `age` ceasing each year.
    CeaseAtAge {
        age: usize,
        share: f64,
        category: Option<usize>,
    },
}

/// A mitigation ready to run: `phase[t]` is the share of full effect in year `t`
/// (0 before the start, then min(1, k / ramp_years) in its k-th year).
#[derive(Debug, Clone, PartialEq)]
pub struct MitigationModel {
    pub name: String,
    pub phase: Vec<f64>,
    pub lever: Lever,
    /// Multiplier on the planned effect (1 = as planned); goal seeks and simulations vary it.
    pub delivery: f64,
    /// Growth model moves and cessations: plans already moved or ceased before the base year
    /// (the cumulative total starts here; not scaled by delivery).
    pub carried: f64,
}

/// Every input as arrays indexed by year `t` (0 = base year) and category `c`.
///
/// Growth-type arrays hold the rate applied going from year t−1 to year t, so index 0 is
/// unused (kept for alignment).
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub base: FinancialYear,
    pub horizon: usize,
    pub categories: Vec<String>,
    // Funding (£ and fractions).
    pub hnb_base: f64,
    pub hnb_growth: Vec<f64>,
    pub schools_block_base: f64,
    pub schools_block_growth: Vec<f64>,
    pub transfer_share: Vec<f64>,
    pub other_income: Vec<f64>,
    // Demand (plans and fractions).
    pub base_plans: Vec<f64>,
    pub plan_growth: Vec<f64>,
    /// Multiplier on every cohort cessation rate by year (1 = as planned; index 0 unused):
    /// a simulation's cessation shock, `max(0, 1 + s[t])`.
    pub cessation_multiplier: Vec<f64>,
    /// Placement shares, `mix[t * nc + c]`.
    pub mix: Vec<f64>,
    /// Places limit and overflow category index, per category.
    pub capacity: Vec<Option<(Vec<f64>, usize)>>,
    // Cost (£ per plan and fractions).
    pub unit_cost_base: Vec<f64>,
    /// Unit-cost inflation, `inflation[t * nc + c]`.
    pub inflation: Vec<f64>,
    pub non_plan: Vec<(String, f64, Vec<f64>)>,
    // Deficit and financing.
    pub opening: f64,
    pub payments: Vec<f64>,
    pub write_offs: Vec<(usize, WriteOffRule)>,
    pub interest_rate: f64,
    pub reserves: Option<f64>,
    /// Year index whose 31 March is the override end, if inside the projection.
    pub override_end: Option<usize>,
    pub mitigations: Vec<MitigationModel>,
    /// The cohort model's stock and flows by age × category (`None` for the growth model).
    pub cohort: Option<CohortArrays>,
}

impl Model {
    /// Resolve a validated scenario. (An unvalidated one may give meaningless numbers.)
    pub fn new(s: &Scenario) -> Model {
        let base = s.base_year();
        let h = s.horizon();
        let cats = s.categories();
        let nc = cats.len();
        let idx = |id: &str| cats.iter().position(|c| c == id).unwrap_or(0);
        let res = |sch: &Schedule| sch.resolve(base, h);

        let base_plans: Vec<f64> = s.demand.base_plans.values().copied().collect();
        let mix = glide_mix(s, &base_plans, base, h);

        let mut inflation = Vec::with_capacity(h * nc);
        let default_infl = res(&s.cost.inflation);
        let per_cat: Vec<Vec<f64>> = cats
            .iter()
            .map(|c| {
                s.cost
                    .inflation_by_category
                    .get(c)
                    .map_or_else(|| default_infl.clone(), res)
            })
            .collect();
        for t in 0..h {
            inflation.extend(per_cat.iter().map(|v| v[t]));
        }

        let write_offs = s
            .deficit
            .write_offs
            .iter()
            .filter_map(|w| {
                let t = (FinancialYear::parse(&w.year)?.0 - base.0) as usize;
                let rule = match (w.amount, w.share) {
                    (Some(a), _) => WriteOffRule::Amount(a),
                    (None, Some(sh)) => WriteOffRule::Share(sh),
                    _ => return None,
                };
                Some((t, rule))
            })
            .collect();

        let override_end = override_end_year(&s.financing.override_end)
            .map(|y| y.0 - base.0)
            .filter(|t| (0..h as i32).contains(t))
            .map(|t| t as usize);

        let mitigations = s
            .mitigations
            .iter()
            .map(|m| {
                let start = FinancialYear::parse(&m.start).map_or(0, |y| y.0 - base.0);
                let ramp = m.ramp_years.max(1) as f64;
                let phase = (0..h as i32)
                    .map(|t| {
                        if t < start {
                            0.0
                        } else {
                            ((t - start + 1) as f64 / ramp).min(1.0)
                        }
                    })
                    .collect();
                let lever = match &m.effect {
                    Effect::ReduceGrowth { points } => Lever::ReduceGrowth { points: *points },
                    Effect::MovePlans { from, to, per_year } => Lever::MovePlans {
                        from: idx(from),
                        to: idx(to),
                        per_year: *per_year,
                    },
                    Effect::CeasePlans { per_year, category } => Lever::CeasePlans {
                        per_year: *per_year,
                        category: category.as_deref().map(idx),
                    },
                    Effect::UnitCost { category, change } => Lever::UnitCost {
                        category: idx(category),
                        change: *change,
                    },
                    Effect::Invest { amounts } => Lever::Invest {
                        amounts: amounts.resolve(base, h),
                    },
                    Effect::Save { amounts } => Lever::Save {
                        amounts: amounts.resolve(base, h),
                    },
                    Effect::ReduceNewPlans { share } => Lever::ReduceNewPlans { share: *share },
                    Effect::CeaseAtAge {
                        age,
                        share,
                        category,
                    } => Lever::CeaseAtAge {
                        age: (*age).max(0) as usize,
                        share: *share,
                        category: category.as_deref().map(idx),
                    },
                };
                MitigationModel {
                    name: m.name.clone(),
                    phase,
                    lever,
                    delivery: 1.0,
                    carried: m.carried,
                }
            })
            .collect();

        Model {
            base,
            horizon: h,
            hnb_base: s.funding.hnb,
            hnb_growth: res(&s.funding.hnb_growth),
            schools_block_base: s.funding.schools_block,
            schools_block_growth: res(&s.funding.schools_block_growth),
            transfer_share: res(&s.funding.block_transfer),
            other_income: s.funding.other_income.resolve(base, h),
            base_plans,
            plan_growth: res(&s.demand.growth),
            cessation_multiplier: vec![1.0; h],
            mix,
            capacity: cats
                .iter()
                .map(|c| {
                    s.capacity
                        .get(c)
                        .map(|cap| (res(&cap.places), idx(&cap.overflow)))
                })
                .collect(),
            unit_cost_base: cats
                .iter()
                .map(|c| s.cost.unit_cost.get(c).copied().unwrap_or(0.0))
                .collect(),
            inflation,
            non_plan: s
                .cost
                .non_plan
                .iter()
                .map(|(n, l)| (n.clone(), l.base, res(&l.growth)))
                .collect(),
            opening: s.deficit.opening,
            payments: s.deficit.payments.resolve(base, h),
            write_offs,
            interest_rate: s.financing.interest_rate,
            reserves: s.financing.reserves,
            override_end,
            mitigations,
            cohort: s
                .demand
                .cohort
                .as_ref()
                .filter(|_| s.demand.model == DemandKind::Cohort)
                .map(|c| CohortArrays::new(c, &cats)),
            categories: cats,
        }
    }

    /// Number of placement categories.
    pub fn n_categories(&self) -> usize {
        self.categories.len()
    }

    /// Year labels, e.g. "2024-25".
    pub fn year_labels(&self) -> Vec<String> {
        (0..self.horizon as i32)
            .map(|t| self.base.plus(t).label())
            .collect()
    }
}

/// Placement shares per year: the base-year mix, then straight lines to each target year,
/// constant after the last target. `out[t * nc + c]`.
fn glide_mix(s: &Scenario, base_plans: &[f64], base: FinancialYear, h: usize) -> Vec<f64> {
    let total: f64 = base_plans.iter().sum();
    let start: Vec<f64> = base_plans
        .iter()
        .map(|p| if total > 0.0 { p / total } else { 0.0 })
        .collect();
    let mut knots: Vec<(usize, Vec<f64>)> = vec![(0, start)];
    for m in &s.demand.mix {
        if let Some(y) = FinancialYear::parse(&m.year) {
            let shares = s
                .demand
                .base_plans
                .keys()
                .map(|c| m.shares.get(c).copied().unwrap_or(0.0))
                .collect();
            knots.push(((y.0 - base.0).max(0) as usize, shares));
        }
    }
    let nc = base_plans.len();
    let mut out = Vec::with_capacity(h * nc);
    for t in 0..h {
        let k = knots.iter().rposition(|(kt, _)| *kt <= t).unwrap_or(0);
        match knots.get(k + 1) {
            Some((t1, s1)) => {
                let (t0, s0) = &knots[k];
                let w = (t - t0) as f64 / (t1 - t0) as f64;
                out.extend(s0.iter().zip(s1).map(|(a, b)| a + (b - a) * w));
            }
            None => out.extend_from_slice(&knots[k].1),
        }
    }
    out
}
