"""Drawing computation graphs with Graphviz: one box per node, one small node per op, data flowing left to right.

``draw_graph(root)`` returns a ``graphviz.Digraph``. Its DOT source (``.source``)
needs nothing but the ``graphviz`` Python package; rendering it (``.pipe``,
``.render``, display in Jupyter) needs Graphviz's ``dot`` program, and without it
raises ``GraphvizNotFoundError`` saying how to install Graphviz.

Up to ``DOT_LAYOUT_MAX_NODES`` boxes, ``dot`` lays the graph out. Its layout time
grows much faster than the graph, so a bigger graph comes with positions from
``graph_layout.layered_positions`` (linear time) and renders with ``neato -n2``,
which only draws: forty thousand nodes take seconds, not hours.

The ``graphviz`` package is imported only when a graph is drawn, so importing
autograd stays fast.
"""

import math
import numbers
import warnings
from collections.abc import Mapping

import numpy as np

from .styles import (
    BORDER,
    DIM,
    INPUT_FILL,
    OP_FILL,
    PARAMETER_FILL,
    RESULT_FILL,
    ROOT_FILL,
    add_cut_note,
    attribute_text,
    estimated_size,
    shape_and_dtype,
    label_text,
)
from .layout import layered_positions
from .shading import GradShading, mean_abs_grad

DEFAULT_MAX_NODES = 500
"""How many nodes ``draw_graph`` draws unless told otherwise; the rest are counted in a note."""

INSTALL_GRAPHVIZ = """Graphviz's `dot` program, which renders the graph, was not found on PATH. Install Graphviz:
    Debian/Ubuntu:  apt-get install graphviz      Fedora:  dnf install graphviz
    macOS:          brew install graphviz         conda:   conda install graphviz
    Windows:        the installer from https://graphviz.org/download/ (tick "add Graphviz to the PATH")
The DOT source needs no Graphviz: graph.source, or graph.save("graph.dot")."""

_RANKDIRS = ("LR", "RL", "TB", "BT")
_SMALL_TENSOR = 6  # tensors with at most this many elements show their values; bigger ones a summary


_GRAPH_ATTR = {"newrank": "true", "nodesep": "0.18", "ranksep": "0.3", "fontname": "Helvetica", "bgcolor": "white"}
_NODE_ATTR = {"shape": "plain", "fontname": "Helvetica", "fontsize": "11", "color": BORDER}
_EDGE_ATTR = {"arrowsize": "0.6", "color": "#555555", "penwidth": "0.9"}
_OP_STYLE = f'shape=ellipse style=filled fillcolor="{OP_FILL}" fontsize=12 height=0.3 width=0.4 margin="0.04,0.02" ordering=in'

DOT_LAYOUT_MAX_NODES = 1000
"""Up to this many boxes ``dot`` lays the graph out; above, ``graph_layout.layered_positions`` does, in linear time."""
_PRESET_LAYOUT_ATTR = {"splines": "line", "outputorder": "edgesfirst"}


