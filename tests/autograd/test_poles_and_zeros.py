"""At poles and zeros the derivatives are IEEE's (as PyTorch's): ∞, NaN or 0 where the math says so.

A rule never raises; a Value forward with no real (finite) answer raises a ValueError naming the op.
"""

import math
import warnings

import numpy as np
import pytest

from autograd import Tensor, Value, grad, gradcheck


def value_grads(make, *data):
    leaves = [Value(x) for x in data]
    make(*leaves).backward()
    return [leaf.grad for leaf in leaves]


def tensor_grads(make, *data):
    leaves = [Tensor(np.array([x]), requires_grad=True) for x in data]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # numpy reports the divide by zero it turns into ∞
        make(*leaves).sum().backward()
    return [float(leaf.grad[0]) for leaf in leaves]


BOTH = pytest.mark.parametrize("grads_of", [value_grads, tensor_grads], ids=["Value", "Tensor"])


@BOTH
def test_sqrt_at_zero_has_an_infinite_derivative(grads_of):
    assert grads_of(lambda x: x.sqrt(), 0.0) == [math.inf]


@BOTH
@pytest.mark.parametrize("n", [0.5, 0.3, 0.99])
def test_x_to_a_power_between_0_and_1_at_zero_has_an_infinite_derivative(grads_of, n):
    assert grads_of(lambda x: x**n, 0.0) == [math.inf]


@BOTH
@pytest.mark.parametrize("x", [-2.0, 0.0, 3.0])
def test_x_to_the_zero_is_one_with_derivative_zero_everywhere(grads_of, x):
    assert grads_of(lambda t: t**0, x) == [0.0]
    assert grads_of(lambda t: t**0.0, x) == [0.0]


@BOTH
def test_x_to_the_one_and_two_at_zero(grads_of):
    assert grads_of(lambda x: x**1, 0.0) == [1.0]
    assert grads_of(lambda x: x**2, 0.0) == [0.0]
    assert grads_of(lambda x: x**1.5, 0.0) == [0.0]


@BOTH
@pytest.mark.parametrize("x", [0.0, 0.5, -1.5])
def test_a_polynomial_with_a_constant_term_differentiates_at_every_x_including_zero(grads_of, x):
    coefficients = [2.0, -3.0, 0.5, 1.0]

    def polynomial(t):
        total = coefficients[0] * t**0
        for k, c in enumerate(coefficients[1:], start=1):
            total = total + c * t**k
        return total

    expected = sum(k * c * x ** (k - 1) for k, c in enumerate(coefficients) if k > 0)
    assert grads_of(polynomial, x) == [pytest.approx(expected)]


@BOTH
@pytest.mark.parametrize("a", [0.0, 2.0, -3.0])
def test_a_to_a_variable_power_that_is_zero_has_zero_derivative_in_the_base(grads_of, a):
    d_base, _ = grads_of(lambda x, y: x**y, a, 0.0)
    assert d_base == 0.0


@BOTH
@pytest.mark.parametrize("b", [0.0, 0.5, 2.0])
def test_the_exponent_derivative_at_base_zero_is_zero(grads_of, b):
    _, d_exponent = grads_of(lambda x, y: x**y, 0.0, b)
    assert d_exponent == 0.0



@pytest.mark.parametrize("b", [-1.0, -0.5, -3.0])
def test_the_exponent_derivative_at_base_zero_is_minus_infinity_for_a_negative_exponent(b):
    assert tensor_grads(lambda x, y: x**y, 0.0, b)[1] == -math.inf  # a^b·ln a = ∞·(−∞), PyTorch's answer


