"""The op table: every op of Value and Tensor declared once, and everything that lists ops read from it.

An entry (``OpSpec``) names the op as its nodes record it (``node.op``), gives
its formula and derivative in one line, the methods and functions that run it
on each node class, the numpy functions that dispatch to it, a numpy reference
for its forward and the domain on which it is smooth. The op's forward and its
derivative rule sit together in the module that declares it; this module holds
no op of its own and imports nothing from autograd, so every other module may
read it.

Read from the table: the node classes' methods (``attach``), the numpy protocols
(``numpy_handlers`` for numpy's functions, ``ufunc_ops`` for its ufuncs), the profiler and anomaly mode (``op_methods``,
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
    """Where an op is smooth, in words, and where its tests draw an operand from.

    Tests draw from the open interval (low, high), ``margin`` inside each edge,
    at least a gap away from each of ``kinks``: the points where the op or its
    derivative is not smooth (a second derivative is tested there too, so relu's
    kink at 0 is one, though relu' is smooth elsewhere). ``smooth`` says in words
    where the op is smooth, naming its kinks, jumps and poles, when low, high and
    kinks do not say it alone: exp draws x < 4 (an overflow bound, not an edge),
    max has a kink at ties.
    """

    low: float = -math.inf
    high: float = math.inf
    kinks: tuple = ()
    margin: float = 0.5
    over: int = None  # the kinks are those of x / (operand number ``over``): a % b has its kinks where a/b is whole
    smooth: str = ""  # where the op is smooth, in words ("x > 0 (a pole at 0)", "a kink at ties"); else derived

    def describe(self, name="x"):
        """Where the op is smooth, in words, for the docs: ``smooth``, else "x > 0", "x ≠ 0", "everywhere"."""
        if self.smooth:
            return self.smooth
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

    def describe_draws(self, name="x", span=2.0, gap=0.1):
        """Where tests draw the operand from, in words: "x in [0.5, 2]", "x in [-2, 2], 0.1 or more from 0"."""
        low, high = self.bounds(span)
        if self.over is not None:
            name, low, high = f"{name} / {OPERANDS[self.over]}", -span, span
        text = f"{name} in [{low:g}, {high:g}]"
        if self.kinks == INTEGERS:
            return f"{text}, {gap:g} or more from an integer"
        if self.kinks:
            return f"{text}, {gap:g} or more from " + ", ".join(f"{kink:g}" for kink in self.kinks)
        return text

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
    {
        "backward", "copy_", "detach", "fill_", "item", "numel", "numpy", "register_hook", "retain_grad",
        "tolist", "zero_", "zero_grad",
    }
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
    _ufunc_ops.clear()
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


_ufunc_ops = {}


def ufunc_ops(cls):
    """numpy ufunc -> (op name, method name) for the ops that ``cls`` runs by a method and whose numpy reference is
    a ufunc (``np.exp`` runs ``exp``, ``np.add`` runs ``+`` by ``__add__``): the op's first method on ``cls``."""
    ops = _ufunc_ops.get(cls)
    if ops is None:
        ops = _ufunc_ops[cls] = {
            spec.reference: (spec.name, next(iter(spec.methods[cls])))
            for spec in TABLE.values()
            if isinstance(spec.reference, np.ufunc) and spec.methods.get(cls)
        }
    return ops


def numpy_functions(spec):
    """The numpy functions and ufuncs that run ``spec``'s op: its ``numpy`` handlers, and its ufunc reference."""
    names = list(spec.numpy)
    if isinstance(spec.reference, np.ufunc) and spec.methods and spec.reference not in names:
        names.append(spec.reference)
    return names


def markdown():
    """The table as Markdown: the list of ops in ``docs/ops.md``."""
    lines = [
        "# The ops",
        "",
        "Generated from autograd's op table (`python -m autograd ops > docs/ops.md`). "
        "Each op's forward and derivative rule are written once, in autograd's own ops, so every op also has "
        "second derivatives.",
        "",
        "*Smooth where* says where the op and its derivative are smooth, naming each kink, jump and pole. "
        "*Tests draw* is where the tests of an op shared by Value and Tensor draw its operands from "
        "(first and second derivatives are checked there against central differences); "
        "a Tensor-only op's catalogue cases and strategy keep its inputs away from its kinks on their own.",
        "",
        "| op | formula and derivative | kind | on | smooth where | tests draw | numpy |",
        "|---|---|---|---|---|---|---|",
    ]
    for spec in TABLE.values():
        runs = []
        for cls, methods in spec.methods.items():
            runs.append(f"{cls.__name__}: " + ", ".join(f"`{name}`" for name in methods))
        if spec.functions:
            runs.append("autograd: " + ", ".join(f"`{name}`" for name in spec.functions))
        domain = (  # two columns: where the op is smooth | where its tests draw
            smooth_where(spec).replace("|", "\\|") + " | " + tests_draw(spec)
        )
        numpy_names = ", ".join(f"`np.{f.__name__}`" for f in numpy_functions(spec))
        doc = spec.doc.replace("|", "\\|")
        lines.append(f"| `{spec.name}` | {doc} | {spec.kind} | {'; '.join(runs)} | {domain} | {numpy_names} |")
    return "\n".join(lines) + "\n"


def smooth_where(spec):
    """Where the op ``spec`` is smooth, in words: its operands' domains that are not "everywhere", joined."""
    if len(spec.domain) == 1 and spec.domain[0].smooth:
        return spec.domain[0].smooth
    if not spec.differentiable:
        return "(a constant: no gradient)"
    if len(spec.domain) == 1:
        return spec.domain[0].describe()
    parts = [domain.describe(name) for name, domain in zip(OPERANDS, spec.domain)]
    return "; ".join(part for part in parts if part != "everywhere") or "everywhere"


def tests_draw(spec):
    """Where the op's table tests draw its operands from (the shared ops: the catalogue and the table's own tests)."""
    if spec.on_float is None:
        return ""  # a Tensor-only op: its catalogue cases and strategy plan pick inputs away from its kinks
    if len(spec.domain) == 1:
        return spec.domain[0].describe_draws()
    return "; ".join(domain.describe_draws(name) for name, domain in zip(OPERANDS, spec.domain))
