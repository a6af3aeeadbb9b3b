"""The ops Value and Tensor share: arithmetic and the elementwise functions, each declared once.

An entry gives the forward on a float (Value's: a forward with no real answer
raises ValueError naming the op), the forward on an ndarray (Tensor's, and the
tests' reference) and one derivative rule, written with operators and
``autograd.vocabulary`` so it runs on floats, ndarrays, Values and Tensors. Value
and Tensor build their methods from these entries (``value.py``,
``tensor/pointwise.py``); a binary op gives one gradient per operand at the
result's shape, and each class adds what its payload needs (Tensor sums a
broadcast operand's gradient back to its shape).
"""

import inspect
import math
import operator

import numpy as np

from . import vocabulary as V
from .node import Node
from .optable import EVERYWHERE, INTEGERS, NONZERO, POSITIVE, TABLE, Domain, OpSpec, declare


def unary(name, on_float, on_array, rule, doc, domain=EVERYWHERE, params=None, attributes=None):
    """Declare the elementwise op ``name``, run on Value and Tensor by the methods ``attributes`` (default: name).

    ``params`` maps each keyword of the forward (after the operand) to the range tests draw it from;
    the forward's defaults are the method's.
    """
    params = params or {}
    defaults = {key: p.default for key, p in inspect.signature(on_array).parameters.items() if key in params}
    if not params:
        V.define(name, V.elementwise(name, on_float, on_array, (attributes or (name,))[0]))
    return declare(OpSpec(name, doc, "elementwise", domain=(domain,), reference=on_array, on_float=on_float,
                          rule=rule, params=params, attributes=attributes or (name,), defaults=defaults))


def binary_rules(grad_a, grad_b):
    """A binary op's rules keyed by (a needs grad, b needs grad): only the gradients needed are computed."""

    def both(g, out, a, b):
        return grad_a(g, out, a, b), grad_b(g, out, a, b)

    def first(g, out, a, b):
        return grad_a(g, out, a, b), None

    def second(g, out, a, b):
        return None, grad_b(g, out, a, b)

    return {(True, True): both, (True, False): first, (False, True): second}


def bind_params(spec, args, kwargs, where, convert):
    """The keyword parameters of a call to ``spec``'s method: positional ``args`` and ``kwargs`` over its defaults,
    each passed through ``convert(value, where)``; a TypeError for an unknown or doubled one."""
    names = list(spec.defaults)
    if len(args) > len(names):
        raise TypeError(f"{where}: takes at most {len(names)} argument(s) ({', '.join(names)}), got {len(args)}")
    params = dict(spec.defaults)
    for key, value in zip(names, args):
        params[key] = value
    for key, value in kwargs.items():
        if key not in params:
            raise TypeError(f"{where}: unexpected argument {key!r}; accepted: {', '.join(names)}")
        if key in names[: len(args)]:
            raise TypeError(f"{where}: got {key!r} twice")
        params[key] = value
    return {key: convert(value, f"{where}({key}=...)") for key, value in params.items()}


def binary(name, dunder, on_float, on_array, grads, doc, domains=(EVERYWHERE, EVERYWHERE), passes_gradient=False):
    """Declare the arithmetic op ``name`` run by ``__<dunder>__`` and ``__r<dunder>__``.

    ``grads`` = (grad_a, grad_b), each ``(g, out, a, b) -> gradient at the result's shape``;
    ``passes_gradient``: a grad is ``g`` itself, so a leaf must get a copy.
    """
    return declare(OpSpec(name, doc, "arithmetic", arity=2, domain=domains, reference=on_array, on_float=on_float,
                          rule=grads, dunder=dunder, passes_gradient=passes_gradient))


def shared():
    """The entries declared here, in order: the ops Value and Tensor both build their methods from."""
    return [spec for spec in TABLE.values() if spec.on_float is not None]


# --------------------------------------------------------------------------- arithmetic


def _float_div(a, b):
    try:
        return a / b
    except ZeroDivisionError:
        raise ValueError(f"Value /: division by zero ({a!r} / {b!r})") from None


def _float_pow(a, b):
    try:
        out = a**b
    except ZeroDivisionError:
        raise ValueError(f"Value **: {a!r} ** {b!r} divides by zero") from None
    except OverflowError:
        raise ValueError(f"Value **: {a!r} ** {b!r} overflows a float") from None
    if out.__class__ is complex:
        raise ValueError(f"Value **: {a!r} ** {b!r} has no real value (negative base, fractional exponent)")
    return out


def _pass(g, out, a, b):
    return g


