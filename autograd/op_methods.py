"""Where the ops live, for tools that swap wrappers around them (``profile``, ``detect_anomaly``).

One list for every such tool: the op methods of each node class (operators,
reflected operators and public methods that build nodes), ``Primitive.__call__``
(user-defined ops) and the functions ``autograd`` exports that build nodes.
``Swaps`` installs replacements for them and puts the originals back.
"""

import sys
import types

from .node import Node

# Operators that build nodes, with the op name shown when the result is a constant.
OPERATORS = {
    "__add__": "+",
    "__radd__": "+",
    "__sub__": "-",
    "__rsub__": "-",
    "__mul__": "*",
    "__rmul__": "*",
    "__truediv__": "/",
    "__rtruediv__": "/",
    "__pow__": "**",
    "__rpow__": "**",
    "__matmul__": "matmul",
    "__rmatmul__": "matmul",
    "__neg__": "neg",
    "__pos__": "pos",
    "__abs__": "abs",
    "__getitem__": "getitem",
}

# Public methods of node classes that do not build a node (or run the backward pass).
NOT_OPS = frozenset({"backward", "detach", "item", "numpy", "register_hook", "tolist", "zero_grad"})

# Names exported by ``autograd`` that build nodes when given nodes.
NODE_FUNCTIONS = (
    "dot",
    "sum_values",
    "concatenate",
    "stack",
    "where",
    "maximum",
    "minimum",
)


def node_classes():
    """``Node`` and every subclass of it defined so far (Value, Tensor, Parameter, ...)."""
    found, pending = [], [Node]
    while pending:
        cls = pending.pop()
        for sub in cls.__subclasses__():
            if sub not in found:
                found.append(sub)
                pending.append(sub)
    return found


def op_methods(cls):
    """(name, function, op name when the result is a constant) for each op method defined in ``cls`` itself."""
    for name, attribute in list(vars(cls).items()):
        if not isinstance(attribute, types.FunctionType):
            continue
        if name in OPERATORS:
            yield name, attribute, OPERATORS[name]
        elif not name.startswith("_") and name not in NOT_OPS:
            yield name, attribute, name


def node_functions():
    """(name, function) for each node-building function that ``autograd`` exports."""
    package = sys.modules[__package__]
    for name in NODE_FUNCTIONS:
        function = getattr(package, name, None)
        if isinstance(function, types.FunctionType):
            yield name, function


def primitive_name(args):
    """The op name of a ``Primitive.__call__(primitive, ...)`` call, from its arguments."""
    return getattr(args[0], "name", "primitive") if args else "primitive"


_scanned = {}  # module name -> (module, names in it that were bound to a node function when scanned)


def _bindings(wrappers):
    """(module namespace, name) pairs that may bind a node function: modules seen before are not scanned again."""
    for module_name, module in list(sys.modules.items()):
        namespace = getattr(module, "__dict__", None)
        if not isinstance(namespace, dict):
            continue
        cached = _scanned.get(module_name)
        if cached is None or cached[0] is not module:
            names = tuple(name for name, bound in list(namespace.items()) if id(bound) in wrappers)
            cached = _scanned[module_name] = (module, names)
        for name in cached[1]:
            yield namespace, name


class Swaps:
    """Replacements put in place of the ops, recorded so that ``undo()`` restores the originals."""

    def __init__(self):
        self.undo_list = []  # (namespace, name, original, replacement), in the order swapped

    def swap(self, namespace, name, replacement):
        """Bind ``name`` in ``namespace`` (a class, a module or a dict) to ``replacement``."""
        original = namespace[name] if isinstance(namespace, dict) else vars(namespace)[name]
        if isinstance(namespace, dict):
            namespace[name] = replacement
        else:
            setattr(namespace, name, replacement)
        self.undo_list.append((namespace, name, original, replacement))

    def swap_ops(self, wrap):
        """Replace every op by ``wrap(original, fallback_name)``; ``fallback_name`` may be a function of the args."""
        for node_class in node_classes():
            for name, method, fallback in op_methods(node_class):
                self.swap(node_class, name, wrap(method, fallback))
        from .primitive import Primitive

        self.swap(Primitive, "__call__", wrap(Primitive.__call__, primitive_name))
        wrappers = {id(function): (function, wrap(function, name)) for name, function in node_functions()}
        # wherever a module binds those functions by name (``from autograd import dot``), swap them too
        for namespace, name in _bindings(wrappers):
            found = wrappers.get(id(namespace.get(name)))
            if found is not None and found[0] is namespace[name]:
                self.swap(namespace, name, found[1])

    def undo(self):
        """Put every original back, last swapped first (a name rebound since by someone else stays as it is)."""
        while self.undo_list:
            namespace, name, original, replacement = self.undo_list.pop()
            if isinstance(namespace, dict):
                if namespace.get(name) is replacement:
                    namespace[name] = original
            elif vars(namespace).get(name) is replacement:
                setattr(namespace, name, original)
