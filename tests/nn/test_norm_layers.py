"""BatchNorm1d and LayerNorm against PyTorch: outputs, gradients, running statistics, modes, state, bridges, ONNX."""

import numpy as np
import pytest

import nn
from autograd import Tensor

from .layer_checks import assert_same_as_torch, onnx_outputs

torch = pytest.importorskip("torch")


def batch(shape, seed=0, dtype=np.float64):
    return (np.random.default_rng(seed).standard_normal(shape) * 2.0 + 0.5).astype(dtype)


def twins(momentum=0.1, affine=True, channels=3, dtype=np.float64):
    ours = nn.BatchNorm1d(channels, momentum=momentum, affine=affine, dtype=dtype)
    theirs = torch.nn.BatchNorm1d(channels, momentum=momentum, affine=affine,
                                  dtype=getattr(torch, np.dtype(dtype).name))
    if affine:  # weights away from 1 and 0, the same on both sides
        ours.weight.data = np.linspace(0.5, 2.0, channels).astype(dtype)
        ours.bias.data = np.linspace(-1.0, 1.0, channels).astype(dtype)
        with torch.no_grad():
            theirs.weight.copy_(torch.from_numpy(ours.weight.data))
            theirs.bias.copy_(torch.from_numpy(ours.bias.data))
    return ours, theirs


@pytest.mark.parametrize("shape", [(8, 3), (4, 3, 5)], ids=["NC", "NCL"])
@pytest.mark.parametrize("affine", [True, False])
def test_batch_norm_training_outputs_and_gradients_match_torch(shape, affine):
    ours, theirs = twins(affine=affine)
    assert_same_as_torch(torch, ours, theirs, batch(shape), tolerance=1e-10)


@pytest.mark.parametrize("shape", [(8, 3), (4, 3, 5)], ids=["NC", "NCL"])
def test_batch_norm_running_statistics_follow_torch_over_several_steps_then_eval_uses_them(shape):
    ours, theirs = twins(momentum=0.3)
    for step in range(4):
        x = batch(shape, seed=step)
        ours(x)
        theirs(torch.from_numpy(x))
        np.testing.assert_allclose(ours.running_mean, theirs.running_mean.numpy(), rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(ours.running_var, theirs.running_var.numpy(), rtol=1e-12, atol=1e-14)
    ours.eval()
    theirs.eval()
    assert_same_as_torch(torch, ours, theirs, batch(shape, seed=9), tolerance=1e-10)


def test_batch_norm_running_update_uses_the_unbiased_variance_and_normalises_with_the_biased_one():
    layer = nn.BatchNorm1d(1, momentum=1.0, affine=False)
    x = np.array([[1.0], [2.0], [6.0]])
    out = layer(x).data
    np.testing.assert_allclose(layer.running_mean, [3.0])
    np.testing.assert_allclose(layer.running_var, [7.0])  # Σ(x - 3)² / (3 - 1) = 14 / 2
    np.testing.assert_allclose(out[:, 0], (x[:, 0] - 3.0) / np.sqrt(14.0 / 3 + 1e-5))


def test_batch_norm_in_eval_mode_uses_the_running_statistics_and_leaves_them():
    layer = nn.BatchNorm1d(2, eps=0.0 + 1e-5)
    layer.running_mean[:] = [1.0, -2.0]
    layer.running_var[:] = [4.0, 0.25]
    layer.eval()
    x = np.array([[3.0, -1.0]])  # one example: fine in eval mode
    np.testing.assert_allclose(layer(x).data, [[2.0 / np.sqrt(4.0 + 1e-5), 1.0 / np.sqrt(0.25 + 1e-5)]])
    np.testing.assert_array_equal(layer.running_mean, [1.0, -2.0])


@pytest.mark.parametrize("shape", [(1, 3), (1, 3, 1)])
def test_one_value_per_channel_in_training_is_a_value_error_that_leaves_the_running_statistics(shape):
    layer = nn.BatchNorm1d(3)
    layer(batch((4, 3)))
    before = layer.state_dict()
    with pytest.raises(ValueError, match=r"more than 1 value per channel when training, got input shape \(1, 3"):
        layer(batch(shape))
    for name, array in layer.state_dict().items():
        np.testing.assert_array_equal(array, before[name])


def test_batch_norm_refuses_a_wrong_number_of_channels_and_bad_settings():
    with pytest.raises(ValueError, match=r"expected an input of shape \(N, 3\) or \(N, 3, L\), got \(4, 2\)"):
        nn.BatchNorm1d(3)(batch((4, 2)))
    with pytest.raises(ValueError, match="momentum must be in"):
        nn.BatchNorm1d(3, momentum=1.5)
    with pytest.raises(ValueError, match="eps must be > 0"):
        nn.BatchNorm1d(3, eps=0.0)


def test_batch_norm_state_dict_names_dtypes_and_buffers_are_pytorchs():
    layer = nn.BatchNorm1d(4, dtype=np.float32)
    assert list(layer.state_dict()) == ["weight", "bias", "running_mean", "running_var"]
    assert [name for name, _ in layer.named_parameters()] == ["weight", "bias"]
    assert {array.dtype for array in layer.state_dict().values()} == {np.dtype(np.float32)}
    np.testing.assert_array_equal(layer.weight.data, np.ones(4))
    np.testing.assert_array_equal(layer.bias.data, np.zeros(4))
    assert list(nn.BatchNorm1d(4, affine=False).state_dict()) == ["running_mean", "running_var"]
    assert layer(batch((5, 4), dtype=np.float32)).dtype == np.float32


@pytest.mark.parametrize("suffix", [".npz", ".safetensors"])
def test_save_and_load_carry_the_running_statistics(tmp_path, suffix):
    model = nn.Sequential(nn.Linear(3, 4, rng=0), nn.BatchNorm1d(4), nn.LayerNorm(4), nn.Linear(4, 2, rng=1))
    for seed in range(3):
        model(batch((6, 3), seed=seed))
    path = nn.save(model, tmp_path / f"model{suffix}")
    fresh = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.LayerNorm(4), nn.Linear(4, 2))
    nn.load(fresh, path)
    for (name, ours), (_, theirs) in zip(model.state_dict().items(), fresh.state_dict().items()):
        np.testing.assert_array_equal(theirs, ours, err_msg=name)
    model.eval()
    fresh.eval()
    np.testing.assert_array_equal(fresh(batch((2, 3))).data, model(batch((2, 3))).data)


