"""SGD, momentum, Nesterov, RMSprop and Adam side by side: on one training problem
(training curves) and on a 2-D loss surface (their paths drawn on a contour plot).

Teaches: what each update rule does. Plain gradient descent scales every
direction by the same learning rate, so in a long narrow valley it zigzags
across the steep side and crawls along the shallow one. Momentum keeps a
running velocity (v <- beta*v + g) that builds up along the valley; Nesterov
takes the gradient at the look-ahead point; RMSprop divides each coordinate
by a running root-mean-square of its gradients; Adam combines a momentum
average with RMSprop's scaling and corrects both for their start at zero.

Part 1 trains the same MLP (same initial weights, same batches) on two moons
with each optimizer. Part 2 runs each optimizer on the ravine
f(x, y) = 0.05 x^2 + 2.5 y^2 with x and y as two scalar Values.
"""

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import nn  # noqa: E402
from autograd import Value  # noqa: E402

# Each entry: a name, the optimizer class and its settings. Learning rates are tuned
# per rule: what is stable for one is not for another.
MLP_OPTIMIZERS = {
    "SGD": (nn.optim.SGD, dict(lr=0.1)),
    "momentum": (nn.optim.SGD, dict(lr=0.1, momentum=0.9)),
    "Nesterov": (nn.optim.SGD, dict(lr=0.1, momentum=0.9, nesterov=True)),
    "RMSprop": (nn.optim.RMSprop, dict(lr=0.01)),
    "Adam": (nn.optim.Adam, dict(lr=0.01)),
}
SURFACE_OPTIMIZERS = {
    "SGD": (nn.optim.SGD, dict(lr=0.35)),
    "momentum": (nn.optim.SGD, dict(lr=0.05, momentum=0.9)),
    "Nesterov": (nn.optim.SGD, dict(lr=0.05, momentum=0.9, nesterov=True)),
    "RMSprop": (nn.optim.RMSprop, dict(lr=0.1)),
    "Adam": (nn.optim.Adam, dict(lr=0.3)),
}
COLORS = dict(zip(MLP_OPTIMIZERS, ["tab:gray", "tab:blue", "tab:green", "tab:orange", "tab:red"]))
SURFACE_START = (-4.5, 1.5)


def ravine(x, y):
    """f(x, y) = 0.05 x² + 2.5 y²: fifty times steeper across (y) than along (x); minimum 0 at the origin."""
    return 0.05 * x**2 + 2.5 * y**2


def compare_on_moons(epochs, batch_size, seed):
    """Train one MLP per optimizer from identical weights; return {name: History}."""
    X, y = nn.data.make_moons(500, noise=0.2, rng=seed)
    X_train, X_val, y_train, y_val = nn.data.train_test_split(X, y, test_size=0.25, rng=seed)
    histories = {}
    for name, (optimizer_class, settings) in MLP_OPTIMIZERS.items():
        model = nn.MLP([2, 16, 16, 2], rng=seed)  # the same seed gives every optimizer the same start
        optimizer = optimizer_class(model.parameters(), **settings)
        print(f"part 1: training a 2-16-16-2 MLP on two moons with {name} (lr {settings['lr']:g})")
        histories[name] = nn.fit(
            model, nn.CrossEntropyLoss(), optimizer, X_train, y_train,
            epochs=epochs, batch_size=batch_size, val=(X_val, y_val), rng=seed, progress=True,
        )
    print(f"\n{'optimizer':<10} {'training loss':>14} {'validation accuracy':>20}")
    for name, history in histories.items():
        print(f"{name:<10} {history['loss'][-1]:>14.4f} {history['val_accuracy'][-1]:>20.1%}")
    return histories


def descend_surface(steps):
    """Run each optimizer on the ravine from the same start; return {name: array of (x, y) per step}."""
    paths = {}
    for name, (optimizer_class, settings) in SURFACE_OPTIMIZERS.items():
        x, y = Value(SURFACE_START[0], label="x"), Value(SURFACE_START[1], label="y")
        optimizer = optimizer_class([x, y], **settings)
        path = [(x.data, y.data)]
        for _ in range(steps):
            optimizer.zero_grad()
            ravine(x, y).backward()
            optimizer.step()
            path.append((x.data, y.data))
        paths[name] = np.array(path)
    print(f"\npart 2: {steps} steps on f(x, y) = 0.05 x² + 2.5 y² from {SURFACE_START}")
    print(f"{'optimizer':<10} {'final (x, y)':>22} {'f(x, y)':>12}")
    for name, path in paths.items():
        print(f"{name:<10} ({path[-1, 0]:>9.4f}, {path[-1, 1]:>8.4f}) {ravine(*path[-1]):>12.2e}")
    return paths


