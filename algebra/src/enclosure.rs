//! Certified enclosures of `exp`, `ln`, log-sum-exp and softmax of exact scalars.
//!
//! Every function returns an [`Interval`] with exact rational endpoints that is *guaranteed* to
//! contain the true real value: the exact reference for finite temperature (SPEC T2, T3, T9).
//!
//! Method (pure Rust, no floats anywhere): all work is done in fixed point `N / 2^w` with big
//! integers and directed rounding (every lower endpoint rounded down, every upper endpoint
//! rounded up), so each intermediate quantity is itself an enclosure.
//! - `ln 2 = Σ_{n≥1} 1/(n·2^n)`, tail after `N` terms `≤ 2^{-N}`.
//! - `exp x = 2^k · exp r` with `k = round(x / ln 2)`, `r = x − k·ln 2 ∈ [−0.35, 0.35]` (as an
//!   interval, since `ln 2` is one), and the Taylor series of `exp r` whose tail after the term
//!   `t_N = r^N/N!` is bounded by `|t_N|` (ratio of consecutive terms `≤ 1/2`).
//! - `ln x = e·ln 2 + 2·atanh z` with `x = 2^e·m`, `m ∈ [3/4, 3/2]`, `z = (m−1)/(m+1)`,
//!   `|z| ≤ 1/5`; the tail of `atanh z = Σ z^{2k+1}/(2k+1)` after the power `z^{2K+1}` is
//!   bounded by `|z^{2K+1}|·z²/(1−z²) ≤ |z^{2K+1}|`.
//!
//! Endpoints are dyadic rationals with about `prec_bits + 24` significant bits (plus the bits of
//! the exponent), so their size stays proportional to the requested precision.
//!
//! ```
//! use tropical_algebra::{enclosure::{exp_enclosure, ln_enclosure}, Rat, Scalar};
//! let one = Rat::one();
//! let e = exp_enclosure(&one, 64);
//! assert!(e.lo() < e.hi());
//! assert!(e.to_f64_pair().0 <= std::f64::consts::E && std::f64::consts::E <= e.to_f64_pair().1);
//! // ln(exp(1)) ∋ 1, checked exactly on the enclosures (ln is increasing):
//! assert!(ln_enclosure(e.lo(), 64).unwrap().lo() <= &one);
//! assert!(ln_enclosure(e.hi(), 64).unwrap().hi() >= &one);
//! ```

use std::fmt;
use std::ops::{Add, Mul, Neg, Sub};
use std::sync::Mutex;

use num_bigint::{BigInt, Sign};
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};

use crate::scalar::{Scalar, ScalarError};

/// A closed interval `[lo, hi]` of exact scalars, `lo ≤ hi`.
///
/// Arithmetic is exact interval arithmetic: the result of `I ∘ J` is the smallest interval
/// containing `{x ∘ y : x ∈ I, y ∈ J}`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Interval<S: Scalar> {
    lo: S,
    hi: S,
}