def test_a_file_without_the_running_statistics_is_refused_naming_them(tmp_path):
    path = nn.save(nn.Sequential(nn.Linear(3, 4)), tmp_path / "model.npz")
    with pytest.raises(ValueError, match="running_mean"):
        nn.load(nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4)), path)


@pytest.mark.parametrize("shape", [(8, 5), (2, 3, 5), (2, 3, 2, 5)])
@pytest.mark.parametrize("affine", [True, False])
def test_layer_norm_outputs_and_gradients_match_torch(shape, affine):
    ours = nn.LayerNorm(5, elementwise_affine=affine)
    theirs = torch.nn.LayerNorm(5, elementwise_affine=affine, dtype=torch.float64)
    if affine:
        ours.weight.data = np.linspace(0.5, 2.0, 5)
        ours.bias.data = np.linspace(-1.0, 1.0, 5)
        with torch.no_grad():
            theirs.weight.copy_(torch.from_numpy(ours.weight.data))
            theirs.bias.copy_(torch.from_numpy(ours.bias.data))
    assert_same_as_torch(torch, ours, theirs, batch(shape), tolerance=1e-10)


def test_layer_norm_over_two_axes_matches_torch_and_names_its_state_as_torch():
    ours = nn.LayerNorm((3, 4), eps=1e-3)
    theirs = torch.nn.LayerNorm((3, 4), eps=1e-3, dtype=torch.float64)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["weight", "bias"]
    assert_same_as_torch(torch, ours, theirs, batch((2, 3, 4)), tolerance=1e-10)


def test_layer_norm_refuses_an_input_whose_last_axes_differ():
    with pytest.raises(ValueError, match=r"last axes are \(3, 4\), got shape \(2, 4, 3\)"):
        nn.LayerNorm((3, 4))(batch((2, 4, 3)))


def test_layer_norm_keeps_float32():
    layer = nn.LayerNorm(4, dtype=np.float32)
    assert layer.weight.data.dtype == np.float32
    assert layer(batch((2, 4), dtype=np.float32)).dtype == np.float32


