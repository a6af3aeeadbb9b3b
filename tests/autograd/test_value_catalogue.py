"""Every Value op: forward against math, first and second derivatives against central differences.

Each case carries its forward in ``math`` and its gradient written by hand; the
engine's first derivative is checked against central differences of the forward
and against the hand formula, and its second derivative (recorded with
``create_graph=True``, and again through ``hessian``) against central
differences of the hand-written gradient. Then the engine's edge cases, by name.
"""

import math
from dataclasses import dataclass

import pytest

from autograd import Value, dot, hessian, neuron, no_grad, sum_values

EPS = 1e-6


@dataclass
class Case:
    name: str
    function: object  # on Values
    reference: object  # on floats, with math
    gradient: object  # on floats: the tuple of partial derivatives, by hand
    points: list


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


CASES = [
    Case("add", lambda a, b: a + b, lambda a, b: a + b, lambda a, b: (1.0, 1.0), [(1.5, -0.7), (-2.0, 3.0)]),
    Case("sub", lambda a, b: a - b, lambda a, b: a - b, lambda a, b: (1.0, -1.0), [(1.5, -0.7), (-2.0, 3.0)]),
    Case("mul", lambda a, b: a * b, lambda a, b: a * b, lambda a, b: (b, a), [(1.5, -0.7), (-2.0, 3.0)]),
    Case(
        "truediv",
        lambda a, b: a / b,
        lambda a, b: a / b,
        lambda a, b: (1 / b, -a / b**2),
        [(1.5, -0.7), (-2.0, 3.0)],
    ),
    Case("pow_int", lambda a: a**3, lambda a: a**3, lambda a: (3 * a**2,), [(1.3,), (-0.8,)]),
    Case("pow_fraction", lambda a: a**2.5, lambda a: a**2.5, lambda a: (2.5 * a**1.5,), [(1.3,), (0.4,)]),
    Case("pow_negative", lambda a: a**-2, lambda a: a**-2, lambda a: (-2 * a**-3,), [(1.3,), (-0.6,)]),
    Case(
        "pow_value_exponent",
        lambda a, b: a**b,
        lambda a, b: a**b,
        lambda a, b: (b * a ** (b - 1), a**b * math.log(a)),
        [(1.3, 2.2), (0.6, -1.5)],
    ),
    Case("add_number", lambda a: a + 2.5, lambda a: a + 2.5, lambda a: (1.0,), [(0.3,)]),
    Case("radd", lambda a: 2.5 + a, lambda a: 2.5 + a, lambda a: (1.0,), [(0.3,)]),
    Case("sub_number", lambda a: a - 2.5, lambda a: a - 2.5, lambda a: (1.0,), [(0.3,)]),
    Case("rsub", lambda a: 2.5 - a, lambda a: 2.5 - a, lambda a: (-1.0,), [(0.3,)]),
    Case("mul_number", lambda a: a * 2.5, lambda a: a * 2.5, lambda a: (2.5,), [(0.3,)]),
    Case("rmul", lambda a: 2.5 * a, lambda a: 2.5 * a, lambda a: (2.5,), [(0.3,)]),
    Case("truediv_number", lambda a: a / 2.5, lambda a: a / 2.5, lambda a: (0.4,), [(0.3,)]),
    Case("rtruediv", lambda a: 2.5 / a, lambda a: 2.5 / a, lambda a: (-2.5 / a**2,), [(0.3,), (-1.7,)]),
    Case("rpow", lambda a: 2.5**a, lambda a: 2.5**a, lambda a: (2.5**a * math.log(2.5),), [(0.3,), (-1.7,)]),
    Case("neg", lambda a: -a, lambda a: -a, lambda a: (-1.0,), [(0.3,)]),
    Case("exp", lambda a: a.exp(), math.exp, lambda a: (math.exp(a),), [(0.3,), (-1.7,)]),
    Case("log", lambda a: a.log(), math.log, lambda a: (1 / a,), [(0.3,), (4.2,)]),
    Case("sqrt", lambda a: a.sqrt(), math.sqrt, lambda a: (0.5 / math.sqrt(a),), [(0.3,), (4.2,)]),
    Case("abs", lambda a: a.abs(), abs, lambda a: (math.copysign(1.0, a),), [(0.3,), (-1.7,)]),
    Case("builtin_abs", lambda a: abs(a), abs, lambda a: (math.copysign(1.0, a),), [(-1.7,)]),
    Case("tanh", lambda a: a.tanh(), math.tanh, lambda a: (1 - math.tanh(a) ** 2,), [(0.3,), (-1.7,)]),
    Case(
        "sigmoid",
        lambda a: a.sigmoid(),
        sigmoid,
        lambda a: (sigmoid(a) * (1 - sigmoid(a)),),
        [(0.3,), (-1.7,), (-30.0,)],
    ),
    Case("relu", lambda a: a.relu(), lambda a: max(a, 0.0), lambda a: (1.0 if a > 0 else 0.0,), [(0.3,), (-1.7,)]),
    Case(
        "leaky_relu",
        lambda a: a.leaky_relu(),
        lambda a: a if a > 0 else 0.01 * a,
        lambda a: (1.0 if a > 0 else 0.01,),
        [(0.3,), (-1.7,)],
    ),
    Case(
        "leaky_relu_slope",
        lambda a: a.leaky_relu(0.2),
        lambda a: a if a > 0 else 0.2 * a,
        lambda a: (1.0 if a > 0 else 0.2,),
        [(0.3,), (-1.7,)],
    ),
    Case("sin", lambda a: a.sin(), math.sin, lambda a: (math.cos(a),), [(0.3,), (-1.7,)]),
    Case("cos", lambda a: a.cos(), math.cos, lambda a: (-math.sin(a),), [(0.3,), (-1.7,)]),
    Case("sinh", lambda a: a.sinh(), math.sinh, lambda a: (math.cosh(a),), [(0.3,), (-1.7,)]),
    Case("cosh", lambda a: a.cosh(), math.cosh, lambda a: (math.sinh(a),), [(0.3,), (-1.7,)]),
    Case("tan", lambda a: a.tan(), math.tan, lambda a: (1 / math.cos(a) ** 2,), [(0.3,), (-1.1,)]),
    Case("arcsin", lambda a: a.arcsin(), math.asin, lambda a: (1 / math.sqrt(1 - a * a),), [(0.3,), (-0.8,)]),
    Case("arccos", lambda a: a.arccos(), math.acos, lambda a: (-1 / math.sqrt(1 - a * a),), [(0.3,), (-0.8,)]),
    Case("arctan", lambda a: a.arctan(), math.atan, lambda a: (1 / (1 + a * a),), [(0.3,), (-1.7,)]),
    Case("log1p", lambda a: a.log1p(), math.log1p, lambda a: (1 / (1 + a),), [(1e-9,), (-0.7,), (4.2,)]),
    Case("expm1", lambda a: a.expm1(), math.expm1, lambda a: (math.exp(a),), [(1e-9,), (-1.7,)]),
    Case("log2", lambda a: a.log2(), math.log2, lambda a: (1 / (a * math.log(2)),), [(0.3,), (4.2,)]),
    Case("log10", lambda a: a.log10(), math.log10, lambda a: (1 / (a * math.log(10)),), [(0.3,), (4.2,)]),
    Case("exp2", lambda a: a.exp2(), lambda a: 2**a, lambda a: (2**a * math.log(2),), [(0.3,), (-1.7,)]),
    Case("floor", lambda a: a.floor(), lambda a: float(math.floor(a)), lambda a: (0.0,), [(0.3,), (-1.7,)]),
    Case("ceil", lambda a: a.ceil(), lambda a: float(math.ceil(a)), lambda a: (0.0,), [(0.3,), (-1.7,)]),
    Case("sign", lambda a: a.sign(), lambda a: math.copysign(1.0, a), lambda a: (0.0,), [(0.3,), (-1.7,)]),
    Case(
        "mod",
        lambda a, b: a % b,
        lambda a, b: a % b,
        lambda a, b: (1.0, -math.floor(a / b)),
        [(7.5, 2.0), (-7.5, 2.0), (7.5, -2.0), (0.3, 1.1)],
    ),
    Case("mod_number", lambda a: a % 2.0, lambda a: a % 2.0, lambda a: (1.0,), [(7.5,), (-0.3,)]),
    Case("rmod_number", lambda a: 7.5 % a, lambda a: 7.5 % a, lambda a: (-math.floor(7.5 / a),), [(2.0,), (-1.3,)]),
    Case(
        "dot",
        lambda w0, w1, x0, x1: dot([w0, w1], [x0, x1]),
        lambda w0, w1, x0, x1: w0 * x0 + w1 * x1,
        lambda w0, w1, x0, x1: (x0, x1, w0, w1),
        [(0.5, -1.2, 2.0, 0.7)],
    ),
    Case(
        "dot_with_bias",
        lambda w0, x0, b: dot([w0], [x0], b),
        lambda w0, x0, b: w0 * x0 + b,
        lambda w0, x0, b: (x0, w0, 1.0),
        [(0.5, 2.0, -0.3)],
    ),
    Case(
        "dot_of_products",  # dot's rule under create_graph: its second derivative is not all zeros
        lambda w, x: dot([w * w], [x * w]),
        lambda w, x: w**3 * x,
        lambda w, x: (3 * w**2 * x, w**3),
        [(0.5, 2.0)],
    ),
    Case(
        "neuron_active",
        lambda w0, w1, x0, x1, b: neuron([w0, w1], [x0, x1], b),
        lambda w0, w1, x0, x1, b: max(w0 * x0 + w1 * x1 + b, 0.0),
        lambda w0, w1, x0, x1, b: (x0, x1, w0, w1, 1.0),
        [(0.5, -1.2, 2.0, 0.7, 0.3)],
    ),
    Case(
        "neuron_inactive",
        lambda w0, x0, b: neuron([w0], [x0], b),
        lambda w0, x0, b: max(w0 * x0 + b, 0.0),
        lambda w0, x0, b: (0.0, 0.0, 0.0),
        [(0.5, -2.0, 0.3)],
    ),
    Case(
        "neuron_of_products",  # the rule under create_graph: second derivatives through the active branch
        lambda w, x: neuron([w * w], [x * w]),
        lambda w, x: max(w**3 * x, 0.0),
        lambda w, x: (3 * w**2 * x, w**3),
        [(0.5, 2.0)],
    ),
    Case(
        "sum_values",
        lambda a, b, c: sum_values([a, b * c, c]),
        lambda a, b, c: a + b * c + c,
        lambda a, b, c: (1.0, c, b + 1.0),
        [(0.5, -1.2, 2.0)],
    ),
]

