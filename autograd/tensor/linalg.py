"""Tensor linear algebra — einsum, tensordot, dot, outer, trace, diag, tril, triu — each forward, then its rule.

The contractions (einsum, tensordot, dot, outer, trace) are one einsum each, so
their rule is one einsum per operand: the incoming gradient contracted with the
other operands onto the operand's subscripts. A letter an operand repeats (a
diagonal, ``"ii->"``) gets its gradient through an identity matrix, a letter only
that operand has (summed away) through a vector of ones. The rules call einsum on
whatever they are given, so under ``create_graph=True`` they record einsums again.
"""

import string
from functools import partial

import numpy as np

from ..core import optable
from .. import vocabulary as V
from ..core.optable import OpSpec
from .core import Tensor, _describe, lift, record
from .numpy_protocol import numpy_method
from .shape import _axis_argument, _is_int

_LETTERS = string.ascii_letters


def _shapes_text(operands):
    return ", ".join(str(t.shape) for t in operands)


def _explicit(subscripts, operands, op):
    """``subscripts`` for ``operands`` as (input terms, output) with letters only: ellipses spelled out,
    the implicit output (numpy's: the letters used once, sorted, after the ellipsis) made explicit."""
    shapes = _shapes_text(operands)

    def mismatch(reason):
        return ValueError(f"{op}: subscripts {subscripts!r} do not match operands of shapes {shapes}: {reason}")

    text = subscripts.replace(" ", "")
    if text.count("->") > 1 or set(text) - set(_LETTERS) - set(".,->"):
        raise mismatch("subscripts are letters, ',' between operands, '...' and at most one '->'")
    inputs, arrow, output = text.partition("->")
    terms = inputs.split(",")
    if len(terms) != len(operands):
        raise mismatch(f"they name {len(terms)} operand(s), {len(operands)} were given")
    free = [letter for letter in _LETTERS if letter not in text]
    widths = []
    for term, operand in zip(terms, operands):
        if term.count("...") > 1 or term.replace("...", "").count("."):
            raise mismatch(f"a stray '.' in {term!r}")
        named = len(term.replace("...", ""))
        width = operand.ndim - named if "..." in term else 0
        if width < 0 or ("..." not in term and named != operand.ndim):
            raise mismatch(f"{term!r} names {named} axes for an operand of {operand.ndim}")
        widths.append(width)
    broadcast = "".join(free[: max(widths, default=0)])
    terms = [term.replace("...", broadcast[len(broadcast) - width :]) for term, width in zip(terms, widths)]
    if arrow:
        if "..." not in output and any(widths):
            raise mismatch("the inputs have '...' axes, so the output needs '...' too")
        output = output.replace("...", broadcast)
        if output.count(".") or len(set(output)) != len(output):
            raise mismatch(f"the output {output!r} names an axis twice or has a stray '.'")
        missing = set(output) - set("".join(terms))
        if missing:
            raise mismatch(f"the output names {''.join(sorted(missing))!r}, which no input has")
    else:
        letters = "".join(terms)
        output = broadcast + "".join(sorted(c for c in set(letters) - set(broadcast) if letters.count(c) == 1))
    sizes = {}
    for term, operand in zip(terms, operands):
        for letter, size in zip(term, operand.shape):
            known = sizes.setdefault(letter, size)
            if known != size and 1 not in (known, size):
                raise mismatch(f"axis {letter!r} has sizes {known} and {size}")
            sizes[letter] = max(known, size) if 1 in (known, size) else size
    return terms, output, sizes


def _einsum_on(subscripts, *operands):
    """einsum on payloads (numpy's) or, when any operand is a Tensor, recorded (for create_graph)."""
    if any(isinstance(x, Tensor) for x in operands):
        return einsum(subscripts, *operands)
    return np.einsum(subscripts, *operands, optimize=len(operands) > 2)


