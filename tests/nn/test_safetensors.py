"""nn.save / nn.load in the safetensors format, chosen by the file suffix."""

import random
import sys
import zipfile

import numpy as np
import pytest

import nn

safetensors_numpy = pytest.importorskip("safetensors.numpy")


def state_of(model):
    return {name: array.copy() for name, array in model.state_dict().items()}


def assert_state_equal(model, state):
    now = model.state_dict()
    assert now.keys() == state.keys()
    for name in state:
        assert now[name].dtype == state[name].dtype, name
        np.testing.assert_array_equal(now[name], state[name], err_msg=name)


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
def test_a_round_trip_keeps_every_weight_and_its_dtype(tmp_path, dtype):
    source = nn.MLP([3, 5, 2], rng=0, dtype=dtype)
    target = nn.MLP([3, 5, 2], rng=1, dtype=dtype)
    path = nn.save(source, tmp_path / "w.safetensors")
    assert path == tmp_path / "w.safetensors" and [p.name for p in tmp_path.iterdir()] == ["w.safetensors"]
    assert nn.load(target, path) is target
    assert_state_equal(target, source.state_dict())


def test_the_file_holds_state_dict_names_in_our_layout(tmp_path):
    model = nn.Sequential(nn.Linear(3, 4, bias=False, rng=0), nn.Tanh(), nn.Linear(4, 2, rng=1))
    nn.save(model, str(tmp_path / "w.safetensors"))
    tensors = safetensors_numpy.load_file(tmp_path / "w.safetensors")
    assert sorted(tensors) == sorted(model.state_dict()) == ["0.weight", "2.bias", "2.weight"]
    for name, array in model.state_dict().items():
        np.testing.assert_array_equal(tensors[name], array)
    assert tensors["0.weight"].shape == (3, 4)


def test_a_scalar_model_of_values_round_trips(tmp_path):
    random.seed(0)
    source = nn.scalar.MLP(2, [3, 1])
    random.seed(1)
    target = nn.scalar.MLP(2, [3, 1])
    nn.save(source, tmp_path / "w.safetensors")
    nn.load(target, tmp_path / "w.safetensors")
    assert [p.data for p in target.parameters()] == [p.data for p in source.parameters()]


def test_the_suffix_is_read_without_regard_to_case(tmp_path):
    nn.save(nn.Linear(2, 2, rng=0), tmp_path / "W.SafeTensors")
    assert sorted(safetensors_numpy.load_file(tmp_path / "W.SafeTensors")) == ["bias", "weight"]


def test_npz_stays_the_default_for_other_names(tmp_path):
    nn.save(nn.Linear(2, 2, rng=0), tmp_path / "w.bin")
    assert zipfile.is_zipfile(tmp_path / "w.bin")


def test_another_models_file_is_refused_and_changes_nothing(tmp_path):
    nn.save(nn.MLP([3, 5, 2], rng=0), tmp_path / "w.safetensors")
    model = nn.MLP([3, 5, 5, 2], rng=1)
    before = state_of(model)
    with pytest.raises(ValueError, match=r"nn.load: .* does not fit this model: .*missing '4.weight', '4.bias'"):
        nn.load(model, tmp_path / "w.safetensors")
    assert_state_equal(model, before)


def test_a_file_with_other_shapes_is_refused_and_changes_nothing(tmp_path):
    nn.save(nn.MLP([3, 6, 2], rng=0), tmp_path / "w.safetensors")
    model = nn.MLP([3, 5, 2], rng=1)
    before = state_of(model)
    with pytest.raises(ValueError, match=r"'0.weight' expects shape \(3, 5\), got \(3, 6\)"):
        nn.load(model, tmp_path / "w.safetensors")
    assert_state_equal(model, before)


def test_a_pytorch_style_file_is_refused_with_what_was_expected_and_a_hint(tmp_path):
    model = nn.MLP([3, 5, 2], rng=0)
    pytorch_layout = {name: np.ascontiguousarray(array.T) for name, array in model.state_dict().items()}
    safetensors_numpy.save_file(pytorch_layout, tmp_path / "torch.safetensors")
    target = nn.MLP([3, 5, 2], rng=1)
    before = state_of(target)
    with pytest.raises(ValueError) as caught:
        nn.load(target, tmp_path / "torch.safetensors")
    message = str(caught.value)
    assert "'0.weight' expects shape (3, 5), got (5, 3) (the transpose: PyTorch's (out, in) layout?)" in message
    assert "not written by nn.save" in message and "nn.from_torch(module)" in message
    assert_state_equal(target, before)


def test_a_file_not_written_here_but_in_our_layout_loads(tmp_path):
    source = nn.MLP([3, 5, 2], rng=0)
    safetensors_numpy.save_file(source.state_dict(), tmp_path / "w.safetensors")
    target = nn.load(nn.MLP([3, 5, 2], rng=1), tmp_path / "w.safetensors")
    assert_state_equal(target, source.state_dict())


def test_our_own_mismatched_file_gets_no_pytorch_hint(tmp_path):
    nn.save(nn.MLP([3, 6, 2], rng=0), tmp_path / "w.safetensors")
    with pytest.raises(ValueError) as caught:
        nn.load(nn.MLP([3, 5, 2], rng=1), tmp_path / "w.safetensors")
    assert "from_torch" not in str(caught.value)


def test_a_file_that_is_not_safetensors_is_refused_and_changes_nothing(tmp_path):
    path = tmp_path / "w.safetensors"
    nn.save(nn.Linear(2, 2, rng=0), tmp_path / "w.npz")
    path.write_bytes((tmp_path / "w.npz").read_bytes())
    model = nn.Linear(2, 2, rng=1)
    before = state_of(model)
    with pytest.raises(ValueError, match=r"nn.load: .*w.safetensors' is a zip archive .*not a safetensors file"):
        nn.load(model, path)
    assert_state_equal(model, before)


def test_save_and_load_need_no_safetensors_package(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "safetensors", None)
    monkeypatch.setitem(sys.modules, "safetensors.numpy", None)
    source, target = nn.Linear(2, 2, rng=0), nn.Linear(2, 2, rng=1)
    nn.load(target, nn.save(source, tmp_path / "w.safetensors"))
    assert_state_equal(target, source.state_dict())


def test_a_file_saved_from_a_pytorch_model_is_refused_and_from_torch_is_the_way(tmp_path):
    torch = pytest.importorskip("torch")
    safetensors_torch = pytest.importorskip("safetensors.torch")
    torch.manual_seed(0)
    module = torch.nn.Sequential(torch.nn.Linear(3, 5, dtype=torch.float64), torch.nn.ReLU(),
                                 torch.nn.Linear(5, 2, dtype=torch.float64))
    safetensors_torch.save_file(module.state_dict(), tmp_path / "model.safetensors")
    model = nn.MLP([3, 5, 2], rng=0)
    with pytest.raises(ValueError, match=r"'0.weight' expects shape \(3, 5\), got \(5, 3\).*nn.from_torch"):
        nn.load(model, tmp_path / "model.safetensors")
    module.load_state_dict(safetensors_torch.load_file(tmp_path / "model.safetensors"))
    converted = nn.from_torch(module)
    X = np.random.default_rng(0).normal(size=(4, 3))
    np.testing.assert_allclose(converted(X).data, module(torch.from_numpy(X)).detach().numpy(), rtol=1e-12)
