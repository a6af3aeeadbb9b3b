"""The window ops (conv2d, conv_transpose2d, conv2d_weight, max_pool2d) against PyTorch, by gradcheck and
gradgradcheck in float64, on ties, NaN and infinities, and their errors."""

import numpy as np
import pytest
import torch

import autograd
from autograd import Tensor, conv2d, conv2d_weight, conv_transpose2d, gradcheck, gradgradcheck, max_pool2d

F = torch.nn.functional
STRIDES = [(1, 1), (2, 2), (2, 1), (3, 2)]
TOLERANCE = {np.float32: 1e-5, np.float64: 1e-12}


def draw(*shape, dtype=np.float64, seed=0):
    return np.random.default_rng(seed + sum(shape)).standard_normal(shape).astype(dtype)


def close(ours, theirs, dtype):
    theirs = theirs.detach().numpy() if isinstance(theirs, torch.Tensor) else theirs
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, rtol=TOLERANCE[dtype], atol=TOLERANCE[dtype] * 10)


def backward_both(ours, theirs, seed=1):
    """Σ u·out for fixed weights u, backward in both."""
    u = draw(*ours.shape, dtype=ours.dtype, seed=seed)
    (ours * Tensor(u)).sum().backward()
    (theirs * torch.from_numpy(u)).sum().backward()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("stride", STRIDES)
