"""The ops ``autograd.testing.scalar_expressions`` draws: the op table's shared ops, numbers on either side of an
operator, sum_values, dot.

Each op runs on floats and Values alike (and, for the elementwise ones, on
ndarrays and Tensors, which ``tensor_ops`` reuses), and picks the
shifts that keep it smooth at the values it meets while the program is drawn.
"""

import math
import operator

import numpy as np
from hypothesis import strategies as st

from ..core.node import Node
from ..core.optable import INTEGERS, Domain
from ..pointwise import shared
from .program import (
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
    squeeze_into,
)
from ..value import dot, neuron, sum_values

# --------------------------------------------------------------------------- functions on every kind of operand


def applying(spec):
    """The op ``spec`` as a function on floats, ndarrays, Values and Tensors: ``f(x, **params)``."""
    attribute = spec.attributes[0]

    def function(x, **params):
        if isinstance(x, Node):
            return getattr(x, attribute)(**params)
        if isinstance(x, (np.ndarray, np.generic)):
            return spec.reference(x, **params)
        return spec.on_float(x, **params)

    function.__name__ = spec.name
    function.__doc__ = f"{spec.name} on a float, an ndarray, a Value or a Tensor: {spec.doc}"
    return function


_SHARED = {spec.name: spec for spec in shared()}
relu = applying(_SHARED["relu"])
leaky_relu = applying(_SHARED["leaky_relu"])


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


def domain_plan(domain):
    """The affine map (scale, shift) that puts an operand's values where ``domain`` says the op is smooth."""

    def plan(values):
        if domain.kinks == INTEGERS:
            return squeeze_into(values, 0.15, 0.85)
        if domain.low > -math.inf and domain.high < math.inf:
            return squeeze_into(values, domain.low + KINK, domain.high - KINK)
        if domain.low > -math.inf:
            return 1.0, shift_to_at_least(values, domain.low + POSITIVE)
        if domain.high < math.inf:
            return 1.0, shift_to_at_most(values, domain.high)
        shift = 0.0
        for kink in domain.kinks:
            shift += kink + shift_away_from_zero(np.asarray(values) - kink, KINK)
        return 1.0, shift

    return plan


def affine(name, scale, shift):
    """``name`` scaled and shifted, as Python: ``t1``, ``(t1 + 0.5)``, ``(t1 * 0.1 - 0.2)``."""
    if scale == 1.0:
        return plus(name, shift)
    scaled = f"{name} * {scale!r}"
    return f"({scaled})" if shift == 0.0 else plus(scaled, shift)


def _moved(x, scale, shift):
    if scale != 1.0:
        x = x * scale
    return x + shift if shift else x


def table_unary(spec):
    """A step applying the one-operand op ``spec``, its operand moved into the op's smooth domain."""
    function = applying(spec)
    plan_domain = domain_plan(spec.domain[0])

    def plan(draw, operands):
        scale, shift = plan_domain(operands[0])
        params = {key: number(draw, low, high, 0.01) for key, (low, high) in spec.params.items()}
        return {"scale": scale, "shift": shift, "params": params}

    def apply(x, p):
        return function(_moved(x[0], p["scale"], p["shift"]), **p["params"])

    def render(n, p):
        extra = "".join(f", {key}={value!r}" for key, value in p["params"].items())
        return f"{spec.name}({bare(affine(n[0], p['scale'], p['shift']))}{extra})"

    return Op(spec.name, plan, apply, render)


def table_binary(spec):
    """A step ``a <op> b`` of the two-operand op ``spec``, each operand moved into its smooth domain.

    An operand whose kinks are those of its ratio to the other (``Domain.over``, as for ``%``) is
    written as ratio × other, the ratio moved between two integers k + 0.15 and k + 0.85 (k drawn).
    """
    plans = [domain_plan(Domain(kinks=d.kinks) if d.over is not None else d) for d in spec.domain]
    ratio = next((i for i, d in enumerate(spec.domain) if d.over is not None), None)
    forward = spec.on_float

    def plan(draw, operands):
        moves = [plan_domain(values) for plan_domain, values in zip(plans, operands)]
        if ratio is not None:
            scale, shift = moves[ratio]
            moves[ratio] = (scale, round(shift + draw(st.integers(-2, 1)), 2))
        return {"moves": moves}

    def operands(x, p):
        moved = [_moved(value, scale, shift) for value, (scale, shift) in zip(x, p["moves"])]
        if ratio is not None:
            moved[ratio] = moved[ratio] * moved[spec.domain[ratio].over]
        return moved

    def apply(x, p):
        a, b = operands(x, p)
        if isinstance(a, (Node, np.ndarray)) or isinstance(b, (Node, np.ndarray)):
            return _OPERATORS[spec.name](a, b)
        return forward(a, b)

    def render(n, p):
        names = [affine(name, scale, shift) for name, (scale, shift) in zip(n, p["moves"])]
        if ratio is not None:
            names[ratio] = f"({names[ratio]} * {names[spec.domain[ratio].over]})"
        return f"{names[0]} {spec.name} {names[1]}"

    return Op(spec.dunder.replace("true", ""), plan, apply, render, arity=2)  # add, sub, mul, div, pow, mod


_OPERATORS = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv, "**": operator.pow, "%": operator.mod,
}


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


def _render_dot(n, p):
    half = len(n) // 2
    bias = f", {n[-1]}" if len(n) % 2 else ""
    return f"dot([{', '.join(n[:half])}], [{', '.join(n[half : 2 * half])}]{bias})"


def _plan_neuron(draw, operands):
    """The constant added to the sum so that it stays KINK away from the ReLU's kink at 0."""
    half = len(operands) // 2
    total = sum(float(w) * float(x) for w, x in zip(operands[:half], operands[half : 2 * half]))
    total += float(operands[-1]) if len(operands) % 2 else 0.0
    return {"shift": shift_away_from_zero([total], KINK)}


def _apply_neuron(x, p):
    half = len(x) // 2
    bias = x[-1] + p["shift"] if len(x) % 2 else p["shift"]
    weights, inputs = x[:half], x[half : 2 * half]
    if any(isinstance(v, Node) for v in (*weights, *inputs, bias)):
        return neuron(weights, inputs, bias)
    return max(weighted_sum(weights, inputs, bias), 0.0)


def _render_neuron(n, p):
    half = len(n) // 2
    bias = plus(n[-1], p["shift"]) if len(n) % 2 else repr(p["shift"])
    return f"neuron([{', '.join(n[:half])}], [{', '.join(n[half : 2 * half])}], {bare(bias)})"


def _apply_dot(x, p):
    half = len(x) // 2
    return weighted_sum(x[:half], x[half : 2 * half], x[-1] if len(x) % 2 else None)


ELEMENTWISE_BINARY_OPS = [table_binary(spec) for spec in shared() if spec.arity == 2]
"""a + b, a - b, a * b, a / b, a ** b, from the op table: two registers (broadcast together for arrays)."""

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
    *(table_unary(spec) for spec in shared() if spec.arity == 1),
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
    Op("neuron", _plan_neuron, _apply_neuron, _render_neuron, arity=(2, 7)),
]
"""Every op ``scalar_expressions`` draws from: Value's operators (with Values and with numbers, on
either side), its methods, ``sum_values`` and ``dot``."""

NAMESPACE = {
    **{spec.name: applying(spec) for spec in shared() if spec.arity == 1},
    "sum_values": total,
    "dot": weighted_sum,
    "neuron": lambda weights, inputs, bias: _apply_neuron([*weights, *inputs, bias], {"shift": 0.0}),
}
"""The functions a scalar expression's repr calls, by the names it uses."""
