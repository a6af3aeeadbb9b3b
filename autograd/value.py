"""Value: a scalar node. Each op's forward, then its derivative rule right below it.

Rules are ``vjp(g, out, *inputs) -> tuple`` written with operators and
``autograd.vocabulary`` only, so they run on floats (the fast first-order pass)
and on Values (``create_graph=True``, for higher derivatives).
"""

import math
import numbers
from functools import partial, reduce
from operator import add, attrgetter, mul

from . import engine
from . import vocabulary as V
from .engine import GradMode
from .node import Node, describe as _describe

_new = object.__new__


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

    __slots__ = ("_data", "_grad", "_requires_grad", "parents", "op", "_vjp", "label")

    def __init__(self, data, label="", requires_grad=True):
        if isinstance(data, Node):
            raise TypeError(f"Value: expected a real number, got a {type(data).__name__}; use its .data")
        if not isinstance(label, str):
            raise TypeError(f"Value: label must be a str, got {_describe(label)}")
        self._data = to_float(data, "Value")
        self._grad = 0.0
        self._requires_grad = bool(requires_grad)
        self.parents = ()
        self.op = ""
        self._vjp = None
        self.label = label

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


Value.data = property(Value._data.__get__, Value._set_data, doc="The payload, always a Python float.")
Value.grad = property(Value._grad.__get__, Value._grad.__set__, doc="d(root)/d(self) after backward(): a float.")
Value.requires_grad = property(
    Value._requires_grad.__get__, _set_requires_grad, doc="Whether gradients flow into this Value."
)


def constant(data):
    """A Value that needs no gradient (a number lifted into an op)."""
    node = _new(Value)
    node._data = data
    node._grad = 0.0
    node._requires_grad = False
    node.parents = ()
    node.op = ""
    node._vjp = None
    node.label = ""
    return node


def result(data, parents, vjp, op):
    """A recorded result node (no checks): ``data`` computed by ``op`` from ``parents``, with rule ``vjp``."""
    node = _new(Value)
    node._data = data
    node._grad = 0.0
    node._requires_grad = True
    node.parents = parents
    node.op = op
    node._vjp = vjp
    node.label = ""
    return node


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


def _record(data, a, b, vjp, op):
    if GradMode.enabled and (a._requires_grad or b._requires_grad):
        return result(data, (a, b), vjp, op)
    return constant(data)


def _record_unary(data, a, vjp, op):
    if GradMode.enabled and a._requires_grad:
        return result(data, (a,), vjp, op)
    return constant(data)


def _binary(op, name, forward, vjp, doc):
    """The method ``self <op> other`` (``__name__``) and its reflection ``other <op> self`` (``__rname__``)."""

    def method(self, other):
        if other.__class__ is not Value:
            other = lift(other, op)
        return _record(forward(self._data, other._data), self, other, vjp, op)

    def reflected(self, other):
        other = lift(other, op)
        return _record(forward(other._data, self._data), other, self, vjp, op)

    method.__doc__ = reflected.__doc__ = doc
    method.__name__, reflected.__name__ = f"__{name}__", f"__r{name}__"
    method.__qualname__, reflected.__qualname__ = f"Value.__{name}__", f"Value.__r{name}__"
    return method, reflected


# a + b;  d/da = 1, d/db = 1
def _add(a, b):
    return a + b


def _add_vjp(g, out, a, b):
    return g, g


Value.__add__, Value.__radd__ = _binary("+", "add", _add, _add_vjp, "a + b; d/da = 1, d/db = 1")


# a - b;  d/da = 1, d/db = -1
def _sub(a, b):
    return a - b


def _sub_vjp(g, out, a, b):
    return g, -g


Value.__sub__, Value.__rsub__ = _binary("-", "sub", _sub, _sub_vjp, "a - b; d/da = 1, d/db = -1")


# a * b;  d/da = b, d/db = a
def _mul_vjp(g, out, a, b):
    return g * b, g * a


Value.__mul__, Value.__rmul__ = _binary("*", "mul", mul, _mul_vjp, "a * b; d/da = b, d/db = a")


# a / b;  d/da = 1/b, d/db = -a/b² = -out/b
def _div(a, b):
    try:
        return a / b
    except ZeroDivisionError:
        raise ValueError(f"Value /: division by zero ({a!r} / {b!r})") from None


def _div_vjp(g, out, a, b):
    return g / b, -g * out / b


Value.__truediv__, Value.__rtruediv__ = _binary("/", "truediv", _div, _div_vjp, "a / b; d/da = 1/b, d/db = -a/b²")


