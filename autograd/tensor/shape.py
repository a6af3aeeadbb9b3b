"""Tensor shape ops — reshape transpose swapaxes squeeze unsqueeze expand/broadcast_to, indexing,
concatenate, stack — each forward, then its derivative rule.

They move elements without changing them, so each rule moves the gradient back:
reshape it, transpose it back, sum it over the copies, scatter it into place.
"""

from functools import partial

import numpy as np

from ..core import optable, versions
from .. import vocabulary as V
from ..core.node import Node
from ..core.optable import OpSpec
from .aliases import numpy_argument
from .core import Tensor, _describe, lift, record, refuse_recording
from .numpy_protocol import as_tensor, numpy_method
from .reduce import normalize_axes

_ndarray = np.ndarray


def _is_int(x):
    return isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_))


def _shape_argument(args, op):
    """A shape given as ``f(4, 2)`` or ``f((4, 2))``, as a tuple of ints."""
    shape = tuple(args[0]) if len(args) == 1 and isinstance(args[0], (tuple, list)) else args
    for size in shape:
        if not _is_int(size):
            raise TypeError(f"{op}: a shape holds ints, got {_describe(size)} in {shape}")
    return tuple(int(size) for size in shape)


def _axis_argument(axis, ndim, op):
    if not _is_int(axis):
        raise TypeError(f"{op}: axis must be an int, got {_describe(axis)}")
    if not -ndim <= axis < ndim:
        raise ValueError(f"{op}: axis {axis} is out of range for {ndim} axes (accepted: {-ndim} to {ndim - 1})")
    return int(axis) % ndim


# reshape;  d/da = g reshaped back to a's shape
def _reshape_vjp(shape, g, out, a):
    return (g.reshape(shape),)


def _reshaped(self, shape, op):
    shape = _shape_argument(shape, op)
    x = self._data
    try:
        data = x.reshape(shape)
    except ValueError:
        raise ValueError(
            f"{op}: cannot reshape a tensor of shape {x.shape} ({x.size} elements) into shape {shape}"
        ) from None
    return record(data, (self,), partial(_reshape_vjp, x.shape), "reshape", own_leaves=True)


def _reshape(self, *shape):
    """The same elements in a new shape: ``reshape(4, 2)`` or ``reshape((4, 2))``, one size may be -1."""
    return _reshaped(self, shape, "reshape")


def _view(self, *shape):
    """PyTorch's name for ``reshape``: ``view(4, 2)`` or ``view((4, 2))`` (a new node, as every op gives)."""
    return _reshaped(self, shape, "view")


optable.declare(OpSpec("reshape", "the same elements in a new shape; d/da = g reshaped back", "shape"))
optable.attach("reshape", Tensor, {"reshape": _reshape, "view": _view}, numpy={np.reshape: numpy_method("reshape")})


# transpose (a permutation of axes);  d/da = g transposed by the inverse permutation
def _transpose_vjp(inverse, g, out, a):
    return (g.transpose(inverse),)


def _transpose(self, *axes):
    """The axes permuted: ``transpose()`` reverses them, ``transpose(1, 0, 2)`` or ``transpose((1, 0, 2))``."""
    ndim = self._data.ndim
    if len(axes) == 1 and (axes[0] is None or isinstance(axes[0], (tuple, list))):
        axes = () if axes[0] is None else tuple(axes[0])
    if not axes:
        order = tuple(range(ndim - 1, -1, -1))
    else:
        for axis in axes:
            if not _is_int(axis):
                raise TypeError(f"transpose: axes are ints, got {_describe(axis)} in {axes}")
        order = tuple(int(axis) % ndim if -ndim <= axis < ndim else -1 for axis in axes)
        if sorted(order) != list(range(ndim)):
            raise ValueError(f"transpose: axes {axes} are not a permutation of the {ndim} axes of shape {self.shape}")
    inverse = [0] * ndim
    for position, axis in enumerate(order):
        inverse[axis] = position
    data = self._data.transpose(order)
    return record(data, (self,), partial(_transpose_vjp, tuple(inverse)), "transpose", own_leaves=True)


