//! Income to the high needs block.

use crate::model::Model;

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
    let h = m.horizon;
    let hnb = compound(m.hnb_base, &m.hnb_growth, h);
    let schools_block = compound(m.schools_block_base, &m.schools_block_growth, h);
    let block_transfer: Vec<f64> = (0..h)
        .map(|t| m.transfer_share[t] * schools_block[t])
        .collect();
    let total = (0..h)
        .map(|t| hnb[t] + block_transfer[t] + m.other_income[t])
        .collect();
    Income {
        hnb,
        schools_block,
        block_transfer,
        other: m.other_income.clone(),
        total,
    }
}

/// `base` grown by `rate[t]` from year 1 on: `x[0] = base`, `x[t] = x[t−1] × (1 + rate[t])`.
pub fn compound(base: f64, rate: &[f64], h: usize) -> Vec<f64> {
    let mut out = Vec::with_capacity(h);
    let mut x = base;
    for t in 0..h {
        if t > 0 {
            x *= 1.0 + rate[t];
        }
        out.push(x);
    }
    out
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
