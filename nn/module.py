"""Module, Parameter and Sequential: containers that find their own parameters.

A Module's parameters are the Parameters (Tensors that require grad) and the
leaf Values with ``requires_grad`` among its attributes, and those of the
Modules among its attributes, found in assignment order. Lists, tuples and
dicts of Modules or parameters count too (``self.layers = [Linear(...), ...]``
registers each layer as ``layers.0``, ``layers.1``, ...), so no ModuleList is
needed; a container counts when its first item is a Module, a parameter or
another container.

The walk happens when it is asked for, so assigning, reassigning or deleting an
attribute is all the registration there is, and ``super().__init__()`` is
optional.
"""

import os
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from autograd import Tensor, Value

from .forward_hooks import ForwardHooks
from .safetensors_file import is_safetensors_path, read_safetensors, write_safetensors


class Parameter(Tensor):
    """A Tensor that requires grad and that a Module registers: ``Parameter(data, dtype=None, label="")``."""

    __slots__ = ()

    def __init__(self, data, dtype=None, label=""):
        if isinstance(data, Tensor):
            data = data.data
        super().__init__(data, requires_grad=True, dtype=dtype, label=label)

    def __repr__(self):
        body = np.array2string(self.data, separator=", ", prefix="Parameter(")
        return f"Parameter({body}, dtype={self.data.dtype})"


"""Each module's latest ``(args, output)``: one entry per module, kept outside it so the parameter walk never sees it."""


def _is_parameter(obj):
    if isinstance(obj, Value):
        return obj.requires_grad and not obj.parents
    return isinstance(obj, Parameter)


def _registrable(obj, path):
    """The ``(dotted_name, item)`` pairs of the Modules and parameters in one attribute."""
    if isinstance(obj, Module) or _is_parameter(obj):
        yield path, obj
    elif isinstance(obj, (list, tuple)):
        if obj and _counts(obj[0]):
            for index, item in enumerate(obj):
                yield from _registrable(item, f"{path}.{index}")
    elif isinstance(obj, dict):
        if obj and _counts(next(iter(obj.values()))):
            for key, item in obj.items():
                yield from _registrable(item, f"{path}.{key}")


def _counts(item):
    return isinstance(item, (Module, Value, Parameter, list, tuple, dict))


