"""CNN vs MLP: scikit-learn's 8x8 handwritten digits, classified by a small convolutional network and by an MLP.

The data: the 1,797 8x8 grey images of handwritten digits that ship inside
scikit-learn (sklearn.datasets.load_digits; nothing is downloaded), scaled to
[0, 1] and split 80/20 into training and test images.

Teaches: convolution on images in NCHW layout. The CNN sees each image as one
channel of 8x8 pixels: Conv2d(1→8, 3x3, padding 1) + ReLU + MaxPool2d(2), then
Conv2d(8→16, 3x3, padding 1) + ReLU + MaxPool2d(2), Flatten, Linear(64→10).
Its filters slide over the image, so a stroke is recognised wherever it sits,
with fewer weights than an MLP on the 64 pixels (64-64-10) trained beside it
on the same data, with the same optimizer, epochs and batches. Prints both test
accuracies and plots the first layer's learned 3x3 filters and the two
validation curves.
"""

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import nn  # noqa: E402

NUM_CLASSES = 10


def load_digit_images():
    """scikit-learn's bundled digits: images (1797, 1, 8, 8) scaled to [0, 1] and labels (1797,)."""
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        raise ImportError('cnn_digits.py reads scikit-learn\'s bundled digits: pip install "chainrule[notebooks]"') \
            from None
    digits = load_digits()
    return (digits.images / 16.0)[:, None, :, :], digits.target


def make_cnn(channels, rng):
    """Two conv + ReLU + 2x2 max-pool stages on 1x8x8 images, then a linear layer to ten logits."""
    first, second = channels
    return nn.Sequential(
        nn.Conv2d(1, first, 3, padding=1, rng=rng), nn.ReLU(), nn.MaxPool2d(2),   # -> first x 4 x 4
        nn.Conv2d(first, second, 3, padding=1, rng=rng), nn.ReLU(), nn.MaxPool2d(2),  # -> second x 2 x 2
        nn.Flatten(), nn.Linear(second * 2 * 2, NUM_CLASSES, rng=rng),
    )


def count_parameters(model):
    return sum(p.size for p in model.parameters())


def train(model, X_train, y_train, X_test, y_test, args):
    """Adam on cross-entropy through nn.fit; returns the History."""
    optimizer = nn.optim.Adam(model.parameters(), lr=args.lr)
    return nn.fit(model, nn.CrossEntropyLoss(), optimizer, X_train, y_train, epochs=args.epochs,
                  batch_size=args.batch_size, val=(X_test, y_test), rng=args.seed, progress=False)


def plot_filters(conv, path):
    """The first convolution's 3x3 filters as small grey images (dark = negative, light = positive)."""
    weights = conv.weight.data[:, 0]
    figure, axes = plt.subplots(1, len(weights), figsize=(1.2 * len(weights), 1.6))
    for index, (axis, kernel) in enumerate(zip(np.atleast_1d(axes), weights)):
        limit = np.abs(kernel).max()
        axis.imshow(kernel, cmap="gray", vmin=-limit, vmax=limit)
        axis.set_title(f"filter {index}", fontsize=8)
        axis.set_axis_off()
    figure.suptitle("first convolution's learned 3x3 filters", fontsize=9)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
    print(f"filters written to {path}")


def plot_curves(histories, path):
    figure, axis = plt.subplots(figsize=(5.5, 3.5))
    for name, history in histories.items():
        epochs = range(1, history.epochs + 1)
        axis.plot(epochs, history["val_accuracy"], marker="o", markersize=3, label=name)
    axis.set_xlabel("epoch")
    axis.set_ylabel("test accuracy")
    axis.set_title("8x8 digits: CNN vs MLP")
    axis.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
    print(f"accuracy curves written to {path}")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=0,
                        help="random seed for the split, weights and shuffling (default 0)")
    parser.add_argument("--samples", type=int, default=None,
                        help="use only the first N of the 1,797 images (default: all)")
    parser.add_argument("--epochs", type=int, default=15, help="training epochs for each model (default 15)")
    parser.add_argument("--batch-size", type=int, default=32, help="minibatch size (default 32)")
    parser.add_argument("--lr", type=float, default=0.01, help="Adam learning rate (default 0.01)")
    parser.add_argument("--channels", type=int, nargs=2, default=[8, 16], metavar=("FIRST", "SECOND"),
                        help="channels of the two convolutions (default 8 16)")
    parser.add_argument("--hidden", type=int, default=64, help="hidden width of the MLP (default 64)")
    parser.add_argument("--output-dir", type=Path, default=Path(__file__).resolve().parent / "output",
                        help="where the plots are written (default examples/output)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    images, labels = load_digit_images()
    if args.samples is not None:
        images, labels = images[:args.samples], labels[:args.samples]
    X_train, X_test, y_train, y_test = nn.data.train_test_split(images, labels, test_size=0.2, rng=args.seed)

    cnn = make_cnn(args.channels, np.random.default_rng(args.seed))
    mlp = nn.MLP([64, args.hidden, NUM_CLASSES], rng=args.seed)
    print(f"{len(X_train)} training and {len(X_test)} test images of 1x8x8 pixels")
    print(f"CNN: {count_parameters(cnn)} parameters\n{cnn}")
    print(f"MLP 64-{args.hidden}-10: {count_parameters(mlp)} parameters")

    histories = {
        "CNN": train(cnn, X_train, y_train, X_test, y_test, args),
        "MLP": train(mlp, X_train.reshape(len(X_train), 64), y_train, X_test.reshape(len(X_test), 64), y_test, args),
    }
    plot_filters(cnn[0], args.output_dir / "cnn_digits_filters.png")
    plot_curves(histories, args.output_dir / "cnn_digits_accuracy.png")
    cnn_accuracy, mlp_accuracy = (histories[name]["val_accuracy"][-1] for name in ("CNN", "MLP"))
    print(f"cnn digits: test accuracy CNN {cnn_accuracy:.1%} ({count_parameters(cnn)} parameters), "
          f"MLP {mlp_accuracy:.1%} ({count_parameters(mlp)} parameters) on {len(X_test)} 8x8 digits "
          f"after {args.epochs} epochs")


if __name__ == "__main__":
    main()
