//! Storage formats of arrays (f16, bf16, f32, f64) and their ulps, for the certifier.

use serde::Serialize;

/// Storage format of an array (of the inputs, or of the kernel's output).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// IEEE binary64.
    F64,
    /// IEEE binary32.
    #[default]
    F32,
    /// IEEE binary16.
    F16,
    /// bfloat16.
    Bf16,
}

impl Format {
    /// Significand bits (with the implicit one).
    fn precision(self) -> i32 {
        match self {
            Format::F64 => 53,
            Format::F32 => 24,
            Format::F16 => 11,
            Format::Bf16 => 8,
        }
    }
    /// Smallest normal exponent.
    fn emin(self) -> i32 {
        match self {
            Format::F64 => -1022,
            Format::F32 | Format::Bf16 => -126,
            Format::F16 => -14,
        }
    }
    /// Unit roundoff `2^-p` (round to nearest).
    pub fn unit_roundoff(self) -> f64 {
        pow2(-self.precision())
    }
    /// The spacing of the format's values at `|x|` (an ulp; subnormal spacing below the
    /// normal range).
    pub fn ulp(self, x: f64) -> f64 {
        let e = floor_log2(x.abs()).unwrap_or(i32::MIN).max(self.emin());
        pow2(e - (self.precision() - 1))
    }
    /// Name as in the output (`f32`, `bf16`, …).
    pub fn name(self) -> &'static str {
        match self {
            Format::F64 => "f64",
            Format::F32 => "f32",
            Format::F16 => "f16",
            Format::Bf16 => "bf16",
        }
    }
}

/// `2^k` for `k ≥ −1074` (0 below).
fn pow2(k: i32) -> f64 {
    if k >= -1022 {
        f64::from_bits(((k + 1023) as u64) << 52)
    } else if k >= -1074 {
        f64::from_bits(1u64 << (k + 1074))
    } else {
        0.0
    }
}

/// `⌊log₂ x⌋` for finite `x > 0`.
pub(crate) fn floor_log2(x: f64) -> Option<i32> {
    if !(x > 0.0 && x.is_finite()) {
        return None;
    }
    let be = ((x.to_bits() >> 52) & 0x7ff) as i32;
    Some(if be == 0 {
        -1074 + (63 - (x.to_bits()).leading_zeros() as i32)
    } else {
        be - 1023
    })
}
