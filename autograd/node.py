"""The base class every graph node derives from, so the vocabulary can tell nodes from payloads."""


class Node:
    """A value in a computation graph: ``data``, ``grad``, ``requires_grad``, ``parents``, ``op``, ``label``."""

    __slots__ = ()
    __array_ufunc__ = None  # numpy defers to our reflected operators: ``array + node`` is a node

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        """Jupyter shows a node as the graph that computed it (SVG); the text repr where it cannot be drawn."""
        from .viz import repr_mimebundle

        return repr_mimebundle(self, include, exclude)


def describe(x):
    """``x``'s type and a short repr, for error messages."""
    text = repr(x)
    return f"{type(x).__name__} {text if len(text) <= 40 else text[:37] + '...'}"
