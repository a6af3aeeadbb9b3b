"""Version counters: a recorded graph keeps the values it was computed from, or backward says it cannot.

PyTorch's "modified by an inplace operation" check, at the cost of an integer per tensor:

- ``clock`` counts the in-place changes of Tensor arrays: an in-place operator or ``copy_`` under
  ``no_grad()``, an optimizer step, an assignment to ``.data``. ``mark_changed`` advances it and
  stores its value as each changed tensor's ``_version``.
- A recorded Tensor node keeps as ``_stamp`` the clock's value when it was recorded.
- Before a backward pass runs any rule, ``check`` looks at each node of the pass: when the clock has
  not moved since the node was recorded (``_stamp == clock``, the common case) nothing can have
  changed; otherwise a ``_version`` newer than the stamp, on the node itself or on one of its
  parents, means its rule would read values changed after the forward pass, and the pass refuses.

Tensors may share one array (``detach()``, a view made under ``no_grad()``, two Tensors of one
ndarray), as PyTorch's views share a version counter: a change in place by an operator, ``copy_``
or item assignment is also noted on the array that owns the memory (``_changed_memory``), and a
node whose stamp is older than the clock is refused when the memory of one of its tensors changed
after it was recorded. The hot paths of training steps, an assignment to ``.data`` (``bump``) and
an optimizer step (``increment_version``), mark only their own tensors: a graph that reads a
parameter's array through another Tensor (``p.detach()``) does not see them. The check is conservative:
it covers every parent and the output of a node, whether or not the node's rule reads them.
Scalar Values hold immutable floats and are not checked. Writing into the ndarray that ``t.data``
returns (``t.data[0] = 1``) bypasses the counter, as in PyTorch.
"""

import weakref
from functools import partial

import numpy as np

from .node import Node

_ndarray = np.ndarray

clock = 0
_changed_memory = {}  # id(array owning the memory) -> clock at its last change; dropped when the array dies
_watched = {}  # id(array) -> weak reference whose callback drops the array's entries


def mark_changed(tensors):
    """Record that the arrays of ``tensors`` were changed in place (now, after every node recorded so far)."""
    global clock
    clock += 1
    now = clock
    for tensor in tensors:
        tensor._version = now
        owner = _owner(tensor._data)
        key = id(owner)
        if key not in _watched:
            _watched[key] = weakref.ref(owner, partial(_forget, key))
        _changed_memory[key] = now


def bump(tensor):
    """Record that ``tensor`` itself changed: ``t.data = array``, or ``t.data -= x`` (the setter's same array).

    Only ``tensor`` is marked, not its memory (``.data`` is the way around autograd,
    as in PyTorch, where it does not count at all): the hot path of micrograd-style steps.
    """
    global clock
    clock += 1
    tensor._version = clock


def increment_version(tensors):
    """Note that the arrays of ``tensors`` (a Tensor or an iterable of them) were changed in place outside autograd.

    PyTorch's ``torch.autograd.graph.increment_version``: for code that writes a
    Tensor's array itself (an optimizer's ``theta[...] = ...``), so that a graph
    recorded before the change refuses to backpropagate through the old values.
    Like ``bump``, it marks the tensors themselves (an optimizer step's hot path),
    not other Tensors made from the same memory.
    """
    global clock
    if isinstance(tensors, Node):
        tensors = (tensors,)
    clock += 1
    now = clock
    try:
        for tensor in tensors:
            tensor._version = now
    except AttributeError:  # only a Tensor has a version
        kinds = sorted({type(tensor).__name__ for tensor in tensors if not getattr(tensor, "_sums_in_place", False)})
        raise TypeError(f"increment_version: expected Tensors, got {', '.join(kinds)} "
                        "(a Value's float cannot change in place)") from None


def _forget(key, _reference):
    _watched.pop(key, None)
    _changed_memory.pop(key, None)


def _owner(array):
    """The ndarray that owns ``array``'s memory (``array`` itself unless it is a view)."""
    while array.base.__class__ is _ndarray:
        array = array.base
    return array


def _changed_since(tensor, stamp):
    return getattr(tensor, "_version", -1) > stamp or _changed_memory.get(id(_owner(tensor._data)), -1) > stamp


def check(order):
    """RuntimeError if a tensor that a node of ``order`` (a topological order) depends on changed since recording."""
    if not order or not order[-1]._sums_in_place:  # floats (Values) cannot change in place
        return
    now = clock
    for node in order:
        stamp = node._stamp
        if stamp != now:
            if _changed_since(node, stamp):
                raise _changed_error(node, node, "its own output")
            for position, parent in enumerate(node.parents):
                if _changed_since(parent, stamp):
                    raise _changed_error(node, parent, f"its input {position}")


def _changed_error(node, tensor, role):
    label = f" {tensor.label!r}" if tensor.label else ""
    return RuntimeError(
        f"backward: the derivative of {node.op!r} needs {role}, the tensor{label} of shape {tensor.shape} "
        f"and dtype {tensor.dtype}, which was changed in place after the graph was recorded (an in-place "
        "operator or copy_ under no_grad(), an optimizer step, nn.load or an assignment to .data). As PyTorch "
        "says: one of the variables needed for gradient computation has been modified by an inplace "
        "operation. Compute the forward pass again after the change, or change a copy."
    )