def _negated(g, out, a, b):
    return -g


def _times_b(g, out, a, b):
    return g * b


def _times_a(g, out, a, b):
    return g * a


def _over_b(g, out, a, b):
    return g / b


def _div_grad_b(g, out, a, b):
    return -g * out / b


def _payload(x):
    """A rule's operand as a float or an ndarray: rules run on payloads and, under create_graph, on nodes."""
    return x.data if isinstance(x, Node) else x


def _pow_grad_a(g, out, a, b):
    """b·a^(b-1), and 0 wherever b == 0 (x⁰ is the constant 1); IEEE's inf at a = 0 for 0 < b < 1.

    The pole a = 0, b < 1 is answered before a^(b-1) is formed, so the rule runs on
    Values too (a Value refuses 0 ** -1); elsewhere the formula stays whole, so
    second derivatives flow through it.
    """
    base, exponent = _payload(a), _payload(b)
    if not isinstance(base, np.ndarray) and not isinstance(exponent, np.ndarray):
        if base == 0 and exponent < 1:  # forward refused b < 0 at a = 0 for a Value, so 0 <= b < 1 here
            return g * 0 if exponent == 0 else g * b * math.inf
        return g * b * V.power(a, b - 1)
    pole = np.asarray((base == 0) & (exponent == 0))
    if pole.any():  # 0^0 is the constant 1: b·a^(1-1) = 0 there exactly, not 0·inf = nan
        b_safe = V.where(pole, 1.0, b)
        return g * b * V.power(a, b_safe - 1)
    return g * b * V.power(a, b - 1)


def _pow_grad_b(g, out, a, b):
    """a^b·ln a, taken as 0 where a = 0 (the limit for b > 0); nan for a negative base."""
    base = _payload(a)
    if not isinstance(base, np.ndarray):  # a Value refuses log of a number <= 0: answer those first
        return g * out * V.log(a) if base > 0 else g * (0.0 if base == 0 else math.nan)
    return g * out * V.log(V.where(base == 0, 1, a))


binary("+", "add", operator.add, np.add, (_pass, _pass), "a + b; d/da = 1, d/db = 1", passes_gradient=True)
binary("-", "sub", operator.sub, np.subtract, (_pass, _negated), "a - b; d/da = 1, d/db = -1", passes_gradient=True)
binary("*", "mul", operator.mul, np.multiply, (_times_b, _times_a), "a * b; d/da = b, d/db = a")
binary("/", "truediv", _float_div, np.true_divide, (_over_b, _div_grad_b), "a / b; d/da = 1/b, d/db = -a/b²",
       domains=(EVERYWHERE, NONZERO))
binary("**", "pow", _float_pow, np.power, (_pow_grad_a, _pow_grad_b),
       "a ** b; d/da = b·a^(b-1) (0 where b = 0), d/db = a^b·ln a", domains=(POSITIVE, EVERYWHERE))


def _float_mod(a, b):
    """numpy's remainder on floats (the sign of b, as Python's %); ValueError for b = 0."""
    if b == 0.0:
        raise ValueError(f"Value %: remainder of division by zero ({a!r} % {b!r})")
    return a % b


def _mod_grad_b(g, out, a, b):
    """-floor(a/b): a % b = a - b·floor(a/b), and floor is piecewise constant."""
    return -g * V.floor(V.divide(a, b))


binary("%", "mod", _float_mod, np.remainder, (_pass, _mod_grad_b),
       "a % b, numpy's remainder (the sign of b); d/da = 1, d/db = -floor(a/b)",
       domains=(Domain(kinks=INTEGERS, over=1), NONZERO), passes_gradient=True)


# --------------------------------------------------------------------------- one operand


def _neg_vjp(g, out, a):
    return (-g,)


unary("neg", operator.neg, np.negative, _neg_vjp, "-a; d/da = -1", attributes=("__neg__",))


def _float_exp(a):
    try:
        return math.exp(a)
    except OverflowError:
        raise ValueError(f"Value.exp: exp({a!r}) overflows a float") from None


def _exp_vjp(g, out, a):
    return (g * out,)


unary("exp", _float_exp, np.exp, _exp_vjp, "e^a; d/da = e^a", Domain(high=4.0, margin=0.0))


def _float_log(a):
    if a > 0.0:
        return math.log(a)
    raise ValueError(f"Value.log: the input must be > 0, got {a!r}")


def _log_vjp(g, out, a):
    return (V.divide(g, a),)


unary("log", _float_log, np.log, _log_vjp, "ln a; d/da = 1/a", POSITIVE)


