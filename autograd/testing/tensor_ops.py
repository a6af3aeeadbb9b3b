"""The ops ``autograd.testing.tensor_expressions`` draws: Tensor's operators, elementwise functions,
reductions, matmul and shape ops, each on ndarrays and Tensors alike.

Operands are chosen so that the op applies (shapes that broadcast, that
matmul, that concatenate) and no intermediate array grows past MAX_SIZE
elements or MAX_DIMS axes; constants (clip bounds, shifts) keep each op
smooth at the values it meets while the program is drawn.
"""

import numpy as np
from hypothesis import strategies as st

from ..core.node import Node
from ..tensor import concatenate as tensor_concatenate
from ..tensor import logaddexp as tensor_logaddexp
from ..tensor import maximum as tensor_maximum
from ..tensor import minimum as tensor_minimum
from ..tensor import stack as tensor_stack
from ..tensor import where as tensor_where
from .program import (
    KINK,
    POSITIVE,
    MAX_DIMS,
    MAX_SIZE,
    Op,
    bare,
    free_points,
    no_params,
    plus,
    shift_away_from_zero,
)
from .scalar_ops import ELEMENTWISE_BINARY_OPS, ELEMENTWISE_UNARY_OPS

# --------------------------------------------------------------------------- functions on ndarrays and Tensors


def logsumexp(x, axis=None, keepdims=False):
    """log Σ exp x over ``axis``, on an ndarray or a Tensor."""
    if isinstance(x, Node):
        return x.logsumexp(axis=axis, keepdims=keepdims)
    top = np.max(x, axis=axis, keepdims=True)
    out = top + np.log(np.sum(np.exp(x - top), axis=axis, keepdims=True))
    return out if keepdims else np.squeeze(out, axis=axis)


def softmax(x, axis=-1):
    """exp xᵢ / Σ exp x along ``axis``, on an ndarray or a Tensor."""
    if isinstance(x, Node):
        return x.softmax(axis=axis)
    z = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return z / np.sum(z, axis=axis, keepdims=True)


def log_softmax(x, axis=-1):
    """x - logsumexp x along ``axis``, on an ndarray or a Tensor."""
    if isinstance(x, Node):
        return x.log_softmax(axis=axis)
    return x - logsumexp(x, axis=axis, keepdims=True)


def _either(tensor_function, numpy_function):
    def function(*args, **kwargs):
        nodes = [x for arg in args for x in (arg if isinstance(arg, (list, tuple)) else [arg])]
        if any(isinstance(x, Node) for x in nodes):
            return tensor_function(*args, **kwargs)
        return numpy_function(*args, **kwargs)

    function.__doc__ = f"numpy's {numpy_function.__name__} on ndarrays, autograd's on Tensors."
    return function


maximum = _either(tensor_maximum, np.maximum)
minimum = _either(tensor_minimum, np.minimum)
where = _either(tensor_where, np.where)
concatenate = _either(tensor_concatenate, np.concatenate)
stack = _either(tensor_stack, np.stack)
logaddexp = _either(tensor_logaddexp, np.logaddexp)


def either_method(name, numpy_function):
    """``x.<name>(...)`` on a Tensor, ``numpy_function(x, ...)`` on an ndarray (which has no such method)."""

    def function(x, *args, **kwargs):
        if isinstance(x, Node):
            return getattr(x, name)(*args, **kwargs)
        return numpy_function(x, *args, **kwargs)

    function.__name__ = name
    function.__doc__ = f"numpy's {numpy_function.__name__} on an ndarray, Tensor.{name} on a Tensor."
    return function


clone = either_method("clone", np.copy)


def as_array(result):
    """A payload result as a float64 ndarray (numpy and the scalar functions return scalars for 0-d input)."""
    return result if isinstance(result, Node) else np.asarray(result, dtype=np.float64)


def unsqueeze(x, axis):
    """``x`` with a new axis of size 1 at ``axis``, on an ndarray or a Tensor."""
    return x.unsqueeze(axis) if isinstance(x, Node) else np.expand_dims(x, axis)


