#!/usr/bin/env bash
# Static resource report of the CUDA kernels for the H100 (sm_90), without a GPU: NVRTC compiles
# the variants of the benchmark shapes (d = 64, 128; k = 16; fp32 and bf16 inputs) through
# `tropical gpu-check --compile-only`, ptxas assembles them, and this prints one Markdown row per
# kernel: registers, shared memory, spills, threads per block, and the occupancy those imply on an
# H100 SM (65536 registers allocated per warp in units of 256, 228 KiB shared memory with 1 KiB
# reserved per block, 2048 threads, 32 blocks). Needs libnvrtc and ptxas (gpu/install-nvrtc.sh).
# Usage: gpu/emu/ptxas-report.sh [path/to/tropical]     (from the repository root)
set -euo pipefail
tropical="${1:-target/release/tropical}"
command -v ptxas >/dev/null || { echo "ptxas not on PATH: eval \"\$(bash gpu/install-nvrtc.sh)\"" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for d in 64 128; do
  "$tropical" gpu-check --compile-only --arch compute_90 --d "$d" --k 16 --inputs bf16 --ptx-dir "$tmp" >&2
done
for f in "$tmp"/*.ptx; do
  echo "== $(basename "$f" .ptx)"
  ptxas -arch=sm_90 -v "$f" -o "${f%.ptx}.cubin" 2>&1
done | python3 -c '
import re, sys
rows, variant, kernel = [], None, None
for line in sys.stdin:
    if line.startswith("== "):
        variant = line[3:].strip(); continue
    m = re.search(r"Function properties for (\w+)", line)
    if m: kernel = m.group(1); spill = None; continue
    m = re.search(r"(\d+) bytes spill stores, (\d+) bytes spill loads", line)
    if m: spill = int(m.group(1)) + int(m.group(2)); continue
    m = re.search(r"Used (\d+) registers.*?(\d+) bytes smem", line)
    if m: rows.append((variant, kernel, int(m.group(1)), int(m.group(2)), spill))
if not rows: sys.exit("no ptxas output parsed")
def threads(variant, kernel):
    g = int(re.search(r"_g(\d+)", variant).group(1))
    bq = 128 // g
    if kernel == "maxplus_matmul": return 256
    if kernel == "attn_topk": return min(bq, 32) * g
    return bq * g
print("| variant | kernel | registers | smem (B) | spill (B) | threads/block | blocks/SM | occupancy |")
print("|---|---|---|---|---|---|---|---|")
seen = set()
for v, k, regs, smem, spill in rows:
    if k == "maxplus_matmul":
        if k in seen: continue
        seen.add(k); v = "(any)"
    t = threads(v, k) if v != "(any)" else 256
    warps = t // 32
    per_warp = -(-regs * 32 // 256) * 256
    by_regs = (65536 // per_warp) // warps
    by_smem = (228 * 1024) // (smem + 1024)
    blocks = min(by_regs, by_smem, 2048 // t, 32)
    occ = blocks * warps / 64
    print(f"| {v} | {k} | {regs} | {smem} | {spill} | {t} | {blocks} | {occ:.0%} |")
'
