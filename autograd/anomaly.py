"""``detect_anomaly()``: find the op that first made a NaN or an infinity, forward or backward.

    with autograd.detect_anomaly():
        loss = model(X).log().mean()      # AnomalyError: op 'log', phase forward, at train.py:12, ...
        loss.backward()

Inside the block every op checks its output (and the caller's data it is
handed), and every node created inside it gets its derivative rule wrapped in
a checking rule that knows the op and the line that created the node, so a
backward anomaly names the line of the forward pass, not of ``backward()``.

Outside the block nothing checks anything: entering swaps checking wrappers
into the op methods and functions of the op table (``autograd.op_swaps``, as
``profile`` does), and leaving the last block puts the originals back.
The mode is per thread: while one thread is inside a block, ops of other
threads pass straight through the wrappers, unchecked. The limits of
``profile``'s swap hold here too: references to op functions taken before the
block (a local variable, a default argument) are not checked.
"""

import contextlib
import functools
import math
import os
import sys
import threading

import numpy as np

from .node import Node
from .op_swaps import Swaps

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


class AnomalyError(FloatingPointError):
    """An op produced (or was handed) a NaN or an infinity inside ``detect_anomaly()``.

    Attributes: ``op`` (the op's name, as in ``.op``), ``phase`` ("forward" or
    "backward"), ``location`` ("path:line" of the code that called the op; for
    a backward anomaly the line that created the node whose rule failed),
    ``shapes`` and ``dtypes`` of the op's inputs.
    """

    def __init__(self, op, phase, location, shapes, dtypes, what):
        self.op = op
        self.phase = phase
        self.location = location
        self.shapes = tuple(shapes)
        self.dtypes = tuple(dtypes)
        inputs = ", ".join(f"{shape} {dtype}" for shape, dtype in zip(self.shapes, self.dtypes)) or "none"
        where = f"called at {location}" if phase == "forward" else f"the node was made at {location}"
        super().__init__(f"detect_anomaly: {phase} of op {op!r} ({where}) {what}; its inputs: {inputs}")


class _Mode(threading.local):
    """Per thread: how many ``detect_anomaly`` blocks are open, and whether an op is being checked."""

    open = 0
    busy = False


_mode = _Mode()
_lock = threading.Lock()
_installed = {"blocks": 0, "swaps": None}


class detect_anomaly(contextlib.ContextDecorator):
    """Context manager and decorator: inside it the first NaN or infinity an op makes raises ``AnomalyError``."""

    def __enter__(self):
        with _lock:
            if _installed["blocks"] == 0:
                swaps = Swaps()
                try:
                    swaps.swap_ops(_checking_op)
                except BaseException:
                    swaps.undo()
                    raise
                _installed["swaps"] = swaps
            _installed["blocks"] += 1
        _mode.open += 1
        return self

    def __exit__(self, *exc_info):
        _mode.open -= 1
        with _lock:
            _installed["blocks"] -= 1
            if _installed["blocks"] == 0:
                _installed["swaps"].undo()
                _installed["swaps"] = None
        return False


def is_anomaly_enabled():
    """True inside ``detect_anomaly()`` in this thread."""
    return _mode.open > 0


# --- reading payloads -----------------------------------------------------------------------


def _payload(x):
    return x._data if isinstance(x, Node) else x


def _bad(x):
    """"NaN" or "infinity" if the payload ``x`` holds one, else None."""
    if x.__class__ is float:
        if math.isfinite(x):
            return None
        return "NaN" if x != x else "an infinity"
    if isinstance(x, np.ndarray):
        if x.dtype.kind not in "fc" or np.isfinite(x).all():
            return None
        return "NaN" if np.isnan(x).any() else "an infinity"
    if isinstance(x, (np.floating, np.complexfloating)):
        return _bad(np.asarray(x))
    return None


def _shape_and_dtype(x):
    x = _payload(x)
    if isinstance(x, (np.ndarray, np.generic)):
        return x.shape, x.dtype
    return (), np.dtype(np.float64) if isinstance(x, float) else type(x).__name__


def _data_arguments(args, kwargs):
    """The arguments that carry data: nodes, arrays and floats, also inside lists (concatenate, stack)."""
    found = []
    for arg in (*args, *kwargs.values()):
        if isinstance(arg, (list, tuple)):
            found.extend(item for item in arg if isinstance(item, (Node, np.ndarray, float)))
        elif isinstance(arg, (Node, np.ndarray, float, np.floating)):
            found.append(arg)
    return found


