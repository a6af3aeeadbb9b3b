"""compare_grads: hand-derived gradients beside node.grad, as rows (name, exact, close, max_diff) and a table."""

import numpy as np
import pytest

import autograd
from autograd import Tensor, Value, compare_grads
from autograd.transforms.compare_grads import GradComparison

RNG = np.random.default_rng(3)


def two_layer_net():
    """A tanh layer and a softmax cross-entropy, with the engine's gradients and the ones derived by hand."""
    X = RNG.standard_normal((5, 3))
    labels = np.array([0, 2, 1, 1, 0])
    W1 = Tensor(RNG.standard_normal((3, 4)), requires_grad=True, label="W1")
    W2 = Tensor(RNG.standard_normal((4, 3)), requires_grad=True, label="W2")
    H = (Tensor(X) @ W1).tanh()
    logits = H @ W2
    loss = logits.cross_entropy(labels).mean()
    loss.backward()
    probabilities = np.exp(logits.data) / np.exp(logits.data).sum(axis=1, keepdims=True)
    dlogits = (probabilities - np.eye(3)[labels]) / 5
    dW2 = H.data.T @ dlogits
    dH = dlogits @ W2.data.T
    dW1 = X.T @ (dH * (1 - H.data**2))
    return {"dlogits": (dlogits, logits), "dW2": (dW2, W2), "dH": (dH, H), "dW1": (dW1, W1)}


def test_hand_derived_gradients_of_a_small_network_are_close():
    rows = compare_grads(two_layer_net())
    assert [row.name for row in rows] == ["dlogits", "dW2", "dH", "dW1"]
    assert rows.all_close
    assert all(row.max_diff < 1e-12 for row in rows)


def test_a_row_is_a_named_tuple_of_name_exact_close_max_diff():
    t = Tensor([1.0, 2.0], requires_grad=True)
    (t * 3).sum().backward()
    (row,) = compare_grads({"dt": (np.array([3.0, 3.0]), t)})
    assert row == GradComparison("dt", True, True, 0.0)
    assert row._fields == ("name", "exact", "close", "max_diff")


def test_a_gradient_off_by_rounding_is_close_but_not_exact():
    t = Tensor([1.0, 2.0], requires_grad=True)
    (t * 3).sum().backward()
    (row,) = compare_grads({"dt": (np.array([3.0, 3.0 + 4e-15]), t)})
    assert not row.exact and row.close
    assert row.max_diff == abs((3.0 + 4e-15) - 3.0)


def test_a_wrong_gradient_is_not_close_and_all_close_says_so():
    t = Tensor([1.0, 2.0], requires_grad=True)
    (t * 3).sum().backward()
    rows = compare_grads({"right": (np.array([3.0, 3.0]), t), "wrong": (np.array([3.0, 2.5]), t)})
    assert [row.close for row in rows] == [True, False]
    assert rows[1].max_diff == 0.5
    assert not rows.all_close


def test_atol_and_rtol_are_the_tolerances_of_close():
    t = Tensor([100.0], requires_grad=True)
    (t * 1.0).sum().backward()  # grad 1.0
    yours = np.array([1.001])
    assert not compare_grads({"t": (yours, t)})[0].close
    assert compare_grads({"t": (yours, t)}, atol=1e-3)[0].close
    assert compare_grads({"t": (yours, t)}, rtol=1e-3, atol=0.0)[0].close


def test_exact_is_bitwise_so_minus_zero_is_not_exact_yet_close():
    t = Tensor([0.0, 1.0], requires_grad=True)
    (t * t).sum().backward()  # grad 2t: [0.0, 2.0]
    (row,) = compare_grads({"t": (np.array([-0.0, 2.0]), t)})
    assert not row.exact and row.close and row.max_diff == 0.0


def test_exact_needs_the_same_dtype():
    t = Tensor(np.array([1.0, 2.0], dtype=np.float32), requires_grad=True)
    (t * 2).sum().backward()
    assert not compare_grads({"t": (np.array([2.0, 2.0]), t)})[0].exact
    assert compare_grads({"t": (np.array([2.0, 2.0], dtype=np.float32), t)})[0].exact


def test_a_tensor_or_a_list_is_accepted_as_your_gradient():
    t = Tensor([1.0, 2.0], requires_grad=True)
    (t * 3).sum().backward()
    rows = compare_grads({"tensor": (Tensor([3.0, 3.0]), t), "list": ([3.0, 3.0], t)})
    assert rows.all_close and all(row.exact for row in rows)


def test_values_are_compared_too():
    a, b = Value(2.0), Value(-3.0)
    (a * b).backward()
    rows = compare_grads({"da": (-3.0, a), "db": (2.5, b)})
    assert [(row.exact, row.close) for row in rows] == [(True, True), (False, False)]


def test_the_rows_print_as_a_table():
    t = Tensor([1.0, 2.0], requires_grad=True)
    (t * 3).sum().backward()
    rows = compare_grads({"dt": ([3.0, 3.0], t), "dt_wrong": ([3.0, 2.5], t)})
    assert str(rows) == (
        "name     | exact | close | max_diff\n"
        "---------+-------+-------+---------\n"
        "dt       | True  | True  | 0\n"
        "dt_wrong | False | False | 0.5"
    )
    assert repr(rows) == str(rows)


def test_the_rows_show_as_an_html_table_in_jupyter():
    t = Tensor([1.0], requires_grad=True)
    t.sum().backward()
    page = compare_grads({"<b>": ([1.0], t)})._repr_html_()
    assert page.startswith("<table>") and "<th>max_diff</th>" in page
    assert "<td>&lt;b&gt;</td><td>True</td><td>True</td><td>0</td>" in page


def test_a_shape_mismatch_names_the_gradient_and_both_shapes():
    t = Tensor(np.ones((2, 3)), requires_grad=True)
    t.sum().backward()
    with pytest.raises(ValueError, match=r"'dW': your gradient has shape \(3, 2\), the node's grad has shape \(2, 3\)"):
        compare_grads({"dW": (np.ones((3, 2)), t)})


def test_a_node_without_a_grad_says_to_call_backward_first():
    t = Tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match=r"'dt': the node has no grad yet; call backward\(\) on the loss first"):
        compare_grads({"dt": ([1.0], t)})


@pytest.mark.parametrize(
    "pairs, message",
    [
        ([("dt", ([1.0], None))], "pairs must map names to"),
        ({"dt": [1.0]}, r"'dt' must map to \(your_gradient, node\)"),
        ({"dt": ([1.0], np.ones(1))}, "'dt': the second item must be a Value or Tensor"),
        ({"dt": ("one", Value(1.0))}, "'dt': your gradient must be numbers"),
    ],
    ids=["not a mapping", "not a pair", "not a node", "not numbers"],
)
def test_a_wrong_kind_of_argument_is_a_type_error(pairs, message):
    with pytest.raises(TypeError, match=message):
        compare_grads(pairs)


def test_a_negative_tolerance_is_a_value_error():
    with pytest.raises(ValueError, match="compare_grads: atol must be >= 0"):
        compare_grads({}, atol=-1.0)


def test_compare_grads_is_exported_by_autograd():
    assert "compare_grads" in autograd.__all__ and autograd.compare_grads is compare_grads
