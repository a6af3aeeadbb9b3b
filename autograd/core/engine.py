"""The one backward pass: an iterative topological order, then each node's rule in reverse.

The engine knows nothing of payloads. A node is any object with

- ``_data``         its payload (a float, an ndarray, ...), public as the ``data`` property,
- ``_grad``         where gradients accumulate (``None`` means "nothing yet"),
                    public as the ``grad`` property,
- ``_requires_grad`` whether gradients flow into it, public as ``requires_grad``,
- ``parents``       the tuple of nodes it was computed from (empty for a leaf),
- ``_vjp``          its derivative rule ``vjp(g, out, *inputs) -> tuple``.

A rule turns the gradient ``g`` of a node into one gradient per parent (``None``
where a parent needs none), or into an empty tuple when no gradient flows to any
parent (a ReLU neuron that is off): then nothing is added, and a node that no
gradient reaches is skipped (its ``_grad`` stays ``None``, read as zero). A node
whose derivative is zero wherever it was computed may be recorded with the rule
``passes_nothing``: the plain first-order loops then skip it without gathering its
inputs' payloads (the same result as calling it: nothing is added). A rule
is written in the op vocabulary shared by payloads and nodes, so the same rule
runs on raw payloads for a fast first-order pass and on nodes
(``create_graph=True``) to record a graph of the gradient itself, which can be
differentiated again.

Gradient semantics: leaves accumulate across passes until zeroed; every other
node's ``grad`` holds the gradient of the last pass.

Instruments (gradient hooks, anomaly mode, ``backward_steps``, the profiler)
watch a pass through one protocol, ``pass_observers.PassObserver``: when a pass
starts, one check asks whether anything watches this thread's passes; if not,
the plain loops below run, untouched; if so, the one observed loop runs the same
rules and sums and shows each step to the observers. No rule is wrapped and no
function swapped.
"""

import contextlib
import contextvars

from .node import Node
from .pass_observers import callbacks, watching
from .versions import check as check_versions


_grad_enabled = contextvars.ContextVar("autograd_grad_enabled", default=True)
_saved_modes = contextvars.ContextVar("autograd_saved_grad_modes", default=())

grad_enabled = _grad_enabled.get  # () -> True when ops record a graph, in this thread (and asyncio task)
# Every op reads grad mode as ``grad_enabled()``: one call of a C method, as cheap as
# reading a class attribute. A context variable is per thread (a new thread starts
# with grad mode on) and, beyond what PyTorch's thread-local mode does, per asyncio
# task, so no_grad() in one task does not leak into another at an ``await``.


class _SetGradMode(contextlib.ContextDecorator):
    """Context manager and decorator that sets grad mode, restoring it on exit.

    Works as ``with no_grad():``, ``@no_grad()`` and ``@no_grad`` (no parentheses).
    Each entry pushes the current mode on a stack of the calling thread (and task)
    and each exit pops it there, so blocks in several threads may overlap in any
    order, and one object (a decorator) may be in use in several threads at once.
    """

    mode = True

    def __new__(cls, func=None):
        if func is None:
            return object.__new__(cls)
        if not callable(func):
            raise TypeError(f"{cls.__name__}: takes no arguments, or a function to decorate; got {func!r}")
        return cls()(func)  # @no_grad without parentheses: decorate func at once

    def __enter__(self):
        _saved_modes.set((*_saved_modes.get(), _grad_enabled.get()))
        _grad_enabled.set(self.mode)
        return self

    def __exit__(self, *exc_info):
        saved = _saved_modes.get()
        _grad_enabled.set(saved[-1])
        _saved_modes.set(saved[:-1])
        return False


class no_grad(_SetGradMode):
    """Inside ``with no_grad():`` (or a function decorated ``@no_grad`` / ``@no_grad()``) no graph is recorded.

    Per thread, as PyTorch's: other threads keep recording.
    """

    mode = False


class enable_grad(_SetGradMode):
    """Record graphs again, even inside ``no_grad()`` (this thread only)."""

    mode = True


def is_grad_enabled():
    """True when ops record a computation graph (in this thread)."""
    return _grad_enabled.get()


def passes_nothing(g, out, *inputs):
    """The rule of a node whose derivative is zero where it was computed (a ReLU neuron that is off).

    In a first-order pass no gradient flows on (an empty tuple; the plain loops skip
    the node without calling it); recording a gradient graph, each input gets a zero
    ``g * 0.0``, so every gradient that reaches a node is a node.
    """
    if isinstance(out, Node):
        zero = g * 0.0
        return (zero,) * len(inputs)
    return ()


