"""Exact tropical geometry of attention, from numpy and PyTorch.

``load`` a checkpoint (safetensors, Hugging Face folder, JSON or a state_dict), count the exact
cells and linear regions of a layer with :meth:`Model.regions`, and draw them::

    import tropical_attention as ta
    m = ta.load("all-MiniLM-L6-v2/")                      # config.json + model.safetensors
    r = m.regions(context, slice=(o, u, v), box=(-25, 25))  # exact count, a Regions object
    r.plot()                                              # matplotlib, if installed

Exact values are :class:`fractions.Fraction` and counts are :class:`int`; every float input is
read as its exact dyadic rational. Also: :func:`max_affine_regions`, :func:`relu_regions`,
:func:`hull`, :func:`minkowski_sum`, :func:`power_diagram`, :func:`tconv`, cdd/lrs files and
:func:`certify_attention` (any attention kernel's output against the exact reference).
"""

from ._certify import Certificate, certify_attention
from ._errors import InvalidInputError, TropicalError, TropicalFileNotFoundError
from ._geometry import (
    Polytope,
    PowerDiagram,
    TropicalHull,
    hull,
    minkowski_sum,
    power_diagram,
    read_ext,
    read_ine,
    read_polytope,
    tconv,
    write_ext,
    write_ine,
)
from ._regions import (
    Decomposition,
    Model,
    Polygon,
    Regions,
    Run,
    load,
    max_affine_regions,
    relu_regions,
)

__all__ = [
    "Certificate",
    "certify_attention",
    "Decomposition",
    "InvalidInputError",
    "Model",
    "Polygon",
    "Polytope",
    "PowerDiagram",
    "Regions",
    "Run",
    "TropicalError",
    "TropicalFileNotFoundError",
    "TropicalHull",
    "hull",
    "load",
    "max_affine_regions",
    "minkowski_sum",
    "power_diagram",
    "read_ext",
    "read_ine",
    "read_polytope",
    "relu_regions",
    "tconv",
    "write_ext",
    "write_ine",
]