impl<S: Scalar> Interval<S> {
    /// The interval `[lo, hi]`; errors when `lo > hi`.
    pub fn new(lo: S, hi: S) -> Result<Self, ScalarError> {
        if lo > hi {
            return Err(ScalarError::Domain(format!(
                "empty interval: lower end {lo} exceeds upper end {hi}"
            )));
        }
        Ok(Interval { lo, hi })
    }
    /// The degenerate interval `[x, x]`.
    pub fn point(x: S) -> Self {
        Interval {
            lo: x.clone(),
            hi: x,
        }
    }
    /// Lower endpoint.
    pub fn lo(&self) -> &S {
        &self.lo
    }
    /// Upper endpoint.
    pub fn hi(&self) -> &S {
        &self.hi
    }
    /// `lo ≤ x ≤ hi`.
    pub fn contains(&self, x: &S) -> bool {
        &self.lo <= x && x <= &self.hi
    }
    /// `hi − lo`.
    pub fn width(&self) -> S {
        self.hi.clone() - &self.lo
    }
    /// The midpoint `(lo + hi)/2`.
    pub fn midpoint(&self) -> S {
        (self.lo.clone() + &self.hi) / S::from_i64(2)
    }
    /// Whether the two intervals share a point.
    pub fn intersects(&self, other: &Self) -> bool {
        self.lo <= other.hi && other.lo <= self.hi
    }
    /// Whether `other ⊆ self`.
    pub fn contains_interval(&self, other: &Self) -> bool {
        self.lo <= other.lo && other.hi <= self.hi
    }
    /// Exact quotient interval; errors with [`ScalarError::DivisionByZero`] when `0 ∈ rhs`.
    pub fn checked_div(&self, rhs: &Self) -> Result<Self, ScalarError> {
        if !rhs.lo.is_positive() && !rhs.hi.is_negative() {
            return Err(ScalarError::DivisionByZero);
        }
        let inv = Interval {
            lo: rhs.hi.recip()?,
            hi: rhs.lo.recip()?,
        };
        Ok(self * &inv)
    }
    /// The interval scaled by an exact scalar.
    pub fn scale(&self, c: &S) -> Self {
        let a = self.lo.clone() * c;
        let b = self.hi.clone() * c;
        if a <= b {
            Interval { lo: a, hi: b }
        } else {
            Interval { lo: b, hi: a }
        }
    }
    /// The interval shifted by an exact scalar.
    pub fn shift(&self, c: &S) -> Self {
        Interval {
            lo: self.lo.clone() + c,
            hi: self.hi.clone() + c,
        }
    }
    /// Endpoints as `f64` (lossy; display only).
    pub fn to_f64_pair(&self) -> (f64, f64) {
        (self.lo.to_f64(), self.hi.to_f64())
    }
    /// The smallest interval with dyadic endpoints `m/2^bits` containing `self` (outward
    /// rounding; keeps endpoint sizes bounded).
    pub fn round_outward(&self, bits: u32) -> Self {
        let lo = self.lo.to_big_rational();
        let hi = self.hi.to_big_rational();
        let den = BigInt::one() << bits as usize;
        let l = floor_scaled(&lo, bits);
        let h = ceil_scaled(&hi, bits);
        Interval {
            lo: S::from_big_rational_owned(BigRational::new(l, den.clone())),
            hi: S::from_big_rational_owned(BigRational::new(h, den)),
        }
    }
}

impl<S: Scalar> fmt::Debug for Interval<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}, {}]", self.lo, self.hi)
    }
}
impl<S: Scalar> fmt::Display for Interval<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (a, b) = self.to_f64_pair();
        write!(f, "[{a:e}, {b:e}]")
    }
}

impl<S: Scalar> Add<&Interval<S>> for &Interval<S> {
    type Output = Interval<S>;
    fn add(self, rhs: &Interval<S>) -> Interval<S> {
        Interval {
            lo: self.lo.clone() + &rhs.lo,
            hi: self.hi.clone() + &rhs.hi,
        }
    }
}
impl<S: Scalar> Sub<&Interval<S>> for &Interval<S> {
    type Output = Interval<S>;
    fn sub(self, rhs: &Interval<S>) -> Interval<S> {
        Interval {
            lo: self.lo.clone() - &rhs.hi,
            hi: self.hi.clone() - &rhs.lo,
        }
    }
}
impl<S: Scalar> Mul<&Interval<S>> for &Interval<S> {
    type Output = Interval<S>;
    fn mul(self, rhs: &Interval<S>) -> Interval<S> {
        let p = [
            self.lo.clone() * &rhs.lo,
            self.lo.clone() * &rhs.hi,
            self.hi.clone() * &rhs.lo,
            self.hi.clone() * &rhs.hi,
        ];
        let lo = p.iter().min().cloned().unwrap_or_default();
        let hi = p.iter().max().cloned().unwrap_or_default();
        Interval { lo, hi }
    }
}
impl<S: Scalar> Neg for &Interval<S> {
    type Output = Interval<S>;
    fn neg(self) -> Interval<S> {
        Interval {
            lo: -self.hi.clone(),
            hi: -self.lo.clone(),
        }
    }
}
macro_rules! by_value {
    ($Tr:ident, $m:ident) => {
        impl<S: Scalar> $Tr for Interval<S> {
            type Output = Interval<S>;
            fn $m(self, rhs: Interval<S>) -> Interval<S> {
                (&self).$m(&rhs)
            }
        }
        impl<S: Scalar> $Tr<&Interval<S>> for Interval<S> {
            type Output = Interval<S>;
            fn $m(self, rhs: &Interval<S>) -> Interval<S> {
                (&self).$m(rhs)
            }
        }
    };
}
by_value!(Add, add);
by_value!(Sub, sub);
by_value!(Mul, mul);
impl<S: Scalar> Neg for Interval<S> {
    type Output = Interval<S>;
    fn neg(self) -> Interval<S> {
        -&self
    }
}

