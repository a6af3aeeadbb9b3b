"""The backprop viewer's HTML: self-contained, labels shown as text, unique ids, cut graphs with a note."""

import json
import re

import numpy as np
import pytest

from autograd import Tensor, Value, backward_steps, linear


def notes_steps():
    a, b, c = Value(5.0, "a"), Value(3.0, "b"), Value(2.0, "c")
    return backward_steps(3 * (a + b * c))


def data_of(html):
    return json.loads(re.search(r'<script type="application/json" class="cr-data">(.*?)</script>', html, re.DOTALL).group(1))


def test_the_panel_writes_each_chain_rule_in_numbers():
    steps = data_of(notes_steps().html())["steps"]
    assert [step["title"] for step in steps] == [
        "Step 1 of 3: the rule of J (op *)", "Step 2 of 3: the rule of a + bc (op +)", "Step 3 of 3: the rule of bc (op *)"]
    assert "∂J/∂(a + bc) = ∂J/∂J · ∂(3·(a + bc))/∂(a + bc) = 1 · 3 = 3" in steps[0]["lines"]
    assert "∂J/∂(bc) = ∂J/∂(a + bc) · ∂(a + bc)/∂(bc) = 3 · 1 = 3" in steps[1]["lines"]
    assert steps[2]["lines"][1:] == ["∂J/∂b = ∂J/∂(bc) · ∂(bc)/∂b = 3 · 2 = 6",
                                     "∂J/∂c = ∂J/∂(bc) · ∂(bc)/∂c = 3 · 3 = 9"]


def test_a_gradient_gathered_from_two_uses_shows_its_running_sum():
    x = Value(2.0, "x")
    y = x * x + 3 * x
    lines = [line for step in data_of(backward_steps(y).html())["steps"] for line in step["lines"]]
    assert any(line.endswith("added up, ∂J/∂x so far = 7") for line in lines)  # 2x + 3 at x = 2


def test_the_saved_file_is_one_page_with_no_external_reference(tmp_path):
    path = notes_steps().save(tmp_path / "backprop.html")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "<svg" in text
    assert "http:" not in text and "https:" not in text and "//" not in re.sub(r"<script>.*?</script>", "", text, flags=re.DOTALL)
    assert not re.search(r"""\b(src|href)\s*=\s*["'](?!data:|#)""", text)
    assert "@import" not in text and "url(http" not in text


def test_labels_and_ops_are_shown_as_text_never_run_as_markup():
    hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    x = Value(1.5, hostile)
    html = backward_steps((x * 2).tanh()).html()
    assert "<script>alert" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the SVG shows the label as text
    panel = " ".join(line for step in data_of(html)["steps"] for line in step["lines"])
    assert hostile in panel  # the panel writes it with textContent


def test_a_label_spelling_a_template_placeholder_stays_text():
    x = Value(1.0, "__SCRIPT__ __UID__")
    html = backward_steps(x * 2).html()
    assert "__SCRIPT__ __UID__" in html and html.count("use strict") == 1


def test_each_viewer_has_ids_of_its_own():
    first, second = notes_steps().html(), notes_steps().html()
    ids_first = set(re.findall(r'\bid="([^"]+)"', first))
    ids_second = set(re.findall(r'\bid="([^"]+)"', second))
    assert ids_first and not ids_first & ids_second


def test_graphs_over_max_nodes_are_cut_with_a_visible_note():
    x = Value(0.1, "x")
    y = x
    for _ in range(40):
        y = (y * 1.01).tanh()
    html = backward_steps(y).html(max_nodes=20)
    note = data_of(html)["note"]
    assert note.startswith("The graph is cut at max_nodes=20: 20 of 121 nodes are drawn")
    assert "more nodes not shown" in html  # draw_graph's note in the picture
    assert len(data_of(html)["steps"]) < 80


def test_tensor_steps_show_shapes_and_summaries():
    X = Tensor(np.arange(12.0).reshape(4, 3) / 10, label="X")
    W = Tensor(np.ones((3, 4)), requires_grad=True, label="W")
    lines = [line for step in data_of(backward_steps((X @ W).tanh().sum()).html())["steps"] for line in step["lines"]]
    assert any(line.startswith("∂J/∂W = ∂J/∂(X @ W) through the rule of matmul") and "array (3, 4), norm" in line
               for line in lines)
    assert any(" ⊙ " in line for line in lines)  # tanh: the elementwise chain rule


