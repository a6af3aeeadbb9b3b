"""Which of our models can leave for another framework: containers of layers whose class declares the
counterpart (``nn.declaration``); the checks and the walk the bridges share.

Only a class's own declaration counts: a subclass may compute something else in its
``forward``, so it is refused like any custom Module, by name and position. A module
with forward hooks is refused too: a hook may change what it computes, and the
counterpart would not run it.
"""

import numpy as np

from autograd import Tensor

from ..declaration import declaration_of
from ..module import Module

FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def declared_layers():
    """Every Module class of nn that declares itself, found from ``Module``'s subclasses (nn's own only),
    each followed by its subclasses, in the order they were defined."""
    found, pending = [], list(Module.__subclasses__())
    while pending:
        cls = pending.pop(0)
        pending[:0] = cls.__subclasses__()
        if cls.__module__.split(".")[0] == "nn" and "declaration" in vars(cls) and cls not in found:
            found.append(cls)
    return found


def translatable(target):
    """The declared classes ``target`` ("PyTorch" or "ONNX") has a counterpart for, containers first."""
    classes = [cls for cls in declared_layers() if _translates(vars(cls)["declaration"], target)]
    return sorted(classes, key=lambda cls: not vars(cls)["declaration"].container)


def _translates(declaration, target):
    if declaration.container:
        return True
    return declaration.torch is not None if target == "PyTorch" else declaration.onnx is not None


def describe_supported(classes):
    """``"Linear, ReLU, ..."``: the names of ``classes`` for an error message."""
    return ", ".join(cls.__name__ for cls in classes)


def position_text(position):
    """How an error names a layer: ``layer '0.2'``, or ``the model`` for the root."""
    return f"layer {position!r}" if position else "the model"


def check_module(module, position, who, target):
    """Refuse a module that ``who`` cannot translate to ``target`` (TypeError) or that has forward hooks
    (ValueError), naming it and its position."""
    if not isinstance(module, Module):
        raise TypeError(f"{who}: expected an nn.Module, got {type(module).__name__}")
    kind = type(module)
    own = vars(kind).get("declaration")
    if own is not None and _translates(own, target):
        hooks = module._forward_hooks
        if hooks:
            raise ValueError(
                f"{who}: {position_text(position)} ({kind.__name__}) has {len(hooks.hooks)} forward hook(s), which "
                f"the {target} model would not run; remove them (handle.remove()) before translating"
            )
        if own.container:
            _check_container(module, position, who)
        return
    supported = translatable(target)
    declared = declaration_of(kind)
    if declared is not None and declared.what:
        what = declared.what
    elif own is not None:
        what = f"a layer {who} has no {target} form for"
    else:
        bases = [cls.__name__ for cls in supported if isinstance(module, cls)]
        what = f"a subclass of {bases[0]}" if bases else "a custom Module"
    hint = ""
    if kind.__module__.startswith("nn.scalar"):
        hint = "; nn.scalar models are made of Values: build the same network with nn.MLP to move it"
    containers = [cls for cls in supported if vars(cls)["declaration"].container]
    layers = [cls for cls in supported if cls not in containers]
    raise TypeError(
        f"{who}: {position_text(position)} is a {kind.__name__} ({what}), which has no {target} counterpart; "
        f"{who} translates {describe_supported(containers)} stacks of {describe_supported(layers)}{hint}"
    )


def _check_container(module, position, who):
    """A Sequential whose parameters and buffers all live in its numbered layers (nothing the forward ignores)."""
    layers = {str(index) for index in range(len(module))}
    names = [name for name, _ in module.named_children()] + [name for name, _ in module.named_parameters()]
    names += [name for name, _ in module.named_buffers()]
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
        if vars(type(module))["declaration"].container:
            for index, layer in enumerate(module):
                visit(layer, f"{position}.{index}" if position else str(index))

    visit(model, "")
    return found


def state_of(module):
    """A leaf module's own parameters and buffers as ``{name: ndarray}`` (no copy)."""
    state = {name: parameter.data for name, parameter in module.named_parameters()}
    for name, buffer in module.named_buffers():
        state[name] = buffer.data if isinstance(buffer, Tensor) else buffer
    return state


def model_dtype(modules, who):
    """The one floating dtype of the layers' parameters and buffers among ``modules``, None if there are none;
    ValueError if mixed."""
    dtypes = {}
    for position, module in modules:
        if vars(type(module))["declaration"].container:
            continue
        for array in state_of(module).values():
            dtypes.setdefault(array.dtype, position)
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