def draw_graph(
    root,
    *,
    rankdir="LR",
    show_data=True,
    show_grad=True,
    max_nodes=DEFAULT_MAX_NODES,
    highlight_params=True,
    precision=4,
    names=None,
    model=None,
    collapse=False,
    color_by=None,
):
    """The computation graph that produced ``root``, as a ``graphviz.Digraph`` (a ``ComputationGraph``).

    One box per node, one small node per op (``+``, ``*``, ``tanh``, ``matmul``...),
    arrows in data-flow order: inputs -> op -> result. A scalar node's box shows
    its label, data and grad as numbers; a tensor node's box its label, shape like
    ``(4, 2)``, dtype, and its data and grad: the values of a tiny tensor, else
    norm, min and max. A node that requires grad and has none yet shows ``grad None``.

    - ``root``: a node (Value, Tensor, any node with ``data`` and ``parents``), or
      a list of nodes drawn together (e.g. the outputs of a model). To draw one
      forward pass of a model: ``draw_graph(model(x))``.
    - ``rankdir``: "LR" (the course notes' left-to-right), "RL", "TB" or "BT".
    - ``show_data`` / ``show_grad``: whether boxes show data / grad.
    - ``max_nodes``: at most this many boxes, the ones nearest the root (breadth
      first); the rest are counted in a note node, never silently dropped.
      ``None`` draws everything.
    - ``highlight_params``: fill parameters (leaves that require grad) in a colour
      of their own; True for the default blue, a Graphviz colour ("#ffd0d0",
      "pink") for another, False for none.
    - ``precision``: significant digits of the numbers shown.
    - ``names``: names for unlabelled nodes, such as a model's parameters: a
      ``{name: node}`` mapping, ``(name, node)`` pairs, or anything with
      ``named_parameters()`` (``draw_graph(model(x), names=model)``).
    - ``model``: the model that computed ``root``; its parameters are named after
      ``model.named_parameters()`` (``names`` wins where both name a node).
    - ``collapse``: with ``model``, one box per module call (``Linear(2→16)``,
      ``ReLU``) holding its parameters, and the ops after the last module as one
      box (the loss), so a deep net fits a screen. It reads each module's
      ``last_call()``: draw right after the forward pass you mean. ``max_nodes``
      then counts boxes.
    - ``color_by``: None, or "grad" to fill each box by log10 of its mean |grad|
      (a collapsed box: the gradient at its output), orange-red for the largest
      and pale for the smallest (the scale spans at least three powers of ten,
      and leaves out the root, which holds the seed), with a legend: vanishing
      gradients show as fading colour.

    Rendering (``.pipe()``, ``.render()``, Jupyter display) needs Graphviz's ``dot``
    program; the DOT source (``.source``) does not.
    """
    roots = _roots(root)
    if rankdir not in _RANKDIRS:
        raise ValueError(f"draw_graph: rankdir must be one of {', '.join(_RANKDIRS)}, got {rankdir!r}")
    max_nodes = _checked_max_nodes(max_nodes)
    if not isinstance(precision, numbers.Integral) or isinstance(precision, bool):
        raise TypeError(f"draw_graph: precision must be an int, got {type(precision).__name__}")
    if not 1 <= precision <= 17:
        raise ValueError(f"draw_graph: precision must be between 1 and 17 significant digits, got {precision}")
    parameter_fill = _parameter_fill(highlight_params)
    names_by_id = _names_by_id(names)
    if model is not None:
        if not hasattr(model, "named_parameters"):
            raise TypeError(f"draw_graph: model must be a Module (with named_parameters()), got {type(model).__name__}")
        names_by_id = {**_names_by_id(model), **names_by_id}
    if not isinstance(collapse, bool):
        raise TypeError(f"draw_graph: collapse must be True or False, got {type(collapse).__name__}")
    if collapse and model is None:
        raise ValueError("draw_graph: collapse=True needs model=, the Module whose calls become boxes "
                         "(draw_graph(loss, model=model, collapse=True))")
    nodes = breadth_first_order(roots)
    if model is not None:
        _check_model_in_graph(model, nodes)
    shading = _shading(color_by, roots, nodes)
    graph_class = _graph_class()

    if collapse:
        from .collapsed import collapsed_shapes

        number = _number_format(precision)
        shapes, edges, shading = collapsed_shapes(roots, nodes, model, names_by_id, shading, number, max_nodes, True)
        if shading:
            shapes.append(_legend(shading))
        return _assemble(graph_class, shapes, edges, rankdir, len(shapes) > DOT_LAYOUT_MAX_NODES)
    drawn = nodes if max_nodes is None else nodes[:max_nodes]
    place = {id(node): index for index, node in enumerate(drawn)}
    root_ids = {id(node) for node in roots}
    number = _number_format(precision)
    preset_layout = len(drawn) > DOT_LAYOUT_MAX_NODES

    shapes = []  # (name, attributes, (width, height) in points or None)
    edges = []  # (tail, head, attributes)
    cut = []  # (op node, how many of its parents were left out)
    # inputs first: dot then orders each rank the way the expression reads
    for index in range(len(drawn) - 1, -1, -1):
        node = drawn[index]
        if shading:
            fill = shading.colour(mean_abs_grad(node))
        elif id(node) in root_ids:
            fill = ROOT_FILL
        elif node.parents:
            fill = RESULT_FILL
        elif node.requires_grad and parameter_fill:
            fill = parameter_fill
        else:
            fill = INPUT_FILL
        label = node.label or names_by_id.get(id(node), "")
        box, size = _box(node, label, fill, show_data, show_grad, number, preset_layout)
        shapes.append((f"n{index}", f"label=<{box}>", size))
        if not node.parents:
            continue
        op = str(node.op) if node.op else "op"
        shapes.append((f"o{index}", f"label=<{label_text(op)}> {_OP_STYLE}", _op_size(op)))
        left_out = 0
        for parent in node.parents:
            parent_index = place.get(id(parent))
            if parent_index is None:
                left_out += 1
            else:
                edges.append((f"n{parent_index}", f"o{index}", ""))
        edges.append((f"o{index}", f"n{index}", ""))
        if left_out:
            cut.append((f"o{index}", left_out))
    hidden = len(nodes) - len(drawn)
    if hidden:
        add_cut_note(shapes, edges, hidden, max_nodes, cut)
    if shading:
        shapes.append(_legend(shading))
    return _assemble(graph_class, shapes, edges, rankdir, preset_layout)


