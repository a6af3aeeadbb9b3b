"""Names for the nodes of a graph and each backward step's chain rule written out in numbers, as plain text."""

import math
import numbers
import re

import numpy as np

_SIMPLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$|^[0-9.eE+-]+$")
_LONGEST_EXPRESSION = 18
_SMALL_ARRAY = 6


def number(x):
    """A number in at most 4 significant digits; whole numbers without a trailing ``.0``."""
    if isinstance(x, (bool, numbers.Integral)):
        return str(int(x))
    x = float(x)
    if x == 0.0:
        return "0"
    return format(x, ".4g") if math.isfinite(x) else str(x)


def summary(x):
    """A payload in a few characters: a number, a tiny array's values, or an array's shape and norm."""
    if x is None:
        return "None"
    if isinstance(x, numbers.Number):
        return number(x)
    array = np.asarray(x)
    if array.ndim == 0:
        return number(array.item())
    if array.dtype.kind not in "biuf":
        return f"{array.dtype} array {tuple(array.shape)}"
    if array.size <= _SMALL_ARRAY:
        return np.array2string(array, separator=", ", formatter={"all": number}).replace("\n", "")
    norm = float(np.linalg.norm(array.astype(np.float64, copy=False).ravel()))
    return f"array {tuple(array.shape)}, norm {number(norm)}"


class Names:
    """A readable name for every node: its label, a constant's number, or a short expression of its parents'."""

    def __init__(self, root, order, names_by_id=None):
        self._root = root
        self._index = {id(node): index for index, node in enumerate(order)}
        self._given = names_by_id or {}
        self._cache = {}

    def name(self, node):
        """The node's name as written in the chain rule."""
        key = id(node)
        if key not in self._cache:
            self._cache[key] = self._make(node)
        return self._cache[key][0]

    def derivative_of(self, node):
        """The name as written after ∂: parenthesised where it is an expression, ``∂(bc)``."""
        name, derived = self._make_cached(node)
        return f"({name})" if derived or not _SIMPLE.match(name) else name

    def _make_cached(self, node):
        self.name(node)
        return self._cache[id(node)]

    def _make(self, node):
        if node.label:
            return node.label, False
        if id(node) in self._given:
            return self._given[id(node)], False
        if node is self._root:
            return "J", False
        if not node.parents:
            if not node.requires_grad and isinstance(node.data, numbers.Number):
                return number(node.data), False
            return f"x{self._index.get(id(node), '')}", False
        expression = self._expression(node)
        if expression is not None and len(expression) <= _LONGEST_EXPRESSION:
            return expression, True
        return f"{node.op or 'op'}#{self._index.get(id(node), '')}", False

    def _expression(self, node):
        op = str(node.op)
        parts = [self.name(parent) for parent in node.parents]
        grouped = [part if _SIMPLE.match(part) else f"({part})" for part in parts]
        if len(parts) == 2:
            left, right = grouped
            if op == "*":
                numeric = re.fullmatch(r"[0-9.]+", parts[0]) is not None
                if (numeric or len(parts[0]) == 1) and len(parts[1]) == 1 and parts[1].isalpha():
                    return f"{left}{right}"
                return f"{left}·{right}"
            if op in ("+", "-"):
                return f"{parts[0]} {op} {grouped[1] if op == '-' else parts[1]}"
            if op == "/":
                return f"{left}/{right}"
            if op == "**":
                return f"{left}^{right}"
            if op == "matmul":
                return f"{left} @ {right}"
        if len(parts) == 1:
            if op == "neg":
                return f"-{grouped[0]}"
            return f"{op}({parts[0]})"
        return None


def step_text(step, index, count, names, totals):
    """The title and lines of one step: the upstream gradient, then each parent's chain rule in numbers.

    ``totals`` maps a parent's id to its grad after this step (what ``.grad`` held then).
    """
    node = step.node
    root = names.derivative_of(names._root)
    this = names.derivative_of(node)
    title = f"Step {index + 1} of {count}: the rule of {names.name(node)} (op {node.op})"
    upstream = summary(step.upstream)
    if node is names._root:
        lines = [f"∂{root}/∂{this} = {upstream} (the seed: backward starts here)"]
    else:
        lines = [f"∂{root}/∂{this} = {upstream} (upstream, complete: every use has sent its part)"]
    for parent, local, contribution in step.contributions:
        other = names.derivative_of(parent)
        if contribution is None:
            lines.append(f"{names.name(parent)} does not require grad: nothing flows into it")
            continue
        if local is not None and isinstance(local, numbers.Number):
            rule = (f"∂{root}/∂{other} = ∂{root}/∂{this} · ∂{this}/∂{other} = "
                    f"{upstream} · {summary(local)} = {summary(contribution)}")
        elif local is not None:
            rule = (f"∂{root}/∂{other} = ∂{root}/∂{this} ⊙ ∂{this}/∂{other} = "
                    f"{upstream} ⊙ {summary(local)} = {summary(contribution)}")
        else:
            rule = (f"∂{root}/∂{other} = ∂{root}/∂{this} through the rule of {node.op} "
                    f"(vector-Jacobian product) = {summary(contribution)}")
        total = totals.get(id(parent))
        if total is not None and not _same(total, contribution):
            rule += f"; added up, ∂{root}/∂{other} so far = {summary(total)}"
        lines.append(rule)
    return title, lines


def _same(a, b):
    try:
        return bool(np.array_equal(np.asarray(a), np.asarray(b)))
    except (TypeError, ValueError):
        return False
