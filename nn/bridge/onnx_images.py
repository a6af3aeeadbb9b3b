"""ONNX nodes for the image layers: Conv2d, MaxPool2d, AvgPool2d (NCHW, as ONNX's own) and Flatten.

In float32, Conv2d is ONNX's Conv (the weight is already ``(out, in, kh, kw)``, the
padding goes on both sides) and the pools are MaxPool and AveragePool (no padding,
floor mode: what ours compute). onnxruntime implements Conv and AveragePool for
float32 only, so a float64 graph writes them as what they are, with operators it runs
in float64: one strided Slice per kernel offset (the windows, as ``nn.convolution``
reads them), then a MatMul with the weight for Conv2d, a Sum times 1/(kh·kw) for
AvgPool2d. MaxPool runs in float64 and stays one node. Height and width stay dynamic.

Flatten is ONNX's Flatten when it merges every axis after the first (ONNX's Flatten
always makes a matrix); any other ``start_dim``/``end_dim`` is a Reshape to a shape read
from the input at run time.
"""

import numpy as np

_TO_THE_END = np.iinfo(np.int64).max  # a Slice end meaning "through the last element"


def conv(graph, layer, current, position):
    """``layer`` (a Conv2d) applied to ``current``: ONNX Conv in float32, windows and a MatMul in float64."""
    inputs = [current, graph.weight(layer.weight)] + ([graph.weight(layer.bias)] if layer.bias is not None else [])
    if graph.dtype == np.float32:
        (ph, pw) = layer.padding
        return graph.emit("Conv", inputs, position, kernel_shape=list(layer.kernel_size),
                          strides=list(layer.stride), pads=[ph, pw, ph, pw], dilations=[1, 1], group=1)
    if any(layer.padding):
        (ph, pw) = layer.padding
        pads = graph.constant(np.array([0, 0, ph, pw, 0, 0, ph, pw], dtype=np.int64), position, "pads")
        current = graph.emit("Pad", [current, pads], position)
    windows = _windows(graph, current, layer.kernel_size, layer.stride, position)
    # channels of window (i, j) side by side: axis 1 holds (offset, channel) pairs, offset-major
    columns = graph.emit("Concat", windows, position, axis=1) if len(windows) > 1 else windows[0]
    rows = graph.emit("Transpose", [columns], position, tag="Transpose_in", perm=[0, 2, 3, 1])
    # the weight (out, in, kh, kw) as the matching (kh·kw·in, out) matrix
    kernel = graph.emit("Transpose", [inputs[1]], position, tag="Transpose_weight", perm=[2, 3, 1, 0])
    size = layer.in_channels * layer.kernel_size[0] * layer.kernel_size[1]
    shape = graph.constant(np.array([size, layer.out_channels], dtype=np.int64), position, "weight_shape")
    matrix = graph.emit("Reshape", [kernel, shape], position)
    out = graph.emit("MatMul", [rows, matrix], position)  # (N, OH, OW, out)
    if layer.bias is not None:
        out = graph.emit("Add", [out, inputs[2]], position)
    return graph.emit("Transpose", [out], position, tag="Transpose_out", perm=[0, 3, 1, 2])


def max_pool(graph, layer, current, position):
    """ONNX MaxPool with our window and stride (no padding, floor mode), in either dtype."""
    return graph.emit("MaxPool", [current], position, kernel_shape=list(layer.kernel_size),
                      strides=list(layer.stride), pads=[0, 0, 0, 0], ceil_mode=0)


def avg_pool(graph, layer, current, position):
    """ONNX AveragePool in float32; in float64 the sum of the windows times 1/(kh·kw), as ours computes it."""
    if graph.dtype == np.float32:
        return graph.emit("AveragePool", [current], position, kernel_shape=list(layer.kernel_size),
                          strides=list(layer.stride), pads=[0, 0, 0, 0], ceil_mode=0, count_include_pad=0)
    windows = _windows(graph, current, layer.kernel_size, layer.stride, position)
    total = graph.emit("Sum", windows, position) if len(windows) > 1 else windows[0]
    scale = graph.constant(np.array(1.0 / len(windows), dtype=graph.dtype), position, "scale")
    return graph.emit("Mul", [total, scale], position)


def flatten(graph, layer, current, position):
    """Axes ``start_dim``..``end_dim`` of ``current`` (of ``graph.rank`` axes, already checked) merged into one;
    ``graph.rank`` becomes the result's."""
    rank = graph.rank
    start = layer.start_dim + rank if layer.start_dim < 0 else layer.start_dim
    end = layer.end_dim + rank if layer.end_dim < 0 else layer.end_dim
    graph.rank = rank - (end - start)
    if start == 1 and end == rank - 1:
        return graph.emit("Flatten", [current], position, axis=1)
    parts = []
    if start > 0:
        parts.append(graph.emit("Shape", [current], position, tag="Shape_head", start=0, end=start))
    merged = graph.emit("Shape", [current], position, tag="Shape_merged", start=start, end=end + 1)
    parts.append(graph.emit("ReduceProd", [merged], position, keepdims=1))
    if end + 1 < rank:
        parts.append(graph.emit("Shape", [current], position, tag="Shape_tail", start=end + 1))
    shape = graph.emit("Concat", parts, position, axis=0) if len(parts) > 1 else parts[0]
    return graph.emit("Reshape", [current, shape], position, allowzero=1)  # a 0 in shape is a 0-size axis


def _windows(graph, current, kernel, stride, position):
    """The kh·kw strided slices of ``current`` (N, C, H, W), each (N, C, OH, OW): slice i·kw + j holds element
    (i, j) of every window. Each ends kh-1-i rows before the end, so it has OH = (H - kh) // sh + 1 rows."""
    (kh, kw), (sh, sw) = kernel, stride
    axes = graph.constant(np.array([2, 3], dtype=np.int64), position, "window_axes")
    steps = graph.constant(np.array([sh, sw], dtype=np.int64), position, "window_steps")
    slices = []
    for i in range(kh):
        for j in range(kw):
            starts = graph.constant(np.array([i, j], dtype=np.int64), position, f"window_{i}_{j}_starts")
            ends = np.array([i - kh + 1 or _TO_THE_END, j - kw + 1 or _TO_THE_END], dtype=np.int64)
            ends = graph.constant(ends, position, f"window_{i}_{j}_ends")
            slices.append(graph.emit("Slice", [current, starts, ends, axes, steps], position, tag=f"window_{i}_{j}"))
    return slices
