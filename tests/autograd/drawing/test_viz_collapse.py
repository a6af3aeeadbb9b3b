"""draw_graph's model=, collapse=True and color_by="grad": DOT source of an MLP's graph, and bad input."""

import re

import numpy as np
import pytest

import nn
from autograd import Tensor, Value, draw_graph


def mlp_loss(activation=nn.Sigmoid, depth=3, seed=0):
    rng = np.random.default_rng(seed)
    layers = [nn.Linear(2, 16, rng=rng), activation()]
    for _ in range(depth - 2):
        layers += [nn.Linear(16, 16, rng=rng), activation()]
    model = nn.Sequential(*layers, nn.Linear(16, 1, rng=rng))
    X = Tensor(rng.normal(size=(8, 2)), label="X")
    y = Tensor(rng.normal(size=(8, 1)))
    loss = nn.MSELoss()(model(X), y)
    loss.backward()
    return model, loss


def boxes(source):
    """DOT node statements: name -> label text with tags stripped."""
    found = {}
    for name, label in re.findall(r"^\t(\w+) \[label=<(.*)>[^\n]*\]$", source, re.MULTILINE):
        found[name] = re.sub(r"<[^>]+>", "|", label)
    return found


def test_collapse_draws_one_box_per_module_call_and_one_loss_box():
    model, loss = mlp_loss()
    source = draw_graph(loss, model=model, collapse=True).source
    titles = [re.search(r"\|([^|]+)\|", text).group(1) for name, text in boxes(source).items()]
    assert sorted(titles) == sorted(["X", "Linear(2→16)", "Sigmoid", "Linear(16→16)", "Sigmoid", "Linear(16→1)", "loss"])
    assert source.count(" -> ") == 6  # a chain: X, five module calls, the loss


def test_collapsed_boxes_hold_their_parameters_by_name():
    model, loss = mlp_loss()
    labels = boxes(draw_graph(loss, model=model, collapse=True).source)
    first = next(text for text in labels.values() if "Linear(2→16)" in text)
    assert "0.weight (2, 16)" in first and "0.bias (16,)" in first
    assert first.index("0.weight") < first.index("0.bias")  # registration order
    last = next(text for text in labels.values() if "Linear(16→1)" in text)
    assert "4.weight (16, 1)" in last


def test_grad_shading_uses_several_fills_and_a_legend_naming_grad():
    model, loss = mlp_loss(depth=4)
    source = draw_graph(loss, model=model, collapse=True, color_by="grad").source
    fills = re.findall(r'<TABLE [^>]*BGCOLOR="(#[0-9a-f]{6})"', source)
    assert len(set(fills)) >= 5
    legend = boxes(source)["legend"]
    assert "mean |grad|" in legend and "no grad" in legend


def test_shades_fade_towards_the_inputs_of_a_deep_sigmoid_net():
    model, loss = mlp_loss(depth=6)
    labels = draw_graph(loss, model=model, collapse=True, color_by="grad").source
    sizes = [float(size) for size in re.findall(r"\|grad\|</FONT> ([0-9.e+-]+)", labels)]
    linears = re.findall(r"<B>Linear\([^<]*</B>.*?\|grad\|</FONT> ([0-9.e+-]+)", labels)
    assert len(linears) == 6 and len(sizes) >= 12
    values = [float(v) for v in linears]
    assert min(values) == values[0] and max(values) == values[-1]  # boxes are listed inputs first


def test_uncollapsed_shading_and_parameter_names():
    model, loss = mlp_loss(depth=2)
    source = draw_graph(loss, model=model, color_by="grad").source
    assert "<B>0.weight</B>" in source and "<B>2.bias</B>" in source
    assert "legend" in source and len(set(re.findall(r'BGCOLOR="(#[0-9a-f]{6})"', source))) >= 4


def test_a_value_graph_can_be_shaded():
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    loss = (a * b).tanh() * 1e-3 + a
    loss.backward()
    source = draw_graph(loss, color_by="grad").source
    assert '#ffffff' in source and "mean |grad|" in source


