"""Convolution and pooling: conv2d, max_pool2d, avg_pool2d and the layers Conv2d, MaxPool2d, AvgPool2d, Flatten."""

import numpy as np
import pytest

import nn
import nn.functional as F
from autograd import Tensor, gradcheck, gradgradcheck
from tests.finite_differences import numeric_gradient

# --- direct loop references -------------------------------------------------------------------------


def loop_conv2d(x, w, b=None, stride=(1, 1), padding=(0, 0)):
    """out[n, o, i, j] = b[o] + Σ_c Σ_p Σ_q w[o, c, p, q] · x_padded[n, c, i·sh + p, j·sw + q], element by element."""
    (sh, sw), (ph, pw) = stride, padding
    n, c, h, wd = x.shape
    o, _, kh, kw = w.shape
    padded = np.zeros((n, c, h + 2 * ph, wd + 2 * pw))
    padded[:, :, ph:ph + h, pw:pw + wd] = x
    oh, ow = (h + 2 * ph - kh) // sh + 1, (wd + 2 * pw - kw) // sw + 1
    out = np.zeros((n, o, oh, ow))
    for a in range(n):
        for f in range(o):
            for i in range(oh):
                for j in range(ow):
                    total = 0.0 if b is None else b[f]
                    for ch in range(c):
                        for p in range(kh):
                            for q in range(kw):
                                total += w[f, ch, p, q] * padded[a, ch, i * sh + p, j * sw + q]
                    out[a, f, i, j] = total
    return out


def loop_pool(x, kernel, stride, reduce):
    """reduce(window) for every window, element by element."""
    (kh, kw), (sh, sw) = kernel, stride
    n, c, h, w = x.shape
    oh, ow = (h - kh) // sh + 1, (w - kw) // sw + 1
    out = np.zeros((n, c, oh, ow))
    for a in range(n):
        for ch in range(c):
            for i in range(oh):
                for j in range(ow):
                    out[a, ch, i, j] = reduce(x[a, ch, i * sh:i * sh + kh, j * sw:j * sw + kw])
    return out


def loop_max_pool_gradient(x, kernel, stride, g):
    """d Σ(g · max_pool(x)) / dx with each window's gradient on its first maximum (row-major)."""
    (kh, kw), (sh, sw) = kernel, stride
    grad = np.zeros_like(x)
    for a, ch, i, j in np.ndindex(g.shape):
        window = x[a, ch, i * sh:i * sh + kh, j * sw:j * sw + kw]
        p, q = np.unravel_index(np.argmax(window), window.shape)
        grad[a, ch, i * sh + p, j * sw + q] += g[a, ch, i, j]
    return grad


CONV_CASES = [  # (x shape, w shape, stride, padding)
    ((2, 3, 6, 5), (4, 3, 3, 3), 1, 0),
    ((1, 2, 7, 7), (3, 2, 3, 2), 2, 0),
    ((2, 1, 5, 6), (2, 1, 3, 3), 1, 1),
    ((1, 2, 6, 7), (2, 2, 2, 3), (2, 1), (1, 2)),
    ((2, 2, 4, 4), (1, 2, 4, 4), 1, 0),
    ((1, 1, 3, 3), (2, 1, 5, 4), (1, 3), (1, 1)),
    ((1, 2, 5, 6), (2, 2, 3, 3), 1, (0, 1)),  # padding on one axis only
    ((2, 1, 4, 5), (1, 1, 2, 3), (1, 2), (2, 0)),
]


def _pair(v):
    return v if isinstance(v, tuple) else (v, v)


@pytest.mark.parametrize("x_shape, w_shape, stride, padding", CONV_CASES)
def test_conv2d_matches_a_direct_loop(x_shape, w_shape, stride, padding):
    rng = np.random.default_rng(0)
    x, w, b = rng.standard_normal(x_shape), rng.standard_normal(w_shape), rng.standard_normal(w_shape[0])
    out = F.conv2d(Tensor(x), Tensor(w), Tensor(b), stride=stride, padding=padding)
    expected = loop_conv2d(x, w, b, _pair(stride), _pair(padding))
    assert out.shape == expected.shape
    np.testing.assert_allclose(out.data, expected, rtol=1e-12, atol=1e-12)


