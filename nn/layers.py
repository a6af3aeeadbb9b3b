"""Layers on Tensors: Linear, the activations, Dropout and MLP, each with its declaration (nn.declaration).

``Linear`` holds a weight of shape ``(in_features, out_features)`` and computes
``X @ W + b``, the batch form of the course notes (Z = XW + b): each row of X is
one sample.
"""

import copy
import math
import numbers
import warnings

import numpy as np

from autograd import Primitive, Tensor, Value, is_grad_enabled, linear, numpy_argument

from . import functional as F
from .bridge import onnx_layers as lower
from .data.checks import count
from .declaration import Declaration, Unsupported, declaration_of
from .init import initialise, make_rng
from .module import Module, Parameter, Sequential
from .training_warning import TrainingWarning


def _as_tensor_input(x, dtype, where):
    """A Tensor as it is (integer data converted to ``dtype``); an ndarray or list as a constant Tensor.

    ``where`` names the caller in errors: a str, or the module itself (its repr is made only on error).
    """
    if x.__class__ is Tensor and x._data.dtype.kind == "f":  # the fast path: a float Tensor as it is
        return x
    if isinstance(x, Tensor):
        if x.data.dtype.kind == "f":
            return x
        return Tensor(x.data.astype(dtype))
    if isinstance(x, Value):
        raise TypeError(f"{_name(where)}: takes a Tensor (one sample per row), got a Value; use nn.scalar for Values")
    if isinstance(x, (np.ndarray, list, tuple, numbers.Real)) and not isinstance(x, bool):
        array = np.asarray(x)
        if array.dtype.kind not in "biuf":
            raise TypeError(f"{_name(where)}: the input must hold real numbers, got dtype {array.dtype}")
        return Tensor(array if array.dtype.kind == "f" else array.astype(dtype))
    raise TypeError(f"{_name(where)}: expected a Tensor, an ndarray or a list of numbers, got {type(x).__name__}")


def _name(where):
    return where if isinstance(where, str) else repr(where)


class Linear(Module):
    """X @ W + b with W of shape (in_features, out_features) and b of shape (out_features,).

    ``init``: "he" N(0, 2/in), "xavier" N(0, 2/(in+out)), "normal" N(0, 0.01²),
    "uniform" U(±1/√in), "zeros", or a callable ``init(shape, rng=, dtype=)``.
    The bias starts at zero. ``rng`` (a Generator or a seed) makes the draw reproducible.
    """

    def __init__(self, in_features, out_features, bias=True, init="he", rng=None, dtype=np.float64):
        self.in_features = count(in_features, "Linear: in_features")
        self.out_features = count(out_features, "Linear: out_features")
        if not isinstance(bias, bool):
            raise TypeError(f"Linear: bias must be True or False, got {type(bias).__name__} {bias!r}")
        shape = (self.in_features, self.out_features)
        weight = initialise(init, shape, make_rng(rng, "Linear(rng=...)"), dtype, where="Linear")
        self.weight = Parameter(weight)
        self.bias = Parameter(np.zeros(self.out_features, dtype=weight.dtype)) if bias else None

    declaration = Declaration(
        torch="Linear",
        to_torch=lambda layer: dict(in_features=layer.in_features, out_features=layer.out_features,
                                    bias=layer.bias is not None),
        from_torch=lambda cls, layer, dtype: cls(layer.in_features, layer.out_features, bias=layer.bias is not None,
                                               init="zeros", dtype=dtype),
        transposed=("weight",),  # PyTorch's is (out, in): x @ W.T + b
        onnx=lower.linear,
    )

    def forward(self, x):
        """x @ weight + bias for x of shape (..., in_features): one ``linear`` node for a batch of rows."""
        weight = self.weight
        if x.__class__ is not Tensor and not isinstance(x, Tensor):
            x = _as_tensor_input(x, weight.data.dtype, self)
        try:
            return linear(x, weight, self.bias)  # one node; an integer Tensor x takes the weight's dtype (promotion)
        except ValueError:
            shape = x.data.shape
            if not shape or shape[-1] != self.in_features:
                given = "a 0-d input" if not shape else f"{shape[-1]} (input shape {shape})"
                raise ValueError(
                    f"{self!r}: expected {self.in_features} features on the last axis, got {given}"
                ) from None
            raise

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


def _plain(torch_name, onnx_op, activation=None, activation_name=None):
    """The declaration of a layer without settings: ``torch.nn.<torch_name>()``, one ONNX operator."""
    return Declaration(torch=torch_name, to_torch=lambda layer: {}, from_torch=lambda cls, layer, dtype: cls(),
                       onnx=lower.elementwise(onnx_op), activation=activation, activation_name=activation_name)


class ReLU(Module):
    """max(x, 0) elementwise."""

    declaration = _plain("ReLU", "Relu", activation="relu", activation_name="relu")

    def forward(self, x):
        return x.relu() if x.__class__ is Tensor else F.relu(x)


