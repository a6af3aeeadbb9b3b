"""Toy data sets for classification and regression, drawn with numpy from a seeded generator.

Every generator takes ``rng=`` (a ``numpy.random.Generator``, an int seed or None)
and returns ``(X, y)``: ``X`` float64 of shape ``(n_samples, n_features)`` and, for
classification, ``y`` int64 class labels 0 .. k − 1 of shape ``(n_samples,)``.
Classes are as balanced as ``n_samples`` allows (the first ``n_samples % k`` get
one more). With ``shuffle=True`` (the default) the rows come in random order;
with ``shuffle=False`` they are grouped by class.
"""

import numpy as np

from ..init import make_rng
from .checks import as_array, count, flag, real


def _class_sizes(n_samples, num_classes):
    """Sizes of ``num_classes`` classes sharing ``n_samples`` as evenly as possible."""
    base, extra = divmod(n_samples, num_classes)
    return [base + (index < extra) for index in range(num_classes)]


def _labels(sizes):
    return np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)


def _finish(X, y, shuffle, rng):
    if shuffle:
        order = rng.permutation(len(X))
        X, y = X[order], y[order]
    return X, y


def _common(where, n_samples, noise, shuffle, rng, minimum_samples):
    n_samples = count(n_samples, f"{where}: n_samples", minimum_samples)
    noise = real(noise, f"{where}: noise", minimum=0)
    flag(shuffle, f"{where}: shuffle")
    return n_samples, noise, make_rng(rng, f"{where}(rng=...)")


def make_xor(n_samples=200, noise=0.1, rng=None, shuffle=True):
    """The XOR problem: points at the corners of the unit square, class x₁ XOR x₂.

    The corners (0, 0), (0, 1), (1, 0), (1, 1) (classes 0, 1, 1, 0) take turns, so
    each gets n_samples / 4 points; each point is its corner plus N(0, noise²)
    on each coordinate. ``make_xor(4, noise=0, shuffle=False)`` is the truth table.
    Returns X of shape (n_samples, 2) and y of shape (n_samples,).
    """
    n_samples, noise, rng = _common("make_xor", n_samples, noise, shuffle, rng, 4)
    corners = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    which = np.arange(n_samples) % 4
    X = corners[which] + noise * rng.standard_normal((n_samples, 2))
    y = np.array([0, 1, 1, 0], dtype=np.int64)[which]
    return _finish(X, y, shuffle, rng)


def make_donut(n_samples=200, noise=0.1, inner_radius=0.5, outer_radius=1.0, rng=None, shuffle=True):
    """The donut problem: class 0 on a circle of ``inner_radius``, class 1 on a ring of ``outer_radius`` around it.

    Angles are uniform on [0, 2π); each point gets N(0, noise²) on each coordinate.
    No straight line separates the classes; a network with a hidden layer can.
    Returns X of shape (n_samples, 2) and y of shape (n_samples,).
    """
    n_samples, noise, rng = _common("make_donut", n_samples, noise, shuffle, rng, 2)
    inner_radius = real(inner_radius, "make_donut: inner_radius", minimum=0)
    outer_radius = real(outer_radius, "make_donut: outer_radius", minimum=0)
    if not inner_radius < outer_radius:
        raise ValueError(f"make_donut: inner_radius must be smaller than outer_radius, "
                         f"got {inner_radius} and {outer_radius}")
    sizes = _class_sizes(n_samples, 2)
    y = _labels(sizes)
    radius = np.where(y == 0, inner_radius, outer_radius)
    angle = rng.uniform(0.0, 2 * np.pi, n_samples)
    X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    X += noise * rng.standard_normal((n_samples, 2))
    return _finish(X, y, shuffle, rng)


def make_moons(n_samples=200, noise=0.1, rng=None, shuffle=True):
    """Two interleaving half circles: class 0 the upper arc (cos t, sin t), class 1 the lower (1 − cos t, ½ − sin t).

    t runs evenly over [0, π] in each arc; each point gets N(0, noise²) on each
    coordinate (the layout of scikit-learn's make_moons).
    Returns X of shape (n_samples, 2) and y of shape (n_samples,).
    """
    n_samples, noise, rng = _common("make_moons", n_samples, noise, shuffle, rng, 2)
    upper, lower = _class_sizes(n_samples, 2)
    t_upper = np.linspace(0.0, np.pi, upper)
    t_lower = np.linspace(0.0, np.pi, lower)
    X = np.concatenate([
        np.column_stack([np.cos(t_upper), np.sin(t_upper)]),
        np.column_stack([1.0 - np.cos(t_lower), 0.5 - np.sin(t_lower)]),
    ])
    X += noise * rng.standard_normal((n_samples, 2))
    return _finish(X, _labels([upper, lower]), shuffle, rng)


