"""Draw the course notes' computation graph J = 3(a + bc), every node with its value and gradient.

The notes name the steps u = bc, v = a + u, J = 3v and take a=5, b=3, c=2. The
backward pass gives dJ/dv = 3, dJ/du = dJ/dv · dv/du = 3, and on to
dJ/da = 3, dJ/db = 3c = 6, dJ/dc = 3b = 9.

    python examples/computation_graph.py                          # computation_graph.svg
    python examples/computation_graph.py --output graph.png       # the format follows the suffix
    python examples/computation_graph.py --output g --format pdf

Rendering needs Graphviz's `dot` program; without it the DOT source is written
instead (next to --output, with the suffix .dot), with a note on installing Graphviz.
"""

import argparse
import sys
from pathlib import Path

from autograd import Value, draw_graph
from autograd.drawing.draw import GraphvizNotFoundError

FORMATS = ("svg", "png", "pdf")


def notes_graph(a=5.0, b=3.0, c=2.0):
    """J = 3(a + bc) built step by step with the notes' names, after ``J.backward()``; returns all six nodes."""
    a, b, c = Value(a, label="a"), Value(b, label="b"), Value(c, label="c")
    u = b * c
    u.label = "u = bc"
    v = a + u
    v.label = "v = a + u"
    J = 3 * v
    J.label = "J = 3v"
    J.backward()
    return J, v, u, a, b, c


def parse_arguments(argv):
    parser = argparse.ArgumentParser(
        description="Draw the computation graph of J = 3(a + bc) with a=5, b=3, c=2, after backward().",
    )
    parser.add_argument(
        "--output", type=Path, default=Path("computation_graph.svg"),
        help="where the drawing goes (default: computation_graph.svg)",
    )
    parser.add_argument(
        "--format", choices=FORMATS, default=None,
        help="svg, png or pdf (default: the output's suffix if it is one of these, else svg)",
    )
    args = parser.parse_args(argv)
    if args.format is None:
        suffix = args.output.suffix.lower().lstrip(".")
        args.format = suffix if suffix in FORMATS else "svg"
    return args


def main(argv=None):
    args = parse_arguments(argv)
    J, v, u, a, b, c = notes_graph()
    print(f"J = 3(a + bc) = {J.data:g} with a = {a.data:g}, b = {b.data:g}, c = {c.data:g}")
    print(f"dJ/dv = {v.grad:g}   dJ/du = {u.grad:g}")
    print(f"dJ/da = {a.grad:g}   dJ/db = {b.grad:g}   dJ/dc = {c.grad:g}")

    graph = draw_graph(J)
    if args.format == "png":
        graph.graph_attr["dpi"] = "150"  # a crisp bitmap; svg and pdf scale anyway
    args.output.parent.mkdir(parents=True, exist_ok=True)
    try:
        drawing = graph.pipe(format=args.format)
    except GraphvizNotFoundError as error:
        source_path = args.output.with_suffix(".dot")
        source_path.write_text(graph.source, encoding="utf-8")
        print(f"\nCould not draw {args.output}: {error}")
        print(f"The graph's DOT source is in {source_path}; once Graphviz is installed: "
              f"dot -T{args.format} {source_path} -o {args.output}")
        return 0
    args.output.write_bytes(drawing)
    print(f"graph written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
