"""Changes in place, PyTorch's rules: t += u, copy_, fill_, zero_ (allowed, recorded, or refused)."""

import numpy as np
import pytest

from autograd import Tensor, Value, no_grad


# --- copy_, fill_, zero_ -------------------------------------------------------------------------


def test_copy_writes_into_the_same_array_and_returns_the_tensor():
    t = Tensor(np.zeros((2, 3)), requires_grad=True)
    array = t.data
    with no_grad():
        returned = t.copy_(np.arange(6.0).reshape(2, 3))
    assert returned is t
    assert t.data is array
    np.testing.assert_array_equal(array, np.arange(6.0).reshape(2, 3))


def test_copy_casts_to_the_tensor_dtype_and_broadcasts_the_source():
    t = Tensor(np.zeros((2, 3), dtype=np.float32), requires_grad=True)
    with no_grad():
        t.copy_(np.array([1.0, 2.0, 3.0]))  # float64 row, broadcast over the rows
    assert t.dtype == np.float32
    np.testing.assert_array_equal(t.data, np.array([[1, 2, 3], [1, 2, 3]], dtype=np.float32))


def test_copy_from_a_tensor_and_from_a_number():
    t = Tensor([0.0, 0.0])
    t.copy_(Tensor([4.0, 5.0]))
    np.testing.assert_array_equal(t.data, [4.0, 5.0])
    t.copy_(7)
    np.testing.assert_array_equal(t.data, [7.0, 7.0])


def test_copy_into_a_tied_weight_is_seen_by_every_holder():
    base = np.zeros(3)
    first, second = Tensor(base), Tensor(base)
    first.copy_([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(second.data, [1.0, 2.0, 3.0])


def test_copy_into_a_leaf_that_requires_grad_needs_no_grad():
    t = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="no_grad") as caught:
        t.copy_([3.0, 4.0])
    assert "copy_" in str(caught.value)
    np.testing.assert_array_equal(t.data, [1.0, 2.0])


def test_copy_into_a_recorded_result_while_recording_is_refused():
    w = Tensor([1.0, 2.0], requires_grad=True)
    y = w * 2
    with pytest.raises(RuntimeError, match="'\\*'"):
        y.copy_([0.0, 0.0])
    np.testing.assert_array_equal(y.data, [2.0, 4.0])


def test_copy_of_a_source_that_requires_grad_into_a_constant_is_refused_while_recording():
    t = Tensor([0.0, 0.0])
    w = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="detach"):
        t.copy_(w)
    with no_grad():
        t.copy_(w)
    np.testing.assert_array_equal(t.data, [1.0, 2.0])


def test_copy_of_a_wrong_shape_names_copy_and_changes_nothing():
    t = Tensor([1.0, 2.0])
    with pytest.raises(ValueError, match="copy_.*\\(2,\\).*\\(3,\\)"):
        t.copy_(np.ones(3))
    with pytest.raises(ValueError, match="copy_.*keeps the tensor's shape \\(2,\\)"):
        t.copy_(np.ones((4, 2)))
    np.testing.assert_array_equal(t.data, [1.0, 2.0])


def test_copy_of_floats_into_an_integer_tensor_is_a_type_error():
    t = Tensor(np.array([1, 2]))
    with pytest.raises(TypeError, match="copy_.*int64"):
        t.copy_(np.array([0.5, 1.5]))
    np.testing.assert_array_equal(t.data, [1, 2])


def test_copy_of_a_value_or_a_string_is_a_type_error():
    t = Tensor([1.0])
    with pytest.raises(TypeError, match="copy_"):
        t.copy_(Value(2.0))
    with pytest.raises(TypeError, match="copy_"):
        t.copy_("2")


def test_fill_and_zero_change_the_same_array():
    t = Tensor(np.ones((2, 2), dtype=np.float32), requires_grad=True)
    array = t.data
    with no_grad():
        assert t.fill_(3) is t
        np.testing.assert_array_equal(array, np.full((2, 2), 3, dtype=np.float32))
        assert t.zero_() is t
    assert t.data is array and t.dtype == np.float32
    np.testing.assert_array_equal(array, np.zeros((2, 2)))


def test_fill_takes_one_number_only():
    t = Tensor([1.0, 2.0])
    with pytest.raises(ValueError, match="fill_"):
        t.fill_(np.array([1.0, 2.0]))
    t.fill_(Tensor(5.0))
    np.testing.assert_array_equal(t.data, [5.0, 5.0])


def test_zero_on_a_parameter_needs_no_grad():
    t = Tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="zero_.*no_grad"):
        t.zero_()


# --- the in-place operators ----------------------------------------------------------------------

