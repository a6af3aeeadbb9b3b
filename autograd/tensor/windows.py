"""Tensor ops on sliding windows of images (N, C, H, W) — conv2d, its two transposes, max_pool2d — each forward,
then its rule.

A window is ``kernel`` (kh, kw) rows and columns of every image and channel,
windows ``stride`` (sh, sw) apart: ``OH = (H - kh) // sh + 1`` of them down,
``OW`` across. numpy's ``sliding_window_view`` reads them all without a copy;
one reshape copies them into columns (im2col), per image a (C·kh·kw, OH·OW)
matrix with one column per window, and each op is then one batched matmul:

- ``conv2d(x, w, b)``: the cross-correlation ``y[n,o,i,j] = b[o] + Σ_cpq w[o,c,p,q] x[n,c,i·sh+p,j·sw+q]``
  (PyTorch's conv2d without padding), the kernel times the columns, the bias one more column of the kernel
  times a row of ones below the columns (so the weight gradient's matmul gives the bias gradient too);
- ``conv_transpose2d(y, w)``: its transpose in ``x``, ``y`` times the kernel back
  into columns, each column added into its place in the image (col2im: one
  strided add per kernel offset, no per-window Python; at stride 1 one
  contiguous add per offset over the whole batch, see ``_transpose_planes``);
- ``conv2d_weight(x, y)``: its transpose in ``w``, ``y`` times the columns of ``x``.

The three are bilinear and each one's rule is the other two, so second
derivatives (``create_graph=True``) record the same three ops again. Every
array stays in NCHW order: the matmul's (N, O, OH·OW) result is the output as it
is, and the incoming gradient is read the same way without a copy. Two layouts
keep memory traffic down (see ``_columns`` and ``_chunks``): at stride 1 the
columns run along whole rows of the input, so im2col copies long contiguous runs;
and large columns are made and multiplied a slice of the batch at a time, in cache.

``max_pool2d(x, kernel, stride)`` keeps each window's maximum (the first in
row-major order when several tie; NaN counts as the maximum, the last NaN of a
window chosen, as PyTorch does) and, when ``x`` needs a gradient, the flat index
of each chosen maximum; its rule assigns ``g`` there in an array of zeros (adds,
where windows overlap: ``scatter_add``, whose own rule picks them back out).
"""

from functools import partial

import numpy as np
from numpy.lib.stride_tricks import as_strided, sliding_window_view

from ..core import optable
from .. import vocabulary as V
from ..core.optable import OpSpec
from .core import Tensor, _describe, lift, record
from .shape import _is_int


# --------------------------------------------------------------------------- arguments


def _pair(value, name, op, minimum):
    sizes = tuple(value) if isinstance(value, (tuple, list)) else (value, value)
    if len(sizes) != 2 or not all(_is_int(n) for n in sizes):
        raise TypeError(f"{op}: {name} must be an int or a pair of ints (height, width), got {_describe(value)}")
    if any(n < minimum for n in sizes):
        raise ValueError(f"{op}: {name} must be >= {minimum}, got {value!r}")
    return int(sizes[0]), int(sizes[1])


def _images(x, op, what="input", axes="(N, C, H, W)"):
    x = lift(x, op)
    if x.ndim != 4:
        raise ValueError(f"{op}: the {what} must be 4-D {axes}, got shape {x.shape}")
    if x.dtype.kind != "f":
        raise TypeError(f"{op}: the {what} must be floating point, got dtype {x.dtype}")
    return x


_KERNEL = "(O, C, kh, kw)"


def _grid(size, kernel, stride, op):
    """(OH, OW) for windows of ``kernel`` at ``stride`` over an image of ``size`` (H, W)."""
    if kernel[0] > size[0] or kernel[1] > size[1]:
        raise ValueError(f"{op}: the kernel {kernel[0]}x{kernel[1]} is larger than the input {size[0]}x{size[1]}")
    return (size[0] - kernel[0]) // stride[0] + 1, (size[1] - kernel[1]) // stride[1] + 1


