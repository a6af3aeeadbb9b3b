"""Shared pieces of the benchmarks: interleaved timing, medians, and a description of the machine.

Timings on a shared machine are noisy, so every benchmark runs its contenders
one after the other in the same process, alternating their order from round
to round, repeats the rounds, and reports medians and minima. Ratios are
always between contenders measured in the same run.
"""

import datetime
import gc
import os
import platform
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run from a clone without installing the package
    sys.path.insert(0, str(REPO))


def cpu_model():
    """The processor's model name as the OS reports it, or platform.processor()."""
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def blas_description():
    """Which BLAS numpy calls, its kernel and thread count (from threadpoolctl when installed)."""
    try:
        import threadpoolctl
    except ImportError:
        return "unknown (pip install threadpoolctl to report the BLAS kernel)"
    pools = [pool for pool in threadpoolctl.threadpool_info() if pool.get("user_api") == "blas"]
    if not pools:
        return "none found"
    return "; ".join(
        f"{pool.get('internal_api')} {pool.get('version')} kernel={pool.get('architecture')} "
        f"threads={pool.get('num_threads')}"
        for pool in pools
    )


def blas_threads():
    """The number of threads numpy's BLAS uses, or None when threadpoolctl is missing."""
    try:
        import threadpoolctl
    except ImportError:
        return None
    counts = [pool["num_threads"] for pool in threadpoolctl.threadpool_info() if pool.get("user_api") == "blas"]
    return counts[0] if counts else None


def limit_blas_threads(threads):
    """Limit numpy's BLAS to ``threads`` threads for the rest of the run (needs threadpoolctl)."""
    import threadpoolctl

    return threadpoolctl.threadpool_limits(threads)


def apply_threads(parser, threads):
    """Limit numpy's BLAS to the ``--threads`` a script was given (None: leave it); a usage error for a count
    below 1 or without threadpoolctl. Returns the limit, which the caller keeps for the whole run."""
    if threads is None:
        return None
    if threads < 1:
        parser.error(f"--threads must be >= 1, got {threads}")
    try:
        return limit_blas_threads(threads)
    except ImportError:
        parser.error("--threads needs threadpoolctl: pip install threadpoolctl")


def environment(extra=()):
    """Lines describing where and when a benchmark ran."""
    lines = [
        f"date: {datetime.datetime.now().strftime('%Y-%m-%d %H:%M')}",
        f"machine: {cpu_model()}, {os.cpu_count()} cores, {platform.system()} {platform.machine()}",
        f"python: {platform.python_implementation()} {platform.python_version()}",
    ]
    lines.extend(extra)
    try:
        load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
        lines.append(f"load average at start: {load}")
    except OSError:
        pass
    return lines


def openblas_overrides():
    """The OPENBLAS_* variables that pin an older kernel, as 'NAME=value' strings."""
    return [f"{name}={os.environ[name]}" for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if name in os.environ]


def median(values):
    return statistics.median(values)


CLOCKS = {  # --clock choice -> (the clock, how to name it)
    "wall": (time.perf_counter, "wall (time.perf_counter)"),
    "cpu": (time.process_time, "CPU time of this process (time.process_time)"),
}


def add_clock_option(parser):
    """``--clock wall|cpu``: time steps by the wall clock or by the process's CPU time (``CLOCKS[choice]``)."""
    parser.add_argument("--clock", choices=list(CLOCKS), default="wall",
                        help="time steps by the wall clock (default) or by this process's CPU time, "
                             "steadier on a busy machine (with one thread for every contender)")


def calls_per_turn(step, budget, most, probes=1):
    """How many calls of ``step()`` fill about ``budget`` seconds (2 to ``most``), from ``probes`` timed calls after one."""
    step()
    start = time.perf_counter()
    for _ in range(probes):
        step()
    once = (time.perf_counter() - start) / probes
    return max(2, min(most, int(budget / max(once, 1e-6))))


def run_interleaved(setups, rounds, calls_per_round, gc_enabled=True, clock=time.perf_counter):
    """Time each contender ``calls_per_round`` times per round, alternating their order each round.

    ``setups`` maps a name to an untimed setup function that returns the timed
    function ``step(k)`` (k counts the calls within a round, from 0). Garbage is
    collected before every turn, so no contender pays for another's; with
    ``gc_enabled=False`` the collector is off during the turn and collects after.
    ``clock`` reads the time (``time.process_time`` counts only this process's
    CPU time, steadier on a busy machine for single-threaded contenders).
    Returns name -> list of seconds per call.
    """
    names = list(setups)
    times = {name: [] for name in names}
    for round_index in range(rounds):
        for name in names if round_index % 2 == 0 else names[::-1]:
            step = setups[name]()
            gc.collect()
            if not gc_enabled:
                gc.disable()
            try:
                for k in range(calls_per_round):
                    start = clock()
                    step(k)
                    times[name].append(clock() - start)
            finally:
                gc.enable()
            del step
            gc.collect()
    return times


def paired_ratio(times, numerator, denominator, calls_per_round):
    """The median over rounds of (numerator's median / denominator's median) within each round.

    Contenders in one round ran back to back, so a slow spell of the machine
    mostly hits both: the per-round ratio is steadier than a ratio of overall medians.
    """
    return statistics.median(round_ratios(times, numerator, denominator, calls_per_round))


def round_ratios(times, numerator, denominator, calls_per_round):
    """Each round's (numerator's median / denominator's median): their spread says how steady a paired ratio is."""
    ratios = []
    for start in range(0, len(times[numerator]), calls_per_round):
        top = statistics.median(times[numerator][start : start + calls_per_round])
        bottom = statistics.median(times[denominator][start : start + calls_per_round])
        ratios.append(top / bottom)
    return ratios


def format_table(header, rows):
    """A GitHub-markdown table."""
    cells = [list(map(str, header))] + [list(map(str, row)) for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = ["| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths)) + " |" for row in cells]
    lines.insert(1, "|" + "|".join("-" * (width + 2) for width in widths) + "|")
    return "\n".join(lines)


def ms(seconds):
    return f"{seconds * 1e3:.3f}"