def test_conv2d_without_bias_matches_a_direct_loop():
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal((2, 2, 5, 5)), rng.standard_normal((3, 2, 2, 2))
    np.testing.assert_allclose(F.conv2d(Tensor(x), Tensor(w)).data, loop_conv2d(x, w), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("x_shape, w_shape, stride, padding", CONV_CASES)
def test_conv2d_gradients_match_central_differences(x_shape, w_shape, stride, padding):
    rng = np.random.default_rng(2)
    arrays = [rng.standard_normal(x_shape), rng.standard_normal(w_shape), rng.standard_normal(w_shape[0])]
    out_shape = loop_conv2d(*arrays, _pair(stride), _pair(padding)).shape
    weights = rng.standard_normal(out_shape)

    def loss(x, w, b):
        return float((loop_conv2d(x, w, b, _pair(stride), _pair(padding)) * weights).sum())

    tensors = [Tensor(a, requires_grad=True) for a in arrays]
    (F.conv2d(*tensors, stride=stride, padding=padding) * Tensor(weights)).sum().backward()
    for tensor, numeric in zip(tensors, numeric_gradient(loss, arrays)):
        np.testing.assert_allclose(tensor.grad, numeric, rtol=1e-6, atol=1e-7)


def test_conv2d_second_derivatives_pass_gradgradcheck():
    rng = np.random.default_rng(3)
    x, w, b = rng.standard_normal((1, 2, 4, 4)), rng.standard_normal((2, 2, 2, 2)), rng.standard_normal(2)

    def f(x, w, b):
        return F.avg_pool2d(F.conv2d(x, w, b, stride=1, padding=1).tanh(), 2)

    assert gradcheck(f, x, w, b)
    assert gradgradcheck(f, x, w, b)


def test_conv2d_keeps_float32():
    x = Tensor(np.ones((1, 1, 4, 4), dtype=np.float32))
    w = Tensor(np.ones((2, 1, 3, 3), dtype=np.float32), requires_grad=True)
    out = F.conv2d(x, w, padding=1)
    out.sum().backward()
    assert (out.dtype, w.grad.dtype) == (np.float32, np.float32)


def test_conv2d_takes_ndarrays_as_constants():
    x, w = np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2))
    assert F.conv2d(x, w).data.tolist() == [[[[4.0, 4.0], [4.0, 4.0]]]]


# --- pooling -------------------------------------------------------------------------------------------

POOL_CASES = [  # (kernel_size, stride)
    (2, None),
    (3, 1),
    ((2, 3), (1, 2)),
    (3, 2),
    (2, 3),
]


@pytest.mark.parametrize("kernel_size, stride", POOL_CASES)
def test_max_pool2d_matches_a_direct_loop(kernel_size, stride):
    x = np.random.default_rng(4).standard_normal((2, 3, 7, 8))
    kernel = _pair(kernel_size)
    expected = loop_pool(x, kernel, kernel if stride is None else _pair(stride), np.max)
    np.testing.assert_array_equal(F.max_pool2d(Tensor(x), kernel_size, stride).data, expected)


@pytest.mark.parametrize("kernel_size, stride", POOL_CASES)
def test_avg_pool2d_matches_a_direct_loop(kernel_size, stride):
    x = np.random.default_rng(5).standard_normal((2, 3, 7, 8))
    kernel = _pair(kernel_size)
    expected = loop_pool(x, kernel, kernel if stride is None else _pair(stride), np.mean)
    np.testing.assert_allclose(F.avg_pool2d(Tensor(x), kernel_size, stride).data, expected, rtol=1e-14)


