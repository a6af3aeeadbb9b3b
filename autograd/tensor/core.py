"""Tensor's core: the class, creation, operands, recording a result, backward.

The ops sit in the modules beside this one, which import it (never the other way
round); ``autograd/tensor/__init__.py`` assembles them. For speed, results are
made by ``result`` and ``constant`` (no validation); only what a user hands in —
``Tensor(...)``, an operand, a ``backward`` seed — is checked.
"""

import numbers
from functools import partial

import numpy as np

from ..core import engine, versions
from ..core.engine import grad_enabled
from ..instruments.hooks import register_hook
from ..core.node import Node, init_node, new_node
from ..core.array_cache import one
from ..core.node import describe as _describe
from ..drawing.draw import repr_mimebundle

_ndarray = np.ndarray
_new = object.__new__
_generic = np.generic
_NUMERIC_KINDS = "biuf"


def _as_flag(flag, where):
    if isinstance(flag, (bool, np.bool_)):
        return bool(flag)
    raise TypeError(f"{where}: expected True or False, got {_describe(flag)}")


def _as_dtype(dtype, where):
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{where}: not a numpy dtype: {_describe(dtype)}") from None
    if dtype.kind not in _NUMERIC_KINDS:
        raise TypeError(f"{where}: dtype must be bool, integer or floating point, got {dtype}")
    return dtype


def as_array(data, dtype=None, where="Tensor"):
    """``data`` as a numeric ndarray, or a clear TypeError / ValueError naming ``where``.

    An ndarray (or numpy scalar) keeps its dtype and is not copied; Python numbers
    and (nested) lists become float64; ``dtype`` casts.
    """
    from_python = False
    if isinstance(data, _ndarray):
        array = data
    elif isinstance(data, Tensor):
        array = data._data
    elif isinstance(data, Node):
        raise TypeError(f"{where}: cannot make a Tensor from a {type(data).__name__}; use its .data")
    elif isinstance(data, np.generic):
        array = np.asarray(data)
    elif isinstance(data, (str, bytes)):
        raise TypeError(f"{where}: expected numbers, a (nested) list of numbers or an ndarray, got {_describe(data)}")
    else:
        from_python = isinstance(data, (list, tuple, numbers.Number))
        if isinstance(data, (list, tuple)):
            for item in data:
                if isinstance(item, Node):
                    hint = "use stack(...) to combine Tensors" if isinstance(item, Tensor) else "use its .data"
                    raise TypeError(f"{where}: the list holds a {type(item).__name__}; {hint}")
        try:
            array = np.asarray(data)
        except ValueError:
            raise ValueError(
                f"{where}: ragged nested sequence: every row must have the same length (got {_describe(data)})"
            ) from None
        except (TypeError, OverflowError) as error:
            raise TypeError(f"{where}: cannot convert {_describe(data)} to a numeric array ({error})") from None
    if array.dtype.kind not in _NUMERIC_KINDS:
        raise TypeError(
            f"{where}: expected numeric data (bool, integer or floating point), got an array of dtype "
            f"{array.dtype} from {_describe(data)}"
        )
    if dtype is not None:
        return array.astype(_as_dtype(dtype, f"{where}(dtype=...)"), copy=False)
    if from_python and array.dtype != np.float64:
        return array.astype(np.float64)
    return array


