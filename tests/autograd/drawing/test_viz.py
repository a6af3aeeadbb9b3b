"""draw_graph: the rendered SVG's boxes, ops, arrows and colours; cuts, escaping, errors, Jupyter, the example.

Every rendering test runs Graphviz's real `dot` (CI installs Debian's graphviz)
and reads the SVG it writes.
"""

import os
import random
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import graphviz
import numpy as np
import pytest

import nn
from autograd import Tensor, Value, draw_graph, primitive
from autograd.drawing import draw as viz
from autograd.drawing.draw import GraphvizNotFoundError, breadth_first_order

SVG = "{http://www.w3.org/2000/svg}"
REPOSITORY = Path(__file__).resolve().parents[3]
PARAMETER_FILL, INPUT_FILL, RESULT_FILL, ROOT_FILL = "#d6e9ff", "#eeeeee", "#ffffff", "#fff1c7"


def svg_of(graph):
    return graph.pipe(format="svg", encoding="utf-8")


def shapes(svg):
    """{name in the DOT source: (texts shown, fill colour, (x, y) of its first text)} of every node drawn."""
    found = {}
    for group in ET.fromstring(svg).iter(f"{SVG}g"):
        if group.get("class") != "node":
            continue
        texts = [t for t in group.iter(f"{SVG}text") if t.text and t.text.strip()]
        outline = next(e for e in group if e.tag in (f"{SVG}path", f"{SVG}ellipse", f"{SVG}polygon"))
        where = (float(texts[0].get("x")), float(texts[0].get("y"))) if texts else None
        found[group.find(f"{SVG}title").text] = ([t.text.strip() for t in texts], outline.get("fill"), where)
    return found


def arrows(svg):
    """(tail, head) names of every edge drawn, in drawing order."""
    pairs = []
    for group in ET.fromstring(svg).iter(f"{SVG}g"):
        if group.get("class") == "edge":
            tail, head = group.find(f"{SVG}title").text.split("->")
            pairs.append((tail, head))
    return pairs


def boxes_by_label(svg):
    """{first text of a box: all its texts} for the value boxes (names n0, n1, ...)."""
    return {texts[0]: texts for name, (texts, _, _) in shapes(svg).items() if name.startswith("n") and texts}


def notes_graph():
    """The course notes' J = 3(a + bc) with a=5, b=3, c=2, after backward()."""
    a, b, c = Value(5.0, label="a"), Value(3.0, label="b"), Value(2.0, label="c")
    u = b * c
    u.label = "u = bc"
    v = a + u
    v.label = "v = a + u"
    J = 3 * v
    J.label = "J = 3v"
    J.backward()
    return J


def tanh_chain(length):
    x = Value(0.5, label="x")
    y = x
    for _ in range(length):
        y = y.tanh()
    return y


@pytest.fixture
def no_dot(monkeypatch, tmp_path):
    """A PATH on which Graphviz's executables cannot be found."""
    empty = tmp_path / "empty_path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


# Scalar graphs: boxes, ops, arrows


def test_scalar_boxes_show_label_data_and_grad():
    assert boxes_by_label(svg_of(draw_graph(notes_graph()))) == {
        "a": ["a", "data", "5", "grad", "3"],
        "b": ["b", "data", "3", "grad", "6"],
        "c": ["c", "data", "2", "grad", "9"],
        "u = bc": ["u = bc", "data", "6", "grad", "3"],
        "v = a + u": ["v = a + u", "data", "11", "grad", "3"],
        "J = 3v": ["J = 3v", "data", "33", "grad", "1"],
        "3": ["3"],
    }


