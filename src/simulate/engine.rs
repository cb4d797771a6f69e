//! A scenario compiled for simulation ([`Engine`]) and a worker's scratch space
//! ([`Workspace`]).
//!
//! **Lanes.** A workspace holds `L` paths side by side: every number that differs between
//! paths (EHCP growth, HNB growth and inflation by year, each mitigation's delivery) is an
//! `[f64; L]`, one path per lane, and [`Engine::kernel`] runs all lanes at once. Each lane gets
//! exactly the operations one path alone would, in the same order, so a path's results do not
//! depend on `L` or on its lane; the compiler turns the lane loops into vector instructions.
//! Simulations use [`LANES`]; single paths, goal seeks and batch rows use one lane.

use super::N_LINES;
use super::kernel::{Scratch, SpendLevers};
use super::shocks::{ShockLanes, Shocks};
use crate::engine::demand::{CohortLevers, DemandLevers};
use crate::engine::lanes::LaneVec;
use crate::engine::model::Model;
use crate::scenario::Scenario;

/// Paths a simulation worker runs side by side.
pub const LANES: usize = 16;

/// A scenario ready to simulate: the deterministic model, its compiled shocks and levers,
/// and the income and spend that no shock touches.
#[derive(Debug, Clone)]
pub struct Engine {
    /// The deterministic model every path starts from.
    pub model: Model,
    pub(super) shocks: Shocks,
    /// The seed, mixed ([`super::rng::seed_key`]): with a path number it keys that path's
    /// stream.
    key: u64,
    /// Block transfer (£) by year.
    pub(super) block_transfer: Vec<f64>,
    /// Σ non-plan spend lines (£) by year.
    pub(super) non_plan_total: Vec<f64>,
    pub(super) demand: DemandLevers,
    /// The cohort model's levers, when the scenario uses it (then `demand` is unused).
    pub(super) cohort: Option<CohortLevers>,
    pub(super) spend: SpendLevers,
}

/// The inputs that differ between paths, per lane. Rates are fractions (0.03 = 3%).
#[derive(Debug, Clone)]
pub(super) struct LaneInputs<const L: usize> {
    /// EHCP growth into year `t` (index 0 unused).
    pub(super) growth: LaneVec<[f64; L]>,
    /// HNB growth into year `t` (index 0 unused).
    pub(super) hnb_growth: LaneVec<[f64; L]>,
    /// Unit-cost inflation into year `t`, `inflation[t × nc + c]` (year 0 unused).
    pub(super) inflation: LaneVec<[f64; L]>,
    /// Delivery multiplier per mitigation (1 = as planned).
    pub(super) delivery: LaneVec<[f64; L]>,
    /// Cohort model: multiplier on the cessation rates in year `t`, `max(0, 1 + s[t])`.
    pub(super) cessation: LaneVec<[f64; L]>,
}

/// A worker's scratch space for `L` paths side by side, reused block after block.
#[derive(Debug, Clone)]
pub struct Workspace<const L: usize = 1> {
    pub(super) shocks: ShockLanes<L>,
    pub(super) inputs: LaneInputs<L>,
    pub(super) scratch: Scratch<L>,
    /// The last run's lines, `out[line × h + t][lane]`, lines in [`super::LINES`] order.
    pub(super) out: LaneVec<[f64; L]>,
    /// Per lane and mitigation, `capped[lane × n_mitigations + i]`: did the path cap that
    /// mitigation's move or cessation at the plans there were?
    pub(super) capped: Vec<bool>,
}

impl<const L: usize> Workspace<L> {
    /// Per lane and mitigation (scenario order), whether the last run capped its move or
    /// cessation; with one lane, one flag per mitigation.
    pub fn capped(&self) -> &[bool] {
        &self.capped
    }

    /// Lane `l`'s lines, `[line × h + t]`.
    pub fn lane_out(&self, l: usize) -> Vec<f64> {
        self.out.iter().map(|x| x[l]).collect()
    }

    /// Every lane's lines, `[line × h + t][lane]`.
    pub fn lanes_out(&self) -> &[[f64; L]] {
        &self.out
    }

    /// Lane `lane`'s values of line `line` (index into [`super::LINES`]), by year.
    pub fn lane_line(&self, line: usize, lane: usize) -> impl Iterator<Item = f64> + '_ {
        let h = self.out.len() / N_LINES;
        self.out[line * h..(line + 1) * h]
            .iter()
            .map(move |x| x[lane])
    }

    /// Lane `l`'s capped flags, one per mitigation.
    pub fn lane_capped(&self, l: usize) -> &[bool] {
        let w = self.capped.len() / L;
        &self.capped[l * w..(l + 1) * w]
    }
}

