//! The CUDA source through NVRTC (and, where `ptxas` is found, through the assembler for the
//! H100's `sm_90`), on machines without a GPU or driver. Skipped, with the reason printed, when
//! libnvrtc cannot be loaded; `gpu/install-nvrtc.sh` installs NVRTC and ptxas from NVIDIA's
//! PyPI wheels (CI does).

use std::path::PathBuf;
use std::process::Command;

use tropical_gpu::cuda::{audit_ptx, compile_kernels, nvrtc_present, CompiledVariant, TOPK_MAX};
use tropical_gpu::InputFormat;

/// Head shapes covering the harness's and the benchmark's variants: one thread per query with
/// odd dimensions, G = 4 (d = 64) and G = 8 (d = 128, d_v < d), top-k lengths up to the maximum.
fn compile_all(arch: &str) -> Option<Vec<CompiledVariant>> {
    if !nvrtc_present() {
        eprintln!("skipped: libnvrtc cannot be loaded (no CUDA toolkit; see gpu/install-nvrtc.sh)");
        return None;
    }
    use InputFormat::{Bf16, F16, F32};
    let jobs: [(_, &[usize], &[InputFormat]); 3] = [
        ((7, 5), &[16, TOPK_MAX], &[F32]),
        ((64, 64), &[16], &[F32, Bf16]),
        ((128, 96), &[TOPK_MAX], &[F32, F16]),
    ];
    let jobs: Vec<Vec<CompiledVariant>> = std::thread::scope(|s| {
        let hs: Vec<_> = jobs
            .into_iter()
            .enumerate()
            .map(|(i, (dd, topk, inputs))| {
                s.spawn(move || {
                    let mut v = compile_kernels(arch, &[dd], topk, inputs).unwrap();
                    if i > 0 {
                        // the max-plus variant is the same for every shape
                        v.retain(|c| !c.label.starts_with("D=1 "));
                    }
                    v
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    Some(jobs.into_iter().flatten().collect())
}

/// Hypothesis: libnvrtc loads (skipped otherwise). Conclusion: NVRTC compiles every kernel
/// variant (fp32, bf16 and fp16 inputs, G = 1, 4, 8, k up to 64) for `compute_90`; each module
/// defines the four kernels, targets `sm_90`, and passes the IEEE audit ([`audit_ptx`]: only
/// correctly rounded division, no flush-to-zero or approximate instruction besides the core of
/// the accurate `expf`), which the error bounds assume.
#[test]
fn nvrtc_compiles_and_audits_every_variant() {
    let Some(vs) = compile_all("compute_90") else {
        return;
    };
    assert_eq!(
        vs.len(),
        1 + 3 + 4 + 4,
        "{:?}",
        vs.iter().map(|v| &v.label).collect::<Vec<_>>()
    );
    for v in &vs {
        assert!(v.ptx.contains(".target sm_90"), "{}", v.label);
        let bad = audit_ptx(&v.ptx);
        assert!(bad.is_empty(), "{}: {bad:?}", v.label);
    }
    if let Some(ptxas) = find_ptxas() {
        assemble_without_spills(&ptxas, &vs);
    } else {
        eprintln!("ptxas not found (set TROPICAL_PTXAS or put it on PATH): assembly not checked");
    }
}

fn find_ptxas() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("TROPICAL_PTXAS") {
        return Some(p.into());
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("ptxas"))
            .find(|p| p.is_file())
    })
}

/// ptxas assembles each module for `sm_90`; every kernel fits the register file at its launch
/// bounds and spills nothing to local memory (the per-thread arrays stay in registers).
fn assemble_without_spills(ptxas: &PathBuf, vs: &[CompiledVariant]) {
    let dir = std::env::temp_dir().join(format!("tropical-ptx-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for v in vs {
        let ptx = dir.join(format!("{}.ptx", v.file_stem));
        std::fs::write(&ptx, &v.ptx).unwrap();
        let out = Command::new(ptxas)
            .args(["-arch=sm_90", "-v", "-o"])
            .arg(dir.join(format!("{}.cubin", v.file_stem)))
            .arg(&ptx)
            .output()
            .expect("running ptxas");
        let log = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{}: ptxas failed:\n{log}", v.label);
        let props = log.matches("Function properties for").count();
        assert_eq!(props, 4, "{}: {log}", v.label);
        assert_eq!(
            log.matches("0 bytes spill stores, 0 bytes spill loads")
                .count(),
            4,
            "{}: a kernel spills:\n{log}",
            v.label
        );
        eprintln!("{}: assembled for sm_90 without spills", v.label);
    }
    std::fs::remove_dir_all(&dir).ok();
}