def steps(svg):
    """{(op, its inputs from top to bottom, its result)} read off the drawing's arrows."""
    drawn = shapes(svg)
    label = {name: texts[0] for name, (texts, _, _) in drawn.items()}
    inputs = {}
    results = {}
    for tail, head in arrows(svg):
        if head.startswith("o"):
            inputs.setdefault(head, []).append(tail)
        else:
            results[tail] = label[head]
    top_to_bottom = {op: sorted(names, key=lambda name: drawn[name][2][1]) for op, names in inputs.items()}
    return {(label[op], tuple(label[name] for name in names), results[op]) for op, names in top_to_bottom.items()}


NOTES_STEPS = {
    ("*", ("b", "c"), "u = bc"),
    ("+", ("a", "u = bc"), "v = a + u"),
    ("*", ("3", "v = a + u"), "J = 3v"),
}


def test_op_nodes_sit_between_their_inputs_in_order_and_their_result():
    assert steps(svg_of(draw_graph(notes_graph()))) == NOTES_STEPS


def test_graph_reads_left_to_right_by_default():
    drawn = shapes(svg_of(draw_graph(notes_graph())))
    x = {texts[0]: where[0] for texts, _, where in drawn.values()}
    assert x["b"] < x["u = bc"] < x["v = a + u"] < x["J = 3v"]
    assert x["a"] < x["v = a + u"]


def test_rankdir_tb_puts_inputs_above_results():
    drawn = shapes(svg_of(draw_graph(notes_graph(), rankdir="TB")))
    y = {texts[0]: where[1] for texts, _, where in drawn.values()}
    assert y["b"] < y["u = bc"] < y["v = a + u"] < y["J = 3v"]  # SVG's y grows downwards


def test_a_node_used_twice_has_one_box_and_two_arrows_into_its_op():
    a = Value(3.0, label="a")
    square = a * a
    square.label = "a²"
    square.backward()
    svg = svg_of(draw_graph(square))
    assert boxes_by_label(svg) == {"a": ["a", "data", "3", "grad", "6"], "a²": ["a²", "data", "9", "grad", "1"]}
    assert arrows(svg) == [("n1", "o0"), ("n1", "o0"), ("o0", "n0")]


def test_every_op_shows_its_name():
    x = Value(0.5, label="x")
    y = ((x * 2.0 + 1.0) / 3.0 - x) ** 2
    z = y.tanh() + y.exp().log() + y.sigmoid() + y.relu() + (-y).abs()
    drawn = shapes(svg_of(draw_graph(z)))
    ops = sorted(texts[0] for name, (texts, _, _) in drawn.items() if name.startswith("o"))
    assert ops == sorted(["*", "+", "/", "-", "**", "tanh", "exp", "log", "sigmoid", "relu", "neg", "abs",
                          "+", "+", "+", "+"])


def test_a_user_primitive_shows_by_its_name():
    @primitive(name="softplus")
    def softplus(x):
        return float(np.logaddexp(0.0, x))

    @softplus.defvjp
    def softplus_vjp(g, out, x):
        return (g * x.sigmoid() if isinstance(x, Value) else g / (1.0 + np.exp(-x)),)

    drawn = shapes(svg_of(draw_graph(softplus(Value(0.5, label="x")))))
    assert ["softplus"] in [texts for texts, _, _ in drawn.values()]


def test_parameters_inputs_results_and_root_have_their_own_fills():
    drawn = shapes(svg_of(draw_graph(notes_graph())))
    fill = {texts[0]: colour for name, (texts, colour, _) in drawn.items() if name.startswith("n")}
    assert fill == {
        "a": PARAMETER_FILL, "b": PARAMETER_FILL, "c": PARAMETER_FILL,
        "3": INPUT_FILL, "u = bc": RESULT_FILL, "v = a + u": RESULT_FILL, "J = 3v": ROOT_FILL,
    }


def test_highlight_params_false_fills_parameters_like_other_inputs():
    drawn = shapes(svg_of(draw_graph(notes_graph(), highlight_params=False)))
    fill = {texts[0]: colour for name, (texts, colour, _) in drawn.items() if name.startswith("n")}
    assert fill["a"] == fill["b"] == fill["c"] == fill["3"] == INPUT_FILL


