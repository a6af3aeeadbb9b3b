"""User-defined ops: forward on payloads, rule in autograd's ops, first and second order."""

import math

import numpy as np
import pytest

from autograd import Value
from autograd.transforms.primitive import primitive
from autograd.vocabulary import sigmoid
from tests.finite_differences import central_difference


@primitive
def softplus(x):
    """softplus(x) = log(1 + e^x)."""
    return np.logaddexp(0.0, x)


@softplus.defvjp
def softplus_vjp(g, out, x):
    return (g * sigmoid(x),)


@primitive
def scaled_product(a, b, scale=1.0):
    """scale · a · b."""
    return scale * a * b


@scaled_product.defvjp
def scaled_product_vjp(g, out, a, b, scale=1.0):
    return g * scale * b, g * scale * a


def exact_sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


def test_a_user_op_on_a_value_gives_a_value_named_after_the_op():
    y = softplus(Value(0.5))
    assert isinstance(y, Value) and y.op == "softplus"
    assert y.data == pytest.approx(math.log1p(math.exp(0.5)), abs=1e-15)


def test_a_user_op_on_plain_numbers_just_runs_its_forward():
    assert softplus(0.5) == pytest.approx(math.log1p(math.exp(0.5)), abs=1e-15)


@pytest.mark.parametrize("x", [-2.0, -0.3, 0.0, 0.7, 3.0])
def test_user_op_first_derivative_matches_finite_differences(x):
    v = Value(x)
    softplus(v).backward()
    numeric = central_difference(lambda t: math.log1p(math.exp(t)), x)
    assert v.grad == pytest.approx(numeric, abs=1e-8)


@pytest.mark.parametrize("x", [-2.0, 0.0, 1.5])
def test_user_op_second_derivative_matches_finite_differences(x):
    v = Value(x)
    softplus(v).backward(create_graph=True)
    first = v.grad
    v.grad = 0.0
    first.backward()
    numeric = central_difference(exact_sigmoid, x)
    assert v.grad == pytest.approx(numeric, abs=1e-8)


def test_user_op_parameters_reach_forward_and_rule():
    a, b = Value(2.0), Value(-3.0)
    y = scaled_product(a, b, scale=0.5)
    y.backward()
    assert (y.data, a.grad, b.grad) == (-3.0, -1.5, 1.0)


def test_user_op_lifts_numbers_to_constants():
    a = Value(2.0)
    y = scaled_product(a, 4.0)
    y.backward()
    assert (y.data, a.grad) == (8.0, 4.0)


def test_a_rule_returning_the_wrong_number_of_gradients_is_refused_by_name():
    @primitive
    def twice(x):
        return 2.0 * x

    @twice.defvjp
    def twice_vjp(g, out, x):
        return (2.0 * g, g)

    y = twice(Value(1.0))
    with pytest.raises(TypeError, match=r"twice: .*one gradient per input \(1\), got 2 entries"):
        y.backward()


def test_a_user_op_without_a_rule_says_how_to_give_one():
    @primitive
    def cube(x):
        return x**3

    with pytest.raises(TypeError, match="cube: no derivative rule; define one with @cube.defvjp"):
        cube(Value(1.0))


def test_a_user_op_on_a_tensor_keeps_the_tensor_dtype():
    from autograd import Tensor

    x = Tensor(np.array([-1.0, 0.0, 2.0], dtype=np.float32), requires_grad=True)
    y = softplus(x)
    y.sum().backward()
    assert (y.dtype, x.grad.dtype, y.op) == (np.float32, np.float32, "softplus")


def test_a_user_op_on_broadcast_tensors_passes_gradcheck_first_and_second_order():
    from autograd import Tensor, gradcheck, gradgradcheck

    rng = np.random.default_rng(0)
    a = Tensor(rng.normal(size=(3, 4)), requires_grad=True)
    b = Tensor(rng.normal(size=(4,)), requires_grad=True)
    assert gradcheck(lambda a, b: softplus(scaled_product(a, b, scale=0.7)), a, b)
    assert gradgradcheck(lambda a, b: softplus(scaled_product(a, b, scale=0.7)), a, b)


def test_a_user_op_on_a_value_passes_gradgradcheck():
    from autograd import gradgradcheck

    assert gradgradcheck(lambda x, y: softplus(scaled_product(x, y)), Value(0.4), Value(-1.3))


def test_a_user_op_refuses_mixing_values_and_tensors():
    from autograd import Tensor

    with pytest.raises(TypeError, match="scaled_product: cannot mix Value and Tensor inputs"):
        scaled_product(Value(1.0), Tensor([1.0, 2.0]))


def test_a_rule_returning_a_gradient_of_the_wrong_shape_names_the_op_the_input_and_both_shapes():
    from autograd import Tensor

    @primitive
    def rowsum(x):
        return x.sum(axis=1)

    @rowsum.defvjp
    def rowsum_vjp(g, out, x):
        return (g,)  # wrong: should be broadcast back to x's shape

    x = Tensor(np.ones((2, 3)), requires_grad=True)
    y = rowsum(x)
    with pytest.raises(ValueError, match=r"rowsum: the rule's gradient for input 0 has shape \(2,\), "
                                         r"which does not reduce to the input's shape \(2, 3\)"):
        y.sum().backward()


def test_a_rule_returning_an_array_for_a_value_input_is_refused():
    @primitive
    def halve(x):
        return x / 2

    @halve.defvjp
    def halve_vjp(g, out, x):
        return ("half",)

    y = halve(Value(1.0))
    with pytest.raises(TypeError, match="halve: the rule's gradient for input 0 must be a number, got str"):
        y.backward()
