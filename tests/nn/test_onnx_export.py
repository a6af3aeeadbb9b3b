"""nn.export_onnx: an inference graph that onnxruntime runs with our outputs."""

import sys

import numpy as np
import pytest

import nn
from autograd import Tensor

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")


def run(path, X):
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(["output"], {"input": X})[0]


def inputs(rows=6, features=3, dtype=np.float64, seed=0):
    return np.random.default_rng(seed).normal(size=(rows, features)).astype(dtype)


def classifier(dtype=np.float64):
    return nn.Sequential(
        nn.Linear(3, 8, rng=0, dtype=dtype),
        nn.LeakyReLU(0.1),
        nn.Dropout(0.5),
        nn.Linear(8, 8, rng=1, dtype=dtype),
        nn.Tanh(),
        nn.Linear(8, 4, rng=2, dtype=dtype),
        nn.Softmax(),
    )


@pytest.mark.parametrize("dtype, tolerance", [(np.float64, 1e-12), (np.float32, 1e-6)], ids=["float64", "float32"])
def test_onnxruntime_gives_our_eval_mode_outputs_in_our_dtype(tmp_path, dtype, tolerance):
    model = classifier(dtype)
    X = inputs(dtype=dtype)
    path = nn.export_onnx(model, tmp_path / "model.onnx", X[:1])
    assert path == tmp_path / "model.onnx" and [p.name for p in tmp_path.iterdir()] == ["model.onnx"]
    out = run(path, X)
    assert out.dtype == dtype
    np.testing.assert_allclose(out, model.eval()(X).data, rtol=tolerance, atol=tolerance)


def test_dropout_is_off_in_the_graph_while_it_is_on_in_training(tmp_path):
    model = nn.Sequential(nn.Linear(3, 50, rng=0), nn.Dropout(0.5), nn.Linear(50, 2, rng=1))
    X = inputs()
    nn.export_onnx(model, tmp_path / "m.onnx", X)
    assert np.abs(model(X).data - model.eval()(X).data).max() > 1e-3  # training mode really drops
    np.testing.assert_allclose(run(tmp_path / "m.onnx", X), model(X).data, rtol=1e-12, atol=1e-12)


def test_the_batch_axis_is_dynamic(tmp_path):
    model = classifier()
    nn.export_onnx(model, tmp_path / "m.onnx", inputs(rows=1))
    declared = onnx.load(tmp_path / "m.onnx").graph.input[0].type.tensor_type.shape.dim
    assert [d.dim_param or d.dim_value for d in declared] == ["batch", 3]
    for rows in (1, 17):
        X = inputs(rows=rows, seed=rows)
        np.testing.assert_allclose(run(tmp_path / "m.onnx", X), model.eval()(X).data, rtol=1e-12, atol=1e-12)


def test_every_leading_axis_is_dynamic_for_inputs_of_higher_rank(tmp_path):
    model = nn.Sequential(nn.Linear(4, 3, rng=0), nn.LogSoftmax(axis=1))
    nn.export_onnx(model, tmp_path / "m.onnx", np.zeros((2, 5, 4)))
    X = np.random.default_rng(0).normal(size=(3, 7, 4))
    np.testing.assert_allclose(run(tmp_path / "m.onnx", X), model(X).data, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    "activation",
    [nn.ReLU(), nn.LeakyReLU(0.3), nn.LeakyReLU(0.5), nn.Sigmoid(), nn.Tanh(), nn.Softmax(axis=0), nn.LogSoftmax(),
     nn.Identity(), nn.Dropout(0.2)],
    ids=lambda a: repr(a),
)
@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
def test_each_activation_runs_in_onnxruntime_with_our_outputs(tmp_path, activation, dtype):
    model = nn.Sequential(nn.Linear(3, 4, rng=0, dtype=dtype), activation, nn.Linear(4, 2, rng=1, dtype=dtype))
    X = inputs(dtype=dtype)
    nn.export_onnx(model, tmp_path / "m.onnx", X)
    tolerance = 1e-12 if dtype == np.float64 else 1e-6
    np.testing.assert_allclose(run(tmp_path / "m.onnx", X), model.eval()(X).data, rtol=tolerance, atol=tolerance)


def test_a_float64_leaky_relu_slope_is_kept_exactly(tmp_path):
    model = nn.Sequential(nn.LeakyReLU(0.3))
    X = -np.arange(1.0, 5.0).reshape(2, 2)
    nn.export_onnx(model, tmp_path / "m.onnx", X)
    np.testing.assert_array_equal(run(tmp_path / "m.onnx", X), model(X).data)


