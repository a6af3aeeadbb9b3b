"""linear(x, W, b): nn.Linear's op, one node with the numbers of x @ W + b."""

import numpy as np
import pytest

from autograd import Tensor, linear, no_grad


def _arrays(dtype, rows=5, inputs=3, outputs=4, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(rows, inputs)).astype(dtype), rng.normal(size=(inputs, outputs)).astype(dtype),
            rng.normal(size=outputs).astype(dtype))


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("needs", [(True, True, True), (False, True, True), (True, False, False), (False, False, True)])
def test_linear_is_one_node_with_the_numbers_of_matmul_then_add(dtype, needs):
    x, w, b = _arrays(dtype)
    tx, tw, tb = (Tensor(a, requires_grad=need) for a, need in zip((x, w, b), needs))
    out = linear(tx, tw, tb)
    assert out.op == "linear" and out.parents == (tx, tw, tb)
    np.testing.assert_array_equal(out.data, x @ w + b)
    assert out.dtype == dtype
    seed = np.random.default_rng(1).normal(size=out.shape).astype(dtype)
    out.backward(seed)
    expected = (seed @ w.T, x.T @ seed, seed.sum(axis=0, dtype=np.float64))
    for tensor, need, grad in zip((tx, tw, tb), needs, expected):
        if not need:
            assert tensor.grad is None
        elif tensor is tb:
            np.testing.assert_allclose(tb.grad, grad.astype(dtype), rtol=1e-2 if dtype == np.float16 else 1e-6)
            assert tb.grad.dtype == dtype
        else:
            np.testing.assert_array_equal(tensor.grad, grad)


def test_linear_without_a_bias_is_the_product_in_one_node():
    x, w, _ = _arrays(np.float64)
    tx, tw = Tensor(x, requires_grad=True), Tensor(w, requires_grad=True)
    out = linear(tx, tw)
    assert out.op == "linear" and out.parents == (tx, tw)
    out.backward(np.ones(out.shape))
    np.testing.assert_array_equal(tw.grad, x.T @ np.ones(out.shape))
    np.testing.assert_array_equal(tx.grad, np.ones(out.shape) @ w.T)


def test_linear_gives_the_same_gradients_as_matmul_and_add_in_an_mlp():
    x, w, b = _arrays(np.float32, rows=32, inputs=2, outputs=64)
    w2, b2 = np.random.default_rng(2).normal(size=(64, 2)).astype(np.float32), np.zeros(2, np.float32)
    grads = []
    for layer in (linear, lambda a, c, d: a @ c + d):
        params = [Tensor(a.copy(), requires_grad=True) for a in (w, b, w2, b2)]
        hidden = layer(Tensor(x), params[0], params[1]).relu()
        layer(hidden, params[2], params[3]).log_softmax(axis=1).sum().backward()
        grads.append([p.grad for p in params])
    for fused, composed in zip(*grads):
        np.testing.assert_array_equal(fused, composed)


def test_linear_of_a_batch_of_matrices_or_mixed_dtypes_is_matmul_and_add_as_written():
    x, w, b = _arrays(np.float64)
    stacked = linear(Tensor(np.stack([x, x]), requires_grad=True), Tensor(w, requires_grad=True), Tensor(b))
    assert stacked.op == "+" and stacked.parents[0].op == "matmul"
    np.testing.assert_array_equal(stacked.data, np.stack([x, x]) @ w + b)
    integers = linear(Tensor(np.arange(6).reshape(2, 3)), Tensor(w, requires_grad=True), Tensor(b))
    assert integers.dtype == np.float64  # the integer input takes the weight's dtype, as x @ W + b promotes
    np.testing.assert_array_equal(integers.data, np.arange(6.0).reshape(2, 3) @ w + b)


def test_linear_takes_arrays_as_constants_and_records_nothing_without_grad():
    x, w, b = _arrays(np.float64)
    out = linear(x, Tensor(w, requires_grad=True), b)
    assert out.op == "linear" and not out.parents[0].requires_grad and not out.parents[2].requires_grad
    with no_grad():
        quiet = linear(Tensor(x), Tensor(w, requires_grad=True), Tensor(b, requires_grad=True))
    assert quiet.parents == () and not quiet.requires_grad
    np.testing.assert_array_equal(quiet.data, x @ w + b)


def test_linear_names_itself_when_the_features_do_not_align():
    x, w, b = _arrays(np.float64)
    with pytest.raises(ValueError, match=r"linear: shapes \(5, 3\) and \(4, 3\) do not align"):
        linear(Tensor(x), Tensor(w.T.copy()), Tensor(b[:3]))
