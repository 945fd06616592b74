//! `tropical gpu-check --json`: every field it prints, at every level, is documented in
//! `docs/json/gpu-check.md`, and every documented field is printed (CPU backend; the
//! `--compile-only` table is checked where NVRTC is installed).

mod common;

use std::collections::BTreeSet;

use common::{documented_section, tropical};
use serde_json::Value;

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().expect("an object").keys().cloned().collect()
}

#[test]
fn gpu_check_report_fields_are_documented() {
    let r = tropical(&["gpu-check", "--json", "--n", "8", "--d", "4"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let j: Value = serde_json::from_str(&r.stdout).expect("JSON");
    assert_eq!(keys(&j), documented_section("gpu-check", "## Report"));
    assert_eq!(
        keys(&j["config"]),
        documented_section("gpu-check", "## config")
    );
    let kernels = j["kernels"].as_array().expect("kernels");
    let names: Vec<&str> = kernels
        .iter()
        .filter_map(|k| k["kernel"].as_str())
        .collect();
    assert_eq!(names, ["softmax", "hard", "topk", "maxplus"]);
    for k in kernels {
        assert_eq!(keys(k), documented_section("gpu-check", "## kernels"));
        assert_eq!(k["failed"], 0, "{k}");
    }
}

#[test]
fn gpu_check_compile_only_fields_are_documented_where_nvrtc_is_installed() {
    let r = tropical(&[
        "gpu-check",
        "--compile-only",
        "--json",
        "--n",
        "8",
        "--d",
        "4",
    ]);
    if r.code != Some(0) {
        assert!(r.stderr.contains("install-nvrtc.sh"), "{}", r.stderr);
        eprintln!("SKIPPED: no NVRTC here ({})", r.stderr.trim());
        return;
    }
    let j: Value = serde_json::from_str(&r.stdout).expect("JSON");
    let rows = j.as_array().expect("an array of variants");
    assert!(!rows.is_empty());
    for row in rows {
        assert_eq!(
            keys(row),
            documented_section("gpu-check", "## --compile-only")
        );
    }
}
