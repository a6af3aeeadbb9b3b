"""Tensor reductions — sum mean var std max min logsumexp prod cumsum — and softmax, log_softmax:
each forward, then its derivative rule.

Reductions take ``axis=None`` (all axes), an int or a tuple of ints, and
``keepdims=False`` (or PyTorch's names, ``dim`` and ``keepdim``). Their rules
reshape ``g`` to the kept-dims shape so it broadcasts back over the reduced
axes. softmax, log_softmax and logsumexp are primitives of their own, computed
after subtracting the maximum, so they stay finite for logits of any size.
"""

import math
from functools import partial

import numpy as np

from ..core import optable
from .. import vocabulary as V
from ..core.engine import grad_enabled
from ..core.optable import OpSpec
from ..core.array_cache import kept, one
from .aliases import numpy_argument
from .core import Tensor, _as_flag, _describe, constant, record, result
from .numpy_protocol import numpy_method

_all_axes = {}
_add_reduce = np.add.reduce  # ndarray.sum and .max without numpy's Python-level wrappers
_max_reduce = np.maximum.reduce
_ndarray = np.ndarray


_LAST_OF_TWO = (1,)


def _max_keepdims(x, axes):
    """The maximum over ``axes`` (sorted), kept as axes of size 1: the shift that keeps softmax finite."""
    if axes == _LAST_OF_TWO and x.ndim == 2 and x.shape[1] == 2:
        return np.maximum(x[:, :1], x[:, 1:])  # two classes: quicker than numpy's reduce over a short axis
    return _max_reduce(x, axes, None, None, True)


def _exps_sum_keepdims(exps, axes):
    """The sum of ``exps`` (each >= 0, or NaN) over ``axes`` (sorted), kept as axes of size 1. Two columns are
    added as columns, quicker than numpy's reduce over a short axis; the same numbers, as no exp is -0 (the
    reduce starts from +0: it differs from a + b only when a is -0)."""
    if axes == _LAST_OF_TWO and exps.ndim == 2 and exps.shape[1] == 2:
        return exps[:, :1] + exps[:, 1:]
    return _add_reduce(exps, axes, None, None, True)


def _by_classes(rows, classes):
    """Whether cross_entropy works on the logits transposed (a row per class): for a few classes and more samples.

    numpy's reductions and broadcasts along a short last axis (a row max over 2 or
    10 classes) cost several times what they cost along a long one; with classes
    first, each one runs along whole rows of samples. Up to 64 classes: the sums
    then add at most 64 terms in order, as numpy's pairwise sum would nearly.
    """
    return 2 <= classes <= 64 and classes <= rows


def normalize_axes(axis, shape, op):
    """``axis`` (None, an int or a tuple of ints) as a sorted tuple of axes in ``range(len(shape))``."""
    ndim = len(shape)
    if axis is None:
        axes = _all_axes.get(ndim)
        if axes is None:
            axes = _all_axes[ndim] = tuple(range(ndim))
        return axes
    if axis.__class__ is int and -ndim <= axis < ndim:
        return (axis % ndim,)
    items = axis if isinstance(axis, tuple) else (axis,)
    axes = []
    for item in items:
        if isinstance(item, (bool, np.bool_)) or not isinstance(item, (int, np.integer)):
            raise TypeError(f"{op}: axis must be None, an int or a tuple of ints, got {_describe(axis)}")
        if not -ndim <= item < ndim:
            accepted = f"-{ndim} to {ndim - 1}" if ndim else "none: it has no axes, use axis=None"
            raise ValueError(f"{op}: axis {item} is out of range for a tensor of shape {shape} (accepted: {accepted})")
        axes.append(int(item) % ndim)
    if len(set(axes)) != len(axes):
        raise ValueError(f"{op}: axis {axis} names an axis twice")
    return tuple(sorted(axes))


def pytorch_names(op, axis, keepdims, dim, keepdim):
    """``axis`` and ``keepdims`` of a reduction, either given as such or as PyTorch's ``dim`` and ``keepdim``."""
    return (numpy_argument(op, "axis", axis, None, dim=dim),
            numpy_argument(op, "keepdims", keepdims, False, keepdim=keepdim))


def _reduced_shape(shape, axes):
    return tuple(n for i, n in enumerate(shape) if i not in axes)


