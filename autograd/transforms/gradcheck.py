"""Check the engine's derivatives against central finite differences, in float64.

    gradcheck(f, *inputs)       first derivatives: the full Jacobian of f
    gradgradcheck(f, *inputs)   second derivatives: the full Jacobian of the gradient

Inputs are Values, Tensors, floats, float arrays or lists of floats; those are
the ones checked, f receiving a Value for a Value or a float and a Tensor for a
Tensor or an array (a float among arrays or Tensors comes as a 0-d Tensor, as in
``grad``). A Value or Tensor that does not require grad, an int, an int array and
anything else is passed to f unchanged, as a constant. The checks run
on float64 copies of the checked inputs, so the inputs themselves (their
``data`` and ``grad``) are never touched.

A mismatch raises ``GradcheckError``, a subclass of ``AssertionError`` (so a
failed check reads as a failed assertion in a test), naming the input (position
and label), the index, the output, the analytic and numeric values and the
tolerance: an entry passes when |analytic - numeric| <= atol + rtol·|numeric|.
"""

import numbers

import numpy as np

from ..core import engine
from ..core.engine import enable_grad, no_grad
from .reverse_mode import involves_arrays, output_elements, seed_for
from ..core.node import Node
from ..tensor import Tensor
from ..value import Value, _describe, dot


class GradcheckError(AssertionError):
    """A derivative from the engine disagrees with central finite differences.

    Attributes: ``input_position`` and ``input_label`` (the input), ``index`` (the
    entry of that input, ``()`` for a scalar), ``output`` (which output, in words),
    ``analytic``, ``numeric``, ``tolerance`` and ``mismatches`` (how many entries
    of that input's Jacobian disagree).
    """

    def __init__(self, message, *, input_position, input_label, index, output, analytic, numeric, tolerance, mismatches):
        super().__init__(message)
        self.input_position = input_position
        self.input_label = input_label
        self.index = index
        self.output = output
        self.analytic = analytic
        self.numeric = numeric
        self.tolerance = tolerance
        self.mismatches = mismatches


class _CheckedInput:
    """One input whose derivatives are checked: its position, label, kind and float64 data."""

    def __init__(self, position, label, as_tensor, data):
        self.position = position
        self.label = label
        self.as_tensor = as_tensor  # f receives a Tensor (else a Value)
        self.data = data  # a float64 ndarray (shape () for a scalar)

    def node(self, data, requires_grad):
        """A fresh Value or Tensor holding ``data``."""
        if not self.as_tensor:
            return Value(float(data), label=self.label, requires_grad=requires_grad)
        return Tensor(np.array(data, dtype=np.float64), requires_grad=requires_grad, label=self.label)

    def name(self):
        label = f" ({self.label!r})" if self.label else ""
        return f"input {self.position}{label}"


def _checked_input(position, x):
    """A _CheckedInput for an input whose derivatives are checked, else None (a constant)."""
    if isinstance(x, Value):
        return _CheckedInput(position, x.label, False, np.array(x.data)) if x.requires_grad else None
    if isinstance(x, Tensor):
        if not x.requires_grad:
            return None
        return _CheckedInput(position, x.label, True, np.array(x.data, dtype=np.float64))
    if isinstance(x, Node):
        raise TypeError(f"gradcheck: input {position} is a {type(x).__name__}; expected a Value, a Tensor or numbers")
    if isinstance(x, (float, np.floating)):
        return _CheckedInput(position, "", False, np.array(float(x)))
    if isinstance(x, (np.ndarray, list, tuple)):
        try:
            array = np.asarray(x)
        except ValueError:
            return None
        if array.dtype.kind == "f":
            return _CheckedInput(position, "", True, array.astype(np.float64))
    return None


def _check_tolerances(caller, eps, atol, rtol):
    for name, value in (("eps", eps), ("atol", atol), ("rtol", rtol)):
        if not isinstance(value, numbers.Real) or isinstance(value, bool):
            raise TypeError(f"{caller}: {name} must be a real number, got {_describe(value)}")
    if not eps > 0:
        raise ValueError(f"{caller}: eps must be > 0, got {eps!r}")
    if not (atol >= 0 and rtol >= 0):
        raise ValueError(f"{caller}: atol and rtol must be >= 0, got atol={atol!r}, rtol={rtol!r}")


def _prepare(caller, inputs):
    checked = [c for c in (_checked_input(i, x) for i, x in enumerate(inputs)) if c is not None]
    if involves_arrays(inputs):
        for item in checked:
            if not isinstance(inputs[item.position], Value):
                item.as_tensor = True  # a float next to arrays is a 0-d Tensor, as in grad
    if not checked:
        raise ValueError(
            f"{caller}: no input to check; give floats, float arrays, or Values / Tensors that require grad "
            "(ints and nodes with requires_grad=False are passed through as constants)"
        )
    return checked


def _call_args(inputs, checked, nodes):
    args = list(inputs)
    for item, node in zip(checked, nodes):
        args[item.position] = node
    return args


# --------------------------------------------------------------------------- outputs


