"""What seeing inside training costs: hooks and anomaly checks when off, the monitor, anomaly mode on.

Three measurements, each beside the plain step in the same run (interleaved rounds):

1. The medium Tensor MLP step of ``tensor_mlp.py`` (batch 256, 784-256-128-10,
   float32) as it runs today, with no hook registered and anomaly mode off,
   against the same step with the hook and warning checks taken out again
   (``engine.propagate``, ``Module.__call__`` and ``Optimizer.step`` as they were
   before them) and against hand-written numpy. Target: ≤ 1.02x the step before.
2. ``nn.fit(..., monitor=True)`` against ``monitor=False``: moons (1000 points),
   MLP 2-64-64-2, batch 64, SGD, 5 epochs per fit. Target: ≤ 1.2x.
3. The medium step inside ``autograd.detect_anomaly()`` against the plain
   step, and ``fit(..., detect_anomaly=True)`` on the moons fit. Target: ≤ 3x.

The fits are timed twice: wall clock (as every benchmark here), and CPU time
(``time.process_time``), which a busy machine disturbs less: it does not count
the time the process waits for a core.

    python benchmarks/health_overhead.py --threads 1    # about a minute
    python benchmarks/health_overhead.py --quick        # a few seconds, to check that it runs

What is measured is Python-level work beside the same numpy calls, so BLAS is
best pinned to one thread (``--threads 1``, needs threadpoolctl): on a busy
machine multithreaded BLAS calls on small arrays wait for each other's threads,
and that noise swamps the few percent measured here.
"""

import argparse
import contextlib
import sys
import time
import warnings

import harness
import numpy as np
from tensor_mlp import NumpyMLP, OursNN, make_problem

import autograd
import nn
from autograd.core import engine
from nn.data import make_moons
from nn.optim import SGD
from nn.optim.optimizer import Optimizer


# --- the step as it was before hooks and the no-gradient warning ---------------------------


def propagate_before(order, create_graph, observers=()):
    """``engine.propagate`` without instruments (first-order pass only, as the step uses)."""
    for node in reversed(order):
        parents = node.parents
        if len(parents) == 2:
            first, second = parents
            grads = node._vjp(node._grad, node._data, first._data, second._data)
        elif len(parents) == 1:
            grads = node._vjp(node._grad, node._data, parents[0]._data)
        else:
            grads = node._vjp(node._grad, node._data, *[parent._data for parent in parents])
        for parent, grad in zip(parents, grads):
            if parent._requires_grad:
                current = parent._grad
                parent._grad = grad if current is None else current + grad


def call_before(self, *args, **kwargs):
    """``Module.__call__`` without forward hooks."""
    return self.forward(*args, **kwargs)


def step_before(self):
    """``Optimizer.step`` without the no-gradient warning."""
    for parameter, state in zip(self.params, self.state):
        g = parameter.grad
        if g is None:
            continue
        if g.__class__ is not np.ndarray:
            g = g.data
        data = parameter.data
        if g.shape != data.shape:
            raise ValueError("step_before: shape mismatch")
        updated = self.update(data, g, state)
        if updated is not data:
            data[...] = updated


@contextlib.contextmanager
def before_the_change():
    """The three functions as they were, swapped in for the duration of the block."""
    saved = engine.propagate, nn.Module.__call__, Optimizer.step
    engine.propagate, nn.Module.__call__, Optimizer.step = propagate_before, call_before, step_before
    try:
        yield
    finally:
        engine.propagate, nn.Module.__call__, Optimizer.step = saved


def step_in(context_factory, step):
    """``step`` run inside a fresh ``context_factory()`` each call."""

    def run(k=0):
        with context_factory():
            return step(k)

    return run


def turn_inside_anomaly_mode(step, calls):
    """``step`` for one turn of ``calls`` calls inside one ``detect_anomaly()`` block.

    The block is entered now (the untimed setup) and left after the last call, as a
    training loop inside one block would run; entering installs the thread's watch, once.
    """
    block = autograd.detect_anomaly()
    block.__enter__()

    def run(k=0):
        try:
            return step(k)
        finally:
            if k == calls - 1:
                block.__exit__(None, None, None)

    return run


# --- 1 and 3: the medium step -------------------------------------------------------------


def medium_step_times(rounds, budget, size):
    problem = make_problem(size, np.float32)
    probe = NumpyMLP(*problem)
    probe.step()
    probe.step()
    with before_the_change():
        reference = OursNN(*problem).loss_and_grads()
    today = OursNN(*problem).loss_and_grads()
    with autograd.detect_anomaly():
        checked = OursNN(*problem).loss_and_grads()
    for loss, grads in (today, checked):
        assert loss == reference[0] and all(np.array_equal(a, b) for a, b in zip(grads, reference[1]))
    calls = harness.calls_per_turn(OursNN(*problem).step, budget, 300)
    setups = {
        "numpy": lambda: NumpyMLP(*problem).step,
        "ours today": lambda: step_in(contextlib.nullcontext, OursNN(*problem).step),
        "ours before": lambda: step_in(before_the_change, OursNN(*problem).step),
        "ours, anomaly mode": lambda: turn_inside_anomaly_mode(OursNN(*problem).step, calls),
    }
    for name, setup in setups.items():
        warm = setup()
        for k in range(calls if name == "ours, anomaly mode" else 1):
            warm(k)
    return harness.run_interleaved(setups, rounds, calls), calls


