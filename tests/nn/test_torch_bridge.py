"""nn.to_torch / nn.from_torch: the same network on both sides, weights transposed, outputs and gradients equal."""

import sys
from collections import OrderedDict

import numpy as np
import pytest

import nn
from autograd import Tensor

torch = pytest.importorskip("torch")

ACTIVATIONS = [
    (nn.ReLU(), torch.nn.ReLU),
    (nn.LeakyReLU(0.3), torch.nn.LeakyReLU),
    (nn.Sigmoid(), torch.nn.Sigmoid),
    (nn.Tanh(), torch.nn.Tanh),
    (nn.Softmax(axis=0), torch.nn.Softmax),
    (nn.LogSoftmax(), torch.nn.LogSoftmax),
    (nn.Identity(), torch.nn.Identity),
    (nn.Dropout(0.25), torch.nn.Dropout),
]


def inputs(rows=6, features=3, dtype=np.float64, seed=0):
    return np.random.default_rng(seed).normal(size=(rows, features)).astype(dtype)


def ours_forward_backward(model, X, weights):
    """Our output and the gradients of sum(output * weights) for the input and every parameter (by name)."""
    model.zero_grad()
    x = Tensor(X, requires_grad=True)
    out = model(x)
    (out * Tensor(weights)).sum().backward()
    return out.data, x.grad, {name: p.grad for name, p in model.named_parameters()}


def torch_forward_backward(module, X, weights):
    """The same for a torch module; Linear weight gradients transposed back to our (in, out) layout
    (a Conv2d weight is (out, in, kh, kw) on both sides)."""
    module.zero_grad()
    x = torch.tensor(X, requires_grad=True)
    out = module(x)
    (out * torch.from_numpy(weights)).sum().backward()
    grads = {}
    for name, p in module.named_parameters():
        grad = p.grad.numpy()
        grads[name] = grad.T if name.endswith("weight") and grad.ndim == 2 else grad
    return out.detach().numpy(), x.grad.numpy(), grads


def assert_same_computation(model, module, X, rtol=1e-12, atol=1e-12):
    weights = np.random.default_rng(1).normal(size=model(X).data.shape).astype(X.dtype)
    assert tuple(module(torch.from_numpy(X)).shape) == model(X).data.shape
    ours = ours_forward_backward(model, X, weights)
    theirs = torch_forward_backward(module, X, weights)
    np.testing.assert_allclose(theirs[0], ours[0], rtol=rtol, atol=atol)
    np.testing.assert_allclose(theirs[1], ours[1], rtol=rtol, atol=atol)
    assert theirs[2].keys() == ours[2].keys()
    for name in ours[2]:
        np.testing.assert_allclose(theirs[2][name], ours[2][name], rtol=rtol, atol=atol, err_msg=name)


# --- to_torch -----------------------------------------------------------------------------------


def test_an_mlp_becomes_a_torch_sequential_with_the_same_names_and_transposed_weights():
    model = nn.MLP([3, 5, 4, 2], rng=0)
    module = nn.to_torch(model)
    assert type(module) is torch.nn.Sequential
    assert [type(layer) for layer in module] == [torch.nn.Linear, torch.nn.ReLU, torch.nn.Linear, torch.nn.ReLU,
                                                 torch.nn.Linear]
    theirs = module.state_dict()
    assert list(theirs) == list(model.state_dict())
    np.testing.assert_array_equal(theirs["0.weight"].numpy(), model[0].weight.data.T)
    np.testing.assert_array_equal(theirs["4.bias"].numpy(), model[4].bias.data)


def test_to_torch_outputs_and_gradients_agree_in_float64():
    model = nn.MLP([3, 8, 8, 2], activation="tanh", out="softmax", rng=0)
    module = nn.to_torch(model)
    assert module[0].weight.dtype == torch.float64
    assert_same_computation(model, module, inputs())


def test_to_torch_keeps_float32_and_agrees_to_float32_precision():
    model = nn.MLP([3, 8, 2], activation="sigmoid", rng=0, dtype=np.float32)
    module = nn.to_torch(model)
    assert {p.dtype for p in module.parameters()} == {torch.float32}
    X = inputs(dtype=np.float32)
    assert module(torch.from_numpy(X)).dtype == torch.float32
    assert_same_computation(model, module, X, rtol=1e-5, atol=1e-6)