# --------------------------------------------------------------------------- the arithmetic, on ndarrays


def _columns(x, kernel, stride, rows, ones=False):
    """im2col: the windows of ``x`` (N, C, H, W) as (N, C·kh·kw, L), a column per window (one copy); with
    ``ones`` a last row of ones below them (N, C·kh·kw + 1, L), which carries a bias through the matmul.

    With ``rows`` (stride 1 only) the columns run along whole rows of the input: column ``i·W + j`` is the
    window at (i, j) for j < OW and a window that wraps around the row's end (read, never used) for
    OW <= j < W, so each kernel offset is one contiguous slice of the flattened image, L = (OH - 1)·W + OW,
    copied in long runs. Otherwise L = OH·OW.
    """
    n, c, h, w = x.shape
    (kh, kw), (sh, sw) = kernel, stride
    size = c * kh * kw
    oh, ow = (h - kh) // sh + 1, (w - kw) // sw + 1
    length = (oh - 1) * w + ow if rows else oh * ow
    columns = np.empty((n, size + ones, length), dtype=x.dtype)
    if ones:
        columns[:, size] = 1
    if rows:
        flat = x.reshape(n, c, h * w)
        parts = columns[:, :size].reshape(n, c, kh, kw, length)
        for p in range(kh):
            for q in range(kw):
                parts[:, :, p, q] = flat[:, :, p * w + q:p * w + q + length]
    else:
        windows = sliding_window_view(x, kernel, axis=(2, 3))[:, :, ::sh, ::sw]
        columns[:, :size].reshape(n, c, kh, kw, oh, ow)[...] = windows.transpose(0, 1, 4, 5, 2, 3)
    return columns


def _flat(y):
    """``y`` (N, O, OH, OW) as (N, O, OH·OW): laid out as ``_columns`` lays out windows without ``rows``."""
    return y.reshape(*y.shape[:2], -1)


def _from_columns(product, grid, width, rows):
    """(N, O, L) in ``_columns``' layout as (N, O, OH, OW): a view that skips the wrapped windows."""
    n, o = product.shape[:2]
    if rows:
        item = product.itemsize
        return as_strided(product, (n, o, *grid), (*product.strides[:2], width * item, item))
    return product.reshape(n, o, *grid)


def _correlate(columns, w, grid, width, rows):
    """conv2d from the columns of its input: (O, K) @ (N, K, L), one batched matmul, as (N, O, OH, OW)."""
    return _from_columns(w.reshape(w.shape[0], -1) @ columns, grid, width, rows)


def _col2im(columns, shape, kernel, stride):
    """The transpose of im2col: each column of ``columns`` (N, C·kh·kw, OH·OW) added into its window of an
    (N, C, H, W) array of zeros of ``shape``, one strided add per kernel offset."""
    n, c, h, w = shape
    (kh, kw), (sh, sw) = kernel, stride
    out = np.zeros(shape, dtype=columns.dtype)
    oh, ow = (h - kh) // sh + 1, (w - kw) // sw + 1
    parts = columns.reshape(n, c, kh, kw, oh, ow)
    spans = (sh * (oh - 1) + 1, sw * (ow - 1) + 1)
    for p in range(kh):
        for q in range(kw):
            out[:, :, p:p + spans[0]:sh, q:q + spans[1]:sw] += parts[:, :, p, q]
    return out


def _planes(y, size):
    """``y`` (N, O, OH, OW) in the top-left corner of zeros (N, O, H·W) for an input of ``size`` (H, W): at stride
    1 each value sits where its window starts in the flattened input."""
    n, o, oh, ow = y.shape
    planes = np.zeros((n, o, *size), dtype=y.dtype)
    planes[:, :, :oh, :ow] = y
    return planes.reshape(n, o, size[0] * size[1])


