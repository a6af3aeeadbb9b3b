"""Tensor.backward: seeds, gradient semantics, create_graph, the gradients a user is handed, deep graphs."""

import numpy as np
import pytest

from autograd import Tensor, concatenate, maximum, minimum, no_grad, stack
from autograd.core.engine import gradients


def test_backward_of_a_one_element_tensor_seeds_with_one():
    w = Tensor([[1.0, -2.0]], requires_grad=True)
    (w * 3.0).sum().backward()
    np.testing.assert_array_equal(w.grad, [[3.0, 3.0]])


def test_backward_of_a_1x1_tensor_needs_no_seed():
    a = Tensor([[2.0]], requires_grad=True)
    (a * a).backward()
    np.testing.assert_array_equal(a.grad, [[4.0]])


def test_backward_with_a_seed_gives_the_vector_jacobian_product():
    a = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    (a * a).backward(np.array([1.0, 0.5, -1.0]))
    np.testing.assert_array_equal(a.grad, [2.0, 2.0, -6.0])


def test_a_tensor_seed_works_like_its_data():
    a = Tensor([1.0, 2.0], requires_grad=True)
    (a * 2).backward(Tensor([1.0, 3.0]))
    np.testing.assert_array_equal(a.grad, [2.0, 6.0])


def test_the_seed_is_copied_so_the_caller_can_reuse_their_array():
    a = Tensor([1.0, 2.0], requires_grad=True)
    b = Tensor([3.0, 4.0], requires_grad=True)
    seed = np.array([1.0, 1.0])
    (a + b).backward(seed)
    seed[:] = 100.0
    np.testing.assert_array_equal(a.grad, [1.0, 1.0])


def test_leaves_accumulate_across_passes_and_results_hold_the_last_pass():
    a = Tensor([1.0, 2.0], requires_grad=True)
    b = a * 3
    b.sum().backward()
    b.sum().backward()
    np.testing.assert_array_equal(a.grad, [6.0, 6.0])
    np.testing.assert_array_equal(b.grad, [1.0, 1.0])


def test_a_reused_result_gets_the_sum_of_its_paths():
    a = Tensor([2.0], requires_grad=True)
    b = a + a
    c = b * b
    c.backward()
    np.testing.assert_array_equal(a.grad, [16.0])  # c = 4a², dc/da = 8a


def test_a_broadcast_operand_gets_its_gradient_summed_to_its_shape():
    x = Tensor(np.ones((4, 3)))
    b = Tensor(np.zeros(3), requires_grad=True)
    c = Tensor(np.zeros((4, 1)), requires_grad=True)
    ((x + b) * (x + c) * 2).sum().backward()
    np.testing.assert_array_equal(b.grad, [8.0, 8.0, 8.0])
    np.testing.assert_array_equal(c.grad, [[6.0]] * 4)


def test_no_grad_records_nothing():
    a = Tensor([1.0], requires_grad=True)
    with no_grad():
        b = (a * 2).exp().sum()
    assert b.parents == () and not b.requires_grad


def test_create_graph_gives_tensor_gradients_that_differentiate_again():
    x = Tensor([1.0, -2.0, 0.5], requires_grad=True)
    (x**3).sum().backward(create_graph=True)
    first = x.grad
    assert isinstance(first, Tensor) and first.requires_grad
    np.testing.assert_allclose(first.data, 3 * x.data**2)
    x.grad = None
    first.sum().backward()
    np.testing.assert_allclose(x.grad, 6 * x.data)


def test_hessian_vector_product_of_a_quadratic_form():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((3, 3))
    x = Tensor(rng.standard_normal(3), requires_grad=True)
    v = rng.standard_normal(3)
    loss = x @ (Tensor(A) @ x)  # xᵀAx: gradient (A + Aᵀ)x, Hessian A + Aᵀ
    (grad,) = gradients(loss, [x], Tensor(np.ones(())), create_graph=True)
    (hvp,) = gradients((grad * Tensor(v)).sum(), [x], np.ones(()))
    np.testing.assert_allclose(hvp, (A + A.T) @ v)


