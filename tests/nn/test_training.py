"""nn.fit, nn.evaluate, nn.predict, nn.accuracy and History: training small networks end to end."""

import random

import numpy as np
import pytest

import nn
from autograd import Tensor
from nn.data import kfold, make_donut, make_moons, make_regression, make_xor, train_test_split
from nn.optim import SGD, Adam, ExponentialLR

XOR_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_TARGETS = np.array([[0.0], [1.0], [1.0], [0.0]])


def quiet_fit(model, loss_fn, optimizer, X, y, **kwargs):
    kwargs.setdefault("progress", False)
    kwargs.setdefault("rng", 0)
    return nn.fit(model, loss_fn, optimizer, X, y, **kwargs)


# --- learning ------------------------------------------------------------------------------


def test_linear_regression_by_gradient_descent_reaches_the_normal_equation():
    X, y = make_regression(100, 3, noise=5.0, bias=1.0, rng=0)
    X_with_ones = np.column_stack([np.ones(len(X)), X])
    theta = np.linalg.solve(X_with_ones.T @ X_with_ones, X_with_ones.T @ y)  # θ = (XᵀX)⁻¹Xᵀy
    model = nn.Linear(3, 1, init="zeros")
    quiet_fit(model, nn.MSELoss(), SGD(model.parameters(), lr=0.1), X, y.reshape(-1, 1),
              epochs=300, batch_size=len(X), metrics=())
    learned = np.concatenate([model.bias.data, model.weight.data.reshape(-1)])
    np.testing.assert_allclose(learned, theta, rtol=1e-9, atol=1e-9)


def test_xor_is_solved_exactly_by_one_hidden_layer():
    model = nn.Sequential(nn.Linear(2, 4, init="xavier", rng=0), nn.Tanh(),
                          nn.Linear(4, 1, init="xavier", rng=1), nn.Sigmoid())
    history = quiet_fit(model, nn.BCELoss(), Adam(model.parameters(), lr=0.1), XOR_INPUTS, XOR_TARGETS,
                        epochs=300, batch_size=4)
    predicted = nn.predict(model, XOR_INPUTS) > 0.5
    np.testing.assert_array_equal(predicted, XOR_TARGETS == 1.0)
    assert history["accuracy"][-1] == 1.0


def test_a_linear_model_cannot_solve_xor_but_one_hidden_layer_can():
    X, y = make_xor(200, noise=0.1, rng=0)
    accuracies = {}
    models = {"linear": nn.Linear(2, 2, rng=0), "hidden": nn.MLP([2, 8, 2], activation="tanh", rng=0)}
    for name, model in models.items():
        quiet_fit(model, nn.CrossEntropyLoss(), Adam(model.parameters(), lr=0.05), X, y, epochs=60, batch_size=50)
        accuracies[name] = nn.evaluate(model, nn.CrossEntropyLoss(), X, y)["accuracy"]
    assert accuracies["linear"] <= 0.75  # a line can put at most three of the four corners right
    assert accuracies["hidden"] == 1.0


@pytest.mark.parametrize("make", [make_moons, make_donut], ids=["moons", "donut"])
def test_an_mlp_classifies_held_out_points(make):
    X, y = make(400, noise=0.1, rng=0)
    X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, rng=0)
    model = nn.MLP([2, 16, 16, 2], rng=0)
    history = quiet_fit(model, nn.CrossEntropyLoss(), Adam(model.parameters(), lr=0.02), X_train, y_train,
                        epochs=60, batch_size=32, val=(X_val, y_val))
    assert history["val_accuracy"][-1] >= 0.97


def test_kfold_cross_validation_chooses_a_hidden_size():
    X, y = make_moons(150, noise=0.1, rng=1)
    mean_accuracy = {}
    for hidden in (1, 16):
        scores = []
        for train, val in kfold(len(X), 3, rng=0):
            model = nn.MLP([2, hidden, 2], activation="tanh", rng=0)
            quiet_fit(model, nn.CrossEntropyLoss(), Adam(model.parameters(), lr=0.05), X[train], y[train],
                      epochs=40, batch_size=25)
            scores.append(nn.evaluate(model, nn.CrossEntropyLoss(), X[val], y[val])["accuracy"])
        mean_accuracy[hidden] = np.mean(scores)
    assert max(mean_accuracy, key=mean_accuracy.get) == 16
    assert mean_accuracy[16] >= 0.95


