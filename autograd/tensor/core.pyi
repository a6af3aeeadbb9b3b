# Generated from the op table by `python -m autograd stubs`: do not edit.
"""Tensor's core: the class, creation, operands, recording a result, backward.

The ops sit in the modules beside this one, which import it (never the other way
round); ``autograd/tensor/__init__.py`` assembles them. For speed, results are
made by ``result`` and ``constant`` (no validation); only what a user hands in —
``Tensor(...)``, an operand, a ``backward`` seed — is checked.
"""

from typing import Any

import numbers
from functools import partial as partial
import numpy as np
import autograd.core.engine as engine
import autograd.core.versions as versions
from autograd.instruments.hooks import register_hook as register_hook
from autograd.core.node import Node as Node
from autograd.core.node import init_node as init_node
from autograd.core.node import new_node as new_node
from autograd.core.array_cache import one as one
import autograd.core.node
from autograd.drawing.draw import repr_mimebundle as repr_mimebundle
import numpy

def grad_enabled(*args, **kwargs): ...
_describe = autograd.core.node.describe
_ndarray = numpy.ndarray
def _new(*args, **kwargs): ...
_generic = numpy.generic
_NUMERIC_KINDS: str
def _as_flag(flag, where): ...
def _as_dtype(dtype, where): ...
def as_array(data, dtype=None, where='Tensor'):
    """``data`` as a numeric ndarray, or a clear TypeError / ValueError naming ``where``.

    An ndarray (or numpy scalar) keeps its dtype and is not copied; Python numbers
    and (nested) lists become float64; ``dtype`` casts.
    """

