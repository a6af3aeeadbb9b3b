"""``linear(x, w, b)``: a layer's X @ W + b as one node — forward, then its rule.

One node instead of two (a matmul, then a broadcast bias add) on every layer's
path: the bias gradient is one sum over the batch axes, and nothing is computed
for an operand that needs no gradient (the data batch X, a frozen W).
"""

from functools import partial

import numpy as np

from .. import optable
from ..engine import GradMode
from ..node import new_node
from ..optable import OpSpec
from .core import Tensor, lift, record

_ndarray = np.ndarray


# X @ W + b;  dX = G Wᵀ, dW = Xᵀ G (batch axes folded into rows), db = Σ G over the batch axes
def _linear_vjp(need_x, need_w, need_b, g, out, x, w, b=None):
    columns = w.shape[-1]
    rows_g = g if g.ndim == 2 else g.reshape((-1, columns))
    grad_x = g @ w.T if need_x else None
    grad_w = None
    if need_w:
        rows_x = x if x.ndim == 2 else x.reshape((-1, w.shape[0]))
        grad_w = rows_x.T @ rows_g
    if b is None:
        return grad_x, grad_w
    return grad_x, grad_w, rows_g.sum(axis=0) if need_b else None


def _check(x, w, b):
    if x.ndim == 0 or w.ndim != 2 or x.shape[-1] != w.shape[0]:
        raise ValueError(
            f"linear: x of shape {x.shape} and w of shape {w.shape} do not fit: w must be (in, out) "
            f"with in = x's last axis"
        )
    if b is not None and b.shape != (w.shape[1],):
        raise ValueError(f"linear: b must have shape ({w.shape[1]},) for w of shape {w.shape}, got {b.shape}")


def linear(x, w, b=None):
    """x @ w + b for x of shape (..., in), w (in, out), b (out,) or None, as one node.

    d/dx = g wᵀ, d/dw = xᵀ g, d/db = Σ g over the batch axes.
    """
    x = x if isinstance(x, Tensor) else lift(x, "linear", w if isinstance(w, Tensor) else None)
    w = w if isinstance(w, Tensor) else lift(w, "linear", x)
    if b is not None and not isinstance(b, Tensor):
        b = lift(b, "linear", w)
    xd, wd = x._data, w._data
    bd = None if b is None else b._data
    _check(xd, wd, bd)
    try:
        data = xd @ wd
        if bd is not None:
            if bd.dtype is data.dtype and data.__class__ is _ndarray:
                data += bd  # the product's buffer is ours
            else:
                data = data + bd
    except (TypeError, np.exceptions.UFuncTypeError) as error:
        raise TypeError(f"linear: numpy refused operands of dtypes {xd.dtype}, {wd.dtype}: {error}") from None
    parents = (x, w) if b is None else (x, w, b)
    need_b = b is not None and b._requires_grad
    if not (GradMode.enabled and (x._requires_grad or w._requires_grad or need_b)):
        return record(data, parents, None, "linear")
    rule = partial(_linear_vjp, x._requires_grad, w._requires_grad, need_b)
    if xd.dtype is wd.dtype and (bd is None or bd.dtype is wd.dtype) and data.__class__ is _ndarray:
        return new_node(Tensor, data, None, True, parents, "linear", rule)
    return record(data, parents, rule, "linear")


optable.declare(OpSpec("linear", "x @ w + b, one node; d/dx = g wᵀ, d/dw = xᵀ g, d/db = Σ g over batch axes",
                       "linear algebra", arity=3))
optable.attach("linear", functions={"linear": linear})
