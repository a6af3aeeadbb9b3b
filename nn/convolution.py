"""Convolution and pooling on NCHW Tensors: nn's arguments, checks and errors around autograd's ops.

- ``conv2d`` pads with zeros (autograd's ``pad``) and runs autograd's ``conv2d`` op
  (im2col and one batched matmul, plus the bias; its rule is its two transposes,
  ``conv_transpose2d`` and ``conv2d_weight``, and a sum for the bias);
- ``max_pool2d`` is autograd's ``max_pool2d`` op (one maximum per window, the
  first in row-major order when several tie);
- ``avg_pool2d`` adds up the ``kh·kw`` strided slices of ``x`` (slice ``(i, j)``
  holds element ``(i, j)`` of every window) and divides by ``kh·kw``.

No derivative is written here: the ops' rules live beside their forwards in
``autograd/tensor/windows.py``, written in autograd's ops, so gradients of any
order come for free.
"""

import numbers

import numpy as np

import autograd
from autograd import Tensor, Value


def pair(value, name, where, minimum):
    """An int or a pair of ints, each >= ``minimum``, as a pair (height, width)."""
    sizes = tuple(value) if isinstance(value, (tuple, list)) else (value, value)
    if len(sizes) != 2 or not all(isinstance(n, numbers.Integral) and not isinstance(n, bool) for n in sizes):
        raise TypeError(f"{where}: {name} must be an int or a pair of ints (height, width), got {value!r}")
    if any(n < minimum for n in sizes):
        raise ValueError(f"{where}: {name} must be >= {minimum}, got {value!r}")
    return int(sizes[0]), int(sizes[1])


def _image_batch(x, where):
    """``x`` as a floating Tensor of shape (N, C, H, W); an ndarray or list becomes a constant Tensor."""
    if isinstance(x, Value):
        raise TypeError(f"{where}: takes a Tensor of shape (N, C, H, W), got a Value")
    if not isinstance(x, Tensor):
        if isinstance(x, bool) or not isinstance(x, (np.ndarray, list, tuple, numbers.Real)):
            raise TypeError(f"{where}: expected a Tensor or an ndarray of shape (N, C, H, W), got {type(x).__name__}")
        array = np.asarray(x)
        if array.dtype.kind not in "biuf":
            raise TypeError(f"{where}: the input must hold real numbers, got dtype {array.dtype}")
        x = Tensor(array if array.dtype.kind == "f" else array.astype(np.float64))
    elif x.dtype.kind != "f":
        x = Tensor(x.data.astype(np.float64))
    if x.ndim != 4:
        raise ValueError(
            f"{where}: expected a 4-D input (N, C, H, W), got {x.ndim}-D input of shape {x.shape}"
            + ("; for one image add a batch axis: x.reshape(1, *x.shape)" if x.ndim == 3 else "")
        )
    return x


def _window_grid(shape, kernel, stride, where, padding=(0, 0)):
    """The output height and width for windows of ``kernel`` at ``stride`` over an input of ``shape``
    with ``padding`` zeros on each side."""
    height, width = shape[-2] + 2 * padding[0], shape[-1] + 2 * padding[1]
    if kernel[0] > height or kernel[1] > width:
        padded = f"padded input {height}x{width} (input shape {shape}, padding {padding})" if any(padding) else (
            f"input {height}x{width} (input shape {shape})")
        raise ValueError(f"{where}: the kernel {kernel[0]}x{kernel[1]} is larger than the {padded}")
    return (height - kernel[0]) // stride[0] + 1, (width - kernel[1]) // stride[1] + 1


def window_slices(x, kernel, stride, grid):
    """The ``kh·kw`` strided slices of ``x`` (N, C, H, W), each (N, C, OH, OW): slice ``i·kw + j`` holds
    element (i, j) of every window. Indexing's rule scatters each slice's gradient back into place."""
    (kh, kw), (sh, sw), (oh, ow) = kernel, stride, grid
    spans = (sh * (oh - 1) + 1, sw * (ow - 1) + 1)
    return [x[:, :, i:i + spans[0]:sh, j:j + spans[1]:sw] for i in range(kh) for j in range(kw)]


