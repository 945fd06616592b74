//! Scale knobs and deterministic property runners.

use proptest::strategy::Strategy;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};

/// Default number of cases per property (CI: the whole crate stays within a few minutes on 2 cores).
pub const DEFAULT_CASES: u32 = 128;

/// Number of proptest cases per property: `PROOFS_CASES` if set to a positive integer, else
/// [`DEFAULT_CASES`].
pub fn cases() -> u32 {
    std::env::var("PROOFS_CASES")
        .ok()
        .and_then(|s| s.trim().parse::<u32>().ok())
        .filter(|&n| n > 0)
        .unwrap_or(DEFAULT_CASES)
}

/// `cases()` scaled by `num/den` (at least 1): for properties whose single case is expensive.
pub fn scaled_cases(num: u32, den: u32) -> u32 {
    (cases().saturating_mul(num) / den.max(1)).max(1)
}

/// The proptest configuration used by every claim test: `cases()` cases, no failure persistence
/// files (the suite runs from a fresh clone), deterministic seed so CI failures reproduce.
pub fn proptest_config() -> Config {
    config_with_cases(cases())
}

/// Like [`proptest_config`] with an explicit case count.
pub fn config_with_cases(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 4096,
        ..Config::default()
    }
}

/// A runner with a fixed ChaCha seed: the same cases (and the same shrunk counterexample) on every run.
pub fn deterministic_runner(cases: u32) -> TestRunner {
    TestRunner::new_with_rng(
        config_with_cases(cases),
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    )
}

/// The largest `measure` over `cases` instances drawn from `strategy` with the deterministic
/// runner (0 when `cases` is 0); the first error of `measure` or of drawing, as text.
pub fn max_over_instances<S: Strategy>(
    strategy: &S,
    cases: u32,
    measure: impl Fn(&S::Value) -> Result<usize, String>,
) -> Result<usize, String> {
    use proptest::strategy::ValueTree;
    let mut runner = deterministic_runner(cases);
    let mut best = 0;
    for _ in 0..cases {
        let value = strategy
            .new_tree(&mut runner)
            .map_err(|e| e.to_string())?
            .current();
        best = best.max(measure(&value)?);
    }
    Ok(best)
}

/// A shrunk failing instance and the failure message.
pub type Failure<V> = Box<(V, String)>;

/// Run `property` on `cases` instances of `strategy` (deterministic seed). `Ok(())` if it held on
/// all of them; otherwise the shrunk minimal failing instance and the failure message.
pub fn run_property<S, F>(strategy: &S, cases: u32, property: F) -> Result<(), Failure<S::Value>>
where
    S: Strategy,
    S::Value: Clone,
    F: Fn(&S::Value) -> Result<(), TestCaseError>,
{
    let mut runner = deterministic_runner(cases);
    match runner.run(strategy, |v| property(&v)) {
        Ok(()) => Ok(()),
        Err(TestError::Fail(msg, v)) => Err(Box::new((v, msg.to_string()))),
        Err(TestError::Abort(msg)) => panic!("property aborted (too many rejected cases): {msg}"),
    }
}

/// Search for a counterexample to a claim believed false: run `claim` (which returns `Err` when the
/// instance violates the claim) on up to `cases` instances, shrink the first violation, and return
/// the minimal instance with its message; `None` if every instance satisfied the claim.
pub fn find_counterexample<S, F>(strategy: &S, cases: u32, claim: F) -> Option<Failure<S::Value>>
where
    S: Strategy,
    S::Value: Clone,
    F: Fn(&S::Value) -> Result<(), TestCaseError>,
{
    run_property(strategy, cases, claim).err()
}
