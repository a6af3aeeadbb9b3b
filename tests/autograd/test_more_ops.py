"""The ops PyTorch's and HIPS autograd's users reach for, by behaviour: the derivatives worked out by hand where a
finite difference cannot tell (zeros, permutations, piecewise constants), stability, and the errors at the edges.

Every one of these ops is also in the finite-difference catalogues (first and second order) and in the
hypothesis strategies; this file states what those cannot.
"""

import math
import re

import numpy as np
import pytest

import autograd
from autograd import Tensor, Value, einsum, hessian, logaddexp, split, tensordot, vstack
from autograd.core.engine import gradients


def leaf(data):
    return Tensor(np.asarray(data, dtype=np.float64), requires_grad=True)


def grad_of(function, data, weights=None):
    """d Σ(weights · function(x)) / dx at ``data``, by the engine."""
    x = leaf(data)
    out = function(x)
    (out * Tensor(np.ones(out.shape) if weights is None else np.asarray(weights, dtype=np.float64))).sum().backward()
    return x.grad


# --------------------------------------------------------------------------- piecewise constant: derivative 0, recorded


@pytest.mark.parametrize("name", ["floor", "ceil", "sign"])
def test_floor_ceil_and_sign_are_recorded_with_derivative_zero_on_value(name):
    x = Value(1.7)
    y = getattr(x, name)()
    assert y.op == name and y.parents == (x,)
    (y * 3 + x).backward()
    assert x.grad == 1.0


@pytest.mark.parametrize("name", ["floor", "ceil", "sign"])
def test_floor_ceil_and_sign_give_a_zero_gradient_on_tensor_not_none(name):
    x = leaf([[-1.5, 0.25], [2.75, -0.5]])
    getattr(x, name)().sum().backward()
    assert isinstance(x.grad, np.ndarray)
    np.testing.assert_array_equal(x.grad, np.zeros((2, 2)))


def test_floor_and_ceil_forward_are_numpys_on_value_and_tensor():
    points = [-1.5, -0.5, 0.0, 0.5, 2.0, 2.25]
    assert [Value(p).floor().data for p in points] == np.floor(points).tolist()
    assert [Value(p).ceil().data for p in points] == np.ceil(points).tolist()
    np.testing.assert_array_equal(Tensor(points).floor().data, np.floor(points))
    assert Value(math.inf).floor().data == math.inf


# --------------------------------------------------------------------------- a % b


@pytest.mark.parametrize(
    "a, b, remainder, grad_b",
    [(7.5, 2.0, 1.5, -3.0), (-7.5, 2.0, 0.5, 4.0), (7.5, -2.0, -0.5, 4.0), (-7.5, -2.0, -1.5, -3.0)],
)
def test_remainder_takes_the_sign_of_b_and_has_derivatives_1_and_minus_floor_a_over_b(a, b, remainder, grad_b):
    x, y = Value(a), Value(b)
    out = x % y
    out.backward()
    assert out.data == remainder == float(np.remainder(a, b))
    assert (x.grad, y.grad) == (1.0, grad_b)
    s, t = leaf([a]), leaf([b])
    (s % t).sum().backward()
    assert (s.grad.tolist(), t.grad.tolist()) == ([1.0], [grad_b])


def test_remainder_broadcasts_and_sums_the_gradient_of_b_back():
    b = leaf([2.0])
    a = leaf([[7.5, -0.5], [3.0, 5.5]])
    (a % b).sum().backward()
    np.testing.assert_array_equal(a.grad, np.ones((2, 2)))
    assert b.grad.tolist() == [-(3 + -1 + 1 + 2)]


def test_remainder_by_zero_is_a_value_error_naming_the_op_on_value():
    with pytest.raises(ValueError, match=r"Value %: remainder of division by zero"):
        Value(1.0) % 0.0


# --------------------------------------------------------------------------- elementwise: domains and poles


@pytest.mark.parametrize(
    "name, x",
    [("arcsin", 1.5), ("arccos", -1.5), ("log1p", -1.0), ("log2", 0.0), ("log10", -2.0), ("sinh", 800.0),
     ("cosh", -800.0), ("expm1", 800.0), ("exp2", 2000.0)],
)
def test_a_value_forward_with_no_finite_real_answer_is_a_value_error_naming_the_op(name, x):
    with pytest.raises(ValueError, match=rf"Value\.{name}: "):
        getattr(Value(x), name)()