def norm_model(dtype=np.float64):
    model = nn.Sequential(nn.Linear(3, 4, rng=0, dtype=dtype), nn.BatchNorm1d(4, momentum=0.2, dtype=dtype),
                          nn.ReLU(), nn.LayerNorm(4, eps=1e-4, dtype=dtype), nn.Linear(4, 2, rng=1, dtype=dtype))
    model[3].weight.data = np.linspace(0.5, 1.5, 4).astype(dtype)
    for seed in range(3):
        model(batch((6, 3), seed=seed, dtype=dtype))
    return model


def test_to_torch_carries_batch_norm_running_statistics_and_layer_norm_and_agrees_in_both_modes():
    model = norm_model()
    module = nn.to_torch(model)
    assert isinstance(module[1], torch.nn.BatchNorm1d) and isinstance(module[3], torch.nn.LayerNorm)
    assert (module[1].momentum, module[3].eps) == (0.2, 1e-4)
    state = module.state_dict()
    for name, array in model.state_dict().items():
        expected = array.T if name.endswith("weight") and name[0] in "04" else array
        np.testing.assert_array_equal(state[name].numpy(), expected, err_msg=name)
    x = batch((5, 3), seed=7)
    model.eval()
    module.eval()
    np.testing.assert_allclose(model(x).data, module(torch.from_numpy(x)).detach().numpy(), rtol=1e-12, atol=1e-12)


def test_from_torch_accepts_num_batches_tracked_and_copies_the_running_statistics():
    module = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4, eps=1e-3), torch.nn.LayerNorm(4))
    module = module.double()
    for seed in range(2):
        module(torch.from_numpy(batch((6, 3), seed=seed)))
    assert int(module[1].num_batches_tracked) == 2
    model = nn.from_torch(module)
    assert list(model.state_dict()) == [name for name in module.state_dict() if "num_batches" not in name]
    np.testing.assert_array_equal(model[1].running_var, module[1].running_var.numpy())
    assert model[1].eps == 1e-3
    module.eval()
    model.eval()
    x = batch((3, 3), seed=5)
    np.testing.assert_allclose(model(x).data, module(torch.from_numpy(x)).detach().numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("layer, message", [
    (torch.nn.BatchNorm1d(3, track_running_stats=False), "BatchNorm1d with track_running_stats=False"),
    (torch.nn.BatchNorm1d(3, momentum=None), r"BatchNorm1d with momentum=None \(a cumulative average\)"),
    (torch.nn.LayerNorm(3, bias=False), "LayerNorm with bias=False"),
], ids=["no-running-stats", "cumulative", "no-bias"])
def test_from_torch_refuses_norm_settings_we_do_not_have(layer, message):
    with pytest.raises(ValueError, match=rf"nn.from_torch: layer '1' is a {message}"):
        nn.from_torch(torch.nn.Sequential(torch.nn.Identity(), layer))


def test_a_round_trip_through_torch_gives_back_the_same_layers_and_state():
    model = norm_model()
    back = nn.from_torch(nn.to_torch(model))
    assert repr(back) == repr(model)
    for (name, ours), (name_back, theirs) in zip(model.state_dict().items(), back.state_dict().items()):
        assert name == name_back
        np.testing.assert_array_equal(theirs, ours)


@pytest.mark.parametrize("dtype, tolerance", [(np.float64, 1e-12), (np.float32, 1e-5)])
@pytest.mark.parametrize("shape", [(5, 3), (2, 4, 3)], ids=["NC", "NLC"])
def test_onnxruntime_computes_the_norm_layers_in_eval_mode(tmp_path, dtype, tolerance, shape):
    model = norm_model(dtype)
    x = batch(shape, seed=8, dtype=dtype)
    if len(shape) == 3:  # (N, C, L) for BatchNorm1d: channels on axis 1, LayerNorm over L
        model = nn.Sequential(nn.BatchNorm1d(4, dtype=dtype), nn.LayerNorm(3, dtype=dtype))
        for seed in range(2):
            model(batch((3, 4, 3), seed=seed, dtype=dtype))
        x = batch((2, 4, 3), seed=8, dtype=dtype)
    model.train()
    out = onnx_outputs(model, x, tmp_path / "norm.onnx")
    assert model.training  # the mode is put back
    model.eval()
    assert out.dtype == dtype
    np.testing.assert_allclose(out, model(Tensor(x)).data, rtol=tolerance, atol=tolerance)
