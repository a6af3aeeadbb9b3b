"""The makemore MLP's training step: chainrule beside PyTorch eager on one thread, batch 32.

The lectures' network on makemore's names (nn.data.load_names()): 3 characters
of context, each embedded in 10 numbers (27 × 10 table), concatenated (30) →
Linear(30 → 200, no bias) → BatchNorm1d(200) → tanh → Linear(200 → 27), softmax
cross-entropy over the 27 characters (mean over the batch), backward, SGD
(lr 0.1). One step draws the next of a fixed list of random minibatches of 32
windows (the same for every contender), so only the step itself is timed.
Contenders, from the same initial weights:

- ours-nn:    nn.Sequential(nn.Embedding, nn.Flatten, nn.Linear, nn.BatchNorm1d,
              nn.Tanh, nn.Linear), nn.CrossEntropyLoss, nn.optim.SGD.
- torch-nn:   the same torch.nn modules, torch.nn.CrossEntropyLoss, torch.optim.SGD.
- ours-raw:   the lecture's Tensor ops by hand: C[X], reshape, @, the batch mean and
              variance, tanh, cross-entropy; running statistics in numpy; SGD under no_grad.
- torch-raw:  the same ops in PyTorch; running statistics and SGD under torch.no_grad().

Before timing, the loss and every gradient of each contender are checked
against torch-raw's. Then all run interleaved in one process, on one thread
(numpy's BLAS through threadpoolctl, torch.set_num_threads(1)), and the table
gives each step's median and the paired ratio ours / torch (target ≤ 0.8x).

    python benchmarks/makemore_step.py                 # float32 and float64, about a minute
    python benchmarks/makemore_step.py --clock cpu     # CPU time: steadier on a busy machine
    python benchmarks/makemore_step.py --quick         # a few seconds, to check that it runs
"""

import argparse
import sys

import harness
import numpy as np

import nn
from autograd import Tensor, no_grad

torch = None  # imported by main()

BATCH = 32
CONTEXT = 3
EMBEDDING = 10
HIDDEN = 200
LEARNING_RATE = 0.1
EPS = 1e-5
MOMENTUM = 0.1
BATCHES = 64  # the minibatches a contender cycles through
TARGET = 0.8
TOLERANCE = {np.float32: 2e-4, np.float64: 1e-10}


def make_problem(dtype, seed=0):
    """Minibatches of (windows (32, 3), next characters (32,)) from the names, and the lectures' initial weights.

    Weights in the order C (27, 10), W1 (30, 200) scaled by tanh's gain 5/3 over √30, BatchNorm's gain
    (ones) and bias (zeros), W2 (200, 27) scaled by 0.1 over √200, b2 (zeros).
    """
    rng = np.random.default_rng(seed)
    names = nn.data.load_names()
    characters = nn.data.Characters(names)
    X, y = characters.windows(names, context=CONTEXT)
    rows = rng.integers(0, len(X), size=(BATCHES, BATCH))
    batches = [(X[index], y[index]) for index in rows]
    vocabulary = len(characters)
    fan_in = CONTEXT * EMBEDDING
    weights = [
        rng.standard_normal((vocabulary, EMBEDDING)),
        rng.standard_normal((fan_in, HIDDEN)) * (5 / 3) / fan_in**0.5,
        np.ones(HIDDEN),
        np.zeros(HIDDEN),
        rng.standard_normal((HIDDEN, vocabulary)) * 0.1 / HIDDEN**0.5,
        np.zeros(vocabulary),
    ]
    return batches, [weight.astype(dtype) for weight in weights]


class OursNN:
    """What a user of nn writes."""

    def __init__(self, batches, weights):
        dtype = weights[0].dtype
        vocabulary = weights[0].shape[0]
        self.model = nn.Sequential(
            nn.Embedding(vocabulary, EMBEDDING, dtype=dtype),
            nn.Flatten(),
            nn.Linear(CONTEXT * EMBEDDING, HIDDEN, bias=False, dtype=dtype),
            nn.BatchNorm1d(HIDDEN, eps=EPS, momentum=MOMENTUM, dtype=dtype),
            nn.Tanh(),
            nn.Linear(HIDDEN, vocabulary, dtype=dtype),
        )
        self.params = self.model.parameters()
        for parameter, array in zip(self.params, weights, strict=True):
            parameter.data = array.copy()
        self.loss_function = nn.CrossEntropyLoss()
        self.optimizer = nn.optim.SGD(self.params, lr=LEARNING_RATE)
        self.batches = [(Tensor(X), Tensor(y)) for X, y in batches]

    def loss_and_grads(self, k=0):
        X, y = self.batches[k % len(self.batches)]
        self.optimizer.zero_grad()
        loss = self.loss_function(self.model(X), y)
        loss.backward()
        return loss.item(), [p.grad for p in self.params]

    def step(self, k=0):
        loss, _ = self.loss_and_grads(k)
        self.optimizer.step()
        return loss