@pytest.mark.filterwarnings("ignore:backward\\(\\) ran through a Dropout in eval mode")  # gradients compared in eval mode on purpose
@pytest.mark.parametrize("activation, torch_class", ACTIVATIONS, ids=lambda a: type(a).__name__)
def test_each_activation_translates_with_its_setting_and_agrees(activation, torch_class):
    model = nn.Sequential(nn.Linear(3, 4, rng=0), activation, nn.Linear(4, 2, rng=1)).eval()
    module = nn.to_torch(model)
    layer = module[1]
    assert type(layer) is torch_class
    settings = {
        torch.nn.LeakyReLU: ("negative_slope", 0.3),
        torch.nn.Softmax: ("dim", 0),
        torch.nn.LogSoftmax: ("dim", -1),
        torch.nn.Dropout: ("p", 0.25),
    }
    if torch_class in settings:
        attribute, value = settings[torch_class]
        assert getattr(layer, attribute) == value
    assert_same_computation(model, module, inputs())


def test_a_linear_without_bias_translates():
    model = nn.Sequential(nn.Linear(3, 4, bias=False, rng=0), nn.ReLU(), nn.Linear(4, 2, rng=1))
    module = nn.to_torch(model)
    assert module[0].bias is None
    assert list(module.state_dict()) == ["0.weight", "2.weight", "2.bias"]
    assert_same_computation(model, module, inputs())


def test_a_single_layer_translates_to_the_single_torch_layer():
    layer = nn.Linear(3, 2, rng=0)
    module = nn.to_torch(layer)
    assert type(module) is torch.nn.Linear
    assert_same_computation(layer, module, inputs())


def test_nested_sequentials_stay_nested_so_state_dict_names_agree():
    model = nn.Sequential(nn.MLP([3, 4, 2], rng=0), nn.Softmax())
    module = nn.to_torch(model)
    assert list(module.state_dict()) == list(model.state_dict()) == ["0.0.weight", "0.0.bias", "0.2.weight",
                                                                     "0.2.bias"]
    assert_same_computation(model, module, inputs())


def test_a_layer_used_twice_stays_shared():
    shared = nn.Linear(3, 3, rng=0)
    model = nn.Sequential(shared, nn.Tanh(), shared)
    module = nn.to_torch(model)
    assert module[0] is module[2]
    assert_same_computation(model, module, inputs())


def test_the_training_mode_of_every_layer_is_kept():
    model = nn.MLP([3, 4, 2], rng=0)
    model.append(nn.Dropout(0.5))
    model[3].eval()
    module = nn.to_torch(model)
    assert module.training and module[0].training and not module[3].training
    assert not nn.to_torch(model.eval()).training


def test_to_torch_copies_the_weights():
    model = nn.Sequential(nn.Linear(3, 2, rng=0))
    before = model[0].weight.data.copy()
    module = nn.to_torch(model)
    with torch.no_grad():
        module[0].weight.add_(1.0)
    np.testing.assert_array_equal(model[0].weight.data, before)


class Scale(nn.Module):
    def __init__(self):
        self.factor = nn.Parameter(np.array(2.0))

    def forward(self, x):
        return x * self.factor


class MyReLU(nn.ReLU):
    def forward(self, x):
        return x.relu() * 2


def test_a_custom_module_is_refused_by_name_and_position():
    model = nn.Sequential(nn.Linear(3, 2), Scale())
    with pytest.raises(TypeError, match=r"nn.to_torch: layer '1' is a Scale \(a custom Module\).*no PyTorch counterpart"):
        nn.to_torch(model)


def test_a_subclass_of_a_translatable_layer_is_refused():
    with pytest.raises(TypeError, match=r"layer '0.1' is a MyReLU \(a subclass of ReLU\)"):
        nn.to_torch(nn.Sequential(nn.Sequential(nn.Linear(3, 2), MyReLU())))


def test_a_custom_model_is_refused_as_the_model():
    with pytest.raises(TypeError, match=r"the model is a Scale"):
        nn.to_torch(Scale())


