"""``backward_steps(root)``: the backward pass of ``root``, run by the engine, with each rule's work written down.

The engine is not copied: ``root.backward()`` runs with an observer
(``pass_observers``) that notes what each rule received and returned, so the
gradients end exactly as ``backward()`` leaves them. Local derivatives are read
by running the same rule once more with a unit gradient.
"""

from collections import namedtuple
from collections.abc import Sequence

import numpy as np

from ..core.engine import topological_order
from ..core.node import Node
from ..core.pass_observers import PassObserver, unwatch, watch

Step = namedtuple("Step", ["node", "upstream", "contributions"])
Step.__doc__ = """One rule of the backward pass: ``node`` (whose rule ran), ``upstream`` (dJ/dnode) and ``contributions``."""
Step.node.__doc__ = "The node whose derivative rule ran."
Step.upstream.__doc__ = "dJ/dnode: the gradient the rule received (a float, or an ndarray of the node's shape)."
Step.contributions.__doc__ = "One Contribution per parent, in ``node.parents`` order."

Contribution = namedtuple("Contribution", ["parent", "local", "contribution"])
Contribution.__doc__ = """What one rule sent one parent: ``local`` = dnode/dparent, ``contribution`` = upstream × local."""
Contribution.parent.__doc__ = "The parent node."
Contribution.local.__doc__ = (
    "d node / d parent: a float for a Value; for a Tensor the elementwise derivative (an array of the parent's "
    "shape) when the op is elementwise in that parent, else None (a matmul's or a sum's Jacobian is no such array). "
    "None too where the rule computes nothing for the parent (a constant that does not require grad)."
)
Contribution.contribution.__doc__ = (
    "The gradient added to the parent's grad (upstream × local, or the rule's vector-Jacobian product); "
    "None where the parent does not require grad, so nothing flows into it."
)


def backward_steps(root, grad=None, model=None):
    """Run ``root.backward(grad)`` and return its steps: one ``Step`` per non-leaf node, in rule order (root first).

    Every ``grad`` ends as ``root.backward(grad)`` leaves it (leaves accumulate,
    as they do for backward). The result is a sequence of ``Step(node, upstream,
    contributions)``; each contribution is ``Contribution(parent, local,
    contribution)``. In Jupyter it shows itself as a viewer that steps through
    the chain rule; ``.save("backprop.html")`` writes that viewer to one file.
    With ``model`` (the Module that computed ``root``) the viewer names
    parameters after ``model.named_parameters()`` (``0.weight``) and results by
    op, shape and module, and can step module by module (``by_module=True``).

    >>> a, b, c = Value(5.0, "a"), Value(3.0, "b"), Value(2.0, "c")
    >>> steps = backward_steps(3 * (a + b * c))
    >>> [s.upstream for s in steps]
    [1.0, 3.0, 3.0]
    """
    if not isinstance(root, Node):
        raise TypeError(f"backward_steps: expected a Value or Tensor, got {type(root).__name__}")
    if not root.requires_grad:
        raise ValueError(
            "backward_steps: the root does not require grad (none of its inputs requires grad, or it was "
            "computed inside no_grad()); expected a result computed from nodes with requires_grad=True"
        )
    if model is not None:  # a wrong kind of model is refused before the pass runs
        from ..drawing.viewer.naming import model_names

        model_names(model)
    recorder = _Recorder(topological_order(root))
    watch(recorder)
    try:
        if grad is None:
            root.backward()
        else:
            root.backward(grad)
    finally:
        unwatch(recorder)
    records, totals = recorder.every_step()
    steps = [_step(node, upstream, grads, node._vjp) for node, upstream, grads in records]
    return BackwardSteps(root, steps, totals, model=model)


class _Recorder(PassObserver):
    """Notes each rule of the pass: what it received and gave, and its parents' ``grad`` right after."""

    def __init__(self, order):
        self.order = order  # the pass of ``root`` (not one a hook may start)
        self.seen = {}  # id(node) -> (record, totals) for each rule that ran

    def rule_finished(self, node, grad, grads):
        if id(node) in self.seen:  # a pass a hook started inside this one
            return
        grads = grads or _zeros([parent._data for parent in node.parents])
        record = (node, _copy(grad), tuple(_copy(each) for each in grads))
        self.seen[id(node)] = record, {id(parent): _copy(parent._grad) for parent in node.parents
                                       if parent._requires_grad}

    def every_step(self):
        """(node, upstream, grads) and the parents' totals for every node in rule order, root first.

        A node no gradient reached (behind ReLU neurons that are off) ran no rule;
        its step shows it received 0 and sent 0 to each parent.
        """
        records, totals, running = [], [], {}
        for node in reversed(self.order):
            found = self.seen.get(id(node))
            if found is None:
                zero = _zeros([node._data])[0]
                found = (node, zero, _zeros([parent._data for parent in node.parents])), {
                    id(parent): running.get(id(parent), _zeros([parent._data])[0])
                    for parent in node.parents if parent._requires_grad
                }
            running.update(found[1])
            records.append(found[0])
            totals.append(found[1])
        return records, totals


