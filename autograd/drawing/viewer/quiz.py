"""The quiz's questions and hints: each step's local derivatives and contributions, hints read from the op table."""

import re

import numpy as np

from ...core.optable import OPERANDS, TABLE

_PARTS = re.compile(r",\s*(?=d/d)")


def check_quizzable(root, order):
    """ValueError unless every node of the graph is a Value: the quiz asks for numbers, not arrays."""
    if any(isinstance(node.data, np.ndarray) or hasattr(node, "shape") for node in order):
        raise ValueError(
            f"quiz: the quiz asks for numbers, so it runs on a graph of Values; this graph holds Tensors "
            f"(the root is a {type(root).__name__}). Step through it with backward_steps(...).save(path) instead"
        )


def derivative_rule(op, index):
    """The op table's derivative of ``op`` in its operand number ``index``, as ``d(a·b)/da = b`` (or its ∂/∂ line)."""
    spec = TABLE.get(str(op))
    pieces = _top_level_split(spec.doc, ";") if spec is not None else []
    if len(pieces) < 2:
        return f"the rule of {op}: see the op table (python -m autograd ops)"
    formula, derivatives = pieces[0].strip(), ";".join(pieces[1:]).strip()
    formula = _top_level_split(formula, ",")[0].split(" = ")[0].strip()
    formula = formula.replace(" * ", "·").replace(" ** ", "^")
    if spec.arity in (1, 2) and index < spec.arity:
        operand = OPERANDS[index]
        for part in _PARTS.split(derivatives):
            if part.startswith(f"d/d{operand} "):
                return f"d({formula})/d{operand}{part[len(f'd/d{operand}'):]}"
    return f"∂/∂ of {spec.doc}"  # an op of many operands: its whole line (d/dwᵢ = xᵢ, d/db = 1...)


def _top_level_split(text, separator):
    """``text`` split at each ``separator`` outside parentheses."""
    pieces, depth, start = [], 0, 0
    for position, character in enumerate(text):
        depth += {"(": 1, ")": -1}.get(character, 0)
        if character == separator and depth == 0:
            pieces.append(text[start:position])
            start = position + 1
    pieces.append(text[start:])
    return pieces


def questions(step, names):
    """One question per parent that receives gradient: its name, the local derivative, the contribution, a hint."""
    node = step.node
    operands = ", ".join(f"{OPERANDS[i]} = {names.name(p)}" for i, p in enumerate(node.parents)
                         if i < len(OPERANDS) and len(node.parents) <= len(OPERANDS))
    asked = []
    for index, (parent, local, contribution) in enumerate(step.contributions):
        if contribution is None:
            continue  # a constant: nothing flows into it, nothing to ask
        hint = derivative_rule(node.op, index)
        asked.append({
            "parent": names.name(parent),
            "local": None if local is None else float(local),
            "contribution": float(contribution),
            "localLabel": f"∂{names.rule_of(node)}/∂{names.derivative_of(parent)}",
            "contributionLabel": f"∂{names.derivative_of(names._root)}/∂{names.derivative_of(parent)} from this rule",
            "hint": f"{hint} (here {operands})" if operands else hint,
        })
    return asked