def test_a_scalar_mlp_trains_with_fit():
    random.seed(0)
    X, y = make_moons(40, noise=0.05, rng=0)
    signs = 2.0 * y - 1.0
    model = nn.scalar.MLP(2, [16, 16, 1])
    before = nn.evaluate(model, nn.HingeLoss(), X, signs)
    history = quiet_fit(model, nn.HingeLoss(), Adam(model.parameters(), lr=0.02), X, signs,
                        epochs=15, batch_size=10)
    assert history["loss"][-1] < before["loss"]
    assert nn.evaluate(model, nn.HingeLoss(), X, signs)["accuracy"] >= 0.9


def test_fit_reproduces_with_the_same_seeds():
    X, y = make_moons(60, rng=0)

    def run():
        model = nn.MLP([2, 8, 2], rng=0)
        return quiet_fit(model, nn.CrossEntropyLoss(), Adam(model.parameters(), lr=0.02), X, y,
                         epochs=3, batch_size=16, rng=5).history

    assert run() == run()


# --- History -------------------------------------------------------------------------------


def small_problem():
    X, y = make_moons(40, rng=0)
    model = nn.MLP([2, 4, 2], rng=0)
    return model, nn.CrossEntropyLoss(), Adam(model.parameters(), lr=0.01), X, y


def test_history_keys_without_validation_data():
    history = quiet_fit(*small_problem(), epochs=3, batch_size=8)
    assert list(history.keys()) == ["loss", "accuracy"]
    assert len(history["loss"]) == len(history["accuracy"]) == history.epochs == 3


def test_history_keys_with_validation_data():
    model, loss_fn, optimizer, X, y = small_problem()
    history = quiet_fit(model, loss_fn, optimizer, X, y, epochs=2, batch_size=8, val=(X[:10], y[:10]))
    assert list(history.history) == ["loss", "accuracy", "val_loss", "val_accuracy"]
    assert all(len(values) == 2 for values in history.history.values())


def test_history_without_metrics_records_only_the_loss():
    history = quiet_fit(*small_problem(), epochs=1, batch_size=8, metrics=())
    assert list(history.keys()) == ["loss"]


def test_history_names_a_metric_function_by_its_name():
    def error_rate(scores, y):
        return 1.0 - nn.accuracy(scores, y)

    history = quiet_fit(*small_problem(), epochs=2, batch_size=8, metrics=("accuracy", error_rate))
    np.testing.assert_allclose(history["error_rate"], 1.0 - np.array(history["accuracy"]))


def test_history_records_the_scheduled_learning_rate():
    model, loss_fn, optimizer, X, y = small_problem()
    optimizer.lr = 0.1
    history = quiet_fit(model, loss_fn, optimizer, X, y, epochs=3, batch_size=8,
                        scheduler=ExponentialLR(optimizer, gamma=0.5))
    np.testing.assert_allclose(history["lr"], [0.1, 0.05, 0.025])
    assert optimizer.lr == pytest.approx(0.0125)


def test_history_epoch_loss_is_the_sample_weighted_mean_of_the_batch_losses():
    X = np.array([[1.0], [2.0], [3.0]])
    model = nn.Linear(1, 1, init="zeros")
    history = quiet_fit(model, nn.MSELoss(), SGD(model.parameters(), lr=0.0), X, X, epochs=1, batch_size=2,
                        metrics=())
    assert history["loss"] == [pytest.approx((1.0 + 4.0 + 9.0) / 3)]


def test_history_repr_shows_the_last_epoch():
    history = quiet_fit(*small_problem(), epochs=2, batch_size=8)
    assert repr(history) == f"History(epochs=2, loss={history['loss'][-1]:.4g}, accuracy={history['accuracy'][-1]:.4g})"


def test_history_refuses_an_unknown_key_listing_the_known_ones():
    history = quiet_fit(*small_problem(), epochs=1, batch_size=8)
    with pytest.raises(KeyError, match="'loss', 'accuracy'"):
        history["val_loss"]


# --- modes, progress, errors ---------------------------------------------------------------