def _flatten_plain(out, caller):
    """The payload of f's output (a node, a list of Values, numbers) as a flat float64 vector."""
    if isinstance(out, (Value, Tensor)):
        return np.ravel(np.asarray(out.data, dtype=np.float64))
    if isinstance(out, (list, tuple)) and all(isinstance(x, (Value, numbers.Real)) for x in out):
        return np.array([x.data if isinstance(x, Value) else float(x) for x in out], dtype=np.float64)
    if isinstance(out, numbers.Real) or (isinstance(out, np.ndarray) and out.dtype.kind in "iuf"):
        return np.ravel(np.asarray(out, dtype=np.float64))
    raise TypeError(f"{caller}: f must return a Value, a Tensor, a list of Values or a number, got {_describe(out)}")


def _index_text(index):
    return "[" + ", ".join(str(i) for i in index) + "]"


# --------------------------------------------------------------------------- the comparison


def _analytic_jacobians(blocks, leaves, checked, caller):
    """For each checked input, its Jacobian (n_outputs, n_entries) from the engine, one reverse pass per output."""
    rows = [[] for _ in checked]
    for _, elements in blocks:
        for root, seed in elements:
            if root is None or not root.requires_grad:
                grads = [None] * len(leaves)
            else:
                grads = engine.gradients(root, leaves, seed_for(root, seed, False), create_graph=False)
            for row, grad, item in zip(rows, grads, checked):
                row.append(_as_entries(grad, item, caller))
    return [np.array(row, dtype=np.float64).reshape(len(row), item.data.size) for row, item in zip(rows, checked)]


def _as_entries(grad, item, caller):
    if grad is None:
        return np.zeros(item.data.size)
    if isinstance(grad, Node):
        grad = grad.data
    array = np.asarray(grad, dtype=np.float64)
    if array.shape != item.data.shape:
        raise GradcheckError(
            f"{caller}: the engine's gradient for {item.name()} has shape {array.shape}, "
            f"but the input has shape {item.data.shape}",
            input_position=item.position,
            input_label=item.label,
            index=None,
            output=None,
            analytic=array,
            numeric=None,
            tolerance=None,
            mismatches=None,
        )
    return np.ravel(array)


def _numeric_jacobians(evaluate_plain, checked, n_outputs, eps, caller):
    """For each checked input, its Jacobian (n_outputs, n_entries) by central differences."""
    jacobians = []
    datas = [item.data for item in checked]
    for which, item in enumerate(checked):
        jacobian = np.empty((n_outputs, item.data.size))
        for flat in range(item.data.size):
            shifted = list(datas)
            values = []
            for step in (eps, -eps):
                moved = item.data.copy()
                moved.flat[flat] += step
                shifted[which] = moved
                values.append(evaluate_plain(shifted))
            if values[0].shape != (n_outputs,) or values[1].shape != (n_outputs,):
                raise ValueError(f"{caller}: f returned {values[0].size} outputs after a step of eps, {n_outputs} before")
            jacobian[:, flat] = (values[0] - values[1]) / (2 * eps)
        jacobians.append(jacobian)
    return jacobians


def _compare(caller, analytic, numeric, checked, output_name, eps, atol, rtol, note):
    """Raise GradcheckError naming the worst entry of the first input whose Jacobians disagree."""
    for item, a, n in zip(checked, analytic, numeric):
        tolerance = atol + rtol * np.abs(n)
        excess = np.abs(a - n) - tolerance
        bad = ~(excess <= 0)  # NaN anywhere counts as a mismatch
        if not bad.any():
            continue
        ranked = np.where(np.isnan(excess), np.inf, excess)
        output, flat = np.unravel_index(int(np.argmax(np.where(bad, ranked, -np.inf))), a.shape)
        index = tuple(int(i) for i in np.unravel_index(flat, item.data.shape))
        a_value, n_value, tol = float(a[output, flat]), float(n[output, flat]), float(tolerance[output, flat])
        where = item.name() if item.data.ndim == 0 else f"{item.name()} at index {_index_text(index)}"
        count = int(bad.sum())
        message = (
            f"{caller}: the derivative of {output_name(output)} with respect to {where} disagrees with "
            f"central finite differences{note}\n"
            f"  {'analytic (the engine):':<28}{a_value!r}\n"
            f"  {f'numeric (eps={eps!r}):':<28}{n_value!r}\n"
            f"  {'|analytic - numeric|:':<28}{abs(a_value - n_value)!r}\n"
            f"  {'tolerance:':<28}{tol!r} = atol {atol!r} + rtol {rtol!r} × |numeric|\n"
            f"  {count} of {a.size} entries of this input's Jacobian disagree"
        )
        raise GradcheckError(
            message,
            input_position=item.position,
            input_label=item.label,
            index=index,
            output=output_name(output),
            analytic=a_value,
            numeric=n_value,
            tolerance=tol,
            mismatches=count,
        )


