"""``to_torch`` / ``from_torch``: the same network as a PyTorch module and back, weights and all.

Our ``Linear.weight`` is ``(in_features, out_features)`` (the layer computes X @ W + b);
PyTorch's is ``(out_features, in_features)`` (x @ W.T + b), so weights are transposed
on the way. ``Conv2d.weight`` is ``(out, in, kh, kw)`` on both sides and is copied as it
is. Dtypes, Conv2d's stride and padding, the pooling windows, Flatten's axes,
LeakyReLU's slope, Softmax's axis, Dropout's p, the training mode and weight
sharing (one layer used twice) are kept; nested Sequentials stay
nested, so ``state_dict()`` names ("0.weight", ...) agree on both sides.
"""

import numpy as np

from ..conv_layers import AvgPool2d, Conv2d, Flatten, MaxPool2d
from ..layers import Dropout, Identity, LeakyReLU, Linear, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh
from ..module import Module, Sequential
from ..optional import require
from .supported import CONTAINERS, model_dtype, position_text, walk

_TORCH_DTYPES = {np.dtype(np.float32): "float32", np.dtype(np.float64): "float64"}


def to_torch(model):
    """A ``torch.nn.Module`` computing what ``model`` computes, with copies of its weights in its dtype.

    ``model`` is an ``nn.Sequential`` or ``nn.MLP`` of Linear, ReLU, LeakyReLU, Sigmoid,
    Tanh, Softmax, LogSoftmax, Identity, Dropout, Conv2d, MaxPool2d, AvgPool2d and
    Flatten (or one such layer); anything else is refused with a TypeError naming the
    layer and its position. Needs PyTorch (``pip install "chainrule[torch]"``).
    """
    if not isinstance(model, Module):
        raise TypeError(f"nn.to_torch: expected an nn.Module, got {type(model).__name__}")
    modules = walk(model, "nn.to_torch", "PyTorch")
    model_dtype(modules, "nn.to_torch")
    torch = require("torch", "torch", "nn.to_torch")
    made = {}
    return _to_torch(model, torch, made)


def _to_torch(module, torch, made):
    """The torch counterpart of one (already checked) module; ``made`` maps id -> counterpart to keep sharing."""
    if id(module) in made:
        return made[id(module)]
    kind = type(module)
    if kind in CONTAINERS:
        converted = torch.nn.Sequential(*(_to_torch(layer, torch, made) for layer in module))
    elif kind is Linear:
        converted = _linear_to_torch(module, torch)
    elif kind is LeakyReLU:
        converted = torch.nn.LeakyReLU(module.negative_slope)
    elif kind is Softmax:
        converted = torch.nn.Softmax(dim=module.axis)
    elif kind is LogSoftmax:
        converted = torch.nn.LogSoftmax(dim=module.axis)
    elif kind is Dropout:
        converted = torch.nn.Dropout(module.p)
    elif kind is Conv2d:
        converted = _conv_to_torch(module, torch)
    elif kind is MaxPool2d:
        converted = torch.nn.MaxPool2d(module.kernel_size, module.stride)  # no padding, floor mode: as ours
    elif kind is AvgPool2d:
        converted = torch.nn.AvgPool2d(module.kernel_size, module.stride, padding=0, ceil_mode=False)
    elif kind is Flatten:
        converted = torch.nn.Flatten(module.start_dim, module.end_dim)
    else:
        plain = {ReLU: torch.nn.ReLU, Sigmoid: torch.nn.Sigmoid, Tanh: torch.nn.Tanh, Identity: torch.nn.Identity}
        converted = plain[kind]()
    converted.training = module.training
    made[id(module)] = converted
    return converted


def _linear_to_torch(layer, torch):
    weight = layer.weight.data
    dtype = getattr(torch, _TORCH_DTYPES[weight.dtype])
    converted = torch.nn.Linear(
        layer.in_features, layer.out_features, bias=layer.bias is not None, dtype=dtype
    )
    with torch.no_grad():
        converted.weight.copy_(torch.from_numpy(np.ascontiguousarray(weight.T)))
        if layer.bias is not None:
            converted.bias.copy_(torch.from_numpy(layer.bias.data))
    return converted


