"""Bad input to Tensor ops: the right exception type, with a message naming the op and what was given."""

import contextlib

import numpy as np
import pytest

from autograd import Tensor, Value, concatenate, maximum, minimum, stack, where

A = Tensor(np.ones((2, 3)), requires_grad=True)
B = Tensor(np.ones((4,)))


@contextlib.contextmanager
def raises(kind, *fragments):
    """Assert the block raises ``kind`` with every fragment in its message."""
    with pytest.raises(kind) as info:
        yield
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"


@pytest.mark.parametrize(
    "op, apply",
    [
        ("+", lambda a, b: a + b),
        ("-", lambda a, b: a - b),
        ("*", lambda a, b: a * b),
        ("/", lambda a, b: a / b),
        ("**", lambda a, b: a**b),
        ("maximum", maximum),
        ("minimum", minimum),
        ("<", lambda a, b: a < b),
        ("==", lambda a, b: a == b),
    ],
)
def test_elementwise_shape_mismatch_names_the_op_and_both_shapes(op, apply):
    with raises(ValueError, f"{op}: shapes (2, 3) and (4,) do not broadcast"):
        apply(A, B)


def test_reflected_shape_mismatch_names_both_shapes():
    with raises(ValueError, "+: shapes (4,) and (2, 3) do not broadcast"):
        np.ones(4) + A


def test_where_shape_mismatch_names_all_three_shapes():
    with raises(ValueError, "where: shapes (2,) and (2, 3) and (4,) do not broadcast"):
        where(np.array([True, False]), A, B)


def test_matmul_inner_mismatch_names_both_shapes():
    with raises(ValueError, "matmul: shapes (2, 3) and (2, 3) do not align", "(3)", "(2)"):
        A @ Tensor(np.ones((2, 3)))


def test_matmul_vector_mismatch_names_both_shapes():
    with raises(ValueError, "matmul: shapes (2, 3) and (4,) do not align"):
        A @ B


def test_matmul_batch_mismatch_names_the_batch_axes():
    with raises(ValueError, "matmul: shapes (2, 2, 3) and (3, 3, 1)", "batch axes (2,) and (3,) do not broadcast"):
        Tensor(np.ones((2, 2, 3))) @ Tensor(np.ones((3, 3, 1)))


def test_matmul_with_a_0d_operand_is_a_value_error():
    with raises(ValueError, "matmul: operands must have at least one axis, got shapes (2, 3) and ()"):
        A @ 2.0


def test_reshape_to_a_wrong_size_names_both_shapes():
    with raises(ValueError, "reshape: cannot reshape a tensor of shape (2, 3) (6 elements) into shape (4, 2)"):
        A.reshape(4, 2)


def test_reshape_with_a_non_integer_size_is_a_type_error():
    with raises(TypeError, "reshape: a shape holds ints", "2.0"):
        A.reshape(2.0, 3)


@pytest.mark.parametrize("op", ["sum", "mean", "var", "max", "min", "logsumexp", "softmax", "log_softmax", "any"])
def test_a_reduction_over_a_missing_axis_is_a_value_error(op):
    with raises(ValueError, f"{op}: axis 2 is out of range for a tensor of shape (2, 3)", "-2 to 1"):
        getattr(A, op)(axis=2)


def test_a_reduction_over_an_axis_of_a_0d_tensor_is_a_value_error():
    with raises(ValueError, "sum: axis 0 is out of range for a tensor of shape ()", "axis=None"):
        Tensor(1.0).sum(axis=0)


@pytest.mark.parametrize("axis", [1.0, [0], "0", True])
def test_an_axis_of_the_wrong_kind_is_a_type_error(axis):
    with raises(TypeError, "sum: axis must be None, an int or a tuple of ints"):
        A.sum(axis=axis)


def test_an_axis_named_twice_is_a_value_error():
    with raises(ValueError, "mean: axis (1, -1) names an axis twice"):
        A.mean(axis=(1, -1))


@pytest.mark.parametrize("op", ["mean", "var", "max", "min", "logsumexp", "softmax"])
def test_a_reduction_over_an_empty_axis_is_a_value_error(op):
    with raises(ValueError, f"{op}: cannot reduce over an empty axis", "(0, 3)"):
        getattr(Tensor(np.ones((0, 3))), op)(axis=0)


def test_keepdims_must_be_a_bool():
    with raises(TypeError, "sum(keepdims=...): expected True or False"):
        A.sum(keepdims="yes")


def test_concatenate_of_mismatched_shapes_names_them():
    with raises(ValueError, "concatenate: every tensor must have the same shape except along axis 0", "(2, 3), (2, 2)"):
        concatenate([A, Tensor(np.ones((2, 2)))])


def test_stack_of_mismatched_shapes_names_them():
    with raises(ValueError, "stack: every tensor must have the same shape; got shapes (2, 3), (3, 2)"):
        stack([A, Tensor(np.ones((3, 2)))])


@pytest.mark.parametrize("join", [concatenate, stack])
def test_joining_nothing_is_a_value_error(join):
    with raises(ValueError, f"{join.__name__}: needs at least one tensor"):
        join([])


@pytest.mark.parametrize("join", [concatenate, stack])
def test_joining_a_tensor_instead_of_a_list_is_a_type_error(join):
    with raises(TypeError, f"{join.__name__}: expects a list or tuple of tensors"):
        join(A)


def test_concatenate_along_a_missing_axis_is_a_value_error():
    with raises(ValueError, "concatenate: axis 2 is out of range for 2 axes"):
        concatenate([A, A], axis=2)


def test_concatenate_of_0d_tensors_is_a_value_error():
    with raises(ValueError, "concatenate: 0-d tensors have no axis", "stack"):
        concatenate([Tensor(1.0), Tensor(2.0)])


