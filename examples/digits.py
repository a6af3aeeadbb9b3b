"""Digits: ten-class classification of noisy 8x8 digit images, generated here in numpy.

The dataset: each image is one of ten 5x7 pixel glyphs (a small bitmap font
for 0-9), placed at a random offset in an 8x8 frame, drawn with random ink
strength, with some stroke pixels dropped and Gaussian pixel noise added.
Nothing is downloaded; --noise makes the task harder.

Teaches: multi-class classification with one-hot targets and softmax. The 64
pixels go through an MLP to ten logits; CrossEntropyLoss compares
softmax(logits) with one-hot rows; the prediction is the most probable
class. Prints a confusion matrix (which digits get mistaken for which) and
plots a gallery of test images with the model's guesses.
"""

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import nn  # noqa: E402
from autograd import Tensor, no_grad  # noqa: E402

GLYPHS = {  # a 5-wide, 7-tall bitmap font
    0: [".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."],
    1: ["..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."],
    2: [".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"],
    3: ["#####", "...#.", "..#..", "...#.", "....#", "#...#", ".###."],
    4: ["...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."],
    5: ["#####", "#....", "####.", "....#", "....#", "#...#", ".###."],
    6: ["..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."],
    7: ["#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."],
    8: [".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."],
    9: [".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."],
}
NUM_CLASSES = len(GLYPHS)
IMAGE_SIZE = 8


def glyph_bitmap(digit):
    """The 7x5 glyph of ``digit`` as a 0/1 float array."""
    return np.array([[pixel == "#" for pixel in row] for row in GLYPHS[digit]], dtype=float)


def make_digit_images(n_samples, noise, rng):
    """``n_samples`` noisy 8x8 images (flattened to 64 pixels in [0, 1]) and their digit labels."""
    rng = np.random.default_rng(rng)
    labels = rng.integers(0, NUM_CLASSES, size=n_samples)
    images = np.zeros((n_samples, IMAGE_SIZE, IMAGE_SIZE))
    for image, digit in zip(images, labels):
        bitmap = glyph_bitmap(digit)
        kept = rng.random(bitmap.shape) > 0.1  # drop about one stroke pixel in ten
        ink = rng.uniform(0.6, 1.0)
        row = rng.integers(0, IMAGE_SIZE - bitmap.shape[0] + 1)
        col = rng.integers(0, IMAGE_SIZE - bitmap.shape[1] + 1)
        image[row:row + bitmap.shape[0], col:col + bitmap.shape[1]] = ink * bitmap * kept
    images += rng.normal(0.0, noise, size=images.shape)
    return np.clip(images, 0.0, 1.0).reshape(n_samples, IMAGE_SIZE * IMAGE_SIZE), labels


def confusion_matrix(true_labels, predicted_labels, num_classes):
    """counts[i, j] = how many images of digit i were predicted as digit j."""
    counts = np.zeros((num_classes, num_classes), dtype=int)
    np.add.at(counts, (true_labels, predicted_labels), 1)
    return counts


def print_confusion_matrix(counts):
    print("\nconfusion matrix (rows: true digit, columns: predicted digit)")
    print("      " + "".join(f"{j:>5}" for j in range(len(counts))))
    for i, row in enumerate(counts):
        print(f"  {i:>2}  " + "".join(f"{count:>5}" for count in row))


def plot_samples(images, labels, probabilities, path, columns=10):
    """The clean glyphs; three rows of test images titled with the guess and its probability; a row of mistakes."""
    predictions = probabilities.argmax(axis=1)
    mistakes = np.flatnonzero(predictions != labels)[:columns]
    figure, axes = plt.subplots(5, columns, figsize=(columns * 1.1, 5 * 1.3))
    for axis in axes.ravel():
        axis.set_axis_off()
    for digit, axis in zip(range(NUM_CLASSES), axes[0]):
        glyph = np.zeros((IMAGE_SIZE, IMAGE_SIZE))
        glyph[0:7, 1:6] = glyph_bitmap(digit)
        axis.imshow(glyph, cmap="gray_r", vmin=0, vmax=1)
        axis.set_title(f"glyph {digit}", fontsize=8)
    for gallery, indices in ((axes[1:4].ravel(), range(3 * columns)), (axes[4], mistakes)):
        for axis, index in zip(gallery, indices):
            axis.imshow(images[index].reshape(IMAGE_SIZE, IMAGE_SIZE), cmap="gray_r", vmin=0, vmax=1)
            guess = predictions[index]
            correct = guess == labels[index]
            title = f"{guess} ({probabilities[index, guess]:.0%})" + ("" if correct else f" ≠ {labels[index]}")
            axis.set_title(title, fontsize=8, color="black" if correct else "red")
    figure.suptitle("top: the ten glyphs; then test images titled with the predicted digit and its softmax "
                    "probability;\nbottom row: mistakes (red, true digit after ≠)", fontsize=9)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
    print(f"sample predictions written to {path}")