def topological_order(root):
    """The non-leaf nodes that ``root`` depends on, each after all of its parents.

    Iterative depth-first search (no recursion, so any depth works). The order is
    decided by the parents tuples alone, so gradient sums always add in the same
    order. A chain (each node computed from at most one non-leaf, as an MLP's
    layers are) is walked straight down instead: the same order, a third of the time.
    """
    parents = root.parents
    if not parents:
        return []
    order = [root]
    while True:  # down the chain while each node has one non-leaf parent
        below = None
        for parent in parents:
            if parent.parents and parent is not below:
                if below is not None:  # a second one: the graph branches
                    return _depth_first_order(root)
                below = parent
        if below is None:
            break
        order.append(below)
        parents = below.parents
    order.reverse()
    return order


def _depth_first_order(root):
    """``topological_order`` of any graph: post-order of an iterative depth-first search from ``root``."""
    order = []
    seen = {root}
    nodes, unvisited = [root], [iter(root.parents)]  # the path from root, and each one's parents still to visit
    visit, append = seen.add, order.append
    while unvisited:
        for parent in unvisited[-1]:
            if parent.parents and parent not in seen:
                visit(parent)
                nodes.append(parent)
                unvisited.append(iter(parent.parents))
                break
        else:
            unvisited.pop()
            append(nodes.pop())
    return order


def propagate(order, create_graph, observers=()):
    """Run each node's rule in reverse topological order, accumulating into parents' ``grad``.

    With ``observers`` (see ``pass_observers``) the one observed loop runs;
    without, the plain loop for graphs, summed in place, or on payloads.
    """
    if observers:
        _propagate_observed(order, create_graph, observers)
        return
    if create_graph:
        for node in reversed(order):
            g = node._grad
            if g is None:
                continue
            parents = node.parents
            grads = node._vjp(g, node, *parents)
            for parent, grad in zip(parents, grads):
                if parent._requires_grad:
                    current = parent._grad
                    parent._grad = grad if current is None else current + grad
        return
    if order and order[-1]._sums_in_place:
        _propagate_summing_in_place(order)
        return
    for node in reversed(order):
        g = node._grad
        if g is None:
            continue
        parents = node.parents
        if len(parents) == 2:
            first, second = parents
            grads = node._vjp(g, node._data, first._data, second._data)
        elif len(parents) == 1:
            grads = node._vjp(g, node._data, parents[0]._data)
        else:
            rule = node._vjp
            if rule is passes_nothing:
                continue
            grads = rule(g, node._data, *[parent._data for parent in parents])
        for parent, grad in zip(parents, grads):
            if parent._requires_grad:
                current = parent._grad
                parent._grad = grad if current is None else current + grad


def _propagate_summing_in_place(order):
    """``propagate``'s first-order pass for payloads that are mutable buffers (a node class's ``_sums_in_place``).

    A parent's first gradient is kept as the rule gave it (it may be shared, a view
    of another gradient); its second is added into a new buffer, which this pass
    then owns and adds every further gradient into in place (``_add_into``). A node
    reached by many paths (a tensor read by many slices) costs one buffer, not one
    per path. Nodes of one and two parents, nearly all of them, are written out.
    """
    owned = set()
    for node in reversed(order):
        g = node._grad
        if g is None:
            continue
        parents = node.parents
        if len(parents) == 2:
            first, second = parents
            grads = node._vjp(g, node._data, first._data, second._data)
            if not grads:  # () passes no gradient on; None is the TypeError it always was
                iter(grads)
                continue
            grad, other = grads
            if first._requires_grad:
                if first._grad is None:
                    first._grad = grad
                else:
                    _add_into(first, grad, owned)
            if second._requires_grad:
                if second._grad is None:
                    second._grad = other
                else:
                    _add_into(second, other, owned)
        elif len(parents) == 1:
            parent = parents[0]
            grads = node._vjp(g, node._data, parent._data)
            if not grads:
                iter(grads)
                continue
            if parent._requires_grad:
                if parent._grad is None:
                    parent._grad = grads[0]
                else:
                    _add_into(parent, grads[0], owned)
        else:
            rule = node._vjp
            if len(parents) == 3:  # nn.Linear's linear(x, W, b)
                first, second, third = parents
                grads = rule(g, node._data, first._data, second._data, third._data)
            elif rule is passes_nothing:
                continue
            else:
                grads = rule(g, node._data, *[parent._data for parent in parents])
            for parent, grad in zip(parents, grads):
                if parent._requires_grad:
                    if parent._grad is None:
                        parent._grad = grad
                    else:
                        _add_into(parent, grad, owned)


def _add_into(parent, grad, owned):
    """Add ``grad`` to ``parent``'s gradient of this pass: in place into a buffer the pass ``owned``, else into a new one."""
    current = parent._grad
    if parent in owned:
        current += grad
        parent._grad = current  # a 0-d sum is an immutable scalar: store it back
    else:
        parent._grad = current + grad
        owned.add(parent)


