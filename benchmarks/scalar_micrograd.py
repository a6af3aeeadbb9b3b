"""The scalar engine beside micrograd, on micrograd's own demo.

One training step of MLP(2, [16, 16, 1]) on 100 two-moons points with labels
±1: forward, the loss mean(relu(1 - y·score)) + 1e-4·Σθ², zero_grad, backward,
and SGD with micrograd's schedule lr = 1 - 0.9·k/100. Both engines run in one
process, interleaved, several rounds, with Python's default garbage collector
and with the collector off. Also: memory per op node (tracemalloc), and the
check that both compute the same loss from the same weights.

    python benchmarks/scalar_micrograd.py              # full run (about a minute)
    python benchmarks/scalar_micrograd.py --cprofile   # also: where our step spends its time
    python benchmarks/scalar_micrograd.py --parts      # also: CPU time of each part of our step
    python benchmarks/scalar_micrograd.py --quick      # a few seconds, to check that it runs
"""

import argparse
import cProfile
import gc
import io
import math
import pstats
import random
import sys
import time
import tracemalloc

import harness

from autograd import Value, sum_values
from autograd.core import engine
from nn import l2_penalty
from nn.data import make_moons
from nn.scalar import MLP

try:
    from micrograd.engine import Value as MicrogradValue
    from micrograd.nn import MLP as MicrogradMLP
except ImportError:
    MicrogradValue = MicrogradMLP = None

SEED = 1337
ALPHA = 1e-4  # weight of the L2 penalty, as in micrograd's demo


def moons(n_samples=100, noise=0.1, seed=SEED):
    """Two interleaving half circles (rows of 2 floats) and labels ±1.0, as Python lists."""
    X, y = make_moons(n_samples, noise=noise, rng=seed)
    return X.tolist(), [2.0 * float(label) - 1.0 for label in y]


def our_model():
    random.seed(SEED)
    return MLP(2, [16, 16, 1])


def micrograd_model():
    random.seed(SEED)
    return MicrogradMLP(2, [16, 16, 1])


def our_loss(model, params, X, y):
    """mean(relu(1 - y·score)) + α·Σθ²: one fused sum node for the mean, one fused dot node for Σθ²."""
    scores = [model(row) for row in X]
    margins = [(1.0 - label * score).relu() for label, score in zip(y, scores)]
    return sum_values(margins) * (1.0 / len(margins)) + ALPHA * l2_penalty(params)


