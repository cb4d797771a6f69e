//! Income to the high needs block.

use crate::engine::model::Model;

/// HNB income by year (£).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Income {
    /// HNB allocation: `hnb[0]` = base, `hnb[t] = hnb[t−1] × (1 + hnb_growth[t])`.
    pub hnb: Vec<f64>,
    /// Schools block: grown the same way from its base (£; context for the transfer).
    pub schools_block: Vec<f64>,
    /// Block transfer: `transfer_share[t] × schools_block[t]`.
    pub block_transfer: Vec<f64>,
    /// Other income as given (£).
    pub other: Vec<f64>,
    /// `hnb + block_transfer + other`.
    pub total: Vec<f64>,
}

/// Compute every income line for `m`.
pub fn income(m: &Model) -> Income {
    let mut out = Income::default();
    income_into(m, &mut out);
    out
}

/// [`income`] into existing buffers (no allocation once they have grown to the horizon).
pub fn income_into(m: &Model, out: &mut Income) {
    let h = m.horizon;
    compound_into(m.hnb_base, &m.hnb_growth, h, &mut out.hnb);
    compound_into(
        m.schools_block_base,
        &m.schools_block_growth,
        h,
        &mut out.schools_block,
    );
    out.block_transfer.clear();
    out.block_transfer
        .extend((0..h).map(|t| m.transfer_share[t] * out.schools_block[t]));
    out.other.clear();
    out.other.extend_from_slice(&m.other_income[..h]);
    out.total.clear();
    out.total
        .extend((0..h).map(|t| out.hnb[t] + out.block_transfer[t] + out.other[t]));
}

/// `base` grown by `rate[t]` from year 1 on: `x[0] = base`, `x[t] = x[t−1] × (1 + rate[t])`.
pub fn compound(base: f64, rate: &[f64], h: usize) -> Vec<f64> {
    let mut out = Vec::with_capacity(h);
    compound_into(base, rate, h, &mut out);
    out
}

/// [`compound`] into an existing buffer.
pub fn compound_into(base: f64, rate: &[f64], h: usize, out: &mut Vec<f64>) {
    out.clear();
    out.reserve(h);
    let mut x = base;
    for t in 0..h {
        if t > 0 {
            x *= 1.0 + rate[t];
        }
        out.push(x);
    }
}

#[cfg(test)]
mod tests {
    use super::compound;
    use approx::assert_relative_eq;

    #[test]
    fn compounding_by_hand() {
        // £100m growing 3% then 5%: 100, 103, 108.15.
        let x = compound(100.0e6, &[0.9, 0.03, 0.05], 3);
        assert_relative_eq!(x[0], 100.0e6);
        assert_relative_eq!(x[1], 103.0e6);
        assert_relative_eq!(x[2], 108.15e6, max_relative = 1e-12);
    }
}
