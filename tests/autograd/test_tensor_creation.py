"""Making Tensors: dtypes, attributes, conversions to numpy and Python, and refused data."""

import numpy as np
import pytest

from autograd import Tensor, Value
from autograd.tensor import constant, lift, result


def test_an_ndarray_keeps_its_dtype_and_is_shared():
    array = np.arange(6, dtype=np.float32).reshape(2, 3)
    t = Tensor(array)
    assert t.dtype == np.float32 and t.data is array


def test_an_ndarray_given_alone_is_a_plain_leaf_and_a_non_numeric_one_is_refused():
    array = np.arange(3, dtype=np.int16)
    t = Tensor(array)
    assert (t.data is array, t.requires_grad, t.grad, t.parents, t.op, t.label) == (True, False, None, (), "", "")
    with pytest.raises(TypeError, match="expected numeric data"):
        Tensor(np.array(["a", "b"]))
    with pytest.raises(TypeError, match="expected numeric data"):
        Tensor(np.array([1 + 2j]))


def test_python_numbers_and_lists_become_float64():
    assert Tensor(3).dtype == np.float64
    assert Tensor(2.5).dtype == np.float64
    assert Tensor([1, 2, 3]).dtype == np.float64
    assert Tensor([[True, False]]).dtype == np.float64


def test_a_numpy_scalar_keeps_its_dtype():
    assert Tensor(np.float32(1.5)).dtype == np.float32


def test_integer_and_boolean_arrays_keep_their_dtype():
    assert Tensor(np.array([1, 2], dtype=np.int32)).dtype == np.int32
    assert Tensor(np.array([True, False])).dtype == np.bool_


def test_dtype_argument_casts():
    t = Tensor([1, 2], dtype=np.float32)
    assert t.dtype == np.float32
    assert Tensor([0, 2], dtype=int).dtype == np.int_
    assert Tensor(np.arange(3), dtype="float64").dtype == np.float64


def test_attributes_of_a_new_tensor():
    t = Tensor(np.zeros((2, 3)), requires_grad=True, label="W")
    assert t.shape == (2, 3) and t.ndim == 2 and t.size == 6 and t.dtype == np.float64
    assert t.grad is None and t.requires_grad is True and t.label == "W"
    assert t.op == "" and t.parents == ()


def test_a_result_records_its_op_and_parents():
    a = Tensor([1.0, 2.0], requires_grad=True)
    b = Tensor([3.0, 4.0])
    c = a * b
    assert c.op == "*" and c.parents == (a, b) and c.requires_grad


def test_a_result_of_constants_records_nothing():
    c = Tensor([1.0]) + Tensor([2.0])
    assert c.parents == () and not c.requires_grad


def test_numpy_returns_the_data_and_asarray_works():
    t = Tensor([[1.0, 2.0]])
    assert t.numpy() is t.data
    assert np.asarray(t) is t.data
    np.testing.assert_array_equal(np.asarray(t, dtype=np.float32), np.array([[1.0, 2.0]], dtype=np.float32))


def test_item_and_float_of_a_one_element_tensor():
    t = Tensor([[2.5]])
    assert t.item() == 2.5 and isinstance(t.item(), float)
    assert float(t) == 2.5
    assert int(Tensor(np.array([7]))) == 7


def test_item_of_a_bigger_tensor_is_a_value_error_naming_the_shape():
    with pytest.raises(ValueError, match=r"item: .*shape \(2,\)"):
        Tensor([1.0, 2.0]).item()


def test_bool_of_one_element_and_ambiguity_of_more():
    assert bool(Tensor(1.0)) and not bool(Tensor([0.0]))
    with pytest.raises(ValueError, match=r"shape \(2,\) is ambiguous"):
        bool(Tensor([1.0, 2.0]))


def test_len_and_iteration_over_the_first_axis():
    t = Tensor(np.arange(6.0).reshape(3, 2), requires_grad=True)
    assert len(t) == 3
    rows = list(t)
    assert len(rows) == 3 and all(isinstance(r, Tensor) for r in rows)
    np.testing.assert_array_equal(rows[1].data, [2.0, 3.0])
    sum(row.sum() for row in rows).backward()
    np.testing.assert_array_equal(t.grad, np.ones((3, 2)))


def test_len_and_iteration_of_a_0d_tensor_are_type_errors():
    with pytest.raises(TypeError, match="0-d"):
        len(Tensor(1.0))
    with pytest.raises(TypeError, match="0-d"):
        iter(Tensor(1.0))