class Module:
    """The base of every layer and model: parameters, train/eval mode, state_dict, ``__call__`` -> ``forward``."""

    __slots__ = ("__dict__", "__weakref__", "_last_call")  # a slot, not an attribute: the walk never sees it
    training = True

    def forward(self, *args, **kwargs):
        """The computation; subclasses define it."""
        raise NotImplementedError(f"{type(self).__name__} has no forward(); define forward(self, ...) in the subclass")

    def __call__(self, *args, **kwargs):
        output = self.forward(*args, **kwargs)
        hooks = self._forward_hooks
        if hooks is not None and hooks.hooks:
            output = hooks.run(self, args, output)
        self._last_call = (args, output)
        return output

    _forward_hooks = None

    def register_forward_hook(self, fn):
        """Call ``fn(module, inputs, output)`` after each forward; a non-None return replaces the output.

        ``inputs`` is the tuple of positional arguments. Returns a handle whose ``remove()`` detaches the hook.
        """
        if not callable(fn):
            raise TypeError(f"{type(self).__name__}.register_forward_hook: expected a function "
                            f"fn(module, inputs, output), got {type(fn).__name__} {fn!r}")
        if self._forward_hooks is None:
            self._forward_hooks = ForwardHooks()
        return self._forward_hooks.add(fn)

    def last_call(self):
        """``(args, output)`` of this module's latest call, or None: what ``draw_graph(collapse=True)`` boxes.

        One pointer per module: the latest output (and so its graph) stays alive until the next call.
        """
        return getattr(self, "_last_call", None)

    # --- the walk -----------------------------------------------------------------

    def _entries(self):
        """``(name, attribute)`` pairs that may hold Modules or parameters, in assignment order."""
        return vars(self).items()

    def _entries_values(self):
        """The attributes of ``_entries()`` without their names (the fast path of ``parameters()``)."""
        if type(self)._entries is Module._entries:
            return vars(self).values()
        return [obj for _, obj in self._entries()]

    def named_children(self):
        """The Modules directly inside this one, as a list of ``(name, module)``."""
        found, seen = [], {id(self)}
        for name, obj in self._entries():
            for path, item in _registrable(obj, name):
                if isinstance(item, Module) and id(item) not in seen:
                    seen.add(id(item))
                    found.append((path, item))
        return found

    def children(self):
        """The Modules directly inside this one."""
        return [module for _, module in self.named_children()]

    def named_modules(self):
        """This module (named "") and every module inside it, each once, as ``(dotted_name, module)``."""
        return _depth_first(self)

    def modules(self):
        """This module and every module inside it, each once."""
        return [module for _, module in self.named_modules()]

    def named_parameters(self):
        """Every parameter, each once, as a list of ``(dotted_name, parameter)`` in registration order."""
        found, seen_parameters, seen_modules = [], set(), {id(self)}
        _collect(self, "", found, seen_parameters, seen_modules)
        return found

    def parameters(self):
        """Every parameter (Parameter or Value), each once, in registration order."""
        found, seen_modules = [], {id(self)}
        _collect_unnamed(self, found, seen_modules)
        if len(set(map(id, found))) != len(found):
            seen = set()
            found = [p for p in found if not (id(p) in seen or seen.add(id(p)))]
        return found

    # --- training helpers -----------------------------------------------------------

    def zero_grad(self):
        """Forget accumulated gradients: a Tensor's ``grad`` becomes None, a Value's 0.0."""
        for parameter in self.parameters():
            parameter.grad = 0.0 if isinstance(parameter, Value) else None

    def train(self, mode=True):
        """Set training mode (Dropout active) on this module and every module inside it; returns self."""
        if not isinstance(mode, bool):
            raise TypeError(f"{type(self).__name__}.train: mode must be a bool, got {type(mode).__name__}")
        for module in self.modules():
            module.training = mode
        return self

    def eval(self):
        """Set evaluation mode (Dropout is the identity) everywhere inside; returns self."""
        return self.train(False)

    # --- state ----------------------------------------------------------------------

    def state_dict(self):
        """``{dotted_name: ndarray copy}`` of every parameter; a Value is stored as a 0-d float64 array."""
        return {name: np.array(parameter.data, copy=True) for name, parameter in self.named_parameters()}

    def load_state_dict(self, state):
        """Copy ``state``'s arrays into the parameters, cast to each parameter's dtype.

        Names and shapes must match exactly; everything is checked before anything
        is assigned, so a refused load (ValueError naming the mismatches) changes nothing.
        """
        where = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state, Mapping):
            raise TypeError(f"{where}: expected a mapping of names to arrays, got {type(state).__name__}")
        named = self.named_parameters()
        expected = [name for name, _ in named]
        missing = [name for name in expected if name not in state]
        known = set(expected)
        unexpected = [str(name) for name in state if name not in known]
        problems = []
        if missing:
            problems.append(f"missing {_listing(missing)}")
        if unexpected:
            problems.append(f"unexpected {_listing(unexpected)}")
        if problems:
            raise ValueError(f"{where}: the names do not match this {type(self).__name__}: {'; '.join(problems)}")
        arrays, mismatched = [], []
        for name, parameter in named:
            array = _as_real_array(state[name], f"{where}: {name!r}")
            shape = np.shape(parameter.data)
            if array.shape != shape:
                transposed = len(shape) == 2 and array.shape == shape[::-1] and shape[0] != shape[1]
                hint = " (the transpose: PyTorch's (out, in) layout?)" if transposed else ""
                mismatched.append(f"{name!r} expects shape {shape}, got {array.shape}{hint}")
            arrays.append(array)
        if mismatched:
            raise ValueError(f"{where}: the shapes do not match: {'; '.join(mismatched)}")
        for (_, parameter), array in zip(named, arrays):
            if isinstance(parameter, Value):
                parameter.data = float(array)
            else:
                parameter.data = array.astype(parameter.data.dtype, copy=True)
        return self

    # --- display --------------------------------------------------------------------

    def extra_repr(self):
        """The text inside this module's parentheses (its settings); subclasses override."""
        return ""

    def __repr__(self):
        children = self.named_children()
        extra = self.extra_repr()
        if not children:
            return f"{type(self).__name__}({extra})"
        lines = [f"{type(self).__name__}(" + (extra if extra else "")]
        for name, child in children:
            text = repr(child).replace("\n", "\n  ")
            lines.append(f"  ({name}): {text}")
        return "\n".join(lines) + "\n)"


