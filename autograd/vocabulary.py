"""The functions derivative rules are written in.

Each works on payloads (Python floats, ndarrays) and on nodes (Value, Tensor)
alike: on payloads it computes, on nodes it records a graph. A rule written with
operators and these functions therefore gives first derivatives on the fast path
and, under ``create_graph=True``, a graph that can be differentiated again.
"""

import math

import numpy as np

from .core.node import Node

_node_functions = {}
_table_functions = {}


def provide(name, function):
    """Register the node version of ``name`` (``where``, ``scatter_add``): the node classes fill these in,
    so the vocabulary imports nothing above ``node``."""
    _node_functions[name] = function


def elementwise(name, on_float, on_array, method=None):
    """``name(x)`` on a float (``on_float``), an ndarray (``on_array``), or a node (its ``method``, default ``name``)."""
    method = method or name

    def op(x):
        if isinstance(x, Node):
            return getattr(x, method)()
        if isinstance(x, np.ndarray):
            return on_array(x)
        return on_float(x)

    op.__name__ = name
    op.__doc__ = f"{name}(x) on a float, an ndarray, a Value or a Tensor."
    return op


def define(name, function):
    """Add ``name`` to the vocabulary (the op table adds each shared elementwise op that is not written here)."""
    if name not in globals():
        _table_functions[name] = function


def __getattr__(name):
    try:
        return _table_functions[name]
    except KeyError:
        raise AttributeError(f"autograd.vocabulary has no function {name!r}") from None


def _float_sigmoid(x):
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def _array_sigmoid(x):
    return np.exp(-np.logaddexp(0, -x))


def _float_exp(x):
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def _float_log(x):
    """ln x with IEEE's answers at the edges: -inf at 0, nan below."""
    if x > 0:
        return math.log(x)
    return -math.inf if x == 0 else math.nan


def _float_sqrt(x):
    return math.sqrt(x) if x >= 0 else math.nan


exp = elementwise("exp", _float_exp, np.exp)
log = elementwise("log", _float_log, np.log)
sqrt = elementwise("sqrt", _float_sqrt, np.sqrt)
sin = elementwise("sin", math.sin, np.sin)
cos = elementwise("cos", math.cos, np.cos)
tanh = elementwise("tanh", math.tanh, np.tanh)
sigmoid = elementwise("sigmoid", _float_sigmoid, _array_sigmoid)


def divide(x, y):
    """x / y, with IEEE's answers for a float divided by zero (±inf, or nan for 0/0) instead of an exception."""
    if y.__class__ is float and y == 0.0 and not isinstance(x, (Node, np.ndarray)):
        if x != x or x == 0:
            return math.nan
        return math.copysign(math.inf, x) * math.copysign(1.0, y)
    return x / y


def power(x, y):
    """x ** y, with IEEE's answers on floats: 0 ** -1 is inf, a negative base to a fractional power nan."""
    if x.__class__ is float and y.__class__ is float:
        try:
            result = x**y
        except ZeroDivisionError:
            return math.copysign(math.inf, x) if y == int(y) and int(y) % 2 else math.inf
        except OverflowError:
            return math.inf
        return math.nan if result.__class__ is complex else result
    return x**y


def where(cond, x, y):
    """``x`` where ``cond`` holds, else ``y``. A scalar ``cond`` picks a branch (floats, Values);
    an array ``cond`` selects elementwise (ndarrays, Tensors). ``cond`` is a constant."""
    if isinstance(cond, (bool, np.bool_)):
        return x if cond else y
    if isinstance(x, Node) or isinstance(y, Node) or isinstance(cond, Node):
        return _node_functions["where"](cond, x, y)
    return np.where(cond, x, y)


_sum_to_plans = {}


def _sum_to_plan(from_shape, shape):
    lead = len(from_shape) - len(shape)
    if lead < 0 or any(n != m and n != 1 for n, m in zip(shape, from_shape[lead:])):
        raise ValueError(f"sum_to: an array of shape {from_shape} does not sum down to shape {shape}")
    kept = tuple(lead + i for i, (n, m) in enumerate(zip(shape, from_shape[lead:])) if n == 1 and m != 1)
    plan = (tuple(range(lead)) + kept, bool(kept) or not shape)
    if len(_sum_to_plans) < 4096:
        _sum_to_plans[(from_shape, shape)] = plan
    return plan


def sum_to(x, shape):
    """``x`` summed over the axes broadcasting added or stretched, down to ``shape``.

    The gradient of an operand that numpy broadcast to a bigger shape is the sum
    of the gradients of all its copies: ``sum_to`` undoes ``broadcast_to``. Works
    on ndarrays and Tensors; returns ``x`` itself when the shapes already match.
    """
    from_shape = x.shape
    if from_shape == shape:
        return x
    shape = tuple(shape)
    plan = _sum_to_plans.get((from_shape, shape))
    if plan is None:
        plan = _sum_to_plan(from_shape, shape)
    axes, keepdims = plan
    if x.__class__ is np.ndarray:
        summed = np.add.reduce(x, axes, None, None, keepdims)  # x.sum without numpy's Python-level wrapper
    else:
        summed = x.sum(axis=axes, keepdims=keepdims)
    return summed.reshape(shape) if keepdims else summed


def broadcast_to(x, shape):
    """``x`` repeated along new or size-1 axes up to ``shape``, as numpy broadcasts; partner of ``sum_to``.

    On an ndarray the result is a writable array of its own (numpy's read-only
    broadcast view is copied); ``x`` itself when the shapes already match.
    """
    if isinstance(x, Node):
        return x.broadcast_to(shape)
    if getattr(x, "shape", None) == shape:
        return x
    try:
        if isinstance(x, (np.ndarray, np.generic)):
            out = np.empty(shape, dtype=x.dtype)
            out[...] = x  # numpy.copyto minus its Python-level wrapper
            return out
        return np.broadcast_to(x, shape).copy()
    except ValueError:
        raise ValueError(f"broadcast_to: cannot broadcast shape {np.shape(x)} to shape {tuple(shape)}") from None


def scatter_add(g, index, shape, unique=False):
    """An array of zeros of ``shape`` with ``g`` added at ``index``: the gradient of ``x[index]``.

    Entries that ``index`` picks several times (repeated integer indices) receive
    the sum of their gradients. ``unique=True`` promises no entry is picked twice
    (slices, ints, boolean masks), which allows a plain assignment.
    """
    if isinstance(g, Node):
        return _node_functions["scatter_add"](g, index, shape, unique)
    out = np.zeros(shape, dtype=g.dtype)
    if unique:
        out[index] = g
    else:
        np.add.at(out, index, g)
    return out


def softmax(x, axis=-1):
    """e^x / Σ e^x along ``axis`` (an int or a tuple), computed after subtracting the maximum."""
    if isinstance(x, Node):
        return x.softmax(axis=axis)
    exps = np.exp(x - x.max(axis=axis, keepdims=True))
    return exps / exps.sum(axis=axis, keepdims=True)
