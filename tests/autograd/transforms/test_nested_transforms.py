"""A transform inside a differentiated function stays differentiable in every node it closes over.

fun(x) = x · grad(lambda y: x · y)(2.0) = x², so dfun/dx = 2x, whichever way the outer
differentiation runs: backward, gradcheck, gradgradcheck, grad, jacobian, hessian, hvp,
value_and_grad, and nestings of these.
"""

import numpy as np
import pytest

from autograd import (
    Tensor,
    Value,
    grad,
    gradcheck,
    gradgradcheck,
    hessian,
    hvp,
    jacobian,
    no_grad,
    value_and_grad,
)


def fun(x):
    return x * grad(lambda y: x * y)(2.0)


def test_backward_through_an_inner_grad_sees_the_closed_over_value():
    x = Value(1.5)
    fun(x).backward()
    assert x.grad == 3.0


def test_the_inner_grad_returns_a_value_with_a_graph_when_it_closes_over_a_value():
    x = Value(1.5)
    inner = grad(lambda y: x * y)(2.0)
    assert isinstance(inner, Value) and inner.data == 1.5 and inner.requires_grad


def test_gradcheck_of_a_function_with_an_inner_grad():
    assert gradcheck(fun, 1.0)
    assert gradcheck(fun, Value(0.7))


def test_gradgradcheck_of_a_function_with_an_inner_grad():
    assert gradgradcheck(fun, 1.0)
    assert gradgradcheck(lambda x: x * grad(lambda y: x * y**3)(x), 0.8)  # 3x³: second derivative 18x


def test_grad_of_a_function_with_an_inner_grad():
    assert grad(fun)(1.5) == 3.0
    assert grad(grad(fun))(1.5) == 2.0


def test_jacobian_of_a_closure_over_a_tensor_returns_a_tensor_with_a_graph():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    jac = jacobian(lambda y: x * y)(np.array([3.0, 4.0]))
    assert isinstance(jac, Tensor) and jac.requires_grad
    np.testing.assert_array_equal(jac.data, np.diag([1.0, 2.0]))
    (jac * np.array([[1.0, 5.0], [7.0, 2.0]])).sum().backward()
    np.testing.assert_array_equal(x.grad, [1.0, 2.0])


def test_backward_through_an_inner_grad_on_tensors():
    x = Tensor(np.array([1.0, -2.0, 3.0]), requires_grad=True)
    inner = grad(lambda y: (x * y).sum())(np.ones(3))  # = x
    (x * inner).sum().backward()  # Σ x²
    np.testing.assert_array_equal(x.grad, [2.0, -4.0, 6.0])


def test_jacobian_of_a_function_with_an_inner_grad():
    def f(x):
        return x * grad(lambda y: (x * y).sum())(np.ones(2))

    np.testing.assert_allclose(jacobian(f)(np.array([1.0, 2.0])), np.diag([2.0, 4.0]))


def test_value_and_grad_inside():
    def f(x):
        value, slope = value_and_grad(lambda y: x * y)(2.0)  # 2x and x
        return value + slope  # 3x

    x = Value(1.0)
    f(x).backward()
    assert x.grad == 3.0
    assert grad(f)(1.0) == 3.0


def test_hessian_inside():
    def f(x):
        return x * hessian(lambda y: x * y**2)(1.0)  # x · 2x

    x = Value(1.5)
    f(x).backward()
    assert x.grad == pytest.approx(6.0)
    assert gradcheck(f, 1.5)


def test_hvp_inside():
    def f(x):
        return x * hvp(lambda y: x * y**2)(1.0, 3.0)  # x · 2x · 3

    assert grad(f)(0.5) == pytest.approx(6.0)
    assert gradcheck(f, 0.5)


def test_jacobian_inside_on_values():
    def f(x):
        return x * jacobian(lambda y: x * y)(2.0)

    x = Value(1.25)
    f(x).backward()
    assert x.grad == 2.5


def test_three_levels_of_grad_each_closing_over_the_ones_outside():
    def outer(x):
        def middle(y):
            return grad(lambda z: x * y * z)(1.0)  # x·y

        return grad(middle)(1.0)  # x

    assert grad(outer)(4.0) == 1.0
    x = Value(4.0)
    (outer(x) * x).backward()
    assert x.grad == 8.0


def test_an_inner_variable_stays_apart_from_the_outer_one_it_was_made_from():
    assert grad(lambda x: grad(lambda y: x * y)(x))(2.0) == 1.0


def test_sibling_transforms_do_not_leak_their_variables():
    h = hessian(lambda x, y: x * x * y + y**3, argnums=(0, 1))(2.0, 3.0)
    assert h == ((6.0, 4.0), (4.0, 18.0))
    assert all(type(entry) is float for row in h for entry in row)


def test_plain_in_with_nothing_from_outside_gives_plain_out():
    assert type(grad(lambda y: y * y)(3.0)) is float
    assert type(jacobian(lambda y: y * 2.0)(np.ones(2))) is np.ndarray
    value, slope = value_and_grad(lambda y: y**3)(2.0)
    assert (type(value), type(slope)) == (float, float)


def test_a_gradient_that_does_not_depend_on_the_closed_over_node_is_plain():
    x = Value(1.5)
    assert type(grad(lambda y: x + y)(2.0)) is float


def test_inside_no_grad_an_inner_transform_records_no_graph():
    x = Value(1.5)
    with no_grad():
        inner = grad(lambda y: x * y)(2.0)
    assert type(inner) is float and inner == 1.5


def test_a_transforms_own_variables_do_not_keep_requiring_grad_after_it_returns():
    x = Value(1.5)
    inner = grad(lambda y: x * y * y)(2.0)  # 2xy at y = 2, a node depending on x
    assert isinstance(inner, Value)
    inner.backward()
    assert x.grad == 4.0
