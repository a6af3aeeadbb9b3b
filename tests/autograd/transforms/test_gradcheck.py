"""gradcheck and gradgradcheck: agreement passes, a wrong rule is caught and named, inputs stay untouched."""

import math

import numpy as np
import pytest

from autograd import (
    GradcheckError,
    Tensor,
    Value,
    grad,
    gradcheck,
    gradgradcheck,
    primitive,
)
from autograd.vocabulary import cos


@primitive
def sine_off_by_one_percent(x):
    """sin x, with a derivative rule 1% too large."""
    return np.sin(x) if isinstance(x, np.ndarray) else math.sin(x)


@sine_off_by_one_percent.defvjp
def _sine_off_by_one_percent_vjp(g, out, x):
    return (g * cos(x) * 1.01,)


@primitive
def sine_with_a_rule_that_is_not_differentiable(x):
    """sin x, whose rule reads cos x off the payload: right first derivative, no second."""
    return math.sin(x)


@sine_with_a_rule_that_is_not_differentiable.defvjp
def _sine_constant_rule_vjp(g, out, x):
    return (g * math.cos(float(x)),)


@primitive
def square_off_by(x, factor=1.0):
    """x², with a derivative rule ``factor`` times the true 2x."""
    return x * x


@square_off_by.defvjp
def _square_off_by_vjp(g, out, x, factor=1.0):
    return (g * 2.0 * x * factor,)


# --------------------------------------------------------------------------- agreement


def test_gradcheck_returns_true_for_a_correct_function_of_floats():
    assert gradcheck(lambda x, y: (x * y).tanh() + x.exp() / y, 0.3, 1.2) is True


def test_gradcheck_returns_true_for_values():
    assert gradcheck(lambda a, b: a.sigmoid() * b.log(), Value(0.4, label="a"), Value(2.0, label="b")) is True


def test_gradcheck_checks_every_output_of_a_list_of_values():
    assert gradcheck(lambda x, y: [x * y, x.sin(), y**3], 0.7, -1.1) is True


def test_gradcheck_accepts_a_function_that_does_not_depend_on_its_input():
    assert gradcheck(lambda x: 2.5, 0.7) is True


def test_gradgradcheck_returns_true_for_a_correct_function():
    assert gradgradcheck(lambda x, y: (x * y).tanh() + x.exp() / y + x.cos() * y**2, 0.3, 1.2) is True


def test_gradgradcheck_returns_true_for_a_list_of_outputs():
    assert gradgradcheck(lambda x, y: [x * y * y, (x + y).sigmoid()], 0.3, -0.5) is True


def test_gradgradcheck_returns_true_for_a_function_with_zero_second_derivative():
    assert gradgradcheck(lambda x, y: 3.0 * x - y, 0.3, -0.5) is True


def test_gradcheck_of_a_gradient_checks_the_second_derivative_through_the_transforms():
    assert gradcheck(grad(lambda x: x**3 * x.sin()), 1.5)


def test_gradgradcheck_of_a_gradient_checks_the_third_derivative():
    assert gradgradcheck(grad(lambda x: x**3 * x.sin()), 1.5)


# --------------------------------------------------------------------------- a wrong rule is caught and named


def test_gradcheck_raises_gradcheck_error_for_a_wrong_rule():
    with pytest.raises(GradcheckError):
        gradcheck(lambda a: sine_off_by_one_percent(a), 1.0)


def test_gradcheck_error_is_an_assertion_error():
    assert issubclass(GradcheckError, AssertionError)


def test_gradcheck_error_message_names_input_label_analytic_numeric_and_tolerance():
    with pytest.raises(GradcheckError) as caught:
        gradcheck(lambda a, b: a * 2.0 + sine_off_by_one_percent(b), 0.5, Value(1.0, label="b"))
    error, message = caught.value, str(caught.value)
    assert "with respect to input 1 ('b') disagrees" in message
    assert f"analytic (the engine):      {error.analytic!r}" in message
    assert f"numeric (eps=1e-06):        {error.numeric!r}" in message
    assert f"tolerance:                  {error.tolerance!r} = atol 1e-05 + rtol 0.001" in message