def broadcast_to(x, shape):
    """``x`` broadcast to ``shape``, on an ndarray or a Tensor."""
    return x.broadcast_to(shape) if isinstance(x, Node) else np.broadcast_to(x, shape)


# --------------------------------------------------------------------------- choosing operands


def _fits(shape):
    return len(shape) <= MAX_DIMS and int(np.prod(shape, dtype=np.int64)) <= MAX_SIZE


def _choose(draw, candidates):
    """One of ``candidates`` (register indices, oldest first); shrinks towards the most recent."""
    if not candidates:
        return None
    return candidates[len(candidates) - 1 - draw(st.integers(0, len(candidates) - 1))]


def pick_where(condition):
    """A pick of one register whose payload satisfies ``condition``."""

    def pick(draw, values):
        chosen = _choose(draw, [i for i, v in enumerate(values) if condition(v)])
        return None if chosen is None else [chosen]

    return pick


def _broadcast_shape(a, b):
    try:
        return np.broadcast_shapes(np.shape(a), np.shape(b))
    except ValueError:
        return None


def pick_pair(compatible):
    """A pick of two registers: the first by recency, the second among those ``compatible`` with it."""

    def pick(draw, values):
        first = _choose(draw, list(range(len(values))))
        second = _choose(draw, [j for j, v in enumerate(values) if compatible(values[first], v)])
        return None if second is None else [first, second]

    return pick


def _broadcasts(a, b):
    shape = _broadcast_shape(a, b)
    return shape is not None and _fits(shape)


def _matmul_shape(a, b):
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return None
    try:
        return np.matmul(np.empty(np.shape(a)), np.empty(np.shape(b))).shape
    except ValueError:
        return None


def _matmuls(a, b):
    shape = _matmul_shape(a, b)
    return shape is not None and _fits(shape)


def _concatenates(a, b):
    return np.ndim(a) == np.ndim(b) >= 1 and _concatenation_axes(a, b) and _fits(
        (np.size(a) + np.size(b),)
    )


def _concatenation_axes(a, b):
    differing = [axis for axis, (m, n) in enumerate(zip(np.shape(a), np.shape(b))) if m != n]
    if len(differing) > 1:
        return []
    return differing or list(range(np.ndim(a)))


def _stacks(a, b):
    return np.shape(a) == np.shape(b) and np.ndim(a) < MAX_DIMS and 2 * np.size(a) <= MAX_SIZE


# --------------------------------------------------------------------------- plans


def _axis_and_keepdims(draw, value):
    axis = draw(st.sampled_from([None, *range(np.ndim(value))]))
    return {"axis": axis, "keepdims": draw(st.booleans())}


def _near_tie(value, axis, largest):
    """True when the top two (largest or smallest) entries along ``axis`` differ, but by less than 0.01."""
    array = np.ravel(value) if axis is None else np.moveaxis(np.asarray(value), axis, -1)
    if np.shape(array)[-1] < 2:
        return False
    ordered = np.sort(array, axis=-1)
    gap = ordered[..., -1] - ordered[..., -2] if largest else ordered[..., 1] - ordered[..., 0]
    return bool(np.any((gap > 0) & (gap < 0.01)))


def _reduction_keywords(p):
    keywords = [] if p["axis"] is None else [f"axis={p['axis']}"]
    return ", ".join(keywords + (["keepdims=True"] if p["keepdims"] else []))


def reduction(name, tie=None):
    """t.name(axis=..., keepdims=...); ``tie``: "largest"/"smallest" for max/min, which avoid near-ties."""

    def plan(draw, operands):
        params = _axis_and_keepdims(draw, operands[0])
        if tie and _near_tie(operands[0], params["axis"], tie == "largest"):
            return None
        return params

    def apply(x, p):
        return getattr(x[0], name)(axis=p["axis"], keepdims=p["keepdims"])

    return Op(name, plan, apply, lambda n, p: f"{n[0]}.{name}({_reduction_keywords(p)})")


def _reduced_count(value, axis):
    return int(np.size(value)) if axis is None else int(np.shape(value)[axis])


def _plan_prod(draw, operands):
    """prod over at most 4 elements: a product of many stays neither tiny nor huge."""
    params = _axis_and_keepdims(draw, operands[0])
    return params if 1 <= _reduced_count(operands[0], params["axis"]) <= 4 else None