OPERATORS = [
    ("+=", lambda t, u: t.__iadd__(u), np.add),
    ("-=", lambda t, u: t.__isub__(u), np.subtract),
    ("*=", lambda t, u: t.__imul__(u), np.multiply),
    ("/=", lambda t, u: t.__itruediv__(u), np.true_divide),
    ("**=", lambda t, u: t.__ipow__(u), np.power),
]


@pytest.mark.parametrize("symbol, apply, ufunc", OPERATORS, ids=[o[0] for o in OPERATORS])
@pytest.mark.parametrize("operand", ["tensor", "array", "number"])
def test_an_operator_on_a_constant_changes_the_same_array(symbol, apply, ufunc, operand):
    start = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    row = np.array([0.5, 2.0, 3.0])
    given = {"tensor": Tensor(row), "array": row, "number": 2.0}[operand]
    t = Tensor(start.copy())
    array = t.data
    assert apply(t, given) is t
    assert t.data is array
    np.testing.assert_array_equal(array, ufunc(start, row if operand != "number" else 2.0))


@pytest.mark.parametrize("symbol, apply, ufunc", OPERATORS, ids=[o[0] for o in OPERATORS])
def test_an_operator_keeps_float32(symbol, apply, ufunc):
    t = Tensor(np.array([1.0, 2.0, 4.0], dtype=np.float32), requires_grad=True)
    with no_grad():
        apply(t, np.array([2.0, 2.0, 0.5]))  # a float64 operand
    assert t.dtype == np.float32
    expected = ufunc(np.array([1.0, 2.0, 4.0], dtype=np.float32), np.array([2.0, 2.0, 0.5], dtype=np.float32))
    np.testing.assert_array_equal(t.data, expected)


def test_the_augmented_assignment_statement_keeps_the_object():
    t = Tensor([1.0, 2.0], requires_grad=True)
    same = t
    with no_grad():
        t += 1
        t -= Tensor([0.5, 0.5])
        t *= 4
        t /= 2
        t **= 2
    assert t is same
    np.testing.assert_array_equal(t.data, [9.0, 25.0])


@pytest.mark.parametrize("symbol, apply, ufunc", OPERATORS, ids=[o[0] for o in OPERATORS])
def test_an_operator_on_a_leaf_that_requires_grad_says_no_grad(symbol, apply, ufunc):
    t = Tensor([1.0, 2.0], requires_grad=True, label="w")
    with pytest.raises(RuntimeError, match="no_grad") as caught:
        apply(t, 2.0)
    assert symbol in str(caught.value) and "'w'" in str(caught.value)
    np.testing.assert_array_equal(t.data, [1.0, 2.0])


def test_an_operator_on_a_recorded_result_records_a_new_node():
    w = Tensor([1.0, 2.0], requires_grad=True)
    u = Tensor([3.0, 5.0], requires_grad=True)
    h = w * w
    before, array = h, h.data
    h *= u  # h = h * u
    assert h is not before and h.op == "*" and h.parents == (before, u)
    np.testing.assert_array_equal(array, [1.0, 4.0])  # the recorded result kept its values
    h.sum().backward()
    np.testing.assert_allclose(w.grad, 2 * np.array([1.0, 2.0]) * np.array([3.0, 5.0]))
    np.testing.assert_allclose(u.grad, [1.0, 4.0])


def test_an_operator_on_a_constant_with_an_operand_that_requires_grad_records():
    total = Tensor(np.zeros(2))
    w = Tensor([1.0, 2.0], requires_grad=True)
    start = total
    total += w * 3
    assert total is not start and total.requires_grad
    np.testing.assert_array_equal(start.data, [0.0, 0.0])
    total.sum().backward()
    np.testing.assert_array_equal(w.grad, [3.0, 3.0])


def test_an_operator_on_a_recorded_result_under_no_grad_changes_it_in_place():
    w = Tensor([1.0, 2.0], requires_grad=True)
    h = w * 2
    same = h
    with no_grad():
        h += 1
    assert h is same and h.op == "*"
    np.testing.assert_array_equal(h.data, [3.0, 5.0])


def test_broadcasting_that_would_change_the_shape_is_a_value_error_naming_the_op():
    t = Tensor(np.ones(3))
    with pytest.raises(ValueError, match="\\+=.*\\(2, 3\\).*keeps the tensor's shape \\(3,\\)"):
        t += np.ones((2, 3))
    with pytest.raises(ValueError, match="\\*=.*do not broadcast"):
        t *= np.ones(4)
    np.testing.assert_array_equal(t.data, np.ones(3))


