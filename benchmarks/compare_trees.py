"""This checkout beside another (a base commit's worktree): the hot paths' step times, run alternately.

Each measurement runs in a fresh process that imports one tree's ``autograd`` and
``nn`` (and its benchmark setups), so both trees run the same workload in the same
conditions; the trees take turns, round after round, and the order within a round
alternates. Reported per workload: the median over rounds of this tree's time over
the other's within the round, and the spread (lowest and highest round).

Times are process CPU time by default (``--clock wall`` for perf_counter): on a
shared machine it does not count the time the process waits for a core.

Workloads: the scalar micrograd step (``scalar_micrograd.py``), the Tensor MLP step
at sizes small, medium and large (``tensor_mlp.py``, float32, BLAS on one thread),
and one ``nn.fit`` epoch (``fit_epoch.py``); by default with no hook registered and
no instrument running, so it measures what instruments cost when they are off;
``--inside profile`` / ``--inside anomaly`` runs each step inside that block.

    git worktree add ../base <commit>
    python benchmarks/compare_trees.py ../base              # about ten minutes
    python benchmarks/compare_trees.py ../base --rounds 3 --workloads scalar small
    python benchmarks/compare_trees.py --quick              # this tree against itself, a few seconds
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
WORKLOADS = ("scalar", "small", "medium", "large", "fit")


def _setup(workload):
    """``step()`` for ``workload``, built from the imported tree's own benchmark helpers."""
    import numpy as np

    if workload == "scalar":
        import scalar_micrograd as scalar

        X, y = scalar.moons()
        step = scalar.our_step(scalar.our_model(), X, y)
        return lambda: step(0)
    if workload == "fit":
        import fit_epoch

        import nn
        from nn.data import make_moons

        X, labels = make_moons(1000, noise=0.1, rng=0)
        model = fit_epoch.nn_model(fit_epoch.initial_weights(np.float64))  # as fit_epoch.py: float64, batch 32
        loss_fn, optimizer = nn.CrossEntropyLoss(), nn.optim.SGD(model.parameters(), lr=0.1)
        return lambda: nn.fit(model, loss_fn, optimizer, X, labels, epochs=1, batch_size=32, rng=0, progress=False)
    import tensor_mlp

    return tensor_mlp.OursNN(*tensor_mlp.make_problem(workload, np.float32)).step


CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}


def _inside(block, step):
    """``step`` run inside a fresh ``block`` ("profile" or "anomaly") each call; ``step`` itself for "none"."""
    import autograd

    if block == "none":
        return step
    make = {"profile": autograd.profile, "anomaly": autograd.detect_anomaly}[block]

    def run():
        with make():
            return step()

    return run


def measure(workload, seconds, clock="cpu", inside="none"):
    """Seconds per step of ``workload`` in this process: the median of five batches of calls."""
    import harness

    harness.limit_blas_threads(1)
    now = CLOCKS[clock]
    step = _inside(inside, _setup(workload))
    start = time.perf_counter()
    step()
    once = max(time.perf_counter() - start, 1e-6)
    calls = max(1, int(seconds / 5 / once))
    for _ in range(calls):
        step()
    batches = []
    for _ in range(5):
        start = now()
        for _ in range(calls):
            step()
        batches.append((now() - start) / calls)
    return statistics.median(batches)


def run_in(tree, workload, seconds, clock, inside):
    """``measure(workload)`` in a new process on ``tree``'s code."""
    code = (
        "import sys, json; sys.path[:0] = [sys.argv[1], sys.argv[1] + '/benchmarks', sys.argv[2]]; "
        "import compare_trees; print(json.dumps(compare_trees.measure(sys.argv[3], float(sys.argv[4]), *sys.argv[5:])))"
    )
    environment = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", PYTHONHASHSEED="0")
    completed = subprocess.run(
        [sys.executable, "-c", code, str(tree), str(HERE / "benchmarks"), workload, str(seconds), clock, inside],
        capture_output=True, text=True, cwd=tree, env=environment, check=False,
    )
    if completed.returncode:
        raise RuntimeError(f"{workload} in {tree} failed:\n{completed.stderr}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("base", nargs="?", default=str(HERE), help="the other checkout (default: this one)")
    parser.add_argument("--rounds", type=int, default=6, help="rounds per workload (default 6)")
    parser.add_argument("--seconds", type=float, default=2.0, help="timed seconds per process (default 2)")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="cpu",
                        help="cpu: process CPU time, which a busy machine disturbs less (default); wall: perf_counter")
    parser.add_argument("--inside", choices=["none", "profile", "anomaly"], default="none",
                        help="run each step inside autograd.profile() or detect_anomaly() (default: none)")
    parser.add_argument("--workloads", nargs="+", choices=WORKLOADS, default=list(WORKLOADS))
    parser.add_argument("--quick", action="store_true", help="one short round of the scalar and small steps")
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.seconds, args.workloads = 1, 0.2, ["scalar", "small"]
    base = Path(args.base).resolve()
    print(f"this tree: {HERE}\nother tree: {base}\n{args.rounds} rounds, {args.seconds:g} s per process, "
          f"{args.clock} clock, steps inside: {args.inside}\n")
    print("| workload | this ms | other ms | this / other (median) | lowest | highest |")
    print("|---|---|---|---|---|---|")
    for workload in args.workloads:
        ours, theirs, ratios = [], [], []
        for round_ in range(args.rounds):
            trees = [(HERE, ours), (base, theirs)]
            for tree, times in trees if round_ % 2 == 0 else reversed(trees):
                times.append(run_in(tree, workload, args.seconds, args.clock, args.inside))
            ratios.append(ours[-1] / theirs[-1])
        print(f"| {workload} | {1e3 * statistics.median(ours):.3f} | {1e3 * statistics.median(theirs):.3f} | "
              f"{statistics.median(ratios):.3f}x | {min(ratios):.3f}x | {max(ratios):.3f}x |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
