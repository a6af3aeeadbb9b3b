"""numpy functions called on Tensors: those with a Tensor op record it, the others never drop a graph silently.

``np.sum(t, axis=0)``, ``np.concatenate([t, u])``, ``np.where(c, t, 0)``, ...
run the Tensor op (NEP 18, ``__array_function__``), so the result keeps its
graph. Any other numpy function runs on the data: fine for answers that are not
arrays of numbers (``np.allclose``, ``np.argmax``, ``np.shape``), a TypeError
when it would return float data computed from a tensor that requires grad,
since that result would silently have no gradient. numpy's ufuncs
(``np.exp(t)``, ``np.add(a, t)``, ``np.matmul(x, W)``) run the op the table
names for them (``autograd.pointwise.ufuncs``), any other ufunc is a TypeError. Which numpy
function runs which op is read from the op table (``OpSpec.numpy``, ``OpSpec.reference``).
"""

import numpy as np

from ..core import optable
from ..core.node import Node
from ..pointwise.ufuncs import ufunc_protocol
from .core import Tensor, lift


def numpy_method(name, *keywords):
    """A handler running ``np.<f>(t, ...)`` as ``t.<name>(...)``, accepting only the keywords the method has."""

    def handler(a, *args, **kwargs):
        unknown = sorted(set(kwargs) - set(keywords))
        if unknown:
            raise TypeError(f"numpy.{name} on a Tensor: unsupported arguments {unknown}; accepted: {list(keywords)}")
        return getattr(as_tensor(a), name)(*args, **kwargs)

    return handler


def as_tensor(a):
    """``a`` as a Tensor (a constant unless it is one already)."""
    return a if isinstance(a, Tensor) else Tensor(a)


def _payloads(x):
    """``x`` with every Tensor (also inside lists and tuples) replaced by its data."""
    if isinstance(x, Tensor):
        return x._data
    if isinstance(x, (list, tuple)):
        return type(x)(_payloads(item) for item in x)
    return x


def _needs_grad(x):
    if isinstance(x, Node):
        return x.requires_grad
    if isinstance(x, (list, tuple)):
        return any(_needs_grad(item) for item in x)
    return False


def array_function(self, func, types, args, kwargs):
    """``Tensor.__array_function__``: the op the table names for ``func``, else ``func`` on the data (checked)."""
    handler = optable.numpy_handlers().get(func)
    if handler is not None:
        return handler(*args, **kwargs)
    out = func(*_payloads(args), **{key: _payloads(value) for key, value in kwargs.items()})
    floats = isinstance(out, (np.ndarray, np.floating)) and out.dtype.kind == "f"
    if floats and _needs_grad((args, tuple(kwargs.values()))):
        name = getattr(func, "__name__", "this function")
        raise TypeError(
            f"numpy.{name} has no Tensor op, so its result would have no gradient; "
            f"use the Tensor ops, or call it on t.numpy() / t.detach() for values only"
        )
    return out


array_ufunc = ufunc_protocol(Tensor, lift, optable.numpy_handlers)
"""``Tensor.__array_ufunc__``: the op the table names for a ufunc (``np.exp``, ``np.add``, ``np.maximum``)."""