def test_the_graph_is_checked_and_holds_our_weights_under_their_state_dict_names(tmp_path):
    model = nn.Sequential(nn.Linear(3, 4, bias=False, rng=0), nn.ReLU(), nn.Linear(4, 2, rng=1))
    nn.export_onnx(model, str(tmp_path / "m.onnx"), [[0.0, 1.0, 2.0]])
    graph_model = onnx.load(tmp_path / "m.onnx")
    onnx.checker.check_model(graph_model, full_check=True)
    weights = {t.name: onnx.numpy_helper.to_array(t) for t in graph_model.graph.initializer}
    assert weights.keys() == model.state_dict().keys() == {"0.weight", "2.weight", "2.bias"}
    for name, array in model.state_dict().items():
        np.testing.assert_array_equal(weights[name], array)
    assert [node.op_type for node in graph_model.graph.node] == ["MatMul", "Relu", "MatMul", "Add"]


def test_a_single_layer_and_an_mlp_export(tmp_path):
    for model in (nn.Linear(3, 2, rng=0), nn.MLP([3, 5, 2], out="sigmoid", rng=0)):
        nn.export_onnx(model, tmp_path / "m.onnx", inputs())
        np.testing.assert_allclose(run(tmp_path / "m.onnx", inputs()), model(inputs()).data, rtol=1e-12, atol=1e-12)


def test_the_training_mode_of_every_layer_is_restored(tmp_path):
    model = classifier()
    model[2].eval()
    nn.export_onnx(model, tmp_path / "m.onnx", inputs())
    assert [layer.training for layer in model] == [True, True, False, True, True, True, True] and model.training


def test_the_training_mode_is_restored_when_the_example_does_not_fit(tmp_path):
    model = classifier()
    with pytest.raises(ValueError, match=r"cannot run on example_input of shape \(2, 5\).*expected 3 features"):
        nn.export_onnx(model, tmp_path / "m.onnx", np.zeros((2, 5)))
    assert all(module.training for module in model.modules())
    assert not (tmp_path / "m.onnx").exists()


def test_a_missing_example_input_is_a_type_error_saying_what_to_pass(tmp_path):
    with pytest.raises(TypeError, match=r"nn.export_onnx: needs an example_input, a batch like those"):
        nn.export_onnx(classifier(), tmp_path / "m.onnx")


@pytest.mark.parametrize("bad", ["abc", {"x": 1}, np.array(["a"])], ids=["str", "dict", "str-array"])
def test_an_example_input_that_is_not_numbers_is_a_type_error(tmp_path, bad):
    with pytest.raises(TypeError, match=r"nn.export_onnx: example_input must"):
        nn.export_onnx(classifier(), tmp_path / "m.onnx", bad)


def test_a_tensor_example_input_is_accepted(tmp_path):
    model = classifier()
    nn.export_onnx(model, tmp_path / "m.onnx", Tensor(inputs()))
    np.testing.assert_allclose(run(tmp_path / "m.onnx", inputs()), model.eval()(inputs()).data, rtol=1e-12)


class Scale(nn.Module):
    def forward(self, x):
        return x * 2


def test_a_custom_layer_is_refused_by_name_and_position(tmp_path):
    model = nn.Sequential(nn.Linear(3, 2), nn.ReLU(), Scale())
    with pytest.raises(TypeError, match=r"nn.export_onnx: layer '2' is a Scale \(a custom Module\), which has no ONNX"):
        nn.export_onnx(model, tmp_path / "m.onnx", inputs())


def test_a_path_of_the_wrong_type_is_refused():
    with pytest.raises(TypeError, match="path must be a str or a pathlib.Path, got int"):
        nn.export_onnx(classifier(), 3, inputs())


def test_without_onnx_the_error_names_the_extra(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "onnx", None)
    with pytest.raises(ImportError, match=r'nn.export_onnx needs .*onnx.*pip install "chainrule\[onnx\]"'):
        nn.export_onnx(classifier(), tmp_path / "m.onnx", inputs())


# --- convolutional networks ----------------------------------------------------------------------


