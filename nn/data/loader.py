"""DataLoader: minibatches of (X, y) as Tensors, reshuffled every epoch."""

import math

import numpy as np

from autograd import Tensor

from ..init import make_rng
from .checks import as_array, count, flag, same_length


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
        for indices in self.index_batches():
            if self.y is None:
                yield Tensor(self.X[indices])
            else:
                yield Tensor(self.X[indices]), Tensor(self.y[indices])

    def __repr__(self):
        return (f"DataLoader({self.n_samples} samples, batch_size={self.batch_size}, {len(self)} batches, "
                f"shuffle={self.shuffle}, drop_last={self.drop_last})")