def _kept_shape(shape, axes):
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def _count(shape, axes, op):
    count = shape[axes[0]] if len(axes) == 1 else math.prod([shape[i] for i in axes])
    if count == 0:
        raise ValueError(f"{op}: cannot reduce over an empty axis (the tensor has shape {shape})")
    return count


def _reduction_args(self, axis, keepdims, op, dim=None, keepdim=None):
    if dim is not None or keepdim is not None:
        axis, keepdims = pytorch_names(op, axis, keepdims, dim, keepdim)
    shape = self._data.shape
    axes = normalize_axes(axis, shape, op)
    keepdims = _as_flag(keepdims, f"{op}(keepdims=...)")
    return shape, axes, keepdims, None if keepdims else _kept_shape(shape, axes)


# Σ over axes;  d/da = 1 for every element summed: g spread back over the summed axes
def _sum_vjp(shape, kept, g, out, a):
    if kept is not None:
        g = g.reshape(kept)
    return (V.broadcast_to(g, shape),)


def _sum_all_vjp(g, out, a):  # the sum of every element: g is 0-d, a's shape is all the rule needs
    if (g.__class__ is _ndarray and not g.ndim) or isinstance(g, np.generic):  # first order: spread g in one fill
        grad = np.empty(a.shape, dtype=g.dtype)
        grad.fill(g)
        return (grad,)
    return (V.broadcast_to(g, a.shape),)


