"""What the per-step safety costs inside each workload's step: the version check, the instrument check, the optimizer's marks.

Issue 24 asks that the in-place safety and the instrument protocol cost at most 2%
of each step. ``compare_trees.py`` measures that against the code before them for
the workloads that code could run (scalar, Tensor MLP, fit); the CNN and makemore
steps use ops that came later, so here the same three pieces of per-step work are
timed inside each workload's own step, in this one process:

- ``versions.check(order)``: before a backward pass runs any rule, whether an input
  of a recorded node changed in place (called once per pass by the engine);
- ``pass_observers.watching()``: whether an instrument or a hook watches the pass;
- ``increment_version(tensors)``: the optimizer marking the tensors it changed.

The step is timed alone (thread CPU time, median). Then, inside one more step, each
piece is timed on the very arguments the step passes it (repeated 2,000 times at its
first call) and its calls are counted in a further step; the table gives the pieces'
time per step and its share of the step. Recording a Tensor op also stores one stamp
(a slot written in ``result``), which cannot be timed apart.

    python benchmarks/safety_share.py            # about half a minute
    python benchmarks/safety_share.py --quick    # a few seconds, to check that it runs
"""

import argparse
import sys
import time

import harness
import numpy as np

import nn
import nn.optim.optimizer as optimizer_module
from autograd.core import engine

_clock = time.thread_time_ns


def workloads():
    """name -> a setup returning ``step()``: each benchmark's own contender, at the dtype its goal is judged in."""
    import conv_step
    import fit_epoch
    import makemore_step
    import scalar_micrograd
    import tensor_mlp

    from nn.data import make_moons

    def scalar():
        X, y = scalar_micrograd.moons()
        step = scalar_micrograd.our_step(scalar_micrograd.our_model(), X, y)
        return lambda: step(0)

    def tensor(size, dtype):
        return lambda: tensor_mlp.OursNN(*tensor_mlp.make_problem(size, dtype)).step

    def fit():
        X, labels = make_moons(1000, noise=0.1, rng=0)
        model = fit_epoch.nn_model(fit_epoch.initial_weights(np.float64))
        loss_fn, optimizer = nn.CrossEntropyLoss(), nn.optim.SGD(model.parameters(), lr=0.1)
        return lambda: nn.fit(model, loss_fn, optimizer, X, labels, epochs=1, batch_size=32, rng=0, progress=False)

    def conv(dtype):
        return lambda: conv_step.OursNN(*conv_step.make_problem(dtype)).step

    def makemore(dtype):
        return lambda: makemore_step.OursNN(*makemore_step.make_problem(dtype)).step

    return {
        "scalar (micrograd's demo)": scalar,
        "Tensor MLP small, float32": tensor("small", np.float32),
        "Tensor MLP small, float64": tensor("small", np.float64),
        "Tensor MLP medium, float32": tensor("medium", np.float32),
        "fit epoch (32 steps), float64": fit,
        "CNN step, float32": conv(np.float32),
        "CNN step, float64": conv(np.float64),
        "makemore step, float32": makemore(np.float32),
        "makemore step, float64": makemore(np.float64),
    }


class Measured:
    """Replaces ``owner.<name>`` by a wrapper that counts its calls and, at the first, times the call itself.

    At its first call the wrapper runs the original ``repeats`` times more on the very
    arguments the step passed (each of the three pieces may run again: a check reads,
    a mark only advances a counter), so the graph and the versions are the step's own.
    """

    def __init__(self, owner, name, repeats=2000):
        self.owner, self.name, self.repeats = owner, name, repeats
        self.original = getattr(owner, name)
        self.calls = 0
        self.per_call = None  # ns

    def __enter__(self):
        original = self.original

        def counted(*args):
            self.calls += 1
            if self.per_call is None:
                start = time.perf_counter_ns()
                for _ in range(self.repeats):
                    original(*args)
                self.per_call = (time.perf_counter_ns() - start) / self.repeats
            return original(*args)

        setattr(self.owner, self.name, counted)
        return self

    def __exit__(self, *exc_info):
        setattr(self.owner, self.name, self.original)
        return False


def share(setup, steps):
    """(median step µs, safety µs per step): the step timed alone, then the pieces timed inside one more step."""
    step = setup()
    for _ in range(3):
        step()
    times = []
    for _ in range(steps):
        start = _clock()
        step()
        times.append(_clock() - start)
    pieces = [Measured(engine, "check_versions"), Measured(engine, "watching"),
              Measured(optimizer_module, "increment_version")]
    for piece in pieces:
        piece.__enter__()
    try:
        step()
        counts = [piece.calls for piece in pieces]
        step()  # a second step: calls per step without the first's repeats
    finally:
        for piece in pieces:
            piece.__exit__()
    spent = sum((piece.calls - count) * (piece.per_call or 0.0) for piece, count in zip(pieces, counts))
    return harness.median(times) / 1e3, spent / 1e3


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=50, help="timed steps per workload (default 50)")
    parser.add_argument("--quick", action="store_true", help="tiny run: checks that the script runs")
    args = parser.parse_args(argv)
    limits = harness.apply_threads(parser, 1)  # noqa: F841  (one BLAS thread for the whole run)
    chosen = workloads()
    if args.quick:
        args.steps = 2
        chosen = {name: chosen[name] for name in list(chosen)[:2]}
    for line in harness.environment([]):
        print(line)
    print("clock: the step by CPU time of this thread (time.thread_time_ns), the pieces by perf_counter_ns; "
          "one BLAS thread\n")
    rows = []
    for name, setup in chosen.items():
        step_us, safety_us = share(setup, args.steps)
        rows.append([name, f"{step_us:.1f}", f"{safety_us:.2f}", f"{100 * safety_us / step_us:.2f}%", "≤2%"])
        print(f"{name}: done", file=sys.stderr)
    print(harness.format_table(["workload", "step µs (median)", "safety µs per step", "share", "goal"], rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
