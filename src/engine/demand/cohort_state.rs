//! The cohort model's state between years: plans by age × category, stored so that a year's
//! step touches every plan as few times as it can.
//!
//! Two things make the stored values differ from the plans, and [`CohortState::plans`] undoes
//! both:
//! - **Ages as a ring.** Age `a` is stored in row `(first + a) mod n_ages`. Ageing moves
//!   `first` back one row, so the row that held age 25 (now aged out and emptied) holds age
//!   0, instead of copying every other row up one age.
//! - **A pending factor.** A cessation in proportion (`cease_plans` from every cell) scales
//!   every plan by the same factor per lane. It is kept as `scale` (plans = stored × scale)
//!   and applied in the next year's cessation pass, which rewrites every cell anyway.
//!
//! The sums by category (of the stored values, over ages in age order) are taken once a year,
//! after the flows (one read pass, [`CohortState::sum_by_category`]), and then kept up to date
//! by the moves, which rewrite their two categories anyway; the cessations in proportion and
//! the year's plans by category use them without summing again.

use crate::engine::lanes::LaneVec;

/// The stock and this year's flows, per lane.
#[derive(Debug, Clone)]
pub struct CohortState<const L: usize = 1> {
    /// Stored plans: age `a`, category `c` at `[((first + a) mod n_ages) * nc + c]`.
    pub(super) stock: LaneVec<[f64; L]>,
    /// Row of age 0.
    pub(super) first: usize,
    pub(super) n_ages: usize,
    pub(super) nc: usize,
    /// Plans = stored × `scale` (a cessation in proportion not yet applied).
    pub(super) scale: [f64; L],
    /// Stored values summed by category over ages in age order, when `sums_valid` (else
    /// scratch).
    pub(super) acc: LaneVec<[f64; L]>,
    pub(super) sums_valid: bool,
    /// New-plan growth factor `G[t]` (a roll-forward carries it into the new base year's
    /// new plans).
    pub growth: [f64; L],
    /// Extra cessation rates this year, `[a * nc + c]` in age order (scratch).
    pub(super) extra: LaneVec<[f64; L]>,
    /// This year's flows (plans): new, ceased (rates, `cease_at_age` and `cease_plans`), aged
    /// out at 25, net other change as applied.
    pub new: [f64; L],
    pub ceased: [f64; L],
    pub aged_out: [f64; L],
    pub net_other: [f64; L],
}

impl<const L: usize> Default for CohortState<L> {
    fn default() -> Self {
        CohortState {
            stock: LaneVec::new(),
            first: 0,
            n_ages: 0,
            nc: 0,
            scale: [1.0; L],
            acc: LaneVec::new(),
            sums_valid: false,
            growth: [1.0; L],
            extra: LaneVec::new(),
            new: [0.0; L],
            ceased: [0.0; L],
            aged_out: [0.0; L],
            net_other: [0.0; L],
        }
    }
}

impl<const L: usize> CohortState<L> {
    /// Reset to the census `stock` (`[a * nc + c]`, plans), before year 0 is stepped.
    pub(super) fn reset(&mut self, stock: &[f64], n_ages: usize, nc: usize) {
        self.stock.clear();
        self.stock.extend(stock.iter().map(|x| [*x; L]));
        // Scratch, zeroed by the step before use: only its length matters here.
        self.extra.resize(stock.len(), [0.0; L]);
        self.acc.clear();
        self.acc.resize(nc, [0.0; L]);
        (self.first, self.n_ages, self.nc) = (0, n_ages, nc);
        self.scale = [1.0; L];
        self.sums_valid = false;
        self.growth = [1.0; L];
    }

    /// Plans at age `a` in category `c`, per lane.
    pub fn plans(&self, a: usize, c: usize) -> [f64; L] {
        let x = self.stock[self.at(a, c)];
        std::array::from_fn(|l| x[l] * self.scale[l])
    }

    /// Age `a`'s stored row, by category (plans = stored × `scale`).
    #[inline(always)]
    pub(super) fn age(&self, a: usize) -> &[[f64; L]] {
        let r = row_start(self.first, self.n_ages, self.nc, a);
        &self.stock[r..r + self.nc]
    }

    /// Index of age `a`, category `c` in `stock`.
    #[inline(always)]
    pub(super) fn at(&self, a: usize, c: usize) -> usize {
        row_start(self.first, self.n_ages, self.nc, a) + c
    }

    /// Make `acc` the stored values' sums by category (over ages in age order), unless it is.
    #[inline(always)]
    pub(super) fn sum_by_category(&mut self) {
        if self.sums_valid {
            return;
        }
        let (first, n, nc, stock) = (self.first, self.n_ages, self.nc, &self.stock);
        // One lane: the categories' sums side by side. Several: a category at a time with
        // its sum in registers (the sum over ages in order keeps the compiler from
        // vectorising across cells; the lanes run in vector instructions). The same
        // operations per lane either way.
        if L == 1 {
            self.acc.fill([0.0; L]);
            for a in 0..n {
                let r = row_start(first, n, nc, a);
                for (o, x) in self.acc.iter_mut().zip(&stock[r..r + nc]) {
                    for l in 0..L {
                        o[l] += x[l];
                    }
                }
            }
        } else {
            // Ages in order are rows `first .. n`, then rows `0 .. first`.
            for (c, o) in self.acc.iter_mut().enumerate() {
                let mut sum = [0.0; L];
                for row in (first..n).chain(0..first) {
                    let x = &stock[row * nc + c];
                    for l in 0..L {
                        sum[l] += x[l];
                    }
                }
                *o = sum;
            }
        }
        self.sums_valid = true;
    }
}

/// Start of age `a`'s row in `stock` (rows of `nc` cells, age 0 in row `first` of `n`).
#[inline(always)]
pub(super) fn row_start(first: usize, n: usize, nc: usize, a: usize) -> usize {
    let r = first + a;
    (if r >= n { r - n } else { r }) * nc
}