def _swapaxes(self, axis1, axis2):
    """The tensor with two axes exchanged."""
    ndim = self._data.ndim
    order = list(range(ndim))
    first, second = _axis_argument(axis1, ndim, "swapaxes"), _axis_argument(axis2, ndim, "swapaxes")
    order[first], order[second] = second, first
    return self.transpose(order)


optable.declare(OpSpec("transpose", "the axes permuted; d/da = g permuted back", "shape"))
optable.attach("transpose", Tensor, {"transpose": _transpose, "swapaxes": _swapaxes},
               numpy={np.transpose: numpy_method("transpose", "axes"), np.swapaxes: numpy_method("swapaxes")})


# squeeze / unsqueeze (drop / insert axes of size 1);  d/da = g reshaped back to a's shape
def _squeeze(self, axis=None, *, dim=None):
    """The tensor without axes of size 1 (all of them, or those in ``axis``)."""
    axis = numpy_argument("squeeze", "axis", axis, None, dim=dim)
    shape = self._data.shape
    if axis is None:
        axes = tuple(i for i, n in enumerate(shape) if n == 1)
    else:
        axes = normalize_axes(axis, shape, "squeeze")
        wide = [i for i in axes if shape[i] != 1]
        if wide:
            raise ValueError(f"squeeze: axis {wide[0]} of shape {shape} has size {shape[wide[0]]}, not 1")
    data = self._data.reshape(tuple(n for i, n in enumerate(shape) if i not in axes))
    return record(data, (self,), partial(_reshape_vjp, shape), "squeeze", own_leaves=True)


def _unsqueeze(self, axis):
    """The tensor with a new axis of size 1 at position ``axis`` (-1 appends one)."""
    shape = self._data.shape
    position = _axis_argument(axis, len(shape) + 1, "unsqueeze")
    data = self._data.reshape(shape[:position] + (1,) + shape[position:])
    return record(data, (self,), partial(_reshape_vjp, shape), "unsqueeze", own_leaves=True)


optable.declare(OpSpec("squeeze", "axes of size 1 dropped; d/da = g reshaped back", "shape"))
optable.attach("squeeze", Tensor, {"squeeze": _squeeze}, numpy={np.squeeze: numpy_method("squeeze", "axis")})
optable.declare(OpSpec("unsqueeze", "an axis of size 1 inserted; d/da = g reshaped back", "shape"))
optable.attach("unsqueeze", Tensor, {"unsqueeze": _unsqueeze},
               numpy={np.expand_dims: lambda a, axis: as_tensor(a).unsqueeze(axis)})


# broadcast_to (copies along new or size-1 axes);  d/da = Σ over the copies = sum_to(g, a's shape)
def _broadcast_vjp(shape, g, out, a):
    return (V.sum_to(g, shape),)


def _broadcast_to(self, *shape):
    """The tensor repeated along new or size-1 axes up to ``shape``, as numpy broadcasts."""
    shape = _shape_argument(shape, "broadcast_to")
    x = self._data
    if shape == x.shape:
        return self
    try:
        data = np.broadcast_to(x, shape)
    except ValueError:
        raise ValueError(f"broadcast_to: cannot broadcast a tensor of shape {x.shape} to shape {shape}") from None
    return record(data, (self,), partial(_broadcast_vjp, x.shape), "broadcast_to", own_leaves=True)


def _expand(self, *shape):
    """``broadcast_to`` where a size of -1 keeps that axis as it is (PyTorch's ``expand``)."""
    shape = _shape_argument(shape, "expand")
    own = self._data.shape
    lead = len(shape) - len(own)
    if lead < 0:
        raise ValueError(f"expand: shape {shape} has fewer axes than the tensor's shape {own}")
    if any(n == -1 for n in shape[:lead]):
        raise ValueError(f"expand: -1 in {shape} can only keep an existing axis of shape {own}")
    shape = tuple(own[i - lead] if n == -1 and i >= lead else n for i, n in enumerate(shape))
    return _broadcast_to(self, shape)