class Tensor(Node):
    """An n-dimensional array in a computation graph: ``Tensor(data, requires_grad=False, dtype=None, label="")``.

    ``data`` is an ndarray (an ndarray given keeps its dtype and is shared, not
    copied; Python numbers and lists become float64). After ``backward()``,
    ``grad`` is d(root)/d(self), an ndarray of ``data``'s shape and dtype.
    Operators and ops broadcast as numpy does. ``t += u``, ``t[i] = v`` and
    ``copy_`` change ``data`` in place where PyTorch would (``autograd.core.versions``
    says how a recorded graph notices).
    """
    def __hash__(self, /):
        """Return hash(self)."""
    def __init__(self, data, requires_grad=False, dtype=None, label=''): ...
    @property
    def shape(self):
        """The shape of ``data``, a tuple."""
    @property
    def ndim(self):
        """The number of axes."""
    @property
    def dtype(self):
        """The numpy dtype of ``data``."""
    @property
    def size(self):
        """The number of elements."""
    def numel(self):
        """The number of elements (PyTorch's name for ``size``)."""
    def retain_grad(self):
        """Does nothing: every node keeps its ``grad`` after ``backward()`` (PyTorch keeps leaves' only)."""
    @property
    def T(self):
        """The tensor with its axes reversed (a matrix transposed)."""
    def numpy(self):
        """The data as an ndarray (the array itself, not a copy)."""
    def tolist(self):
        """The data as (nested) Python lists."""
    def item(self):
        """The single element as a Python number."""
    def detach(self):
        """A constant Tensor sharing this one's data, cut from the graph."""
    def copy_(self, src):
        """Copy ``src`` (a Tensor, ndarray or number, broadcast to this shape) into ``data``'s own array; returns self.

        PyTorch's rules for changes in place: allowed on a tensor that does not
        require grad, or inside ``no_grad()`` (how ``nn.load`` and an optimizer
        write parameters); a leaf that requires grad while grad mode is on is a
        RuntimeError. numpy's same-kind casting (float64 into float32 is fine).
        """
    def fill_(self, value):
        """Set every element of ``data`` to the number ``value``, in place (``copy_``'s rules); returns self."""
    def zero_(self):
        """Set every element of ``data`` to 0, in place (``copy_``'s rules); returns self."""
    def __array__(self, dtype=None, copy=None): ...
    def __float__(self): ...
    def __int__(self): ...
    def __bool__(self): ...
    def __len__(self): ...
    def __iter__(self): ...
    def __repr__(self): ...
    def register_hook(self, fn):
        """Call ``fn(grad)`` with this node's gradient in every backward pass; a non-None return replaces it.

        Returns a handle; ``handle.remove()`` detaches the hook.
        """
    def backward(self, grad=None, *, create_graph=False):
        """Accumulate d(self)/d(leaf) · grad into every leaf's ``grad``; set every other node's ``grad``.

        ``grad`` (the seed, an array of this tensor's shape) may be left out only
        for a tensor of one element. With ``create_graph=True`` the gradients
        are Tensors with a graph of their own, to be differentiated again.
        """
    @property
    def data(self):
        """The payload, an ndarray."""
    @data.setter
    def data(self, value) -> None: ...
    @property
    def grad(self):
        """d(root)/d(self) after backward(): an ndarray of data's shape, or None."""
    @grad.setter
    def grad(self, value) -> None: ...
    @property
    def requires_grad(self):
        """Whether gradients flow into this tensor."""
    @requires_grad.setter
    def requires_grad(self, value) -> None: ...
    def __add__(self, other) -> Tensor:
        """a + b; d/da = 1, d/db = 1"""
    def __radd__(self, other) -> Tensor:
        """a + b; d/da = 1, d/db = 1"""
    def __iadd__(self, other) -> Tensor:
        """t += u: in place where PyTorch changes in place (no_grad(), no grad needed), else t = t + u."""
    def __sub__(self, other) -> Tensor:
        """a - b; d/da = 1, d/db = -1"""
    def __rsub__(self, other) -> Tensor:
        """a - b; d/da = 1, d/db = -1"""
    def __isub__(self, other) -> Tensor:
        """t -= u: in place where PyTorch changes in place (no_grad(), no grad needed), else t = t - u."""
    def __mul__(self, other) -> Tensor:
        """a * b; d/da = b, d/db = a"""
    def __rmul__(self, other) -> Tensor:
        """a * b; d/da = b, d/db = a"""
    def __imul__(self, other) -> Tensor:
        """t *= u: in place where PyTorch changes in place (no_grad(), no grad needed), else t = t * u."""
    def __truediv__(self, other) -> Tensor:
        """a / b; d/da = 1/b, d/db = -a/b²"""
    def __rtruediv__(self, other) -> Tensor:
        """a / b; d/da = 1/b, d/db = -a/b²"""
    def __itruediv__(self, other) -> Tensor:
        """t /= u: in place where PyTorch changes in place (no_grad(), no grad needed), else t = t / u."""
    def __pow__(self, other) -> Tensor:
        """a ** b; d/da = b·a^(b-1) (0 where b = 0), d/db = a^b·ln a (at a = 0: 0, or -inf for b < 0)"""
    def __rpow__(self, other) -> Tensor:
        """a ** b; d/da = b·a^(b-1) (0 where b = 0), d/db = a^b·ln a (at a = 0: 0, or -inf for b < 0)"""
    def __ipow__(self, other) -> Tensor:
        """t **= u: in place where PyTorch changes in place (no_grad(), no grad needed), else t = t ** u."""
    def __mod__(self, other) -> Tensor:
        """a % b, numpy's remainder (the sign of b); d/da = 1, d/db = -floor(a/b)"""
    def __rmod__(self, other) -> Tensor:
        """a % b, numpy's remainder (the sign of b); d/da = 1, d/db = -floor(a/b)"""
    def __imod__(self, other) -> Tensor:
        """t %= u: in place where PyTorch changes in place (no_grad(), no grad needed), else t = t % u."""
    def __pos__(self) -> Tensor:
        """+a is a itself."""
    def __matmul__(self, other) -> Tensor:
        """A @ B, numpy's matmul; dA = G Bᵀ, dB = Aᵀ G (summed over broadcast batch axes)."""
    def __rmatmul__(self, other) -> Tensor:
        """B @ A for a non-Tensor B (an ndarray on the left)."""
    def matmul(self, other) -> Tensor:
        """A @ B, numpy's matmul; dA = G Bᵀ, dB = Aᵀ G (summed over broadcast batch axes)."""
    def __imatmul__(self, other):
        """t @= u is refused, as in PyTorch: a matrix product in place would change t's shape in general."""
    def __lt__(self, other) -> Tensor:
        """a < b elementwise (broadcasting): a boolean Tensor that needs no gradient."""
    def __le__(self, other) -> Tensor:
        """a <= b elementwise (broadcasting): a boolean Tensor that needs no gradient."""
    def __gt__(self, other) -> Tensor:
        """a > b elementwise (broadcasting): a boolean Tensor that needs no gradient."""
    def __ge__(self, other) -> Tensor:
        """a >= b elementwise (broadcasting): a boolean Tensor that needs no gradient."""
    def __eq__(self, other) -> Tensor:  # type: ignore[override]
        """a == b elementwise (broadcasting): a boolean Tensor that needs no gradient."""
    def __ne__(self, other) -> Tensor:  # type: ignore[override]
        """a != b elementwise (broadcasting): a boolean Tensor that needs no gradient."""
    def clip(self, min=None, max=None) -> Tensor:
        """a limited to [min, max] elementwise (either bound may be None); d/da = 1 inside, 0 outside."""
    def astype(self, dtype) -> Tensor:
        """The tensor converted to ``dtype``; gradients flow back between floating point dtypes only."""
    def clone(self) -> Tensor:
        """A copy of the tensor with its own data, recorded (PyTorch's ``clone``): the gradient flows through it."""
    def __neg__(self) -> Tensor:
        """-a; d/da = -1"""
    def exp(self) -> Tensor:
        """e^a; d/da = e^a"""
    def log(self) -> Tensor:
        """ln a; d/da = 1/a"""
    def sqrt(self) -> Tensor:
        """√a; d/da = 1/(2√a) (inf at 0)"""
    def abs(self) -> Tensor:
        """|a|; d/da = sign a, abs'(0) = 0"""
    def __abs__(self) -> Tensor:
        """|a|; d/da = sign a, abs'(0) = 0"""
    def tanh(self) -> Tensor:
        """tanh a; d/da = 1 - tanh² a"""
    def sigmoid(self) -> Tensor:
        """σ(a) = 1/(1 + e^-a); d/da = σ(a)(1 - σ(a))"""
    def relu(self) -> Tensor:
        """max(a, 0); d/da = 1 if a > 0 else 0 (relu'(0) = 0)"""
    def leaky_relu(self, negative_slope=0.01) -> Tensor:
        """a if a > 0 else s·a (s = negative_slope, 0.01); d/da = 1 if a > 0 else s"""
    def sin(self) -> Tensor:
        """sin a; d/da = cos a"""
    def cos(self) -> Tensor:
        """cos a; d/da = -sin a"""
    def sign(self) -> Tensor:
        """-1, 0 or 1 by the sign of a; d/da = 0 (recorded, as in PyTorch)"""
    def sinh(self) -> Tensor:
        """sinh a; d/da = cosh a"""
    def cosh(self) -> Tensor:
        """cosh a; d/da = sinh a"""
    def tan(self) -> Tensor:
        """tan a; d/da = 1 + tan² a"""
    def arcsin(self) -> Tensor:
        """arcsin a; d/da = 1/√(1 - a²) (inf at ±1)"""
    def arccos(self) -> Tensor:
        """arccos a; d/da = -1/√(1 - a²) (-inf at ±1)"""
    def arctan(self) -> Tensor:
        """arctan a; d/da = 1/(1 + a²)"""
    def log1p(self) -> Tensor:
        """ln(1 + a), accurate for small a; d/da = 1/(1 + a)"""
    def expm1(self) -> Tensor:
        """e^a - 1, accurate for small a; d/da = e^a"""
    def log2(self) -> Tensor:
        """log₂ a; d/da = 1/(a ln 2)"""
    def log10(self) -> Tensor:
        """log₁₀ a; d/da = 1/(a ln 10)"""
    def exp2(self) -> Tensor:
        """2^a; d/da = 2^a ln 2"""
    def floor(self) -> Tensor:
        """the largest integer <= a; d/da = 0 (recorded, as in PyTorch)"""
    def ceil(self) -> Tensor:
        """the smallest integer >= a; d/da = 0 (recorded, as in PyTorch)"""
    def erf(self) -> Tensor:
        """erf a = (2/√π)∫₀ᵃ e^(-t²) dt; d/da = (2/√π) e^(-a²)"""
    def sum(self, axis=None, keepdims=False, *, dim=None, keepdim=None) -> Tensor:
        """Σ of the elements over ``axis`` (all by default); d/da = 1."""
    def mean(self, axis=None, keepdims=False, *, dim=None, keepdim=None) -> Tensor:
        """The mean over ``axis`` (all by default); d/da = 1/n for the n elements averaged."""
    def var(self, axis=None, keepdims=False, ddof=0, *, dim=None, keepdim=None, correction=None) -> Tensor:
        """Σ(a - mean a)² / (n - ddof) over ``axis``; ``ddof`` 0 by default (numpy's; PyTorch's ``correction`` is 1 by default)."""
    def std(self, axis=None, keepdims=False, ddof=0, *, dim=None, keepdim=None, correction=None) -> Tensor:
        """√(Σ(a - mean a)² / (n - ddof)) over ``axis``; ``ddof`` 0 by default (numpy's; PyTorch's ``correction`` is 1 by default)."""
    def max(self, axis=None, keepdims=False, *, dim=None, keepdim=None) -> Tensor:
        """The maximum over ``axis`` (all by default); the gradient goes to the maximal element, split evenly among ties."""
    def min(self, axis=None, keepdims=False, *, dim=None, keepdim=None) -> Tensor:
        """The minimum over ``axis`` (all by default); the gradient goes to the minimal element, split evenly among ties."""
    def logsumexp(self, axis=None, keepdims=False, *, dim=None, keepdim=None) -> Tensor:
        """log Σ e^a over ``axis``, computed stably (finite for logits of any size); d/da = softmax a."""
    def softmax(self, axis=-1, *, dim=None) -> Tensor:
        """e^a / Σ e^a along ``axis``, computed after subtracting the maximum; d/da: g ↦ out·(g - Σ g·out)."""
    def log_softmax(self, axis=-1, *, dim=None) -> Tensor:
        """a - log Σ e^a along ``axis``, computed stably; d/da: g ↦ g - softmax(a)·Σ g."""
    def cross_entropy(self, labels, reduction='none') -> Tensor:
        """-log softmax(a)[label] over the last axis (classes), for integer ``labels`` of shape ``a.shape[:-1]``.

        One stable node for softmax + cross-entropy with class labels: d/da = softmax(a) − onehot(labels)
        per sample (the notes' Ŷ − Y), itself differentiable for second derivatives. ``reduction``: "none"
        (a loss per sample), "mean" or "sum" over the samples, in the same node: the same numbers as
        ``.mean()`` / ``.sum()`` of the per-sample losses, one node fewer.
        """
    def any(self, axis=None, keepdims=False, *, dim=None, keepdim=None) -> Tensor:
        """Whether any element over ``axis`` is nonzero: a boolean constant."""
    def all(self, axis=None, keepdims=False, *, dim=None, keepdim=None) -> Tensor:
        """Whether every element over ``axis`` is nonzero: a boolean constant."""
    def argmax(self, axis=None, keepdims=False, *, dim=None, keepdim=None) -> Tensor:
        """The index of the maximum over ``axis`` (of the flattened tensor by default): an integer constant."""
    def argmin(self, axis=None, keepdims=False, *, dim=None, keepdim=None) -> Tensor:
        """The index of the minimum over ``axis`` (of the flattened tensor by default): an integer constant."""
    def prod(self, axis=None, keepdims=False, *, dim=None, keepdim=None) -> Tensor:
        """The product of the elements over ``axis`` (all by default); d/daᵢ = ∏ of the others (right with zeros)."""
    def cumsum(self, axis=None, *, dim=None) -> Tensor:
        """Running sums along ``axis`` (of the flattened tensor when None, as numpy); d/da = reversed cumsum of g."""
    def reshape(self, *shape) -> Tensor:
        """The same elements in a new shape: ``reshape(4, 2)`` or ``reshape((4, 2))``, one size may be -1."""
    def view(self, *shape) -> Tensor:
        """PyTorch's name for ``reshape``: ``view(4, 2)`` or ``view((4, 2))`` (a new node, as every op gives)."""
    def transpose(self, *axes) -> Tensor:
        """The axes permuted: ``transpose()`` reverses them, ``transpose(1, 0, 2)`` or ``transpose((1, 0, 2))``."""
    def swapaxes(self, axis1, axis2) -> Tensor:
        """The tensor with two axes exchanged."""
    def squeeze(self, axis=None, *, dim=None) -> Tensor:
        """The tensor without axes of size 1 (all of them, or those in ``axis``)."""
    def unsqueeze(self, axis) -> Tensor:
        """The tensor with a new axis of size 1 at position ``axis`` (-1 appends one)."""
    def broadcast_to(self, *shape) -> Tensor:
        """The tensor repeated along new or size-1 axes up to ``shape``, as numpy broadcasts."""
    def expand(self, *shape) -> Tensor:
        """``broadcast_to`` where a size of -1 keeps that axis as it is (PyTorch's ``expand``)."""
    def __getitem__(self, index) -> Tensor:
        """Elements picked by numpy indexing: ints, slices, None, Ellipsis, integer arrays, boolean masks."""
    def __setitem__(self, index, value):
        """``t[index] = value``: numpy's assignment into ``data``'s own array, under the rules of ``copy_``.

        Allowed inside ``no_grad()`` or when nothing needs grad (so ``t[0] += 1`` works
        there too); a parameter while grad mode is on is a RuntimeError naming
        ``no_grad``, and so is a recorded result (build it with ``where(...)``).
        """
    def dot(self, other) -> Tensor:
        """numpy's dot: a product for 0-d operands, else the last axis of a summed against b's second-to-last
        (its only one for a vector); d/da and d/db are einsums.
        """
    def trace(self, offset=0, axis1=0, axis2=1) -> Tensor:
        """Σ of the diagonal of ``axis1`` and ``axis2`` (``offset`` above it), numpy's trace; d/da = g on the diagonal."""
    def diag(self, k=0) -> Tensor:
        """numpy's diag: a 1-D tensor placed on the k-th diagonal of a square matrix, or the k-th diagonal of a matrix."""
    def tril(self, k=0) -> Tensor:
        """The tensor with zeros above its k-th diagonal (of the last two axes); d/da = g where kept."""
    def triu(self, k=0) -> Tensor:
        """The tensor with zeros below its k-th diagonal (of the last two axes); d/da = g where kept."""
    def tile(self, reps) -> Tensor:
        """numpy's tile: the tensor repeated ``reps`` times along each axis (an int repeats the last axis)."""
    def repeat(self, repeats, axis=None, *, dim=None) -> Tensor:
        """numpy's repeat (PyTorch's ``repeat_interleave``): each element ``repeats`` times (an int, or one count per
        element) along ``axis`` (of the flattened tensor when None).
        """
    def pad(self, pad_width) -> Tensor:
        """numpy's pad with zeros (its default constant mode): ``pad_width`` an int, (before, after), or one pair per axis."""
    def flip(self, axis=None, *, dim=None, dims=None) -> Tensor:
        """numpy's flip: the order of the elements reversed along ``axis`` (every axis when None; PyTorch's ``dims``)."""
    def roll(self, shift, axis=None, *, dim=None, dims=None) -> Tensor:
        """numpy's roll: elements shifted by ``shift`` along ``axis`` (of the flattened tensor when None; PyTorch's
        ``dims``), wrapping around.
        """
    def sort(self, axis=-1, *, dim=None) -> Tensor:
        """numpy's sort along ``axis`` (of the flattened tensor when None), stable; d/da = g through the permutation.

        Unlike PyTorch's ``sort`` it returns the sorted values only (no indices).
        """
    def __array_function__(self, func, types, args, kwargs):
        """``Tensor.__array_function__``: the op the table names for ``func``, else ``func`` on the data (checked)."""
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        """numpy's ufuncs on a Tensor: the op of the table that the ufunc names, else a TypeError."""

