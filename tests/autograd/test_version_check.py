"""A recorded graph keeps the values it was computed from, or backward says it cannot (PyTorch's version check)."""

import numpy as np
import pytest

import nn
from autograd import Tensor, Value, grad, no_grad
from autograd.core.engine import gradients
from tests.autograd.test_tensor_catalogue import CASES

MODIFIED = "modified by an inplace operation"


def _model_and_batch():
    rng = np.random.default_rng(0)
    return nn.Linear(3, 2, rng=0), Tensor(rng.normal(size=(5, 3)))


def test_an_optimizer_step_between_forward_and_backward_is_refused_naming_the_op():
    model, X = _model_and_batch()
    optimizer = nn.optim.SGD(model.parameters(), lr=0.1)
    l1 = model(X).sum()
    l2 = (model(X) ** 2).sum()
    l1.backward()
    optimizer.step()
    with pytest.raises(RuntimeError, match=MODIFIED) as caught:
        l2.backward()
    assert "'linear'" in str(caught.value) and "(3, 2)" in str(caught.value)


def test_the_refused_pass_writes_no_gradient():
    model, X = _model_and_batch()
    loss = (model(X) ** 2).sum()
    grads = [np.ones(p.shape) for p in model.parameters()]
    for p, g in zip(model.parameters(), grads):
        p.grad = g
    with no_grad():
        model.weight -= 1.0
    with pytest.raises(RuntimeError, match=MODIFIED):
        loss.backward()
    assert all(p.grad is g and np.all(g == 1) for p, g in zip(model.parameters(), grads))


@pytest.mark.parametrize("optimizer", [
    lambda ps: nn.optim.SGD(ps, lr=0.1, momentum=0.9),
    lambda ps: nn.optim.Adam(ps),
    lambda ps: nn.optim.RMSprop(ps, lr=0.01),
])
def test_every_optimizer_marks_what_it_changes(optimizer):
    model, X = _model_and_batch()
    step = optimizer(model.parameters())
    model(X).sum().backward()
    pending = model(X).sum()
    step.step()
    with pytest.raises(RuntimeError, match=MODIFIED):
        pending.backward()


def test_the_forward_pass_recomputed_after_the_step_backpropagates():
    model, X = _model_and_batch()
    optimizer = nn.optim.SGD(model.parameters(), lr=0.1)
    model(X).sum().backward()
    optimizer.step()
    model.zero_grad()
    model(X).sum().backward()
    np.testing.assert_allclose(model.weight.grad, np.repeat(X.data.sum(axis=0)[:, None], 2, axis=1))


def test_an_output_changed_in_place_under_no_grad_is_refused():
    x = Tensor([0.5, 1.0], requires_grad=True)
    y = x.exp()
    loss = (y * 2).sum()
    with no_grad():
        y *= 3
    with pytest.raises(RuntimeError, match="'exp'.*its own output") as caught:
        loss.backward()
    assert MODIFIED in str(caught.value)
    assert x.grad is None


def test_an_input_batch_changed_in_place_is_refused():
    w = Tensor([[1.0], [2.0]], requires_grad=True, label="w")
    X = Tensor(np.ones((3, 2)), label="X")
    loss = (X @ w).sum()
    X += 1  # X needs no grad: in place, even while recording
    with pytest.raises(RuntimeError, match="'matmul'.*input 0.*'X'"):
        loss.backward()


@pytest.mark.parametrize("change", [
    lambda p: p.copy_(np.zeros(p.shape)),
    lambda p: p.zero_(),
    lambda p: p.fill_(2.0),
    lambda p: p.__isub__(1.0),
])
def test_a_parameter_changed_by_copy_or_an_operator_under_no_grad_is_refused(change):
    w = Tensor([1.0, 2.0], requires_grad=True)
    loss = (w * w).sum()
    with no_grad():
        change(w)
    with pytest.raises(RuntimeError, match="'\\*'"):
        loss.backward()


def test_assigning_data_is_a_change():
    w = Tensor([1.0, 2.0], requires_grad=True)
    loss = (w * w).sum()
    w.data = np.array([3.0, 4.0])
    with pytest.raises(RuntimeError, match=MODIFIED):
        loss.backward()


def test_subtracting_from_data_is_a_change():
    w = Tensor([1.0, 2.0], requires_grad=True)
    loss = (w * w).sum()
    w.data -= 0.5  # the setter receives the same array, already changed
    with pytest.raises(RuntimeError, match=MODIFIED):
        loss.backward()


def test_a_change_made_before_the_forward_pass_is_fine():
    w = Tensor([1.0, 2.0], requires_grad=True)
    with no_grad():
        w *= 2
    (w * w).sum().backward()
    np.testing.assert_array_equal(w.grad, [4.0, 8.0])


def test_a_change_to_a_tensor_the_graph_does_not_use_is_fine():
    w = Tensor([1.0, 2.0], requires_grad=True)
    other = Tensor([5.0], requires_grad=True)
    loss = (w * w).sum()
    with no_grad():
        other += 1
    loss.backward()
    np.testing.assert_array_equal(w.grad, [2.0, 4.0])


