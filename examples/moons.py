"""Two moons: an MLP with softmax cross-entropy, trained by Adam through nn.fit,
checked on held-out data.

Teaches: the everyday training loop — split the data, build nn.MLP, pick a loss
(CrossEntropyLoss on two logits) and an optimizer (Adam), call nn.fit with a
validation set, then read the History: training and validation loss and
accuracy per epoch. Plots the decision boundary and the loss/accuracy curves.
"""

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import nn  # noqa: E402
from autograd import Tensor, no_grad  # noqa: E402


def class_probabilities(model, X):
    """softmax of the model's logits for the rows of X, as an ndarray (no graph recorded)."""
    with no_grad():
        return model(Tensor(X)).softmax(axis=-1).numpy()


def plot_decision_boundary(model, X_train, y_train, X_val, y_val, path):
    """P(class 1) over the plane with its 0.5 contour; training points filled, validation points hollow."""
    X_all = np.vstack([X_train, X_val])
    low, high = X_all.min(axis=0) - 0.5, X_all.max(axis=0) + 0.5
    grid_x, grid_y = np.meshgrid(np.linspace(low[0], high[0], 250), np.linspace(low[1], high[1], 250))
    grid = np.column_stack([grid_x.ravel(), grid_y.ravel()])
    probabilities = class_probabilities(model, grid)[:, 1].reshape(grid_x.shape)

    figure, axis = plt.subplots(figsize=(7, 5))
    axis.contourf(grid_x, grid_y, probabilities, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.6)
    axis.contour(grid_x, grid_y, probabilities, levels=[0.5], colors="black", linewidths=1.5)
    for label, color in ((0, "tab:blue"), (1, "tab:red")):
        axis.scatter(*X_train[y_train == label].T, s=18, c=color, edgecolors="black", linewidths=0.3,
                     label=f"class {label} (train)")
        axis.scatter(*X_val[y_val == label].T, s=30, facecolors="none", edgecolors=color, linewidths=1.2,
                     label=f"class {label} (validation)")
    axis.set_title("two moons: decision boundary (black) and P(class 1)")
    axis.legend(fontsize=8, loc="lower left")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
    print(f"decision boundary written to {path}")


def plot_training_curves(history, path):
    """Loss and accuracy per epoch, training against validation."""
    epochs = np.arange(1, len(history["loss"]) + 1)
    figure, (loss_axis, accuracy_axis) = plt.subplots(1, 2, figsize=(11, 4))
    loss_axis.plot(epochs, history["loss"], label="training")
    loss_axis.plot(epochs, history["val_loss"], label="validation")
    loss_axis.set_xlabel("epoch")
    loss_axis.set_ylabel("cross-entropy loss")
    loss_axis.set_yscale("log")
    loss_axis.legend()
    accuracy_axis.plot(epochs, history["accuracy"], label="training")
    accuracy_axis.plot(epochs, history["val_accuracy"], label="validation")
    accuracy_axis.set_xlabel("epoch")
    accuracy_axis.set_ylabel("accuracy")
    accuracy_axis.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
    print(f"training curves written to {path}")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=0, help="random seed for data, weights and shuffling (default 0)")
    parser.add_argument("--samples", type=int, default=500, help="number of points (default 500)")
    parser.add_argument("--noise", type=float, default=0.2, help="standard deviation of the noise (default 0.2)")
    parser.add_argument("--hidden", type=int, nargs="+", default=[16, 16], help="hidden layer sizes (default 16 16)")
    parser.add_argument("--epochs", type=int, default=60, help="training epochs (default 60)")
    parser.add_argument("--batch-size", type=int, default=32, help="minibatch size (default 32)")
    parser.add_argument("--lr", type=float, default=0.01, help="Adam learning rate (default 0.01)")
    parser.add_argument("--output-dir", type=Path, default=Path(__file__).resolve().parent / "output",
                        help="where the plots are written (default examples/output)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    args.output_dir.mkdir(parents=True, exist_ok=True)

    X, y = nn.data.make_moons(args.samples, noise=args.noise, rng=args.seed)
    X_train, X_val, y_train, y_val = nn.data.train_test_split(X, y, test_size=0.25, rng=args.seed)
    sizes = [2, *args.hidden, 2]
    model = nn.MLP(sizes, rng=args.seed)
    optimizer = nn.optim.Adam(model.parameters(), lr=args.lr)
    print(f"MLP {'-'.join(map(str, sizes))} ({sum(p.size for p in model.parameters())} parameters), "
          f"{len(X_train)} training and {len(X_val)} validation points")

    history = nn.fit(
        model, nn.CrossEntropyLoss(), optimizer, X_train, y_train,
        epochs=args.epochs, batch_size=args.batch_size, val=(X_val, y_val), rng=args.seed, progress=True,
    )

    plot_decision_boundary(model, X_train, y_train, X_val, y_val, args.output_dir / "moons_decision_boundary.png")
    plot_training_curves(history, args.output_dir / "moons_training_curves.png")
    print(f"moons: validation accuracy {history['val_accuracy'][-1]:.1%} "
          f"(training {history['accuracy'][-1]:.1%}) after {args.epochs} epochs")


if __name__ == "__main__":
    main()
