"""The op table: every op of Value and Tensor declared once, and everything that lists ops read from it.

An entry (``OpSpec``) names the op as its nodes record it (``node.op``), gives
its formula and derivative in one line, the methods and functions that run it
on each node class, the numpy functions that dispatch to it, a numpy reference
for its forward and the domain on which it is smooth. The op's forward and its
derivative rule sit together in the module that declares it; this module holds
no op of its own and imports nothing from autograd, so every other module may
read it.

Read from the table: the node classes' methods (``attach``), the numpy protocol
(``numpy_handlers``), the profiler and anomaly mode (``op_methods``,
``op_functions``), the hypothesis strategies and the catalogue tests (elementwise
entries with their domains and references), and the list of ops in the docs
(``markdown``). A test fails when a public method of Value or Tensor is in
neither the table nor ``NON_OPS``.
"""

import math
from dataclasses import dataclass, field

import numpy as np

INTEGERS = "integers"  # a domain's kinks at every integer (floor, ceil, %)
OPERANDS = "ab"  # the names of a binary op's operands, in the docs


@dataclass(frozen=True)
class Domain:
    """Where an op is smooth: the open interval (low, high) less its kinks, kept ``margin`` away from each edge."""

    low: float = -math.inf
    high: float = math.inf
    kinks: tuple = ()
    margin: float = 0.5
    over: int = None  # the kinks are those of x / (operand number ``over``): a % b has its kinks where a/b is whole

    def describe(self, name="x"):
        """The domain in words, for the docs: "x > 0", "-1 < x < 1", "x ≠ 0", "a / b not an integer", "everywhere"."""
        parts = []
        if self.low > -math.inf and self.high < math.inf:
            parts.append(f"{self.low:g} < {name} < {self.high:g}")
        elif self.low > -math.inf:
            parts.append(f"{name} > {self.low:g}")
        elif self.high < math.inf:
            parts.append(f"{name} < {self.high:g}")
        if self.over is not None:
            name = f"{name} / {OPERANDS[self.over]}"
        if self.kinks == INTEGERS:
            parts.append(f"{name} not an integer")
        elif self.kinks:
            parts.append(", ".join(f"{name} ≠ {kink:g}" for kink in self.kinks))
        return "; ".join(parts) or "everywhere"

    def bounds(self, span=2.0):
        """The interval test inputs are drawn from: within [-span, span] and ``margin`` inside the domain."""
        low = max(self.low + self.margin, -span)
        high = min(self.high - self.margin, span)
        return low, high

    def sample(self, rng, shape, span=2.0, gap=0.1):
        """Float64 values of ``shape`` in ``bounds(span)``, at least ``gap`` from every kink."""
        low, high = self.bounds(span)
        values = rng.uniform(low, high, shape)
        if self.kinks == INTEGERS:
            whole = np.floor(values)
            return whole + np.clip(values - whole, gap, 1.0 - gap)
        for kink in self.kinks:
            near = np.abs(values - kink) < gap
            values = np.where(near, kink + np.where(values >= kink, gap, -gap) * 2.5, values)
        return values


def sample_operands(domains, rng, shapes, span=2.0):
    """Float64 inputs of ``shapes`` for an op smooth on ``domains`` (one per operand), drawn with ``rng``.

    Each operand is drawn from its domain. An operand whose kinks are those of its
    ratio to another (``Domain.over``) is q·c, q drawn from its kinks, and the other
    operand is then ±c, one magnitude c with its own signs: a / b = ±q stays away
    from the kinks for any broadcast of the two shapes.
    """
    values = [domain.sample(rng, shape, span) for domain, shape in zip(domains, shapes)]
    for index, domain in enumerate(domains):
        if domain.over is not None:
            other = domains[domain.over]
            magnitude = float(np.abs(other.sample(rng, (), span)))
            values[domain.over] = np.where(values[domain.over] < 0, -magnitude, magnitude)
            values[index] = magnitude * Domain(kinks=domain.kinks).sample(rng, shapes[index], span)
    return values


EVERYWHERE = Domain()
POSITIVE = Domain(low=0.0)
NONZERO = Domain(kinks=(0.0,))


