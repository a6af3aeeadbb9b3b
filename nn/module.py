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
optional. Buffers (arrays that are state but not parameters, such as
BatchNorm's running statistics) are the exception: ``register_buffer`` names them.
"""

from collections.abc import Mapping

import numpy as np

from autograd import Tensor, Value, no_grad

from .arrays import read_array
from .forward_hooks import ForwardHooks
from .state_checks import name_problems, shape_problem


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

    # slots, not attributes: the walk never sees them. _buffer_names maps each buffer's name to its persistence.
    __slots__ = ("__dict__", "__weakref__", "_last_call", "_buffer_names")
    training = True

    def __setattr__(self, name, value):
        buffers = _buffer_names_of(self)
        if buffers and name in buffers:
            if isinstance(value, Module) or _is_parameter(value):  # as in PyTorch, it stops being a buffer
                del buffers[name]
            else:
                where = f"{type(self).__name__}: cannot assign {type(value).__name__} as buffer {name!r}"
                value = _as_buffer(value, where)
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        buffers = _buffer_names_of(self)
        if buffers and name in buffers:
            del buffers[name]
        object.__delattr__(self, name)

    def forward(self, *args, **kwargs):
        """The computation; subclasses define it."""
        raise NotImplementedError(f"{type(self).__name__} has no forward(); define forward(self, ...) in the subclass")

    def __call__(self, *args, **kwargs):
        output = self.forward(*args, **kwargs)
        hooks = self._forward_hooks
        if hooks is not None and hooks.hooks:
            output = hooks.run(self, args, output)
        _set_last_call(self, (args, output))
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
        """This module and every module inside it, each once (``named_modules()``'s order, without the names)."""
        found = [self]
        _modules_in(self._entries_values(), found, {id(self)})
        return found

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

    # --- buffers ------------------------------------------------------------------

    def register_buffer(self, name, array, persistent=True):
        """Keep ``array`` as state that is not a parameter: ``self.<name>``, in ``state_dict()`` if ``persistent``.

        A buffer is an ndarray or a Tensor that does not require grad (or None, left out of
        ``state_dict()``); assigning ``self.<name>`` a new array later keeps it a buffer.
        """
        where = f"{type(self).__name__}.register_buffer"
        if not isinstance(name, str):
            raise TypeError(f"{where}: name must be a str, got {type(name).__name__}")
        if not name or "." in name:
            raise ValueError(f"{where}: name must be a non-empty str without '.', got {name!r}")
        buffers = _buffer_names_of(self)
        if not (buffers and name in buffers) and hasattr(self, name):
            raise ValueError(f"{where}: attribute {name!r} already exists and is not a buffer")
        if not isinstance(persistent, bool):
            raise TypeError(f"{where}: persistent must be True or False, got {type(persistent).__name__}")
        array = _as_buffer(array, f"{where}({name!r}, ...)")
        if buffers is None:
            buffers = {}
            _set_buffer_names(self, buffers)
        buffers[name] = persistent
        object.__setattr__(self, name, array)

    def named_buffers(self):
        """Every buffer, each once, as ``(dotted_name, array_or_tensor)``, module by module in registration order."""
        found, seen = [], set()
        for prefix, module in self.named_modules():
            for name, buffer in _own_buffers(module):
                if id(buffer) not in seen:
                    seen.add(id(buffer))
                    found.append((f"{prefix}.{name}" if prefix else name, buffer))
        return found

    def buffers(self):
        """Every buffer (ndarray or Tensor), each once."""
        return [buffer for _, buffer in self.named_buffers()]

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
        """``{dotted_name: ndarray copy}`` of every parameter and persistent buffer, in registration order.

        A Value parameter is stored as a 0-d float64 array.
        """
        return {name: np.array(_array_of(item), copy=True) for name, item, _, _ in _state_entries(self)}

    def load_state_dict(self, state):
        """Copy ``state``'s arrays into the parameters' and buffers' existing arrays, cast to their dtypes.

        Writing into the arrays (as PyTorch's ``load_state_dict`` copies) keeps tied weights and
        views tied. Names and shapes must match exactly; everything is checked before anything
        is written, so a refused load (ValueError naming the mismatches) changes nothing.
        """
        where = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state, Mapping):
            raise TypeError(f"{where}: expected a mapping of names to arrays, got {type(state).__name__}")
        entries = _state_entries(self)
        problems = name_problems([name for name, _, _, _ in entries], state)
        if problems:
            raise ValueError(f"{where}: the names do not match this {type(self).__name__}: {'; '.join(problems)}")
        arrays, mismatched = [], []
        for name, item, _, _ in entries:
            array = read_array(state[name], where, f"entry {name!r}")
            problem = shape_problem(name, np.shape(_array_of(item)), array.shape)
            if problem:
                mismatched.append(problem)
            arrays.append(array)
        if mismatched:
            raise ValueError(f"{where}: the shapes do not match: {'; '.join(mismatched)}")
        for (_, item, owner, attribute), array in zip(entries, arrays):
            _write_state(item, owner, attribute, array)
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


def _buffer_names_of(module):
    """The module's ``{buffer_name: persistent}``, or None before its first ``register_buffer``."""
    return getattr(module, "_buffer_names", None)


def _as_buffer(value, where):
    """``value`` as a buffer: an ndarray (a numpy scalar becomes a 0-d array), a Tensor without grad, or None."""
    if value is None:
        return None
    if isinstance(value, np.generic):
        value = np.asarray(value)
    if isinstance(value, Tensor):
        if value.requires_grad:
            raise TypeError(f"{where}: a buffer is not trained, but this {type(value).__name__} requires grad "
                            "(use a Parameter for a trained weight, or pass .detach())")
        return value
    if not isinstance(value, np.ndarray):
        raise TypeError(f"{where}: expected an ndarray or a Tensor that does not require grad, "
                        f"got {type(value).__name__}")
    if value.dtype.kind not in "biuf":
        raise TypeError(f"{where}: a buffer holds bool, integer or floating point numbers, got dtype {value.dtype}")
    return value


def _own_buffers(module):
    """``(name, buffer)`` for the module's own buffers that are set (not None), in registration order."""
    buffers = _buffer_names_of(module)
    if not buffers:
        return []
    attributes = vars(module)
    return [(name, attributes[name]) for name in buffers if attributes.get(name) is not None]


def _state_entries(module):
    """``(dotted_name, parameter_or_buffer, owner, attribute)`` of everything ``state_dict()`` holds, in its order.

    Each module's parameters and child modules come in attribute order, then its persistent buffers;
    ``owner`` and ``attribute`` say where a buffer lives (None for a parameter).
    """
    found, seen_items, seen_modules = [], set(), {id(module)}

    def visit(owner, prefix):
        for name, obj in owner._entries():
            for path, item in _registrable(obj, prefix + name):
                if isinstance(item, Module):
                    if id(item) not in seen_modules:
                        seen_modules.add(id(item))
                        visit(item, path + ".")
                elif id(item) not in seen_items:
                    seen_items.add(id(item))
                    found.append((path, item, None, None))
        persistent = _buffer_names_of(owner) or {}
        for name, buffer in _own_buffers(owner):
            if persistent[name] and id(buffer) not in seen_items:
                seen_items.add(id(buffer))
                found.append((prefix + name, buffer, owner, name))

    visit(module, "")
    return found


def state_layout(module):
    """``{dotted_name: (shape, dtype)}`` of ``module.state_dict()`` without copying an array: what a file must match."""
    return {name: (np.shape(_array_of(item)), _dtype_of(item)) for name, item, _, _ in _state_entries(module)}


def _array_of(item):
    """The array behind a parameter or buffer (a Value's float as a 0-d float64 array)."""
    if isinstance(item, Value):
        return np.asarray(item.data, dtype=np.float64)
    return item.data if isinstance(item, Tensor) else item


def _dtype_of(item):
    return np.dtype(np.float64) if isinstance(item, Value) else _array_of(item).dtype


def _write_state(item, owner, attribute, array):
    """Write ``array`` into a parameter's or buffer's existing array (a fresh copy where that one is read-only)."""
    if isinstance(item, Value):
        item.data = float(array)
        return
    target = _array_of(item)
    if target.flags.writeable:
        if isinstance(item, Tensor):
            _copy_into(item, array)
        else:
            np.copyto(target, array, casting="unsafe")
    elif isinstance(item, Tensor):
        item.data = array.astype(target.dtype, copy=True)
    else:
        object.__setattr__(owner, attribute, array.astype(target.dtype, copy=True))


def _copy_into(tensor, array):
    """Copy ``array`` into ``tensor``'s own array, cast to its dtype; graphs reading the old values refuse backward."""
    with no_grad():
        tensor.copy_(array.astype(tensor.data.dtype, copy=False))


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


def _modules_in(items, found, seen_modules):
    """The Modules among ``items`` (attributes, or a container's items) and inside them, depth first: ``_depth_first``
    without building names (``train()`` walks them on every ``fit`` call)."""
    for item in items:
        if isinstance(item, Module):
            if id(item) not in seen_modules:
                seen_modules.add(id(item))
                found.append(item)
                _modules_in(item._entries_values(), found, seen_modules)
        elif isinstance(item, (list, tuple, dict)):
            inner = list(item.values()) if isinstance(item, dict) else item
            if inner and _counts(inner[0]):
                _modules_in(inner, found, seen_modules)


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


_module_call = Module.__call__
_set_last_call = Module._last_call.__set__  # the slot written directly: no trip through __setattr__
_set_buffer_names = Module._buffer_names.__set__


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
            _set_last_call(module, ((x,), output))
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