def _assemble(graph_class, shapes, edges, rankdir, preset_layout):
    """The ``ComputationGraph`` of named shapes and edges, laid out by ``dot`` or, when big, by us."""
    if not preset_layout:
        graph = graph_class(
            name="computation_graph",
            graph_attr={"rankdir": rankdir, **_GRAPH_ATTR},
            node_attr=_NODE_ATTR,
            edge_attr=_EDGE_ATTR,
        )
        graph.body.extend(f"\t{name} [{attributes}]\n" for name, attributes, _ in shapes)
    else:
        graph = graph_class(
            name="computation_graph",
            comment=f"{len(shapes)} shapes, laid out by autograd.drawing.draw: render with `neato -n2`, not `dot`",
            engine="neato",
            graph_attr={**_GRAPH_ATTR, **_PRESET_LAYOUT_ATTR},
            node_attr=_NODE_ATTR,
            edge_attr=_EDGE_ATTR,
            preset_layout=True,
        )
        positions = layered_positions(
            # outputs first, then parents in their tuples' order: ties within a rank keep that order
            [name for name, _, _ in reversed(shapes)], [(tail, head) for tail, head, _ in edges],
            {name: size for name, _, size in shapes}, rankdir,
        )
        graph.body.extend(
            f'\t{name} [{attributes} pos="{positions[name][0]:.1f},{positions[name][1]:.1f}"]\n'
            for name, attributes, _ in shapes
        )
    graph.body.extend(
        f"\t{tail} -> {head} [{attributes}]\n" if attributes else f"\t{tail} -> {head}\n"
        for tail, head, attributes in edges
    )
    return graph


def _shading(color_by, roots, nodes):
    if color_by is None:
        return None
    if not isinstance(color_by, str):
        raise TypeError(f"draw_graph: color_by must be None or a str such as \"grad\", got {type(color_by).__name__}")
    if color_by != "grad":
        raise ValueError(f"draw_graph: color_by must be None or \"grad\" (shade by log |grad|), got {color_by!r}")
    sizes = {id(node): mean_abs_grad(node) for node in nodes}
    if not any(sizes.values()):  # every grad None (Tensors) or 0 (Values): backward() has not run on this graph
        raise ValueError(
            'draw_graph(color_by="grad"): no node of this graph has a gradient yet; call backward() on its root '
            "first (loss.backward()), then draw it"
        )
    # the roots hold the seed (1 for a loss): fitting the scale to it would wash out every other box
    root_ids = {id(node) for node in roots}
    inner = [size for key, size in sizes.items() if key not in root_ids]
    return GradShading(inner or [sizes[id(node)] for node in roots])


def _check_model_in_graph(model, nodes):
    """A ValueError when none of ``model``'s parameters is in the graph: another model's, or one made in no_grad."""
    parameters = list(model.named_parameters())
    in_graph = {id(node) for node in nodes}
    if not parameters or any(id(parameter) in in_graph for _, parameter in parameters):
        return
    names = ", ".join(name for name, _ in parameters[:6]) + (", ..." if len(parameters) > 6 else "")
    raise ValueError(
        f"draw_graph(model=...): none of the model's {len(parameters)} parameters ({names}) is in this graph; "
        "pass the model that computed it, called with grad mode on: draw_graph(model(x), model=model)"
    )


def _legend(shading):
    """The legend node of a shaded graph: which colour means which mean |grad|."""
    cells = [('<TR><TD COLSPAN="2" CELLPADDING="4"><B>mean |grad|</B><BR/>'
              f'<FONT COLOR="{DIM}" POINT-SIZE="9">log scale</FONT></TD></TR>')]
    cells += [f'<TR><TD BGCOLOR="{colour}" WIDTH="18" BORDER="1"> </TD><TD ALIGN="LEFT">{label_text(text)}</TD></TR>'
              for colour, text in shading.legend_rows()]
    table = (f'<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="2" CELLPADDING="2" COLOR="{BORDER}" '
             f'BGCOLOR="white">{"".join(cells)}</TABLE>')
    return "legend", f"label=<{table}>", (110.0, 24.0 * 8)


