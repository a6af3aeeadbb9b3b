"""The step-through viewer of a backward pass: one Graphviz SVG, a few buttons, and a panel of chain rules.

Pure HTML, SVG and JavaScript in one piece (the templates ``viewer.html``,
``viewer.css`` and ``viewer.js`` sit beside this file): no server, widget library
or network, so it runs in Jupyter, VS Code, nbviewer and a saved file alike.
Every id carries a per-viewer prefix, so several viewers share a page.
"""

import hashlib
import html
import itertools
import json
import re
from importlib import resources

import numpy as np
from graphviz import ExecutableNotFound

from ..draw import (
    DEFAULT_MAX_NODES,
    INSTALL_GRAPHVIZ,
    _checked_max_nodes,
    breadth_first_order,
    draw_graph,
)
from .by_module import module_steps
from .grad_trail import GradTrail, add_slots
from .naming import fallback_names
from .notation import Names, step_text
from .quiz import check_quizzable, questions

_counter = itertools.count(1)
_XML_PREAMBLE = re.compile(r"^.*?(?=<svg\b)", re.DOTALL)
_NAMESPACES = re.compile(r'\s+xmlns(?::xlink)?="[^"]*"')
_PLACEHOLDER = re.compile(r"__([A-Z]+)__")
_IDS = re.compile(r'\b(id="|url\(#|href="#)')


def viewer_html(steps, max_nodes=None, page=False, quiz=False, by_module=False):
    """The viewer of ``steps`` (a ``BackwardSteps``): an HTML fragment, or a whole page if ``page``.

    With ``quiz`` it asks, at each step, each receiving parent's local derivative
    and contribution before showing them (a graph of Values only: ValueError else).
    With ``by_module`` (steps recorded with a model) it steps module call by module
    call over the collapsed graph.
    """
    max_nodes = DEFAULT_MAX_NODES if max_nodes is None else _checked_max_nodes(max_nodes)
    root = steps.root
    order = breadth_first_order([root])
    if quiz:
        check_quizzable(root, order)
    if by_module and quiz:
        raise ValueError("viewer: quiz=True asks at every node's rule, so it cannot step by_module=True; choose one")
    if by_module and steps.model is None:
        raise ValueError("viewer: by_module=True needs the model: record the steps with "
                         "backward_steps(loss, model=model)")
    drawn = order[:max_nodes]
    # unique on a page holding several notebooks' outputs, yet the same on a rebuild (no churn in saved notebooks)
    digest = hashlib.sha1(repr([(type(node).__name__, node.op, node.label) for node in drawn]).encode()).hexdigest()
    uid = f"chainrule-viewer-{digest[:8]}-{next(_counter)}"
    names = Names(root, order, fallback_names(root, order, steps.model))
    if by_module:
        graph, entries, initial, texts = module_steps(steps, names, max_nodes)
        add_slots(graph, texts)
        note = ""
    else:
        graph, entries, initial, note = _node_steps(steps, names, order, max_nodes, quiz)
    try:
        svg = _inline_svg(graph.pipe(format="svg", encoding="utf-8"), uid)
    except ExecutableNotFound:  # without Graphviz the panel still steps through the chain rule
        svg = f'<p class="cr-missing">{html.escape(INSTALL_GRAPHVIZ.splitlines()[0])}</p>'
    data = {"steps": entries, "note": note, "quiz": bool(quiz), "initial": initial}
    first = data["steps"][0] if data["steps"] else {"title": "No steps: the root is a leaf", "lines": []}
    parts = {
        "TITLE": html.escape(first["title"]),
        "LINES": "" if quiz else "".join(f"<li>{html.escape(line)}</li>" for line in first["lines"]),
        "STYLE": _template("viewer.css"),
        "SVG": svg,
        "DATA": _script_json(data),
        "SCRIPT": _template("viewer.js").replace("__UID__", uid),
        "LAST": str(max(len(entries) - 1, 0)),
        "UID": uid,
        "PAGE": "1" if page else "0",
    }
    # one pass, so a label that spells a placeholder stays text
    fragment = _PLACEHOLDER.sub(lambda match: parts[match.group(1)], _template("viewer.html"))
    if not page:
        return fragment
    heading = "Backprop quiz" if quiz else "Backprop, step by step"
    return ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<link rel="icon" href="data:,">\n<title>{heading}</title>\n</head>\n'
            f'<body style="margin:16px;background:white">\n{fragment}\n</body>\n</html>\n')


