"""Elementwise Tensor ops: the ones shared with Value (declared in ``autograd.pointwise``) made into methods,
and Tensor's own — clip, astype, clone and the functions maximum, minimum, where — each forward, then its rule."""

import numbers
from functools import partial

import numpy as np

from ..core import optable
from .. import vocabulary as V
from ..core.engine import grad_enabled
from ..core.optable import OpSpec
from .. import pointwise
from ..pointwise import bind_params
from ..vocabulary import sum_to
from .arithmetic import apply_binary, binary_rules, floating_operands
from .core import Tensor, _as_dtype, _describe, as_array, broadcast_error, constant, lift, record, result

_ndarray = np.ndarray


def _unary_method(spec):
    """The method ``self.<op>(*params)`` from the op's table entry: its array forward, recorded with its rule."""
    op, forward, vjp = spec.name, spec.reference, spec.rule

    def failed(self, error):
        return TypeError(f"{op}: numpy refused a tensor of dtype {self.dtype}: {error}")

    if spec.params:
        def method(self, *args, **kwargs):
            params = bind_params(spec, args, kwargs, op, _real)
            try:
                data = forward(self._data, **params)
            except TypeError as error:
                raise failed(self, error) from None
            return record(data, (self,), partial(vjp, **params), op)

        method.__signature__ = pointwise.params_signature(spec)
    else:
        def method(self):
            try:
                data = forward(self._data)
            except TypeError as error:
                raise failed(self, error) from None
            if self._requires_grad and grad_enabled():
                if data.__class__ is _ndarray and data.ndim:
                    return result(data, (self,), vjp, op)  # activations are hot: no checks
                if self.parents:  # a 0-d result (numpy gives a scalar) of a non-leaf: nothing to adjust
                    data = np.asarray(data)
                    if data.dtype is self._data.dtype:
                        return result(data, (self,), vjp, op)
            return record(data, (self,), vjp, op)

    method.__name__ = op
    return method


def _attach_unary():
    for spec in pointwise.shared():
        if spec.arity == 1:
            method = _unary_method(spec)
            optable.attach(spec.name, Tensor, {attribute: method for attribute in spec.attributes})


def _real(x, where):
    if isinstance(x, (numbers.Real, np.floating, np.integer)) and not isinstance(x, (bool, np.bool_)):
        return float(x)
    raise TypeError(f"{where}: expected a real number, got {_describe(x)}")


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


def _numpy_clip(a, a_min=None, a_max=None, *, min=None, max=None):  # numpy's names for the bounds
    return lift(a, "clip").clip(a_min if a_min is not None else min, a_max if a_max is not None else max)


optable.declare(OpSpec("clip", "a limited to [min, max]; d/da = 1 inside, 0 outside", "elementwise",
                       domain=(optable.Domain(smooth="x ≠ min, max (kinks at the bounds)"),), reference=np.clip))
optable.attach("clip", Tensor, {"clip": _clip}, numpy={np.clip: _numpy_clip})


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


optable.declare(OpSpec("astype", "the same values in another dtype; d/da = 1, cast back", "elementwise"))
optable.attach("astype", Tensor, {"astype": _astype})


# clone: a copy of the data, recorded;  d/da = 1
def _clone_vjp(g, out, a):
    return (g,)


def _clone(self):
    """A copy of the tensor with its own data, recorded (PyTorch's ``clone``): the gradient flows through it."""
    return record(self._data.copy(), (self,), _clone_vjp, "clone", own_leaves=True)


optable.declare(OpSpec("clone", "a copy of a with its own data; d/da = 1", "elementwise"))
optable.attach("clone", Tensor, {"clone": _clone})


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


def _numpy_where(condition, x=None, y=None):
    if x is None or y is None:
        raise TypeError("numpy.where on a Tensor: give all three arguments (condition, x, y)")
    return where(condition, x, y)


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


optable.declare(OpSpec("maximum", "the elementwise larger of a and b; d/da = 1 where a > b (½ on ties)", "elementwise",
                       arity=2, reference=np.maximum, domain=(optable.Domain(smooth="a ≠ b (a kink at ties)"),)))
optable.attach("maximum", functions={"maximum": maximum}, numpy={np.maximum: maximum})
optable.declare(OpSpec("minimum", "the elementwise smaller of a and b; d/da = 1 where a < b (½ on ties)", "elementwise",
                       arity=2, reference=np.minimum, domain=(optable.Domain(smooth="a ≠ b (a kink at ties)"),)))
optable.attach("minimum", functions={"minimum": minimum}, numpy={np.minimum: minimum})
optable.declare(OpSpec("where", "a where cond else b; d/da = cond, d/db = not cond", "elementwise", arity=2,
                       domain=(optable.Domain(smooth="everywhere in a and b (cond is a constant)"),)))
optable.attach("where", functions={"where": where}, numpy={np.where: _numpy_where})


# logaddexp(a, b) = log(e^a + e^b), numpy's, stable;  d/da = σ(a - b), d/db = σ(b - a)
def _logaddexp_grad_a(g, out, a, b):
    return g * V.sigmoid(a - b)


def _logaddexp_grad_b(g, out, a, b):
    return g * V.sigmoid(b - a)


_LOGADDEXP_RULES = binary_rules(_logaddexp_grad_a, _logaddexp_grad_b)


def logaddexp(a, b):
    """log(e^a + e^b) elementwise with broadcasting, finite for inputs of any size; d/da = σ(a - b), d/db = σ(b - a)."""
    a, b = _lift_pair(a, b, "logaddexp")
    return apply_binary("logaddexp", np.logaddexp, _LOGADDEXP_RULES, a, b)


optable.declare(OpSpec("logaddexp", "log(e^a + e^b), stable; d/da = σ(a - b), d/db = σ(b - a)", "elementwise",
                       arity=2, reference=np.logaddexp))
optable.attach("logaddexp", functions={"logaddexp": logaddexp}, numpy={np.logaddexp: logaddexp})
V.provide("where", where)
_attach_unary()