def test_a_scalar_mlp_is_refused_with_a_hint():
    with pytest.raises(TypeError, match=r"MLP .*nn.scalar models are made of Values"):
        nn.to_torch(nn.scalar.MLP(2, [3, 1]))


def test_a_sequential_holding_parameters_outside_its_layers_is_refused():
    model = nn.Sequential(nn.Linear(3, 2))
    model.extra = nn.Linear(2, 2)
    with pytest.raises(TypeError, match=r"holds 'extra' outside its sequence"):
        nn.to_torch(model)


def test_layers_of_different_dtypes_are_refused():
    model = nn.Sequential(nn.Linear(3, 2, dtype=np.float32), nn.Linear(2, 2, dtype=np.float64))
    with pytest.raises(ValueError, match=r"different dtypes: float32 \(first at layer '0'\), float64"):
        nn.to_torch(model)


def test_to_torch_refuses_a_non_module():
    with pytest.raises(TypeError, match="nn.to_torch: expected an nn.Module, got dict"):
        nn.to_torch({"0.weight": np.ones((3, 2))})


# --- to_torch: convolutional networks ----------------------------------------------------------


def digits_cnn(dtype=np.float64):
    """The CNN of examples/cnn_digits.py: two conv + ReLU + 2x2 max-pool stages on 1x8x8 images, then Linear."""
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1, rng=0, dtype=dtype), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 6, 3, padding=1, rng=1, dtype=dtype), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(6 * 2 * 2, 10, rng=2, dtype=dtype),
    )


def images(rows=5, channels=1, size=(8, 8), dtype=np.float64, seed=0):
    return np.random.default_rng(seed).normal(size=(rows, channels, *size)).astype(dtype)


def test_a_cnn_becomes_torch_layers_with_the_same_settings_and_untransposed_conv_weights():
    model = digits_cnn()
    module = nn.to_torch(model)
    assert [type(layer) for layer in module] == [
        torch.nn.Conv2d, torch.nn.ReLU, torch.nn.MaxPool2d, torch.nn.Conv2d, torch.nn.ReLU, torch.nn.MaxPool2d,
        torch.nn.Flatten, torch.nn.Linear]
    conv = module[3]
    assert (conv.in_channels, conv.out_channels, conv.kernel_size, conv.stride, conv.padding) == (4, 6, (3, 3),
                                                                                                 (1, 1), (1, 1))
    assert conv.weight.dtype == torch.float64
    assert (module[6].start_dim, module[6].end_dim) == (1, -1)
    theirs = module.state_dict()
    assert list(theirs) == list(model.state_dict())
    np.testing.assert_array_equal(theirs["3.weight"].numpy(), model[3].weight.data)
    np.testing.assert_array_equal(theirs["3.bias"].numpy(), model[3].bias.data)
    np.testing.assert_array_equal(theirs["7.weight"].numpy(), model[7].weight.data.T)


def test_a_cnn_computes_the_same_outputs_and_gradients_in_float64():
    model = digits_cnn()
    assert_same_computation(model, nn.to_torch(model), images(), rtol=1e-10, atol=1e-10)


def test_a_cnn_computes_the_same_outputs_and_gradients_in_float32():
    model = digits_cnn(np.float32)
    module = nn.to_torch(model)
    assert {p.dtype for p in module.parameters()} == {torch.float32}
    assert_same_computation(model, module, images(dtype=np.float32), rtol=1e-5, atol=1e-5)


IMAGE_LAYERS = [
    (nn.Conv2d(2, 3, (3, 2), stride=(2, 1), padding=(1, 2), rng=0), torch.nn.Conv2d,
     {"kernel_size": (3, 2), "stride": (2, 1), "padding": (1, 2)}),
    (nn.Conv2d(2, 3, 2, bias=False, rng=0), torch.nn.Conv2d, {"kernel_size": (2, 2), "bias": None}),
    (nn.MaxPool2d(3, stride=2), torch.nn.MaxPool2d,
     {"kernel_size": (3, 3), "stride": (2, 2), "padding": 0, "dilation": 1, "ceil_mode": False}),
    (nn.MaxPool2d((2, 3)), torch.nn.MaxPool2d, {"kernel_size": (2, 3), "stride": (2, 3), "ceil_mode": False}),
    (nn.AvgPool2d(3, stride=2), torch.nn.AvgPool2d,
     {"kernel_size": (3, 3), "stride": (2, 2), "padding": 0, "ceil_mode": False, "divisor_override": None}),
    (nn.AvgPool2d((3, 2), stride=(1, 2)), torch.nn.AvgPool2d, {"kernel_size": (3, 2), "stride": (1, 2)}),
    (nn.Flatten(), torch.nn.Flatten, {"start_dim": 1, "end_dim": -1}),
    (nn.Flatten(2, 3), torch.nn.Flatten, {"start_dim": 2, "end_dim": 3}),
    (nn.Flatten(0, -2), torch.nn.Flatten, {"start_dim": 0, "end_dim": -2}),
]


