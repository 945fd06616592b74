"""Models and exact region counts: :func:`load`, :class:`Model`, :class:`Regions`,
:func:`max_affine_regions`, :func:`relu_regions`."""

import json
import os
import struct
import sys
from fractions import Fraction
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

from . import _native
from ._convert import as_numpy, box as _box, frac, payload
from ._errors import InvalidInputError
from ._progress import Progress

PathLike = Union[str, "os.PathLike[str]"]


class Polygon:
    """One bounded 2D cell: exact vertices (counter-clockwise) and the same as floats."""

    def __init__(self, label: Tuple[Tuple[int, ...], ...], linear_region: int, exact: List[Tuple[Fraction, Fraction]]):
        self.label = label
        self.linear_region = linear_region
        self.exact = exact
        self.vertices = np.array([[float(x), float(y)] for x, y in exact], dtype=np.float64)

    def __repr__(self) -> str:
        return f"Polygon(label={self.label}, {len(self.exact)} vertices)"


def _int(v: Any) -> Optional[int]:
    """A count as the library writes it (a JSON number up to 2^53, a decimal string beyond)."""
    return None if v is None else int(v)


class Run:
    """One counting method's result: ``method`` ("walk", "minkowski", "product"), ``cells``
    (``int``; a lower bound when ``complete`` is False) and ``seconds`` (None when not timed)."""

    def __init__(self, r: Mapping[str, Any]):
        self.method: str = r["method"]
        self.cells: int = int(r["cells"])
        self.complete: bool = bool(r["complete"])
        self.seconds: Optional[float] = r.get("seconds")

    def __repr__(self) -> str:
        more = "" if self.complete else ", complete=False"
        return f"Run({self.method!r}, cells={self.cells}{more})"


class Decomposition:
    """SPEC T15's exact test: ``applies`` when the stacked query map is onto (rank ``rank`` =
    ``needed``); then the count is the product of ``per_head`` (each head's cells in its own
    query space); ``reason`` says why it fails otherwise."""

    def __init__(self, d: Mapping[str, Any]):
        self.applies: bool = bool(d["applies"])
        self.rank: int = int(d["rank"])
        self.needed: int = int(d["needed"])
        self.per_head: List[int] = [int(n) for n in d["per_head"]]
        self.reason: Optional[str] = d.get("reason")

    def __repr__(self) -> str:
        if self.applies:
            return f"Decomposition(applies, per_head={self.per_head})"
        return f"Decomposition(does not apply: {self.reason})"


def _piece(p: Optional[Mapping[str, Any]]) -> Tuple[Optional[List[List[Fraction]]], List[Fraction]]:
    if p is None:
        return None, []
    lin = p.get("linear")
    return (None if lin is None else [[frac(x) for x in row] for row in lin],
            [frac(x) for x in p["offset"]])


