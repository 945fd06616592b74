"""Exception classes of :mod:`tropical_attention`.

Every error the package raises on bad input is a :class:`TropicalError`; those about the input's
shape or values (NaN/inf, wrong shapes, malformed numbers or files, bad arguments) are also
:class:`ValueError`, and a missing file is also :class:`FileNotFoundError`. Messages are the
one-line messages of the ``tropical`` command.
"""


class TropicalError(Exception):
    """Base class of the errors of :mod:`tropical_attention`."""


class InvalidInputError(TropicalError, ValueError):
    """Bad shapes, NaN/inf, malformed numbers or files, out-of-range arguments."""


class TropicalFileNotFoundError(TropicalError, FileNotFoundError):
    """A file (model, checkpoint, polytope) does not exist."""