# --- 2 and 3: a moons fit -----------------------------------------------------------------


def moons_fit(points, epochs, **options):
    X, y = make_moons(points, noise=0.2, rng=0)

    def run(k=0):
        model = nn.MLP([2, 64, 64, 2], rng=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", nn.TrainingWarning)
            return nn.fit(model, nn.CrossEntropyLoss(), SGD(model.parameters(), lr=0.1), X, y, epochs=epochs,
                          batch_size=64, progress=False, rng=0, **options)

    return run


def fit_times(rounds, points, epochs, calls):
    """name -> seconds per fit (wall clock), and name -> CPU seconds per fit, interleaved."""
    setups = {
        "fit": lambda: moons_fit(points, epochs),
        "fit monitor=True": lambda: moons_fit(points, epochs, monitor=True),
        "fit detect_anomaly=True": lambda: moons_fit(points, epochs, detect_anomaly=True),
    }
    for setup in setups.values():
        setup()()
    wall = harness.run_interleaved(setups, rounds, calls)
    cpu = {name: [] for name in setups}
    names = list(setups)
    for round_index in range(rounds):
        for name in names if round_index % 2 == 0 else names[::-1]:
            run = setups[name]()
            for _ in range(calls):
                start = time.process_time()
                run()
                cpu[name].append(time.process_time() - start)
    return wall, cpu


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9, help="interleaved rounds (default 9)")
    parser.add_argument("--budget", type=float, default=0.3, help="seconds per contender turn (default 0.3)")
    parser.add_argument("--threads", type=int, default=None, help="BLAS threads (default: numpy's default)")
    parser.add_argument("--quick", action="store_true", help="tiny run: checks that the script runs")
    args = parser.parse_args(argv)
    limits = harness.apply_threads(parser, args.threads)  # noqa: F841  (kept for the whole run)
    size, points, epochs, fit_calls = "medium", 1000, 5, 5
    if args.quick:
        args.rounds, args.budget, size, points, epochs, fit_calls = 2, 0.005, "small", 100, 1, 1
    for line in harness.environment([f"numpy: {np.__version__}; BLAS: {harness.blas_description()}"]):
        print(line)
    print(f"{args.rounds} interleaved rounds\n")

    times, calls = medium_step_times(args.rounds, args.budget, size)
    batch, widths = make_problem.__globals__["SIZES"][size]
    label = f"{size} MLP step (batch {batch}, {'-'.join(map(str, widths))}, float32)"
    rows = [
        [label, "ours today (no hook, anomaly off)", "ours before hooks",
         f"{harness.paired_ratio(times, 'ours today', 'ours before', calls):.3f}x", "≤ 1.02x"],
        [label, "ours today", "numpy by hand",
         f"{harness.paired_ratio(times, 'ours today', 'numpy', calls):.3f}x", "as in tensor_mlp.py"],
        [label, "inside detect_anomaly()", "ours today",
         f"{harness.paired_ratio(times, 'ours, anomaly mode', 'ours today', calls):.2f}x", "≤ 3x"],
    ]
    fits, cpu = fit_times(args.rounds, points, epochs, fit_calls)
    fit_label = f"moons fit ({points} points, 2-64-64-2, batch 64, {epochs} epochs)"
    for kind, fit_times_of in (("wall", fits), ("CPU", cpu)):
        rows += [
            [f"{fit_label}, {kind} time", "monitor=True", "monitor=False",
             f"{harness.paired_ratio(fit_times_of, 'fit monitor=True', 'fit', fit_calls):.3f}x", "≤ 1.2x"],
            [f"{fit_label}, {kind} time", "detect_anomaly=True", "plain fit",
             f"{harness.paired_ratio(fit_times_of, 'fit detect_anomaly=True', 'fit', fit_calls):.2f}x", "≤ 3x"],
        ]
    print(harness.format_table(["workload", "this", "against", "ratio", "target"], rows))
    print(f"\nplain medians: {size} step {harness.ms(harness.median(times['ours today']))} ms, "
          f"numpy step {harness.ms(harness.median(times['numpy']))} ms, "
          f"moons fit {harness.ms(harness.median(fits['fit']))} ms")
    print("ratios: the median over rounds of (median / median) within the round")
    return 0


if __name__ == "__main__":
    sys.exit(main())
