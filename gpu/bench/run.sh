#!/usr/bin/env bash
# Bench + CUDA harness for the GPU machine. Run from the repository root:
#
#   gpu/bench/run.sh [PATH_TO_BENCH_BINARY] [--quick]
#
# The binary is `cargo build --release -p tropical-gpu --example bench` built on the x86-64 dev
# machine and copied into an ignored folder (default .gpubin/bench) that the remote run carries.
# Writes bench_rust.jsonl, the logs and RESULTS.md into $OUT (or gpu/bench/out).
set -euo pipefail
BIN=${1:-.gpubin/bench}
QUICK=${2:-}
OUT=${OUT:-gpu/bench/out}
mkdir -p "$OUT"

# cudarc (dynamic loading) looks for libnvrtc.so / libnvrtc.so.12 / ...: expose the toolkit's
# NVRTC under the unversioned name if only a versioned file exists.
NVRTC=$( (ls /usr/local/cuda/lib64/libnvrtc.so* 2>/dev/null; \
          python3 -c 'import nvidia, os; print(os.path.dirname(nvidia.__path__[0]))' 2>/dev/null \
          | xargs -I{} sh -c 'ls {}/nvidia/*/lib/libnvrtc.so* 2>/dev/null') | grep -v builtins | head -n 1 || true)
if [ -n "$NVRTC" ]; then
  mkdir -p /tmp/nvrtc-link
  ln -sf "$NVRTC" /tmp/nvrtc-link/libnvrtc.so
  export LD_LIBRARY_PATH="/tmp/nvrtc-link:$(dirname "$NVRTC"):${LD_LIBRARY_PATH:-}"
fi
echo "nvrtc: ${NVRTC:-not found}"
# ptxas, for the nvrtc test binary's assembly check
[ -x /usr/local/cuda/bin/ptxas ] && export PATH="/usr/local/cuda/bin:$PATH"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem --format=csv > "$OUT/nvidia-smi.txt" 2>&1 || true
cat "$OUT/nvidia-smi.txt" || true

set -o pipefail
# 1. the tropical-gpu test binaries (staged by gpu/bench/stage.sh): the CUDA harness tests run
#    for real here instead of skipping; then `tropical gpu-check --backend cuda` at several shapes
#    (n_k off the 32-key tile, τ down to 1e-3, planted ties, bf16 and fp16 inputs).
DIR=$(dirname "$BIN")
rm -f "$OUT/failures"   # the loops run in pipelines (subshells): failures are recorded in a file
if [ -d "$DIR/tests" ]; then
  for t in "$DIR"/tests/*; do
    echo "== test binary $(basename "$t")"
    "$t" --test-threads=1 --nocapture 2>&1 || echo "test $(basename "$t")" >> "$OUT/failures"
  done | tee "$OUT/tests.log"
fi
if [ -x "$DIR/tropical" ]; then
  # (the exact check costs about 0.1 s per checked query and head at n_k = 1000 on one core)
  for args in "--n 77 --d 16 --d-v 8 --heads 3 --tau 0.1 --k 5 --check 16" \
              "--n 1000 --n-q 64 --d 64 --heads 8 --tau 1e-3 --ties --k 16 --check 16" \
              "--n 33 --d 128 --heads 2 --tau 1 --k 64 --inputs bf16 --check 16" \
              "--n 4097 --n-q 32 --d 64 --heads 2 --tau 1e-3 --ties --k 16 --maxplus 300 --check 8" \
              "--n 500 --d 64 --heads 4 --tau 0.01 --ties --k 16 --inputs f16 --check 16"; do
    echo "== tropical gpu-check --backend cuda $args"
    "$DIR/tropical" gpu-check --backend cuda $args 2>&1 || echo "gpu-check $args" >> "$OUT/failures"
  done | tee "$OUT/gpu_check.log"
fi
# 2. `tropical certify` on PyTorch SDPA outputs (math, efficient and flash backends; fp32 and
#    bf16; with and without the causal mask) against the any-order fp32 bound. bf16 kernels round
#    the probabilities to bf16, outside the fp32 bound's assumptions: their verdicts are recorded,
#    with the error in ulps, and are not counted as failures of this script.
if [ -x "$DIR/tropical" ]; then
  {
    if python3 gpu/bench/sdpa_dump.py --out "$OUT/sdpa" > "$OUT/sdpa_dump.txt" 2>&1; then
      cat "$OUT/sdpa_dump.txt"
      grep -v skipped "$OUT/sdpa_dump.txt" | while read -r tag backend dtype shape mask; do
        d="$OUT/sdpa/$tag"
        echo "== tropical certify $tag"
        m=(); [ "$mask" = causal ] && m=(--mask causal)
        rc=0
        "$DIR/tropical" certify --q "$d/q.npy" --k "$d/k.npy" --v "$d/v.npy" --out "$d/out.npy" \
          ${m[@]+"${m[@]}"} --atol 1e-2 --rtol 1e-2 --report "$OUT/certify-$tag.svg" 2>&1 || rc=$?
        if [ "$dtype" = f32 ] && [ "$rc" -ne 0 ]; then echo "certify $tag" >> "$OUT/failures"; fi
      done
    else
      cat "$OUT/sdpa_dump.txt"; echo "sdpa_dump.py did not run (see above)"
    fi
  } 2>&1 | tee "$OUT/certify.log"
fi
# 3. the Rust bench (its own harness pass, then timings), 4. PyTorch at the same shapes and the
#    RESULTS.md table.
if "$BIN" --out "$OUT/bench_rust.jsonl" $QUICK 2>&1 | tee "$OUT/bench_rust.log"; then
  PYTHONUNBUFFERED=1 python3 gpu/bench/torch_bench.py --rust "$OUT/bench_rust.jsonl" \
    --out "$OUT/RESULTS.md" $QUICK 2>&1 | tee "$OUT/torch.log" || echo "torch_bench.py" >> "$OUT/failures"
else
  echo "bench $BIN" >> "$OUT/failures"
fi
if [ -s "$OUT/failures" ]; then
  echo "FAILED (see tests.log, gpu_check.log):"; cat "$OUT/failures"; exit 2
fi
