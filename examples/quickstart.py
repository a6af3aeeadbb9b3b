"""The tour in one run: f = 3(a + bc) and its gradients, its graph, then a small MLP learning two moons."""

import argparse
from pathlib import Path

import numpy as np

import nn
from autograd import Value, draw_graph
from autograd.drawing.draw import GraphvizNotFoundError


def chain_rule_example():
    """The course notes' computation graph: J = 3(a + bc) with a=5, b=3, c=2."""
    a, b, c = Value(5.0, label="a"), Value(3.0, label="b"), Value(2.0, label="c")
    u = b * c
    u.label = "u = bc"
    v = a + u
    v.label = "v = a + u"
    J = 3 * v
    J.label = "J = 3v"
    J.backward()
    print(f"J = 3(a + bc) = {J.data:g}")
    print(f"dJ/da = {a.grad:g}   dJ/db = {b.grad:g}   dJ/dc = {c.grad:g}")
    return J


def render(root, output_dir):
    """Write the graph as SVG; without Graphviz's `dot`, write the DOT source and say how to get `dot`."""
    graph = draw_graph(root)
    try:
        svg = graph.pipe(format="svg")
    except GraphvizNotFoundError as error:
        dot_path = output_dir / "chain_rule_graph.dot"
        dot_path.write_text(graph.source)
        print(f"{error}\nthe DOT source is in {dot_path}")
        return
    svg_path = output_dir / "chain_rule_graph.svg"
    svg_path.write_bytes(svg)
    print(f"graph of J written to {svg_path}")


def train_on_moons(seed, epochs):
    """A 2-16-16-2 MLP trained with Adam on two interleaving half-moons."""
    X, y = nn.data.make_moons(400, noise=0.1, rng=seed)
    X_train, X_test, y_train, y_test = nn.data.train_test_split(X, y, test_size=0.25, rng=seed)
    model = nn.MLP([2, 16, 16, 2], rng=seed)
    optimizer = nn.optim.Adam(model.parameters(), lr=0.02)
    history = nn.fit(
        model, nn.CrossEntropyLoss(), optimizer, X_train, y_train,
        epochs=epochs, batch_size=32, val=(X_test, y_test), rng=seed, progress=True,
    )
    print(f"moons: train accuracy {history['accuracy'][-1]:.1%}, test accuracy {history['val_accuracy'][-1]:.1%}")
    return history


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--epochs", type=int, default=60, help="training epochs (default 60)")
    parser.add_argument("--output-dir", type=Path, default=Path("."), help="where the graph is written")
    args = parser.parse_args()
    np.set_printoptions(precision=4)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    J = chain_rule_example()
    render(J, args.output_dir)
    train_on_moons(args.seed, args.epochs)


if __name__ == "__main__":
    main()
