"""numpy's ufuncs called on nodes: ``np.exp(t)``, ``np.add(a, t)``, ``np.matmul(x, W)`` run the op of the table.

A node class's ``__array_ufunc__`` is made by ``ufunc_protocol``. Which ufunc runs
which op is read from the op table: an op whose numpy reference is a ufunc runs by
its first method on the class (``np.exp`` by ``exp``, ``np.add`` by ``__add__``,
with the first operand lifted to a node), and a class may add the ufuncs an op
lists among its numpy functions (Tensor: ``np.maximum``). So ``ndarray + t`` and
``ndarray @ t``, which numpy turns into ``np.add`` and ``np.matmul``, give nodes
with their graph. Every other ufunc, a ufunc's methods (``np.add.reduce``) and its
keyword arguments (``out=``, ``where=``, ``dtype=``) raise a TypeError that names
the ufunc and points to the node's methods: a result computed on the data would
silently have no gradient.
"""

from ..core import optable

_METHOD_HINTS = {
    "reduce": "t.sum(), t.prod(), t.max() or t.min()",
    "accumulate": "t.cumsum()",
}


def ufunc_protocol(cls, lift, handlers=None, booleans_on_data=False):
    """``cls.__array_ufunc__``: run the op the table names for the ufunc, else a TypeError.

    ``lift(x, op, like)`` makes an operand that is not a node of ``cls`` into one;
    ``handlers()`` (optional) gives further ufunc -> function(*inputs) entries.
    ``booleans_on_data``: a ufunc with no op whose answer is a boolean (``np.less``,
    ``np.isnan``) runs on the data, as Value's own comparisons read it, so
    ``np.float64(1) < v`` stays a bool.
    """
    kind = cls.__name__

    def array_ufunc(self, ufunc, method, *inputs, **kwargs):
        if method == "__call__" and not kwargs:
            entry = optable.ufunc_ops(cls).get(ufunc)
            if entry is not None:
                op, attribute = entry
                first = inputs[0]
                if not isinstance(first, cls):
                    first = lift(first, op, self)
                return getattr(first, attribute)(*inputs[1:])  # looked up now: profile and anomaly mode swap methods
            handler = handlers().get(ufunc) if handlers is not None else None
            if handler is not None:
                return handler(*inputs)
            if booleans_on_data:
                answer = ufunc(*(x._data if isinstance(x, cls) else x for x in inputs))
                if getattr(answer, "dtype", None) == bool:
                    return answer
        raise refusal(kind, ufunc, method, kwargs)

    array_ufunc.__doc__ = f"numpy's ufuncs on a {kind}: the op of the table that the ufunc names, else a TypeError."
    return array_ufunc


def refusal(kind, ufunc, method, kwargs):
    """The TypeError for a ufunc call that no op of ``kind`` (a class name) runs."""
    name = f"numpy.{ufunc.__name__}"
    n = kind[0].lower()
    methods = f"the {kind}'s methods ({n}.exp(), {n}.tanh(), {n}.relu(), ...: docs/ops.md lists every op)"
    if method != "__call__":
        hint = _METHOD_HINTS.get(method)
        return TypeError(
            f"{name}.{method} on a {kind}: ufunc methods (reduce, accumulate, outer, at, reduceat) record no graph; "
            f"use {hint or methods}"
        )
    if kwargs:
        return TypeError(
            f"{name} on a {kind}: unsupported arguments {sorted(kwargs)} (a node's result is a new node: "
            f"no out=, where=, dtype=); call {name}(...) without them, or use {methods}"
        )
    return TypeError(
        f"{name} has no op for a {kind} in the op table, so its result would have no gradient; use {methods}, "
        f"or call it on the data ({n}.data) for values only"
    )
