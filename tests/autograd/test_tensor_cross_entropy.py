"""Tensor.cross_entropy: the fused softmax + cross-entropy node for integer class labels."""

import numpy as np
import pytest

from autograd import Tensor, gradcheck, gradgradcheck


def log_softmax(z):
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


RNG = np.random.default_rng(7)
Z = RNG.normal(size=(6, 4))
LABELS = RNG.integers(0, 4, size=6)


def test_cross_entropy_is_minus_the_log_softmax_of_each_label():
    losses = Tensor(Z).cross_entropy(LABELS)
    expected = -log_softmax(Z)[np.arange(6), LABELS]
    np.testing.assert_allclose(losses.data, expected, rtol=1e-13, atol=0)


def test_cross_entropy_gradient_is_softmax_minus_one_hot():
    z = Tensor(Z, requires_grad=True)
    z.cross_entropy(LABELS).sum().backward()
    expected = np.exp(log_softmax(Z)) - np.eye(4)[LABELS]
    np.testing.assert_allclose(z.grad, expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("shape", [(6, 4), (2, 3, 4), (4,)])
def test_cross_entropy_first_and_second_derivatives_match_finite_differences(shape):
    z = RNG.normal(size=shape)
    labels = RNG.integers(0, 4, size=shape[:-1])
    assert gradcheck(lambda a: a.cross_entropy(labels), z)
    assert gradgradcheck(lambda a: a.cross_entropy(labels), z)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cross_entropy_of_huge_logits_is_finite_and_keeps_the_dtype(dtype):
    z = Tensor(np.array([[1e4, -1e4, 0.0]], dtype=dtype), requires_grad=True)
    loss = z.cross_entropy(np.array([1]))
    loss.sum().backward()
    assert loss.dtype == dtype and z.grad.dtype == dtype
    np.testing.assert_array_equal(loss.data, np.array([2e4], dtype=dtype))
    np.testing.assert_array_equal(z.grad, np.array([[1.0, -1.0, 0.0]], dtype=dtype))


def test_cross_entropy_refuses_labels_out_of_range():
    with pytest.raises(ValueError, match=r"cross_entropy: class label 4 is out of range for 4 classes \(0 .. 3\)"):
        Tensor(Z).cross_entropy(np.array([0, 1, 2, 3, 4, 0]))


def test_cross_entropy_refuses_labels_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"logits of shape \(6, 4\) need labels of shape \(6,\), got \(5,\)"):
        Tensor(Z).cross_entropy(LABELS[:5])


def test_cross_entropy_refuses_float_labels():
    with pytest.raises(TypeError, match="cross_entropy: labels must be integers, got dtype float64"):
        Tensor(Z).cross_entropy(LABELS.astype(float))


@pytest.mark.parametrize("scale", [1.0, 1e4])
def test_cross_entropy_of_two_classes_matches_the_log_softmax_and_differentiates_twice(scale):
    z = RNG.normal(size=(7, 2)) * scale
    labels = RNG.integers(0, 2, size=7)
    losses = Tensor(z).cross_entropy(labels)
    np.testing.assert_allclose(losses.data, -log_softmax(z)[np.arange(7), labels], rtol=1e-13, atol=0)
    small = RNG.normal(size=(7, 2))
    assert gradcheck(lambda a: a.cross_entropy(labels), small)
    assert gradgradcheck(lambda a: a.cross_entropy(labels), small)


# The node works on the logits transposed (a row per class) for a few classes and more samples, else row by row:
# shapes on both sides of that choice, and past its 64-class limit.
@pytest.mark.parametrize("shape", [(3, 5), (5, 3), (1, 2), (2, 2), (64, 64), (65, 65), (70, 66), (4, 3, 2)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cross_entropy_values_and_gradient_for_any_count_of_samples_and_classes(shape, dtype):
    z = RNG.normal(size=shape).astype(dtype)
    labels = RNG.integers(0, shape[-1], size=shape[:-1])
    logits = Tensor(z, requires_grad=True)
    losses = logits.cross_entropy(labels)
    weights = RNG.uniform(0.5, 2.0, size=shape[:-1])
    (losses * Tensor(weights.astype(dtype))).sum().backward()
    picked = np.take_along_axis(log_softmax(z.astype(np.float64)), labels[..., None], axis=-1)[..., 0]
    one_hot = np.eye(shape[-1])[labels]
    expected_grad = (np.exp(log_softmax(z.astype(np.float64))) - one_hot) * weights[..., None]
    tolerance = 1e-5 if dtype == np.float32 else 1e-12
    assert losses.dtype == dtype and logits.grad.dtype == dtype and logits.grad.shape == shape
    np.testing.assert_allclose(losses.data, -picked, rtol=tolerance, atol=tolerance)
    np.testing.assert_allclose(logits.grad, expected_grad, rtol=tolerance, atol=tolerance)


@pytest.mark.parametrize("shape", [(3, 5), (5, 3), (2, 4, 3)])
def test_cross_entropy_second_derivatives_on_both_layouts(shape):
    labels = RNG.integers(0, shape[-1], size=shape[:-1])
    assert gradgradcheck(lambda a: a.cross_entropy(labels), RNG.normal(size=shape))


@pytest.mark.parametrize("labels", [[0, 3], [0, -1], [-4, 0], [7, 0]])
@pytest.mark.parametrize("samples", [2, 3])  # 2 samples of 3 classes: row by row; 3 samples: transposed
def test_cross_entropy_refuses_labels_out_of_range_on_either_layout(labels, samples):
    labels = np.array(labels + [0] * (samples - 2))
    bad = labels[(labels < 0) | (labels >= 3)][0]
    with pytest.raises(ValueError, match=rf"cross_entropy: class label {bad} is out of range for 3 classes \(0 .. 2\)"):
        Tensor(np.zeros((samples, 3))).cross_entropy(labels)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("shape", [(32, 2), (6, 4), (5, 80), (2, 3, 4)])  # both layouts, and labels of 2 axes
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_reduction_in_the_node_gives_the_numbers_of_the_reduction_after_it(reduction, shape, dtype):
    z = RNG.normal(size=shape).astype(dtype)
    labels = RNG.integers(0, shape[-1], size=shape[:-1])
    fused, composed = Tensor(z, requires_grad=True), Tensor(z, requires_grad=True)
    loss = fused.cross_entropy(labels, reduction)
    expected = getattr(composed.cross_entropy(labels), reduction)()
    loss.backward()
    expected.backward()
    assert loss.shape == () and loss.dtype == dtype and loss.op == "cross_entropy"
    np.testing.assert_array_equal(loss.data, expected.data)
    np.testing.assert_array_equal(fused.grad, composed.grad)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_a_reduced_cross_entropy_differentiates_twice(reduction):
    z = RNG.normal(size=(6, 4))
    assert gradcheck(lambda a: a.cross_entropy(LABELS, reduction), z)
    assert gradgradcheck(lambda a: a.cross_entropy(LABELS, reduction), z)


def test_cross_entropy_refuses_an_unknown_reduction():
    with pytest.raises(ValueError, match=r"cross_entropy: reduction must be 'none', 'mean' or 'sum', got 'avg'"):
        Tensor(Z).cross_entropy(LABELS, "avg")
