"""numpy's ufuncs on nodes: those with an op in the table run it (graph kept), every other use is a clear TypeError."""

import numpy as np
import pytest
import torch

from autograd import Tensor, Value, no_grad, profile
from autograd.core import optable

from tests.finite_differences import numeric_gradient

RNG = np.random.default_rng(0)


def leaf(array):
    return Tensor(np.array(array, dtype=np.float64), requires_grad=True)


def _ufunc_cases(cls):
    return sorted(((ufunc.__name__, op) for ufunc, (op, _) in optable.ufunc_ops(cls).items()))


# --------------------------------------------------------------------------- every ufunc the table maps runs its op


def test_the_table_maps_the_ufuncs_of_every_tensor_op_that_has_one():
    names = dict(_ufunc_cases(Tensor))
    assert names["exp"] == "exp" and names["tanh"] == "tanh" and names["add"] == "+"
    assert names["matmul"] == "matmul" and names["less"] == "<" and names["absolute"] == "abs"


@pytest.mark.parametrize("name, op", _ufunc_cases(Tensor))
def test_a_ufunc_with_an_op_runs_it_on_a_tensor(name, op):
    ufunc = getattr(np, name)
    spec = optable.spec_of(op)
    a = spec.domain[0].sample(RNG, (2, 2)) if op != "matmul" else RNG.standard_normal((2, 2))
    if ufunc.nin == 1:
        out = ufunc(leaf(a))
        expected = ufunc(a)
    else:
        b = spec.domain[-1].sample(RNG, (2, 2)) if op != "matmul" else RNG.standard_normal((2, 2))
        if spec.domain[0].over is not None:
            a, b = optable.sample_operands(spec.domain, RNG, [(2, 2), (2, 2)])
        out = ufunc(leaf(a), b)
        expected = ufunc(a, b)
    assert isinstance(out, Tensor)
    np.testing.assert_array_equal(out.data, expected)
    if spec.differentiable:
        assert out.op == op and out.requires_grad


UNARY = [(name, op) for name, op in _ufunc_cases(Tensor) if getattr(np, name).nin == 1]


@pytest.mark.parametrize("name, op", UNARY)
def test_a_unary_ufunc_gives_the_gradient_of_its_op(name, op):
    a = optable.spec_of(op).domain[0].sample(RNG, (3,))
    t = leaf(a)
    getattr(np, name)(t).sum().backward()
    (expected,) = numeric_gradient(lambda x: getattr(np, name)(x).sum(), [a])
    np.testing.assert_allclose(t.grad, expected, rtol=1e-6, atol=1e-8)


def test_np_tanh_and_np_exp_give_pytorchs_gradients():
    a = RNG.standard_normal((2, 3))
    t = leaf(a)
    (np.tanh(t) * np.exp(t)).sum().backward()
    reference = torch.tensor(a, requires_grad=True)
    (torch.tanh(reference) * torch.exp(reference)).sum().backward()
    np.testing.assert_allclose(t.grad, reference.grad.numpy(), rtol=1e-12)


def test_np_add_with_an_ndarray_first_keeps_the_graph():
    a = RNG.standard_normal((2, 3))
    t = leaf(RNG.standard_normal((3,)))
    out = np.add(a, t)
    assert isinstance(out, Tensor) and out.op == "+"
    np.testing.assert_array_equal(out.data, a + t.data)
    out.sum().backward()
    np.testing.assert_array_equal(t.grad, [2.0, 2.0, 2.0])


def test_np_matmul_of_an_ndarray_and_a_weight_gives_its_gradient():
    x = RNG.standard_normal((4, 3))
    W = leaf(RNG.standard_normal((3, 2)))
    out = np.matmul(x, W)
    assert isinstance(out, Tensor) and out.op == "matmul"
    out.sum().backward()
    np.testing.assert_allclose(W.grad, x.T @ np.ones((4, 2)), rtol=1e-12)


def test_np_maximum_of_two_tensors_splits_ties_as_the_op_does():
    t, u = leaf([1.0, 5.0, 2.0]), leaf([3.0, 4.0, 2.0])
    out = np.maximum(t, u)
    assert out.op == "maximum"
    out.sum().backward()
    np.testing.assert_array_equal(t.grad, [0.0, 1.0, 0.5])
    np.testing.assert_array_equal(u.grad, [1.0, 0.0, 0.5])


def test_np_minimum_and_np_logaddexp_run_their_ops():
    t = leaf([1.0, -2.0])
    assert np.minimum(t, 0.0).op == "minimum"
    out = np.logaddexp(t, 0.0)
    assert out.op == "logaddexp"
    out.sum().backward()
    np.testing.assert_allclose(t.grad, 1 / (1 + np.exp(-t.data)), rtol=1e-12)


def test_np_comparisons_give_boolean_tensors():
    t = leaf([1.0, 2.0, 3.0])
    out = np.less(t, 2.0)
    assert isinstance(out, Tensor) and out.dtype == bool and not out.requires_grad
    np.testing.assert_array_equal(out.data, [True, False, False])
    np.testing.assert_array_equal((np.array([2.0, 2.0, 2.0]) < t).data, [False, False, True])


