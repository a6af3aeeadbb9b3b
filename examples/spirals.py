"""Three interleaved spiral arms: a deeper MLP carves the plane into three winding regions
where a linear model can only cut it into wedges.

Teaches: depth buys flexible decision boundaries. A linear classifier
(softmax regression, nn.Linear(2, 3)) splits the plane with straight lines and
gets about half the points right; an MLP with a few ReLU layers bends its
boundaries along the arms. Both train with cross-entropy and Adam via nn.fit;
the script plots each one's decision regions (the class it picks at every
point of the plane) and their validation curves.
"""

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.colors import ListedColormap  # noqa: E402

import nn  # noqa: E402
from autograd import Tensor, no_grad  # noqa: E402

CLASS_COLORS = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown", "tab:pink", "tab:olive"]


def predicted_classes(model, X):
    """argmax of the model's logits for each row of X (no graph recorded)."""
    with no_grad():
        return model(Tensor(X)).numpy().argmax(axis=-1)


def train(name, model, data, epochs, batch_size, lr, seed):
    """Cross-entropy and Adam through nn.fit; returns the History."""
    X_train, X_val, y_train, y_val = data
    print(f"training {name} ({sum(p.size for p in model.parameters())} parameters)")
    optimizer = nn.optim.Adam(model.parameters(), lr=lr)
    history = nn.fit(
        model, nn.CrossEntropyLoss(), optimizer, X_train, y_train,
        epochs=epochs, batch_size=batch_size, val=(X_val, y_val), rng=seed, progress=True,
    )
    print(f"{name}: validation accuracy {history['val_accuracy'][-1]:.1%}")
    return history


def plot_decision_regions(models, histories, X, y, num_classes, path):
    """One panel of decision regions per model, then one panel of validation curves."""
    low, high = X.min(axis=0) - 0.3, X.max(axis=0) + 0.3
    grid_x, grid_y = np.meshgrid(np.linspace(low[0], high[0], 300), np.linspace(low[1], high[1], 300))
    grid = np.column_stack([grid_x.ravel(), grid_y.ravel()])
    colors = [CLASS_COLORS[k % len(CLASS_COLORS)] for k in range(num_classes)]

    figure, axes = plt.subplots(1, len(models) + 1, figsize=(5.5 * (len(models) + 1), 5))
    for axis, (name, model) in zip(axes, models.items()):
        regions = predicted_classes(model, grid).reshape(grid_x.shape)
        axis.contourf(grid_x, grid_y, regions, levels=np.arange(num_classes + 1) - 0.5,
                      cmap=ListedColormap(colors), alpha=0.35)
        for label, color in enumerate(colors):
            axis.scatter(*X[y == label].T, s=12, c=color, edgecolors="black", linewidths=0.3, label=f"arm {label}")
        axis.set_aspect("equal")
        axis.set_title(f"{name}\nvalidation accuracy {histories[name]['val_accuracy'][-1]:.1%}", fontsize=10)
    axes[0].legend(fontsize=8, loc="upper right")

    curve_axis = axes[-1]
    for name, history in histories.items():
        epochs = np.arange(1, len(history["val_accuracy"]) + 1)
        curve_axis.plot(epochs, history["val_accuracy"], label=f"{name}: validation")
        curve_axis.plot(epochs, history["accuracy"], linestyle=":", color=curve_axis.lines[-1].get_color(),
                        label=f"{name}: training")
    curve_axis.set_xlabel("epoch")
    curve_axis.set_ylabel("accuracy")
    curve_axis.set_ylim(0, 1.02)
    curve_axis.legend(fontsize=8, loc="lower right")
    curve_axis.set_title("accuracy per epoch", fontsize=10)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
    print(f"decision regions written to {path}")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=0, help="random seed for data, weights and shuffling (default 0)")
    parser.add_argument("--samples", type=int, default=600, help="number of points over all arms (default 600)")
    parser.add_argument("--classes", type=int, default=3, help="number of spiral arms (default 3)")
    parser.add_argument("--noise", type=float, default=0.2, help="jitter on each point's angle (default 0.2)")
    parser.add_argument("--hidden", type=int, nargs="+", default=[64, 64, 64],
                        help="hidden layer sizes of the MLP (default 64 64 64)")
    parser.add_argument("--epochs", type=int, default=60, help="training epochs per model (default 60)")
    parser.add_argument("--batch-size", type=int, default=32, help="minibatch size (default 32)")
    parser.add_argument("--lr", type=float, default=0.005, help="Adam learning rate (default 0.005)")
    parser.add_argument("--output-dir", type=Path, default=Path(__file__).resolve().parent / "output",
                        help="where the plot is written (default examples/output)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    args.output_dir.mkdir(parents=True, exist_ok=True)

    X, y = nn.data.make_spirals(args.samples, num_classes=args.classes, noise=args.noise, rng=args.seed)
    data = nn.data.train_test_split(X, y, test_size=0.2, rng=args.seed)
    print(f"{args.classes} spiral arms: {len(data[0])} training and {len(data[1])} validation points")
    sizes = [2, *args.hidden, args.classes]
    mlp_name = f"MLP {'-'.join(map(str, sizes))}"
    models = {
        "linear model": nn.Linear(2, args.classes, rng=args.seed),
        mlp_name: nn.MLP(sizes, rng=args.seed),
    }
    histories = {name: train(name, model, data, args.epochs, args.batch_size, args.lr, args.seed)
                 for name, model in models.items()}

    plot_decision_regions(models, histories, X, y, args.classes, args.output_dir / "spirals_decision_regions.png")
    mlp_accuracy = histories[mlp_name]["val_accuracy"][-1]
    linear_accuracy = histories["linear model"]["val_accuracy"][-1]
    print(f"spirals: validation accuracy {mlp_accuracy:.1%} with a {len(args.hidden)}-hidden-layer MLP, "
          f"{linear_accuracy:.1%} with a linear model")


if __name__ == "__main__":
    main()
