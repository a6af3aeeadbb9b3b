"""fit(..., monitor=True): per-epoch health figures in History, TrainingWarnings, plots; fit(detect_anomaly=True)."""

import copy
import math
import warnings

import numpy as np
import pytest

import nn
from autograd import AnomalyError, Tensor
from nn.data import make_moons
from nn.optim import SGD


def fit_quietly(*args, **kwargs):
    """``nn.fit`` without a progress bar; returns (history, the TrainingWarnings raised)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = nn.fit(*args, progress=False, **kwargs)
    return history, [w for w in caught if issubclass(w.category, nn.TrainingWarning)]


def tiny_problem():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((4, 2))
    y = rng.standard_normal((4, 1))
    model = nn.Sequential(nn.Linear(2, 3, rng=0), nn.ReLU(), nn.Linear(3, 1, rng=1))
    return model, X, y


@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_monitor_figures_equal_hand_computed_norms_on_a_tiny_model(momentum):
    model, X, y = tiny_problem()
    replay = copy.deepcopy(model)
    replay_optimizer = SGD(replay.parameters(), lr=0.1, momentum=momentum)
    history, _ = fit_quietly(model, nn.MSELoss(), SGD(model.parameters(), lr=0.1, momentum=momentum), X, y,
                             epochs=2, batch_size=2, shuffle=False, metrics=(), monitor=True)
    names = [name for name, _ in replay.named_parameters()]
    expected = {name: {"grad_norm": [], "weight_norm": [], "update_ratio": []} for name in names}
    hidden = {"dead_fraction": [], "mean": [], "std": []}
    for _ in range(2):
        grads = {name: [] for name in names}
        ratios = {name: [] for name in names}
        outputs, active = [], np.zeros(3, dtype=bool)
        for rows in (slice(0, 2), slice(2, 4)):
            for _, p in replay.named_parameters():
                p.grad = None
            h = (Tensor(X[rows]) @ replay[0].weight + replay[0].bias).relu()
            outputs.append(h.data.copy())
            active |= (h.data > 0).any(axis=0)
            loss = ((h @ replay[2].weight + replay[2].bias - y[rows]) ** 2).mean()
            loss.backward()
            before = {name: p.data.copy() for name, p in replay.named_parameters()}
            replay_optimizer.step()
            for name, p in replay.named_parameters():
                grads[name].append(np.linalg.norm(p.grad))
                size = np.linalg.norm(before[name])
                ratios[name].append(np.linalg.norm(p.data - before[name]) / size if size else None)
        for name, p in replay.named_parameters():
            expected[name]["grad_norm"].append(np.mean(grads[name]))
            expected[name]["weight_norm"].append(np.linalg.norm(p.data))
            defined = [r for r in ratios[name] if r is not None]
            expected[name]["update_ratio"].append(np.mean(defined) if defined else math.nan)
        every = np.concatenate(outputs)
        hidden["dead_fraction"].append(1.0 - active.mean())
        hidden["mean"].append(every.mean())
        hidden["std"].append(every.std())
    assert list(history.layers) == names
    for name in names:
        for key in ("grad_norm", "weight_norm", "update_ratio"):
            np.testing.assert_allclose(history.layers[name][key], expected[name][key], rtol=1e-10, err_msg=name + key)
    assert list(history.activations) == ["1"]
    for key in hidden:
        np.testing.assert_allclose(history.activations["1"][key], hidden[key], rtol=1e-10, atol=1e-15)


def test_without_monitor_layers_and_activations_are_empty():
    model, X, y = tiny_problem()
    history, _ = fit_quietly(model, nn.MSELoss(), SGD(model.parameters(), lr=0.1), X, y, epochs=1, batch_size=2,
                             metrics=())
    assert history.layers == {} and history.activations == {}


def test_monitor_must_be_a_bool():
    model, X, y = tiny_problem()
    with pytest.raises(TypeError, match="monitor must be True or False"):
        nn.fit(model, nn.MSELoss(), SGD(model.parameters(), lr=0.1), X, y, epochs=1, batch_size=2, monitor="yes",
               progress=False)
    with pytest.raises(TypeError, match="detect_anomaly must be True or False"):
        nn.fit(model, nn.MSELoss(), SGD(model.parameters(), lr=0.1), X, y, epochs=1, batch_size=2,
               detect_anomaly=1, progress=False)


def test_the_monitor_removes_its_hooks_after_fit():
    model, X, y = tiny_problem()
    fit_quietly(model, nn.MSELoss(), SGD(model.parameters(), lr=0.1), X, y, epochs=1, batch_size=2, metrics=(),
                monitor=True)
    assert not model[1]._forward_hooks


def moons_run(**kwargs):
    X, y = make_moons(300, noise=0.15, rng=0)
    model = nn.MLP([2, 64, 64, 2], rng=0)
    return fit_quietly(model, nn.CrossEntropyLoss(), SGD(model.parameters(), lr=0.1), X, y, epochs=10,
                       batch_size=64, rng=0, monitor=True, **kwargs)


def test_no_warning_on_a_healthy_moons_run():
    history, caught = moons_run()
    assert caught == []
    assert history["accuracy"][-1] > 0.85
    assert set(history.activations) == {"1", "3"}


def test_vanishing_gradients_in_a_deep_sigmoid_net():
    X, y = make_moons(200, noise=0.1, rng=0)
    model = nn.MLP([2] + [16] * 10 + [2], activation="sigmoid", init="xavier", rng=0)
    _, caught = fit_quietly(model, nn.CrossEntropyLoss(), SGD(model.parameters(), lr=0.1), X, y, epochs=2,
                            batch_size=50, rng=0, monitor=True)
    messages = [str(w.message) for w in caught]
    assert len(messages) == 1, messages
    assert messages[0].startswith("vanishing gradients") and "'0'" in messages[0] and "'20'" in messages[0]


def test_exploding_gradients_with_a_learning_rate_far_too_high():
    X = np.random.default_rng(0).standard_normal((64, 4)) * 10
    y = X @ np.ones((4, 1)) * 10
    model = nn.Sequential(nn.Linear(4, 8, rng=0), nn.Linear(8, 1, rng=1))
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="ignore"):
        warnings.simplefilter("always")
        with pytest.raises(nn.NonFiniteLossError):
            nn.fit(model, nn.MSELoss(), SGD(model.parameters(), lr=0.05), X, y, epochs=30, batch_size=16,
                   metrics=(), monitor=True, progress=False)
    messages = [str(w.message) for w in caught if issubclass(w.category, nn.TrainingWarning)]
    assert len(messages) == 1 and messages[0].startswith("exploding gradients")
    assert "learning rate" in messages[0]


def test_dead_relus_after_a_bias_driven_negative():
    X, y = make_moons(200, noise=0.1, rng=0)
    model = nn.MLP([2, 16, 2], rng=0)
    model[0].bias.data[:12] = -50.0  # 12 of 16 units never fire
    _, caught = fit_quietly(model, nn.CrossEntropyLoss(), SGD(model.parameters(), lr=0.01), X, y, epochs=1,
                            batch_size=50, rng=0, monitor=True)
    messages = [str(w.message) for w in caught]
    assert len(messages) == 1 and messages[0].startswith("dead units")
    assert "12 of 16 units of layer '1' (ReLU)" in messages[0] and "learning rate" in messages[0]


def test_saturated_sigmoids_count_as_dead():
    X, y = make_moons(100, noise=0.1, rng=0)
    model = nn.MLP([2, 8, 2], activation="sigmoid", rng=0)
    model[0].bias.data[:] = 40.0
    history, caught = fit_quietly(model, nn.CrossEntropyLoss(), SGD(model.parameters(), lr=0.01), X, y, epochs=1,
                                  batch_size=50, rng=0, monitor=True)
    assert history.activations["1"]["dead_fraction"] == [1.0]
    assert any("saturated" in str(w.message) for w in caught)


class WithUnusedLayer(nn.Module):
    def __init__(self):
        self.used = nn.Linear(2, 2, rng=0)
        self.unused = nn.Linear(2, 2, rng=1)

    def forward(self, x):
        return self.used(x)


def test_parameters_with_no_gradient_are_named_once():
    X, y = make_moons(40, noise=0.1, rng=0)
    model = WithUnusedLayer()
    before = model.unused.weight.data.copy()
    _, caught = fit_quietly(model, nn.CrossEntropyLoss(), SGD(model.parameters(), lr=0.1), X, y, epochs=2,
                            batch_size=10, monitor=True)
    messages = [str(w.message) for w in caught]
    assert len(messages) == 1
    assert messages[0].startswith("no gradient") and "'unused.weight'" in messages[0] and "'unused.bias'" in messages[0]
    np.testing.assert_array_equal(model.unused.weight.data, before)


def test_plot_and_plot_health_return_figures():
    pytest.importorskip("matplotlib")
    from matplotlib.figure import Figure

    history, _ = moons_run()
    figure = history.plot_health()
    assert isinstance(figure, Figure) and len(figure.axes) == 3
    assert isinstance(history.plot(), Figure)


def test_plot_health_without_monitor_says_how_to_get_it():
    pytest.importorskip("matplotlib")
    model, X, y = tiny_problem()
    history, _ = fit_quietly(model, nn.MSELoss(), SGD(model.parameters(), lr=0.1), X, y, epochs=1, batch_size=2,
                             metrics=())
    with pytest.raises(ValueError, match="monitor=True"):
        history.plot_health()


def test_plots_without_matplotlib_name_the_extra(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    history = nn.History(["loss"])
    with pytest.raises(ImportError, match=r'chainrule\[plot\]'):
        history.plot()


def test_fit_with_detect_anomaly_names_the_first_layers_linear_and_updates_nothing():
    X, y = make_moons(40, noise=0.1, rng=0)
    X[25, 0] = np.nan
    model = nn.MLP([2, 8, 2], rng=0)
    state = model.state_dict()
    with pytest.raises(AnomalyError) as caught:
        nn.fit(model, nn.CrossEntropyLoss(), SGD(model.parameters(), lr=0.1), X, y, epochs=1, batch_size=40,
               shuffle=False, detect_anomaly=True, progress=False)
    assert caught.value.op == "linear" and caught.value.phase == "forward"
    assert caught.value.location.split(":")[0].endswith("layers.py")
    for name, array in model.state_dict().items():
        np.testing.assert_array_equal(array, state[name])


@pytest.mark.parametrize("activation, dead_of", [
    (nn.LeakyReLU(0.1), lambda z: z <= 0),
    (nn.Tanh(), lambda z: 1.0 - np.tanh(z) ** 2 < 1e-3),
])
def test_dead_fraction_of_leaky_relu_and_tanh_by_hand(activation, dead_of):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((8, 2))
    y = rng.standard_normal((8, 1))
    first = nn.Linear(2, 4, rng=0)
    first.bias.data[:] = [-50.0, 50.0, 0.0, -50.0]  # units 0 and 3 never positive; 0, 1, 3 saturate a tanh
    model = nn.Sequential(first, activation, nn.Linear(4, 1, rng=1))
    z = X @ first.weight.data + first.bias.data  # the inputs the activation sees (lr=0: nothing moves)
    history, _ = fit_quietly(model, nn.MSELoss(), SGD(model.parameters(), lr=0.0), X, y, epochs=1, batch_size=4,
                             shuffle=False, metrics=(), monitor=True)
    expected = np.mean(np.all(dead_of(z), axis=0))
    out = activation(Tensor(z)).data
    assert history.activations["1"]["dead_fraction"] == [expected]
    np.testing.assert_allclose(history.activations["1"]["mean"], [out.mean()])
    np.testing.assert_allclose(history.activations["1"]["std"], [out.std()])
