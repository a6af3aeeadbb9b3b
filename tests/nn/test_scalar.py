"""nn.scalar: micrograd's Neuron / Layer / MLP of Values, as Modules."""

import random

import numpy as np
import pytest

import nn
from autograd import Value
from nn.scalar import MLP, Layer, Neuron

SEED = 1337


def make_mlp(nin=2, nouts=(16, 16, 1), seed=SEED):
    random.seed(seed)
    return MLP(nin, list(nouts))


def moons_like(n=20, seed=0):
    rng = np.random.default_rng(seed)
    inputs = rng.uniform(-2, 2, size=(n, 2)).tolist()
    labels = rng.choice([-1.0, 1.0], size=n).tolist()
    return inputs, labels


def hinge(model, inputs, labels):
    scores = [model(row) for row in inputs]
    losses = [(1 + -label * score).relu() for label, score in zip(labels, scores)]
    return sum(losses) * (1.0 / len(losses))


def test_mlp_2_16_16_1_has_337_parameters():
    assert len(make_mlp().parameters()) == 337


def test_every_parameter_is_a_value():
    assert all(type(p) is Value for p in make_mlp().parameters())


def test_weights_lie_in_minus_one_one_and_biases_are_zero():
    model = make_mlp()
    for layer in model.layers:
        for neuron in layer.neurons:
            assert all(-1.0 <= w.data <= 1.0 for w in neuron.w)
            assert neuron.b.data == 0.0


def test_random_seed_reproduces_the_weights():
    first, second = make_mlp(seed=5), make_mlp(seed=5)
    assert [p.data for p in first.parameters()] == [p.data for p in second.parameters()]


def test_weights_are_python_random_uniform_draws_in_neuron_order():
    random.seed(SEED)
    expected = [random.uniform(-1, 1) for _ in range(2 * 3)]
    random.seed(SEED)
    layer = Layer(2, 3)
    assert [w.data for neuron in layer.neurons for w in neuron.w] == expected


def test_parameters_list_each_neurons_weights_then_its_bias_layer_by_layer():
    model = make_mlp(nouts=(3, 2))
    expected = [p for layer in model.layers for neuron in layer.neurons for p in [*neuron.w, neuron.b]]
    assert all(a is b for a, b in zip(model.parameters(), expected, strict=True))


def test_named_parameters_follow_the_layout():
    names = [name for name, _ in make_mlp(nouts=(3, 1)).named_parameters()]
    assert names[:3] == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1", "layers.0.neurons.0.b"]
    assert names[-1] == "layers.1.neurons.0.b"


def test_relu_on_every_layer_but_the_last():
    model = make_mlp()
    assert [layer.neurons[0].nonlin for layer in model.layers] == [True, True, False]


def test_a_neuron_computes_relu_of_bias_plus_weighted_sum():
    random.seed(0)
    neuron = Neuron(3)
    neuron.b.data = 0.25
    x = [0.5, -1.0, 2.0]
    expected = max(0.0, 0.25 + sum(w.data * xi for w, xi in zip(neuron.w, x)))
    assert neuron(x).data == pytest.approx(expected, abs=1e-15)


def test_a_linear_neuron_can_go_negative():
    neuron = Neuron(1, nonlin=False)
    neuron.w[0].data = -1.0
    assert neuron([3.0]).data == -3.0


def test_a_neurons_weighted_sum_is_one_dot_node():
    random.seed(0)
    neuron = Neuron(4, nonlin=False)
    out = neuron([1.0, 2.0, 3.0, 4.0])
    assert out.op == "dot"
    assert len(out.parents) == 4 + 4 + 1


def test_a_layer_converts_its_inputs_once_for_all_neurons():
    random.seed(0)
    layer = Layer(2, 3, nonlin=False)
    outs = layer([1.0, 2.0])
    inputs_seen = [out.parents[2:4] for out in outs]
    assert all(a is b for a, b in zip(inputs_seen[0], inputs_seen[1]))
    assert all(a is b for a, b in zip(inputs_seen[0], inputs_seen[2]))
    assert not any(x.requires_grad for x in inputs_seen[0])


def test_a_model_with_one_output_returns_a_value():
    assert isinstance(make_mlp()([0.5, -0.5]), Value)


def test_a_model_with_several_outputs_returns_a_list_of_values():
    out = make_mlp(nouts=(4, 3))([0.5, -0.5])
    assert isinstance(out, list) and len(out) == 3 and all(isinstance(v, Value) for v in out)


def test_a_layer_of_one_neuron_returns_a_value():
    random.seed(0)
    assert isinstance(Layer(2, 1)([1.0, 2.0]), Value)


def test_a_hidden_layer_of_one_neuron_still_feeds_the_next_layer():
    random.seed(0)
    out = MLP(2, [1, 2])([1.0, 2.0])
    assert len(out) == 2


def test_numbers_and_values_as_inputs_give_the_same_output():
    model = make_mlp()
    assert model([0.3, -0.7]).data == model([Value(0.3), Value(-0.7)]).data


def test_value_inputs_receive_gradients():
    random.seed(0)
    neuron = Neuron(2, nonlin=False)
    x = [Value(1.0), Value(2.0)]
    neuron(x).backward()
    assert [xi.grad for xi in x] == [neuron.w[0].data, neuron.w[1].data]