def _get_grad(self): ...
def seed_for(root, grad, create_graph, where):
    """The seed d(loss)/d(root) for a backward pass: ones for a one-element root, else ``grad`` checked."""
def _check_seed_shape(given, expected, where): ...
def result(data, parents, vjp, op):
    """A recorded result node: ``data`` (an ndarray) computed by ``op`` from ``parents``, with rule ``vjp``.

    The fast internal constructor (no checks), for ops and user-defined primitives.
    Create one only when grad mode is on and some parent requires grad.
    """
def constant(data):
    """A Tensor that needs no gradient, holding the ndarray ``data`` (no checks, no copy)."""
def lift(x, op, like=None):
    """``x`` as a Tensor operand of ``op``: a Tensor as it is, anything else a constant Tensor.

    A number (Python or numpy scalar) next to a floating point Tensor ``like``
    takes ``like``'s dtype, so constants never upcast float32; otherwise dtypes
    follow numpy. A Value, a string or another object is a TypeError naming ``op``.
    """
def in_place_allowed(tensor, op, operand):
    """Whether ``tensor <op> operand`` may change ``tensor``'s array in place (PyTorch's rules).

    Yes inside ``no_grad()`` and when neither requires grad. No when the result
    must be recorded (``tensor`` is a recorded result, or ``operand`` requires
    grad): the operator then records a new node, as ``t = t + u`` would. A leaf
    that requires grad, while grad mode is on, is a RuntimeError.
    """