// ---------------------------------------------------------------------------------------------
// Fixed-point machinery: a value `v` is enclosed by `[lo, hi] / 2^w` (w implicit).

#[derive(Clone, Debug)]
struct Fx {
    lo: BigInt,
    hi: BigInt,
}

fn pow2(w: u32) -> BigInt {
    BigInt::one() << w as usize
}
fn floor_div(x: &BigInt, d: &BigInt) -> BigInt {
    x.div_floor(d)
}
fn ceil_div(x: &BigInt, d: &BigInt) -> BigInt {
    -((-x).div_floor(d))
}
/// `⌊x / 2^w⌋` by a shift (num-bigint's `>>` rounds towards −∞ for negative values, as the
/// unit test `shifts_round_like_floor_div` checks); a general division here cost three quarters
/// of a certification run's time.
fn floor_shr(x: &BigInt, w: u32) -> BigInt {
    x >> w as usize
}
/// `⌈x / 2^w⌉` by a shift.
fn ceil_shr(x: &BigInt, w: u32) -> BigInt {
    -((-x) >> w as usize)
}
/// `⌊q·2^w⌋`.
fn floor_scaled(q: &BigRational, w: u32) -> BigInt {
    floor_div(&(q.numer() << w as usize), q.denom())
}
/// `⌈q·2^w⌉`.
fn ceil_scaled(q: &BigRational, w: u32) -> BigInt {
    ceil_div(&(q.numer() << w as usize), q.denom())
}
/// Exact product of two enclosures, rounded outward back to scale `w`.
fn fx_mul(x: &Fx, y: &Fx, w: u32) -> Fx {
    let p = [&x.lo * &y.lo, &x.lo * &y.hi, &x.hi * &y.lo, &x.hi * &y.hi];
    let min = p.iter().min().expect("four products");
    let max = p.iter().max().expect("four products");
    Fx {
        lo: floor_shr(min, w),
        hi: ceil_shr(max, w),
    }
}
/// Enclosure divided by a positive integer, rounded outward.
fn fx_div_int(x: &Fx, n: u64) -> Fx {
    let d = BigInt::from(n);
    Fx {
        lo: floor_div(&x.lo, &d),
        hi: ceil_div(&x.hi, &d),
    }
}
fn fx_abs_bound(x: &Fx) -> BigInt {
    x.lo.abs().max(x.hi.abs())
}
/// Rescale an enclosure from scale `from ≥ to` down to scale `to`, outward.
fn fx_rescale(x: &Fx, from: u32, to: u32) -> Fx {
    Fx {
        lo: floor_shr(&x.lo, from - to),
        hi: ceil_shr(&x.hi, from - to),
    }
}

static LN2_CACHE: Mutex<Option<(u32, Fx)>> = Mutex::new(None);

/// Enclosure of `ln 2` at scale `w`, at most 2 ulps (`2^{1−w}`) wide whatever the cache holds.
///
/// The series `Σ_{n=1}^{N} 1/(n·2^n)` plus the tail bound `2^{-N}` is summed at `w + g` bits
/// with `N = w + g + 1` terms, each rounded outward (so `N + 1` ulps of slack at that scale), and
/// `g = bits(N + 2)` guard bits make that slack less than one ulp at scale `w`; then rescaled
/// outward to `w`. The widest-scale result is cached.
fn ln2_fx(w: u32) -> Fx {
    let guard_bits = u32::BITS - (w + 40).leading_zeros() + 1;
    let wg = w + guard_bits;
    if let Ok(guard) = LN2_CACHE.lock() {
        if let Some((cw, c)) = guard.as_ref() {
            if *cw >= wg {
                return fx_rescale(c, *cw, w);
            }
        }
    }
    let one = pow2(wg);
    let mut lo = BigInt::zero();
    let mut hi = BigInt::zero();
    let n_terms = wg + 1;
    for n in 1..=n_terms {
        let d = BigInt::from(n) << n as usize;
        lo += floor_div(&one, &d);
        hi += ceil_div(&one, &d);
    }
    // Tail Σ_{n>N} 1/(n 2^n) ≤ 1/((N+1) 2^N) < 2^{-N} = 2^{-(wg+1)}: at most one ulp.
    hi += 1;
    let r = Fx { lo, hi };
    if let Ok(mut guard) = LN2_CACHE.lock() {
        let better = guard.as_ref().is_none_or(|(cw, _)| *cw < wg);
        if better {
            *guard = Some((wg, r.clone()));
        }
    }
    fx_rescale(&r, wg, w)
}