class Tensor(Node):
    """An n-dimensional array in a computation graph: ``Tensor(data, requires_grad=False, dtype=None, label="")``.

    ``data`` is an ndarray (an ndarray given keeps its dtype and is shared, not
    copied; Python numbers and lists become float64). After ``backward()``,
    ``grad`` is d(root)/d(self), an ndarray of ``data``'s shape and dtype.
    Operators and ops broadcast as numpy does. ``t += u``, ``t[i] = v`` and
    ``copy_`` change ``data`` in place where PyTorch would (``autograd.core.versions``
    says how a recorded graph notices).
    """

    # Tensor's own slots (Node's stay small for Value): ``_version`` is set by ``versions.mark_changed``
    # when the array changes in place, ``_stamp`` on a recorded node by ``result`` (see autograd.core.versions)
    __slots__ = ("_version", "_stamp")
    __hash__ = object.__hash__  # identity: == builds a boolean tensor, it does not compare nodes
    _sums_in_place = True  # ndarray gradients: the engine adds into buffers it made

    def __init__(self, data, requires_grad=False, dtype=None, label=""):
        if data.__class__ is _ndarray and dtype is None and requires_grad is False and label == "" and (
            data.dtype.kind in _NUMERIC_KINDS
        ):  # a batch of data, as a training loop makes one each step: nothing to convert or check
            init_node(self, data, None, False, "")
            return
        array = as_array(data, dtype, "Tensor")
        requires_grad = _as_flag(requires_grad, "Tensor(requires_grad=...)")
        if requires_grad and array.dtype.kind != "f":
            raise TypeError(
                f"Tensor: requires_grad=True needs a floating point dtype, got {array.dtype}; "
                "pass float data or dtype=float"
            )
        if not isinstance(label, str):
            raise TypeError(f"Tensor: label must be a str, got {_describe(label)}")
        init_node(self, array, None, requires_grad, label)

    def _set_data(self, value):
        if value is self._data:  # p.data -= lr * p.grad: numpy already updated the array in place
            versions.bump(self)
            return
        if value.__class__ is not _ndarray:
            value = as_array(value, None, "Tensor.data")
        elif value.dtype.kind not in _NUMERIC_KINDS:
            raise TypeError(f"Tensor.data: expected a numeric array, got dtype {value.dtype}")
        if self._requires_grad and value.dtype.kind != "f":
            raise TypeError(f"Tensor.data: a tensor that requires grad needs floating point data, got {value.dtype}")
        self._data = value
        versions.bump(self)

    def _set_requires_grad(self, flag):
        flag = _as_flag(flag, "Tensor.requires_grad")
        if self.parents and not flag:
            raise ValueError(
                f"Tensor.requires_grad: cannot switch off grad for a result of {self.op!r}; "
                "use .detach() to get a constant copy"
            )
        if flag and self._data.dtype.kind != "f":
            raise TypeError(
                f"Tensor.requires_grad: only floating point tensors can require grad, this one is {self.dtype}"
            )
        self._requires_grad = flag

    @property
    def shape(self):
        """The shape of ``data``, a tuple."""
        return self._data.shape

    @property
    def ndim(self):
        """The number of axes."""
        return self._data.ndim

    @property
    def dtype(self):
        """The numpy dtype of ``data``."""
        return self._data.dtype

    @property
    def size(self):
        """The number of elements."""
        return self._data.size

    def numel(self):
        """The number of elements (PyTorch's name for ``size``)."""
        return self._data.size

    def retain_grad(self):
        """Does nothing: every node keeps its ``grad`` after ``backward()`` (PyTorch keeps leaves' only)."""

    @property
    def T(self):
        """The tensor with its axes reversed (a matrix transposed)."""
        return self.transpose()

    def numpy(self):
        """The data as an ndarray (the array itself, not a copy)."""
        return self._data

    def tolist(self):
        """The data as (nested) Python lists."""
        return self._data.tolist()

    def item(self):
        """The single element as a Python number."""
        if self._data.size != 1:
            raise ValueError(
                f"item: only a tensor of one element converts to a number; this one has shape {self.shape}"
            )
        return self._data.item()

    def detach(self):
        """A constant Tensor sharing this one's data, cut from the graph."""
        return constant(self._data)

    def copy_(self, src):
        """Copy ``src`` (a Tensor, ndarray or number, broadcast to this shape) into ``data``'s own array; returns self.

        PyTorch's rules for changes in place: allowed on a tensor that does not
        require grad, or inside ``no_grad()`` (how ``nn.load`` and an optimizer
        write parameters); a leaf that requires grad while grad mode is on is a
        RuntimeError. numpy's same-kind casting (float64 into float32 is fine).
        """
        source = lift(src, "copy_", self)
        refuse_recording(self, "copy_", source)
        change_in_place(self, "copy_", _copy_into, source._data)
        return self

    def fill_(self, value):
        """Set every element of ``data`` to the number ``value``, in place (``copy_``'s rules); returns self."""
        if isinstance(value, (Tensor, _ndarray)) and np.ndim(value) != 0:
            raise ValueError(f"fill_: value must be a number (or a 0-d tensor or array), got shape {np.shape(value)}")
        source = lift(value, "fill_", self)
        refuse_recording(self, "fill_", source)
        change_in_place(self, "fill_", _copy_into, source._data)
        return self

    def zero_(self):
        """Set every element of ``data`` to 0, in place (``copy_``'s rules); returns self."""
        refuse_recording(self, "zero_", None)
        change_in_place(self, "zero_", _copy_into, np.zeros((), dtype=self._data.dtype))
        return self

    def __array__(self, dtype=None, copy=None):
        if dtype is None and not copy:
            return self._data
        return np.array(self._data, dtype=dtype, copy=True if copy else None)

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __bool__(self):
        if self._data.size != 1:
            raise ValueError(
                f"the truth value of a tensor of shape {self.shape} is ambiguous; "
                "use .any() or .all(), or compare one element"
            )
        return bool(self._data)

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor: it has no first axis")
        return len(self._data)

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor: it has no first axis")
        return (self[i] for i in range(len(self._data)))

    def __repr__(self):
        body = np.array2string(self._data, separator=", ", prefix="Tensor(")
        extras = []
        if self._data.dtype != np.float64:
            extras.append(f"dtype={self._data.dtype}")
        if self._requires_grad:
            extras.append("requires_grad=True")
        if self.op:
            extras.append(f"op={self.op!r}")
        if self.label:
            extras.append(f"label={self.label!r}")
        return f"Tensor({', '.join([body, *extras])})"

    register_hook = register_hook
    _repr_mimebundle_ = repr_mimebundle  # Jupyter shows a Tensor as the graph that computed it

    def backward(self, grad=None, *, create_graph=False):
        """Accumulate d(self)/d(leaf) · grad into every leaf's ``grad``; set every other node's ``grad``.

        ``grad`` (the seed, an array of this tensor's shape) may be left out only
        for a tensor of one element. With ``create_graph=True`` the gradients
        are Tensors with a graph of their own, to be differentiated again.
        """
        if create_graph is not False:
            create_graph = _as_flag(create_graph, "backward(create_graph=...)")
        engine.backward(self, seed_for(self, grad, create_graph, "backward"), create_graph)