@pytest.mark.parametrize("kernel_size, stride", POOL_CASES)
@pytest.mark.parametrize("pool, reduce", [(F.max_pool2d, np.max), (F.avg_pool2d, np.mean)])
def test_pooling_gradients_match_central_differences(pool, reduce, kernel_size, stride):
    rng = np.random.default_rng(6)
    x = rng.permutation(2 * 2 * 6 * 7).reshape(2, 2, 6, 7) / 10.0  # distinct values 0.1 apart: no ties within eps
    kernel = _pair(kernel_size)
    strides = kernel if stride is None else _pair(stride)
    weights = rng.standard_normal(loop_pool(x, kernel, strides, reduce).shape)
    tensor = Tensor(x, requires_grad=True)
    (pool(tensor, kernel_size, stride) * Tensor(weights)).sum().backward()
    numeric = numeric_gradient(lambda a: (loop_pool(a, kernel, strides, reduce) * weights).sum(), [x])[0]
    np.testing.assert_allclose(tensor.grad, numeric, rtol=1e-6, atol=1e-8)


def test_max_pool2d_sends_a_tied_window_gradient_to_its_first_maximum():
    x = Tensor(np.array([[[[1.0, 1.0, 0.0, 2.0], [1.0, 1.0, 2.0, 2.0]]]]), requires_grad=True)
    F.max_pool2d(x, 2).sum().backward()
    assert x.grad.tolist() == [[[[1.0, 0.0, 0.0, 1.0], [0.0, 0.0, 0.0, 0.0]]]]


def test_max_pool2d_with_overlapping_windows_adds_gradients_as_a_loop_does():
    x = np.round(np.random.default_rng(7).standard_normal((2, 2, 6, 6)), 0)  # rounded: many ties
    g = np.random.default_rng(8).standard_normal((2, 2, 4, 4))
    tensor = Tensor(x, requires_grad=True)
    (F.max_pool2d(tensor, 3, 1) * Tensor(g)).sum().backward()
    np.testing.assert_allclose(tensor.grad, loop_max_pool_gradient(x, (3, 3), (1, 1), g), rtol=1e-14)


def test_max_pool2d_of_relu_zeros_sends_one_gradient_per_window():
    x = Tensor(np.zeros((1, 1, 4, 4)), requires_grad=True)
    F.max_pool2d(x, 2).sum().backward()
    assert x.grad.sum() == 4.0 and x.grad[0, 0, ::2, ::2].tolist() == [[1.0, 1.0], [1.0, 1.0]]


def test_max_pool2d_propagates_nan_and_handles_infinities():
    x = np.array([[[[np.nan, 1.0, -np.inf, 3.0], [2.0, 5.0, -np.inf, -np.inf]]]])
    tensor = Tensor(x, requires_grad=True)
    out = F.max_pool2d(tensor, 2)
    out.sum().backward()
    assert np.isnan(out.data[0, 0, 0, 0]) and out.data[0, 0, 0, 1] == 3.0
    assert tensor.grad.tolist() == [[[[1.0, 0.0, 0.0, 1.0], [0.0, 0.0, 0.0, 0.0]]]]


def test_max_pool2d_of_an_all_minus_infinity_window_is_minus_infinity_with_no_nan():
    tensor = Tensor(np.full((1, 1, 2, 2), -np.inf), requires_grad=True)
    out = F.max_pool2d(tensor, 2)
    out.sum().backward()
    assert out.data.tolist() == [[[[-np.inf]]]] and tensor.grad.tolist() == [[[[1.0, 0.0], [0.0, 0.0]]]]


@pytest.mark.parametrize("pool", [F.max_pool2d, F.avg_pool2d])
def test_pooling_keeps_float32(pool):
    x = Tensor(np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4), requires_grad=True)
    out = pool(x, 2)
    out.sum().backward()
    assert (out.dtype, x.grad.dtype) == (np.float32, np.float32)


def test_pooling_second_derivatives_pass_gradgradcheck():
    x = np.random.default_rng(9).permutation(36).reshape(1, 1, 6, 6) / 7.0
    assert gradgradcheck(lambda t: (F.max_pool2d(t, 3, 2) ** 2), x)
    assert gradgradcheck(lambda t: (F.avg_pool2d(t, 2, 1) ** 2), x)