def _collect(module, prefix, found, seen_parameters, seen_modules):
    for name, obj in module._entries():
        for path, item in _registrable(obj, prefix + name):
            if isinstance(item, Module):
                if id(item) not in seen_modules:
                    seen_modules.add(id(item))
                    _collect(item, path + ".", found, seen_parameters, seen_modules)
            elif id(item) not in seen_parameters:
                seen_parameters.add(id(item))
                found.append((path, item))


def _collect_unnamed(module, found, seen_modules):
    """``_collect`` without building names: the fast path of ``parameters()``."""
    _collect_items(list(module._entries_values()), found, seen_modules)


def _collect_items(items, found, seen_modules):
    leaves = [item for item in items if item.__class__ is Value and item.requires_grad and not item.parents]
    if len(leaves) == len(items):  # the common case of a list of weights
        found.extend(leaves)
        return
    for item in items:
        if item.__class__ is Value:
            if item.requires_grad and not item.parents:
                found.append(item)
        elif isinstance(item, Module):
            if id(item) not in seen_modules:
                seen_modules.add(id(item))
                _collect_unnamed(item, found, seen_modules)
        elif _is_parameter(item):
            found.append(item)
        elif isinstance(item, (list, tuple, dict)):
            inner = list(item.values()) if isinstance(item, dict) else item
            if inner and _counts(inner[0]):
                _collect_items(inner, found, seen_modules)


def _depth_first(root):
    found, seen = [("", root)], {id(root)}

    def visit(module, prefix):
        for name, obj in module._entries():
            for path, item in _registrable(obj, prefix + name):
                if isinstance(item, Module) and id(item) not in seen:
                    seen.add(id(item))
                    found.append((path, item))
                    visit(item, path + ".")

    visit(root, "")
    return found


def _listing(names, limit=8):
    shown = ", ".join(repr(name) for name in names[:limit])
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return shown + more


def _as_real_array(value, where):
    if isinstance(value, (Tensor, Value)):
        value = value.data
    try:
        array = np.asarray(value)
    except (ValueError, TypeError) as error:
        raise ValueError(f"{where}: cannot be read as an array ({error})") from None
    if array.dtype.kind not in "biuf":
        raise ValueError(f"{where}: expected real numbers, got an array of dtype {array.dtype}")
    return array


_module_call = Module.__call__


class Sequential(Module):
    """Modules applied one after another: ``Sequential(Linear(2, 8), ReLU(), Linear(8, 1))``.

    Indexable (``model[0]``, ``model[1:]``), ``len()`` and iterable; its parts are named "0", "1", ...
    """

    def __init__(self, *modules):
        for index, module in enumerate(modules):
            if not isinstance(module, Module):
                raise TypeError(
                    f"Sequential: argument {index} is a {type(module).__name__}, expected a Module "
                    "(write a Module subclass for a plain function)"
                )
        self._sequence = list(modules)

    def _entries(self):
        entries = [(str(index), module) for index, module in enumerate(self._sequence)]
        entries += [(name, obj) for name, obj in vars(self).items() if name != "_sequence"]
        return entries

    def forward(self, x):
        for module in self._sequence:
            if type(module).__call__ is not _module_call:
                x = module(x)
                continue
            # Module.__call__ written out (one Python call less per module): forward, hooks, the record
            output = module.forward(x)
            hooks = module._forward_hooks
            if hooks is not None and hooks.hooks:
                output = hooks.run(module, (x,), output)
            module._last_call = ((x,), output)
            x = output
        return x

    def append(self, module):
        """Add ``module`` at the end; returns self."""
        if not isinstance(module, Module):
            raise TypeError(f"Sequential.append: expected a Module, got {type(module).__name__}")
        self._sequence.append(module)
        return self

    def __len__(self):
        return len(self._sequence)

    def __iter__(self):
        return iter(self._sequence)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return Sequential(*self._sequence[index])
        if isinstance(index, bool) or not hasattr(index, "__index__"):
            raise TypeError(f"Sequential indices must be ints or slices, got {type(index).__name__}")
        try:
            return self._sequence[index]
        except IndexError:  # the contract keeps IndexError for Tensor indexing: a wrong index is a ValueError
            raise ValueError(
                f"Sequential index {index} is out of range for {len(self._sequence)} modules"
            ) from None


