"""``profile()``: count and time every op, forward and backward, without slowing anything down outside it.

    with autograd.profile() as prof:
        loss = model(X).relu().sum()
        loss.backward()
    print(prof)                       # a table: op, calls, forward, backward, share

Nothing is swapped or wrapped: a profile observes.

- forward: every outermost op call of the thread (a method or function of the
  op table, ``Primitive.__call__``), seen through ``op_calls``, is timed from call
  to return and counted under the op name of the node it returns
  (``result.op``; the called op's name when the result is a constant). A
  composite op (one whose forward calls other ops) counts once.
- backward: the engine shows the profile each node of a pass
  (``pass_observers``), which charges the node's rule and the accumulation into
  its parents to ``node.op``. Sorting the graph shows as its own row.

A profile counts only the ops and backward passes of the thread that entered it
(as grad mode is per thread); other threads run as they would without it. Times
include the profiler's own cost: Python calls its profile hook on every call in
the thread, so scalar ops, which cost about as much as that hook, run several
times slower inside a profile, while a Tensor step of useful size changes
little. Compare rows with each other, not with an unprofiled run. Profiles may
be nested; each records what runs inside it.
"""

import threading
from time import perf_counter

from . import op_calls
from ..core import pass_observers
from ..core.pass_observers import PassObserver

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
        self._thread = None  # while it runs, the thread that entered it: only its ops are counted

    def __enter__(self):
        if self._thread is not None:
            raise RuntimeError("profile: this profile is already running; use a new profile() to nest one")
        _ThreadProfiles.start(self)
        self._thread = threading.get_ident()
        return self

    def __exit__(self, *exc_info):
        _ThreadProfiles.stop(self)
        self._thread = None
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
        running = " running" if self._thread is not None else ""
        return f"<autograd.profile{running}: {len(self.stats)} ops, {self.total_time * 1e3:.3f} ms>"


class _ThreadProfiles(PassObserver, op_calls.OpObserver):
    """The profiles running in one thread, watching its op calls and backward passes while there are any."""

    def __init__(self):
        self.running = []  # outermost first
        self.started = 0.0

    @classmethod
    def start(cls, prof):
        state = _this_thread.profiles
        if state is None:
            state = cls()
            op_calls.watch(state)  # first: it refuses where another profiler holds the thread's hook
            pass_observers.watch(state)
            _this_thread.profiles = state
        state.running.append(prof)

    @classmethod
    def stop(cls, prof):
        state = _this_thread.profiles
        if state is None or prof not in state.running:
            raise RuntimeError("profile: a profile must be left in the thread that entered it")
        state.running.remove(prof)
        if not state.running:
            _this_thread.profiles = None
            pass_observers.unwatch(state)
            op_calls.unwatch(state)

    def op_finished(self, call):
        name = call.name
        for prof in self.running:
            entry = prof._entry(name)
            entry.calls += 1
            entry.forward_time += call.seconds

    def sorting(self, root):
        op_calls.reinstall()
        self.started = perf_counter()

    def sorted(self, order):
        self._backward(_SORT_ROW, perf_counter() - self.started)

    def rule_starting(self, node):
        self.started = perf_counter()

    def rule_finished(self, node, grad, grads):
        self._backward(node.op or "?", perf_counter() - self.started)

    def _backward(self, op, seconds):
        for prof in self.running:
            entry = prof._entry(op)
            entry.backward_calls += 1
            entry.backward_time += seconds


class _ThisThread(threading.local):
    profiles = None


_this_thread = _ThisThread()
