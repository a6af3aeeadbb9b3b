"""Tensor: an n-dimensional array node on numpy, assembled from its core and its op families.

``core`` holds the class, creation and recording; each family module imports it
and attaches its ops, declared in the op table: ``arithmetic`` (+ - * / ** @,
linear, comparisons), ``elementwise`` (exp, relu, clip, maximum, where, ...), ``reduce``
(sum, mean, max, var, prod, std, cumsum, logsumexp, softmax, ...), ``shape`` (reshape,
transpose, indexing, concatenate, stack, ...), ``rearrange`` (split, vstack, hstack, tile,
repeat, pad, flip, roll, sort), ``linalg`` (einsum, tensordot, dot, outer, trace, diag,
tril, triu), ``windows`` (conv2d, conv_transpose2d, conv2d_weight, max_pool2d on images),
``normalization`` (batch_norm, nn.BatchNorm1d's fused op); ``numpy_protocol`` lets ``np.sum(t)``,
``np.concatenate``, ``np.exp(t)`` and friends run those ops. Rules are ``vjp(g, out, *inputs)
-> tuple`` written with operators and ``autograd.vocabulary``, so they run on
ndarrays for the fast first-order pass and on Tensors under ``create_graph=True``.
"""

from . import (  # noqa: F401  (each attaches its ops)
    arithmetic, elementwise, linalg, normalization, rearrange, reduce, shape, windows,
)
from .aliases import numpy_argument
from .arithmetic import linear
from .core import Tensor, as_array, constant, lift, record, result
from .elementwise import logaddexp, maximum, minimum, where
from .linalg import einsum, outer, tensordot
from .normalization import batch_norm
from .numpy_protocol import array_function, array_ufunc
from .rearrange import hstack, split, vstack
from .shape import concatenate, stack
from .windows import conv2d, conv2d_weight, conv_transpose2d, max_pool2d

Tensor.__array_function__ = array_function
Tensor.__array_ufunc__ = array_ufunc

__all__ = [
    "Tensor",
    "as_array",
    "batch_norm",
    "concatenate",
    "constant",
    "conv2d",
    "conv2d_weight",
    "conv_transpose2d",
    "einsum",
    "hstack",
    "lift",
    "linear",
    "logaddexp",
    "max_pool2d",
    "maximum",
    "minimum",
    "numpy_argument",
    "outer",
    "record",
    "result",
    "split",
    "stack",
    "tensordot",
    "vstack",
    "where",
]