@pytest.mark.parametrize("with_bias", [True, False])
def test_conv2d_and_its_gradients_match_pytorch(dtype, stride, with_bias):
    x, w, b = draw(3, 2, 9, 8, dtype=dtype), draw(4, 2, 3, 2, dtype=dtype), draw(4, dtype=dtype)
    ours = [Tensor(a, requires_grad=True) for a in (x, w, b)]
    theirs = [torch.tensor(a, requires_grad=True) for a in (x, w, b)]
    out = conv2d(ours[0], ours[1], ours[2] if with_bias else None, stride)
    expected = F.conv2d(theirs[0], theirs[1], theirs[2] if with_bias else None, stride)
    close(out.data, expected, dtype)
    backward_both(out, expected)
    for mine, reference in zip(ours[:3 if with_bias else 2], theirs):
        close(mine.grad, reference.grad, dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("stride", [(1, 1), (2, 1)])
def test_conv2d_on_a_batch_large_enough_to_run_a_slice_at_a_time_matches_pytorch(dtype, stride):
    x, w, b = draw(64, 8, 13, 13, dtype=dtype), draw(16, 8, 3, 3, dtype=dtype), draw(16, dtype=dtype)
    assert autograd.tensor.windows._chunks(64, (72, 143), x.itemsize) is not None
    ours = [Tensor(a, requires_grad=True) for a in (x, w, b)]
    theirs = [torch.tensor(a, requires_grad=True) for a in (x, w, b)]
    out, expected = conv2d(*ours, stride), F.conv2d(*theirs, stride=stride)
    close(out.data, expected, dtype)
    backward_both(out, expected)
    for mine, reference in zip(ours, theirs):
        np.testing.assert_allclose(mine.grad, reference.grad.numpy(), rtol=TOLERANCE[dtype] * 10,
                                   atol=TOLERANCE[dtype] * 100)


@pytest.mark.parametrize("needs", [(False, False, True), (False, True, False), (True, False, True),
                                   (True, True, True)])
@pytest.mark.parametrize("batch", [2, 64])  # 64: the columns made a slice of the batch at a time
def test_conv2d_bias_gradient_matches_pytorch_whichever_operands_need_gradients(needs, batch):
    # the bias rides through the matmul as a column of the kernel times a row of ones in the columns
    x, w, b = draw(batch, 8, 13, 13), draw(16, 8, 3, 3), draw(16)
    ours = [Tensor(a, requires_grad=need) for a, need in zip((x, w, b), needs)]
    theirs = [torch.tensor(a, requires_grad=need) for a, need in zip((x, w, b), needs)]
    out, expected = conv2d(*ours), F.conv2d(*theirs)
    close(out.data, expected, np.float64)
    backward_both(out, expected)
    for mine, reference, need in zip(ours, theirs, needs):
        assert (mine.grad is None) == (not need)
        if need:
            close(mine.grad, reference.grad, np.float64)


def test_conv2d_gives_an_input_that_needs_no_gradient_none_and_the_weight_its_gradient():
    x, w = draw(2, 1, 6, 6), draw(3, 1, 3, 3)
    weight = Tensor(w, requires_grad=True)
    out = conv2d(Tensor(x), weight)
    backward_both(out, F.conv2d(torch.tensor(x), wt := torch.tensor(w, requires_grad=True)))
    close(weight.grad, wt.grad, np.float64)


@pytest.mark.filterwarnings("ignore:invalid value encountered in matmul")  # OpenBLAS's flag; no NaN results
@pytest.mark.parametrize("stride", [(1, 1), (2, 1)])
def test_conv2d_input_gradient_with_an_infinite_weight_is_infinite_only_where_pytorchs_is(stride):
    # at stride 1 the input gradient adds whole planes of products, zeros past the windows included (inf·0 = NaN)
    x, w = np.abs(draw(2, 2, 6, 5)), draw(3, 2, 3, 3)  # x > 0: the outputs are +inf, never inf - inf
    w[1, 0, 1, 1] = np.inf
    ours, theirs = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, reference = conv2d(ours, Tensor(w), stride=stride), F.conv2d(theirs, torch.tensor(w), stride=stride)
    u = np.abs(draw(*out.shape, seed=1))
    (out * Tensor(u)).sum().backward()
    (reference * torch.from_numpy(u)).sum().backward()
    expected = theirs.grad.numpy()
    assert np.isinf(expected).any() and np.isfinite(expected).any() and not np.isnan(expected).any()
    np.testing.assert_allclose(ours.grad, expected, rtol=1e-12)


@pytest.mark.parametrize("stride", STRIDES)
def test_conv_transpose2d_matches_pytorch(stride):
    y, w = draw(2, 4, 3, 4), draw(4, 3, 3, 2)
    extra = (stride[0] - 1, 0)  # the tallest output that still gives 3 rows of windows
    size = tuple((m - 1) * s + k + e for m, s, k, e in zip(y.shape[2:], stride, w.shape[2:], extra))
    ours = [Tensor(a, requires_grad=True) for a in (y, w)]
    theirs = [torch.tensor(a, requires_grad=True) for a in (y, w)]
    out = conv_transpose2d(*ours, stride, size)
    expected = F.conv_transpose2d(*theirs, stride=stride, output_padding=extra)
    close(out.data, expected, np.float64)
    backward_both(out, expected)
    for mine, reference in zip(ours, theirs):
        close(mine.grad, reference.grad, np.float64)


@pytest.mark.parametrize("stride", STRIDES)
def test_conv2d_weight_matches_pytorchs_kernel_gradient(stride):
    x, w = draw(2, 3, 9, 8), draw(4, 3, 3, 2)
    y = F.conv2d(torch.tensor(x), torch.tensor(w), stride=stride).numpy()
    expected = torch.nn.grad.conv2d_weight(torch.tensor(x), w.shape, torch.tensor(y), stride=stride)
    close(conv2d_weight(Tensor(x), Tensor(y), stride, w.shape[2:]).data, expected, np.float64)


def test_conv2d_weight_at_stride_1_infers_the_kernel():
    x, y = draw(2, 3, 6, 5), draw(2, 4, 4, 4)
    assert conv2d_weight(x, y).shape == (4, 3, 3, 2)


@pytest.mark.parametrize("stride", [(1, 1), (2, 1)])
def test_the_three_correlations_pass_gradcheck_and_gradgradcheck(stride):
    x, w, b = draw(2, 2, 6, 5), draw(3, 2, 3, 2), draw(3)
    y = conv2d(x, w, stride=stride).data
    for f, inputs in (
        (lambda x, w, b: conv2d(x, w, b, stride), (x, w, b)),
        (lambda y, w: conv_transpose2d(y, w, stride, x.shape[2:]), (y, w)),
        (lambda x, y: conv2d_weight(x, y, stride, w.shape[2:]), (x, y)),
    ):
        assert gradcheck(f, *inputs)
        assert gradgradcheck(f, *inputs)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kernel, stride", [(2, None), (2, 1), (3, 2), ((2, 3), (1, 2)), (3, None)])
def test_max_pool2d_and_its_gradient_match_pytorch(dtype, kernel, stride):
    x = draw(2, 3, 8, 7, dtype=dtype)
    ours, theirs = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out = max_pool2d(ours, kernel, stride)
    expected = F.max_pool2d(theirs, kernel, stride)
    close(out.data, expected, dtype)
    backward_both(out, expected)
    close(ours.grad, theirs.grad, dtype)


def pool_both(x, kernel, stride=None, g=None):
    """max_pool2d of ``x`` in ours and PyTorch, backward with ``g`` (default: fixed weights); (ours, theirs)."""
    ours, theirs = Tensor(x, requires_grad=True), torch.tensor(np.ascontiguousarray(x), requires_grad=True)
    out, expected = max_pool2d(ours, kernel, stride), F.max_pool2d(theirs, kernel, stride)
    g = draw(*out.shape, dtype=x.dtype, seed=1) if g is None else g
    (out * Tensor(g)).sum().backward()
    (expected * torch.from_numpy(g)).sum().backward()
    return (out.data, ours.grad), (expected.detach().numpy(), theirs.grad.numpy())


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape, kernel", [((2, 3, 8, 6), 2), ((2, 2, 6, 9), 3), ((1, 2, 8, 9), (2, 3)),
                                           ((1, 1, 4, 6), (4, 1)), ((2, 1, 3, 3), 1)])
