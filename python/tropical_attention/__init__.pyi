"""Type stubs of :mod:`tropical_attention` (exact tropical geometry of attention)."""

import os
from fractions import Fraction
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

ArrayLike = Any  # numpy arrays (float16/32/64, integers, Fractions), lists, tensors
PathLike = Union[str, os.PathLike[str]]
Box = Tuple[Union[int, float, Fraction, str], Union[int, float, Fraction, str]]
Row = Tuple[Fraction, ...]

class TropicalError(Exception): ...
class InvalidInputError(TropicalError, ValueError): ...
class TropicalFileNotFoundError(TropicalError, FileNotFoundError): ...

class Polygon:
    label: Tuple[Tuple[int, ...], ...]
    linear_region: int
    exact: List[Tuple[Fraction, Fraction]]
    vertices: np.ndarray

class Run:
    method: str
    cells: int
    complete: bool
    seconds: Optional[float]

class Decomposition:
    applies: bool
    rank: int
    needed: int
    per_head: List[int]
    reason: Optional[str]

class Regions:
    cells: int
    linear_regions: Optional[int]
    dimension: int
    walk_dimension: Optional[int]
    complete: bool
    stopped: Optional[str]
    interrupted: bool
    method: str
    runs: List[Run]
    agreed: bool
    decomposition: Optional[Decomposition]
    cells_minkowski: Optional[int]
    lps_solved: int
    bounds: Dict[str, Optional[int]]
    labels: List[Tuple[Tuple[int, ...], ...]]
    layer_labels: List[Tuple[Tuple[Tuple[int, ...], ...], ...]]
    interior_points: List[Row]
    cell_linear_region: List[int]
    pieces: List[Tuple[Optional[List[List[Fraction]]], List[Fraction]]]
    patterns: Optional[List[Any]]
    heads: Optional[List[int]]
    keys: Any
    @property
    def methods_agreed(self) -> List[str]: ...
    def polygons(self) -> List[Polygon]: ...
    def to_json(self) -> str: ...
    def plot(self, ax: Any = ..., *, labels: bool = ...) -> Any: ...

class Model:
    @property
    def layers(self) -> int: ...
    @property
    def heads(self) -> int: ...
    @property
    def heads_per_layer(self) -> List[int]: ...
    @property
    def d_model(self) -> int: ...
    @property
    def naming(self) -> str: ...
    def regions(
        self,
        context: ArrayLike,
        layer: int = ...,
        heads: Optional[Sequence[int]] = ...,
        slice: Optional[Sequence[ArrayLike]] = ...,
        box: Optional[Box] = ...,
        depth: int = ...,
        max_regions: Optional[int] = ...,
        progress: bool = ...,
        method: Union[None, str, Sequence[str]] = ...,
        time_limit: Optional[float] = ...,
    ) -> Regions: ...

def load(
    source: Union[PathLike, Mapping[str, Any]],
    n_heads: Optional[int] = ...,
    tensors: Optional[Mapping[str, str]] = ...,
) -> Model: ...
def max_affine_regions(
    slopes: Union[ArrayLike, Sequence[ArrayLike]],
    offsets: Union[ArrayLike, Sequence[ArrayLike]],
    box: Optional[Box] = ...,
    max_regions: Optional[int] = ...,
    progress: bool = ...,
) -> Regions: ...
def relu_regions(
    weights: Sequence[ArrayLike],
    biases: Sequence[ArrayLike],
    box: Optional[Box] = ...,
    max_regions: Optional[int] = ...,
    progress: bool = ...,
) -> Regions: ...

class Polytope:
    dim: int
    ambient_dim: int
    f_vector: Optional[List[int]]
    vertices: List[Row]
    rays: List[Row]
    lines: List[Row]
    facets: List[Tuple[Row, Fraction]]
    equations: List[Tuple[Row, Fraction]]
    edges: List[Tuple[int, int]]
    facet_incidence: List[List[int]]
    decomposition: Optional[List[List[int]]]
    def summary(self) -> Dict[str, Any]: ...
    def vertices_float(self) -> np.ndarray: ...
    def to_ine(self) -> str: ...
    def to_ext(self) -> str: ...
    def to_json(self) -> str: ...

def hull(
    points: Optional[ArrayLike] = ...,
    *,
    halfspaces: Optional[Tuple[ArrayLike, ArrayLike]] = ...,
    equations: Optional[Tuple[ArrayLike, ArrayLike]] = ...,
    rays: Optional[ArrayLike] = ...,
    lines: Optional[ArrayLike] = ...,
    faces: bool = ...,
) -> Polytope: ...
def minkowski_sum(*polytopes: Union[Polytope, ArrayLike]) -> Polytope: ...

class PowerDiagram:
    dim: int
    cells: int
    hidden: List[int]
    vertices: List[Row]
    edges: List[Tuple[int, int]]
    cell_sites: List[int]
    site_cell: List[Optional[int]]
    cell_objects: List[Dict[str, Any]]
    polygons: List[Tuple[int, List[Row]]]
    def to_json(self) -> str: ...

def power_diagram(sites: ArrayLike, weights: ArrayLike, box: Optional[Box] = ...) -> PowerDiagram: ...

class TropicalHull:
    convention: str
    pseudovertices: List[Row]
    maximal_cells: List[Dict[str, Any]]
    bounded_f_vector: List[int]
    def to_json(self) -> str: ...

def tconv(points: ArrayLike, min: bool = ...) -> TropicalHull: ...
def read_polytope(source: PathLike, faces: bool = ...) -> Polytope: ...
def read_ine(source: PathLike, faces: bool = ...) -> Polytope: ...
def read_ext(source: PathLike, faces: bool = ...) -> Polytope: ...
def write_ine(p: Polytope, path: PathLike) -> None: ...
def write_ext(p: Polytope, path: PathLike) -> None: ...

class Certificate:
    verdict: str
    certified: bool
    interrupted: bool
    def __getattr__(self, name: str) -> Any: ...
    def to_json(self) -> str: ...

def certify_attention(
    q: ArrayLike,
    k: ArrayLike,
    v: ArrayLike,
    out: ArrayLike,
    tau: Union[int, float, Fraction, str] = ...,
    kind: str = ...,
    k_top: Optional[int] = ...,
    scale: Union[None, int, float, Fraction, str] = ...,
    mask: Optional[ArrayLike] = ...,
    causal: bool = ...,
    heads: Optional[int] = ...,
    atol: Optional[float] = ...,
    rtol: Optional[float] = ...,
    rows: Optional[int] = ...,
    bf16: bool = ...,
    progress: bool = ...,
) -> Certificate: ...
