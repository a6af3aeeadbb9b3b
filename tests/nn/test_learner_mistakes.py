"""The mistakes learners make most, each met with a message where it happens."""

import warnings

import numpy as np
import pytest

import nn
from autograd import Tensor
from nn.optim import SGD, Adam


def test_backward_on_a_non_scalar_says_reduce_it_or_pass_grad():
    losses = Tensor([1.0, 2.0], requires_grad=True) * 3.0
    with pytest.raises(ValueError) as caught:
        losses.backward()
    message = str(caught.value)
    assert "shape (2,)" in message and ".sum()" in message and "grad=" in message


def test_an_optimizer_on_an_empty_parameter_list_is_a_value_error():
    with pytest.raises(ValueError, match="params is empty"):
        Adam([], lr=0.1)


def test_an_integer_parameter_is_refused_with_the_fix():
    with pytest.raises(TypeError, match="floating point dtype.*dtype=float"):
        nn.Parameter(np.array([1, 2, 3]))
    with pytest.raises(TypeError, match="floating point"):
        Tensor(np.arange(3), requires_grad=True)


def test_a_parameter_not_connected_to_the_loss_is_named_when_the_optimizer_steps():
    used = Tensor([1.0, 2.0], requires_grad=True)
    unused = Tensor([[5.0]], requires_grad=True)
    optimizer = SGD([used, unused], lr=0.1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(3):
            optimizer.zero_grad()
            (used * used).sum().backward()
            optimizer.step()
    messages = [str(w.message) for w in caught if issubclass(w.category, nn.TrainingWarning)]
    assert len(messages) == 1
    assert messages[0].startswith("no gradient: params[1] (shape (1, 1))") and "not connected to the loss" in messages[0]
    np.testing.assert_array_equal(unused.data, [[5.0]])


def test_a_step_before_any_backward_does_not_warn():
    optimizer = SGD([Tensor([1.0], requires_grad=True)], lr=0.1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        optimizer.step()


def test_backward_through_dropout_in_eval_mode_warns():
    model = nn.Sequential(nn.Linear(3, 4, rng=0), nn.Dropout(0.5, rng=0))
    model.eval()
    with pytest.warns(nn.TrainingWarning, match=r"Dropout in eval mode.*model\.train\(\)"):
        model(Tensor(np.ones((2, 3)))).sum().backward()
    np.testing.assert_allclose(model[0].weight.grad, np.full((3, 4), 2.0))


def test_dropout_in_train_mode_or_without_a_graph_does_not_warn():
    model = nn.Sequential(nn.Linear(3, 4, rng=0), nn.Dropout(0.5, rng=0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model(Tensor(np.ones((2, 3)))).sum().backward()
        model.eval()
        out = model(Tensor(np.ones((2, 3))))
        np.testing.assert_array_equal(out.data, model[0](Tensor(np.ones((2, 3)))).data)
