"""grad, value_and_grad, jacobian, hessian, hvp: plain in plain out, nodes in nodes out, any nesting."""

import math

import numpy as np
import pytest

from autograd import (
    Tensor,
    Value,
    grad,
    hessian,
    hvp,
    jacobian,
    no_grad,
    value_and_grad,
)
from autograd.vocabulary import exp, sin, tanh
from tests.finite_differences import central_difference


# --------------------------------------------------------------------------- grad on floats


def test_grad_of_a_float_function_is_a_float():
    result = grad(lambda x: x**2)(3.0)
    assert type(result) is float and result == 6.0


def test_grad_accepts_an_int_argument():
    assert grad(lambda x: x**3)(2) == 12.0


def test_grad_matches_central_differences_of_a_composite_function():
    def f(x):
        return tanh(x * x) * exp(-x) + sin(x) / (1.0 + x * x)

    def f_float(x):
        return math.tanh(x * x) * math.exp(-x) + math.sin(x) / (1.0 + x * x)

    assert grad(f)(0.7) == pytest.approx(central_difference(f_float, 0.7), rel=1e-7)


def test_argnums_picks_the_argument_to_differentiate():
    assert grad(lambda x, y: x * y**2, argnums=1)(3.0, 2.0) == 12.0


def test_a_negative_argnums_counts_from_the_end():
    assert grad(lambda x, y: x * y**2, argnums=-1)(3.0, 2.0) == 12.0


def test_a_tuple_argnums_gives_a_tuple_of_gradients():
    assert grad(lambda x, y: x * y**2, argnums=(0, 1))(3.0, 2.0) == (4.0, 12.0)


def test_keyword_arguments_are_passed_through_undifferentiated():
    assert grad(lambda x, scale=1.0: scale * x**2)(3.0, scale=10.0) == 60.0


def test_value_and_grad_returns_the_value_as_a_float_and_the_gradient():
    value, gradient = value_and_grad(lambda x: x**3)(2.0)
    assert (type(value), value, gradient) == (float, 8.0, 12.0)


def test_value_and_grad_calls_the_function_once():
    calls = []

    def f(x):
        calls.append(x)
        return x * x

    value_and_grad(f)(1.5)
    assert len(calls) == 1


def test_grad_of_a_function_that_ignores_its_argument_is_zero():
    assert grad(lambda x, y: y * 2.0)(1.0, Value(3.0)) == 0.0


def test_grad_of_a_function_returning_a_constant_number_is_zero():
    assert grad(lambda x: 5.0)(1.0) == 0.0


def test_grad_works_inside_no_grad():
    with no_grad():
        assert grad(lambda x: x**2)(3.0) == 6.0


# --------------------------------------------------------------------------- nesting


def test_grad_of_grad_is_the_second_derivative():
    assert grad(grad(lambda x: x**4))(2.0) == 48.0


def test_the_third_derivative_of_x_to_the_fourth_is_24x():
    third = grad(grad(grad(lambda x: x**4)))
    assert (third(2.0), third(-0.5)) == (48.0, -12.0)


def test_the_fourth_derivative_of_x_to_the_fourth_is_24():
    assert grad(grad(grad(grad(lambda x: x**4))))(1.3) == 24.0


def test_nested_derivatives_of_sine_cycle():
    x = 0.4
    derivatives = [grad(lambda x: x.sin())]
    for _ in range(3):
        derivatives.append(grad(derivatives[-1]))
    assert [d(x) for d in derivatives] == pytest.approx([math.cos(x), -math.sin(x), -math.cos(x), math.sin(x)])


def test_an_inner_grad_may_close_over_the_outer_variable():
    # d/dx [x · d/dy (x·y)] = d/dx x² = 2x
    assert grad(lambda x: x * grad(lambda y: x * y)(1.0))(3.0) == 6.0


def test_an_inner_variable_stays_distinct_from_the_outer_one_it_was_made_from():
    # d/dy (x·y) = x, so d/dx of it is 1 (not 2, which confusing y with x would give)
    assert grad(lambda x: grad(lambda y: x * y)(x))(2.0) == 1.0


def test_a_value_argument_gives_a_value_gradient_with_a_graph():
    x = Value(2.0)
    first = grad(lambda x: x**3)(x)
    assert isinstance(first, Value) and first.data == 12.0
    first.backward()
    assert x.grad == 12.0  # d/dx 3x² = 6x


def test_grad_leaves_the_grad_of_a_value_argument_untouched():
    x = Value(2.0)
    x.grad = 7.0
    grad(lambda x: x**3)(x)
    assert x.grad == 7.0


def test_grad_of_a_constant_value_argument_is_still_its_derivative():
    assert grad(lambda x: x**2)(Value(3.0, requires_grad=False)).data == 6.0


