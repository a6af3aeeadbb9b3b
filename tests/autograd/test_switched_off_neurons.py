"""A ReLU neuron that is off sends no gradient: what the engine, hooks, the viewer and create_graph make of it."""

import numpy as np

from autograd import Tensor, Value, backward_steps, grad, neuron
from autograd.core.engine import passes_nothing
from autograd.tensor.core import result as tensor_result


def off_neuron_graph():
    """a -> x = 2a -> neuron(w=-1, x, b=0) (off for a > 0) -> root = neuron + 3c."""
    a, c = Value(1.5, "a"), Value(0.5, "c")
    x = a * 2.0
    w, b = Value(-1.0, "w"), Value(0.0, "b")
    off = neuron([w], [x], b)
    return a, c, x, w, b, off, off + c * 3.0


def test_an_off_neuron_leaves_its_parents_and_what_is_behind_them_at_zero():
    a, c, x, w, b, off, root = off_neuron_graph()
    assert off.data == 0.0
    root.backward()
    assert (off.grad, x.grad, a.grad, w.grad, b.grad) == (1.0, 0.0, 0.0, 0.0, 0.0)
    assert c.grad == 3.0


def test_a_node_no_gradient_reaches_reads_zero_as_a_float():
    _, _, x, _, _, _, root = off_neuron_graph()
    root.backward()
    assert type(x.grad) is float


def test_leaf_grads_behind_an_off_neuron_keep_what_they_had():
    a, _, _, w, _, _, root = off_neuron_graph()
    a.grad, w.grad = 0.25, -0.5
    root.backward()
    assert (a.grad, w.grad) == (0.25, -0.5)


def test_an_on_neuron_still_sends_every_parent_its_derivative():
    w, x, b = Value(2.0), Value(3.0), Value(0.5)
    out = neuron([w], [x], b)
    out.backward()
    assert (w.grad, x.grad, b.grad) == (3.0, 2.0, 1.0)


def test_a_hook_on_a_node_behind_only_an_off_neuron_is_not_called():
    _, _, x, _, _, _, root = off_neuron_graph()
    seen = []
    x.register_hook(seen.append)
    root.backward()
    assert seen == []


def test_with_create_graph_the_parents_of_an_off_neuron_get_zero_nodes():
    _, _, x, w, _, _, root = off_neuron_graph()
    root.backward(create_graph=True)
    assert isinstance(x.grad, Value) and x.grad.data == 0.0
    assert isinstance(w.grad, Value) and w.grad.data == 0.0


def test_the_viewer_shows_zero_sent_to_each_parent_of_an_off_neuron():
    _, _, x, w, b, off, root = off_neuron_graph()
    step = next(s for s in backward_steps(root) if s.node is off)
    assert [(c.parent, c.local, c.contribution) for c in step.contributions] == [(w, 0.0, 0.0), (x, 0.0, 0.0),
                                                                                  (b, 0.0, 0.0)]


def test_the_viewer_still_has_a_step_for_a_node_behind_an_off_neuron():
    _, _, x, _, _, _, root = off_neuron_graph()
    steps = backward_steps(root)
    assert [s.upstream for s in steps if s.node is x] == [0.0]


def test_grad_through_an_off_neuron_is_zero():
    def f(t):
        return neuron([Value(-1.0)], [t * 2.0], Value(0.0)) + t

    assert grad(f)(1.5) == 1.0


def test_a_neuron_whose_sum_is_exactly_zero_is_off():
    w, x, b = Value(1.0), Value(2.0), Value(-2.0)
    out = neuron([w], [x], b)
    out.backward()
    assert (out.data, w.grad, x.grad, b.grad) == (0.0, 0.0, 0.0, 0.0)


def test_an_off_neuron_is_recorded_with_the_rule_that_passes_nothing():
    _, _, _, _, _, off, _ = off_neuron_graph()
    assert off._vjp is passes_nothing


def test_passes_nothing_on_payloads_is_an_empty_tuple():
    assert passes_nothing(1.0, 0.0, 2.0, 3.0, 4.0) == ()


def test_passes_nothing_on_nodes_gives_each_input_a_zero_node_made_from_the_gradient():
    g = Value(2.0)
    zeros = passes_nothing(g, Value(0.0), Value(1.0), Value(2.0))
    assert len(zeros) == 2 and zeros[0] is zeros[1]
    assert zeros[0].data == 0.0 and zeros[0].parents[0] is g


def test_a_tensor_node_with_the_rule_that_passes_nothing_sends_nothing_in_the_in_place_pass():
    a, b, c = (Tensor(np.ones(3), requires_grad=True) for _ in range(3))
    stopped = tensor_result(np.zeros(3), (a, b, c), passes_nothing, "stop")
    root = (stopped + a).sum()
    root.backward()
    np.testing.assert_array_equal(a.grad, np.ones(3))
    assert b.grad is None and c.grad is None
