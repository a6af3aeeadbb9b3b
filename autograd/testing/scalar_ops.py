"""The ops ``autograd.testing.scalar_expressions`` draws: Value's operators and methods, sum_values, dot.

Each op runs on floats and Values alike (and, for the elementwise ones, on
ndarrays and Tensors, which ``testing_tensor_ops`` reuses), and picks the
shifts that keep it smooth at the values it meets while the program is drawn.
"""

import numpy as np
from hypothesis import strategies as st

from .. import vocabulary as V
from ..node import Node
from .program import (
    EXP_MAX,
    KINK,
    POSITIVE,
    Op,
    bare,
    no_params,
    number,
    plus,
    shift_away_from_zero,
    shift_to_at_least,
    shift_to_at_most,
)
from ..value import dot, sum_values

# --------------------------------------------------------------------------- functions on every kind of operand


def relu(x):
    """max(x, 0) on a float, an ndarray, a Value or a Tensor."""
    if isinstance(x, Node):
        return x.relu()
    return np.maximum(x, 0.0) if isinstance(x, np.ndarray) else max(x, 0.0)


def leaky_relu(x, negative_slope):
    """x if x > 0 else negative_slope·x on a float, an ndarray, a Value or a Tensor."""
    if isinstance(x, Node):
        return x.leaky_relu(negative_slope)
    if isinstance(x, np.ndarray):
        return np.where(x > 0, x, negative_slope * x)
    return x if x > 0 else negative_slope * x


def total(operands):
    """Σ operands: ``sum_values`` when any is a Value, else added left to right."""
    if any(isinstance(x, Node) for x in operands):
        return sum_values(operands)
    result = 0.0
    for x in operands:
        result = result + x
    return result


def weighted_sum(weights, inputs, bias=None):
    """Σ wᵢxᵢ (+ bias): ``dot`` when any operand is a Value, else added left to right from the bias."""
    if any(isinstance(x, Node) for x in (*weights, *inputs, bias)):
        return dot(weights, inputs, bias)
    result = 0.0 if bias is None else bias
    for w, x in zip(weights, inputs):
        result = result + w * x
    return result


# --------------------------------------------------------------------------- plans


def binary(name, symbol, function):
    """a <symbol> b."""
    return Op(name, no_params, lambda x, p: function(x[0], x[1]), lambda n, p: f"{n[0]} {symbol} {n[1]}", arity=2)


def _plan_div(draw, operands):
    return {"shift": shift_away_from_zero(operands[1], POSITIVE)}


def _plan_pow(draw, operands):
    return {"shift": shift_to_at_least(operands[0], POSITIVE)}


def _with_number(name, symbol, function, low, high, margin=0.0):
    """a <symbol> k, or k <symbol> a (reflected): a number on either side."""

    def plan(draw, operands):
        return {"k": number(draw, low, high, margin), "reflected": draw(st.booleans())}

    def apply(x, p):
        return function(p["k"], x[0]) if p["reflected"] else function(x[0], p["k"])

    def render(n, p):
        return f"{p['k']!r} {symbol} {n[0]}" if p["reflected"] else f"{n[0]} {symbol} {p['k']!r}"

    return Op(name, plan, apply, render)


def _plan_div_number(draw, operands):
    reflected = draw(st.booleans())
    k = number(draw, 0.5, 2.0) * draw(st.sampled_from([1.0, -1.0]))
    shift = shift_away_from_zero(operands[0], POSITIVE) if reflected else 0.0
    return {"k": k, "reflected": reflected, "shift": shift}


def _div_number(x, p):
    return p["k"] / (x[0] + p["shift"]) if p["reflected"] else x[0] / p["k"]


def _render_div_number(n, p):
    return f"{p['k']!r} / {plus(n[0], p['shift'])}" if p["reflected"] else f"{n[0]} / {p['k']!r}"


EXPONENTS = (2, 3, -1, 0.5, 1.5, -0.5, 2.5)


def _plan_pow_number(draw, operands):
    exponent = draw(st.sampled_from(EXPONENTS))
    shift = 0.0 if exponent in (2, 3) else shift_to_at_least(operands[0], POSITIVE)
    return {"exponent": exponent, "shift": shift}


def unary(name, function, plan=no_params, shift_of=None):
    """name(a + s, *params): a function of one operand, shifted by ``shift_of(values)`` (if given)."""

    def plan_with_shift(draw, operands):
        params = plan(draw, operands)
        params["shift"] = shift_of(operands[0]) if shift_of else 0.0
        return params

    def apply(x, p):
        return function(x[0] + p["shift"] if p["shift"] else x[0], p)

    def render(n, p):
        extra = "".join(f", {value!r}" for key, value in p.items() if key != "shift")
        return f"{name}({bare(plus(n[0], p['shift']))}{extra})"

    return Op(name, plan_with_shift, apply, render)