class OursRaw:
    """The lecture's step written with Tensor ops."""

    def __init__(self, batches, weights):
        self.params = [Tensor(array.copy(), requires_grad=True) for array in weights]
        self.running_mean = np.zeros(HIDDEN, dtype=weights[0].dtype)
        self.running_var = np.ones(HIDDEN, dtype=weights[0].dtype)
        self.batches = batches

    def loss_and_grads(self, k=0):
        X, y = self.batches[k % len(self.batches)]
        C, W1, gain, bias, W2, b2 = self.params
        for p in self.params:
            p.grad = None
        h = C[X].reshape(len(X), -1) @ W1
        mean = h.mean(axis=0)
        var = h.var(axis=0)
        h = gain * (h - mean) / (var + EPS) ** 0.5 + bias
        loss = (h.tanh() @ W2 + b2).cross_entropy(y, reduction="mean")
        loss.backward()
        n = len(X)
        self.running_mean = (1 - MOMENTUM) * self.running_mean + MOMENTUM * mean.data
        self.running_var = (1 - MOMENTUM) * self.running_var + MOMENTUM * var.data * (n / (n - 1))
        return loss.item(), [p.grad for p in self.params]

    def step(self, k=0):
        loss, _ = self.loss_and_grads(k)
        with no_grad():
            for p in self.params:
                p -= LEARNING_RATE * p.grad
        return loss


class TorchNN:
    """The same modules in PyTorch; Linear weights transposed to its (out, in) layout."""

    def __init__(self, batches, weights):
        dtype = getattr(torch, weights[0].dtype.name)
        vocabulary = weights[0].shape[0]
        self.model = torch.nn.Sequential(
            torch.nn.Embedding(vocabulary, EMBEDDING, dtype=dtype),
            torch.nn.Flatten(),
            torch.nn.Linear(CONTEXT * EMBEDDING, HIDDEN, bias=False, dtype=dtype),
            torch.nn.BatchNorm1d(HIDDEN, eps=EPS, momentum=MOMENTUM, dtype=dtype),
            torch.nn.Tanh(),
            torch.nn.Linear(HIDDEN, vocabulary, dtype=dtype),
        )
        self.params = list(self.model.parameters())
        layouts = [False, True, False, False, True, False]  # which arrays PyTorch stores transposed
        with torch.no_grad():
            for parameter, array, transposed in zip(self.params, weights, layouts, strict=True):
                parameter.copy_(torch.from_numpy(array.T.copy() if transposed else array))
        self.layouts = layouts
        self.loss_function = torch.nn.CrossEntropyLoss()
        self.optimizer = torch.optim.SGD(self.params, lr=LEARNING_RATE)
        self.batches = [(torch.from_numpy(X), torch.from_numpy(y)) for X, y in batches]

    def loss_and_grads(self, k=0):
        X, y = self.batches[k % len(self.batches)]
        self.optimizer.zero_grad()
        loss = self.loss_function(self.model(X), y)
        loss.backward()
        grads = [p.grad.numpy() for p in self.params]
        return loss.item(), [g.T if transposed else g for g, transposed in zip(grads, self.layouts)]

    def step(self, k=0):
        loss, _ = self.loss_and_grads(k)
        self.optimizer.step()
        return loss


class TorchRaw:
    """The lecture's step in PyTorch tensor ops."""

    def __init__(self, batches, weights):
        self.params = [torch.tensor(array, requires_grad=True) for array in weights]
        self.running_mean = torch.zeros(HIDDEN, dtype=self.params[0].dtype)
        self.running_var = torch.ones(HIDDEN, dtype=self.params[0].dtype)
        self.batches = [(torch.from_numpy(X), torch.from_numpy(y)) for X, y in batches]

    def loss_and_grads(self, k=0):
        X, y = self.batches[k % len(self.batches)]
        C, W1, gain, bias, W2, b2 = self.params
        for p in self.params:
            p.grad = None
        h = C[X].view(len(X), -1) @ W1
        mean = h.mean(0)
        var = h.var(0, unbiased=False)
        h = gain * (h - mean) / (var + EPS) ** 0.5 + bias
        loss = torch.nn.functional.cross_entropy(torch.tanh(h) @ W2 + b2, y)
        loss.backward()
        n = len(X)
        with torch.no_grad():
            self.running_mean.mul_(1 - MOMENTUM).add_(mean, alpha=MOMENTUM)
            self.running_var.mul_(1 - MOMENTUM).add_(var, alpha=MOMENTUM * n / (n - 1))
        return loss.item(), [p.grad.numpy() for p in self.params]

    def step(self, k=0):
        loss, _ = self.loss_and_grads(k)
        with torch.no_grad():
            for p in self.params:
                p -= LEARNING_RATE * p.grad
        return loss


