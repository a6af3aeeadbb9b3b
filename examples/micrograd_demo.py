"""The classic scalar demo: an MLP made only of scalar Values learns two moons with a
max-margin (hinge) loss and plain SGD — the training-from-a-graph-of-scalars that
people know from micrograd.

Teaches: nothing but the chain rule is needed to train a network. The model,
nn.scalar.MLP(2, [16, 16, 1]), is 337 Value parameters; each forward pass
builds a graph of scalar operations, backward() fills every parameter's grad,
and the update p.data -= lr * p.grad is written out in the loop. The loss is
mean(relu(1 - y*score)) + 1e-4 * sum(p^2) with labels y in {-1, +1}; the
learning rate decays as 1.0 - 0.9 * k / steps. Plots the decision boundary.
"""

import argparse
import random
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import nn  # noqa: E402
from autograd import no_grad, sum_values  # noqa: E402


def hinge_loss(model, inputs, labels, alpha):
    """mean(relu(1 - y·score)) + alpha·Σp², and the accuracy of sign(score), over all the points."""
    scores = [model(row) for row in inputs]
    margins = [(1 - label * score).relu() for label, score in zip(labels, scores)]
    data_loss = sum_values(margins) * (1.0 / len(margins))
    penalty = alpha * sum_values([p * p for p in model.parameters()])
    accuracy = np.mean([(label > 0) == (score.data > 0) for label, score in zip(labels, scores)])
    return data_loss + penalty, accuracy


def train(model, inputs, labels, steps, alpha):
    """Full-batch gradient descent with the learning rate decaying linearly from 1.0 towards 0.1."""
    parameters = model.parameters()
    for step in range(steps):
        loss, accuracy = hinge_loss(model, inputs, labels, alpha)
        model.zero_grad()
        loss.backward()
        learning_rate = 1.0 - 0.9 * step / steps
        for p in parameters:
            p.data -= learning_rate * p.grad
        if step % 10 == 0 or step == steps - 1:
            print(f"step {step:>3}  loss {loss.data:.4f}  accuracy {accuracy:.0%}")
    return hinge_loss(model, inputs, labels, alpha)


def plot_decision_boundary(model, X, labels, path, resolution=40):
    """The sign of the model's score over the plane, computed point by point with scalar Values."""
    low, high = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5
    grid_x, grid_y = np.meshgrid(np.linspace(low[0], high[0], resolution), np.linspace(low[1], high[1], resolution))
    with no_grad():
        scores = np.array([model([x, y]).data for x, y in zip(grid_x.ravel().tolist(), grid_y.ravel().tolist())])
    scores = scores.reshape(grid_x.shape)
    figure, axis = plt.subplots(figsize=(7, 5))
    axis.contourf(grid_x, grid_y, scores, levels=[min(scores.min(), -1.0), 0.0, max(scores.max(), 1.0)],
                  colors=["tab:blue", "tab:red"], alpha=0.3)
    axis.contour(grid_x, grid_y, scores, levels=[0.0], colors="black", linewidths=1.5)
    axis.scatter(*X[labels < 0].T, s=30, c="tab:blue", edgecolors="black", label="y = -1")
    axis.scatter(*X[labels > 0].T, s=30, c="tab:red", edgecolors="black", label="y = +1")
    axis.set_title("nn.scalar.MLP(2, [16, 16, 1]): decision boundary (score = 0)")
    axis.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
    print(f"decision boundary written to {path}")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=1337, help="seed for the data and the weights (default 1337)")
    parser.add_argument("--samples", type=int, default=100, help="number of points (default 100)")
    parser.add_argument("--steps", type=int, default=100, help="gradient-descent steps (default 100)")
    parser.add_argument("--alpha", type=float, default=1e-4, help="L2 penalty strength (default 1e-4)")
    parser.add_argument("--output-dir", type=Path, default=Path(__file__).resolve().parent / "output",
                        help="where the plot is written (default examples/output)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    random.seed(args.seed)  # nn.scalar draws its weights with random.uniform(-1, 1)

    X, y = nn.data.make_moons(args.samples, noise=0.1, rng=args.seed)
    labels = (2 * np.asarray(y) - 1).tolist()  # classes 0/1 become -1/+1 for the hinge loss
    inputs = X.tolist()
    model = nn.scalar.MLP(2, [16, 16, 1])
    print(f"nn.scalar.MLP(2, [16, 16, 1]): {len(model.parameters())} Value parameters, {len(inputs)} points")

    started = time.perf_counter()
    loss, accuracy = train(model, inputs, labels, args.steps, args.alpha)
    print(f"{args.steps} steps in {time.perf_counter() - started:.1f} s")

    plot_decision_boundary(model, X, np.asarray(labels), args.output_dir / "micrograd_demo_decision_boundary.png")
    print(f"micrograd demo: accuracy {accuracy:.0%}, loss {loss.data:.4f} after {args.steps} steps "
          f"({len(model.parameters())} Value parameters)")


if __name__ == "__main__":
    main()