def test_the_exponent_derivative_at_base_zero_agrees_with_pytorch_elementwise_and_broadcast():
    torch = pytest.importorskip("torch")
    base = np.array([[0.0], [2.0], [0.0]])
    exponent = np.array([-2.0, 0.0, 1.5, 3.0])
    a, b = Tensor(base, requires_grad=True), Tensor(exponent, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        (a**b).sum().backward()
    ta, tb = torch.tensor(base, requires_grad=True), torch.tensor(exponent, requires_grad=True)
    (ta**tb).sum().backward()
    np.testing.assert_array_equal(b.grad, tb.grad.numpy())
    np.testing.assert_array_equal(a.grad, ta.grad.numpy())


def test_the_exponent_derivative_at_base_zero_with_create_graph_and_in_float32():
    a = Tensor(np.zeros(2, dtype=np.float32), requires_grad=True)
    b = Tensor(np.array([-1.0, 2.0], dtype=np.float32), requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        (a**b).sum().backward(create_graph=True)
    assert b.grad.dtype == np.float32
    assert b.grad.data.tolist() == [-math.inf, 0.0]


def test_the_value_rule_at_base_zero_answers_a_negative_exponent_too():
    from autograd.pointwise.arithmetic import _pow_grad_b

    with pytest.raises(ValueError, match="\\*\\*"):
        Value(0.0) ** Value(-1.0)  # a Value's forward has no real answer there
    assert _pow_grad_b(1.0, math.inf, 0.0, -1.0) == -math.inf  # so the float rule is reached only directly
    assert _pow_grad_b(1.0, 0.0, 0.0, 2.0) == 0.0


@BOTH
def test_the_exponent_derivative_of_a_negative_base_is_nan(grads_of):
    d_base, d_exponent = grads_of(lambda x, y: x**y, -2.0, 2.0)
    assert d_base == -4.0 and math.isnan(d_exponent)


def test_tensor_log_at_zero_has_an_infinite_derivative():
    assert tensor_grads(lambda x: x.log(), 0.0) == [math.inf]


def test_value_rpow_with_a_zero_base_has_zero_exponent_derivative():
    b = Value(2.0)
    (0.0**b).backward()
    assert b.grad == 0.0


def test_sqrt_at_zero_through_grad_with_create_graph_gives_infinity():
    assert grad(lambda x: x.sqrt())(0.0) == math.inf
    assert grad(lambda x: x**0.5)(0.0) == math.inf


def test_x_to_the_zero_has_second_derivative_zero_at_zero():
    assert grad(grad(lambda x: x**0))(0.0) == 0.0
    assert grad(grad(lambda x: x**0))(2.0) == 0.0


def test_gradcheck_passes_for_x_to_the_zero_through_zero():
    assert gradcheck(lambda x: x**0, np.array([0.0, 1.0, -2.0]))
    assert gradcheck(lambda x: x**0 * 3.0, 0.0)


@pytest.mark.parametrize(
    "make, op",
    [
        (lambda: Value(-1.0).log(), "log"),
        (lambda: Value(0.0).log(), "log"),
        (lambda: Value(-1.0).sqrt(), "sqrt"),
        (lambda: Value(1.0) / 0.0, "/"),
        (lambda: Value(0.0) ** -1, r"\*\*"),
        (lambda: Value(-2.0) ** 0.5, r"\*\*"),
    ],
)
def test_a_value_forward_with_no_finite_real_answer_is_a_value_error_naming_the_op(make, op):
    with pytest.raises(ValueError, match=op):
        make()


def test_the_exponent_derivative_at_base_zero_computes_no_inf_times_zero():
    """The limit at a = 0 is chosen without evaluating a^b·ln a there, so numpy has nothing to warn about."""
    a = Tensor(np.array([0.0, 2.0, 0.0]))
    b = Tensor(np.array([-1.0, 3.0, 2.0]), requires_grad=True)
    with np.errstate(divide="ignore"):
        y = a ** b  # 0^-1 = inf: the forward's own division by zero, not the rule's
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y.sum().backward()
    assert b.grad[0] == -np.inf and b.grad[2] == 0.0
    assert b.grad[1] == 8.0 * np.log(2.0)
