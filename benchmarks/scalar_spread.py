"""Run-to-run spread of the scalar step, measured as issue 24 defines it: each engine in a fresh process.

In each fresh process: build the model (seeded as in scalar_micrograd.py), 3
warm-up steps, then 5 timed steps; the run's figure is the median. With the
collector off, a full gc.collect() runs between steps, off the clock. Each
step is timed both by the wall clock and by the process's CPU time, so that
time lost to other processes (a shared machine) shows as wall > CPU.

    python benchmarks/scalar_spread.py                 # 5 runs per engine and GC mode (about 2 minutes)
    python benchmarks/scalar_spread.py --runs 7 --modes off
    python benchmarks/scalar_spread.py --models 3      # 3 models one after another in each process
"""

import argparse
import gc
import json
import statistics
import subprocess
import sys
import time

WARMUP, TIMED = 3, 5


def one_process(engine_name, mode, models):
    """In this process: ``models`` models one after another; per model, the median wall and CPU ms of the timed steps."""
    import scalar_micrograd as bench

    X, y = bench.moons()
    figures = []
    for _ in range(models):
        if engine_name == "chainrule":
            step = bench.our_step(bench.our_model(), X, y)
        else:
            step = bench.micrograd_step(bench.micrograd_model(), X, y)
        wall, cpu = [], []
        gc.collect()
        for k in range(WARMUP + TIMED):
            if mode == "off":
                gc.collect()
                gc.disable()
            w0, c0 = time.perf_counter(), time.process_time()
            step(k)
            w1, c1 = time.perf_counter(), time.process_time()
            if mode == "off":
                gc.enable()
            if k >= WARMUP:
                wall.append((w1 - w0) * 1e3)
                cpu.append((c1 - c0) * 1e3)
        figures.append([statistics.median(wall), statistics.median(cpu)])
        del step
    return figures


def fresh(engine_name, mode, models):
    command = [sys.executable, __file__, "--child", engine_name, mode, "--models", str(models)]
    return json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)


def spread(values):
    return f"{min(values):.2f} / {statistics.median(values):.2f} / {max(values):.2f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh processes per engine and GC mode")
    parser.add_argument("--modes", nargs="+", default=["off", "on"], choices=["off", "on"])
    parser.add_argument("--models", type=int, default=1, help="models trained one after another per process")
    parser.add_argument("--child", nargs=2, metavar=("ENGINE", "MODE"), help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true", help="one run with GC off: checks that the script runs")
    args = parser.parse_args()
    if args.quick:
        args.runs, args.modes = 1, ["off"]
    if args.child:
        print(json.dumps(one_process(args.child[0], args.child[1], args.models)))
        return
    for mode in args.modes:
        print(f"GC {mode}: run, chainrule wall (cpu) ms per model, micrograd wall (cpu) ms per model, ratio of first models' wall")
        ours_all, theirs_all, ratios = [], [], []
        for run in range(1, args.runs + 1):
            ours, theirs = fresh("chainrule", mode, args.models), fresh("micrograd", mode, args.models)
            ratio = theirs[0][0] / ours[0][0]
            ours_all.append(ours[0][0])
            theirs_all.append(theirs[0][0])
            ratios.append(ratio)
            show = lambda figures: " ".join(f"{w:.2f} ({c:.2f})" for w, c in figures)
            print(f"  {run}: {show(ours)} | {show(theirs)} | {ratio:.2f}x", flush=True)
        print(f"  min / median / max: chainrule {spread(ours_all)}, micrograd {spread(theirs_all)}, ratio {spread(ratios)}")


if __name__ == "__main__":
    main()