@dataclass
class OpSpec:
    """One op: its recorded name, its formula, where it runs and where it is smooth."""

    name: str
    doc: str
    kind: str  # "elementwise", "arithmetic", "reduction", "shape", "linear algebra", "join", "constant"
    arity: int = 1
    domain: tuple = (EVERYWHERE,)  # one per input
    reference: object = None  # the forward on ndarrays (numpy), for tests and strategies
    on_float: object = None  # the forward on Python floats, where Value has the op
    rule: object = None  # vjp(g, out, *inputs) -> tuple, where the op has one rule
    params: dict = field(default_factory=dict)  # keyword -> (low, high) that tests and strategies draw from
    differentiable: bool = True  # False: the result is a constant (comparisons, argmax)
    methods: dict = field(default_factory=dict)  # node class -> {attribute: function}
    functions: dict = field(default_factory=dict)  # autograd function name -> function
    numpy: dict = field(default_factory=dict)  # numpy function -> handler(*args, **kwargs)
    attributes: tuple = ()  # elementwise ops: the method names Value and Tensor run it by
    defaults: dict = field(default_factory=dict)  # elementwise ops: the forward's keyword defaults
    dunder: str = ""  # arithmetic ops: "add" for __add__ and __radd__
    passes_gradient: bool = False  # arithmetic ops: a gradient is the incoming one itself

    @property
    def classes(self):
        """The node classes the op runs on."""
        return tuple(self.methods)


TABLE = {}
"""op name -> OpSpec, in declaration order."""

NON_OPS = frozenset(
    {"backward", "detach", "item", "numpy", "tolist", "zero_grad", "register_hook"}
)
"""Public methods of the node classes that build no node: not ops, not in the table."""


def declare(spec):
    """Add ``spec`` to the table (an op is declared once: a second declaration of a name is an error)."""
    if spec.name in TABLE:
        raise ValueError(f"op {spec.name!r} is declared twice")
    TABLE[spec.name] = spec
    return spec


def spec_of(name):
    """The entry of the op named ``name``."""
    try:
        return TABLE[name]
    except KeyError:
        raise KeyError(f"no op named {name!r} in the op table") from None


def attach(name, cls=None, methods=None, functions=None, numpy=None):
    """Install the op ``name``'s ``methods`` ({attribute: function}) on ``cls``, and record them in the table.

    ``functions`` ({name: function}) are the op's functions exported by autograd;
    ``numpy`` ({numpy function: handler}) the numpy functions that dispatch to it.
    """
    spec = spec_of(name)
    for attribute, function in (methods or {}).items():
        function.__qualname__ = f"{cls.__name__}.{attribute}"
        # a code object of its own, named for the method: tracebacks, cProfile and autograd's instruments
        # (which see op calls by their code) tell __add__ from __mul__, though one factory made both
        function.__code__ = function.__code__.replace(co_name=attribute, co_qualname=function.__qualname__)
        if not function.__doc__:
            function.__doc__ = spec.doc
        setattr(cls, attribute, function)
        spec.methods.setdefault(cls, {})[attribute] = function
    spec.functions.update(functions or {})
    spec.numpy.update(numpy or {})
    _numpy_handlers.clear()
    return spec


def op_methods():
    """(class, attribute, op name) for every method that runs an op."""
    return [(cls, attribute, spec.name) for spec in TABLE.values() for cls, methods in spec.methods.items()
            for attribute in methods]


def op_functions():
    """(function name, function, op name) for every function of autograd that runs an op."""
    return [(name, function, spec.name) for spec in TABLE.values() for name, function in spec.functions.items()]


_numpy_handlers = {}


def numpy_handlers():
    """numpy function -> handler, for ``Tensor.__array_function__``."""
    if not _numpy_handlers:
        for spec in TABLE.values():
            _numpy_handlers.update(spec.numpy)
    return _numpy_handlers


def markdown():
    """The table as Markdown: the list of ops in ``docs/ops.md``."""
    lines = [
        "# The ops",
        "",
        "Generated from autograd's op table (`python -m autograd ops > docs/ops.md`). "
        "Each op's forward and derivative rule are written once, in autograd's own ops, so every op also has "
        "second derivatives.",
        "",
        "| op | formula and derivative | kind | on | smooth where | numpy |",
        "|---|---|---|---|---|---|",
    ]
    for spec in TABLE.values():
        runs = []
        for cls, methods in spec.methods.items():
            runs.append(f"{cls.__name__}: " + ", ".join(f"`{name}`" for name in methods))
        if spec.functions:
            runs.append("autograd: " + ", ".join(f"`{name}`" for name in spec.functions))
        domain = (
            spec.domain[0].describe() if len(spec.domain) == 1
            else "; ".join(f"{name}: {d.describe(name)}" for name, d in zip(OPERANDS, spec.domain))
        )
        numpy_names = ", ".join(f"`np.{f.__name__}`" for f in spec.numpy)
        doc = spec.doc.replace("|", "\\|")
        lines.append(f"| `{spec.name}` | {doc} | {spec.kind} | {'; '.join(runs)} | {domain} | {numpy_names} |")
    return "\n".join(lines) + "\n"

