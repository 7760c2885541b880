//! Kubernetes resource quantities (`500m`, `1.5Gi`, `1e3`), parsed and compared exactly.
//!
//! Written here rather than taken from a crate because comparisons must be exact
//! (`1000m` == `1`, `1Gi` == `1024Mi`, `1e3` == `1k`) and the crates we found go through f64.
//! A quantity is `digits × 10^p10 × 2^p2`; comparing two scales both to a common integer.

use std::cmp::Ordering;
use std::fmt;

/// Exponent magnitudes beyond this are rejected (the API server caps far lower), so that
/// hostile input like `1e999999999` cannot make us build enormous integers.
const MAX_EXPONENT: i32 = 1000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuantityError(pub String);

impl fmt::Display for QuantityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Clone, Debug)]
pub struct Quantity {
    negative: bool,
    /// Little-endian base-2^32 magnitude of the decimal digits (the decimal point removed).
    digits: Vec<u32>,
    p10: i32,
    p2: i32,
}

impl Quantity {
    /// Parse a quantity as `resource.ParseQuantity` does.
    pub fn parse(s: &str) -> Result<Quantity, QuantityError> {
        let bad = || QuantityError(format!("{s:?} is not a valid quantity"));
        let b = s.as_bytes();
        if b.is_empty() {
            return Err(bad());
        }
        let mut i = 0;
        let mut negative = false;
        match b.first() {
            Some(b'-') => {
                negative = true;
                i += 1;
            }
            Some(b'+') => i += 1,
            _ => {}
        }
        let mut mantissa = Vec::new();
        let mut frac_digits: i32 = 0;
        let mut seen_digit = false;
        while let Some(&c) = b.get(i) {
            if !c.is_ascii_digit() {
                break;
            }
            mantissa.push(c - b'0');
            seen_digit = true;
            i += 1;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            while let Some(&c) = b.get(i) {
                if !c.is_ascii_digit() {
                    break;
                }
                mantissa.push(c - b'0');
                frac_digits += 1;
                seen_digit = true;
                i += 1;
            }
        }
        if !seen_digit || mantissa.len() > 400 {
            return Err(bad());
        }
        let suffix = s.get(i..).ok_or_else(bad)?;
        let (p10, p2) = match suffix {
            "" => (0, 0),
            "n" => (-9, 0),
            "u" => (-6, 0),
            "m" => (-3, 0),
            "k" => (3, 0),
            "M" => (6, 0),
            "G" => (9, 0),
            "T" => (12, 0),
            "P" => (15, 0),
            "E" => (18, 0),
            "Ki" => (0, 10),
            "Mi" => (0, 20),
            "Gi" => (0, 30),
            "Ti" => (0, 40),
            "Pi" => (0, 50),
            "Ei" => (0, 60),
            _ => {
                let exp = suffix.strip_prefix(['e', 'E']).ok_or_else(bad)?;
                let digits = exp.strip_prefix(['+', '-']).unwrap_or(exp);
                if digits.is_empty()
                    || !digits.bytes().all(|c| c.is_ascii_digit())
                    || digits.len() > 6
                {
                    return Err(bad());
                }
                let e: i32 = exp.parse().map_err(|_| bad())?;
                if e.abs() > MAX_EXPONENT {
                    return Err(bad());
                }
                (e, 0)
            }
        };
        let mut digits = Vec::new();
        for d in mantissa {
            mul_small(&mut digits, 10);
            add_small(&mut digits, u32::from(d));
        }
        trim(&mut digits);
        Ok(Quantity {
            negative: negative && !digits.is_empty(),
            digits,
            p10: p10 - frac_digits,
            p2,
        })
    }

    pub fn is_zero(&self) -> bool {
        self.digits.is_empty()
    }

    /// Approximate value, for messages and ratios.
    pub fn to_f64(&self) -> f64 {
        let mut v = 0f64;
        for &d in self.digits.iter().rev() {
            v = v * 4294967296.0 + f64::from(d);
        }
        let v = v * 10f64.powi(self.p10) * 2f64.powi(self.p2);
        if self.negative { -v } else { v }
    }