# --- errors ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(3, 5, 5), (1, 1, 1, 5, 5), (5, 5)])
def test_conv2d_refuses_an_input_that_is_not_4d(shape):
    with pytest.raises(ValueError, match=rf"conv2d: expected a 4-D input \(N, C, H, W\), got {len(shape)}-D input "
                                         rf"of shape {re_shape(shape)}"):
        F.conv2d(Tensor(np.zeros(shape)), Tensor(np.zeros((1, 1, 2, 2))))


def re_shape(shape):
    return str(shape).replace("(", r"\(").replace(")", r"\)")


def test_conv2d_refuses_a_wrong_channel_count():
    with pytest.raises(ValueError, match=r"conv2d: the input has 3 channels \(shape \(2, 3, 5, 5\)\) but the weight "
                                         r"of shape \(4, 2, 3, 3\) expects 2"):
        F.conv2d(Tensor(np.zeros((2, 3, 5, 5))), Tensor(np.zeros((4, 2, 3, 3))))


def test_conv2d_refuses_a_kernel_larger_than_the_padded_input():
    with pytest.raises(ValueError, match=r"conv2d: the kernel 6x3 is larger than the padded input 5x7 "
                                         r"\(input shape \(1, 1, 3, 5\), padding \(1, 1\)\)"):
        F.conv2d(Tensor(np.zeros((1, 1, 3, 5))), Tensor(np.zeros((1, 1, 6, 3))), padding=1)


def test_conv2d_refuses_a_kernel_larger_than_the_input():
    with pytest.raises(ValueError, match=r"conv2d: the kernel 4x4 is larger than the input 3x3"):
        F.conv2d(Tensor(np.zeros((1, 1, 3, 3))), Tensor(np.zeros((1, 1, 4, 4))))


@pytest.mark.parametrize("stride", [0, -1, (1, 0)])
def test_conv2d_refuses_a_stride_below_one(stride):
    with pytest.raises(ValueError, match=rf"conv2d: stride must be >= 1, got {re_shape(stride)}"):
        F.conv2d(Tensor(np.zeros((1, 1, 3, 3))), Tensor(np.zeros((1, 1, 2, 2))), stride=stride)


def test_conv2d_refuses_a_negative_padding():
    with pytest.raises(ValueError, match=r"conv2d: padding must be >= 0, got -1"):
        F.conv2d(Tensor(np.zeros((1, 1, 3, 3))), Tensor(np.zeros((1, 1, 2, 2))), padding=-1)


@pytest.mark.parametrize("stride", [1.5, "2", (1, 2, 3), True, None])
def test_conv2d_refuses_a_stride_that_is_not_an_int_or_a_pair(stride):
    with pytest.raises(TypeError, match=r"conv2d: stride must be an int or a pair of ints \(height, width\)"):
        F.conv2d(Tensor(np.zeros((1, 1, 3, 3))), Tensor(np.zeros((1, 1, 2, 2))), stride=stride)


def test_conv2d_refuses_a_weight_that_is_not_4d():
    with pytest.raises(ValueError, match=r"conv2d: the weight must be 4-D \(out_channels, in_channels, kh, kw\), "
                                         r"got shape \(2, 2\)"):
        F.conv2d(Tensor(np.zeros((1, 1, 3, 3))), Tensor(np.zeros((2, 2))))


def test_conv2d_refuses_a_bias_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"conv2d: the bias must have shape \(2,\) \(one per output channel\), "
                                         r"got shape \(3,\)"):
        F.conv2d(Tensor(np.zeros((1, 1, 3, 3))), Tensor(np.zeros((2, 1, 2, 2))), Tensor(np.zeros(3)))


def test_conv2d_refuses_a_value_or_a_string():
    with pytest.raises(TypeError, match="conv2d: expected a Tensor or an ndarray of shape"):
        F.conv2d("image", Tensor(np.zeros((1, 1, 2, 2))))


def test_max_pool2d_refuses_a_kernel_larger_than_the_input():
    with pytest.raises(ValueError, match=r"max_pool2d: the kernel 3x3 is larger than the input 2x5 "
                                         r"\(input shape \(1, 1, 2, 5\)\)"):
        F.max_pool2d(Tensor(np.zeros((1, 1, 2, 5))), 3)


