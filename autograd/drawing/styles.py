"""The pieces of a Graphviz HTML-like label that draw_graph's boxes share: colours, escaping, sizes, the cut note."""

import html
import re

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TAG = re.compile(r"<[^>]*>")

PARAMETER_FILL = "#d6e9ff"
INPUT_FILL = "#eeeeee"
RESULT_FILL = "#ffffff"
ROOT_FILL = "#fff1c7"
OP_FILL = "#fbe3d0"
NOTE_FILL = "#fff8dc"
BORDER = "#4d4d4d"
DIM = "#6b6b6b"
NOTE_STYLE = f'shape=note style=filled fillcolor="{NOTE_FILL}" margin="0.12,0.06" fontsize=10'


def label_text(text):
    """Text for an HTML-like Graphviz label: XML-escaped, control characters dropped."""
    return html.escape(_CONTROL_CHARACTERS.sub("", text), quote=True).replace("\n", "<BR/>")


def attribute_text(text):
    """Text for an attribute value inside a label (a colour the caller gave): XML-escaped, control characters dropped."""
    return html.escape(_CONTROL_CHARACTERS.sub("", text), quote=True)


def shape_and_dtype(node):
    """A node's shape and dtype as a box shows them: "(3, 2) float64"."""
    shape = getattr(node, "shape", None)
    if shape is None:
        shape = getattr(node.data, "shape", ())
    dtype = getattr(node, "dtype", None)
    if dtype is None:
        dtype = getattr(node.data, "dtype", None)
    text = str(tuple(shape))
    return f"{text} {dtype}" if dtype is not None else text


def estimated_size(rows):
    """The (width, height) in points a box of these label rows takes, estimated from its longest line."""
    lines = [html.unescape(_TAG.sub("", line)) for row in rows for line in row.split("<BR/>")]
    return 6.8 * max(map(len, lines)) + 16.0, 16.0 * len(lines) + 10.0


def add_cut_note(shapes, edges, hidden, max_nodes, cut):
    """Add the note that ``hidden`` nodes were left out, with a dashed arrow to each op that lost inputs."""
    noun = "node" if hidden == 1 else "nodes"
    note = f"{hidden:,} more {noun} not shown (max_nodes={max_nodes:,}; max_nodes=None draws all)"
    shapes.append(("cut_note", f"label=<{label_text(note)}> {NOTE_STYLE}", (5.5 * len(note) + 30, 30.0)))
    for op, left_out in cut:
        count = f" label=<{left_out} inputs>" if left_out > 1 else ""
        edges.append(("cut_note", op, f'style=dashed color="{DIM}" fontsize=9 fontcolor="{DIM}"{count}'))
