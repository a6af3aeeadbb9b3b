"""Module.register_forward_hook: fn(module, inputs, output) after each forward; replaces a non-None output."""

import numpy as np
import pytest

import nn
from autograd import Tensor


def test_a_forward_hook_sees_module_inputs_and_output():
    layer = nn.Linear(2, 3, rng=0)
    seen = []
    handle = layer.register_forward_hook(lambda module, inputs, output: seen.append((module, inputs, output)))
    x = Tensor(np.ones((4, 2)))
    out = layer(x)
    handle.remove()
    ((module, inputs, output),) = seen
    assert module is layer and inputs == (x,) and output is out


def test_a_forward_hook_replaces_the_output_and_the_gradient_follows():
    layer = nn.Linear(2, 1, rng=0)
    handle = layer.register_forward_hook(lambda module, inputs, output: output * 2.0)
    x = Tensor(np.array([[1.0, 3.0]]))
    out = layer(x)
    handle.remove()
    np.testing.assert_allclose(out.data, 2.0 * (x.data @ layer.weight.data + layer.bias.data))
    out.sum().backward()
    np.testing.assert_allclose(layer.weight.grad, [[2.0], [6.0]])


def test_hooks_on_inner_modules_of_a_sequential_run_inside_its_forward():
    model = nn.Sequential(nn.Linear(2, 4, rng=0), nn.ReLU(), nn.Linear(4, 1, rng=1))
    names = []
    handles = [module.register_forward_hook(lambda m, i, o: names.append(type(m).__name__)) for module in model]
    model(Tensor(np.ones((1, 2))))
    for handle in handles:
        handle.remove()
    assert names == ["Linear", "ReLU", "Linear"]


def test_a_removed_forward_hook_is_not_called():
    relu = nn.ReLU()
    calls = []
    handle = relu.register_forward_hook(lambda *args: calls.append(1))
    relu(Tensor([1.0]))
    handle.remove()
    handle.remove()
    relu(Tensor([1.0]))
    assert calls == [1]


def test_a_forward_hook_is_not_a_parameter_or_a_child():
    layer = nn.Linear(2, 2, rng=0)
    handle = layer.register_forward_hook(lambda *args: None)
    assert [name for name, _ in layer.named_parameters()] == ["weight", "bias"]
    assert layer.named_children() == []
    handle.remove()


def test_a_forward_hook_that_is_not_callable_is_a_type_error():
    with pytest.raises(TypeError, match="register_forward_hook: expected a function"):
        nn.ReLU().register_forward_hook(None)


def test_inside_a_sequential_hooks_see_the_inputs_replace_outputs_and_calls_are_recorded():
    first, relu, last = nn.Linear(2, 3, rng=0), nn.ReLU(), nn.Linear(3, 1, rng=1)
    model = nn.Sequential(first, relu, last)
    seen = []
    first.register_forward_hook(lambda module, inputs, output: seen.append(inputs) or output * 0.5)
    x = Tensor(np.array([[1.0, -2.0]]))
    out = model(x)
    (inputs,) = seen
    assert inputs == (x,)
    hidden = 0.5 * (x.data @ first.weight.data + first.bias.data)
    np.testing.assert_allclose(out.data, np.maximum(hidden, 0) @ last.weight.data + last.bias.data)
    assert first.last_call()[0] == (x,) and relu.last_call()[0] == (first.last_call()[1],)
    assert last.last_call()[1] is out and model.last_call() == ((x,), out)


def test_a_sequential_calls_a_module_that_defines_its_own_call():
    class Doubling(nn.Module):
        def forward(self, x):
            return x

        def __call__(self, x):
            return x * 2.0

    model = nn.Sequential(Doubling(), nn.ReLU())
    np.testing.assert_allclose(model(Tensor([[1.5, -1.0]])).data, [[3.0, 0.0]])
