//! **T1 — tropical semiring laws** (SPEC §1 and §3 T1; e.g. Maclagan & Sturmfels, *Introduction to
//! Tropical Geometry*, §1.1; proved in `coq/T1_Semiring.v`).
//!
//! *Inputs.* Elements of `tropical_algebra::semiring::{MaxPlus<Rat>, MinPlus<Rat>, Boolean}`, with the
//! infinite element (`-∞` / `+∞`) generated often (≈ 1 in 4) and small rationals so that ties `a = b`
//! are frequent.
//! *Conclusion.* `⊕` and `⊙` associative and commutative; `⊙` distributes over `⊕` (both sides);
//! `⊕` idempotent; tropical zero is the `⊕`-identity and **absorbing** for `⊙`; tropical one is the
//! `⊙`-identity; `pow(k)` is the `k`-fold product; the mirror `x ↦ −x` is a semiring isomorphism
//! `MaxPlus ≅ MinPlus`.
//!
//! *Two ways.* Every `⊕`/`⊙` result is compared with an independent reference written here
//! (explicit case analysis on `Option<Rat>` with `None = ∓∞`). `Boolean` is checked exhaustively.

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use tropical_algebra::semiring::{Boolean, MaxPlus, MinPlus, Semiring};
use tropical_algebra::Rat;

/// SPEC id.
pub const ID: &str = "T1";
/// One-line statement.
pub const STATEMENT: &str = "Tropical semiring laws: assoc., comm., distrib., idempotent ⊕, absorbing -∞ (max-plus, min-plus mirror, Boolean)";

/// A triple of elements (`None` = the infinite element).
pub type Triple = (Option<Rat>, Option<Rat>, Option<Rat>);

/// Elements as `Option<Rat>` (`None` = the infinite element).
pub fn element() -> impl Strategy<Value = Option<Rat>> {
    prop_oneof![1 => Just(None), 3 => crate::strategies::small_rat(4).prop_map(Some)]
}

fn mp(x: &Option<Rat>) -> MaxPlus<Rat> {
    x.clone().map_or(MaxPlus::NegInf, MaxPlus::Finite)
}

fn mn(x: &Option<Rat>) -> MinPlus<Rat> {
    x.clone().map_or(MinPlus::PosInf, MinPlus::Finite)
}

/// Reference max-plus `⊕`.
fn ref_max(a: &Option<Rat>, b: &Option<Rat>) -> Option<Rat> {
    match (a, b) {
        (None, y) => y.clone(),
        (x, None) => x.clone(),
        (Some(x), Some(y)) => Some(if x >= y { x.clone() } else { y.clone() }),
    }
}

/// Reference min-plus `⊕`.
fn ref_min(a: &Option<Rat>, b: &Option<Rat>) -> Option<Rat> {
    match (a, b) {
        (None, y) => y.clone(),
        (x, None) => x.clone(),
        (Some(x), Some(y)) => Some(if x <= y { x.clone() } else { y.clone() }),
    }
}

/// Reference `⊙` (same for both: the infinite element absorbs).
fn ref_plus(a: &Option<Rat>, b: &Option<Rat>) -> Option<Rat> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.clone() + y),
        _ => None,
    }
}

fn laws<K: Semiring>(a: &K, b: &K, c: &K) -> Result<(), String> {
    let checks = [
        ("⊕ assoc", a.add(&b.add(c)) == a.add(b).add(c)),
        ("⊙ assoc", a.mul(&b.mul(c)) == a.mul(b).mul(c)),
        ("⊕ comm", a.add(b) == b.add(a)),
        ("⊙ comm", a.mul(b) == b.mul(a)),
        ("left distrib", a.mul(&b.add(c)) == a.mul(b).add(&a.mul(c))),
        ("right distrib", b.add(c).mul(a) == b.mul(a).add(&c.mul(a))),
        ("⊕ idempotent", a.add(a) == *a),
        ("zero ⊕-identity", a.add(&K::zero()) == *a),
        (
            "zero absorbing",
            a.mul(&K::zero()) == K::zero() && K::zero().mul(a) == K::zero(),
        ),
        ("one ⊙-identity", a.mul(&K::one()) == *a),
        ("pow", a.pow(3) == a.mul(a).mul(a) && a.pow(0) == K::one()),
    ];
    match checks.iter().find(|(_, ok)| !ok) {
        Some((name, _)) => Err(format!("{name} fails on ({a:?}, {b:?}, {c:?})")),
        None => Ok(()),
    }
}

/// The check on one triple.
pub fn check(t: &(Option<Rat>, Option<Rat>, Option<Rat>)) -> Result<(), TestCaseError> {
    let (a, b, c) = t;
    laws(&mp(a), &mp(b), &mp(c)).map_err(|e| TestCaseError::fail(format!("max-plus: {e}")))?;
    laws(&mn(a), &mn(b), &mn(c)).map_err(|e| TestCaseError::fail(format!("min-plus: {e}")))?;
    // Reference semantics.
    for (x, y) in [(a, b), (b, c), (a, c), (a, a)] {
        if mp(x).add(&mp(y)) != mp(&ref_max(x, y)) || mp(x).mul(&mp(y)) != mp(&ref_plus(x, y)) {
            return Err(TestCaseError::fail(format!(
                "max-plus ops differ from reference on {x:?}, {y:?}"
            )));
        }
        if mn(x).add(&mn(y)) != mn(&ref_min(x, y)) || mn(x).mul(&mn(y)) != mn(&ref_plus(x, y)) {
            return Err(TestCaseError::fail(format!(
                "min-plus ops differ from reference on {x:?}, {y:?}"
            )));
        }
        // Mirror isomorphism.
        let (px, py) = (mp(x), mp(y));
        if px.add(&py).mirror() != px.mirror().add(&py.mirror())
            || px.mul(&py).mirror() != px.mirror().mul(&py.mirror())
            || px.mirror().mirror() != px
        {
            return Err(TestCaseError::fail(format!(
                "mirror not an isomorphism on {x:?}, {y:?}"
            )));
        }
    }
    if MaxPlus::<Rat>::zero() != MaxPlus::NegInf || MaxPlus::<Rat>::one() != MaxPlus::from_i64(0) {
        return Err(TestCaseError::fail("max-plus zero/one wrong"));
    }
    Ok(())
}

/// Boolean semiring, exhaustively (8 triples).
pub fn check_boolean() -> Result<(), String> {
    for m in 0..8u8 {
        let (a, b, c) = (
            Boolean(m & 1 == 1),
            Boolean(m & 2 == 2),
            Boolean(m & 4 == 4),
        );
        laws(&a, &b, &c)?;
        if a.add(&b) != Boolean(a.0 || b.0) || a.mul(&b) != Boolean(a.0 && b.0) {
            return Err("Boolean ops differ from ∨/∧".into());
        }
    }
    Ok(())
}

/// Run.
pub fn run(cases: u32) -> Result<(), crate::config::Failure<Triple>> {
    check_boolean().map_err(|e| Box::new(((None, None, None), e)))?;
    crate::config::run_property(&(element(), element(), element()), cases, check)
}
