"""The Tensor engine beside hand-written numpy backprop and PyTorch, on one MLP training step.

One step: forward through Linear-ReLU-...-Linear, softmax cross-entropy (mean
over the batch), backward, SGD. Contenders, all from the same initial weights:

- numpy:       the course notes' formulas by hand (dZ = (Ŷ - Y)/N, dW = Aᵀ dZ,
               db = Σ dZ, dA_prev = dZ Wᵀ, ReLU mask); the baseline.
- ours-raw:    autograd.Tensor ops written by hand (X @ W + b, relu, log_softmax).
- ours-nn:     nn.Sequential of nn.Linear/nn.ReLU, nn.CrossEntropyLoss, nn.optim.SGD.
- torch:       PyTorch CPU eager (when installed), with as many threads as numpy's BLAS.

Before timing, the loss and every gradient of each contender are checked
against numpy's. Then all run interleaved in one process, several rounds, in
float32 and float64, at three sizes, and the table gives each one's median step
time over numpy's.

    python benchmarks/tensor_mlp.py                  # full run (a few minutes)
    python benchmarks/tensor_mlp.py --sizes small    # one size
    python benchmarks/tensor_mlp.py --quick          # a few seconds, to check that it runs

Where OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are set (they pin an older kernel),
run it as ``env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/tensor_mlp.py``.
"""

import argparse
import itertools
import sys
import time

import harness
import numpy as np

import nn
from autograd import Tensor

torch = None  # imported by main() unless --without-torch: the other scripts import this one without it

SIZES = {
    "small": (32, [2, 64, 64, 2]),
    "medium": (256, [784, 256, 128, 10]),
    "large": (1024, [784, 1024, 1024, 10]),
}
TARGETS = {"small": 1.5, "medium": 1.05, "large": 1.03}  # issue 24: on every run of five
TORCH_REFERENCE = {"small": 3.5, "medium": 1.35, "large": None}
LEARNING_RATE = 0.01
TOLERANCE = {np.float32: 2e-4, np.float64: 1e-10}


def make_problem(size, dtype, seed=0):
    """A batch X (N, in), integer labels, and He-initialised [(W, b), ...] with W of shape (in, out)."""
    batch, widths = SIZES[size]
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((batch, widths[0])).astype(dtype)
    labels = rng.integers(0, widths[-1], size=batch)
    layers = []
    for fan_in, fan_out in itertools.pairwise(widths):
        W = (rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)).astype(dtype)
        b = (0.1 * rng.standard_normal(fan_out)).astype(dtype)
        layers.append((W, b))
    return X, labels, layers


class NumpyMLP:
    """Forward and backward written out with the notes' formulas; the baseline."""

    def __init__(self, X, labels, layers):
        self.X = X
        self.Y = np.eye(layers[-1][0].shape[1], dtype=X.dtype)[labels]
        self.params = [array.copy() for layer in layers for array in layer]

    def loss_and_grads(self):
        X, Y, params = self.X, self.Y, self.params
        weights, biases = params[0::2], params[1::2]
        activations, pre_activations = [X], []
        A = X
        for W, b in zip(weights[:-1], biases[:-1]):
            Z = A @ W + b
            A = np.maximum(Z, 0)
            pre_activations.append(Z)
            activations.append(A)
        Z = A @ weights[-1] + biases[-1]
        shifted = Z - Z.max(axis=1, keepdims=True)
        log_sum = np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        log_probs = shifted - log_sum
        count = X.shape[0]
        loss = -(log_probs * Y).sum() / count
        dZ = (np.exp(log_probs) - Y) / count  # softmax + cross-entropy: dJ/dZ = (Ŷ - Y) / N
        grads = [None] * len(params)
        for layer in range(len(weights) - 1, -1, -1):
            grads[2 * layer] = activations[layer].T @ dZ  # dW = Aᵀ dZ
            grads[2 * layer + 1] = dZ.sum(axis=0)  # db = Σ dZ
            if layer:
                dA = dZ @ weights[layer].T  # dA_prev = dZ Wᵀ
                dZ = dA * (pre_activations[layer - 1] > 0)  # ReLU mask
        return float(loss), grads

    def step(self, k=0):
        loss, grads = self.loss_and_grads()
        for p, g in zip(self.params, grads):
            p -= LEARNING_RATE * g
        return loss


