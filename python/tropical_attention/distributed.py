"""Tiled region counts on Ray, Dask or local threads: :func:`count_regions_distributed`.

The counting box ``[lo, hi]^k`` is cut into a grid of tiles (``tiles="4x4"``); each tile is
counted as one task by the library's ``tropical_attention::tiling::count_tile`` (the same as
``tropical regions --tiles 4x4 --tile I``), and the parts are merged exactly by
``tiling::merge_parts`` (as ``tropical merge``): the result is the :class:`Regions` of the
untiled count, with the same cells (by label), linear regions and bounds.

Backends:

- ``"local"``: a thread pool in this process (each tile releases the GIL, so tiles use all
  cores); ``model`` may be a :class:`Model` or a path.
- ``"ray"``: tasks on the Ray cluster this process is connected to, or on ``address``, or on a
  local one started here (``ray.init``). ``model`` must be a path every worker can read (a
  shared filesystem); each worker process loads it once.
- ``"dask"``: futures on the Dask ``distributed`` client in use, or on ``address``, or on a local
  cluster started here. ``model`` as for Ray.

A failed task is retried up to ``retries`` times (Ray ``max_retries`` / ``retry_exceptions``,
Dask ``retries``, a loop for ``"local"``); a tile that still fails is reported in a
:class:`TileFailedError` naming every failed tile and its last error. No tile is dropped: the
merge refuses a missing one.
"""

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from . import _native
from ._convert import box as _box, payload
from ._errors import InvalidInputError, TropicalError
from ._regions import Model, Regions, load

PathLike = Union[str, "os.PathLike[str]"]

BACKENDS = ("local", "ray", "dask")


class TileFailedError(TropicalError):
    """Some tiles failed after every retry. ``failures`` maps each failed tile index to its last
    error message; ``parts`` holds the parts of the tiles that succeeded (JSON text by index)."""

    def __init__(self, failures: Dict[int, str], parts: Dict[int, str]):
        self.failures = dict(sorted(failures.items()))
        self.parts = parts
        lines = "; ".join(f"tile {i}: {m}" for i, m in self.failures.items())
        super().__init__(f"{len(self.failures)} of {len(self.failures) + len(parts)} tiles failed: {lines}")


_LOADED: Dict[Tuple[Any, ...], Any] = {}


def _native_model(source: Any, n_heads: Optional[int], tensors: Optional[Mapping[str, str]]) -> Any:
    """The native model of a :class:`Model` or a path (loaded once per process)."""
    if isinstance(source, Model):
        return source._m
    key = (os.fspath(source), n_heads, tuple(sorted((tensors or {}).items())))
    if key not in _LOADED:
        _LOADED[key] = load(source, n_heads=n_heads, tensors=tensors)._m
    return _LOADED[key]


def _count_tile(job: Dict[str, Any], index: int) -> str:
    """One task: the part of tile ``index`` as JSON text (runs on a worker)."""
    mark = job.get("inject_failure")
    if mark is not None:
        # test hook: the first attempt at each tile fails (marker files survive across processes)
        path = os.path.join(mark, f"tile-{index}")
        if not os.path.exists(path):
            open(path, "w").close()
            raise RuntimeError(f"injected failure of tile {index}")
    m = _native_model(job["model"], job["n_heads"], job["tensors"])
    # a tile stopped early says so in its part (complete: false), and so does the merge
    part, _interrupted = _native.count_tile(
        m, job["context"], job["tiles"], index, job["box"], job["layer"], job["heads"],
        job["slice"], job["depth"], job["max_regions"], job["time_limit"],
    )
    return part


def _local(job: Dict[str, Any], n: int, retries: int, workers: Optional[int]) -> Tuple[Dict[int, str], Dict[int, str]]:
    def attempt(i: int) -> Tuple[int, Optional[str], Optional[str]]:
        err = ""
        for _ in range(retries + 1):
            try:
                return i, _count_tile(job, i), None
            except InvalidInputError as e:  # the same request fails the same way
                return i, None, str(e)
            except Exception as e:  # noqa: BLE001 - reported per tile, never dropped
                err = f"{type(e).__name__}: {e}"
        return i, None, err

    parts: Dict[int, str] = {}
    failures: Dict[int, str] = {}
    with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
        for i, part, err in pool.map(attempt, range(n)):
            if part is not None:
                parts[i] = part
            else:
                failures[i] = err or "failed"
    return parts, failures


def _ray(job: Dict[str, Any], n: int, retries: int, workers: Optional[int], address: Optional[str]) -> Tuple[Dict[int, str], Dict[int, str]]:
    import ray

    if not ray.is_initialized():
        if address is not None:
            ray.init(address=address)
        else:
            ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
    task = ray.remote(max_retries=retries, retry_exceptions=True)(_count_tile)
    shared = ray.put(job)
    refs = {i: task.remote(shared, i) for i in range(n)}
    parts: Dict[int, str] = {}
    failures: Dict[int, str] = {}
    for i, ref in refs.items():
        try:
            parts[i] = ray.get(ref)
        except Exception as e:  # noqa: BLE001 - reported per tile, never dropped
            failures[i] = f"{type(e).__name__}: {str(e).strip().splitlines()[-1] if str(e).strip() else ''}"
    return parts, failures