class ModeRecorder(nn.Module):
    """A linear model that notes, at each call, whether it was in training mode."""

    def __init__(self):
        self.linear = nn.Linear(2, 2, rng=0)
        self.modes = []

    def forward(self, x):
        self.modes.append(self.training)
        return self.linear(x)


def test_fit_trains_in_train_mode_and_validates_in_eval_mode():
    model = ModeRecorder()
    X, y = make_moons(20, rng=0)
    quiet_fit(model, nn.CrossEntropyLoss(), SGD(model.parameters(), lr=0.1), X, y, epochs=2, batch_size=10,
              val=(X[:10], y[:10]))
    assert model.modes == [True, True, False, True, True, False]


def test_fit_leaves_the_model_in_the_mode_it_had():
    model = ModeRecorder().eval()
    X, y = make_moons(20, rng=0)
    quiet_fit(model, nn.CrossEntropyLoss(), SGD(model.parameters(), lr=0.1), X, y, epochs=1, batch_size=10)
    assert model.modes == [True, True] and model.training is False


def test_evaluate_switches_dropout_off():
    model = nn.Sequential(nn.Linear(2, 32, rng=0), nn.Dropout(0.5, rng=0), nn.Linear(32, 2, rng=1))
    X, y = make_moons(50, rng=0)
    first = nn.evaluate(model, nn.CrossEntropyLoss(), X, y)
    assert nn.evaluate(model, nn.CrossEntropyLoss(), X, y) == first
    assert model.training is True


def test_evaluate_returns_the_loss_and_metrics_without_recording_gradients():
    model = nn.Linear(2, 2, rng=0)
    X, y = make_moons(30, rng=0)
    results = nn.evaluate(model, nn.CrossEntropyLoss(), X, y)
    assert list(results) == ["loss", "accuracy"]
    logits = X @ model.weight.data + model.bias.data
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probabilities = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    assert results["loss"] == pytest.approx(-log_probabilities[np.arange(30), y].mean(), rel=1e-12)
    assert results["accuracy"] == np.mean(logits.argmax(axis=1) == y)
    assert all(parameter.grad is None for parameter in model.parameters())


def test_evaluate_in_batches_matches_one_batch_for_a_mean_loss():
    model = nn.Linear(2, 2, rng=0)
    X, y = make_moons(30, rng=0)
    whole = nn.evaluate(model, nn.CrossEntropyLoss(), X, y)
    batched = nn.evaluate(model, nn.CrossEntropyLoss(), X, y, batch_size=7)
    assert batched == pytest.approx(whole, rel=1e-12)


def test_progress_off_prints_nothing(capsys):
    quiet_fit(*small_problem(), epochs=2, batch_size=8, progress=False)
    assert capsys.readouterr() == ("", "")


def test_progress_on_shows_a_bar_of_batches_and_epochs(capsys):
    quiet_fit(*small_problem(), epochs=2, batch_size=8, progress=True)
    err = capsys.readouterr().err
    assert "epoch 2/2" in err and "10/10" in err and "loss=" in err


def test_a_nan_loss_stops_training_naming_the_epoch_and_batch():
    model, _, optimizer, X, y = small_problem()
    calls = []

    def loss_that_breaks(logits, targets):
        calls.append(None)
        loss = nn.CrossEntropyLoss()(logits, targets)
        return loss * float("nan") if len(calls) == 7 else loss

    with pytest.raises(nn.NonFiniteLossError, match="loss is nan at epoch 2 of 3, batch 2 of 5"):
        quiet_fit(model, loss_that_breaks, optimizer, X, y, epochs=3, batch_size=8)
    assert all(np.isfinite(parameter.data).all() for parameter in model.parameters())


def test_a_non_finite_loss_error_is_a_value_error():
    assert issubclass(nn.NonFiniteLossError, ValueError)


def test_fit_refuses_a_loss_that_is_not_a_single_number():
    model, _, optimizer, X, y = small_problem()
    with pytest.raises(ValueError, match=r"single number, got a Tensor of shape \(8,\)"):
        quiet_fit(model, nn.CrossEntropyLoss(reduction="none"), optimizer, X, y, epochs=1, batch_size=8)