@pytest.mark.parametrize("name, sign", [("arcsin", 1.0), ("arccos", -1.0)])
def test_arcsin_and_arccos_have_infinite_slope_at_one_without_an_exception(name, sign):
    x = Value(1.0)
    getattr(x, name)().backward()
    assert x.grad == sign * math.inf
    t = leaf([1.0])
    with np.errstate(divide="ignore"):
        getattr(t, name)().sum().backward()
    assert t.grad.tolist() == [sign * math.inf]


def test_log1p_and_expm1_keep_the_digits_of_small_inputs():
    assert Value(1e-12).log1p().data == pytest.approx(1e-12, rel=1e-12)
    assert Value(1e-12).expm1().data == pytest.approx(1e-12, rel=1e-12)
    np.testing.assert_allclose(Tensor([1e-12]).log1p().data, [1e-12], rtol=1e-12)


def test_the_new_elementwise_ops_are_in_the_vocabulary_for_rules():
    from autograd import vocabulary as V

    assert V.cosh(0.0) == 1.0
    assert isinstance(V.arctan(Tensor([1.0])), Tensor)
    np.testing.assert_allclose(V.log2(np.array([8.0])), [3.0])


# --------------------------------------------------------------------------- prod with zeros


@pytest.mark.parametrize(
    "data, expected",
    [
        ([2.0, 0.0, 3.0], [0.0, 6.0, 0.0]),
        ([0.0, 0.0, 3.0], [0.0, 0.0, 0.0]),
        ([2.0, -1.5, 3.0], [-4.5, 6.0, -3.0]),
        ([0.0], [1.0]),
    ],
)
def test_prod_gradient_is_the_product_of_the_others_also_with_zeros(data, expected):
    grad = grad_of(lambda x: x.prod(), data)
    assert grad.tolist() == expected


def test_prod_gradient_with_zeros_along_an_axis():
    data = [[1.5, 0.0, 2.0], [0.0, 0.0, 3.0], [1.0, 2.0, 4.0]]
    expected = [[0.0, 3.0, 0.0], [0.0, 0.0, 0.0], [8.0, 4.0, 2.0]]
    assert grad_of(lambda x: x.prod(axis=1), data).tolist() == expected
    assert grad_of(lambda x: x.prod(axis=0), np.array(data).T).tolist() == np.array(expected).T.tolist()


def test_prod_second_derivatives_with_a_zero_are_the_products_of_the_other_two():
    x = np.array([2.0, 0.0, 3.0, -1.0])
    h = hessian(lambda t: t.prod())(x)
    expected = np.array([[0.0, 3 * -1, 0.0, 0.0], [-3.0, 0.0, -2.0, 6.0], [0.0, -2.0, 0.0, 0.0], [0.0, 6.0, 0.0, 0.0]])
    np.testing.assert_array_equal(h, expected)



@pytest.mark.parametrize("axis, keepdims, out_shape", [(1, False, (2, 3)), ((1, 2), True, (2, 1, 1)),
                                                       (None, False, ()), (0, False, (0, 3))])
@pytest.mark.parametrize("create_graph", [False, True])
def test_prod_over_an_empty_axis_differentiates_to_an_empty_gradient(axis, keepdims, out_shape, create_graph):
    x = leaf(np.zeros((2, 0, 3)))
    y = x.prod(axis=axis, keepdims=keepdims)
    assert y.shape == out_shape and np.all(y.data == 1.0)  # the empty product is 1, as numpy's and PyTorch's
    y.sum().backward(create_graph=create_graph)
    grad = x.grad.data if create_graph else x.grad
    assert grad.shape == (2, 0, 3) and grad.dtype == np.float64


# --------------------------------------------------------------------------- sort: the gradient follows the permutation


def test_sort_sends_each_gradient_back_to_the_element_it_came_from():
    weights = [10.0, 20.0, 30.0]
    assert grad_of(lambda x: x.sort(), [3.0, 1.0, 2.0], weights).tolist() == [30.0, 10.0, 20.0]