def test_an_integer_tensor_divided_in_place_is_a_type_error():
    t = Tensor(np.array([2, 4]))
    with pytest.raises(TypeError, match="/=.*int64"):
        t /= 2
    with pytest.raises(TypeError, match="\\+=.*int64"):
        t += 0.5
    t += 1
    np.testing.assert_array_equal(t.data, [3, 5])
    assert t.dtype == np.int64


def test_an_operator_with_a_value_or_a_string_is_a_type_error_naming_the_op():
    t = Tensor([1.0])
    with pytest.raises(TypeError, match="\\+="):
        t += Value(1.0)
    with pytest.raises(TypeError, match="-="):
        t -= "1"


def test_value_keeps_immutable_arithmetic():
    v = Value(2.0)
    same = v
    v += 1
    assert v is not same
    assert same.data == 2.0 and v.data == 3.0
    v.backward()
    assert same.grad == 1.0


# --- PyTorch's idioms ----------------------------------------------------------------------------


def _regression(rng):
    X = rng.normal(size=(32, 3))
    y = X @ np.array([[1.0], [-2.0], [0.5]]) + 0.3
    return X, y


def test_the_manual_sgd_loop_trains_an_mlp_and_keeps_its_parameters():
    import nn

    rng = np.random.default_rng(0)
    X, y = _regression(rng)
    model = nn.MLP([3, 8, 1], rng=1)
    parameters = model.parameters()
    arrays = [p.data for p in parameters]
    losses = []
    for _ in range(30):
        loss = ((model(Tensor(X)) - Tensor(y)) ** 2).mean()
        losses.append(loss.item())
        model.zero_grad()
        loss.backward()
        with no_grad():
            for p in model.parameters():
                p -= 0.05 * p.grad
    assert losses[-1] < 0.5 * losses[0]
    assert all(a is b for a, b in zip(model.parameters(), parameters))
    assert all(p.data is a for p, a in zip(parameters, arrays))
    state = model.state_dict()
    assert all(np.array_equal(state[name], p.data) for name, p in model.named_parameters())


def test_makemores_init_scales_a_parameter_in_place_and_keeps_it_registered():
    import nn

    layer = nn.Linear(4, 3, rng=0)
    weight = layer.weight
    before = weight.data.copy()
    with no_grad():
        layer.weight *= 0.1
    assert layer.weight is weight
    assert dict(layer.named_parameters())["weight"] is weight
    np.testing.assert_allclose(weight.data, 0.1 * before)


# --- item assignment, and t[i] op= u -------------------------------------------------------------


def test_item_assignment_writes_into_the_same_array():
    t = Tensor(np.zeros((2, 3)))
    array = t.data
    t[0] = [1.0, 2.0, 3.0]
    t[1, [0, 2]] = Tensor(7.0)
    t[t > 2.5] = -1.0  # a boolean Tensor as the index
    assert t.data is array
    np.testing.assert_array_equal(array, [[1.0, 2.0, -1.0], [-1.0, 0.0, -1.0]])


def test_an_operator_on_an_element_under_no_grad_changes_the_parameter():
    w = Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    with no_grad():
        w[0] += 10
        w[:, 1] *= 2
    np.testing.assert_array_equal(w.data, [[10.0, 22.0, 12.0], [3.0, 8.0, 5.0]])


def test_an_operator_on_an_element_of_a_parameter_while_recording_changes_nothing():
    w = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="no_grad"):
        w[0] += 1  # w[0] is a recorded result: += makes a new node, then the assignment is refused
    np.testing.assert_array_equal(w.data, [1.0, 2.0])


def test_an_operator_on_an_element_with_an_operand_that_requires_grad_changes_nothing():
    t = Tensor(np.zeros(2))
    w = Tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="detach"):
        t[0] += w
    np.testing.assert_array_equal(t.data, [0.0, 0.0])


def test_item_assignment_errors_name_the_operation():
    t = Tensor(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="Tensor\\[...\\] =.*\\(4,\\)"):
        t[0] = np.ones(4)
    with pytest.raises(IndexError, match="out of bounds"):
        t[5] = 1.0
    with pytest.raises(TypeError, match="Tensor\\[...\\]"):
        t[0.5] = 1.0
    with pytest.raises(RuntimeError, match="'\\*'"):
        (Tensor([1.0], requires_grad=True) * 2)[0] = 1.0


def test_a_matrix_product_in_place_is_refused_as_in_pytorch():
    w = Tensor(np.eye(2), requires_grad=True)
    same = w
    with no_grad(), pytest.raises(RuntimeError, match="t = t @ u"):
        w @= np.ones((2, 2))
    assert w is same
    np.testing.assert_array_equal(w.data, np.eye(2))
