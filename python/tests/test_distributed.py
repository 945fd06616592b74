"""`tropical_attention.distributed.count_regions_distributed` against the untiled
`tropical regions --json` on the same inputs: local threads always, Ray and Dask when installed."""

import json
from pathlib import Path

import numpy as np
import pytest

import tropical_attention as ta
from conftest import TINY_BERT, TINY_CONTEXT
from tropical_attention.distributed import TileFailedError, count_regions_distributed, merge_parts

# a 3D slice of the tiny BERT checkpoint (d_model = 4): O + r·U + s·V + t·W
SLICE = [[0, 0, 0, 0], [1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 1]]
BOX = (-2, 2)


def key(report: dict) -> dict:
    """What a tiled count must reproduce exactly: the counts, bounds and, per cell label, its
    affine piece and the set of labels of its linear region."""
    cells = report["cell_list"]
    regions: dict = {}
    for c in cells:
        regions.setdefault(c["linear_region"], []).append(json.dumps(c["label"]))
    partition = sorted(sorted(v) for v in regions.values())
    pieces = sorted((json.dumps(c["label"]), json.dumps(c["piece"])) for c in cells)
    fields = ["cells", "linear_regions", "dimension", "heads", "keys", "complete", "layer",
              "depth", "bound_product", "bound_zaslavsky", "method", "agreed", "stopped"]
    return {"fields": {f: report[f] for f in fields}, "partition": partition, "pieces": pieces}


@pytest.fixture(scope="module")
def slice_files(tmp_path_factory):
    d = tmp_path_factory.mktemp("slice")
    paths = []
    for name, v in zip("OUVW", SLICE):
        p = d / f"{name}.json"
        p.write_text(json.dumps(v))
        paths.append(p)
    return paths


@pytest.fixture(scope="module")
def reference(cli, slice_files):
    """The untiled count by the CLI."""
    return cli("regions", "--model", TINY_BERT, "--context", TINY_CONTEXT, "--slice",
               ",".join(map(str, slice_files)), "--box=-2,2", "--cells")


def slice_arrays():
    return [np.array(v, dtype=np.float64) for v in SLICE]


def test_local_equals_untiled_cli(reference, tiny_context):
    """Hypothesis: a 3D slice of the tiny BERT layer 0, box [-2, 2]^3, 8 tiles (2x2x2) on local
    threads. Conclusion: merged = the untiled CLI count, exactly (cells, linear regions, bounds,
    pieces, the linear-region partition)."""
    assert reference["complete"] and reference["cells"] > 1
    r = count_regions_distributed(str(TINY_BERT), np.array(tiny_context), tiles="2x2x2",
                                  box=BOX, slice=slice_arrays(), backend="local", workers=2)
    assert key(json.loads(r.to_json())) == key(reference)
    # a loaded Model works as well as a path, and a 1D cut of the grid too
    m = ta.load(TINY_BERT)
    r2 = count_regions_distributed(m, np.array(tiny_context), tiles="3", box=BOX,
                                   slice=slice_arrays())
    assert key(json.loads(r2.to_json())) == key(reference)


def test_cli_parts_merge_in_python(tropical_bin, reference, slice_files, tmp_path):
    """Parts written by `tropical regions --tiles 2x2 --tile I --out FILE` merge in Python to
    the untiled count; `tropical merge` gives the same."""
    import subprocess

    files = []
    for i in range(4):
        out = tmp_path / f"part-{i}.json"
        subprocess.run([str(tropical_bin), "regions", "--model", str(TINY_BERT), "--context",
                        str(TINY_CONTEXT), "--slice", ",".join(map(str, slice_files)),
                        "--box=-2,2", "--tiles", "2x2", "--tile", str(i), "--out", str(out)],
                       check=True, capture_output=True)
        files.append(out)
    r = merge_parts(files)
    assert key(json.loads(r.to_json())) == key(reference)
    merged = subprocess.run([str(tropical_bin), "merge", *map(str, files), "--json", "--cells"],
                            check=True, capture_output=True, text=True)
    assert key(json.loads(merged.stdout)) == key(reference)