def _conv_to_torch(layer, torch):
    weight = layer.weight.data
    dtype = getattr(torch, _TORCH_DTYPES[weight.dtype])
    converted = torch.nn.Conv2d(layer.in_channels, layer.out_channels, layer.kernel_size, stride=layer.stride,
                                padding=layer.padding, bias=layer.bias is not None, dtype=dtype)
    with torch.no_grad():
        converted.weight.copy_(torch.from_numpy(weight))  # (out, in, kh, kw) on both sides
        if layer.bias is not None:
            converted.bias.copy_(torch.from_numpy(layer.bias.data))
    return converted


def from_torch(module):
    """Our ``nn.Sequential`` (or layer) computing what the PyTorch ``module`` computes, with copies of its weights.

    ``module`` is a ``torch.nn.Sequential`` of ``torch.nn.Linear``, ReLU, LeakyReLU,
    Sigmoid, Tanh, Softmax and LogSoftmax (with ``dim`` given), Identity, Dropout,
    Conv2d (zero padding, no dilation or groups), MaxPool2d and AvgPool2d (no padding,
    floor mode) and Flatten, in float32 or float64; another layer is refused with a
    TypeError, a setting we do not have with a ValueError, each naming the layer and
    its position. The result's layers are numbered 0, 1, ... as ours always are.
    """
    torch = require("torch", "torch", "nn.from_torch")
    if not isinstance(module, torch.nn.Module):
        raise TypeError(f"nn.from_torch: expected a torch.nn.Module, got {type(module).__name__}")
    converted = _from_torch(module, "", torch, {})
    model_dtype(walk(converted, "nn.from_torch", "chainrule"), "nn.from_torch")
    return converted


def _from_torch(module, position, torch, made):
    if id(module) in made:
        return made[id(module)]
    table = _from_torch_table(torch)
    kind = type(module)
    if kind is torch.nn.Sequential:
        layers = []
        for name, child in module._modules.items():  # named_children() would skip a layer used twice
            layers.append(_from_torch(child, f"{position}.{name}" if position else name, torch, made))
        converted = Sequential(*layers)
    elif kind in table:
        converted = table[kind](module, position)
    else:
        supported = ", ".join(cls.__name__ for cls in (torch.nn.Sequential, *table))
        raise TypeError(
            f"nn.from_torch: {position_text(position)} is a {kind.__module__}.{kind.__name__}, which has no "
            f"chainrule counterpart; nn.from_torch translates torch.nn {supported}"
        )
    converted.training = module.training
    made[id(module)] = converted
    return converted


def _from_torch_table(torch):
    """torch layer class -> function ``(torch_layer, position) -> our layer``."""
    return {
        torch.nn.Linear: lambda layer, position: _linear_from_torch(layer, position, torch),
        torch.nn.ReLU: lambda layer, position: ReLU(),
        torch.nn.LeakyReLU: lambda layer, position: LeakyReLU(layer.negative_slope),
        torch.nn.Sigmoid: lambda layer, position: Sigmoid(),
        torch.nn.Tanh: lambda layer, position: Tanh(),
        torch.nn.Softmax: lambda layer, position: Softmax(_dim(layer, position)),
        torch.nn.LogSoftmax: lambda layer, position: LogSoftmax(_dim(layer, position)),
        torch.nn.Identity: lambda layer, position: Identity(),
        torch.nn.Dropout: _dropout_from_torch,
        torch.nn.Conv2d: lambda layer, position: _conv_from_torch(layer, position, torch),
        torch.nn.MaxPool2d: lambda layer, position: MaxPool2d(*_pool_window(layer, position)),
        torch.nn.AvgPool2d: lambda layer, position: AvgPool2d(*_pool_window(layer, position)),
        torch.nn.Flatten: lambda layer, position: Flatten(layer.start_dim, layer.end_dim),
    }