@pytest.mark.parametrize("layer, torch_class, settings", IMAGE_LAYERS,
                         ids=lambda a: repr(a) if isinstance(a, nn.Module) else None)
def test_each_image_layer_translates_with_its_settings_and_agrees_on_odd_sizes(layer, torch_class, settings):
    module = nn.to_torch(layer)
    assert type(module) is torch_class
    for name, value in settings.items():
        assert getattr(module, name) == value, name
    X = images(rows=3, channels=2, size=(7, 9))  # sizes the windows do not divide: floor mode on both sides
    assert_same_computation(layer, module, X)


def test_max_pool_sends_a_tied_windows_gradient_to_the_same_element_as_torch():
    model = nn.Sequential(nn.ReLU(), nn.MaxPool2d(2, stride=1))
    X = np.array([[[[-1.0, -2.0, 3.0], [-3.0, -4.0, 3.0], [0.5, 0.5, 0.5]]]])  # windows of tied 0s, 3s and 0.5s
    assert_same_computation(model, nn.to_torch(model), X)


def test_a_subclass_of_conv2d_is_refused_and_the_message_names_the_image_layers():
    class MyConv(nn.Conv2d):
        pass

    with pytest.raises(TypeError, match=r"layer '1' is a MyConv \(a subclass of Conv2d\), which has no PyTorch "
                                        r"counterpart; .*Conv2d, MaxPool2d, AvgPool2d, Flatten"):
        nn.to_torch(nn.Sequential(nn.Conv2d(1, 1, 1), MyConv(1, 1, 1)))


def test_a_cnn_whose_conv_and_linear_dtypes_differ_is_refused():
    model = nn.Sequential(nn.Conv2d(1, 1, 3, dtype=np.float32), nn.Flatten(), nn.Linear(36, 2))
    with pytest.raises(ValueError, match=r"different dtypes: float32 \(first at layer '0'\), float64 \(first at "
                                         r"layer '2'\)"):
        nn.to_torch(model)


# --- from_torch ----------------------------------------------------------------------------------


def torch_model(dtype=torch.float64):
    torch.manual_seed(0)
    return torch.nn.Sequential(
        OrderedDict(
            hidden=torch.nn.Linear(3, 6, dtype=dtype),
            act=torch.nn.LeakyReLU(0.2),
            drop=torch.nn.Dropout(0.1),
            out=torch.nn.Linear(6, 4, bias=False, dtype=dtype),
            soft=torch.nn.LogSoftmax(dim=1),
        )
    )


def test_from_torch_builds_our_sequential_with_transposed_weights():
    module = torch_model()
    model = nn.from_torch(module)
    assert type(model) is nn.Sequential
    assert [type(layer) for layer in model] == [nn.Linear, nn.LeakyReLU, nn.Dropout, nn.Linear, nn.LogSoftmax]
    assert model[1].negative_slope == 0.2 and model[2].p == 0.1 and model[4].axis == 1
    assert model[3].bias is None
    np.testing.assert_array_equal(model[0].weight.data, module.hidden.weight.detach().numpy().T)
    assert model[0].weight.data.flags.c_contiguous
    np.testing.assert_array_equal(model[0].bias.data, module.hidden.bias.detach().numpy())


