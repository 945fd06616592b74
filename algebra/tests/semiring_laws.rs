//! SPEC T1: the semiring laws for every semiring × every exact scalar backend, infinities included.
//!
//! Each property: hypothesis — `a, b, c` are arbitrary elements (finite rationals with small
//! numerators/denominators, or the infinite element); conclusion — the law holds with exact
//! equality. Strategies put weight on the infinite elements so absorption is exercised.

use proptest::prelude::*;
use tropical_algebra::semiring::{Boolean, MaxPlus, MinPlus, Semiring};
use tropical_algebra::Scalar;

fn scalar<S: Scalar>() -> impl Strategy<Value = S> {
    (-40i64..40, 1i64..7).prop_map(|(p, q)| S::from_ratio(p, q).unwrap())
}

fn maxplus<S: Scalar>() -> impl Strategy<Value = MaxPlus<S>> {
    prop_oneof![1 => Just(MaxPlus::NegInf), 3 => scalar::<S>().prop_map(MaxPlus::Finite)]
}

fn minplus<S: Scalar>() -> impl Strategy<Value = MinPlus<S>> {
    prop_oneof![1 => Just(MinPlus::PosInf), 3 => scalar::<S>().prop_map(MinPlus::Finite)]
}

fn boolean() -> impl Strategy<Value = Boolean> {
    any::<bool>().prop_map(Boolean)
}

/// Checks every T1 law on one triple; returns the first violated law's name.
fn check_laws<K: Semiring>(a: &K, b: &K, c: &K) -> Result<(), TestCaseError> {
    prop_assert_eq!(a.add(&b.add(c)), a.add(b).add(c), "⊕ associative");
    prop_assert_eq!(a.mul(&b.mul(c)), a.mul(b).mul(c), "⊙ associative");
    prop_assert_eq!(a.add(b), b.add(a), "⊕ commutative");
    prop_assert_eq!(a.mul(b), b.mul(a), "⊙ commutative");
    prop_assert_eq!(
        a.mul(&b.add(c)),
        a.mul(b).add(&a.mul(c)),
        "left distributive"
    );
    prop_assert_eq!(
        b.add(c).mul(a),
        b.mul(a).add(&c.mul(a)),
        "right distributive"
    );
    prop_assert_eq!(a.add(a), a.clone(), "⊕ idempotent");
    prop_assert_eq!(a.add(&K::zero()), a.clone(), "zero is the ⊕ identity");
    prop_assert_eq!(a.mul(&K::zero()), K::zero(), "zero absorbs ⊙");
    prop_assert!(a.mul(&K::zero()).is_zero(), "is_zero agrees with zero()");
    prop_assert_eq!(a.mul(&K::one()), a.clone(), "one is the ⊙ identity");
    prop_assert_eq!(a.pow(3), a.mul(a).mul(a), "pow = repeated ⊙");
    Ok(())
}

macro_rules! laws_for_backend {
    ($modname:ident, $S:ty) => {
        mod $modname {
            use super::*;
            proptest! {
                #![proptest_config(ProptestConfig::with_cases(256))]
                /// T1 for max-plus over this backend.
                #[test]
                fn maxplus_laws(a in maxplus::<$S>(), b in maxplus::<$S>(), c in maxplus::<$S>()) {
                    check_laws(&a, &b, &c)?;
                    // ⊕ is the max of the order in which -∞ is least.
                    prop_assert_eq!(a.add(&b), std::cmp::max(a.clone(), b.clone()));
                }
                /// T1 for min-plus over this backend, and the mirror `x ↦ -x` is an isomorphism.
                #[test]
                fn minplus_laws(a in minplus::<$S>(), b in minplus::<$S>(), c in minplus::<$S>()) {
                    check_laws(&a, &b, &c)?;
                    prop_assert_eq!(a.add(&b).mirror(), a.mirror().add(&b.mirror()));
                    prop_assert_eq!(a.mul(&b).mirror(), a.mirror().mul(&b.mirror()));
                    prop_assert_eq!(a.mirror().mirror(), a);
                }
            }
        }
    };
}

laws_for_backend!(rat, tropical_algebra::Rat);
#[cfg(feature = "gmp")]
laws_for_backend!(gmp, tropical_algebra::GmpRat);

proptest! {
    /// T1 for the Boolean semiring (exhaustive in effect: 8 triples).
    #[test]
    fn boolean_laws(a in boolean(), b in boolean(), c in boolean()) {
        check_laws(&a, &b, &c)?;
    }
}