def plot_confusion_matrix(counts, path):
    figure, axis = plt.subplots(figsize=(5.5, 5))
    axis.imshow(counts, cmap="Blues")
    for (i, j), count in np.ndenumerate(counts):
        if count:
            axis.text(j, i, count, ha="center", va="center", fontsize=8,
                      color="white" if count > counts.max() / 2 else "black")
    axis.set_xticks(range(len(counts)))
    axis.set_yticks(range(len(counts)))
    axis.set_xlabel("predicted digit")
    axis.set_ylabel("true digit")
    axis.set_title("confusion matrix (test set)")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
    print(f"confusion matrix written to {path}")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=0, help="random seed for data, weights and shuffling (default 0)")
    parser.add_argument("--samples", type=int, default=2000, help="number of images generated (default 2000)")
    parser.add_argument("--noise", type=float, default=0.2, help="standard deviation of the pixel noise (default 0.2)")
    parser.add_argument("--hidden", type=int, nargs="+", default=[64], help="hidden layer sizes (default 64)")
    parser.add_argument("--epochs", type=int, default=20, help="training epochs (default 20)")
    parser.add_argument("--batch-size", type=int, default=32, help="minibatch size (default 32)")
    parser.add_argument("--lr", type=float, default=0.005, help="Adam learning rate (default 0.005)")
    parser.add_argument("--output-dir", type=Path, default=Path(__file__).resolve().parent / "output",
                        help="where the plots are written (default examples/output)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    args.output_dir.mkdir(parents=True, exist_ok=True)

    images, labels = make_digit_images(args.samples, args.noise, rng=args.seed)
    X_train, X_test, y_train, y_test = nn.data.train_test_split(images, labels, test_size=0.2, rng=args.seed)
    Y_train = nn.data.one_hot(y_train, NUM_CLASSES)  # row i is all zeros but a 1 in column y_train[i]
    Y_test = nn.data.one_hot(y_test, NUM_CLASSES)
    sizes = [IMAGE_SIZE * IMAGE_SIZE, *args.hidden, NUM_CLASSES]
    model = nn.MLP(sizes, rng=args.seed)
    optimizer = nn.optim.Adam(model.parameters(), lr=args.lr)
    print(f"{len(X_train)} training and {len(X_test)} test images of 8x8 pixels; "
          f"MLP {'-'.join(map(str, sizes))} ({sum(p.size for p in model.parameters())} parameters)")

    nn.fit(
        model, nn.CrossEntropyLoss(), optimizer, X_train, Y_train,
        epochs=args.epochs, batch_size=args.batch_size, val=(X_test, Y_test), rng=args.seed, progress=True,
    )

    with no_grad():
        probabilities = model(Tensor(X_test)).softmax(axis=-1).numpy()
    predictions = probabilities.argmax(axis=1)
    counts = confusion_matrix(y_test, predictions, NUM_CLASSES)
    print_confusion_matrix(counts)
    plot_samples(X_test, y_test, probabilities, args.output_dir / "digits_predictions.png")
    plot_confusion_matrix(counts, args.output_dir / "digits_confusion_matrix.png")
    accuracy = np.trace(counts) / counts.sum()
    print(f"digits: test accuracy {accuracy:.1%} on {len(X_test)} noisy 8x8 digit images (10 classes)")


if __name__ == "__main__":
    main()