impl Workspace<1> {
    /// The last path's lines, `[line × h + t]`, lines in [`super::LINES`] order.
    pub fn out(&self) -> &[f64] {
        self.out.as_flattened()
    }
}

impl Engine {
    /// Compile a validated scenario with generator seed `seed`.
    pub fn new(s: &Scenario, seed: u64) -> Engine {
        let model = Model::new(s);
        let h = model.horizon;
        let inc = crate::engine::funding::income(&model);
        let non_plan: Vec<Vec<f64>> = model
            .non_plan
            .iter()
            .map(|(_, base, growth)| crate::engine::funding::compound(*base, growth, h))
            .collect();
        let non_plan_total = (0..h)
            .map(|t| non_plan.iter().map(|l| l[t]).sum::<f64>())
            .collect();
        Engine {
            shocks: Shocks::new(s),
            key: super::rng::seed_key(seed),
            block_transfer: inc.block_transfer,
            non_plan_total,
            demand: DemandLevers::new(&model),
            cohort: model.cohort.is_some().then(|| CohortLevers::new(&model)),
            spend: SpendLevers::new(&model),
            model,
        }
    }

    /// Number of years.
    pub fn horizon(&self) -> usize {
        self.model.horizon
    }

    /// Fresh scratch space for one worker running `L` paths side by side, every lane set
    /// to the plan (no shock).
    pub fn workspace<const L: usize>(&self) -> Workspace<L> {
        let m = &self.model;
        let h = m.horizon;
        Workspace {
            shocks: self.shocks.buffers(h),
            inputs: self.plan_inputs(),
            scratch: Scratch::new(m.n_categories()),
            out: LaneVec::filled([0.0; L], N_LINES * h),
            capped: vec![false; L * m.mitigations.len()],
        }
    }

    /// Inputs with every lane set to the plan: planned rates and deliveries, no shock.
    pub(super) fn plan_inputs<const L: usize>(&self) -> LaneInputs<L> {
        let m = &self.model;
        let lanes = |v: &[f64]| v.iter().map(|x| [*x; L]).collect::<LaneVec<_>>();
        LaneInputs {
            growth: lanes(&m.plan_growth),
            hnb_growth: lanes(&m.hnb_growth),
            inflation: lanes(&m.inflation),
            delivery: m.mitigations.iter().map(|x| [x.delivery; L]).collect(),
            cessation: lanes(&m.cessation_multiplier),
        }
    }

    /// Run path `i` into the workspace ([`Workspace::out`]).
    pub fn path(&self, ws: &mut Workspace<1>, i: u64) {
        self.shock(ws, i);
        self.kernel(ws);
    }

    /// Run paths `first .. first + n` (`n` ≤ `L`) side by side: path `first + l` in lane
    /// `l` ([`Workspace::lane_out`]). Lanes from `n` on run the paths after those; ignore
    /// them.
    pub fn paths<const L: usize>(&self, ws: &mut Workspace<L>, first: u64, n: usize) {
        debug_assert!(n <= L);
        self.shocks.draw(self.key, first, &mut ws.shocks);
        self.apply(&ws.shocks, &mut ws.inputs);
        self.kernel(ws);
    }

    /// [`Engine::paths`] for all `L` lanes, inlined into a caller already compiled for the
    /// CPU's vectors (the simulation's worker loop, [`super::worker`]).
    #[inline(always)]
    pub(super) fn paths_inline<const L: usize>(&self, ws: &mut Workspace<L>, first: u64) {
        self.shocks.draw_lanes(self.key, first, &mut ws.shocks);
        self.apply_lanes(&ws.shocks, &mut ws.inputs, false);
        self.kernel_run(ws, true);
    }

    /// Draw path `i`'s shocks and set them as the workspace's inputs without running it:
    /// [`Engine::path`] is this followed by [`Engine::kernel`].
    pub fn shock(&self, ws: &mut Workspace<1>, i: u64) {
        self.shocks.draw(self.key, i, &mut ws.shocks);
        self.apply(&ws.shocks, &mut ws.inputs);
    }

    /// Only draw the random numbers of paths `first .. first + L`, side by side as
    /// [`Engine::paths`] draws them (the floor a simulation cannot beat); returns their sum so
    /// the work is not optimised away.
    pub fn draw_only<const L: usize>(&self, ws: &mut Workspace<L>, first: u64) -> f64 {
        let p = &mut ws.shocks;
        self.shocks.draw(self.key, first, p);
        // Summed lane by lane (vector adds, one per lane array), so the sum adds little to the
        // time of the draws it keeps from being optimised away.
        let mut acc = [0.0; L];
        for v in [
            &p.growth,
            &p.infl,
            &p.hnb,
            &p.infl_cat,
            &p.delivery,
            &p.cessation,
        ] {
            for x in v.iter() {
                for l in 0..L {
                    acc[l] += x[l];
                }
            }
        }
        acc.iter().sum()
    }