def test_max_pool2d_on_windows_that_tile_the_input_matches_pytorch_exactly(dtype, shape, kernel):
    # ties everywhere (relu's zeros, repeated values) so that the first maximum matters
    x = np.maximum(np.round(draw(*shape, dtype=dtype)), 0).astype(dtype)
    (out, grad), (expected, expected_grad) = pool_both(x, kernel)
    np.testing.assert_array_equal(out, expected)
    np.testing.assert_array_equal(grad, expected_grad)


@pytest.mark.parametrize("layout", ["tiled", "cropped", "transposed"])
def test_max_pool2d_takes_a_windows_last_nan_and_passes_infinite_and_nan_gradients_exactly(layout):
    x = np.array([[[[np.nan, 1.0, 2.0, np.nan, 0.0, 0.0],
                    [3.0, np.nan, np.inf, 4.0, -np.inf, -np.inf],
                    [np.nan, np.nan, 5.0, 5.0, 1.0, 2.0],
                    [np.nan, 7.0, 5.0, 5.0, 2.0, 1.0]]]])
    if layout == "cropped":  # 5 columns: a 2x2 window grid that leaves the last column (NaN) out
        x = np.ascontiguousarray(x[..., :5])
        x[..., 4] = np.nan
    if layout == "transposed":  # a view that is not C-contiguous
        x = np.ascontiguousarray(x.transpose(0, 1, 3, 2)).transpose(0, 1, 3, 2)
    g = np.array([[[[np.inf, np.nan, 1.0], [-np.inf, 2.0, 3.0]]]])[..., :2 if layout == "cropped" else 3]
    (out, grad), (expected, expected_grad) = pool_both(x, 2, g=g)
    np.testing.assert_array_equal(out, expected)
    np.testing.assert_array_equal(grad, expected_grad)


@pytest.mark.parametrize("kernel, stride", [(3, 1), (2, 1), ((3, 2), (1, 2)), ((2, 3), (2, 1))])
def test_max_pool2d_with_overlapping_windows_adds_the_gradients_of_a_shared_maximum_as_pytorch_does(kernel, stride):
    x = np.round(2 * draw(2, 2, 7, 8))  # few values: many windows share their maximum
    (out, grad), (expected, expected_grad) = pool_both(x, kernel, stride)
    np.testing.assert_array_equal(out, expected)
    np.testing.assert_allclose(grad, expected_grad, rtol=1e-14)  # sums in another order


def test_max_pool2d_keeps_its_window_corners_only_within_the_budget(monkeypatch):
    windows = autograd.tensor.windows
    monkeypatch.setattr(windows, "_corners", {})
    monkeypatch.setattr(windows, "_CORNERS_BYTES", 2 * 3 * 4 * 3 * 8)  # the corners of one (2, 3, 8, 6) input
    x = np.maximum(np.round(draw(2, 3, 8, 6)), 0)
    (_, grad), (_, expected_grad) = pool_both(x, 2)
    np.testing.assert_array_equal(grad, expected_grad)
    assert list(windows._corners) == [((2, 3, 8, 6), (4, 3), (2, 2))]
    (_, grad), (_, expected_grad) = pool_both(np.concatenate([x, x]), 2)  # twice the budget: computed, not kept
    np.testing.assert_array_equal(grad, expected_grad)
    assert list(windows._corners) == []


def test_max_pool2d_of_an_input_that_needs_no_gradient_gives_the_same_maxima():
    x = np.maximum(np.round(draw(2, 3, 8, 6)), 0)
    x[0, 0, 0, 0] = np.nan
    for kernel, stride in [(2, None), (3, 2)]:
        np.testing.assert_array_equal(max_pool2d(Tensor(x), kernel, stride).data,
                                      max_pool2d(Tensor(x, requires_grad=True), kernel, stride).data)