optable.declare(OpSpec("broadcast_to", "copies along new or size-1 axes; d/da = sum_to(g, a's shape)", "shape"))
optable.attach("broadcast_to", Tensor, {"broadcast_to": _broadcast_to, "expand": _expand},
               numpy={np.broadcast_to: numpy_method("broadcast_to")})


# a[index];  d/da = g scattered into zeros of a's shape, summed where an index repeats
def _getitem_vjp(index, shape, unique, g, out, a):
    return (V.scatter_add(g, index, shape, unique),)


def _index_part(part):
    if isinstance(part, Tensor):
        part = part._data
    elif isinstance(part, list):
        part = np.asarray(part)
        if part.size == 0:
            part = part.astype(np.intp)
    elif isinstance(part, Node):
        raise TypeError(f"Tensor[...]: cannot index with a {type(part).__name__}; use an int")
    if isinstance(part, _ndarray) and part.dtype.kind not in "biu":
        raise TypeError(f"Tensor[...]: index arrays must hold integers or booleans, got dtype {part.dtype}")
    return part


def _is_repeatable(part):
    return isinstance(part, _ndarray) and part.ndim > 0 and part.dtype.kind in "iu"


def _normalize_index(index):
    """The index with Tensors and lists as ndarrays, and whether it can pick an element twice."""
    if index.__class__ is int or index.__class__ is slice:
        return index, True
    if index.__class__ is tuple:
        index = tuple(_index_part(part) for part in index)
        return index, not any(_is_repeatable(part) for part in index)
    index = _index_part(index)
    return index, not _is_repeatable(index)


def _index_error(error, shape, index):
    message = str(error)
    if isinstance(error, IndexError) and "out of bounds" in message:
        return IndexError(f"Tensor[...]: {message} (the tensor has shape {shape})")
    if "only integers" in message or "must be of integer" in message or isinstance(error, TypeError):
        return TypeError(f"Tensor[...]: invalid index {_describe(index)}: {message}")
    return ValueError(f"Tensor[...]: index {_describe(index)} does not fit a tensor of shape {shape}: {message}")


def _getitem(self, index):
    """Elements picked by numpy indexing: ints, slices, None, Ellipsis, integer arrays, boolean masks."""
    key, unique = _normalize_index(index)
    x = self._data
    try:
        data = x[key]
    except (IndexError, TypeError, ValueError) as error:
        raise _index_error(error, x.shape, index) from None
    return record(data, (self,), partial(_getitem_vjp, key, x.shape, unique), "getitem")


optable.declare(OpSpec("getitem", "elements picked by numpy indexing; d/da = g scattered back (summed on repeats)",
                       "shape"))
optable.attach("getitem", Tensor, {"__getitem__": _getitem})


def _setitem(self, index, value):
    """``t[index] = value``: numpy's assignment into ``data``'s own array, under the rules of ``copy_``.

    Allowed inside ``no_grad()`` or when nothing needs grad (so ``t[0] += 1`` works
    there too); a parameter while grad mode is on is a RuntimeError naming
    ``no_grad``, and so is a recorded result (build it with ``where(...)``).
    """
    op = "Tensor[...] ="
    source = lift(value, op, self)
    refuse_recording(self, op, source)
    key, _ = _normalize_index(index)
    target = self._data
    if not target.flags.writeable:
        raise ValueError(f"{op}: the tensor's array is read-only (a broadcast view or a shared constant)")
    try:
        target[key] = source._data
    except ValueError as error:
        if "broadcast" not in str(error):
            raise _index_error(error, target.shape, index) from None
        raise ValueError(f"{op}: a value of shape {source.shape} does not fit the elements picked by "
                         f"{_describe(index)} in a tensor of shape {target.shape}: {error}") from None
    except (IndexError, TypeError) as error:
        raise _index_error(error, target.shape, index) from None
    versions.mark_changed((self,))


Tensor.__setitem__ = _setitem


