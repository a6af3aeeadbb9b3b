"""How instruments see the ops a thread runs: each outermost op call, reported when it returns.

``watch(observer)`` makes the calling thread report every outermost op call (a
method or function of the op table, or a user primitive) to
``observer.op_finished(call)``, until ``unwatch(observer)``. The calls are seen
through Python's own profile hook (``sys.setprofile``), which the interpreter
keeps per thread: no op, class or module is changed, other threads run exactly as
before, and a thread that watches nothing runs no instrument code at all, however
the blocks of several threads were entered and left.

An op called by another op (a composite op, a primitive's forward) is part of
the outer call, not a call of its own; so are the ops run during a backward pass
(by rules with ``create_graph=True``, or by hooks): the pass belongs to the
backward instruments (``pass_observers``).

Limits: Python has one profile hook per thread. A Python-level one installed
before is chained (it keeps seeing every event); a profiler written in C
(``cProfile``) cannot be, and watching is then refused with a RuntimeError. An
exception an observer raises (``AnomalyError``) makes Python drop the hook; the
next ``watch``/``unwatch`` in the thread, or its next observed backward pass,
puts it back.
"""

import sys
import threading
from time import perf_counter

import numpy as np

from ..core import engine, optable
from ..core.node import Node
from ..transforms.primitive import Primitive

_PRIMITIVE = object()  # the code of Primitive.__call__: the op's name is its primitive's
_PASS = object()  # the code of a backward pass: no op call, and the ops inside are the pass's


class OpObserver:
    """What ``watch`` reports to; subclasses override ``op_finished`` and set the flags they need."""

    wants_inputs = False  # read the call's arguments (``call.inputs``)
    quiet_numpy = False  # silence numpy's floating-point warnings in op calls and backward passes

    def op_finished(self, call):
        """An outermost op call returned ``call.result`` (a call that raised is not reported)."""


class OpCall:
    """One outermost op call: ``name``, ``called`` (the op name of what was called), ``frame``, ``inputs``,
    ``result`` and ``seconds``."""

    __slots__ = ("called", "frame", "inputs", "result", "seconds")

    @property
    def name(self):
        """The op name of the node it returned (``result.op``), else of what was called."""
        result = self.result
        if isinstance(result, Node) and result.op:
            return result.op
        return self.called


def op_codes():
    """code object -> op name, for every method and function of the op table; and the two special codes."""
    codes = {}
    for cls, attribute, op in optable.op_methods():
        code = getattr(vars(cls).get(attribute), "__code__", None)
        if code is not None:
            codes[code] = op
    for _, function, op in optable.op_functions():
        code = getattr(function, "__code__", None)
        if code is not None:
            codes[code] = op
    codes[Primitive.__call__.__code__] = _PRIMITIVE
    codes[engine.backward.__code__] = _PASS
    codes[engine.gradients.__code__] = _PASS
    return codes


def _arguments(frame):
    """The arguments a call's frame was given, in order (``*args`` spread, ``**kwargs`` values)."""
    code = frame.f_code
    count = code.co_argcount + code.co_kwonlyargcount
    variables = frame.f_locals
    found = [variables.get(name) for name in code.co_varnames[:count]]
    if code.co_flags & 0x04:  # CO_VARARGS
        found.extend(variables.get(code.co_varnames[count], ()))
        count += 1
    if code.co_flags & 0x08:  # CO_VARKEYWORDS
        found.extend(variables.get(code.co_varnames[count], {}).values())
    return found


class _Watch:
    """One thread's watching: its observers, the op call under way, and the profile hook it replaced."""

    def __init__(self):
        self.observers = ()
        self.codes = op_codes()
        self.frame = None  # the frame of the outermost op call (or backward pass) under way
        self.called = None
        self.inputs = None
        self.start = 0.0
        self.quieted = None  # the np.errstate entered for the call under way
        self.wants_inputs = self.quiet_numpy = False
        self.previous = sys.getprofile()
        if self.previous is not None and not callable(self.previous):
            raise RuntimeError(
                f"autograd: another profiler ({type(self.previous).__name__}) holds this thread's profile hook; "
                "profile() and detect_anomaly() need it: stop that profiler first"
            )
        self.event = self._event_function()

    def update(self, observers):
        self.observers = observers
        self.wants_inputs = any(observer.wants_inputs for observer in observers)
        self.quiet_numpy = any(observer.quiet_numpy for observer in observers)

    def install(self):
        if sys.getprofile() is not self.event:
            sys.setprofile(self.event)

    def _event_function(self):
        codes, previous = self.codes, self.previous

        def event(frame, what, arg):
            if what == "call":
                if self.frame is None:
                    called = codes.get(frame.f_code)
                    if called is not None:
                        self._begin(frame, called)
            elif what == "return" and frame is self.frame:
                self._end(arg)
            if previous is not None:
                previous(frame, what, arg)

        return event

    def _begin(self, frame, called):
        self.frame = frame
        if called is _PRIMITIVE:
            called = getattr(frame.f_locals.get("self"), "name", "primitive")
        self.called = called
        self.inputs = _arguments(frame) if self.wants_inputs and called is not _PASS else None
        if self.quiet_numpy:
            self.quieted = np.errstate(all="ignore")
            self.quieted.__enter__()
        self.start = perf_counter()

    def _end(self, result):
        seconds = perf_counter() - self.start
        frame, called = self.frame, self.called
        self.frame = self.called = None
        if self.quieted is not None:
            quieted, self.quieted = self.quieted, None
            quieted.__exit__(None, None, None)
        if called is _PASS or result is None:  # a pass, or an op that raised (no op returns None)
            return
        call = OpCall()
        call.called, call.frame, call.inputs, call.result, call.seconds = called, frame, self.inputs, result, seconds
        self.inputs = None
        for observer in self.observers:
            observer.op_finished(call)


class _ThisThread(threading.local):
    watch = None


_this_thread = _ThisThread()


def watch(observer):
    """Report this thread's outermost op calls to ``observer.op_finished`` until ``unwatch(observer)``."""
    state = _this_thread.watch
    if state is None:
        state = _Watch()
        _this_thread.watch = state
    state.update((*state.observers, observer))
    state.install()


def unwatch(observer):
    """Stop reporting to ``observer``; the last one gone, the thread's profile hook is what it was before."""
    state = _this_thread.watch
    if state is None:
        return
    state.update(tuple(other for other in state.observers if other is not observer))
    if state.observers:
        state.install()
        return
    _this_thread.watch = None
    if state.quieted is not None:  # left inside an op call (a block inside a primitive's forward)
        state.quieted.__exit__(None, None, None)
    if sys.getprofile() in (state.event, None):  # a hook someone set since stays theirs
        sys.setprofile(state.previous)


def reinstall():
    """Put this thread's profile hook back if an observer's exception made Python drop it."""
    state = _this_thread.watch
    if state is not None and state.observers and sys.getprofile() is not state.event:
        state.frame = None
        state.install()


def watching():
    """The observers of this thread's op calls (empty: nothing is watched, no hook is set)."""
    state = _this_thread.watch
    return state.observers if state is not None else ()
