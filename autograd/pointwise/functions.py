"""The elementwise functions Value and Tensor share (exp, log, relu, sinh, floor, ...), each one ``unary`` entry:
its forward on a float, its forward on an array, its rule and the domain where it is smooth."""

import math
import operator

import numpy as np

from .. import vocabulary as V
from ..core.array_cache import zero
from ..core.optable import INTEGERS, Domain
from .declare import payload, unary
from .erf import array_erf


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


unary("exp", _float_exp, np.exp, _exp_vjp, "e^a; d/da = e^a", Domain(high=4.0, margin=0.0, smooth="everywhere"))


def _float_log(a):
    if a > 0.0:
        return math.log(a)
    raise ValueError(f"Value.log: the input must be > 0, got {a!r}")


def _log_vjp(g, out, a):
    return (V.divide(g, a),)


LOGARITHM = Domain(low=0.0, smooth="x > 0 (a pole at 0)")
unary("log", _float_log, np.log, _log_vjp, "ln a; d/da = 1/a", LOGARITHM)


def _float_sqrt(a):
    if a >= 0.0:
        return math.sqrt(a)
    raise ValueError(f"Value.sqrt: the input must be >= 0, got {a!r}")


def _sqrt_vjp(g, out, a):
    if not isinstance(payload(out), np.ndarray) and payload(out) == 0:  # the pole: +inf·g (a Value refuses 1/0)
        return (g * math.inf,)
    return (V.divide(0.5 * g, out),)


unary("sqrt", _float_sqrt, np.sqrt, _sqrt_vjp, "√a; d/da = 1/(2√a) (inf at 0)",
      Domain(low=0.0, smooth="x > 0 (its derivative has a pole at 0)"))


def _abs_vjp(g, out, a):
    return (g * V.sign(a),)


KINK_AT_0 = Domain(kinks=(0.0,), smooth="x ≠ 0 (a kink)")
unary("abs", abs, np.abs, _abs_vjp, "|a|; d/da = sign a, abs'(0) = 0", KINK_AT_0, attributes=("abs", "__abs__"))


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


# numpy's maximum runs its vector loop for two arrays, not for an array and a 0-d zero: against a whole
# (cached, read-only) array of zeros relu is 2-3x quicker, at every size up to a few MB (larger: about even)
_zero_arrays = {}  # shape -> read-only zeros of that shape (and of the dtype last asked for)
_ZERO_ARRAY_BYTES = 4 << 20  # the largest array of zeros kept, and ...
_ZERO_CACHE_BYTES = 32 << 20  # ... all of them together (past that the cache starts again)


def _zeros_shaped(x):
    """Zeros to compare ``x`` with: a cached read-only array of its shape and dtype, or a 0-d zero for a large ``x``."""
    if x.nbytes > _ZERO_ARRAY_BYTES:
        return zero(x.dtype)
    if sum(zeros.nbytes for zeros in tuple(_zero_arrays.values())) + x.nbytes > _ZERO_CACHE_BYTES:  # threads
        _zero_arrays.clear()
    zeros = np.zeros(x.shape, dtype=x.dtype)
    zeros.flags.writeable = False
    _zero_arrays[x.shape] = zeros
    return zeros


def _array_relu(x):
    zeros = _zero_arrays.get(x.shape)
    if zeros is None or zeros.dtype is not x.dtype:
        zeros = _zeros_shaped(x)
    return np.maximum(x, zeros)


def _relu_vjp(g, out, a):
    if a.__class__ is np.ndarray:
        dtype = a.dtype
        nought = zero(dtype)
        if g.__class__ is np.ndarray and g.dtype is dtype:
            mask = (a > nought).astype(dtype)  # the mask as floats first: numpy multiplies two float arrays
            mask *= g  # faster than a float array by a boolean one (same values: 1.0·g and 0.0·g)
            return (mask,)
        return (g * (a > nought),)
    return (g * (a > 0),)


unary("relu", _float_relu, _array_relu, _relu_vjp, "max(a, 0); d/da = 1 if a > 0 else 0 (relu'(0) = 0)", KINK_AT_0)


def _float_leaky_relu(a, negative_slope=0.01):
    return a if a > 0.0 else negative_slope * a


def _array_leaky_relu(x, negative_slope=0.01):
    return np.where(x > 0, x, x * negative_slope)


def _leaky_relu_vjp(g, out, a, negative_slope=0.01):
    return (V.where(a > 0, g, g * negative_slope),)


unary("leaky_relu", _float_leaky_relu, _array_leaky_relu, _leaky_relu_vjp,
      "a if a > 0 else s·a (s = negative_slope, 0.01); d/da = 1 if a > 0 else s", KINK_AT_0,
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
      Domain(kinks=(0.0,), smooth="x ≠ 0 (a jump)"))


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
      "sinh a; d/da = cosh a", Domain(low=-4.0, high=4.0, margin=0.0, smooth="everywhere"))
unary("cosh", lambda a: _real_or_error("cosh", math.cosh, a, "|x| < 710"), np.cosh, _cosh_vjp,
      "cosh a; d/da = sinh a", Domain(low=-4.0, high=4.0, margin=0.0, smooth="everywhere"))


def _tan_vjp(g, out, a):
    return (g * (1 + out * out),)


unary("tan", math.tan, np.tan, _tan_vjp, "tan a; d/da = 1 + tan² a",
      Domain(low=-1.2, high=1.2, margin=0.1, smooth="x ≠ π/2 + kπ (poles)"))


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


UNIT = Domain(low=-1.0, high=1.0, margin=0.1, smooth="-1 < x < 1 (its derivative has poles at ±1)")
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
      Domain(low=-1.0, smooth="x > -1 (a pole at -1)"))


def _expm1_vjp(g, out, a):
    return (g * V.exp(a),)


unary("expm1", lambda a: _real_or_error("expm1", math.expm1, a, "x < 709"), np.expm1, _expm1_vjp,
      "e^a - 1, accurate for small a; d/da = e^a",
      Domain(high=4.0, margin=0.0, smooth="everywhere"))


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


unary("log2", _float_log_base("log2", math.log2), np.log2, _log2_vjp, "log₂ a; d/da = 1/(a ln 2)", LOGARITHM)
unary("log10", _float_log_base("log10", math.log10), np.log10, _log10_vjp, "log₁₀ a; d/da = 1/(a ln 10)", LOGARITHM)


def _exp2_vjp(g, out, a):
    return (g * out * math.log(2.0),)


unary("exp2", lambda a: _real_or_error("exp2", lambda x: 2.0**x, a, "x < 1024"), np.exp2, _exp2_vjp,
      "2^a; d/da = 2^a ln 2", Domain(high=4.0, margin=0.0, smooth="everywhere"))


def _whole(rounding):
    def forward(a):
        return float(rounding(a)) if math.isfinite(a) else a  # inf and nan stay as they are

    return forward


unary("floor", _whole(math.floor), np.floor, _zero_vjp,
      "the largest integer <= a; d/da = 0 (recorded, as in PyTorch)", Domain(kinks=INTEGERS))
unary("ceil", _whole(math.ceil), np.ceil, _zero_vjp,
      "the smallest integer >= a; d/da = 0 (recorded, as in PyTorch)", Domain(kinks=INTEGERS))


def _erf_vjp(g, out, a):
    return (g * (2.0 / math.sqrt(math.pi)) * V.exp(-(a * a)),)


unary("erf", math.erf, array_erf, _erf_vjp, "erf a = (2/√π)∫₀ᵃ e^(-t²) dt; d/da = (2/√π) e^(-a²)")