def _location():
    """"path:line" of the innermost frame outside the autograd package."""
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back
    if frame is None:
        return "<unknown>:0"
    return f"{frame.f_code.co_filename}:{frame.f_lineno}"


# --- forward ------------------------------------------------------------------------------


def _checking_op(original, fallback):
    """``original`` checked when it is the outermost op call of a thread in anomaly mode."""

    @functools.wraps(original)
    def checked(*args, **kwargs):
        mode = _mode
        if not mode.open or mode.busy:
            return original(*args, **kwargs)
        mode.busy = True
        try:
            result = original(*args, **kwargs)
            name = fallback(args) if callable(fallback) else fallback
            _check_forward(result, _data_arguments(args, kwargs), name, _location())
        finally:
            mode.busy = False
        return result

    checked.__wrapped_by_anomaly__ = True
    return checked


def _check_forward(result, inputs, name, location):
    """Raise if an input or a node made by this call holds NaN/inf; wrap the new nodes' rules."""
    for index, item in enumerate(inputs):
        bad = _bad(_payload(item))
        if bad is not None:
            raise _error(name, "forward", location, inputs, f"was handed {bad} in its input {index} (your data)")
    known = {id(item) for item in inputs if isinstance(item, Node)}
    results = result if isinstance(result, (list, tuple)) else (result,)
    new = []
    for item in results:
        if isinstance(item, Node):
            _collect_new(item, known, new)
        else:
            bad = _bad(item)
            if bad is not None:
                raise _error(name, "forward", location, inputs, f"produced {bad}")
    for node in reversed(new):  # parents before the nodes made from them
        bad = _bad(node._data)
        if bad is not None:
            op = node.op or name
            parents = list(node.parents) if node.parents else inputs
            raise _error(op, "forward", location, parents, f"produced {bad} from finite inputs")
        if node.parents and node._vjp is not None:
            node._vjp = _CheckedRule(node._vjp, node.op or name, location)


def _collect_new(root, known, new):
    """The nodes reachable from ``root`` that this call made: stop at its inputs, leaves and checked nodes."""
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in known:
            continue
        known.add(id(node))
        if node.parents and isinstance(node._vjp, _CheckedRule):
            continue
        new.append(node)
        stack.extend(parent for parent in node.parents if isinstance(parent, Node))


def _error(op, phase, location, inputs, what):
    shapes, dtypes = zip(*(_shape_and_dtype(x) for x in inputs)) if inputs else ((), ())
    return AnomalyError(op, phase, location, shapes, dtypes, what)


# --- backward -----------------------------------------------------------------------------


class _CheckedRule:
    """A node's derivative rule that, in anomaly mode, checks the gradients it hands the parents."""

    __slots__ = ("location", "op", "rule")

    def __init__(self, rule, op, location):
        self.rule = rule
        self.op = op
        self.location = location

    def __call__(self, g, out, *inputs):
        mode = _mode
        if not mode.open or mode.busy:
            return self.rule(g, out, *inputs)
        mode.busy = True  # ops a rule runs (create_graph=True) belong to this check
        try:
            grads = self.rule(g, out, *inputs)
        finally:
            mode.busy = False
        for index, grad in enumerate(grads):
            if grad is None:
                continue
            bad = _bad(_payload(grad))
            if bad is None:
                continue
            received = _bad(_payload(g))
            if received is not None:
                what = (f"was handed {received} in the gradient it received (a seed passed to backward(grad=...) "
                        f"or a hook's result), and gave {bad} to input {index}")
            else:
                what = f"produced {bad} in the gradient for its input {index} from a finite gradient"
            raise _error(self.op, "backward", self.location, inputs, what)
        if isinstance(grads, tuple) and any(isinstance(grad, Node) for grad in grads):
            _adopt_gradient_graph(grads, inputs, self.op, self.location)
        return grads


def _adopt_gradient_graph(grads, inputs, op, location):
    """With create_graph=True, the nodes a rule built are checked when differentiated again."""
    known = {id(item) for item in inputs if isinstance(item, Node)}
    for grad in grads:
        if isinstance(grad, Node):
            new = []
            _collect_new(grad, known, new)
            for node in new:
                if node.parents and node._vjp is not None:
                    node._vjp = _CheckedRule(node._vjp, node.op or op, location)