@pytest.mark.parametrize(
    "change, error, message",
    [
        (dict(y=np.zeros(39, dtype=int)), ValueError, "40 rows in X and 39 in y"),
        (dict(optimizer="adam"), TypeError, "optimizer must come from nn.optim"),
        (dict(epochs=0), ValueError, "epochs must be >= 1"),
        (dict(batch_size=0), ValueError, "batch_size must be >= 1"),
        (dict(metrics=("precision",)), ValueError, "unknown metric 'precision'"),
        (dict(val=np.zeros((4, 2))), TypeError, r"val must be a pair \(X_val, y_val\)"),
        (dict(progress="yes"), TypeError, "progress must be True or False"),
    ],
)
def test_fit_refuses_bad_arguments(change, error, message):
    model, loss_fn, optimizer, X, y = small_problem()
    arguments = dict(model=model, loss_fn=loss_fn, optimizer=optimizer, X=X, y=y, epochs=1, batch_size=8)
    arguments.update(change)
    with pytest.raises(error, match=message):
        quiet_fit(**arguments)


def test_fit_thresholds_one_logit_at_zero_for_bce_with_logits():
    model = nn.Linear(1, 1, init="zeros")
    model.weight.data[...] = 1.0  # the logit is x itself
    X, y = np.array([[-0.2], [0.3]]), np.array([[0.0], [1.0]])
    history = quiet_fit(model, nn.BCEWithLogitsLoss(), SGD(model.parameters(), lr=0.0), X, y,
                        epochs=1, batch_size=2)
    assert history["accuracy"] == [1.0]


# --- accuracy ------------------------------------------------------------------------------


def test_accuracy_takes_the_argmax_over_classes():
    scores = np.array([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2], [0.0, 0.1, 0.9], [0.3, 0.3, 0.4]])
    assert nn.accuracy(scores, np.array([1, 0, 1, 0])) == 0.5


def test_accuracy_reads_one_hot_targets_by_their_argmax():
    scores = np.array([[0.1, 0.9], [0.8, 0.2], [0.4, 0.6]])
    assert nn.accuracy(scores, nn.data.one_hot([1, 1, 1], 2)) == pytest.approx(2 / 3)


def test_accuracy_thresholds_a_single_probability_column():
    assert nn.accuracy(np.array([[0.2], [0.6], [0.51], [0.4]]), np.array([[0], [1], [0], [0]])) == 0.75


def test_accuracy_thresholds_logits_at_zero_when_asked():
    scores, y = np.array([-0.3, 0.2, 0.4]), np.array([0, 1, 1])
    assert nn.accuracy(scores, y, threshold=0.0) == 1.0
    assert nn.accuracy(scores, y) == pytest.approx(1 / 3)


def test_accuracy_accepts_plus_minus_one_labels():
    assert nn.accuracy(np.array([-2.0, 3.0, 0.5]), np.array([-1, 1, -1]), threshold=0.0) == pytest.approx(2 / 3)


def test_accuracy_reads_tensors():
    assert nn.accuracy(Tensor(np.array([[0.0, 1.0]])), Tensor(np.array([1]))) == 1.0


def test_accuracy_refuses_labels_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"scores of shape \(2, 3\) need labels of shape \(2,\)"):
        nn.accuracy(np.zeros((2, 3)), np.zeros((3,)))


def test_accuracy_refuses_a_class_label_out_of_range():
    with pytest.raises(ValueError, match="label 3 is out of range for scores of 3 classes"):
        nn.accuracy(np.zeros((2, 3)), np.array([0, 3]))


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint64, np.float64,
                                   np.dtype(">i8")])
@pytest.mark.parametrize("bad", [-1, 3, -128])
def test_accuracy_refuses_a_negative_or_too_large_label_of_every_dtype(dtype, bad):
    if bad < 0 and np.dtype(dtype).kind == "u":
        return  # an unsigned label cannot be negative
    labels = np.array([0, 2, bad]).astype(dtype)
    with pytest.raises(ValueError, match=f"label {bad}(\\.0)? is out of range for scores of 3 classes"):
        nn.accuracy(np.zeros((3, 3)), labels)
    assert nn.accuracy(np.eye(3), np.array([0, 1, 2]).astype(dtype)) == 1.0


