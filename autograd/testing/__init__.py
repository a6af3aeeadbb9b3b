"""Hypothesis strategies for property tests of derivatives: random expressions and well-conditioned inputs.

    from hypothesis import given
    from autograd import gradcheck, gradgradcheck
    from autograd.testing import scalar_expressions, tensor_expressions

    @given(scalar_expressions())
    def test_scalar_derivatives_agree_with_finite_differences(e):
        assert gradcheck(e, *e.inputs) and gradgradcheck(e, *e.inputs)

    @given(tensor_expressions())
    def test_tensor_derivatives_agree_with_finite_differences(e):
        assert gradcheck(e, *e.inputs)

An expression is a straight-line program drawn together with its inputs. Each
step applies an op to earlier results — inputs or intermediate values, which are
reused, so the graph shares subexpressions — and the ops of one expression are
drawn in a shuffled order, so they are mostly distinct. Every result nothing
else uses is summed into the output. ``e(*leaves)`` evaluates it on floats or
Values (``scalar_expressions``), on ndarrays or Tensors (``tensor_expressions``).

It is smooth *around its own inputs* ``e.inputs``: while drawing, every op's
argument is evaluated and, where needed, shifted by a constant written into the
formula — log, sqrt and fractional powers see quantities >= 0.25, divisors are at
least 0.25 from 0, abs / relu / leaky_relu / clip / maximum / minimum stay 0.1
from their kinks, exp sees arguments <= 4, max / min never meet a near-tie, and a
result larger than 8 in magnitude is scaled down by a power of ten. Called far
from its inputs it may meet a kink.

``repr(e)`` is the program as Python over the names in ``NAMESPACE``: a failing
example reads as a formula, and ``exec(repr(e), dict(NAMESPACE))`` defines it as
a function of floats or Values (scalar expressions) or of Tensors (tensor ones).
hypothesis is a test-only dependency, imported by this module (and the
``testing_*`` modules it uses) and nowhere else in autograd.
"""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from .program import (
    BOUND,
    EXP_MAX,
    KINK,
    POSITIVE,
    Expression,
    append_step,
    check_sizes,
    choose_ops,
    draw_program,
    free_points,
    scale_below,
    shift_away_from_zero,
    shift_to_at_least,
    shift_to_at_most,
    use_counts,
)
from .scalar_ops import MUL, SCALAR_OPS, SUM_VALUES, leaky_relu, relu
from .scalar_ops import NAMESPACE as _SCALAR_NAMESPACE
from .linalg_ops import LINALG_OPS
from .linalg_ops import NAMESPACE as _LINALG_NAMESPACE
from .rearrange_ops import NAMESPACE as _REARRANGE_NAMESPACE
from .rearrange_ops import REARRANGE_OPS
from .tensor_ops import NAMESPACE as _TENSOR_NAMESPACE
from .tensor_ops import SCALED, TOTAL
from .tensor_ops import TENSOR_OPS as _TENSOR_OPS

TENSOR_OPS = [*_TENSOR_OPS, *LINALG_OPS, *REARRANGE_OPS]
"""Every op ``tensor_expressions`` draws from."""

SCALAR_OP_NAMES = tuple(op.name for op in SCALAR_OPS)
"""The names of the ops ``scalar_expressions`` draws from (its ``ops=`` picks among them)."""

TENSOR_OP_NAMES = tuple(op.name for op in TENSOR_OPS)
"""The names of the ops ``tensor_expressions`` draws from (its ``ops=`` picks among them)."""

NAMESPACE = {**_SCALAR_NAMESPACE, **_TENSOR_NAMESPACE, **_LINALG_NAMESPACE, **_REARRANGE_NAMESPACE}
"""The functions an expression's repr calls, by name; each works on payloads and nodes alike."""

__all__ = [
    "BOUND",
    "EXP_MAX",
    "KINK",
    "NAMESPACE",
    "POSITIVE",
    "SCALAR_OP_NAMES",
    "TENSOR_OP_NAMES",
    "Expression",
    "broadcastable_shapes",
    "free_points",
    "leaky_relu",
    "relu",
    "scalar_expressions",
    "scalar_inputs",
    "scale_below",
    "shift_away_from_zero",
    "shift_to_at_least",
    "shift_to_at_most",
    "tensor_expressions",
    "well_conditioned_arrays",
]


def _finish_scalar(draw, steps, values, n_inputs):
    """Sum every register nothing reads into the result; if no intermediate is read twice, reuse one."""
    uses = use_counts(steps, len(values))
    last = len(values) - 1
    unused = [i for i in range(last) if uses[i] == 0]
    if unused:
        append_step(draw, SUM_VALUES, unused + [last], values, steps)
    _ensure_sharing(draw, steps, values, n_inputs, MUL)


def _finish_tensor(draw, steps, values, n_inputs):
    """Sum every element of every register nothing reads (and of the last) into a one-element result."""
    uses = use_counts(steps, len(values))
    last = len(values) - 1
    append_step(draw, TOTAL, [i for i in range(last) if uses[i] == 0] + [last], values, steps)
    _ensure_sharing(draw, steps, values, n_inputs, SCALED)


def _ensure_sharing(draw, steps, values, n_inputs, product):
    uses = use_counts(steps, len(values))
    if not any(count >= 2 for count in uses[n_inputs:]):
        shared = next(i for i in range(n_inputs, len(values) - 1) if uses[i] >= 1)
        append_step(draw, product, [len(values) - 1, shared], values, steps)


# --------------------------------------------------------------------------- scalar expressions