@pytest.mark.parametrize("stride", [2, 1])
def test_max_pool2d_sends_a_tied_windows_gradient_to_its_first_maximum_as_pytorch_does(stride):
    x = np.array([[[[1.0, 1.0, 0.0], [1.0, 0.5, 1.0], [0.0, 1.0, 1.0]]]])
    ours, theirs = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, expected = max_pool2d(ours, 2, stride), F.max_pool2d(theirs, 2, stride)
    backward_both(out, expected)
    np.testing.assert_array_equal(ours.grad, theirs.grad.numpy())


def test_max_pool2d_takes_nan_as_the_maximum_and_keeps_infinities_out_of_other_gradients():
    x = np.array([[[[np.nan, 5.0, np.inf, 1.0], [2.0, np.nan, 0.0, -np.inf]]]])
    ours, theirs = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, expected = max_pool2d(ours, 2), F.max_pool2d(theirs, 2)
    np.testing.assert_array_equal(out.data, expected.detach().numpy())
    out.sum().backward()
    expected.sum().backward()
    np.testing.assert_array_equal(ours.grad, theirs.grad.numpy())


def test_max_pool2d_places_an_infinite_gradient_at_the_maximum_only():
    x = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])
    ours = Tensor(x, requires_grad=True)
    (max_pool2d(ours, 2) * np.inf).sum().backward()
    np.testing.assert_array_equal(ours.grad, [[[[0.0, 0.0], [0.0, np.inf]]]])


def test_max_pool2d_second_derivative_is_zero_and_first_derivative_flows_through_create_graph():
    x = draw(1, 2, 4, 4)
    leaf = Tensor(x, requires_grad=True)
    (first,) = autograd.core.engine.gradients((max_pool2d(leaf, 2) ** 2).sum(), [leaf], Tensor(np.ones(())),
                                               create_graph=True)
    expected = np.zeros_like(x)
    for n, c, i, j in np.ndindex(1, 2, 2, 2):
        window = x[n, c, 2 * i:2 * i + 2, 2 * j:2 * j + 2]
        p, q = np.unravel_index(window.argmax(), (2, 2))
        expected[n, c, 2 * i + p, 2 * j + q] = 2 * window.max()
    np.testing.assert_allclose(first.data, expected)
    first.sum().backward()
    np.testing.assert_allclose(leaf.grad, 2.0 * (expected != 0))


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: conv2d(np.ones((2, 3, 4)), np.ones((1, 3, 2, 2))), ValueError, r"conv2d: the input must be 4-D"),
        (lambda: conv2d(np.ones((1, 3, 4, 4)), np.ones((1, 2, 2, 2))), ValueError, r"has 3 channels.*expects 2"),
        (lambda: conv2d(np.ones((1, 1, 2, 2)), np.ones((1, 1, 3, 3))), ValueError, r"kernel 3x3 is larger"),
        (lambda: conv2d(np.ones((1, 1, 4, 4)), np.ones((2, 1, 2, 2)), np.ones(3)), ValueError, r"bias must have shape \(2,\)"),
        (lambda: conv2d(np.ones((1, 1, 4, 4)), np.ones((1, 1, 2, 2)), stride=0), ValueError, r"stride must be >= 1"),
        (lambda: conv2d(np.ones((1, 1, 4, 4)), np.ones((1, 1, 2, 2)), stride=1.5), TypeError, r"stride must be an int"),
        (lambda: conv2d(np.ones((1, 1, 4, 4), dtype=int), np.ones((1, 1, 2, 2))), TypeError, r"floating point"),
        (lambda: conv_transpose2d(np.ones((1, 2, 3, 3)), np.ones((3, 1, 2, 2))), ValueError, r"has 2 channels"),
        (lambda: conv_transpose2d(np.ones((1, 2, 3, 3)), np.ones((2, 1, 2, 2)), 2, (9, 6)), ValueError,
         r"output_size \(9, 6\) does not give"),
        (lambda: conv2d_weight(np.ones((1, 1, 5, 5)), np.ones((1, 1, 3, 3)), 2), ValueError, r"give kernel_size"),
        (lambda: conv2d_weight(np.ones((1, 1, 5, 5)), np.ones((1, 1, 3, 3)), 1, 2), ValueError,
         r"do not give an output of shape"),
        (lambda: max_pool2d(np.ones((1, 1, 2, 2)), 3), ValueError, r"max_pool2d: the kernel 3x3 is larger"),
        (lambda: max_pool2d(np.ones((1, 1, 2, 2)), (2, 2, 2)), TypeError, r"kernel_size must be an int or a pair"),
    ],
)
def test_bad_arguments_are_refused_with_the_op_named(call, error, message):
    with pytest.raises(error, match=message):
        call()
