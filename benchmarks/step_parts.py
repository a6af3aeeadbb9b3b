"""The small Tensor MLP step of ``tensor_mlp.py`` taken apart: CPU time of each part, beside numpy's whole step.

    python benchmarks/step_parts.py                    # small size, float32, one BLAS thread
    python benchmarks/step_parts.py --dtype float64
    python benchmarks/step_parts.py --quick            # a second, to check that it runs

Each part runs ``--steps`` times in a row, ``--repeats`` times, and the table
gives the best per-call CPU time of the thread (``time.thread_time``): on a
shared machine the waiting for a core is left out, so the parts of one step
add up and can be compared across runs of the script (on older code too).
"""

import argparse
import sys
import time

import harness
import numpy as np

from tensor_mlp import NumpyMLP, OursNN, OursRaw, make_problem


def cpu_microseconds(function, steps, repeats):
    """The best over ``repeats`` of the thread's CPU time per call of ``function``, in µs."""
    best = float("inf")
    for _ in range(repeats):
        start = time.thread_time_ns()
        for _ in range(steps):
            function()
        best = min(best, (time.thread_time_ns() - start) / steps / 1000)
    return best


def parts(dtype, size):
    """(name, function) for numpy's step, ours' steps and the nn step's parts, all on one problem."""
    problem = make_problem(size, dtype)
    numpy_mlp, raw, ours = NumpyMLP(*problem), OursRaw(*problem), OursNN(*problem)
    logits = ours.model(ours.X)

    def forward_and_backward():
        ours.optimizer.zero_grad()
        ours.loss_function(ours.model(ours.X), ours.labels).backward()

    return [
        ("numpy by hand, whole step", numpy_mlp.step),
        ("ours-raw, whole step", raw.step),
        ("ours-nn, whole step", ours.step),
        ("model(X)", lambda: ours.model(ours.X)),
        ("loss_fn(logits, y)", lambda: ours.loss_function(logits, ours.labels)),
        ("zero_grad + forward + loss + backward()", forward_and_backward),
        ("optimizer.step()", ours.optimizer.step),
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=["small", "medium"], default="small")
    parser.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    parser.add_argument("--steps", type=int, default=500, help="calls per timing (default 500)")
    parser.add_argument("--repeats", type=int, default=21, help="timings per part, the best kept (default 21)")
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads (default 1; needs threadpoolctl)")
    parser.add_argument("--quick", action="store_true", help="tiny run: checks that the script runs")
    args = parser.parse_args(argv)
    if args.quick:
        args.steps, args.repeats = 5, 2
    if args.threads and harness.blas_threads() is not None:
        harness.limit_blas_threads(args.threads)
    named = parts(getattr(np, args.dtype), args.size)
    for _, function in named:  # warm up: first-call costs, BLAS buffers
        function()
    best = {name: float("inf") for name, _ in named}
    for _ in range(2):  # two passes over the parts, so a slow spell hits no part alone
        for name, function in named:
            best[name] = min(best[name], cpu_microseconds(function, args.steps, args.repeats))
    print("\n".join(harness.environment([f"blas: {harness.blas_description()}"])))
    print(f"{args.size} step, {args.dtype}: CPU time of the thread, µs per call (best of {args.repeats} x {args.steps})")
    numpy_step = best["numpy by hand, whole step"]
    rows = [(name, f"{value:.1f}", f"{value / numpy_step:.2f}x") for name, value in best.items()]
    print(harness.format_table(["part", "µs", "/ numpy step"], rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
