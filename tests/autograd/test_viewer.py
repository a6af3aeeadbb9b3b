"""The backprop viewer's HTML: self-contained, labels shown as text, unique ids, cut graphs with a note."""

import json
import re

import numpy as np
import pytest

from autograd import Tensor, Value, backward_steps


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
