"""Losses and penalties: values against numpy references, gradients against central differences."""

import re

import numpy as np
import pytest

import nn
import nn.functional as F
from autograd import Tensor, Value, grad
from tests.finite_differences import numeric_gradient_at

REDUCTIONS = ("mean", "sum", "none")


# --- numpy references -----------------------------------------------------------------------


def np_log_softmax(z):
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def np_pick(log_p, labels):
    return np.take_along_axis(log_p, labels[..., None], axis=-1)[..., 0]


REFERENCES = {
    "mse": lambda p, t: (p - t) ** 2,
    "l1": lambda p, t: np.abs(p - t),
    "bce": lambda p, t: -(t * np.maximum(np.log(p), -100) + (1 - t) * np.maximum(np.log(1 - p), -100)),
    "bce_logits": lambda z, t: np.maximum(z, 0) - z * t + np.log1p(np.exp(-np.abs(z))),
    "hinge": lambda s, t: np.maximum(0.0, 1.0 - t * s),
    "cross_entropy_labels": lambda z, t: -np_pick(np_log_softmax(z), t),
    "cross_entropy_probabilities": lambda z, t: -(t * np_log_softmax(z)).sum(axis=-1),
    "nll": lambda log_p, t: -np_pick(log_p, t),
}

FUNCTIONS = {
    "mse": (F.mse_loss, nn.MSELoss),
    "l1": (F.l1_loss, nn.L1Loss),
    "bce": (F.binary_cross_entropy, nn.BCELoss),
    "bce_logits": (F.binary_cross_entropy_with_logits, nn.BCEWithLogitsLoss),
    "hinge": (F.hinge_loss, nn.HingeLoss),
    "cross_entropy_labels": (F.cross_entropy, nn.CrossEntropyLoss),
    "cross_entropy_probabilities": (F.cross_entropy, nn.CrossEntropyLoss),
    "nll": (F.nll_loss, nn.NLLLoss),
}


def make_case(name, seed=0):
    """A prediction (float64, away from every kink) and a target for the loss ``name``."""
    rng = np.random.default_rng(seed)
    if name in ("mse", "l1"):
        return rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    if name == "bce":
        return rng.uniform(0.05, 0.95, size=(6,)), rng.uniform(0, 1, size=(6,))
    if name == "bce_logits":
        return rng.normal(scale=3.0, size=(3, 2)), rng.integers(0, 2, size=(3, 2)).astype(float)
    if name == "hinge":
        scores = rng.choice([-1.6, -0.4, 0.3, 1.5, 2.5], size=(7,)) + rng.uniform(-0.05, 0.05, size=7)
        return scores, rng.choice([-1.0, 1.0], size=(7,))
    if name == "cross_entropy_labels":
        return rng.normal(scale=2.0, size=(5, 4)), rng.integers(0, 4, size=(5,))
    if name == "cross_entropy_probabilities":
        return rng.normal(scale=2.0, size=(5, 4)), rng.dirichlet(np.ones(4), size=5)
    if name == "nll":
        return np_log_softmax(rng.normal(size=(5, 3))), rng.integers(0, 3, size=(5,))
    raise KeyError(name)