def test_modules_called_inside_a_model_are_its_boxes_and_a_model_calling_none_is_one_box():
    layer = nn.scalar.Layer(2, 3, rng=0)
    neuron = nn.scalar.Neuron(3, nonlin=False, rng=1)

    class Net(nn.Module):
        def __init__(self):
            self.hidden, self.out = layer, neuron

        def forward(self, x):
            return self.out(self.hidden(x))

    net = Net()
    loss = (net([0.5, -1.0]) - 1.0) ** 2
    loss.backward()
    labels = boxes(draw_graph(loss, model=net, collapse=True).source)
    assert sorted(re.search(r"\|([^|]+)\|", text).group(1) for text in labels.values()) == ["Layer", "Neuron", "loss"]
    assert "and 5 more parameters" in next(text for text in labels.values() if "Layer" in text)  # 9 in all

    mlp = nn.scalar.MLP(2, [3, 1], rng=0)  # calls its layers' outputs(), not the layers
    loss = (mlp([0.5, -1.0]) - 1.0) ** 2
    labels = boxes(draw_graph(loss, model=mlp, collapse=True).source)
    assert sorted(re.search(r"\|([^|]+)\|", text).group(1) for text in labels.values()) == ["MLP", "loss"]


def test_collapse_needs_a_model():
    model, loss = mlp_loss()
    with pytest.raises(ValueError, match=r"draw_graph: collapse=True needs model="):
        draw_graph(loss, collapse=True)
    with pytest.raises(TypeError, match="collapse must be True or False"):
        draw_graph(loss, model=model, collapse="yes")
    with pytest.raises(TypeError, match=r"model must be a Module \(with named_parameters\(\)\), got int"):
        draw_graph(loss, model=3)


def test_unknown_color_by_is_refused():
    _, loss = mlp_loss()
    with pytest.raises(ValueError, match=r"color_by must be None or \"grad\" \(shade by log \|grad\|\), got 'data'"):
        draw_graph(loss, color_by="data")
    with pytest.raises(TypeError, match="color_by must be None or a str"):
        draw_graph(loss, color_by=1)


def test_shading_by_grad_before_backward_says_to_call_backward():
    rng = np.random.default_rng(0)
    model = nn.Sequential(nn.Linear(2, 3, rng=rng), nn.Tanh(), nn.Linear(3, 1, rng=rng))
    loss = (model(Tensor(rng.normal(size=(4, 2)))) ** 2).mean()
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    for root in (loss, (a * b).tanh()):
        with pytest.raises(ValueError, match=r'color_by="grad"\): no node of this graph has a gradient yet; '
                                             r"call backward\(\) on its root first"):
            draw_graph(root, color_by="grad")
    loss.backward()
    assert "mean |grad|" in draw_graph(loss, color_by="grad").source


def test_a_model_whose_parameters_are_not_in_the_graph_is_refused_by_name():
    model, loss = mlp_loss()
    other, _ = mlp_loss(seed=1)
    message = (r"draw_graph\(model=...\): none of the model's 6 parameters \(0.weight, 0.bias, 2.weight, "
               r"2.bias, 4.weight, 4.bias\) is in this graph; pass the model that computed it")
    for collapse in (False, True):
        with pytest.raises(ValueError, match=message):
            draw_graph(loss, model=other, collapse=collapse)
    deeper, _ = mlp_loss(depth=5)
    with pytest.raises(ValueError, match=r"none of the model's 10 parameters \(0.weight, 0.bias, 2.weight, "
                                         r"2.bias, 4.weight, 4.bias, ...\)"):
        draw_graph(loss, model=deeper)
    first_layer = model[0]  # a part of the model that computed the graph is fine
    assert "weight" in draw_graph(loss, model=first_layer).source


def test_collapsed_graph_over_max_nodes_is_cut_with_a_note():
    model, loss = mlp_loss(depth=6)
    source = draw_graph(loss, model=model, collapse=True, max_nodes=4).source
    assert len([name for name in boxes(source) if name.startswith("b")]) == 4
    assert "more nodes not shown (max_nodes=4" in source


def test_a_module_call_remembers_only_its_latest_inputs_and_output():
    layer = nn.Linear(2, 3, rng=0)
    assert layer.last_call() is None
    x = Tensor(np.ones((1, 2)))
    out = layer(x)
    args, output = layer.last_call()
    assert args[0] is x and output is out
    assert [name for name, _ in layer.named_parameters()] == ["weight", "bias"]  # the record is not a parameter


def test_the_shaded_collapsed_graph_renders():
    model, loss = mlp_loss()
    svg = draw_graph(loss, model=model, collapse=True, color_by="grad").pipe(format="svg", encoding="utf-8")
    assert "Linear(2→16)" in svg and "mean |grad|" in svg
