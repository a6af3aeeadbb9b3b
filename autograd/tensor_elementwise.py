"""Elementwise Tensor ops — exp log sqrt abs tanh sigmoid relu leaky_relu clip sin cos sign astype —
and the functions maximum, minimum, where: each forward, then its derivative rule."""

import numbers
from functools import partial

import numpy as np

from . import vocabulary as V
from .engine import GradMode
from .tensor import (
    Tensor,
    _as_dtype,
    _describe,
    as_array,
    broadcast_error,
    constant,
    lift,
    record,
)
from .tensor_arithmetic import apply_binary, binary_rules, floating_operands
from .vocabulary import sum_to

_ndarray = np.ndarray
_new = object.__new__


def _unary(op, forward, vjp, doc):
    """The method ``self.<op>()``: ``forward`` on the data, recorded with ``vjp``."""

    def method(self):
        try:
            data = forward(self._data)
        except TypeError as error:
            raise TypeError(f"{op}: numpy refused a tensor of dtype {self.dtype}: {error}") from None
        if self._requires_grad and GradMode.enabled and data.__class__ is _ndarray and data.ndim:
            node = _new(Tensor)  # result(data, (self,), vjp, op), inlined: activations are hot
            node._data = data
            node._grad = None
            node._requires_grad = True
            node.parents = (self,)
            node.op = op
            node._vjp = vjp
            node.label = ""
            return node
        return record(data, (self,), vjp, op)

    method.__name__ = op
    method.__doc__ = doc
    return method


# exp a;  d/da = exp a = out
def _exp_vjp(g, out, a):
    return (g * out,)


Tensor.exp = _unary("exp", np.exp, _exp_vjp, "e^a elementwise; d/da = e^a")


# ln a;  d/da = 1/a
def _log_vjp(g, out, a):
    return (g / a,)


Tensor.log = _unary("log", np.log, _log_vjp, "ln a elementwise (nan for a < 0, as numpy); d/da = 1/a")


# sqrt a;  d/da = 1/(2·sqrt a) = 0.5/out
def _sqrt_vjp(g, out, a):
    return (0.5 * g / out,)


Tensor.sqrt = _unary("sqrt", np.sqrt, _sqrt_vjp, "√a elementwise; d/da = 1/(2√a)")


# |a|;  d/da = sign a, with abs'(0) = 0
def _abs_vjp(g, out, a):
    return (g * V.sign(a),)


Tensor.abs = _unary("abs", np.abs, _abs_vjp, "|a| elementwise; d/da = sign a, abs'(0) = 0")
Tensor.__abs__ = Tensor.abs


# tanh a;  d/da = 1 - tanh² a = 1 - out²
def _tanh_vjp(g, out, a):
    return (g * (1 - out * out),)


Tensor.tanh = _unary("tanh", np.tanh, _tanh_vjp, "tanh a elementwise; d/da = 1 - tanh² a")


# σ(a) = 1/(1 + e^-a);  d/da = σ(a)(1 - σ(a)) = out(1 - out)
def _sigmoid(x):
    e = np.exp(-np.abs(x))  # in (0, 1]: no overflow for any a
    r = 1 / (1 + e)
    return np.where(x >= 0, r, e * r)


def _sigmoid_vjp(g, out, a):
    return (g * out * (1 - out),)


Tensor.sigmoid = _unary("sigmoid", _sigmoid, _sigmoid_vjp, "σ(a) = 1/(1 + e^-a) elementwise; d/da = σ(a)(1 - σ(a))")


# relu a = max(a, 0);  d/da = 1 if a > 0 else 0 (relu'(0) = 0)
def _relu(x):
    return np.maximum(x, 0)


def _relu_vjp(g, out, a):
    return (g * (a > 0),)


Tensor.relu = _unary("relu", _relu, _relu_vjp, "max(a, 0) elementwise; d/da = 1 if a > 0 else 0")


# sin a;  d/da = cos a
def _sin_vjp(g, out, a):
    return (g * V.cos(a),)


Tensor.sin = _unary("sin", np.sin, _sin_vjp, "sin a elementwise; d/da = cos a")


# cos a;  d/da = -sin a
def _cos_vjp(g, out, a):
    return (-g * V.sin(a),)


Tensor.cos = _unary("cos", np.cos, _cos_vjp, "cos a elementwise; d/da = -sin a")


def _sign(self):
    """-1, 0 or 1 by the sign of each element: a constant, with no gradient."""
    return constant(np.sign(self._data))


Tensor.sign = _sign


def _real(x, where):
    if isinstance(x, (numbers.Real, np.floating, np.integer)) and not isinstance(x, (bool, np.bool_)):
        return float(x)
    raise TypeError(f"{where}: expected a real number, got {_describe(x)}")


