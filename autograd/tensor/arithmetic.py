"""Tensor arithmetic: + - * / ** (declared in ``autograd.pointwise``, made into methods here), @, linear and comparisons.

Binary ops broadcast as numpy does. A rule first gives the gradient of each
operand as if it had the result's shape; an operand that was broadcast gets it
summed back to its own shape by ``sum_to`` (only when shapes differ). Which
gradients to compute is settled at forward time: an operand that needs no
gradient (a data batch, a constant) costs nothing in the backward pass.
"""

import numbers
from functools import partial

import numpy as np

from ..core import optable
from .. import pointwise
from ..core.engine import grad_enabled
from ..core.array_cache import kept
from ..core.node import Node
from ..core.optable import OpSpec
from ..vocabulary import sum_to
from .core import Tensor, broadcast_error, change_in_place, constant, in_place_allowed, lift, record, result

_ndarray = np.ndarray
_add_reduce = np.add.reduce
# np.dot: BLAS's gemm / gemv without matmul's ufunc layer, ~0.2 us a call quicker on small matrices. It gives
# matmul's numbers where both call BLAS: arrays of one native float32 / float64 dtype that own their memory
# (contiguous, aligned), or their transposes. Elsewhere (a strided or broadcast view, mixed or byte-swapped
# dtypes) matmul may run a loop of its own and dot BLAS on a copy, which may round differently: @ stays.
# Past about half a million multiply-adds matmul's own BLAS call is the quicker, by 1-3% (medium and large layers,
# float32 and float64, one thread): dot is taken only up to ``_DOT_MOST``.
_dot = getattr(np.dot, "__wrapped__", np.dot)  # the C function, without numpy's dispatch layer (~0.1 us)
_BLAS_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))
_DOT_MOST = 1 << 19


def binary_rules(grad_a, grad_b):
    """A binary op's rules keyed by (a needs grad, b needs grad, an operand was broadcast).

    ``grad_a(g, out, a, b)`` and ``grad_b`` give each operand's gradient at the
    result's shape; the ``summed`` variants bring it back to the operand's shape.
    """
    rules = {(*needs, False): rule for needs, rule in pointwise.binary_rules(grad_a, grad_b).items()}

    def both_summed(g, out, a, b):
        return sum_to(grad_a(g, out, a, b), a.shape), sum_to(grad_b(g, out, a, b), b.shape)

    def first_summed(g, out, a, b):
        return sum_to(grad_a(g, out, a, b), a.shape), None

    def second_summed(g, out, a, b):
        return None, sum_to(grad_b(g, out, a, b), b.shape)

    rules[True, True, True] = both_summed
    rules[True, False, True] = first_summed
    rules[False, True, True] = second_summed
    return rules


def _numpy_error(op, x, y, error):
    """Our error for a numpy failure on ``x <op> y``: a shape mismatch, or what numpy refused."""
    try:
        np.broadcast_shapes(x.shape, y.shape)
    except ValueError:
        return broadcast_error(op, x.shape, y.shape)
    kind = TypeError if isinstance(error, TypeError) else ValueError
    return kind(f"{op}: numpy refused operands of dtypes {x.dtype} and {y.dtype}: {error}")


def floating_operands(a, b):
    """(a, b) with an integer or boolean operand cast to the other's floating dtype, as PyTorch promotes.

    int64 · float32 is float32 (numpy would say float64). The cast operand is a
    constant copy: an integer tensor never requires grad.
    """
    x, y = a._data, b._data
    if x.dtype.kind == "f" and y.dtype.kind in "biu":
        return a, constant(y.astype(x.dtype))
    if y.dtype.kind == "f" and x.dtype.kind in "biu":
        return constant(x.astype(y.dtype)), b
    return a, b


