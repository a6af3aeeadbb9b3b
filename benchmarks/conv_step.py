"""One CNN training step: nn's Conv2d/MaxPool2d (built from autograd's ops) beside PyTorch eager, CPU.

The network, at batch 64 on 1x28x28 inputs: Conv2d(1→8, 3) + ReLU + MaxPool2d(2)
→ Conv2d(8→16, 3) + ReLU + MaxPool2d(2) → Flatten → Linear(400 → 10), softmax
cross-entropy (mean over the batch), backward, SGD (lr 0.01). Contenders, from
the same initial weights:

- ours-nn:  nn.Sequential of nn.Conv2d, nn.ReLU, nn.MaxPool2d, nn.Flatten,
            nn.Linear; nn.CrossEntropyLoss; nn.optim.SGD.
- torch:    PyTorch CPU eager, F.conv2d / F.max_pool2d / F.cross_entropy,
            SGD by hand under no_grad.

Before timing, the loss and every gradient of ours are checked against
PyTorch's. Both run interleaved in one process; the ratio is paired per round.
``--threads`` (default 1) sets numpy's BLAS threads (threadpoolctl) and torch's.
After the timing, each contender runs more steps while the process's CPU time
(user and system) and minor page faults are counted: where the time goes
beyond the arithmetic. ``--profile`` adds autograd.profile()'s table of our step.

    python benchmarks/conv_step.py                 # float32 and float64, about a minute
    python benchmarks/conv_step.py --profile       # plus the op table of our step
    python benchmarks/conv_step.py --quick         # a few seconds, to check that it runs
    MALLOC_TOP_PAD_=67108864 python benchmarks/conv_step.py   # glibc keeps freed memory between steps
"""

import argparse
import os
import resource
import sys

import harness
import numpy as np

import autograd
import nn
from autograd import Tensor

torch = None  # imported by main()

BATCH = 64
LEARNING_RATE = 0.01
TOLERANCE = {np.float32: 1e-4, np.float64: 1e-10}
TARGET = 1.1  # issue 24: within 10% of PyTorch eager


def make_problem(dtype, seed=0):
    """Images (64, 1, 28, 28), labels, He-initialised weights (conv: (out, in, 3, 3); linear: (in, out))."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((BATCH, 1, 28, 28)).astype(dtype)
    labels = rng.integers(0, 10, size=BATCH)

    def he(shape, fan_in):
        return (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(dtype)

    weights = [
        he((8, 1, 3, 3), 9), (0.1 * rng.standard_normal(8)).astype(dtype),
        he((16, 8, 3, 3), 72), (0.1 * rng.standard_normal(16)).astype(dtype),
        he((400, 10), 400), (0.1 * rng.standard_normal(10)).astype(dtype),
    ]
    return X, labels, weights


class OursNN:
    """What a user of nn writes."""

    def __init__(self, X, labels, weights):
        self.model = nn.Sequential(
            nn.Conv2d(1, 8, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(400, 10),
        )
        self.params = self.model.parameters()
        for parameter, array in zip(self.params, weights):
            parameter.data = array.copy()
        self.loss_function = nn.CrossEntropyLoss()
        self.optimizer = nn.optim.SGD(self.params, lr=LEARNING_RATE)
        self.X = Tensor(X)
        self.labels = Tensor(labels)

    def loss(self):
        return self.loss_function(self.model(self.X), self.labels)

    def loss_and_grads(self):
        self.optimizer.zero_grad()
        loss = self.loss()
        loss.backward()
        return loss.item(), [p.grad for p in self.params]

    def step(self, k=0):
        loss, _ = self.loss_and_grads()
        self.optimizer.step()
        return loss


class Torch:
    """PyTorch CPU eager with the same layout and weights."""

    def __init__(self, X, labels, weights):
        self.X = torch.from_numpy(X.copy())
        self.labels = torch.from_numpy(labels.copy())
        self.params = [torch.tensor(array, requires_grad=True) for array in weights]

    def loss_and_grads(self):
        for p in self.params:
            p.grad = None
        F = torch.nn.functional
        w1, b1, w2, b2, W, b = self.params
        h = F.max_pool2d(torch.relu(F.conv2d(self.X, w1, b1)), 2)
        h = F.max_pool2d(torch.relu(F.conv2d(h, w2, b2)), 2)
        logits = h.flatten(1) @ W + b
        loss = F.cross_entropy(logits, self.labels)
        loss.backward()
        return loss.item(), [p.grad.numpy() for p in self.params]

    def step(self, k=0):
        loss, _ = self.loss_and_grads()
        with torch.no_grad():
            for p in self.params:
                p -= LEARNING_RATE * p.grad
        return loss


def contenders():
    return {"ours-nn": OursNN, "torch": Torch}


def check_agreement(dtype):
    """The largest relative difference of our loss and gradients from PyTorch's, at the initial weights."""
    problem = make_problem(dtype)
    reference_loss, reference_grads = Torch(*problem).loss_and_grads()
    loss, grads = OursNN(*problem).loss_and_grads()
    worst = abs(loss - reference_loss) / abs(reference_loss)
    for grad, reference in zip(grads, reference_grads):
        if grad.dtype != reference.dtype or grad.shape != reference.shape:
            raise AssertionError(f"a gradient has {grad.dtype} {grad.shape}, "
                                 f"PyTorch's {reference.dtype} {reference.shape}")
        worst = max(worst, float(np.abs(grad - reference).max() / (np.abs(reference).max() + 1e-30)))
    if not worst <= TOLERANCE[dtype]:
        raise AssertionError(f"{dtype.__name__}: ours differs from PyTorch by {worst:.2e} > {TOLERANCE[dtype]}")
    return worst