def test_highlight_params_takes_a_colour():
    drawn = shapes(svg_of(draw_graph(notes_graph(), highlight_params="#ffd0d0")))
    fill = {texts[0]: colour for name, (texts, colour, _) in drawn.items() if name.startswith("n")}
    assert fill["a"] == fill["b"] == fill["c"] == "#ffd0d0"


def test_an_input_that_needs_no_grad_shows_no_grad_row():
    x = Value(2.0, label="x", requires_grad=False)
    w = Value(-1.5, label="w")
    y = x * w
    y.backward()
    boxes = boxes_by_label(svg_of(draw_graph(y)))
    assert boxes["x"] == ["x", "data", "2"]
    assert boxes["w"] == ["w", "data", "-1.5", "grad", "2"]


def test_show_data_false_and_show_grad_false_leave_those_rows_out():
    J = notes_graph()
    assert boxes_by_label(svg_of(draw_graph(J, show_data=False)))["a"] == ["a", "grad", "3"]
    assert boxes_by_label(svg_of(draw_graph(J, show_grad=False)))["a"] == ["a", "data", "5"]
    assert boxes_by_label(svg_of(draw_graph(J, show_data=False, show_grad=False)))["a"] == ["a"]


def test_precision_sets_the_significant_digits():
    third = Value(1.0, label="t") / 3.0
    third.label = "third"
    assert boxes_by_label(svg_of(draw_graph(third)))["third"][2] == "0.3333"
    assert boxes_by_label(svg_of(draw_graph(third, precision=2)))["third"][2] == "0.33"


def test_negative_zero_shows_as_zero():
    x = Value(-2.0, label="x")
    y = x.relu() * -1.0
    y.label = "y"
    y.backward()
    assert boxes_by_label(svg_of(draw_graph(y)))["y"] == ["y", "data", "0", "grad", "1"]


def test_a_gradient_that_is_a_node_shows_its_number():
    x = Value(3.0, label="x")
    y = x * x * x
    y.backward(create_graph=True)
    assert isinstance(x.grad, Value)
    assert boxes_by_label(svg_of(draw_graph(y)))["x"] == ["x", "data", "3", "grad", "27"]


def test_a_leaf_root_is_one_box():
    drawn = shapes(svg_of(draw_graph(Value(4.0, label="alone"))))
    assert [texts for texts, _, _ in drawn.values()] == [["alone", "data", "4", "grad", "0"]]


# Tensor graphs


def tensor_graph():
    """loss = sum(relu(x @ W)) with x (1, 2) float64 and W (2, 4) float32; boxes labelled x, W, h, loss."""
    x = Tensor([[1.0, 2.0]], label="x")
    W = Tensor(np.arange(8.0, dtype=np.float32).reshape(2, 4) - 3.0, requires_grad=True, label="W")
    h = (x @ W).relu()
    h.label = "h"
    loss = h.sum()
    loss.label = "loss"
    return loss


def test_tensor_box_shows_shape_written_as_a_tuple_and_dtype():
    loss = tensor_graph()
    loss.backward()
    boxes = boxes_by_label(svg_of(draw_graph(loss)))
    assert boxes["W"][:2] == ["W", "(2, 4) float32"]
    assert boxes["h"][:2] == ["h", "(1, 4) float64"]
    assert boxes["x"][:2] == ["x", "(1, 2) float64"]
    assert boxes["loss"][:2] == ["loss", "() float64"]


def test_tiny_tensors_show_their_values():
    loss = tensor_graph()
    loss.backward()
    boxes = boxes_by_label(svg_of(draw_graph(loss)))
    assert boxes["x"] == ["x", "(1, 2) float64", "data", "[[1, 2]]"]
    assert boxes["loss"] == ["loss", "() float64", "data", "15", "grad", "1"]