class OursRaw:
    """The same network as hand-written Tensor ops."""

    def __init__(self, X, labels, layers):
        self.X = Tensor(X)
        self.Y = Tensor(np.eye(layers[-1][0].shape[1], dtype=X.dtype)[labels])
        self.params = [Tensor(array.copy(), requires_grad=True) for layer in layers for array in layer]
        self.scale = 1.0 / X.shape[0]

    def loss(self):
        params = self.params
        A = self.X
        for W, b in zip(params[0:-2:2], params[1:-2:2]):
            A = (A @ W + b).relu()
        logits = A @ params[-2] + params[-1]
        return -(logits.log_softmax(axis=1) * self.Y).sum() * self.scale

    def loss_and_grads(self):
        for p in self.params:
            p.grad = None
        loss = self.loss()
        loss.backward()
        return loss.item(), [p.grad for p in self.params]

    def step(self, k=0):
        loss, _ = self.loss_and_grads()
        for p in self.params:
            p.data -= LEARNING_RATE * p.grad
        return loss


class OursNN:
    """nn.Sequential of nn.Linear and nn.ReLU, nn.CrossEntropyLoss, nn.optim.SGD."""

    def __init__(self, X, labels, layers):
        modules = []
        for index, (W, b) in enumerate(layers):
            linear = nn.Linear(*W.shape)
            linear.weight.data = W.copy()
            linear.bias.data = b.copy()
            modules.append(linear)
            if index < len(layers) - 1:
                modules.append(nn.ReLU())
        self.model = nn.Sequential(*modules)
        self.params = self.model.parameters()
        self.loss_function = nn.CrossEntropyLoss()
        self.optimizer = nn.optim.SGD(self.params, lr=LEARNING_RATE)
        self.X = Tensor(X)
        self.labels = Tensor(labels)

    def loss_and_grads(self):
        self.optimizer.zero_grad()
        loss = self.loss_function(self.model(self.X), self.labels)
        loss.backward()
        return loss.item(), [p.grad for p in self.params]

    def step(self, k=0):
        loss, _ = self.loss_and_grads()
        self.optimizer.step()
        return loss


class Torch:
    """PyTorch CPU eager: the same layout (X @ W + b), F.cross_entropy, SGD by hand under no_grad."""

    def __init__(self, X, labels, layers):
        self.X = torch.from_numpy(X.copy())
        self.labels = torch.from_numpy(labels.copy())
        self.params = [torch.tensor(array, requires_grad=True) for layer in layers for array in layer]

    def loss_and_grads(self):
        for p in self.params:
            p.grad = None
        params = self.params
        A = self.X
        for W, b in zip(params[0:-2:2], params[1:-2:2]):
            A = torch.relu(A @ W + b)
        logits = A @ params[-2] + params[-1]
        loss = torch.nn.functional.cross_entropy(logits, self.labels)
        loss.backward()
        return loss.item(), [p.grad.numpy() for p in self.params]

    def step(self, k=0):
        loss, _ = self.loss_and_grads()
        with torch.no_grad():
            for p in self.params:
                p -= LEARNING_RATE * p.grad
        return loss


def load_torch():
    """Import PyTorch into this module if it is installed."""
    global torch
    try:
        import torch as installed
    except ImportError:
        return
    torch = installed


def contenders():
    found = {"numpy": NumpyMLP, "ours-raw": OursRaw, "ours-nn": OursNN}
    if torch is not None:
        found["torch"] = Torch
    return found


def check_agreement(size, dtype):
    """Each contender's loss and gradients at the initial weights, compared with numpy's."""
    problem = make_problem(size, dtype)
    reference_loss, reference_grads = NumpyMLP(*problem).loss_and_grads()
    tolerance = TOLERANCE[dtype]
    report = {}
    for name, kind in contenders().items():
        loss, grads = kind(*problem).loss_and_grads()
        worst = abs(loss - reference_loss) / abs(reference_loss)
        for grad, reference in zip(grads, reference_grads):
            grad = np.asarray(grad)
            if grad.dtype != reference.dtype or grad.shape != reference.shape:
                raise AssertionError(
                    f"{name} {size} {dtype.__name__}: a gradient has {grad.dtype} {grad.shape}, "
                    f"numpy's {reference.dtype} {reference.shape}"
                )
            scale = np.abs(reference).max() + 1e-30
            worst = max(worst, float(np.abs(grad - reference).max() / scale))
        if not worst <= tolerance:
            raise AssertionError(f"{name} {size} {dtype.__name__}: differs from numpy by {worst:.2e} > {tolerance}")
        report[name] = worst
    return report


