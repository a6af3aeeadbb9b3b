"""backward_steps: the course notes' f = 3(a + bc) step by step, grads exactly as backward's, locals, errors."""

import numpy as np
import pytest

from autograd import Tensor, Value, backward_steps, no_grad


def notes_example():
    a, b, c = Value(5.0, "a"), Value(3.0, "b"), Value(2.0, "c")
    u = b * c
    v = a + u
    J = 3 * v
    return a, b, c, u, v, J


def test_the_notes_example_runs_root_first_with_upstream_locals_and_contributions():
    a, b, c, u, v, J = notes_example()
    steps = backward_steps(J)
    assert [step.node for step in steps] == [J, v, u]
    assert [step.upstream for step in steps] == [1.0, 3.0, 3.0]
    three, rest = steps[0].contributions
    assert three.parent.data == 3.0 and three.contribution is None  # a constant gets nothing
    assert rest == (v, 3.0, 3.0)  # dJ/dv = 3
    assert steps[1].contributions == [(a, 1.0, 3.0), (u, 1.0, 3.0)]  # dv/da = dv/du = 1
    assert steps[2].contributions == [(b, 2.0, 6.0), (c, 3.0, 9.0)]  # du/db = c, du/dc = b
    assert (a.grad, b.grad, c.grad) == (3.0, 6.0, 9.0)


def test_steps_are_named_tuples_with_the_contract_fields():
    *_, J = notes_example()
    step = backward_steps(J)[2]
    assert step._fields == ("node", "upstream", "contributions")
    assert step.contributions[0]._fields == ("parent", "local", "contribution")


def test_value_graph_grads_equal_backward_including_shared_nodes_and_accumulating_leaves():
    def build():
        x, y = Value(0.7, "x"), Value(-1.3, "y")
        z = x * y + x.tanh()
        return x, y, (z * z + z.exp() / y).relu() + x ** 3

    x1, y1, root1 = build()
    x1.grad, y1.grad = 0.5, 0.25  # leaves accumulate, as they do for backward
    backward_steps(root1)
    x2, y2, root2 = build()
    x2.grad, y2.grad = 0.5, 0.25
    root2.backward()
    assert (x1.grad, y1.grad) == (x2.grad, y2.grad)


def test_tensor_graph_grads_are_exactly_backwards_and_every_node_grad_too():
    rng = np.random.default_rng(3)

    def build():
        X = Tensor(rng.normal(size=(4, 3)), label="X")
        W = Tensor(rng.normal(size=(3, 2)), requires_grad=True, label="W")
        b = Tensor(rng.normal(size=(2,)), requires_grad=True, label="b")
        h = (X @ W + b).tanh()
        return W, b, h, ((h * h).sum(axis=1) + h.exp().mean()).sum()

    state = rng.bit_generator.state
    W1, b1, h1, loss1 = build()
    steps = backward_steps(loss1)
    rng.bit_generator.state = state
    W2, b2, h2, loss2 = build()
    loss2.backward()
    assert np.array_equal(W1.grad, W2.grad) and np.array_equal(b1.grad, b2.grad)
    assert np.array_equal(h1.grad, h2.grad)
    assert len(steps) == 9 and steps[0].node is loss1


def test_tensor_locals_are_elementwise_derivatives_or_none():
    x = Tensor(np.array([[0.5, -1.0], [2.0, 0.25]]), requires_grad=True, label="x")
    W = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]]), requires_grad=True, label="W")
    t = x.tanh()
    m = t @ W
    loss = m.sum()
    by_node = {id(step.node): step for step in backward_steps(loss)}
    (tanh_part,) = by_node[id(t)].contributions
    np.testing.assert_allclose(tanh_part.local, 1 - np.tanh(x.data) ** 2, rtol=1e-12)
    np.testing.assert_allclose(tanh_part.contribution, by_node[id(t)].upstream * tanh_part.local, rtol=1e-12)
    # a square matmul keeps the shape but is no elementwise map: no local array
    assert [part.local for part in by_node[id(m)].contributions] == [None, None]
    np.testing.assert_allclose(by_node[id(m)].contributions[1].contribution, t.data.T @ np.ones((2, 2)))
    assert by_node[id(loss)].contributions[0].local is None  # a sum changes the shape


def test_a_leaf_root_has_no_steps_and_gets_its_seed():
    x = Value(2.0)
    assert len(backward_steps(x)) == 0
    assert x.grad == 1.0


def test_a_root_that_does_not_require_grad_is_refused():
    with no_grad():
        J = Value(2.0) * Value(3.0)
    with pytest.raises(ValueError, match="backward_steps: the root does not require grad"):
        backward_steps(J)
    with pytest.raises(ValueError, match="does not require grad"):
        backward_steps(Tensor([1.0, 2.0]).sum())


def test_a_non_node_is_a_type_error():
    with pytest.raises(TypeError, match="backward_steps: expected a Value or Tensor, got float"):
        backward_steps(3.0)


def test_a_rule_that_fails_leaves_every_rule_in_place():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    with pytest.raises(ValueError):
        backward_steps(y)  # two elements: backward needs a seed
    rule = y._vjp
    assert getattr(rule, "__name__", "") != "recorded"
    y.backward(np.ones(2))
    np.testing.assert_array_equal(x.grad, [2.0, 2.0])


def test_contributions_and_running_sums_stay_as_recorded_when_the_engine_adds_in_place():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True, label="x")
    loss = (x * 2.0 + x * 3.0 + x * 4.0).sum()
    steps = backward_steps(loss)
    into_x = [(part.contribution, steps._totals[index][id(x)])
              for index, step in enumerate(steps) for part in step.contributions if part.parent is x]
    assert sorted(float(contribution[0]) for contribution, _ in into_x) == [2.0, 3.0, 4.0]
    assert all(np.array_equal(contribution, np.full(2, contribution[0])) for contribution, _ in into_x)
    assert [float(total[0]) for _, total in into_x] == list(np.cumsum([float(c[0]) for c, _ in into_x]))
    np.testing.assert_array_equal(x.grad, [9.0, 9.0])
