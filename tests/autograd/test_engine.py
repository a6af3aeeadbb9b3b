"""The engine: topological order, grad mode, gradient semantics, gradients() without side effects."""

import numpy as np
import pytest

from autograd import Tensor, Value, enable_grad, is_grad_enabled, no_grad
from autograd.core.engine import _depth_first_order, gradients, topological_order


def test_topological_order_puts_parents_before_children():
    a, b = Value(1.0), Value(2.0)
    c = a * b
    d = c + a
    e = d * c
    order = topological_order(e)
    assert order == [c, d, e]


def test_topological_order_skips_leaves_and_lists_each_node_once():
    a = Value(2.0)
    b = a + a
    c = b * b
    assert topological_order(c) == [b, c]


def test_topological_order_is_the_same_on_every_call():
    a = Value(0.5)
    nodes = [a]
    for i in range(50):
        nodes.append(nodes[-1] * nodes[i // 2] + 1.0)
    first = [id(node) for node in topological_order(nodes[-1])]
    assert all([id(n) for n in topological_order(nodes[-1])] == first for _ in range(3))


def test_a_chain_is_walked_in_the_depth_first_order():
    x = Tensor(np.ones((4, 2)))
    w1, b1 = Tensor(np.ones((2, 3)), requires_grad=True), Tensor(np.ones(3), requires_grad=True)
    w2 = Tensor(np.ones((3, 2)), requires_grad=True)
    hidden = (x @ w1 + b1).relu()
    loss = ((hidden @ w2).log_softmax(axis=1) * x).sum() * 0.5
    order = topological_order(loss)
    assert order == _depth_first_order(loss)
    assert [node.op for node in order] == ["matmul", "+", "relu", "matmul", "log_softmax", "*", "sum", "*"]


def test_a_chain_node_reading_one_non_leaf_twice_is_listed_once():
    a = Value(2.0, requires_grad=True)
    b = a * 3.0
    c = b * b
    d = c + 1.0
    assert topological_order(d) == [b, c, d] == _depth_first_order(d)


def test_a_graph_that_branches_below_a_chain_takes_the_depth_first_order():
    a = Value(2.0, requires_grad=True)
    b = a * 3.0
    c = b.relu()
    d = c + b  # two non-leaf parents: the walk down the chain stops here
    e = d * 2.0
    f = e + 1.0
    assert topological_order(f) == _depth_first_order(f) == [b, c, d, e, f]


def test_no_grad_records_no_parents():
    a = Value(3.0)
    with no_grad():
        b = a * 2.0 + 1.0
    assert b.parents == () and not b.requires_grad and b.data == 7.0


def test_no_grad_works_as_a_decorator_and_restores_the_mode():
    @no_grad()
    def double(x):
        assert not is_grad_enabled()
        return x * 2.0

    assert double(Value(1.0)).parents == ()
    assert is_grad_enabled()


def test_no_grad_nests_and_enable_grad_reenables_inside_it():
    with no_grad():
        with no_grad():
            assert not is_grad_enabled()
        assert not is_grad_enabled()
        with enable_grad():
            assert is_grad_enabled()
        assert not is_grad_enabled()
    assert is_grad_enabled()


def test_no_grad_restores_the_mode_after_an_exception():
    with pytest.raises(RuntimeError):
        with no_grad():
            raise RuntimeError("inside")
    assert is_grad_enabled()


def test_reused_non_leaf_gets_the_sum_of_its_paths():
    a = Value(1.5)
    b = a + a
    c = b + b
    c.backward()
    assert (a.grad, b.grad, c.grad) == (4.0, 2.0, 1.0)


def test_backward_twice_doubles_leaves_and_keeps_non_leaves():
    a, b = Value(2.0), Value(3.0)
    c = a * b
    d = c + a
    d.backward()
    d.backward()
    assert (a.grad, b.grad) == (2 * (3.0 + 1.0), 2 * 2.0)
    assert (c.grad, d.grad) == (1.0, 1.0)


def test_backward_on_a_result_that_needs_no_grad_is_refused():
    with no_grad():
        c = Value(1.0) * 2.0
    with pytest.raises(ValueError, match="does not require grad"):
        c.backward()


def test_backward_on_a_leaf_accumulates_the_seed():
    a = Value(4.0)
    a.backward(2.0)
    a.backward()
    assert a.grad == 3.0


def test_gradients_returns_gradients_and_leaves_leaf_grads_untouched():
    a, b = Value(2.0), Value(5.0)
    a.grad = 10.0
    c = a * b + a
    (ga, gb) = gradients(c, [a, b], 1.0)
    assert (ga, gb) == (6.0, 2.0)
    assert (a.grad, b.grad) == (10.0, 0.0)


def test_gradients_gives_none_for_an_input_the_root_does_not_depend_on():
    a, b = Value(2.0), Value(5.0)
    c = a * 3.0
    assert gradients(c, [a, b], 1.0) == [3.0, None]


def test_gradients_with_create_graph_can_be_differentiated_again():
    x = Value(3.0)
    y = x * x * x
    (dy,) = gradients(y, [x], Value(1.0, requires_grad=False), create_graph=True)
    assert dy.data == 27.0
    (d2y,) = gradients(dy, [x], 1.0)
    assert d2y == 18.0


def test_gradients_leaves_intermediate_grads_untouched():
    x = Value(2.0)
    y = x * 3.0
    (y * y).backward()
    assert gradients(y * y * y, [y], 1.0) == [3 * 36.0]
    assert (x.grad, y.grad) == (36.0, 12.0)


def test_a_tensor_read_by_many_paths_gets_the_sum_of_them_all():
    x = Tensor(np.arange(5.0), requires_grad=True)
    total = x[0:3].sum() + (x[1:4] * 2.0).sum() + (x[2:5] * 3.0).sum() + x.sum()
    total.backward()
    np.testing.assert_array_equal(x.grad, [2.0, 4.0, 7.0, 6.0, 4.0])


def test_summing_in_place_never_changes_a_gradient_handed_out_earlier():
    w = Tensor(np.ones(3), requires_grad=True)
    (w * 2.0).sum().backward()
    first = w.grad
    (w[0:2].sum() + w[1:3].sum() + w.sum()).backward()
    np.testing.assert_array_equal(first, [2.0, 2.0, 2.0])
    np.testing.assert_array_equal(w.grad, [4.0, 5.0, 4.0])


def test_gradients_shared_between_nodes_stay_apart_when_summed():
    x = Tensor(np.ones(2), requires_grad=True)
    a = x * 1.0
    b = a + a  # the rule hands the same incoming gradient to both operands
    c = b + b
    (c * Tensor([1.0, 10.0])).sum().backward()
    np.testing.assert_array_equal(b.grad, [2.0, 20.0])
    np.testing.assert_array_equal(a.grad, [4.0, 40.0])
    np.testing.assert_array_equal(x.grad, [4.0, 40.0])


def _node(parents, rule, data):
    from autograd.tensor.core import result

    return result(np.asarray(data, dtype=float), tuple(parents), rule, "test")


def test_a_rule_of_one_or_two_parents_may_pass_on_no_gradient_at_all():
    a = Tensor(np.ones(2), requires_grad=True)
    b = Tensor(np.ones(2), requires_grad=True)
    silent_pair = _node([a, b], lambda g, out, x, y: (), np.ones(2))
    silent_one = _node([a], lambda g, out, x: (), np.ones(2))
    total = (silent_pair + silent_one + a).sum()
    total.backward()
    np.testing.assert_array_equal(a.grad, [1.0, 1.0])  # only through "+ a"
    assert b.grad is None


def test_a_node_of_three_parents_hands_each_its_own_gradient_and_sums_into_a_repeated_one():
    a = Tensor(np.ones(2), requires_grad=True)
    b = Tensor(np.ones(2), requires_grad=True)
    triple = _node([a, b, a], lambda g, out, x, y, z: (g * 1.0, g * 2.0, g * 3.0), np.ones(2))
    triple.sum().backward()
    np.testing.assert_array_equal(a.grad, [4.0, 4.0])
    np.testing.assert_array_equal(b.grad, [2.0, 2.0])


def test_a_two_parent_node_of_one_operand_twice_gets_both_gradients():
    a = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    hidden = a * 1.0  # a non-leaf, read twice by the product
    (hidden * hidden).sum().backward()
    np.testing.assert_array_equal(hidden.grad, [2.0, 4.0])
    np.testing.assert_array_equal(a.grad, [2.0, 4.0])


def test_a_rule_that_returns_none_instead_of_a_tuple_is_a_type_error():
    a = Tensor(np.ones(2), requires_grad=True)
    for parents, rule in (([a], lambda g, out, x: None), ([a, a * 1.0], lambda g, out, x, y: None)):
        with pytest.raises(TypeError, match="not iterable"):
            _node(parents, rule, np.ones(2)).sum().backward()