def time_size(size, dtype, rounds, budget, clock=time.perf_counter):
    """name -> list of seconds per step, interleaved; calls per turn sized to about ``budget`` seconds."""
    problem = make_problem(size, dtype)
    calls = harness.calls_per_turn(NumpyMLP(*problem).step, budget, 500)
    setups = {name: (lambda kind=kind: kind(*problem).step) for name, kind in contenders().items()}
    for step in (setup() for setup in setups.values()):  # warm up: first-call costs, BLAS buffers
        step()
    return harness.run_interleaved(setups, rounds, calls, clock=clock), calls


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", choices=list(SIZES), default=list(SIZES))
    parser.add_argument("--dtypes", nargs="+", choices=["float32", "float64"], default=["float32", "float64"])
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds (default 7)")
    parser.add_argument("--budget", type=float, default=0.2, help="seconds per contender turn (default 0.2)")
    parser.add_argument(
        "--threads", type=int, default=None, help="BLAS and torch threads (default: numpy's BLAS default)"
    )
    parser.add_argument("--without-torch", action="store_true", help="leave PyTorch out even if installed")
    harness.add_clock_option(parser)
    parser.add_argument("--quick", action="store_true", help="tiny run: checks that the script runs")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.rounds, args.budget = ["small"], 2, 0.005
    if not args.without_torch:
        load_torch()
    limits = harness.apply_threads(parser, args.threads)  # noqa: F841  (kept for the whole run)

    threads = harness.blas_threads()
    extra = [f"numpy: {np.__version__}; BLAS: {harness.blas_description()}"]
    if torch is not None:
        if threads:
            torch.set_num_threads(threads)
        extra.append(f"torch: {torch.__version__}, {torch.get_num_threads()} threads (set equal to numpy's BLAS)")
    elif args.without_torch:
        extra.append("torch: left out (--without-torch)")
    else:
        extra.append("torch: not installed (pip install torch to add it)")
    overrides = harness.openblas_overrides()
    if overrides:
        extra.append(f"WARNING: {' '.join(overrides)} pin an older BLAS kernel; unset both to benchmark")
    for line in harness.environment(extra):
        print(line)
    clock, clock_name = harness.CLOCKS[args.clock]
    print(f"clock: {clock_name}")
    print(f"step: forward, softmax cross-entropy (mean), backward, SGD lr={LEARNING_RATE}; {args.rounds} rounds\n")

    names = list(contenders())
    rows = []
    for size in args.sizes:
        for dtype_name in args.dtypes:
            dtype = getattr(np, dtype_name)
            agreement = check_agreement(size, dtype)
            times, calls = time_size(size, dtype, args.rounds, args.budget, clock)
            base = harness.median(times["numpy"])
            batch, widths = SIZES[size]
            row = [f"{size} ({batch}, {'-'.join(map(str, widths))})", dtype_name, harness.ms(base)]
            for name in names[1:]:
                row.append(f"{harness.paired_ratio(times, name, 'numpy', calls):.2f}x")
            row.append(f"≤{TARGETS[size]}x")
            row.append(f"{calls * args.rounds}")
            row.append(f"{max(agreement.values()):.0e}")
            rows.append(row)
            print(f"{size} {dtype_name}: done", file=sys.stderr)
    header = ["size (batch, widths)", "dtype", "numpy ms"] + [f"{name} / numpy" for name in names[1:]]
    header += ["target (ours)", "steps each", "max rel. diff"]
    print(harness.format_table(header, rows))
    print(
        "\nratios: the median over rounds of (contender's median step / numpy's median step) within the round;"
        "\nall contenders ran interleaved in this one process"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