/// Enclosure of `exp(a)` for the exact dyadic `a = a_num / 2^w`, `|a| ≤ 1/2`.
fn exp_point(a_num: &BigInt, w: u32) -> Fx {
    debug_assert!(a_num.abs() <= pow2(w.saturating_sub(1)));
    let one = pow2(w);
    let a = Fx {
        lo: a_num.clone(),
        hi: a_num.clone(),
    };
    let mut sum = Fx {
        lo: one.clone(),
        hi: one.clone(),
    };
    let mut t = sum.clone();
    let mut n: u64 = 1;
    loop {
        t = fx_div_int(&fx_mul(&t, &a, w), n);
        sum.lo += &t.lo;
        sum.hi += &t.hi;
        let b = fx_abs_bound(&t);
        if b <= BigInt::one() || n > 10_000 {
            // Tail after t_n: |Σ_{m>n} a^m/m!| ≤ |t_n|·q/(1−q) with q = |a|/(n+1) ≤ 1/2, so ≤ |t_n|.
            sum.lo -= &b + 1;
            sum.hi += &b + 1;
            return sum;
        }
        n += 1;
    }
}

/// Enclosure of `atanh(a)` for the exact dyadic `a = a_num / 2^w`, `|a| ≤ 1/4`.
fn atanh_point(a_num: &BigInt, w: u32) -> Fx {
    debug_assert!(a_num.abs() <= pow2(w.saturating_sub(2)));
    let a = Fx {
        lo: a_num.clone(),
        hi: a_num.clone(),
    };
    let a2 = fx_mul(&a, &a, w);
    let mut p = a.clone();
    let mut sum = a;
    let mut k: u64 = 0;
    loop {
        let b = fx_abs_bound(&p);
        if b <= BigInt::one() || k > 10_000 {
            // Tail after the power a^{2k+1}: ≤ |a^{2k+1}|·a²/(1−a²) ≤ |a^{2k+1}|.
            sum.lo -= &b + 1;
            sum.hi += &b + 1;
            return sum;
        }
        k += 1;
        p = fx_mul(&p, &a2, w);
        let t = fx_div_int(&p, 2 * k + 1);
        sum.lo += &t.lo;
        sum.hi += &t.hi;
    }
}

/// `m · 2^s` as an exact rational (`s` may be negative).
fn dyadic(m: BigInt, s: i64) -> BigRational {
    if s >= 0 {
        BigRational::from_integer(m << s as usize)
    } else {
        BigRational::new(m, BigInt::one() << (-s) as usize)
    }
}

fn bits_of(n: &BigInt) -> u32 {
    n.bits().min(u64::from(u32::MAX)) as u32
}

/// Largest `|x|` accepted by [`try_exp_enclosure`] for positive `x` (`e^x` must fit in memory);
/// more negative arguments give the enclosure `[0, 2^{-(prec_bits+1)}]`.
pub const EXP_ARG_MAX: i64 = 1 << 20;

/// Certified enclosure of `e^x`, or an error when `x > EXP_ARG_MAX` (the value has more than
/// 1.5 million bits).
///
/// Width `≤ 2^{-prec_bits}·max(1, e^x)`; the endpoints are dyadic.
pub fn try_exp_enclosure<S: Scalar>(x: &S, prec_bits: u32) -> Result<Interval<S>, ScalarError> {
    let q = x.to_big_rational();
    if q.is_zero() {
        return Ok(Interval::point(S::one()));
    }
    let limit = BigRational::from_integer(BigInt::from(EXP_ARG_MAX));
    if q > limit {
        return Err(ScalarError::Domain(format!(
            "exp({}) too large: argument exceeds {EXP_ARG_MAX}",
            x
        )));
    }
    let prec_bits = prec_bits.min(1 << 20);
    if q < -limit {
        // e^x < 2^{-1.44·2^20} < 2^{-(prec+1)}.
        let hi = dyadic(BigInt::one(), -(i64::from(prec_bits) + 1));
        return Ok(Interval {
            lo: S::zero(),
            hi: S::from_big_rational(&hi),
        });
    }
    let mag = bits_of(&q.abs().ceil().to_integer());
    let w = prec_bits + mag + 24;
    let ln2 = ln2_fx(w);
    let xl = floor_scaled(&q, w);
    let xh = ceil_scaled(&q, w);
    // k = round(x / ln 2) (any integer is correct; this one makes |r| ≤ ln2/2 + tiny).
    let k = floor_div(&(&xl + (&ln2.lo >> 1usize)), &ln2.lo);
    let (kl, kh) = if k.sign() == Sign::Minus {
        (&k * &ln2.hi, &k * &ln2.lo)
    } else {
        (&k * &ln2.lo, &k * &ln2.hi)
    };
    let rl = &xl - &kh;
    let rh = &xh - &kl;
    let half = pow2(w - 1);
    if rl.abs() > half || rh.abs() > half {
        return Err(ScalarError::Domain(format!(
            "internal: argument reduction of exp({x}) failed"
        )));
    }
    let el = exp_point(&rl, w).lo;
    let eh = exp_point(&rh, w).hi;
    let k = k
        .to_i64()
        .ok_or_else(|| ScalarError::Domain(format!("exp({x}): exponent overflow")))?;
    let s = k - i64::from(w);
    Ok(Interval {
        lo: S::from_big_rational(&dyadic(el.max(BigInt::zero()), s)),
        hi: S::from_big_rational(&dyadic(eh, s)),
    })
}