def test_T_transposes_a_matrix():
    t = Tensor(np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(t.T.data, t.data.T)


def test_detach_shares_data_and_records_nothing():
    a = Tensor([1.0, 2.0], requires_grad=True)
    d = (a * 2).detach()
    assert not d.requires_grad and d.parents == ()
    np.testing.assert_array_equal(d.data, [2.0, 4.0])


def test_repr_shows_data_dtype_grad_flag_and_op():
    t = Tensor(np.array([1.0, 2.0], dtype=np.float32), requires_grad=True) * 2
    text = repr(t)
    assert text.startswith("Tensor([2., 4.]") and "float32" in text and "requires_grad=True" in text and "'*'" in text


def test_comparisons_give_boolean_constants():
    a = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    for result_ in (a < 2, a <= 2, a > 2, a >= 2, a == 2, a != 2, 2 < a):
        assert result_.dtype == np.bool_ and not result_.requires_grad and result_.parents == ()
    np.testing.assert_array_equal((a >= 2).data, [False, True, True])
    np.testing.assert_array_equal((a == np.array([1.0, 0.0, 3.0])).data, [True, False, True])


def test_tensors_hash_by_identity():
    a, b = Tensor([1.0]), Tensor([1.0])
    assert len({a, b}) == 2 and {a: 1}[a] == 1


def test_equality_with_none_is_false():
    assert (Tensor([1.0]) == None) is False
    assert (Tensor([1.0]) != None) is True


def test_data_can_be_replaced_in_place_by_an_optimizer():
    p = Tensor(np.ones(3), requires_grad=True)
    p.data -= 0.5 * np.ones(3)
    np.testing.assert_array_equal(p.data, [0.5, 0.5, 0.5])
    p.data = [1.0, 2.0, 3.0]
    assert isinstance(p.data, np.ndarray) and p.data.dtype == np.float64


def test_requires_grad_can_be_switched_on_a_leaf():
    t = Tensor([1.0])
    t.requires_grad = True
    (t * 3).sum().backward()
    np.testing.assert_array_equal(t.grad, [3.0])


def test_a_tensor_from_a_tensor_shares_its_data_as_a_new_leaf():
    a = Tensor([1.0], requires_grad=True)
    b = Tensor(a * 2)
    assert b.parents == () and not b.requires_grad
    np.testing.assert_array_equal(b.data, [2.0])


def test_fast_creators_make_results_and_constants_without_checks():
    a = Tensor([1.0], requires_grad=True)
    node = result(np.array([2.0]), (a,), lambda g, out, x: (g * 2,), "double")
    assert node.requires_grad and node.parents == (a,) and node.op == "double"
    node.backward(np.array([1.0]))
    np.testing.assert_array_equal(a.grad, [2.0])
    c = constant(np.array([1, 2]))
    assert not c.requires_grad and c.parents == () and c.dtype == np.int_


def test_lift_gives_numbers_the_dtype_of_a_float_tensor():
    like = Tensor(np.zeros(2, dtype=np.float32))
    assert lift(2.5, "+", like).dtype == np.float32
    assert lift(np.float64(2.5), "+", like).dtype == np.float32
    assert lift(2.5, "+").dtype == np.float64


# refused data


@pytest.mark.parametrize(
    "data, fragment",
    [
        ("abc", "got str"),
        ([1.0, "a"], "dtype <U"),
        ([1.0, None], "dtype object"),
        (np.array([1, 2], dtype=object), "dtype object"),
        (np.array([1 + 2j]), "dtype complex128"),
        ({"a": 1}, "dtype object"),
    ],
)
def test_non_numeric_data_is_a_type_error(data, fragment):
    with pytest.raises(TypeError, match="Tensor") as info:
        Tensor(data)
    assert fragment in str(info.value)


def test_ragged_data_is_a_value_error():
    with pytest.raises(ValueError, match="Tensor: ragged nested sequence"):
        Tensor([[1, 2], [3]])


def test_a_value_as_data_is_a_type_error():
    with pytest.raises(TypeError, match=r"Tensor: cannot make a Tensor from a Value; use its .data"):
        Tensor(Value(1.0))


def test_a_list_of_tensors_is_a_type_error_pointing_to_stack():
    with pytest.raises(TypeError, match="stack"):
        Tensor([Tensor([1.0]), Tensor([2.0])])


@pytest.mark.parametrize("data", [np.array([1, 2]), np.array([True]), [1, 2]])
def test_requires_grad_on_integer_data_is_a_type_error(data):
    dtype = None if isinstance(data, np.ndarray) else int
    with pytest.raises(TypeError, match="requires_grad=True needs a floating point dtype"):
        Tensor(data, requires_grad=True, dtype=dtype)


def test_switching_requires_grad_on_for_an_integer_tensor_is_a_type_error():
    t = Tensor(np.array([1, 2]))
    with pytest.raises(TypeError, match="only floating point tensors can require grad"):
        t.requires_grad = True


def test_integer_data_for_a_tensor_that_requires_grad_is_a_type_error():
    t = Tensor([1.0], requires_grad=True)
    with pytest.raises(TypeError, match="Tensor.data: a tensor that requires grad needs floating point data"):
        t.data = np.array([1])


def test_switching_requires_grad_off_for_a_result_is_a_value_error():
    c = Tensor([1.0], requires_grad=True) * 2
    with pytest.raises(ValueError, match="detach"):
        c.requires_grad = False


def test_a_non_boolean_requires_grad_is_a_type_error():
    with pytest.raises(TypeError, match=r"requires_grad=\.\.\.\): expected True or False"):
        Tensor([1.0], requires_grad="yes")


def test_a_bad_dtype_is_a_type_error():
    with pytest.raises(TypeError, match="not a numpy dtype"):
        Tensor([1.0], dtype="floaty")
    with pytest.raises(TypeError, match="dtype must be bool, integer or floating point, got complex128"):
        Tensor([1.0], dtype=complex)


def test_a_non_string_label_is_a_type_error():
    with pytest.raises(TypeError, match="label must be a str"):
        Tensor([1.0], label=3)


def test_item_assignment_into_a_parameter_while_recording_is_a_runtime_error():
    t = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="no_grad"):
        t[0] = 3.0
    assert t.data.tolist() == [1.0, 2.0]