def _get_grad(self):
    grad = self._grad
    if grad.__class__ is not _ndarray and isinstance(grad, _generic):  # numpy adds two 0-d arrays into a scalar
        self._grad = grad = np.asarray(grad)
    return grad


Tensor.data = property(Tensor._data.__get__, Tensor._set_data, doc="The payload, an ndarray.")
Tensor.grad = property(
    _get_grad, Tensor._grad.__set__, doc="d(root)/d(self) after backward(): an ndarray of data's shape, or None."
)
Tensor.requires_grad = property(
    Tensor._requires_grad.__get__, Tensor._set_requires_grad, doc="Whether gradients flow into this tensor."
)


def seed_for(root, grad, create_graph, where):
    """The seed d(loss)/d(root) for a backward pass: ones for a one-element root, else ``grad`` checked."""
    data = root._data
    if grad is None:
        if data.size != 1:
            raise ValueError(
                f"{where}: grad can be left out only for a tensor of one element; this one has shape "
                f"{data.shape}: reduce it to one number first (e.g. loss.sum() or loss.mean()), "
                f"or pass grad= an array of shape {data.shape}"
            )
        if data.ndim:
            seed = np.empty(data.shape, dtype=data.dtype)
            seed.fill(1)
        else:  # a loss: a copy of a cached 0-d one is quicker than a new array filled
            seed = one(data.dtype).copy()
    else:
        if isinstance(grad, Tensor):
            if create_graph:
                _check_seed_shape(grad.shape, data.shape, where)
                return grad if grad.dtype == data.dtype else grad.astype(data.dtype)
            grad = grad._data
        seed = as_array(grad, None, f"{where}(grad=...)")
        _check_seed_shape(seed.shape, data.shape, where)
        seed = np.array(seed, dtype=data.dtype)  # a copy: the gradients handed out must not alias the caller's array
    return constant(seed) if create_graph else seed


def _check_seed_shape(given, expected, where):
    if given != expected:
        raise ValueError(f"{where}: grad has shape {given}, but the tensor has shape {expected}; they must be equal")


def result(data, parents, vjp, op):
    """A recorded result node: ``data`` (an ndarray) computed by ``op`` from ``parents``, with rule ``vjp``.

    The fast internal constructor (no checks), for ops and user-defined primitives.
    Create one only when grad mode is on and some parent requires grad.
    """
    node = _new(Tensor)  # every slot set here, new_node's and the stamp, in one call: ops' results are the hot path
    node._data = data
    node._grad = None
    node._requires_grad = True
    node.parents = parents
    node.op = op
    node._vjp = vjp
    node.label = ""
    node._stamp = versions.clock
    return node