/// Certified enclosure of `e^x`: an interval with dyadic endpoints that contains the true value,
/// of width `≤ 2^{-prec_bits}·max(1, e^x)`.
///
/// For `x < −EXP_ARG_MAX` the result is `[0, 2^{-(prec_bits+1)}]`.
///
/// # Panics
/// When `x > EXP_ARG_MAX` (`2^20`): `e^x` would have over 1.5 million bits. Use
/// [`try_exp_enclosure`] for untrusted arguments.
pub fn exp_enclosure<S: Scalar>(x: &S, prec_bits: u32) -> Interval<S> {
    match try_exp_enclosure(x, prec_bits) {
        Ok(i) => i,
        Err(e) => panic!("exp_enclosure: {e}"),
    }
}

/// Certified enclosure of the natural logarithm `ln x` for `x > 0`, absolute width about
/// `2^{-prec_bits}`; `ln 1 = 0` exactly. Errors with [`ScalarError::Domain`] when `x ≤ 0`.
pub fn ln_enclosure<S: Scalar>(x: &S, prec_bits: u32) -> Result<Interval<S>, ScalarError> {
    let q = x.to_big_rational();
    if !q.is_positive() {
        return Err(ScalarError::Domain(format!(
            "ln({x}): the logarithm needs a positive argument"
        )));
    }
    if q.is_one() {
        return Ok(Interval::point(S::zero()));
    }
    let prec_bits = prec_bits.min(1 << 20);
    // x = 2^e · m with m ∈ [3/4, 3/2].
    let mut e = i64::try_from(q.numer().bits()).unwrap_or(i64::MAX)
        - i64::try_from(q.denom().bits()).unwrap_or(i64::MAX);
    let mut m = &q / dyadic(BigInt::one(), e);
    let three_quarters = BigRational::new(3.into(), 4.into());
    let three_halves = BigRational::new(3.into(), 2.into());
    let two = BigRational::from_integer(2.into());
    while m < three_quarters {
        m *= &two;
        e -= 1;
    }
    while m > three_halves {
        m /= &two;
        e += 1;
    }
    let e_bits = 64 - e.unsigned_abs().leading_zeros();
    let w = prec_bits + e_bits + 24;
    let one = BigRational::one();
    let z = (&m - &one) / (&m + &one);
    let zl = floor_scaled(&z, w);
    let zh = ceil_scaled(&z, w);
    // atanh is increasing: atanh(z) ∈ [atanh_lo(zl), atanh_hi(zh)].
    let al = atanh_point(&zl, w).lo;
    let ah = atanh_point(&zh, w).hi;
    let (mut lo, mut hi) = (al * 2, ah * 2);
    if e != 0 {
        let ln2 = ln2_fx(w);
        let eb = BigInt::from(e);
        if e > 0 {
            lo += &eb * &ln2.lo;
            hi += &eb * &ln2.hi;
        } else {
            lo += &eb * &ln2.hi;
            hi += &eb * &ln2.lo;
        }
    }
    let s = -i64::from(w);
    Ok(Interval {
        lo: S::from_big_rational(&dyadic(lo, s)),
        hi: S::from_big_rational(&dyadic(hi, s)),
    })
}

/// Enclosure of `ln` over an interval with positive endpoints (ln is increasing).
fn ln_of_interval<S: Scalar>(i: &Interval<S>, prec_bits: u32) -> Result<Interval<S>, ScalarError> {
    let lo = ln_enclosure(&i.lo, prec_bits)?.lo;
    let hi = ln_enclosure(&i.hi, prec_bits)?.hi;
    Ok(Interval { lo, hi })
}