def _propagate_observed(order, create_graph, observers):
    """``propagate`` with observers: the same rules and sums as the plain loops, each step shown to them.

    Per node: ``gradient_complete`` (may replace the gradient), ``rule_starting``,
    the rule, the sums into the parents, ``rule_finished``. A leaf an observer
    ``holds`` gathers its gradient of the pass apart, shown to ``gradient_complete``
    before it is added to ``.grad``.
    """
    complete, starting, finished, holders = callbacks(observers)
    in_place = not create_graph and bool(order) and order[-1]._sums_in_place
    owned = set()
    held = {}  # id(leaf) -> [leaf, its gradient of this pass]
    for node in reversed(order):
        g = node._grad
        if g is None:  # no gradient reached it: nothing to pass on, nothing to show
            continue
        if complete:
            for callback in complete:
                g = callback(node, g)
            node._grad = g
        for callback in starting:
            callback(node)
        parents = node.parents
        if create_graph:
            grads = node._vjp(g, node, *parents)
        else:
            grads = node._vjp(g, node._data, *[parent._data for parent in parents])
        for parent, grad in zip(parents, grads):
            if not parent._requires_grad:
                continue
            if holders and not parent.parents and _is_held(parent, holders):
                entry = held.get(id(parent))
                if entry is None:
                    held[id(parent)] = [parent, grad]
                else:
                    entry[1] = entry[1] + grad
                continue
            current = parent._grad
            if current is None:
                parent._grad = grad
            elif parent in owned:
                current += grad
                parent._grad = current
            else:
                parent._grad = current + grad
                if in_place:
                    owned.add(parent)
        for callback in finished:
            callback(node, g, grads)
    for leaf, grad in held.values():
        _add_to_leaf(leaf, grad, complete)


def _is_held(leaf, holders):
    for holds in holders:
        if holds(leaf):
            return True
    return False


def _add_to_leaf(leaf, grad, complete):
    for callback in complete:
        grad = callback(leaf, grad)
    current = leaf._grad
    leaf._grad = grad if current is None else current + grad


def _seed_and_propagate(root, order, seed, create_graph, observers=()):
    check_versions(order)  # RuntimeError if an array a rule reads changed in place since it was recorded
    for node in order:
        node._grad = None
    if order:
        root._grad = seed
    elif observers and _is_held(root, callbacks(observers)[3]):
        _add_to_leaf(root, seed, callbacks(observers)[0])
    else:
        root._grad = seed if root._grad is None else root._grad + seed
    if create_graph:
        with enable_grad():
            propagate(order, True, observers)
    else:
        propagate(order, False, observers)


def _sorted(root, observers):
    """``topological_order(root)``, the observers told before and after."""
    for observer in observers:
        observer.sorting(root)
    order = topological_order(root)
    for observer in observers:
        observer.sorted(order)
    return order


def _require_grad(root, caller):
    if not root._requires_grad:
        raise ValueError(
            f"{caller}: this result does not require grad: none of its inputs requires grad, "
            "or it was computed inside no_grad()"
        )


def backward(root, seed, create_graph=False):
    """Accumulate d(root)/d(leaf) into every leaf's ``grad``; set every non-leaf's ``grad``.

    ``seed`` is d(loss)/d(root): a payload, or a node when ``create_graph`` is true.
    """
    _require_grad(root, "backward")
    observers = watching()  # the one check per pass: an instrument watching this thread, or a gradient hook
    order = _sorted(root, observers) if observers else topological_order(root)
    _seed_and_propagate(root, order, seed, create_graph, observers)


def gradients(root, inputs, seed, create_graph=False, order=None):
    """The gradients of ``root`` with respect to ``inputs``, leaving every node's ``grad`` as it was.

    Like ``torch.autograd.grad``: nothing accumulates into leaves and no
    intermediate ``grad`` changes. Returns one entry per input, ``None`` for an
    input that ``root`` does not depend on. ``order``: ``topological_order(root)``
    when the caller already has it, or the part of it whose rules must run (the
    nodes on a path from an input to ``root``).
    """
    if not root._requires_grad:
        return [None for _ in inputs]
    observers = watching()
    if order is None:
        order = _sorted(root, observers) if observers else topological_order(root)
    reached = set(order)
    reached.add(root)
    touched = order[:] if order else [root]
    for node in order:
        for parent in node.parents:
            if parent._requires_grad and parent not in reached:  # leaves, and nodes a pruned order left out
                reached.add(parent)
                touched.append(parent)
    saved = [node._grad for node in touched]
    for node in touched:
        node._grad = None
    try:
        _seed_and_propagate(root, order, seed, create_graph, observers)
        return [node.grad if node in reached else None for node in inputs]  # public: Tensor tidies 0-d grads
    finally:
        for node, grad in zip(touched, saved):
            node._grad = grad