# scatter_add(g, index, shape): zeros of shape with g added at index;  d/dg = (its gradient)[index]
def _scatter_vjp(index, g, out, a):
    return (g[index],)


def scatter_add(g, index, shape, unique=False):
    """The Tensor form of ``vocabulary.scatter_add``: the gradient of indexing, itself differentiable."""
    data = V.scatter_add(g._data, index, shape, unique)
    return record(data, (g,), partial(_scatter_vjp, index), "scatter_add")


def _tensor_list(tensors, op):
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{op}: expects a list or tuple of tensors, got {_describe(tensors)}")
    if not tensors:
        raise ValueError(f"{op}: needs at least one tensor, got an empty {type(tensors).__name__}")
    like = next((t for t in tensors if isinstance(t, Tensor)), None)
    return tuple(lift(t, op, like) for t in tensors)


# concatenate along axis;  d/da_i = the slice of g that a_i filled
def _concatenate_vjp(axis, bounds, needs, g, out, *inputs):
    lead = (slice(None),) * axis
    return tuple(g[lead + (slice(start, stop),)] if need else None for (start, stop), need in zip(bounds, needs))


def concatenate(tensors, axis=0, *, dim=None):
    """The tensors joined along an existing ``axis`` (PyTorch's ``cat``); their shapes agree on every other axis."""
    axis = numpy_argument("concatenate", "axis", axis, 0, dim=dim)
    tensors = _tensor_list(tensors, "concatenate")
    ndim = tensors[0]._data.ndim
    if ndim == 0:
        raise ValueError("concatenate: 0-d tensors have no axis to join along; use stack")
    axis = _axis_argument(axis, ndim, "concatenate")
    try:
        data = np.concatenate([t._data for t in tensors], axis=axis)
    except ValueError:
        shapes = ", ".join(str(t.shape) for t in tensors)
        raise ValueError(
            f"concatenate: every tensor must have the same shape except along axis {axis}; got shapes {shapes}"
        ) from None
    stops = np.cumsum([t._data.shape[axis] for t in tensors]).tolist()
    bounds = tuple(zip([0] + stops[:-1], stops))
    needs = tuple(t._requires_grad for t in tensors)
    return record(data, tensors, partial(_concatenate_vjp, axis, bounds, needs), "concatenate", own_leaves=True)


# stack along a new axis;  d/da_i = g at position i of that axis
def _stack_vjp(axis, needs, g, out, *inputs):
    lead = (slice(None),) * axis
    return tuple(g[lead + (i,)] if need else None for i, need in enumerate(needs))


def stack(tensors, axis=0, *, dim=None):
    """The tensors, all of one shape, joined along a new ``axis``."""
    axis = numpy_argument("stack", "axis", axis, 0, dim=dim)
    tensors = _tensor_list(tensors, "stack")
    shapes = {t._data.shape for t in tensors}
    if len(shapes) > 1:
        listed = ", ".join(str(t.shape) for t in tensors)
        raise ValueError(f"stack: every tensor must have the same shape; got shapes {listed}")
    axis = _axis_argument(axis, tensors[0]._data.ndim + 1, "stack")
    data = np.stack([t._data for t in tensors], axis=axis)
    needs = tuple(t._requires_grad for t in tensors)
    return record(data, tensors, partial(_stack_vjp, axis, needs), "stack", own_leaves=True)


optable.declare(OpSpec("scatter_add", "zeros with g added at an index (the gradient of indexing); d/dg = its gradient "
                       "picked at the index", "shape"))
optable.declare(OpSpec("concatenate", "tensors joined along an axis; d/daᵢ = the slice of g aᵢ filled", "join"))
optable.attach("concatenate", functions={"concatenate": concatenate}, numpy={np.concatenate: concatenate})
optable.declare(OpSpec("stack", "tensors joined along a new axis; d/daᵢ = g at position i", "join"))
optable.attach("stack", functions={"stack": stack}, numpy={np.stack: stack})
V.provide("scatter_add", scatter_add)
