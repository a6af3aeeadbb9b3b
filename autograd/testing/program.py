"""The machinery behind ``autograd.testing``: drawn straight-line programs and the shifts that keep them smooth.

A program is a list of steps over registers: registers 0..n-1 are the inputs
``x0, x1, ...``; each step applies an ``Op`` to earlier registers and appends
one register ``t0, t1, ...``. While a program is drawn it is also evaluated on
its inputs, so each op can pick constants (a shift, a clip bound, an axis)
that keep it smooth at exactly those values. Part of the test-only
``autograd.testing``: imports hypothesis.
"""

import math
import random

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

BOUND = 8.0  # a result larger than this in magnitude is scaled down by a power of ten
POSITIVE = 0.25  # log, sqrt, fractional powers and divisors see quantities at least this far from 0
KINK = 0.1  # abs, relu, leaky_relu, clip, maximum and minimum stay this far from their kinks
EXP_MAX = 4.0  # exp sees arguments below this
MAX_SIZE = 64  # elements of any intermediate array
MAX_DIMS = 3  # axes of any intermediate array


# --------------------------------------------------------------------------- shifts


def _rounded(x):
    return float(round(x, 2))


def shift_to_at_least(values, low):
    """A constant s (0 if none is needed) with every value + s >= low."""
    smallest = float(np.min(values))
    return 0.0 if smallest >= low else _rounded(low - smallest + 0.25)


def shift_to_at_most(values, high):
    """A constant s (0 if none is needed) with every value + s <= high."""
    largest = float(np.max(values))
    return 0.0 if largest <= high else -_rounded(largest - high + 0.25)


def squeeze_into(values, low, high):
    """(scale, shift) with every value·scale + shift inside [low, high]: scaled down by powers of ten, then centred."""
    values = np.asarray(values, dtype=np.float64)
    scale = 1.0
    while (float(np.max(values)) - float(np.min(values))) * scale > (high - low) * 0.8:
        scale /= 10.0
    middle = (float(np.max(values)) + float(np.min(values))) * scale / 2
    return scale, _rounded((low + high) / 2 - middle)


def free_points(values, margin):
    """Points at least ``margin`` from every value: below them all, above them all, and in wide gaps."""
    values = np.sort(np.ravel(np.asarray(values, dtype=np.float64)))
    points = [_rounded(values[0] - 2 * margin - 0.005), _rounded(values[-1] + 2 * margin + 0.005)]
    gaps = np.diff(values)
    for low, gap in zip(values[:-1], gaps):
        if gap >= 2 * margin + 0.02:
            points.append(_rounded(low + gap / 2))
    return sorted(p for p in set(points) if np.min(np.abs(values - p)) >= margin)


def shift_away_from_zero(values, margin):
    """A constant s, as small as found, with every |value + s| >= margin: the kink at 0 moves into a gap."""
    values = np.asarray(values, dtype=np.float64)
    if np.min(np.abs(values)) >= margin:
        return 0.0
    point = min(free_points(values, margin), key=abs)  # where the kink will sit, at -s
    return -point


def scale_below(values, bound=BOUND):
    """1.0 when every |value| <= bound, else the power of ten that brings them below it."""
    largest = float(np.max(np.abs(values)))
    if largest <= bound:
        return 1.0
    return 10.0 ** -math.ceil(math.log10(largest / bound))


def plus(name, shift):
    """``name`` plus a constant, as Python: ``t1``, ``(t1 + 0.5)`` or ``(t1 - 0.5)``."""
    if shift == 0.0:
        return name
    return f"({name} + {shift!r})" if shift > 0 else f"({name} - {-shift!r})"


def bare(text):
    """``text`` without one pair of enclosing parentheses, for use as a function argument."""
    return text[1:-1] if text.startswith("(") and text.endswith(")") else text


def number(draw, low, high, nonzero_margin=0.0):
    """A number drawn from [low, high], rounded to 2 decimals, at least ``nonzero_margin`` from 0."""
    value = _rounded(draw(st.floats(low, high, allow_nan=False, allow_infinity=False)))
    if abs(value) < nonzero_margin:
        value = nonzero_margin if value >= 0 else -nonzero_margin
    return value


# --------------------------------------------------------------------------- ops and programs


def pick_recent(draw, count, arity):
    """``arity`` register indices out of ``count``; drawing shrinks towards the most recent (a deep chain)."""
    return [count - 1 - draw(st.integers(0, count - 1)) for _ in range(arity)]


class Op:
    """One kind of step: which registers it takes, which constants it picks, how it runs and prints.

    ``pick(draw, values) -> indices or None`` chooses operands (None: the op does
    not apply to these values); ``plan(draw, operands) -> params or None`` picks
    constants from the operands' payloads; ``apply(operands, params)`` runs on
    payloads and nodes alike; ``render(names, params)`` writes the step as Python.
    """

    def __init__(self, name, plan, apply, render, arity=1, pick=None):
        self.name = name
        self.plan = plan
        self.apply = apply
        self.render = render
        self.arity = arity  # an int, or (min, max) for a variable number of operands
        self.pick = pick or self._pick_recent

    def _pick_recent(self, draw, values):
        arity = self.arity if isinstance(self.arity, int) else draw(st.integers(*self.arity))
        return pick_recent(draw, len(values), arity)

    def with_pick(self, pick):
        """The same op choosing its operands with ``pick``."""
        return Op(self.name, self.plan, self.apply, self.render, self.arity, pick)

    def with_apply(self, wrap):
        """The same op with its result passed through ``wrap``."""
        apply = self.apply
        return Op(self.name, self.plan, lambda x, p: wrap(apply(x, p)), self.render, self.arity, self.pick)

    def __repr__(self):
        return f"Op({self.name})"


