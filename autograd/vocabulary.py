"""The functions derivative rules are written in.

Each works on payloads (Python floats, ndarrays) and on nodes (Value, Tensor)
alike: on payloads it computes, on nodes it records a graph. A rule written with
operators and these functions therefore gives first derivatives on the fast path
and, under ``create_graph=True``, a graph that can be differentiated again.
"""

import math

import numpy as np

from .node import Node


def _elementwise(name, on_float, on_array):
    def op(x):
        if isinstance(x, Node):
            return getattr(x, name)()
        if isinstance(x, np.ndarray):
            return on_array(x)
        return on_float(x)

    op.__name__ = name
    op.__doc__ = f"{name}(x) on a float, an ndarray, a Value or a Tensor."
    return op


def _float_sigmoid(x):
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def _array_sigmoid(x):
    return np.exp(-np.logaddexp(0, -x))


exp = _elementwise("exp", math.exp, np.exp)
log = _elementwise("log", math.log, np.log)
sqrt = _elementwise("sqrt", math.sqrt, np.sqrt)
sin = _elementwise("sin", math.sin, np.sin)
cos = _elementwise("cos", math.cos, np.cos)
tanh = _elementwise("tanh", math.tanh, np.tanh)
sigmoid = _elementwise("sigmoid", _float_sigmoid, _array_sigmoid)


def sign(x):
    """-1, 0 or 1 by the sign of ``x`` (elementwise); a constant, never differentiated."""
    if isinstance(x, Node):
        return x.sign()
    if isinstance(x, np.ndarray):
        return np.sign(x)
    return float((x > 0) - (x < 0))
