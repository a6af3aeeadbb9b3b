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

The step is timed alone (thread CPU time, median). The version check is timed on
one step's own graph, through the engine's observer protocol (``PassObserver.sorted``
hands the order before any rule runs, 2,000 repeats), and the observer counts the
step's passes; ``watching()`` is timed as the plain passes meet it, and
``increment_version`` on the step's Tensor parameters, once per pass. Nothing in
autograd is replaced. Recording a Tensor op also stores one stamp (a slot written in
``result``), which cannot be timed apart.

    python benchmarks/safety_share.py            # about half a minute
    python benchmarks/safety_share.py --quick    # a few seconds, to check that it runs
"""

import argparse
import sys
import time

import harness
import numpy as np

import nn
from autograd import Value, increment_version
from autograd.core.pass_observers import PassObserver, unwatch, watch, watching
from autograd.core.versions import check as check_versions

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
        model = scalar_micrograd.our_model()
        step = scalar_micrograd.our_step(model, X, y)
        return (lambda: step(0)), model.parameters()

    def contender(make):
        def setup():
            ours = make()
            return ours.step, ours.params
        return setup

    def fit():
        X, labels = make_moons(1000, noise=0.1, rng=0)
        model = fit_epoch.nn_model(fit_epoch.initial_weights(np.float64))
        loss_fn, optimizer = nn.CrossEntropyLoss(), nn.optim.SGD(model.parameters(), lr=0.1)
        return (lambda: nn.fit(model, loss_fn, optimizer, X, labels, epochs=1, batch_size=32, rng=0,
                               progress=False)), optimizer.params

    def tensor(size, dtype):
        return contender(lambda: tensor_mlp.OursNN(*tensor_mlp.make_problem(size, dtype)))

    def conv(dtype):
        return contender(lambda: conv_step.OursNN(*conv_step.make_problem(dtype)))

    def makemore(dtype):
        return contender(lambda: makemore_step.OursNN(*makemore_step.make_problem(dtype)))

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


class CheckTimer(PassObserver):
    """Watches backward passes: counts them and, in the first, times the version check on the pass's own order.

    The engine hands an observer the sorted order before any rule runs (``sorted``), when the
    versions are those the plain pass checks; ``check`` only reads, so it may run again there.
    """

    def __init__(self, repeats):
        self.repeats = repeats
        self.passes = 0
        self.per_check = None  # ns

    def sorted(self, order):
        self.passes += 1
        if self.per_check is None:
            start = time.perf_counter_ns()
            for _ in range(self.repeats):
                check_versions(order)
            self.per_check = (time.perf_counter_ns() - start) / self.repeats


def per_call_ns(repeats, function, *args):
    """ns per call of ``function(*args)``."""
    start = time.perf_counter_ns()
    for _ in range(repeats):
        function(*args)
    return (time.perf_counter_ns() - start) / repeats


def share(setup, steps, repeats=2000):
    """(median step µs, safety µs per step): the step timed alone, then its safety's pieces timed apart.

    The version check is timed on one step's own graph by a ``CheckTimer``, which also counts the
    passes of a step; ``watching()`` is timed as the plain passes meet it (nothing watching), and
    ``increment_version`` on the step's Tensor parameters, once per pass (an optimizer step each).
    """
    step, params = setup()
    for _ in range(3):
        step()
    times = []
    for _ in range(steps):
        start = _clock()
        step()
        times.append(_clock() - start)
    timer = CheckTimer(repeats)
    watch(timer)
    try:
        step()
    finally:
        unwatch(timer)
    watching_ns = per_call_ns(repeats, watching)
    tensors = [p for p in params if not isinstance(p, Value)]
    marking_ns = per_call_ns(repeats, increment_version, tensors) if tensors else 0.0
    spent = timer.passes * ((timer.per_check or 0.0) + watching_ns + marking_ns)
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