def test_gradients_leaves_grad_untouched():
    a = Tensor([1.0, 2.0], requires_grad=True)
    a.grad = np.array([5.0, 5.0])
    (grad,) = gradients((a * a).sum(), [a], np.ones(()))
    np.testing.assert_array_equal(grad, [2.0, 4.0])
    np.testing.assert_array_equal(a.grad, [5.0, 5.0])


def test_gradients_of_a_non_leaf_input():
    a = Tensor([1.0, 2.0], requires_grad=True)
    b = a * 2
    (grad,) = gradients((b * b).sum(), [b], np.ones(()))
    np.testing.assert_array_equal(grad, [4.0, 8.0])


# the gradients a user is handed are arrays of their own, writable, of the leaf's dtype


def test_two_leaves_of_a_sum_get_separate_gradient_arrays():
    a = Tensor([1.0, 2.0], requires_grad=True)
    b = Tensor([3.0, 4.0], requires_grad=True)
    (a + b - b * 0).sum().backward()
    assert a.grad is not b.grad
    a.grad *= 0.5
    np.testing.assert_array_equal(a.grad, [0.5, 0.5])
    np.testing.assert_array_equal(b.grad, [1.0, 1.0])


@pytest.mark.parametrize(
    "make",
    [
        lambda a: a.sum(),
        lambda a: a.mean(),
        lambda a: a.reshape(6).sum(),
        lambda a: a.T.sum(),
        lambda a: a.expand(4, 2, 3).sum(),
        lambda a: a[0].sum() + a[1].sum(),
        lambda a: concatenate([a, a]).sum(),
        lambda a: stack([a, a]).sum(),
        lambda a: (a + 1.0).sum(),
        lambda a: a.squeeze().unsqueeze(0).sum(),
    ],
    ids=["sum", "mean", "reshape", "T", "expand", "getitem", "concatenate", "stack", "add", "squeeze"],
)
def test_a_leaf_gradient_is_a_writable_array_of_its_own(make):
    a = Tensor(np.ones((2, 3)), requires_grad=True)
    make(a).backward()
    assert isinstance(a.grad, np.ndarray) and a.grad.flags.writeable and a.grad.flags.owndata
    before = a.grad.copy()
    a.grad *= 0.5
    np.testing.assert_array_equal(a.grad, before * 0.5)


@pytest.mark.parametrize(
    "make",
    [lambda a, b: (a * b).sum(), lambda a, b: a.exp() * 2.0, lambda a, b: a.reshape(1, 1)[0, 0] ** 2],
    ids=["broadcast", "elementwise", "indexing"],
)
def test_a_0d_leaf_gets_a_0d_array_gradient(make):
    a = Tensor(2.0, requires_grad=True)
    b = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    make(a, b).backward()
    assert type(a.grad) is np.ndarray and a.grad.shape == ()


def test_float32_stays_float32_through_an_mlp_forward_and_backward():
    rng = np.random.default_rng(0)
    X = Tensor(rng.standard_normal((8, 4)).astype(np.float32))
    W1 = Tensor(rng.standard_normal((4, 5)).astype(np.float32), requires_grad=True)
    b1 = Tensor(np.zeros(5, np.float32), requires_grad=True)
    W2 = Tensor(rng.standard_normal((5, 3)).astype(np.float32), requires_grad=True)
    labels = np.array([0, 1, 2, 1, 0, 2, 2, 1])
    hidden = (X @ W1 + b1).relu() * 0.5 + (X @ W1).sigmoid() / 3.0 - np.float64(0.1)
    scores = (hidden**2 @ W2).tanh() + hidden.mean() * 2.0
    loss = -scores.log_softmax(axis=-1)[np.arange(8), labels].mean() + scores.var() + scores.softmax().max()
    assert hidden.dtype == scores.dtype == loss.dtype == np.float32
    loss.backward()
    for p in (W1, b1, W2):
        assert p.grad.dtype == np.float32


def test_a_float32_leaf_mixed_with_float64_data_gets_a_float32_gradient():
    w = Tensor(np.ones(3, np.float32), requires_grad=True)
    out = (w * np.array([1.0, 2.0, 3.0])).sum()
    assert out.dtype == np.float64  # numpy promotes, as it would
    out.backward()
    assert w.grad.dtype == np.float32
    np.testing.assert_array_equal(w.grad, [1.0, 2.0, 3.0])