def test_gradcheck_error_carries_the_input_index_and_the_values():
    with pytest.raises(GradcheckError) as caught:
        gradcheck(lambda a, b: a * 2.0 + sine_off_by_one_percent(b), 0.5, Value(1.0, label="b"))
    error = caught.value
    assert (error.input_position, error.input_label, error.index) == (1, "b", ())
    assert error.analytic == pytest.approx(1.01 * math.cos(1.0), rel=1e-12)
    assert error.numeric == pytest.approx(math.cos(1.0), rel=1e-8)
    assert error.tolerance == pytest.approx(1e-5 + 1e-3 * abs(error.numeric), rel=1e-12)


def test_gradcheck_names_the_output_of_a_function_with_several_outputs():
    with pytest.raises(GradcheckError) as caught:
        gradcheck(lambda x: [x * 3.0, sine_off_by_one_percent(x)], 0.5)
    assert caught.value.output == "output[1]"
    assert "the derivative of output[1] with respect to input 0" in str(caught.value)


def test_gradcheck_catches_a_user_function_that_drops_a_path():
    def square_forgetting_one_factor(x):
        return x * x.data  # x.data is a constant: d/dx is x, not 2x

    with pytest.raises(GradcheckError) as caught:
        gradcheck(square_forgetting_one_factor, 1.5)
    assert (caught.value.analytic, caught.value.numeric) == (1.5, pytest.approx(3.0, rel=1e-8))


def test_a_relative_error_below_rtol_passes_and_above_fails():
    assert gradcheck(lambda x: square_off_by(x, factor=1.0 + 1e-4), 2.0, atol=0.0, rtol=1e-3)
    with pytest.raises(GradcheckError):
        gradcheck(lambda x: square_off_by(x, factor=1.0 + 1e-4), 2.0, atol=0.0, rtol=1e-5)


def test_gradcheck_passes_a_rule_that_gradgradcheck_catches_as_not_differentiable():
    f = sine_with_a_rule_that_is_not_differentiable
    assert gradcheck(f, 0.8)
    with pytest.raises(GradcheckError) as caught:
        gradgradcheck(f, 0.8)
    assert caught.value.analytic == 0.0
    assert caught.value.numeric == pytest.approx(-math.sin(0.8), rel=1e-6)
    assert "gradgradcheck: the derivative of ∂f/∂(input 0) with respect to input 0" in str(caught.value)


def test_gradgradcheck_catches_a_wrong_mixed_second_derivative():
    with pytest.raises(GradcheckError) as caught:
        gradgradcheck(lambda a, b: sine_off_by_one_percent(a) * b, Value(1.0, label="a"), Value(2.0, label="b"))
    error = caught.value
    assert (error.input_position, error.output) == (0, "∂f/∂(input 1 ('b'))")
    assert error.analytic == pytest.approx(1.01 * math.cos(1.0), rel=1e-9)


def test_an_analytic_nan_is_a_mismatch():
    @primitive
    def identity_with_nan_rule(x):
        return x

    identity_with_nan_rule.defvjp(lambda g, out, x: (g * float("nan"),))
    with pytest.raises(GradcheckError, match="nan"):
        gradcheck(identity_with_nan_rule, 0.5)


# --------------------------------------------------------------------------- inputs


def test_gradcheck_leaves_a_value_inputs_data_and_grad_untouched():
    x = Value(0.7, label="x")
    x.grad = 5.0
    gradcheck(lambda x: x.exp() * x, x)
    gradgradcheck(lambda x: x.exp() * x, x)
    assert (x.data, x.grad) == (0.7, 5.0)


def test_ints_are_passed_through_as_constants():
    assert gradcheck(lambda x, n: x**n, 1.5, 3)


def test_a_value_that_does_not_require_grad_is_not_checked():
    wrong_but_constant = Value(2.0, requires_grad=False)
    assert gradcheck(lambda x, c: x * 2.0 + sine_off_by_one_percent(c), 0.5, wrong_but_constant)


def test_no_input_to_check_is_a_value_error():
    with pytest.raises(ValueError, match="gradcheck: no input to check"):
        gradcheck(lambda n: n * 2, 3)


def test_eps_must_be_positive():
    with pytest.raises(ValueError, match="gradcheck: eps must be > 0, got 0.0"):
        gradcheck(lambda x: x, 1.0, eps=0.0)


def test_a_string_tolerance_is_a_type_error():
    with pytest.raises(TypeError, match="gradgradcheck: atol must be a real number"):
        gradgradcheck(lambda x: x, 1.0, atol="small")