def apply_binary(op, forward, rules, a, b, passes_g=False):
    """``forward(a, b)`` on two Tensors, recorded with the matching rule of ``rules`` (see ``binary_rules``).

    ``passes_g``: the rule hands an operand the incoming gradient itself (+, -),
    so a leaf of the result's shape gets a copy of its own. An integer operand
    next to a floating one takes its dtype (``floating_operands``).
    """
    x = a._data
    y = b._data
    dtype = x.dtype
    if y.dtype is not dtype:
        a, b = floating_operands(a, b)
        x, y = a._data, b._data
        dtype = x.dtype if y.dtype is x.dtype else None  # None: mixed dtypes, the result goes through record
    try:
        data = forward(x, y)
    except (ValueError, TypeError) as error:
        raise _numpy_error(op, x, y, error) from None
    need_a = a._requires_grad
    need_b = b._requires_grad
    if not ((need_a or need_b) and grad_enabled()):
        return constant(data if data.__class__ is _ndarray else np.asarray(data))
    if data.__class__ is not _ndarray:
        data = np.asarray(data)  # numpy hands back a scalar for 0-d operands
    x_shape = x.shape
    y_shape = y.shape
    rule = rules[need_a, need_b, x_shape != y_shape]
    # ``record``'s general path only where a leaf needs a gradient array of its own (a 0-d one, or the
    # incoming gradient itself) or the dtypes differ; else the node directly
    if data.dtype is dtype and not (
        (need_a and not a.parents and (not data.ndim or (passes_g and x_shape == data.shape)))
        or (need_b and not b.parents and (not data.ndim or (passes_g and y_shape == data.shape)))
    ):
        return result(data, (a, b), rule, op)
    return record(data, (a, b), rule, op, passes_g)


def binary_methods(op, forward, rules, passes_g=False):
    """The methods ``self <op> other`` and its reflection ``other <op> self``, recorded with ``rules``."""

    def method(self, other):
        if other.__class__ is not Tensor and not isinstance(other, Tensor):  # a Parameter needs no lift
            other = lift(other, op, self)
        return apply_binary(op, forward, rules, self, other, passes_g)

    def reflected(self, other):
        return apply_binary(op, forward, rules, lift(other, op, self), self, passes_g)

    return method, reflected


def _ufunc_into(ufunc, target, operand):
    ufunc(target, operand, out=target)


def in_place_method(op, ufunc, out_of_place):
    """``self <op>= other``, PyTorch's way: the same array changed in place where allowed, else ``self <op> other``.

    In place inside ``no_grad()`` or when nothing requires grad (numpy's same-kind
    casting: float32 stays float32); recorded as a new node (``t = t + u``) for a
    recorded result while recording; a RuntimeError for a parameter while
    recording (see ``in_place_allowed``).
    """
    name = f"{op}="
    write = partial(_ufunc_into, ufunc)

    def method(self, other):
        operand = other if isinstance(other, Tensor) else lift(other, name, self)
        if not in_place_allowed(self, name, operand):
            return out_of_place(self, operand)
        change_in_place(self, name, write, operand._data)
        return self

    method.__doc__ = f"t {name} u: in place where PyTorch changes in place (no_grad(), no grad needed), else t = t {op} u."
    return method


_row_ones = {}  # (rows, dtype) -> ones(rows) of that dtype, read-only


def _column_sums(g):
    """Σ over the batch of a matrix ``g`` of rows, ``g``'s last-axis shape: a bias's gradient."""
    dtype = g.dtype
    if dtype.char in "fd":  # float32, float64: types BLAS has
        key = (g.shape[0], dtype)
        ones = _row_ones.get(key)
        if ones is None:
            ones = kept(_row_ones, key, lambda: np.ones(key[0], dtype=dtype))
        # 1ᵀG: BLAS's matrix-vector product sums the columns faster than numpy's reduce (2-4x at any batch
        # size) and at least as accurately
        return _dot(ones, g) if g.base is None and dtype in _BLAS_DTYPES else ones @ g
    return _add_reduce(g, 0)