# einsum;  d/d(operand i) = einsum of g with the other operands onto operand i's subscripts
def _einsum_vjp(terms, output, sizes, needs, g, out, *inputs):
    unused = iter(c for c in _LETTERS if c not in "".join(terms) + output)
    grads = []
    for i, (term, need) in enumerate(zip(terms, needs)):
        if not need:
            grads.append(None)
            continue
        extra_terms, extras, target = [], [], ""
        for letter in term:
            if letter in target:  # a repeated letter: a diagonal, reached through an identity matrix
                fresh = next(unused)
                extra_terms.append(letter + fresh)
                extras.append(np.eye(sizes[letter], dtype=g.dtype))
                letter = fresh
            target += letter
        others = [t for j, t in enumerate(terms) if j != i]
        reached = set(output + "".join(others) + "".join(extra_terms))
        for letter in dict.fromkeys(term):
            if letter not in reached:  # summed away by operand i alone: spread back by a vector of ones
                extra_terms.append(letter)
                extras.append(np.ones(inputs[i].shape[term.index(letter)], dtype=g.dtype))
        spec = ",".join([output, *others, *extra_terms]) + "->" + target
        grad = _einsum_on(spec, g, *[x for j, x in enumerate(inputs) if j != i], *extras)
        grads.append(_fit(grad, inputs[i].shape))
    return tuple(grads)


def _fit(grad, shape):
    """``grad`` brought to an operand's ``shape`` where einsum broadcast a size-1 axis of it (summed back),
    or where that size-1 axis met nothing else (spread back)."""
    if grad.shape == shape:
        return grad
    summed = tuple(i for i, (n, m) in enumerate(zip(grad.shape, shape)) if m == 1 and n != 1)
    if summed:
        grad = grad.sum(axis=summed, keepdims=True)
    return V.broadcast_to(grad, shape)


def _contract(op, terms, output, sizes, operands):
    """The einsum ``terms -> output`` of Tensor ``operands``, recorded as ``op``."""
    spec = ",".join(terms) + "->" + output
    try:
        data = np.einsum(spec, *[t._data for t in operands], optimize=len(operands) > 2)
    except (ValueError, TypeError) as error:
        raise ValueError(f"{op}: numpy refused operands of shapes {_shapes_text(operands)}: {error}") from None
    needs = tuple(t._requires_grad for t in operands)
    rule = partial(_einsum_vjp, tuple(terms), output, sizes, needs)
    return record(data, operands, rule, op, own_leaves=True)


def einsum(subscripts, *operands, optimize=False):
    """numpy's einsum on Tensors: ``einsum("ij,jk->ik", a, b)``; implicit output and '...' as in numpy.

    The gradient of each operand is an einsum too. ``optimize`` is accepted for numpy's signature
    (the contraction order never changes the result's graph).
    """
    if not isinstance(subscripts, str):
        raise TypeError(f"einsum: the first argument is the subscripts string (like 'ij,jk->ik'), got "
                        f"{_describe(subscripts)}")
    if not operands:
        raise ValueError(f"einsum: subscripts {subscripts!r} given no operands")
    like = next((t for t in operands if isinstance(t, Tensor)), None)
    operands = tuple(lift(t, "einsum", like) for t in operands)
    terms, output, sizes = _explicit(subscripts, operands, "einsum")
    return _contract("einsum", terms, output, sizes, operands)


def _pair(a, b, op):
    like = a if isinstance(a, Tensor) else b if isinstance(b, Tensor) else None
    return lift(a, op, like), lift(b, op, like)


def _tensordot_axes(axes, a, b):
    if _is_int(axes):
        if not 0 <= axes <= min(a.ndim, b.ndim):
            raise ValueError(f"tensordot: axes={axes} for shapes {a.shape} and {b.shape}: need 0 to "
                             f"{min(a.ndim, b.ndim)}")
        return list(range(a.ndim - axes, a.ndim)), list(range(axes))
    try:
        first, second = axes
    except (TypeError, ValueError):
        raise TypeError(f"tensordot: axes is an int or a pair of axis lists, got {_describe(axes)}") from None
    first = [first] if _is_int(first) else list(first)
    second = [second] if _is_int(second) else list(second)
    if len(first) != len(second):
        raise ValueError(f"tensordot: axes {axes} pair {len(first)} axes of a with {len(second)} of b")
    first = [_axis_argument(axis, a.ndim, "tensordot") for axis in first]
    second = [_axis_argument(axis, b.ndim, "tensordot") for axis in second]
    if len(set(first)) != len(first) or len(set(second)) != len(second):
        raise ValueError(f"tensordot: axes {axes} name an axis twice")
    return first, second


