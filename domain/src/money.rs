//! Money in integer fen (分, 1/100 yuan): wages, lease fees and dividends are never floats.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::{Add, Neg, Sub};

/// An amount of money in fen. May be negative (a reversing entry).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Fen(i64);

impl Fen {
    pub const ZERO: Fen = Fen(0);

    pub const fn new(fen: i64) -> Self {
        Fen(fen)
    }

    pub const fn from_yuan(yuan: i64) -> Self {
        Fen(yuan * 100)
    }

    pub const fn get(self) -> i64 {
        self.0
    }
}

impl Add for Fen {
    type Output = Fen;
    fn add(self, rhs: Fen) -> Fen {
        Fen(self.0 + rhs.0)
    }
}

impl Sub for Fen {
    type Output = Fen;
    fn sub(self, rhs: Fen) -> Fen {
        Fen(self.0 - rhs.0)
    }
}

impl Neg for Fen {
    type Output = Fen;
    fn neg(self) -> Fen {
        Fen(-self.0)
    }
}

impl std::iter::Sum for Fen {
    fn sum<I: Iterator<Item = Fen>>(iter: I) -> Fen {
        Fen(iter.map(|f| f.0).sum())
    }
}

/// Shows yuan with two decimals: `¥95.00`, `-¥0.50`.
impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}¥{}.{:02}", abs / 100, abs % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_show_as_yuan_with_two_decimals() {
        assert_eq!(Fen::from_yuan(95).to_string(), "¥95.00");
        assert_eq!(Fen::new(-50).to_string(), "-¥0.50");
        assert_eq!(Fen::new(1005).to_string(), "¥10.05");
    }

    #[test]
    fn amounts_add_up_exactly() {
        let total: Fen = (0..300).map(|_| Fen::from_yuan(80)).sum();
        assert_eq!(total, Fen::from_yuan(24_000));
        assert_eq!(
            Fen::from_yuan(80) + Fen::new(1500) - Fen::new(1500),
            Fen::from_yuan(80)
        );
        assert_eq!(-Fen::new(7), Fen::new(-7));
    }
}
