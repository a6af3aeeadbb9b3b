"""Tensor: an n-dimensional array node on numpy, assembled from its core and its op families.

``core`` holds the class, creation and recording; each family module imports it
and attaches its ops, declared in the op table: ``arithmetic`` (+ - * / ** @,
comparisons), ``elementwise`` (exp, relu, clip, maximum, where, ...), ``reduce``
(sum, mean, max, var, logsumexp, softmax, ...), ``shape`` (reshape, transpose,
indexing, concatenate, stack, ...); ``numpy_protocol`` lets ``np.sum(t)``,
``np.concatenate`` and friends run those ops. Rules are ``vjp(g, out, *inputs)
-> tuple`` written with operators and ``autograd.vocabulary``, so they run on
ndarrays for the fast first-order pass and on Tensors under ``create_graph=True``.
"""

from . import arithmetic, elementwise, reduce, shape  # noqa: F401  (each attaches its ops to Tensor)
from .core import Tensor, as_array, constant, lift, record, result
from .elementwise import maximum, minimum, where
from .numpy_protocol import array_function
from .shape import concatenate, stack

Tensor.__array_function__ = array_function

__all__ = [
    "Tensor",
    "as_array",
    "concatenate",
    "constant",
    "lift",
    "maximum",
    "minimum",
    "record",
    "result",
    "stack",
    "where",
]
