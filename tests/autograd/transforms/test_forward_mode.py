"""Forward mode: jvp against closed forms and central differences; jacfwd = jacrev = jacobian; nesting; bad input."""

import math

import numpy as np
import pytest

from autograd import (
    Tensor,
    Value,
    grad,
    gradcheck,
    hessian,
    jacfwd,
    jacobian,
    jacrev,
    jvp,
    no_grad,
)

RNG = np.random.default_rng(7)
A = RNG.standard_normal((4, 3))
B = RNG.standard_normal((3, 2))


def central_jvp(f_plain, primals, tangents, eps=1e-6):
    """(f(x + εv) - f(x - εv)) / 2ε in float64."""
    plus = f_plain(*[np.asarray(p, dtype=np.float64) + eps * np.asarray(t) for p, t in zip(primals, tangents)])
    minus = f_plain(*[np.asarray(p, dtype=np.float64) - eps * np.asarray(t) for p, t in zip(primals, tangents)])
    return (np.asarray(plus) - np.asarray(minus)) / (2 * eps)


# --------------------------------------------------------------------------- closed forms


def test_jvp_of_a_cube_is_its_value_and_3x2_times_the_tangent():
    assert jvp(lambda x: x**3, (2.0,), (1.0,)) == (8.0, 12.0)
    assert jvp(lambda x: x**3, (2.0,), (0.5,)) == (8.0, 6.0)


def test_jvp_of_two_arguments_sums_both_directional_derivatives():
    out, tangent = jvp(lambda x, y: x * y + y.sin(), (2.0, 0.5), (1.0, -2.0))
    assert out == pytest.approx(1.0 + math.sin(0.5))
    assert tangent == pytest.approx(0.5 * 1.0 + (2.0 + math.cos(0.5)) * -2.0)


def test_jvp_of_the_notes_function_gives_each_partial_along_an_axis():
    def f(a, b, c):
        return 3 * (a + b * c)

    primals = (5.0, 3.0, 2.0)
    assert [jvp(f, primals, e)[1] for e in ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0))] == [3.0, 6.0, 9.0]


def test_jvp_of_a_matrix_function_is_the_chain_rule_by_hand():
    x, v = RNG.standard_normal(3), RNG.standard_normal(3)
    out, tangent = jvp(lambda t: (Tensor(A) @ t).tanh(), (x,), (v,))
    np.testing.assert_allclose(out, np.tanh(A @ x))
    np.testing.assert_allclose(tangent, (1 - np.tanh(A @ x) ** 2) * (A @ v))
    assert type(out) is np.ndarray and type(tangent) is np.ndarray


FUNCTIONS = {
    "elementwise": (lambda x: x.exp() * x.sin(), lambda x: np.exp(x) * np.sin(x), [(3,)]),
    "matrix": (lambda x: (x @ Tensor(B)).relu() + 1.0, lambda x: np.maximum(x @ B, 0) + 1.0, [(4, 3)]),
    "reduction": (lambda x: x.softmax(axis=-1).sum(axis=0) * x.mean(), None, [(2, 3)]),
    "two inputs": (
        lambda x, y: (x * y).sum(axis=1) / (1.0 + y.sum() ** 2),
        lambda x, y: (x * y).sum(axis=1) / (1.0 + y.sum() ** 2),
        [(2, 3), (3,)],
    ),
    "scalar out": (lambda x: (x**2).sum().sqrt(), lambda x: np.sqrt((x**2).sum()), [(5,)]),
}


def _softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