class LeakyReLU(Module):
    """x where x > 0, else negative_slope·x."""

    def __init__(self, negative_slope=0.01):
        if isinstance(negative_slope, bool) or not isinstance(negative_slope, numbers.Real):
            raise TypeError(f"LeakyReLU: negative_slope must be a real number, got {type(negative_slope).__name__}")
        self.negative_slope = float(negative_slope)

    declaration = Declaration(
        torch="LeakyReLU",
        to_torch=lambda layer: dict(negative_slope=layer.negative_slope),
        from_torch=lambda cls, layer, dtype: cls(layer.negative_slope),
        onnx=lower.leaky_relu,
        activation="positive",
        activation_name="leaky_relu",
    )

    def forward(self, x):
        return F.leaky_relu(x, self.negative_slope)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}"


class Sigmoid(Module):
    """σ(x) = 1 / (1 + e^-x) elementwise."""

    declaration = _plain("Sigmoid", "Sigmoid", activation="sigmoid", activation_name="sigmoid")

    def forward(self, x):
        return F.sigmoid(x)


class Tanh(Module):
    """tanh x elementwise."""

    declaration = _plain("Tanh", "Tanh", activation="tanh", activation_name="tanh")

    def forward(self, x):
        return F.tanh(x)


class GELU(Module):
    """x·Φ(x) with Φ the standard normal CDF: ½x(1 + erf(x/√2)), from autograd's ``erf``.

    ``approximate="tanh"`` computes ½x(1 + tanh(√(2/π)(x + 0.044715x³))), as PyTorch's does.
    ``dtype`` is the one integer inputs are converted to.
    """

    def __init__(self, approximate="none", dtype=np.float64):
        if not isinstance(approximate, str):
            raise TypeError(f"GELU: approximate must be 'none' or 'tanh', got {type(approximate).__name__}")
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate
        self.dtype = np.dtype(dtype)

    declaration = Declaration(
        torch="GELU",
        to_torch=lambda layer: dict(approximate=layer.approximate),
        from_torch=lambda cls, layer, dtype: cls(layer.approximate),
        onnx=lower.gelu,
        activation="positive",  # a unit is active where x > 0, i.e. where GELU(x) > 0
        activation_name="gelu",
    )

    def forward(self, x):
        if not isinstance(x, (Tensor, Value)):
            x = _as_tensor_input(x, self.dtype, self)
        if self.approximate == "tanh":
            inner = (x + 0.044715 * (x * x * x)) * math.sqrt(2.0 / math.pi)
            return 0.5 * x * (1.0 + inner.tanh())
        return 0.5 * x * (1.0 + (x * (1.0 / math.sqrt(2.0))).erf())

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class Identity(Module):
    """Returns its input unchanged."""

    declaration = _plain("Identity", "Identity", activation_name="identity")

    def forward(self, x):
        return x


def _softmax_declaration(name):
    """Softmax and LogSoftmax: ``dim`` in PyTorch, ``axis`` here; a torch layer without dim is refused."""

    def from_torch(cls, layer, dtype):
        if layer.dim is None:
            raise Unsupported("dim=None, whose axis PyTorch guesses from the input's rank",
                              f"an axis: give it one, e.g. torch.nn.{name}(dim=-1)")
        return cls(layer.dim)

    return Declaration(torch=name, to_torch=lambda layer: dict(dim=layer.axis), from_torch=from_torch,
                       onnx=lower.softmax, activation_name="log_softmax" if name == "LogSoftmax" else "softmax")


def _check_axis(axis, where):
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral):
        raise TypeError(f"{where}: axis must be an int, got {type(axis).__name__} {axis!r}")
    return int(axis)


class Softmax(Module):
    """e^xᵢ / Σⱼ e^xⱼ along ``axis`` (PyTorch's ``dim``), stable."""

    def __init__(self, axis=-1, *, dim=None):
        self.axis = _check_axis(numpy_argument("Softmax", "axis", axis, -1, dim=dim), "Softmax")

    declaration = _softmax_declaration("Softmax")

    def forward(self, x):
        return F.softmax(x, axis=self.axis)

    def extra_repr(self):
        return f"axis={self.axis}"


class LogSoftmax(Module):
    """xᵢ - log Σⱼ e^xⱼ along ``axis`` (PyTorch's ``dim``), stable; pairs with NLLLoss."""

    def __init__(self, axis=-1, *, dim=None):
        self.axis = _check_axis(numpy_argument("LogSoftmax", "axis", axis, -1, dim=dim), "LogSoftmax")

    declaration = _softmax_declaration("LogSoftmax")

    def forward(self, x):
        return F.log_softmax(x, axis=self.axis)

    def extra_repr(self):
        return f"axis={self.axis}"