def test_sort_is_stable_so_tied_elements_keep_their_order_and_their_gradients():
    weights = [10.0, 20.0, 30.0, 40.0]
    x = leaf([1.0, 0.0, 1.0, -1.0])
    out = x.sort()
    (out * Tensor(weights)).sum().backward()
    assert out.data.tolist() == [-1.0, 0.0, 1.0, 1.0]
    assert x.grad.tolist() == [30.0, 20.0, 40.0, 10.0]


def test_sort_along_an_axis_and_flattened():
    data = np.array([[3.0, 1.0], [0.0, 2.0]])
    weights = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert grad_of(lambda x: x.sort(axis=0), data, weights).tolist() == [[3.0, 2.0], [1.0, 4.0]]
    assert grad_of(lambda x: x.sort(axis=None), data, [1.0, 2.0, 3.0, 4.0]).tolist() == [[4.0, 2.0], [1.0, 3.0]]


def test_sort_second_order_goes_through_the_same_permutation():
    x = leaf([3.0, 1.0, 2.0])
    loss = (x.sort() ** 2 * Tensor([1.0, 2.0, 3.0])).sum()  # Σ wᵢ·sorted(x)ᵢ²
    (first,) = gradients(loss, [x], Tensor(np.ones(())), create_graph=True)
    np.testing.assert_array_equal(first.data, [18.0, 2.0, 8.0])  # 2·w·x, w by rank: (3, 1, 2)
    (second,) = gradients(first.sum(), [x], np.ones(()))
    np.testing.assert_array_equal(second, [6.0, 2.0, 4.0])


# --------------------------------------------------------------------------- std, cumsum, logaddexp


def test_std_is_numpys_with_ddof_0_and_its_gradient_is_zero_where_every_element_is_equal():
    data = np.array([[1.0, 2.0, 4.0], [3.0, 3.0, 3.0]])
    np.testing.assert_allclose(Tensor(data).std(axis=1).data, np.std(data, axis=1))
    grad = grad_of(lambda x: x.std(axis=1), data)
    centred = data[0] - data[0].mean()
    np.testing.assert_allclose(grad[0], centred / (3 * np.std(data[0])))
    assert grad[1].tolist() == [0.0, 0.0, 0.0]


def test_cumsum_gradient_is_the_sum_of_the_weights_from_each_position_to_the_end():
    assert grad_of(lambda x: x.cumsum(), [1.0, 2.0, 3.0], [1.0, 10.0, 100.0]).tolist() == [111.0, 110.0, 100.0]


def test_logaddexp_is_finite_for_large_inputs_and_its_gradient_is_a_softmax():
    a = leaf([1000.0, -1000.0, 0.0])
    b = leaf([1000.0, 0.0, -1000.0])
    out = logaddexp(a, b)
    np.testing.assert_allclose(out.data, [1000.0 + math.log(2), 0.0, 0.0])
    out.sum().backward()
    np.testing.assert_allclose(a.grad, [0.5, 0.0, 1.0])
    np.testing.assert_allclose(b.grad, [0.5, 1.0, 0.0])


def test_logaddexp_takes_numbers_and_arrays_beside_a_tensor_and_refuses_a_value():
    x = leaf([0.0, 1.0])
    np.testing.assert_allclose(logaddexp(x, 0.0).data, np.logaddexp([0.0, 1.0], 0.0))
    np.testing.assert_allclose(logaddexp(np.array([1.0]), x).data, np.logaddexp(1.0, [0.0, 1.0]))
    with pytest.raises(TypeError, match="logaddexp: cannot combine a Tensor with a Value"):
        logaddexp(x, Value(1.0))


# --------------------------------------------------------------------------- contractions


def test_einsum_gradients_agree_with_matmul():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((3, 4)), rng.standard_normal((4, 2))
    s, t = leaf(a), leaf(b)
    einsum("ij,jk->ik", s, t).sum().backward()
    u, v = leaf(a), leaf(b)
    (u @ v).sum().backward()
    np.testing.assert_allclose(s.grad, u.grad, rtol=1e-14)
    np.testing.assert_allclose(t.grad, v.grad, rtol=1e-14)


def test_einsum_of_a_diagonal_gives_the_identity_as_gradient():
    assert grad_of(lambda x: einsum("ii->", x), np.ones((3, 3))).tolist() == np.eye(3).tolist()