def test_value_and_grad_of_a_value_argument_returns_the_output_node():
    x = Value(1.5)
    value, gradient = value_and_grad(lambda x: x * x)(x)
    assert isinstance(value, Value) and value.parents and (value.data, gradient.data) == (2.25, 3.0)


# --------------------------------------------------------------------------- jacobian, hessian, hvp on floats


def test_jacobian_of_a_scalar_function_of_a_float_is_its_derivative():
    assert jacobian(lambda x: x**3)(2.0) == 12.0


def test_jacobian_of_a_list_of_values_is_a_vector():
    result = jacobian(lambda x: [x * x, x.exp(), 3.0])(1.0)
    np.testing.assert_allclose(result, [2.0, math.e, 0.0], rtol=1e-15)


def test_hessian_of_a_float_function_is_its_second_derivative():
    assert hessian(lambda x: x**4)(2.0) == 48.0


def test_hessian_with_two_argnums_is_the_matrix_of_mixed_partials():
    h = hessian(lambda x, y: x * x * y + y**3, argnums=(0, 1))(2.0, 3.0)
    assert h == ((6.0, 4.0), (4.0, 18.0))


def test_hvp_of_a_float_function_is_the_second_derivative_times_v():
    assert hvp(lambda x: x**3)(2.0, 0.5) == 6.0


def test_hvp_nests_inside_grad():
    # d/dx [f''(x)·v] = f'''(x)·v = 6v for f = x³
    assert grad(lambda x: hvp(lambda y: y**3)(x, 0.5))(2.0) == 3.0


# --------------------------------------------------------------------------- errors


def test_grad_of_something_not_callable_is_a_type_error():
    with pytest.raises(TypeError, match="grad: expected a function to differentiate, got int 3"):
        grad(3)


def test_a_float_argnums_is_a_type_error():
    with pytest.raises(TypeError, match="grad: argnums must be an int or a tuple of ints, got float 1.0"):
        grad(lambda x: x, argnums=1.0)


def test_an_argnums_out_of_range_is_a_value_error():
    with pytest.raises(ValueError, match="grad: argnums 2 is out of range for a call with 2 positional arguments"):
        grad(lambda x, y: x * y, argnums=2)(1.0, 2.0)


def test_an_argnums_naming_an_argument_twice_is_a_value_error():
    with pytest.raises(ValueError, match=r"value_and_grad: argnums names an argument twice: \(0, 0\)"):
        value_and_grad(lambda x: x, argnums=(0, 0))


def test_a_string_argument_is_a_type_error():
    with pytest.raises(TypeError, match="grad: argument 0 must be a float, .*; got str 'x'"):
        grad(lambda x: x)("x")


def test_a_function_returning_a_string_is_a_type_error():
    with pytest.raises(TypeError, match="grad: f must return a scalar .*got str 'oops'"):
        grad(lambda x: "oops")(1.0)


def test_a_function_returning_a_list_is_a_type_error_for_grad():
    with pytest.raises(TypeError, match="grad: f must return a scalar"):
        grad(lambda x: [x, x])(1.0)


def test_hvp_needs_a_vector_of_the_arguments_shape():
    with pytest.raises(ValueError, match=r"hvp: the vector for argument 0 has shape \(2,\), but the argument has shape \(\)"):
        hvp(lambda x: x**3)(2.0, [1.0, 2.0])


# --------------------------------------------------------------------------- arrays and Tensors

A = np.array([[2.0, 1.0, 0.5], [1.0, 3.0, -1.0], [0.5, -1.0, 4.0]])
X = np.array([0.3, -1.2, 2.0])


def quadratic(x):
    """½ xᵀAx: gradient Ax, Hessian A (A symmetric)."""
    return 0.5 * (x @ (A @ x))


def cubic(x):
    """Σ x³ + x₀x₁: gradient 3x² + (x₁, x₀, 0), Hessian diag(6x) + the x₀x₁ block."""
    return (x**3).sum() + x[0] * x[1]


def cubic_hessian(x):
    return np.diag(6 * x) + np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]])


def test_grad_of_an_array_function_is_an_ndarray_of_the_arrays_shape():
    result = grad(quadratic)(X)
    assert type(result) is np.ndarray and result.dtype == np.float64
    np.testing.assert_allclose(result, A @ X, rtol=1e-15)


def test_grad_of_a_list_of_numbers_is_an_ndarray():
    result = grad(lambda x: (x * x).sum())([1.0, 2.0, 3.0])
    assert type(result) is np.ndarray
    np.testing.assert_array_equal(result, [2.0, 4.0, 6.0])


def test_grad_of_an_int_array_is_a_float_array():
    np.testing.assert_array_equal(grad(lambda x: (x * x).sum())(np.array([1, 2])), [2.0, 4.0])


