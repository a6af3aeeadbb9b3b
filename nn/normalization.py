"""Normalisation layers: BatchNorm1d (per channel, over the batch) and LayerNorm (per example, over the last axes).

Both compute the mean and the biased variance, then (x − mean) / √(var + eps), then
weight and bias: LayerNorm (and BatchNorm1d in eval mode) composed of autograd's ops,
BatchNorm1d in training by autograd's fused ``batch_norm`` op (one node for eleven:
33 µs a forward call against 58 µs at a batch of 32 by 200). BatchNorm1d's running
statistics are buffers, updated outside the graph.
"""

import numbers

import numpy as np

from autograd import batch_norm

from .bridge import onnx_layers as lower
from .data.checks import count
from .declaration import Declaration, Unsupported
from .init import make_rng
from .layers import _as_tensor_input
from .module import Module, Parameter


def _check_eps(eps, where):
    if isinstance(eps, bool) or not isinstance(eps, numbers.Real):
        raise TypeError(f"{where}: eps must be a positive number, got {type(eps).__name__} {eps!r}")
    if not eps > 0:
        raise ValueError(f"{where}: eps must be > 0, got {eps}")
    return float(eps)


def _check_flag(value, name, where):
    if not isinstance(value, bool):
        raise TypeError(f"{where}: {name} must be True or False, got {type(value).__name__} {value!r}")
    return value


def _float_dtype(dtype, where):
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"{where}: dtype must be a floating dtype (float32 or float64), got {dtype}")
    return dtype


def _normalised(x, axes, eps):
    """(x − mean) / √(biased var + eps) over ``axes``, and the (keepdims) mean and biased variance."""
    mean = x.mean(axis=axes, keepdims=True)
    centred = x - mean
    variance = (centred * centred).mean(axis=axes, keepdims=True)
    return centred / (variance + eps).sqrt(), mean, variance


def _batch_norm_from_torch(cls, layer, dtype):
    if not layer.track_running_stats:
        raise Unsupported("track_running_stats=False", "running statistics (track_running_stats=True)")
    if layer.momentum is None:
        raise Unsupported("momentum=None (a cumulative average)", "a momentum in [0, 1]")
    return cls(layer.num_features, eps=layer.eps, momentum=layer.momentum, affine=layer.affine, dtype=dtype)


class BatchNorm1d(Module):
    """Each channel of (N, C) or (N, C, L) inputs normalised over the batch (and L), then scaled and shifted.

    In training mode it uses the batch mean and biased variance and updates the buffers
    ``running_mean`` and ``running_var`` with the unbiased variance:
    running = (1 − momentum)·running + momentum·batch. In eval mode it uses the running
    statistics. ``weight`` starts at ones and ``bias`` at zeros (``affine=False``: neither).
    """

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, rng=None, dtype=np.float64):
        self.num_features = count(num_features, "BatchNorm1d: num_features")
        self.eps = _check_eps(eps, "BatchNorm1d")
        if isinstance(momentum, bool) or not isinstance(momentum, numbers.Real):
            raise TypeError(f"BatchNorm1d: momentum must be a number in [0, 1], got {type(momentum).__name__}")
        if not 0 <= momentum <= 1:
            raise ValueError(f"BatchNorm1d: momentum must be in [0, 1], got {momentum}")
        self.momentum = float(momentum)
        self.affine = _check_flag(affine, "affine", "BatchNorm1d")
        make_rng(rng, "BatchNorm1d(rng=...)")  # checked for a uniform signature; the weights start at 1 and 0
        dtype = _float_dtype(dtype, "BatchNorm1d")
        self.weight = Parameter(np.ones(self.num_features, dtype=dtype)) if affine else None
        self.bias = Parameter(np.zeros(self.num_features, dtype=dtype)) if affine else None
        self.register_buffer("running_mean", np.zeros(self.num_features, dtype=dtype))
        self.register_buffer("running_var", np.ones(self.num_features, dtype=dtype))

    declaration = Declaration(
        torch="BatchNorm1d",
        to_torch=lambda layer: dict(num_features=layer.num_features, eps=layer.eps, momentum=layer.momentum,
                                    affine=layer.affine),
        from_torch=_batch_norm_from_torch,
        torch_only=("num_batches_tracked",),
        onnx=lower.batch_norm,
    )

    def forward(self, x):
        """The normalised x (training: by the batch's statistics, which update the running ones)."""
        x = _as_tensor_input(x, self.running_mean.dtype, self)
        shape = x.shape
        if len(shape) not in (2, 3) or shape[1] != self.num_features:
            raise ValueError(f"{self!r}: expected an input of shape (N, {self.num_features}) or "
                             f"(N, {self.num_features}, L), got {shape}")
        axes = (0,) if len(shape) == 2 else (0, 2)
        per_channel = (self.num_features,) if len(shape) == 2 else (self.num_features, 1)
        if self.training:
            values = shape[0] * (shape[2] if len(shape) == 3 else 1)
            if values < 2:
                raise ValueError(f"{self!r}: expected more than 1 value per channel when training, got input "
                                 f"shape {shape}; use a batch of 2 or more, or model.eval()")
            out, mean, variance = batch_norm(x, self.weight, self.bias, axes, self.eps)  # one fused node
            self._update_running(mean, variance, values)
            return out
        mean = self.running_mean.reshape(per_channel)
        spread = np.sqrt(self.running_var + self.eps).reshape(per_channel)
        out = (x - mean) / spread
        if self.weight is not None:
            out = out * self.weight.reshape(*per_channel) + self.bias.reshape(*per_channel)
        return out

    def _update_running(self, mean, variance, values):
        """running = (1 − momentum)·running + momentum·batch, in place (the unbiased batch variance)."""
        momentum = self.momentum
        self.running_mean *= 1.0 - momentum
        self.running_mean += momentum * mean
        self.running_var *= 1.0 - momentum
        self.running_var += momentum * variance * (values / (values - 1))

    def extra_repr(self):
        return f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}"



