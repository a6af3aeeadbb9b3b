"""The base class every graph node derives from, so the vocabulary can tell nodes from payloads."""


class Node:
    """A value in a computation graph: ``data``, ``grad``, ``requires_grad``, ``parents``, ``op``, ``label``."""

    __slots__ = ()
    __array_ufunc__ = None  # numpy defers to our reflected operators: ``array + node`` is a node