def test_big_tensors_show_norm_min_and_max():
    loss = tensor_graph()
    loss.backward()
    W_data = np.arange(8.0).reshape(2, 4) - 3.0
    W_grad = np.repeat(np.array([[1.0], [2.0]]), 4, axis=1) * (np.array([1.0, 2.0]) @ W_data > 0)
    expected = [
        "W", "(2, 4) float32",
        "data", f"norm {np.linalg.norm(W_data):.4g} min -3 max 4",
        "grad", f"norm {np.linalg.norm(W_grad):.4g} min {W_grad.min():.4g} max {W_grad.max():.4g}",
    ]
    assert boxes_by_label(svg_of(draw_graph(loss)))["W"] == expected


def test_a_tensor_without_a_gradient_yet_shows_grad_none():
    loss = tensor_graph()
    boxes = boxes_by_label(svg_of(draw_graph(loss)))
    assert boxes["W"][-2:] == ["grad", "None"]
    assert boxes["loss"][-2:] == ["grad", "None"]


def test_tensor_ops_show_their_names():
    loss = tensor_graph()
    drawn = shapes(svg_of(draw_graph(loss)))
    ops = [texts[0] for name, (texts, _, _) in drawn.items() if name.startswith("o")]
    assert sorted(ops) == ["matmul", "relu", "sum"]


def test_an_empty_tensor_shows_as_empty():
    empty = Tensor(np.zeros((0, 3)), requires_grad=True, label="empty")
    total = empty.sum()
    total.backward()
    assert boxes_by_label(svg_of(draw_graph(total)))["empty"] == [
        "empty", "(0, 3) float64", "data", "empty", "grad", "empty",
    ]


class ArrayNode:
    """A minimal node of the engine protocol, not derived from autograd's classes."""

    def __init__(self, data, parents=(), op="", label=""):
        self.data = np.asarray(data)
        self.shape = self.data.shape
        self.dtype = self.data.dtype
        self.grad = None
        self.requires_grad = True
        self.parents = parents
        self.op = op
        self.label = label


def test_any_node_following_the_protocol_is_drawn():
    a = ArrayNode([1.0, 2.0], label="a")
    b = ArrayNode([3.0, 4.0], parents=(a, a), op="twice", label="b")
    svg = svg_of(draw_graph(b))
    assert boxes_by_label(svg) == {
        "a": ["a", "(2,) float64", "data", "[1, 2]", "grad", "None"],
        "b": ["b", "(2,) float64", "data", "[3, 4]", "grad", "None"],
    }
    assert [texts for name, (texts, _, _) in shapes(svg).items() if name.startswith("o")] == [["twice"]]


# Cutting big graphs


def test_a_graph_over_max_nodes_is_cut_with_a_note_counting_the_rest():
    drawn = shapes(svg_of(draw_graph(tanh_chain(60), max_nodes=10)))
    assert len([name for name in drawn if name.startswith("n")]) == 10
    assert drawn["cut_note"][0] == ["51 more nodes not shown (max_nodes=10; max_nodes=None draws all)"]


def test_the_cut_note_points_at_the_op_whose_input_was_left_out():
    svg = svg_of(draw_graph(tanh_chain(60), max_nodes=10))
    assert [pair for pair in arrows(svg) if pair[0] == "cut_note"] == [("cut_note", "o9")]


def test_the_cut_keeps_the_nodes_nearest_the_root():
    y = tanh_chain(60)
    y.label = "y"
    boxes = boxes_by_label(svg_of(draw_graph(y, max_nodes=3)))
    assert "y" in boxes and "x" not in boxes


def test_the_cut_counts_a_shared_node_once():
    x = Value(1.0, label="x")
    left, right = x * 2.0, x * 3.0
    top = left + right  # nodes: top, left, right, x, 2, 3
    drawn = shapes(svg_of(draw_graph(top, max_nodes=2)))
    assert drawn["cut_note"][0] == ["4 more nodes not shown (max_nodes=2; max_nodes=None draws all)"]