def make_spirals(n_samples=300, num_classes=3, noise=0.2, rng=None, shuffle=True):
    """``num_classes`` spiral arms winding out of the origin (the classic CS231n data set).

    Arm k starts at angle 2πk / num_classes; along it the radius grows evenly from 0
    to 1 while the angle turns by 4 radians, plus N(0, noise²) jitter on the angle.
    Returns X of shape (n_samples, 2) and y of shape (n_samples,).
    """
    n_samples, noise, rng = _common("make_spirals", n_samples, noise, shuffle, rng, 1)
    num_classes = count(num_classes, "make_spirals: num_classes", 2)
    if n_samples < num_classes:
        raise ValueError(f"make_spirals: n_samples must be >= num_classes (one point per arm), "
                         f"got {n_samples} for {num_classes} classes")
    sizes = _class_sizes(n_samples, num_classes)
    y = _labels(sizes)
    along = np.concatenate([np.linspace(0.0, 1.0, size) for size in sizes])
    angle = 2 * np.pi * y / num_classes + 4.0 * along + noise * rng.standard_normal(n_samples)
    X = np.column_stack([along * np.sin(angle), along * np.cos(angle)])
    return _finish(X, y, shuffle, rng)


def make_blobs(n_samples=200, centers=3, n_features=2, cluster_std=1.0, center_box=(-10.0, 10.0),
               rng=None, shuffle=True):
    """Gaussian clusters: class k is N(center_k, cluster_std² I).

    ``centers`` is a number of clusters (their centers drawn uniformly from
    ``center_box`` in each coordinate) or an array of shape (k, n_features) of
    centers, which then sets n_features.
    Returns X of shape (n_samples, n_features) and y of shape (n_samples,).
    """
    n_samples, _, rng = _common("make_blobs", n_samples, 0.0, shuffle, rng, 1)
    cluster_std = real(cluster_std, "make_blobs: cluster_std", minimum=0)
    if isinstance(centers, (int, np.integer)) and not isinstance(centers, bool):
        num_classes = count(centers, "make_blobs: centers")
        n_features = count(n_features, "make_blobs: n_features")
        if not isinstance(center_box, (tuple, list)) or len(center_box) != 2:
            raise TypeError(f"make_blobs: center_box must be a pair (low, high), got {center_box!r}")
        low, high = (real(bound, "make_blobs: center_box") for bound in center_box)
        if not low < high:
            raise ValueError(f"make_blobs: center_box must be (low, high) with low < high, got {center_box!r}")
        center_points = rng.uniform(low, high, (num_classes, n_features))
    else:
        center_points = as_array(centers, "make_blobs", "centers").astype(np.float64)
        if center_points.ndim != 2 or len(center_points) == 0:
            raise ValueError(f"make_blobs: centers must be a number or an array of shape (k, n_features), "
                             f"got shape {center_points.shape}")
        num_classes, n_features = center_points.shape
    if n_samples < num_classes:
        raise ValueError(f"make_blobs: n_samples must be >= the number of centers, "
                         f"got {n_samples} for {num_classes} centers")
    y = _labels(_class_sizes(n_samples, num_classes))
    X = center_points[y] + cluster_std * rng.standard_normal((n_samples, n_features))
    return _finish(X, y, shuffle, rng)


def make_regression(n_samples=100, n_features=1, noise=0.0, bias=0.0, rng=None, coef=False):
    """A linear problem y = X·w + bias + ε with X ~ N(0, 1), w ~ U[0, 100) and ε ~ N(0, noise²).

    Returns X of shape (n_samples, n_features) and y of shape (n_samples,), both
    float64, and with ``coef=True`` also the true weights w of shape (n_features,).
    """
    n_samples, noise, rng = _common("make_regression", n_samples, noise, False, rng, 1)
    n_features = count(n_features, "make_regression: n_features")
    bias = real(bias, "make_regression: bias")
    flag(coef, "make_regression: coef")
    X = rng.standard_normal((n_samples, n_features))
    weights = 100.0 * rng.uniform(size=n_features)
    y = X @ weights + bias + noise * rng.standard_normal(n_samples)
    return (X, y, weights) if coef else (X, y)
