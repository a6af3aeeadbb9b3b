"""Value: a scalar node, its methods made from the op table, and its own fused ops ``dot``, ``neuron``, ``sum_values``.

The ops Value shares with Tensor (arithmetic, exp, log, relu, ...) are declared
once in ``autograd.pointwise``; here they become Value's methods. Rules are
``vjp(g, out, *inputs) -> tuple`` written with operators and
``autograd.vocabulary`` only, so they run on floats (the fast first-order pass)
and on Values (``create_graph=True``, for higher derivatives).
"""

import numbers
from functools import partial

from .core import engine, optable
from . import pointwise
from .core.engine import grad_enabled, passes_nothing
from .instruments.hooks import register_hook
from .core.node import Node, init_node, new_node
from .core.node import describe as _describe
from .drawing.draw import repr_mimebundle
from .core.optable import OpSpec
from .pointwise import binary_rules, bind_params
from .pointwise.ufuncs import ufunc_protocol


def to_float(x, where):
    """``x`` as a Python float, or a TypeError naming ``where`` and what is accepted."""
    if x.__class__ is float:
        return x
    if isinstance(x, numbers.Real):
        return float(x)
    if getattr(x, "ndim", None) == 0 and getattr(getattr(x, "dtype", None), "kind", "") in "biuf":
        return float(x)
    raise TypeError(f"{where}: expected a real number (int or float), got {_describe(x)}")


class Value(Node):
    """A scalar in a computation graph: ``Value(data, label="", requires_grad=True)``.

    ``data`` is always a float; ``grad`` is d(root)/d(self) after ``backward()``.
    """

    __slots__ = ()

    def __init__(self, data, label="", requires_grad=True):
        if isinstance(data, Node):
            raise TypeError(f"Value: expected a real number, got a {type(data).__name__}; use its .data")
        if not isinstance(label, str):
            raise TypeError(f"Value: label must be a str, got {_describe(label)}")
        init_node(self, to_float(data, "Value"), 0.0, bool(requires_grad), label)

    def _set_data(self, value):
        self._data = value if value.__class__ is float else to_float(value, "Value.data")

    def __repr__(self):
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    def __float__(self):
        return self.data

    def item(self):
        """The data as a Python float."""
        return self.data

    def backward(self, grad=1.0, *, create_graph=False):
        """Accumulate d(self)/d(leaf) * grad into every leaf; set every other node's grad.

        With ``create_graph=True`` the gradients are Values with a graph of their own.
        """
        if isinstance(grad, Value):
            seed = grad if create_graph else grad.data
        else:
            seed = to_float(grad, "Value.backward(grad=...)")
            if create_graph:
                seed = constant(seed)
        engine.backward(self, seed, create_graph)

    register_hook = register_hook
    _repr_mimebundle_ = repr_mimebundle  # Jupyter shows a Value as the graph that computed it

    # comparisons read the data; they are not recorded
    def __lt__(self, other):
        return self.data < _payload(other, "<")

    def __le__(self, other):
        return self.data <= _payload(other, "<=")

    def __gt__(self, other):
        return self.data > _payload(other, ">")

    def __ge__(self, other):
        return self.data >= _payload(other, ">=")

    def __bool__(self):
        return self.data != 0.0


def _set_requires_grad(self, flag):
    self._requires_grad = bool(flag)


def _get_grad(self):
    grad = self._grad
    return 0.0 if grad is None else grad  # a node that no gradient reached (behind switched-off neurons only)


Value.data = property(Value._data.__get__, Value._set_data, doc="The payload, always a Python float.")
Value.grad = property(_get_grad, Value._grad.__set__, doc="d(root)/d(self) after backward(): a float.")
Value.requires_grad = property(
    Value._requires_grad.__get__, _set_requires_grad, doc="Whether gradients flow into this Value."
)


def constant(data):
    """A Value that needs no gradient (a number lifted into an op)."""
    return new_node(Value, data, 0.0, False, (), "", None)


def result(data, parents, vjp, op):
    """A recorded result node (no checks): ``data`` computed by ``op`` from ``parents``, with rule ``vjp``."""
    return new_node(Value, data, 0.0, True, parents, op, vjp)


