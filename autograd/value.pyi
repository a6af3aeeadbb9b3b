# Generated from the op table by `python -m autograd stubs`: do not edit.
"""Value: a scalar node, its methods made from the op table, and its own fused ops ``dot``, ``neuron``, ``sum_values``.

The ops Value shares with Tensor (arithmetic, exp, log, relu, ...) are declared
once in ``autograd.pointwise``; here they become Value's methods. Rules are
``vjp(g, out, *inputs) -> tuple`` written with operators and
``autograd.vocabulary`` only, so they run on floats (the fast first-order pass)
and on Values (``create_graph=True``, for higher derivatives).
"""

from typing import Any

import numbers
from functools import partial as partial
import autograd.core.engine as engine
import autograd.core.optable as optable
import autograd.pointwise as pointwise
from autograd.core.engine import passes_nothing as passes_nothing
from autograd.instruments.hooks import register_hook as register_hook
from autograd.core.node import Node as Node
from autograd.core.node import init_node as init_node
from autograd.core.node import new_node as new_node
import autograd.core.node
from autograd.drawing.draw import repr_mimebundle as repr_mimebundle
from autograd.core.optable import OpSpec as OpSpec
from autograd.pointwise.declare import binary_rules as binary_rules
from autograd.pointwise.declare import bind_params as bind_params
from autograd.pointwise.ufuncs import ufunc_protocol as ufunc_protocol

def grad_enabled(*args, **kwargs): ...
_describe = autograd.core.node.describe
def to_float(x, where):
    """``x`` as a Python float, or a TypeError naming ``where`` and what is accepted."""

class Value(Node):
    """A scalar in a computation graph: ``Value(data, label="", requires_grad=True)``.

    ``data`` is always a float; ``grad`` is d(root)/d(self) after ``backward()``.
    """
    def __init__(self, data, label='', requires_grad=True): ...
    def __repr__(self): ...
    def __float__(self): ...
    def item(self):
        """The data as a Python float."""
    def backward(self, grad=1.0, *, create_graph=False):
        """Accumulate d(self)/d(leaf) * grad into every leaf; set every other node's grad.

        With ``create_graph=True`` the gradients are Values with a graph of their own.
        """
    def register_hook(self, fn):
        """Call ``fn(grad)`` with this node's gradient in every backward pass; a non-None return replaces it.

        Returns a handle; ``handle.remove()`` detaches the hook.
        """
    def __lt__(self, other): ...
    def __le__(self, other): ...
    def __gt__(self, other): ...
    def __ge__(self, other): ...
    def __bool__(self): ...
    @property
    def data(self):
        """The payload, always a Python float."""
    @data.setter
    def data(self, value) -> None: ...
    @property
    def grad(self):
        """d(root)/d(self) after backward(): a float."""
    @grad.setter
    def grad(self, value) -> None: ...
    @property
    def requires_grad(self):
        """Whether gradients flow into this Value."""
    @requires_grad.setter
    def requires_grad(self, value) -> None: ...
    def __add__(self, other) -> Value:
        """a + b; d/da = 1, d/db = 1"""
    def __radd__(self, other) -> Value:
        """a + b; d/da = 1, d/db = 1"""
    def __sub__(self, other) -> Value:
        """a - b; d/da = 1, d/db = -1"""
    def __rsub__(self, other) -> Value:
        """a - b; d/da = 1, d/db = -1"""
    def __mul__(self, other) -> Value:
        """a * b; d/da = b, d/db = a"""
    def __rmul__(self, other) -> Value:
        """a * b; d/da = b, d/db = a"""
    def __truediv__(self, other) -> Value:
        """a / b; d/da = 1/b, d/db = -a/b²"""
    def __rtruediv__(self, other) -> Value:
        """a / b; d/da = 1/b, d/db = -a/b²"""
    def __pow__(self, other) -> Value:
        """a ** b; d/da = b·a^(b-1) (0 where b = 0), d/db = a^b·ln a (at a = 0: 0, or -inf for b < 0)"""
    def __rpow__(self, other) -> Value:
        """a ** b; d/da = b·a^(b-1) (0 where b = 0), d/db = a^b·ln a (at a = 0: 0, or -inf for b < 0)"""
    def __mod__(self, other) -> Value:
        """a % b, numpy's remainder (the sign of b); d/da = 1, d/db = -floor(a/b)"""
    def __rmod__(self, other) -> Value:
        """a % b, numpy's remainder (the sign of b); d/da = 1, d/db = -floor(a/b)"""
    def __neg__(self) -> Value:
        """-a; d/da = -1"""
    def exp(self) -> Value:
        """e^a; d/da = e^a"""
    def log(self) -> Value:
        """ln a; d/da = 1/a"""
    def sqrt(self) -> Value:
        """√a; d/da = 1/(2√a) (inf at 0)"""
    def abs(self) -> Value:
        """|a|; d/da = sign a, abs'(0) = 0"""
    def __abs__(self) -> Value:
        """|a|; d/da = sign a, abs'(0) = 0"""
    def tanh(self) -> Value:
        """tanh a; d/da = 1 - tanh² a"""
    def sigmoid(self) -> Value:
        """σ(a) = 1/(1 + e^-a); d/da = σ(a)(1 - σ(a))"""
    def relu(self) -> Value:
        """max(a, 0); d/da = 1 if a > 0 else 0 (relu'(0) = 0)"""
    def leaky_relu(self, negative_slope=0.01) -> Value:
        """a if a > 0 else s·a (s = negative_slope, 0.01); d/da = 1 if a > 0 else s"""
    def sin(self) -> Value:
        """sin a; d/da = cos a"""
    def cos(self) -> Value:
        """cos a; d/da = -sin a"""
    def sign(self) -> Value:
        """-1, 0 or 1 by the sign of a; d/da = 0 (recorded, as in PyTorch)"""
    def sinh(self) -> Value:
        """sinh a; d/da = cosh a"""
    def cosh(self) -> Value:
        """cosh a; d/da = sinh a"""
    def tan(self) -> Value:
        """tan a; d/da = 1 + tan² a"""
    def arcsin(self) -> Value:
        """arcsin a; d/da = 1/√(1 - a²) (inf at ±1)"""
    def arccos(self) -> Value:
        """arccos a; d/da = -1/√(1 - a²) (-inf at ±1)"""
    def arctan(self) -> Value:
        """arctan a; d/da = 1/(1 + a²)"""
    def log1p(self) -> Value:
        """ln(1 + a), accurate for small a; d/da = 1/(1 + a)"""
    def expm1(self) -> Value:
        """e^a - 1, accurate for small a; d/da = e^a"""
    def log2(self) -> Value:
        """log₂ a; d/da = 1/(a ln 2)"""
    def log10(self) -> Value:
        """log₁₀ a; d/da = 1/(a ln 10)"""
    def exp2(self) -> Value:
        """2^a; d/da = 2^a ln 2"""
    def floor(self) -> Value:
        """the largest integer <= a; d/da = 0 (recorded, as in PyTorch)"""
    def ceil(self) -> Value:
        """the smallest integer >= a; d/da = 0 (recorded, as in PyTorch)"""
    def erf(self) -> Value:
        """erf a = (2/√π)∫₀ᵃ e^(-t²) dt; d/da = (2/√π) e^(-a²)"""
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        """numpy's ufuncs on a Value: the op of the table that the ufunc names, else a TypeError."""