@pytest.mark.filterwarnings("ignore:backward\\(\\) ran through a Dropout in eval mode")  # gradients compared in eval mode on purpose
def test_from_torch_outputs_and_gradients_agree():
    module = torch_model().eval()
    model = nn.from_torch(module)
    assert not model.training and not model[2].training
    X = inputs()
    weights = np.random.default_rng(1).normal(size=(6, 4))
    ours = ours_forward_backward(model, X, weights)
    theirs = torch_forward_backward(module, X, weights)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-12, atol=1e-12)
    renamed = {"hidden": "0", "out": "3"}
    for name, grad in theirs[2].items():
        layer, kind = name.split(".")
        np.testing.assert_allclose(ours[2][f"{renamed[layer]}.{kind}"], grad, rtol=1e-12, atol=1e-12)


def test_from_torch_keeps_float32():
    model = nn.from_torch(torch_model(torch.float32))
    assert model[0].weight.data.dtype == np.float32 and model[0].bias.data.dtype == np.float32


def test_a_round_trip_gives_back_the_same_weights_and_layers():
    model = nn.Sequential(nn.Linear(3, 5, rng=0), nn.LeakyReLU(0.05), nn.Dropout(0.3), nn.Linear(5, 2, rng=1),
                          nn.Softmax(axis=-1))
    back = nn.from_torch(nn.to_torch(model))
    assert repr(back) == repr(model)
    for (name, ours), (name_back, theirs) in zip(model.state_dict().items(), back.state_dict().items()):
        assert name == name_back
        np.testing.assert_array_equal(theirs, ours)


def test_an_unknown_torch_layer_is_refused_by_name_and_position():
    module = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.Sequential(torch.nn.ReLU(), torch.nn.SiLU()))
    with pytest.raises(TypeError, match=r"nn.from_torch: layer '1.1' is a torch.nn.modules.activation.SiLU, which "
                                        r"has no chainrule counterpart"):
        nn.from_torch(module)


def test_a_softmax_without_dim_is_refused():
    with pytest.raises(ValueError, match=r"layer '1' is a Softmax with dim=None, whose axis PyTorch guesses"):
        nn.from_torch(torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.Softmax()))


def test_half_precision_weights_are_refused():
    with pytest.raises(ValueError, match=r"torch.float16 weights; float32 and float64 translate"):
        nn.from_torch(torch.nn.Sequential(torch.nn.Linear(3, 2).half()))


def test_from_torch_refuses_what_is_not_a_torch_module():
    with pytest.raises(TypeError, match="expected a torch.nn.Module, got MLP"):
        nn.from_torch(nn.MLP([2, 1]))


def test_from_torch_copies_the_weights():
    module = torch.nn.Linear(3, 2, dtype=torch.float64)
    model = nn.from_torch(module)
    with torch.no_grad():
        module.weight.zero_()
    assert np.abs(model.weight.data).sum() > 0


def torch_cnn(dtype=torch.float64):
    torch.manual_seed(0)
    return torch.nn.Sequential(
        torch.nn.Conv2d(2, 4, 3, stride=2, padding="valid", dtype=dtype), torch.nn.Tanh(),
        torch.nn.Conv2d(4, 5, 3, padding="same", bias=False, dtype=dtype), torch.nn.AvgPool2d(2),
        torch.nn.MaxPool2d(kernel_size=(1, 2), stride=1), torch.nn.Flatten(),
        torch.nn.Linear(5 * 2 * 2, 3, dtype=dtype),
    )


@pytest.mark.parametrize("dtype, tolerance", [(torch.float64, 1e-10), (torch.float32, 1e-5)],
                         ids=["float64", "float32"])
def test_from_torch_translates_a_cnn_whose_outputs_and_gradients_agree(dtype, tolerance):
    module = torch_cnn(dtype)
    model = nn.from_torch(module)
    assert [type(layer) for layer in model] == [nn.Conv2d, nn.Tanh, nn.Conv2d, nn.AvgPool2d, nn.MaxPool2d,
                                                nn.Flatten, nn.Linear]
    assert (model[0].stride, model[0].padding, model[2].padding) == ((2, 2), (0, 0), (1, 1))
    assert model[2].bias is None
    assert (model[3].kernel_size, model[3].stride) == ((2, 2), (2, 2))
    assert (model[4].kernel_size, model[4].stride) == ((1, 2), (1, 1))
    np.testing.assert_array_equal(model[0].weight.data, module[0].weight.detach().numpy())
    assert model[0].weight.data.dtype == model[6].weight.data.dtype == np.dtype(str(dtype).split(".")[1])
    X = images(rows=3, channels=2, size=(10, 13)).astype(model[0].weight.data.dtype)
    assert_same_computation(model, module, X, rtol=tolerance, atol=tolerance)


