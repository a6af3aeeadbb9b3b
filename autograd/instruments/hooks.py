"""Gradient hooks: ``node.register_hook(fn)`` sees (and may replace) a node's gradient in every backward pass.

``fn(grad)`` is called with the node's complete gradient for the pass, before
it flows on to the node's parents (for a leaf: the gradient of this pass, before
it is added to ``.grad``). A return value other than None replaces the
gradient. ``register_hook`` returns a handle whose ``remove()`` detaches it.
A node that no gradient reaches in a pass (one read only by ReLU neurons that
are off, see ``autograd.neuron``) runs no hook: there is nothing to see.

The hooks watch the pass as every instrument does, through the engine's
``PassObserver`` protocol: while any hook is registered (``HookCount.live``),
one observer shows every thread's passes the nodes' hooks; with none, the
engine runs its plain loops.
"""

import threading

import numpy as np

from ..core.node import Node, describe
from ..core.pass_observers import PassObserver, unwatch_every_thread, watch_every_thread


class RemovableHandle:
    """Returned by ``register_hook`` (and nn's ``register_forward_hook``): ``handle.remove()`` detaches the hook.

    Removing twice is harmless; ``with handle:`` removes it at the end of the block.
    """

    __slots__ = ("_hooks", "_key", "_on_remove")

    def __init__(self, hooks, key, on_remove=None):
        self._hooks = hooks  # the dict holding the hook under ``key``
        self._key = key
        self._on_remove = on_remove  # called once when the hook is removed

    def remove(self):
        """Detach the hook; it is not called again."""
        hooks = self._hooks
        self._hooks = None
        if hooks is not None and hooks.pop(self._key, None) is not None and self._on_remove is not None:
            self._on_remove()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.remove()
        return False


class _GradientHooks(PassObserver):
    """The observer that runs nodes' hooks: on each node's complete gradient, and a hooked leaf's pass gradient."""

    def holds(self, leaf):
        return bool(getattr(leaf, "_hooks", None))

    def gradient_complete(self, node, grad):
        return run_hooks(node, grad) if getattr(node, "_hooks", None) else grad


_GRADIENT_HOOKS = _GradientHooks()


class HookCount:
    """How many gradient hooks are registered (and not removed) on any node."""

    live = 0
    lock = threading.Lock()

    @classmethod
    def add(cls):
        with cls.lock:
            cls.live += 1
            if cls.live == 1:
                watch_every_thread(_GRADIENT_HOOKS)

    @classmethod
    def remove(cls):
        with cls.lock:
            cls.live -= 1
            if cls.live == 0:
                unwatch_every_thread(_GRADIENT_HOOKS)


def register_hook(self, fn):
    """Call ``fn(grad)`` with this node's gradient in every backward pass; a non-None return replaces it.

    Returns a handle; ``handle.remove()`` detaches the hook.
    """
    where = f"{type(self).__name__}.register_hook"
    if not callable(fn):
        raise TypeError(f"{where}: expected a function fn(grad), got {describe(fn)}")
    if not self._requires_grad:
        raise ValueError(
            f"{where}: this {type(self).__name__.lower()} does not require grad, so no gradient ever reaches it; "
            "register the hook on a node that requires grad"
        )
    hooks = getattr(self, "_hooks", None)
    if hooks is None:
        hooks = self._hooks = {}
    key = object()
    hooks[key] = fn
    HookCount.add()
    return RemovableHandle(hooks, key, HookCount.remove)


def _name(node):
    kind = type(node).__name__
    parts = []
    if node.op:
        parts.append(f"result of {node.op!r}")
    elif not node.parents:
        parts.append("leaf")
    if node.label:
        parts.append(f"label {node.label!r}")
    shape = getattr(node._data, "shape", None)
    if shape is not None:
        parts.append(f"shape {shape}")
    return f"{kind} ({', '.join(parts)})"


def _checked(node, replacement, grad):
    """The hook's result as a gradient for ``node``: same shape, node's dtype, a node when ``grad`` is one."""
    where = "register_hook"
    data = node._data
    if isinstance(data, float):  # a Value
        if isinstance(replacement, Node):
            if getattr(replacement._data, "shape", ()) not in ((),):
                raise ValueError(f"{where}: the hook on {_name(node)} returned a gradient of shape "
                                 f"{replacement._data.shape}; the node's gradient has shape ()")
            return replacement if isinstance(grad, Node) else float(replacement._data)
        shape = np.shape(replacement) if isinstance(replacement, (np.ndarray, list, tuple)) else ()
        if shape != ():
            raise ValueError(f"{where}: the hook on {_name(node)} returned a gradient of shape {shape}; "
                             "the node's gradient has shape ()")
        try:
            number = float(replacement)
        except (TypeError, ValueError):
            raise TypeError(f"{where}: the hook on {_name(node)} must return a number or None, "
                            f"got {describe(replacement)}") from None
        if isinstance(grad, Node):
            return type(grad)(number, requires_grad=False)  # a constant Value, like the gradient's kind
        return number
    if isinstance(replacement, Node):
        shape = replacement._data.shape
        payload = replacement
    else:
        try:
            payload = np.asarray(replacement)
        except (TypeError, ValueError):
            payload = None
        if payload is None or payload.dtype.kind not in "biuf":
            raise TypeError(f"{where}: the hook on {_name(node)} must return an array or None, "
                            f"got {describe(replacement)}")
        shape = payload.shape
    if shape != data.shape:
        raise ValueError(f"{where}: the hook on {_name(node)} returned a gradient of shape {shape}; "
                         f"the node's gradient has shape {data.shape}")
    if isinstance(grad, Node):
        if isinstance(payload, Node):
            return payload if payload._data.dtype == data.dtype else payload.astype(data.dtype)
        return type(grad)(np.array(payload, dtype=data.dtype))  # a constant Tensor, like the gradient's kind
    if isinstance(payload, Node):
        payload = payload._data
    return np.array(payload, dtype=data.dtype)


def run_hooks(node, grad):
    """``grad`` passed through each of ``node``'s hooks in registration order."""
    for fn in list(node._hooks.values()):
        replacement = fn(grad)
        if replacement is not None:
            grad = _checked(node, replacement, grad)
    return grad