def test_numpy_einsum_on_tensors_is_a_tensor_with_its_graph():
    s, t = leaf(np.ones((2, 3))), leaf(np.ones((3, 2)))
    out = np.einsum("ij,jk->ik", s, t)
    assert isinstance(out, Tensor) and out.op == "einsum" and out.parents == (s, t)


@pytest.mark.parametrize(
    "subscripts, shapes, message",
    [
        ("ij,jk->ik", [(2, 3), (4, 5)], "axis 'j' has sizes 3 and 4"),
        ("ij,jk->ik", [(2, 3)], "they name 2 operand(s), 1 were given"),
        ("ijk->i", [(2, 3)], "'ijk' names 3 axes for an operand of 2"),
        ("ij->k", [(2, 3)], "the output names 'k', which no input has"),
        ("ij->ii", [(2, 3)], "the output 'ii' names an axis twice or has a stray '.'"),
        ("...ij->i", [(4, 2, 3)], "the inputs have '...' axes, so the output needs '...' too"),
        ("ij,j0->i", [(2, 3), (3, 1)], "subscripts are letters, ',' between operands, '...' and at most one '->'"),
    ],
)
def test_einsum_subscripts_that_do_not_match_the_operands_are_a_value_error_naming_einsum_and_the_shapes(
    subscripts, shapes, message
):
    operands = [leaf(np.ones(shape)) for shape in shapes]
    expected = (f"einsum: subscripts '{subscripts}' do not match operands of shapes "
                f"{', '.join(str(shape) for shape in shapes)}: {message}")
    with pytest.raises(ValueError, match="^" + re.escape(expected) + "$"):
        einsum(subscripts, *operands)


def test_einsum_needs_a_subscripts_string():
    with pytest.raises(TypeError, match="einsum: the first argument is the subscripts string"):
        einsum(Tensor(np.ones(2)), [0])


@pytest.mark.parametrize(
    "call, kind, message",
    [
        (lambda a, b: tensordot(a, b, axes=1), ValueError,
         r"tensordot: shapes \(2, 3\) and \(4, 2\) are not aligned: axis 1 of the first has size 3, axis 0 of the "
         r"second 4"),
        (lambda a, b: tensordot(a, b, axes=3), ValueError, r"tensordot: axes=3 for shapes \(2, 3\) and \(4, 2\)"),
        (lambda a, b: tensordot(a, b, axes=([0], [0, 1])), ValueError, r"tensordot: axes .* pair 1 axes of a with 2"),
        (lambda a, b: tensordot(a, b, axes="last"), TypeError, r"tensordot: axes is an int or a pair"),
        (lambda a, b: a.dot(b), ValueError, r"dot: shapes \(2, 3\) and \(4, 2\) are not aligned"),
        (lambda a, b: np.dot(a, b), ValueError, r"dot: shapes \(2, 3\) and \(4, 2\) are not aligned"),
    ],
)
def test_contractions_of_misaligned_shapes_name_the_op_and_the_shapes(call, kind, message):
    with pytest.raises(kind, match=message):
        call(leaf(np.ones((2, 3))), leaf(np.ones((4, 2))))


# --------------------------------------------------------------------------- bad axes and arguments