def test_avg_pool2d_refuses_an_input_that_is_not_4d():
    with pytest.raises(ValueError, match=r"avg_pool2d: expected a 4-D input \(N, C, H, W\), got 2-D"):
        F.avg_pool2d(Tensor(np.zeros((4, 4))), 2)


def test_conv2d_layer_errors_name_the_layer():
    layer = nn.Conv2d(3, 4, 3, rng=0)
    with pytest.raises(ValueError, match=r"Conv2d\(3, 4, kernel_size=\(3, 3\), .*\): the input has 1 channels"):
        layer(np.zeros((2, 1, 5, 5)))


@pytest.mark.parametrize("kwargs, error, message", [
    ({"kernel_size": 0}, ValueError, "Conv2d: kernel_size must be >= 1, got 0"),
    ({"kernel_size": (3,)}, TypeError, "Conv2d: kernel_size must be an int or a pair"),
    ({"kernel_size": 3, "stride": 0}, ValueError, "Conv2d: stride must be >= 1, got 0"),
    ({"kernel_size": 3, "padding": -2}, ValueError, "Conv2d: padding must be >= 0, got -2"),
    ({"kernel_size": 3, "bias": 1}, TypeError, "Conv2d: bias must be True or False"),
])
def test_conv2d_layer_refuses_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=re_shape(message)):
        nn.Conv2d(1, 2, **kwargs)


def test_conv2d_layer_refuses_zero_channels():
    with pytest.raises(ValueError, match="Conv2d: in_channels must be >= 1, got 0"):
        nn.Conv2d(0, 2, 3)


def test_pool_layers_refuse_bad_sizes():
    with pytest.raises(ValueError, match="MaxPool2d: kernel_size must be >= 1, got 0"):
        nn.MaxPool2d(0)
    with pytest.raises(TypeError, match="AvgPool2d: stride must be an int or a pair"):
        nn.AvgPool2d(2, stride=1.5)


def test_flatten_refuses_axes_outside_the_input():
    with pytest.raises(ValueError, match=r"Flatten\(start_dim=2, end_dim=-1\): cannot merge axes 2 to -1 of an "
                                         r"input of shape \(4, 3\)"):
        nn.Flatten(start_dim=2)(np.zeros((4, 3)))


# --- layers ----------------------------------------------------------------------------------------------


def test_conv2d_layer_has_pytorch_shapes():
    layer = nn.Conv2d(3, 8, (3, 5), rng=0)
    assert (layer.weight.shape, layer.bias.shape, layer.bias.data.tolist()) == ((8, 3, 3, 5), (8,), [0.0] * 8)
    assert [name for name, _ in layer.named_parameters()] == ["weight", "bias"]


@pytest.mark.parametrize("kwargs, out_shape", [
    ({}, (2, 4, 8, 6)),
    ({"stride": 2}, (2, 4, 4, 3)),
    ({"padding": 1}, (2, 4, 10, 8)),
    ({"stride": (2, 1), "padding": (0, 2)}, (2, 4, 4, 10)),
])
def test_conv2d_layer_output_shapes(kwargs, out_shape):
    assert nn.Conv2d(3, 4, 3, rng=0, **kwargs)(np.zeros((2, 3, 10, 8))).shape == out_shape


def test_conv2d_layer_computes_conv2d_with_its_parameters():
    layer = nn.Conv2d(2, 3, 2, stride=2, padding=1, rng=0)
    layer.bias.data = np.array([0.5, -1.0, 2.0])
    x = np.random.default_rng(10).standard_normal((2, 2, 5, 5))
    expected = loop_conv2d(x, layer.weight.data, layer.bias.data, (2, 2), (1, 1))
    np.testing.assert_allclose(layer(x).data, expected, rtol=1e-12, atol=1e-12)