def _paired(op, a, b, first, second):
    """The contraction of ``a``'s axes ``first`` with ``b``'s ``second``: a's other axes, then b's."""
    for i, j in zip(first, second):
        if a.shape[i] != b.shape[j]:
            raise ValueError(f"{op}: shapes {a.shape} and {b.shape} are not aligned: axis {i} of the first has size "
                             f"{a.shape[i]}, axis {j} of the second {b.shape[j]}")
    a_term = _LETTERS[: a.ndim]
    b_term = list(_LETTERS[a.ndim : a.ndim + b.ndim])
    for i, j in zip(first, second):
        b_term[j] = a_term[i]
    b_term = "".join(b_term)
    output = "".join(c for i, c in enumerate(a_term) if i not in first)
    output += "".join(c for j, c in enumerate(b_term) if j not in second)
    sizes = {**dict(zip(a_term, a.shape)), **dict(zip(b_term, b.shape))}
    return _contract(op, [a_term, b_term], output, sizes, (a, b))


def tensordot(a, b, axes=2):
    """numpy's tensordot: ``a``'s last ``axes`` axes (or the listed pairs) summed against ``b``'s first ones."""
    a, b = _pair(a, b, "tensordot")
    first, second = _tensordot_axes(axes, a, b)
    return _paired("tensordot", a, b, first, second)


def _dot(self, other):
    """numpy's dot: a product for 0-d operands, else the last axis of a summed against b's second-to-last
    (its only one for a vector); d/da and d/db are einsums."""
    if not isinstance(other, Tensor):
        other = lift(other, "dot", self)
    if self.ndim == 0 or other.ndim == 0:
        return self * other
    return _paired("dot", self, other, [self.ndim - 1], [max(other.ndim - 2, 0)])


def _numpy_dot(a, b, out=None):
    if out is not None:
        raise TypeError("numpy.dot on a Tensor: out= is not supported (a Tensor is never written in place)")
    a, b = _pair(a, b, "dot")
    return a.dot(b)


def outer(a, b):
    """numpy's outer product of the flattened ``a`` and ``b``: out[i, j] = a[i]·b[j]."""
    a, b = _pair(a, b, "outer")
    a, b = a.reshape(-1), b.reshape(-1)
    return _contract("outer", ["i", "j"], "ij", {"i": a.shape[0], "j": b.shape[0]}, (a, b))


def _numpy_outer(a, b, out=None):
    if out is not None:
        raise TypeError("numpy.outer on a Tensor: out= is not supported (a Tensor is never written in place)")
    return outer(a, b)


# trace: Σ of the diagonal (of axes axis1, axis2, offset k);  d/da = g on that diagonal, 0 elsewhere
def _trace(self, offset=0, axis1=0, axis2=1):
    """Σ of the diagonal of ``axis1`` and ``axis2`` (``offset`` above it), numpy's trace; d/da = g on the diagonal."""
    if self.ndim < 2:
        raise ValueError(f"trace: needs a tensor of at least 2 axes, got shape {self.shape}")
    if not _is_int(offset):
        raise TypeError(f"trace: offset must be an int, got {_describe(offset)}")
    first = _axis_argument(axis1, self.ndim, "trace")
    second = _axis_argument(axis2, self.ndim, "trace")
    if first == second:
        raise ValueError(f"trace: axis1 and axis2 must differ, got {axis1} and {axis2} for shape {self.shape}")
    x = self
    if (first, second) != (0, 1):
        x = x.transpose([first, second] + [i for i in range(self.ndim) if i not in (first, second)])
    rows, columns = x.shape[:2]
    if offset or rows != columns:  # the diagonal's square block
        start_row, start_column = max(-offset, 0), max(offset, 0)
        n = max(0, min(rows - start_row, columns - start_column))
        x = x[start_row : start_row + n, start_column : start_column + n]
    rest = _LETTERS[2 : x.ndim]
    sizes = {"a": x.shape[0], **dict(zip(rest, x.shape[2:]))}
    return _contract("trace", ["aa" + rest], rest, sizes, (x,))


# diag: a vector onto a matrix's k-th diagonal, or a matrix's k-th diagonal as a vector;
# d/da = g's diagonal (vector in), or g placed on the diagonal of zeros (matrix in)
def _diagonal_indices(rows, columns, k):
    n = max(0, min(rows - max(-k, 0), columns - max(k, 0)))
    return np.arange(n) + max(-k, 0), np.arange(n) + max(k, 0)