class Regions:
    """The result of a region count.

    ``cells`` (an exact ``int``, however large) and ``linear_regions`` (``int``, None when only
    the Minkowski count or the product of SPEC T15 ran) are the counts; ``complete`` is False when
    ``max_regions``, ``time_limit`` or Ctrl-C stopped the count early (``stopped`` says which:
    "max_cells", "time_limit", "cancelled"; ``interrupted`` is True for Ctrl-C), and the counts
    are then those of the cells found. ``bounds`` holds the exact upper bounds (``int``, None
    where they do not apply), ``method`` the method whose count is ``cells``, ``runs`` every
    method that ran (:class:`Run`), ``agreed`` whether all complete runs gave the same count, and
    ``decomposition`` the T15 test (:class:`Decomposition`, one layer without a box).

    Per cell listed: ``layer_labels`` (per layer, each head's argmax set), ``labels`` (the same
    sets, all layers in one tuple), ``interior_points`` (exact ``Fraction``s, in counting
    coordinates), ``cell_linear_region`` and ``pieces`` (the affine piece ``(linear, offset)`` of
    the map on the cell, exact; ``linear`` is None for one layer, where it is the counting
    embedding). A count by the product alone lists no cells.
    """

    def __init__(self, report: str, interrupted: bool):
        self._json = report
        r = json.loads(report)
        self._report = r
        self.cells: int = int(r["cells"])
        self.linear_regions: Optional[int] = _int(r.get("linear_regions"))
        self.dimension: int = int(r["dimension"])
        self.walk_dimension: Optional[int] = _int(r.get("walk_dimension"))
        self.complete: bool = bool(r["complete"])
        self.stopped: Optional[str] = r.get("stopped")
        self.interrupted: bool = interrupted
        self.method: str = r["method"]
        self.runs: List[Run] = [Run(x) for x in r["runs"]]
        self.agreed: bool = bool(r["agreed"])
        d = r.get("decomposition")
        self.decomposition: Optional[Decomposition] = None if d is None else Decomposition(d)
        self.cells_minkowski: Optional[int] = _int(r.get("cells_minkowski"))
        self.lps_solved: int = int(r.get("lps_solved", 0))
        self.bounds: Dict[str, Optional[int]] = {}
        for key, name in (("bound_product", "product"), ("bound_zaslavsky", "zaslavsky")):
            if key in r:
                v = r[key]
                self.bounds[name] = int(v) if isinstance(v, str) and v.isdigit() else None
        cl = r["cell_list"]
        self.layer_labels: List[Tuple[Tuple[Tuple[int, ...], ...], ...]] = [
            tuple(tuple(tuple(s) for s in layer) for layer in c["label"]) for c in cl
        ]
        self.labels: List[Tuple[Tuple[int, ...], ...]] = [
            tuple(s for layer in lab for s in layer) for lab in self.layer_labels
        ]
        self.interior_points: List[Tuple[Fraction, ...]] = [
            tuple(frac(x) for x in c["interior_point"]) for c in cl
        ]
        self.cell_linear_region: List[int] = [int(c["linear_region"]) for c in cl]
        self.pieces: List[Tuple[Optional[List[List[Fraction]]], List[Fraction]]] = [
            _piece(c.get("piece")) for c in cl
        ]
        self._polys = [c.get("polygon") for c in cl]
        self.patterns = r.get("patterns")
        self.heads: Optional[List[int]] = r.get("heads")
        self.keys = r.get("keys")

    @property
    def methods_agreed(self) -> List[str]:
        """The methods whose complete counts agree with ``cells`` (in the order they ran)."""
        return [x.method for x in self.runs if x.complete and x.cells == self.cells]

    def __repr__(self) -> str:
        more = "" if self.complete else ", complete=False"
        return f"Regions(cells={self.cells}, linear_regions={self.linear_regions}{more})"

    def polygons(self) -> List[Polygon]:
        """The cells of a 2D count as polygons (exact ``Fraction`` vertices and floats).

        Needs a 2D counting space (a 2D slice, or 2 inputs) and a box, so that every cell is
        bounded; raises :class:`InvalidInputError` otherwise.
        """
        if len(self._polys) < self.cells:
            raise InvalidInputError(
                "the cells are not listed (no walk ran): count with method='walk' or a box"
            )
        if self.dimension != 2:
            raise InvalidInputError(
                f"polygons need a 2D count (this one is {self.dimension}-dimensional)"
            )
        if any(p is None for p in self._polys):
            raise InvalidInputError("a cell is unbounded: count with box=(lo, hi) to get polygons")
        return [
            Polygon(lab, lr, [(Fraction(x), Fraction(y)) for x, y in p])
            for lab, lr, p in zip(self.labels, self.cell_linear_region, self._polys)
        ]

    def to_json(self) -> str:
        """The report as JSON text: for :meth:`Model.regions` the fields of ``tropical regions
        --json`` with every cell in ``cell_list`` (per-layer labels, exact interior points and
        affine pieces as strings, linear region, exact and float polygon or null); see
        docs/json/regions.md."""
        return self._json

    def plot(self, ax: Any = None, *, labels: bool = True) -> Any:
        """Draw the cells of a 2D count with matplotlib (coloured by linear region, labelled by
        argmax sets) on ``ax`` (a new figure when None); returns the axes."""
        try:
            import matplotlib.pyplot as plt  # type: ignore[import-not-found]
            from matplotlib.patches import Polygon as Patch  # type: ignore[import-not-found]
        except ImportError:
            raise ImportError("Regions.plot needs matplotlib: pip install matplotlib") from None
        polys = self.polygons()
        if ax is None:
            _, ax = plt.subplots(figsize=(6, 6))
        cmap = plt.get_cmap("tab20")
        for p in polys:
            ax.add_patch(Patch(p.vertices, closed=True, facecolor=cmap(p.linear_region % 20),
                               edgecolor="black", linewidth=0.5))
            if labels:
                c = p.vertices.mean(axis=0)
                text = ",".join("+".join(str(j) for j in s) for s in p.label)
                ax.text(c[0], c[1], text, ha="center", va="center", fontsize=6)
        allv = np.vstack([p.vertices for p in polys])
        ax.set_xlim(allv[:, 0].min(), allv[:, 0].max())
        ax.set_ylim(allv[:, 1].min(), allv[:, 1].max())
        ax.set_aspect("equal")
        ax.set_title(f"{self.cells} cells, {self.linear_regions} linear regions")
        return ax


