"""register_hook on Tensor and Value: see and replace a node's gradient during backward; removable."""

import numpy as np
import pytest

from autograd import Tensor, Value
from autograd.instruments.hooks import HookCount


@pytest.fixture(autouse=True)
def no_hook_left_behind():
    before = HookCount.live
    yield
    assert HookCount.live == before


def test_a_hook_on_an_intermediate_tensor_sees_its_complete_gradient():
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    h = x * 2.0
    seen = []
    handle = h.register_hook(lambda g: seen.append(g.copy()))
    loss = (h * h).sum() + h.sum()  # dL/dh = 2h + 1, from two branches
    loss.backward()
    handle.remove()
    assert len(seen) == 1
    np.testing.assert_array_equal(seen[0], 2 * h.data + 1)
    np.testing.assert_array_equal(x.grad, 2 * (2 * h.data + 1))


def test_a_hook_replacing_the_gradient_changes_what_flows_to_the_parents():
    x = Tensor([1.0, 2.0], requires_grad=True)
    h = x * 3.0
    handle = h.register_hook(lambda g: np.zeros_like(g) + 10.0)
    (h * h).sum().backward()
    handle.remove()
    np.testing.assert_array_equal(h.grad, [10.0, 10.0])
    np.testing.assert_array_equal(x.grad, [30.0, 30.0])


def test_a_hook_on_a_leaf_sees_the_pass_gradient_before_accumulation():
    w = Tensor([1.0, -1.0], requires_grad=True)
    w.grad = np.array([100.0, 100.0])  # from an earlier pass
    seen = []
    handle = w.register_hook(lambda g: seen.append(g.copy()) or g * 0.5)
    (w * w).sum().backward()  # this pass: 2w from two uses
    handle.remove()
    np.testing.assert_array_equal(seen[0], [2.0, -2.0])
    np.testing.assert_array_equal(w.grad, [101.0, 99.0])


def test_a_removed_hook_is_not_called_again():
    x = Tensor([1.0], requires_grad=True)
    calls = []
    handle = x.register_hook(calls.append)
    (x * 2.0).sum().backward()
    handle.remove()
    handle.remove()  # twice is harmless
    (x * 2.0).sum().backward()
    assert len(calls) == 1


def test_hooks_run_every_pass_and_in_order():
    x = Tensor([1.0], requires_grad=True)
    y = x * 2.0
    order = []
    first = y.register_hook(lambda g: order.append("first") or g + 1.0)
    second = y.register_hook(lambda g: order.append(("second", float(g[0]))))
    y.sum().backward()
    y.sum().backward()
    first.remove()
    second.remove()
    assert order == ["first", ("second", 2.0), "first", ("second", 2.0)]


def test_value_hooks_see_and_replace():
    a = Value(3.0)
    b = a * a
    seen = []
    handle_b = b.register_hook(lambda g: seen.append(g) or 2.0 * g)
    handle_a = a.register_hook(lambda g: seen.append(g))
    (b + 1.0).backward()
    handle_b.remove()
    handle_a.remove()
    assert seen == [1.0, 12.0]  # b's gradient, then a's: 2 · 2a
    assert a.grad == 12.0


def test_hooks_work_under_create_graph():
    x = Tensor([2.0], requires_grad=True)
    y = x * x
    seen = []
    handle = y.register_hook(lambda g: seen.append(type(g)) or g * 3.0)
    y.sum().backward(create_graph=True)
    handle.remove()
    assert seen == [Tensor]
    first = x.grad
    assert isinstance(first, Tensor)
    np.testing.assert_allclose(first.data, [12.0])  # 3 · 2x
    x.grad = None
    first.sum().backward()
    np.testing.assert_allclose(x.grad, [6.0])  # d(6x)/dx


def test_a_hook_on_the_root_that_is_a_leaf():
    x = Tensor(2.0, requires_grad=True)
    handle = x.register_hook(lambda g: g * 5.0)
    x.backward()
    handle.remove()
    assert float(x.grad) == 5.0


def test_a_hook_that_is_not_callable_is_a_type_error():
    with pytest.raises(TypeError, match="register_hook: expected a function"):
        Tensor([1.0], requires_grad=True).register_hook(3)
    with pytest.raises(TypeError, match="Value.register_hook"):
        Value(1.0).register_hook("g")


def test_a_hook_on_a_tensor_that_needs_no_grad_is_refused():
    with pytest.raises(ValueError, match="does not require grad"):
        Tensor([1.0]).register_hook(print)


def test_a_hook_returning_the_wrong_shape_names_the_node_and_both_shapes():
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    h = x.exp()
    handle = h.register_hook(lambda g: np.ones(2))
    with pytest.raises(ValueError) as caught:
        h.sum().backward()
    handle.remove()
    message = str(caught.value)
    assert "'exp'" in message and "(2,)" in message and "(3,)" in message


def test_a_value_hook_returning_an_array_is_a_shape_error():
    a = Value(1.0)
    handle = a.register_hook(lambda g: np.ones(3))
    with pytest.raises(ValueError, match=r"shape \(3,\).*shape \(\)"):
        (a * 2.0).backward()
    handle.remove()


def test_a_hook_returning_something_else_is_a_type_error():
    x = Tensor([1.0], requires_grad=True)
    handle = x.register_hook(lambda g: "oops")
    with pytest.raises(TypeError, match="must return an array or None"):
        (x * 2.0).sum().backward()
    handle.remove()


def test_removing_every_hook_brings_the_count_back():
    before = HookCount.live
    x = Tensor([1.0], requires_grad=True)
    handle = x.register_hook(print)
    assert HookCount.live == before + 1
    handle.remove()
    assert HookCount.live == before
    (x * 2.0).sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0])


def test_a_hook_returning_an_array_under_create_graph_gives_a_constant_tensor():
    x = Tensor([2.0], requires_grad=True)
    y = x * x
    handle = y.register_hook(lambda g: np.array([5.0]))
    y.sum().backward(create_graph=True)
    handle.remove()
    assert isinstance(x.grad, Tensor)
    np.testing.assert_allclose(x.grad.data, [20.0])  # 5 · 2x


def test_a_value_hook_returning_a_number_under_create_graph():
    a = Value(3.0)
    b = a * a
    handle = b.register_hook(lambda g: 2.0)
    b.backward(create_graph=True)
    handle.remove()
    assert isinstance(a.grad, Value) and a.grad.data == 12.0
