"""Layers: Linear, the activations, Dropout, MLP."""

import numpy as np
import pytest

import nn
import nn.functional as F
from autograd import Tensor, Value
from tests.finite_differences import numeric_gradient_at


# --- Linear ------------------------------------------------------------------------------------


def test_linear_weight_is_in_by_out_and_bias_is_out():
    layer = nn.Linear(3, 5)
    assert layer.weight.shape == (3, 5) and layer.bias.shape == (5,)


def test_linear_computes_x_times_w_plus_b():
    layer = nn.Linear(3, 2, rng=0)
    layer.bias.data = np.array([0.5, -0.5])
    X = np.random.default_rng(1).normal(size=(4, 3))
    np.testing.assert_allclose(layer(X).data, X @ layer.weight.data + layer.bias.data, rtol=1e-15)


def test_linear_parameters_are_weight_then_bias():
    layer = nn.Linear(3, 2)
    assert [name for name, _ in layer.named_parameters()] == ["weight", "bias"]
    assert all(isinstance(p, nn.Parameter) for p in layer.parameters())


def test_linear_without_bias_has_only_a_weight():
    layer = nn.Linear(3, 2, bias=False, rng=0)
    assert layer.bias is None and len(layer.parameters()) == 1
    X = np.ones((1, 3))
    np.testing.assert_array_equal(layer(X).data, X @ layer.weight.data)


def test_linear_bias_starts_at_zero():
    for init in ("he", "xavier", "normal", "uniform", "zeros"):
        assert not nn.Linear(4, 3, init=init, rng=0).bias.data.any()


def test_linear_normal_init_is_the_notes_n_0_0_01_squared():
    # 1000 x 1000 draws: the standard error of the std is 0.01/√(2·10⁶) ≈ 7e-6; 2% is ~30 of them
    layer = nn.Linear(1000, 1000, init="normal", rng=0)
    assert layer.weight.data.std() == pytest.approx(0.01, rel=0.02)


def test_linear_he_init_has_variance_two_over_in_features():
    layer = nn.Linear(1000, 1000, init="he", rng=0)
    assert layer.weight.data.var() == pytest.approx(2.0 / 1000, rel=0.02)


def test_linear_xavier_init_has_variance_two_over_in_plus_out():
    layer = nn.Linear(500, 1500, init="xavier", rng=0)
    assert layer.weight.data.var() == pytest.approx(2.0 / 2000, rel=0.02)


def test_linear_zeros_init_is_zero():
    assert not nn.Linear(3, 2, init="zeros").weight.data.any()


def test_linear_rng_seed_reproduces_the_weights():
    first, second = nn.Linear(4, 3, rng=11), nn.Linear(4, 3, rng=11)
    np.testing.assert_array_equal(first.weight.data, second.weight.data)
    assert not np.array_equal(first.weight.data, nn.Linear(4, 3, rng=12).weight.data)


def test_linear_float32_dtype_is_kept():
    layer = nn.Linear(3, 2, dtype=np.float32, rng=0)
    assert layer.weight.dtype == np.float32 and layer.bias.dtype == np.float32
    assert layer(np.ones((2, 3), dtype=np.float32)).dtype == np.float32


def test_linear_gradients_match_central_differences():
    layer = nn.Linear(3, 2, rng=0)
    X = np.random.default_rng(1).normal(size=(4, 3))
    weights = np.random.default_rng(2).normal(size=(4, 2))
    (layer(X) * weights).sum().backward()

    def loss_of_weight(w):
        return float(((X @ w + layer.bias.data) * weights).sum())

    def loss_of_bias(b):
        return float(((X @ layer.weight.data + b) * weights).sum())

    np.testing.assert_allclose(layer.weight.grad, numeric_gradient_at(loss_of_weight, layer.weight.data), rtol=1e-7)
    np.testing.assert_allclose(layer.bias.grad, numeric_gradient_at(loss_of_bias, layer.bias.data), rtol=1e-7)


def test_linear_passes_the_gradient_to_its_input():
    layer = nn.Linear(3, 2, rng=0)
    x = Tensor(np.ones((1, 3)), requires_grad=True)
    layer(x).sum().backward()
    np.testing.assert_allclose(x.grad, layer.weight.data.sum(axis=1, keepdims=True).T, rtol=1e-15)


def test_linear_accepts_a_single_sample_and_lists():
    layer = nn.Linear(2, 3, rng=0)
    assert layer([1.0, 2.0]).shape == (3,)
    assert layer([[1, 2], [3, 4]]).dtype == np.float64


def test_linear_shape_error_names_the_layer_and_the_feature_counts():
    message = r"Linear\(in_features=3, out_features=2, bias=True\): expected 3 features.*got 4"
    with pytest.raises(ValueError, match=message):
        nn.Linear(3, 2)(np.zeros((5, 4)))


def test_linear_refuses_a_value_input():
    with pytest.raises(TypeError, match="nn.scalar"):
        nn.Linear(1, 1)(Value(1.0))