def _dask(job: Dict[str, Any], n: int, retries: int, workers: Optional[int], address: Optional[str]) -> Tuple[Dict[int, str], Dict[int, str]]:
    from dask.distributed import Client, get_client

    own = None
    if address is not None:
        client = own = Client(address)
    else:
        try:
            client = get_client()
        except ValueError:
            client = own = Client(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1,
                                  processes=True, dashboard_address=None)
    try:
        futures = {i: client.submit(_count_tile, job, i, retries=retries, pure=False) for i in range(n)}
        parts: Dict[int, str] = {}
        failures: Dict[int, str] = {}
        for i, f in futures.items():
            try:
                parts[i] = f.result()
            except Exception as e:  # noqa: BLE001 - reported per tile, never dropped
                failures[i] = f"{type(e).__name__}: {e}"
        return parts, failures
    finally:
        if own is not None:
            own.close()


def count_regions_distributed(
    model: Union[Model, PathLike],
    context: Any,
    *,
    tiles: str,
    box: Sequence[Any],
    slice: Optional[Sequence[Any]] = None,
    layer: int = 0,
    heads: Optional[Sequence[int]] = None,
    depth: int = 1,
    backend: str = "local",
    retries: int = 2,
    workers: Optional[int] = None,
    address: Optional[str] = None,
    max_regions: Optional[int] = None,
    time_limit: Optional[float] = None,
    n_heads: Optional[int] = None,
    tensors: Optional[Mapping[str, str]] = None,
    _inject_failure: Optional[PathLike] = None,
) -> Regions:
    """The exact count of :meth:`Model.regions` on ``box`` (and ``slice``), tile by tile.

    ``tiles`` is the grid, ``"K"``, ``"KxK"`` or ``"KxKxK"`` (axes past those given are not
    cut); ``backend`` is ``"local"``, ``"ray"`` or ``"dask"`` (see the module docs);
    ``retries`` is how often a failed task is tried again; ``workers`` the number of local
    threads, or the CPUs of a local Ray / Dask cluster started here; ``address`` a running
    cluster to connect to. ``max_regions`` and ``time_limit`` apply to each tile (the result is
    then ``complete=False``). ``model`` is a :class:`Model` (``"local"`` only) or a path loaded
    with ``n_heads`` and ``tensors`` as by :func:`load`.

    Raises :class:`TileFailedError` when a tile fails after every retry, and
    :class:`InvalidInputError` on a bad request (checked on tile 0 before anything is submitted).
    """
    if backend not in BACKENDS:
        raise InvalidInputError(f"backend {backend!r}: backends are {', '.join(BACKENDS)}")
    if retries < 0:
        raise InvalidInputError(f"retries {retries}: need at least 0")
    if backend != "local" and isinstance(model, Model):
        raise InvalidInputError(
            f"backend {backend!r}: pass the model's path (each worker loads it), not a Model"
        )
    if box is None:
        raise InvalidInputError("box: a tiled count needs a box (lo, hi)")
    native = _native_model(model, n_heads, tensors)
    dimension = len(slice) - 1 if slice is not None else native.d_model
    n = _native.tile_count(tiles, dimension)
    job: Dict[str, Any] = {
        "model": model if isinstance(model, Model) else os.fspath(model),
        "n_heads": n_heads,
        "tensors": dict(tensors) if tensors else None,
        "context": payload(context, "context"),
        "tiles": tiles,
        "box": _box(box),
        "layer": int(layer),
        "heads": None if heads is None else [int(h) for h in heads],
        "slice": None if slice is None else [payload(v, f"slice[{i}]") for i, v in enumerate(slice)],
        "depth": int(depth),
        "max_regions": max_regions,
        "time_limit": None if time_limit is None else float(time_limit),
        "inject_failure": None if _inject_failure is None else os.fspath(_inject_failure),
    }
    if backend == "local":
        parts, failures = _local(job, n, retries, workers)
    elif backend == "ray":
        parts, failures = _ray(job, n, retries, workers, address)
    else:
        parts, failures = _dask(job, n, retries, workers, address)
    if failures:
        raise TileFailedError(failures, parts)
    report = _native.merge_parts([parts[i] for i in range(n)])
    return Regions(report, False)


def merge_parts(parts: Sequence[str]) -> Regions:
    """Merge tile parts (JSON texts or paths of part files, one per tile) into the count of the
    whole box, as ``tropical merge``."""
    texts: List[str] = []
    for p in parts:
        if isinstance(p, str) and p.lstrip().startswith("{"):
            texts.append(p)
        else:
            with open(p, encoding="utf-8") as f:
                texts.append(f.read())
    return Regions(_native.merge_parts(texts), False)


__all__ = ["BACKENDS", "TileFailedError", "count_regions_distributed", "merge_parts"]
