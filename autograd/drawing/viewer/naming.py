"""Names for nodes that carry no label: a model's parameter names, else the op, shape and module that made them.

A parameter is named as ``model.named_parameters()`` names it (``0.weight``);
an unlabelled result by its op and shape, and with a model the module call
that computed it (``0: matmul (4, 5)``); an unlabelled leaf by what it is
(``input (4, 3)``, ``parameter (3,)``). Names that would repeat get an
ordinal counted from the inputs (``relu (4, 5), 2nd``): never a bare counter.
"""

import numbers

from ..module_calls import group_by_module_call
from ..draw import _names_by_id


def model_names(model):
    """``{id(parameter): dotted name}`` of ``model``, or ``{}`` for no model; TypeError for a non-Module."""
    if model is None:
        return {}
    if not hasattr(model, "named_parameters"):
        raise TypeError(f"backward_steps: model must be a Module (with named_parameters()), got {type(model).__name__}")
    return _names_by_id(model)


def fallback_names(root, order, model=None):
    """``{id(node): name}`` for every node of ``order`` without a label: what it is, where, and its shape."""
    parameters = model_names(model)
    module_of = _module_of(root, order, model, parameters)
    names = {}
    for node in order:
        if node.label:
            continue
        if id(node) in parameters:
            names[id(node)] = parameters[id(node)]
            continue
        shape = _shape(node)
        if node.parents:
            what = f"{node.op or 'op'}{shape}"
            module = module_of.get(id(node))
            names[id(node)] = f"{module}: {what}" if module else what
        elif node.requires_grad:
            names[id(node)] = f"parameter{shape}" if shape else f"leaf {_number(node.data)}"
        elif shape:
            names[id(node)] = f"input{shape}"
    return _without_repeats(names, order)


def _shape(node):
    shape = getattr(node, "shape", None)
    if shape is None and not isinstance(node.data, numbers.Number):
        shape = getattr(node.data, "shape", None)
    return "" if shape is None else f" {tuple(shape)}"


def _number(x):
    return format(float(x), ".4g")


def _module_of(root, order, model, parameters):
    """``{id(node): dotted name}`` of the innermost module call that computed each node (with a model)."""
    if model is None or not hasattr(model, "named_modules"):
        return {}
    groups, box_of = group_by_module_call(order, {id(root)}, model, parameters)
    return {key: groups[index].subtitle for key, index in box_of.items()
            if groups[index].kind == "module" and groups[index].subtitle}


def _without_repeats(names, order):
    """Names shared by several nodes get "2nd", "3rd"... after the first, counted from the inputs (last in order)."""
    seen = {}
    for node in reversed(order):
        name = names.get(id(node))
        if name is None:
            continue
        count = seen[name] = seen.get(name, 0) + 1
        if count > 1:
            names[id(node)] = f"{name}, {_ordinal(count)}"
    return names


def _ordinal(n):
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
