"""Dump PyTorch scaled_dot_product_attention inputs and outputs for `tropical certify`.

    python3 gpu/bench/sdpa_dump.py --out DIR [--shapes B,H,N,D ...]

For each shape, each backend (math, efficient, flash) and each dtype (float32, bfloat16) that the
backend supports, writes DIR/<tag>/{q,k,v,out}.npy (bf16 arrays as uint16 bit patterns) and prints
one line `<tag> <backend> <dtype> <shape> <causal>` per dump, or `<tag> skipped: <reason>`.
Needs CUDA; exits 3 without it (before writing anything).
"""

import argparse
import os
import sys

import numpy as np


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--shapes", nargs="*", default=["1,4,128,64", "1,2,333,64", "2,2,64,128"])
    a = p.parse_args()
    try:
        import torch
        from torch.nn.attention import SDPBackend, sdpa_kernel
    except ImportError as e:
        print(f"skipped: PyTorch not importable ({e})")
        sys.exit(3)
    if not torch.cuda.is_available():
        print("skipped: no CUDA device")
        sys.exit(3)
    backends = {
        "math": SDPBackend.MATH,
        "efficient": SDPBackend.EFFICIENT_ATTENTION,
        "flash": SDPBackend.FLASH_ATTENTION,
    }
    g = torch.Generator(device="cuda").manual_seed(1)
    for shape in a.shapes:
        b, h, n, d = (int(x) for x in shape.split(","))
        for dtype in (torch.float32, torch.bfloat16):
            q, k, v = (torch.randn(b, h, n, d, device="cuda", generator=g).to(dtype) for _ in range(3))
            for name, be in backends.items():
                for causal in (False, True):
                    dt = "bf16" if dtype == torch.bfloat16 else "f32"
                    tag = f"{name}-{dt}-{b}x{h}x{n}x{d}{'-causal' if causal else ''}"
                    try:
                        with sdpa_kernel([be]):
                            out = torch.nn.functional.scaled_dot_product_attention(
                                q, k, v, is_causal=causal)
                        torch.cuda.synchronize()
                    except RuntimeError as e:
                        print(f"{tag} skipped: {str(e).splitlines()[0]}")
                        continue
                    dirn = os.path.join(a.out, tag)
                    os.makedirs(dirn, exist_ok=True)
                    for nm, x in (("q", q), ("k", k), ("v", v), ("out", out)):
                        x = x.detach().cpu()
                        arr = x.view(torch.int16).numpy().view(np.uint16) if dtype == torch.bfloat16 \
                            else x.numpy()
                        np.save(os.path.join(dirn, f"{nm}.npy"), arr)
                    print(f"{tag} {name} {dt} {b},{h},{n},{d} {'causal' if causal else 'none'}")


if __name__ == "__main__":
    main()
