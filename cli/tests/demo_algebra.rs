//! Snapshot tests of the algebra part of `tropical demo` and of `tropical poly`, run through the
//! binary. The snapshots were checked by hand against the mathematics (see the values noted in
//! each test).

use std::process::Command;

fn tropical(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tropical"))
        .args(args)
        .output()
        .expect("run the tropical binary")
}

/// The stdout of a successful run (panics with its stderr otherwise).
fn stdout_of_success(out: std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The algebra part of `tropical demo`: from its header up to the next part's `== ` header.
///
/// Checked by hand: A's cycle 0→1→2→0 weighs 3 + 1 − 3 = 1 > 0, so A* diverges and λ(A) = 1/3
/// (the 2-cycle 0↔1 has mean −1/2, the loops are negative); D's two 3-cycles weigh 3 (the
/// transpositions 2, the identity 0); f(1/2, 1/2) = max(0, 3/2, 3/2, 1) = 3/2 attained twice,
/// so f_τ − f ≥ τ·log 2.
#[test]
fn demo_algebra_part() {
    let dir = std::env::temp_dir().join(format!("tropical-demo-algebra-{}", std::process::id()));
    let out = tropical(&["demo", "--out", dir.to_str().unwrap()]);
    let _ = std::fs::remove_dir_all(&dir);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let start = stdout
        .find("== 1. Tropical algebra")
        .expect("the algebra part is printed");
    let rest = &stdout[start..];
    let end = rest[1..].find("\n== ").map_or(rest.len(), |e| e + 2);
    insta::assert_snapshot!(rest[..end].trim_end());
}

/// `max(0, x + 1, 2x − 1)` at x = 2: values 0, 3, 3 — a tie of two monomials.
#[test]
fn poly_table() {
    let out = tropical(&[
        "poly",
        "--term",
        "0:0",
        "--term",
        "1:1",
        "--term",
        "-1:2",
        "--at",
        "2",
        "--tau",
        "1,1/10,1/100",
    ]);
    insta::assert_snapshot!(stdout_of_success(out));
}

/// JSON output: stable field names, exact values as strings.
#[test]
fn poly_json() {
    let out = tropical(&[
        "poly", "--term", "1/2:1,0", "--term", "0:0,1", "--at", "1/2,3", "--tau", "1/10", "--json",
    ]);
    insta::assert_snapshot!(stdout_of_success(out));
}

/// A malformed rational (or another bad argument) is a one-line error with exit code 2.
#[test]
fn poly_malformed_rational() {
    for bad in [
        vec!["poly", "--term", "1/0:1", "--at", "1"],
        vec!["poly", "--term", "abc:1", "--at", "1"],
        vec!["poly", "--term", "1:1", "--at", "0.5.5"],
        vec!["poly", "--term", "1:1", "--at", "1", "--tau", "0"],
        vec!["poly", "--term", "1:1,2", "--at", "1"],
    ] {
        let out = tropical(&bad);
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.trim_end().lines().count(), 1, "{bad:?}: {err}");
        assert!(err.starts_with("error: "), "{err}");
    }
}