def digits_cnn(dtype=np.float64, second_pool=nn.MaxPool2d, second_bias=True):
    """The CNN of examples/cnn_digits.py: two conv + ReLU + 2x2 pool stages on 1x8x8 images, then Linear."""
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1, rng=0, dtype=dtype), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 6, 3, padding=1, bias=second_bias, rng=1, dtype=dtype), nn.ReLU(), second_pool(2),
        nn.Flatten(), nn.Linear(6 * 2 * 2, 10, rng=2, dtype=dtype), nn.LogSoftmax(),
    )


def images(rows=5, channels=1, size=(8, 8), dtype=np.float64, seed=0):
    return np.random.default_rng(seed).normal(size=(rows, channels, *size)).astype(dtype)


@pytest.mark.parametrize("dtype, tolerance", [(np.float64, 1e-12), (np.float32, 1e-5)], ids=["float64", "float32"])
def test_onnxruntime_runs_the_digits_cnn_with_our_outputs_for_any_batch_size(tmp_path, dtype, tolerance):
    model = digits_cnn(dtype)
    nn.export_onnx(model, tmp_path / "cnn.onnx", images(rows=1, dtype=dtype))
    graph = onnx.load(tmp_path / "cnn.onnx").graph
    declared = [[d.dim_param or d.dim_value for d in value.type.tensor_type.shape.dim]
                for value in (graph.input[0], graph.output[0])]
    assert declared == [["batch", 1, "height", "width"], ["batch", 10]]
    for rows in (1, 7):
        X = images(rows=rows, dtype=dtype, seed=rows)
        out = run(tmp_path / "cnn.onnx", X)
        assert out.dtype == dtype
        np.testing.assert_allclose(out, model(X).data, rtol=tolerance, atol=tolerance)


def test_a_float32_cnn_is_written_with_onnx_conv_pool_and_flatten_operators(tmp_path):
    model = digits_cnn(np.float32, second_pool=nn.AvgPool2d)
    nn.export_onnx(model, tmp_path / "cnn.onnx", images(dtype=np.float32))
    graph = onnx.load(tmp_path / "cnn.onnx").graph
    assert [node.op_type for node in graph.node] == ["Conv", "Relu", "MaxPool", "Conv", "Relu", "AveragePool",
                                                     "Flatten", "MatMul", "Add", "LogSoftmax"]
    conv = {a.name: onnx.helper.get_attribute_value(a) for a in graph.node[0].attribute}
    assert conv == {"kernel_shape": [3, 3], "strides": [1, 1], "pads": [1, 1, 1, 1], "dilations": [1, 1], "group": 1}


