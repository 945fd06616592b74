"""PyTorch side of the GPU bench (run by gpu/bench/run.sh on the GPU machine).

Times torch.nn.functional.scaled_dot_product_attention (fp32 and bf16) and a naive max-plus
product (chunked broadcast add + max/argmax) at the shapes of gpu/examples/bench.rs, reads the
Rust results (JSON lines) and writes RESULTS.md with TFLOP/s, fraction of the H100 peak and ratios.
Timing: CUDA events around each call, 3 warm-ups, median of 10 (5 with --quick); random inputs.
"""
import argparse
import json
import statistics

import torch
import torch.nn.functional as F

FP32_PEAK = 67.0  # TFLOP/s, H100 SXM fp32 (FMA = 2 flops)
BF16_PEAK = 990.0  # TFLOP/s, H100 SXM bf16 dense tensor cores
ADDCMP_PEAK = 33.5  # T add-or-compare instr/s: 132 SMs x 128 lanes x 1.98 GHz


def time_ms(fn, warmup, reps):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    ts = []
    for _ in range(reps):
        a = torch.cuda.Event(enable_timing=True)
        b = torch.cuda.Event(enable_timing=True)
        a.record()
        fn()
        b.record()
        b.synchronize()
        ts.append(a.elapsed_time(b))
    return statistics.median(ts)


def maxplus_naive(a, b, chunk=32):
    m, k = a.shape
    n = b.shape[1]
    best = torch.full((m, n), float("-inf"), device=a.device)
    arg = torch.zeros((m, n), dtype=torch.int64, device=a.device)
    for l0 in range(0, k, chunk):
        s = a[:, l0:l0 + chunk, None] + b[None, l0:l0 + chunk, :]
        v, i = s.max(dim=1)  # first maximiser within the chunk
        upd = v > best
        best = torch.where(upd, v, best)
        arg = torch.where(upd, i + l0, arg)
    return best, arg


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rust", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    dev = torch.device("cuda")
    print("torch", torch.__version__, torch.cuda.get_device_name(0))
    reps = 5 if args.quick else 10
    ns = [512, 2048] if args.quick else [512, 1024, 2048, 4096, 8192, 16384]
    g = torch.Generator(device=dev).manual_seed(0)

    # sanity: SDPA fp32 against a float64 reference (relative error)
    q, k, v = (torch.rand(1, 2, 256, 64, device=dev, generator=g, dtype=torch.float64) * 2 - 1 for _ in range(3))
    ref = torch.softmax(q @ k.transpose(-1, -2) / 8.0, -1) @ v
    got = F.scaled_dot_product_attention(q.float(), k.float(), v.float()).double()
    print("sdpa fp32 rel err vs fp64:", float((got - ref).norm() / ref.norm()))

    torch_rows = {}
    for n in ns:
        for d in (64, 128):
            for h in (8, 32):
                flops = 4.0 * h * n * n * d
                q, k, v = (torch.rand(1, h, n, d, device=dev, generator=g) * 2 - 1 for _ in range(3))
                t32 = time_ms(lambda: F.scaled_dot_product_attention(q, k, v), 3, reps)
                qb, kb, vb = q.bfloat16(), k.bfloat16(), v.bfloat16()
                t16 = time_ms(lambda: F.scaled_dot_product_attention(qb, kb, vb), 3, reps)
                torch_rows[(n, d, h)] = (t32, t16, flops)
                print(f"torch sdpa N={n} d={d} h={h}: fp32 {t32:.4f} ms ({flops / t32 / 1e9:.2f} TFLOP/s), "
                      f"bf16 {t16:.4f} ms ({flops / t16 / 1e9:.2f} TFLOP/s)")
                del q, k, v, qb, kb, vb
                torch.cuda.empty_cache()
    mp_rows = {}
    for m in ([1024] if args.quick else [1024, 2048, 4096, 8192]):
        a = torch.rand(m, m, device=dev, generator=g) * 2 - 1
        b = torch.rand(m, m, device=dev, generator=g) * 2 - 1
        t = time_ms(lambda: maxplus_naive(a, b), 1, 3 if m >= 4096 else reps)
        mp_rows[m] = t
        print(f"torch naive maxplus {m}: {t:.3f} ms")

    rust = {}
    with open(args.rust) as f:
        for line in f:
            r = json.loads(line)
            key = (r["kernel"], r["n"], r.get("d"), r.get("heads"))
            rust[key] = r

    dev_name = torch.cuda.get_device_name(0)
    lines = [f"# GPU results ({dev_name})", "",
             "Produced by `gpu/bench/run.sh` (Rust `gpu/examples/bench.rs` + `gpu/bench/torch_bench.py`).",
             "Median of device-event timings after warm-up; random inputs in [-1, 1].",
             f"Peaks used: fp32 {FP32_PEAK} TFLOP/s, bf16 {BF16_PEAK} TFLOP/s, add/compare {ADDCMP_PEAK} T/s.", "",
             "## Attention (FLOPs: 4·h·N²·d for softmax/SDPA, 2·h·N²·d for hard and top-k)", "",
             "| N | d | h | softmax ms | TFLOP/s | % fp32 peak | SDPA fp32 ms | TFLOP/s | SDPA bf16 ms | % bf16 peak "
             "| softmax / SDPA fp32 time | hard ms | hard / softmax time | top-16 ms |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for (n, d, h), (t32, t16, flops) in sorted(torch_rows.items()):
        s = rust.get(("softmax", n, d, h))
        hd = rust.get(("hard", n, d, h))
        tk = rust.get(("topk16", n, d, h))
        if s is None:
            continue
        ts = s["median_ms"]
        lines.append(
            f"| {n} | {d} | {h} | {ts:.3f} | {flops / ts / 1e9:.2f} | {100 * flops / ts / 1e9 / FP32_PEAK:.1f} "
            f"| {t32:.3f} | {flops / t32 / 1e9:.2f} | {t16:.3f} | {100 * flops / t16 / 1e9 / BF16_PEAK:.1f} "
            f"| {ts / t32:.2f} | {hd['median_ms']:.3f} | {hd['median_ms'] / ts:.2f} | {tk['median_ms']:.3f} |")
    lines += ["", "## Max-plus product with argmax (ops: one add + one compare per (i, j, l))", "",
              "| M=K=N | tropical ms | T ops/s | % of add/compare rate | naive torch ms | speed-up |",
              "|---|---|---|---|---|---|"]
    for m, t in sorted(mp_rows.items()):
        r = rust.get(("maxplus", m, None, None))
        if r is None:
            continue
        ops = 2.0 * m ** 3
        lines.append(f"| {m} | {r['median_ms']:.3f} | {ops / r['median_ms'] / 1e9:.2f} "
                     f"| {100 * ops / r['median_ms'] / 1e9 / ADDCMP_PEAK:.1f} | {t:.3f} | {t / r['median_ms']:.1f} |")
    with open(args.out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
