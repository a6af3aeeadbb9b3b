"""Embedding against PyTorch: lookups of any shape, repeated indices, ranges, state, bridges, ONNX."""

import numpy as np
import pytest

import nn
from autograd import Tensor

from .layer_checks import assert_same_as_torch, onnx_outputs

torch = pytest.importorskip("torch")

INDICES = np.array([[0, 3, 3], [9, 0, 3]])  # repeated indices


def test_the_weight_is_drawn_n01_from_rng_and_has_pytorchs_shape_and_name():
    layer = nn.Embedding(10, 4, rng=3)
    np.testing.assert_array_equal(layer.weight.data, np.random.default_rng(3).standard_normal((10, 4)))
    assert list(layer.state_dict()) == ["weight"]
    assert nn.Embedding(10, 4, dtype=np.float32).weight.data.dtype == np.float32


@pytest.mark.parametrize("indices", [INDICES, INDICES[0], np.array(7), INDICES.reshape(1, 2, 3)],
                         ids=["2d", "1d", "0d", "3d"])
def test_the_output_has_shape_indices_shape_plus_embedding_dim_and_holds_the_rows(indices):
    layer = nn.Embedding(10, 4, rng=0)
    out = layer(indices)
    assert out.shape == (*indices.shape, 4)
    np.testing.assert_array_equal(out.data, layer.weight.data[indices])


def test_repeated_indices_sum_their_gradients_as_in_torch():
    layer = nn.Embedding(10, 4, rng=0)
    module = torch.nn.Embedding(10, 4, dtype=torch.float64)
    with torch.no_grad():
        module.weight.copy_(torch.from_numpy(layer.weight.data))
    assert_same_as_torch(torch, layer, module, INDICES)
    weights = np.ones((2, 3, 4))
    layer.zero_grad()
    (layer(Tensor(INDICES)) * Tensor(weights)).sum().backward()
    np.testing.assert_array_equal(layer.weight.grad[3], [3.0] * 4)  # index 3 appears three times
    np.testing.assert_array_equal(layer.weight.grad[5], [0.0] * 4)


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.int8])
@pytest.mark.parametrize("wrap", [np.asarray, Tensor], ids=["ndarray", "Tensor"])
@pytest.mark.parametrize("bad", [-1, 10, -128])
def test_an_index_out_of_range_is_refused_naming_the_range(bad, wrap, dtype):
    layer = nn.Embedding(10, 4)
    expected = rf"index {bad} is out of range; indices must be in 0 … 9 \(num_embeddings=10\)"
    with pytest.raises(IndexError, match=expected):
        layer(wrap(np.array([1, bad, 2], dtype=dtype)))


@pytest.mark.parametrize("dtype", [np.uint8, np.uint64, np.int16])
def test_a_tensor_of_indices_in_range_of_any_integer_dtype_looks_its_rows_up(dtype):
    layer = nn.Embedding(10, 4, rng=0)
    np.testing.assert_array_equal(layer(Tensor(np.array([0, 9, 3], dtype=dtype))).data, layer.weight.data[[0, 9, 3]])
    with pytest.raises(IndexError, match="index 10 is out of range"):
        layer(Tensor(np.array([0, 10], dtype=dtype)))


def test_float_indices_and_values_are_a_type_error():
    layer = nn.Embedding(10, 4)
    with pytest.raises(TypeError, match="indices must be integers, got dtype float64"):
        layer(Tensor([1.0, 2.0]))
    with pytest.raises(TypeError, match="got a Value"):
        from autograd import Value

        layer(Value(1.0))


def token_model(dtype=np.float64):
    return nn.Sequential(nn.Embedding(10, 4, rng=0, dtype=dtype), nn.Flatten(), nn.Linear(12, 3, rng=1, dtype=dtype),
                         nn.GELU())


def test_to_torch_and_back_keep_the_table_and_agree():
    model = token_model()
    module = nn.to_torch(model)
    assert isinstance(module[0], torch.nn.Embedding)
    np.testing.assert_array_equal(module[0].weight.detach().numpy(), model[0].weight.data)
    np.testing.assert_allclose(model(INDICES).data, module(torch.from_numpy(INDICES)).detach().numpy(), rtol=1e-12)
    back = nn.from_torch(module)
    assert repr(back) == repr(model)
    np.testing.assert_array_equal(back[0].weight.data, model[0].weight.data)


def test_from_torch_refuses_a_padding_index():
    with pytest.raises(ValueError, match=r"layer '0' is a Embedding with padding_idx=0; chainrule's Embedding has no "
                                         r"padding_idx"):
        nn.from_torch(torch.nn.Sequential(torch.nn.Embedding(5, 2, padding_idx=0)))


@pytest.mark.parametrize("suffix", [".npz", ".safetensors"])
def test_save_and_load_in_both_formats(tmp_path, suffix):
    model = token_model()
    path = nn.save(model, tmp_path / f"tokens{suffix}")
    fresh = nn.Sequential(nn.Embedding(10, 4), nn.Flatten(), nn.Linear(12, 3), nn.GELU())
    nn.load(fresh, path)
    np.testing.assert_array_equal(fresh(INDICES).data, model(INDICES).data)


@pytest.mark.parametrize("dtype, tolerance", [(np.float64, 1e-6), (np.float32, 1e-5)])
def test_onnx_takes_int64_indices_and_onnxruntime_agrees(tmp_path, dtype, tolerance):
    import onnx

    model = token_model(dtype)
    path = tmp_path / "tokens.onnx"
    out = onnx_outputs(model, INDICES, path)
    graph = onnx.load(str(path)).graph
    assert graph.input[0].type.tensor_type.elem_type == onnx.TensorProto.INT64
    assert out.dtype == dtype
    np.testing.assert_allclose(out, model(INDICES).data, rtol=tolerance, atol=tolerance)
    other = np.array([[1, 2, 9]] * 5)  # another batch size: the axes are dynamic
    np.testing.assert_allclose(onnx_outputs(model, other, path), model(other).data, rtol=tolerance, atol=tolerance)


def test_export_refuses_float_examples_for_a_model_starting_with_an_embedding(tmp_path):
    with pytest.raises(TypeError, match="starts with an Embedding: example_input must hold integer indices"):
        nn.export_onnx(token_model(), tmp_path / "m.onnx", np.zeros((1, 3)))