def _dim(layer, position):
    if layer.dim is None:
        raise ValueError(
            f"nn.from_torch: {position_text(position)} is a {type(layer).__name__} without dim, whose axis PyTorch "
            f"guesses from the input's rank; give it one, e.g. torch.nn.{type(layer).__name__}(dim=-1)"
        )
    return layer.dim


def _dropout_from_torch(layer, position):
    try:
        return Dropout(layer.p)
    except ValueError as error:
        raise ValueError(f"nn.from_torch: {position_text(position)}: {error}") from None


def _unsupported(layer, position, setting, accepted):
    """The ValueError for a torch layer whose ``setting`` has no counterpart here."""
    return ValueError(
        f"nn.from_torch: {position_text(position)} is a {type(layer).__name__} with {setting}; "
        f"chainrule's {type(layer).__name__} has {accepted}"
    )


def _weight_array(layer, position, torch):
    """A float32/float64 layer's weight as a fresh ndarray; a ValueError for other dtypes."""
    if layer.weight.dtype not in (torch.float32, torch.float64):
        raise ValueError(
            f"nn.from_torch: {position_text(position)} ({type(layer).__name__}) holds {layer.weight.dtype} weights; "
            "float32 and float64 translate: convert with module.float() or module.double() first"
        )
    return layer.weight.detach().cpu().numpy()


def _conv_from_torch(layer, position, torch):
    kernel = tuple(layer.kernel_size)
    if layer.padding_mode != "zeros":
        raise _unsupported(layer, position, f"padding_mode={layer.padding_mode!r}", "zero padding only")
    if tuple(layer.dilation) != (1, 1):
        raise _unsupported(layer, position, f"dilation={tuple(layer.dilation)}", "no dilation (dilation=1)")
    if layer.groups != 1:
        raise _unsupported(layer, position, f"groups={layer.groups}", "no groups (groups=1)")
    padding = layer.padding
    if padding == "valid":
        padding = (0, 0)
    elif padding == "same":  # torch allows it with stride 1 only; odd kernels pad the same on both sides
        if any(size % 2 == 0 for size in kernel):
            raise _unsupported(layer, position, f"padding='same' and the even kernel_size {kernel}",
                               "the same padding on both sides (torch pads an even kernel unevenly)")
        padding = (kernel[0] // 2, kernel[1] // 2)
    weight = _weight_array(layer, position, torch)
    converted = Conv2d(layer.in_channels, layer.out_channels, kernel, stride=tuple(layer.stride),
                       padding=tuple(padding), bias=layer.bias is not None, init="zeros", dtype=weight.dtype)
    converted.weight.data = np.array(weight, order="C", copy=True)  # never a view of torch's memory
    if layer.bias is not None:
        converted.bias.data = layer.bias.detach().cpu().numpy().astype(weight.dtype, copy=True)
    return converted


def _pool_window(layer, position):
    """``(kernel_size, stride)`` of a torch pooling layer whose other settings are those our layers have."""
    checks = [("padding", 0, "no padding (padding=0)"), ("ceil_mode", False, "floor mode only (ceil_mode=False)"),
              ("dilation", 1, "no dilation (dilation=1)"), ("return_indices", False, "no return_indices"),
              ("divisor_override", None, "no divisor_override (the window's size divides)")]
    for name, default, accepted in checks:
        value = getattr(layer, name, default)
        if value not in (default, (default, default)):
            raise _unsupported(layer, position, f"{name}={value!r}", accepted)
    stride = layer.stride if layer.stride not in (None, (), []) else layer.kernel_size  # torch.nn.functional's default
    return layer.kernel_size, stride


def _linear_from_torch(layer, position, torch):
    weight = _weight_array(layer, position, torch)
    converted = Linear(layer.in_features, layer.out_features, bias=layer.bias is not None, init="zeros",
                       dtype=weight.dtype)
    converted.weight.data = np.array(weight.T, order="C", copy=True)  # never a view of torch's memory
    if layer.bias is not None:
        converted.bias.data = layer.bias.detach().cpu().numpy().astype(weight.dtype, copy=True)
    return converted