def test_failures_are_retried_or_reported(tmp_path, tiny_context, reference):
    """Hypothesis: the first attempt at every tile fails. Conclusion: with retries the count
    completes and equals the untiled one; with retries=0 every tile is reported by index, none
    dropped; a missing model file is reported for every tile."""
    marks = tmp_path / "marks"
    marks.mkdir()
    r = count_regions_distributed(str(TINY_BERT), np.array(tiny_context), tiles="2x2", box=BOX,
                                  slice=slice_arrays(), retries=1, _inject_failure=marks)
    assert key(json.loads(r.to_json())) == key(reference)
    marks2 = tmp_path / "marks2"
    marks2.mkdir()
    with pytest.raises(TileFailedError) as e:
        count_regions_distributed(str(TINY_BERT), np.array(tiny_context), tiles="2x2", box=BOX,
                                  slice=slice_arrays(), retries=0, _inject_failure=marks2)
    assert sorted(e.value.failures) == [0, 1, 2, 3]
    assert "injected failure of tile 2" in e.value.failures[2]
    assert "4 of 4 tiles failed" in str(e.value)


def test_bad_requests(tiny_context):
    ctx = np.array(tiny_context)
    with pytest.raises(ta.InvalidInputError, match="backends are"):
        count_regions_distributed(str(TINY_BERT), ctx, tiles="2", box=BOX, backend="mpi")
    with pytest.raises(ta.InvalidInputError, match="factor 1 is 0"):
        count_regions_distributed(str(TINY_BERT), ctx, tiles="0x2", box=BOX, slice=slice_arrays())
    with pytest.raises(ta.InvalidInputError, match="pass the model's path"):
        count_regions_distributed(ta.load(TINY_BERT), ctx, tiles="2", box=BOX, backend="ray")
    from tropical_attention._convert import payload

    sl = [payload(v, "slice") for v in slice_arrays()]
    part, _ = ta._native.count_tile(ta.load(TINY_BERT)._m, payload(ctx, "context"), "2", 0,
                                    ("-2", "2"), 0, None, sl)
    with pytest.raises(ta.InvalidInputError, match="tiles missing: 1"):
        merge_parts([part])
    with pytest.raises(ta.InvalidInputError, match="tile 1 given twice"):
        merge_parts([part.replace('"index":0', '"index":1')] * 2)


def _ray():
    try:
        import ray  # noqa: F401
    except ImportError as e:
        pytest.skip(f"ray is not installed ({e}); `pip install ray` to run the Ray test")
    return ray


def test_ray_local_cluster(reference, tiny_context, tmp_path):
    """Hypothesis: a local Ray cluster (2 CPUs), 8 tiles, the first attempt at each failing.
    Conclusion: Ray's retries recover every tile and the merge equals the untiled CLI count."""
    ray = _ray()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        marks = tmp_path / "marks"
        marks.mkdir()
        r = count_regions_distributed(str(TINY_BERT), np.array(tiny_context), tiles="2x2x2",
                                      box=BOX, slice=slice_arrays(), backend="ray", retries=1,
                                      _inject_failure=marks)
        assert key(json.loads(r.to_json())) == key(reference)
        # without retries every failed tile is reported by index, none dropped
        marks0 = tmp_path / "marks0"
        marks0.mkdir()
        with pytest.raises(TileFailedError) as e:
            count_regions_distributed(str(TINY_BERT), np.array(tiny_context), tiles="2",
                                      box=BOX, slice=slice_arrays(), backend="ray", retries=0,
                                      _inject_failure=marks0)
        assert sorted(e.value.failures) == [0, 1]
        assert "injected failure of tile 1" in e.value.failures[1]
        # a model no worker can load fails in the driver, before any task is submitted
        with pytest.raises(ta.TropicalError, match="no-such"):
            count_regions_distributed(str(Path(TINY_BERT).with_name("no-such.safetensors")),
                                      np.array(tiny_context), tiles="2", box=BOX,
                                      slice=slice_arrays(), backend="ray", retries=0)
    finally:
        ray.shutdown()


def test_dask_local_cluster(reference, tiny_context):
    """Hypothesis: a local Dask cluster, 8 tiles. Conclusion: merged = untiled CLI count."""
    try:
        import dask.distributed  # noqa: F401
    except ImportError as e:
        pytest.skip(f"dask.distributed is not installed ({e})")
    r = count_regions_distributed(str(TINY_BERT), np.array(tiny_context), tiles="2x2x2",
                                  box=BOX, slice=slice_arrays(), backend="dask", workers=2)
    assert key(json.loads(r.to_json())) == key(reference)
