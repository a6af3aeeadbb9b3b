"""The linear algebra ops ``autograd.testing.tensor_expressions`` draws: einsum, tensordot, dot, outer, trace,
diag, tril, triu, on ndarrays and Tensors alike.

Operands are paired so the contraction applies (axes that align, shapes that
broadcast) and results stay within MAX_SIZE elements and MAX_DIMS axes.
"""

import numpy as np
from hypothesis import strategies as st

from ..tensor import einsum as tensor_einsum
from ..tensor import outer as tensor_outer
from ..tensor import tensordot as tensor_tensordot
from .program import MAX_DIMS, Op, no_params
from .tensor_ops import _broadcast_shape, _fits, _either, as_array, either_method, pick_pair, pick_where

einsum = _either(tensor_einsum, np.einsum)
tensordot = _either(tensor_tensordot, np.tensordot)
outer = _either(tensor_outer, np.outer)
diag = either_method("diag", np.diag)
tril = either_method("tril", np.tril)
triu = either_method("triu", np.triu)

_LETTERS = "ijk"


def _plan_einsum(draw, operands):
    """Each operand's axes lettered as they broadcast (aligned from the right); the output a drawn
    arrangement of some of the letters, the others summed."""
    shape = _broadcast_shape(*operands)
    letters = _LETTERS[: len(shape)]
    terms = [letters[len(letters) - np.ndim(x) :] for x in operands]
    kept = draw(st.lists(st.sampled_from(letters), unique=True)) if letters else []
    return {"subscripts": ",".join(terms) + "->" + "".join(kept)}


def _einsum_pairs(a, b):
    shape = _broadcast_shape(a, b)
    return shape is not None and _fits(shape) and len(shape) <= len(_LETTERS)


def _tensordot_counts(a, b):
    """The numbers of axes N for which ``tensordot(a, b, N)`` applies and fits."""
    counts = []
    for n in range(0, min(np.ndim(a), np.ndim(b), 2) + 1):
        if n and np.shape(a)[np.ndim(a) - n :] != np.shape(b)[:n]:
            continue
        shape = np.shape(a)[: np.ndim(a) - n] + np.shape(b)[n:]
        if _fits(shape):
            counts.append(n)
    return counts


def _dot_shape(a, b):
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return None
    inner = max(np.ndim(b) - 2, 0)
    if np.shape(a)[-1] != np.shape(b)[inner]:
        return None
    return np.shape(a)[:-1] + tuple(n for i, n in enumerate(np.shape(b)) if i != inner)


def _dots(a, b):
    shape = _dot_shape(a, b)
    return shape is not None and _fits(shape)


def _outers(a, b):
    return np.size(a) * np.size(b) <= 64


def _plan_trace(draw, operands):
    ndim = np.ndim(operands[0])
    first, second = draw(st.permutations(range(ndim)))[:2]
    offset = draw(st.integers(-1, 1))
    rows, columns = np.shape(operands[0])[first], np.shape(operands[0])[second]
    if min(rows - max(-offset, 0), columns - max(offset, 0)) < 1:
        return None
    return {"offset": offset, "axis1": first, "axis2": second}


def _plan_diag(draw, operands):
    shape = np.shape(operands[0])
    k = draw(st.integers(-1, 1))
    if len(shape) == 1:
        return {"k": k} if (shape[0] + abs(k)) ** 2 <= 64 else None
    return {"k": k} if min(shape[0] - max(-k, 0), shape[1] - max(k, 0)) >= 1 else None


def _plan_k(draw, operands):
    return {"k": draw(st.integers(-1, 1))}


def _matrices(value):
    return np.ndim(value) >= 2


LINALG_OPS = [
    Op("einsum", _plan_einsum, lambda x, p: einsum(p["subscripts"], x[0], x[1]),
       lambda n, p: f"einsum({p['subscripts']!r}, {n[0]}, {n[1]})", arity=2, pick=pick_pair(_einsum_pairs)),
    Op("tensordot", lambda draw, operands: {"axes": draw(st.sampled_from(_tensordot_counts(*operands)))},
       lambda x, p: tensordot(x[0], x[1], p["axes"]), lambda n, p: f"tensordot({n[0]}, {n[1]}, {p['axes']})",
       arity=2, pick=pick_pair(lambda a, b: bool(_tensordot_counts(a, b)))),
    Op("dot", no_params, lambda x, p: x[0].dot(x[1]), lambda n, p: f"{n[0]}.dot({n[1]})", arity=2,
       pick=pick_pair(_dots)),
    Op("outer", no_params, lambda x, p: outer(x[0], x[1]), lambda n, p: f"outer({n[0]}, {n[1]})", arity=2,
       pick=pick_pair(_outers)),
    Op("trace", _plan_trace, lambda x, p: x[0].trace(**p),
       lambda n, p: f"{n[0]}.trace(offset={p['offset']}, axis1={p['axis1']}, axis2={p['axis2']})",
       pick=pick_where(_matrices)),
    Op("diag", _plan_diag, lambda x, p: diag(x[0], p["k"]), lambda n, p: f"diag({n[0]}, {p['k']})",
       pick=pick_where(lambda v: np.ndim(v) in (1, 2))),
    Op("tril", _plan_k, lambda x, p: tril(x[0], p["k"]), lambda n, p: f"tril({n[0]}, {p['k']})",
       pick=pick_where(_matrices)),
    Op("triu", _plan_k, lambda x, p: triu(x[0], p["k"]), lambda n, p: f"triu({n[0]}, {p['k']})",
       pick=pick_where(_matrices)),
]
LINALG_OPS = [op.with_apply(as_array) for op in LINALG_OPS]
"""einsum, tensordot, dot, outer, trace, diag, tril, triu."""

assert MAX_DIMS <= len(_LETTERS)

NAMESPACE = {"einsum": einsum, "tensordot": tensordot, "outer": outer, "diag": diag, "tril": tril, "triu": triu}
"""The functions these ops' steps call by name."""