def test_max_nodes_none_draws_every_node():
    drawn = shapes(svg_of(draw_graph(tanh_chain(60), max_nodes=None)))
    assert len([name for name in drawn if name.startswith("n")]) == 61
    assert "cut_note" not in drawn


def test_the_default_cut_is_at_500_nodes():
    graph = draw_graph(tanh_chain(1000))
    assert viz.DEFAULT_MAX_NODES == 500
    assert len([line for line in graph.body if re.match(r"\tn\d+ \[", line)]) == 500
    assert "501 more nodes not shown (max_nodes=500" in graph.source


def test_a_graph_100000_deep_is_drawn_without_recursion():
    graph = draw_graph(tanh_chain(100_000))
    assert "99,501 more nodes not shown" in graph.source


@pytest.mark.slow
def test_a_graph_a_million_deep_is_drawn_without_recursion():
    graph = draw_graph(tanh_chain(1_000_000))
    assert "999,501 more nodes not shown" in graph.source


# Order


def test_nodes_are_visited_breadth_first_in_parents_order():
    J = notes_graph()
    three, v = J.parents
    a, u = v.parents
    b, c = u.parents
    assert [id(node) for node in breadth_first_order([J])] == [id(n) for n in (J, three, v, a, u, b, c)]


def test_drawing_a_graph_twice_gives_the_same_source():
    J = notes_graph()
    assert draw_graph(J).source == draw_graph(J).source


def test_graphs_built_alike_give_the_same_source():
    assert draw_graph(notes_graph()).source == draw_graph(notes_graph()).source


# Escaping


def test_labels_are_escaped_for_dot_and_html():
    label = '<b>&amp; "quoted" {x} | y\\z ]'
    x = Value(1.0, label=label)
    y = x * 2.0
    source = draw_graph(y).source
    assert "&lt;b&gt;&amp;amp; &quot;quoted&quot; {x} | y\\z ]" in source
    assert boxes_by_label(svg_of(draw_graph(y)))[label] == [label, "data", "1", "grad", "0"]


def test_op_names_are_escaped():
    @primitive(name="a<&>b")
    def odd(x):
        return x

    @odd.defvjp
    def odd_vjp(g, out, x):
        return (g,)

    drawn = shapes(svg_of(draw_graph(odd(Value(1.0)))))
    assert ["a<&>b"] in [texts for texts, _, _ in drawn.values()]


def test_a_newline_in_a_label_breaks_the_line():
    x = Value(1.0, label="first\nsecond")
    assert shapes(svg_of(draw_graph(x)))["n0"][0][:2] == ["first", "second"]


def test_control_characters_in_labels_are_dropped():
    x = Value(1.0, label="be\x00ll\x07")
    assert boxes_by_label(svg_of(draw_graph(x))) == {"bell": ["bell", "data", "1", "grad", "0"]}


# Several roots, names, models


def test_a_list_of_roots_is_drawn_together():
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    product, total = a * b, a + b
    product.label, total.label = "product", "total"
    boxes = boxes_by_label(svg_of(draw_graph([product, total])))
    assert sorted(boxes) == ["a", "b", "product", "total"]


def test_names_label_unlabelled_nodes():
    w = Value(0.5)
    y = w * 4.0
    y.label = "y"
    assert boxes_by_label(svg_of(draw_graph(y, names={"weight": w})))["weight"] == [
        "weight", "data", "0.5", "grad", "0",
    ]
    assert "weight" in boxes_by_label(svg_of(draw_graph(y, names=[("weight", w)])))


def test_a_label_wins_over_a_name():
    w = Value(0.5, label="w")
    assert "w" in boxes_by_label(svg_of(draw_graph(w * 4.0, names={"weight": w})))