def _plan_std(draw, operands):
    """std over at least 2 elements that spread (std >= 0.25): away from the kink where all are equal."""
    params = _axis_and_keepdims(draw, operands[0])
    if _reduced_count(operands[0], params["axis"]) < 2:
        return None
    return params if np.min(np.std(operands[0], axis=params["axis"])) >= POSITIVE else None


def _plan_cumsum(draw, operands):
    return {"axis": draw(st.sampled_from([None, *range(np.ndim(operands[0]))]))}


def _plan_axis(draw, operands):
    return {"axis": draw(st.sampled_from(range(np.ndim(operands[0]))))}


def _plan_clip(draw, operands):
    points = free_points(operands[0], KINK)
    low = draw(st.sampled_from([None, *points]))
    above = [p for p in points if low is None or p > low]
    high = draw(st.sampled_from([None, *above] if low is not None else above))
    return {"min": low, "max": high}


def _render_clip(n, p):
    return f"{n[0]}.clip(" + ", ".join(f"{key}={p[key]!r}" for key in ("min", "max") if p[key] is not None) + ")"


def _plan_extreme(draw, operands):
    a, b = operands
    return {"shift": -shift_away_from_zero(np.asarray(a) - np.asarray(b), KINK)}


def _extreme(name, function):
    """maximum(a, b + s) / minimum(a, b + s): s keeps a and b + s apart everywhere."""
    return Op(
        name,
        _plan_extreme,
        lambda x, p: function(x[0], x[1] + p["shift"] if p["shift"] else x[1]),
        lambda n, p: f"{name}({n[0]}, {bare(plus(n[1], p['shift']))})",
        arity=2,
        pick=pick_pair(_broadcasts),
    )


def array_text(array):
    """An array as a one-line Python expression, ``np.array([[0.5, 1.25]])``."""
    return f"np.array({np.asarray(array).tolist()!r})"


def _plan_where(draw, operands):
    shape = _broadcast_shape(*operands)
    size = int(np.prod(shape, dtype=np.int64))
    mask = draw(st.lists(st.booleans(), min_size=size, max_size=size))
    return {"mask": np.array(mask, dtype=bool).reshape(shape)}


def _plan_matmul_constant(draw, operands):
    x = operands[0]
    reflected = draw(st.booleans())
    k = draw(st.integers(1, 3))
    inner = np.shape(x)[-2] if reflected and np.ndim(x) >= 2 else np.shape(x)[0] if reflected else np.shape(x)[-1]
    entries = draw(st.lists(st.floats(-1.5, 1.5), min_size=k * inner, max_size=k * inner))
    matrix = np.round(np.array(entries), 2).reshape((k, inner) if reflected else (inner, k))
    result = _matmul_shape(matrix, x) if reflected else _matmul_shape(x, matrix)
    if result is None or not _fits(result):
        return None
    return {"matrix": matrix, "reflected": reflected}


def _render_matmul_constant(n, p):
    matrix = array_text(p["matrix"])
    return f"{matrix} @ {n[0]}" if p["reflected"] else f"{n[0]} @ {matrix}"


def _plan_reshape(draw, operands):
    shape = np.shape(operands[0])
    size = int(np.prod(shape, dtype=np.int64))
    options = [(size,), shape[::-1], (size, 1), (1, size)]
    return {"shape": tuple(int(n) for n in draw(st.sampled_from(options)))}


def _plan_transpose(draw, operands):
    return {"axes": tuple(draw(st.permutations(range(np.ndim(operands[0])))))}


def _plan_index(draw, operands):
    shape = np.shape(operands[0])
    kind = draw(st.sampled_from(["slice", "take", "mask", "last_axis"]))
    if kind == "slice":
        start = draw(st.integers(0, shape[0] - 1))
        return {"index": slice(start, draw(st.integers(start + 1, shape[0])))}
    if kind == "take":
        positions = draw(st.lists(st.integers(0, shape[0] - 1), min_size=1, max_size=4))
        return {"index": np.array(positions)}
    if kind == "mask":
        size = int(np.prod(shape, dtype=np.int64))
        mask = np.array(draw(st.lists(st.booleans(), min_size=size, max_size=size)), dtype=bool).reshape(shape)
        return {"index": mask} if mask.any() else None
    return {"index": (Ellipsis, draw(st.integers(0, shape[-1] - 1)))}