    /// The product of two quantities (exact).
    pub fn mul(&self, other: &Quantity) -> Quantity {
        let mut digits = vec![0u32; self.digits.len() + other.digits.len()];
        for (i, &a) in self.digits.iter().enumerate() {
            let mut carry = 0u64;
            for (j, &b) in other.digits.iter().enumerate() {
                let Some(slot) = digits.get_mut(i + j) else {
                    continue;
                };
                let t = u64::from(a) * u64::from(b) + u64::from(*slot) + carry;
                *slot = t as u32;
                carry = t >> 32;
            }
            let mut k = i + other.digits.len();
            while carry > 0 {
                if let Some(slot) = digits.get_mut(k) {
                    let t = u64::from(*slot) + carry;
                    *slot = t as u32;
                    carry = t >> 32;
                    k += 1;
                } else {
                    digits.push(carry as u32);
                    carry = 0;
                }
            }
        }
        trim(&mut digits);
        Quantity {
            negative: (self.negative != other.negative) && !digits.is_empty(),
            digits,
            p10: self.p10 + other.p10,
            p2: self.p2 + other.p2,
        }
    }

    /// The magnitude scaled to an integer: digits × 10^(p10-a) × 2^(p2-b).
    fn scaled(&self, a: i32, b: i32) -> Vec<u32> {
        let mut d = self.digits.clone();
        for _ in a..self.p10 {
            mul_small(&mut d, 10);
        }
        for _ in b..self.p2 {
            mul_small(&mut d, 2);
        }
        d
    }
}

impl PartialEq for Quantity {
    fn eq(&self, other: &Quantity) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Quantity {}

impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Quantity) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Quantity {
    fn cmp(&self, other: &Quantity) -> Ordering {
        match (self.is_zero(), other.is_zero()) {
            (true, true) => return Ordering::Equal,
            _ if self.negative != other.negative => {
                return if self.negative {
                    Ordering::Less
                } else {
                    Ordering::Greater
                };
            }
            _ => {}
        }
        let a = self.p10.min(other.p10);
        let b = self.p2.min(other.p2);
        let x = self.scaled(a, b);
        let y = other.scaled(a, b);
        let mag = cmp_big(&x, &y);
        if self.negative { mag.reverse() } else { mag }
    }
}

fn trim(d: &mut Vec<u32>) {
    while d.last() == Some(&0) {
        d.pop();
    }
}

fn mul_small(d: &mut Vec<u32>, m: u32) {
    let mut carry = 0u64;
    for x in d.iter_mut() {
        let t = u64::from(*x) * u64::from(m) + carry;
        *x = t as u32;
        carry = t >> 32;
    }
    if carry > 0 {
        d.push(carry as u32);
    }
}

fn add_small(d: &mut Vec<u32>, a: u32) {
    let mut carry = u64::from(a);
    for x in d.iter_mut() {
        if carry == 0 {
            return;
        }
        let t = u64::from(*x) + carry;
        *x = t as u32;
        carry = t >> 32;
    }
    if carry > 0 {
        d.push(carry as u32);
    }
}

fn cmp_big(x: &[u32], y: &[u32]) -> Ordering {
    let (mut x, mut y) = (x, y);
    while x.last() == Some(&0) {
        x = &x[..x.len() - 1];
    }
    while y.last() == Some(&0) {
        y = &y[..y.len() - 1];
    }
    x.len()
        .cmp(&y.len())
        .then_with(|| x.iter().rev().cmp(y.iter().rev()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Quantity {
        Quantity::parse(s).unwrap()
    }

    #[test]
    fn comparisons() {
        assert!(q("500m") < q("1"));
        assert!(q("512Mi") < q("1Gi"));
        assert_eq!(q("1e3"), q("1k"));
        assert_eq!(q("1000m"), q("1"));
        assert_eq!(q("1Gi"), q("1024Mi"));
        assert_eq!(q("0.5"), q("500m"));
        assert_eq!(q(".5"), q("500m"));
        assert_eq!(q("1.5Gi"), q("1536Mi"));
        assert!(q("1G") < q("1Gi"));
        assert!(q("2") > q("1999m"));
        assert!(q("100n") < q("1u"));
        assert_eq!(q("1E"), q("1e18"));
        assert_eq!(q("1Ei"), q("1152921504606846976"));
        assert!(q("-1") < q("0"));
        assert_eq!(q("0"), q("0Mi"));
        assert_eq!(q("+1"), q("1"));
        assert_eq!(q("1e-3"), q("1m"));
        assert!(q("129e6") > q("123Mi"));
    }

    #[test]
    fn rejects_invalid() {
        for s in [
            "", "m", "1K", "1.2.3", "abc", "1Mb", "1e", "1e+", "1 Gi", "1e99999", "--1", "Gi",
        ] {
            assert!(Quantity::parse(s).is_err(), "{s:?} should be invalid");
        }
    }

    #[test]
    fn products_and_floats() {
        assert_eq!(q("500m").mul(&q("4")), q("2"));
        assert!((q("1.5Gi").to_f64() - 1610612736.0).abs() < 1.0);
        assert!((q("250m").to_f64() - 0.25).abs() < 1e-12);
    }
}
