"""numpy functions called on Tensors: those with a Tensor op record it, the others never drop a graph silently.

``np.sum(t, axis=0)``, ``np.concatenate([t, u])``, ``np.where(c, t, 0)``, ...
run the Tensor op (NEP 18, ``__array_function__``), so the result keeps its
graph. Any other numpy function runs on the data: fine for answers that are not
arrays of numbers (``np.allclose``, ``np.argmax``, ``np.shape``), a TypeError
when it would return float data computed from a tensor that requires grad,
since that result would silently have no gradient. numpy's ufuncs
(``np.exp(t)``) are refused by numpy itself: use the methods (``t.exp()``).
"""

import numpy as np

from .node import Node
from .tensor import Tensor
from .tensor_elementwise import where
from .tensor_shape import concatenate, stack


def _method(name, *keywords):
    """``np.<name>(t, ...)`` as ``t.<name>(...)``, accepting only the keywords the method has."""

    def handler(a, *args, **kwargs):
        unknown = sorted(set(kwargs) - set(keywords))
        if unknown:
            raise TypeError(f"numpy.{name} on a Tensor: unsupported arguments {unknown}; accepted: {list(keywords)}")
        return getattr(_as_tensor(a), name)(*args, **kwargs)

    return handler


def _as_tensor(a):
    return a if isinstance(a, Tensor) else Tensor(a)


def _expand_dims(a, axis):
    return _as_tensor(a).unsqueeze(axis)


def _clip(a, a_min=None, a_max=None, *, min=None, max=None):  # numpy's names for the bounds
    return _as_tensor(a).clip(a_min if a_min is not None else min, a_max if a_max is not None else max)


def _where(condition, x=None, y=None):
    if x is None or y is None:
        raise TypeError("numpy.where on a Tensor: give all three arguments (condition, x, y)")
    return where(condition, x, y)


_HANDLERS = {
    np.sum: _method("sum", "axis", "keepdims"),
    np.mean: _method("mean", "axis", "keepdims"),
    np.var: _method("var", "axis", "keepdims"),
    np.max: _method("max", "axis", "keepdims"),
    np.amax: _method("max", "axis", "keepdims"),
    np.min: _method("min", "axis", "keepdims"),
    np.amin: _method("min", "axis", "keepdims"),
    np.reshape: _method("reshape"),
    np.transpose: _method("transpose", "axes"),
    np.squeeze: _method("squeeze", "axis"),
    np.swapaxes: _method("swapaxes"),
    np.broadcast_to: _method("broadcast_to"),
    np.expand_dims: _expand_dims,
    np.clip: _clip,
    np.concatenate: concatenate,
    np.stack: stack,
    np.where: _where,
}


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


def _array_function(self, func, types, args, kwargs):
    handler = _HANDLERS.get(func)
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


Tensor.__array_function__ = _array_function
