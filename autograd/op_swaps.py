"""Swapping wrappers around every op, for tools that watch ops only while they run (``profile``, ``detect_anomaly``).

The ops come from the op table (``autograd.optable``): its methods and its
functions, plus ``Primitive.__call__`` (user-defined ops). ``Swaps`` puts a
wrapper in place of each of them, also wherever a module binds an op function
by name (``from autograd import dot``), and ``undo()`` restores the originals.
"""

import sys

from . import optable


def primitive_name(args):
    """The op name of a ``Primitive.__call__(primitive, ...)`` call, from its arguments."""
    return getattr(args[0], "name", "primitive") if args else "primitive"


_scanned = {}  # module name -> (module, names in it that were bound to an op function when scanned)


def _bindings(wrappers):
    """(module namespace, name) pairs that may bind an op function: a module seen before is not scanned again."""
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
        """Replace every op by ``wrap(original, op_name)``; for ``Primitive.__call__`` op_name is a function of the args."""
        for node_class, attribute, op in optable.op_methods():
            self.swap(node_class, attribute, wrap(vars(node_class)[attribute], op))
        from .primitive import Primitive

        self.swap(Primitive, "__call__", wrap(Primitive.__call__, primitive_name))
        wrappers = {id(function): (function, wrap(function, op)) for _, function, op in optable.op_functions()}
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
