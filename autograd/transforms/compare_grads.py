"""compare_grads: gradients derived by hand beside the ones backward() left on the nodes (the "backprop ninja" check).

    rows = compare_grads({"dlogits": (dlogits, logits), "dW1": (dW1, W1)})
    print(rows)          # a table: name | exact | close | max_diff
    rows.all_close       # every row within tolerance
"""

import html
import numbers
from collections.abc import Mapping
from typing import NamedTuple

import numpy as np

from ..core.node import Node
from ..core.node import describe as _describe


class GradComparison(NamedTuple):
    """One row: ``exact`` (bitwise equal to ``node.grad``), ``close`` (within atol + rtol·|grad|), ``max_diff``."""

    name: str
    exact: bool
    close: bool
    max_diff: float


_HEADER = ("name", "exact", "close", "max_diff")


class GradComparisons(tuple):
    """The rows of ``compare_grads``, a tuple of ``GradComparison`` shown as a table (text and HTML)."""

    @property
    def all_close(self):
        """Whether every gradient is within tolerance of the node's."""
        return all(row.close for row in self)

    @property
    def all_exact(self):
        """Whether every gradient is bitwise equal to the node's."""
        return all(row.exact for row in self)

    def _cells(self):
        return [(row.name, str(row.exact), str(row.close), f"{row.max_diff:.3g}") for row in self]

    def __str__(self):
        cells = self._cells()
        widths = [max(len(text) for text in column) for column in zip(_HEADER, *cells)]
        lines = [" | ".join(text.ljust(width) for text, width in zip(line, widths)).rstrip()
                 for line in (_HEADER, *cells)]
        lines.insert(1, "-+-".join("-" * width for width in widths))
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self):
        head = "".join(f"<th>{name}</th>" for name in _HEADER)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(text)}</td>" for text in cells) + "</tr>" for cells in self._cells()
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _tolerance(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"compare_grads: {name} must be a real number, got {_describe(value)}")
    if not value >= 0:
        raise ValueError(f"compare_grads: {name} must be >= 0, got {value!r}")
    return float(value)


def _yours(gradient, name):
    if isinstance(gradient, Node):
        gradient = gradient.data
    try:
        array = np.asarray(gradient)
    except (TypeError, ValueError):
        array = None
    if array is None or array.dtype.kind not in "biuf":
        raise TypeError(f"compare_grads: {name!r}: your gradient must be numbers (an ndarray, a Tensor or a number), "
                        f"got {_describe(gradient)}")
    return array


def _bitwise_equal(a, b):
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    if a.dtype.kind != "f":
        return bool(np.array_equal(a, b))
    unsigned = np.dtype(f"u{a.dtype.itemsize}")
    return bool(np.array_equal(np.ascontiguousarray(a).view(unsigned), np.ascontiguousarray(b).view(unsigned)))


def _row(name, pair, atol, rtol):
    if not isinstance(pair, (tuple, list)) or len(pair) != 2:
        raise TypeError(f"compare_grads: {name!r} must map to (your_gradient, node), got {_describe(pair)}")
    gradient, node = pair
    if not isinstance(node, Node):
        raise TypeError(f"compare_grads: {name!r}: the second item must be a Value or Tensor, got {_describe(node)}")
    if node.grad is None:
        raise ValueError(f"compare_grads: {name!r}: the node has no grad yet; call backward() on the loss first")
    expected = np.asarray(node.grad)
    yours = _yours(gradient, name)
    if yours.shape != expected.shape:
        raise ValueError(f"compare_grads: {name!r}: your gradient has shape {yours.shape}, the node's grad has shape "
                         f"{expected.shape}; they must be equal")
    difference = np.abs(yours.astype(np.float64) - expected.astype(np.float64))
    max_diff = float(difference.max()) if difference.size else 0.0
    close = bool(np.allclose(yours, expected, rtol=rtol, atol=atol))
    return GradComparison(str(name), _bitwise_equal(yours, expected), close, max_diff)


def compare_grads(pairs, atol=1e-8, rtol=1e-5):
    """Each hand-derived gradient beside ``node.grad``: rows ``(name, exact, close, max_diff)``, printed as a table.

    ``pairs`` maps a name to ``(your_gradient, node)``. ``exact``: bitwise equal
    (same dtype, same bits); ``close``: numpy's ``allclose(yours, node.grad, rtol, atol)``;
    ``max_diff``: the largest absolute difference. ``.all_close`` says whether every
    row is close. Call ``backward()`` first: a node without a grad is a ValueError.
    """
    if not isinstance(pairs, Mapping):
        raise TypeError(f"compare_grads: pairs must map names to (your_gradient, node), got {_describe(pairs)}")
    atol = _tolerance(atol, "atol")
    rtol = _tolerance(rtol, "rtol")
    return GradComparisons(_row(name, pair, atol, rtol) for name, pair in pairs.items())