# leaky_relu a = a if a > 0 else s·a;  d/da = 1 if a > 0 else s
def _leaky_relu_vjp(slope, g, out, a):
    return (V.where(a > 0, g, g * slope),)


def _leaky_relu(self, negative_slope=0.01):
    """a if a > 0 else negative_slope·a, elementwise; d/da = 1 if a > 0 else negative_slope."""
    slope = _real(negative_slope, "leaky_relu(negative_slope=...)")
    x = self._data
    return record(np.where(x > 0, x, x * slope), (self,), partial(_leaky_relu_vjp, slope), "leaky_relu")


Tensor.leaky_relu = _leaky_relu


# clip(a, lo, hi);  d/da = 1 where lo ≤ a ≤ hi, else 0
def _clip_vjp(low, high, g, out, a):
    if low is not None:
        g = g * (a >= low)
    if high is not None:
        g = g * (a <= high)
    return (g,)


def _clip(self, min=None, max=None):  # numpy's and PyTorch's names for the bounds
    """a limited to [min, max] elementwise (either bound may be None); d/da = 1 inside, 0 outside."""
    low = None if min is None else _real(min, "clip(min=...)")
    high = None if max is None else _real(max, "clip(max=...)")
    if low is None and high is None:
        raise ValueError("clip: give min, max or both")
    if low is not None and high is not None and low > high:
        raise ValueError(f"clip: min ({low}) must not exceed max ({high})")
    data = np.clip(self._data, low, high)
    return record(data, (self,), partial(_clip_vjp, low, high), "clip")


Tensor.clip = _clip


# astype: the same values in another dtype;  d/da = 1, cast back to a's dtype
def _astype_vjp(g, out, a):
    return (g.astype(a.dtype),)


def _astype(self, dtype):
    """The tensor converted to ``dtype``; gradients flow back between floating point dtypes only."""
    dtype = _as_dtype(dtype, "astype")
    x = self._data
    if dtype == x.dtype:
        return self
    data = x.astype(dtype)
    if dtype.kind != "f":
        return constant(data)
    return record(data, (self,), _astype_vjp, "astype")


Tensor.astype = _astype


def _lift_pair(a, b, op):
    like = a if isinstance(a, Tensor) else b if isinstance(b, Tensor) else None
    return lift(a, op, like), lift(b, op, like)


# maximum(a, b);  d/da = 1 where a > b, d/db = 1 where b > a, ½ each where they tie
def _maximum_grad_a(g, out, a, b):
    return V.where(a == b, g * 0.5, g * (a > b))


def _maximum_grad_b(g, out, a, b):
    return V.where(a == b, g * 0.5, g * (b > a))


_MAXIMUM_RULES = binary_rules(_maximum_grad_a, _maximum_grad_b)


def maximum(a, b):
    """The elementwise larger of ``a`` and ``b`` (broadcasting); the gradient goes to the larger, split evenly on ties."""
    a, b = _lift_pair(a, b, "maximum")
    return apply_binary("maximum", np.maximum, _MAXIMUM_RULES, a, b)


# minimum(a, b);  d/da = 1 where a < b, d/db = 1 where b < a, ½ each where they tie
def _minimum_grad_a(g, out, a, b):
    return V.where(a == b, g * 0.5, g * (a < b))


def _minimum_grad_b(g, out, a, b):
    return V.where(a == b, g * 0.5, g * (b < a))


_MINIMUM_RULES = binary_rules(_minimum_grad_a, _minimum_grad_b)


def minimum(a, b):
    """The elementwise smaller of ``a`` and ``b`` (broadcasting); the gradient goes to the smaller, split evenly on ties."""
    a, b = _lift_pair(a, b, "minimum")
    return apply_binary("minimum", np.minimum, _MINIMUM_RULES, a, b)


# where(cond, a, b);  d/da = 1 where cond, d/db = 1 where not cond (cond is a constant)
def _where_vjp(cond, need_a, need_b, g, out, a, b):
    grad_a = sum_to(V.where(cond, g, 0), a.shape) if need_a else None
    grad_b = sum_to(V.where(cond, 0, g), b.shape) if need_b else None
    return grad_a, grad_b


def where(cond, a, b):
    """``a`` where ``cond`` is true, else ``b``, elementwise with broadcasting; cond is a constant (no gradient)."""
    if isinstance(cond, Tensor):
        cond = cond._data
    else:
        cond = as_array(cond, None, "where(cond, ...)")
    if cond.dtype != bool:
        cond = cond != 0
    a, b = floating_operands(*_lift_pair(a, b, "where"))
    try:
        data = np.where(cond, a._data, b._data)
    except ValueError:
        raise broadcast_error("where", cond.shape, a.shape, b.shape) from None
    return record(data, (a, b), partial(_where_vjp, cond, a._requires_grad, b._requires_grad), "where")