def test_a_linear_node_is_written_as_its_product_plus_its_bias():
    X = Tensor(np.arange(12.0).reshape(4, 3) / 10, label="X")
    W = Tensor(np.ones((3, 4)), requires_grad=True, label="W")
    b = Tensor(np.zeros(4), requires_grad=True, label="b")
    lines = [line for step in data_of(backward_steps(linear(X, W, b).tanh().sum()).html())["steps"]
             for line in step["lines"]]
    assert any(line.startswith("∂J/∂W = ∂J/∂(X @ W + b) through the rule of linear") for line in lines)
    assert any(line.startswith("∂J/∂b = ∂J/∂(X @ W + b) through the rule of linear") for line in lines)


def test_max_nodes_is_checked():
    with pytest.raises(ValueError, match="max_nodes must be at least 1"):
        notes_steps().html(max_nodes=0)
    with pytest.raises(TypeError, match="BackwardSteps.save: path must be a str or pathlib.Path"):
        notes_steps().save(3)


def test_without_scripts_the_page_still_shows_the_first_step():
    html = notes_steps().html()
    assert '<div class="cr-title">Step 1 of 3: the rule of J (op *)</div>' in html
    assert "<li>∂J/∂(a + bc) = ∂J/∂J · ∂(3·(a + bc))/∂(a + bc) = 1 · 3 = 3</li>" in html


def test_text_writes_every_step_as_the_panel_does():
    text = notes_steps().text().splitlines()
    assert text[0] == "Step 1 of 3: the rule of J (op *)"
    assert text[-1] == "    ∂J/∂c = ∂J/∂(bc) · ∂(bc)/∂c = 3 · 3 = 9"
    assert len(text) == 3 + 3 * 3