def test_a_function_returning_a_string_is_a_type_error():
    with pytest.raises(TypeError, match="gradcheck: f must return"):
        gradcheck(lambda x: "result", 1.0)


# --------------------------------------------------------------------------- arrays and Tensors

X = np.array([[0.3, -1.2, 2.0], [0.7, 0.1, -0.4]])


def test_gradcheck_returns_true_for_a_tensor_function():
    w = Tensor(np.array([[0.5], [-1.0], [2.0]]), requires_grad=True, label="w")
    assert gradcheck(lambda x, w: (x @ w).tanh().sum(), Tensor(X, requires_grad=True), w)


def test_gradcheck_checks_the_full_jacobian_of_a_non_scalar_output():
    assert gradcheck(lambda x: x.softmax(axis=-1), X)


def test_gradgradcheck_returns_true_for_a_tensor_function():
    assert gradgradcheck(lambda x, y: (x * y).sigmoid().sum() + (x**3).mean(), X, X[::-1].copy())


def test_gradgradcheck_returns_true_for_a_non_scalar_output():
    assert gradgradcheck(lambda x: x.log_softmax(axis=0), X)


def test_a_float_among_arrays_is_checked_as_a_0d_tensor():
    assert gradcheck(lambda x, s: (s * x).exp().sum(), X, 0.5)


def test_gradcheck_error_names_the_index_of_an_array_input():
    def wrong_at_one_entry(x):
        # the gradient reaching x[1, 2] is scaled by 1.5 through a detached copy
        mask = np.zeros(X.shape)
        mask[1, 2] = 0.5
        return (x * x).sum() + (x * Tensor(x.data * mask)).sum()

    with pytest.raises(GradcheckError) as caught:
        gradcheck(wrong_at_one_entry, Tensor(X, requires_grad=True, label="x"))
    error = caught.value
    assert (error.input_position, error.input_label, error.index, error.mismatches) == (0, "x", (1, 2), 1)
    assert error.analytic == pytest.approx(2 * X[1, 2] + 0.5 * X[1, 2], rel=1e-12)
    assert error.numeric == pytest.approx(2 * X[1, 2] + 2 * 0.5 * X[1, 2], rel=1e-7)
    assert "with respect to input 0 ('x') at index [1, 2] disagrees" in str(error)


def test_gradcheck_error_names_the_output_index_of_a_tensor_output():
    with pytest.raises(GradcheckError) as caught:
        gradcheck(lambda x: x * Tensor(x.data), np.array([1.5, -2.0]))
    assert caught.value.output in ("output[0]", "output[1]")
    assert f"the derivative of {caught.value.output} with respect to input 0 at index" in str(caught.value)


def test_gradcheck_leaves_a_tensor_inputs_data_and_grad_untouched():
    x = Tensor(X.copy(), requires_grad=True)
    x.grad = np.full(X.shape, 7.0)
    gradcheck(lambda x: (x**2).sum(), x)
    gradgradcheck(lambda x: (x**2).sum(), x)
    np.testing.assert_array_equal(x.data, X)
    np.testing.assert_array_equal(x.grad, np.full(X.shape, 7.0))


def test_gradcheck_leaves_an_ndarray_input_untouched():
    x = X.copy()
    gradcheck(lambda x: (x**2).sum(), x)
    np.testing.assert_array_equal(x, X)


def test_a_float32_tensor_is_checked_in_float64():
    x = Tensor(X.astype(np.float32), requires_grad=True)
    assert gradcheck(lambda x: (x * x).exp().sum(), x, atol=1e-7, rtol=1e-6)
    assert x.dtype == np.float32


def test_an_int_array_is_passed_through_as_a_constant():
    labels = np.array([2, 0])
    assert gradcheck(lambda x, y: x.log_softmax(axis=-1)[np.arange(2), y].sum(), X, labels)


def dropping_a_path_through_c(x, c):
    """Σ x·c², where one factor c is cut from the graph: d/dc comes out as x·c, not 2x·c."""
    return (x * c * Tensor(np.asarray(c.data))).sum()


def test_a_tensor_that_does_not_require_grad_is_not_checked():
    assert gradcheck(dropping_a_path_through_c, X, Tensor(X + 1.0))


def test_the_same_tensor_requiring_grad_is_checked_and_caught():
    with pytest.raises(GradcheckError) as caught:
        gradcheck(dropping_a_path_through_c, X, Tensor(X + 1.0, requires_grad=True))
    assert caught.value.input_position == 1