@pytest.mark.parametrize(
    "call, kind, message",
    [
        (lambda x: x.prod(axis=2), ValueError, r"prod: axis 2 is out of range for a tensor of shape \(2, 4\)"),
        (lambda x: x.std(axis=-3), ValueError, r"std: axis -3 is out of range"),
        (lambda x: x.cumsum(axis=(0, 1)), TypeError, r"cumsum: axis must be None or one int"),
        (lambda x: x.cumsum(axis=5), ValueError, r"cumsum: axis 5 is out of range"),
        (lambda x: x.sort(axis=2), ValueError, r"sort: axis 2 is out of range for 2 axes"),
        (lambda x: x.flip(axis=3), ValueError, r"flip: axis 3 is out of range"),
        (lambda x: x.roll(1, axis=2), ValueError, r"roll: axis 2 is out of range"),
        (lambda x: x.roll((1, 2), axis=(0, 1, 0)), ValueError, r"roll: 2 shifts for 3 axes"),
        (lambda x: x.repeat(2, axis=2), ValueError, r"repeat: axis 2 is out of range"),
        (lambda x: x.repeat([1, 2, 3], axis=1), ValueError, r"repeat: 3 counts for an axis of length 4"),
        (lambda x: x.repeat(-1), ValueError, r"repeat: repeats must not be negative"),
        (lambda x: x.repeat(1.5), TypeError, r"repeat: repeats must be an int or a sequence of ints"),
        (lambda x: x.tile((2, -1)), ValueError, r"tile: reps must not be negative"),
        (lambda x: x.pad(-1), ValueError, r"pad: pad_width must not be negative"),
        (lambda x: x.pad(((1, 1), (1, 1), (1, 1))), ValueError, r"pad: pad_width .* does not fit a tensor of shape"),
        (lambda x: x.pad(1.5), TypeError, r"pad: pad_width holds ints"),
        (lambda x: np.pad(x, 1, mode="reflect"), TypeError, r"numpy.pad on a Tensor: only mode='constant'"),
        (lambda x: split(x, 3, axis=1), ValueError, r"split: axis 1 of shape \(2, 4\) \(length 4\) does not split "
                                                    r"into 3 equal pieces"),
        (lambda x: split(x, 2, axis=2), ValueError, r"split: axis 2 is out of range"),
        (lambda x: x.trace(axis1=1, axis2=1), ValueError, r"trace: axis1 and axis2 must differ"),
        (lambda x: x[0].trace(), ValueError, r"trace: needs a tensor of at least 2 axes, got shape \(4,\)"),
        (lambda x: x.reshape(2, 2, 2).diag(), ValueError, r"diag: expects a 1-D tensor .* got shape \(2, 2, 2\)"),
        (lambda x: x.diag(k=0.5), TypeError, r"diag: k must be an int"),
        (lambda x: x[0].tril(), ValueError, r"tril: needs a tensor of at least 2 axes"),
        (lambda x: x.triu(k="1"), TypeError, r"triu: k must be an int"),
        (lambda x: vstack([x, x[:, :3]]), ValueError, r"vstack: the tensors must agree on every axis but the joined "
                                                      r"one .* got shapes \(2, 4\), \(2, 3\)"),
        (lambda x: vstack([]), ValueError, r"vstack: needs at least one tensor"),
        (lambda x: autograd.hstack(x), TypeError, r"hstack: expects a list or tuple of tensors"),
    ],
)
def test_bad_axes_and_arguments_raise_errors_naming_the_op(call, kind, message):
    with pytest.raises(kind, match=message):
        call(leaf(np.arange(8.0).reshape(2, 4)))


# --------------------------------------------------------------------------- the functions and their results


def test_split_returns_the_pieces_and_their_gradients_land_where_they_were_cut():
    x = leaf(np.arange(6.0))
    first, second, third = split(x, [1, 4])
    assert [piece.shape for piece in (first, second, third)] == [(1,), (3,), (2,)]
    (first * 1.0 + 0).sum().backward()
    (third * 3.0).sum().backward()
    assert x.grad.tolist() == [1.0, 0.0, 0.0, 0.0, 3.0, 3.0]


def test_diag_goes_both_ways_and_trace_is_the_sum_of_diag():
    v = leaf([1.0, 2.0])
    matrix = v.diag(1)
    np.testing.assert_array_equal(matrix.data, np.diag([1.0, 2.0], 1))
    (matrix.diag(1) * Tensor([5.0, 7.0])).sum().backward()
    assert v.grad.tolist() == [5.0, 7.0]
    m = Tensor(np.arange(9.0).reshape(3, 3))
    assert m.trace().item() == m.diag().sum().item() == 12.0


def test_autograd_dot_given_tensors_is_numpys_dot_with_its_graph():
    w, x = leaf([1.0, 2.0]), leaf([[3.0], [4.0]])
    out = autograd.dot(w, x, bias=0.5)
    assert isinstance(out, Tensor) and out.data.tolist() == [11.5]
    out.sum().backward()
    assert w.grad.tolist() == [3.0, 4.0] and x.grad.tolist() == [[1.0], [2.0]]
    assert autograd.dot(np.array([1.0, 2.0]), Tensor([3.0, 4.0])).item() == 11.0


def test_the_new_functions_are_exported_by_autograd():
    for name in ("einsum", "tensordot", "outer", "logaddexp", "split", "vstack", "hstack"):
        assert name in autograd.__all__ and callable(getattr(autograd, name))
