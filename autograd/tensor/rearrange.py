"""Tensor ops that rearrange or copy elements — split vstack hstack tile repeat pad flip roll sort —
each forward, then its rule.

Every element of the result is one element of the input (or a zero of padding),
so each rule carries the gradient back to where the element came from: crop it,
flip or roll it back, sum it over the copies, scatter it through the permutation.
"""

from functools import partial

import numpy as np

from ..core import optable
from .. import vocabulary as V
from ..core.optable import OpSpec
from .aliases import numpy_argument
from .core import Tensor, _describe, record
from .numpy_protocol import as_tensor, numpy_method
from .reduce import normalize_axes
from .shape import _axis_argument, _is_int, _tensor_list


def _axis_or_all(axis, shape, op):
    """``axis`` (None for every axis, an int or a tuple) as a tuple of axes."""
    return normalize_axes(axis, shape, op)


def _ints(values, op, what):
    """``values`` (an int or a sequence of ints) as a tuple of ints, or a TypeError naming ``op``."""
    items = (values,) if _is_int(values) else values
    if not isinstance(items, (tuple, list, np.ndarray)) or not all(_is_int(v) for v in items):
        raise TypeError(f"{op}: {what} must be an int or a sequence of ints, got {_describe(values)}")
    return tuple(int(v) for v in items)


# split into pieces along an axis;  d/da = each piece's g placed back where the piece was
def _split_vjp(index, shape, g, out, a):
    return (V.scatter_add(g, index, shape, unique=True),)