def scalar_inputs(min_value=-3.0, max_value=3.0):
    """A strategy for floats in [min_value, max_value] (no NaN, no infinity)."""
    return st.floats(min_value, max_value, allow_nan=False, allow_infinity=False)


def scalar_expressions(min_inputs=1, max_inputs=3, min_ops=4, max_ops=12, ops=None):
    """A strategy for expressions ``e`` of floats or Values, with ``e.inputs`` (floats) where they are smooth.

    ``e(*leaves)`` returns a scalar (a float for floats, a Value for Values). The
    program has ``min_ops`` to ``max_ops`` steps, then a ``sum_values`` of the
    results nothing used (and a ``mul`` reusing an intermediate if none was used
    twice). ``ops`` restricts the op names drawn (default: all of ``SCALAR_OP_NAMES``).
    """
    check_sizes("scalar_expressions", min_inputs, max_inputs, min_ops, max_ops)
    chosen = choose_ops(SCALAR_OPS, ops, "scalar_expressions")
    return _scalar_expressions(min_inputs, max_inputs, min_ops, max_ops, chosen)


@st.composite
def _scalar_expressions(draw, min_inputs, max_inputs, min_ops, max_ops, ops):
    n_inputs = draw(st.integers(min_inputs, max_inputs))
    inputs = [draw(scalar_inputs()) for _ in range(n_inputs)]
    steps = draw(draw_program(inputs, ops, min_ops, max_ops, _finish_scalar))
    return Expression("scalar expression", inputs, steps)


# --------------------------------------------------------------------------- tensor expressions


def tensor_expressions(min_inputs=1, max_inputs=3, min_ops=4, max_ops=10, max_dims=3, max_side=3, ops=None):
    """A strategy for expressions ``e`` of ndarrays or Tensors, with ``e.inputs`` (float64 arrays).

    The inputs have shapes that broadcast together (up to ``max_dims`` axes of up
    to ``max_side``) and well-conditioned entries; ``e(*leaves)`` returns a
    one-element result (a 0-d Tensor for Tensors). The program has ``min_ops`` to
    ``max_ops`` steps, then a ``total`` summing every element of the results
    nothing used. ``ops`` restricts the op names drawn (default: all of
    ``TENSOR_OP_NAMES``; give at least one elementwise op).
    """
    check_sizes("tensor_expressions", min_inputs, max_inputs, min_ops, max_ops)
    if not (0 <= max_dims <= 3 and 1 <= max_side <= 4):
        raise ValueError(f"tensor_expressions: need 0 <= max_dims <= 3 and 1 <= max_side <= 4, got {max_dims}, {max_side}")
    chosen = choose_ops(TENSOR_OPS, ops, "tensor_expressions")
    return _tensor_expressions(min_inputs, max_inputs, min_ops, max_ops, max_dims, max_side, chosen)


@st.composite
def _tensor_expressions(draw, min_inputs, max_inputs, min_ops, max_ops, max_dims, max_side, ops):
    n_inputs = draw(st.integers(min_inputs, max_inputs))
    shapes = draw(
        hnp.mutually_broadcastable_shapes(num_shapes=n_inputs, min_dims=0, max_dims=max_dims, max_side=max_side)
    ).input_shapes
    inputs = [draw(_well_conditioned_arrays(st.just(tuple(shape)), 0.1, 3.0)) for shape in shapes]
    steps = draw(draw_program(inputs, ops, min_ops, max_ops, _finish_tensor))
    return Expression("tensor expression", inputs, steps)


# --------------------------------------------------------------------------- shapes and arrays


def broadcastable_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4):
    """A strategy for pairs of shapes that broadcast together under numpy's rules, e.g. ((3, 1), (4,))."""
    return hnp.mutually_broadcastable_shapes(
        num_shapes=2, min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side
    ).map(lambda drawn: tuple(drawn.input_shapes))


def well_conditioned_arrays(shape=None, low=0.1, high=3.0):
    """A strategy for float64 arrays of moderate size, entries in ±[low, high + 0.0025], >= 0.005 apart.

    Away from the kinks of abs / relu (at 0) and from ties of max / min, so finite
    differences are meaningful. ``shape`` is a tuple, or None to draw one (up to
    3 axes of up to 4).
    """
    if not (isinstance(low, (int, float)) and isinstance(high, (int, float)) and 0 < low < high):
        raise ValueError(f"well_conditioned_arrays: need 0 < low < high, got low={low!r}, high={high!r}")
    if shape is None:
        shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4)
    else:
        shape = tuple(shape)
        size = int(np.prod(shape, dtype=np.int64))
        if round((high - low) / 0.01) + 1 < size:
            raise ValueError(f"well_conditioned_arrays: {size} entries do not fit 0.01 apart in ±[{low}, {high}]")
        shapes = st.just(shape)
    return _well_conditioned_arrays(shapes, low, high)


@st.composite
def _well_conditioned_arrays(draw, shapes, low, high):
    shape = draw(shapes)
    size = int(np.prod(shape, dtype=np.int64))
    steps = round((high - low) / 0.01)
    # distinct magnitudes low + k·0.01 (each nudged by at most 0.0025), either sign
    magnitudes = draw(st.lists(st.integers(0, steps), min_size=size, max_size=size, unique=True))
    signs = draw(st.lists(st.sampled_from([1.0, -1.0]), min_size=size, max_size=size))
    nudges = draw(st.lists(st.floats(0.0, 0.0025), min_size=size, max_size=size))
    entries = [sign * (low + 0.01 * k + nudge) for k, sign, nudge in zip(magnitudes, signs, nudges)]
    return np.array(entries, dtype=np.float64).reshape(shape)