def _plan_slope(draw, operands):
    return {"negative_slope": number(draw, 0.01, 0.5, 0.01)}


def _render_dot(n, p):
    half = len(n) // 2
    bias = f", {n[-1]}" if len(n) % 2 else ""
    return f"dot([{', '.join(n[:half])}], [{', '.join(n[half : 2 * half])}]{bias})"


def _apply_dot(x, p):
    half = len(x) // 2
    return weighted_sum(x[:half], x[half : 2 * half], x[-1] if len(x) % 2 else None)


ELEMENTWISE_BINARY_OPS = [
    binary("add", "+", lambda a, b: a + b),
    binary("sub", "-", lambda a, b: a - b),
    binary("mul", "*", lambda a, b: a * b),
    Op("div", _plan_div, lambda x, p: x[0] / (x[1] + p["shift"]), lambda n, p: f"{n[0]} / {plus(n[1], p['shift'])}", 2),
    Op(
        "pow",
        _plan_pow,
        lambda x, p: (x[0] + p["shift"]) ** x[1],
        lambda n, p: f"{plus(n[0], p['shift'])} ** {n[1]}",
        arity=2,
    ),
]
"""a + b, a - b, a * b, a / b, a ** b: two registers (broadcast together for arrays)."""

ELEMENTWISE_UNARY_OPS = [
    _with_number("add_number", "+", lambda a, b: a + b, -2.0, 2.0),
    _with_number("sub_number", "-", lambda a, b: a - b, -2.0, 2.0),
    _with_number("mul_number", "*", lambda a, b: a * b, -2.0, 2.0, 0.1),
    Op("div_number", _plan_div_number, _div_number, _render_div_number),
    Op(
        "pow_number",
        _plan_pow_number,
        lambda x, p: (x[0] + p["shift"]) ** p["exponent"],
        lambda n, p: f"{plus(n[0], p['shift'])} ** {p['exponent']!r}",
    ),
    Op(
        "rpow_number",
        lambda draw, operands: {"base": draw(st.sampled_from([0.5, 1.5, 2.0, 2.5, 3.0]))},
        lambda x, p: p["base"] ** x[0],
        lambda n, p: f"{p['base']!r} ** {n[0]}",
    ),
    Op("neg", no_params, lambda x, p: -x[0], lambda n, p: f"-{n[0]}"),
    unary("exp", lambda a, p: V.exp(a), shift_of=lambda v: shift_to_at_most(v, EXP_MAX)),
    unary("log", lambda a, p: V.log(a), shift_of=lambda v: shift_to_at_least(v, POSITIVE)),
    unary("sqrt", lambda a, p: V.sqrt(a), shift_of=lambda v: shift_to_at_least(v, POSITIVE)),
    unary("abs", lambda a, p: abs(a), shift_of=lambda v: shift_away_from_zero(v, KINK)),
    unary("tanh", lambda a, p: V.tanh(a)),
    unary("sigmoid", lambda a, p: V.sigmoid(a)),
    unary("relu", lambda a, p: relu(a), shift_of=lambda v: shift_away_from_zero(v, KINK)),
    unary(
        "leaky_relu",
        lambda a, p: leaky_relu(a, p["negative_slope"]),
        plan=_plan_slope,
        shift_of=lambda v: shift_away_from_zero(v, KINK),
    ),
    unary("sin", lambda a, p: V.sin(a)),
    unary("cos", lambda a, p: V.cos(a)),
]
"""Ops of one register: with a number on either side (+ - * / **), and the elementwise functions."""

MUL = ELEMENTWISE_BINARY_OPS[2]

SUM_VALUES = Op(
    "sum_values", no_params, lambda x, p: total(list(x)), lambda n, p: f"sum_values([{', '.join(n)}])", arity=(2, 4)
)

SCALAR_OPS = [
    *ELEMENTWISE_BINARY_OPS,
    *ELEMENTWISE_UNARY_OPS,
    SUM_VALUES,
    Op("dot", no_params, _apply_dot, _render_dot, arity=(2, 7)),
]
"""Every op ``scalar_expressions`` draws from: Value's operators (with Values and with numbers, on
either side), its methods, ``sum_values`` and ``dot``."""

NAMESPACE = {
    "exp": V.exp,
    "log": V.log,
    "sqrt": V.sqrt,
    "tanh": V.tanh,
    "sigmoid": V.sigmoid,
    "sin": V.sin,
    "cos": V.cos,
    "relu": relu,
    "leaky_relu": leaky_relu,
    "sum_values": total,
    "dot": weighted_sum,
}
"""The functions a scalar expression's repr calls, by the names it uses."""