fn check_scores<S: Scalar>(s: &[S], tau: &S) -> Result<S, ScalarError> {
    if !tau.is_positive() {
        return Err(ScalarError::Domain(format!(
            "temperature τ = {tau} must be positive"
        )));
    }
    s.iter()
        .max()
        .cloned()
        .ok_or_else(|| ScalarError::Domain("empty score vector".into()))
}

/// Extra bits to absorb `n` summands and a temperature factor `τ`.
fn guard_bits<S: Scalar>(n: usize, tau: &S) -> u32 {
    let n_bits = usize::BITS - n.leading_zeros();
    let tau_bits = bits_of(&tau.ceil()).max(1);
    n_bits + tau_bits + 8
}

/// The enclosures of `exp((s_j − max s)/τ)` (each in `[0, 1]`, the maximisers exactly 1), with
/// endpoints on the grid `2^{-(prec+2)}` and width `≤ 2^{-prec}`.
///
/// The absolute grid keeps the later sums and quotients small: an argument below `−(prec + 2)`
/// (where `e^x < 2^{-(prec+2)}`, as ln 2 < 1) is enclosed by `[0, 2^{-(prec+2)}]` without
/// evaluating `exp`, and the others are rounded outward to the grid, instead of carrying
/// denominators near `2^{1.44·|x|}` (a score gap of 1 at τ = 10⁻³ is `|x|` = 1000).
fn shifted_exps<S: Scalar>(s: &[S], tau: &S, max: &S, prec: u32) -> Vec<Interval<S>> {
    let grid = prec + 2;
    let cutoff = -S::from_i64(i64::from(grid));
    let tiny = Interval {
        lo: S::zero(),
        hi: S::from_big_rational(&dyadic(BigInt::one(), -i64::from(grid))),
    };
    s.iter()
        .map(|sj| {
            let arg = (sj.clone() - max) / tau;
            if arg < cutoff {
                return tiny.clone();
            }
            // arg ≤ 0, so the positive cap of try_exp_enclosure never triggers; the rounding
            // adds at most 2·2^{-(prec+2)} to the width 2^{-(prec+1)} computed here.
            exp_enclosure(&arg, prec + 1).round_outward(grid)
        })
        .collect()
}

/// Certified enclosure of `LSE_τ(s) = τ·log Σ_i exp(s_i/τ)` (SPEC §1), computed as
/// `max s + τ·log Σ_i exp((s_i − max s)/τ)`; absolute width about `τ·2^{-prec_bits}`.
///
/// Errors when `s` is empty or `τ ≤ 0`.
pub fn lse_enclosure<S: Scalar>(
    s: &[S],
    tau: &S,
    prec_bits: u32,
) -> Result<Interval<S>, ScalarError> {
    let max = check_scores(s, tau)?;
    let prec = prec_bits + guard_bits(s.len(), tau);
    let exps = shifted_exps(s, tau, &max, prec);
    let mut sum = Interval::point(S::zero());
    for e in &exps {
        sum = &sum + e;
    }
    let sum = sum.round_outward(prec);
    let l = ln_of_interval(&sum, prec)?;
    Ok(l.scale(tau).shift(&max).round_outward(prec))
}

/// Certified enclosures of every `softmax_τ(s)_j = exp(s_j/τ) / Σ_i exp(s_i/τ)` (SPEC §1),
/// computed relative to `max s`. Each enclosure uses the monotonicity of `p_j` (increasing in
/// the j-th exponential, decreasing in the others), so it is tight up to about `2^{-prec_bits}`.
///
/// Errors when `s` is empty or `τ ≤ 0`.
pub fn softmax_enclosure<S: Scalar>(
    s: &[S],
    tau: &S,
    prec_bits: u32,
) -> Result<Vec<Interval<S>>, ScalarError> {
    let max = check_scores(s, tau)?;
    let prec = prec_bits + guard_bits(s.len(), tau);
    let exps = shifted_exps(s, tau, &max, prec);
    softmax_from_exps(&exps, prec)
}

