"""``profile()``: count and time every op, forward and backward, without slowing anything down outside it.

    with autograd.profile() as prof:
        loss = model(X).relu().sum()
        loss.backward()
    print(prof)                       # a table: op, calls, forward, backward, share

Nothing in the ops or the engine checks whether a profile is running. Entering
``profile()`` swaps timing wrappers in, and leaving it (also through an
exception) puts the originals back:

- forward: every method and function the op table lists (``autograd.optable``:
  Value's and Tensor's operators and methods, and the functions ``dot``,
  ``sum_values``, ``concatenate``, ``stack``, ``where``, ...), and
  ``Primitive.__call__`` (user-defined ops). Module-level names bound to those functions in any
  imported module (``from autograd import dot`` done before the profile started)
  are swapped too. Only the outermost op call is timed, so a composite op (one
  whose forward calls other ops) counts once, under the op name of the node it
  returns (``result.op``; the called name when the result is a constant).
- backward: ``autograd.engine.propagate`` (and ``topological_order``), which the
  engine looks up at call time. The engine's own ``propagate`` is run one node
  at a time, so each node is charged its rule and the accumulation into its
  parents, keyed by ``node.op``. Sorting the graph shows as its own row.

Limits: references to those functions held anywhere but a module's globals
(a local variable, a default argument, an object's attribute, a container)
were taken before the swap and are not timed. The swap is process-wide, but a
profile counts only the ops and backward passes of the thread that entered it
(as grad mode is per thread): other threads meanwhile run the timing wrappers
(about a microsecond more per op) but are not counted. Times include the profiler's
own cost, about a microsecond per op forward and backward: next to scalar ops,
which cost about as much, a step runs 2-3x slower inside a profile, while a
Tensor step of useful size barely changes. Compare rows with each other, not
with an unprofiled run. Profiles may be nested; each records what runs inside it.
"""

import functools
import threading
from time import perf_counter
from typing import ClassVar

from . import engine
from .node import Node
from .op_swaps import Swaps

_SORT_ROW = "(graph order)"


class OpStats:
    """What one op cost inside a profile: forward calls and seconds, backward calls and seconds."""

    __slots__ = ("backward_calls", "backward_time", "calls", "forward_time", "op")

    def __init__(self, op):
        self.op = op
        self.calls = 0
        self.forward_time = 0.0
        self.backward_calls = 0
        self.backward_time = 0.0

    @property
    def total_time(self):
        """Forward plus backward seconds."""
        return self.forward_time + self.backward_time

    def __repr__(self):
        return (
            f"OpStats(op={self.op!r}, calls={self.calls}, forward_time={self.forward_time:.6g}, "
            f"backward_calls={self.backward_calls}, backward_time={self.backward_time:.6g})"
        )


class profile:
    """Context manager counting and timing every op inside it, forward and backward separately.

    ``prof.stats`` maps op name -> ``OpStats``; ``prof.rows()`` lists them by total
    time; ``prof.table()`` (and ``str(prof)``) renders them. With
    ``print_on_exit=True`` the table is printed when the block ends.
    """

    def __init__(self, *, print_on_exit=False):
        self.print_on_exit = bool(print_on_exit)
        self.stats = {}
        self._thread = None  # the thread that entered it: only its ops are counted

    def __enter__(self):
        if self in _Patches.active:
            raise RuntimeError("profile: this profile is already running; use a new profile() to nest one")
        self._thread = threading.get_ident()
        _Patches.start(self)
        return self

    def __exit__(self, *exc_info):
        _Patches.stop(self)
        if self.print_on_exit and exc_info[0] is None:
            print(self.table())
        return False

    def _entry(self, op):
        entry = self.stats.get(op)
        if entry is None:
            entry = self.stats[op] = OpStats(op)
        return entry

    @property
    def forward_time(self):
        """Seconds spent in ops' forwards."""
        return sum(entry.forward_time for entry in self.stats.values())

    @property
    def backward_time(self):
        """Seconds spent in backward passes (rules, accumulation, graph order)."""
        return sum(entry.backward_time for entry in self.stats.values())

    @property
    def total_time(self):
        """Forward plus backward seconds."""
        return self.forward_time + self.backward_time

    def rows(self, sort_by="total"):
        """The ``OpStats`` sorted by ``sort_by``: "total", "forward", "backward", "calls" or "op"."""
        keys = {
            "total": lambda e: -e.total_time,
            "forward": lambda e: -e.forward_time,
            "backward": lambda e: -e.backward_time,
            "calls": lambda e: -(e.calls + e.backward_calls),
            "op": lambda e: e.op,
        }
        if sort_by not in keys:
            raise ValueError(f"profile.rows: sort_by must be one of {sorted(keys)}, got {sort_by!r}")
        return sorted(self.stats.values(), key=lambda e: (keys[sort_by](e), e.op))

    def table(self, sort_by="total", limit=None):
        """The stats as a text table, one row per op plus a total; times in milliseconds."""
        if limit is not None and (not isinstance(limit, int) or limit < 1):
            raise ValueError(f"profile.table: limit must be a positive int or None, got {limit!r}")
        rows = self.rows(sort_by)
        shown = rows if limit is None else rows[:limit]
        total = self.total_time
        header = ("op", "calls", "forward ms", "bwd calls", "backward ms", "total ms", "share")
        lines = [
            (
                entry.op,
                str(entry.calls),
                f"{entry.forward_time * 1e3:.3f}",
                str(entry.backward_calls),
                f"{entry.backward_time * 1e3:.3f}",
                f"{entry.total_time * 1e3:.3f}",
                f"{100.0 * entry.total_time / total:.1f}%" if total > 0 else "-",
            )
            for entry in shown
        ]
        if len(shown) < len(rows):
            lines.append((f"({len(rows) - len(shown)} more)", "", "", "", "", "", ""))
        lines.append(
            (
                "total",
                str(sum(e.calls for e in rows)),
                f"{self.forward_time * 1e3:.3f}",
                str(sum(e.backward_calls for e in rows if e.op != _SORT_ROW)),
                f"{self.backward_time * 1e3:.3f}",
                f"{total * 1e3:.3f}",
                "100.0%" if total > 0 else "-",
            )
        )
        widths = [max(len(row[i]) for row in [header, *lines]) for i in range(len(header))]

        def render(row):
            first = row[0].ljust(widths[0])
            rest = (cell.rjust(width) for cell, width in zip(row[1:], widths[1:]))
            return "  ".join([first, *rest])

        rule = "-" * (sum(widths) + 2 * (len(widths) - 1))
        return "\n".join([render(header), rule, *map(render, lines[:-1]), rule, render(lines[-1])])

    def __str__(self):
        return self.table()

    def __repr__(self):
        running = " running" if self in _Patches.active else ""
        return f"<autograd.profile{running}: {len(self.stats)} ops, {self.total_time * 1e3:.3f} ms>"