def constant(data):
    """A Tensor that needs no gradient, holding the ndarray ``data`` (no checks, no copy)."""
    return new_node(Tensor, data, None, False, (), "", None)


def lift(x, op, like=None):
    """``x`` as a Tensor operand of ``op``: a Tensor as it is, anything else a constant Tensor.

    A number (Python or numpy scalar) next to a floating point Tensor ``like``
    takes ``like``'s dtype, so constants never upcast float32; otherwise dtypes
    follow numpy. A Value, a string or another object is a TypeError naming ``op``.
    """
    if isinstance(x, Tensor):
        return x
    if x.__class__ is float or x.__class__ is int:
        if like is None:
            return constant(np.asarray(x, dtype=np.float64))
        dtype = like._data.dtype
        return constant(np.asarray(x, dtype=dtype if dtype.kind == "f" else np.result_type(dtype, x)))
    if isinstance(x, numbers.Real) and not isinstance(x, (int, np.floating, np.integer)):
        x = float(x)  # Fraction and other real numbers
    if isinstance(x, (float, int, np.floating, np.integer, np.bool_)):
        if like is None:
            return constant(np.asarray(x, dtype=np.float64 if isinstance(x, (float, int)) else None))
        dtype = like._data.dtype
        if dtype.kind != "f":
            dtype = np.result_type(dtype, x)
        return constant(np.asarray(x, dtype=dtype))
    if isinstance(x, _ndarray):
        if x.dtype.kind not in _NUMERIC_KINDS:
            raise TypeError(f"{op}: cannot combine a Tensor with an array of dtype {x.dtype}; expected numbers")
        return constant(x)
    if isinstance(x, Node):
        raise TypeError(
            f"{op}: cannot combine a Tensor with a {type(x).__name__}; "
            f"use Tensor({type(x).__name__.lower()}.data) on the Tensor side, or tensor.item() on the other side"
        )
    if isinstance(x, (list, tuple)):
        return constant(as_array(x, None, op))
    raise TypeError(f"{op}: unsupported operand {_describe(x)}; expected a Tensor, an ndarray or a number")


def in_place_allowed(tensor, op, operand):
    """Whether ``tensor <op> operand`` may change ``tensor``'s array in place (PyTorch's rules).

    Yes inside ``no_grad()`` and when neither requires grad. No when the result
    must be recorded (``tensor`` is a recorded result, or ``operand`` requires
    grad): the operator then records a new node, as ``t = t + u`` would. A leaf
    that requires grad, while grad mode is on, is a RuntimeError.
    """
    if not grad_enabled():
        return True
    if tensor._requires_grad:
        if not tensor.parents:
            label = f" {tensor.label!r}" if tensor.label else ""
            raise RuntimeError(
                f"{op}: the tensor{label} of shape {tensor.shape} is a leaf that requires grad (a parameter) "
                "and grad mode is on, so a change in place would be recorded nowhere. Wrap the update in "
                "`with no_grad():`, as an optimizer step does: `with no_grad(): w -= lr * w.grad`"
            )
        return False
    return not (operand is not None and operand._requires_grad)


def refuse_recording(tensor, op, operand):
    """For a method that changes ``tensor`` in place (it cannot rebind a name): RuntimeError where it must record."""
    if in_place_allowed(tensor, op, operand):
        return
    if tensor._requires_grad:
        raise RuntimeError(
            f"{op}: the tensor is the result of {tensor.op!r} in a graph being recorded, and changing it in place "
            "would rewrite that graph; build a new tensor instead (t = ...), or wrap the change in `with no_grad():`"
        )
    raise RuntimeError(
        f"{op}: the value given requires grad and grad mode is on, and copying it into a tensor that does not "
        "require grad would cut it from its graph; use that tensor itself, copy its .detach(), "
        "or wrap the copy in `with no_grad():`"
    )


def _copy_into(target, source):
    np.copyto(target, source, casting="same_kind")