def breadth_first_order(roots):
    """Every node reachable from ``roots``, each once, in breadth-first order of first visit.

    Iterative (any depth works) and deterministic: the order follows the
    ``parents`` tuples alone. Nodes are told apart by identity.
    """
    order = []
    seen = set()
    for node in roots:
        if id(node) not in seen:
            seen.add(id(node))
            order.append(node)
    visit, append = seen.add, order.append
    index = 0
    while index < len(order):
        for parent in order[index].parents:
            if id(parent) not in seen:
                visit(id(parent))
                append(parent)
        index += 1
    return order


def _roots(root):
    if _is_node(root):
        return [root]
    if isinstance(root, (list, tuple)) and root and all(_is_node(node) for node in root):
        return list(root)
    if isinstance(root, (list, tuple)) and not root:
        raise ValueError("draw_graph: got an empty list; expected a node or a non-empty list of nodes")
    raise TypeError(
        f"draw_graph: expected a node (Value, Tensor) or a list of nodes, got {type(root).__name__}; "
        "to draw a model's forward pass, call it first: draw_graph(model(x))"
    )


def _is_node(x):
    return hasattr(x, "parents") and hasattr(x, "data") and not isinstance(x, type)


def _checked_max_nodes(max_nodes):
    if max_nodes is None:
        return None
    if not isinstance(max_nodes, numbers.Integral) or isinstance(max_nodes, bool):
        raise TypeError(f"draw_graph: max_nodes must be an int or None, got {type(max_nodes).__name__}")
    if max_nodes < 1:
        raise ValueError(f"draw_graph: max_nodes must be at least 1 (or None for no limit), got {max_nodes}")
    return int(max_nodes)


def _parameter_fill(highlight_params):
    if highlight_params is True:
        return PARAMETER_FILL
    if highlight_params is False or highlight_params is None:
        return None
    if isinstance(highlight_params, str) and highlight_params:
        return highlight_params
    raise TypeError(
        f"draw_graph: highlight_params must be True, False or a Graphviz colour name such as '#ffd0d0', "
        f"got {highlight_params!r}"
    )


def _names_by_id(names):
    if names is None:
        return {}
    if hasattr(names, "named_parameters"):
        pairs = names.named_parameters()
    elif isinstance(names, Mapping):
        pairs = names.items()
    else:
        pairs = names
    found = {}
    try:
        for name, node in pairs:
            found.setdefault(id(node), str(name))
    except (TypeError, ValueError):
        raise TypeError(
            "draw_graph: names must be a {name: node} mapping, (name, node) pairs, or a model with "
            f"named_parameters(), got {type(names).__name__}"
        ) from None
    return found


# Box contents


def _box(node, label, fill, show_data, show_grad, number, measure):
    """The HTML-like label of one node's box, and its estimated (width, height) in points if ``measure``."""
    data = node.data
    is_tensor = hasattr(node, "shape") or not isinstance(data, numbers.Number)
    rows = []
    if label:
        rows.append(f"<B>{label_text(label)}</B>")
    if not is_tensor and not label and not node.parents and not node.requires_grad:
        rows.append(number(data))  # a constant in an expression: just the number
    else:
        if is_tensor:
            rows.append(f'<FONT COLOR="{DIM}">{label_text(shape_and_dtype(node))}</FONT>')
        if show_data:
            rows.append(_field("data", _summary(data, number)))
        if show_grad and node.requires_grad:
            rows.append(_field("grad", _summary(_payload(node.grad), number)))
    if not rows:
        rows.append(" ")
    header = 1 if label else 0
    cells = [f'<TR><TD ALIGN="CENTER" CELLPADDING="4">{row}</TD></TR>' for row in rows[:header]]
    cells += [f'<TR><TD ALIGN="LEFT" BALIGN="LEFT">{row}</TD></TR>' for row in rows[header:]]
    if header and len(cells) > 1:
        cells.insert(1, "<HR/>")
    table = (f'<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3" STYLE="ROUNDED" '
             f'COLOR="{BORDER}" BGCOLOR="{attribute_text(fill)}">{"".join(cells)}</TABLE>')
    return table, (estimated_size(rows) if measure else None)


def _op_size(op):
    return max(28.8, 7.5 * len(op) + 14.0), 21.6


def _field(name, text):
    return f'<FONT COLOR="{DIM}">{name}</FONT> {text}'


def _payload(grad):
    # after backward(create_graph=True) a grad is itself a node
    return grad.data if _is_node(grad) else grad