class _Depth(threading.local):
    """How many timed ops (or backward passes) the current thread is inside."""

    value = 0


_depth = _Depth()


def _record_forward(op, elapsed):
    thread = threading.get_ident()
    for prof in _Patches.active:
        if prof._thread != thread:
            continue
        entry = prof._entry(op)
        entry.calls += 1
        entry.forward_time += elapsed


def _record_backward(op, elapsed, calls=1):
    thread = threading.get_ident()
    for prof in _Patches.active:
        if prof._thread != thread:
            continue
        entry = prof._entry(op)
        entry.backward_calls += calls
        entry.backward_time += elapsed


def _op_name(result, fallback):
    if isinstance(result, Node) and result.op:
        return result.op
    return fallback


def _timed_op(original, fallback):
    """``original`` timed when it is the outermost op call; counted under its result's op name."""

    @functools.wraps(original)
    def timed(*args, **kwargs):
        depth = _depth
        if depth.value:
            return original(*args, **kwargs)
        depth.value = 1
        start = perf_counter()
        try:
            result = original(*args, **kwargs)
        finally:
            elapsed = perf_counter() - start
            depth.value = 0
        name = fallback(args) if callable(fallback) else fallback
        _record_forward(_op_name(result, name), elapsed)
        return result

    timed.__wrapped_by_profile__ = True
    return timed


def _timed_propagate(original):
    """``engine.propagate`` run one node at a time, each timed and counted under ``node.op``.

    Handing the engine's own ``propagate`` a one-node order does exactly what the
    full pass does for that node (read the parents' payloads, run the rule,
    accumulate into the parents), so nothing about the pass changes and each
    node is charged precisely its own work.
    """

    @functools.wraps(original)
    def propagate(order, create_graph):
        saved = _depth.value
        _depth.value = saved + 1  # ops run by rules (create_graph) belong to the backward pass
        try:
            for node in reversed(order):
                one = [node]
                start = perf_counter()
                original(one, create_graph)
                elapsed = perf_counter() - start
                _record_backward(node.op or "?", elapsed)
        finally:
            _depth.value = saved

    propagate.__wrapped_by_profile__ = True
    return propagate


def _timed_order(original):
    @functools.wraps(original)
    def topological_order(root):
        start = perf_counter()
        order = original(root)
        _record_backward(_SORT_ROW, perf_counter() - start)
        return order

    topological_order.__wrapped_by_profile__ = True
    return topological_order


class _Patches:
    """The swapped-in wrappers, shared by every running profile; removed when the last one ends."""

    active: ClassVar[list] = []  # the running profiles of every thread, outermost first
    swaps: ClassVar[Swaps] = Swaps()
    lock: ClassVar = threading.Lock()  # profiles starting and stopping in several threads

    @classmethod
    def start(cls, prof):
        with cls.lock:
            if not cls.active:
                cls._install()
            cls.active = [*cls.active, prof]  # a new list: threads iterating the old one are undisturbed

    @classmethod
    def stop(cls, prof):
        with cls.lock:
            if prof in cls.active:
                cls.active = [p for p in cls.active if p is not prof]
            if not cls.active:
                cls.swaps.undo()

    @classmethod
    def _install(cls):
        swaps = cls.swaps
        try:
            swaps.swap(engine, "propagate", _timed_propagate(engine.propagate))
            if hasattr(engine, "topological_order"):
                swaps.swap(engine, "topological_order", _timed_order(engine.topological_order))
            swaps.swap_ops(_timed_op)
        except BaseException:
            swaps.undo()
            raise