def _transpose_planes(planes, w, shape, chunks):
    """conv_transpose2d at stride 1 from ``planes`` (see ``_planes``) onto an image of ``shape`` (N, C, H, W).

    For each kernel offset (p, q) the kernel's (C, O) slice times the planes is (N, C, H·W), added into the
    flattened output shifted by p·W + q: one contiguous add over the whole slice of the batch per offset (numpy
    adds runs many times faster than rows). Products of the zeros past each image's windows spill into the next
    image or past the end (a few elements kept for that), where they add nothing: so the kernel must be finite.
    A slice of the batch at a time (``chunks``) keeps the products in cache.
    """
    n, c, h, width = shape
    kh, kw = w.shape[2:]
    shifts = [p * width + q for p in range(kh) for q in range(kw)]
    kernel = w.transpose(2, 3, 1, 0).reshape(kh * kw, c, w.shape[0])
    dtype = np.result_type(planes, w)
    image = c * h * width
    out = np.empty(n * image + shifts[-1], dtype=dtype)
    step = n if chunks is None else chunks[0].stop - chunks[0].start
    buffer = np.empty((kh * kw, step, c, h * width), dtype=dtype)
    for start in range(0, n, step):
        stop = min(n, start + step)
        products = buffer[:, :stop - start]
        np.matmul(kernel, planes[start:stop, None], out=products.transpose(1, 0, 2, 3))
        length = (stop - start) * image
        flat = out[start * image:stop * image + shifts[-1]]
        flat[:length] = products[0].reshape(-1)
        flat[length:] = 0
        for shift, product in zip(shifts[1:], products[1:]):
            flat[shift:shift + length] += product.reshape(-1)
    return out[:n * image].reshape(shape)


def _transpose_data(y, w, stride, shape, chunks=None, planes=None):
    """conv_transpose2d of ``y`` (N, O, OH, OW) through ``w`` onto an image of ``shape`` (N, C, H, W);
    ``planes``, if given, is ``_planes(y, (H, W))``."""
    if stride == (1, 1) and np.isfinite(w).all():
        return _transpose_planes(_planes(y, shape[2:]) if planes is None else planes, w, shape, chunks)
    columns = w.reshape(w.shape[0], -1).T @ _flat(y)
    return _col2im(columns, shape, w.shape[2:], stride)


def _weight_data(columns, y_columns):
    """Σ_n y[n] (O, L) @ columns[n]ᵀ (L, K), (O, K): a batched matmul, then a sum over the batch."""
    return (y_columns @ columns.transpose(0, 2, 1)).sum(axis=0)


def _any_tensor(*operands):
    return any(isinstance(t, Tensor) for t in operands)


# --------------------------------------------------------------------------- conv2d and its transposes


