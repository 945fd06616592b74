"""Foreign attention kernels in numpy fp32, for `tropical certify` (tests and README example).

Writes q.npy, k.npy, v.npy, out.npy (and mask.npy with --mask array) into --out:

    python3 gpu/tests/numpy_attention.py --out DIR [--kernel naive|online|stale-max|topk|hardmax]
        [--batch B] [--heads H] [--n-q N] [--n-k N] [--d D] [--d-v D] [--tau T] [--scale S]
        [--mask none|causal|array] [--ignore-mask] [--inputs f32|f16|bf16] [--out-format f32|bf16|bf16-bits|f16]
        [--topk K] [--seed S] [--ties]

Kernels (all fp32 arithmetic, scores scaled by fp32(scale/tau)):
  naive      softmax with the row maximum subtracted, then P @ V (numpy's BLAS order);
  online     one pass over keys in blocks of 16 with a running maximum and rescaling
             (the FlashAttention order), blocks visited in a shuffled order;
  stale-max  the online order with a bug: the accumulator is not rescaled when the maximum grows;
  topk       softmax over the --topk largest scores;
  hardmax    mean of the value rows of the float argmax set.
--ignore-mask computes without the mask while writing it (a planted bug); --out-format bf16 rounds
the output to bf16 but stores it as float32 (another planted bug: the file claims fp32);
--out-format bf16-bits stores the bf16 output honestly, as uint16 bit patterns; --out-format f16
stores the output as float16 (rounded to nearest).
"""

import argparse
import os

import numpy as np


def bf16_round(x):
    """Round float32 to bfloat16 (nearest even), returned as float32."""
    b = x.astype(np.float32).view(np.uint32).astype(np.uint64)
    b = (b + 0x7FFF + ((b >> 16) & 1)) >> 16
    return (b.astype(np.uint32) << 16).view(np.float32)


def bf16_bits(x):
    return (x.astype(np.float32).view(np.uint32) >> 16).astype(np.uint16)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--kernel", default="naive")
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--heads", type=int, default=2)
    p.add_argument("--n-q", type=int, default=33)
    p.add_argument("--n-k", type=int, default=77)
    p.add_argument("--d", type=int, default=16)
    p.add_argument("--d-v", type=int, default=8)
    p.add_argument("--tau", type=float, default=1.0)
    p.add_argument("--scale", type=float, default=None)
    p.add_argument("--mask", default="none")
    p.add_argument("--ignore-mask", action="store_true")
    p.add_argument("--inputs", default="f32")
    p.add_argument("--out-format", default="f32")
    p.add_argument("--topk", type=int, default=5)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--ties", action="store_true")
    a = p.parse_args()
    rng = np.random.default_rng(a.seed)
    shp = lambda n, d: (a.batch, a.heads, n, d)
    if a.ties:
        draw = lambda n, d: (rng.integers(-4, 5, size=shp(n, d)) * 0.25).astype(np.float32)
    else:
        draw = lambda n, d: rng.standard_normal(shp(n, d)).astype(np.float32)
    q, k, v = draw(a.n_q, a.d), draw(a.n_k, a.d), draw(a.n_k, a.d_v)
    if a.ties:
        k[..., -1, :] = k[..., 0, :]
    if a.inputs == "f16":
        q, k, v = (x.astype(np.float16).astype(np.float32) for x in (q, k, v))
    elif a.inputs == "bf16":
        q, k, v = (bf16_round(x) for x in (q, k, v))
    scale = a.scale if a.scale is not None else 1.0 / np.sqrt(a.d)
    c = np.float32(scale / a.tau)
    keep = np.ones((a.n_q, a.n_k), dtype=bool)
    if a.mask == "causal":
        keep = np.tril(np.ones((a.n_q, a.n_k), dtype=bool))
    elif a.mask == "array":
        keep = rng.random((a.n_q, a.n_k)) < 0.7
        keep[:, 0] = True
    use = np.ones_like(keep) if a.ignore_mask else keep
    s = np.matmul(q, np.swapaxes(k, -1, -2)).astype(np.float32) * c
    s = np.where(use, s, np.float32(-np.inf)).astype(np.float32)
    out = np.zeros(shp(a.n_q, a.d_v), dtype=np.float32)
    if a.kernel == "naive":
        m = s.max(axis=-1, keepdims=True)
        e = np.exp(s - m).astype(np.float32)
        out = (np.matmul(e, v) / e.sum(axis=-1, keepdims=True)).astype(np.float32)
    elif a.kernel in ("online", "stale-max"):
        blocks = list(range(0, a.n_k, 16))
        rng.shuffle(blocks)
        m = np.full(shp(a.n_q, 1), -np.inf, dtype=np.float32)
        l = np.zeros(shp(a.n_q, 1), dtype=np.float32)
        acc = np.zeros(shp(a.n_q, a.d_v), dtype=np.float32)
        for b0 in blocks:
            sb = s[..., b0:b0 + 16]
            mn = np.maximum(m, sb.max(axis=-1, keepdims=True))
            with np.errstate(invalid="ignore"):
                r = np.where(np.isneginf(m), np.float32(0), np.exp(m - mn)).astype(np.float32)
            e = np.exp(sb - mn).astype(np.float32)
            l = (l * r + e.sum(axis=-1, keepdims=True)).astype(np.float32)
            pv = np.matmul(e, v[..., b0:b0 + 16, :]).astype(np.float32)
            acc = (acc + pv if a.kernel == "stale-max" else acc * r + pv).astype(np.float32)
            m = mn
        out = (acc / l).astype(np.float32)
    elif a.kernel == "topk":
        kk = min(a.topk, a.n_k)
        idx = np.argsort(-s, axis=-1, kind="stable")[..., :kk]
        st = np.take_along_axis(s, idx, axis=-1)
        e = np.exp(st - st[..., :1]).astype(np.float32)
        w = (e / e.sum(axis=-1, keepdims=True)).astype(np.float32)
        vs = np.take_along_axis(v[..., None, :, :], idx[..., None], axis=-2)
        out = np.einsum("bhqk,bhqkc->bhqc", w, vs).astype(np.float32)
    elif a.kernel == "hardmax":
        best = s.max(axis=-1, keepdims=True)
        sel = (s == best).astype(np.float32)
        out = (np.matmul(sel, v) / sel.sum(axis=-1, keepdims=True)).astype(np.float32)
    else:
        raise SystemExit(f"unknown kernel {a.kernel}")
    if a.out_format in ("bf16", "bf16-bits"):
        out = bf16_round(out)
    os.makedirs(a.out, exist_ok=True)
    for name, x in (("q", q), ("k", k), ("v", v)):
        if a.inputs == "f16":
            np.save(os.path.join(a.out, f"{name}.npy"), x.astype(np.float16))
        elif a.inputs == "bf16":
            np.save(os.path.join(a.out, f"{name}.npy"), bf16_bits(x))
        else:
            np.save(os.path.join(a.out, f"{name}.npy"), x)
    if a.out_format == "bf16-bits":
        out = bf16_bits(out)
    elif a.out_format == "f16":
        out = out.astype(np.float16)
    np.save(os.path.join(a.out, "out.npy"), out)
    if a.mask == "array":
        np.save(os.path.join(a.out, "mask.npy"), keep.astype(np.float32))


if __name__ == "__main__":
    main()