def test_backward_without_a_seed_on_a_non_scalar_names_the_shape():
    with raises(ValueError, "backward: grad can be left out only for a tensor of one element", "shape (2, 3)"):
        (A * 2).backward()


def test_backward_with_a_seed_of_the_wrong_shape_names_both_shapes():
    with raises(ValueError, "backward: grad has shape (3, 2), but the tensor has shape (2, 3)"):
        (A * 2).backward(np.ones((3, 2)))


@pytest.mark.parametrize("seed", ["ones", Value(1.0), None.__class__])
def test_backward_with_a_seed_of_the_wrong_kind_is_a_type_error(seed):
    with raises(TypeError, "backward(grad=...)"):
        (A * 2).sum().backward(seed)


def test_backward_of_a_constant_is_a_value_error():
    with raises(ValueError, "backward: this result does not require grad"):
        (B * 2).sum().backward()


def test_create_graph_must_be_a_bool():
    with raises(TypeError, "backward(create_graph=...): expected True or False"):
        A.sum().backward(create_graph=1)


@pytest.mark.parametrize(
    "apply",
    [lambda t, v: t + v, lambda t, v: t * v, lambda t, v: t @ v, lambda t, v: t < v, lambda t, v: maximum(t, v)],
    ids=["add", "mul", "matmul", "less", "maximum"],
)
def test_a_tensor_mixed_with_a_value_is_a_type_error(apply):
    with raises(TypeError, "cannot combine a Tensor with a Value", "tensor.item()"):
        apply(A, Value(2.0))


def test_a_value_mixed_with_a_tensor_is_a_type_error():
    with pytest.raises(TypeError, match="cannot combine a Value with a Tensor"):
        Value(2.0) + A


def test_concatenate_with_a_value_is_a_type_error():
    with raises(TypeError, "concatenate: cannot combine a Tensor with a Value"):
        concatenate([A, Value(1.0)])


@pytest.mark.parametrize("other", ["a", None, object(), 1 + 2j])
def test_an_unsupported_operand_is_a_type_error(other):
    with raises(TypeError, "*: unsupported operand", "expected a Tensor, an ndarray or a number"):
        A * other


def test_comparing_with_a_string_is_a_type_error():
    with raises(TypeError, "<: unsupported operand"):
        _ = A < "a"


def test_an_operand_array_of_strings_is_a_type_error():
    with raises(TypeError, "+: cannot combine a Tensor with an array of dtype <U1"):
        A + np.array(["a", "b", "c"])


def test_integers_to_negative_integer_powers_are_refused_by_name():
    with raises(ValueError, "**: numpy refused operands of dtypes int64 and int64"):
        Tensor(np.array([1, 2])) ** Tensor(np.array([-1, 1]))


def test_subtracting_booleans_is_a_type_error():
    with raises(TypeError, "-: numpy refused operands of dtypes bool and bool"):
        Tensor(np.array([True])) - Tensor(np.array([False]))


def test_indexing_out_of_range_is_an_index_error():
    with raises(IndexError, "Tensor[...]: index 5 is out of bounds for axis 0 with size 2", "(2, 3)"):
        A[5]


def test_too_many_indices_is_a_value_error():
    with raises(ValueError, "Tensor[...]: index", "does not fit a tensor of shape (2, 3)", "too many indices"):
        A[0, 1, 2]


def test_a_mask_of_the_wrong_shape_is_a_value_error():
    with raises(ValueError, "does not fit a tensor of shape (2, 3)", "boolean index"):
        A[np.array([True, False, True])]


@pytest.mark.parametrize("index", [1.5, "a", np.array([0.0, 1.0]), Tensor([0.0, 1.0])])
def test_a_non_integer_index_is_a_type_error(index):
    with raises(TypeError, "Tensor[...]"):
        A[index]


def test_indexing_with_a_value_is_a_type_error():
    with raises(TypeError, "Tensor[...]: cannot index with a Value"):
        A[Value(1.0)]


def test_transpose_with_a_non_permutation_is_a_value_error():
    with raises(ValueError, "transpose: axes (0, 0) are not a permutation of the 2 axes of shape (2, 3)"):
        A.transpose(0, 0)


def test_squeeze_of_an_axis_longer_than_one_is_a_value_error():
    with raises(ValueError, "squeeze: axis 1 of shape (2, 3) has size 3, not 1"):
        A.squeeze(1)


def test_unsqueeze_out_of_range_is_a_value_error():
    with raises(ValueError, "unsqueeze: axis 3 is out of range for 3 axes"):
        A.unsqueeze(3)


def test_broadcast_to_an_incompatible_shape_names_both_shapes():
    with raises(ValueError, "broadcast_to: cannot broadcast a tensor of shape (2, 3) to shape (2, 4)"):
        A.broadcast_to(2, 4)


def test_expand_to_fewer_axes_is_a_value_error():
    with raises(ValueError, "expand: shape (3,) has fewer axes than the tensor's shape (2, 3)"):
        A.expand(3)


def test_clip_with_min_above_max_is_a_value_error():
    with raises(ValueError, "clip: min (1.0) must not exceed max (0.0)"):
        A.clip(1.0, 0.0)


def test_clip_without_bounds_is_a_value_error():
    with raises(ValueError, "clip: give min, max or both"):
        A.clip()


def test_clip_with_a_string_bound_is_a_type_error():
    with raises(TypeError, "clip(min=...): expected a real number"):
        A.clip("0")


def test_leaky_relu_with_a_string_slope_is_a_type_error():
    with raises(TypeError, "leaky_relu(negative_slope=...): expected a real number"):
        A.leaky_relu("0.1")


def test_where_with_a_string_condition_is_a_type_error():
    with raises(TypeError, "where(cond, ...)"):
        where("yes", A, 0.0)