    /// Write each lane's shocks into the inputs: planned value + shock, rates floored at −1;
    /// delivery = planned delivery × drawn multiplier. All lanes at once, so the arithmetic
    /// runs across lanes in vector instructions.
    #[inline(always)]
    pub(super) fn apply<const L: usize>(&self, p: &ShockLanes<L>, inp: &mut LaneInputs<L>) {
        self.apply_lanes(p, inp, true);
    }

    /// Whether inflation rates are shocked (then [`Engine::shocked_rate`] gives them).
    pub(super) fn inflation_shocked(&self) -> bool {
        self.shocks.infl.is_some() || !self.shocks.infl_cat.is_empty()
    }

    /// Category `c`'s inflation rate into year `t` in every lane: planned rate + common shock
    /// + the category's own shocks (in file order), floored at −1.
    #[inline(always)]
    pub(super) fn shocked_rate<const L: usize>(
        &self,
        p: &ShockLanes<L>,
        t: usize,
        c: usize,
    ) -> [f64; L] {
        let base = &self.model;
        let h = base.horizon;
        let b = base.inflation[t * base.n_categories() + c];
        let mut v = p.infl[t].map(|s| b + s);
        for (k, (cc, _)) in self.shocks.infl_cat.iter().enumerate() {
            if *cc == c {
                let own = &p.infl_cat[k * h + t];
                for l in 0..L {
                    v[l] += own[l];
                }
            }
        }
        v.map(|v| v.max(-1.0))
    }

    /// A shocked rate into a year in every lane: the planned rate `planned` + the shock,
    /// floored at −1.
    #[inline(always)]
    pub(super) fn shifted<const L: usize>(planned: f64, shock: &[f64; L]) -> [f64; L] {
        shock.map(|x| (planned + x).max(-1.0))
    }

    /// [`Engine::apply`], with the shocked rates (EHCP growth, HNB growth, inflation) only
    /// when `rates` (the worker's loop leaves them to the kernel, which works each out where
    /// it uses it: written here and read back there, they cost a store and a load for each
    /// rate, year and path).
    #[inline(always)] // into the worker's vectorised loop ([`super::worker`])
    pub(super) fn apply_lanes<const L: usize>(
        &self,
        p: &ShockLanes<L>,
        inp: &mut LaneInputs<L>,
        rates: bool,
    ) {
        let base = &self.model;
        let sh = &self.shocks;
        let h = base.horizon;
        let nc = base.n_categories();
        if rates && sh.growth.is_some() {
            for t in 1..h {
                inp.growth[t] = Self::shifted(base.plan_growth[t], &p.growth[t]);
            }
        }
        if rates && sh.hnb.is_some() {
            for t in 1..h {
                inp.hnb_growth[t] = Self::shifted(base.hnb_growth[t], &p.hnb[t]);
            }
        }
        if rates && self.inflation_shocked() {
            for t in 1..h {
                for c in 0..nc {
                    inp.inflation[t * nc + c] = self.shocked_rate(p, t, c);
                }
            }
        }
        for (k, (i, _)) in sh.delivery.iter().enumerate() {
            let d = base.mitigations[*i].delivery;
            inp.delivery[*i] = p.delivery[k].map(|x| d * x);
        }
        if sh.cessation.is_some() {
            for t in 1..h {
                inp.cessation[t] = p.cessation[t].map(|s| (1.0 + s).max(0.0));
            }
        }
    }

    /// The model lane `l` of `ws` last ran ([`Engine::paths`] or [`Engine::path`]): the
    /// scenario's model with that path's growth, inflation, HNB growth and deliveries. (A
    /// simulation's own loop leaves shocked rates to the kernel and out of the inputs, so
    /// this does not apply to its workspaces, which it never hands out.)
    pub fn lane_model<const L: usize>(&self, ws: &Workspace<L>, l: usize) -> Model {
        let mut m = self.model.clone();
        let inp = &ws.inputs;
        let lane = |v: &[[f64; L]]| v.iter().map(|x| x[l]).collect::<Vec<f64>>();
        m.plan_growth = lane(&inp.growth);
        m.hnb_growth = lane(&inp.hnb_growth);
        m.cessation_multiplier = lane(&inp.cessation);
        m.inflation = lane(&inp.inflation);
        for (mit, d) in m.mitigations.iter_mut().zip(&inp.delivery) {
            mit.delivery = d[l];
        }
        m
    }
}