def plot_training_curves(histories, path):
    figure, (loss_axis, accuracy_axis) = plt.subplots(1, 2, figsize=(11, 4))
    for name, history in histories.items():
        epochs = np.arange(1, len(history["loss"]) + 1)
        label = f"{name} (lr {MLP_OPTIMIZERS[name][1]['lr']:g})"
        loss_axis.plot(epochs, history["loss"], color=COLORS[name], label=label)
        accuracy_axis.plot(epochs, history["val_accuracy"], color=COLORS[name], label=name)
    loss_axis.set_yscale("log")
    loss_axis.set_xlabel("epoch")
    loss_axis.set_ylabel("training loss (cross-entropy)")
    accuracy_axis.set_xlabel("epoch")
    accuracy_axis.set_ylabel("validation accuracy")
    loss_axis.legend()
    accuracy_axis.legend()
    figure.suptitle("the same MLP, the same initial weights, five update rules")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
    print(f"training curves written to {path}")


def plot_surface_paths(paths, path):
    grid_x, grid_y = np.meshgrid(np.linspace(-5, 2, 300), np.linspace(-1.8, 1.8, 200))
    figure, axis = plt.subplots(figsize=(10, 4.8))
    levels = np.geomspace(0.01, 12, 14)
    axis.contour(grid_x, grid_y, ravine(grid_x, grid_y), levels=levels, cmap="Greys", linewidths=0.8)
    for name, points in paths.items():
        axis.plot(points[:, 0], points[:, 1], "o-", markersize=2.5, linewidth=1.2, color=COLORS[name],
                  label=f"{name} (lr {SURFACE_OPTIMIZERS[name][1]['lr']:g}): f = {ravine(*points[-1]):.1e}")
    axis.plot(*SURFACE_START, "k*", markersize=12, label="start")
    axis.plot(0, 0, "kx", markersize=10)
    axis.set_xlim(-5, 2)
    axis.set_ylim(-1.8, 1.8)
    axis.set_xlabel("x")
    axis.set_ylabel("y")
    axis.set_title(f"{len(next(iter(paths.values()))) - 1} steps on the ravine f(x, y) = 0.05 x² + 2.5 y²")
    axis.legend(fontsize=8, loc="lower right")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
    print(f"paths on the loss surface written to {path}")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=0, help="random seed for data, weights and shuffling (default 0)")
    parser.add_argument("--epochs", type=int, default=30, help="training epochs per optimizer in part 1 (default 30)")
    parser.add_argument("--batch-size", type=int, default=32, help="minibatch size in part 1 (default 32)")
    parser.add_argument("--steps", type=int, default=50, help="optimizer steps on the 2-D surface (default 50)")
    parser.add_argument("--output-dir", type=Path, default=Path(__file__).resolve().parent / "output",
                        help="where the plots are written (default examples/output)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    args.output_dir.mkdir(parents=True, exist_ok=True)

    histories = compare_on_moons(args.epochs, args.batch_size, args.seed)
    plot_training_curves(histories, args.output_dir / "optimizers_training_curves.png")
    paths = descend_surface(args.steps)
    plot_surface_paths(paths, args.output_dir / "optimizers_loss_surface.png")

    best_training = min(histories, key=lambda name: histories[name]["loss"][-1])
    best_surface = min(paths, key=lambda name: ravine(*paths[name][-1]))
    print(f"optimizers: lowest training loss after {args.epochs} epochs: {best_training} "
          f"({histories[best_training]['loss'][-1]:.4f}); closest to the ravine's minimum after {args.steps} steps: "
          f"{best_surface} (f = {ravine(*paths[best_surface][-1]):.1e})")


if __name__ == "__main__":
    main()