/// Certified enclosures of `{softmax_τ(s)_j : s ∈ scores}` for every `j`, where `scores` is a
/// box (e.g. exact scores times an enclosed irrational scale `1/√d_k`). By the monotonicity of
/// [`softmax_enclosure`], `p_j` is smallest at `s_j = lo_j` with every other score at its `hi`,
/// and largest the other way round, so one enclosure of `exp((lo_i − m)/τ)` and one of
/// `exp((hi_i − m)/τ)` per score (`m = max_i hi_i`) bound every `p_j`: `2N` exponentials
/// instead of the `2N²` of evaluating [`softmax_enclosure`] at the `2N` extreme corners. For a
/// box of points this is exactly [`softmax_enclosure`].
///
/// The one shift `m` keeps the bounds tight only while every denominator stays near `1`, which
/// holds when no box is wider than `τ` (then `e_j ≥ e^{-1}` for the `j` of `m`): the case of
/// exact scores times an enclosed scale. A box wider than `τ` is enclosed corner by corner, each
/// corner relative to its own maximum, as tight as [`softmax_enclosure`].
///
/// Errors when `scores` is empty or `τ ≤ 0`.
///
/// ```
/// use tropical_algebra::enclosure::{softmax_box_enclosure, softmax_enclosure, Interval};
/// use tropical_algebra::{Rat, Scalar};
/// let q = |n: i64, d: i64| Rat::from_ratio(n, d).unwrap();
/// let tau = Rat::one();
/// let points = [Interval::point(q(1, 2)), Interval::point(q(-1, 3))];
/// let exact = softmax_enclosure(&[q(1, 2), q(-1, 3)], &tau, 64).unwrap();
/// assert_eq!(softmax_box_enclosure(&points, &tau, 64).unwrap(), exact);
/// // widen the first score: its weight's enclosure widens and still holds the point value
/// let boxed = [Interval::new(q(0, 1), q(1, 1)).unwrap(), Interval::point(q(-1, 3))];
/// let p = softmax_box_enclosure(&boxed, &tau, 64).unwrap();
/// assert!(p[0].contains_interval(&exact[0]) && p[1].contains_interval(&exact[1]));
/// ```
pub fn softmax_box_enclosure<S: Scalar>(
    scores: &[Interval<S>],
    tau: &S,
    prec_bits: u32,
) -> Result<Vec<Interval<S>>, ScalarError> {
    let his: Vec<S> = scores.iter().map(|iv| iv.hi.clone()).collect();
    let max = check_scores(&his, tau)?;
    if scores.iter().any(|iv| iv.width() > *tau) {
        return softmax_corners(scores, tau, prec_bits);
    }
    let prec = prec_bits + guard_bits(scores.len(), tau);
    let exps_hi = shifted_exps(&his, tau, &max, prec);
    let exps = if scores.iter().all(|iv| iv.lo == iv.hi) {
        exps_hi
    } else {
        let los: Vec<S> = scores.iter().map(|iv| iv.lo.clone()).collect();
        let exps_lo = shifted_exps(&los, tau, &max, prec);
        exps_lo
            .into_iter()
            .zip(exps_hi)
            .map(|(l, h)| Interval { lo: l.lo, hi: h.hi })
            .collect()
    };
    softmax_from_exps(&exps, prec)
}

/// [`softmax_box_enclosure`] for a wide box: [`softmax_enclosure`] at the two extreme corners of
/// every `p_j`, each relative to its own maximum.
fn softmax_corners<S: Scalar>(
    scores: &[Interval<S>],
    tau: &S,
    prec_bits: u32,
) -> Result<Vec<Interval<S>>, ScalarError> {
    (0..scores.len())
        .map(|j| {
            let corner = |own_hi: bool| -> Vec<S> {
                let end = |i: usize, s: &Interval<S>| {
                    if (i == j) == own_hi {
                        s.hi.clone()
                    } else {
                        s.lo.clone()
                    }
                };
                scores.iter().enumerate().map(|(i, s)| end(i, s)).collect()
            };
            let lo = softmax_enclosure(&corner(false), tau, prec_bits)?[j]
                .lo
                .clone();
            let hi = softmax_enclosure(&corner(true), tau, prec_bits)?[j]
                .hi
                .clone();
            Interval::new(lo, hi)
        })
        .collect()
}

