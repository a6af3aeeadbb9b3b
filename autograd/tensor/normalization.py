"""batch_norm: x normalised by its own mean and biased variance over some axes, scaled and shifted, in one node.

BatchNorm1d's training forward composed of ops records about eleven nodes
(mean, centre, square, mean, + eps, sqrt, divide, two reshapes, scale, shift);
at a batch of 32 their Python cost is most of the layer's. The fused op records
one node, its rule beside it: first order on the arrays kept from the forward,
second order (``create_graph=True``) composed of Tensor ops, so it differentiates again.
"""

import math
from functools import partial

import numpy as np

from ..core import optable
from ..core.optable import OpSpec
from .core import Tensor, record

_add_reduce = np.add.reduce
_ndarray = np.ndarray


# y = γ·x̂ + β, x̂ = (x − μ)·r, r = 1/√(σ² + eps) over axes (N values a channel);  with ĝ = g·γ:
# dx = r·(ĝ − mean ĝ − x̂·mean(ĝ·x̂)),  dγ = Σ g·x̂,  dβ = Σ g  (sums and means over axes).
# On arrays, with c = x − μ kept from the forward (x̂ = c·r) and A = Σ g·c, B = Σ g per channel:
# dx = (rγ)·g − c·(r³γA/N) − rγB/N,  dγ = r·A,  dβ = B: five passes over x's size, two of them sums.
def _batch_norm_vjp(axes, kept, count, eps, centred, scale, g, out, x, *affine):
    if g.__class__ is _ndarray:  # first order: the forward's x − μ and r
        weighted = scale * affine[0].reshape(kept) if affine else scale
        across = _add_reduce(g * centred, axes, None, None, True)
        total = _add_reduce(g, axes, None, None, True)
        dx = g * weighted
        dx -= centred * (weighted * scale * scale * across / count)
        dx -= weighted * total / count
        if not affine:
            return (dx,)
        channels = affine[0].shape
        return (dx, (scale * across).reshape(channels), total.reshape(channels))
    centred = x - x.mean(axis=axes, keepdims=True)
    scale = ((centred * centred).mean(axis=axes, keepdims=True) + eps) ** -0.5
    normalised = centred * scale
    g_hat = g * affine[0].reshape(kept) if affine else g
    dx = (g_hat - g_hat.mean(axis=axes, keepdims=True)
          - normalised * (g_hat * normalised).mean(axis=axes, keepdims=True)) * scale
    if not affine:
        return (dx,)
    channels = affine[0].shape
    return (dx, (g * normalised).sum(axis=axes).reshape(channels), g.sum(axis=axes).reshape(channels))


def batch_norm(x, weight=None, bias=None, axes=(0,), eps=1e-5):
    """``(x − mean)/√(var + eps)·weight + bias`` over ``axes``, one node; also the batch mean and biased variance.

    ``weight`` and ``bias`` (both or neither) are Tensors of the shape of ``x``'s other axes (the channels);
    ``axes`` a tuple of non-negative axes of ``x``; returns ``(out, mean, variance)``, the statistics ndarrays
    of the channels' shape (for running averages). ``nn.BatchNorm1d`` runs it in training.
    """
    if x.__class__ is not Tensor and not isinstance(x, Tensor):
        raise TypeError(f"batch_norm: x must be a Tensor, got {type(x).__name__}")
    data = x._data
    shape = data.shape
    if axes.__class__ is not tuple or not axes or not all(axis.__class__ is int and 0 <= axis < len(shape)
                                                          for axis in axes):
        raise ValueError(f"batch_norm: axes must be a non-empty tuple of axes of x (0 … {len(shape) - 1}), got {axes!r}")
    kept = tuple(1 if axis in axes else size for axis, size in enumerate(shape))
    channels = [size for axis, size in enumerate(shape) if axis not in axes]
    if weight is not None or bias is not None:
        if not (isinstance(weight, Tensor) and isinstance(bias, Tensor)):
            raise TypeError(f"batch_norm: weight and bias must be both Tensors or both None, got "
                            f"{type(weight).__name__} and {type(bias).__name__}")
        if not weight.shape == bias.shape == tuple(channels):
            raise ValueError(f"batch_norm: weight and bias must have the channels' shape {tuple(channels)} (x's axes "
                             f"other than {axes}), got shapes {weight.shape} and {bias.shape}")
    count = shape[axes[0]] if len(axes) == 1 else math.prod([shape[axis] for axis in axes])
    mean = _add_reduce(data, axes, None, None, True)
    mean /= count
    centred = data - mean
    variance = _add_reduce(centred * centred, axes, None, None, True)
    variance /= count
    scale = variance + eps
    np.sqrt(scale, out=scale)
    np.divide(1.0, scale, out=scale)
    if weight is None:
        out = centred * scale
        parents = (x,)
    else:
        out = centred * (scale * weight._data.reshape(kept))
        out += bias._data.reshape(kept)
        parents = (x, weight, bias)
    rule = partial(_batch_norm_vjp, axes, kept, count, eps, centred, scale)
    return record(out, parents, rule, "batch_norm"), mean.reshape(channels), variance.reshape(channels)


def _reference(x, weight, bias, axes=(0,), eps=1e-5):
    kept = tuple(1 if axis in axes else size for axis, size in enumerate(x.shape))
    normalised = (x - x.mean(axis=axes, keepdims=True)) / np.sqrt(x.var(axis=axes, keepdims=True) + eps)
    return normalised * weight.reshape(kept) + bias.reshape(kept)


optable.declare(OpSpec(
    "batch_norm",
    "(x − mean)/√(var + eps)·γ + β over the batch axes; dx = r·(ĝ − mean ĝ − x̂·mean(ĝ·x̂)), ĝ = g·γ, "
    "dγ = Σ g·x̂, dβ = Σ g",
    "reduction",
    arity=3,
    reference=_reference,
))
optable.attach("batch_norm", functions={"batch_norm": batch_norm})
