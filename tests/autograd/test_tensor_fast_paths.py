"""The first-order fast paths of the hot rules give what the general formulas give, in every dtype."""

import numpy as np
import pytest

from autograd import Tensor


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.longdouble])
@pytest.mark.parametrize("batch", [1, 5, 33])
def test_the_bias_gradient_is_the_column_sum_of_the_incoming_gradient(dtype, batch):
    rng = np.random.default_rng(batch)
    h = Tensor(rng.normal(size=(batch, 4)).astype(dtype), requires_grad=True)
    b = Tensor(rng.normal(size=4).astype(dtype), requires_grad=True)
    seed = rng.normal(size=(batch, 4)).astype(dtype)
    (h + b).backward(seed)
    assert b.grad.dtype == dtype and b.grad.shape == (4,) and b.grad.flags.writeable
    tolerance = {np.float16: 1e-2, np.float32: 1e-6}.get(dtype, 1e-14)
    np.testing.assert_allclose(b.grad.astype(np.float64), seed.astype(np.float64).sum(axis=0), rtol=tolerance,
                               atol=tolerance)
    np.testing.assert_array_equal(h.grad, seed)


def test_bias_gradients_of_successive_passes_are_arrays_of_their_own():
    b = Tensor(np.zeros(3, dtype=np.float32), requires_grad=True)
    h = Tensor(np.ones((2, 3), dtype=np.float32))
    (h + b).backward(np.ones((2, 3), dtype=np.float32))
    first = b.grad
    b.grad = None
    (h + b).backward(np.full((2, 3), 3.0, dtype=np.float32))
    first += 1.0  # the first pass's gradient is the caller's to change
    np.testing.assert_array_equal(b.grad, [6.0, 6.0, 6.0])
    np.testing.assert_array_equal(first, [3.0, 3.0, 3.0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_relu_gradient_is_the_incoming_gradient_where_the_input_is_positive(dtype):
    a = np.array([[-1.0, 0.0, 2.0, np.nan], [3.0, -0.0, 1e-30, -np.inf]], dtype=dtype)
    seed = np.array([[1.0, 2.0, np.inf, 4.0], [np.nan, 6.0, -7.0, 8.0]], dtype=dtype)
    x = Tensor(a, requires_grad=True)
    with np.errstate(invalid="ignore"):
        x.relu().backward(seed)
        expected = seed * (a > 0)
    assert x.grad.dtype == dtype
    np.testing.assert_array_equal(x.grad, expected)


@pytest.mark.parametrize("count", [3, 7, 10])
def test_the_float32_mean_gradient_is_one_over_n_rounded_once(count):
    x = Tensor(np.ones(count, dtype=np.float32), requires_grad=True)
    x.mean().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, np.full(count, np.float32(1) / np.float32(count)))


def test_zero_dimensional_results_are_arrays_and_zero_dimensional_leaves_get_gradient_arrays_of_their_own():
    a = Tensor(np.array(2.0, dtype=np.float32), requires_grad=True)
    b = Tensor(np.array(3.0, dtype=np.float32), requires_grad=True)
    x = Tensor(np.arange(4.0, dtype=np.float32), requires_grad=True)
    total = x.sum()
    scaled = total * 0.5
    loss = -(scaled * a) + (-b) + a * b + x.mean()
    for node in (total, scaled, loss):
        assert type(node.data) is np.ndarray and node.data.shape == () and node.dtype == np.float32
    loss.backward()
    assert a.grad == -3.0 + 3.0 and b.grad == -1.0 + 2.0
    for node in (a, b, total, scaled):
        assert type(node.grad) is np.ndarray and node.grad.shape == () and node.grad.dtype == np.float32
    assert a.grad is not b.grad and a.grad is not loss.grad and b.grad is not loss.grad
    np.testing.assert_array_equal(x.grad, np.full(4, -1.0 + 0.25, dtype=np.float32))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_seed_of_a_zero_dimensional_loss_is_a_writable_one_of_its_own(dtype):
    x = Tensor(np.ones(3, dtype=dtype), requires_grad=True)
    first, second = x.sum(), x.mean()
    first.backward()
    second.backward()
    assert first.grad.dtype == dtype and first.grad.shape == () and first.grad == 1
    first.grad += 1  # the caller's to change: the next seed is still 1
    assert second.grad == 1 and first.grad == 2


@pytest.mark.parametrize("shape", [(), (3,), (32, 64), (1100, 600)])  # the last one past the cached zeros' size
def test_relu_is_numpy_maximum_with_zero_for_every_shape_and_dtype_in_turn(shape):
    rng = np.random.default_rng(0)
    for dtype in (np.float64, np.float32, np.float64, np.int64):
        a = (rng.normal(size=shape) * 3).astype(dtype)
        if a.ndim and dtype != np.int64:
            a.flat[:4] = [np.nan, -np.inf, np.inf, -0.0]
        out = Tensor(a).relu()
        assert out.dtype == dtype and out.shape == shape
        np.testing.assert_array_equal(out.data, np.maximum(a, 0))
        out.data[...] = 7  # the result is an array of its own: writing it changes no later result
        np.testing.assert_array_equal(Tensor(-np.abs(np.nan_to_num(a))).relu().data, np.zeros(shape, dtype=dtype))


def _operands(layout, rng, dtype):
    """A (5, 4) and a (4, 3) array of ``dtype`` laid out as ``layout`` says."""
    a, b = rng.normal(size=(5, 4)), rng.normal(size=(4, 3))
    if layout == "owned":
        return a.astype(dtype), b.astype(dtype)
    if layout == "fortran":
        return np.asfortranarray(a.astype(dtype)), np.asfortranarray(b.astype(dtype))
    if layout == "strided":  # views matmul may not hand to BLAS as they are
        return rng.normal(size=(5, 8)).astype(dtype)[:, ::2], rng.normal(size=(8, 3)).astype(dtype)[::2]
    return a.astype(dtype).astype(dtype.newbyteorder()), b.astype(dtype).astype(dtype.newbyteorder())


@pytest.mark.parametrize("dtype", [np.dtype(np.float32), np.dtype(np.float64), np.dtype(np.float16)])
@pytest.mark.parametrize("layout", ["owned", "fortran", "strided", "byte-swapped"])
def test_matmul_and_its_gradients_are_numpys_matmul_to_the_bit(dtype, layout):
    rng = np.random.default_rng(3)
    x, w = _operands(layout, rng, dtype)
    a, b = Tensor(x, requires_grad=True), Tensor(w, requires_grad=True)
    out = a @ b
    np.testing.assert_array_equal(out.data, x @ w)
    seed = rng.normal(size=(5, 3)).astype(out.dtype)
    out.backward(seed)
    np.testing.assert_array_equal(a.grad, seed @ w.T)
    np.testing.assert_array_equal(b.grad, x.T @ seed)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_matmul_gradients_from_a_broadcast_incoming_gradient_are_numpys_matmul_to_the_bit(dtype):
    rng = np.random.default_rng(4)
    x, w = rng.normal(size=(6, 4)).astype(dtype), rng.normal(size=(4, 3)).astype(dtype)
    a, b = Tensor(x, requires_grad=True), Tensor(w, requires_grad=True)
    (a @ b).sum().backward()  # the sum's rule hands the product a broadcast view of ones
    ones = np.ones((6, 3), dtype=dtype)
    np.testing.assert_array_equal(a.grad, ones @ w.T)
    np.testing.assert_array_equal(b.grad, x.T @ ones)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_log_softmax_of_two_classes_is_the_reduce_formula_to_the_bit(dtype):
    logits = np.array([[0.5, -1.25], [-np.inf, 0.0], [1e30, -1e30], [np.nan, 1.0], [-0.0, 0.0], [3.0, 3.0],
                       [-87.0, 88.0]], dtype=dtype)
    with np.errstate(invalid="ignore"):
        shifted = logits - np.max(logits, axis=1, keepdims=True)
        expected = shifted - np.log(np.add.reduce(np.exp(shifted), 1, keepdims=True))
        out = Tensor(logits).log_softmax(axis=1)
    np.testing.assert_array_equal(out.data, expected)
    assert np.array_equal(np.signbit(out.data), np.signbit(expected))
