"""Colours for ``draw_graph(color_by="grad")``: each box filled by log10 of its mean |grad|, with a legend.

Orange-red for the largest gradient in the graph, pale for the smallest (or for
gradients a thousandth of the largest, whichever is smaller), so gradients that
vanish through a deep net show as colour fading towards the inputs, and graphs
whose gradients are all of one size are not painted as if they differed.
"""

import math

import numpy as np

_STOPS = ("#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd9a4a", "#f8763a")
NO_GRAD_FILL = "#ffffff"
_LEGEND_ROWS = 5
MIN_DECADES = 3.0
"""The scale spans at least this many powers of ten below the largest gradient, so gradients of one size look alike."""


def mean_abs_grad(node):
    """The mean |grad| of a node (a float), or None where it has no gradient."""
    grad = node.grad
    if grad is None or not node.requires_grad:
        return None
    if hasattr(grad, "parents") and hasattr(grad, "data"):  # after backward(create_graph=True)
        grad = grad.data
    values = np.abs(np.asarray(grad, dtype=np.float64))
    return float(values.mean()) if values.size else None


class GradShading:
    """A log-scale colour map fitted to the gradient sizes it will colour."""

    def __init__(self, sizes):
        logs = [math.log10(size) for size in sizes if size is not None and size > 0 and math.isfinite(size)]
        self.high = max(logs) if logs else 0.0
        self.low = min(min(logs), self.high - MIN_DECADES) if logs else self.high - MIN_DECADES

    def colour(self, size):
        """``#rrggbb`` for a mean |grad|; white for None (no gradient)."""
        if size is None or not math.isfinite(size):
            return NO_GRAD_FILL
        if size <= 0:
            return _STOPS[0]
        span = self.high - self.low
        return _interpolate((math.log10(size) - self.low) / span if span > 0 else 1.0)

    def legend_rows(self):
        """``(colour, text)`` from the largest gradient to the smallest, then the colour of no gradient."""
        count = _LEGEND_ROWS if self.high > self.low else 1
        rows = []
        for step in range(count):
            exponent = self.high - (self.high - self.low) * step / max(count - 1, 1)
            rows.append((_interpolate(1.0 - step / max(count - 1, 1) if count > 1 else 1.0), f"{10 ** exponent:.2g}"))
        rows.append((NO_GRAD_FILL, "no grad"))
        return rows


def _interpolate(t):
    t = min(max(t, 0.0), 1.0) * (len(_STOPS) - 1)
    index = min(int(t), len(_STOPS) - 2)
    fraction = t - index
    start, end = _rgb(_STOPS[index]), _rgb(_STOPS[index + 1])
    return "#" + "".join(f"{round(a + (b - a) * fraction):02x}" for a, b in zip(start, end))


def _rgb(colour):
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))