def test_linear_refuses_bad_sizes_and_inits():
    with pytest.raises(ValueError, match="in_features must be >= 1"):
        nn.Linear(0, 2)
    with pytest.raises(TypeError, match="out_features must be an int"):
        nn.Linear(2, 2.0)
    with pytest.raises(ValueError, match="unknown init 'kaiming'"):
        nn.Linear(2, 2, init="kaiming")
    with pytest.raises(TypeError, match="bias must be True or False"):
        nn.Linear(2, 2, bias=0)


# --- activations ----------------------------------------------------------------------------------

X = np.array([[-2.0, -0.5, 0.0, 0.5, 3.0]])


@pytest.mark.parametrize(
    "module, expected",
    [
        (nn.ReLU(), np.maximum(X, 0)),
        (nn.LeakyReLU(0.1), np.where(X > 0, X, 0.1 * X)),
        (nn.Sigmoid(), 1 / (1 + np.exp(-X))),
        (nn.Tanh(), np.tanh(X)),
        (nn.Identity(), X),
        (nn.Softmax(), np.exp(X) / np.exp(X).sum(axis=-1, keepdims=True)),
        (nn.LogSoftmax(), X - np.log(np.exp(X).sum(axis=-1, keepdims=True))),
    ],
    ids=lambda p: type(p).__name__ if isinstance(p, nn.Module) else "",
)
def test_activation_matches_numpy(module, expected):
    np.testing.assert_allclose(module(Tensor(X)).data, expected, rtol=1e-14, atol=1e-15)


def test_leaky_relu_default_slope_is_0_01():
    assert nn.LeakyReLU().negative_slope == 0.01


def test_softmax_along_axis_zero_normalises_columns():
    out = nn.Softmax(axis=0)(Tensor(np.arange(6.0).reshape(3, 2)))
    np.testing.assert_allclose(out.data.sum(axis=0), [1.0, 1.0], rtol=1e-15)


def test_activations_work_on_values_where_they_make_sense():
    assert nn.functional.relu(Value(-1.0)).data == 0.0
    assert nn.functional.tanh(Value(0.0)).data == 0.0


def test_activation_reprs():
    assert repr(nn.LeakyReLU(0.2)) == "LeakyReLU(negative_slope=0.2)"
    assert repr(nn.Softmax(axis=0)) == "Softmax(axis=0)"


# --- Dropout ------------------------------------------------------------------------------------------


def test_dropout_keeps_about_one_minus_p_of_the_elements():
    # 10⁶ Bernoulli(0.7) draws: the kept fraction has standard error √(0.21/10⁶) ≈ 4.6e-4; 0.003 is ~6.5 of them
    out = nn.Dropout(0.3, rng=0)(Tensor(np.ones(1_000_000)))
    assert abs(np.mean(out.data != 0) - 0.7) < 0.003


def test_dropout_scales_survivors_by_one_over_one_minus_p():
    out = nn.Dropout(0.25, rng=0)(Tensor(np.full(1000, 3.0)))
    survivors = out.data[out.data != 0]
    np.testing.assert_array_equal(survivors, np.full(survivors.shape, 3.0 / 0.75))


def test_dropout_gradient_is_the_same_mask_and_scale():
    x = Tensor(np.ones(200), requires_grad=True)
    out = nn.Dropout(0.5, rng=1)(x)
    out.sum().backward()
    np.testing.assert_array_equal(x.grad, out.data)  # ∂/∂x (mask·x/(1-p)) = mask/(1-p), and x = 1


def test_dropout_is_the_identity_in_eval_mode():
    layer = nn.Dropout(0.9, rng=0).eval()
    x = Tensor(np.arange(10.0))
    np.testing.assert_array_equal(layer(x).data, x.data)


def test_dropout_follows_the_mode_of_the_model_it_is_in():
    model = nn.Sequential(nn.Linear(4, 4, rng=0), nn.Dropout(0.5, rng=0))
    model.eval()
    x = np.ones((3, 4))
    np.testing.assert_array_equal(model(x).data, model[0](x).data)


def test_dropout_with_p_zero_is_the_identity_in_training():
    x = Tensor(np.arange(5.0))
    np.testing.assert_array_equal(nn.Dropout(0.0)(x).data, x.data)


def test_dropout_rng_seed_reproduces_the_mask():
    x = Tensor(np.ones(50))
    np.testing.assert_array_equal(nn.Dropout(0.5, rng=3)(x).data, nn.Dropout(0.5, rng=3)(x).data)


def test_dropout_with_p_one_zeroes_every_element_and_every_gradient():
    x = Tensor(np.arange(1.0, 7.0), requires_grad=True)
    out = nn.Dropout(1.0, rng=0)(x)
    (out * Tensor(np.arange(6.0))).sum().backward()
    assert (out.data.tolist(), x.grad.tolist()) == ([0.0] * 6, [0.0] * 6)


def test_functional_dropout_with_p_one_zeroes_every_element():
    assert F.dropout(Tensor(np.ones((2, 3))), p=1).data.tolist() == [[0.0] * 3] * 2


