"""``to_torch`` / ``from_torch``: the same network as a PyTorch module and back, weights and all.

Each layer's class declares its counterpart (``nn.declaration``): the torch.nn class,
its settings both ways, and the state names PyTorch holds transposed (our
``Linear.weight`` is ``(in_features, out_features)``, PyTorch's ``(out, in)``). The
state (parameters and buffers) is copied under its ``state_dict()`` names, in its
dtype; the training mode and weight sharing (one layer used twice) are kept; nested
Sequentials stay nested, so the names ("0.weight", ...) agree on both sides.
"""

import numpy as np

from ..declaration import Unsupported
from ..module import Sequential
from ..optional import require
from .supported import model_dtype, position_text, state_of, translatable, walk

_TORCH_DTYPES = {np.dtype(np.float32): "float32", np.dtype(np.float64): "float64"}


def to_torch(model):
    """A ``torch.nn.Module`` computing what ``model`` computes, with copies of its weights in its dtype.

    ``model`` is an ``nn.Sequential`` or ``nn.MLP`` of layers that declare a PyTorch
    counterpart (Linear, the activations, Dropout, Conv2d, the pools, Flatten, Embedding,
    BatchNorm1d, LayerNorm, ...), or one such layer; anything else is refused with a
    TypeError naming the layer and its position, a module with forward hooks with a
    ValueError. Needs PyTorch (``pip install "chainrule[torch]"``).
    """
    modules = walk(model, "nn.to_torch", "PyTorch")
    model_dtype(modules, "nn.to_torch")
    torch = require("torch", "torch", "nn.to_torch")
    return _to_torch(model, torch, {})


def _to_torch(module, torch, made):
    """The torch counterpart of one (already checked) module; ``made`` maps id -> counterpart to keep sharing."""
    if id(module) in made:
        return made[id(module)]
    declaration = vars(type(module))["declaration"]
    if declaration.container:
        converted = torch.nn.Sequential(*(_to_torch(layer, torch, made) for layer in module))
    else:
        settings = declaration.to_torch(module)
        state = state_of(module)
        if state:
            settings["dtype"] = getattr(torch, _TORCH_DTYPES[next(iter(state.values())).dtype])
        converted = getattr(torch.nn, declaration.torch)(**settings)
        theirs = converted.state_dict()  # tensors sharing the module's storage
        with torch.no_grad():
            for name, array in state.items():
                array = array.T if name in declaration.transposed else array
                theirs[name].copy_(torch.from_numpy(np.ascontiguousarray(array)))
    converted.training = module.training
    made[id(module)] = converted
    return converted


def from_torch(module):
    """Our ``nn.Sequential`` (or layer) computing what the PyTorch ``module`` computes, with copies of its weights.

    ``module`` is a ``torch.nn.Sequential`` of the torch.nn layers that one of ours declares as
    its counterpart (Linear, the activations, Softmax and LogSoftmax with ``dim`` given,
    Dropout, Conv2d without dilation or groups, the pools without padding, Flatten,
    Embedding, BatchNorm1d, LayerNorm, GELU), in float32 or float64; another layer is refused
    with a TypeError, a setting we do not have or forward hooks with a ValueError, each naming
    the layer and its position. BatchNorm's ``num_batches_tracked`` is accepted and not kept.
    The result's layers are numbered 0, 1, ... as ours always are.
    """
    torch = require("torch", "torch", "nn.from_torch")
    if not isinstance(module, torch.nn.Module):
        raise TypeError(f"nn.from_torch: expected a torch.nn.Module, got {type(module).__name__}")
    table = {}
    for cls in translatable("PyTorch"):
        declaration = vars(cls)["declaration"]
        if not declaration.container:
            table.setdefault(getattr(torch.nn, declaration.torch), cls)
    converted = _from_torch(module, "", torch, table, {})
    model_dtype(walk(converted, "nn.from_torch", "chainrule"), "nn.from_torch")
    return converted


def _from_torch(module, position, torch, table, made):
    if id(module) in made:
        return made[id(module)]
    kind = type(module)
    hooks = len(getattr(module, "_forward_hooks", ())) + len(getattr(module, "_forward_pre_hooks", ()))
    if hooks:
        raise ValueError(
            f"nn.from_torch: {position_text(position)} ({kind.__name__}) has {hooks} forward hook(s), which the "
            "chainrule model would not run; remove them (handle.remove()) before translating"
        )
    if kind is torch.nn.Sequential:
        layers = []
        for name, child in module._modules.items():  # named_children() would skip a layer used twice
            layers.append(_from_torch(child, f"{position}.{name}" if position else name, torch, table, made))
        converted = Sequential(*layers)
    elif kind in table:
        converted = _layer_from_torch(module, position, table[kind], torch)
    else:
        supported = ", ".join(cls.__name__ for cls in (torch.nn.Sequential, *table))
        raise TypeError(
            f"nn.from_torch: {position_text(position)} is a {kind.__module__}.{kind.__name__}, which has no "
            f"chainrule counterpart; nn.from_torch translates torch.nn {supported}"
        )
    converted.training = module.training
    made[id(module)] = converted
    return converted


def _layer_from_torch(layer, position, cls, torch):
    """Our layer of class ``cls`` for one torch layer: its settings by its declaration, then its state copied in."""
    declaration = vars(cls)["declaration"]
    kind = type(layer).__name__
    state = {name: tensor for name, tensor in layer.state_dict().items() if name not in declaration.torch_only}
    dtypes = {tensor.dtype for tensor in state.values()}
    for dtype in dtypes:
        if dtype not in (torch.float32, torch.float64):
            raise ValueError(
                f"nn.from_torch: {position_text(position)} ({kind}) holds {dtype} weights; "
                "float32 and float64 translate: convert with module.float() or module.double() first"
            )
    dtype = np.float32 if dtypes == {torch.float32} else np.float64
    try:
        converted = declaration.from_torch(cls, layer, dtype)
    except Unsupported as error:
        raise ValueError(f"nn.from_torch: {position_text(position)} is a {kind} with {error.setting}; "
                         f"chainrule's {kind} has {error.accepted}") from None
    except ValueError as error:
        raise ValueError(f"nn.from_torch: {position_text(position)}: {error}") from None
    arrays = {}
    for name, tensor in state.items():
        array = tensor.detach().cpu().numpy()
        arrays[name] = array.T if name in declaration.transposed else array
    converted.load_state_dict(arrays)  # copies: never a view of torch's memory
    return converted


