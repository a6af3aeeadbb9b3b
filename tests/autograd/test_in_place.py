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
