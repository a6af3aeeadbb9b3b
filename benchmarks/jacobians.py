"""Forward against reverse mode: jacfwd and jacrev on a tall (R¹ → R⁵⁰⁰) and a wide (R⁵⁰⁰ → R¹) function.

Forward mode costs one pass per input, reverse mode one pass per output, so each
should win by a wide margin on its own side. PyTorch's ``torch.func.jacfwd`` /
``jacrev`` (eager CPU, vmapped) run beside ours on the same functions when torch
is installed.

    python benchmarks/jacobians.py              # about half a minute
    python benchmarks/jacobians.py --size 200   # other n, m
"""

import argparse

import numpy as np
from harness import environment, format_table, median, ms, run_interleaved

import autograd
from autograd import Tensor


def functions(size, seed=0):
    """(tall, wide, their numpy inputs, the weights): R¹ → R^size and R^size → R¹, each a small tanh network."""
    rng = np.random.default_rng(seed)
    weights = {
        "w1": rng.standard_normal(size) / 2,
        "b1": rng.standard_normal(size) / 10,
        "W2": rng.standard_normal((size, size)) / np.sqrt(size),
        "v": rng.standard_normal(size) / np.sqrt(size),
    }
    w1, b1, W2, v = (Tensor(weights[k]) for k in ("w1", "b1", "W2", "v"))

    def tall(x):  # (1,) -> (size,)
        hidden = (x * w1 + b1).tanh()
        return (W2 @ hidden).tanh() + hidden * x

    def wide(x):  # (size,) -> ()
        hidden = (W2 @ x + b1).tanh()
        return (hidden * v).sum() + (x * x).mean()

    inputs = {"tall": rng.standard_normal(1), "wide": rng.standard_normal(size)}
    return {"tall": tall, "wide": wide}, inputs, weights


def torch_functions(weights):
    """The same two functions in PyTorch (float64), or None without torch."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    w1, b1, W2, v = (torch.tensor(weights[k]) for k in ("w1", "b1", "W2", "v"))

    def tall(x):
        hidden = torch.tanh(x * w1 + b1)
        return torch.tanh(W2 @ hidden) + hidden * x

    def wide(x):
        hidden = torch.tanh(W2 @ x + b1)
        return (hidden * v).sum() + (x * x).mean()

    return torch, {"tall": tall, "wide": wide}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=500, help="n outputs of the tall function, n inputs of the wide one")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    parser.add_argument("--calls", type=int, default=5, help="timed calls per contender per round (default 5)")
    parser.add_argument("--without-torch", action="store_true", help="leave PyTorch out even if installed")
    parser.add_argument("--quick", action="store_true", help="tiny run: checks that the script runs")
    args = parser.parse_args()
    if args.quick:
        args.size, args.rounds, args.calls = 20, 1, 1
    ours, inputs, weights = functions(args.size)
    peer = None if args.without_torch else torch_functions(weights)

    print("# jacfwd vs jacrev\n")
    for line in environment([f"numpy: {np.__version__}", f"torch: {'left out' if peer is None else peer[0].__version__}"]):
        print(line)
    print(f"size: {args.size}; {args.rounds} rounds of {args.calls} calls each\n")

    rows = []
    for side in ("tall", "wide"):
        f, x = ours[side], inputs[side]
        forward, reverse = autograd.jacfwd(f)(x), autograd.jacrev(f)(x)
        agree = np.allclose(forward, reverse, rtol=1e-10, atol=1e-12)
        setups = {
            "jacfwd": lambda f=f, x=x: lambda k: autograd.jacfwd(f)(x),
            "jacrev": lambda f=f, x=x: lambda k: autograd.jacrev(f)(x),
        }
        if peer is not None:
            torch, torch_f = peer
            tx = torch.tensor(x)
            reference = torch.func.jacrev(torch_f[side])(tx).numpy()
            agree = agree and np.allclose(forward, reference, rtol=1e-10, atol=1e-12)
            func = torch.func
            setups["torch.func.jacfwd"] = lambda g=torch_f[side], tx=tx, func=func: lambda k: func.jacfwd(g)(tx)
            setups["torch.func.jacrev"] = lambda g=torch_f[side], tx=tx, func=func: lambda k: func.jacrev(g)(tx)
        times = run_interleaved(setups, args.rounds, args.calls)
        medians = {name: median(values) for name, values in times.items()}
        shape = f"R^{x.size} → R^{np.size(f(Tensor(x)).data)}"
        winner, loser = ("jacfwd", "jacrev") if side == "tall" else ("jacrev", "jacfwd")
        peers = [ms(medians[name]) if name in medians else "-" for name in ("torch.func.jacfwd", "torch.func.jacrev")]
        rows.append(
            (
                f"{side} ({shape})",
                ms(medians["jacfwd"]),
                ms(medians["jacrev"]),
                f"{winner} by {medians[loser] / medians[winner]:.0f}x",
                *peers,
                "yes" if agree else "NO",
            )
        )
    header = ("function", "jacfwd ms", "jacrev ms", "own side faster", "torch jacfwd ms", "torch jacrev ms", "same J")
    print(format_table(header, rows))
    print("\nforward mode: one pass per input; reverse mode: one pass per output")


if __name__ == "__main__":
    main()