/// The enclosures of `p_j = e_j / Σ_i e_i` over every `e` in the box `exps` (positive
/// intervals), rounded outward to `prec` bits.
fn softmax_from_exps<S: Scalar>(
    exps: &[Interval<S>],
    prec: u32,
) -> Result<Vec<Interval<S>>, ScalarError> {
    let sum_lo: S = exps.iter().map(|e| e.lo.clone()).sum();
    let sum_hi: S = exps.iter().map(|e| e.hi.clone()).sum();
    exps.iter()
        .map(|e| {
            // p_j ≥ e_lo / (e_lo + Σ_{i≠j} e_i,hi),  p_j ≤ e_hi / (e_hi + Σ_{i≠j} e_i,lo).
            let den_lo = sum_hi.clone() - &e.hi + &e.lo;
            let den_hi = sum_lo.clone() - &e.lo + &e.hi;
            // den_lo = 0 only when e_lo = 0 and no other term (a box of one score whose low
            // end underflows the grid): p_j ≥ 0 still holds. den_hi ≥ e_hi > 0.
            let lo = if den_lo.is_zero() {
                S::zero()
            } else {
                e.lo.checked_div(&den_lo)?
            };
            let hi = e.hi.checked_div(&den_hi)?.min(S::one());
            Ok(Interval { lo, hi }.round_outward(prec))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Rat;

    #[test]
    fn shifts_round_like_floor_div() {
        let big = (BigInt::one() << 200usize) + BigInt::from(12345);
        for x in [
            BigInt::from(0),
            BigInt::from(7),
            BigInt::from(-7),
            BigInt::from(-8),
            BigInt::from(8),
            big.clone(),
            -big,
        ] {
            for w in [0u32, 1, 3, 64, 130] {
                let d = pow2(w);
                assert_eq!(floor_shr(&x, w), floor_div(&x, &d), "floor {x} / 2^{w}");
                assert_eq!(ceil_shr(&x, w), ceil_div(&x, &d), "ceil {x} / 2^{w}");
            }
        }
    }

    #[test]
    fn ln2_digits() {
        let l = ln2_fx(100);
        let lo = dyadic(l.lo, -100);
        let hi = dyadic(l.hi, -100);
        // ln 2 = 0.69314718055994530941723212145817656807...
        let ref_lo = BigRational::new(
            "69314718055994530941723212145817".parse().unwrap(),
            BigInt::from(10u32).pow(32),
        );
        let ref_hi = &ref_lo + BigRational::new(1.into(), BigInt::from(10u32).pow(32));
        assert!(lo <= ref_hi && ref_lo <= hi);
        assert!(&hi - &lo < dyadic(BigInt::one(), -95));
    }

    /// Hypothesis: arguments (s_j − max)/τ from 0 down to −10⁴ (τ = 10⁻³). Conclusion: every
    /// shifted exponential has both endpoints on the grid `2^{-(prec+2)}`, width ≤ `2^{-prec}`,
    /// and contains `e^x` (checked against the plain `exp_enclosure` at higher precision, which
    /// it must meet); below `−(prec + 2)` it is exactly `[0, 2^{-(prec+2)}]`.
    #[test]
    fn shifted_exps_on_the_grid() {
        let prec = 30;
        let tau = Rat::from_ratio(1, 1000).unwrap();
        let s: Vec<Rat> = [0i64, -1, -20, -31, -33, -1000, -10000]
            .iter()
            .map(|&k| Rat::from_ratio(k, 1000).unwrap())
            .collect();
        let grid = BigInt::one() << (prec as usize + 2);
        for (e, sj) in shifted_exps(&s, &tau, &Rat::zero(), prec).iter().zip(&s) {
            for end in [&e.lo, &e.hi] {
                let q = end.to_big_rational();
                assert!((&grid % q.denom()).is_zero(), "{end} is off the grid");
            }
            assert!(e.width() <= dyadic(BigInt::one(), -i64::from(prec)).into());
            let x = sj.clone() / &tau;
            let fine = exp_enclosure(&x, prec + 20);
            assert!(e.lo <= fine.hi && fine.lo <= e.hi, "{e:?} misses {fine:?}");
            if x < Rat::from_i64(-(i64::from(prec) + 2)) {
                assert!(
                    e.lo.is_zero()
                        && e.hi.to_big_rational() == dyadic(BigInt::one(), -(i64::from(prec) + 2))
                );
            }
        }
    }

    #[test]
    fn exp_one_contains_e() {
        let e = exp_enclosure(&Rat::one(), 80);
        // e = 2.71828182845904523536028747135266249775...
        let r_lo: Rat = "2.718281828459045235360287471352".parse().unwrap();
        let r_hi: Rat = "2.718281828459045235360287471353".parse().unwrap();
        assert!(e.lo() <= &r_hi && &r_lo <= e.hi(), "{e:?}");
    }
}