def test_without_graphviz_the_viewer_says_so_and_still_steps(monkeypatch, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # no `dot` to be found
    html = notes_steps().html()
    assert "Graphviz&#x27;s `dot` program, which renders the graph, was not found on PATH" in html
    assert len(data_of(html)["steps"]) == 3


def mlp_steps(**kwargs):
    import nn

    rng = np.random.default_rng(0)
    model = nn.MLP([3, 5, 4, 2])
    X, y = Tensor(rng.normal(size=(4, 3))), Tensor(rng.normal(size=(4, 2)))
    return model, backward_steps(nn.MSELoss()(model(X), y), model=model, **kwargs)


def svg_texts(html):
    return [re.sub(r"&#?\w+;", "", text) for text in re.findall(r"<text[^>]*>([^<]*)</text>", html)]


def test_the_first_local_derivative_is_the_ops_rule_not_the_roots_name():
    lines = data_of(notes_steps().html())["steps"][0]["lines"]
    assert lines[-1] == "∂J/∂(a + bc) = ∂J/∂J · ∂(3·(a + bc))/∂(a + bc) = 1 · 3 = 3"


def test_with_a_model_parameters_are_named_as_named_parameters_and_nothing_by_a_bare_counter():
    model, steps = mlp_steps()
    html = steps.html()
    texts = svg_texts(html)
    lines = [line for step in data_of(html)["steps"] for line in [step["title"], *step["lines"]]]
    for name, _ in model.named_parameters():
        assert name in texts
        assert any(f"∂J/∂({name})" in line for line in lines)
    assert "0: linear (4, 5)" in texts and "1: relu (4, 5)" in texts and "input (4, 3)" in texts
    counters = re.compile(r"^x\d+$|#\d")
    assert [text for text in texts if counters.search(text.strip())] == []
    assert not any(re.search(r"\bx\d+\b|#\d", line) for line in lines)


def test_without_a_model_unlabelled_nodes_are_named_by_op_and_shape_repeats_by_ordinal():
    X = Tensor(np.ones((2, 3)))
    W1 = Tensor(np.full((3, 3), 0.5), requires_grad=True)
    W2 = Tensor(np.full((3, 3), 0.25), requires_grad=True)
    loss = ((X @ W1).relu() @ W2).relu().sum()
    texts = svg_texts(backward_steps(loss).html())
    assert {"relu (2, 3)", "relu (2, 3), 2nd", "matmul (2, 3)", "matmul (2, 3), 2nd", "parameter (3, 3)",
            "parameter (3, 3), 2nd", "input (2, 3)"} <= set(texts)


def test_a_model_that_is_not_a_module_is_refused():
    with pytest.raises(TypeError, match="backward_steps: model must be a Module"):
        backward_steps(Value(2.0, "x") * 3, model=3)


def test_each_step_carries_the_gradients_it_puts_on_the_boxes_and_what_they_replace():
    data = data_of(notes_steps().html())
    assert data["initial"] == [["n0", "1", True]]  # the root holds its seed from the start
    grads = [step["grads"] for step in data["steps"]]
    names = {step["box"]: step["title"].split("rule of ")[1].split(" (")[0] for step in data["steps"]}
    assert [[(names.get(box, box), text, complete) for box, text, complete, _, _ in step] for step in grads][0] == [
        ("a + bc", "3", True)]
    assert [(text, complete, before) for _, text, complete, before, _ in grads[2]] == [("6", True, ""), ("9", True, "")]


def test_a_node_on_two_paths_shows_its_partial_sum_then_the_complete_one():
    x = Value(2.0, "x")
    html = backward_steps(x * x + 3 * x).html()
    data = data_of(html)
    box = re.search(r"<title>(n\d+)</title>\s*<path[^>]*>\s*<text[^>]*>x</text>", html).group(1)
    sent = [(text, complete, before) for step in data["steps"] for name, text, complete, before, _ in step["grads"]
            if name == box]
    assert sent == [("3", False, ""), ("7", True, "3")]  # 3·1, then x·1 + 1·x arrive together


def test_tensor_gradients_on_the_boxes_are_shape_and_norm():
    _, steps = mlp_steps()
    texts = [text for step in data_of(steps.html())["steps"] for _, text, _, _, _ in step["grads"]]
    assert all(re.fullmatch(r"\(\d+(, \d+)?,?\) (norm [-0-9.e+]+|\[[-0-9., e+]*\])", text) for text in texts), texts


def test_the_quiz_asks_each_receiving_parent_in_order_and_never_a_constant():
    data = data_of(str(notes_steps().quiz()))
    assert data["quiz"] is True
    asked = [[(q["parent"], q["local"], q["contribution"]) for q in step["questions"]] for step in data["steps"]]
    assert asked == [[("a + bc", 3.0, 3.0)], [("a", 1.0, 3.0), ("bc", 1.0, 3.0)], [("b", 2.0, 6.0), ("c", 3.0, 9.0)]]
    first = data["steps"][0]["questions"][0]
    assert first["localLabel"] == "∂(3·(a + bc))/∂(a + bc)"
    assert first["hint"] == "d(a·b)/db = a (here a = 3, b = a + bc)"


def test_the_quiz_hints_are_read_from_the_op_table(monkeypatch):
    from autograd.core.optable import TABLE
    from autograd.drawing.viewer.quiz import derivative_rule

    assert derivative_rule("*", 0) == "d(a·b)/da = b"
    assert derivative_rule("tanh", 0) == "d(tanh a)/da = 1 - tanh² a"
    assert derivative_rule("relu", 0).startswith("d(max(a, 0))/da = 1 if a > 0 else 0")
    monkeypatch.setattr(TABLE["*"], "doc", "a * b; d/da = B, d/db = A")
    assert derivative_rule("*", 1) == "d(a·b)/db = A"


def test_the_quiz_refuses_a_tensor_graph():
    X = Tensor(np.ones((2, 2)), requires_grad=True)
    steps = backward_steps((X * 2).sum())
    with pytest.raises(ValueError, match="quiz: the quiz asks for numbers, so it runs on a graph of Values"):
        steps.quiz()
    with pytest.raises(ValueError, match="graph of Values"):
        steps.save("never-written.html", quiz=True)


def test_the_quiz_page_keeps_the_first_steps_numbers_for_after_the_answer():
    html = str(notes_steps().quiz())
    assert '<ul class="cr-lines"></ul>' in html  # nothing given away before the script asks


def test_by_module_steps_one_module_call_at_a_time():
    model, steps = mlp_steps()
    data = data_of(steps.html(by_module=True))
    titles = [step["title"] for step in data["steps"]]
    assert titles == ["Step 1 of 6: loss, its rules backward",
                      "Step 2 of 6: Linear(4→2) (module 4), its rules backward",
                      "Step 3 of 6: ReLU (module 3), its rules backward",
                      "Step 4 of 6: Linear(5→4) (module 2), its rules backward",
                      "Step 5 of 6: ReLU (module 1), its rules backward",
                      "Step 6 of 6: Linear(3→5) (module 0), its rules backward"]
    lines = data["steps"][1]["lines"]
    assert any(line.startswith("∂J/∂(4.weight) = array (4, 2), norm") for line in lines)
    assert any(line.startswith("sent to ReLU: ∂J/∂(3: relu (4, 4)) = array (4, 4), norm") for line in lines)
    assert data["steps"][1]["grads"][0][:3] == ["b2", data["steps"][1]["grads"][0][1], True]


def test_by_module_needs_the_model_and_no_quiz():
    with pytest.raises(ValueError, match="by_module=True needs the model"):
        notes_steps().html(by_module=True)
    _, steps = mlp_steps()
    with pytest.raises(ValueError, match="quiz"):
        steps.save("never-written.html", quiz=True, by_module=True)