def test_scalar_mlp_forward_pass_draws_every_node():
    random.seed(0)
    model = nn.scalar.MLP(2, [4, 1])
    out = model([1.0, -2.0])
    out.backward()
    drawn = shapes(svg_of(draw_graph(out)))
    ops = sorted(texts[0] for name, (texts, _, _) in drawn.items() if name.startswith("o"))
    assert ops == ["dot"] + ["neuron"] * 4  # a hidden neuron is one node: relu(b + Σ wᵢxᵢ)
    parameter_boxes = [name for name, (_, fill, _) in drawn.items() if fill == PARAMETER_FILL]
    assert len(parameter_boxes) == len(model.parameters()) == 17


def test_a_models_parameter_names_label_its_boxes():
    random.seed(0)
    model = nn.scalar.MLP(2, [4, 1])
    boxes = boxes_by_label(svg_of(draw_graph(model([1.0, -2.0]), names=model)))
    assert boxes["layers.1.neurons.0.b"][:2] == ["layers.1.neurons.0.b", "data"]


def test_tensor_mlp_forward_pass_draws_its_layers():
    model = nn.MLP([3, 4, 2], rng=0)
    X = Tensor(np.random.default_rng(0).normal(size=(8, 3)), label="X")
    out = model(X)
    out.sum().backward()
    svg = svg_of(draw_graph(out, names=model))
    drawn = shapes(svg)
    ops = sorted(texts[0] for name, (texts, _, _) in drawn.items() if name.startswith("o"))
    assert ops == ["linear", "linear", "relu"]  # nn.Linear records one node
    boxes = boxes_by_label(svg)
    assert boxes["0.weight"][:2] == ["0.weight", "(3, 4) float64"]
    assert boxes["X"][:2] == ["X", "(8, 3) float64"]


# Bad arguments


@pytest.mark.parametrize("root", [3.0, np.ones(2), "J", None])
def test_a_root_that_is_not_a_node_is_a_type_error(root):
    with pytest.raises(TypeError, match="draw_graph: expected a node"):
        draw_graph(root)


def test_a_model_instead_of_its_output_is_a_type_error_saying_what_to_pass():
    with pytest.raises(TypeError, match=re.escape("draw_graph(model(x))")):
        draw_graph(nn.scalar.MLP(2, [1]))


def test_an_empty_list_of_roots_is_a_value_error():
    with pytest.raises(ValueError, match="draw_graph: got an empty list"):
        draw_graph([])


def test_an_unknown_rankdir_is_a_value_error():
    with pytest.raises(ValueError, match="rankdir must be one of LR, RL, TB, BT, got 'left'"):
        draw_graph(Value(1.0), rankdir="left")


@pytest.mark.parametrize("max_nodes", [2.5, "10", True])
def test_max_nodes_of_the_wrong_kind_is_a_type_error(max_nodes):
    with pytest.raises(TypeError, match="max_nodes must be an int or None"):
        draw_graph(Value(1.0), max_nodes=max_nodes)


@pytest.mark.parametrize("max_nodes", [0, -3])
def test_max_nodes_below_one_is_a_value_error(max_nodes):
    with pytest.raises(ValueError, match=f"max_nodes must be at least 1 .*got {max_nodes}"):
        draw_graph(Value(1.0), max_nodes=max_nodes)


def test_precision_out_of_range_is_a_value_error():
    with pytest.raises(ValueError, match="precision must be between 1 and 17 significant digits, got 0"):
        draw_graph(Value(1.0), precision=0)


def test_precision_of_the_wrong_kind_is_a_type_error():
    with pytest.raises(TypeError, match="precision must be an int, got float"):
        draw_graph(Value(1.0), precision=3.0)


def test_highlight_params_of_the_wrong_kind_is_a_type_error():
    with pytest.raises(TypeError, match="highlight_params must be True, False or a Graphviz colour"):
        draw_graph(Value(1.0), highlight_params=1)