def _payload(x, op):
    if isinstance(x, Value):
        return x._data
    if isinstance(x, numbers.Real):
        return x
    raise TypeError(f"Value {op}: cannot compare a Value with {_describe(x)}")


def lift(x, op):
    """``x`` as a Value: a Value as it is, a real number as a constant; else a TypeError naming ``op``."""
    if isinstance(x, Value):
        return x
    if x.__class__ is float or isinstance(x, numbers.Real):
        return constant(float(x))
    if isinstance(x, Node):
        raise TypeError(
            f"Value {op}: cannot combine a Value with a {type(x).__name__}; "
            f"use Tensor(value.data) on the Tensor side, or tensor.item() on the Value side"
        )
    raise TypeError(f"Value {op}: unsupported operand {_describe(x)}; expected a Value or a real number")


# The ops Value shares with Tensor (``autograd.pointwise``), made into Value's methods. Which gradients a
# binary rule computes is settled at forward time: an operand that needs none costs nothing backward.


def _binary_methods(spec):
    """``self <op> other`` and its reflection ``other <op> self``, from the op's table entry."""
    name, forward = spec.name, spec.on_float
    rules = binary_rules(*spec.rule)

    def record(a, b):
        data = forward(a._data, b._data)
        if grad_enabled() and (a._requires_grad or b._requires_grad):
            return new_node(Value, data, 0.0, True, (a, b), name, rules[a._requires_grad, b._requires_grad])
        return new_node(Value, data, 0.0, False, (), "", None)

    def method(self, other):
        if other.__class__ is not Value:
            other = lift(other, name)
        return record(self, other)

    def reflected(self, other):
        return record(lift(other, name), self)

    return {f"__{spec.dunder}__": method, f"__r{spec.dunder}__": reflected}


def _unary_method(spec):
    """``self.<op>(*params)`` from the op's table entry."""
    name, forward, rule = spec.name, spec.on_float, spec.rule
    if spec.params:
        def method(self, *args, **kwargs):
            params = bind_params(spec, args, kwargs, f"Value.{name}", to_float)
            data = forward(self._data, **params)
            if grad_enabled() and self._requires_grad:
                return new_node(Value, data, 0.0, True, (self,), name, partial(rule, **params))
            return new_node(Value, data, 0.0, False, (), "", None)

        method.__signature__ = pointwise.params_signature(spec)
    else:
        def method(self):
            data = forward(self._data)
            if grad_enabled() and self._requires_grad:
                return new_node(Value, data, 0.0, True, (self,), name, rule)
            return new_node(Value, data, 0.0, False, (), "", None)

    method.__name__ = name
    return method


def _attach_pointwise():
    for spec in pointwise.shared():
        if spec.arity == 2:
            optable.attach(spec.name, Value, _binary_methods(spec))
        else:
            method = _unary_method(spec)
            optable.attach(spec.name, Value, {attribute: method for attribute in spec.attributes})


_attach_pointwise()
Value.__array_ufunc__ = ufunc_protocol(Value, lambda x, op, like: lift(x, op), booleans_on_data=True)  # np.exp(v)


# Fused n-ary nodes: one node, not a chain of n two-input nodes.


# Σ xᵢ;  d/dxᵢ = 1
def _sum_vjp(g, out, *inputs):
    return (g,) * len(inputs)


def sum_values(values):
    """Σ values as one node, added left to right; d/dxᵢ = 1. Numbers in ``values`` are constants."""
    values = tuple(values)
    if not _all_values(values):
        values = tuple(lift(v, "sum_values") for v in values)
    if not values:
        raise ValueError("sum_values: needs at least one value, got an empty sequence")
    data = 0.0
    for value in values:
        data += value._data
    return _fused(data, values, "sum", _sum_vjp)


def _fused(data, parents, name, rule):
    """The node of a fused op: recorded when grad mode is on and some parent requires grad, else a constant."""
    if grad_enabled():
        for parent in parents:  # a loop that stops at the first: parameters come first in a neuron's parents
            if parent._requires_grad:
                return new_node(Value, data, 0.0, True, parents, name, rule)
    return new_node(Value, data, 0.0, False, (), "", None)


