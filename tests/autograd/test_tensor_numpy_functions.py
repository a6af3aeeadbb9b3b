"""numpy functions on Tensors: those with a Tensor op record it; no other silently drops the graph."""

import numpy as np
import pytest

from autograd import Tensor


@pytest.fixture
def t():
    return Tensor(np.array([[1.0, -2.0], [3.0, 0.5]]), requires_grad=True)


@pytest.mark.parametrize(
    "call, op",
    [
        (lambda t: np.sum(t, axis=0), "sum"),
        (lambda t: np.mean(t), "mean"),
        (lambda t: np.var(t, axis=1, keepdims=True), "var"),
        (lambda t: np.max(t), "max"),
        (lambda t: np.amin(t, axis=0), "min"),
        (lambda t: np.reshape(t, (4,)), "reshape"),
        (lambda t: np.transpose(t), "transpose"),
        (lambda t: np.swapaxes(t, 0, 1), "transpose"),
        (lambda t: np.squeeze(t[None]), "squeeze"),
        (lambda t: np.expand_dims(t, 0), "unsqueeze"),
        (lambda t: np.broadcast_to(t, (3, 2, 2)), "broadcast_to"),
        (lambda t: np.clip(t, 0.0, 2.0), "clip"),
        (lambda t: np.concatenate([t, np.ones((1, 2))]), "concatenate"),
        (lambda t: np.stack([t, t], axis=1), "stack"),
        (lambda t: np.sort(t, axis=0), "sort"),
        (lambda t: np.einsum("ij,jk->ik", t, t), "einsum"),
        (lambda t: np.prod(t, axis=1), "prod"),
        (lambda t: np.pad(t, 1), "pad"),
        (lambda t: np.where(t.data > 0, t, 0.0), "where"),
    ],
)
def test_a_numpy_function_with_a_tensor_op_records_it(t, call, op):
    out = call(t)
    assert isinstance(out, Tensor) and out.op == op and out.parents
    out.sum().backward()
    assert t.grad.shape == t.shape


def test_numpy_sum_gives_the_gradient_of_the_tensor_sum(t):
    np.sum(t * t).backward()
    np.testing.assert_array_equal(t.grad, 2 * t.data)


def test_numpy_functions_that_answer_with_no_float_array_work_on_the_values(t):
    assert np.allclose(t, t.data)
    assert np.argmax(t) == 2
    assert np.shape(t) == (2, 2)
    np.testing.assert_allclose(t, t.data)


def test_a_numpy_function_without_a_tensor_op_runs_on_a_constant(t):
    out = np.cumprod(t.detach(), axis=1)
    assert isinstance(out, np.ndarray)
    np.testing.assert_array_equal(out, [[1.0, -2.0], [3.0, 1.5]])


def test_a_numpy_function_that_would_drop_the_graph_is_a_type_error(t):
    with pytest.raises(TypeError, match=r"numpy.cumprod has no Tensor op, so its result would have no gradient"):
        np.cumprod(t)


def test_a_numpy_reduction_with_arguments_the_op_lacks_is_a_type_error(t):
    with pytest.raises(TypeError, match=r"numpy.sum on a Tensor: unsupported arguments \['dtype'\]"):
        np.sum(t, dtype=np.float32)


def test_a_numpy_ufunc_without_an_op_is_refused(t):
    with pytest.raises(TypeError, match="numpy.cbrt has no op for a Tensor"):
        np.cbrt(t)
