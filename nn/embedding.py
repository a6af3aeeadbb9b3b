"""Embedding: a table of vectors looked up by integer index (the first layer of a model on tokens)."""

import numbers

import numpy as np

from autograd import Tensor, Value

from .bridge import onnx_layers as lower
from .data.checks import count
from .declaration import Declaration, Unsupported
from .init import make_rng
from .module import Module, Parameter

_max_reduce = np.maximum.reduce
_UNSIGNED = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}  # a signed integer array's bits read unsigned


def _from_torch(cls, layer, dtype):
    """Our Embedding of a torch one that looks rows up and does nothing else."""
    settings = [("padding_idx", None, "no padding_idx"), ("max_norm", None, "no max_norm"),
                ("scale_grad_by_freq", False, "no scale_grad_by_freq"), ("sparse", False, "dense gradients only")]
    for name, default, accepted in settings:
        value = getattr(layer, name, default)
        if value != default:
            raise Unsupported(f"{name}={value!r}", accepted)
    return cls(layer.num_embeddings, layer.embedding_dim, rng=0, dtype=dtype)


class Embedding(Module):
    """Row ``i`` of ``weight`` (num_embeddings, embedding_dim) for each index ``i``, drawn N(0, 1) as in PyTorch.

    Called on an integer array or Tensor of any shape, it returns ``(*indices.shape, embedding_dim)``;
    the gradient of a row is the sum over the places its index appears.
    """

    def __init__(self, num_embeddings, embedding_dim, rng=None, dtype=np.float64):
        self.num_embeddings = count(num_embeddings, "Embedding: num_embeddings")
        self.embedding_dim = count(embedding_dim, "Embedding: embedding_dim")
        dtype = np.dtype(dtype)
        if dtype.kind != "f":
            raise TypeError(f"Embedding: dtype must be a floating dtype (float32 or float64), got {dtype}")
        generator = make_rng(rng, "Embedding(rng=...)")
        self.weight = Parameter(generator.standard_normal((self.num_embeddings, self.embedding_dim)).astype(dtype))

    declaration = Declaration(
        torch="Embedding",
        to_torch=lambda layer: dict(num_embeddings=layer.num_embeddings, embedding_dim=layer.embedding_dim),
        from_torch=_from_torch,
        onnx=lower.embedding,
        reads="indices",
    )

    def forward(self, indices):
        """The rows of ``weight`` at ``indices``: shape ``(*indices.shape, embedding_dim)``."""
        array = self._indices(indices)
        return self.weight[array]

    def _indices(self, indices):
        """``indices`` as an integer ndarray within 0 … num_embeddings − 1, or a TypeError / IndexError."""
        if indices.__class__ is Tensor:  # the fast path: one reduction checks both ends of the range
            array = indices._data
            kind = array.dtype.kind
            if kind == "i" and array.size and _max_reduce(array.view(_UNSIGNED[array.dtype.itemsize]), None) \
                    < self.num_embeddings:  # as unsigned, a negative index is larger than any table
                return array
            if kind == "u" and array.size and _max_reduce(array, None) < self.num_embeddings:
                return array
        return self._checked_indices(indices)

    def _checked_indices(self, indices):
        if isinstance(indices, Value):
            raise TypeError(f"{self!r}: takes an integer array or Tensor of indices, got a Value")
        if isinstance(indices, Tensor):
            array = indices.data
        elif isinstance(indices, (np.ndarray, list, tuple, numbers.Integral)) and not isinstance(indices, bool):
            array = np.asarray(indices)
        else:
            raise TypeError(f"{self!r}: takes an integer array or Tensor of indices, got {type(indices).__name__}")
        if array.dtype.kind not in "iu":
            raise TypeError(f"{self!r}: indices must be integers, got dtype {array.dtype}")
        if array.size:
            low, high = array.min(), array.max()
            if low < 0 or high >= self.num_embeddings:
                wrong = low if low < 0 else high
                raise IndexError(f"{self!r}: index {wrong} is out of range; indices must be in 0 … "
                                 f"{self.num_embeddings - 1} (num_embeddings={self.num_embeddings})")
        return array

    def extra_repr(self):
        return f"{self.num_embeddings}, {self.embedding_dim}"
