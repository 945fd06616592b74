#!/usr/bin/env bash
# Build the libFuzzer targets of fuzz/ and run each one, as recorded in bench/fuzz.md.
#
#   fuzz/run.sh                 # every target, RUNS executions or SECONDS each, whichever first
#   fuzz/run.sh cdd npy         # some targets
#   RUNS=10000000 SECONDS_PER_TARGET=600 fuzz/run.sh
#
# Builds with the stable compiler and RUSTC_BOOTSTRAP=1 (the sanitizer-coverage pass is a
# `-C passes` option and no -Z flag is used; TOOLCHAIN=nightly picks a nightly compiler), and
# a C++ compiler for libFuzzer itself (built by the libfuzzer-sys crate). `cargo fuzz` is not
# needed; the flags below are the ones `cargo fuzz build --sanitizer none` passes. Equivalent:
#   cargo +nightly fuzz run --sanitizer none TARGET fuzz/corpus/TARGET fuzz/seeds/TARGET
#
# Each target starts from fuzz/seeds/TARGET (checked in) and keeps its corpus in
# fuzz/corpus/TARGET; a crash is written to fuzz/artifacts/TARGET/ and the script exits non-zero.
# The last lines of each log (fuzz/logs/TARGET.log) give the executions and the time.
set -euo pipefail
cd "$(dirname "$0")"

TARGETS=(cdd polytope_json polyhedron sites_json tconv_points model_json safetensors npy rationals cli_values)
if [ "$#" -gt 0 ]; then TARGETS=("$@"); fi
RUNS=${RUNS:-10000000}
SECONDS_PER_TARGET=${SECONDS_PER_TARGET:-180}
RSS_LIMIT_MB=${RSS_LIMIT_MB:-2048}
NICE=${NICE:-19}
# libFuzzer's per-unit limit in seconds; raise it on a loaded machine, where a nice-19 fuzzer can
# wait longer than 10 s for a core (bench/fuzz.md, second record).
TIMEOUT=${TIMEOUT:-10}

# The default toolchain with RUSTC_BOOTSTRAP=1 (what bench/fuzz.md records); TOOLCHAIN=nightly
# uses a nightly compiler instead.
if [ -n "${TOOLCHAIN:-}" ]; then
    CARGO=(rustup run "$TOOLCHAIN" cargo)
else
    export RUSTC_BOOTSTRAP=1
    CARGO=(cargo)
fi
export RUSTFLAGS="--cfg fuzzing -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares -Cdebug-assertions -Coverflow-checks"

# An explicit --target keeps RUSTFLAGS off build scripts and proc macros (as `cargo fuzz` does).
TRIPLE=$(rustc -vV | sed -n 's/^host: //p')
# Only the targets asked for are built (all ten take about 13 minutes on a 2-core machine).
BINS=()
for t in "${TARGETS[@]}"; do BINS+=(--bin "$t"); done
"${CARGO[@]}" build --release "${BINS[@]}" --locked --target "$TRIPLE"

status=0
mkdir -p logs
for t in "${TARGETS[@]}"; do
    mkdir -p "corpus/$t" "artifacts/$t"
    echo "== $t: up to $RUNS executions or $SECONDS_PER_TARGET s"
    if ! nice -n "$NICE" "target/$TRIPLE/release/$t" "corpus/$t" "seeds/$t" \
        -runs="$RUNS" -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb="$RSS_LIMIT_MB" \
        -timeout="$TIMEOUT" -max_len=65536 -print_final_stats=1 -artifact_prefix="artifacts/$t/" \
        >"logs/$t.log" 2>&1; then
        echo "   CRASH: see fuzz/logs/$t.log and fuzz/artifacts/$t/"
        status=1
    fi
    grep -E '^stat::number_of_executed_units|^stat::average_exec_per_sec|^Done|^stat::peak_rss_mb' \
        "logs/$t.log" | sed 's/^/   /' || true
done
exit "$status"