def test_conv2d_layer_he_init_has_variance_two_over_fan_in():
    weight = nn.Conv2d(16, 64, 5, rng=0).weight.data  # fan_in 16·5·5 = 400: 25,600 draws
    assert abs(weight.var() / (2.0 / 400) - 1) < 0.05 and abs(weight.mean()) < 0.005


def test_conv2d_layer_seed_reproduces_the_weights_and_bias_false_has_none():
    first, second = nn.Conv2d(2, 3, 3, rng=4), nn.Conv2d(2, 3, 3, rng=4, bias=False)
    np.testing.assert_array_equal(first.weight.data, second.weight.data)
    assert second.bias is None and len(second.parameters()) == 1


def test_conv2d_layer_takes_a_callable_init_given_the_weight_shape():
    shapes = []

    def ones(shape, rng=None, dtype=np.float64):
        shapes.append(shape)
        return np.ones(shape, dtype=dtype)

    layer = nn.Conv2d(2, 3, (1, 2), init=ones)
    assert shapes == [(3, 2, 1, 2)] and layer.weight.data.sum() == 12.0


def test_conv2d_layer_in_float32_keeps_float32_with_integer_input():
    layer = nn.Conv2d(1, 2, 3, rng=0, dtype=np.float32)
    assert layer(np.ones((1, 1, 4, 4), dtype=np.int64)).dtype == np.float32


def test_pool_layers_compute_the_functions():
    x = np.random.default_rng(11).standard_normal((2, 3, 6, 6))
    np.testing.assert_array_equal(nn.MaxPool2d(2)(Tensor(x)).data, F.max_pool2d(Tensor(x), 2).data)
    np.testing.assert_array_equal(nn.AvgPool2d(3, 1)(Tensor(x)).data, F.avg_pool2d(Tensor(x), 3, 1).data)


def test_layer_reprs():
    assert repr(nn.Conv2d(1, 8, 3, padding=1)) == (
        "Conv2d(1, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), bias=True)")
    assert repr(nn.MaxPool2d(2)) == "MaxPool2d(kernel_size=(2, 2), stride=(2, 2))"
    assert repr(nn.AvgPool2d((2, 3), 1)) == "AvgPool2d(kernel_size=(2, 3), stride=(1, 1))"
    assert repr(nn.Flatten()) == "Flatten(start_dim=1, end_dim=-1)"


@pytest.mark.parametrize("start_dim, end_dim, shape", [(1, -1, (2, 60)), (0, -1, (120,)), (1, 2, (2, 12, 5)),
                                                       (2, 2, (2, 3, 4, 5)), (-2, -1, (2, 3, 20))])
def test_flatten_merges_the_axes_from_start_to_end(start_dim, end_dim, shape):
    x = Tensor(np.arange(120.0).reshape(2, 3, 4, 5))
    out = nn.Flatten(start_dim, end_dim)(x)
    assert out.shape == shape and out.data.ravel().tolist() == list(range(120))


def test_a_small_cnn_trains_down_its_loss_with_sgd():
    rng = np.random.default_rng(12)
    X, y = rng.standard_normal((16, 1, 8, 8)), rng.integers(0, 3, 16)
    model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1, rng=0), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(4, 4, 3, rng=1), nn.ReLU(), nn.AvgPool2d(2), nn.Flatten(),
                          nn.Linear(4, 3, rng=2))
    loss_fn, optimizer = nn.CrossEntropyLoss(), nn.optim.SGD(model.parameters(), lr=0.2, momentum=0.9)
    losses = []
    for _ in range(30):
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 0.2 * losses[0]


def test_a_cnn_saves_and_loads(tmp_path):
    model = nn.Sequential(nn.Conv2d(1, 2, 3, rng=0), nn.Flatten(), nn.Linear(8, 2, rng=1))
    nn.save(model, tmp_path / "cnn.npz")
    other = nn.Sequential(nn.Conv2d(1, 2, 3, rng=5), nn.Flatten(), nn.Linear(8, 2, rng=6))
    nn.load(other, tmp_path / "cnn.npz")
    x = np.random.default_rng(13).standard_normal((3, 1, 4, 4))
    np.testing.assert_array_equal(other(x).data, model(x).data)
