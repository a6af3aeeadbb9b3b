"""Linear regression two ways: nn.Linear trained by gradient descent on the mean squared
error, and the closed-form normal equation theta = (X^T X)^-1 X^T y. They agree.

Teaches: a linear layer is linear regression, and gradient descent on its loss
walks to the same minimum the normal equation writes down in one line (the
MSE is convex with a single minimum when X^T X is invertible). Setting the
gradient 2 X^T X theta - 2 X^T y to zero gives the formula; training finds it
by following that gradient. Prints both parameter vectors and plots the fit
and the loss falling to the closed-form optimum.
"""

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import nn  # noqa: E402
from autograd import Tensor, no_grad  # noqa: E402


def normal_equation(X, y):
    """theta = (XᵀX)⁻¹Xᵀy for X with a leading column of ones, so theta[0] is the bias.

    Solving XᵀX theta = Xᵀy gives the same theta as forming the inverse, with less rounding error.
    """
    X_with_ones = np.column_stack([np.ones(len(X)), X])
    return np.linalg.solve(X_with_ones.T @ X_with_ones, X_with_ones.T @ y)


def gradient_descent(X, y, epochs, lr, seed):
    """nn.Linear(d, 1) from zero weights, full-batch SGD on MSELoss; returns (model, History)."""
    model = nn.Linear(X.shape[1], 1, init="zeros")
    optimizer = nn.optim.SGD(model.parameters(), lr=lr)
    print(f"gradient descent: {epochs} full-batch steps of SGD with lr {lr}")
    history = nn.fit(
        model, nn.MSELoss(), optimizer, X, y.reshape(-1, 1),
        epochs=epochs, batch_size=len(X), metrics=(), rng=seed, progress=True,
    )
    return model, history


def plot_fit(X, y, model, theta, history, optimum_mse, path):
    """Left: the data and both fits (or predicted against true y for several features). Right: MSE above the minimum."""
    figure, (fit_axis, loss_axis) = plt.subplots(1, 2, figsize=(11, 4.2))
    with no_grad():
        predicted = model(Tensor(X)).numpy().reshape(-1)
    if X.shape[1] == 1:
        order = np.argsort(X[:, 0])
        fit_axis.scatter(X[:, 0], y, s=12, alpha=0.6, label="data")
        fit_axis.plot(X[order, 0], predicted[order], color="tab:red", linewidth=3, label="gradient descent")
        fit_axis.plot(X[order, 0], theta[0] + theta[1] * X[order, 0], "k--", label="normal equation")
        fit_axis.set_xlabel("x")
        fit_axis.set_ylabel("y")
    else:
        closed_form = theta[0] + X @ theta[1:]
        fit_axis.scatter(y, predicted, s=12, alpha=0.6, color="tab:red", label="gradient descent")
        fit_axis.scatter(y, closed_form, s=30, facecolors="none", edgecolors="black", linewidths=0.6,
                         label="normal equation")
        fit_axis.plot([y.min(), y.max()], [y.min(), y.max()], color="gray", linewidth=1)
        fit_axis.set_xlabel("true y")
        fit_axis.set_ylabel("predicted y")
    fit_axis.set_title(f"linear regression, {X.shape[1]} feature{'s' if X.shape[1] > 1 else ''}")
    fit_axis.legend()
    steps = np.arange(1, len(history["loss"]) + 1)
    # How far above the closed-form minimum each step's MSE is; the floor is float64 rounding.
    excess = np.maximum(np.asarray(history["loss"]) - optimum_mse, np.finfo(float).eps * optimum_mse)
    loss_axis.plot(steps, excess)
    loss_axis.set_yscale("log")
    loss_axis.set_xlabel("gradient-descent step")
    loss_axis.set_ylabel("MSE − MSE of the normal equation")
    loss_axis.set_title(f"gradient descent closes in on the minimum MSE = {optimum_mse:.4g}")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
    print(f"fit written to {path}")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=0, help="random seed for the data (default 0)")
    parser.add_argument("--samples", type=int, default=200, help="number of points (default 200)")
    parser.add_argument("--features", type=int, default=1, help="number of input features (default 1)")
    parser.add_argument("--noise", type=float, default=10.0, help="standard deviation of the noise on y (default 10)")
    parser.add_argument("--epochs", type=int, default=200, help="gradient-descent steps (default 200)")
    parser.add_argument("--lr", type=float, default=0.1, help="learning rate (default 0.1)")
    parser.add_argument("--output-dir", type=Path, default=Path(__file__).resolve().parent / "output",
                        help="where the plot is written (default examples/output)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    args.output_dir.mkdir(parents=True, exist_ok=True)

    X, y = nn.data.make_regression(args.samples, args.features, noise=args.noise, rng=args.seed)
    theta = normal_equation(X, y)
    optimum_mse = float(np.mean((theta[0] + X @ theta[1:] - y) ** 2))
    model, history = gradient_descent(X, y, args.epochs, args.lr, args.seed)
    learned = np.concatenate([model.bias.numpy(), model.weight.numpy().reshape(-1)])

    print(f"\n{'':<8} {'gradient descent':>18} {'normal equation':>18}")
    for name, from_descent, closed_form in zip(["bias"] + [f"w{i + 1}" for i in range(args.features)], learned, theta):
        print(f"{name:<8} {from_descent:>18.6f} {closed_form:>18.6f}")
    print(f"{'MSE':<8} {history['loss'][-1]:>18.6f} {optimum_mse:>18.6f}")

    plot_fit(X, y, model, theta, history, optimum_mse, args.output_dir / "linear_regression_fit.png")
    difference = np.max(np.abs(learned - theta))
    print(f"linear regression: gradient descent theta = {np.array2string(learned, precision=4)}, "
          f"normal equation theta = {np.array2string(theta, precision=4)}, max |difference| = {difference:.2e}")


if __name__ == "__main__":
    main()