PARAMS = [pytest.param(case, point, id=f"{case.name}-{point}") for case in CASES for point in case.points]


def central_difference(function, point, i, eps=EPS):
    """(f(x + eps·eᵢ) - f(x - eps·eᵢ)) / 2eps, for a function returning a float or a tuple of floats."""
    up = list(point)
    down = list(point)
    up[i] += eps
    down[i] -= eps
    f_up, f_down = function(*up), function(*down)
    if isinstance(f_up, tuple):
        return tuple((u - d) / (2 * eps) for u, d in zip(f_up, f_down))
    return (f_up - f_down) / (2 * eps)


@pytest.mark.parametrize("case, point", PARAMS)
def test_forward_matches_math(case, point):
    result = case.function(*[Value(x) for x in point])
    assert isinstance(result, Value)
    assert result.data == pytest.approx(case.reference(*point), rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("case, point", PARAMS)
def test_first_derivative_matches_central_differences(case, point):
    leaves = [Value(x) for x in point]
    case.function(*leaves).backward()
    for i, leaf in enumerate(leaves):
        assert leaf.grad == pytest.approx(central_difference(case.reference, point, i), rel=1e-6, abs=1e-8)


@pytest.mark.parametrize("case, point", PARAMS)
def test_first_derivative_matches_the_hand_formula(case, point):
    leaves = [Value(x) for x in point]
    case.function(*leaves).backward()
    assert [leaf.grad for leaf in leaves] == pytest.approx(list(case.gradient(*point)), rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("case, point", PARAMS)
def test_second_derivative_with_create_graph_matches_central_differences(case, point):
    leaves = [Value(x) for x in point]
    case.function(*leaves).backward(create_graph=True)
    first = [leaf.grad for leaf in leaves]
    for i, gradient in enumerate(first):
        expected = central_difference(case.gradient, point, i)
        for leaf in leaves:
            leaf.grad = 0.0
        if isinstance(gradient, Value) and gradient.requires_grad:
            gradient.backward()
        second = [leaf.grad for leaf in leaves]  # row i of the Hessian
        assert second == pytest.approx(list(expected), rel=1e-6, abs=1e-7)


@pytest.mark.parametrize("case, point", PARAMS)
def test_second_derivative_through_hessian_matches_central_differences(case, point):
    argnums = tuple(range(len(point)))
    rows = hessian(case.function, argnums)(*point)
    for i in argnums:
        expected = central_difference(case.gradient, point, i)
        assert list(rows[i]) == pytest.approx(list(expected), rel=1e-6, abs=1e-7)


def test_the_kink_conventions_are_relu_prime_0_equal_0_and_abs_prime_0_equal_0():
    a, b = Value(0.0), Value(0.0)
    a.relu().backward()
    b.abs().backward()
    assert (a.grad, b.grad) == (0.0, 0.0)


# --------------------------------------------------------------------------- the engine's edge cases


def test_the_course_notes_graph_f_equals_3_times_a_plus_bc():
    a, b, c = Value(5.0, label="a"), Value(3.0, label="b"), Value(2.0, label="c")
    f = 3 * (a + b * c)
    f.backward()
    assert f.data == 33.0
    assert (a.grad, b.grad, c.grad) == (3.0, 6.0, 9.0)


def test_a_reused_non_leaf_passes_on_the_sum_of_its_paths():
    a = Value(1.0)
    b = a + a
    c = b + b
    c.backward()
    assert (a.grad, b.grad) == (4.0, 2.0)


def test_backward_twice_doubles_leaf_grads_and_keeps_intermediate_grads():
    a, b = Value(2.0), Value(-3.0)
    product = a * b
    out = product + a
    out.backward()
    out.backward()
    assert (a.grad, b.grad) == (2 * (-3.0 + 1.0), 2 * 2.0)
    assert product.grad == 1.0


def test_a_million_op_chain_goes_backward_with_the_default_recursion_limit():
    x = Value(0.5)
    y = x
    for _ in range(1_000_000):
        y = y + x
    y.backward()
    assert x.grad == 1_000_001.0
    assert y.data == 0.5 * 1_000_001


def test_no_grad_records_nothing():
    a = Value(2.0)
    with no_grad():
        b = (a * a).exp() + a
    assert b.parents == () and b.op == "" and not b.requires_grad


def test_a_string_is_not_a_value():
    with pytest.raises(TypeError, match=r"Value: expected a real number.*str 'abc'"):
        Value("abc")


def test_adding_a_string_to_a_value_is_a_type_error():
    with pytest.raises(TypeError, match=r"Value \+: unsupported operand str 'x'"):
        Value(1) + "x"


def test_backward_with_a_string_seed_is_a_type_error():
    with pytest.raises(TypeError, match=r"Value.backward\(grad=...\).*str 'x'"):
        (Value(1.0) * 2.0).backward(grad="x")