FUNCTIONS["reduction"] = (
    FUNCTIONS["reduction"][0],
    lambda x: _softmax(x).sum(axis=0) * x.mean(),
    FUNCTIONS["reduction"][2],
)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_jvp_matches_central_differences(name):
    f, f_plain, shapes = FUNCTIONS[name]
    primals = tuple(RNG.standard_normal(shape) + 0.1 for shape in shapes)
    tangents = tuple(RNG.standard_normal(shape) for shape in shapes)
    out, tangent = jvp(f, primals, tangents)
    np.testing.assert_allclose(out, f_plain(*primals), rtol=1e-12)
    np.testing.assert_allclose(tangent, central_jvp(f_plain, primals, tangents), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_jacfwd_equals_jacrev_equals_jacobian(name):
    f, _, shapes = FUNCTIONS[name]
    primals = tuple(RNG.standard_normal(shape) + 0.1 for shape in shapes)
    argnums = tuple(range(len(shapes)))
    forward, reverse, reference = (mode(f, argnums)(*primals) for mode in (jacfwd, jacrev, jacobian))
    for fwd, rev, ref, shape in zip(forward, reverse, reference, shapes):
        assert fwd.shape == ref.shape == np.shape(f(*map(Tensor, primals)).data) + shape
        np.testing.assert_allclose(fwd, ref, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(rev, ref, rtol=0, atol=0)


def test_jacrev_is_jacobian():
    assert jacrev is jacobian


def test_jacfwd_of_a_scalar_function_of_a_float_is_a_float():
    result = jacfwd(lambda x: x.tanh() * x)(0.4)
    assert type(result) is float
    assert result == pytest.approx(math.tanh(0.4) + 0.4 * (1 - math.tanh(0.4) ** 2))


def test_jacfwd_of_a_list_of_values():
    np.testing.assert_allclose(jacfwd(lambda x: [x, x * x, x.exp()])(1.0), [1.0, 2.0, math.e])


def test_jacfwd_of_jacrev_is_the_hessian():
    def f(x):
        return (x.sin() * x.sum()).sum()

    x = RNG.standard_normal(3)
    np.testing.assert_allclose(jacfwd(jacrev(f))(x), hessian(f)(x), rtol=1e-12)


def test_jacfwd_keeps_float32():
    x = np.array([1.0, 2.0], dtype=np.float32)
    assert jacfwd(lambda t: t * t)(x).dtype == np.float32


# --------------------------------------------------------------------------- kinds in, kinds out


def test_values_in_give_values_out():
    out, tangent = jvp(lambda x: x * x, (Value(3.0),), (1.0,))
    assert isinstance(out, Value) and isinstance(tangent, Value)
    assert (out.data, tangent.data) == (9.0, 6.0)


def test_tensors_in_give_tensors_out_and_leave_their_grad_alone():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    out, tangent = jvp(lambda t: t**2, (x,), (np.array([1.0, 1.0]),))
    assert isinstance(out, Tensor) and isinstance(tangent, Tensor)
    np.testing.assert_array_equal(tangent.data, [2.0, 4.0])
    assert x.grad is None


def test_tangents_may_be_lists_and_ints():
    _, tangent = jvp(lambda x: x * 2.0, ([1.0, 2.0],), ([1, 0],))
    np.testing.assert_array_equal(tangent, [2.0, 0.0])


def test_a_constant_function_has_a_zero_tangent():
    assert jvp(lambda x: 5.0, (2.0,), (1.0,)) == (5.0, 0.0)
    _, tangent = jvp(lambda x: Tensor(np.ones(3)), (np.ones(2),), (np.ones(2),))
    np.testing.assert_array_equal(tangent, np.zeros(3))


def test_jvp_inside_no_grad_gives_plain_results():
    x = Value(2.0)
    with no_grad():
        out, tangent = jvp(lambda y: x * y * y, (3.0,), (1.0,))
    assert (type(out), type(tangent)) == (float, float) and tangent == 12.0


# --------------------------------------------------------------------------- nesting


def test_grad_of_a_jvp():
    # d/dx [d/dy (x·y²) at y=3] = d/dx 6x = 6
    assert grad(lambda x: jvp(lambda y: x * y * y, (3.0,), (1.0,))[1])(2.0) == 6.0
    # d/dx [3x²] = 6x
    assert grad(lambda x: jvp(lambda y: y**3, (x,), (1.0,))[1])(2.0) == 12.0


def test_jvp_of_a_grad_is_the_second_derivative():
    _, second = jvp(grad(lambda x: x.sin() * x), (0.7,), (1.0,))
    assert second == pytest.approx(2 * math.cos(0.7) - 0.7 * math.sin(0.7))


def test_backward_through_a_jvp_that_closes_over_a_value():
    x = Value(2.0)
    _, tangent = jvp(lambda y: x * y * y, (3.0,), (1.0,))  # x·y², 2xy
    assert isinstance(tangent, Value) and tangent.data == 12.0
    tangent.backward()
    assert x.grad == 6.0


def test_gradcheck_of_a_function_using_jvp():
    def f(x):
        return jvp(lambda y: (x * y).tanh(), (np.array([0.5, -1.0]),), (np.array([1.0, 2.0]),))[1].sum()

    assert gradcheck(f, np.array([0.3, 0.8]))


def test_a_tangent_that_requires_grad_stays_differentiable():
    v = Value(2.0)
    _, tangent = jvp(lambda y: y**3, (1.5,), (v,))
    tangent.backward()  # J·v = 3y²·v
    assert v.grad == pytest.approx(3 * 1.5**2)


# --------------------------------------------------------------------------- bad input


def test_a_tangent_of_the_wrong_shape_is_a_value_error_naming_both():
    with pytest.raises(ValueError, match=r"tangents\[1\] has shape \(3,\) but primals\[1\] has shape \(2,\)"):
        jvp(lambda x, y: x * y, (1.0, np.ones(2)), (1.0, np.ones(3)))


def test_a_tangent_for_a_scalar_that_is_an_array_is_a_value_error():
    with pytest.raises(ValueError, match=r"tangents\[0\] has shape \(2,\) but primals\[0\] has shape \(\)"):
        jvp(lambda x: x, (1.0,), (np.ones(2),))


def test_tangents_and_primals_of_different_lengths_is_a_value_error():
    with pytest.raises(ValueError, match="primals has 2 entries but tangents has 1"):
        jvp(lambda x, y: x * y, (1.0, 2.0), (1.0,))


def test_primals_not_a_tuple_is_a_type_error():
    with pytest.raises(TypeError, match="jvp: primals must be a tuple"):
        jvp(lambda x: x, 1.0, (1.0,))


def test_a_tangent_that_is_not_a_number_is_a_type_error():
    with pytest.raises(TypeError, match=r"jvp: tangents\[0\] must be a number"):
        jvp(lambda x: x, (1.0,), ("one",))


def test_jacfwd_of_something_not_callable_is_a_type_error():
    with pytest.raises(TypeError, match="jacfwd"):
        jacfwd(3.0)
