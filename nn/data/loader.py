"""DataLoader: minibatches of (X, y) as Tensors, reshuffled every epoch."""

import math

import numpy as np

from autograd import Tensor

from ..init import make_rng
from .checks import as_array, count, flag, same_length


def row_taker(array):
    """A function ``rows -> array[rows]`` (those rows copied, in that order) by numpy's fastest call for ``array``.

    On a C-contiguous array of two or more axes ``take`` along the first axis gives the same C-contiguous copy
    as indexing, ~4x faster on a small batch; a 1-d array's indexing is already the fast path.
    """
    if array.ndim > 1 and array.flags.c_contiguous:
        take = array.take
        return lambda rows: take(rows, 0)
    return array.__getitem__


class DataLoader:
    """``DataLoader(X, y=None, batch_size=32, shuffle=True, rng=None, drop_last=False)``.

    Iterating yields ``(X_batch, y_batch)`` as Tensors that need no grad (only
    ``X_batch`` when ``y`` is None); each pass is one epoch that covers every
    sample exactly once (with ``drop_last=True``, the incomplete last batch is
    left out). With ``shuffle=True`` every epoch draws a new order from one
    generator made from ``rng`` at construction, so a seed reproduces the whole
    sequence of epochs. Arrays keep their dtype: float32 stays float32 and
    integer labels stay integers. ``len(loader)`` is the number of batches.
    """

    def __init__(self, X, y=None, batch_size=32, shuffle=True, rng=None, drop_last=False):
        self.X = as_array(X, "DataLoader")
        self.y = None if y is None else as_array(y, "DataLoader", "y")
        same_length(self.X, self.y, "DataLoader")
        if len(self.X) == 0:
            raise ValueError("DataLoader: X holds no samples")
        self.batch_size = count(batch_size, "DataLoader: batch_size")
        self.shuffle = flag(shuffle, "DataLoader: shuffle")
        self.drop_last = flag(drop_last, "DataLoader: drop_last")
        if drop_last and self.batch_size > len(self.X):
            raise ValueError(f"DataLoader: drop_last=True with batch_size={self.batch_size} > "
                             f"{len(self.X)} samples would yield no batch")
        self.rng = make_rng(rng, "DataLoader(rng=...)") if shuffle else None

    @property
    def n_samples(self):
        """How many samples the loader holds."""
        return len(self.X)

    def __len__(self):
        if self.drop_last:
            return self.n_samples // self.batch_size
        return math.ceil(self.n_samples / self.batch_size)

    def index_batches(self):
        """The sample indices of each batch of one epoch (a new order per call when shuffling)."""
        order = self.rng.permutation(self.n_samples) if self.shuffle else np.arange(self.n_samples)
        for batch in range(len(self)):
            yield order[batch * self.batch_size:(batch + 1) * self.batch_size]

    def __iter__(self):
        X_rows = row_taker(self.X)
        y_rows = None if self.y is None else row_taker(self.y)
        for indices in self.index_batches():
            if y_rows is None:
                yield Tensor(X_rows(indices))
            else:
                yield Tensor(X_rows(indices)), Tensor(y_rows(indices))

    def __repr__(self):
        return (f"DataLoader({self.n_samples} samples, batch_size={self.batch_size}, {len(self)} batches, "
                f"shuffle={self.shuffle}, drop_last={self.drop_last})")
