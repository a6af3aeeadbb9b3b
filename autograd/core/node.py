"""The base class of every graph node, and the one place a node's slots are filled.

A node records ``_data`` (its payload), ``_grad`` (where gradients accumulate),
``_requires_grad``, ``parents`` (the nodes it was computed from), ``op`` (the name
of the op that made it), ``_vjp`` (its derivative rule) and ``label``. A slot that
both node classes need is added here, and filled by ``new_node`` and ``init_node``
below, and by ``autograd.tensor.core.result``, which builds a recorded Tensor with its
stamp in one call (ops' results are the hot path); Value adds none (its op node stays
small), Tensor only the version counters of ``autograd.core.versions``.
"""

_new = object.__new__


class Node:
    """A value in a computation graph: ``data``, ``grad``, ``requires_grad``, ``parents``, ``op``, ``label``."""

    # left unset until an instrument needs them (read them with getattr): ``_hooks``, the gradient hooks
    # (autograd.instruments.hooks); ``_made_at``, the "path:line" that made the node inside detect_anomaly() (autograd.instruments.anomaly)
    __slots__ = ("_data", "_grad", "_requires_grad", "parents", "op", "_vjp", "label", "_hooks", "_made_at")
    __array_ufunc__ = None  # numpy defers to our reflected operators: ``array + node`` is a node
    _sums_in_place = False  # whether the engine may add gradients into a buffer it made (mutable payloads)
    parents: tuple  # the public slots, declared for type checkers and editors (filled by new_node and init_node)
    op: str
    label: str


def new_node(cls, data, grad, requires_grad, parents, op, vjp):
    """A node of class ``cls`` with every slot set and no checks: the constructor of every op's result."""
    node = _new(cls)
    node._data = data
    node._grad = grad
    node._requires_grad = requires_grad
    node.parents = parents
    node.op = op
    node._vjp = vjp
    node.label = ""
    return node


def init_node(node, data, grad, requires_grad, label):
    """Fill the slots of a leaf made by a class's checked ``__init__``."""
    node._data = data
    node._grad = grad
    node._requires_grad = requires_grad
    node.parents = ()
    node.op = ""
    node._vjp = None
    node.label = label


def describe(x):
    """``x``'s type and a short repr, for error messages."""
    text = repr(x)
    return f"{type(x).__name__} {text if len(text) <= 40 else text[:37] + '...'}"