# a ** b;  d/da = b·a^(b-1) (0 where b = 0), d/db = a^b·ln a (0 where a = 0)
def _pow(a, b):
    try:
        out = a**b
    except ZeroDivisionError:
        raise ValueError(f"Value **: {a!r} ** {b!r} divides by zero") from None
    except OverflowError:
        raise ValueError(f"Value **: {a!r} ** {b!r} overflows a float") from None
    if out.__class__ is complex:
        raise ValueError(f"Value **: {a!r} ** {b!r} has no real value (negative base, fractional exponent)")
    return out


def _number(x):
    """The payload of ``x``: rules run on floats and, under create_graph, on Values."""
    return x._data if x.__class__ is Value else x


def _pow_grad_base(g, out, a, b):
    # b·a^(b-1), with IEEE's answers where a^(b-1) is a pole (a = 0, b < 1): a^0 is the
    # constant 1, so d/da = 0 wherever b == 0 (also at a = 0); at a = 0 with 0 < b < 1 it is ±∞
    exponent, base = _number(b), _number(a)
    if base == 0.0 and exponent < 1.0:  # forward refused b < 0 at a = 0, so here 0 <= b < 1
        return g * 0.0 if exponent == 0.0 else g * b * math.inf
    return g * b * a ** (b - 1)


def _pow_grad_exponent(g, out, a, b):
    # a^b·ln a; 0 at a = 0 (PyTorch's convention, where a^b is 0 or 1); NaN for a < 0
    # (ln a is not real: a^b exists there only for integer b), as PyTorch gives
    base = _number(a)
    if base > 0.0:
        return g * out * V.log(a)
    if base == 0.0:
        return g * 0.0
    return g * math.nan


def _pow_vjp(g, out, a, b):
    return _pow_grad_base(g, out, a, b), _pow_grad_exponent(g, out, a, b)


def _pow_vjp_base(g, out, a, b):
    return _pow_grad_base(g, out, a, b), None


def _pow_vjp_exponent(g, out, a, b):
    return None, _pow_grad_exponent(g, out, a, b)


def _record_pow(a, b):
    data = _pow(a._data, b._data)
    if not GradMode.enabled or not (a._requires_grad or b._requires_grad):
        return constant(data)
    if not b._requires_grad:
        vjp = _pow_vjp_base
    elif not a._requires_grad:
        vjp = _pow_vjp_exponent
    else:
        vjp = _pow_vjp
    return result(data, (a, b), vjp, "**")


def _value_pow(self, exponent):
    """a ** b; d/da = b·a^(b-1), d/db = a^b·ln a (the exponent may be a number or a Value)."""
    return _record_pow(self, lift(exponent, "**"))


def _value_rpow(self, base):
    """b ** a for a number b; d/da = b^a·ln b."""
    return _record_pow(lift(base, "**"), self)


Value.__pow__, Value.__rpow__ = _value_pow, _value_rpow


# -a;  d/da = -1
def _neg_vjp(g, out, a):
    return (-g,)


def _neg(self):
    """-a; d/da = -1."""
    return _record_unary(-self._data, self, _neg_vjp, "neg")


Value.__neg__ = _neg


def _unary(op, forward, vjp, doc):
    def method(self):
        return _record_unary(forward(self._data), self, vjp, op)

    method.__name__, method.__qualname__ = op, f"Value.{op}"
    method.__doc__ = doc
    return method


# exp a;  d/da = exp a = out
def _exp(a):
    try:
        return math.exp(a)
    except OverflowError:
        raise ValueError(f"Value.exp: exp({a!r}) overflows a float") from None


def _exp_vjp(g, out, a):
    return (g * out,)


Value.exp = _unary("exp", _exp, _exp_vjp, "exp(a); d/da = exp(a)")


# log a;  d/da = 1/a
def _log(a):
    if a > 0.0:
        return math.log(a)
    raise ValueError(f"Value.log: the input must be > 0, got {a!r}")


def _log_vjp(g, out, a):
    return (g / a,)


Value.log = _unary("log", _log, _log_vjp, "ln(a); d/da = 1/a")


# sqrt a;  d/da = 1/(2·sqrt a) = 0.5/out, +∞ at a = 0
def _sqrt(a):
    if a >= 0.0:
        return math.sqrt(a)
    raise ValueError(f"Value.sqrt: the input must be >= 0, got {a!r}")


def _sqrt_vjp(g, out, a):
    if _number(out) == 0.0:  # the pole at 0: d√a/da = +∞ (times g), as IEEE and PyTorch say
        return (g * math.inf,)
    return (0.5 * g / out,)


Value.sqrt = _unary("sqrt", _sqrt, _sqrt_vjp, "sqrt(a); d/da = 1/(2·sqrt(a))")


# |a|;  d/da = sign a, with abs'(0) = 0
def _abs_vjp(g, out, a):
    if a > 0:
        return (g,)
    if a < 0:
        return (-g,)
    return (g * 0.0,)


