"""softmax, log_softmax, logsumexp and sigmoid stay finite for huge logits, values and gradients alike."""

import numpy as np
import pytest

from autograd import Tensor

LOGITS = np.array([[1e4, 0.0, -1e4], [-1e4, -1e4 + 2.0, -1e4 + 1.0], [1e4, 1e4, -1e4]])
SEED = np.array([[1.0, -2.0, 0.5], [0.3, 0.2, -1.0], [2.0, 1.0, 0.0]])


def exact_softmax(z):
    shifted = z - z.max(axis=-1, keepdims=True)
    return np.exp(shifted) / np.exp(shifted).sum(axis=-1, keepdims=True)


@pytest.fixture(autouse=True)
def no_floating_point_warnings():
    with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
        yield


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_softmax_of_huge_logits_is_finite_with_finite_gradients(dtype):
    z = Tensor(LOGITS.astype(dtype), requires_grad=True)
    p = z.softmax(axis=-1)
    np.testing.assert_allclose(p.data, exact_softmax(LOGITS), atol=1e-6)
    p.backward(SEED.astype(dtype))
    expected = exact_softmax(LOGITS) * (SEED - (SEED * exact_softmax(LOGITS)).sum(axis=-1, keepdims=True))
    assert p.dtype == z.grad.dtype == dtype
    np.testing.assert_allclose(z.grad, expected, atol=1e-6)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_log_softmax_of_huge_logits_is_finite_with_finite_gradients(dtype):
    z = Tensor(LOGITS.astype(dtype), requires_grad=True)
    out = z.log_softmax(axis=-1)
    assert np.all(np.isfinite(out.data))
    np.testing.assert_allclose(out.data[0], [0.0, -1e4, -2e4], rtol=1e-6)
    out.backward(SEED.astype(dtype))
    expected = SEED - exact_softmax(LOGITS) * SEED.sum(axis=-1, keepdims=True)
    np.testing.assert_allclose(z.grad, expected, atol=1e-5)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_logsumexp_of_huge_logits_is_finite_with_finite_gradients(dtype):
    z = Tensor(LOGITS.astype(dtype), requires_grad=True)
    out = z.logsumexp(axis=-1)
    np.testing.assert_allclose(out.data, [1e4, -1e4 + 2.0 + np.log(1 + np.exp(-1) + np.exp(-2)), 1e4 + np.log(2)])
    out.sum().backward()
    np.testing.assert_allclose(z.grad, exact_softmax(LOGITS), atol=1e-6)


def test_logsumexp_over_everything_of_huge_logits():
    z = Tensor(np.array([1e4, -1e4, 1e4]), requires_grad=True)
    out = z.logsumexp()
    assert out.item() == pytest.approx(1e4 + np.log(2))
    out.backward()
    np.testing.assert_allclose(z.grad, [0.5, 0.0, 0.5])


def test_sigmoid_of_huge_inputs_saturates_without_overflow():
    z = Tensor(np.array([-1e4, -50.0, 0.0, 50.0, 1e4]), requires_grad=True)
    s = z.sigmoid()
    np.testing.assert_allclose(s.data, [0.0, np.exp(-50.0), 0.5, 1.0, 1.0], rtol=1e-12, atol=0)
    s.sum().backward()
    np.testing.assert_allclose(z.grad, [0.0, np.exp(-50.0), 0.25, 0.0, 0.0], rtol=1e-9, atol=1e-300)


def test_softmax_cross_entropy_gradient_is_softmax_minus_one_hot():
    """The course notes' dJ/dZ = Ŷ − Y (divided by the batch size for a mean), even for huge logits."""
    labels = np.array([0, 2, 1])
    z = Tensor(LOGITS, requires_grad=True)
    loss = -z.log_softmax(axis=-1)[np.arange(3), labels].mean()
    assert np.isfinite(loss.item())
    loss.backward()
    one_hot = np.eye(3)[labels]
    np.testing.assert_allclose(z.grad, (exact_softmax(LOGITS) - one_hot) / 3, atol=1e-12)


# log_softmax along the last axis for few and many rows and classes, with logits spread wide enough to need the shift.
@pytest.mark.parametrize("shape", [(3, 5), (5, 3), (32, 2), (2, 2), (64, 64), (70, 65), (4, 3, 2), (3,)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_log_softmax_along_the_last_axis_for_any_count_of_rows_and_classes(shape, dtype):
    rng = np.random.default_rng(3)
    logits = rng.normal(scale=30.0, size=shape)
    seed = rng.normal(size=shape)
    z = Tensor(logits.astype(dtype), requires_grad=True)
    out = z.log_softmax(axis=-1)
    out.backward(seed.astype(dtype))
    exact = np.log(exact_softmax(logits))
    expected_grad = seed - exact_softmax(logits) * seed.sum(axis=-1, keepdims=True)
    tolerance = 1e-4 if dtype == np.float32 else 1e-12
    assert out.dtype == z.grad.dtype == dtype and out.shape == z.grad.shape == shape
    np.testing.assert_allclose(out.data, exact, rtol=tolerance, atol=tolerance)
    np.testing.assert_allclose(z.grad, expected_grad, rtol=tolerance, atol=tolerance)