def test_accuracy_refuses_soft_binary_labels():
    with pytest.raises(ValueError, match="binary labels must be 0/1"):
        nn.accuracy(np.array([0.3, 0.8]), np.array([0.5, 1.0]))


# --- inputs of any rank (N, ...) -----------------------------------------------------------------


def _image_problem():
    """32 one-channel 6x6 images: class 1 has a bright left half, class 0 a bright right half."""
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 32)
    X = rng.normal(0, 0.1, (32, 1, 6, 6))
    X[y == 1, :, :, :3] += 1.0
    X[y == 0, :, :, 3:] += 1.0
    return X, y


def _cnn():
    return nn.Sequential(nn.Conv2d(1, 2, 3, rng=0), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(8, 2, rng=1))


def test_fit_evaluate_and_predict_take_image_shaped_inputs():
    X, y = _image_problem()
    model = _cnn()
    history = quiet_fit(model, nn.CrossEntropyLoss(), Adam(model.parameters(), lr=0.05), X, y, epochs=15,
                        batch_size=8, val=(X, y), rng=0)
    results = nn.evaluate(model, nn.CrossEntropyLoss(), X, y, batch_size=5)
    scores = nn.predict(model, X, batch_size=7)
    assert scores.shape == (32, 2) and history["val_accuracy"][-1] == 1.0
    assert results["accuracy"] == float(np.mean(scores.argmax(axis=1) == y)) == 1.0


def test_predict_on_images_in_batches_equals_one_pass():
    X, _ = _image_problem()
    model = _cnn()
    np.testing.assert_allclose(nn.predict(model, X, batch_size=5), nn.predict(model, X), rtol=1e-12)


# --- which metrics fit reports ---------------------------------------------------------------


def hand_written_bce_with_logits(z, y):
    return (z.relu() - z * y + ((-z.abs()).exp() + 1.0).log()).mean()


def logit_problem():
    """Logits with most samples just below zero but labelled 1: thresholding at 0.5 would misjudge them."""
    X = np.linspace(-1.0, 1.0, 40).reshape(-1, 1)
    y = (X > -0.95).astype(float)
    model = nn.Linear(1, 1, init="zeros")
    model.weight.data[...] = 1.0
    model.bias.data[...] = 0.9  # logit = x + 0.9: right for 39 of 40 at 0, wrong for many at 0.5
    return model, X, y


def test_a_plain_function_loss_reports_no_accuracy_by_default():
    model, X, y = logit_problem()
    history = quiet_fit(model, hand_written_bce_with_logits, SGD(model.parameters(), lr=0.0), X, y,
                        epochs=1, batch_size=40, val=(X, y))
    assert list(history.keys()) == ["loss", "val_loss"]
    assert list(nn.evaluate(model, hand_written_bce_with_logits, X, y)) == ["loss"]


def test_a_plain_function_loss_with_a_threshold_reports_the_true_accuracy():
    model, X, y = logit_problem()
    truth = nn.accuracy(nn.predict(model, X), y, threshold=0.0)
    assert truth == 39 / 40 and nn.accuracy(nn.predict(model, X), y) < truth  # 0.5 would be wrong here
    history = quiet_fit(model, hand_written_bce_with_logits, SGD(model.parameters(), lr=0.0), X, y,
                        epochs=1, batch_size=40, val=(X, y), threshold=0.0)
    assert history["accuracy"] == history["val_accuracy"] == [truth]
    assert nn.evaluate(model, hand_written_bce_with_logits, X, y, threshold=0.0)["accuracy"] == truth


def test_a_loss_function_may_say_where_it_decides():
    model, X, y = logit_problem()

    def my_loss(z, y):
        return hand_written_bce_with_logits(z, y)

    my_loss.decision_threshold = 0.0
    history = quiet_fit(model, my_loss, SGD(model.parameters(), lr=0.0), X, y, epochs=1, batch_size=40)
    assert history["accuracy"] == [39 / 40]