@pytest.mark.parametrize("p", [-0.1, 1.5, 1.0000001])
def test_dropout_refuses_p_outside_zero_one(p):
    with pytest.raises(ValueError, match=r"Dropout: p must be in \[0, 1\]"):
        nn.Dropout(p)


def test_dropout_refuses_a_non_number():
    with pytest.raises(TypeError, match="Dropout: p must be a number"):
        nn.Dropout("0.5")


# --- MLP -----------------------------------------------------------------------------------------------


def test_mlp_puts_the_activation_between_linear_layers():
    model = nn.MLP([2, 8, 4, 1], rng=0)
    kinds = [type(m).__name__ for m in model]
    assert kinds == ["Linear", "ReLU", "Linear", "ReLU", "Linear"]
    assert [(m.in_features, m.out_features) for m in model if isinstance(m, nn.Linear)] == [(2, 8), (8, 4), (4, 1)]


def test_mlp_out_adds_an_output_activation():
    model = nn.MLP([2, 3, 1], activation="tanh", out="sigmoid", rng=0)
    assert [type(m).__name__ for m in model] == ["Linear", "Tanh", "Linear", "Sigmoid"]
    out = model(np.zeros((5, 2)))
    assert out.shape == (5, 1) and np.all((out.data > 0) & (out.data < 1))


def test_mlp_softmax_output_rows_sum_to_one():
    out = nn.MLP([3, 4, 5], out="softmax", rng=0)(np.ones((2, 3)))
    np.testing.assert_allclose(out.data.sum(axis=1), [1.0, 1.0], rtol=1e-14)


def test_mlp_parameters_are_named_by_position():
    names = [name for name, _ in nn.MLP([2, 3, 1], rng=0).named_parameters()]
    assert names == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_mlp_rng_seed_reproduces_every_layer():
    first, second = nn.MLP([2, 5, 5, 1], rng=4), nn.MLP([2, 5, 5, 1], rng=4)
    for a, b in zip(first.parameters(), second.parameters(), strict=True):
        np.testing.assert_array_equal(a.data, b.data)


def test_mlp_layers_draw_different_weights_from_one_generator():
    model = nn.MLP([4, 4, 4], rng=0)
    assert not np.array_equal(model[0].weight.data, model[2].weight.data)


def test_mlp_default_init_is_he_for_relu_and_xavier_for_tanh():
    relu_model = nn.MLP([4, 4], rng=0)
    tanh_model = nn.MLP([4, 4], activation="tanh", rng=0)
    np.testing.assert_array_equal(relu_model[0].weight.data, nn.init.he((4, 4), rng=0))
    np.testing.assert_array_equal(tanh_model[0].weight.data, nn.init.xavier((4, 4), rng=0))


def test_mlp_takes_an_activation_class_or_instance():
    model = nn.MLP([2, 3, 3, 1], activation=nn.LeakyReLU(0.2), rng=0)
    assert model[1] is not model[3] and model[3].negative_slope == 0.2
    assert isinstance(nn.MLP([2, 3, 1], activation=nn.Tanh, rng=0)[1], nn.Tanh)


def test_mlp_refuses_bad_sizes_and_activations():
    with pytest.raises(ValueError, match="sizes needs an input and an output width"):
        nn.MLP([3])
    with pytest.raises(TypeError, match="sizes must be a list"):
        nn.MLP(3)
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        nn.MLP([2, 2, 1], activation="swish")


def test_mlp_repr_lists_its_layers():
    assert repr(nn.MLP([2, 3, 1], out="sigmoid", rng=0)) == (
        "MLP(\n"
        "  (0): Linear(in_features=2, out_features=3, bias=True)\n"
        "  (1): ReLU()\n"
        "  (2): Linear(in_features=3, out_features=1, bias=True)\n"
        "  (3): Sigmoid()\n"
        ")"
    )


def test_functional_dropout_matches_the_module_for_the_same_generator():
    x = Tensor(np.ones(100))
    by_function = nn.functional.dropout(x, 0.4, training=True, rng=np.random.default_rng(5))
    by_module = nn.Dropout(0.4, rng=np.random.default_rng(5))(x)
    np.testing.assert_array_equal(by_function.data, by_module.data)
    assert nn.functional.dropout(x, 0.4, training=False) is x


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_linear_takes_an_integer_tensor_as_the_weights_dtype(dtype):
    layer = nn.Linear(3, 2, rng=0, dtype=dtype)
    x = np.array([[1, 2, 3], [0, -1, 4]])
    out = layer(Tensor(x))
    assert out.dtype == dtype
    np.testing.assert_allclose(out.data, x.astype(dtype) @ layer.weight.data + layer.bias.data, rtol=1e-6)


@pytest.mark.parametrize("shape", [(), (4, 5)])
def test_linear_names_the_feature_count_it_expected(shape):
    layer = nn.Linear(3, 2, rng=0)
    with pytest.raises(ValueError, match="expected 3 features on the last axis"):
        layer(Tensor(np.zeros(shape)))
