"""Small read-only arrays kept for the hot paths: 0-d constants of a dtype, and vectors made once per shape.

numpy takes a 0-d array of an operand's dtype faster than a Python number (no
type resolution), and an array kept is an array not made again every step.
"""

import numpy as np

_zeros = {}  # dtype -> 0-d zero
_ones = {}  # dtype -> 0-d one


def kept(cache, key, make, limit=64):
    """``cache[key]``, made by ``make()`` and set read-only on first use; past ``limit`` keys the cache starts again."""
    array = cache.get(key)
    if array is None:
        if len(cache) >= limit:
            cache.clear()
        array = make()
        array.flags.writeable = False
        cache[key] = array
    return array


def zero(dtype):
    """A shared read-only 0-d array holding 0 in ``dtype``."""
    array = _zeros.get(dtype)
    return array if array is not None else kept(_zeros, dtype, lambda: np.zeros((), dtype=dtype))


def one(dtype):
    """A shared read-only 0-d array holding 1 in ``dtype``."""
    array = _ones.get(dtype)
    return array if array is not None else kept(_ones, dtype, lambda: np.ones((), dtype=dtype))