def test_a_float64_cnn_avoids_the_conv_and_average_pool_onnxruntime_lacks_in_float64(tmp_path):
    model = digits_cnn(second_pool=nn.AvgPool2d)
    X = images()
    nn.export_onnx(model, tmp_path / "cnn.onnx", X)
    ops = {node.op_type for node in onnx.load(tmp_path / "cnn.onnx").graph.node}
    assert "Conv" not in ops and "AveragePool" not in ops and {"Slice", "MatMul", "Sum", "MaxPool"} <= ops
    np.testing.assert_allclose(run(tmp_path / "cnn.onnx", X), model(X).data, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
def test_the_cnn_graph_holds_exactly_our_weights_under_their_state_dict_names(tmp_path, dtype):
    model = digits_cnn(dtype, second_bias=False)
    nn.export_onnx(model, tmp_path / "cnn.onnx", images(dtype=dtype))
    graph_model = onnx.load(tmp_path / "cnn.onnx")
    weights = {t.name: onnx.numpy_helper.to_array(t) for t in graph_model.graph.initializer}
    assert weights.keys() == model.state_dict().keys() == {"0.weight", "0.bias", "3.weight", "7.weight", "7.bias"}
    for name, array in model.state_dict().items():
        np.testing.assert_array_equal(weights[name], array)


IMAGE_MODELS = [
    lambda dtype: nn.Conv2d(2, 3, (3, 2), stride=(2, 1), padding=(1, 2), rng=0, dtype=dtype),
    lambda dtype: nn.Conv2d(2, 3, 1, bias=False, rng=0, dtype=dtype),
    lambda dtype: nn.Sequential(nn.Conv2d(2, 2, 2, stride=3, rng=0, dtype=dtype), nn.Tanh()),
    lambda dtype: nn.MaxPool2d(3, stride=2),
    lambda dtype: nn.MaxPool2d((2, 3), stride=(1, 2)),
    lambda dtype: nn.AvgPool2d(3, stride=2),
    lambda dtype: nn.AvgPool2d((3, 2), stride=(1, 2)),
    lambda dtype: nn.Sequential(nn.AvgPool2d(1), nn.Flatten()),
]


@pytest.mark.parametrize("make", IMAGE_MODELS, ids=lambda make: repr(make(np.float64)).replace("\n", ""))
@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
def test_each_image_layer_runs_in_onnxruntime_with_our_outputs_at_any_height_and_width(tmp_path, make, dtype):
    model = make(dtype)
    nn.export_onnx(model, tmp_path / "m.onnx", images(rows=1, channels=2, size=(7, 9), dtype=dtype))
    tolerance = 1e-12 if dtype == np.float64 else 1e-5
    for size in ((7, 9), (10, 6), (5, 5)):  # sizes the windows do not divide: floor mode on both sides
        X = images(rows=3, channels=2, size=size, dtype=dtype, seed=size[0])
        np.testing.assert_allclose(run(tmp_path / "m.onnx", X), model(X).data, rtol=tolerance, atol=tolerance)


@pytest.mark.parametrize("dims", [(1, -1), (0, -1), (1, 2), (2, 3), (-3, -2), (0, 0), (3, 3), (0, 2)],
                         ids=lambda dims: f"Flatten{dims}")
def test_flatten_with_any_start_and_end_dim_runs_with_our_outputs(tmp_path, dims):
    model = nn.Sequential(nn.MaxPool2d(1), nn.Flatten(*dims))
    nn.export_onnx(model, tmp_path / "m.onnx", images(rows=1, channels=2, size=(3, 4)))
    for shape in ((2, 2, 3, 4), (3, 2, 5, 1), (0, 2, 3, 4)):  # a batch of 0 keeps its 0-size axis
        X = np.random.default_rng(0).normal(size=shape)
        out = run(tmp_path / "m.onnx", X)
        assert out.shape == model(X).data.shape
        np.testing.assert_array_equal(out, model(X).data)


def test_flatten_after_linear_on_a_rank_3_input_keeps_the_leading_axes_dynamic(tmp_path):
    model = nn.Sequential(nn.Linear(4, 3, rng=0), nn.Flatten(), nn.Linear(6, 2, rng=1))
    nn.export_onnx(model, tmp_path / "m.onnx", np.zeros((1, 2, 4)))
    declared = onnx.load(tmp_path / "m.onnx").graph.input[0].type.tensor_type.shape.dim
    assert [d.dim_param or d.dim_value for d in declared] == ["batch", "axis_1", 4]
    X = np.random.default_rng(0).normal(size=(5, 2, 4))
    np.testing.assert_allclose(run(tmp_path / "m.onnx", X), model(X).data, rtol=1e-12, atol=1e-12)


def test_a_cnn_layer_used_twice_is_written_twice_with_one_weight(tmp_path):
    shared = nn.Conv2d(2, 2, 3, padding=1, rng=0)
    model = nn.Sequential(shared, nn.ReLU(), shared)
    X = images(rows=2, channels=2, size=(5, 6))
    nn.export_onnx(model, tmp_path / "m.onnx", X)
    assert [t.name for t in onnx.load(tmp_path / "m.onnx").graph.initializer] == ["0.weight", "0.bias"]
    np.testing.assert_allclose(run(tmp_path / "m.onnx", X), model(X).data, rtol=1e-12, atol=1e-12)


def test_an_example_without_the_channels_the_cnn_expects_is_refused(tmp_path):
    with pytest.raises(ValueError, match=r"cannot run on example_input of shape \(1, 3, 8, 8\).*3 channels"):
        nn.export_onnx(digits_cnn(), tmp_path / "m.onnx", images(rows=1, channels=3))
    assert not (tmp_path / "m.onnx").exists()


def test_export_touches_no_other_file_and_leaves_no_temporary_behind(tmp_path):
    mine = tmp_path / "model.onnx.partial"
    mine.write_text("a user's own file")
    path = nn.export_onnx(classifier(), tmp_path / "model.onnx", inputs()[:1])
    assert mine.read_text() == "a user's own file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.onnx", "model.onnx.partial"]
    assert run(path, inputs()).shape == (6, 4)


def test_export_into_a_missing_folder_is_an_os_error_naming_the_path(tmp_path):
    target = tmp_path / "no such folder" / "model.onnx"
    with pytest.raises(FileNotFoundError, match=r"nn.export_onnx: cannot write .*no such folder"):
        nn.export_onnx(classifier(), target, inputs()[:1])
