//! Exact parsing of rationals from text and exact conversion of floats (SPEC §4).

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Zero};

use super::ScalarError;

fn err(text: &str, reason: impl Into<String>) -> ScalarError {
    ScalarError::Parse {
        text: text.to_string(),
        reason: reason.into(),
    }
}

/// Parse `p/q`, an integer, or a finite decimal with optional exponent (`-1.25e-3`) exactly.
///
/// NaN, infinities, empty strings and a zero denominator are errors.
pub fn parse_big_rational(s: &str) -> Result<BigRational, ScalarError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(err(s, "empty string"));
    }
    let lower = t.to_ascii_lowercase();
    let bare = lower.trim_start_matches(['+', '-']);
    if bare == "nan" || bare == "inf" || bare == "infinity" {
        return Err(ScalarError::NonFinite(t.to_string()));
    }
    if let Some((p, q)) = t.split_once('/') {
        let num = parse_decimal(p.trim()).map_err(|r| err(s, r))?;
        let den = parse_decimal(q.trim()).map_err(|r| err(s, r))?;
        if den.is_zero() {
            return Err(ScalarError::DivisionByZero);
        }
        return Ok(num / den);
    }
    parse_decimal(t).map_err(|r| err(s, r))
}

/// Largest decimal exponent accepted (`1e1000`): bounds the size of the integer an exponent
/// alone can ask for (about 3.3 bits per unit), so a short token cannot demand megabytes.
/// f64 needs at most 324.
pub const MAX_EXPONENT: i64 = 1000;

/// A decimal `[+-]digits[.digits][e[+-]digits]`.
fn parse_decimal(t: &str) -> Result<BigRational, String> {
    let (neg, body) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let (mantissa, exp) = match body.find(['e', 'E']) {
        Some(i) => {
            let e: i64 = body[i + 1..]
                .parse()
                .map_err(|_| format!("bad exponent {:?}", &body[i + 1..]))?;
            if e.abs() > MAX_EXPONENT {
                return Err(format!("exponent {e} out of range (|e| ≤ {MAX_EXPONENT})"));
            }
            (&body[..i], e)
        }
        None => (body, 0),
    };
    let (int_part, frac_part) = match mantissa.split_once('.') {
        Some((a, b)) => (a, b),
        None => (mantissa, ""),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return Err("no digits".into());
    }
    if !int_part.bytes().all(|c| c.is_ascii_digit())
        || !frac_part.bytes().all(|c| c.is_ascii_digit())
    {
        return Err("expected an integer, a fraction p/q or a decimal".into());
    }
    let digits = format!("{int_part}{frac_part}");
    let mut num: BigInt = digits.parse().map_err(|_| "no digits".to_string())?;
    if neg {
        num = -num;
    }
    let scale = exp - frac_part.len() as i64;
    let ten = BigInt::from(10u32);
    let q = if scale >= 0 {
        BigRational::from_integer(num * num_traits::pow(ten, scale as usize))
    } else {
        BigRational::new(num, num_traits::pow(ten, (-scale) as usize))
    };
    Ok(q)
}

/// The exact rational value of a finite `f64`.
pub(crate) fn f64_to_big_rational(x: f64) -> Result<BigRational, ScalarError> {
    if !x.is_finite() {
        return Err(ScalarError::NonFinite(format!("{x}")));
    }
    if x == 0.0 {
        return Ok(BigRational::zero());
    }
    let bits = x.to_bits();
    let sign = if bits >> 63 == 1 { -1 } else { 1 };
    let exp_bits = ((bits >> 52) & 0x7ff) as i64;
    let frac = bits & ((1u64 << 52) - 1);
    let (mant, exp) = if exp_bits == 0 {
        (frac, -1074)
    } else {
        (frac | (1u64 << 52), exp_bits - 1075)
    };
    let m = BigInt::from(mant) * sign;
    Ok(if exp >= 0 {
        BigRational::from_integer(m << exp as usize)
    } else {
        BigRational::new(m, BigInt::one() << (-exp) as usize)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_forms() {
        let q = |s: &str| parse_big_rational(s).unwrap();
        assert_eq!(q("3/4"), BigRational::new(3.into(), 4.into()));
        assert_eq!(q("-0.125"), BigRational::new((-1).into(), 8.into()));
        assert_eq!(q("1e-3"), BigRational::new(1.into(), 1000.into()));
        assert_eq!(q(" 42 "), BigRational::from_integer(42.into()));
        assert_eq!(q("1.5/0.5"), BigRational::from_integer(3.into()));
        assert!(parse_big_rational("1/0").is_err());
        assert!(parse_big_rational("NaN").is_err());
        assert!(parse_big_rational("-inf").is_err());
        assert!(parse_big_rational("1.2.3").is_err());
        assert!(parse_big_rational("").is_err());
        assert!(parse_big_rational("0x10").is_err());
        assert!(parse_big_rational("1e1000").is_ok());
        assert!(parse_big_rational("1e1001").is_err());
        assert!(parse_big_rational("1e-99999999999999999999").is_err());
    }

    #[test]
    fn floats_exact() {
        assert_eq!(
            f64_to_big_rational(0.1).unwrap(),
            BigRational::new(3602879701896397u64.into(), BigInt::one() << 55usize)
        );
        assert_eq!(
            f64_to_big_rational(f64::MIN_POSITIVE / 4.0).unwrap(),
            BigRational::new(1.into(), BigInt::one() << 1024usize)
        );
        assert!(f64_to_big_rational(f64::NAN).is_err());
    }
}