def _node_steps(steps, names, order, max_nodes, quiz):
    """The node-by-node viewer's graph (with gradient slots), step entries, seed and cut note."""
    root = steps.root
    drawn = order[:max_nodes]
    box = {id(node): f"n{index}" for index, node in enumerate(drawn)}
    shown = [(index, step) for index, step in enumerate(steps) if id(step.node) in box]
    grads = GradTrail(root, drawn, box, [(step, steps._totals[index]) for index, step in shown])
    # boxes carry the names the panel uses ("bc", "a + bc", "J", "0.weight") and a slot for the gradient
    box_names = [(names.name(node), node) for node in drawn
                 if node.parents or node.requires_grad or names.is_named(node)]
    # a Tensor's data summary would make its box wide: its shape and gradient say what backprop does
    tensors = any(isinstance(node.data, np.ndarray) for node in drawn)
    graph = draw_graph(root, show_grad=False, show_data=not tensors, max_nodes=max_nodes, names=box_names)
    grads.add_slots(graph)
    entries = []
    for position, (index, step) in enumerate(shown):
        name = box[id(step.node)]
        title, lines = step_text(step, position, len(shown), names, steps._totals[index])
        receivers = [box[id(p)] for p, _, c in step.contributions if c is not None and id(p) in box]
        entry = {
            "box": name,
            "op": "o" + name[1:],
            "edges": [f"{receiver}->o{name[1:]}" for receiver in receivers],
            "receivers": receivers,
            "title": title,
            "lines": lines,
            "grads": grads.updates[position],
        }
        if quiz:
            entry["questions"] = questions(step, names)
        entries.append(entry)
    note = ""
    if len(drawn) < len(order):
        note = (f"The graph is cut at max_nodes={max_nodes:,}: {len(drawn):,} of {len(order):,} nodes are "
                f"drawn, and {len(steps) - len(shown):,} steps of nodes not drawn are left out.")
    return graph, entries, grads.initial, note


class HTMLView:
    """HTML that Jupyter displays as itself (what ``steps.quiz()`` returns); ``str()`` is the markup."""

    def __init__(self, markup):
        self.markup = markup

    def _repr_html_(self):
        return self.markup

    def __str__(self):
        return self.markup

    def __repr__(self):
        return f"<HTMLView: {len(self.markup):,} characters of HTML>"


def steps_text(steps):
    """Every step's chain rule as the viewer's panel writes it, as plain text: a title line, then indented lines."""
    order = breadth_first_order([steps.root])
    names = Names(steps.root, order, fallback_names(steps.root, order, steps.model))
    blocks = []
    for index, step in enumerate(steps):
        title, lines = step_text(step, index, len(steps), names, steps._totals[index])
        blocks.append("\n".join([title, *(f"    {line}" for line in lines)]))
    return "\n".join(blocks)


def _template(name):
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def _inline_svg(svg, uid):
    """Graphviz's SVG for inlining in HTML: no XML preamble or namespace URLs, every id prefixed with ``uid``."""
    svg = _XML_PREAMBLE.sub("", svg, count=1)
    svg = _NAMESPACES.sub("", svg)
    return _IDS.sub(lambda match: f"{match.group(1)}{uid}-", svg)


def _script_json(data):
    """JSON safe inside a ``<script>`` element: no ``<``, ``>`` or ``&`` that could end it or open a tag."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
