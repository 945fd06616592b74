//! `tropical certify` end to end: numpy-produced kernels (skipped, with the reason printed, when
//! `python3 -c 'import numpy'` fails), the JSON fields of `docs/json/certify.md`, exit codes
//! 0 / 1 / 2, the figure, and one-line errors for bad input.

mod common;
use common::tropical;
#[path = "../../gpu/tests/support/numpy_kernel.rs"]
mod numpy_kernel;
use numpy_kernel::run_numpy_kernel;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// `numpy_attention.py ARGS` into a fresh folder; `None` (reason printed) without numpy.
fn numpy_kernel(tag: &str, args: &[&str]) -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-certify-{tag}"));
    run_numpy_kernel(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../gpu/tests"),
        dir,
        args,
    )
}

fn arrays(dir: &Path) -> Vec<String> {
    let f = |n: &str| dir.join(format!("{n}.npy")).display().to_string();
    vec![
        "certify".into(),
        "--q".into(),
        f("q"),
        "--k".into(),
        f("k"),
        "--v".into(),
        f("v"),
        "--out".into(),
        f("out"),
    ]
}

/// The fields `docs/json/certify.md` documents, read from its tables.
fn documented_fields() -> Vec<String> {
    let doc = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/json/certify.md"),
    )
    .unwrap();
    doc.lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .flat_map(|l| {
            let cell = l.split(" |").next().unwrap_or("");
            cell.split(", ")
                .map(|f| f.trim_matches('`').to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Hypothesis: numpy fp32 attention in the online-softmax order, causal mask, τ = 0.1.
/// Conclusion: exit 0, verdict certified; every top-level, element and row field of the JSON is
/// documented, and every documented field is present; the SVG report is written.
#[test]
fn certifies_a_numpy_kernel_with_documented_json() {
    let Some(dir) = numpy_kernel(
        "json",
        &["--kernel", "online", "--mask", "causal", "--tau", "0.1"],
    ) else {
        return;
    };
    let svg = dir.join("report.svg");
    let mut a = arrays(&dir);
    a.extend(
        [
            "--mask", "causal", "--tau", "0.1", "--json", "--worst", "3", "--report",
        ]
        .map(String::from),
    );
    a.push(svg.display().to_string());
    let r = tropical(&a);
    assert_eq!(r.code, Some(0), "{}{}", r.stdout, r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["verdict"], "certified");
    assert_eq!(v["mask"], "causal");
    assert_eq!(v["tau"], "1/10");
    assert_eq!(v["worst"].as_array().unwrap().len(), 3);
    let doc = documented_fields();
    let mut seen = vec![];
    for (obj, _) in [
        (&v, "top"),
        (&v["worst"][0], "element"),
        (&v["rows"][0], "row"),
    ] {
        for k in obj.as_object().unwrap().keys() {
            assert!(doc.contains(k), "field {k} is not in docs/json/certify.md");
            seen.push(k.clone());
        }
    }
    for f in &doc {
        assert!(
            seen.contains(f),
            "documented field {f} is missing from the JSON"
        );
    }
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.starts_with("<svg") && text.contains("any-order bound"));
}

/// Hypothesis: the output rounded to bf16 but stored as fp32 (a planted bug). Conclusion: exit
/// 1, the table says FAILED and lists the worst element with `NO`; with a loose `--atol` the
/// tolerance line counts every element; `--rows 5` says it sampled.
#[test]
fn a_planted_bug_fails_with_exit_1() {
    let Some(dir) = numpy_kernel("bf16", &["--kernel", "naive", "--out-format", "bf16"]) else {
        return;
    };
    let mut a = arrays(&dir);
    a.extend(["--atol", "0.1", "--rows", "5"].map(String::from));
    let r = tropical(&a);
    assert_eq!(r.code, Some(1), "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("verdict: FAILED"), "{}", r.stdout);
    assert!(r.stdout.contains("  NO"), "{}", r.stdout);
    assert!(
        r.stdout.contains("rows checked: 5 of 66 (sampled"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("within atol 1e-1 + rtol 0e0·|exact|: 40 of 40"),
        "{}",
        r.stdout
    );
}

/// Hypothesis: bad input — a missing file, a NaN in Q, mismatched shapes, τ = 0, top-k without
/// k, an unknown report extension. Conclusion: exit 2 and one line `error: …` naming the array
/// (and the index for the NaN).
#[test]
fn bad_input_is_one_line_exit_2() {
    let Some(dir) = numpy_kernel("bad", &["--kernel", "naive", "--n-q", "4", "--n-k", "5"]) else {
        return;
    };
    let nan = dir.join("qnan.npy");
    let st = Command::new("python3")
        .args([
            "-c",
            &format!(
                "import numpy as np; q = np.load('{0}/q.npy'); q[0, 1, 2, 3] = np.nan; np.save('{1}', q)",
                dir.display(),
                nan.display()
            ),
        ])
        .status()
        .unwrap();
    assert!(st.success());
    let base = arrays(&dir);
    let with = |i: usize, val: &str, extra: &[&str]| {
        let mut a = base.clone();
        if i > 0 {
            a[i] = val.to_string();
        }
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    let cases: Vec<(Vec<String>, &str)> = vec![
        (with(2, "/nonexistent/q.npy", &[]), "Q"),
        (
            with(2, &nan.display().to_string(), &[]),
            "Q[0, 1, 2, 3] = NaN",
        ),
        (
            with(4, &dir.join("v.npy").display().to_string(), &[]),
            "K has shape",
        ),
        (with(0, "", &["--tau", "0"]), "must be positive"),
        (with(0, "", &["--kind", "topk"]), "--topk"),
        (with(0, "", &["--report", "x.png"]), ".svg or .html"),
    ];
    for (args, needle) in cases {
        eprintln!("case {args:?}");
        common::assert_error(&tropical(&args), &[needle]);
    }
}