@pytest.mark.parametrize("loss_fn", [
    nn.CrossEntropyLoss(), nn.NLLLoss(), nn.functional.cross_entropy, nn.functional.nll_loss,
])
def test_every_built_in_class_loss_reports_accuracy_by_default(loss_fn):
    X, y = make_moons(40, rng=0)
    model = nn.MLP([2, 4, 2], rng=0)
    if "nll" in repr(loss_fn).lower() or getattr(loss_fn, "__name__", "") == "nll_loss":
        model = nn.Sequential(model, nn.LogSoftmax())
    history = quiet_fit(model, loss_fn, SGD(model.parameters(), lr=0.0), X, y, epochs=1, batch_size=40)
    assert history["accuracy"] == [nn.accuracy(nn.predict(model, X), y)]


PROBABILITIES = dict(bias=0.0, y=[0.0, 0.0, 1.0, 1.0])  # outputs 0.1, 0.3, 0.6, 0.8: all right at 0.5, half at 0
LOGITS = dict(bias=-0.2, y=[0.0, 1.0, 1.0, 1.0])  # outputs -0.1, 0.1, 0.4, 0.6: all right at 0, half at 0.5
MARGINS = dict(bias=-0.2, y=[-1.0, 1.0, 1.0, 1.0])


@pytest.mark.parametrize("loss_fn, case", [
    (nn.BCELoss(), PROBABILITIES), (nn.functional.binary_cross_entropy, PROBABILITIES),
    (nn.BCEWithLogitsLoss(), LOGITS), (nn.functional.binary_cross_entropy_with_logits, LOGITS),
    (nn.HingeLoss(), MARGINS), (nn.functional.hinge_loss, MARGINS),
])
def test_every_built_in_binary_loss_reports_accuracy_at_its_threshold(loss_fn, case):
    X = np.array([[0.1], [0.3], [0.6], [0.8]])
    model = nn.Linear(1, 1, init="zeros")
    model.weight.data[...] = 1.0
    model.bias.data[...] = case["bias"]
    y = np.array(case["y"]).reshape(-1, 1)
    history = quiet_fit(model, loss_fn, SGD(model.parameters(), lr=0.0), X, y, epochs=1, batch_size=4)
    assert history["accuracy"] == [1.0]


@pytest.mark.parametrize("loss_fn", [hand_written_bce_with_logits, nn.MSELoss(), nn.functional.mse_loss])
def test_asking_for_accuracy_without_a_decision_point_fails_before_the_first_step(loss_fn):
    model, X, y = logit_problem()
    before = {name: p.data.copy() for name, p in model.named_parameters()}
    with pytest.raises(ValueError, match=r"cannot tell where the model decides.*threshold=.*metrics=\(\)"):
        quiet_fit(model, loss_fn, SGD(model.parameters(), lr=1.0), X, y, epochs=1, batch_size=8,
                  metrics=("accuracy",))
    for name, p in model.named_parameters():
        np.testing.assert_array_equal(p.data, before[name])
    with pytest.raises(ValueError, match=r"metrics=\(\)"):
        nn.evaluate(model, loss_fn, X, y, metrics=("accuracy",))


def test_regression_targets_report_no_accuracy_by_default():
    X, y = make_regression(40, 2, noise=1.0, rng=0)
    model = nn.Linear(2, 1, rng=0)
    history = quiet_fit(model, nn.MSELoss(), SGD(model.parameters(), lr=0.01), X, y.reshape(-1, 1),
                        epochs=2, batch_size=8, threshold=0.5)
    assert list(history.keys()) == ["loss"]


@pytest.mark.parametrize("where", ["train", "val"])
def test_asking_for_accuracy_on_regression_targets_fails_before_the_first_step(where):
    X, y = make_regression(40, 2, noise=1.0, rng=0)
    labels = (y > 0).astype(float).reshape(-1, 1)
    targets = y.reshape(-1, 1)
    model = nn.Sequential(nn.Linear(2, 1, rng=0), nn.Sigmoid())
    before = {name: p.data.copy() for name, p in model.named_parameters()}
    train, val = (targets, (X, labels)) if where == "train" else (labels, (X, targets))
    with pytest.raises(ValueError, match=r"targets are regression values \(e\.g\. .*\).*metrics=\(\)"):
        quiet_fit(model, nn.BCELoss(), SGD(model.parameters(), lr=1.0), X, train, epochs=1, batch_size=8,
                  val=val, metrics=("accuracy",))
    for name, p in model.named_parameters():
        np.testing.assert_array_equal(p.data, before[name])