def _chunks(n, columns_shape, itemsize):
    """Slices of the batch for an im2col whose columns, per image ``columns_shape`` (K, L), are many and
    large: each slice's columns (about half a megabyte) stay in cache from the copy to the matmul, instead of
    the whole batch's going out to memory and back. None where one piece is faster (few columns per window,
    where a matmul per slice costs more than the cache saves)."""
    size, length = columns_shape
    image = size * length * itemsize
    if size < 32 or n * image <= _CHUNK_BYTES * 4:
        return None
    step = max(1, _CHUNK_BYTES // image)
    return [slice(start, start + step) for start in range(0, n, step)]


_CHUNK_BYTES = 1 << 19


# conv2d(x, w, b);  d/dx = conv_transpose2d(g, w),  d/dw = conv2d_weight(x, g),  d/db = Σ of g over n, i, j
def _conv2d_vjp(stride, rows, columns, chunks, needs, g, out, x, w, b=None):
    if _any_tensor(g, x, w, b):
        return (conv_transpose2d(g, w, stride, x.shape[2:]) if needs[0] else None,
                conv2d_weight(x, g, stride, w.shape[2:]) if needs[1] else None,
                *((g.sum(axis=(0, 2, 3)) if needs[2] else None,) if b is not None else ()))
    planes = _planes(g, x.shape[2:]) if rows else None
    grad_x = (_transpose_data(g, w, stride, (x.shape[0], w.shape[1], *x.shape[2:]), chunks, planes)
              if needs[0] else None)
    if not needs[1]:
        return (grad_x, None, *((g.sum(axis=(0, 2, 3)) if needs[2] else None,) if b is not None else ()))
    g_columns = planes[..., :(g.shape[2] - 1) * x.shape[3] + g.shape[3]] if rows else _flat(g)
    if chunks is None:
        grads = _weight_data(columns, g_columns)
    else:
        grads = 0
        for part in chunks:  # the columns again, a slice of the batch at a time (see _chunks)
            again = _columns(x[part], w.shape[2:], stride, rows, ones=b is not None)
            grads = grads + _weight_data(again, g_columns[part])
    if b is None:
        return grad_x, grads.reshape(w.shape)
    # the row of ones that added the bias gives its gradient: Σ g·1
    return grad_x, grads[:, :-1].reshape(w.shape), grads[:, -1].copy() if needs[2] else None


def conv2d(x, w, b=None, stride=1):
    """The 2-D cross-correlation of ``x`` (N, C, H, W) with ``w`` (O, C, kh, kw), windows ``stride`` apart, plus
    the bias ``b`` (O,) if given: ``y[n,o,i,j] = b[o] + Σ_c Σ_p Σ_q w[o,c,p,q] · x[n,c,i·sh+p,j·sw+q]``, of shape
    (N, O, OH, OW) (PyTorch's conv2d without padding)."""
    x, w = _images(x, "conv2d"), _images(w, "conv2d", "weight", _KERNEL)
    stride = _pair(stride, "stride", "conv2d", 1)
    if w.shape[1] != x.shape[1]:
        raise ValueError(f"conv2d: the input has {x.shape[1]} channels (shape {x.shape}) but the weight of shape "
                         f"{w.shape} expects {w.shape[1]}")
    parents = (x, w)
    if b is not None:
        b = lift(b, "conv2d", w)
        if b.shape != (w.shape[0],):
            raise ValueError(f"conv2d: the bias must have shape ({w.shape[0]},), one per output channel, "
                             f"got shape {b.shape}")
        parents = (x, w, b)
    grid = _grid(x.shape[2:], w.shape[2:], stride, "conv2d")
    rows = stride == (1, 1) and x._requires_grad  # rows pay where the rule makes the columns again
    kernel = w.shape[2:]
    ones = b is not None  # the bias as one more column of the kernel, times a row of ones in the columns
    matrix = w._data.reshape(w.shape[0], -1)
    if ones:
        matrix = np.concatenate([matrix, b._data[:, None]], axis=1)
    length = (x.shape[2] - kernel[0]) * x.shape[3] + grid[1] if rows else grid[0] * grid[1]
    chunks = _chunks(x.shape[0], (matrix.shape[1], length), x.dtype.itemsize)
    if chunks is None:
        columns = _columns(x._data, kernel, stride, rows, ones)
        product = matrix @ columns
    else:
        columns = None
        product = np.empty((x.shape[0], w.shape[0], length), dtype=np.result_type(x.dtype, matrix.dtype))
        for part in chunks:
            np.matmul(matrix, _columns(x._data[part], kernel, stride, rows, ones), out=product[part])
    data = _from_columns(product, grid, x.shape[3], rows)
    needs = tuple(t._requires_grad for t in parents)
    rule = partial(_conv2d_vjp, stride, rows, columns if needs[1] else None, chunks, needs)
    return record(data, parents, rule, "conv2d")


# conv_transpose2d(y, w);  d/dy = conv2d(g, w),  d/dw = conv2d_weight(g, y)
def _conv_transpose2d_vjp(stride, needs, g, out, y, w):
    kernel = w.shape[2:]
    if _any_tensor(g, y, w):
        return (conv2d(g, w, stride=stride) if needs[0] else None,
                conv2d_weight(g, y, stride, kernel) if needs[1] else None)
    width = g.shape[3]
    columns = _columns(g, kernel, stride, False)
    return (_correlate(columns, w, y.shape[2:], width, False) if needs[0] else None,
            _weight_data(columns, _flat(y)).reshape(w.shape) if needs[1] else None)


def conv_transpose2d(y, w, stride=1, output_size=None):
    """The transpose of ``conv2d`` in its input: ``y`` (N, O, OH, OW) spread back through ``w`` (O, C, kh, kw) onto
    an (N, C, H, W) image, ``x[n,c,i·sh+p,j·sw+q] += w[o,c,p,q] · y[n,o,i,j]`` (PyTorch's conv_transpose2d without
    bias, padding or groups). ``output_size`` (H, W) picks among the sizes whose windows number (OH, OW); the
    default is the smallest, ``(OH - 1)·sh + kh``."""
    y, w = _images(y, "conv_transpose2d"), _images(w, "conv_transpose2d", "weight", _KERNEL)
    stride = _pair(stride, "stride", "conv_transpose2d", 1)
    if w.shape[0] != y.shape[1]:
        raise ValueError(f"conv_transpose2d: the input has {y.shape[1]} channels (shape {y.shape}) but the weight "
                         f"of shape {w.shape} expects {w.shape[0]}")
    kernel = w.shape[2:]
    smallest = tuple((m - 1) * s + k for m, s, k in zip(y.shape[2:], stride, kernel))
    size = smallest if output_size is None else _pair(output_size, "output_size", "conv_transpose2d", 1)
    if any(not low <= n < low + s for n, low, s in zip(size, smallest, stride)):
        raise ValueError(f"conv_transpose2d: output_size {size} does not give {y.shape[2:]} windows of "
                         f"{kernel[0]}x{kernel[1]} at stride {stride}; from {smallest} to "
                         f"{tuple(low + s - 1 for low, s in zip(smallest, stride))}")
    data = _transpose_data(y._data, w._data, stride, (y.shape[0], w.shape[1], *size))
    needs = (y._requires_grad, w._requires_grad)
    return record(data, (y, w), partial(_conv_transpose2d_vjp, stride, needs), "conv_transpose2d")


# conv2d_weight(x, y);  d/dx = conv_transpose2d(y, g),  d/dy = conv2d(x, g)
def _conv2d_weight_vjp(stride, needs, g, out, x, y):
    if _any_tensor(g, x, y):
        return (conv_transpose2d(y, g, stride, x.shape[2:]) if needs[0] else None,
                conv2d(x, g, stride=stride) if needs[1] else None)
    return (_transpose_data(y, g, stride, x.shape) if needs[0] else None,
            _correlate(_columns(x, g.shape[2:], stride, False), g, y.shape[2:], x.shape[3], False)
            if needs[1] else None)


def conv2d_weight(x, y, stride=1, kernel_size=None):
    """The transpose of ``conv2d`` in its weight: ``dw[o,c,p,q] = Σ_n Σ_i Σ_j y[n,o,i,j] · x[n,c,i·sh+p,j·sw+q]``
    for ``x`` (N, C, H, W) and ``y`` (N, O, OH, OW), the gradient of the kernel (PyTorch's
    ``torch.nn.grad.conv2d_weight``). ``kernel_size`` (kh, kw) defaults to the one that gives OH, OW at stride 1."""
    x, y = _images(x, "conv2d_weight"), _images(y, "conv2d_weight", "output gradient")
    stride = _pair(stride, "stride", "conv2d_weight", 1)
    if kernel_size is None:
        if stride != (1, 1):
            raise ValueError(f"conv2d_weight: give kernel_size with stride {stride}")
        kernel_size = (x.shape[2] - y.shape[2] + 1, x.shape[3] - y.shape[3] + 1)
    kernel = _pair(kernel_size, "kernel_size", "conv2d_weight", 1)
    if x.shape[0] != y.shape[0] or _grid(x.shape[2:], kernel, stride, "conv2d_weight") != y.shape[2:]:
        raise ValueError(f"conv2d_weight: windows of {kernel[0]}x{kernel[1]} at stride {stride} over an input of "
                         f"shape {x.shape} do not give an output of shape {y.shape}")
    columns = _columns(x._data, kernel, stride, False)
    data = _weight_data(columns, _flat(y._data)).reshape(y.shape[1], x.shape[1], *kernel)
    needs = (x._requires_grad, y._requires_grad)
    return record(data, (x, y), partial(_conv2d_weight_vjp, stride, needs), "conv2d_weight")


# --------------------------------------------------------------------------- max pooling


def _first_maxima(parts, slots, nan=False):
    """The elementwise maximum of ``parts`` (arrays of one shape) and, with ``slots``, for each element the index
    of the part holding it: the first such part, or with ``nan`` the last part holding NaN where one does (as
    PyTorch chooses). Later parts win only when strictly greater, so the index is the largest k whose part beat
    every earlier one."""
    if len(parts) == 1:
        return parts[0].copy(), np.zeros(parts[0].shape, dtype=np.uint8) if slots else None
    top, slot = parts[0], None
    for k, part in enumerate(parts[1:], 1):
        if slots:
            better = part > top
            if nan:
                better |= np.isnan(part)
            if slot is None:  # the second part's wins are the slots so far: 0 or 1
                slot = better.view(np.uint8) if len(parts) <= 256 else better.astype(np.intp)
            else:
                np.maximum(slot, better * slot.dtype.type(k), out=slot)
        top = np.maximum(top, part) if k == 1 else np.maximum(top, part, out=top)
    return top, slot


def _tiled_maxima(x, kernel, slots, nan=False):
    """max_pool2d's maxima where the windows tile a C-contiguous ``x`` (stride = kernel, sizes divisible):
    first across each row's ``kw`` neighbours (``kw`` long strided runs through the whole array), then down
    ``kh`` rows. Returns (N·C·OH, OW) arrays: the maxima and, with ``slots``, the row and column of each
    window's chosen maximum in the window."""
    (kh, kw), width = kernel, x.shape[3] // kernel[1]
    flat = x.reshape(-1)
    across, column = _first_maxima([flat[q::kw] for q in range(kw)], slots, nan)
    across = across.reshape(-1, kh, width)
    top, row = _first_maxima([across[:, p] for p in range(kh)], slots, nan)
    if not slots:
        return top, None, None
    column = column.reshape(-1, kh, width)
    chosen = column[:, 0]  # the column found in the chosen row
    for p in range(1, kh):
        chosen = chosen + (row == p) * (column[:, p] - column[:, 0])  # wraps in uint8 and back: exact
    return top, row, chosen


def _window_corners(shape, grid, stride):
    """The flat index into an array of ``shape`` (N, C, H, W) of each window's top-left element, (N·C, OH, OW);
    read-only, kept for the next call of the same shape while all kept fit in ``_CORNERS_BYTES``."""
    key = (shape, grid, stride)
    corners = _corners.get(key)
    if corners is None:
        n, c, h, w = shape
        rows = (np.arange(grid[0]) * (stride[0] * w))[:, None] + np.arange(grid[1]) * stride[1]
        corners = (np.arange(n * c) * (h * w))[:, None, None] + rows
        corners.flags.writeable = False
        if sum(kept.nbytes for kept in tuple(_corners.values())) + corners.nbytes > _CORNERS_BYTES:
            _corners.clear()
        if corners.nbytes <= _CORNERS_BYTES:
            _corners[key] = corners
    return corners


_corners = {}  # (shape, grid, stride) -> _window_corners' array
_CORNERS_BYTES = 8 << 20


def _maxima(x, kernel, stride, slots, nan=False):
    """Each window's maximum of ``x`` (N, C, H, W) as (N, C, OH, OW) and, with ``slots``, the flat index into
    ``x`` of the one that takes the gradient (None without)."""
    n, c, h, w = x.shape
    grid = _grid(x.shape[2:], kernel, stride, "max_pool2d")
    if stride == kernel and h % kernel[0] == 0 and w % kernel[1] == 0 and x.flags.c_contiguous:
        top, row, column = _tiled_maxima(x, kernel, slots, nan)
    else:
        spans = (stride[0] * (grid[0] - 1) + 1, stride[1] * (grid[1] - 1) + 1)
        parts = [x[:, :, p:p + spans[0]:stride[0], q:q + spans[1]:stride[1]]
                 for p in range(kernel[0]) for q in range(kernel[1])]
        top, slot = _first_maxima(parts, slots, nan)
        row, column = np.divmod(slot, kernel[1]) if slots else (None, None)
    top = top.reshape(n, c, *grid)
    if not slots:
        return top, None
    if not nan and np.isnan(top).any():  # NaN beats no number by >: pick the windows' NaNs instead
        return _maxima(x, kernel, stride, slots, nan=True)
    index = np.multiply(row, w, dtype=np.intp).reshape(n * c, *grid)
    index += column.reshape(n * c, *grid)
    index += _window_corners(x.shape, grid, stride)
    return top, index.reshape(n, c, *grid)


# max_pool2d(x);  d/dx = g placed at each window's first maximum
def _max_pool2d_vjp(index, unique, g, out, x):
    if isinstance(g, Tensor):
        return (V.scatter_add(g, np.unravel_index(index, x.shape), x.shape, unique=unique),)
    grad = np.zeros(x.size, dtype=g.dtype)
    if unique:  # an assignment: exact whatever g holds (no 0·inf)
        grad[index.reshape(-1)] = g.reshape(-1)
    else:  # overlapping windows may share a maximum: their gradients add up
        np.add.at(grad, index.reshape(-1), g.reshape(-1))
    return (grad.reshape(x.shape),)


def max_pool2d(x, kernel_size, stride=None):
    """The maximum of each ``kernel_size`` window of ``x`` (N, C, H, W), windows ``stride`` apart (default:
    ``kernel_size``). Its gradient goes to one maximum per window: the first in row-major order when several
    tie; NaN counts as the maximum, the window's last NaN taking the gradient (PyTorch's max_pool2d)."""
    x = _images(x, "max_pool2d")
    kernel = _pair(kernel_size, "kernel_size", "max_pool2d", 1)
    stride = kernel if stride is None else _pair(stride, "stride", "max_pool2d", 1)
    data, index = _maxima(x._data, kernel, stride, x._requires_grad)
    unique = stride[0] >= kernel[0] and stride[1] >= kernel[1]  # windows do not overlap
    return record(data, (x,), partial(_max_pool2d_vjp, index, unique), "max_pool2d")


optable.declare(OpSpec("conv2d", "y = b[o] + Σ_cpq w[o,c,p,q]·x[n,c,i·s+p,j·s+q]; d/dx = conv_transpose2d(g, w), "
                       "d/dw = conv2d_weight(x, g), d/db = Σ_nij g", "linear algebra", arity=-1))
optable.attach("conv2d", functions={"conv2d": conv2d})
optable.declare(OpSpec("conv_transpose2d", "conv2d's transpose in x; d/dy = conv2d(g, w), d/dw = conv2d_weight(g, y)",
                       "linear algebra", arity=2))
optable.attach("conv_transpose2d", functions={"conv_transpose2d": conv_transpose2d})
optable.declare(OpSpec("conv2d_weight", "conv2d's transpose in w; d/dx = conv_transpose2d(y, g), d/dy = conv2d(x, g)",
                       "linear algebra", arity=2))
optable.attach("conv2d_weight", functions={"conv2d_weight": conv2d_weight})
optable.declare(OpSpec("max_pool2d", "the maximum of each window; d/dx = g at each window's first maximum",
                       "reduction", domain=(optable.Domain(smooth="where each window's maximum is unique (a kink "
                                                            "at ties)"),)))
optable.attach("max_pool2d", functions={"max_pool2d": max_pool2d})