Value.abs = _unary("abs", abs, _abs_vjp, "|a|; d/da = sign(a), abs'(0) = 0")
Value.__abs__ = Value.abs


# tanh a;  d/da = 1 - tanh² a = 1 - out²
def _tanh_vjp(g, out, a):
    return (g * (1.0 - out * out),)


Value.tanh = _unary("tanh", math.tanh, _tanh_vjp, "tanh(a); d/da = 1 - tanh²(a)")


# σ(a) = 1/(1 + e^-a);  d/da = σ(a)(1 - σ(a)) = out(1 - out)
def _sigmoid_vjp(g, out, a):
    return (g * out * (1.0 - out),)


Value.sigmoid = _unary("sigmoid", V.sigmoid, _sigmoid_vjp, "σ(a) = 1/(1+e^-a); d/da = σ(a)(1-σ(a))")


# relu a = max(a, 0);  d/da = 1 if a > 0 else 0 (relu'(0) = 0)
def _relu_vjp(g, out, a):
    return (g,) if a > 0 else (g * 0.0,)


def _relu(self):
    """max(a, 0); d/da = 1 if a > 0 else 0."""
    a = self._data
    if GradMode.enabled and self._requires_grad:
        return result(a if a > 0.0 else 0.0, (self,), _relu_vjp, "relu")
    return constant(a if a > 0.0 else 0.0)


Value.relu = _relu


# leaky_relu a = a if a > 0 else s·a;  d/da = 1 if a > 0 else s
def _leaky_relu_vjp(slope, g, out, a):
    return (g,) if a > 0 else (g * slope,)


def _leaky_relu(self, negative_slope=0.01):
    """a if a > 0 else negative_slope·a; d/da = 1 if a > 0 else negative_slope."""
    slope = to_float(negative_slope, "Value.leaky_relu(negative_slope=...)")
    a = self._data
    data = a if a > 0.0 else slope * a
    return _record_unary(data, self, partial(_leaky_relu_vjp, slope), "leaky_relu")


Value.leaky_relu = _leaky_relu


# sin a;  d/da = cos a
def _sin_vjp(g, out, a):
    return (g * V.cos(a),)


Value.sin = _unary("sin", math.sin, _sin_vjp, "sin(a); d/da = cos(a)")


# cos a;  d/da = -sin a
def _cos_vjp(g, out, a):
    return (-g * V.sin(a),)


Value.cos = _unary("cos", math.cos, _cos_vjp, "cos(a); d/da = -sin(a)")


def _sign(self):
    """-1.0, 0.0 or 1.0 by the sign of the data: a constant, with no gradient."""
    return constant(V.sign(self._data))


Value.sign = _sign


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
    data = reduce(add, map(_data_of, values), 0.0)
    if GradMode.enabled and True in map(_requires_grad_of, values):
        return result(data, values, _sum_vjp, "sum")
    return constant(data)


# Σ wᵢxᵢ (+ b);  d/dwᵢ = xᵢ, d/dxᵢ = wᵢ, d/db = 1
def _dot_vjp(g, out, *inputs):
    n = len(inputs) // 2
    grads = [g * x for x in inputs[n : 2 * n]]
    grads += [g * w for w in inputs[:n]]
    if len(inputs) % 2:
        grads.append(g)
    return grads


def dot(weights, inputs, bias=None):
    """Σ wᵢxᵢ (+ bias) as one node; d/dwᵢ = xᵢ, d/dxᵢ = wᵢ, d/dbias = 1.

    A neuron's weighted sum: one node instead of 2n. Numbers are constants.
    """
    if len(weights) != len(inputs):
        raise ValueError(f"dot: weights and inputs differ in length: {len(weights)} and {len(inputs)}")
    if bias is None:
        start, tail = 0.0, ()
    else:
        if bias.__class__ is not Value:
            bias = lift(bias, "dot")
        start, tail = bias._data, (bias,)
    try:
        # added one by one from the bias, as a chain of "+" nodes would: the same float result
        data = reduce(add, map(mul, map(_data_of, weights), map(_data_of, inputs)), start)
    except AttributeError:  # a number among the operands: lift them all, then go again
        return dot([lift(w, "dot") for w in weights], [lift(x, "dot") for x in inputs], bias)
    parents = (*weights, *inputs, *tail)
    if GradMode.enabled and True in map(_requires_grad_of, parents):
        return result(data, parents, _dot_vjp, "dot")
    return constant(data)


_data_of = attrgetter("_data")
_requires_grad_of = attrgetter("_requires_grad")


def _all_values(nodes):
    return all(node.__class__ is Value for node in nodes)