def reduce(losses, reduction):
    return {"mean": np.mean, "sum": np.sum, "none": lambda x: x}[reduction](losses)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_loss_matches_its_numpy_reference(name, reduction):
    prediction, target = make_case(name)
    loss = FUNCTIONS[name][0](Tensor(prediction), target, reduction=reduction)
    expected = reduce(REFERENCES[name](prediction, target), reduction)
    np.testing.assert_allclose(loss.data, expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_loss_gradient_matches_central_differences(name, reduction):
    prediction, target = make_case(name)
    function = FUNCTIONS[name][0]
    # weights make "none" a scalar; for "mean" and "sum" they are a single 1
    weights = np.random.default_rng(1).uniform(0.5, 1.5, size=np.shape(REFERENCES[name](prediction, target)))
    if reduction != "none":
        weights = np.ones(())

    def scalar_loss(x):
        return float((function(Tensor(x), target, reduction=reduction).data * weights).sum())

    x = Tensor(prediction, requires_grad=True)
    (function(x, target, reduction=reduction) * weights).sum().backward()
    np.testing.assert_allclose(x.grad, numeric_gradient_at(scalar_loss, prediction), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_loss_module_matches_its_function(name):
    prediction, target = make_case(name)
    function, module = FUNCTIONS[name]
    for reduction in REDUCTIONS:
        np.testing.assert_array_equal(
            module(reduction=reduction)(Tensor(prediction), target).data,
            function(Tensor(prediction), target, reduction=reduction).data,
        )


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_targets_as_list_ndarray_or_tensor_agree(name):
    prediction, target = make_case(name)
    function = FUNCTIONS[name][0]
    results = [function(Tensor(prediction), t).data for t in (target, target.tolist(), Tensor(target))]
    assert results[0] == results[1] == results[2]


def test_mean_reduction_of_elementwise_losses_averages_every_element():
    loss = F.mse_loss(Tensor(np.ones((2, 3))), np.zeros((2, 3)))
    assert loss.data == 1.0


def test_loss_module_repr_shows_the_reduction():
    assert repr(nn.MSELoss(reduction="sum")) == "MSELoss(reduction='sum')"


def test_an_unknown_reduction_is_refused():
    with pytest.raises(ValueError, match=r"MSELoss: reduction must be one of 'mean', 'sum', 'none', got 'avg'"):
        nn.MSELoss(reduction="avg")
    with pytest.raises(ValueError, match="reduction must be one of"):
        F.l1_loss(Tensor([1.0]), [1.0], reduction="max")


def test_a_target_tensor_that_requires_grad_gets_its_gradient():
    prediction, target = Tensor([1.0, 2.0]), Tensor([0.0, 4.0], requires_grad=True)
    F.mse_loss(prediction, target, reduction="sum").backward()
    np.testing.assert_array_equal(target.grad, [-2.0, 4.0])  # d/dt (p - t)² = -2(p - t)


# --- shapes -----------------------------------------------------------------------------------


def test_a_column_prediction_accepts_a_flat_target():
    loss = F.mse_loss(Tensor([[1.0], [2.0]]), np.array([0.0, 0.0]), reduction="none")
    assert loss.shape == (2, 1)
    np.testing.assert_array_equal(loss.data, [[1.0], [4.0]])


def test_shapes_that_would_broadcast_are_refused():
    with pytest.raises(ValueError, match=r"mse_loss: the prediction has shape \(4, 1\) and the target shape \(4, 2\)"):
        F.mse_loss(Tensor(np.zeros((4, 1))), np.zeros((4, 2)))


def test_a_module_loss_names_itself_in_errors():
    with pytest.raises(ValueError, match=r"^L1Loss: "):
        nn.L1Loss()(Tensor(np.zeros(3)), np.zeros(4))


def test_a_text_target_is_a_type_error():
    with pytest.raises(TypeError, match="real numbers"):
        F.mse_loss(Tensor([1.0]), ["a"])


# --- binary cross-entropy ---------------------------------------------------------------------


def test_bce_refuses_probabilities_outside_zero_one():
    with pytest.raises(ValueError, match=r"binary_cross_entropy: predictions must be probabilities in \[0, 1\]"):
        F.binary_cross_entropy(Tensor([0.5, 1.2]), [1.0, 0.0])


def test_bce_refuses_targets_outside_zero_one():
    with pytest.raises(ValueError, match=r"targets must lie in \[0, 1\]"):
        nn.BCELoss()(Tensor([0.5, 0.5]), [1.0, -1.0])


def test_bce_clamps_its_logs_at_minus_100_with_finite_gradients():
    p = Tensor([0.0, 1.0], requires_grad=True)
    loss = F.binary_cross_entropy(p, [1.0, 0.0], reduction="none")
    np.testing.assert_array_equal(loss.data, [100.0, 100.0])
    loss.sum().backward()
    assert np.all(np.isfinite(p.grad))


def test_bce_is_exactly_zero_for_confident_correct_predictions():
    loss = F.binary_cross_entropy(Tensor([1.0, 0.0]), [1.0, 0.0], reduction="none")
    np.testing.assert_array_equal(loss.data, [0.0, 0.0])


def test_bce_with_logits_is_finite_for_logits_of_1e4():
    z = Tensor([1e4, 1e4, -1e4, -1e4], requires_grad=True)
    y = np.array([1.0, 0.0, 1.0, 0.0])
    loss = F.binary_cross_entropy_with_logits(z, y, reduction="none")
    np.testing.assert_array_equal(loss.data, [0.0, 1e4, 1e4, 0.0])
    loss.sum().backward()
    np.testing.assert_array_equal(z.grad, [0.0, 1.0, -1.0, 0.0])  # σ(z) - y


def test_bce_with_logits_gradient_at_zero_is_one_half_minus_y():
    z = Tensor([0.0, 0.0], requires_grad=True)
    F.binary_cross_entropy_with_logits(z, [1.0, 0.0], reduction="sum").backward()
    np.testing.assert_array_equal(z.grad, [-0.5, 0.5])


def test_bce_with_logits_equals_bce_of_the_sigmoid():
    z = np.linspace(-5, 5, 11)
    y = np.linspace(0, 1, 11)
    with_logits = F.binary_cross_entropy_with_logits(Tensor(z), y)
    on_probabilities = F.binary_cross_entropy(Tensor(z).sigmoid(), y)
    np.testing.assert_allclose(with_logits.data, on_probabilities.data, rtol=1e-12)


# --- hinge -------------------------------------------------------------------------------------


def test_hinge_refuses_labels_other_than_plus_minus_one():
    with pytest.raises(ValueError, match=r"hinge_loss: labels must be -1 or \+1, got 0.*2 \* y - 1"):
        F.hinge_loss(Tensor([0.5, -0.5]), [1.0, 0.0])


def test_hinge_is_zero_beyond_the_margin():
    assert F.hinge_loss(Tensor([2.0, -3.0]), [1.0, -1.0]).data == 0.0


# --- cross-entropy and NLL -------------------------------------------------------------------------


def test_cross_entropy_with_one_hot_rows_equals_cross_entropy_with_labels():
    logits, labels = make_case("cross_entropy_labels")
    one_hot = np.eye(4)[labels]
    np.testing.assert_allclose(
        F.cross_entropy(Tensor(logits), one_hot).data, F.cross_entropy(Tensor(logits), labels).data, rtol=1e-14
    )


def test_cross_entropy_accepts_whole_number_float_labels():
    logits, labels = make_case("cross_entropy_labels")
    assert F.cross_entropy(Tensor(logits), labels.astype(float)).data == F.cross_entropy(Tensor(logits), labels).data


def test_cross_entropy_refuses_fractional_float_labels():
    with pytest.raises(ValueError, match="class labels, which must be whole numbers"):
        F.cross_entropy(Tensor(np.zeros((2, 3))), [0.5, 1.0])


def test_cross_entropy_is_finite_for_logits_of_1e4():
    z = Tensor([[1e4, -1e4, 0.0], [-1e4, -1e4, 1e4]], requires_grad=True)
    loss = F.cross_entropy(z, [1, 2], reduction="none")
    np.testing.assert_array_equal(loss.data, [2e4, 0.0])
    loss.sum().backward()
    np.testing.assert_array_equal(z.grad, [[1.0, -1.0, 0.0], [0.0, 0.0, 0.0]])  # softmax - one-hot


def test_cross_entropy_reads_classes_on_the_last_axis_of_any_batch_shape():
    rng = np.random.default_rng(2)
    logits, labels = rng.normal(size=(2, 3, 4)), rng.integers(0, 4, size=(2, 3))
    loss = F.cross_entropy(Tensor(logits), labels, reduction="none")
    assert loss.shape == (2, 3)
    np.testing.assert_allclose(loss.data, REFERENCES["cross_entropy_labels"](logits, labels), rtol=1e-12)


def test_cross_entropy_of_one_sample_takes_a_scalar_label():
    logits = np.array([1.0, 2.0, 0.5])
    loss = F.cross_entropy(Tensor(logits), 1)
    np.testing.assert_allclose(loss.data, -np_log_softmax(logits)[1], rtol=1e-14)


def test_a_class_index_out_of_range_is_refused():
    with pytest.raises(ValueError, match=r"cross_entropy: class index 3 is out of range for 3 classes"):
        F.cross_entropy(Tensor(np.zeros((2, 3))), [0, 3])


@pytest.mark.parametrize("labels", [np.array([0, 3]), Tensor(np.array([0, 3])), np.array([-1, 0], dtype=np.int32)])
def test_integer_label_arrays_out_of_range_get_the_losss_own_message(labels):
    bad = np.asarray(labels.data if isinstance(labels, Tensor) else labels)
    bad = bad[(bad < 0) | (bad >= 3)][0]
    with pytest.raises(ValueError, match=rf"CrossEntropyLoss: class index {bad} is out of range for 3 classes"):
        nn.CrossEntropyLoss()(Tensor(np.zeros((2, 3))), labels)


def test_a_negative_class_index_is_refused():
    with pytest.raises(ValueError, match="class index -1 is out of range"):
        nn.NLLLoss()(Tensor(np.zeros((2, 3))), [0, -1])


def test_a_batch_size_mismatch_is_refused():
    with pytest.raises(ValueError, match=r"batch size mismatch: logits of shape \(4, 3\) hold 4 samples, .* holds 5"):
        nn.CrossEntropyLoss()(Tensor(np.zeros((4, 3))), np.zeros(5, dtype=int))


def test_probability_rows_with_the_wrong_number_of_classes_are_refused():
    with pytest.raises(ValueError, match=r"has 4 columns, the logits 3 classes"):
        F.cross_entropy(Tensor(np.zeros((2, 3))), np.full((2, 4), 0.25))


def test_a_target_of_another_shape_is_refused_naming_what_is_accepted():
    with pytest.raises(ValueError, match=r"integer labels of shape \(2,\) or one-hot / probability rows"):
        F.cross_entropy(Tensor(np.zeros((2, 3))), np.zeros((2, 3, 1)))


def test_nll_refuses_probability_targets():
    with pytest.raises(ValueError, match="nll_loss: the target must hold integer class labels"):
        F.nll_loss(Tensor(np.zeros((2, 3))), np.full((2, 3), 1 / 3))


def test_nll_with_log_softmax_equals_cross_entropy():
    logits, labels = make_case("cross_entropy_labels")
    np.testing.assert_allclose(
        F.nll_loss(F.log_softmax(Tensor(logits)), labels).data,
        F.cross_entropy(Tensor(logits), labels).data,
        rtol=1e-14,
    )


def test_cross_entropy_on_a_value_is_a_type_error():
    with pytest.raises(TypeError, match="works on Tensors"):
        F.cross_entropy(Value(1.0), [0])


# --- Value predictions -----------------------------------------------------------------------------

SCALAR_LOSSES = ["mse", "l1", "bce", "bce_logits", "hinge"]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", SCALAR_LOSSES)
def test_a_list_of_values_gives_the_tensor_loss(name, reduction):
    prediction, target = make_case(name)
    prediction, target = prediction.ravel(), target.ravel()
    function = FUNCTIONS[name][0]
    values = [Value(p) for p in prediction]
    loss = function(values, target.tolist(), reduction=reduction)
    expected = function(Tensor(prediction), target, reduction=reduction).data
    got = [v.data for v in loss] if reduction == "none" else loss.data
    np.testing.assert_allclose(got, expected, rtol=1e-13)


@pytest.mark.parametrize("name", SCALAR_LOSSES)
def test_a_value_prediction_gives_the_gradient_of_the_tensor_loss(name):
    prediction, target = make_case(name)
    function = FUNCTIONS[name][0]
    value = Value(float(prediction.flat[0]))
    function(value, float(target.flat[0])).backward()
    tensor = Tensor(prediction.flat[:1].copy(), requires_grad=True)
    function(tensor, target.flat[:1]).backward()
    assert value.grad == pytest.approx(tensor.grad[0], rel=1e-13)


def test_value_predictions_check_their_targets():
    with pytest.raises(ValueError, match=r"labels must be -1 or \+1"):
        F.hinge_loss([Value(0.5)], [0.0])
    with pytest.raises(ValueError, match="probabilities"):
        nn.BCELoss()(Value(1.5), 1.0)


def test_value_predictions_and_targets_must_pair_up():
    with pytest.raises(ValueError, match="2 predictions but 3 targets"):
        F.mse_loss([Value(1.0), Value(2.0)], [1.0, 2.0, 3.0])


# --- penalties --------------------------------------------------------------------------------------


def test_l1_penalty_is_the_sum_of_absolute_values_with_sign_gradients():
    a, b = Tensor([1.0, -2.0], requires_grad=True), Tensor([[-3.0]], requires_grad=True)
    penalty = nn.l1_penalty([a, b])
    assert penalty.data == 6.0
    penalty.backward()
    np.testing.assert_array_equal(a.grad, [1.0, -1.0])
    np.testing.assert_array_equal(b.grad, [[-1.0]])


def test_l2_penalty_is_the_sum_of_squares_with_gradient_two_theta():
    a, b = Tensor([1.0, -2.0], requires_grad=True), Tensor([[-3.0]], requires_grad=True)
    penalty = nn.l2_penalty([a, b])
    assert penalty.data == 14.0
    penalty.backward()
    np.testing.assert_array_equal(a.grad, [2.0, -4.0])
    np.testing.assert_array_equal(b.grad, [[-6.0]])


def test_penalties_work_on_values():
    values = [Value(1.5), Value(-2.0)]
    l1, l2 = nn.l1_penalty(values), nn.l2_penalty(values)
    assert (l1.data, l2.data) == (3.5, 6.25)
    (l1 + l2).backward()
    assert [v.grad for v in values] == [1.0 + 3.0, -1.0 - 4.0]


def test_penalties_take_a_module():
    model = nn.Linear(2, 1, init="zeros")
    model.weight.data = np.array([[1.0], [2.0]])
    assert nn.l2_penalty(model).data == 5.0


def test_penalties_refuse_mixed_parameters_and_nothing():
    with pytest.raises(TypeError, match="all Tensors or all Values"):
        nn.l2_penalty([Value(1.0), Tensor([1.0], requires_grad=True)])
    with pytest.raises(ValueError, match="at least one parameter"):
        nn.l1_penalty([])


def test_a_column_of_labels_is_refused_with_a_hint_to_flatten():
    with pytest.raises(ValueError, match=r"labels must have shape \(3,\), got a column of shape \(3, 1\).*ravel"):
        F.cross_entropy(Tensor(np.zeros((3, 4))), np.zeros((3, 1), dtype=int))


@pytest.mark.parametrize("z", [-3.0, 0.0, 2.0])
def test_bce_with_logits_second_derivative_is_sigma_times_one_minus_sigma(z):
    def loss(logit):
        return F.binary_cross_entropy_with_logits(logit, np.array(1.0), reduction="sum")

    sigma = 1.0 / (1.0 + np.exp(-z))
    assert grad(grad(loss))(np.array(z)) == pytest.approx(sigma * (1 - sigma), rel=1e-12)


def test_a_list_of_value_predictions_needs_a_list_of_targets():
    with pytest.raises(TypeError, match="needs a list of targets, got float"):
        F.mse_loss([Value(1.0)], 1.0)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_cross_entropy_with_class_labels_is_one_node_reduction_included(reduction):
    logits = Tensor(np.random.default_rng(3).normal(size=(5, 3)), requires_grad=True)
    loss = nn.CrossEntropyLoss(reduction=reduction)(logits, Tensor(np.array([0, 2, 1, 1, 0])))
    assert loss.op == "cross_entropy" and loss.parents == (logits,)


# --- an empty batch ------------------------------------------------------------------------


EMPTY_CASES = [
    (nn.MSELoss, np.zeros((0, 1)), np.zeros((0, 1))),
    (nn.L1Loss, np.zeros((0, 1)), np.zeros((0, 1))),
    (nn.BCELoss, np.zeros((0, 1)), np.zeros((0, 1))),
    (nn.BCEWithLogitsLoss, np.zeros((0, 1)), np.zeros((0, 1))),
    (nn.HingeLoss, np.zeros((0,)), np.zeros((0,))),
    (nn.CrossEntropyLoss, np.zeros((0, 3)), np.zeros((0,), dtype=np.int64)),
    (nn.CrossEntropyLoss, np.zeros((0, 3)), np.zeros((0, 3))),
    (nn.NLLLoss, np.zeros((0, 3)), np.zeros((0,), dtype=np.int64)),
]


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("loss, prediction, target", EMPTY_CASES,
                         ids=[f"{case[0].__name__}-{case[2].ndim}d" for case in EMPTY_CASES])
def test_every_loss_refuses_an_empty_batch(loss, prediction, target, reduction):
    shape = re.escape(str(prediction.shape))
    with pytest.raises(ValueError, match=rf"^{loss.__name__}: the batch is empty \(a prediction of shape {shape}\)"):
        loss(reduction=reduction)(Tensor(prediction), Tensor(target))
    function = loss._function
    with pytest.raises(ValueError, match=rf"^{function.__name__}: the batch is empty"):
        function(prediction, target, reduction)
