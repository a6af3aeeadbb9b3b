"""Turning raw arrays into what a network eats: one-hot targets and standardized features."""

import numpy as np

from .checks import as_array, count, integer_labels


def one_hot(labels, num_classes, dtype=np.float64):
    """Row ``i`` all zeros but a 1 in column ``labels[i]``: shape ``labels.shape + (num_classes,)``.

    ``labels`` are class indices 0 .. num_classes − 1 (ints, or floats holding whole
    numbers); anything else is refused with the offending label and its index.
    """
    num_classes = count(num_classes, "one_hot: num_classes")
    labels = integer_labels(labels, "one_hot")
    outside = (labels < 0) | (labels >= num_classes)
    if outside.any():
        position = tuple(int(i) for i in np.argwhere(outside)[0])
        where = position[0] if len(position) == 1 else position
        raise ValueError(f"one_hot: label {labels[position]} at index {where} is out of range for "
                         f"num_classes={num_classes}; labels must be in 0 .. {num_classes - 1}")
    dtype = np.dtype(dtype)
    if dtype.kind not in "biuf":
        raise TypeError(f"one_hot: dtype must be a numeric dtype, got {dtype}")
    return np.eye(num_classes, dtype=dtype)[labels]


def standardize(X, mean=None, std=None):
    """``((X − mean) / std, mean, std)`` per feature (over axis 0), so each column has mean 0 and std 1.

    Called on training data it computes ``mean`` and ``std`` (ddof=0); pass them back
    to scale validation or test data the same way. A constant feature (std 0) gets
    std 1, so it becomes 0 rather than NaN; the returned ``std`` holds that 1.
    Float32 data stays float32; integer data becomes float64.
    """
    X = as_array(X, "standardize")
    dtype = X.dtype if X.dtype.kind == "f" else np.dtype(np.float64)
    if (mean is None) != (std is None):
        raise ValueError("standardize: pass both mean and std (from an earlier call on training data) or neither")
    if mean is None:
        if len(X) == 0:
            raise ValueError("standardize: X has no samples to compute a mean and std from")
        mean = X.mean(axis=0, dtype=np.float64)
        std = X.std(axis=0, dtype=np.float64)
        std = np.where(std == 0, 1.0, std)
    else:
        mean = as_array(mean, "standardize", "mean") if np.ndim(mean) else np.asarray(mean, dtype=np.float64)
        std = as_array(std, "standardize", "std") if np.ndim(std) else np.asarray(std, dtype=np.float64)
        for name, array in (("mean", mean), ("std", std)):
            if array.shape != X.shape[1:]:
                raise ValueError(f"standardize: {name} has shape {array.shape}, expected one value per feature, "
                                 f"shape {X.shape[1:]} for X of shape {X.shape}")
        if not (np.all(np.isfinite(std)) and np.all(std > 0)):
            raise ValueError("standardize: std must be finite and > 0 everywhere")
    return ((X - mean) / std).astype(dtype, copy=False), mean.astype(dtype, copy=False), std.astype(dtype, copy=False)