def pad2d(x, padding):
    """``x`` (N, C, H, W) with ``padding = (ph, pw)`` rows and columns of zeros on each side: autograd's ``pad``,
    one copy (two ``concatenate`` made two: float64 padded 8→16 layer step 0.87x, float32 1.00x)."""
    ph, pw = padding
    if not (ph or pw):
        return x
    return x.pad(((0, 0), (0, 0), (ph, ph), (pw, pw)))


def _constant(array, where, what):
    """An ndarray as a constant floating Tensor (a weight given as data, not as a Parameter)."""
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{where}: the {what} must hold real numbers, got dtype {array.dtype}")
    return Tensor(array if array.dtype.kind == "f" else array.astype(np.float64))


def _weight(w, x, where):
    if isinstance(w, np.ndarray):
        w = _constant(w, where, "weight")
    if not isinstance(w, Tensor):
        raise TypeError(f"{where}: the weight must be a Tensor or ndarray of shape "
                        f"(out_channels, in_channels, kh, kw), got {type(w).__name__}")
    if w.ndim != 4:
        raise ValueError(f"{where}: the weight must be 4-D (out_channels, in_channels, kh, kw), "
                         f"got shape {w.shape}")
    if w.shape[1] != x.shape[1]:
        raise ValueError(
            f"{where}: the input has {x.shape[1]} channels (shape {x.shape}) but the weight of shape "
            f"{w.shape} expects {w.shape[1]}"
        )
    return w


def _bias(b, out_channels, where):
    if b is None:
        return None
    if isinstance(b, np.ndarray):
        b = _constant(b, where, "bias")
    if not isinstance(b, Tensor):
        raise TypeError(f"{where}: the bias must be a Tensor or ndarray of shape ({out_channels},) or None, "
                        f"got {type(b).__name__}")
    if b.shape != (out_channels,):
        raise ValueError(f"{where}: the bias must have shape ({out_channels},) (one per output channel), "
                         f"got shape {b.shape}")
    return b


def conv2d(x, w, b=None, stride=1, padding=0, *, _where="conv2d"):
    """The 2-D convolution (cross-correlation, as in PyTorch) of ``x`` (N, C, H, W) with ``w`` (O, C, kh, kw).

    ``out[n, o, i, j] = b[o] + Σ_c Σ_p Σ_q w[o, c, p, q] · x_padded[n, c, i·sh + p, j·sw + q]``,
    of shape (N, O, OH, OW) with OH = (H + 2·ph - kh) // sh + 1 (likewise OW).
    ``stride`` (>= 1) and ``padding`` (>= 0, zeros) are an int or a pair (height, width).
    """
    op = _where
    x = _image_batch(x, op)
    w = _weight(w, x, op)
    out_channels = w.shape[0]
    b = _bias(b, out_channels, op)
    stride = pair(stride, "stride", op, 1)
    padding = pair(padding, "padding", op, 0)
    _window_grid(x.shape, w.shape[2:], stride, op, padding)
    return autograd.conv2d(pad2d(x, padding), w, b, stride)


def _pool_arguments(x, kernel_size, stride, where):
    x = _image_batch(x, where)
    kernel = pair(kernel_size, "kernel_size", where, 1)
    stride = kernel if stride is None else pair(stride, "stride", where, 1)
    return x, kernel, stride, _window_grid(x.shape, kernel, stride, where)


def max_pool2d(x, kernel_size, stride=None, *, _where="max_pool2d"):
    """The maximum of each ``kernel_size`` window of ``x`` (N, C, H, W), windows ``stride`` apart
    (default: ``kernel_size``, windows side by side).

    The gradient of a window goes to one of its maxima (the first in row-major
    order when several tie), as PyTorch's max pooling does.
    """
    x, kernel, stride, _ = _pool_arguments(x, kernel_size, stride, _where)
    return autograd.max_pool2d(x, kernel, stride)


def avg_pool2d(x, kernel_size, stride=None, *, _where="avg_pool2d"):
    """The mean of each ``kernel_size`` window of ``x`` (N, C, H, W), windows ``stride`` apart
    (default: ``kernel_size``, windows side by side)."""
    x, kernel, stride, grid = _pool_arguments(x, kernel_size, stride, _where)
    parts = window_slices(x, kernel, stride, grid)
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    return total * (1.0 / len(parts))