def _index_text(index):
    if isinstance(index, slice):
        return f"{index.start}:{index.stop}"
    if isinstance(index, tuple):
        return f"..., {index[1]}"
    return array_text(index)


def _plan_squeeze(draw, operands):
    return {"axis": draw(st.sampled_from([i for i, n in enumerate(np.shape(operands[0])) if n == 1]))}


def _plan_unsqueeze(draw, operands):
    return {"axis": draw(st.integers(0, np.ndim(operands[0])))}


def _plan_broadcast(draw, operands):
    shape = np.shape(operands[0])
    stretched = tuple(draw(st.integers(1, 3)) if n == 1 else n for n in shape)
    if len(shape) < MAX_DIMS and draw(st.booleans()):
        stretched = (draw(st.integers(2, 3)),) + stretched
    if stretched == shape:  # broadcasting to its own shape would be no op at all
        return None
    return {"shape": stretched} if _fits(stretched) else None


def _plan_concatenate(draw, operands):
    return {"axis": draw(st.sampled_from(_concatenation_axes(*operands)))}


def _plan_stack(draw, operands):
    return {"axis": draw(st.integers(0, np.ndim(operands[0])))}


def _apply_total(x, p):
    result = x[0].sum()
    for operand in x[1:]:
        result = result + operand.sum()
    return result


def _nonempty(v):
    return np.ndim(v) >= 1


TOTAL = Op(
    "total", no_params, _apply_total, lambda n, p: " + ".join(f"{name}.sum()" for name in n), arity=(1, 8)
).with_apply(as_array)
"""Σ of every element of every operand: the final step, a one-element result."""

SCALED = Op(
    "scaled", no_params, lambda x, p: x[0] * x[1].mean(), lambda n, p: f"{n[0]} * {n[1]}.mean()", arity=2
).with_apply(as_array)
"""a · mean(b): reuses b once more when no intermediate was shared."""

