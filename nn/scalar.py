"""Neuron, Layer and MLP of scalar Values, laid out as in micrograd.

Small enough to draw as a graph of scalars. The weights are drawn with Python's
``random.uniform(-1, 1)`` in micrograd's order (neuron by neuron, layer by layer),
so after the same ``random.seed`` a model here and micrograd's hold the same
weights and give the same loss; ``rng=seed`` gives those same weights from a
generator of the model's own, leaving the global ``random`` state alone. A
hidden neuron relu(b + Σ wᵢxᵢ) is one fused ``neuron`` node (an output neuron's
b + Σ wᵢxᵢ one ``dot`` node), its sum added in the same order as micrograd's
chain of ``+`` nodes, so the numbers are micrograd's.

These are Modules: ``parameters()`` lists each neuron's weights then its bias,
layer by layer; ``named_parameters()`` names them ``layers.0.neurons.3.w.1`` and
``layers.0.neurons.3.b``; ``state_dict()`` stores each Value as a 0-d float64
array, so ``nn.save`` / ``nn.load`` work as for Tensor models.
"""

import numbers
import random

from autograd import Value, dot, neuron

from .data.checks import count
from .module import Module


def _python_rng(rng, where):
    """Where weights come from: None -> the ``random`` module itself (seeded by ``random.seed``),
    an int -> ``random.Random(seed)`` (the same draws as ``random.seed(seed)``), or a ``random.Random``."""
    if rng is None or rng is random:
        return random
    if isinstance(rng, random.Random):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        return random.Random(int(rng))
    raise TypeError(
        f"{where}: rng must be None (Python's random module), an int seed or a random.Random, "
        f"got {type(rng).__name__} {rng!r}"
    )


def _as_inputs(x, nin, owner):
    """``x`` as a list of ``nin`` Values; plain numbers become constants (once, not once per neuron)."""
    if x.__class__ is list and len(x) == nin:
        for item in x:
            if item.__class__ is not Value:
                break
        else:
            return x  # a layer's output read by the next layer: nothing to convert
    if isinstance(x, (Value, numbers.Real)):
        x = [x]
    try:
        size = len(x)
    except TypeError:
        raise TypeError(f"{owner!r}: expected a list of {nin} numbers or Values, got {type(x).__name__}") from None
    if size != nin:
        raise ValueError(f"{owner!r}: expected {nin} inputs, got {size}")
    inputs = list(x)
    for index, item in enumerate(inputs):
        if item.__class__ is Value:
            continue
        if item.__class__ is float:
            inputs[index] = Value(item, requires_grad=False)
        elif isinstance(item, Value):
            continue
        else:
            inputs[index] = Value(item, requires_grad=False)
    return inputs


class Neuron(Module):
    """relu(b + Σ wᵢxᵢ), or the bare sum with ``nonlin=False``; weights U(-1, 1), bias 0.

    ``rng``: None draws from Python's ``random`` module (so ``random.seed`` reproduces
    the weights, as in micrograd), an int seeds a ``random.Random`` of its own.
    """

    def __init__(self, nin, nonlin=True, rng=None):
        nin = count(nin, "Neuron: nin")
        uniform = _python_rng(rng, "Neuron").uniform
        self.w = [Value(uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(0.0)
        self.nonlin = bool(nonlin)

    def forward(self, x):
        """This neuron's output for ``len(w)`` inputs (numbers or Values)."""
        inputs = _as_inputs(x, len(self.w), self)
        return neuron(self.w, inputs, self.b) if self.nonlin else dot(self.w, inputs, self.b)

    def __repr__(self):
        return f"{'ReLU' if self.nonlin else 'Linear'}Neuron({len(self.w)})"


class Layer(Module):
    """``nout`` neurons reading the same ``nin`` inputs; keyword arguments (``nonlin``) go to each Neuron."""

    def __init__(self, nin, nout, rng=None, **kwargs):
        nin = count(nin, "Layer: nin")
        nout = count(nout, "Layer: nout")
        rng = _python_rng(rng, "Layer")
        self.neurons = [Neuron(nin, rng=rng, **kwargs) for _ in range(nout)]

    def outputs(self, x):
        """The list of the neurons' outputs (a list even for one neuron)."""
        x = _as_inputs(x, len(self.neurons[0].w), self)
        return [
            neuron(unit.w, x, unit.b) if unit.nonlin else dot(unit.w, x, unit.b)
            for unit in self.neurons
        ]

    def forward(self, x):
        """A Value for a layer of one neuron, else a list of Values."""
        out = self.outputs(x)
        return out[0] if len(out) == 1 else out

    def __repr__(self):
        nonlin = {True: "ReLU", False: "Linear"}
        kinds = {neuron.nonlin for neuron in self.neurons}
        kind = nonlin[kinds.pop()] if len(kinds) == 1 else "mixed"
        return f"Layer({len(self.neurons[0].w)}, {len(self.neurons)}, {kind})"


class MLP(Module):
    """Layers of sizes ``nouts`` on ``nin`` inputs; ReLU on every layer but the last (which is linear).

    ``rng`` as for Neuron: by default Python's ``random`` module, drawn layer by layer, neuron by neuron.
    """

    def __init__(self, nin, nouts, rng=None):
        nin = count(nin, "MLP: nin")
        if isinstance(nouts, numbers.Integral) or not hasattr(nouts, "__iter__"):
            raise TypeError(f"MLP: nouts must be a list of layer sizes, got {type(nouts).__name__} {nouts!r}")
        nouts = [count(n, "MLP: each layer size") for n in nouts]
        if not nouts:
            raise ValueError("MLP: nouts must name at least one layer size, got an empty list")
        sizes = [nin, *nouts]
        rng = _python_rng(rng, "MLP")
        self.layers = [
            Layer(sizes[i], sizes[i + 1], rng=rng, nonlin=i != len(nouts) - 1) for i in range(len(nouts))
        ]

    def forward(self, x):
        """A Value when the last layer has one neuron, else a list of Values."""
        for layer in self.layers:
            x = layer.outputs(x)
        return x[0] if len(x) == 1 else x

