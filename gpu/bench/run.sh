#!/usr/bin/env bash
# Bench + CUDA harness for the device machine. Run from the repository root:
#
#   gpu/bench/run.sh [PATH_TO_BENCH_BINARY] [--quick]
#
# The binary is `cargo build --release -p tropical-gpu --example bench` built on the x86-64 dev
# machine and copied into an ignored folder (default .gpubin/bench) that the device call carries.
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
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem --format=csv > "$OUT/nvidia-smi.txt" 2>&1 || true
cat "$OUT/nvidia-smi.txt" || true

set -o pipefail
"$BIN" --out "$OUT/bench_rust.jsonl" $QUICK 2>&1 | tee "$OUT/bench_rust.log"
PYTHONUNBUFFERED=1 python3 gpu/bench/torch_bench.py --rust "$OUT/bench_rust.jsonl" \
  --out "$OUT/RESULTS.md" $QUICK 2>&1 | tee "$OUT/torch.log"