def _layer_norm_from_torch(cls, layer, dtype):
    if layer.elementwise_affine and getattr(layer, "bias", True) is None:
        raise Unsupported("bias=False", "a bias with the weight (elementwise_affine=True) or neither")
    return cls(tuple(layer.normalized_shape), eps=layer.eps, elementwise_affine=layer.elementwise_affine,
                     dtype=dtype)


class LayerNorm(Module):
    """Each example normalised over its last ``len(normalized_shape)`` axes, then scaled and shifted.

    (x − mean) / √(biased var + eps) · weight + bias, with ``weight`` ones and ``bias`` zeros of shape
    ``normalized_shape`` (``elementwise_affine=False``: neither).
    """

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, dtype=np.float64):
        if isinstance(normalized_shape, numbers.Integral) and not isinstance(normalized_shape, bool):
            normalized_shape = (normalized_shape,)
        if not isinstance(normalized_shape, (tuple, list)) or not normalized_shape:
            raise TypeError(f"LayerNorm: normalized_shape must be an int or a non-empty tuple of ints, got "
                            f"{type(normalized_shape).__name__} {normalized_shape!r}")
        self.normalized_shape = tuple(count(size, "LayerNorm: normalized_shape") for size in normalized_shape)
        self.eps = _check_eps(eps, "LayerNorm")
        self.elementwise_affine = _check_flag(elementwise_affine, "elementwise_affine", "LayerNorm")
        self.dtype = _float_dtype(dtype, "LayerNorm")
        self.weight = Parameter(np.ones(self.normalized_shape, dtype=self.dtype)) if elementwise_affine else None
        self.bias = Parameter(np.zeros(self.normalized_shape, dtype=self.dtype)) if elementwise_affine else None

    declaration = Declaration(
        torch="LayerNorm",
        to_torch=lambda layer: dict(normalized_shape=layer.normalized_shape, eps=layer.eps,
                                    elementwise_affine=layer.elementwise_affine),
        from_torch=_layer_norm_from_torch,
        onnx=lower.layer_norm,
    )

    def forward(self, x):
        """x normalised over its last axes (which must be ``normalized_shape``)."""
        x = _as_tensor_input(x, self.dtype, self)
        count_axes = len(self.normalized_shape)
        if tuple(x.shape[-count_axes:]) != self.normalized_shape or x.ndim < count_axes:
            raise ValueError(f"{self!r}: expected an input whose last axes are {self.normalized_shape}, "
                             f"got shape {x.shape}")
        out, _, _ = _normalised(x, tuple(range(-count_axes, 0)), self.eps)
        if self.weight is not None:
            out = out * self.weight + self.bias
        return out

    def extra_repr(self):
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"