PAIRS = [("ours-nn", "torch-nn"), ("ours-raw", "torch-raw")]


def contenders():
    return {"ours-nn": OursNN, "torch-nn": TorchNN, "ours-raw": OursRaw, "torch-raw": TorchRaw}


def check_agreement(dtype):
    """The largest relative difference of each contender's loss and gradients (first batch) from torch-raw's;
    then ten SGD steps each, and the largest relative difference of the eleventh step's loss."""
    problem = make_problem(dtype)
    reference_loss, reference_grads = TorchRaw(*problem).loss_and_grads()
    worst = 0.0
    for name, kind in contenders().items():
        loss, grads = kind(*problem).loss_and_grads()
        worst = max(worst, abs(loss - reference_loss) / abs(reference_loss))
        for grad, reference in zip(grads, reference_grads, strict=True):
            grad = np.asarray(grad)
            if grad.shape != reference.shape or grad.dtype != reference.dtype:
                raise AssertionError(f"{name} {dtype.__name__}: a gradient has {grad.dtype} {grad.shape}, "
                                     f"torch's {reference.dtype} {reference.shape}")
            worst = max(worst, float(np.abs(grad - reference).max() / (np.abs(reference).max() + 1e-30)))
    losses = {}
    for name, kind in contenders().items():
        contender = kind(*problem)
        for k in range(10):
            contender.step(k)
        losses[name] = contender.loss_and_grads(10)[0]
    worst = max(worst, *(abs(loss - losses["torch-raw"]) / losses["torch-raw"] for loss in losses.values()))
    if not worst <= TOLERANCE[dtype]:
        raise AssertionError(f"{dtype.__name__}: a contender differs from torch-raw by {worst:.2e}")
    return worst


def time_steps(dtype, rounds, budget, clock):
    """name -> seconds per step, interleaved; calls per turn sized to about ``budget`` seconds."""
    problem = make_problem(dtype)
    calls = harness.calls_per_turn(TorchRaw(*problem).step, budget, 2000, probes=5)
    setups = {name: (lambda kind=kind: kind(*problem).step) for name, kind in contenders().items()}
    for setup in setups.values():  # warm up: first-call costs
        step = setup()
        for k in range(3):
            step(k)
    return harness.run_interleaved(setups, rounds, calls, clock=clock), calls


def main(argv=None):
    global torch
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dtypes", nargs="+", choices=["float32", "float64"], default=["float32", "float64"])
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds (default 7)")
    parser.add_argument("--budget", type=float, default=0.5, help="seconds per contender turn (default 0.5)")
    harness.add_clock_option(parser)
    parser.add_argument("--quick", action="store_true", help="tiny run: checks that the script runs")
    args = parser.parse_args(argv)
    if args.quick:
        args.dtypes, args.rounds, args.budget = ["float32"], 2, 0.01
    try:
        import torch as installed
    except ImportError:
        parser.error("this benchmark compares with PyTorch: pip install torch")
    torch = installed
    torch.set_num_threads(1)
    limits = harness.apply_threads(parser, 1)  # noqa: F841  (kept for the whole run)

    extra = [f"numpy: {np.__version__}; BLAS: {harness.blas_description()}",
             f"torch: {torch.__version__}, {torch.get_num_threads()} thread"]
    for line in harness.environment(extra):
        print(line)
    clock, clock_name = harness.CLOCKS[args.clock]
    print(f"clock: {clock_name}")
    print(f"step: batch {BATCH}, context {CONTEXT}, embedding {EMBEDDING}, hidden {HIDDEN}, BatchNorm, tanh, "
          f"cross-entropy, SGD lr={LEARNING_RATE}; {args.rounds} rounds\n")

    rows = []
    for dtype_name in args.dtypes:
        dtype = getattr(np, dtype_name)
        agreement = check_agreement(dtype)
        times, calls = time_steps(dtype, args.rounds, args.budget, clock)
        for ours, theirs in PAIRS:
            ratios = harness.round_ratios(times, ours, theirs, calls)
            rows.append([dtype_name, f"{ours} / {theirs}", harness.ms(harness.median(times[ours])),
                         harness.ms(harness.median(times[theirs])), f"**{harness.median(ratios):.2f}x**",
                         f"{min(ratios):.2f}–{max(ratios):.2f}x", f"≤{TARGET}x", f"{calls * args.rounds}",
                         f"{agreement:.0e}"])
        print(f"{dtype_name}: done", file=sys.stderr)
    header = ["dtype", "pair", "ours ms", "torch ms", "ours / torch", "rounds' spread", "target", "steps each",
              "max rel. diff"]
    print(harness.format_table(header, rows))
    print("\nratios: the median over rounds of (ours' median step / torch's median step) within the round;"
          "\nall contenders ran interleaved in this one process, one thread each")
    return 0


if __name__ == "__main__":
    sys.exit(main())
