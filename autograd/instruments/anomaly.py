"""``detect_anomaly()``: find the op that first made a NaN or an infinity, forward or backward.

    with autograd.detect_anomaly():
        loss = model(X).log().mean()      # AnomalyError: op 'log', phase forward, at train.py:12, ...
        loss.backward()

Inside the block every op's output (and the caller's data it is handed) is
checked when the op returns, and each node it made notes the line of the
caller's code that made it (``_made_at``); every rule of a backward pass has
the gradients it gives checked, so a backward anomaly names the line of the
forward pass that made the failing node, not the line of ``backward()``.
numpy's own floating-point warnings ("divide by zero encountered in log") are
silenced for the ops and passes inside the block: the library reports those
values itself.

The instruments only observe: the op calls through ``op_calls`` (Python's
per-thread profile hook), the passes through the engine's ``PassObserver``
protocol. Both are per thread: while one thread is inside a block, other
threads run exactly as without one, and nothing is left behind, in whatever
order blocks in several threads are left. Inside a block, Python calls the profile
hook on every call of the thread: a scalar (Value) step runs several times slower,
a Tensor step of useful size about as fast as outside.
"""

import contextlib
import math
import os
import threading

import numpy as np

from . import op_calls
from ..core import pass_observers
from ..core.node import Node
from ..core.pass_observers import PassObserver

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


class _Checks(PassObserver, op_calls.OpObserver):
    """One thread's anomaly checks, watching its op calls and backward passes while a block is open in it."""

    wants_inputs = True
    quiet_numpy = True

    def __init__(self):
        self.blocks = 0  # how many detect_anomaly blocks of this thread are open

    def op_finished(self, call):
        _check_forward(call, _data_arguments(call.inputs or ()))

    def sorting(self, root):
        op_calls.reinstall()  # after an AnomalyError caught inside the block, the op calls are watched again

    def rule_finished(self, node, grad, grads):
        _check_backward(node, grad, grads)


class _ThisThread(threading.local):
    checks = None


_this_thread = _ThisThread()


class detect_anomaly(contextlib.ContextDecorator):
    """Context manager and decorator: inside it the first NaN or infinity an op makes raises ``AnomalyError``."""

    def __enter__(self):
        checks = _this_thread.checks
        if checks is None:
            checks = _Checks()
            op_calls.watch(checks)
            pass_observers.watch(checks)
            _this_thread.checks = checks
        checks.blocks += 1
        return self

    def __exit__(self, *exc_info):
        checks = _this_thread.checks
        checks.blocks -= 1
        if checks.blocks == 0:
            _this_thread.checks = None
            pass_observers.unwatch(checks)
            op_calls.unwatch(checks)
        return False


def is_anomaly_enabled():
    """True inside ``detect_anomaly()`` in this thread."""
    return _this_thread.checks is not None


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


def _all_finite_floats(payloads):
    """True when ``payloads`` are floats with a finite sum, so none is a NaN or an infinity: one C loop, the
    scalar engine's fast path (a neuron's dot has dozens of inputs). False means: look at each."""
    if not payloads or payloads[0].__class__ is not float:
        return False
    try:
        total = sum(payloads, 0.0)
    except (TypeError, ValueError):  # None, a node, arrays of other shapes
        return False
    return total.__class__ is float and math.isfinite(total)


def _shape_and_dtype(x):
    x = _payload(x)
    if isinstance(x, (np.ndarray, np.generic)):
        return x.shape, x.dtype
    return (), np.dtype(np.float64) if isinstance(x, float) else type(x).__name__


def _data_arguments(arguments):
    """The arguments that carry data: nodes, arrays and floats, also inside lists (concatenate, stack)."""
    found = []
    for arg in arguments:
        if isinstance(arg, (list, tuple)):
            found.extend(item for item in arg if isinstance(item, (Node, np.ndarray, float)))
        elif isinstance(arg, (Node, np.ndarray, float, np.floating)):
            found.append(arg)
    return found


def _location(frame):
    """"path:line" of the innermost frame outside the autograd package, from ``frame`` outwards."""
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back
    if frame is None:
        return "<unknown>:0"
    return f"{frame.f_code.co_filename}:{frame.f_lineno}"


_OUTSIDE = "<a line outside detect_anomaly()>:0"  # where a node made before the block was made


def _made_at(node):
    return getattr(node, "_made_at", None) or _OUTSIDE


# --- forward ------------------------------------------------------------------------------


def _check_forward(call, inputs):
    """Raise if an input or a node made by this call holds NaN/inf; note where each new node was made."""
    name = call.called
    location = _location(call.frame.f_back)
    payloads = [_payload(item) for item in inputs]
    if not _all_finite_floats(payloads):
        for index, payload in enumerate(payloads):
            bad = _bad(payload)
            if bad is not None:
                raise _error(call.name, "forward", location, inputs,
                             f"was handed {bad} in its input {index} (your data)")
    result = call.result
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
        if node.parents:
            node._made_at = location


def _collect_new(root, known, new):
    """The nodes reachable from ``root`` that this call made: stop at its inputs, leaves and checked nodes."""
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in known:
            continue
        known.add(id(node))
        if node.parents and getattr(node, "_made_at", None) is not None:
            continue
        new.append(node)
        stack.extend(parent for parent in node.parents if isinstance(parent, Node))


def _error(op, phase, location, inputs, what):
    shapes, dtypes = zip(*(_shape_and_dtype(x) for x in inputs)) if inputs else ((), ())
    return AnomalyError(op, phase, location, shapes, dtypes, what)


# --- backward -----------------------------------------------------------------------------


def _check_backward(node, g, grads):
    """Raise if a rule gave a NaN or an infinity; under create_graph, note where the gradient's nodes were made."""
    if g.__class__ is float and _all_finite_floats(grads):  # a Value's first-order rule: floats only
        return
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
        raise _error(node.op, "backward", _made_at(node), node.parents, what)
    if isinstance(grads, tuple) and any(isinstance(grad, Node) for grad in grads):
        _adopt_gradient_graph(grads, node.parents, _made_at(node))


def _adopt_gradient_graph(grads, inputs, location):
    """With create_graph=True, the nodes a rule built are checked when differentiated again."""
    known = {id(item) for item in inputs if isinstance(item, Node)}
    for grad in grads:
        if isinstance(grad, Node):
            new = []
            _collect_new(grad, known, new)
            for node in new:
                if node.parents:
                    node._made_at = location