def split(ary, indices_or_sections, axis=0, *, dim=None):
    """numpy's split: a list of tensors, ``indices_or_sections`` equal pieces or the indices to cut at, along ``axis``.

    ``dim`` is accepted for ``axis``, but the pieces are numpy's: an int is their number, not (as in
    PyTorch's ``split``) their size.
    """
    axis = numpy_argument("split", "axis", axis, 0, dim=dim)
    tensor = as_tensor(ary)
    x = tensor._data
    if x.ndim == 0:
        raise ValueError("split: a 0-d tensor has no axis to split along")
    axis = _axis_argument(axis, x.ndim, "split")
    length = x.shape[axis]
    if _is_int(indices_or_sections):
        sections = int(indices_or_sections)
        if sections <= 0 or length % sections:
            raise ValueError(f"split: axis {axis} of shape {x.shape} (length {length}) does not split into "
                             f"{sections} equal pieces; give a divisor of {length}, or a list of indices")
        cuts = [length // sections * i for i in range(1, sections)]
    else:
        cuts = list(_ints(indices_or_sections, "split", "indices_or_sections"))
    lead = (slice(None),) * axis
    pieces = []
    for start, stop in zip([0, *cuts], [*cuts, None]):
        index = lead + (slice(start, stop),)
        pieces.append(record(x[index], (tensor,), partial(_split_vjp, index, x.shape), "split"))
    return pieces


# vstack / hstack: numpy's promotions (atleast_2d / atleast_1d), then one concatenation;
# d/daᵢ = the slice of g aᵢ filled, in aᵢ's own shape
def _joined_vjp(axis, bounds, shapes, needs, g, out, *inputs):
    lead = (slice(None),) * axis
    return tuple(
        g[lead + (slice(start, stop),)].reshape(shape) if need else None
        for (start, stop), shape, need in zip(bounds, shapes, needs)
    )


def _join(op, tensors, promote, axis_of):
    tensors = _tensor_list(tensors, op)
    arrays = [promote(t._data) for t in tensors]
    axis = axis_of(arrays[0])
    try:
        data = np.concatenate(arrays, axis=axis)
    except ValueError:
        shapes = ", ".join(str(t.shape) for t in tensors)
        raise ValueError(f"{op}: the tensors must agree on every axis but the joined one ({axis} after numpy's "
                         f"promotion); got shapes {shapes}") from None
    stops = np.cumsum([array.shape[axis] for array in arrays]).tolist()
    bounds = tuple(zip([0] + stops[:-1], stops))
    shapes = tuple(t.shape for t in tensors)
    needs = tuple(t._requires_grad for t in tensors)
    return record(data, tensors, partial(_joined_vjp, axis, bounds, shapes, needs), op, own_leaves=True)


def vstack(tup):
    """numpy's vstack: the tensors (1-D ones as rows) joined along the first axis."""
    return _join("vstack", tup, np.atleast_2d, lambda first: 0)


def hstack(tup):
    """numpy's hstack: the tensors joined along the second axis (the first for 1-D tensors)."""
    return _join("hstack", tup, np.atleast_1d, lambda first: 0 if first.ndim == 1 else 1)


def _numpy_stacking(function):
    def handler(tup, **kwargs):
        if kwargs:
            raise TypeError(f"numpy.{function.__name__} on Tensors: unsupported arguments {sorted(kwargs)}")
        return function(tup)

    return handler


# tile: copies of a laid side by side;  d/da = Σ of g over the copies
def _tile_vjp(blocks, shape, axes, g, out, a):
    return (g.reshape(blocks).sum(axis=axes).reshape(shape),)


def _tile(self, reps):
    """numpy's tile: the tensor repeated ``reps`` times along each axis (an int repeats the last axis)."""
    reps = _ints(reps, "tile", "reps")
    if any(r < 0 for r in reps):
        raise ValueError(f"tile: reps must not be negative, got {reps}")
    x = self._data
    ndim = max(len(reps), x.ndim)
    reps = (1,) * (ndim - len(reps)) + reps
    sizes = (1,) * (ndim - x.ndim) + x.shape
    blocks = tuple(n for pair in zip(reps, sizes) for n in pair)
    data = np.tile(x, reps)
    return record(data, (self,), partial(_tile_vjp, blocks, x.shape, tuple(range(0, 2 * ndim, 2))), "tile")


# repeat: each element repeated along an axis;  d/da = Σ of g over each element's copies
def _repeat_vjp(index, shape, flat, g, out, a):
    grad = V.scatter_add(g, index, (int(np.prod(shape)),) if flat else shape)
    return (grad.reshape(shape) if flat else grad,)


def _repeat(self, repeats, axis=None, *, dim=None):
    """numpy's repeat (PyTorch's ``repeat_interleave``): each element ``repeats`` times (an int, or one count per
    element) along ``axis`` (of the flattened tensor when None)."""
    axis = numpy_argument("repeat", "axis", axis, None, dim=dim)
    counts = _ints(repeats, "repeat", "repeats")
    if any(c < 0 for c in counts):
        raise ValueError(f"repeat: repeats must not be negative, got {repeats}")
    x = self._data
    flat = axis is None
    source = x.reshape(-1) if flat else x
    axis = 0 if flat else _axis_argument(axis, x.ndim, "repeat")
    length = source.shape[axis]
    if len(counts) not in (1, length):
        raise ValueError(f"repeat: {len(counts)} counts for an axis of length {length} (shape {x.shape}); "
                         f"give one count, or {length}")
    positions = np.repeat(np.arange(length), counts if len(counts) > 1 else counts[0])
    index = (slice(None),) * axis + (positions,)
    return record(source[index], (self,), partial(_repeat_vjp, index, x.shape, flat), "repeat")


# pad with zeros;  d/da = g cropped back to a's place
def _pad_vjp(index, g, out, a):
    return (g[index],)


def _pad_widths(pad_width, x):
    try:
        widths = np.broadcast_to(np.asarray(pad_width), (x.ndim, 2))
    except ValueError:
        raise ValueError(f"pad: pad_width {pad_width!r} does not fit a tensor of shape {x.shape}; give an int, "
                         f"(before, after), or one (before, after) per axis") from None
    if widths.dtype.kind not in "iu":
        raise TypeError(f"pad: pad_width holds ints, got {_describe(pad_width)}")
    if np.any(widths < 0):
        raise ValueError(f"pad: pad_width must not be negative, got {pad_width!r}")
    return [(int(before), int(after)) for before, after in widths]


def _pad(self, pad_width):
    """numpy's pad with zeros (its default constant mode): ``pad_width`` an int, (before, after), or one pair per axis."""
    x = self._data
    widths = _pad_widths(pad_width, x)
    data = np.pad(x, widths)
    index = tuple(slice(before, before + n) for (before, _), n in zip(widths, x.shape))
    return record(data, (self,), partial(_pad_vjp, index), "pad", own_leaves=True)


def _numpy_pad(array, pad_width, mode="constant", **kwargs):
    if mode != "constant" or set(kwargs) - {"constant_values"}:
        raise TypeError(f"numpy.pad on a Tensor: only mode='constant' (with constant_values) has a gradient; got "
                        f"mode={mode!r}, {sorted(kwargs)}")
    tensor = as_tensor(array)
    padded = tensor.pad(pad_width)
    if "constant_values" not in kwargs:
        return padded
    border = np.pad(np.zeros(tensor.shape, dtype=tensor.dtype), _pad_widths(pad_width, tensor._data), **kwargs)
    return padded + border


# flip;  d/da = g flipped back
def _flip_vjp(index, g, out, a):
    return (g[index],)


def _flip(self, axis=None, *, dim=None, dims=None):
    """numpy's flip: the order of the elements reversed along ``axis`` (every axis when None; PyTorch's ``dims``)."""
    axis = numpy_argument("flip", "axis", axis, None, dim=dim, dims=dims)
    x = self._data
    axes = _axis_or_all(axis, x.shape, "flip")
    index = tuple(slice(None, None, -1) if i in axes else slice(None) for i in range(x.ndim))
    return record(x[index], (self,), partial(_flip_vjp, index), "flip", own_leaves=True)


# roll;  d/da = g rolled back
def _rolled(x, shift, axis):
    return x.roll(shift, axis) if isinstance(x, Tensor) else np.roll(x, shift, axis)


def _roll_vjp(shift, axis, g, out, a):
    return (_rolled(g, tuple(-s for s in shift) if isinstance(shift, tuple) else -shift, axis),)


def _roll(self, shift, axis=None, *, dim=None, dims=None):
    """numpy's roll: elements shifted by ``shift`` along ``axis`` (of the flattened tensor when None; PyTorch's
    ``dims``), wrapping around."""
    axis = numpy_argument("roll", "axis", axis, None, dim=dim, dims=dims)
    x = self._data
    shifts = _ints(shift, "roll", "shift")
    if axis is None:
        if len(shifts) != 1:
            raise ValueError(f"roll: axis=None takes one shift, got {shift!r}")
        shift = shifts[0]
    else:
        axes = _ints(axis, "roll", "axis")
        if len(shifts) != len(axes) and 1 not in (len(shifts), len(axes)):
            raise ValueError(f"roll: {len(shifts)} shifts for {len(axes)} axes; give one each, or one for all")
        for item in axes:
            _axis_argument(item, x.ndim, "roll")
        shift = shift if _is_int(shift) else shifts
        axis = axis if _is_int(axis) else axes
    data = np.roll(x, shift, axis)
    return record(data, (self,), partial(_roll_vjp, shift, axis), "roll")


# sort;  d/da = g sent back through the permutation (stable: tied elements keep their order)
def _sort_vjp(index, shape, flat, g, out, a):
    grad = V.scatter_add(g, index, (int(np.prod(shape)),) if flat else shape, unique=True)
    return (grad.reshape(shape) if flat else grad,)


def _sort(self, axis=-1, *, dim=None):
    """numpy's sort along ``axis`` (of the flattened tensor when None), stable; d/da = g through the permutation.

    Unlike PyTorch's ``sort`` it returns the sorted values only (no indices).
    """
    axis = numpy_argument("sort", "axis", axis, -1, dim=dim)
    x = self._data
    flat = axis is None
    source = x.reshape(-1) if flat else x
    if source.ndim == 0:
        raise ValueError("sort: a 0-d tensor has no axis to sort along; use axis=None")
    axis = 0 if flat else _axis_argument(axis, x.ndim, "sort")
    order = np.argsort(source, axis=axis, kind="stable")
    index = list(np.ogrid[tuple(slice(n) for n in source.shape)])
    index[axis] = order
    index = tuple(index)
    return record(source[index], (self,), partial(_sort_vjp, index, x.shape, flat), "sort")


optable.declare(OpSpec("split", "pieces along an axis; d/da = each piece's g placed back", "join"))
optable.attach("split", functions={"split": split}, numpy={np.split: split})
optable.declare(OpSpec("vstack", "tensors joined along the first axis (1-D as rows); d/daᵢ = the slice of g aᵢ filled",
                       "join"))
optable.attach("vstack", functions={"vstack": vstack}, numpy={np.vstack: _numpy_stacking(vstack)})
optable.declare(OpSpec("hstack", "tensors joined along the second axis (the first for 1-D); d/daᵢ = the slice of g "
                       "aᵢ filled", "join"))
optable.attach("hstack", functions={"hstack": hstack}, numpy={np.hstack: _numpy_stacking(hstack)})
optable.declare(OpSpec("tile", "copies side by side; d/da = Σ of g over the copies", "shape"))
optable.attach("tile", Tensor, {"tile": _tile}, numpy={np.tile: numpy_method("tile")})
optable.declare(OpSpec("repeat", "each element repeated along an axis; d/da = Σ of g over its copies", "shape"))
optable.attach("repeat", Tensor, {"repeat": _repeat}, numpy={np.repeat: numpy_method("repeat", "axis")})
optable.declare(OpSpec("pad", "zeros around the tensor; d/da = g cropped", "shape"))
optable.attach("pad", Tensor, {"pad": _pad}, numpy={np.pad: _numpy_pad})
optable.declare(OpSpec("flip", "elements reversed along axes; d/da = g flipped back", "shape"))
optable.attach("flip", Tensor, {"flip": _flip}, numpy={np.flip: numpy_method("flip", "axis")})
optable.declare(OpSpec("roll", "elements shifted along axes, wrapping around; d/da = g rolled back", "shape"))
optable.attach("roll", Tensor, {"roll": _roll}, numpy={np.roll: numpy_method("roll", "axis")})
optable.declare(OpSpec("sort", "elements sorted along an axis (stable); d/da = g sent back through the permutation",
                       "shape", domain=(optable.Domain(smooth="no two elements equal (a kink at ties)"),)))
optable.attach("sort", Tensor, {"sort": _sort}, numpy={np.sort: numpy_method("sort", "axis")})