def no_params(draw, operands):
    return {}


class Step:
    """One line of an expression: ``op`` applied to earlier registers, then multiplied by ``scale``."""

    __slots__ = ("op", "operands", "params", "scale")

    def __init__(self, op, operands, params, scale):
        self.op = op
        self.operands = operands
        self.params = params
        self.scale = scale


class Expression:
    """A drawn straight-line program: ``e(*leaves)`` evaluates it; ``e.inputs`` is where it was drawn.

    ``e.steps`` lists its steps and ``e.ops`` their op names; ``repr(e)`` is the
    program as Python over the names in ``autograd.testing.NAMESPACE``.
    """

    def __init__(self, kind, inputs, steps):
        self.kind = kind
        self.inputs = inputs
        self.steps = steps

    @property
    def ops(self):
        """The names of the ops in the program, in order (with repeats)."""
        return [step.op.name for step in self.steps]

    def _register_name(self, index):
        n = len(self.inputs)
        return f"x{index}" if index < n else f"t{index - n}"

    def __call__(self, *args):
        if len(args) != len(self.inputs):
            raise TypeError(f"this {self.kind} takes {len(self.inputs)} arguments, got {len(args)}")
        registers = list(args)
        for step in self.steps:
            result = step.op.apply([registers[i] for i in step.operands], step.params)
            registers.append(result if step.scale == 1.0 else step.scale * result)
        return registers[-1]

    def __repr__(self):
        arguments = ", ".join(self._register_name(i) for i in range(len(self.inputs)))
        scalars = all(isinstance(x, float) for x in self.inputs)
        where = ", ".join(f"x{i}={x!r}" for i, x in enumerate(self.inputs)) if scalars else "the inputs below"
        lines = [f"def {self.kind.replace(' ', '_')}({arguments}):  # drawn at {where}"]
        for index, step in enumerate(self.steps):
            text = step.op.render([self._register_name(i) for i in step.operands], step.params)
            if step.scale != 1.0:
                text = f"{step.scale!r} * ({bare(text)})"
            lines.append(f"    {self._register_name(len(self.inputs) + index)} = {text}")
        lines.append(f"    return {self._register_name(len(self.inputs) + len(self.steps) - 1)}")
        if not scalars:
            for i, x in enumerate(self.inputs):
                lines.append(f"# x{i} = np.array({np.asarray(x).tolist()!r})")
        return "\n".join(lines)


def append_step(draw, op, operands, values, steps, params=None):
    """Plan and evaluate ``op`` on ``operands``, scale the result below BOUND, record the step."""
    if params is None:
        params = op.plan(draw, [values[i] for i in operands])
    result = op.apply([values[i] for i in operands], params)
    assume(np.all(np.isfinite(result)))
    scale = scale_below(result)
    steps.append(Step(op, operands, params, scale))
    values.append(result if scale == 1.0 else scale * result)


def _try_step(draw, op, values, steps):
    operands = op.pick(draw, values)
    if operands is None:
        return False
    params = op.plan(draw, [values[i] for i in operands])
    if params is None:
        return False
    append_step(draw, op, operands, values, steps, params)
    return True


def use_counts(steps, n_registers):
    """How many steps read each register."""
    uses = [0] * n_registers
    for step in steps:
        for i in step.operands:
            uses[i] += 1
    return uses


@st.composite
def draw_program(draw, inputs, ops, min_ops, max_ops, finish):
    """The steps of a program over ``inputs``, then ``finish``: ops taken in a shuffled order, so distinct.

    An op that does not apply to the registers at hand gives way to the next; after
    the last op the order starts again.
    """
    values = list(inputs)
    steps = []
    n_ops = draw(st.integers(min_ops, max_ops))
    order = list(ops)
    # a seeded shuffle mixes evenly; hypothesis's own permutations favour the given order
    random.Random(draw(st.integers(0, 2**32 - 1))).shuffle(order)
    position = 0
    while len(steps) < n_ops:
        for attempt in range(len(order)):
            if _try_step(draw, order[(position + attempt) % len(order)], values, steps):
                position += attempt + 1
                break
        else:
            raise RuntimeError("no op applies to the registers drawn; include an elementwise op")
    finish(draw, steps, values, len(inputs))
    return steps


def choose_ops(ops, names, where):
    """The ops named by ``names`` (all of ``ops`` for None), or a ValueError naming the unknown ones."""
    if names is None:
        return list(ops)
    by_name = {op.name: op for op in ops}
    if isinstance(names, str) or not all(isinstance(name, str) for name in names):
        raise TypeError(f"{where}: ops must be a list of op names, got {names!r}")
    unknown = [name for name in names if name not in by_name]
    if unknown:
        raise ValueError(f"{where}: unknown op names {unknown}; known: {sorted(by_name)}")
    if not names:
        raise ValueError(f"{where}: ops must name at least one op")
    return [by_name[name] for name in names]


def check_sizes(where, min_inputs, max_inputs, min_ops, max_ops):
    """ValueError unless 1 <= min_inputs <= max_inputs and 2 <= min_ops <= max_ops."""
    if not 1 <= min_inputs <= max_inputs:
        raise ValueError(f"{where}: need 1 <= min_inputs <= max_inputs, got {min_inputs} and {max_inputs}")
    if not 2 <= min_ops <= max_ops:
        raise ValueError(f"{where}: need 2 <= min_ops <= max_ops, got {min_ops} and {max_ops}")
