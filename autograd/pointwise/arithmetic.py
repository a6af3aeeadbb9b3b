"""The arithmetic Value and Tensor share: + - * / ** %, each one ``binary`` entry; and the names both give
to a sum and a weighted sum."""

import math
import operator

import numpy as np

from .. import vocabulary as V
from ..core.optable import EVERYWHERE, INTEGERS, Domain, OpSpec, declare
from .declare import binary, payload


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


def _pow_grad_a(g, out, a, b):
    """b·a^(b-1), and 0 wherever b == 0 (x⁰ is the constant 1); IEEE's inf at a = 0 for 0 < b < 1.

    The pole a = 0, b < 1 is answered before a^(b-1) is formed, so the rule runs on
    Values too (a Value refuses 0 ** -1); elsewhere the formula stays whole, so
    second derivatives flow through it.
    """
    base, exponent = payload(a), payload(b)
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
    """a^b·ln a; at a = 0 the limit: 0 for b >= 0, -inf for b < 0 (∞·ln 0, as PyTorch); nan for a negative base."""
    base = payload(a)
    if not isinstance(base, np.ndarray):  # a Value refuses log of a number <= 0: answer those first
        if base > 0:
            return g * out * V.log(a)
        return g * (math.nan if base < 0 else -math.inf if payload(b) < 0 else 0.0)
    zero = base == 0
    if not zero.any():
        return g * out * V.log(a)
    limit = np.where(np.asarray(payload(b)) < 0, -np.inf, 0.0).astype(payload(out).dtype)
    return g * V.where(zero, limit, V.where(zero, 1, out) * V.log(V.where(zero, 1, a)))  # no inf·0 computed


binary("+", "add", operator.add, np.add, (_pass, _pass), "a + b; d/da = 1, d/db = 1", passes_gradient=True)
binary("-", "sub", operator.sub, np.subtract, (_pass, _negated), "a - b; d/da = 1, d/db = -1", passes_gradient=True)
binary("*", "mul", operator.mul, np.multiply, (_times_b, _times_a), "a * b; d/da = b, d/db = a")
binary("/", "truediv", _float_div, np.true_divide, (_over_b, _div_grad_b), "a / b; d/da = 1/b, d/db = -a/b²",
       domains=(EVERYWHERE, Domain(kinks=(0.0,), smooth="b ≠ 0 (a pole)")))
binary("**", "pow", _float_pow, np.power, (_pow_grad_a, _pow_grad_b),
       "a ** b; d/da = b·a^(b-1) (0 where b = 0), d/db = a^b·ln a (at a = 0: 0, or -inf for b < 0)",
       domains=(Domain(low=0.0, smooth="a > 0 (where a^b·ln a is real)"), EVERYWHERE))


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
       domains=(Domain(kinks=INTEGERS, over=1, smooth="a / b not an integer (jumps)"),
                Domain(kinks=(0.0,), smooth="b ≠ 0")), passes_gradient=True)


declare(OpSpec("sum", "Σ of the elements (Tensor: over axes; Values: sum_values, one node); d/dxᵢ = 1", "reduction"))
declare(OpSpec("dot", "Σ wᵢxᵢ: autograd.dot(weights, inputs, bias) over Values as one node (d/dwᵢ = xᵢ, d/dxᵢ = wᵢ, "
               "d/db = 1); t.dot(u) numpy's dot of Tensors (d/dt, d/du by einsum)", "linear algebra", arity=-1))
