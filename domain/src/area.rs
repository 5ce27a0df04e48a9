//! Land area in mu (亩), the unit every township report uses, with hectares for display.
//! Stored as an integer number of hundredths of a mu so that sums and comparisons are exact.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::{Add, Sub};
use std::str::FromStr;

/// Square metres in one mu (mainland China): 10,000/15 = 666.67 m².
/// Source: en.wikipedia.org/wiki/Mu_(land) (1 ha = 15 mu).
pub const SQUARE_METRES_PER_MU: f64 = 10_000.0 / 15.0;

/// An area in mu, held as hundredths of a mu (0.01 mu ≈ 6.7 m²).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Mu(i64);

impl Mu {
    pub const ZERO: Mu = Mu(0);

    /// An area from hundredths of a mu (the stored form).
    pub const fn from_centi(centi: i64) -> Self {
        Mu(centi)
    }

    /// A whole number of mu.
    pub const fn from_whole(mu: i64) -> Self {
        Mu(mu * 100)
    }

    /// Hundredths of a mu (the stored form).
    pub const fn centi(self) -> i64 {
        self.0
    }

    /// The area as a decimal number of mu, for charts and JSON only; never for arithmetic.
    pub fn as_f64(self) -> f64 {
        self.0 as f64 / 100.0
    }

    /// The same area in hectares (1 ha = 15 mu), for display.
    pub fn hectares(self) -> f64 {
        self.as_f64() / 15.0
    }

    pub fn is_positive(self) -> bool {
        self.0 > 0
    }

    /// Subtraction that stops at zero (what is left of a plot can't be negative).
    pub fn saturating_sub(self, other: Mu) -> Mu {
        Mu((self.0 - other.0).max(0))
    }
}

impl Add for Mu {
    type Output = Mu;
    fn add(self, rhs: Mu) -> Mu {
        Mu(self.0 + rhs.0)
    }
}

impl std::ops::AddAssign for Mu {
    fn add_assign(&mut self, rhs: Mu) {
        self.0 += rhs.0;
    }
}

impl Sub for Mu {
    type Output = Mu;
    fn sub(self, rhs: Mu) -> Mu {
        Mu(self.0 - rhs.0)
    }
}

impl std::iter::Sum for Mu {
    fn sum<I: Iterator<Item = Mu>>(iter: I) -> Mu {
        Mu(iter.map(|m| m.0).sum())
    }
}

/// Shows `12.5` for 12.50 mu: at most two decimals, trailing zeros dropped.
impl fmt::Display for Mu {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let (whole, frac) = (abs / 100, abs % 100);
        match frac {
            0 => write!(f, "{sign}{whole}"),
            f2 if f2 % 10 == 0 => write!(f, "{sign}{whole}.{}", f2 / 10),
            f2 => write!(f, "{sign}{whole}.{f2:02}"),
        }
    }
}

/// Why a typed area was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AreaParseError {
    #[error("empty")]
    Empty,
    #[error("not a number")]
    NotANumber,
    #[error("more than two decimals")]
    TooPrecise,
    #[error("too large")]
    TooLarge,
}

/// Parses what a person types: `12`, `12.5`, `12.25`, ` 3 ` (also a full-width `．`).
/// Negative numbers parse (so that the caller can say "must be positive").
impl FromStr for Mu {
    type Err = AreaParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().replace('．', ".");
        if s.is_empty() {
            return Err(AreaParseError::Empty);
        }
        let (neg, digits) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s.as_str()),
        };
        let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
        let all_digits = |p: &str| p.chars().all(|c| c.is_ascii_digit());
        if (whole.is_empty() && frac.is_empty()) || !all_digits(whole) || !all_digits(frac) {
            return Err(AreaParseError::NotANumber);
        }
        if frac.len() > 2 {
            return Err(AreaParseError::TooPrecise);
        }
        // A township has at most a few hundred thousand mu; refuse absurd sizes before overflow.
        if whole.len() > 9 {
            return Err(AreaParseError::TooLarge);
        }
        let whole: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| AreaParseError::NotANumber)?
        };
        let frac: i64 = match frac.len() {
            0 => 0,
            1 => {
                frac.parse::<i64>()
                    .map_err(|_| AreaParseError::NotANumber)?
                    * 10
            }
            _ => frac.parse().map_err(|_| AreaParseError::NotANumber)?,
        };
        let centi = whole * 100 + frac;
        Ok(Mu(if neg { -centi } else { centi }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn fifteen_mu_make_one_hectare() {
        assert!((Mu::from_whole(15).hectares() - 1.0).abs() < 1e-12);
        assert!((SQUARE_METRES_PER_MU - 666.67).abs() < 0.01);
    }

    #[test]
    fn typed_areas_parse_exactly() {
        assert_eq!("12".parse::<Mu>(), Ok(Mu::from_centi(1200)));
        assert_eq!("12.5".parse::<Mu>(), Ok(Mu::from_centi(1250)));
        assert_eq!(" 0.05 ".parse::<Mu>(), Ok(Mu::from_centi(5)));
        assert_eq!("3．25".parse::<Mu>(), Ok(Mu::from_centi(325)));
        assert_eq!(".5".parse::<Mu>(), Ok(Mu::from_centi(50)));
        assert_eq!("-2".parse::<Mu>(), Ok(Mu::from_centi(-200)));
    }

    #[test]
    fn nonsense_areas_are_refused_with_a_reason() {
        assert_eq!("".parse::<Mu>(), Err(AreaParseError::Empty));
        assert_eq!("abc".parse::<Mu>(), Err(AreaParseError::NotANumber));
        assert_eq!("1.2.3".parse::<Mu>(), Err(AreaParseError::NotANumber));
        assert_eq!(".".parse::<Mu>(), Err(AreaParseError::NotANumber));
        assert_eq!("1e3".parse::<Mu>(), Err(AreaParseError::NotANumber));
        assert_eq!("1.234".parse::<Mu>(), Err(AreaParseError::TooPrecise));
        assert_eq!("99999999999".parse::<Mu>(), Err(AreaParseError::TooLarge));
    }

    #[test]
    fn areas_display_without_trailing_zeros() {
        assert_eq!(Mu::from_centi(1200).to_string(), "12");
        assert_eq!(Mu::from_centi(1250).to_string(), "12.5");
        assert_eq!(Mu::from_centi(1205).to_string(), "12.05");
        assert_eq!(Mu::from_centi(-5).to_string(), "-0.05");
    }

    proptest! {
        #[test]
        fn display_then_parse_gives_the_same_area(centi in -10_000_000i64..10_000_000) {
            let mu = Mu::from_centi(centi);
            prop_assert_eq!(mu.to_string().parse::<Mu>(), Ok(mu));
        }
    }
}