def _sum(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
    """Σ of the elements over ``axis`` (all by default); d/da = 1."""
    if dim is not None or keepdim is not None:
        axis, keepdims = pytorch_names("sum", axis, keepdims, dim, keepdim)
    if axis is None and keepdims is False:  # the loss: g is 0-d and broadcasts back as it is
        data = np.asarray(_add_reduce(self._data, None))
        if self.parents and self._requires_grad and grad_enabled():  # a non-leaf: nothing for record to adjust
            return result(data, (self,), _sum_all_vjp, "sum")
        return record(data, (self,), _sum_all_vjp, "sum")
    shape, axes, keepdims, kept = _reduction_args(self, axis, keepdims, "sum")
    data = _add_reduce(self._data, axes, None, None, keepdims)
    return record(data, (self,), partial(_sum_vjp, shape, kept), "sum", own_leaves=data.shape == shape)


optable.attach("sum", Tensor, {"sum": _sum}, numpy={np.sum: numpy_method("sum", "axis", "keepdims")})


# mean over axes = Σ / n;  d/da = 1/n
def _mean_vjp(shape, kept, count, g, out, a):
    if kept is not None:
        g = g.reshape(kept)
    return (V.broadcast_to(g / count, shape),)


def _mean_all_vjp(g, out, a):  # the mean of every element: a's shape and size say all the rule needs
    count = a.size
    if (g.__class__ is _ndarray and not g.ndim) or isinstance(g, np.generic):  # first order: spread g/n in one fill
        grad = np.empty(a.shape, dtype=g.dtype)
        # float32 / float64: divided as Python floats (numpy's 0-d division costs more than the fill);
        # one division rounded twice, to double then to float32, is still the correctly rounded quotient
        grad.fill(g.item() / count if g.dtype.char in "fd" else g / count)
        return (grad,)
    return (V.broadcast_to(g / count, a.shape),)


def _mean_of_all(x):
    """The mean of every element of ``x``, a 0-d array: numpy's mean, minus its Python layer where it can."""
    if x.dtype.kind == "f" and x.dtype.itemsize >= 4 and x.size:
        return np.asarray(_add_reduce(x, None) / x.size)
    return np.asarray(x.mean())


def _mean(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
    """The mean over ``axis`` (all by default); d/da = 1/n for the n elements averaged."""
    if dim is not None or keepdim is not None:
        axis, keepdims = pytorch_names("mean", axis, keepdims, dim, keepdim)
    x = self._data
    if axis is None and keepdims is False and x.dtype.kind == "f" and x.dtype.itemsize >= 4 and x.size:
        data = _mean_of_all(x)  # the loss
        if self.parents and self._requires_grad and grad_enabled():  # a non-leaf: nothing for record to adjust
            return result(data, (self,), _mean_all_vjp, "mean")
        return record(data, (self,), _mean_all_vjp, "mean")
    shape, axes, keepdims, kept = _reduction_args(self, axis, keepdims, "mean")
    count = _count(shape, axes, "mean")
    x = self._data
    if x.dtype.kind == "f" and x.dtype.itemsize >= 4:
        data = _add_reduce(x, axes, None, None, keepdims) / count  # numpy's mean, minus its Python layer
    else:
        data = x.mean(axis=axes, keepdims=keepdims)
    return record(data, (self,), partial(_mean_vjp, shape, kept, count), "mean")


optable.declare(OpSpec("mean", "the mean over axes; d/da = 1/n", "reduction"))
optable.attach("mean", Tensor, {"mean": _mean}, numpy={np.mean: numpy_method("mean", "axis", "keepdims")})


# var = Σ(a - mean a)² / (n - ddof);  d/da = 2(a - mean a)/(n - ddof)
# std = √var;  d/da = (a - mean a)/((n - ddof)·std), 0 where std = 0 (every element equal: abs'(0) = 0 again)
def _spread_vjp(root, axes, kept, divisor, g, out, a):
    if kept is not None:
        g = g.reshape(kept)
        out = out.reshape(kept)
    centered = a - a.mean(axis=axes, keepdims=True)
    if root:
        return (g * centered / (V.where(out == 0, 1, out) * divisor),)
    return (g * centered * (2 / divisor),)


def _spread(op):
    """The method var (``op`` "var") or std ("std"): one body, std the square root of var."""
    root = op == "std"

    def method(self, axis=None, keepdims=False, ddof=0, *, dim=None, keepdim=None, correction=None):
        ddof = numpy_argument(op, "ddof", ddof, 0, correction=correction)
        if isinstance(ddof, (bool, np.bool_)) or not isinstance(ddof, (int, float, np.integer, np.floating)):
            raise TypeError(f"{op}: ddof must be a number (0: divide by n, 1: by n - 1), got {_describe(ddof)}")
        shape, axes, keepdims, kept = _reduction_args(self, axis, keepdims, op, dim, keepdim)
        count = _count(shape, axes, op)
        divisor = count - ddof
        if not divisor > 0:
            raise ValueError(f"{op}: ddof={ddof} leaves no degrees of freedom: {count} element(s) per result "
                             f"(tensor of shape {shape}); ddof must be less than {count}")
        data = self._data.var(axis=axes, keepdims=keepdims, ddof=ddof)
        if root:
            data = np.sqrt(data)
        return record(data, (self,), partial(_spread_vjp, root, axes, kept, divisor), op)

    method.__name__ = op
    method.__doc__ = (
        "√(Σ(a - mean a)² / (n - ddof))" if root else "Σ(a - mean a)² / (n - ddof)"
    ) + " over ``axis``; ``ddof`` 0 by default (numpy's; PyTorch's ``correction`` is 1 by default)."
    return method


optable.declare(OpSpec("var", "the variance over axes, Σ(a - mean a)²/(n - ddof) (ddof=0 by default); "
                       "d/da = 2(a - mean a)/(n - ddof)", "reduction"))
optable.attach("var", Tensor, {"var": _spread("var")},
               numpy={np.var: numpy_method("var", "axis", "keepdims", "ddof")})
optable.declare(OpSpec("std", "the standard deviation over axes, √var (ddof=0 by default); "
                       "d/da = (a - mean a)/((n - ddof)·std), 0 where std = 0", "reduction",
                       domain=(optable.Domain(smooth="std > 0 (a kink where all elements are equal)"),)))
optable.attach("std", Tensor, {"std": _spread("std")},
               numpy={np.std: numpy_method("std", "axis", "keepdims", "ddof")})


# max / min over axes;  d/da = 1 at the extreme element, split evenly among ties
def _extreme_vjp(kept, weights, g, out, a):
    if kept is not None:
        g = g.reshape(kept)
    return (g * weights,)


def _extreme(op, reduce):
    def method(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        shape, axes, keepdims, kept = _reduction_args(self, axis, keepdims, op, dim, keepdim)
        x = self._data
        _count(shape, axes, op)
        data = reduce(x, axis=axes, keepdims=True)
        weights = None
        if grad_enabled() and self._requires_grad:
            ties = x == data
            weights = (ties / ties.sum(axis=axes, keepdims=True)).astype(x.dtype, copy=False)
        if not keepdims:
            data = data.reshape(_reduced_shape(shape, axes))
        if weights is None:
            return constant(np.asarray(data))
        return record(data, (self,), partial(_extreme_vjp, kept, weights), op)

    method.__name__ = op
    method.__doc__ = (
        f"The {op}imum over ``axis`` (all by default); the gradient goes to the {op}imal element, "
        "split evenly among ties."
    )
    return method


for _name, _reduce, _numpy in (("max", np.max, (np.max, np.amax)), ("min", np.min, (np.min, np.amin))):
    optable.declare(OpSpec(_name, f"the {_name}imum over axes; d/da = 1 at the {_name}imum, split evenly among ties",
                           "reduction", domain=(optable.Domain(smooth=f"where the {_name}imum is unique (a kink at ties)"),)))
    optable.attach(_name, Tensor, {_name: _extreme(_name, _reduce)},
                   numpy=dict.fromkeys(_numpy, numpy_method(_name, "axis", "keepdims")))


# logsumexp = log Σ e^a = m + log Σ e^(a - m) with m = max a;  d/da = softmax a
def _logsumexp_forward(x, axes):
    top = _max_reduce(x, axes, None, None, True)
    top = np.where(np.isfinite(top), top, 0)
    return np.log(_add_reduce(np.exp(x - top), axes, None, None, True)) + top


def _logsumexp_vjp(axes, kept, g, out, a):
    if kept is not None:
        g = g.reshape(kept)
    return (g * V.softmax(a, axes),)  # not e^(a - out): out is rounded at the logits' scale


def _logsumexp(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
    """log Σ e^a over ``axis``, computed stably (finite for logits of any size); d/da = softmax a."""
    shape, axes, keepdims, kept = _reduction_args(self, axis, keepdims, "logsumexp", dim, keepdim)
    _count(shape, axes, "logsumexp")
    data = _logsumexp_forward(self._data, axes)
    if not keepdims:
        data = data.reshape(_reduced_shape(shape, axes))
    return record(data, (self,), partial(_logsumexp_vjp, axes, kept), "logsumexp")


optable.declare(OpSpec("logsumexp", "log Σ e^a over axes, stable; d/da = softmax a", "reduction"))
optable.attach("logsumexp", Tensor, {"logsumexp": _logsumexp})


# softmax a = e^a / Σ e^a (along axis);  d/da: g ↦ out·(g - Σ g·out)
def _softmax_vjp(axes, g, out, a):
    return (out * (g - (g * out).sum(axis=axes, keepdims=True)),)


def _softmax(self, axis=-1, *, dim=None):
    """e^a / Σ e^a along ``axis``, computed after subtracting the maximum; d/da: g ↦ out·(g - Σ g·out)."""
    if dim is not None:
        axis = numpy_argument("softmax", "axis", axis, -1, dim=dim)
    x = self._data
    axes = normalize_axes(axis, x.shape, "softmax")
    _count(x.shape, axes, "softmax")
    exps = np.exp(x - _max_reduce(x, axes, None, None, True))
    data = exps / _add_reduce(exps, axes, None, None, True)
    return record(data, (self,), partial(_softmax_vjp, axes), "softmax")


optable.declare(OpSpec("softmax", "e^a / Σ e^a along an axis, stable; d/da: g ↦ out·(g - Σ g·out)", "reduction"))
optable.attach("softmax", Tensor, {"softmax": _softmax})


# log_softmax a = a - logsumexp a (along axis);  d/da: g ↦ g - softmax(a)·Σ g = g - e^out·Σ g
def _log_softmax_vjp(axes, g, out, a):
    if g.__class__ is _ndarray and out.__class__ is _ndarray:  # first order: numpy directly
        return (g - np.exp(out) * _add_reduce(g, axes, None, None, True),)
    return (g - V.exp(out) * g.sum(axis=axes, keepdims=True),)


def _log_softmax(self, axis=-1, *, dim=None):
    """a - log Σ e^a along ``axis``, computed stably; d/da: g ↦ g - softmax(a)·Σ g."""
    if dim is not None:
        axis = numpy_argument("log_softmax", "axis", axis, -1, dim=dim)
    x = self._data
    axes = normalize_axes(axis, x.shape, "log_softmax")
    _count(x.shape, axes, "log_softmax")
    shifted = x - _max_keepdims(x, axes)
    data = shifted - np.log(_exps_sum_keepdims(np.exp(shifted), axes))
    rule = partial(_log_softmax_vjp, axes)
    if self.parents and self._requires_grad and grad_enabled():  # a model's logits: nothing for record to adjust
        return result(data, (self,), rule, "log_softmax")
    return record(data, (self,), rule, "log_softmax")


optable.declare(OpSpec("log_softmax", "a - logsumexp a along an axis; d/da: g ↦ g - softmax(a)·Σ g", "reduction"))
optable.attach("log_softmax", Tensor, {"log_softmax": _log_softmax})


# cross_entropy(a, labels) = -log softmax(a)[label] along the last axis;
# d/da: g ↦ g·(softmax(a) - onehot(labels)), the notes' Ŷ − Y
def _cross_entropy_vjp(flat, by_classes, residual, reduction, g, out, a):
    if isinstance(a, Tensor):  # create_graph: the residual as a function of a, so it differentiates again
        rows, classes = flat.shape[0], a.shape[-1]
        one_hot = np.zeros((classes, rows) if by_classes else (rows, classes), dtype=a.dtype)
        one_hot.reshape(-1)[flat] = 1
        residual = V.softmax(a, axis=-1) - (one_hot.T if by_classes else one_hot).reshape(a.shape)
    if reduction == "none":
        return (residual * g[..., None],)
    if reduction == "mean":
        g = g / flat.shape[0]  # the gradient a mean node would hand each sample
    return (residual * g,)


_REDUCTIONS = ("none", "mean", "sum")


def _cross_entropy(self, labels, reduction="none"):
    """-log softmax(a)[label] over the last axis (classes), for integer ``labels`` of shape ``a.shape[:-1]``.

    One stable node for softmax + cross-entropy with class labels: d/da = softmax(a) − onehot(labels)
    per sample (the notes' Ŷ − Y), itself differentiable for second derivatives. ``reduction``: "none"
    (a loss per sample), "mean" or "sum" over the samples, in the same node: the same numbers as
    ``.mean()`` / ``.sum()`` of the per-sample losses, one node fewer.
    """
    if reduction.__class__ is not str or reduction not in _REDUCTIONS:
        raise ValueError(f"cross_entropy: reduction must be 'none', 'mean' or 'sum', got {reduction!r}")
    x = self._data
    labels = _class_labels(labels, x)
    classes = x.shape[-1]
    indices = labels if labels.ndim == 1 else labels.reshape(-1)
    count = indices.shape[0]
    by_classes = _by_classes(count, classes)
    flat = _flat_labels(indices, count, classes, by_classes)
    if flat is None:
        bad = labels[(labels < 0) | (labels >= classes)].flat[0]
        raise ValueError(f"cross_entropy: class label {bad} is out of range for {classes} classes (0 .. {classes - 1})")
    rows = x if x.ndim == 2 else x.reshape(count, classes)
    if by_classes:  # softmax along the first axis of the logits transposed; the residual transposed back (a view)
        columns = rows.T.copy()
        shifted = columns - (np.maximum(columns[0], columns[1]) if classes == 2 else _max_reduce(columns, 0))
        residual = np.exp(shifted)
        totals = _add_reduce(residual, 0)
        data = np.log(totals) - shifted.take(flat)
    else:
        shifted = rows - _max_keepdims(rows, _LAST_OF_TWO)
        residual = np.exp(shifted)
        totals = _add_reduce(residual, 1, None, None, True)
        data = np.log(totals[:, 0]) - shifted.take(flat)
    residual /= totals
    residual.ravel()[flat] -= one(residual.dtype)  # softmax(a) − onehot(labels); residual is fresh, C-contiguous
    if by_classes:
        residual = residual.T
    if x.ndim != 2:
        data = data.reshape(labels.shape)
        residual = residual.reshape(x.shape)
    if reduction != "none":  # as Tensor.mean / Tensor.sum of the per-sample losses compute it
        data = _mean_of_all(data) if reduction == "mean" else np.asarray(_add_reduce(data, None))
    rule = partial(_cross_entropy_vjp, flat, by_classes, residual, reduction)
    if self._requires_grad and self.parents and grad_enabled():  # a model's logits: no adjustment to make
        return result(data, (self,), rule, "cross_entropy")
    return record(data, (self,), rule, "cross_entropy")


_row_numbers = {}  # count -> arange(count), read-only: the row (or column) coordinate of every label
_ravel_multi_index = getattr(np.ravel_multi_index, "__wrapped__", np.ravel_multi_index)  # without the dispatch layer


def _flat_labels(indices, count, classes, by_classes):
    """Each of the ``count`` labels' place in the flat array cross_entropy works on; None if one is out of range.

    The array is the logits seen as rows of classes, or transposed (``by_classes``).
    One call of numpy's ``ravel_multi_index`` both places and range-checks the
    labels (negative ones included), in about the time numpy takes to find their maximum.
    """
    if not count or not classes:  # nothing to place, or no class to place it in
        return None if count else np.zeros(0, dtype=np.intp)
    numbers = _row_numbers.get(count)
    if numbers is None:
        numbers = kept(_row_numbers, count, lambda: np.arange(count))
    try:
        if by_classes:
            return _ravel_multi_index((indices, numbers), (classes, count))
        return _ravel_multi_index((numbers, indices), (count, classes))
    except ValueError:  # a label below 0 or above the last class
        return None


def _class_labels(labels, x):
    """``labels`` as an integer ndarray of shape ``x.shape[:-1]`` (not yet checked against the class count)."""
    if labels.__class__ is not _ndarray:
        labels = np.asarray(labels._data if isinstance(labels, Tensor) else labels)
    if labels.dtype.kind not in "iu":
        raise TypeError(f"cross_entropy: labels must be integers, got dtype {labels.dtype}")
    if x.ndim == 0 or labels.shape != x.shape[:-1]:
        raise ValueError(
            f"cross_entropy: logits of shape {x.shape} need labels of shape {x.shape[:-1]}, got {labels.shape}"
        )
    return labels


optable.declare(OpSpec("cross_entropy", "-log softmax(a)[label] over the last axis; d/da = softmax(a) - onehot (Ŷ - Y)",
                       "reduction"))
optable.attach("cross_entropy", Tensor, {"cross_entropy": _cross_entropy})


# Reductions that are constants (no gradient): any, all, argmax, argmin.
def _logical(op, reduce):
    def method(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        _, axes, keepdims, _ = _reduction_args(self, axis, keepdims, op, dim, keepdim)
        return constant(np.asarray(reduce(self._data, axis=axes, keepdims=keepdims)))

    method.__name__ = op
    method.__doc__ = (
        f"Whether {'any' if op == 'any' else 'every'} element over ``axis`` is nonzero: a boolean constant."
    )
    return method


for _name, _reduce in (("any", np.any), ("all", np.all)):
    optable.declare(OpSpec(_name, f"whether {_name} element over axes is nonzero: a boolean constant", "constant",
                           differentiable=False))
    optable.attach(_name, Tensor, {_name: _logical(_name, _reduce)})


def _arg_extreme(op, reduce):
    def method(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        axis, keepdims = pytorch_names(op, axis, keepdims, dim, keepdim)
        x = self._data
        if axis is not None:
            axis = normalize_axes(axis, x.shape, op)
            if len(axis) != 1:
                raise TypeError(f"{op}: axis must be None or one int, got a tuple of {len(axis)} axes")
            axis = axis[0]
        if x.size == 0:
            raise ValueError(f"{op}: the tensor has no elements (shape {x.shape})")
        keepdims = _as_flag(keepdims, f"{op}(keepdims=...)")
        return constant(np.asarray(reduce(x, axis=axis, keepdims=keepdims)))

    method.__name__ = op
    method.__doc__ = (
        f"The index of the {op[3:]}imum over ``axis`` (of the flattened tensor by default): an integer constant."
    )
    return method


for _name, _reduce in (("argmax", np.argmax), ("argmin", np.argmin)):
    optable.declare(OpSpec(_name, f"the index of the {_name[3:]}imum over an axis: an integer constant", "constant",
                           differentiable=False))
    optable.attach(_name, Tensor, {_name: _arg_extreme(_name, _reduce)})


# ∏ over axes;  d/daᵢ = ∏ of the other elements, computed without dividing by aᵢ (zeros are fine)
def _moved_last(x, axes):
    """``x`` (an ndarray or a Tensor) with ``axes`` moved to the end and merged into one; and how to undo it."""
    ndim = len(x.shape)
    order = [i for i in range(ndim) if i not in axes] + list(axes)
    moved = x.transpose(order)
    lead = moved.shape[: ndim - len(axes)]
    inverse = tuple(int(i) for i in np.argsort(order))
    return moved.reshape(lead + (math.prod(x.shape[i] for i in axes),)), (moved.shape, inverse)


def _moved_back(x, undo):
    shape, inverse = undo
    return x.reshape(shape).transpose(inverse)


def _exclusive_product(x):
    """∏ of the last axis but each position, on an ndarray: products from the left times products from the right."""
    if not x.shape[-1]:  # an empty axis has no positions: an empty gradient
        return np.ones_like(x)
    ones = np.ones(x.shape[:-1] + (1,), dtype=x.dtype)
    left = np.cumprod(np.concatenate([ones, x[..., :-1]], axis=-1), axis=-1)
    right = np.cumprod(np.concatenate([ones, x[..., :0:-1]], axis=-1), axis=-1)[..., ::-1]
    return left * right


def _others_product(a, out, axes, kept):
    """∏ over ``axes`` of every element but the one at each position, at a's shape."""
    if isinstance(a, np.ndarray):
        flat, undo = _moved_last(a, axes)
        return _moved_back(_exclusive_product(flat), undo)
    if not np.any(a._data == 0):  # a graph for second derivatives: out / a where no element is 0
        return (out if kept is None else out.reshape(kept)) / a
    flat, undo = _moved_last(a, axes)  # row i of the n x n matrix is a with its i-th element replaced by 1
    n = flat.shape[-1]
    return _moved_back(V.where(np.eye(n, dtype=bool), 1.0, flat.unsqueeze(-2)).prod(axis=-1), undo)


def _prod_vjp(axes, kept, g, out, a):
    if kept is not None:
        g = g.reshape(kept)
    return (g * _others_product(a, out, axes, kept),)


def _prod(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
    """The product of the elements over ``axis`` (all by default); d/daᵢ = ∏ of the others (right with zeros)."""
    shape, axes, keepdims, kept = _reduction_args(self, axis, keepdims, "prod", dim, keepdim)
    data = np.prod(self._data, axis=axes, keepdims=keepdims)
    return record(data, (self,), partial(_prod_vjp, axes, kept), "prod")


optable.declare(OpSpec("prod", "∏ of the elements over axes; d/daᵢ = ∏ of the others (no division: zeros are fine)",
                       "reduction"))
optable.attach("prod", Tensor, {"prod": _prod}, numpy={np.prod: numpy_method("prod", "axis", "keepdims")})


# cumsum along an axis (of the flattened tensor for axis=None);  d/da = g summed from the end: reversed cumsum
def _cumsum_vjp(axis, shape, g, out, a):
    backwards = (slice(None),) * axis + (slice(None, None, -1),)
    return (g[backwards].cumsum(axis)[backwards].reshape(shape),)


def _cumsum(self, axis=None, *, dim=None):
    """Running sums along ``axis`` (of the flattened tensor when None, as numpy); d/da = reversed cumsum of g."""
    axis = numpy_argument("cumsum", "axis", axis, None, dim=dim)
    x = self._data
    if axis is None:
        data = x.reshape(-1).cumsum()
        axis = 0
    else:
        if isinstance(axis, tuple) or x.ndim == 0:
            raise TypeError(f"cumsum: axis must be None or one int (the tensor has shape {x.shape}), got {axis!r}")
        axis = normalize_axes(axis, x.shape, "cumsum")[0]
        data = x.cumsum(axis)
    return record(data, (self,), partial(_cumsum_vjp, axis, x.shape), "cumsum")


optable.declare(OpSpec("cumsum", "running sums along an axis; d/da = g summed from the end (reversed cumsum)",
                       "reduction"))
optable.attach("cumsum", Tensor, {"cumsum": _cumsum}, numpy={np.cumsum: numpy_method("cumsum", "axis")})
