"""The one backward pass: an iterative topological order, then each node's rule in reverse.

The engine knows nothing of payloads. A node is any object with

- ``_data``         its payload (a float, an ndarray, ...), public as the ``data`` property,
- ``_grad``         where gradients accumulate (``None`` means "nothing yet"),
                    public as the ``grad`` property,
- ``_requires_grad`` whether gradients flow into it, public as ``requires_grad``,
- ``parents``       the tuple of nodes it was computed from (empty for a leaf),
- ``_vjp``          its derivative rule ``vjp(g, out, *inputs) -> tuple``.

A rule turns the gradient ``g`` of a node into one gradient per parent (``None``
where a parent needs none). It is written in the op vocabulary shared by payloads
and nodes, so the same rule runs on raw payloads for a fast first-order pass and
on nodes (``create_graph=True``) to record a graph of the gradient itself, which
can be differentiated again.

Gradient semantics: leaves accumulate across passes until zeroed; every other
node's ``grad`` holds the gradient of the last pass.
"""

import contextlib

from .hooks import HookCount, propagate_with_hooks, run_hooks


class GradMode:
    """Whether ops record a graph: read as ``GradMode.enabled`` on every op."""

    enabled = True


class _SetGradMode(contextlib.ContextDecorator):
    """Context manager and decorator that sets grad mode, restoring it on exit."""

    mode = True

    def __init__(self):
        self._saved = []

    def __enter__(self):
        self._saved.append(GradMode.enabled)
        GradMode.enabled = self.mode
        return self

    def __exit__(self, *exc_info):
        GradMode.enabled = self._saved.pop()
        return False


class no_grad(_SetGradMode):
    """Inside ``with no_grad():`` (or a function decorated ``@no_grad()``) no graph is recorded."""

    mode = False


class enable_grad(_SetGradMode):
    """Record graphs again, even inside ``no_grad()``."""

    mode = True


def is_grad_enabled():
    """True when ops record a computation graph."""
    return GradMode.enabled


def topological_order(root):
    """The non-leaf nodes that ``root`` depends on, each after all of its parents.

    Iterative depth-first search (no recursion, so any depth works). The order is
    decided by the parents tuples alone, so gradient sums always add in the same
    order.
    """
    if not root.parents:
        return []
    order = []
    seen = {root}
    stack = [(root, iter(root.parents))]
    push, pop, visit, append = stack.append, stack.pop, seen.add, order.append
    while stack:
        node, parents = stack[-1]
        for parent in parents:
            if parent.parents and parent not in seen:
                visit(parent)
                push((parent, iter(parent.parents)))
                break
        else:
            pop()
            append(node)
    return order


def propagate(order, create_graph):
    """Run each node's rule in reverse topological order, accumulating into parents' ``grad``."""
    if HookCount.live:
        propagate_with_hooks(order, create_graph)
        return
    if create_graph:
        for node in reversed(order):
            parents = node.parents
            grads = node._vjp(node._grad, node, *parents)
            for parent, grad in zip(parents, grads):
                if parent._requires_grad:
                    current = parent._grad
                    parent._grad = grad if current is None else current + grad
        return
    for node in reversed(order):
        parents = node.parents
        if len(parents) == 2:
            first, second = parents
            grads = node._vjp(node._grad, node._data, first._data, second._data)
        elif len(parents) == 1:
            grads = node._vjp(node._grad, node._data, parents[0]._data)
        else:
            grads = node._vjp(node._grad, node._data, *[parent._data for parent in parents])
        for parent, grad in zip(parents, grads):
            if parent._requires_grad:
                current = parent._grad
                parent._grad = grad if current is None else current + grad


def _seed_and_propagate(root, order, seed, create_graph):
    for node in order:
        node._grad = None
    if order:
        root._grad = seed
    else:
        if HookCount.live and getattr(root, "_hooks", None):
            seed = run_hooks(root, seed)
        root._grad = seed if root._grad is None else root._grad + seed
    # ``propagate`` is looked up at call time so that ``autograd.profile`` can time it.
    if create_graph:
        with enable_grad():
            propagate(order, True)
    else:
        propagate(order, False)


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
    _seed_and_propagate(root, topological_order(root), seed, create_graph)


def gradients(root, inputs, seed, create_graph=False):
    """The gradients of ``root`` with respect to ``inputs``, leaving every node's ``grad`` as it was.

    Like ``torch.autograd.grad``: nothing accumulates into leaves and no
    intermediate ``grad`` changes. Returns one entry per input, ``None`` for an
    input that ``root`` does not depend on.
    """
    if not root._requires_grad:
        return [None for _ in inputs]
    order = topological_order(root)
    reached = set(order)
    reached.add(root)
    touched = order[:] if order else [root]
    for node in order:
        for parent in node.parents:
            if not parent.parents and parent._requires_grad and parent not in reached:
                reached.add(parent)
                touched.append(parent)
    saved = [node._grad for node in touched]
    for node in touched:
        node._grad = None
    try:
        _seed_and_propagate(root, order, seed, create_graph)
        return [node.grad if node in reached else None for node in inputs]  # public: Tensor tidies 0-d grads
    finally:
        for node, grad in zip(touched, saved):
            node._grad = grad