TENSOR_OPS = [
    *(op.with_pick(pick_pair(_broadcasts)) for op in ELEMENTWISE_BINARY_OPS),
    *ELEMENTWISE_UNARY_OPS,
    Op("clip", _plan_clip, lambda x, p: x[0].clip(min=p["min"], max=p["max"]), _render_clip),
    _extreme("maximum", maximum),
    _extreme("minimum", minimum),
    Op(
        "where",
        _plan_where,
        lambda x, p: where(p["mask"], x[0], x[1]),
        lambda n, p: f"where({array_text(p['mask'])}, {n[0]}, {n[1]})",
        arity=2,
        pick=pick_pair(_broadcasts),
    ),
    reduction("sum"),
    reduction("mean"),
    reduction("var"),
    Op("prod", _plan_prod, lambda x, p: x[0].prod(axis=p["axis"], keepdims=p["keepdims"]),
       lambda n, p: f"{n[0]}.prod({_reduction_keywords(p)})"),
    Op("std", _plan_std, lambda x, p: x[0].std(axis=p["axis"], keepdims=p["keepdims"]),
       lambda n, p: f"{n[0]}.std({_reduction_keywords(p)})"),
    Op("clone", no_params, lambda x, p: clone(x[0]), lambda n, p: f"clone({n[0]})"),
    Op("cumsum", _plan_cumsum, lambda x, p: x[0].cumsum(p["axis"]), lambda n, p: f"{n[0]}.cumsum({p['axis']})"),
    Op("logaddexp", no_params, lambda x, p: logaddexp(x[0], x[1]), lambda n, p: f"logaddexp({n[0]}, {n[1]})",
       arity=2, pick=pick_pair(_broadcasts)),
    reduction("max", tie="largest"),
    reduction("min", tie="smallest"),
    Op(
        "logsumexp",
        lambda draw, operands: _axis_and_keepdims(draw, operands[0]),
        lambda x, p: logsumexp(x[0], axis=p["axis"], keepdims=p["keepdims"]),
        lambda n, p: f"logsumexp({', '.join([n[0]] + ([_reduction_keywords(p)] if _reduction_keywords(p) else []))})",
    ),
    Op(
        "softmax",
        _plan_axis,
        lambda x, p: softmax(x[0], axis=p["axis"]),
        lambda n, p: f"softmax({n[0]}, axis={p['axis']})",
        pick=pick_where(_nonempty),
    ),
    Op(
        "log_softmax",
        _plan_axis,
        lambda x, p: log_softmax(x[0], axis=p["axis"]),
        lambda n, p: f"log_softmax({n[0]}, axis={p['axis']})",
        pick=pick_where(_nonempty),
    ),
    Op("matmul", no_params, lambda x, p: x[0] @ x[1], lambda n, p: f"{n[0]} @ {n[1]}", arity=2, pick=pick_pair(_matmuls)),
    Op(
        "matmul_constant",
        _plan_matmul_constant,
        lambda x, p: p["matrix"] @ x[0] if p["reflected"] else x[0] @ p["matrix"],
        _render_matmul_constant,
        pick=pick_where(_nonempty),
    ),
    Op(
        "reshape",
        _plan_reshape,
        lambda x, p: x[0].reshape(p["shape"]),
        lambda n, p: f"{n[0]}.reshape({p['shape']!r})",
    ),
    Op(
        "transpose",
        _plan_transpose,
        lambda x, p: x[0].transpose(*p["axes"]),
        lambda n, p: f"{n[0]}.transpose({', '.join(map(str, p['axes']))})",
        pick=pick_where(lambda v: np.ndim(v) >= 2),
    ),
    Op(
        "index",
        _plan_index,
        lambda x, p: x[0][p["index"]],
        lambda n, p: f"{n[0]}[{_index_text(p['index'])}]",
        pick=pick_where(_nonempty),
    ),
    Op(
        "squeeze",
        _plan_squeeze,
        lambda x, p: x[0].squeeze(p["axis"]),
        lambda n, p: f"{n[0]}.squeeze({p['axis']})",
        pick=pick_where(lambda v: 1 in np.shape(v)),
    ),
    Op(
        "unsqueeze",
        _plan_unsqueeze,
        lambda x, p: unsqueeze(x[0], p["axis"]),
        lambda n, p: f"unsqueeze({n[0]}, {p['axis']})",
        pick=pick_where(lambda v: np.ndim(v) < MAX_DIMS),
    ),
    Op(
        "broadcast_to",
        _plan_broadcast,
        lambda x, p: broadcast_to(x[0], p["shape"]),
        lambda n, p: f"broadcast_to({n[0]}, {p['shape']!r})",
    ),
    Op(
        "concatenate",
        _plan_concatenate,
        lambda x, p: concatenate([x[0], x[1]], axis=p["axis"]),
        lambda n, p: f"concatenate([{n[0]}, {n[1]}], axis={p['axis']})",
        arity=2,
        pick=pick_pair(_concatenates),
    ),
    Op(
        "stack",
        _plan_stack,
        lambda x, p: stack([x[0], x[1]], axis=p["axis"]),
        lambda n, p: f"stack([{n[0]}, {n[1]}], axis={p['axis']})",
        arity=2,
        pick=pick_pair(_stacks),
    ),
]
TENSOR_OPS = [op.with_apply(as_array) for op in TENSOR_OPS]
"""Every op ``tensor_expressions`` draws from: Tensor's operators (broadcasting, with numbers on either
side, ``@`` with a Tensor or an ndarray on either side), its elementwise functions, reductions,
softmax family and shape ops."""

NAMESPACE = {
    "np": np,
    "logsumexp": logsumexp,
    "softmax": softmax,
    "log_softmax": log_softmax,
    "maximum": maximum,
    "minimum": minimum,
    "where": where,
    "concatenate": concatenate,
    "stack": stack,
    "logaddexp": logaddexp,
    "unsqueeze": unsqueeze,
    "broadcast_to": broadcast_to,
    "clone": clone,
}
"""The functions a tensor expression's repr calls (besides the scalar ones), by the names it uses."""
