"""One reader for the arrays nn is handed (inputs, targets, labels, data sets, state): ``read_array``.

A Tensor gives its data (no graph); an ndarray keeps its dtype and is not copied; a
(nested) list becomes an array of numpy's dtype for it. The errors follow the contract: a wrong
kind (a Value, a string, Python objects, complex numbers) is a TypeError, a wrong value (a
ragged list) a ValueError; each message starts with the caller's name and says what was given.
"""

import numpy as np

from autograd import Tensor, Value

_REAL_KINDS = "biuf"


def read_array(x, where, what="the input"):
    """``x`` as a real-valued ndarray (bool, integer or floating point), or a TypeError / ValueError naming where."""
    if isinstance(x, Tensor):
        array = x.data
    elif isinstance(x, np.ndarray):
        array = x
    elif isinstance(x, Value):
        raise TypeError(f"{where}: {what} must be an array, a list or a Tensor, got a Value (use its .data)")
    elif isinstance(x, (str, bytes)):
        raise TypeError(f"{where}: {what} must be numbers, an array or a Tensor, got {type(x).__name__} {x!r:.60}")
    else:
        try:
            array = np.asarray(x)
        except ValueError as error:
            raise ValueError(f"{where}: {what} cannot be read as an array: a ragged nested sequence? Every row "
                             f"must have the same length ({error})") from None
        except (TypeError, OverflowError) as error:
            raise TypeError(f"{where}: {what} cannot be read as an array of numbers "
                            f"(got {type(x).__name__}: {error})") from None
    if array.dtype.kind not in _REAL_KINDS:
        raise TypeError(f"{where}: {what} must hold real numbers (bool, integer or floating point), "
                        f"got an array of dtype {array.dtype}")
    return array