# --------------------------------------------------------------------------- an ndarray on the left of an operator


def test_ndarray_plus_tensor_is_a_tensor_with_a_graph():
    a = np.array([[1.0, 2.0], [3.0, 4.0]])
    t = leaf([[0.5, 0.5], [0.5, 0.5]])
    out = a + t
    assert isinstance(out, Tensor) and out.op == "+"
    (out * out).sum().backward()
    np.testing.assert_array_equal(t.grad, 2 * (a + 0.5))


def test_ndarray_matmul_tensor_is_a_tensor_with_a_graph():
    a = RNG.standard_normal((2, 3))
    W = leaf(RNG.standard_normal((3, 4)))
    out = a @ W
    assert isinstance(out, Tensor) and out.op == "matmul"
    out.sum().backward()
    np.testing.assert_allclose(W.grad, a.T @ np.ones((2, 4)), rtol=1e-12)


def test_a_numpy_scalar_times_a_float32_tensor_stays_float32():
    t = Tensor(np.ones(3, dtype=np.float32), requires_grad=True)
    out = np.float64(2.0) * t
    assert isinstance(out, Tensor) and out.dtype == np.float32 and out.op == "*"


def test_a_ufunc_under_no_grad_records_nothing():
    t = leaf([1.0, 2.0])
    with no_grad():
        out = np.exp(t)
    assert not out.requires_grad and out.parents == ()


# --------------------------------------------------------------------------- refused, with a message that says why


def test_a_ufunc_without_an_op_names_it_and_points_to_the_methods():
    with pytest.raises(TypeError, match=r"numpy\.isnan has no op for a Tensor.*the Tensor's methods \(t\.exp\(\)"):
        np.isnan(leaf([1.0]))


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda t: np.add.reduce(t), r"numpy\.add\.reduce .*use t\.sum\(\)"),
        (lambda t: np.add.accumulate(t), r"numpy\.add\.accumulate .*use t\.cumsum\(\)"),
        (lambda t: np.multiply.outer(t, t), r"numpy\.multiply\.outer .*the Tensor's methods"),
        (lambda t: np.add.at(t, [0], 1.0), r"numpy\.add\.at .*the Tensor's methods"),
    ],
    ids=["reduce", "accumulate", "outer", "at"],
)
def test_ufunc_methods_are_refused(call, name):
    with pytest.raises(TypeError, match=name):
        call(leaf([1.0, 2.0]))


@pytest.mark.parametrize(
    "call, arguments",
    [
        (lambda t: np.exp(t, out=np.empty(2)), "out"),
        (lambda t: np.add(t, 1.0, where=np.array([True, False])), "where"),
        (lambda t: np.exp(t, dtype=np.float32), "dtype"),
    ],
    ids=["out", "where", "dtype"],
)
def test_ufunc_keyword_arguments_are_refused(call, arguments):
    with pytest.raises(TypeError, match=rf"numpy\.\w+ on a Tensor: unsupported arguments \['{arguments}'\]"):
        call(leaf([1.0, 2.0]))


def test_adding_a_tensor_into_an_ndarray_in_place_is_refused_and_changes_nothing():
    a = np.zeros(2)
    with pytest.raises(TypeError, match=r"numpy\.add on a Tensor: unsupported arguments \['out'\]"):
        a += leaf([1.0, 2.0])
    np.testing.assert_array_equal(a, [0.0, 0.0])


# --------------------------------------------------------------------------- Value


def test_np_exp_of_a_value_is_its_exp_op():
    v = Value(0.5)
    out = np.exp(v)
    assert isinstance(out, Value) and out.op == "exp" and out.data == np.exp(0.5)
    out.backward()
    assert v.grad == np.exp(0.5)


def test_numpy_arithmetic_with_a_value_runs_the_value_op():
    v = Value(3.0)
    out = np.subtract(1.0, v)
    assert isinstance(out, Value) and out.op == "-" and out.data == -2.0
    out.backward()
    assert v.grad == -1.0
    assert (np.float64(2.0) * v).op == "*"


def test_a_numpy_scalar_compared_with_a_value_is_a_bool_as_before():
    v = Value(0.5)
    assert (np.float64(1.0) < v) == False  # noqa: E712  (a numpy bool)
    assert (np.float64(0.25) < v) == True  # noqa: E712


def test_a_ufunc_with_no_value_op_is_a_type_error_naming_it():
    with pytest.raises(TypeError, match=r"numpy\.maximum has no op for a Value.*the Value's methods \(v\.exp\(\)"):
        np.maximum(Value(1.0), 0.0)


def test_an_array_with_a_value_is_a_type_error():
    with pytest.raises(TypeError, match="unsupported operand ndarray"):
        np.ones(2) + Value(1.0)


def test_profile_counts_a_ufunc_under_its_op():
    t = leaf([1.0, 2.0])
    with profile() as prof:
        np.exp(t)
        np.add(np.ones(2), t)
    assert {op: entry.calls for op, entry in prof.stats.items()} == {"exp": 1, "+": 1}
