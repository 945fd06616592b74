//! # PTX audit
//!
//! Checks that compiled PTX keeps the IEEE fp32 semantics the error bounds assume.
//!
//! ## Main declarations
//!
//! * [`audit_ptx`].
//!
//! ## Implementation notes
//!
//! A line-by-line scan of the PTX text (predicates stripped); the tests also compile with
//! `--use_fast_math` and check that the audit flags it.
//!
//! ## References
//!
//! * NVIDIA, *PTX ISA*, floating-point instructions and their rounding modifiers.

use super::compile::ptx_entries;
use super::KERNEL_NAMES;

/// Check that compiled PTX keeps the IEEE fp32 semantics the error bounds of [`crate::bound`]
/// are derived for; returns one message per violation (empty: the audit passed).
///
/// Rules: every `f32` division is `div.rn` (correctly rounded; not `div.approx`/`div.full`);
/// no instruction flushes subnormals (`.ftz`) and none is approximate (`.approx`), except
/// `ex2.approx.ftz.f32`, the core of libdevice's accurate `expf` (≤ 2 ulp, the
/// [`crate::bound::EXP_REL_ERR`] of the bound, which reduces its argument with `fma.rm` first so
/// that no subnormal reaches it); every kernel of [`KERNEL_NAMES`] is an entry point. Fast-math
/// compilation (`--use_fast_math`) breaks the first two rules.
pub fn audit_ptx(ptx: &str) -> Vec<String> {
    let mut bad = Vec::new();
    for (no, line) in ptx.lines().enumerate() {
        let mut words = line.split_whitespace().skip_while(|w| w.starts_with('@'));
        let Some(op) = words.next() else {
            continue;
        };
        if op.starts_with("ex2.approx.ftz.f32") {
            continue;
        }
        let parts: Vec<&str> = op.split('.').collect();
        if parts.first() == Some(&"div") && parts.contains(&"f32") && !parts.contains(&"rn") {
            bad.push(format!(
                "line {}: `{op}` is not a correctly rounded division",
                no + 1
            ));
        } else if parts.contains(&"ftz") || parts.contains(&"approx") {
            bad.push(format!(
                "line {}: `{op}` is approximate or flushes subnormals",
                no + 1
            ));
        }
    }
    let entries = ptx_entries(ptx);
    for k in KERNEL_NAMES {
        if !entries.iter().any(|e| e == k) {
            bad.push(format!("kernel `{k}` is not an entry point"));
        }
    }
    bad
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cuda::compile::{compile_source, nvrtc_options};
    use crate::cuda::{nvrtc_present, Variant, KERNEL_SOURCE};
    use crate::GpuError;
    use cudarc::nvrtc::CompileOptions;

    const ENTRIES: &str = ".visible .entry attn_softmax(\n.visible .entry attn_hard(\n\
        .visible .entry attn_topk(\n.visible .entry maxplus_matmul(\n";

    /// Hypothesis: PTX lines written by hand. Conclusion: the audit accepts correctly rounded
    /// arithmetic and libdevice's `ex2.approx.ftz.f32`, and flags each fast-math form, a missing
    /// entry point, and predicated instructions as well as plain ones.
    #[test]
    fn audit_flags_fast_math_forms() {
        let ok = format!(
            "{ENTRIES}\tdiv.rn.f32 %f1, %f2, %f3;\n\tex2.approx.ftz.f32 %f4, %f5;\n\
             \tfma.rm.f32 %f1, %f2, %f3, %f4;\n@%p1 bra $L1;\n"
        );
        assert_eq!(audit_ptx(&ok), Vec::<String>::new());
        for bad in [
            "\tdiv.approx.f32 %f1, %f2, %f3;",
            "\tdiv.full.f32 %f1, %f2, %f3;",
            "\tadd.ftz.f32 %f1, %f2, %f3;",
            "@%p2 mul.rn.ftz.f32 %f1, %f2, %f3;",
            "\trcp.approx.f32 %f1, %f2;",
            "\tex2.approx.f32 %f1, %f2;",
        ] {
            let v = audit_ptx(&format!("{ENTRIES}{bad}\n"));
            assert_eq!(v.len(), 1, "{bad}: {v:?}");
        }
        let v = audit_ptx(".visible .entry attn_softmax(\n");
        assert_eq!(v.len(), 3, "{v:?}");
    }

    /// Hypothesis: libnvrtc loads (skipped otherwise). Conclusion: a syntax error comes back as
    /// [`GpuError::Compile`] carrying NVRTC's log, and an unknown architecture as an error, not
    /// a panic. The audit can fail: a plain `/` compiled with `--use_fast_math` is flagged (an
    /// approximate, flushing division), the same source with [`nvrtc_options`] is not, and the
    /// kernels compiled with `--use_fast_math` are flagged (every float op gains `.ftz`).
    #[test]
    fn nvrtc_errors_and_fast_math_are_caught() {
        if !nvrtc_present() {
            eprintln!("skipped: no libnvrtc (see gpu/install-nvrtc.sh)");
            return;
        }
        match compile_source("this is not CUDA", nvrtc_options("compute_90"), "bogus") {
            Err(GpuError::Compile { kernel, log }) => {
                assert_eq!(kernel, "bogus");
                assert!(log.contains("error"), "{log}");
            }
            other => panic!("expected a compile error, got {other:?}"),
        }
        assert!(compile_source(KERNEL_SOURCE, nvrtc_options("compute_1"), "arch").is_err());
        // (cudarc's `use_fast_math` field passes `--fmad=true` only, so name the flag itself)
        let fast = CompileOptions {
            options: vec![
                "--gpu-architecture=compute_90".into(),
                "--use_fast_math".into(),
            ],
            ..Default::default()
        };
        let div = "extern \"C\" __global__ void attn_softmax(float* x) { x[0] = x[1] / x[2]; }";
        let is_division = |m: &String| m.starts_with("line ");
        let precise = compile_source(div, nvrtc_options("compute_90"), "div").unwrap();
        assert!(!audit_ptx(&precise.to_src()).iter().any(is_division));
        let approx = compile_source(div, fast.clone(), "div").unwrap();
        assert!(audit_ptx(&approx.to_src()).iter().any(is_division));
        let v = Variant::new(8, 8, 4);
        let src = format!("{}{}", v.defines(), KERNEL_SOURCE);
        let ptx = compile_source(&src, fast, "fast").unwrap().to_src();
        assert!(audit_ptx(&ptx).iter().any(|m| m.contains(".ftz")));
    }
}