def _float_sqrt(a):
    if a >= 0.0:
        return math.sqrt(a)
    raise ValueError(f"Value.sqrt: the input must be >= 0, got {a!r}")


def _sqrt_vjp(g, out, a):
    if not isinstance(_payload(out), np.ndarray) and _payload(out) == 0:  # the pole: +inf·g (a Value refuses 1/0)
        return (g * math.inf,)
    return (V.divide(0.5 * g, out),)


unary("sqrt", _float_sqrt, np.sqrt, _sqrt_vjp, "√a; d/da = 1/(2√a) (inf at 0)", POSITIVE)


def _abs_vjp(g, out, a):
    return (g * V.sign(a),)


unary("abs", abs, np.abs, _abs_vjp, "|a|; d/da = sign a, abs'(0) = 0", NONZERO, attributes=("abs", "__abs__"))


def _tanh_vjp(g, out, a):
    return (g * (1 - out * out),)


unary("tanh", math.tanh, np.tanh, _tanh_vjp, "tanh a; d/da = 1 - tanh² a")


def _array_sigmoid(x):
    e = np.exp(-np.abs(x))  # in (0, 1]: no overflow for any a
    r = 1 / (1 + e)
    return np.where(x >= 0, r, e * r)


def _sigmoid_vjp(g, out, a):
    return (g * out * (1 - out),)


unary("sigmoid", V.sigmoid, _array_sigmoid, _sigmoid_vjp, "σ(a) = 1/(1 + e^-a); d/da = σ(a)(1 - σ(a))")


def _float_relu(a):
    return a if a > 0.0 else 0.0


_zeros = {}  # dtype -> a 0-d zero of it: numpy compares an array with a 0-d array of its dtype faster than with 0


def _zero(dtype):
    zero = _zeros.get(dtype)
    if zero is None:
        zero = _zeros[dtype] = np.zeros((), dtype=dtype)
    return zero


def _array_relu(x):
    return np.maximum(x, _zero(x.dtype))


def _relu_vjp(g, out, a):
    if a.__class__ is np.ndarray:
        return (g * (a > _zero(a.dtype)),)
    return (g * (a > 0),)


unary("relu", _float_relu, _array_relu, _relu_vjp, "max(a, 0); d/da = 1 if a > 0 else 0 (relu'(0) = 0)", NONZERO)


def _float_leaky_relu(a, negative_slope=0.01):
    return a if a > 0.0 else negative_slope * a


def _array_leaky_relu(x, negative_slope=0.01):
    return np.where(x > 0, x, x * negative_slope)


def _leaky_relu_vjp(g, out, a, negative_slope=0.01):
    return (V.where(a > 0, g, g * negative_slope),)


unary("leaky_relu", _float_leaky_relu, _array_leaky_relu, _leaky_relu_vjp,
      "a if a > 0 else s·a (s = negative_slope, 0.01); d/da = 1 if a > 0 else s", NONZERO,
      params={"negative_slope": (0.01, 0.5)})


def _sin_vjp(g, out, a):
    return (g * V.cos(a),)


unary("sin", math.sin, np.sin, _sin_vjp, "sin a; d/da = cos a")


def _cos_vjp(g, out, a):
    return (-g * V.sin(a),)


unary("cos", math.cos, np.cos, _cos_vjp, "cos a; d/da = -sin a")


def _float_sign(a):
    if a > 0:
        return 1.0
    return -1.0 if a < 0 else a * 0.0  # 0.0 at 0, nan for nan


def _zero_vjp(g, out, a):
    return (g * 0,)


unary("sign", _float_sign, np.sign, _zero_vjp, "-1, 0 or 1 by the sign of a; d/da = 0 (recorded, as in PyTorch)",
      NONZERO)


def _real_or_error(op, compute, a, accepted):
    """``compute(a)`` for Value's forward: a ValueError naming ``op`` where it has no real answer or overflows."""
    try:
        return compute(a)
    except (ValueError, OverflowError):
        raise ValueError(f"Value.{op}: no finite real answer for {a!r} (accepted: {accepted})") from None


def _sinh_vjp(g, out, a):
    return (g * V.cosh(a),)


def _cosh_vjp(g, out, a):
    return (g * V.sinh(a),)


unary("sinh", lambda a: _real_or_error("sinh", math.sinh, a, "|x| < 710"), np.sinh, _sinh_vjp,
      "sinh a; d/da = cosh a", Domain(low=-4.0, high=4.0, margin=0.0))