def _summary(payload, number):
    """A payload in a few characters: a number, a tiny array's values, or a big array's norm, min and max."""
    if payload is None:
        return "None"
    if isinstance(payload, numbers.Number) or getattr(payload, "ndim", None) == 0:
        return number(payload.item() if hasattr(payload, "item") else payload)
    try:
        array = np.asarray(payload)
    except (TypeError, ValueError):
        return label_text(type(payload).__name__)
    if array.dtype.kind not in "biuf":
        return label_text(f"{array.dtype} array")
    if array.size == 0:
        return "empty"
    if array.size <= _SMALL_TENSOR:
        values = np.array2string(array, separator=", ", formatter={"float_kind": number}, max_line_width=48)
        return "<BR/>".join(label_text(line) for line in values.splitlines())
    values = array.astype(np.float64, copy=False)
    return (f"norm {number(float(np.linalg.norm(values.ravel())))} "
            f"min {number(values.min().item())} max {number(values.max().item())}")


def _number_format(precision):
    def number(x):
        if isinstance(x, (bool, numbers.Integral)):
            return str(int(x))
        x = float(x)
        if x == 0.0:
            return "0"  # -0.0 too: a sign on zero only puzzles a reader
        return format(x, f".{precision}g") if math.isfinite(x) else str(x)

    return number


# Rendering, with a clear message where Graphviz's `dot` is missing


_classes = {}


def _graph_class():
    if not _classes:
        _define_classes()
    return _classes["ComputationGraph"]


def _define_classes():
    try:
        import graphviz
    except ImportError:
        raise ImportError("draw_graph needs the graphviz Python package: pip install graphviz") from None

    class GraphvizNotFoundError(graphviz.ExecutableNotFound):
        """Graphviz's ``dot`` program is missing; the message says how to install it."""

        def __init__(self, message=INSTALL_GRAPHVIZ):
            RuntimeError.__init__(self, message)

    def _explained(method, neato_no_op_position):
        def call(self, *args, **kwargs):
            if (self.preset_layout and kwargs.get("engine") in (None, "neato") and self.engine == "neato"
                    and neato_no_op_position is not None
                    and len(args) <= neato_no_op_position and kwargs.get("neato_no_op") is None):
                kwargs["neato_no_op"] = 2  # keep the positions draw_graph computed
            try:
                return method(self, *args, **kwargs)
            except GraphvizNotFoundError:
                raise
            except graphviz.ExecutableNotFound as error:
                raise GraphvizNotFoundError() from error

        call.__name__ = method.__name__
        call.__doc__ = method.__doc__
        return call

    class ComputationGraph(graphviz.Digraph):
        """A ``graphviz.Digraph`` whose rendering, where ``dot`` is missing, says how to install Graphviz.

        A graph too big for ``dot`` comes laid out already (``preset_layout``):
        it renders with ``neato -n2``, which only draws.
        """

        def __init__(self, *args, preset_layout=False, **kwargs):
            super().__init__(*args, **kwargs)
            self.preset_layout = preset_layout

        def _copy_kwargs(self, **kwargs):
            copied = super()._copy_kwargs(**kwargs)
            copied["preset_layout"] = self.preset_layout
            return copied

        def __repr__(self):
            return f"<ComputationGraph: {len(self.body)} DOT statements>"

        pipe = _explained(graphviz.Digraph.pipe, 3)
        render = _explained(graphviz.Digraph.render, 7)
        unflatten = _explained(graphviz.Digraph.unflatten, None)

    for cls in (GraphvizNotFoundError, ComputationGraph):
        cls.__module__ = __name__
        cls.__qualname__ = cls.__name__
        _classes[cls.__name__] = cls


def __getattr__(name):
    # ComputationGraph and GraphvizNotFoundError subclass graphviz's classes: made on first use
    if name in ("ComputationGraph", "GraphvizNotFoundError"):
        if not _classes:
            _define_classes()
        return _classes[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def repr_mimebundle(node, include=None, exclude=None, **kwargs):
    """Jupyter's rich display of a node: its graph as SVG, or ``{}`` (the text repr) if it cannot be drawn.

    Value's and Tensor's ``_repr_mimebundle_``: the node classes take it from here, so the core (``node``)
    imports nothing that draws."""
    mimetype = "image/svg+xml"
    if (include is not None and mimetype not in include) or (exclude is not None and mimetype in exclude):
        return {}
    try:
        svg = draw_graph(node).pipe(format="svg", encoding="utf-8")
    except Exception as error:  # a notebook shows the text repr instead of a traceback
        warnings.warn(f"cannot draw the graph, showing text instead: {error}", RuntimeWarning, stacklevel=2)
        return {}
    return {mimetype: svg}
