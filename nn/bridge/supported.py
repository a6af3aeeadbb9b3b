"""Which of our models can leave for another framework: Sequential stacks of Linear, the activations,
Conv2d, the pooling layers and Flatten.

Only these exact classes translate: a subclass may compute something else in its
``forward``, so it is refused like any custom Module, by name and position.
"""

import numpy as np

from ..conv_layers import AvgPool2d, Conv2d, Flatten, MaxPool2d
from ..layers import MLP, Dropout, Identity, LeakyReLU, Linear, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh
from ..module import Module, Sequential

CONTAINERS = (Sequential, MLP)
LAYERS = (Linear, ReLU, LeakyReLU, Sigmoid, Tanh, Softmax, LogSoftmax, Identity, Dropout,
          Conv2d, MaxPool2d, AvgPool2d, Flatten)
WEIGHTED = (Linear, Conv2d)  # the layers that hold parameters: their dtype is the model's
IMAGE_LAYERS = (Conv2d, MaxPool2d, AvgPool2d)  # the layers that read (N, C, H, W) batches
FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def describe_supported(classes):
    """``"Linear, ReLU, ..."``: the names of ``classes`` for an error message."""
    return ", ".join(cls.__name__ for cls in classes)


def position_text(position):
    """How an error names a layer: ``layer '0.2'``, or ``the model`` for the root."""
    return f"layer {position!r}" if position else "the model"


def check_module(module, position, who, target):
    """Refuse (TypeError) a module that ``who`` cannot translate to ``target``, naming it and its position."""
    kind = type(module)
    if kind in LAYERS:
        return
    if kind in CONTAINERS:
        _check_container(module, position, who)
        return
    if not isinstance(module, Module):
        raise TypeError(f"{who}: expected an nn.Module, got {type(module).__name__}")
    bases = [cls.__name__ for cls in LAYERS + CONTAINERS if isinstance(module, cls)]
    what = f"a subclass of {bases[0]}" if bases else "a custom Module"
    hint = ""
    if kind.__module__.startswith("nn.scalar"):
        hint = "; nn.scalar models are made of Values: build the same network with nn.MLP to move it"
    raise TypeError(
        f"{who}: {position_text(position)} is a {kind.__name__} ({what}), which has no {target} counterpart; "
        f"{who} translates {describe_supported(CONTAINERS)} stacks of {describe_supported(LAYERS)}{hint}"
    )


def _check_container(module, position, who):
    """A Sequential whose parameters all live in its numbered layers (nothing the forward pass ignores)."""
    layers = {str(index) for index in range(len(module))}
    names = [name for name, _ in module.named_children()] + [name for name, _ in module.named_parameters()]
    extra = list(dict.fromkeys(name.split(".")[0] for name in names if name.split(".")[0] not in layers))
    if extra:
        raise TypeError(
            f"{who}: {position_text(position)} ({type(module).__name__}) holds {', '.join(map(repr, extra))} "
            "outside its sequence of layers, which its forward pass does not use; only the layers in the "
            "sequence translate"
        )


def walk(model, who, target):
    """Every module of ``model`` as ``(position, module)``, depth first, each checked by ``check_module``."""
    found = []

    def visit(module, position):
        check_module(module, position, who, target)
        found.append((position, module))
        if type(module) in CONTAINERS:
            for index, layer in enumerate(module):
                visit(layer, f"{position}.{index}" if position else str(index))

    visit(model, "")
    return found


def model_dtype(modules, who):
    """The one floating dtype of the Linear and Conv2d layers among ``modules``, None if there are none;
    ValueError if mixed."""
    dtypes = {}
    for position, module in modules:
        if type(module) in WEIGHTED:
            dtypes.setdefault(module.weight.data.dtype, position)
            if module.bias is not None:
                dtypes.setdefault(module.bias.data.dtype, position)
    if len(dtypes) > 1:
        listing = ", ".join(f"{dtype} (first at {position_text(position)})" for dtype, position in dtypes.items())
        raise ValueError(
            f"{who}: the layers hold parameters of different dtypes: {listing}; convert the model to one dtype first"
        )
    if not dtypes:
        return None
    (dtype,) = dtypes
    if dtype not in FLOAT_DTYPES:
        raise ValueError(f"{who}: the parameters are {dtype}; float32 and float64 models translate")
    return dtype