def _add_vjp_summed(g, out, a, b):  # the bias add: written out, it is on every layer's path
    shape = g.shape
    a_shape = a.shape
    b_shape = b.shape
    if a_shape == shape and b_shape == shape[1:] and g.__class__ is _ndarray:  # X @ W + b: db = Σ over the batch
        return g, (_column_sums(g) if len(shape) == 2 else _add_reduce(g, 0))
    return (g if a_shape == shape else sum_to(g, a_shape)), (g if b_shape == shape else sum_to(g, b_shape))


_TUNED_RULES = {"+": {(True, True, True): _add_vjp_summed}}


def _attach_arithmetic():
    for spec in pointwise.shared():
        if spec.arity != 2:
            continue
        rules = binary_rules(*spec.rule)
        rules.update(_TUNED_RULES.get(spec.name, {}))
        method, reflected = binary_methods(spec.name, spec.reference, rules, spec.passes_gradient)
        optable.attach(spec.name, Tensor, {
            f"__{spec.dunder}__": method,
            f"__r{spec.dunder}__": reflected,
            f"__i{spec.dunder}__": in_place_method(spec.name, spec.reference, method),
        })


_attach_arithmetic()


def _pos(self):
    """+a is a itself."""
    return self


optable.declare(OpSpec("pos", "+a is a itself (no node)", "identity", differentiable=False,
                       domain=(optable.Domain(smooth="everywhere (a itself)"),)))
optable.attach("pos", Tensor, {"__pos__": _pos})


# A @ B (numpy's matmul: 1-D operands become a row / a column, batch axes broadcast);
# dA = G Bᵀ, dB = Aᵀ G, summed over batch axes an operand was broadcast along.
def _matmul_vjp_both(g, out, a, b):
    if g.__class__ is _ndarray and g.base is None and a.base is None and b.base is None and (
        g.dtype is a.dtype is b.dtype and g.dtype in _BLAS_DTYPES
    ) and g.size * b.shape[0] <= _DOT_MOST:  # first order, on arrays BLAS takes as they are: see _dot
        return _dot(g, b.T), _dot(a.T, g)
    return g @ b.T, a.T @ g


def _matmul_vjp_first(g, out, a, b):
    if g.__class__ is _ndarray and g.base is None and b.base is None and g.dtype is b.dtype and g.dtype in _BLAS_DTYPES \
            and g.size * b.shape[0] <= _DOT_MOST:
        return _dot(g, b.T), None
    return g @ b.T, None


def _matmul_vjp_second(g, out, a, b):
    if g.__class__ is _ndarray and g.base is None and a.base is None and g.dtype is a.dtype and g.dtype in _BLAS_DTYPES \
            and a.size * g.shape[1] <= _DOT_MOST:
        return None, _dot(a.T, g)
    return None, a.T @ g


_MATRIX_RULES = {(True, True): _matmul_vjp_both, (True, False): _matmul_vjp_first, (False, True): _matmul_vjp_second}


def _matmul_vjp(need_a, need_b, a_shape, b_shape, g_shape, g, out, a, b):
    if len(a_shape) == 1:
        a = a.reshape((1, a_shape[0]))
    if len(b_shape) == 1:
        b = b.reshape((b_shape[0], 1))
    g = g.reshape(g_shape)
    grad_a = sum_to(g @ b.swapaxes(-1, -2), a.shape).reshape(a_shape) if need_a else None
    grad_b = sum_to(a.swapaxes(-1, -2) @ g, b.shape).reshape(b_shape) if need_b else None
    return grad_a, grad_b


def _matmul_error(x, y, op="matmul"):
    if x.ndim == 0 or y.ndim == 0:
        return ValueError(f"{op}: operands must have at least one axis, got shapes {x.shape} and {y.shape}")
    inner_b = y.shape[-2] if y.ndim >= 2 else y.shape[0]
    if x.shape[-1] != inner_b:
        return ValueError(
            f"{op}: shapes {x.shape} and {y.shape} do not align: the last axis of the first ({x.shape[-1]}) "
            f"must equal the {'second-to-last' if y.ndim >= 2 else 'only'} axis of the second ({inner_b})"
        )
    return ValueError(
        f"{op}: shapes {x.shape} and {y.shape}: the batch axes {x.shape[:-2]} and {y.shape[:-2]} do not broadcast"
    )