# Σ wᵢxᵢ (+ b);  d/dwᵢ = xᵢ, d/dxᵢ = wᵢ, d/db = 1
def _dot_vjp(g, out, *inputs):
    n = len(inputs) // 2
    grads = [g * v for v in inputs[n : 2 * n] + inputs[:n]]  # g·x for each w, then g·w for each x: one comprehension
    if len(inputs) % 2:
        grads.append(g)
    return grads


def _weighted_sum_op(name, rule, rectify):
    """The function Σ wᵢxᵢ (+ bias) over Values, then max(·, 0) if ``rectify``, as one node ``name`` with ``rule``.

    One function per op, its name and rule bound once: a network calls it once per neuron.
    """

    def weighted_sum(weights, inputs, bias=None):
        if len(weights) != len(inputs):
            raise ValueError(f"{name}: weights and inputs differ in length: {len(weights)} and {len(inputs)}")
        if bias is None:
            data = 0.0
            parents = (*weights, *inputs)
        else:
            if bias.__class__ is not Value:
                bias = lift(bias, name)
            data = bias._data
            parents = (*weights, *inputs, bias)
        try:
            # added one by one from the bias, as a chain of "+" nodes would: the same float result
            for w, x in zip(weights, inputs):
                data += w._data * x._data
        except AttributeError:  # a number among the operands: lift them all, then go again
            return weighted_sum([lift(w, name) for w in weights], [lift(x, name) for x in inputs], bias)
        if rectify and not data > 0.0:
            return _fused(0.0, parents, name, passes_nothing)  # relu'(0) = 0: a neuron that is off passes nothing
        return _fused(data, parents, name, rule)

    weighted_sum.__name__ = weighted_sum.__qualname__ = name
    return weighted_sum


_dot_of_values = _weighted_sum_op("dot", _dot_vjp, False)


def dot(weights, inputs, bias=None):
    """Σ wᵢxᵢ (+ bias) as one node; d/dwᵢ = xᵢ, d/dxᵢ = wᵢ, d/dbias = 1.

    A neuron's weighted sum: one node instead of 2n. Numbers are constants.
    Given a Tensor, it is numpy's dot of the two operands (``weights.dot(inputs)``, plus ``bias``).
    """
    tensor = next((x for x in (weights, inputs) if isinstance(x, Node) and not isinstance(x, Value)), None)
    if tensor is not None:
        first, second = (x if isinstance(x, Node) else type(tensor)(x) for x in (weights, inputs))
        out = first.dot(second)
        return out if bias is None else out + bias
    return _dot_of_values(weights, inputs, bias)


# relu(Σ wᵢxᵢ + b): the derivatives of dot where the sum is > 0 (a neuron that is on). A neuron that is off
# (sum ≤ 0; relu'(0) = 0) is recorded with the engine's ``passes_nothing``: no gradient flows to any parent.
neuron = _weighted_sum_op("neuron", _dot_vjp, True)
neuron.__doc__ = """relu(Σ wᵢxᵢ + bias) as one node: a ReLU neuron; d/dwᵢ = xᵢ, d/dxᵢ = wᵢ, d/dbias = 1 where the sum
    is > 0, else 0.

    Half the nodes of ``dot(...).relu()`` for a network of Values, the same numbers. A neuron that is
    off (sum ≤ 0) sends no gradient at all in a first-order backward pass: the engine skips its parents,
    where ``dot(...).relu()`` would add a zero to each.
    """


optable.attach("sum", functions={"sum_values": sum_values})
optable.attach("dot", functions={"dot": dot})
optable.declare(OpSpec("neuron", "relu(Σ wᵢxᵢ + b) over Values, one node; d/dwᵢ = xᵢ, d/dxᵢ = wᵢ, d/db = 1 where the "
                       "sum is > 0, else 0", "fused", arity=-1,
                       domain=(optable.Domain(smooth="Σ wᵢxᵢ + b ≠ 0 (a kink)"),)))
optable.attach("neuron", functions={"neuron": neuron})


def _all_values(nodes):
    return all(node.__class__ is Value for node in nodes)