def test_names_of_the_wrong_kind_is_a_type_error():
    with pytest.raises(TypeError, match="names must be a {name: node} mapping"):
        draw_graph(Value(1.0), names=42)


# Without Graphviz's `dot`


def test_the_dot_source_needs_no_dot(no_dot):
    source = draw_graph(notes_graph()).source
    assert source.startswith("digraph computation_graph {")
    assert "J = 3v" in source


def test_rendering_without_dot_says_how_to_install_graphviz(no_dot):
    with pytest.raises(GraphvizNotFoundError) as raised:
        draw_graph(notes_graph()).pipe(format="svg")
    message = str(raised.value)
    for hint in ("apt-get install graphviz", "brew install graphviz", "conda install graphviz",
                 "https://graphviz.org/download/", "graph.source"):
        assert hint in message


def test_the_missing_dot_error_is_graphvizs_own_error(no_dot):
    with pytest.raises(graphviz.ExecutableNotFound):
        draw_graph(notes_graph()).pipe(format="svg")


def test_render_without_dot_raises_the_same_clear_error(no_dot, tmp_path):
    with pytest.raises(GraphvizNotFoundError, match="apt-get install graphviz"):
        draw_graph(notes_graph()).render(tmp_path / "graph", format="svg")


def test_displaying_the_digraph_without_dot_raises_the_clear_error(no_dot):
    with pytest.raises(GraphvizNotFoundError, match="brew install graphviz"):
        draw_graph(notes_graph())._repr_mimebundle_()


# Jupyter


def test_a_node_displays_as_its_graph_in_jupyter():
    from IPython.core.formatters import DisplayFormatter

    J = notes_graph()
    shown, _ = DisplayFormatter().format(J)
    assert shown["text/plain"] == repr(J)
    assert boxes_by_label(shown["image/svg+xml"])["J = 3v"] == ["J = 3v", "data", "33", "grad", "1"]


def test_a_tensor_displays_as_its_graph_in_jupyter():
    from IPython.core.formatters import DisplayFormatter

    loss = tensor_graph()
    shown, _ = DisplayFormatter().format(loss)
    assert boxes_by_label(shown["image/svg+xml"])["loss"][:2] == ["loss", "() float64"]


def test_a_node_displays_as_text_when_dot_is_missing(no_dot):
    from IPython.core.formatters import DisplayFormatter

    J = notes_graph()
    with pytest.warns(RuntimeWarning, match="apt-get install graphviz"):
        shown, _ = DisplayFormatter().format(J)
    assert shown == {"text/plain": repr(J)}


def test_a_node_offers_no_svg_when_svg_is_not_asked_for():
    assert notes_graph()._repr_mimebundle_(include=["text/plain"]) == {}
    assert notes_graph()._repr_mimebundle_(exclude=["image/svg+xml"]) == {}


def test_importing_autograd_does_not_import_graphviz():
    code = "import sys, autograd; autograd.Value(1.0) * 2; print('graphviz' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_python_env(),
                            check=True)
    assert result.stdout.strip() == "False"


# Graphs too big for dot: laid out by autograd.drawing.layout, drawn by `neato -n2`


def test_a_graph_over_the_dot_limit_comes_laid_out_for_neato():
    graph = draw_graph(tanh_chain(1200), max_nodes=None)
    assert graph.engine == "neato" and graph.preset_layout
    node_lines = [line for line in graph.body if re.match(r"\t[no]\d+ \[", line)]
    assert len(node_lines) == 1201 + 1200
    assert all(' pos="' in line for line in node_lines)


def test_a_laid_out_graph_renders_every_box():
    y = tanh_chain(1200)
    y.label = "y"
    svg = svg_of(draw_graph(y, max_nodes=None))
    boxes = boxes_by_label(svg)
    assert boxes["y"] == ["y", "data", f"{y.data:.4g}", "grad", "0"]
    assert boxes["x"] == ["x", "data", "0.5", "grad", "0"]
    assert len([name for name in shapes(svg) if name.startswith("n")]) == 1201


