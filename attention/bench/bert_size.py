#!/usr/bin/env python3
"""Synthetic BERT-base-size attention layer for `tropical regions` (no numpy needed).

Writes into OUT (default: target/bert-size):
  layer.safetensors   encoder.layer.0.attention.{self.{query,key,value},output.dense}.{weight,bias}
                      with d_model = 768, 12 heads (metadata num_attention_heads = 12), weights
                      N(0, 0.02) and biases N(0, 0.02) rounded to f32 (seeded);
  context.npy         16 x 768 hidden states N(0, 1), f32;
  o.npy u.npy v.npy   a 2D slice O + s*U + t*V through the space (O = the first context token).

Then, e.g.:
  tropical regions --model OUT/layer.safetensors --context OUT/context.npy \
      --slice OUT/o.npy,OUT/u.npy,OUT/v.npy --heads 0,1
"""
import json
import os
import random
import struct
import sys

D, HEADS, N = 768, 12, 16
out = sys.argv[1] if len(sys.argv) > 1 else "target/bert-size"
os.makedirs(out, exist_ok=True)
rng = random.Random(20261123)


def f32s(n, sd):
    return struct.pack(f"<{n}f", *(rng.gauss(0.0, sd) for _ in range(n)))


def write_npy(path, shape, data):
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }" % (
        ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else ""))
    pad = 64 - (10 + len(header) + 1) % 64
    header = header + " " * pad + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + data)


tensors = {}
for name in ["self.query", "self.key", "self.value", "output.dense"]:
    tensors[f"encoder.layer.0.attention.{name}.weight"] = ([D, D], f32s(D * D, 0.02))
    tensors[f"encoder.layer.0.attention.{name}.bias"] = ([D], f32s(D, 0.02))
header, offset, blobs = {"__metadata__": {"num_attention_heads": str(HEADS)}}, 0, []
for name, (shape, data) in tensors.items():
    header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [offset, offset + len(data)]}
    offset += len(data)
    blobs.append(data)
h = json.dumps(header).encode()
h += b" " * ((8 - len(h) % 8) % 8)
with open(os.path.join(out, "layer.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))

context = f32s(N * D, 1.0)
write_npy(os.path.join(out, "context.npy"), (N, D), context)
write_npy(os.path.join(out, "o.npy"), (D,), context[: 4 * D])
write_npy(os.path.join(out, "u.npy"), (D,), f32s(D, 1.0))
write_npy(os.path.join(out, "v.npy"), (D,), f32s(D, 1.0))
print(f"wrote {out}/layer.safetensors, context.npy, o.npy, u.npy, v.npy")