def _zeros(inputs):
    """A zero gradient per input: shown where a rule sends none (a ReLU neuron that is off), as 0 per parent."""
    return tuple(np.zeros_like(x) if isinstance(x, np.ndarray) else 0.0 for x in inputs)


def _copy(x):
    # a rule may hand the same array on to a parent, which a later accumulation then owns
    return np.array(x) if isinstance(x, np.ndarray) else x


def _step(node, upstream, grads, rule):
    locals_ = _locals(node, rule)
    contributions = [
        Contribution(parent, local, grad if parent._requires_grad else None)
        for parent, local, grad in zip(node.parents, locals_, grads)
    ]
    return Step(node, upstream, contributions)


def _locals(node, rule):
    """d node / d parent per parent: the rule run on a unit gradient, kept where it is a true derivative."""
    inputs = [parent._data for parent in node.parents]
    data = node._data
    if not isinstance(data, np.ndarray):  # a Value: every rule is a product of numbers
        return [float(x) if x is not None else None for x in rule(1.0, data, *inputs) or _zeros(inputs)]
    ones = np.ones_like(data)
    units = rule(ones, data, *inputs)
    probe = np.random.default_rng(0).uniform(0.5, 1.5, size=data.shape).astype(data.dtype, copy=False)
    probed = None
    found = []
    for index, (parent, unit) in enumerate(zip(node.parents, units)):
        local = None
        if unit is not None and np.shape(unit) == parent._data.shape == data.shape:
            if probed is None:
                probed = rule(probe, data, *inputs)
            # elementwise in this parent exactly when the rule scales every entry of g by its own factor
            if probed[index] is not None and np.allclose(probed[index], probe * unit, rtol=1e-9, atol=0.0):
                local = np.array(unit)
        found.append(local)
    return found


class BackwardSteps(Sequence):
    """The steps of one backward pass (a sequence of ``Step``); shows itself in Jupyter as a step-through viewer."""

    def __init__(self, root, steps, totals=None, model=None):
        self.root = root
        self.model = model
        self._steps = list(steps)
        # per step, {id(parent): its grad right after the step} for the viewer's running sums
        self._totals = totals if totals is not None else [{} for _ in self._steps]

    def __len__(self):
        return len(self._steps)

    def __getitem__(self, index):
        return self._steps[index]

    def __repr__(self):
        kind = type(self.root).__name__
        return f"<BackwardSteps: {len(self)} steps of the backward pass of a {kind}>"

    def text(self):
        """Every step's chain rule in numbers, as plain text (what the viewer's panel shows, step after step)."""
        from ..drawing.viewer import steps_text

        return steps_text(self)

    def html(self, max_nodes=None, by_module=False):
        """The viewer as an HTML fragment (what Jupyter shows): graph, controls and chain-rule panel.

        ``by_module=True`` (steps recorded with ``model=``) steps one module call at a time over
        the collapsed graph of ``draw_graph(collapse=True)``, for deep models.
        """
        from ..drawing.viewer import viewer_html

        return viewer_html(self, max_nodes=max_nodes, page=False, by_module=by_module)

    def _repr_html_(self):
        """Jupyter's rich display: the interactive viewer."""
        return self.html()

    def quiz(self, max_nodes=None):
        """The viewer as a quiz (Jupyter shows it): each step asks the local derivatives and contributions first.

        For a graph of Values; a graph of Tensors is a ValueError.
        """
        from ..drawing.viewer import HTMLView, viewer_html

        return HTMLView(viewer_html(self, max_nodes=max_nodes, page=False, quiz=True))

    def save(self, path, max_nodes=None, quiz=False, by_module=False):
        """Write the viewer (``quiz=True``: the quiz) as one self-contained HTML file; returns the path.

        The page needs no network to open. ``by_module=True`` steps module by module (see ``html``).
        """
        from pathlib import Path

        from ..drawing.viewer import viewer_html

        if not isinstance(path, (str, Path)):
            raise TypeError(f"BackwardSteps.save: path must be a str or pathlib.Path, got {type(path).__name__}")
        if not isinstance(quiz, bool):
            raise TypeError(f"BackwardSteps.save: quiz must be True or False, got {type(quiz).__name__}")
        path = Path(path)
        path.write_text(viewer_html(self, max_nodes=max_nodes, page=True, quiz=quiz, by_module=by_module), encoding="utf-8")
        return path
