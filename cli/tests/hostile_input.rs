//! Hostile input never crashes the command: headers that claim more than the file holds,
//! overflowing shapes, huge exponents and byte-mutated copies of valid files each give exit 0 or
//! a one-line `error: …` with exit 2 — never a panic (exit 101/70) or an abort (134). A panic that
//! does happen is reported as an internal error with exit 70.

mod common;
use common::testdata;
use common::{tropical, Run};

use std::path::{Path, PathBuf};

fn tmpdir(test: &str) -> PathBuf {
    common::tmpdir("hostile_input", test)
}

/// Exit 2 with one line `error: …` naming `mention`.
#[track_caller]
fn assert_clean_error(r: &Run, mention: &str) {
    common::assert_error(r, &[mention]);
}

/// A `.npy` file with the header dictionary `dict` (not checked: hostile headers too), then `body`.
fn npy_file(dict: &str, body: &[u8]) -> Vec<u8> {
    tropical_attention::load::npy::npy_file_bytes(dict, body).unwrap()
}

/// `tropical regions --model MODEL --context CONTEXT EXTRA…`.
fn regions(model: &Path, context: &Path, extra: &[&str]) -> Run {
    let (m, c) = (model.to_str().unwrap(), context.to_str().unwrap());
    let mut args = vec!["regions", "--model", m, "--context", c];
    args.extend(extra);
    tropical(&args)
}

/// Owned arguments of a command line.
fn argv(args: &[&str]) -> Vec<String> {
    args.iter().map(|a| a.to_string()).collect()
}

/// The abort class of the issue: a `.ext`/`.ine` header claiming 999999999999 rows, or a huge
/// column count with no rows, or a JSON `dim` of 10^15: exit 2 naming the file and the problem.
#[test]
fn claimed_sizes_are_checked_against_the_file() {
    let dir = tmpdir("claimed");
    let cases = [
        (
            "rows.ext",
            "V-representation\nbegin\n999999999999 3 rational\n1 0 0\nend\n",
            "rows",
        ),
        (
            "rows.ine",
            "H-representation\nbegin\n999999999999 999999999999 integer\n1 0 0\nend\n",
            "rows",
        ),
        (
            "cols.ine",
            "H-representation\nbegin\n0 999999999999 integer\nend\n",
            "limit",
        ),
        (
            "dim.json",
            "{\"points\": [], \"dim\": 1000000000000000}",
            "limit",
        ),
        (
            "exp.ext",
            "V-representation\nbegin\n1 2 real\n1 1e99999999\nend\n",
            "exponent",
        ),
    ];
    for (name, body, problem) in cases {
        let f = dir.join(name);
        std::fs::write(&f, body).unwrap();
        let r = tropical(&["hull", f.to_str().unwrap(), "--json"]);
        assert_clean_error(&r, name);
        assert!(r.stderr.contains(problem), "{name}: {}", r.stderr);
    }
}

/// An `.npy` context whose shape claims 2^40 × 2^40 entries, and a safetensors file whose header
/// length claims 2^60 bytes: exit 2 naming the file.
#[test]
fn npy_and_safetensors_headers_are_checked() {
    let dir = tmpdir("binary");
    let model = testdata("tiny-bert.safetensors");
    let ctx = dir.join("ctx.npy");
    let shape =
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776, 1099511627776), }";
    std::fs::write(&ctx, npy_file(shape, &[0u8; 16])).unwrap();
    assert_clean_error(&regions(&model, &ctx, &[]), "ctx.npy");
    // Found by the `npy` fuzz target (bench/fuzz.md): a descr whose first character is two
    // bytes (`'˙2'`) made the reader split the string inside that character (a panic, exit 70).
    let fuzzed: &[u8] = b"\x93NUMPY\x01\x00v\x00{'descr': '\xcb\x992', 'fortran_order': False,   'shape': (2l), }            \x01\x00\x00\x00\x00\x00\x00\x00                                                \x0a\x00>\x00\xb4";
    let ctx = dir.join("fuzzed.npy");
    std::fs::write(&ctx, fuzzed).unwrap();
    let r = regions(&model, &ctx, &[]);
    assert_clean_error(&r, "fuzzed.npy");
    assert!(r.stderr.contains("descr"), "{r:?}");
    let mut st = (1u64 << 60).to_le_bytes().to_vec();
    st.extend(b"{}");
    let m = dir.join("m.safetensors");
    std::fs::write(&m, st).unwrap();
    let r = regions(&m, &testdata("tiny-context.json"), &[]);
    assert_clean_error(&r, "m.safetensors");
}

/// A deterministic byte mutator (xorshift): flips, overwrites with interesting bytes (digits,
/// 0xff, separators), inserts, deletes and truncates.
struct Mutator(u64);

impl Mutator {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn mutate(&mut self, seed: &[u8]) -> Vec<u8> {
        let mut b = seed.to_vec();
        let edits = 1 + self.next() % 4;
        for _ in 0..edits {
            if b.is_empty() {
                b.push(b'9');
            }
            let at = (self.next() % b.len() as u64) as usize;
            const INTERESTING: &[u8] = b"0123456789-/.e ,[]{}\n\xff\x00\"";
            match self.next() % 5 {
                0 => b[at] ^= 1 << (self.next() % 8),
                1 => b[at] = INTERESTING[(self.next() % INTERESTING.len() as u64) as usize],
                2 => b.insert(at, b"9999999999"[(self.next() % 10) as usize]),
                3 => {
                    b.remove(at);
                }
                _ => b.truncate(at),
            }
        }
        b
    }
}