def time_steps(dtype, rounds, budget, clock):
    """name -> seconds per step, interleaved; calls per turn sized to about ``budget`` seconds of torch."""
    problem = make_problem(dtype)
    calls = harness.calls_per_turn(Torch(*problem).step, budget, 200)
    setups = {name: (lambda kind=kind: kind(*problem).step) for name, kind in contenders().items()}
    for step in (setup() for setup in setups.values()):  # warm up
        step()
    return harness.run_interleaved(setups, rounds, calls, clock=clock), calls


def cost_split(dtype, steps):
    """name -> (user ms, system ms, minor page faults) per step, each contender counted on its own."""
    problem = make_problem(dtype)
    split = {}
    for name, kind in contenders().items():
        step = kind(*problem).step
        step()
        before = resource.getrusage(resource.RUSAGE_SELF)
        for k in range(steps):
            step(k)
        after = resource.getrusage(resource.RUSAGE_SELF)
        split[name] = (
            (after.ru_utime - before.ru_utime) / steps * 1e3,
            (after.ru_stime - before.ru_stime) / steps * 1e3,
            (after.ru_minflt - before.ru_minflt) / steps,
        )
    return split


def profile_table(dtype, steps):
    """autograd.profile()'s op table over ``steps`` of our step."""
    ours = OursNN(*make_problem(dtype))
    ours.step()
    with autograd.profile() as prof:
        for _ in range(steps):
            ours.step()
    return prof.table(sort_by="total")


def main(argv=None):
    global torch
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dtypes", nargs="+", choices=["float32", "float64"], default=["float32", "float64"])
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds (default 7)")
    parser.add_argument("--budget", type=float, default=0.3, help="seconds per contender turn (default 0.3)")
    parser.add_argument("--threads", type=int, default=1, help="BLAS and torch threads (default 1)")
    parser.add_argument("--profile", action="store_true", help="print autograd.profile()'s table of our step")
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
    limits = harness.apply_threads(parser, args.threads)  # noqa: F841  (kept for the whole run)
    torch.set_num_threads(args.threads)

    extra = [f"numpy: {np.__version__}; BLAS: {harness.blas_description()}",
             f"torch: {torch.__version__}, {torch.get_num_threads()} threads"]
    tuning = [f"{name}={value}" for name, value in os.environ.items() if name.startswith("MALLOC_")]
    extra.append(f"glibc malloc tuning: {' '.join(tuning) if tuning else 'none (the default allocator)'}")
    overrides = harness.openblas_overrides()
    if overrides:
        extra.append(f"WARNING: {' '.join(overrides)} pin an older BLAS kernel; unset both to benchmark")
    for line in harness.environment(extra):
        print(line)
    clock, clock_name = harness.CLOCKS[args.clock]
    print(f"clock: {clock_name}")
    print(f"step: batch {BATCH}, 1x28x28, conv(1→8, 3)+relu+maxpool2, conv(8→16, 3)+relu+maxpool2, flatten, "
          f"linear(400→10), cross-entropy, backward, SGD lr={LEARNING_RATE}; {args.rounds} rounds\n")

    rows, splits = [], []
    for dtype_name in args.dtypes:
        dtype = getattr(np, dtype_name)
        agreement = check_agreement(dtype)
        times, calls = time_steps(dtype, args.rounds, args.budget, clock)
        ratio = harness.paired_ratio(times, "ours-nn", "torch", calls)
        medians = [harness.ms(harness.median(times[name])) for name in ("ours-nn", "torch")]
        rows.append([dtype_name, *medians,
                     f"**{ratio:.2f}x**", f"≤{TARGET}x", calls * args.rounds, f"{agreement:.0e}"])
        for name, (user, system, faults) in cost_split(dtype, max(3, calls)).items():
            splits.append([dtype_name, name, f"{user:.2f}", f"{system:.2f}", f"{faults:.0f}"])
        print(f"{dtype_name}: done", file=sys.stderr)
    print(harness.format_table(["dtype", "ours-nn ms", "torch ms", "ours / torch, paired", "target", "steps each",
                                "max rel. diff"], rows))
    print("\nratio: the median over rounds of (our median step / torch's median step) within the round")
    print("\nCPU time per step, counted apart from the timing above (process CPU time and minor page faults):\n")
    print(harness.format_table(["dtype", "contender", "user ms", "system ms", "minor page faults"], splits))
    if args.profile:
        print(f"\nautograd.profile() of our step, {args.dtypes[0]}, 10 steps:\n")
        print(profile_table(getattr(np, args.dtypes[0]), 10))
    return 0


if __name__ == "__main__":
    sys.exit(main())
