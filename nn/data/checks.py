"""Argument checks shared by the data tools: arrays, counts, fractions, noise levels."""

import math
import numbers

import numpy as np

from ..arrays import read_array


def as_array(x, where, what="X"):
    """``x`` (an ndarray, a list or a Tensor) read by ``read_array``, with at least one axis of samples.

    An ndarray keeps its dtype; a Tensor gives its data (no graph).
    """
    array = read_array(x, where, what)
    if array.ndim == 0:
        raise ValueError(f"{where}: {what} must have an axis of samples, got a scalar")
    return array


def same_length(X, y, where):
    """ValueError unless X and y hold the same number of samples."""
    if y is not None and len(X) != len(y):
        raise ValueError(f"{where}: X and y must hold the same number of samples, "
                         f"got {len(X)} rows in X and {len(y)} in y")


def count(value, where, minimum=1):
    """An int >= ``minimum``: TypeError for a non-int (bools refused), ValueError below the minimum."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{where} must be an int, got {type(value).__name__} {value!r}")
    if value < minimum:
        raise ValueError(f"{where} must be >= {minimum}, got {value}")
    return int(value)


def real(value, where, minimum=None, strict=False):
    """A finite float, optionally >= ``minimum`` (> with ``strict``)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{where} must be a real number, got {type(value).__name__} {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{where} must be finite, got {value}")
    if minimum is not None and (value <= minimum if strict else value < minimum):
        raise ValueError(f"{where} must be {'>' if strict else '>='} {minimum}, got {value}")
    return value


def flag(value, where):
    """A bool, or a TypeError."""
    if not isinstance(value, bool):
        raise TypeError(f"{where} must be True or False, got {type(value).__name__} {value!r}")
    return value


def integer_labels(labels, where, what="labels"):
    """``labels`` as an int64 array: integer, bool or whole-valued float input; anything else is refused."""
    array = as_array(labels, where, what) if not np.isscalar(labels) else read_array(labels, where, what)
    if array.dtype.kind == "f":
        bad = ~np.isfinite(array) | (array != np.round(array))
        if bad.any():
            position = tuple(int(i) for i in np.argwhere(bad)[0])
            raise ValueError(f"{where}: {what} must be whole numbers (class indices), "
                             f"got {array[position]} at index {position if len(position) > 1 else position[0]}")
    return array.astype(np.int64)
