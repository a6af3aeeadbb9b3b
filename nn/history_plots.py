"""Figures of a ``History``: ``plot`` (loss and metrics per epoch) and ``plot_health`` (the monitor's figures).

matplotlib is optional: it is imported when a figure is asked for.
"""

import math


def _pyplot(where):
    """matplotlib's ``Figure`` class, or an ImportError naming the extra to install."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError(f"{where} needs matplotlib: pip install \"chainrule[plot]\"") from None
    return Figure


def _epochs(values):
    return list(range(1, len(values) + 1))


def plot_history(history):
    """One panel for the loss and one per metric, training and validation lines, against the epoch."""
    Figure = _pyplot("History.plot")
    names = [key for key in history.keys() if not key.startswith("val_") and key != "lr"]
    figure = Figure(figsize=(4.0 * len(names), 3.2), layout="constrained")
    axes = figure.subplots(1, len(names), squeeze=False)[0]
    from matplotlib.ticker import MaxNLocator

    for ax, name in zip(axes, names):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.plot(_epochs(history[name]), history[name], marker="o", label="train")
        if f"val_{name}" in history:
            ax.plot(_epochs(history[f"val_{name}"]), history[f"val_{name}"], marker="o", label="validation")
            ax.legend()
        ax.set_title(name)
        ax.set_xlabel("epoch")
    return figure


def _layer_grad_norms(history):
    """``{layer: [grad norm per epoch]}``: each layer's parameters' norms combined (root of the sum of squares)."""
    layers = {}
    for name, record in history.layers.items():
        layer = name.rpartition(".")[0] or name
        squares = [value * value for value in record["grad_norm"]]
        if layer in layers:
            layers[layer] = [a + b for a, b in zip(layers[layer], squares)]
        else:
            layers[layer] = squares
    return {layer: [math.sqrt(value) for value in squares] for layer, squares in layers.items()}


def _colors(count):
    """One colour per line, from the first layer (dark) to the last (light), so depth reads as a shade."""
    from matplotlib import colormaps

    cmap = colormaps["viridis"]
    return [cmap(0.9 * index / max(count - 1, 1)) for index in range(count)]


def plot_health(history):
    """Three panels: gradient norm per layer (log scale), update ratio per weight (log scale), dead fractions.

    Lines are shaded by depth: dark for the layers nearest the input, light for the last.
    """
    Figure = _pyplot("History.plot_health")
    from matplotlib.ticker import MaxNLocator

    if not history.layers:
        raise ValueError("History.plot_health: this History has no health figures; train with fit(..., monitor=True)")
    figure = Figure(figsize=(13.0, 3.6), layout="constrained")
    grads, ratios, dead = figure.subplots(1, 3)
    layer_norms = _layer_grad_norms(history)
    for color, (layer, norms) in zip(_colors(len(layer_norms)), layer_norms.items()):
        grads.plot(_epochs(norms), norms, marker="o", color=color, label=f"layer {layer}")
    grads.set_yscale("log")
    grads.set_title("gradient norm per layer")
    weights = [(name, record) for name, record in history.layers.items() if not name.endswith("bias")]
    for color, (name, record) in zip(_colors(len(weights)), weights):
        ratios.plot(_epochs(record["update_ratio"]), record["update_ratio"], marker="o", color=color, label=name)
    ratios.axhline(1e-3, color="grey", linestyle=":", linewidth=1)
    ratios.set_yscale("log")
    ratios.set_title("update ratio ‖Δθ‖/‖θ‖ (weights)")
    activations = list(history.activations.items())
    for color, (name, record) in zip(_colors(len(activations)), activations):
        dead.plot(_epochs(record["dead_fraction"]), record["dead_fraction"], marker="o", color=color,
                  label=f"layer {name}")
    dead.set_ylim(-0.05, 1.05)
    dead.set_title("dead (or saturated) share of units")
    for ax in (grads, ratios, dead):
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize="x-small", loc="center left", bbox_to_anchor=(1.0, 0.5))
    return figure
