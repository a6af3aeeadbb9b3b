"""GELU against PyTorch (both forms), its second derivative, its bridges, ONNX, and the monitor watching it."""

import math

import numpy as np
import pytest

import nn
from autograd import Tensor, Value, gradgradcheck

from .layer_checks import assert_same_as_torch, onnx_outputs

torch = pytest.importorskip("torch")

X = np.random.default_rng(0).standard_normal((6, 5)) * 2.5


@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_gelu_outputs_and_input_gradients_match_torch(approximate):
    assert_same_as_torch(torch, nn.GELU(approximate), torch.nn.GELU(approximate), X, tolerance=1e-14)


def test_gelu_is_x_times_the_normal_cdf_on_values_too():
    y = nn.GELU()(Value(0.5))
    assert y.data == pytest.approx(0.5 * 0.5 * (1 + math.erf(0.5 / math.sqrt(2))), rel=1e-15)


@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_gelu_second_derivatives_by_finite_differences(approximate):
    layer = nn.GELU(approximate)
    assert gradgradcheck(lambda x: layer(x), Tensor(X[:2], requires_grad=True))


def test_gelu_refuses_an_unknown_approximation():
    with pytest.raises(ValueError, match="GELU: approximate must be 'none' or 'tanh', got 'bogus'"):
        nn.GELU(approximate="bogus")
    with pytest.raises(TypeError, match="approximate must be 'none' or 'tanh'"):
        nn.GELU(approximate=None)


def test_gelu_keeps_float32_and_is_an_mlp_activation():
    assert nn.GELU()(Tensor(X.astype(np.float32))).dtype == np.float32
    assert isinstance(nn.MLP([2, 3, 1], activation="gelu")[1], nn.GELU)


def test_gelu_crosses_to_torch_and_back_with_its_approximation():
    model = nn.Sequential(nn.Linear(5, 3, rng=0), nn.GELU("tanh"), nn.Linear(3, 2, rng=1), nn.GELU())
    module = nn.to_torch(model)
    assert [layer.approximate for layer in (module[1], module[3])] == ["tanh", "none"]
    np.testing.assert_allclose(model(X).data, module(torch.from_numpy(X)).detach().numpy(), rtol=1e-12)
    assert repr(nn.from_torch(module)) == repr(model)


@pytest.mark.parametrize("approximate", ["none", "tanh"])
@pytest.mark.parametrize("dtype, tolerance", [(np.float64, 1e-6), (np.float32, 1e-5)])
def test_onnxruntime_computes_gelu(tmp_path, approximate, dtype, tolerance):
    model = nn.Sequential(nn.Linear(5, 4, rng=0, dtype=dtype), nn.GELU(approximate))
    x = X.astype(dtype)
    out = onnx_outputs(model, x, tmp_path / "gelu.onnx")
    assert out.dtype == dtype
    np.testing.assert_allclose(out, model(x).data, rtol=tolerance, atol=tolerance)


def test_fit_monitors_a_gelu_as_an_activation():
    X_train = np.random.default_rng(1).standard_normal((32, 2))
    y_train = (X_train[:, 0] > 0).astype(np.int64)
    model = nn.Sequential(nn.Linear(2, 8, rng=0), nn.GELU(), nn.BatchNorm1d(8), nn.Linear(8, 2, rng=1))
    history = nn.fit(model, nn.CrossEntropyLoss(), nn.optim.SGD(model.parameters(), lr=0.1), X_train, y_train,
                     epochs=2, batch_size=8, progress=False, rng=0, monitor=True)
    assert set(history.activations) == {"1"}
    record = history.activations["1"]
    assert len(record["dead_fraction"]) == 2 and 0 <= record["dead_fraction"][0] <= 1
    assert set(history.layers) == {"0.weight", "0.bias", "2.weight", "2.bias", "3.weight", "3.bias"}


def test_a_gelu_unit_never_positive_counts_as_dead():
    model = nn.Sequential(nn.Linear(1, 2, rng=0), nn.GELU())
    model[0].weight.data = np.array([[1.0, 0.0]])
    model[0].bias.data = np.array([0.0, -5.0])  # unit 1 is always GELU(-5) < 0
    X_train = np.linspace(0.5, 1.0, 8).reshape(-1, 1)
    history = nn.fit(model, nn.MSELoss(), nn.optim.SGD(model.parameters(), lr=0.0), X_train, np.zeros((8, 2)),
                     epochs=1, batch_size=4, progress=False, monitor=True, metrics=())
    assert history.activations["1"]["dead_fraction"] == [0.5]
