"""Holding data out: a train/test split (optionally stratified) and K-fold cross-validation indices."""

import math
import numbers

import numpy as np

from ..init import make_rng
from .checks import as_array, count, flag, same_length


def _test_count(test_size, n):
    """The number of test samples: ``ceil(test_size · n)`` for a fraction, the number itself for an int."""
    if isinstance(test_size, bool) or not isinstance(test_size, numbers.Real):
        raise TypeError(f"train_test_split: test_size must be a fraction in (0, 1) or a number of samples, "
                        f"got {type(test_size).__name__} {test_size!r}")
    if isinstance(test_size, numbers.Integral):
        n_test = int(test_size)
    elif 0 < test_size < 1:
        n_test = math.ceil(test_size * n)
    else:
        raise ValueError(f"train_test_split: a fractional test_size must be in (0, 1), got {test_size}")
    if not 1 <= n_test <= n - 1:
        raise ValueError(f"train_test_split: test_size={test_size!r} leaves {n_test} of {n} samples for testing; "
                         "both parts need at least one sample")
    return n_test


def _stratified_test_indices(labels, n_test, rng):
    """Indices of a test set holding each class in (as near as possible) its share of the whole."""
    classes, inverse, sizes = np.unique(labels, return_inverse=True, return_counts=True)
    if len(classes) > n_test:
        raise ValueError(f"train_test_split: stratify has {len(classes)} classes but the test set holds only "
                         f"{n_test} samples; every class needs at least one")
    if len(classes) > len(labels) - n_test:
        raise ValueError(f"train_test_split: stratify has {len(classes)} classes but the training set holds only "
                         f"{len(labels) - n_test} samples; every class needs at least one")
    exact = n_test * sizes / len(labels)
    per_class = np.floor(exact).astype(int)
    # the samples left over go to the classes with the largest remainders (ties: lower class first)
    leftover = n_test - per_class.sum()
    order = np.lexsort((np.arange(len(classes)), -(exact - per_class)))
    per_class[order[:leftover]] += 1
    chosen = [rng.choice(np.flatnonzero(inverse == index), size=size, replace=False)
              for index, size in enumerate(per_class)]
    return np.concatenate(chosen)


def train_test_split(X, y=None, test_size=0.25, rng=None, stratify=None, shuffle=True):
    """``X_train, X_test, y_train, y_test`` (or ``X_train, X_test`` without y), as numpy arrays.

    ``test_size`` is a fraction of the samples (rounded up) or a number of samples.
    With ``shuffle=True`` the samples are assigned at random (seeded by ``rng``) and
    both parts come in random order; with ``shuffle=False`` the last samples are the
    test set. ``stratify=labels`` (usually ``y``) keeps each class's share the same in
    both parts (up to rounding).
    """
    X = as_array(X, "train_test_split")
    if y is not None:
        y = as_array(y, "train_test_split", "y")
    same_length(X, y, "train_test_split")
    n = len(X)
    if n < 2:
        raise ValueError(f"train_test_split: need at least 2 samples to split, got {n}")
    n_test = _test_count(test_size, n)
    flag(shuffle, "train_test_split: shuffle")
    if not shuffle:
        if stratify is not None:
            raise ValueError("train_test_split: stratify needs shuffle=True")
        test, train = np.arange(n - n_test, n), np.arange(n - n_test)
    else:
        rng = make_rng(rng, "train_test_split(rng=...)")
        if stratify is None:
            order = rng.permutation(n)
            test, train = order[:n_test], order[n_test:]
        else:
            labels = as_array(stratify, "train_test_split", "stratify")
            if labels.shape != (n,):
                raise ValueError(f"train_test_split: stratify must hold one label per sample, shape ({n},), "
                                 f"got shape {labels.shape}")
            test = _stratified_test_indices(labels, n_test, rng)
            in_test = np.zeros(n, dtype=bool)
            in_test[test] = True
            test, train = rng.permutation(test), rng.permutation(np.flatnonzero(~in_test))
    if y is None:
        return X[train], X[test]
    return X[train], X[test], y[train], y[test]


def kfold(n, k=5, shuffle=True, rng=None):
    """K-fold cross-validation: yields ``(train_idx, val_idx)`` k times, each sample in exactly one val_idx.

    The n samples are cut into k folds of sizes differing by at most one (the
    first ``n % k`` folds one larger); with ``shuffle=True`` the samples are
    first permuted (seeded by ``rng``). Both index arrays come sorted.
    """
    n = count(n, "kfold: n", 2)
    k = count(k, "kfold: k", 2)
    if k > n:
        raise ValueError(f"kfold: k must be <= n (each fold needs a sample), got k={k} for n={n}")
    flag(shuffle, "kfold: shuffle")
    order = make_rng(rng, "kfold(rng=...)").permutation(n) if shuffle else np.arange(n)
    return _folds(order, k)


def _folds(order, k):
    n = len(order)
    base, extra = divmod(n, k)
    start = 0
    for fold in range(k):
        stop = start + base + (fold < extra)
        in_fold = np.zeros(n, dtype=bool)
        in_fold[order[start:stop]] = True
        yield np.flatnonzero(~in_fold), np.flatnonzero(in_fold)
        start = stop
