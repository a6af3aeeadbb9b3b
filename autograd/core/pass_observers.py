"""How instruments watch a backward pass: the ``PassObserver`` protocol and who is watching, per thread.

Hooks, anomaly mode, ``backward_steps`` and the profiler each give the engine an
observer; the engine calls it at each step of the pass (see ``engine``'s
observed loop). Nothing is swapped or wrapped: while no observer is registered
the engine runs its plain loops, chosen by one check per pass.

An observer watches the passes of the thread that registered it (as grad mode is
per thread); the gradient hooks, which live on nodes, watch every thread's passes
while any hook exists.
"""

import threading


class PassObserver:
    """Callbacks the engine makes during an observed backward pass; each does nothing unless overridden."""

    def sorting(self, root):
        """The pass of ``root`` is about to sort its graph."""

    def sorted(self, order):
        """The graph is sorted: ``order`` are the nodes whose rules may run, parents first."""

    def holds(self, leaf):
        """True to see ``leaf``'s whole gradient of this pass (``gradient_complete``) before it is added to ``.grad``."""
        return False

    def gradient_complete(self, node, grad):
        """``node``'s complete gradient of this pass: before its rule runs, or, for a held leaf, before it is added.

        Returns the gradient to use from here on (``grad`` itself to leave it).
        """
        return grad

    def rule_starting(self, node):
        """``node``'s rule is about to run."""

    def rule_finished(self, node, grad, grads):
        """``node``'s rule ran on ``grad`` and gave ``grads`` (one per parent, or empty), now added to the parents."""


def overrides(observer, callback):
    """True where ``observer``'s class defines ``callback`` itself, not PassObserver's do-nothing one."""
    return getattr(type(observer), callback) is not getattr(PassObserver, callback)


_KINDS = ("gradient_complete", "rule_starting", "rule_finished", "holds")
_latest = None  # (observers, their callbacks) of the latest observed pass; dropped when an observer stops watching


def callbacks(observers):
    """The callbacks of ``observers`` that do something: lists of gradient_complete, rule_starting, rule_finished
    and holds methods (worked out once for passes watched by the same observers)."""
    global _latest
    latest = _latest
    if latest is not None and latest[0] is observers:
        return latest[1]
    found = tuple([getattr(observer, kind) for observer in observers if overrides(observer, kind)] for kind in _KINDS)
    _latest = (observers, found)
    return found


class _ThisThread(threading.local):
    observers = ()


_this_thread = _ThisThread()
_every_thread = ()  # observers of every thread's passes: the gradient hooks, while any hook exists
_lock = threading.Lock()


_watching_threads = 0  # the observers registered by watch(), summed over the threads: 0 is the common case


def watching():
    """The observers of a pass that starts now in this thread (an empty tuple: the engine's plain loops)."""
    if not _watching_threads:  # nothing watches any thread: two global reads, not a thread-local lookup (~75 ns)
        return _every_thread
    mine = _this_thread.observers
    return _every_thread + mine if _every_thread else mine


def watch(observer):
    """Let ``observer`` watch this thread's backward passes until ``unwatch(observer)`` (called in this thread)."""
    global _watching_threads
    with _lock:
        _this_thread.observers = (*_this_thread.observers, observer)
        _watching_threads += 1


def unwatch(observer):
    """Stop ``observer`` watching this thread's passes (it is harmless if it was not watching)."""
    global _latest, _watching_threads
    _latest = None
    with _lock:
        before = _this_thread.observers
        _this_thread.observers = tuple(other for other in before if other is not observer)
        _watching_threads -= len(before) - len(_this_thread.observers)


def watch_every_thread(observer):
    """Let ``observer`` watch the passes of every thread until ``unwatch_every_thread(observer)``."""
    global _every_thread
    with _lock:
        if observer not in _every_thread:
            _every_thread = (*_every_thread, observer)


def unwatch_every_thread(observer):
    """Stop ``observer`` watching every thread's passes."""
    global _every_thread, _latest
    with _lock:
        _every_thread = tuple(other for other in _every_thread if other is not observer)
        _latest = None