def _run(desc: str, progress: bool, call: Any) -> Regions:
    with Progress(progress, desc) as p:
        report, interrupted = call(p.callback)
    if interrupted:
        sys.stderr.write("interrupted: the count is partial (complete=False)\n")
    return Regions(report, interrupted)


class Model:
    """An attention model with exact weights (SPEC Setting A). Made by :func:`load`."""

    def __init__(self, native: "_native.Model"):
        self._m = native

    @property
    def layers(self) -> int:
        """Number of layers."""
        return self._m.layers

    @property
    def heads(self) -> int:
        """Heads per layer (of layer 0; see :attr:`heads_per_layer`)."""
        return self._m.heads[0]

    @property
    def heads_per_layer(self) -> List[int]:
        """Heads of each layer."""
        return list(self._m.heads)

    @property
    def d_model(self) -> int:
        """Width of the residual stream (query tokens live in ``R^d_model``)."""
        return self._m.d_model

    @property
    def naming(self) -> str:
        """How the tensors were named: "bert", "gpt2", "explicit" or "json"."""
        return self._m.naming

    def __repr__(self) -> str:
        return f"Model(layers={self.layers}, heads={self.heads}, d_model={self.d_model})"

    def regions(
        self,
        context: Any,
        layer: int = 0,
        heads: Optional[Sequence[int]] = None,
        slice: Optional[Sequence[Any]] = None,
        box: Optional[Sequence[Any]] = None,
        depth: int = 1,
        max_regions: Optional[int] = None,
        progress: bool = True,
        method: Optional[Sequence[str]] = None,
        time_limit: Optional[float] = None,
    ) -> Regions:
        """Exact cells and linear regions of layer ``layer`` (or of layers
        ``layer..layer+depth`` composed) with a fixed ``context`` (``N × d_model``, the hidden
        states that layer receives).

        ``slice=(O, U, V)`` counts on the plane ``O + s·U + t·V`` (``(O, U, V, W)`` for 3D);
        ``box=(lo, hi)`` restricts to the cube ``[lo, hi]^k`` in slice coordinates. Counting uses
        the score scale σ = 1 (cells do not depend on a positive scale). ``method`` lists the
        counting methods to run ("walk", "minkowski", "product"; default: automatic, the product
        of SPEC T15 when it applies, checked by the walk and the Minkowski count when small).
        ``max_regions`` and ``time_limit`` (seconds) stop the walk early, and Ctrl-C stops it and
        returns what was found (``complete=False``; ``interrupted=True`` for Ctrl-C). The counting
        is the library's ``tropical_attention::count::count_cells``, as in ``tropical regions``.
        """
        ctx = payload(context, "context")
        sl = None if slice is None else [payload(v, f"slice[{i}]") for i, v in enumerate(slice)]
        hs = None if heads is None else [int(h) for h in heads]
        ms = None if method is None else ([method] if isinstance(method, str) else list(method))
        tl = None if time_limit is None else float(time_limit)
        return _run(
            f"layer {layer}",
            progress,
            lambda cb: self._m.regions(ctx, layer, hs, sl, _box(box), depth, max_regions, cb,
                                       ms, tl),
        )


_ST_DTYPES = {np.dtype("float16"): "F16", np.dtype("float32"): "F32", np.dtype("float64"): "F64"}


