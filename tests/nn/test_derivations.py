"""The course notes' hand derivations hold in the engine, to rounding.

Each test builds the notes' computation from nn's layers and losses (whose
gradients come only from autograd's ops) and compares the engine's gradient
with the closed form the notes derive.
"""

import numpy as np

import nn
import nn.functional as F
from autograd import Tensor, Value

TIGHT = {"rtol": 1e-12, "atol": 1e-14}


def np_softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def np_sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def classification_batch(n=6, d=3, k=4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    labels = rng.integers(0, k, size=n)
    return X, labels, np.eye(k)[labels]


# --- softmax + categorical cross-entropy: dJ/dZ = Ŷ - Y ------------------------------------------


def test_softmax_cross_entropy_sum_gives_dJ_dZ_equal_Y_hat_minus_Y():
    # J = -Σₙ Σₖ yₙₖ log ŷₙₖ with Ŷ = softmax(Z)  =>  dJ/dZ = Ŷ - Y
    _, labels, Y = classification_batch()
    Z = Tensor(np.random.default_rng(1).normal(size=Y.shape), requires_grad=True)
    F.cross_entropy(Z, labels, reduction="sum").backward()
    np.testing.assert_allclose(Z.grad, np_softmax(Z.data) - Y, **TIGHT)


def test_softmax_cross_entropy_mean_gives_Y_hat_minus_Y_over_N():
    _, labels, Y = classification_batch()
    Z = Tensor(np.random.default_rng(1).normal(size=Y.shape), requires_grad=True)
    nn.CrossEntropyLoss()(Z, labels).backward()
    np.testing.assert_allclose(Z.grad, (np_softmax(Z.data) - Y) / len(Y), **TIGHT)


def test_softmax_then_log_then_sum_goes_through_the_softmax_jacobian_to_the_same_result():
    # the notes' route: dJ/dŶ = -Y/Ŷ, dŶ/dZ = Ŷ(δ - Ŷ); their product collapses to Ŷ - Y
    _, _, Y = classification_batch()
    Z = Tensor(np.random.default_rng(2).normal(size=Y.shape), requires_grad=True)
    Y_hat = F.softmax(Z)
    J = -(Y * Y_hat.log()).sum()
    J.backward()
    np.testing.assert_allclose(Z.grad, np_softmax(Z.data) - Y, rtol=1e-10, atol=1e-12)


def test_one_layer_softmax_regression_gives_dJ_dW_equal_X_transpose_times_Y_hat_minus_Y():
    # Z = XW + b  =>  dJ/dW = Xᵀ(Ŷ - Y), dJ/db = Σₙ (Ŷ - Y)ₙ
    X, labels, Y = classification_batch()
    layer = nn.Linear(3, 4, init="xavier", rng=0)
    F.cross_entropy(layer(X), labels, reduction="sum").backward()
    residual = np_softmax(X @ layer.weight.data + layer.bias.data) - Y
    np.testing.assert_allclose(layer.weight.grad, X.T @ residual, **TIGHT)
    np.testing.assert_allclose(layer.bias.grad, residual.sum(axis=0), **TIGHT)


def test_the_hidden_layer_receives_dJ_dZ1_through_the_output_weights():
    # dJ/dA¹ = (Ŷ - Y) W²ᵀ; with a tanh hidden layer dJ/dZ¹ = dJ/dA¹ ∘ (1 - A¹²); dJ/dW¹ = Xᵀ dJ/dZ¹
    X, labels, Y = classification_batch()
    model = nn.MLP([3, 5, 4], activation="tanh", rng=0)
    F.cross_entropy(model(X), labels, reduction="sum").backward()
    first, second = model[0], model[2]
    A1 = np.tanh(X @ first.weight.data + first.bias.data)
    residual = np_softmax(A1 @ second.weight.data + second.bias.data) - Y
    dZ1 = (residual @ second.weight.data.T) * (1 - A1**2)
    np.testing.assert_allclose(second.weight.grad, A1.T @ residual, **TIGHT)
    np.testing.assert_allclose(first.weight.grad, X.T @ dZ1, **TIGHT)
    np.testing.assert_allclose(first.bias.grad, dZ1.sum(axis=0), **TIGHT)


# --- sigmoid + binary cross-entropy: dl/dz = a - y -------------------------------------------------


def test_sigmoid_then_bce_gives_dl_dz_equal_a_minus_y():
    # l = -(y log a + (1 - y) log(1 - a)), a = σ(z)  =>  dl/dz = a - y
    z = Tensor(np.linspace(-3, 3, 7), requires_grad=True)
    y = np.array([0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0])
    F.binary_cross_entropy(F.sigmoid(z), y, reduction="sum").backward()
    np.testing.assert_allclose(z.grad, np_sigmoid(z.data) - y, **TIGHT)


def test_bce_with_logits_gives_dl_dz_equal_a_minus_y():
    z = Tensor(np.linspace(-3, 3, 7), requires_grad=True)
    y = np.array([0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0])
    nn.BCEWithLogitsLoss(reduction="sum")(z, y).backward()
    np.testing.assert_allclose(z.grad, np_sigmoid(z.data) - y, **TIGHT)


def test_logistic_regression_on_values_gives_dl_dw_equal_x_times_a_minus_y():
    # the notes' graph: z = w₁x₁ + w₂x₂ + b, a = σ(z), l = BCE(a, y)
    # => dl/dw₁ = x₁(a - y), dl/dw₂ = x₂(a - y), dl/db = a - y
    w1, w2, b = Value(0.3), Value(-0.8), Value(0.1)
    x1, x2, y = 1.5, 0.5, 1.0
    a = (w1 * x1 + w2 * x2 + b).sigmoid()
    F.binary_cross_entropy(a, y).backward()
    residual = a.data - y
    assert np.allclose([w1.grad, w2.grad, b.grad], [x1 * residual, x2 * residual, residual], **TIGHT)


# --- L2-norm loss with sigmoid outputs: the δ-rule ------------------------------------------------


def test_l2_loss_with_sigmoid_outputs_follows_the_delta_rule():
    # L = ½ Σ (y - t)², y = σ(a⁽²⁾), a⁽²⁾ = h u + b⁽²⁾, h = σ(x w + b⁽¹⁾)
    # output layer: dL/du_ij = δ_j h_i with δ_j = (y_j - t_j) y_j (1 - y_j)
    # hidden layer: dL/dw_ij = x_i h_j (1 - h_j) Σ_k δ_k u_jk
    rng = np.random.default_rng(3)
    x, t = rng.normal(size=(1, 2)), rng.uniform(size=(1, 2))
    hidden, output = nn.Linear(2, 3, init="xavier", rng=1), nn.Linear(3, 2, init="xavier", rng=2)
    y = F.sigmoid(output(F.sigmoid(hidden(x))))
    loss = 0.5 * F.mse_loss(y, t, reduction="sum")
    loss.backward()

    h = np_sigmoid(x @ hidden.weight.data + hidden.bias.data)
    y_data = np_sigmoid(h @ output.weight.data + output.bias.data)
    delta_output = (y_data - t) * y_data * (1 - y_data)
    delta_hidden = (delta_output @ output.weight.data.T) * h * (1 - h)
    np.testing.assert_allclose(output.weight.grad, h.T @ delta_output, **TIGHT)
    np.testing.assert_allclose(output.bias.grad, delta_output[0], **TIGHT)
    np.testing.assert_allclose(hidden.weight.grad, x.T @ delta_hidden, **TIGHT)
    np.testing.assert_allclose(hidden.bias.grad, delta_hidden[0], **TIGHT)


def test_the_delta_rule_holds_for_a_single_sigmoid_unit_of_values():
    # l = ½(a - y)², a = σ(z)  =>  dl/dz = δ = (a - y) a (1 - a)
    z, y = Value(0.7), 0.2
    a = z.sigmoid()
    (0.5 * F.mse_loss(a, y)).backward()
    assert np.isclose(z.grad, (a.data - y) * a.data * (1 - a.data), **TIGHT)