def micrograd_loss(model, params, X, y):
    """micrograd's demo loss, written as its notebook writes it."""
    inputs = [list(map(MicrogradValue, row)) for row in X]
    scores = list(map(model, inputs))
    losses = [(1 + -label * score).relu() for label, score in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    return data_loss + ALPHA * sum(p * p for p in params)


def training_step(loss_function):
    """A setup returning ``step(k)``: loss, zero_grad, backward, SGD with lr = 1 - 0.9·k/100."""

    def make(model, X, y):
        params = model.parameters()

        def step(k):
            total = loss_function(model, params, X, y)
            model.zero_grad()
            total.backward()
            learning_rate = 1.0 - 0.9 * k / 100
            for p in params:
                p.data -= learning_rate * p.grad
            return total.data

        return step

    return make


our_step = training_step(our_loss)
micrograd_step = training_step(micrograd_loss)


def check_same_loss(X, y, steps):
    """Losses of both engines from the same seeded weights: at the start, and after ``steps`` SGD steps."""
    ours, theirs = our_step(our_model(), X, y), micrograd_step(micrograd_model(), X, y)
    our_losses = [ours(k) for k in range(steps)]
    their_losses = [theirs(k) for k in range(steps)]
    return our_losses, their_losses


def count_nodes(root, parents_of):
    seen, stack = {id(root)}, [root]
    while stack:
        for parent in parents_of(stack.pop()):
            if id(parent) not in seen:
                seen.add(id(parent))
                stack.append(parent)
    return len(seen)


def bytes_per_product_node(make_leaf, n):
    """Bytes that n products ``a * b`` of fresh leaves hold, per product, beyond the list holding them."""
    left = [make_leaf(random.random()) for _ in range(n)]
    right = [make_leaf(random.random()) for _ in range(n)]
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        products = [a * b for a, b in zip(left, right)]
        held = tracemalloc.get_traced_memory()[0] - before - sys.getsizeof(products)
    finally:
        tracemalloc.stop()
    return held / len(products)


def bytes_per_step_node(model, loss_function, X, y, parents_of):
    """Bytes that one step's graph (alive until backward) holds, over its number of nodes (data leaves included)."""
    params = model.parameters()
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        total = loss_function(model, params, X, y)
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    nodes = count_nodes(total, parents_of) - len(params)
    del total
    gc.collect()
    return held / nodes, nodes


def summarize(times, baseline, contender, calls_per_round):
    """Table rows (median, min, steps) and the speed-up: paired per round, of medians, of minima."""
    rows = []
    for name in (contender, baseline):
        values = times[name]
        rows.append([name, harness.ms(harness.median(values)), harness.ms(min(values)), len(values)])
    paired = harness.paired_ratio(times, baseline, contender, calls_per_round)
    of_medians = harness.median(times[baseline]) / harness.median(times[contender])
    of_minima = min(times[baseline]) / min(times[contender])
    return rows, (paired, of_medians, of_minima)


def profile_our_step(X, y, steps, top):
    """cProfile of our training step: the functions with the most time of their own."""
    gc.collect()  # leave no other engine's garbage for the collector to find during the profile
    step = our_step(our_model(), X, y)
    step(0)
    profiler = cProfile.Profile()
    profiler.enable()
    for k in range(steps):
        step(k)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


def our_step_parts(X, y, rounds, steps):
    """CPU time (ms) of each part of our step, median over the benchmark's steps (GC off); the share of neurons off."""
    names = ["forward + loss", "zero_grad", "topological order", "rules + accumulation", "SGD update", "freeing"]
    parts = {name: [] for name in names}
    off = []
    clock = time.process_time
    gc.collect()
    gc.disable()
    try:
        for _ in range(rounds):
            model = our_model()
            params = model.parameters()
            for k in range(steps):
                start = clock()
                total = our_loss(model, params, X, y)
                built = clock()
                model.zero_grad()
                zeroed = clock()
                order = engine.topological_order(total)
                sorted_ = clock()
                total.backward()  # sorts again: its own sort is taken off below
                propagated = clock()
                learning_rate = 1.0 - 0.9 * k / 100
                for p in params:
                    p.data -= learning_rate * p.grad
                updated = clock()
                neurons = [node for node in order if node.op == "neuron"]
                off.append(sum(node.data == 0.0 for node in neurons) / len(neurons))
                del neurons
                counted = clock()
                del total, order
                freed = clock()
                sort = sorted_ - zeroed
                spans = [built - start, zeroed - built, sort, propagated - sorted_ - sort, updated - propagated,
                         freed - counted]
                for name, span in zip(names, spans):
                    parts[name].append(span)
    finally:
        gc.enable()
    return {name: harness.median(spans) * 1e3 for name, spans in parts.items()}, harness.median(off)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=100, help="moons points in the batch (default 100)")
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds per GC mode (default 7)")
    parser.add_argument("--steps", type=int, default=3, help="timed training steps per engine per round (default 3)")
    parser.add_argument("--nodes", type=int, default=100_000, help="products built to measure bytes per node")
    parser.add_argument("--check-steps", type=int, default=20, help="training steps compared for equal losses")
    parser.add_argument("--cprofile", action="store_true", help="also print a cProfile of our step")
    parser.add_argument("--parts", action="store_true", help="also: CPU time of each part of our step (GC off)")
    parser.add_argument("--quick", action="store_true", help="tiny sizes: checks that the script runs")
    args = parser.parse_args(argv)
    if MicrogradMLP is None:
        parser.error("needs micrograd: pip install micrograd==0.1.0 (or pip install -e '.[bench]')")
    if args.quick:
        args.points, args.rounds, args.steps, args.nodes, args.check_steps = 12, 2, 1, 2_000, 2
    X, y = moons(args.points)

    import micrograd

    for line in harness.environment([f"micrograd: {getattr(micrograd, '__version__', '0.1.0')}"]):
        print(line)
    print("ours: nn.scalar.MLP (one fused neuron node per hidden neuron, one dot node per output); sum_values for the mean; nn.l2_penalty (one dot) for Σθ²")
    print(f"work: MLP(2, [16, 16, 1]) on {len(X)} moons points; {args.rounds} rounds x {args.steps} steps per mode\n")

    our_losses, their_losses = check_same_loss(X, y, args.check_steps)
    same_start = our_losses[0] == their_losses[0]
    drift = max(abs(a - b) / abs(b) for a, b in zip(our_losses, their_losses))
    print("## Same loss from the same weights")
    print(f"initial loss: ours {our_losses[0]!r}, micrograd {their_losses[0]!r}, bit-identical: {same_start}")
    print(
        f"largest relative difference over {args.check_steps} SGD steps: {drift:.2e} "
        "(gradient sums may add in another order)\n"
    )

    setups = {
        "chainrule": lambda: our_step(our_model(), X, y),
        "micrograd": lambda: micrograd_step(micrograd_model(), X, y),
    }
    print("## Step time (forward + loss + backward + SGD), ms")
    results = []
    for mode, enabled in (("default GC", True), ("GC off", False)):
        times = harness.run_interleaved(setups, args.rounds, args.steps, gc_enabled=enabled)
        rows, ratios = summarize(times, "micrograd", "chainrule", args.steps)
        results.append((mode, *ratios))
        print(f"\n{mode}:")
        print(harness.format_table(["engine", "median", "min", "steps"], rows))
    print()
    print(
        harness.format_table(
            ["GC", "speed-up (paired)", "of medians", "of minima", "target / goal"],
            [
                [
                    mode,
                    f"{paired:.1f}x",
                    f"{of_medians:.1f}x",
                    f"{of_minima:.1f}x",
                    "≥10x / 50x" if mode == "default GC" else "≥3x / 8x",
                ]
                for mode, paired, of_medians, of_minima in results
            ],
        )
    )

    print("paired: the median over rounds of micrograd's median step over ours within the round")
    print("\n## Bytes per op node (tracemalloc)")
    product_ours = bytes_per_product_node(Value, args.nodes)
    product_theirs = bytes_per_product_node(MicrogradValue, args.nodes)
    step_ours, nodes_ours = bytes_per_step_node(our_model(), our_loss, X, y, lambda v: v.parents)
    step_theirs, nodes_theirs = bytes_per_step_node(micrograd_model(), micrograd_loss, X, y, lambda v: v._prev)
    print(
        harness.format_table(
            ["method", "chainrule", "micrograd", "target"],
            [
                [f"{args.nodes} products a*b of fresh leaves", f"{product_ours:.0f}", f"{product_theirs:.0f}", "≤200"],
                [
                    f"one step's graph / its nodes ({nodes_ours} vs {nodes_theirs} nodes)",
                    f"{step_ours:.0f}",
                    f"{step_theirs:.0f}",
                    "",
                ],
            ],
        )
    )

    if args.parts:
        parts, off = our_step_parts(X, y, args.rounds, args.steps)
        print("\n## Our step in parts: process CPU time, ms, median over the steps above (GC off)")
        rows = [[name, f"{value:.2f}"] for name, value in parts.items()]
        rows.append(["sum", f"{sum(parts.values()):.2f}"])
        print(harness.format_table(["part", "ms"], rows))
        print(f"hidden neurons off (sum ≤ 0, so no gradient flows through them): {off:.0%} of them, median per step")
    if args.cprofile:
        print("\n## cProfile of our step (sorted by own time)")
        print(profile_our_step(X, y, max(args.steps, 3), top=15))
    return 0 if same_start and math.isfinite(drift) else 1


if __name__ == "__main__":
    sys.exit(main())
