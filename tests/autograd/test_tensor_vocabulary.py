"""The vocabulary the Tensor rules are written in: sum_to, broadcast_to, where, scatter_add, softmax."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograd import Tensor
from autograd import vocabulary as V


@given(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=4, max_side=3))
def test_sum_to_undoes_broadcasting_for_every_shape_pair(shapes):
    small = shapes.input_shapes[0]
    big = shapes.result_shape
    g = np.arange(1, 1 + int(np.prod(big)), dtype=np.float64).reshape(big)
    summed = V.sum_to(g, small)
    assert isinstance(summed, np.ndarray) and summed.shape == small
    # each element of the small array receives the sum of the gradients of all its copies
    reference = np.zeros(small)
    for index in np.ndindex(big):
        reference[tuple(i if n != 1 else 0 for i, n in zip(index[len(big) - len(small) :], small))] += g[index]
    np.testing.assert_allclose(summed, reference)


def test_sum_to_returns_its_input_when_the_shapes_match():
    g = np.ones((2, 3))
    assert V.sum_to(g, (2, 3)) is g


def test_sum_to_on_a_tensor_is_recorded():
    g = Tensor(np.ones((4, 2, 3)), requires_grad=True)
    summed = V.sum_to(g, (2, 1))
    assert isinstance(summed, Tensor) and summed.shape == (2, 1)
    np.testing.assert_array_equal(summed.data, [[12.0], [12.0]])
    summed.sum().backward()
    np.testing.assert_array_equal(g.grad, np.ones((4, 2, 3)))


def test_sum_to_keeps_float32():
    assert V.sum_to(np.ones((3, 2), np.float32), (2,)).dtype == np.float32


def test_sum_to_a_shape_that_is_not_a_broadcast_source_is_a_value_error():
    with pytest.raises(ValueError, match=r"sum_to: an array of shape \(2, 3\) does not sum down to shape \(2,\)"):
        V.sum_to(np.ones((2, 3)), (2,))


def test_broadcast_to_gives_a_writable_array_of_its_own():
    out = V.broadcast_to(np.array([1.0, 2.0]), (3, 2))
    assert out.flags.writeable and out.flags.owndata
    np.testing.assert_array_equal(out, [[1.0, 2.0]] * 3)


def test_broadcast_to_a_numpy_scalar_keeps_its_dtype():
    out = V.broadcast_to(np.float32(2.0), (2, 2))
    assert out.dtype == np.float32 and out.shape == (2, 2)


def test_broadcast_to_on_a_tensor_is_recorded_and_sums_back():
    a = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    out = V.broadcast_to(a, (3, 2))
    assert isinstance(out, Tensor) and out.op == "broadcast_to"
    out.sum().backward()
    np.testing.assert_array_equal(a.grad, [3.0, 3.0])


def test_broadcast_to_an_incompatible_shape_is_a_value_error():
    with pytest.raises(ValueError, match=r"broadcast_to: cannot broadcast shape \(3,\) to shape \(2, 2\)"):
        V.broadcast_to(np.ones(3), (2, 2))


def test_where_on_arrays_and_on_tensors():
    cond = np.array([True, False, True])
    np.testing.assert_array_equal(V.where(cond, np.ones(3), 0), [1.0, 0.0, 1.0])
    a = Tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    out = V.where(cond, a, 0)
    assert isinstance(out, Tensor)
    out.sum().backward()
    np.testing.assert_array_equal(a.grad, [1.0, 0.0, 1.0])


@pytest.mark.parametrize("cond, picked", [(True, "x"), (False, "y"), (np.bool_(True), "x")])
def test_where_with_a_scalar_condition_picks_a_branch(cond, picked):
    x, y = object(), object()
    assert V.where(cond, x, y) is (x if picked == "x" else y)


@pytest.mark.parametrize("unique", [True, False])
def test_scatter_add_puts_the_gradient_in_place(unique):
    out = V.scatter_add(np.array([1.0, 2.0]), (slice(None), 1), (2, 3), unique=unique)
    np.testing.assert_array_equal(out, [[0.0, 1.0, 0.0], [0.0, 2.0, 0.0]])


def test_scatter_add_sums_repeated_indices():
    out = V.scatter_add(np.array([1.0, 2.0, 4.0]), np.array([0, 2, 0]), (3,))
    np.testing.assert_array_equal(out, [5.0, 0.0, 2.0])


def test_scatter_add_on_a_tensor_differentiates_as_indexing():
    g = Tensor(np.array([1.0, 2.0, 4.0]), requires_grad=True)
    out = V.scatter_add(g, np.array([0, 2, 0]), (3,))
    (out * Tensor(np.array([10.0, 20.0, 30.0]))).sum().backward()
    np.testing.assert_array_equal(g.grad, [10.0, 30.0, 10.0])


@given(st.integers(0, 4))
def test_softmax_on_arrays_matches_tensors(seed):
    x = np.random.default_rng(seed).standard_normal((2, 3))
    np.testing.assert_allclose(V.softmax(x, 1), Tensor(x).softmax(axis=1).data)
    assert isinstance(V.softmax(Tensor(x), 1), Tensor)
