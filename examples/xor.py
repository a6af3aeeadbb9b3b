"""XOR, the problem no straight line solves: a 2-4-1 tanh/sigmoid MLP learns it exactly,
a linear (logistic-regression) model cannot do better than guessing.

Teaches: why hidden layers matter. The four XOR points are not linearly
separable, so logistic regression stalls at loss ln 2 = 0.693 with every
output near 0.5, while one hidden layer of four tanh units bends the decision
boundary around them. Plots both decision boundaries side by side.

XOR's loss surface has local minima: about one seed in fifty leaves the MLP
stuck with two points wrong. Another --seed, or a larger --hidden, gets out.
"""

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import nn  # noqa: E402
from autograd import Tensor, no_grad  # noqa: E402

# The XOR truth table: the output is 1 exactly when the two inputs differ.
XOR_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_TARGETS = np.array([[0.0], [1.0], [1.0], [0.0]])


def make_mlp(hidden, rng):
    """2-hidden-1: a tanh hidden layer, a sigmoid output giving P(y = 1)."""
    return nn.Sequential(
        nn.Linear(2, hidden, init="uniform", rng=rng),
        nn.Tanh(),
        nn.Linear(hidden, 1, init="uniform", rng=rng),
        nn.Sigmoid(),
    )


def make_linear_model(rng):
    """Logistic regression, sigmoid(x·w + b): its decision boundary is a straight line."""
    return nn.Sequential(nn.Linear(2, 1, init="uniform", rng=rng), nn.Sigmoid())


def predict(model, X):
    """The model's probabilities for the rows of X, as a flat ndarray (no graph recorded)."""
    with no_grad():
        return model(Tensor(X)).numpy().reshape(-1)


def train(name, model, epochs, lr, seed):
    """Full-batch Adam on binary cross-entropy; every epoch is one step on all four points."""
    print(f"training {name} for {epochs} epochs")
    optimizer = nn.optim.Adam(model.parameters(), lr=lr)
    history = nn.fit(
        model, nn.BCELoss(), optimizer, XOR_INPUTS, XOR_TARGETS,
        epochs=epochs, batch_size=len(XOR_INPUTS), rng=seed, progress=True,
    )
    return history["loss"][-1]


def report(name, model, loss):
    """Print the model's output for each row of the truth table; return the outputs."""
    outputs = predict(model, XOR_INPUTS)
    print(f"\n{name}: final loss {loss:.4f}")
    print("  x1  x2  target  output")
    for (x1, x2), target, output in zip(XOR_INPUTS, XOR_TARGETS.reshape(-1), outputs):
        print(f"  {x1:.0f}   {x2:.0f}   {target:.0f}       {output:.3f}")
    return outputs


def plot_decision_boundaries(models, path):
    """Each model's P(y = 1) over the plane, its 0.5 contour (where it has one), and the four XOR points."""
    xs = np.linspace(-0.5, 1.5, 201)
    grid_x, grid_y = np.meshgrid(xs, xs)
    grid = np.column_stack([grid_x.ravel(), grid_y.ravel()])
    labels = XOR_TARGETS.reshape(-1)
    figure, axes = plt.subplots(1, len(models), figsize=(5 * len(models), 4.8))
    for axis, (title, model) in zip(np.atleast_1d(axes), models.items()):
        probabilities = predict(model, grid).reshape(grid_x.shape)
        filled = axis.contourf(grid_x, grid_y, probabilities, levels=np.linspace(-0.05, 1.05, 12), cmap="RdBu_r",
                               alpha=0.8)  # bands centred on 0, 0.1, ..., 1: P = 0.5 is one band
        if np.ptp(probabilities) > 0.01:  # a flat P = 0.5 has no boundary worth drawing
            axis.contour(grid_x, grid_y, probabilities, levels=[0.5], colors="black", linewidths=2)
        axis.scatter(*XOR_INPUTS[labels == 0].T, s=160, c="tab:blue", edgecolors="black", label="XOR = 0")
        axis.scatter(*XOR_INPUTS[labels == 1].T, s=160, c="tab:red", marker="s", edgecolors="black", label="XOR = 1")
        axis.set_title(title, fontsize=10)
        axis.set_xlabel("$x_1$")
        axis.set_ylabel("$x_2$")
        axis.set_aspect("equal")
        figure.colorbar(filled, ax=axis, label="P(y = 1)", ticks=[0, 0.25, 0.5, 0.75, 1])
    handles, names = axis.get_legend_handles_labels()
    figure.legend(handles, names, loc="lower center", ncol=2)
    figure.tight_layout(rect=(0, 0.07, 1, 1))
    figure.savefig(path, dpi=120)
    plt.close(figure)
    print(f"decision boundaries written to {path}")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=0, help="random seed for the initial weights (default 0)")
    parser.add_argument("--epochs", type=int, default=500, help="full-batch training steps per model (default 500)")
    parser.add_argument("--hidden", type=int, default=4,
                        help="hidden tanh units (default 4; 2 is the fewest that can solve XOR)")
    parser.add_argument("--lr", type=float, default=0.1, help="Adam learning rate (default 0.1)")
    parser.add_argument("--output-dir", type=Path, default=Path(__file__).resolve().parent / "output",
                        help="where the plot is written (default examples/output)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(args.seed)

    linear = make_linear_model(rng)
    linear_loss = train("linear model (logistic regression)", linear, args.epochs, args.lr, args.seed)
    linear_outputs = report("linear model", linear, linear_loss)
    # Its best is w = 0, b = 0: P = 0.5 for every point, loss ln 2. Which side of 0.5 the
    # outputs end on is rounding noise, so counting its "correct" points would mean nothing.
    linear_spread = float(np.max(np.abs(linear_outputs - 0.5)))
    print(f"  every output within {linear_spread:.1e} of 0.5: a coin flip")

    mlp = make_mlp(args.hidden, rng)
    mlp_loss = train(f"2-{args.hidden}-1 MLP", mlp, args.epochs, args.lr, args.seed)
    mlp_outputs = report(f"2-{args.hidden}-1 MLP", mlp, mlp_loss)
    mlp_correct = int(np.sum((mlp_outputs > 0.5) == (XOR_TARGETS.reshape(-1) > 0.5)))
    print(f"  {mlp_correct}/4 correct")

    plot_decision_boundaries(
        {f"linear model: P = 0.5 everywhere\nloss {linear_loss:.4f} = ln 2": linear,
         f"2-{args.hidden}-1 MLP: {mlp_correct}/4 correct\nloss {mlp_loss:.4f}": mlp},
        args.output_dir / "xor_decision_boundary.png",
    )
    print(f"XOR: 2-{args.hidden}-1 MLP {mlp_correct}/4 correct (loss {mlp_loss:.4f}); "
          f"linear model stuck at loss {linear_loss:.4f} = ln 2 with every output 0.5 ± {linear_spread:.0e}")


if __name__ == "__main__":
    main()