/// Hypothesis: byte mutations of valid inputs to `hull` (.ext, .ine, JSON), `power-diagram`,
/// `tconv` and `regions` (safetensors model, JSON model, JSON and npy contexts). Conclusion: every
/// run exits 0 or 2 (one `error:` line), never with a panic or an abort.
#[test]
fn mutated_files_never_crash() {
    let dir = tmpdir("mutated");
    let model = testdata("tiny-bert.safetensors");
    let ctx = testdata("tiny-context.json");
    let m = model.to_str().unwrap().to_string();
    let c = ctx.to_str().unwrap().to_string();
    let json_model =
        r#"{"layers": [{"heads": [{"w_q": [[1, 0], [0, 1]], "w_k": [["1/2", 0], [0, 1]]}]}]}"#;
    let body: Vec<u8> = [0.5f32, 1.0, -1.0, 2.0, 0.25, 0.0, 3.0, -0.5]
        .iter()
        .flat_map(|x| x.to_le_bytes())
        .collect();
    let npy = npy_file(
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 4), }",
        &body,
    );
    // (file name, seed bytes, arguments with {} for the file)
    let seeds: Vec<(&str, Vec<u8>, Vec<String>)> = vec![
        (
            "p.ext",
            b"V-representation\nbegin\n4 3 rational\n1 0 0\n1 1 0\n1 0 1/2\n0 1 1\nend\n".to_vec(),
            argv(&["hull", "{}", "--json"]),
        ),
        (
            "p.ine",
            b"H-representation\nlinearity 1 3\nbegin\n3 3 integer\n1 -1 0\n1 0 -1\n0 1 1\nend\n"
                .to_vec(),
            argv(&["hull", "{}"]),
        ),
        (
            "p.json",
            br#"{"points": [[0, 0], [1, "1/2"], [0, 1]], "rays": [[1, 1]]}"#.to_vec(),
            argv(&["hull", "{}", "--json"]),
        ),
        (
            "s.json",
            br#"{"sites": [[0, 0], [2, 0], [0, 2]], "weights": [0, 1, "1/2"]}"#.to_vec(),
            argv(&["power-diagram", "{}", "--box=-3,3", "--json"]),
        ),
        (
            "t.json",
            br#"[[0, 0, 0], [0, 2, 1], [0, 1, 3]]"#.to_vec(),
            argv(&["tconv", "{}", "--json"]),
        ),
        (
            "m.safetensors",
            std::fs::read(&model).unwrap(),
            argv(&["regions", "--model", "{}", "--context", &c, "--json"]),
        ),
        (
            "m.json",
            json_model.as_bytes().to_vec(),
            argv(&["regions", "--model", "{}", "--context", "CTX2", "--json"]),
        ),
        (
            "c.json",
            std::fs::read(&ctx).unwrap(),
            argv(&["regions", "--model", &m, "--context", "{}", "--json"]),
        ),
        (
            "c.npy",
            npy,
            argv(&["regions", "--model", &m, "--context", "{}", "--json"]),
        ),
    ];
    let ctx2 = dir.join("ctx2.json");
    std::fs::write(&ctx2, "[[1, 0], [0, 1], [1, 1]]").unwrap();
    let cases: usize = std::env::var("HOSTILE_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40);
    let mut rng = Mutator(0x9e37_79b9_7f4a_7c15);
    for (name, seed, args) in &seeds {
        let f = dir.join(name);
        for case in 0..cases {
            let bytes = if case == 0 {
                seed.clone()
            } else {
                rng.mutate(seed)
            };
            std::fs::write(&f, &bytes).unwrap();
            let argv: Vec<String> = args
                .iter()
                .map(|a| match a.as_str() {
                    "{}" => f.to_str().unwrap().to_string(),
                    "CTX2" => ctx2.to_str().unwrap().to_string(),
                    _ => a.clone(),
                })
                .collect();
            let refs: Vec<&str> = argv.iter().map(String::as_str).collect();
            let r = tropical(&refs);
            let ok = match r.code {
                Some(0) => true,
                Some(2) => r.stderr.lines().count() == 1 && r.stderr.starts_with("error: "),
                _ => false,
            };
            if !ok {
                let keep = dir.join(format!("crash-{name}"));
                std::fs::write(&keep, &bytes).unwrap();
                panic!(
                    "{name} case {case} ({}): exit {:?}: {}",
                    keep.display(),
                    r.code,
                    r.stderr
                );
            }
            if case == 0 {
                assert_eq!(
                    r.code,
                    Some(0),
                    "the seed {name} must be valid: {}",
                    r.stderr
                );
            }
        }
    }
}

/// Numeric arguments out of range: one-line errors, exit 2.
#[test]
fn hostile_argument_values() {
    let m = testdata("tiny-bert.safetensors");
    let c = testdata("tiny-context.json");
    let max = "18446744073709551615";
    for extra in [
        &["--box=1e99999999,2"][..],
        &["--box=NaN,2"],
        &["--layer", max],
        &["--layer", max, "--depth", "2"],
        &["--n-heads", "1000000000000"],
        &["--max-regions", "-1"],
    ] {
        let r = regions(&m, &c, extra);
        assert_eq!(r.code, Some(2), "{extra:?}: {}", r.stderr);
        assert!(r.stderr.starts_with("error"), "{extra:?}: {}", r.stderr);
    }
}

/// A panic is a bug, reported as one line `error: internal error (please report): …` with exit
/// 70 (the hidden subcommand panics on purpose).
#[test]
fn a_panic_is_an_internal_error_with_exit_70() {
    let r = tropical(&["internal-panic-for-test"]);
    assert_eq!(r.code, Some(70), "{}", r.stderr);
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{:?}", r.stderr);
    assert!(
        lines[0].starts_with("error: internal error (please report): deliberate panic"),
        "{}",
        lines[0]
    );
}
