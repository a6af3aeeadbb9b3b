"""Names for the nodes of a graph and each backward step's chain rule written out in numbers, as plain text."""

import math
import numbers
import re

import numpy as np

_SIMPLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$|^[0-9.eE+-]+$")
_LONGEST_EXPRESSION = 18
_LONGEST_RULE = 40
_SIMPLE_PARAMETER = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")
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
    """A readable name for every node: its label, a constant's number, a short expression, or what and where it is.

    ``fallback`` maps a node's id to its name where no label or short
    expression names it (``naming.fallback_names``: ``0.weight``,
    ``0: matmul (4, 5)``); such names are not built into expressions.
    """

    def __init__(self, root, order, fallback=None):
        self._root = root
        self._fallback = fallback or {}
        self._cache = {}

    def name(self, node):
        """The node's name as written in the chain rule."""
        return self._made(node)[0]

    def is_named(self, node):
        """Whether the node has a name worth a box's header: a label, a parameter's, or what and where it is."""
        return bool(node.label) or id(node) in self._fallback or node is self._root

    def derivative_of(self, node):
        """The name as written after ∂: parenthesised where it is an expression, ``∂(bc)``."""
        name, derived, _ = self._made(node)
        return f"({name})" if derived or not _SIMPLE.match(name) else name

    def rule_of(self, node):
        """The node written as its op applied to its parents, after ∂: ``∂(3·(a + bc))``, not its name ``∂J``."""
        expression = self._expression(node) if node.parents else None
        if expression is None or len(expression) > _LONGEST_RULE:
            return self.derivative_of(node)
        return f"({expression})"

    def _made(self, node):
        key = id(node)
        if key not in self._cache:
            self._cache[key] = self._make(node)
        return self._cache[key]

    def _make(self, node):
        """``(name, is an expression, is opaque)``: opaque names are not built into longer expressions."""
        if node.label:
            return node.label, False, False
        if node is self._root:
            return "J", False, False
        if not node.parents and not node.requires_grad and isinstance(node.data, numbers.Number):
            return number(node.data), False, False
        fallback = self._fallback.get(id(node))
        if node.parents:
            expression = self._expression(node)
            if expression is not None and len(expression) <= _LONGEST_EXPRESSION:
                return expression, True, False
        if fallback is not None:
            return fallback, False, not _SIMPLE_PARAMETER.match(fallback)
        return f"{node.op or 'leaf'}", False, True

    def _expression(self, node):
        op = str(node.op)
        made = [self._made(parent) for parent in node.parents]
        if any(opaque for _, _, opaque in made):
            return None
        parts = [name for name, _, _ in made]
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
        if op == "linear" and len(parts) in (2, 3):  # x @ W (+ b), one node
            product = f"{grouped[0]} @ {grouped[1]}"
            return product if len(parts) == 2 else f"{product} + {parts[2]}"
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
    rule_of = names.rule_of(node)  # the local derivative as the op's rule: ∂(3·u)/∂u, never ∂J/∂u
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
            rule = (f"∂{root}/∂{other} = ∂{root}/∂{this} · ∂{rule_of}/∂{other} = "
                    f"{upstream} · {summary(local)} = {summary(contribution)}")
        elif local is not None:
            rule = (f"∂{root}/∂{other} = ∂{root}/∂{this} ⊙ ∂{rule_of}/∂{other} = "
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
