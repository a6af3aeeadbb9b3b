"""User-defined ops: a primitive's forward on payloads and its derivative rule in autograd's ops.

    @primitive
    def softplus(x):
        "softplus(x) = log(1 + e^x)"
        return np.logaddexp(0.0, x)

    @softplus.defvjp
    def softplus_vjp(g, out, x):
        return (g * sigmoid(x),)          # d/dx softplus(x) = σ(x)

The forward receives payloads (floats for Values, ndarrays for Tensors). The rule
``vjp(g, out, *inputs, **params) -> tuple`` is written with operators and the
functions of ``autograd.vocabulary``, exactly like the built-in rules, so the op
works on Value and Tensor, under ``create_graph=True``, in ``gradcheck`` and
``gradgradcheck``, and shows by name in ``draw_graph`` and ``profile``. For
Tensor inputs the gradient a rule returns is summed back over broadcast axes
(``sum_to``), so rules may be written elementwise.
"""

import functools

import numpy as np

from .. import tensor, value, vocabulary
from ..core.engine import grad_enabled
from ..core.node import Node


class Family:
    """How one node type (Value, Tensor) lifts constants, wraps payloads and makes result nodes."""

    def __init__(self, node_type, lift, wrap, result, constant):
        self.node_type = node_type
        self.lift = lift
        self.wrap = wrap
        self.result = result
        self.constant = constant


def _wrap_float(data, name):
    return value.to_float(data, f"{name} (its forward's result)")


def _wrap_array(data, name):
    return tensor.as_array(data, None, f"{name} (its forward's result)")


_families = [
    Family(value.Value, value.lift, _wrap_float, value.result, value.constant),
    Family(tensor.Tensor, tensor.lift, _wrap_array, tensor.result, tensor.constant),
]


def _family_of(name, args):
    found = None
    for arg in args:
        if isinstance(arg, Node):
            family = next((f for f in _families if isinstance(arg, f.node_type)), None)
            if family is None:
                raise TypeError(f"{name}: no primitive support for {type(arg).__name__} inputs")
            if found is not None and family is not found:
                raise TypeError(
                    f"{name}: cannot mix {found.node_type.__name__} and {family.node_type.__name__} inputs"
                )
            found = family
    return found


class Primitive:
    """An op defined by its forward (on payloads) and its derivative rule (in autograd's ops)."""

    def __init__(self, forward, name=None, vjp=None):
        functools.update_wrapper(self, forward)
        self.forward = forward
        self.name = name or forward.__name__
        self.vjp = vjp

    def defvjp(self, vjp):
        """Set the derivative rule ``vjp(g, out, *inputs, **params) -> tuple``; returns it unchanged."""
        self.vjp = vjp
        return vjp

    def __repr__(self):
        return f"<primitive {self.name}>"

    def __call__(self, *args, **params):
        family = _family_of(self.name, args)
        if family is None:
            return self.forward(*args, **params)
        inputs = tuple(family.lift(arg, self.name) for arg in args)
        data = family.wrap(self.forward(*[node.data for node in inputs], **params), self.name)
        if not (grad_enabled() and any(node.requires_grad for node in inputs)):
            return family.constant(data)
        if self.vjp is None:
            raise TypeError(f"{self.name}: no derivative rule; define one with @{self.name}.defvjp")
        shapes = tuple(getattr(node.data, "shape", None) for node in inputs)
        rule = functools.partial(_checked_rule, self, shapes, params)
        return family.result(data, inputs, rule, self.name)


def primitive(forward=None, *, name=None):
    """Decorator making ``forward`` a differentiable op; give its rule with ``@op.defvjp``."""
    if forward is None:
        return functools.partial(primitive, name=name)
    return Primitive(forward, name=name)


def _checked_rule(prim, shapes, params, g, out, *inputs):
    grads = prim.vjp(g, out, *inputs, **params)
    if not isinstance(grads, (tuple, list)) or len(grads) != len(inputs):
        given = f"{len(grads)} entries" if isinstance(grads, (tuple, list)) else type(grads).__name__
        raise TypeError(
            f"{prim.name}: its derivative rule must return a tuple with one gradient per input "
            f"({len(inputs)}), got {given}"
        )
    return tuple(_checked_grad(prim.name, index, grad, shape) for index, (grad, shape) in enumerate(zip(grads, shapes)))


def _checked_grad(name, index, grad, shape):
    if grad is None:
        return None
    if shape is None:
        if isinstance(grad, Node) and getattr(grad.data, "shape", None) not in (None, ()):
            raise ValueError(f"{name}: the rule's gradient for input {index} must be a scalar, got shape {grad.shape}")
        if not isinstance(grad, (Node, int, float, np.floating, np.integer)):
            raise TypeError(
                f"{name}: the rule's gradient for input {index} must be a number, got {type(grad).__name__}"
            )
        return grad
    grad_shape = getattr(grad, "shape", None)
    if grad_shape is None:
        raise TypeError(
            f"{name}: the rule's gradient for input {index} (shape {shape}) must be an array, "
            f"got {type(grad).__name__}"
        )
    if grad_shape != shape:
        try:
            grad = vocabulary.sum_to(grad, shape)
        except ValueError:
            raise ValueError(
                f"{name}: the rule's gradient for input {index} has shape {grad_shape}, "
                f"which does not reduce to the input's shape {shape}"
            ) from None
    return grad