unary("cosh", lambda a: _real_or_error("cosh", math.cosh, a, "|x| < 710"), np.cosh, _cosh_vjp,
      "cosh a; d/da = sinh a", Domain(low=-4.0, high=4.0, margin=0.0))


def _tan_vjp(g, out, a):
    return (g * (1 + out * out),)


unary("tan", math.tan, np.tan, _tan_vjp, "tan a; d/da = 1 + tan² a", Domain(low=-1.2, high=1.2, margin=0.1))


def _float_arcsin(a):
    if -1.0 <= a <= 1.0:
        return math.asin(a)
    raise ValueError(f"Value.arcsin: the input must be in [-1, 1], got {a!r}")


def _float_arccos(a):
    if -1.0 <= a <= 1.0:
        return math.acos(a)
    raise ValueError(f"Value.arccos: the input must be in [-1, 1], got {a!r}")


def _arcsin_vjp(g, out, a):
    return (V.divide(g, V.sqrt(1 - a * a)),)  # inf at ±1


def _arccos_vjp(g, out, a):
    return (V.divide(-g, V.sqrt(1 - a * a)),)


def _arctan_vjp(g, out, a):
    return (g / (1 + a * a),)


UNIT = Domain(low=-1.0, high=1.0, margin=0.1)
unary("arcsin", _float_arcsin, np.arcsin, _arcsin_vjp, "arcsin a; d/da = 1/√(1 - a²) (inf at ±1)", UNIT)
unary("arccos", _float_arccos, np.arccos, _arccos_vjp, "arccos a; d/da = -1/√(1 - a²) (-inf at ±1)", UNIT)
unary("arctan", math.atan, np.arctan, _arctan_vjp, "arctan a; d/da = 1/(1 + a²)")


def _float_log1p(a):
    if a > -1.0:
        return math.log1p(a)
    raise ValueError(f"Value.log1p: the input must be > -1, got {a!r}")


def _log1p_vjp(g, out, a):
    return (V.divide(g, 1 + a),)


unary("log1p", _float_log1p, np.log1p, _log1p_vjp, "ln(1 + a), accurate for small a; d/da = 1/(1 + a)",
      Domain(low=-1.0))


def _expm1_vjp(g, out, a):
    return (g * V.exp(a),)


unary("expm1", lambda a: _real_or_error("expm1", math.expm1, a, "x < 709"), np.expm1, _expm1_vjp,
      "e^a - 1, accurate for small a; d/da = e^a", Domain(high=4.0, margin=0.0))


def _float_log_base(name, function):
    def forward(a):
        if a > 0.0:
            return function(a)
        raise ValueError(f"Value.{name}: the input must be > 0, got {a!r}")

    return forward


def _log2_vjp(g, out, a):
    return (V.divide(g, a * math.log(2.0)),)


def _log10_vjp(g, out, a):
    return (V.divide(g, a * math.log(10.0)),)


unary("log2", _float_log_base("log2", math.log2), np.log2, _log2_vjp, "log₂ a; d/da = 1/(a ln 2)", POSITIVE)
unary("log10", _float_log_base("log10", math.log10), np.log10, _log10_vjp, "log₁₀ a; d/da = 1/(a ln 10)", POSITIVE)


def _exp2_vjp(g, out, a):
    return (g * out * math.log(2.0),)


unary("exp2", lambda a: _real_or_error("exp2", lambda x: 2.0**x, a, "x < 1024"), np.exp2, _exp2_vjp,
      "2^a; d/da = 2^a ln 2", Domain(high=4.0, margin=0.0))


def _whole(rounding):
    def forward(a):
        return float(rounding(a)) if math.isfinite(a) else a  # inf and nan stay as they are

    return forward


unary("floor", _whole(math.floor), np.floor, _zero_vjp,
      "the largest integer <= a; d/da = 0 (recorded, as in PyTorch)", Domain(kinks=INTEGERS))
unary("ceil", _whole(math.ceil), np.ceil, _zero_vjp,
      "the smallest integer >= a; d/da = 0 (recorded, as in PyTorch)", Domain(kinks=INTEGERS))


declare(OpSpec("sum", "Σ of the elements (Tensor: over axes; Values: sum_values, one node); d/dxᵢ = 1", "reduction"))
declare(OpSpec("dot", "Σ wᵢxᵢ: autograd.dot(weights, inputs, bias) over Values as one node (d/dwᵢ = xᵢ, d/dxᵢ = wᵢ, "
               "d/db = 1); t.dot(u) numpy's dot of Tensors (d/dt, d/du by einsum)", "linear algebra", arity=-1))
