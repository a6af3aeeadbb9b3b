"""Data tools: toy data sets, makemore's names, one-hot targets, standardization, splits and a minibatch loader.

    X, y = nn.data.make_moons(400, noise=0.1, rng=0)
    X_train, X_test, y_train, y_test = nn.data.train_test_split(X, y, test_size=0.25, rng=0)
    X_train, mean, std = nn.data.standardize(X_train)
    X_test, _, _ = nn.data.standardize(X_test, mean, std)
    for X_batch, y_batch in nn.data.DataLoader(X_train, y_train, batch_size=32, rng=0):
        ...

Everything is numpy underneath and seeded through ``rng=`` (a Generator, an int seed or None).
"""

from .datasets import make_blobs, make_donut, make_moons, make_regression, make_spirals, make_xor
from .loader import DataLoader
from .names import Characters, load_names
from .preprocessing import one_hot, standardize
from .splits import kfold, train_test_split

__all__ = [
    "Characters",
    "DataLoader",
    "kfold",
    "load_names",
    "make_blobs",
    "make_donut",
    "make_moons",
    "make_regression",
    "make_spirals",
    "make_xor",
    "one_hot",
    "standardize",
    "train_test_split",
]