def test_grad_keeps_a_float32_arrays_dtype():
    assert grad(lambda x: (x * x).sum())(np.array([1.0, 2.0], dtype=np.float32)).dtype == np.float32


def test_grad_does_not_alias_the_argument():
    x = np.array([1.0, 2.0])
    result = grad(lambda x: x.sum())(x)
    result += 1.0
    np.testing.assert_array_equal(x, [1.0, 2.0])


def test_grad_of_a_tensor_argument_is_a_tensor_with_a_graph():
    x = Tensor(X, requires_grad=True)
    first = grad(lambda x: (x**3).sum())(x)
    assert isinstance(first, Tensor) and first.requires_grad
    first.sum().backward()
    np.testing.assert_allclose(x.grad, 6 * X, rtol=1e-15)


def test_value_and_grad_of_an_array_function_gives_a_float_value():
    value, gradient = value_and_grad(quadratic)(X)
    assert type(value) is float and value == pytest.approx(0.5 * X @ A @ X, rel=1e-15)
    np.testing.assert_allclose(gradient, A @ X, rtol=1e-15)


def test_a_tuple_argnums_mixes_arrays_and_floats():
    gx, gs = grad(lambda x, s: s * (x * x).sum(), argnums=(0, 1))(np.array([1.0, 2.0]), 3.0)
    np.testing.assert_array_equal(gx, [6.0, 12.0])
    assert gs == 5.0


def test_an_inner_tensor_variable_stays_distinct_from_the_outer_one():
    # d/dy Σ x·y = x, and d/dx Σ x·x = 2x
    outer = grad(lambda x: (x * grad(lambda y: (x * y).sum())(x)).sum())
    np.testing.assert_allclose(outer(X), 2 * X, rtol=1e-15)


def test_grad_of_a_function_returning_several_elements_is_a_value_error():
    with pytest.raises(ValueError, match=r"grad: f must return a scalar .* got a Tensor of shape \(3,\); use jacobian"):
        grad(lambda x: x * 2.0)(X)


def test_jacobian_of_an_elementwise_function_is_diagonal_and_matches_central_differences():
    result = jacobian(lambda x: x.tanh() * x)(X)
    expected = np.stack([central_difference(lambda t, e=e: np.tanh(X + t * e) * (X + t * e), 0.0) for e in np.eye(3)], axis=1)
    np.testing.assert_allclose(result, expected, rtol=1e-7, atol=1e-9)
    np.testing.assert_array_equal(result, np.diag(np.diag(result)))


def test_jacobian_of_a_matrix_vector_product_is_the_matrix():
    np.testing.assert_allclose(jacobian(lambda x: A @ x)(X), A, rtol=1e-15)


def test_jacobian_of_a_matrix_function_has_shape_out_plus_in_and_matches_central_differences():
    B = np.array([[1.0, -2.0], [0.5, 3.0], [2.0, 1.0]])
    W = np.array([[0.2, -0.4, 1.0], [1.5, 0.3, -0.7]])

    def f(w):
        return (w @ B).tanh()

    result = jacobian(f)(W)
    assert result.shape == (2, 2, 2, 3)
    for index in np.ndindex(*W.shape):
        bump = np.zeros_like(W)
        bump[index] = 1.0
        column = central_difference(lambda t, bump=bump: np.tanh((W + t * bump) @ B), 0.0)
        np.testing.assert_allclose(result[(...,) + index], column, rtol=1e-7, atol=1e-9)


def test_jacobian_of_jacobian_is_the_third_order_tensor_of_an_elementwise_function():
    result = jacobian(jacobian(lambda x: x.sin()))(X)
    expected = np.zeros((3, 3, 3))
    for i in range(3):
        expected[i, i, i] = -np.sin(X[i])
    np.testing.assert_allclose(result, expected, rtol=1e-15, atol=1e-15)


def test_hessian_of_a_quadratic_is_its_matrix():
    np.testing.assert_allclose(hessian(quadratic)(X), A, rtol=1e-15)


def test_hessian_of_a_cubic_matches_its_hand_derivation():
    np.testing.assert_allclose(hessian(cubic)(X), cubic_hessian(X), rtol=1e-15)


def test_hvp_equals_the_hessian_times_the_vector():
    v = np.array([1.0, -2.0, 0.5])
    np.testing.assert_allclose(hvp(quadratic)(X, v), A @ v, rtol=1e-15)
    np.testing.assert_allclose(hvp(cubic)(X, v), cubic_hessian(X) @ v, rtol=1e-14)


def test_hvp_of_tensor_arguments_is_a_tensor():
    result = hvp(cubic)(Tensor(X, requires_grad=True), Tensor([1.0, 0.0, 0.0]))
    assert isinstance(result, Tensor)
    np.testing.assert_allclose(result.data, cubic_hessian(X)[:, 0], rtol=1e-15)