def refuse_recording(tensor, op, operand):
    """For a method that changes ``tensor`` in place (it cannot rebind a name): RuntimeError where it must record."""
def _copy_into(target, source): ...
def change_in_place(tensor, op, write, operand):
    """``write(tensor.data, operand)`` into ``tensor``'s own array, checked first; then the change is marked.

    ``operand`` (an ndarray) must broadcast to the tensor's shape and cast to its
    dtype by numpy's same-kind rule; a refused change leaves the array as it was.
    """
def broadcast_error(op, *shapes):
    """The ValueError for operands whose shapes numpy cannot broadcast together."""
def _own_grad(grad, g): ...
def _cast_grad(dtype, grad, g): ...
def _adjusted_rule(rule, fixes, g, out, *inputs): ...
def adjusted(rule, parents, data, own_leaves=False):
    """``rule``, wrapped if needed so every parent gets a gradient array of its own, in its own dtype.

    ``own_leaves``: the rule may hand a parent the incoming gradient or a view of it,
    so leaves get a copy. A 0-d leaf of a 0-d result gets a 0-d array, not a numpy scalar.
    """
def record(data, parents, rule, op, own_leaves=False):
    """The result of ``op``: a node with ``rule`` if grad mode is on and a parent requires grad, else a constant.

    ``data`` may be a numpy scalar (ufuncs return those for 0-d inputs); it
    becomes a 0-d array. The general path, used by ops off the hottest paths.
    """