def test_a_laid_out_graph_shows_the_same_boxes_as_dot(monkeypatch):
    by_dot = svg_of(draw_graph(notes_graph()))
    monkeypatch.setattr(viz, "DOT_LAYOUT_MAX_NODES", 2)
    graph = draw_graph(notes_graph())
    assert graph.preset_layout
    by_layout = svg_of(graph)
    assert boxes_by_label(by_layout) == boxes_by_label(by_dot)
    assert sorted(arrows(by_layout)) == sorted(arrows(by_dot))
    assert steps(by_layout) == NOTES_STEPS


def test_a_laid_out_graph_reads_left_to_right(monkeypatch):
    monkeypatch.setattr(viz, "DOT_LAYOUT_MAX_NODES", 2)
    drawn = shapes(svg_of(draw_graph(notes_graph())))
    x = {texts[0]: where[0] for texts, _, where in drawn.values()}
    assert x["b"] < x["u = bc"] < x["v = a + u"] < x["J = 3v"]


def test_a_copy_of_a_laid_out_graph_keeps_its_layout(monkeypatch):
    monkeypatch.setattr(viz, "DOT_LAYOUT_MAX_NODES", 2)
    copy = draw_graph(notes_graph()).copy()
    assert copy.preset_layout
    assert "J = 3v" in boxes_by_label(svg_of(copy))


def test_a_laid_out_graph_without_dot_says_how_to_install_graphviz(no_dot, monkeypatch):
    monkeypatch.setattr(viz, "DOT_LAYOUT_MAX_NODES", 2)
    with pytest.raises(GraphvizNotFoundError, match="apt-get install graphviz"):
        draw_graph(notes_graph()).pipe(format="svg")


# examples/computation_graph.py


def _python_env(**changes):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPOSITORY), env.get("PYTHONPATH")]))
    env.update(changes)
    return env


def run_example(*args, **env_changes):
    return subprocess.run(
        [sys.executable, str(REPOSITORY / "examples" / "computation_graph.py"), *args],
        capture_output=True, text=True, env=_python_env(**env_changes), check=True,
    )


def test_the_example_writes_the_notes_graph_as_svg(tmp_path):
    output = tmp_path / "graph.svg"
    result = run_example("--output", str(output))
    assert "dJ/da = 3   dJ/db = 6   dJ/dc = 9" in result.stdout
    boxes = boxes_by_label(output.read_text(encoding="utf-8"))
    assert boxes["a"] == ["a", "data", "5", "grad", "3"]
    assert boxes["b"] == ["b", "data", "3", "grad", "6"]
    assert boxes["c"] == ["c", "data", "2", "grad", "9"]
    assert boxes["J = 3v"] == ["J = 3v", "data", "33", "grad", "1"]


def test_the_example_writes_png_when_asked(tmp_path):
    output = tmp_path / "graph"
    run_example("--output", str(output), "--format", "png")
    assert output.read_bytes().startswith(b"\x89PNG")


def test_the_example_without_dot_writes_the_dot_source_and_how_to_install(tmp_path):
    empty = tmp_path / "empty_path"
    empty.mkdir()
    result = run_example("--output", str(tmp_path / "graph.svg"), PATH=str(empty))
    assert "apt-get install graphviz" in result.stdout
    assert not (tmp_path / "graph.svg").exists()
    assert "J = 3v" in (tmp_path / "graph.dot").read_text(encoding="utf-8")


def test_the_example_has_help():
    result = run_example("--help")
    assert "--output" in result.stdout and "--format {svg,png,pdf}" in result.stdout


def test_a_graph_repr_holds_no_memory_address():
    a = Value(1.0, label="a")
    assert repr(draw_graph(a * 2.0)) == "<ComputationGraph: 7 DOT statements>"