def _apply_matmul(a, b):
    x = a._data
    y = b._data
    if x.dtype is not y.dtype:
        a, b = floating_operands(a, b)
        x, y = a._data, b._data
    try:
        data = x @ y
    except ValueError:
        raise _matmul_error(x, y) from None
    except TypeError as error:
        raise TypeError(f"matmul: numpy refused operands of dtypes {x.dtype} and {y.dtype}: {error}") from None
    need_a = a._requires_grad
    need_b = b._requires_grad
    if not ((need_a or need_b) and grad_enabled()):
        return constant(data if data.__class__ is _ndarray else np.asarray(data))
    if x.ndim == 2 and y.ndim == 2:
        rule = _MATRIX_RULES[need_a, need_b]
        if x.dtype is not y.dtype:
            return record(data, (a, b), rule, "matmul")
        return result(data, (a, b), rule, "matmul")
    rows = (x.shape[-2],) if x.ndim >= 2 else (1,)
    columns = (y.shape[-1],) if y.ndim >= 2 else (1,)
    g_shape = np.broadcast_shapes(x.shape[:-2], y.shape[:-2]) + rows + columns
    rule = partial(_matmul_vjp, need_a, need_b, x.shape, y.shape, g_shape)
    return record(data, (a, b), rule, "matmul")


def _matmul(self, other):
    """A @ B, numpy's matmul; dA = G Bᵀ, dB = Aᵀ G (summed over broadcast batch axes)."""
    if other.__class__ is not Tensor and not isinstance(other, Tensor):
        other = lift(other, "matmul", self)
    x = self._data
    y = other._data
    if x.ndim == 2 and y.ndim == 2 and x.dtype is y.dtype:  # a layer's X @ W: the general path, inlined
        try:
            small = x.size * y.shape[1] <= _DOT_MOST
            data = _dot(x, y) if small and x.base is None and y.base is None and x.dtype in _BLAS_DTYPES else x @ y
        except ValueError:
            raise _matmul_error(x, y) from None
        need_a = self._requires_grad
        need_b = other._requires_grad
        if (need_a or need_b) and grad_enabled():
            return result(data, (self, other), _MATRIX_RULES[need_a, need_b], "matmul")
        return constant(data)
    return _apply_matmul(self, other)


def _rmatmul(self, other):
    """B @ A for a non-Tensor B (an ndarray on the left)."""
    return _apply_matmul(lift(other, "matmul", self), self)


optable.declare(OpSpec("matmul", "A @ B (numpy's matmul); dA = G Bᵀ, dB = Aᵀ G", "linear algebra", arity=2,
                       reference=np.matmul))
optable.attach("matmul", Tensor, {"__matmul__": _matmul, "__rmatmul__": _rmatmul, "matmul": _matmul})


# linear(x, W, b) = x @ W + b for a matrix of rows x: nn.Linear's op, one node where matmul and + make two
# (half the nodes of an MLP); dx = G Wᵀ, dW = xᵀ G (matmul's rules), db = Σ G over the rows.
def _no_matrix_grads(g, out, a, b):
    return None, None


_LINEAR_MATRIX_RULES = {**_MATRIX_RULES, (False, False): _no_matrix_grads}


def _linear_vjp(matrix_rule, need_bias, g, out, x, w, *bias):
    dx, dw = matrix_rule(g, out, x, w)
    if not bias:
        return dx, dw
    if not need_bias:
        return dx, dw, None
    return dx, dw, (_column_sums(g) if g.__class__ is _ndarray else g.sum(axis=0))


_LINEAR_RULES = {  # (x, W, b need a gradient) -> the rule; b None: (x, W, None)
    (need_x, need_w, need_b): partial(_linear_vjp, _LINEAR_MATRIX_RULES[need_x, need_w], need_b)
    for need_x in (False, True) for need_w in (False, True) for need_b in (False, True, None)
}