def _set_requires_grad(self, flag): ...
def _get_grad(self): ...
def constant(data):
    """A Value that needs no gradient (a number lifted into an op)."""
def result(data, parents, vjp, op):
    """A recorded result node (no checks): ``data`` computed by ``op`` from ``parents``, with rule ``vjp``."""
def _payload(x, op): ...
def lift(x, op):
    """``x`` as a Value: a Value as it is, a real number as a constant; else a TypeError naming ``op``."""
def _binary_methods(spec):
    """``self <op> other`` and its reflection ``other <op> self``, from the op's table entry."""
def _unary_method(spec):
    """``self.<op>(*params)`` from the op's table entry."""
def _attach_pointwise(): ...
def _sum_vjp(g, out, *inputs): ...
def sum_values(values):
    """Σ values as one node, added left to right; d/dxᵢ = 1. Numbers in ``values`` are constants."""
def _fused(data, parents, name, rule):
    """The node of a fused op: recorded when grad mode is on and some parent requires grad, else a constant."""
def _dot_vjp(g, out, *inputs): ...
def _weighted_sum_op(name, rule, rectify):
    """The function Σ wᵢxᵢ (+ bias) over Values, then max(·, 0) if ``rectify``, as one node ``name`` with ``rule``.

    One function per op, its name and rule bound once: a network calls it once per neuron.
    """
def _dot_of_values(weights, inputs, bias=None): ...
def dot(weights, inputs, bias=None):
    """Σ wᵢxᵢ (+ bias) as one node; d/dwᵢ = xᵢ, d/dxᵢ = wᵢ, d/dbias = 1.

    A neuron's weighted sum: one node instead of 2n. Numbers are constants.
    Given a Tensor, it is numpy's dot of the two operands (``weights.dot(inputs)``, plus ``bias``).
    """
def neuron(weights, inputs, bias=None):
    """relu(Σ wᵢxᵢ + bias) as one node: a ReLU neuron; d/dwᵢ = xᵢ, d/dxᵢ = wᵢ, d/dbias = 1 where the sum
    is > 0, else 0.

    Half the nodes of ``dot(...).relu()`` for a network of Values, the same numbers. A neuron that is
    off (sum ≤ 0) sends no gradient at all in a first-order backward pass: the engine skips its parents,
    where ``dot(...).relu()`` would add a zero to each.
    """
def _all_values(nodes): ...