# --- files ---------------------------------------------------------------------------


def _as_path(path, where):
    if isinstance(path, (str, os.PathLike)):
        return Path(path)
    raise TypeError(f"{where}: path must be a str or a pathlib.Path, got {type(path).__name__}")


def save(module, path):
    """Write ``module.state_dict()`` to ``path``, exactly at that path; returns the path as a pathlib.Path.

    The format follows the suffix: ``.safetensors`` writes the safetensors format
    (needs the ``safetensors`` package); any other name an ``.npz`` archive (no pickle).
    The file is written next to its destination and then moved into place, so an
    interrupted save never leaves a half-written model file.
    """
    if not isinstance(module, Module):
        raise TypeError(f"nn.save: expected a Module, got {type(module).__name__}")
    path = _as_path(path, "nn.save")
    state = module.state_dict()
    partial = path.with_name(path.name + ".partial")
    try:
        if is_safetensors_path(path):
            write_safetensors(state, partial, "nn.save")
        else:
            _write_npz(state, partial)
        os.replace(partial, path)
    finally:
        if partial.exists():
            partial.unlink()
    return path


def _write_npz(state, path):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for name, array in state.items():
            with archive.open(name + ".npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, array, allow_pickle=False)


def load(module, path):
    """Load the arrays saved by ``nn.save`` into ``module``; returns the module.

    A ``.safetensors`` file is read with the ``safetensors`` package, any other as
    ``.npz`` with ``allow_pickle=False``: a file holding Python objects is refused,
    never executed. Names and shapes must match the module's parameters exactly;
    a refused load (ValueError naming what differs) leaves the module unchanged.
    """
    if not isinstance(module, Module):
        raise TypeError(f"nn.load: expected a Module, got {type(module).__name__}")
    path = _as_path(path, "nn.load")
    if not path.is_file():
        raise FileNotFoundError(f"nn.load: no model file at {str(path)!r}")
    hint = ""
    if is_safetensors_path(path):
        state, ours = read_safetensors(path, "nn.load")
        if not ours:
            hint = (
                "; this file was not written by nn.save: if it holds a PyTorch model's weights (names like "
                "'0.weight', Linear weights shaped (out_features, in_features)), load it into that PyTorch "
                "model and convert the model with nn.from_torch(module)"
            )
    else:
        state = _read_npz(path)
    try:
        module.load_state_dict(state)
    except ValueError as error:
        raise ValueError(f"nn.load: {str(path)!r} does not fit this model: {error}{hint}") from None
    return module


def _read_npz(path):
    """The arrays of the ``.npz`` archive at ``path``, refusing pickles and anything unreadable."""
    try:
        archive = np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as error:
        raise ValueError(f"nn.load: {str(path)!r} is not a model file written by nn.save (.npz): {error}") from None
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise ValueError(
            f"nn.load: {str(path)!r} holds a single array, not a model file written by nn.save (.npz archive)"
        )
    state = {}
    with archive:
        for name in archive.files:
            try:
                state[name] = archive[name]
            except ValueError as error:
                if "pickle" in str(error):
                    raise ValueError(
                        f"nn.load: {str(path)!r}: entry {name!r} holds pickled Python objects; refused "
                        "(model files hold numeric arrays only, read with allow_pickle=False)"
                    ) from None
                raise ValueError(f"nn.load: {str(path)!r}: entry {name!r} cannot be read: {error}") from None
            except (OSError, EOFError, zipfile.BadZipFile, zlib.error) as error:
                raise ValueError(f"nn.load: {str(path)!r}: entry {name!r} is corrupt: {error}") from None
    return state