def test_probability_rows_are_targets_whose_accuracy_is_defined():
    X, y = make_moons(40, rng=0)
    soft = nn.data.one_hot(y, 2) * 0.8 + 0.1
    model = nn.MLP([2, 4, 2], rng=0)
    history = quiet_fit(model, nn.CrossEntropyLoss(), SGD(model.parameters(), lr=0.0), X, soft,
                        epochs=1, batch_size=40)
    assert history["accuracy"] == [nn.accuracy(nn.predict(model, X), y)]


def test_a_threshold_that_is_not_a_number_is_a_type_error():
    with pytest.raises(TypeError, match="threshold must be a real number"):
        quiet_fit(*small_problem(), epochs=1, batch_size=8, threshold="logits")


# --- fit is the plain loop, bit for bit ------------------------------------------------------


def _hand_loop(model, loss_fn, optimizer, X, y, epochs, batch_size, seed):
    """The loop fit runs, written out: the same Generator's orders, X[rows], loss.item(), nn.accuracy per batch."""
    rng, history = np.random.default_rng(seed), {"loss": [], "accuracy": []}
    for _ in range(epochs):
        order = rng.permutation(len(X))
        loss_total = correct_total = 0.0
        for start in range(0, len(X), batch_size):
            rows = order[start:start + batch_size]
            optimizer.zero_grad()
            outputs = model(Tensor(X[rows]))
            loss = loss_fn(outputs, Tensor(y[rows]))
            value = loss.item()
            loss.backward()
            optimizer.step()
            loss_total += value * len(rows)
            correct_total += float(nn.accuracy(outputs.data, y[rows])) * len(rows)
        history["loss"].append(loss_total / len(X))
        history["accuracy"].append(correct_total / len(X))
    return history


@pytest.mark.parametrize("layout", ["C", "F", "float32", "float labels", "three classes"])
def test_fit_gives_the_hand_written_loops_history_and_weights_bit_for_bit(layout):
    X, y = make_moons(90, noise=0.2, rng=1)
    dtype, classes = np.float64, 2
    if layout == "F":
        X = np.asfortranarray(X)
    elif layout == "float32":
        X, dtype = X.astype(np.float32), np.float32
    elif layout == "float labels":
        y = y.astype(np.float64)
    elif layout == "three classes":
        y, classes = y * 2, 3

    def run(train):
        model = nn.MLP([2, 8, classes], rng=0, dtype=dtype)
        optimizer = SGD(model.parameters(), lr=0.3)
        history = train(model, nn.CrossEntropyLoss(), optimizer)
        return history, [parameter.data.copy() for parameter in model.parameters()]

    fitted, fit_weights = run(lambda m, l, o: quiet_fit(m, l, o, X, y, epochs=3, batch_size=16, rng=7).history)
    by_hand, hand_weights = run(lambda m, l, o: _hand_loop(m, l, o, X, y, 3, 16, 7))
    assert fitted == by_hand
    for ours, theirs in zip(fit_weights, hand_weights):
        assert ours.dtype == theirs.dtype and ours.tobytes() == theirs.tobytes()


def test_labels_accuracy_gives_accuracys_numbers_and_errors_batch_by_batch():
    from nn.metrics import LabelsAccuracy

    rng = np.random.default_rng(0)
    labels = np.array([0, 2, 1, 1, 0, 2, 5, 1])  # 5 is out of range for 3 classes, in range for 6
    for classes in (3, 6):
        counted = LabelsAccuracy(nn.accuracy, labels)
        scores = rng.standard_normal((8, classes))
        for rows in (slice(0, 4), slice(4, 8)):
            try:
                expected = nn.accuracy(scores[rows], labels[rows])
            except ValueError as error:
                with pytest.raises(ValueError, match=str(error)):
                    counted(scores[rows], labels[rows])
            else:
                assert counted(scores[rows], labels[rows]) == expected
    with pytest.raises(ValueError, match="class labels must be whole numbers, got 1.5"):
        LabelsAccuracy(nn.accuracy, np.array([1.5, 0.0]))(np.zeros((2, 2)), np.array([1.5, 0.0]))
