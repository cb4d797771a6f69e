//! The deficit corkscrew and the cost of carrying the deficit.

use crate::engine::model::{Model, WriteOffRule};

/// The cumulative deficit by year (£). Positive = deficit, negative = surplus.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeficitPath {
    /// `opening[0]` = deficit brought forward; `opening[t] = closing[t−1]`.
    pub opening: Vec<f64>,
    /// Payments towards the deficit (e.g. Safety Valve instalments) as applied: the amount
    /// given, at most the deficit standing before it, `min(asked, max(0, opening + in_year))`,
    /// so a payment, like a write-off, never creates a surplus.
    pub payments: Vec<f64>,
    /// Write-offs: amounts, or `share × max(0, opening + in_year − payments)`, in all at most
    /// the deficit standing (a write-off never creates a surplus).
    pub write_offs: Vec<f64>,
    /// `closing = opening + in_year − payments − write_offs`.
    pub closing: Vec<f64>,
    /// `interest_rate × max(0, (opening + closing) / 2)`: borne by the general fund, so it is
    /// reported but not added to the DSG deficit.
    pub financing_cost: Vec<f64>,
}

/// Roll the deficit forward over the in-year deficits (spend − income, £).
pub fn corkscrew(m: &Model, in_year: &[f64]) -> DeficitPath {
    let mut d = DeficitPath::default();
    corkscrew_into(m, in_year, &mut d);
    d
}

/// [`corkscrew`] into existing buffers.
pub fn corkscrew_into(m: &Model, in_year: &[f64], d: &mut DeficitPath) {
    let h = in_year.len();
    d.opening.clear();
    d.closing.clear();
    d.financing_cost.clear();
    d.opening.reserve(h);
    d.closing.reserve(h);
    d.financing_cost.reserve(h);
    d.payments.clear();
    d.payments.resize(h, 0.0);
    d.write_offs.clear();
    d.write_offs.resize(h, 0.0);
    let mut balance = m.opening;
    for t in 0..h {
        let opening = balance;
        (d.payments[t], d.write_offs[t], balance) = year_step(m, t, opening, in_year[t]);
        d.opening.push(opening);
        d.closing.push(balance);
        d.financing_cost
            .push(m.interest_rate * ((opening + balance) / 2.0).max(0.0));
    }
}

/// One year of the corkscrew for year index `t` (£): `(payment, write-off, closing)` from the
/// `opening` deficit and the `in_year` deficit, `closing = opening + in_year − payment −
/// write-off`, the payment and write-off capped as [`payment`] and [`write_off`] say.
pub fn year_step(m: &Model, t: usize, opening: f64, in_year: f64) -> (f64, f64, f64) {
    let paid = payment(m.payments[t], opening + in_year);
    let standing = opening + in_year - paid;
    let written = write_off(&m.write_offs, t, standing).0;
    (paid, written, standing - written)
}

/// The payment applied when `asked` (£) is paid towards a deficit of `before` (£, the
/// opening deficit plus the in-year deficit): `min(asked, max(0, before))`, so a payment never
/// turns the deficit into a surplus. Exactly `asked` whenever it fits, and exactly 0 when
/// nothing is asked.
#[inline(always)]
pub fn payment(asked: f64, before: f64) -> f64 {
    asked.min(before.max(0.0))
}

/// The write-off in year index `t` when `standing` (£) is the deficit at the end of the year
/// after its movement and payments: (applied, asked). Asked = Σ amounts + Σ share × max(0,
/// standing); applied = min(asked, max(0, standing)), so writing off never makes a surplus.
pub fn write_off(rules: &[(usize, WriteOffRule)], t: usize, standing: f64) -> (f64, f64) {
    let (applied, asked) = write_off_lanes(rules, t, [standing]);
    (applied[0], asked[0])
}

/// [`write_off`] for `L` deficits side by side (one per lane), each lane exactly as
/// `write_off` would give it alone: rules outside, lanes inside, so the lanes run in vector
/// instructions.
#[inline(always)]
pub fn write_off_lanes<const L: usize>(
    rules: &[(usize, WriteOffRule)],
    t: usize,
    standing: [f64; L],
) -> ([f64; L], [f64; L]) {
    let mut asked = [0.0; L];
    for (wt, rule) in rules {
        if *wt == t {
            for l in 0..L {
                asked[l] += match *rule {
                    WriteOffRule::Amount(a) => a,
                    WriteOffRule::Share(s) => s * standing[l].max(0.0),
                };
            }
        }
    }
    let applied = std::array::from_fn(|l| asked[l].min(standing[l].max(0.0)));
    (applied, asked)
}
