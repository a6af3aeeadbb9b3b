"""Layers for images in NCHW layout: Conv2d, MaxPool2d, AvgPool2d and Flatten.

``Conv2d`` holds a weight of shape ``(out_channels, in_channels, kh, kw)`` and a
bias of shape ``(out_channels,)``, as PyTorch does; the computations are the
functions of ``nn.convolution``, composed from autograd's ops.
"""

import math
import numbers

import numpy as np

from . import convolution as C
from .bridge import onnx_images as lower
from .data.checks import count
from .declaration import Declaration, Unsupported
from .init import initialise, make_rng
from .layers import _as_tensor_input
from .module import Module, Parameter


def _conv_from_torch(cls, layer, dtype):
    """Our Conv2d with a torch Conv2d's settings: zero padding, no dilation or groups."""
    kernel = tuple(layer.kernel_size)
    if layer.padding_mode != "zeros":
        raise Unsupported(f"padding_mode={layer.padding_mode!r}", "zero padding only")
    if tuple(layer.dilation) != (1, 1):
        raise Unsupported(f"dilation={tuple(layer.dilation)}", "no dilation (dilation=1)")
    if layer.groups != 1:
        raise Unsupported(f"groups={layer.groups}", "no groups (groups=1)")
    padding = layer.padding
    if padding == "valid":
        padding = (0, 0)
    elif padding == "same":  # torch allows it with stride 1 only; odd kernels pad the same on both sides
        if any(size % 2 == 0 for size in kernel):
            raise Unsupported(f"padding='same' and the even kernel_size {kernel}",
                              "the same padding on both sides (torch pads an even kernel unevenly)")
        padding = (kernel[0] // 2, kernel[1] // 2)
    return cls(layer.in_channels, layer.out_channels, kernel, stride=tuple(layer.stride), padding=tuple(padding),
                  bias=layer.bias is not None, init="zeros", dtype=dtype)


class Conv2d(Module):
    """2-D convolution of (N, in_channels, H, W) inputs into (N, out_channels, OH, OW).

    ``kernel_size``, ``stride`` (>= 1) and ``padding`` (>= 0, zeros) are an int or a
    pair (height, width). ``init`` names a weight initialiser of ``nn.init`` ("he",
    the default, draws N(0, 2 / fan_in) with fan_in = in_channels·kh·kw; fan_out
    is out_channels) or is a callable ``init(shape, rng=, dtype=)`` given the
    weight's shape. The bias starts at zero. ``rng`` (a Generator or a seed)
    makes the draw reproducible.
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, bias=True, init="he",
                 rng=None, dtype=np.float64):
        self.in_channels = count(in_channels, "Conv2d: in_channels")
        self.out_channels = count(out_channels, "Conv2d: out_channels")
        self.kernel_size = C.pair(kernel_size, "kernel_size", "Conv2d", 1)
        self.stride = C.pair(stride, "stride", "Conv2d", 1)
        self.padding = C.pair(padding, "padding", "Conv2d", 0)
        if not isinstance(bias, bool):
            raise TypeError(f"Conv2d: bias must be True or False, got {type(bias).__name__} {bias!r}")
        shape = (self.out_channels, self.in_channels, *self.kernel_size)
        generator = make_rng(rng, "Conv2d(rng=...)")
        if isinstance(init, str):
            # the initialisers read (fan_in, fan_out) from a matrix's shape: draw one, then lay it out
            fan_in = self.in_channels * self.kernel_size[0] * self.kernel_size[1]
            matrix = initialise(init, (fan_in, self.out_channels), generator, dtype, where="Conv2d")
            weight = np.ascontiguousarray(matrix.T).reshape(shape)
        else:
            weight = initialise(init, shape, generator, dtype, where="Conv2d")
        self.weight = Parameter(weight)
        self.bias = Parameter(np.zeros(self.out_channels, dtype=weight.dtype)) if bias else None

    declaration = Declaration(
        torch="Conv2d",  # the weight is (out, in, kh, kw) on both sides
        to_torch=lambda layer: dict(in_channels=layer.in_channels, out_channels=layer.out_channels,
                                    kernel_size=layer.kernel_size, stride=layer.stride, padding=layer.padding,
                                    bias=layer.bias is not None),
        from_torch=_conv_from_torch,
        onnx=lower.conv,
        reads="images",
    )

    def forward(self, x):
        """The convolution of x (N, in_channels, H, W) with the weight, plus the bias."""
        x = _as_tensor_input(x, self.weight.data.dtype, self)
        return C.conv2d(x, self.weight, self.bias, self.stride, self.padding, _where=self)

    def extra_repr(self):
        return (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}, "
                f"padding={self.padding}, bias={self.bias is not None}")


def _pool_from_torch(cls, layer, dtype):
    """Our pooling layer ``cls`` for the torch one, whose settings other than the window must be ours."""
    checks = [("padding", 0, "no padding (padding=0)"), ("ceil_mode", False, "floor mode only (ceil_mode=False)"),
              ("dilation", 1, "no dilation (dilation=1)"), ("return_indices", False, "no return_indices"),
              ("divisor_override", None, "no divisor_override (the window's size divides)")]
    for name, default, accepted in checks:
        value = getattr(layer, name, default)
        if value not in (default, (default, default)):
            raise Unsupported(f"{name}={value!r}", accepted)
    stride = layer.stride if layer.stride not in (None, (), []) else layer.kernel_size  # torch.nn.functional's default
    return cls(layer.kernel_size, stride)


class _Pool2d(Module):
    """Shared argument handling of the pooling layers."""

    def __init__(self, kernel_size, stride=None):
        name = type(self).__name__
        self.kernel_size = C.pair(kernel_size, "kernel_size", name, 1)
        self.stride = self.kernel_size if stride is None else C.pair(stride, "stride", name, 1)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}"


class MaxPool2d(_Pool2d):
    """The maximum of each kernel_size window, windows ``stride`` apart (default: kernel_size).

    Each window's gradient goes to one maximum (the first when several tie), as in PyTorch.
    """

    declaration = Declaration(
        torch="MaxPool2d",  # no padding, floor mode: as ours
        to_torch=lambda layer: dict(kernel_size=layer.kernel_size, stride=layer.stride),
        from_torch=_pool_from_torch,
        onnx=lower.max_pool,
        reads="images",
    )

    def forward(self, x):
        return C.max_pool2d(x, self.kernel_size, self.stride, _where=self)


class AvgPool2d(_Pool2d):
    """The mean of each kernel_size window, windows ``stride`` apart (default: kernel_size)."""

    declaration = Declaration(
        torch="AvgPool2d",
        to_torch=lambda layer: dict(kernel_size=layer.kernel_size, stride=layer.stride, padding=0, ceil_mode=False),
        from_torch=_pool_from_torch,
        onnx=lower.avg_pool,
        reads="images",
    )

    def forward(self, x):
        return C.avg_pool2d(x, self.kernel_size, self.stride, _where=self)


class Flatten(Module):
    """Axes ``start_dim`` to ``end_dim`` merged into one: (N, C, H, W) -> (N, C·H·W) by default, as in PyTorch."""

    def __init__(self, start_dim=1, end_dim=-1):
        for name, value in (("start_dim", start_dim), ("end_dim", end_dim)):
            if isinstance(value, bool) or not isinstance(value, numbers.Integral):
                raise TypeError(f"Flatten: {name} must be an int, got {type(value).__name__} {value!r}")
        self.start_dim, self.end_dim = int(start_dim), int(end_dim)

    declaration = Declaration(
        torch="Flatten",
        to_torch=lambda layer: dict(start_dim=layer.start_dim, end_dim=layer.end_dim),
        from_torch=lambda cls, layer, dtype: cls(layer.start_dim, layer.end_dim),
        onnx=lower.flatten,
    )

    def forward(self, x):
        """x with axes start_dim..end_dim (inclusive) merged."""
        x = _as_tensor_input(x, np.float64, self)
        shape = x.shape
        start = self.start_dim + len(shape) if self.start_dim < 0 else self.start_dim
        end = self.end_dim + len(shape) if self.end_dim < 0 else self.end_dim
        if not 0 <= start <= end < len(shape):
            raise ValueError(f"{self!r}: cannot merge axes {self.start_dim} to {self.end_dim} of an input of "
                             f"shape {shape} ({len(shape)} axes)")
        merged = math.prod(shape[start:end + 1])
        return x.reshape(*shape[:start], merged, *shape[end + 1:])

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