def _state_dict_bytes(sd: Mapping[str, Any]) -> bytes:
    """A state_dict (name → tensor/array) as the bytes of a safetensors file (dtypes kept)."""
    header: Dict[str, Any] = {}
    blobs = []
    offset = 0
    for name, t in sd.items():
        a = as_numpy(t, f"state_dict[{name!r}]")
        if a.dtype not in _ST_DTYPES:
            if a.dtype.kind in "iub":
                continue  # position ids, token types and similar integer buffers
            raise InvalidInputError(
                f"state_dict[{name!r}]: unsupported dtype {a.dtype} (float16/32/64; "
                "convert bfloat16 tensors with .float())"
            )
        b = np.ascontiguousarray(a, dtype=a.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": _ST_DTYPES[a.dtype], "shape": list(a.shape),
                        "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + b"".join(blobs)


def load(
    source: Union[PathLike, Mapping[str, Any]],
    n_heads: Optional[int] = None,
    tensors: Optional[Mapping[str, str]] = None,
) -> Model:
    """Load a model exactly (every float weight becomes its exact dyadic rational).

    ``source`` is a JSON model (``.json``), a safetensors checkpoint, a Hugging Face model folder
    (``config.json`` + ``model.safetensors``), or a state_dict (a dict of name → tensor/array,
    e.g. PyTorch's ``model.state_dict()`` or ``safetensors.numpy.load_file``). Tensors are found by
    BERT or GPT-2 naming (optionally prefixed ``bert.`` / ``transformer.``), or by ``tensors``:
    roles ``q.weight q.bias k.weight k.bias v.weight v.bias o.weight o.bias`` to names, ``{l}``
    standing for the layer index. ``n_heads`` is needed when the file's metadata and a
    ``config.json`` beside it do not give it (always for a state_dict).
    """
    t = None if tensors is None else dict(tensors)
    if isinstance(source, Mapping):
        data = _state_dict_bytes(source)
        return Model(_native.load_state_dict(data, "<state_dict>", n_heads, t))
    return Model(_native.load(os.fspath(source), n_heads, t))


def max_affine_regions(
    slopes: Any,
    offsets: Any,
    box: Optional[Sequence[Any]] = None,
    max_regions: Optional[int] = None,
    progress: bool = True,
) -> Regions:
    """Cells of ``f(x) = max_j ⟨slopes[j], x⟩ + offsets[j]`` (an ``N × d`` array and ``N``
    offsets), or of the common refinement of several such functions (lists of arrays, one per
    function), in ``R^d`` or the cube ``box``. Labels are each function's argmax set; on the whole
    space the count is cross-checked by the Minkowski sum of the lifted Newton polytopes."""
    s = as_numpy(slopes, "slopes") if not isinstance(slopes, (list, tuple)) else None
    if s is not None and s.ndim == 2:
        fams = [(payload(s, "slopes"), payload(offsets, "offsets"))]
    else:
        if not isinstance(offsets, (list, tuple)) or len(slopes) != len(offsets):
            raise InvalidInputError(
                "max_affine_regions: give one slopes matrix and one offsets vector, "
                "or lists of them of the same length"
            )
        fams = [(payload(a, f"slopes[{i}]"), payload(b, f"offsets[{i}]"))
                for i, (a, b) in enumerate(zip(slopes, offsets))]
    return _run("max-affine", progress,
                lambda cb: _native.max_affine_regions(fams, _box(box), max_regions, cb))


def relu_regions(
    weights: Sequence[Any],
    biases: Sequence[Any],
    box: Optional[Sequence[Any]] = None,
    max_regions: Optional[int] = None,
    progress: bool = True,
) -> Regions:
    """Cells (constant ReLU sign pattern) and linear regions of the ReLU network
    ``x ↦ W_L(…ReLU(W_1 x + b_1)…) + b_L`` (SPEC T11), in ``R^d`` or the cube ``box``.
    ``weights[l]`` is ``out × in`` (PyTorch ``nn.Linear``)."""
    ws = [payload(w, f"weights[{i}]") for i, w in enumerate(weights)]
    bs = [payload(b, f"biases[{i}]") for i, b in enumerate(biases)]
    return _run("relu", progress, lambda cb: _native.relu_regions(ws, bs, _box(box), max_regions, cb))