def _element_namer(blocks, block_names):
    """A function naming an output element by its position in the flat list of all elements."""
    names = []
    for (shape, elements), block_name in zip(blocks, block_names):
        if shape == ():
            names.append(block_name)
        else:
            names.extend(f"{block_name}{_index_text(index)}" for index in np.ndindex(*shape))
    return names.__getitem__


# --------------------------------------------------------------------------- the checks


def gradcheck(f, *inputs, eps=1e-6, atol=1e-5, rtol=1e-3):
    """True if the engine's first derivatives of ``f`` match central differences; else GradcheckError.

    Checks the full Jacobian: every output element (one reverse pass each) against
    every entry of every checked input, ∂fₖ/∂xⱼ ≈ (f(x + eps·eⱼ) - f(x - eps·eⱼ))ₖ / 2eps.
    f may return a Value, a list of Values, a Tensor of any shape or a constant.
    """
    _check_tolerances("gradcheck", eps, atol, rtol)
    checked = _prepare("gradcheck", inputs)
    with enable_grad():
        leaves = [item.node(item.data, True) for item in checked]
        out = f(*_call_args(inputs, checked, leaves))
        blocks = [output_elements(out, "gradcheck")]
        analytic = _analytic_jacobians(blocks, leaves, checked, "gradcheck")

    def evaluate_plain(datas):
        with no_grad():
            nodes = [item.node(data, False) for item, data in zip(checked, datas)]
            return _flatten_plain(f(*_call_args(inputs, checked, nodes)), "gradcheck")

    n_outputs = analytic[0].shape[0]
    numeric = _numeric_jacobians(evaluate_plain, checked, n_outputs, eps, "gradcheck")
    output_name = _element_namer(blocks, ["output" if blocks[0][0] != () else "the output"])
    _compare("gradcheck", analytic, numeric, checked, output_name, eps, atol, rtol, "")
    return True


def _output_weights(out, caller):
    """Fixed weights u for the scalar ⟨u, f(x)⟩: 1 for a scalar f, else standard normals from seed 0."""
    shape, _ = output_elements(out, caller)
    if shape == ():
        return None
    return np.random.default_rng(0).standard_normal(shape)


def _weighted_root(out, weights, as_node):
    """(root, seed) with d(root)/dx·seed = d⟨u, f(x)⟩/dx; root None when f is a constant."""
    if isinstance(out, Value):
        return out, seed_for(out, 1.0, as_node)
    if isinstance(out, Tensor):
        seed = np.ones(out.shape) if weights is None else weights
        return out, seed_for(out, seed.astype(out.dtype), as_node)
    if isinstance(out, (list, tuple)) and any(isinstance(x, Value) for x in out):
        root = dot([float(w) for w in weights], list(out))
        return root, seed_for(root, 1.0, as_node)
    return None, None


def gradgradcheck(f, *inputs, eps=1e-6, atol=1e-5, rtol=1e-3):
    """True if the engine's second derivatives of ``f`` match central differences; else GradcheckError.

    Runs gradcheck on the gradient map x -> ∂⟨u, f(x)⟩/∂x (all checked inputs),
    recorded with create_graph=True: its Jacobian is the full Hessian of ⟨u, f⟩.
    For a scalar f, u = 1 (the Hessian of f itself); for a non-scalar f, u is
    fixed standard-normal weights drawn from ``numpy.random.default_rng(0)``.
    """
    _check_tolerances("gradgradcheck", eps, atol, rtol)
    checked = _prepare("gradgradcheck", inputs)

    def gradient_map(datas, create_graph):
        leaves = [item.node(data, True) for item, data in zip(checked, datas)]
        out = f(*_call_args(inputs, checked, leaves))
        root, seed = _weighted_root(out, weights, create_graph)
        if root is None or not root.requires_grad:
            return leaves, [None] * len(leaves)
        return leaves, engine.gradients(root, leaves, seed, create_graph=create_graph)

    with enable_grad():
        with no_grad():
            probe = f(*_call_args(inputs, checked, [item.node(item.data, False) for item in checked]))
        weights = _output_weights(probe, "gradgradcheck")
        leaves, grads = gradient_map([item.data for item in checked], True)
        blocks = []
        for grad, item in zip(grads, checked):
            if grad is None:
                grad = item.node(np.zeros_like(item.data), False)
            blocks.append(output_elements(grad, "gradgradcheck"))
        analytic = _analytic_jacobians(blocks, leaves, checked, "gradgradcheck")

    def evaluate_plain(datas):
        with enable_grad():
            _, first = gradient_map(datas, False)
        return np.concatenate(
            [np.zeros(item.data.size) if g is None else np.ravel(np.asarray(g, dtype=np.float64)) for g, item in zip(first, checked)]
        )

    n_outputs = analytic[0].shape[0]
    numeric = _numeric_jacobians(evaluate_plain, checked, n_outputs, eps, "gradgradcheck")
    names = [f"∂f/∂({item.name()})" for item in checked]
    note = "" if weights is None else " (f's outputs weighted by fixed standard-normal weights, seed 0)"
    _compare("gradgradcheck", analytic, numeric, checked, _element_namer(blocks, names), eps, atol, rtol, note)
    return True