class Dropout(Module):
    """Inverted dropout: in training mode each element is zeroed with probability ``p`` and
    the survivors are scaled by 1/(1 - p), so the expected output equals the input;
    in evaluation mode (``model.eval()``) the identity. ``p = 1`` drops everything, as in PyTorch.
    """

    def __init__(self, p=0.5, rng=None):
        if isinstance(p, bool) or not isinstance(p, numbers.Real):
            raise TypeError(f"Dropout: p must be a number in [0, 1], got {type(p).__name__} {p!r}")
        if not 0 <= p <= 1:
            raise ValueError(f"Dropout: p must be in [0, 1] (the probability of zeroing an element), got {p}")
        self.p = float(p)
        self._rng = make_rng(rng, "Dropout(rng=...)")

    declaration = Declaration(torch="Dropout", to_torch=lambda layer: dict(p=layer.p),
                              from_torch=lambda cls, layer, dtype: cls(layer.p),
                              onnx=lower.elementwise("Identity"))  # the graph is for inference: Dropout off

    def forward(self, x):
        x = _as_tensor_input(x, np.float64, "Dropout")
        if not self.training and self.p > 0 and x.requires_grad and is_grad_enabled():
            return _dropout_off(x)  # the identity, whose backward warns: training in eval mode?
        return F.dropout(x, self.p, self.training, self._rng)

    def extra_repr(self):
        return f"p={self.p}"


def _identity(x):
    """Dropout in eval mode: the identity."""
    return x


_dropout_off = Primitive(_identity, name="dropout (eval mode)")


@_dropout_off.defvjp
def _dropout_off_vjp(g, out, x):
    warnings.warn(
        "backward() ran through a Dropout in eval mode, where it drops nothing: if you are training, "
        "call model.train() first (model.eval() switches Dropout off for evaluation)",
        TrainingWarning,
        stacklevel=2,
    )
    return (g * 1.0,)


ACTIVATIONS = {  # the names MLP(activation=...) takes, from the declarations of this file's layers
    declaration_of(kind).activation_name: kind
    for kind in list(globals().values())
    if isinstance(kind, type) and issubclass(kind, Module) and getattr(declaration_of(kind), "activation_name", None)
}


def _activation(spec, where):
    """A fresh activation Module from a name, a Module class or a Module instance (copied)."""
    if isinstance(spec, str):
        try:
            return ACTIVATIONS[spec]()
        except KeyError:
            raise ValueError(
                f"{where}: unknown activation {spec!r}; expected one of {', '.join(map(repr, ACTIVATIONS))}"
            ) from None
    if isinstance(spec, Module):
        return copy.deepcopy(spec)
    if isinstance(spec, type) and issubclass(spec, Module):
        return spec()
    raise TypeError(f"{where}: an activation is a name, a Module class or a Module, got {type(spec).__name__}")


class MLP(Sequential):
    """Linear layers of the given ``sizes`` with an activation between them.

    ``MLP([2, 16, 16, 1], activation="relu", out="sigmoid")`` is
    Linear(2, 16), ReLU, Linear(16, 16), ReLU, Linear(16, 1), Sigmoid. ``out=None``
    leaves the last layer linear (logits, as CrossEntropyLoss and BCEWithLogitsLoss want).
    ``init=None`` picks "he" for relu-like activations and "xavier" for the others.
    All layers draw from one generator made from ``rng``.
    """

    def __init__(self, sizes, activation="relu", out=None, init=None, rng=None, bias=True, dtype=np.float64):
        if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__iter__"):
            raise TypeError(f"MLP: sizes must be a list of layer widths like [2, 16, 1], got {type(sizes).__name__}")
        sizes = [count(n, "MLP: every size") for n in sizes]
        if len(sizes) < 2:
            raise ValueError(f"MLP: sizes needs an input and an output width (2 or more numbers), got {sizes}")
        if init is None:
            relu_like = activation in ("relu", "leaky_relu", ReLU, LeakyReLU)
            init = "he" if relu_like or isinstance(activation, (ReLU, LeakyReLU)) else "xavier"
        generator = make_rng(rng, "MLP(rng=...)")
        layers = []
        for index, (fan_in, fan_out) in enumerate(zip(sizes, sizes[1:])):
            layers.append(Linear(fan_in, fan_out, bias=bias, init=init, rng=generator, dtype=dtype))
            if index < len(sizes) - 2:
                layers.append(_activation(activation, "MLP"))
        if out is not None:
            layers.append(_activation(out, "MLP(out=...)"))
        super().__init__(*layers)
        self.sizes = sizes

    declaration = Declaration(torch="Sequential", container=True)  # from_torch gives back a Sequential


# Sequential is defined in nn.module, beneath the layers; its declaration is stated here, beside MLP's
Sequential.declaration = Declaration(torch="Sequential", container=True)