def change_in_place(tensor, op, write, operand):
    """``write(tensor.data, operand)`` into ``tensor``'s own array, checked first; then the change is marked.

    ``operand`` (an ndarray) must broadcast to the tensor's shape and cast to its
    dtype by numpy's same-kind rule; a refused change leaves the array as it was.
    """
    target = tensor._data
    if operand.shape != target.shape:
        try:
            shape = np.broadcast_shapes(target.shape, operand.shape)
        except ValueError:
            raise broadcast_error(op, target.shape, operand.shape) from None
        if shape != target.shape:
            raise ValueError(
                f"{op}: an operand of shape {operand.shape} would make the result of shape {shape}, but a change "
                f"in place keeps the tensor's shape {target.shape}; build a new tensor instead (t = ...)"
            )
    if not target.flags.writeable:
        raise ValueError(
            f"{op}: the tensor's array is read-only (a broadcast view or a shared constant); "
            "change a copy instead (t = ...)"
        )
    try:
        write(target, operand)
    except TypeError as error:  # numpy's casting refused: an integer tensor /= 2, or += 0.5
        raise TypeError(
            f"{op}: the result does not fit the tensor's dtype {target.dtype} (operand of dtype {operand.dtype}; "
            f"numpy's same-kind casting: {error}); build a new tensor instead (t = ...), or cast first"
        ) from None
    except ValueError as error:  # an integer to a negative integer power
        raise ValueError(f"{op}: numpy refused the change of a {target.dtype} array: {error}") from None
    versions.mark_changed((tensor,))


def broadcast_error(op, *shapes):
    """The ValueError for operands whose shapes numpy cannot broadcast together."""
    listed = " and ".join(str(shape) for shape in shapes)
    return ValueError(
        f"{op}: shapes {listed} do not broadcast (numpy rule: aligned from the right, "
        "each pair of sizes must be equal or one of them 1)"
    )


# Gradients handed to parents: the fast path returns the rule's arrays as they are.
# Where that could go wrong — a leaf that would receive the incoming gradient itself
# or a view of it (shared with other nodes), a 0-d result (numpy hands back scalars),
# a parent of another dtype than the result (mixed-dtype ops) — the rule is wrapped
# at forward time so each such parent gets an ndarray of its own, of its own dtype.


def _own_grad(grad, g):
    if isinstance(grad, Node):
        return grad
    if grad is g or grad.__class__ is not _ndarray or grad.base is not None or not grad.flags.writeable:
        return np.array(grad)
    return grad


def _cast_grad(dtype, grad, g):
    if isinstance(grad, Node):
        return grad.astype(dtype)
    return np.array(grad, dtype=dtype)


def _adjusted_rule(rule, fixes, g, out, *inputs):
    grads = rule(g, out, *inputs)
    return tuple(grad if fix is None or grad is None else fix(grad, g) for grad, fix in zip(grads, fixes))


def adjusted(rule, parents, data, own_leaves=False):
    """``rule``, wrapped if needed so every parent gets a gradient array of its own, in its own dtype.

    ``own_leaves``: the rule may hand a parent the incoming gradient or a view of it,
    so leaves get a copy. A 0-d leaf of a 0-d result gets a 0-d array, not a numpy scalar.
    """
    fixes = []
    for parent in parents:
        fix = None
        if parent._requires_grad:
            dtype = parent._data.dtype
            if dtype != data.dtype:
                fix = partial(_cast_grad, dtype)
            elif not parent.parents and (own_leaves or (data.ndim == 0 and parent._data.ndim == 0)):
                fix = _own_grad
        fixes.append(fix)
    if not any(fix is not None for fix in fixes):
        return rule
    return partial(_adjusted_rule, rule, tuple(fixes))


def record(data, parents, rule, op, own_leaves=False):
    """The result of ``op``: a node with ``rule`` if grad mode is on and a parent requires grad, else a constant.

    ``data`` may be a numpy scalar (ufuncs return those for 0-d inputs); it
    becomes a 0-d array. The general path, used by ops off the hottest paths.
    """
    if data.__class__ is not _ndarray:
        data = np.asarray(data)
    if grad_enabled():
        dtype = data.dtype
        recorded = adjust = False
        for parent in parents:
            if parent._requires_grad:
                recorded = True
                if parent._data.dtype is not dtype or (not parent.parents and (own_leaves or not data.ndim)):
                    adjust = True
        if recorded:
            if adjust:
                rule = adjusted(rule, parents, data, own_leaves)
            return result(data, tuple(parents), rule, op)
    return constant(data)
