"""The boxes and arrows of ``draw_graph(..., model=m, collapse=True)``: one box per module call, not per node."""

import numbers

from .module_calls import group_by_module_call
from .styles import (
    BORDER,
    DIM,
    INPUT_FILL,
    PARAMETER_FILL,
    ROOT_FILL,
    add_cut_note,
    attribute_text,
    estimated_size,
    shape_and_dtype,
    label_text,
)
from .shading import GradShading, mean_abs_grad

_MODULE_FILL = "#e6eefb"
_OPS_FILL = "#fbe3d0"
_LISTED_PARAMETERS = 4


def collapsed_shapes(roots, nodes, model, names_by_id, shading, number, max_nodes, measure):
    """``(shapes, edges, shading)``: boxes named ``b0``, ``b1``, ... in breadth-first order.

    A ``shading`` given is refitted to the gradients the boxes show (at their
    outputs, the root's seed left out) and returned for the legend.
    """
    root_ids = {id(node) for node in roots}
    groups, box_of = group_by_module_call(nodes, root_ids, model, names_by_id)
    if shading:
        shading = GradShading([mean_abs_grad(group.outputs[0]) for group in groups
                               if id(group.outputs[0]) not in root_ids])
    order = box_order(groups, box_of, nodes)
    drawn = order if max_nodes is None else order[:max_nodes]
    name_of = {index: f"b{place}" for place, index in enumerate(drawn)}

    shapes, edges, cut = [], [], []
    for index in reversed(drawn):
        group = groups[index]
        rows = _rows(group, names_by_id, number, shading)
        fill = shading.colour(mean_abs_grad(group.outputs[0])) if shading else _fill(group, root_ids)
        cells = [f'<TR><TD ALIGN="CENTER" CELLPADDING="4"><B>{label_text(group.title)}</B></TD></TR>']
        cells += [f'<TR><TD ALIGN="LEFT" BALIGN="LEFT">{row}</TD></TR>' for row in rows]
        if rows:
            cells.insert(1, "<HR/>")
        table = (f'<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3" STYLE="ROUNDED" '
                 f'COLOR="{BORDER}" BGCOLOR="{attribute_text(fill)}">{"".join(cells)}</TABLE>')
        size = estimated_size([f"<B>{label_text(group.title)}</B>", *rows]) if measure else None
        shapes.append((name_of[index], f"label=<{table}>", size))

        incoming, left_out = {}, 0
        for member in group.members:
            for parent in member.parents:
                source = box_of[id(parent)]
                if source == index:
                    continue
                if source not in name_of:
                    left_out += 1
                elif source not in incoming:
                    incoming[source] = parent
        for source, parent in incoming.items():
            label = _edge_label(parent)
            edges.append((name_of[source], name_of[index], f'label=<{label_text(label)}> fontsize=9 fontcolor="{DIM}"'
                          if label else ""))
        if left_out:
            cut.append((name_of[index], left_out))
    hidden = len(groups) - len(drawn)
    if hidden:
        add_cut_note(shapes, edges, hidden, max_nodes, cut)
    return shapes, edges, shading


def box_order(groups, box_of, nodes):
    """The groups' indices in the order their boxes are named ``b0``, ``b1``...: breadth first from the root."""
    first_seen = {}
    for node in nodes:
        first_seen.setdefault(box_of[id(node)], len(first_seen))
    return sorted(range(len(groups)), key=first_seen.__getitem__)


def _rows(group, names_by_id, number, shading):
    rows = []
    if group.subtitle:
        rows.append(f'<FONT COLOR="{DIM}">{label_text(group.subtitle)}</FONT>')
    named = [(names_by_id.get(id(node)) or node.label or "parameter", node) for node in group.parameters]
    if group.kind != "leaf":
        for name, node in named[:_LISTED_PARAMETERS]:
            rows.append(f"{label_text(name)} {label_text(_brief(node, number))}")
        if len(named) > _LISTED_PARAMETERS:
            rows.append(f'<FONT COLOR="{DIM}">and {len(named) - _LISTED_PARAMETERS} more parameters</FONT>')
    output = group.outputs[0]
    rows.append(f'<FONT COLOR="{DIM}">{"out" if group.kind != "leaf" else "data"}</FONT> '
                f"{label_text(_brief(output, number))}")
    if shading:
        size = mean_abs_grad(output)
        rows.append(f'<FONT COLOR="{DIM}">|grad|</FONT> {"None" if size is None else number(size)}')
    return rows


def _brief(node, number):
    if hasattr(node, "shape"):
        return str(tuple(node.shape))
    if not isinstance(node.data, numbers.Number):
        return shape_and_dtype(node)
    return number(node.data)


def _edge_label(node):
    return str(tuple(node.shape)) if hasattr(node, "shape") else ""


def _fill(group, root_ids):
    if group.kind == "module":
        return _MODULE_FILL
    if group.kind == "ops":
        return ROOT_FILL if any(id(node) in root_ids for node in group.members) else _OPS_FILL
    return PARAMETER_FILL if group.parameters else INPUT_FILL