def test_the_gradient_transforms_refuse_too():
    w = Tensor([1.0, 2.0], requires_grad=True)
    loss = (w * w).sum()
    with no_grad():
        w += 1
    with pytest.raises(RuntimeError, match=MODIFIED):
        gradients(loss, [w], np.ones(()))

    def f(x):
        y = x.tanh()
        with no_grad():
            y *= 2
        return y.sum()

    with pytest.raises(RuntimeError, match="'tanh'"):
        grad(f)(np.array([0.1, 0.2]))


def test_a_pass_with_hooks_refuses_too():
    w = Tensor([1.0, 2.0], requires_grad=True)
    h = w * w
    seen = []
    h.register_hook(lambda g: seen.append(g))
    loss = h.sum()
    with no_grad():
        w += 1
    with pytest.raises(RuntimeError, match=MODIFIED):
        loss.backward()
    assert seen == []


def test_create_graph_and_the_second_pass_refuse_too():
    w = Tensor([1.0, 2.0], requires_grad=True)
    loss = (w**3).sum()
    with no_grad():
        w += 1
    with pytest.raises(RuntimeError, match="'\\*\\*'"):
        loss.backward(create_graph=True)

    v = Tensor([1.0, 2.0], requires_grad=True)
    (v**3).sum().backward(create_graph=True)
    first = v.grad  # 3v², a graph recorded from v
    with no_grad():
        v *= 2
    with pytest.raises(RuntimeError, match=MODIFIED):
        first.sum().backward()


def test_writing_into_the_array_of_data_is_not_detected_as_in_pytorch():
    w = Tensor([1.0, 2.0], requires_grad=True)
    loss = (w * w).sum()
    w.data[0] = 3.0  # the ndarray's own item assignment: the user's business
    loss.backward()
    np.testing.assert_array_equal(w.grad, [6.0, 4.0])


def test_value_graphs_are_not_checked():
    a = Value(2.0)
    loss = a * a
    a.data = 3.0  # micrograd's optimizer step: floats, read as they are at backward
    loss.backward()
    assert a.grad == 6.0


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_every_op_records_when_it_was_recorded(case):
    tensors = [Tensor(a, requires_grad=True) for a in case.inputs()]
    loss = (case.function(*tensors) * 1.0).sum()
    with no_grad():
        tensors[0].copy_(tensors[0].data.copy())
    with pytest.raises(RuntimeError, match=MODIFIED):
        loss.backward()
    with pytest.raises(RuntimeError, match=MODIFIED):
        loss.backward(create_graph=True)


def test_item_assignment_under_no_grad_is_a_change():
    w = Tensor([1.0, 2.0], requires_grad=True)
    loss = (w * w).sum()
    with no_grad():
        w[0] = 0.0
    with pytest.raises(RuntimeError, match=MODIFIED):
        loss.backward()


def test_a_detached_tensor_changed_in_place_is_a_change_of_its_origin():
    x = Tensor([0.5, 1.0], requires_grad=True)
    y = x.sigmoid()
    loss = y.sum()
    target = y.detach()  # shares y's array, as PyTorch's detach shares its storage and version counter
    target -= 1
    with pytest.raises(RuntimeError, match="'sigmoid'.*its own output"):
        loss.backward()


def test_a_view_changed_in_place_under_no_grad_is_a_change_of_its_base():
    w = Tensor(np.arange(1.0, 7.0).reshape(2, 3), requires_grad=True)
    loss = (w * w).sum()
    with no_grad():
        column = w[:, 1]  # basic indexing: a view of w's array
        column *= 0
    assert w.data[0, 1] == 0.0
    with pytest.raises(RuntimeError, match=MODIFIED):
        loss.backward()


def test_tensors_made_from_one_array_share_its_changes():
    array = np.array([1.0, 2.0])
    w = Tensor(array, requires_grad=True)
    loss = (w * w).sum()
    alias = Tensor(array)
    alias += 1
    with pytest.raises(RuntimeError, match=MODIFIED):
        loss.backward()


def test_assigning_another_array_leaves_the_tensors_of_that_array_alone():
    x = Tensor([1.0, 2.0], requires_grad=True)
    loss = (x * x).sum()
    w = Tensor([0.0, 0.0], requires_grad=True)
    w.data = x.data  # w now reads x's array; x's array did not change
    loss.backward()
    np.testing.assert_array_equal(x.grad, [2.0, 4.0])


def test_increment_version_marks_a_change_made_outside_autograd():
    from autograd import increment_version

    w = Tensor([1.0, 2.0], requires_grad=True)
    loss = (w * w).sum()
    w.data[0] = 5.0  # not watched...
    increment_version(w)  # ...until said, as PyTorch's torch.autograd.graph.increment_version
    with pytest.raises(RuntimeError, match=MODIFIED):
        loss.backward()
    with pytest.raises(TypeError, match="increment_version.*Value"):
        increment_version([Value(1.0)])


def test_a_recorded_result_fills_every_slot_new_node_fills_and_its_stamp():
    from autograd import Node
    from autograd.core import versions
    from autograd.core.node import new_node
    from autograd.tensor.core import result

    slots = [*Node.__slots__, *Tensor.__slots__]
    made = new_node(Tensor, np.ones(2), None, True, (), "op", None)
    recorded = result(np.ones(2), (), None, "op")
    assert {slot for slot in slots if hasattr(recorded, slot)} == {slot for slot in slots if hasattr(made, slot)} | {"_stamp"}
    assert recorded._stamp == versions.clock
