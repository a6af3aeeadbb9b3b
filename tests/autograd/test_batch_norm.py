"""autograd.batch_norm, BatchNorm1d's fused node, against PyTorch's batch norm in training; its input errors."""

import numpy as np
import pytest

from autograd import Tensor, batch_norm

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("shape, axes", [((6, 4), (0,)), ((5, 3, 4), (0, 2))], ids=["(N, C)", "(N, C, L)"])
def test_the_output_statistics_and_gradients_are_pytorchs(shape, axes):
    rng = np.random.default_rng(0)
    x, weight, bias = rng.normal(size=shape), rng.normal(size=shape[1]), rng.normal(size=shape[1])
    g = rng.normal(size=shape)
    ours = [Tensor(a, requires_grad=True) for a in (x, weight, bias)]
    out, mean, variance = batch_norm(*ours, axes=axes, eps=1e-5)
    (out * Tensor(g)).sum().backward()
    theirs = [torch.tensor(a, requires_grad=True) for a in (x, weight, bias)]
    expected = torch.nn.functional.batch_norm(theirs[0], None, None, theirs[1], theirs[2], training=True, eps=1e-5)
    expected.backward(torch.from_numpy(g))
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(mean, x.mean(axis=axes), rtol=1e-12)
    np.testing.assert_allclose(variance, x.var(axis=axes), rtol=1e-12)
    for tensor, reference in zip(ours, theirs):
        np.testing.assert_allclose(tensor.grad, reference.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_the_channel_axis_may_be_first():
    x = np.random.default_rng(1).normal(size=(3, 7))
    out, mean, _ = batch_norm(Tensor(x), axes=(1,))
    np.testing.assert_allclose(mean, x.mean(axis=1), rtol=1e-12)
    np.testing.assert_allclose(out.data, (x - x.mean(1, keepdims=True)) / np.sqrt(x.var(1, keepdims=True) + 1e-5))


def test_bad_inputs_are_refused_naming_batch_norm():
    x = Tensor(np.ones((4, 3)))
    with pytest.raises(TypeError, match="batch_norm: x must be a Tensor, got ndarray"):
        batch_norm(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"batch_norm: axes must be a non-empty tuple of axes of x \(0 … 1\), got \(2,\)"):
        batch_norm(x, axes=(2,))
    with pytest.raises(TypeError, match="weight and bias must be both Tensors or both None, got Tensor and NoneType"):
        batch_norm(x, Tensor(np.ones(3)), None)
    with pytest.raises(ValueError, match=r"the channels' shape \(3,\) \(x's axes other than \(0,\)\), got shapes \(4,\)"):
        batch_norm(x, Tensor(np.ones(4)), Tensor(np.ones(4)))