def linear(x, weight, bias=None):
    """``x @ weight + bias``: a matrix ``x`` of rows (n, in), ``weight`` (in, out), ``bias`` (out,) or None.

    nn.Linear's op, recorded as one node (matmul and + record two) with the same
    numbers: the product, then the bias added. Other shapes (a batch of matrices,
    a vector) and mixed dtypes are ``x @ weight + bias`` as written, numpy's
    matmul and broadcasting; an ndarray or a number is taken as a constant.
    """
    if not isinstance(weight, Tensor):
        weight = lift(weight, "linear", x if isinstance(x, Tensor) else None)
    if x.__class__ is not Tensor and not isinstance(x, Tensor):
        x = lift(x, "linear", weight)
    a = x._data
    w = weight._data
    dtype = w.dtype
    if bias is None:
        parents = (x, weight)
    else:
        if not isinstance(bias, Tensor):
            bias = lift(bias, "linear", weight)
        b = bias._data
        if b.dtype is not dtype or b.shape != w.shape[1:]:
            return x @ weight + bias
        parents = (x, weight, bias)
    if a.dtype is not dtype or a.ndim != 2 or w.ndim != 2:
        return x @ weight if bias is None else x @ weight + bias
    try:
        small = a.size * w.shape[1] <= _DOT_MOST
        data = _dot(a, w) if small and a.base is None and w.base is None and dtype in _BLAS_DTYPES else a @ w
    except ValueError:
        raise _matmul_error(a, w, "linear") from None
    if bias is not None:
        data += b  # the product is a fresh array: the bias added in place, as data + b would compute
        key = (x._requires_grad, weight._requires_grad, bias._requires_grad)
    else:
        key = (x._requires_grad, weight._requires_grad, None)
    if (key[0] or key[1] or key[2]) and grad_enabled():
        return result(data, parents, _LINEAR_RULES[key], "linear")
    return constant(data)


def _linear_reference(x, weight, bias=None):
    return x @ weight if bias is None else x @ weight + bias


optable.declare(OpSpec("linear", "x @ W + b for a matrix of rows x, one node; dx = G Wᵀ, dW = xᵀ G, db = Σ G",
                       "linear algebra", arity=3, reference=_linear_reference))
optable.attach("linear", functions={"linear": linear})


def _imatmul(self, other):
    """t @= u is refused, as in PyTorch: a matrix product in place would change t's shape in general."""
    raise RuntimeError("@=: a matrix product in place is not supported (as in PyTorch); write t = t @ u")


Tensor.__imatmul__ = _imatmul  # without it Python would rebind t to t @ u, silently leaving a parameter as it was


# Comparisons give boolean constants: they are not differentiable and record nothing.
def _comparison(op, ufunc):
    def method(self, other):
        if other.__class__ is not Tensor:
            if op in ("==", "!=") and not isinstance(other, (numbers.Number, np.generic, _ndarray, list, tuple, Node)):
                return NotImplemented  # t == None, t == "text": Python falls back to identity
            other = lift(other, op, self)
        x, y = self._data, other._data
        try:
            data = ufunc(x, y)
        except (ValueError, TypeError) as error:
            raise _numpy_error(op, x, y, error) from None
        return constant(data if data.__class__ is _ndarray else np.asarray(data))

    method.__name__ = ufunc.__name__
    method.__doc__ = f"a {op} b elementwise (broadcasting): a boolean Tensor that needs no gradient."
    return method


for _symbol, _dunder, _ufunc in (("<", "lt", np.less), ("<=", "le", np.less_equal), (">", "gt", np.greater),
                                  (">=", "ge", np.greater_equal), ("==", "eq", np.equal), ("!=", "ne", np.not_equal)):
    optable.declare(OpSpec(_symbol, f"a {_symbol} b elementwise: a boolean constant, no gradient", "comparison",
                           arity=2, differentiable=False, reference=_ufunc))
    optable.attach(_symbol, Tensor, {f"__{_dunder}__": _comparison(_symbol, _ufunc)})