def test_the_wrong_number_of_inputs_is_a_value_error_naming_the_layer():
    with pytest.raises(ValueError, match=r"Layer\(2, 16, ReLU\): expected 2 inputs, got 3"):
        make_mlp()([1.0, 2.0, 3.0])


def test_a_string_input_is_a_type_error():
    random.seed(0)
    with pytest.raises(TypeError):
        Neuron(2)(["a", "b"])


@pytest.mark.parametrize("bad", [0, -3])
def test_sizes_below_one_are_refused(bad):
    with pytest.raises(ValueError, match="nin must be >= 1"):
        Neuron(bad)


def test_a_float_size_is_a_type_error():
    with pytest.raises(TypeError, match="nin must be an int"):
        Layer(2.5, 3)


def test_nouts_must_be_a_list():
    with pytest.raises(TypeError, match="nouts must be a list"):
        MLP(2, 3)


def test_zero_grad_sets_value_grads_to_zero_float():
    model = make_mlp()
    inputs, labels = moons_like()
    hinge(model, inputs, labels).backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 and type(p.grad) is float for p in model.parameters())


def test_state_dict_round_trip_restores_the_weights():
    model, other = make_mlp(seed=1), make_mlp(seed=2)
    other.load_state_dict(model.state_dict())
    assert [p.data for p in other.parameters()] == [p.data for p in model.parameters()]
    assert all(type(p.data) is float for p in other.parameters())


def test_state_dict_stores_values_as_0d_float64_arrays():
    state = make_mlp(nouts=(1,)).state_dict()
    assert all(array.shape == () and array.dtype == np.float64 for array in state.values())


def test_save_and_load_round_trip(tmp_path):
    model, other = make_mlp(seed=1), make_mlp(seed=2)
    nn.save(model, tmp_path / "scalar.npz")
    nn.load(other, tmp_path / "scalar.npz")
    assert [p.data for p in other.parameters()] == [p.data for p in model.parameters()]


def test_repr_shows_the_layers():
    assert repr(make_mlp()) == (
        "MLP(\n"
        "  (layers.0): Layer(2, 16, ReLU)\n"
        "  (layers.1): Layer(16, 16, ReLU)\n"
        "  (layers.2): Layer(16, 1, Linear)\n"
        ")"
    )


def test_neuron_repr_says_its_kind_and_inputs():
    assert repr(Neuron(3)) == "ReLUNeuron(3)"
    assert repr(Neuron(3, nonlin=False)) == "LinearNeuron(3)"


def test_hinge_loss_function_on_values_matches_the_hand_written_loss():
    model = make_mlp()
    inputs, labels = moons_like()
    scores = [model(row) for row in inputs]
    expected = hinge(model, inputs, labels)
    assert nn.functional.hinge_loss(scores, labels).data == pytest.approx(expected.data, rel=1e-15)


# --- against micrograd ------------------------------------------------------------------


def test_same_seed_gives_micrograds_weights():
    micrograd_nn = pytest.importorskip("micrograd.nn")
    ours = make_mlp()
    random.seed(SEED)
    theirs = micrograd_nn.MLP(2, [16, 16, 1])
    assert [p.data for p in ours.parameters()] == [p.data for p in theirs.parameters()]


def test_same_seed_gives_micrograds_loss_exactly():
    micrograd_nn = pytest.importorskip("micrograd.nn")
    inputs, labels = moons_like(20)
    ours = make_mlp()
    random.seed(SEED)
    theirs = micrograd_nn.MLP(2, [16, 16, 1])
    assert hinge(ours, inputs, labels).data == hinge(theirs, inputs, labels).data


def test_same_seed_gives_micrograds_gradients():
    micrograd_nn = pytest.importorskip("micrograd.nn")
    inputs, labels = moons_like(20)
    ours = make_mlp()
    random.seed(SEED)
    theirs = micrograd_nn.MLP(2, [16, 16, 1])
    hinge(ours, inputs, labels).backward()
    hinge(theirs, inputs, labels).backward()
    # the same terms, summed in another order: equal to rounding
    np.testing.assert_allclose(
        [p.grad for p in ours.parameters()], [p.grad for p in theirs.parameters()], rtol=1e-12, atol=1e-15
    )


def test_an_int_rng_gives_the_weights_of_random_seed_without_touching_the_global_state():
    random.seed(99)
    state = random.getstate()
    model = MLP(2, [4, 1], rng=SEED)
    assert random.getstate() == state
    assert [p.data for p in model.parameters()] == [p.data for p in make_mlp(nouts=(4, 1)).parameters()]


def test_a_random_random_instance_is_used_as_the_source():
    first = MLP(3, [2, 2], rng=random.Random(4))
    second = MLP(3, [2, 2], rng=random.Random(4))
    assert [p.data for p in first.parameters()] == [p.data for p in second.parameters()]


def test_neurons_of_a_seeded_layer_differ():
    layer = Layer(2, 2, rng=0)
    assert [w.data for w in layer.neurons[0].w] != [w.data for w in layer.neurons[1].w]


def test_a_bad_rng_is_a_type_error():
    with pytest.raises(TypeError, match="rng must be None"):
        MLP(2, [1], rng="seed")
