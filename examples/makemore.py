"""makemore's MLP: learn how names are spelled from 32,033 real ones, then make up new ones.

Teaches: a character-level language model, as the makemore lectures build it.
Each name becomes windows of 3 characters and the character that follows
(`.` marks the start and the end). The model embeds each character in 10
numbers (nn.Embedding), joins the 3 embeddings (nn.Flatten), and predicts the
next character through Linear(30 → 200) → BatchNorm1d → tanh → Linear(200 → 27)
with cross-entropy. Training is the lectures' loop by hand: a random minibatch
of 32 windows, backward(), and the SGD update in place under no_grad() (lr 0.1,
then 0.01 for the last quarter). The names are split 80/10/10 into training,
dev and test sets; the script prints the losses (ln 27 ≈ 3.30 is guessing
uniformly, the counts of a bigram model give about 2.45), samples new names
one character at a time, and plots the training loss.
"""

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import nn  # noqa: E402
import nn.functional as F  # noqa: E402
from autograd import no_grad  # noqa: E402


def split_names(names, rng):
    """The names shuffled, then cut 80% / 10% / 10% into training, dev and test names."""
    order = rng.permutation(len(names))
    shuffled = [names[index] for index in order]
    first, second = int(0.8 * len(names)), int(0.9 * len(names))
    return shuffled[:first], shuffled[first:second], shuffled[second:]


def make_model(vocabulary, context, embedding, hidden, rng):
    """Embedding → Flatten → Linear (no bias: BatchNorm's bias replaces it) → BatchNorm1d → tanh → Linear."""
    model = nn.Sequential(
        nn.Embedding(vocabulary, embedding, rng=rng),
        nn.Flatten(),
        nn.Linear(context * embedding, hidden, bias=False, rng=rng),
        nn.BatchNorm1d(hidden),
        nn.Tanh(),
        nn.Linear(hidden, vocabulary, rng=rng),
    )
    with no_grad():
        model[-1].weight *= 0.1  # start near the uniform guess: a confident wrong guess costs a large loss
    return model


def train(model, X, y, steps, batch_size, lr, lr_after, rng):
    """The lectures' loop: a random minibatch, the loss, backward(), p -= lr · p.grad; returns each step's loss."""
    parameters = model.parameters()
    losses = np.empty(steps)
    for step in range(steps):
        rows = rng.integers(0, len(X), batch_size)
        loss = F.cross_entropy(model(X[rows]), y[rows])
        for p in parameters:
            p.grad = None
        loss.backward()
        rate = lr if step < 0.75 * steps else lr_after
        with no_grad():
            for p in parameters:
                p -= rate * p.grad
        losses[step] = loss.item()
        if (step + 1) % max(1, steps // 10) == 0:
            print(f"step {step + 1:6d}/{steps}: minibatch loss {losses[step]:.4f}")
    return losses


@no_grad()
def split_loss(model, X, y, chunk=10000):
    """The mean cross-entropy over a whole split, with BatchNorm's running statistics (eval mode),
    summed ``chunk`` windows at a time (the training split at once would need a (182531, 200) array per layer)."""
    model.eval()
    total = sum(F.cross_entropy(model(X[start:start + chunk]), y[start:start + chunk], reduction="sum").item()
                for start in range(0, len(X), chunk))
    model.train()
    return total / len(X)


@no_grad()
def sample_names(model, characters, context, count, rng):
    """``count`` new names: start from `.`s, draw each next character from the model's softmax until `.`."""
    model.eval()
    names = []
    for _ in range(count):
        window, letters = [0] * context, []
        while True:
            probabilities = model(np.array([window])).softmax(axis=-1).numpy()[0]
            index = int(rng.choice(len(probabilities), p=probabilities))
            if index == 0:
                break
            letters.append(index)
            window = [*window[1:], index]
        names.append(characters.decode(letters))
    model.train()
    return names


def plot_losses(losses, dev_loss, path):
    """The minibatch loss per step (faint) and its mean over 100 steps, with the final dev loss."""
    figure, axis = plt.subplots(figsize=(7, 4))
    axis.plot(losses, color="tab:blue", alpha=0.2, linewidth=0.5, label="minibatch loss")
    window = min(100, len(losses))
    smoothed = np.convolve(losses, np.ones(window) / window, mode="valid")
    axis.plot(np.arange(window - 1, len(losses)), smoothed, color="tab:blue", label=f"mean of {window} steps")
    axis.axhline(dev_loss, color="tab:red", linestyle="--", label=f"dev loss {dev_loss:.3f}")
    axis.axhline(np.log(27), color="gray", linestyle=":", label="uniform guess ln 27")
    axis.set_xlabel("step")
    axis.set_ylabel("cross-entropy")
    axis.set_ylim(1.5, 4.0)
    axis.legend(fontsize=8)
    axis.set_title("makemore's MLP on names", fontsize=10)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    print(f"training loss written to {path}")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=42, help="random seed for the split, weights, batches and samples "
                        "(default 42)")
    parser.add_argument("--steps", type=int, default=25000, help="training steps (default 25000, about 2.2 dev loss)")
    parser.add_argument("--batch-size", type=int, default=32, help="windows per minibatch (default 32)")
    parser.add_argument("--context", type=int, default=3, help="characters the model sees (default 3)")
    parser.add_argument("--embedding", type=int, default=10, help="numbers per character (default 10)")
    parser.add_argument("--hidden", type=int, default=200, help="hidden units (default 200)")
    parser.add_argument("--lr", type=float, default=0.1, help="SGD learning rate (default 0.1)")
    parser.add_argument("--lr-after", type=float, default=0.01,
                        help="the learning rate of the last quarter of the steps (default 0.01)")
    parser.add_argument("--samples", type=int, default=20, help="names to make up (default 20)")
    parser.add_argument("--output-dir", type=Path, default=Path(__file__).resolve().parent / "output",
                        help="where the plot is written (default examples/output)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(args.seed)

    names = nn.data.load_names()
    characters = nn.data.Characters(names)
    splits = split_names(names, rng)
    (X_train, y_train), (X_dev, y_dev), (X_test, y_test) = (
        characters.windows(part, context=args.context) for part in splits)
    print(f"{len(names)} names, {len(characters)} characters; windows: {len(X_train)} training, "
          f"{len(X_dev)} dev, {len(X_test)} test")

    model = make_model(len(characters), args.context, args.embedding, args.hidden, rng)
    print(f"model: {sum(p.numel() for p in model.parameters())} parameters")
    losses = train(model, X_train, y_train, args.steps, args.batch_size, args.lr, args.lr_after, rng)

    train_loss, dev_loss = split_loss(model, X_train, y_train), split_loss(model, X_dev, y_dev)
    print(f"losses: training {train_loss:.4f}, dev {dev_loss:.4f} (uniform guess {np.log(len(characters)):.4f})")
    made_up = sample_names(model, characters, args.context, args.samples, rng)
    print("made-up names:", ", ".join(made_up))
    plot_losses(losses, dev_loss, args.output_dir / "makemore_loss.png")
    print(f"makemore: dev loss {dev_loss:.4f} (training {train_loss:.4f}) after {args.steps} steps; "
          f"new names: {', '.join(made_up[:5])}")


if __name__ == "__main__":
    main()