def test_a_cnn_round_trip_gives_back_the_same_layers_and_weights():
    model = nn.Sequential(nn.Conv2d(2, 3, (3, 1), stride=(1, 2), padding=(0, 1), bias=False, rng=0),
                          nn.AvgPool2d((2, 1), stride=1), nn.Conv2d(3, 4, 2, rng=1), nn.MaxPool2d(3, stride=(2, 1)),
                          nn.Flatten(2, 3), nn.Flatten(), nn.Linear(8, 2, rng=2))
    back = nn.from_torch(nn.to_torch(model))
    assert repr(back) == repr(model)
    for (name, ours), (name_back, theirs) in zip(model.state_dict().items(), back.state_dict().items()):
        assert name == name_back
        np.testing.assert_array_equal(theirs, ours)


@pytest.mark.parametrize(
    "layer, message",
    [
        (torch.nn.Conv2d(1, 2, 3, dilation=2), r"Conv2d with dilation=\(2, 2\); chainrule's Conv2d has no dilation"),
        (torch.nn.Conv2d(2, 2, 3, groups=2), r"Conv2d with groups=2; chainrule's Conv2d has no groups"),
        (torch.nn.Conv2d(1, 2, 3, padding=1, padding_mode="reflect"),
         r"Conv2d with padding_mode='reflect'; chainrule's Conv2d has zero padding only"),
        (torch.nn.Conv2d(1, 2, 2, padding="same"), r"Conv2d with padding='same' and the even kernel_size \(2, 2\)"),
        (torch.nn.MaxPool2d(2, padding=1), r"MaxPool2d with padding=1; chainrule's MaxPool2d has no padding"),
        (torch.nn.MaxPool2d(2, ceil_mode=True), r"MaxPool2d with ceil_mode=True; .* floor mode only"),
        (torch.nn.MaxPool2d(3, dilation=2), r"MaxPool2d with dilation=2"),
        (torch.nn.MaxPool2d(2, return_indices=True), r"MaxPool2d with return_indices=True"),
        (torch.nn.AvgPool2d(2, padding=1), r"AvgPool2d with padding=1"),
        (torch.nn.AvgPool2d(2, ceil_mode=True), r"AvgPool2d with ceil_mode=True"),
        (torch.nn.AvgPool2d(2, divisor_override=3), r"AvgPool2d with divisor_override=3"),
    ],
    ids=lambda a: repr(a) if isinstance(a, torch.nn.Module) else None,
)
def test_a_torch_image_layer_setting_we_do_not_have_is_refused_by_position(layer, message):
    with pytest.raises(ValueError, match=rf"nn.from_torch: layer '1' is a {message}"):
        nn.from_torch(torch.nn.Sequential(torch.nn.Identity(), layer))


def test_an_avg_pool_without_padding_translates_whatever_its_count_include_pad():
    module = torch.nn.Sequential(torch.nn.AvgPool2d(2, stride=1, count_include_pad=False)).double()
    assert_same_computation(nn.from_torch(module), module, images(rows=2, size=(5, 4)))


def test_half_precision_conv_weights_are_refused():
    with pytest.raises(ValueError, match=r"layer '0' \(Conv2d\) holds torch.float16 weights"):
        nn.from_torch(torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3).half()))


def test_an_unknown_torch_image_layer_is_refused_by_name_and_position():
    module = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.BatchNorm2d(2))
    with pytest.raises(TypeError, match=r"layer '1' is a torch.nn.modules.batchnorm.BatchNorm2d, which has no "
                                        r"chainrule counterpart; nn.from_torch translates .*Conv2d"):
        nn.from_torch(module)


# --- without torch -------------------------------------------------------------------------------


def test_without_torch_both_directions_name_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(ImportError, match=r'nn.to_torch needs .*torch.*pip install "chainrule\[torch\]"'):
        nn.to_torch(nn.MLP([2, 1]))
    with pytest.raises(ImportError, match=r'nn.from_torch needs .*pip install "chainrule\[torch\]"'):
        nn.from_torch(object())
