//! # Flag values
//!
//! The parsers of flag values that more than one subcommand takes, or that a reader of hostile
//! input should see alone: byte counts (`--max-memory 2GiB`), boxes (`--box=-4,4`) and method
//! lists (`--method walk,minkowski`). Each turns text into a value or a one-line error that names
//! the flag and the value; none panics, and none allocates more than its input's length (the
//! `cli_values` fuzz target of `fuzz/` and the proptests below check both).
//!
//! ## Main declarations
//!
//! - [`parse_bytes`]: a positive byte count, with an optional decimal or binary unit.
//! - [`parse_box`]: `LO,HI`, two exact rationals with `LO < HI`.
//! - [`parse_methods`]: counting method names, through `Method`'s `FromStr`.
//!
//! ## Implementation notes
//!
//! Numbers go through `Rat::parse_exact`, the one reader of exact rationals in text (its own
//! limits: decimal exponents up to 1000 in absolute value). The fuzz crate compiles this file from
//! its source path, so it depends only on the libraries and `anyhow`.
//!
//! ## References
//!
//! - IEC 80000-13 (binary prefixes KiB, MiB, GiB, TiB).

use anyhow::{anyhow, bail, Context};
use tropical_algebra::{Rat, Scalar};
use tropical_attention::count::Method;
use tropical_attention::AttentionError;

/// Parse a byte count: a positive integer, optionally followed by a unit (`KB`, `MB`, `GB`,
/// `TB`: powers of 1000; `KiB`, `MiB`, `GiB`, `TiB`: powers of 1024; `B`; case-insensitive,
/// spaces allowed before the unit). Errors name the value and the accepted forms.
pub fn parse_bytes(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let form = "a positive number of bytes, e.g. 500000000, 500MB or 2GiB";
    if digits.is_empty() {
        return Err(format!("{s:?}: expected {form}"));
    }
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("{s:?}: more than {} bytes", u64::MAX))?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kb" | "k" => 1_000,
        "mb" | "m" => 1_000_000,
        "gb" | "g" => 1_000_000_000,
        "tb" | "t" => 1_000_000_000_000,
        "kib" => 1 << 10,
        "mib" => 1 << 20,
        "gib" => 1 << 30,
        "tib" => 1 << 40,
        _ => return Err(format!("{s:?}: unknown unit {unit:?}; expected {form}")),
    };
    let bytes = n
        .checked_mul(mult)
        .ok_or_else(|| format!("{s:?}: more than {} bytes", u64::MAX))?;
    if bytes == 0 {
        return Err(format!("{s:?}: expected {form}"));
    }
    Ok(bytes)
}

/// Parse `--box LO,HI`: two exact rationals (integers, decimals, fractions) separated by one
/// comma, with `LO < HI`. Errors name the flag and the part that is wrong.
pub fn parse_box(s: &str) -> anyhow::Result<(Rat, Rat)> {
    let parts: Vec<&str> = s.split(',').collect();
    let [lo, hi] = parts[..] else {
        bail!(
            "--box takes LO,HI (two numbers), got {} values in {s:?}",
            parts.len()
        );
    };
    let lo = Rat::parse_exact(lo.trim()).with_context(|| format!("--box LO {lo:?}"))?;
    let hi = Rat::parse_exact(hi.trim()).with_context(|| format!("--box HI {hi:?}"))?;
    if lo >= hi {
        bail!("--box {lo},{hi}: need LO < HI");
    }
    Ok((lo, hi))
}

/// Parse `--method` names (`walk`, `minkowski`, `product`), in the order given.
pub fn parse_methods(names: &[String]) -> anyhow::Result<Vec<Method>> {
    names
        .iter()
        .map(|m| {
            m.parse::<Method>().map_err(|e| match e {
                AttentionError::Invalid(msg) => anyhow!("--{msg}"),
                other => anyhow!(other),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{parse_box, parse_bytes, parse_methods};
    use proptest::prelude::*;
    use tropical_algebra::{Rat, Scalar};

    #[test]
    fn byte_counts() {
        assert_eq!(parse_bytes("500000000"), Ok(500_000_000));
        assert_eq!(parse_bytes("500MB"), Ok(500_000_000));
        assert_eq!(parse_bytes("2GiB"), Ok(2 << 30));
        assert_eq!(parse_bytes(" 3 kib "), Ok(3072));
        assert_eq!(parse_bytes("1B"), Ok(1));
        for bad in [
            "",
            "0",
            "0GB",
            "-1",
            "1.5GB",
            "GB",
            "12 parsecs",
            "99999999999TB",
        ] {
            let e = parse_bytes(bad).unwrap_err();
            assert!(e.contains(&format!("{bad:?}")), "{bad}: {e}");
        }
    }

    #[test]
    fn boxes() {
        let (lo, hi) = parse_box("-1/2, 2.5").unwrap();
        assert_eq!(lo, Rat::parse_exact("-0.5").unwrap());
        assert_eq!(hi, Rat::parse_exact("5/2").unwrap());
        for (bad, says) in [
            ("1", "got 1 values"),
            ("1,2,3", "got 3 values"),
            ("x,2", "--box LO \"x\""),
            ("1,nan", "--box HI \"nan\""),
            ("2,2", "need LO < HI"),
            ("3,-3", "need LO < HI"),
            ("1e99999,2", "--box LO"),
        ] {
            let e = format!("{:#}", parse_box(bad).unwrap_err());
            assert!(e.contains(says), "{bad}: {e}");
        }
    }

    #[test]
    fn methods() {
        let m = parse_methods(&["walk".into(), " product ".into()]).unwrap();
        assert_eq!(m.len(), 2);
        let e = parse_methods(&["walk".into(), "lrs".into()]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "--method \"lrs\": methods are walk, minkowski, product"
        );
    }

    proptest! {
        /// Hypothesis: any text. Conclusion: each parser returns a value or an error, never a
        /// panic; an accepted box is ordered and an accepted byte count is positive.
        #[test]
        fn arbitrary_text_never_panics(s in ".{0,40}", t in "[-0-9.,/eE kKMGTiBb]{0,24}") {
            for x in [&s, &t] {
                if let Ok(n) = parse_bytes(x) {
                    prop_assert!(n > 0);
                }
                if let Ok((lo, hi)) = parse_box(x) {
                    prop_assert!(lo < hi);
                }
                let _ = parse_methods(&x.split(',').map(String::from).collect::<Vec<_>>());
            }
        }
    }
}