def test_a_constant_operand_gets_no_gradient_computed():
    X = Tensor(np.ones((2, 3)))
    W = Tensor(np.ones((3, 4)), requires_grad=True)
    out = X @ W
    grads = out._vjp(np.ones((2, 4)), out.data, X.data, W.data)
    assert grads[0] is None and grads[1].shape == (3, 4)
    out = X * W[:, :1].T
    grads = out._vjp(np.ones((2, 3)), out.data, *[p.data for p in out.parents])
    assert grads[0] is None


# conventions at ties and kinks


def test_max_splits_the_gradient_evenly_among_ties():
    a = Tensor([1.0, 3.0, 3.0, 2.0], requires_grad=True)
    a.max().backward()
    np.testing.assert_array_equal(a.grad, [0.0, 0.5, 0.5, 0.0])


def test_min_along_an_axis_splits_ties_per_row():
    a = Tensor([[1.0, 1.0, 1.0], [0.0, 2.0, 3.0]], requires_grad=True)
    a.min(axis=1).sum().backward()
    np.testing.assert_allclose(a.grad, [[1 / 3, 1 / 3, 1 / 3], [1.0, 0.0, 0.0]])


def test_maximum_and_minimum_split_ties_evenly():
    a = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = Tensor([1.0, 5.0, 0.0], requires_grad=True)
    (maximum(a, b) + 10 * minimum(a, b)).sum().backward()
    np.testing.assert_array_equal(a.grad, [5.5, 10.0, 1.0])
    np.testing.assert_array_equal(b.grad, [5.5, 1.0, 10.0])


def test_relu_abs_and_clip_conventions_at_kinks():
    a = Tensor([0.0, 1.0, -1.0], requires_grad=True)
    a.relu().sum().backward()
    np.testing.assert_array_equal(a.grad, [0.0, 1.0, 0.0])
    a.grad = None
    a.abs().sum().backward()
    np.testing.assert_array_equal(a.grad, [0.0, 1.0, -1.0])
    a.grad = None
    a.clip(-1.0, 0.0).sum().backward()  # the bounds are inside the interval
    np.testing.assert_array_equal(a.grad, [1.0, 0.0, 1.0])


def test_sign_is_recorded_with_a_zero_derivative():
    a = Tensor([-2.0, 0.0, 3.0], requires_grad=True)
    s = a.sign()
    (s * a).sum().backward()  # d/da (sign(a)·a) = sign(a): only the product's rule contributes
    np.testing.assert_array_equal(s.data, [-1.0, 0.0, 1.0])
    np.testing.assert_array_equal(a.grad, [-1.0, 0.0, 1.0])


def test_indexing_with_repeated_indices_adds_their_gradients():
    a = Tensor([10.0, 20.0, 30.0], requires_grad=True)
    a[[0, 0, 2, 0]].sum().backward()
    np.testing.assert_array_equal(a.grad, [3.0, 0.0, 1.0])


def test_second_derivative_through_indexing_with_repeats():
    a = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    loss = (a[[0, 0, 2]] ** 3).sum()  # 2a₀³ + a₂³
    (grad,) = gradients(loss, [a], Tensor(np.ones(())), create_graph=True)
    np.testing.assert_array_equal(grad.data, [6.0, 0.0, 27.0])
    grad.sum().backward()
    np.testing.assert_array_equal(a.grad, [12.0, 0.0, 18.0])


# deep graphs


def test_a_chain_of_100000_ops_goes_backward():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = x
    for _ in range(50_000):
        y = y * 1.00001
        y = y + 0.5
    y.sum().backward()
    np.testing.assert_allclose(x.grad, [1.00001**50_000] * 2)
    del y  # freeing the chain must not recurse either


def test_a_zero_d_leaf_reached_by_several_paths_gets_an_ndarray_grad():
    x = Tensor(2.0, requires_grad=True)
    (x * x + x).backward()
    assert type(x.grad) is np.ndarray and x.grad.shape == () and x.grad == 5.0