def _diag_of_vector_vjp(index, g, out, a):
    return (g[index],)


def _diag_of_matrix_vjp(index, shape, g, out, a):
    return (V.scatter_add(g, index, shape, unique=True),)


def _diag(self, k=0):
    """numpy's diag: a 1-D tensor placed on the k-th diagonal of a square matrix, or the k-th diagonal of a matrix."""
    if not _is_int(k):
        raise TypeError(f"diag: k must be an int, got {_describe(k)}")
    x = self._data
    if x.ndim == 1:
        size = x.shape[0] + abs(k)
        index = _diagonal_indices(size, size, k)
        data = np.zeros((size, size), dtype=x.dtype)
        data[index] = x
        return record(data, (self,), partial(_diag_of_vector_vjp, index), "diag")
    if x.ndim == 2:
        index = _diagonal_indices(*x.shape, k)
        return record(x[index], (self,), partial(_diag_of_matrix_vjp, index, x.shape), "diag")
    raise ValueError(f"diag: expects a 1-D tensor (to make a matrix) or a 2-D one (to take a diagonal), "
                     f"got shape {x.shape}")


# tril / triu: zeros above / below the k-th diagonal of the last two axes;  d/da = g where kept, 0 elsewhere
def _triangle_vjp(mask, g, out, a):
    return (V.where(mask, g, 0),)


def _triangle(op, lower):
    def method(self, k=0):
        if not _is_int(k):
            raise TypeError(f"{op}: k must be an int, got {_describe(k)}")
        x = self._data
        if x.ndim < 2:
            raise ValueError(f"{op}: needs a tensor of at least 2 axes (a matrix, or a batch of them), got shape "
                             f"{x.shape}")
        rows, columns = x.shape[-2:]
        mask = np.tri(rows, columns, k, dtype=bool) if lower else ~np.tri(rows, columns, k - 1, dtype=bool)
        data = np.where(mask, x, np.zeros((), dtype=x.dtype))
        return record(data, (self,), partial(_triangle_vjp, mask), op)

    method.__name__ = op
    side = "above" if lower else "below"
    method.__doc__ = f"The tensor with zeros {side} its k-th diagonal (of the last two axes); d/da = g where kept."
    return method


optable.declare(OpSpec("einsum", "numpy's einsum; d/d(operand) = einsum of g with the other operands", "linear algebra",
                       arity=-1))
optable.attach("einsum", functions={"einsum": einsum}, numpy={np.einsum: einsum})
optable.declare(OpSpec("tensordot", "numpy's tensordot; d/da, d/db = g contracted with the other operand (einsum)",
                       "linear algebra", arity=2))
optable.attach("tensordot", functions={"tensordot": tensordot}, numpy={np.tensordot: tensordot})
optable.attach("dot", Tensor, {"dot": _dot}, numpy={np.dot: _numpy_dot})
optable.declare(OpSpec("outer", "a[i]·b[j] of the flattened operands; d/da = g b, d/db = gᵀ a", "linear algebra",
                       arity=2))
optable.attach("outer", functions={"outer": outer}, numpy={np.outer: _numpy_outer})
optable.declare(OpSpec("trace", "Σ of a diagonal; d/da = g on the diagonal, 0 elsewhere", "linear algebra"))
optable.attach("trace", Tensor, {"trace": _trace}, numpy={np.trace: numpy_method("trace", "offset", "axis1", "axis2")})
optable.declare(OpSpec("diag", "a vector onto a diagonal, or a matrix's diagonal; d/da = g picked back / placed back",
                       "linear algebra"))
optable.attach("diag", Tensor, {"diag": _diag}, numpy={np.diag: numpy_method("diag", "k")})
for _name, _lower in (("tril", True), ("triu", False)):
    _side = "above" if _lower else "below"
    optable.declare(OpSpec(_name, f"zeros {_side} the k-th diagonal; d/da = g where kept, 0 elsewhere",
                           "linear algebra"))
    optable.attach(_name, Tensor, {_name: _triangle(_name, _lower)}, numpy={getattr(np, _name): numpy_method(_name, "k")})
