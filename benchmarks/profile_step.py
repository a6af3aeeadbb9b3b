"""Where one MLP training step spends its time, op by op: ``autograd.profile`` on a real step.

    python benchmarks/profile_step.py             # Tensor MLP 784-256-128-10, batch 256, float32
    python benchmarks/profile_step.py --scalar    # scalar MLP(2, [16, 16, 1]) on 100 moons points
    python benchmarks/profile_step.py --quick     # tiny, to check that it runs
    python benchmarks/profile_step.py --size small --calls   # Python calls per step, by function (cProfile)

The step is the one the benchmarks time (forward, loss, backward, SGD), run once
untimed to warm up, then ``--steps`` times inside ``autograd.profile()``.
"""

import argparse
import sys

import harness
import numpy as np

import autograd


def tensor_step(size, dtype):
    from tensor_mlp import OursNN, make_problem

    return OursNN(*make_problem(size, dtype)).step, f"Tensor MLP, {size} size, {np.dtype(dtype).name}"


def scalar_step(points):
    from scalar_micrograd import moons, our_model, our_step

    X, y = moons(points)
    return our_step(our_model(), X, y), f"scalar MLP(2, [16, 16, 1]) on {points} moons points"


def call_counts(step):
    """A table of the Python-level function calls one ``step`` makes (cProfile), most frequent first."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    step(1)
    profiler.disable()
    stats = pstats.Stats(profiler).stats
    counts = {}
    for (filename, line, name), (_, calls, *_rest) in stats.items():
        if filename == "~":
            continue  # built-ins (isinstance, numpy's C functions): not Python frames
        where = "/".join(filename.replace("\\", "/").split("/")[-2:])
        counts[f"{where}:{line} {name}"] = calls
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    rows = [(name, str(calls)) for name, calls in rows] + [("total (Python functions)", str(sum(counts.values())))]
    return harness.format_table(["function", "calls"], rows)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scalar", action="store_true", help="profile the scalar MLP step instead")
    parser.add_argument("--size", choices=["small", "medium", "large"], default="medium")
    parser.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    parser.add_argument("--steps", type=int, default=10, help="profiled steps (default 10)")
    parser.add_argument("--threads", type=int, default=None, help="BLAS threads (default: numpy's default)")
    parser.add_argument("--calls", action="store_true",
                        help="count the Python function calls of one step, by function (cProfile), instead")
    parser.add_argument("--quick", action="store_true", help="tiny run: checks that the script runs")
    args = parser.parse_args(argv)
    limits = harness.apply_threads(parser, args.threads)  # noqa: F841  (kept for the whole run)
    points = 100
    if args.quick:
        args.size, args.steps, points = "small", 1, 8
    if args.scalar:
        step, what = scalar_step(points)
    else:
        step, what = tensor_step(args.size, getattr(np, args.dtype))
    step(0)
    if args.calls:
        print(f"Python function calls in one training step: {what}")
        print(call_counts(step))
        return 0
    with autograd.profile() as prof:
        for k in range(args.steps):
            step(k)
    print(f"autograd.profile of {args.steps} training steps: {what}; BLAS: {harness.blas_description()}")
    print(prof.table())
    return 0


if __name__ == "__main__":
    sys.exit(main())
