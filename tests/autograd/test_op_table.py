"""The op table is the one list of ops: every public op is in it, and everything read from it runs every op.

The shared ops (``autograd.pointwise``) are checked here on Value straight from
their entries: forward against the entry's numpy reference, first and second
derivatives against central differences at points of the entry's domain.
"""

import inspect
import math
import operator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, find, settings

import autograd
from autograd import Tensor, Value, gradcheck, gradgradcheck
from autograd.core import optable
from autograd.__main__ import main as autograd_main
from autograd.core.optable import INTEGERS, NON_OPS, Domain, OpSpec
from autograd.pointwise import shared
from autograd.testing import SCALAR_OP_NAMES, TENSOR_OP_NAMES, scalar_expressions, tensor_expressions

from tests.autograd import test_tensor_catalogue, test_value_catalogue

REPOSITORY = Path(__file__).resolve().parents[2]
OPERATOR_DUNDERS = {
    f"__{name}__" for base in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul")
    for name in (base, "r" + base)
} | {"__neg__", "__pos__", "__abs__", "__getitem__", "__lt__", "__le__", "__gt__", "__ge__", "__eq__", "__ne__"}


def public_ops(cls):
    """The methods of ``cls`` a user calls to run an op: public methods and operators, not ``NON_OPS``."""
    names = set()
    for klass in cls.__mro__:
        for name, attribute in vars(klass).items():
            if not callable(attribute) or isinstance(attribute, (type, staticmethod, classmethod)):
                continue
            if name in OPERATOR_DUNDERS or not (name.startswith("_") or name in NON_OPS):
                names.add(name)
    if cls is Value:  # Value's comparisons read the data and return a bool: they build no node
        names -= {"__lt__", "__le__", "__gt__", "__ge__", "__eq__", "__ne__"}
    return names


def graph_ops(root):
    """The ``op`` of every node ``root`` was computed from."""
    seen, stack, ops = {id(root)}, [root], set()
    while stack:
        node = stack.pop()
        if node.op:
            ops.add(node.op)
        for parent in node.parents:
            if id(parent) not in seen:
                seen.add(id(parent))
                stack.append(parent)
    return ops


def differentiable_ops(cls=None):
    return {
        spec.name for spec in optable.TABLE.values()
        if spec.differentiable and (cls is None or cls in spec.methods or (cls is Value and spec.name in ("dot",)))
    }


# --------------------------------------------------------------------------- the table is complete


@pytest.mark.parametrize("cls", [Value, Tensor], ids=lambda cls: cls.__name__)
def test_every_public_op_of_the_node_classes_is_in_the_table(cls):
    declared = {attribute for klass, attribute, _ in optable.op_methods() if klass is cls}
    assert public_ops(cls) - declared == set()


def test_every_function_autograd_exports_that_builds_a_node_is_in_the_table():
    declared = {name for name, _, _ in optable.op_functions()}
    builders = {"concatenate", "dot", "maximum", "minimum", "stack", "sum_values", "where"}
    assert builders <= declared and declared <= set(autograd.__all__)


def test_an_op_declared_twice_is_refused():
    with pytest.raises(ValueError, match="declared twice"):
        optable.declare(OpSpec("log", "again", "elementwise"))


def test_a_node_class_method_missing_from_the_table_is_found():
    class Extended(Tensor):
        __slots__ = ()

        def softplus(self):
            return (self.exp() + 1).log()

    declared = {attribute for klass, attribute, _ in optable.op_methods() if klass is Tensor}
    assert public_ops(Extended) - declared == {"softplus"}


# --------------------------------------------------------------------------- what is read from the table runs every op


def catalogue_ops():
    """The ops the catalogue tests run, first order and (through create_graph) second order."""
    ops = set()
    for case in test_tensor_catalogue.CASES:
        tensors = [Tensor(a, requires_grad=True) for a in case.inputs()]
        out = case.function(*tensors)
        ops |= graph_ops(out)
        total = (out * out).sum()
        firsts = autograd.core.engine.gradients(total, tensors, Tensor(np.ones(())), create_graph=True)
        for first in firsts:
            if first is not None:
                ops |= graph_ops(first)
    for case in test_value_catalogue.CASES:
        values = [Value(x) for x in case.points[0]]
        ops |= graph_ops(case.function(*values))
    return ops


def test_the_catalogue_runs_every_differentiable_op():
    assert differentiable_ops() - catalogue_ops() == set()


def strategy_ops(strategy_of, names, leaf):
    """The ops in the graphs of expressions drawn with each strategy op in ``names`` (and ``mul``, which always
    applies)."""
    ops = set()
    quiet = settings(database=None, derandomize=True, max_examples=50, phases=[Phase.generate],
                     suppress_health_check=list(HealthCheck))
    for name in names:
        e = find(strategy_of(name), lambda e, name=name: name in e.ops, settings=quiet)
        ops |= graph_ops(e(*[leaf(x) for x in e.inputs]))
    return ops


def test_the_scalar_strategies_run_every_op_of_value():
    ops = strategy_ops(lambda name: scalar_expressions(ops=[name, "mul"], min_ops=2, max_ops=3), SCALAR_OP_NAMES, Value)
    assert differentiable_ops(Value) - ops == set()


def test_the_tensor_strategies_run_every_op_of_tensor():
    ops = strategy_ops(lambda name: tensor_expressions(ops=[name, "mul"], min_ops=2, max_ops=3), TENSOR_OP_NAMES,
                       lambda x: Tensor(x, requires_grad=True))
    expected = differentiable_ops(Tensor) - {"astype", "cross_entropy", "scatter_add"}  # not drawn: see below
    assert expected - ops == set()


def test_ops_left_out_of_the_tensor_strategies_are_in_the_catalogue():
    assert {"astype", "cross_entropy", "scatter_add"} <= catalogue_ops()


# --------------------------------------------------------------------------- the shared ops, on Value, from their entries


def value_points(spec, count=3):
    rng = np.random.default_rng(len(spec.name))
    return [tuple(float(x) for x in optable.sample_operands(spec.domain, rng, [()] * spec.arity)) for _ in range(count)]


SHARED = [pytest.param(spec, id=spec.name) for spec in shared()]


def call_value(spec, params):
    if spec.arity == 2:
        return lambda a, b: getattr(a, f"__{spec.dunder}__")(b)
    attribute = spec.attributes[0]
    return lambda a: getattr(a, attribute)(**params)


def middle_params(spec):
    return {key: (low + high) / 2 for key, (low, high) in spec.params.items()}


@pytest.mark.parametrize("spec", SHARED)
def test_a_shared_op_on_value_matches_its_numpy_reference(spec):
    params = middle_params(spec)
    for point in value_points(spec):
        out = call_value(spec, params)(*[Value(x) for x in point])
        expected = spec.reference(*[np.float64(x) for x in point], **params)
        assert out.data == pytest.approx(float(expected), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("spec", SHARED)
def test_a_shared_op_on_value_has_the_derivatives_of_central_differences(spec):
    function = call_value(spec, middle_params(spec))
    for point in value_points(spec):
        assert gradcheck(function, *point)
        assert gradgradcheck(function, *point)


@pytest.mark.parametrize("spec", SHARED)
def test_a_shared_op_agrees_on_value_and_tensor(spec):
    params = middle_params(spec)
    point = value_points(spec, 1)[0]
    value = call_value(spec, params)(*[Value(x) for x in point])
    tensor = call_value(spec, params)(*[Tensor(x) for x in point])
    assert value.data == pytest.approx(tensor.item(), rel=1e-12, abs=1e-12)


# --------------------------------------------------------------------------- domains


def test_a_domain_draws_inside_itself_and_away_from_its_kinks():
    rng = np.random.default_rng(0)
    assert np.all(Domain(low=0.0).sample(rng, 100) >= 0.5)
    bounded = Domain(low=-1.0, high=1.0, margin=0.1).sample(rng, 100)
    assert np.all(np.abs(bounded) <= 0.9)
    assert np.all(np.abs(Domain(kinks=(0.0,)).sample(rng, 1000)) >= 0.1)
    integers = Domain(kinks=INTEGERS).sample(rng, 1000)
    assert np.all(np.abs(integers - np.round(integers)) >= 0.1 - 1e-12)


@pytest.mark.parametrize("shapes", [((), ()), ((2, 3), (3,)), ((2, 1), (1, 3)), ((), (2, 3)), ((2, 3), ())])
def test_operands_whose_kinks_depend_on_both_keep_their_ratio_away_from_the_kinks(shapes):
    domains = optable.spec_of("%").domain
    a, b = optable.sample_operands(domains, np.random.default_rng(3), shapes)
    assert a.shape == shapes[0] and b.shape == shapes[1]
    ratio = a / b
    assert np.all(np.abs(ratio - np.round(ratio)) >= 0.1 - 1e-12)
    assert np.all(np.abs(b) >= 0.1)


DERIVATIVE_STEP = 0.01  # well inside the 0.1 a draw keeps from each kink


def derivative(spec, operand, order, points):
    """The elementwise derivative of ``order`` (1 or 2) of a shared op in its ``operand``, at ``points`` (arrays)."""
    if spec.arity == 2:
        function = getattr(operator, spec.dunder)  # operator.add, operator.truediv, ...: either operand a node
    else:
        function = call_value(spec, middle_params(spec))
    first = autograd.grad(lambda *xs: function(*xs).sum(), argnums=operand)
    if order == 1:
        return first(*points)
    return autograd.grad(lambda *xs: first(*xs).sum(), argnums=operand)(*points)


def unsmooth_draws(spec, count=2000):
    """Draws of ``spec``'s domain around which f' does not change as f'' says (a jump or kink of f' is near).

    f'(x + h) - f'(x - h) = 2h·f''(x) + O(h³) where f' is smooth on [x - h, x + h].
    """
    points = optable.sample_operands(spec.domain, np.random.default_rng(7), [(count,)] * spec.arity)
    found = []
    for operand in range(spec.arity):
        moved = [x + DERIVATIVE_STEP * (i == operand) for i, x in enumerate(points)]
        back = [x - DERIVATIVE_STEP * (i == operand) for i, x in enumerate(points)]
        above, below = derivative(spec, operand, 1, moved), derivative(spec, operand, 1, back)
        error = np.abs(above - below - 2 * DERIVATIVE_STEP * derivative(spec, operand, 2, points))
        bad = error > 1e-2 * (np.abs(above) + np.abs(below)) + 1e-6
        found += [(operand, [float(x[i]) for x in points]) for i in np.flatnonzero(bad)]
    return found


# % is left out: its kinks are those of a/b, and a step in b moves a/b by more than the gap it keeps from them
RATIO_FREE = [pytest.param(spec, id=spec.name) for spec in shared() if all(d.over is None for d in spec.domain)]


@pytest.mark.parametrize("spec", RATIO_FREE)
def test_a_domain_keeps_its_draws_away_from_the_kinks_of_the_derivative_too(spec):
    """Second derivatives are tested at the draws: around each, f' changes as f'' says."""
    assert unsmooth_draws(spec)[:3] == []


def test_the_check_finds_a_kink_of_the_derivative_that_a_domain_leaves_in():
    relu = optable.spec_of("relu")
    drawn_everywhere = OpSpec("relu", relu.doc, "elementwise", attributes=relu.attributes)
    assert len(unsmooth_draws(drawn_everywhere)) > 0


def test_a_domain_describes_itself_in_words():
    assert Domain(high=4.0, smooth="everywhere").describe() == "everywhere"  # an overflow bound is not an edge
    assert Domain(kinks=(0.0,), smooth="x ≠ 0 (a kink)").describe() == "x ≠ 0 (a kink)"
    assert Domain(low=0.0).describe() == "x > 0"
    assert Domain(low=-1.0, high=1.0).describe() == "-1 < x < 1"
    assert Domain(kinks=(0.0,)).describe() == "x ≠ 0"
    assert Domain().describe() == "everywhere"
    assert Domain(high=math.inf, kinks=INTEGERS).describe() == "x not an integer"
    assert Domain(kinks=INTEGERS, over=1).describe("a") == "a / b not an integer"


def test_a_domain_says_where_its_tests_draw():
    assert Domain(low=0.0).describe_draws() == "x in [0.5, 2]"
    assert Domain(high=4.0, margin=0.0, smooth="everywhere").describe_draws() == "x in [-2, 2]"
    assert Domain(low=-1.0, high=1.0, margin=0.1).describe_draws() == "x in [-0.9, 0.9]"
    assert Domain(kinks=(0.0,)).describe_draws("b") == "b in [-2, 2], 0.1 or more from 0"
    assert Domain(kinks=INTEGERS, over=1).describe_draws("a") == "a / b in [-2, 2], 0.1 or more from an integer"


@pytest.mark.parametrize("name, smooth", [
    ("exp", "everywhere"), ("sinh", "everywhere"), ("abs", "x ≠ 0 (a kink)"), ("relu", "x ≠ 0 (a kink)"),
    ("sign", "x ≠ 0 (a jump)"), ("log", "x > 0 (a pole at 0)"), ("/", "b ≠ 0 (a pole)"),
    ("max", "where the maximum is unique (a kink at ties)"), ("sort", "no two elements equal (a kink at ties)"),
    ("clip", "x ≠ min, max (kinks at the bounds)"), ("std", "std > 0 (a kink where all elements are equal)"),
    ("<", "(a constant: no gradient)"),
])
def test_the_docs_say_where_an_op_is_smooth_apart_from_where_its_tests_draw(name, smooth):
    spec = optable.spec_of(name)
    assert optable.smooth_where(spec) == smooth
    row = next(line for line in optable.markdown().splitlines() if line.startswith(f"| `{name}` |"))
    assert f"| {smooth} | {optable.tests_draw(spec)} |" in row


# --------------------------------------------------------------------------- the docs


def test_the_docs_list_of_ops_is_the_table(capsys):
    assert autograd_main(["ops"]) == 0
    generated = capsys.readouterr().out
    committed = (REPOSITORY / "docs" / "ops.md").read_text(encoding="utf-8")
    assert committed == generated, "docs/ops.md is stale: run python -m autograd ops > docs/ops.md"


def test_every_op_has_a_formula_in_the_docs():
    listed = (REPOSITORY / "docs" / "ops.md").read_text(encoding="utf-8")
    for spec in optable.TABLE.values():
        assert f"| `{spec.name}` | {spec.doc.replace('|', chr(92) + '|')} |" in listed


def test_the_command_refuses_an_unknown_request(capsys):
    assert autograd_main(["nothing"]) == 2
    assert "usage: python -m autograd ops" in capsys.readouterr().err


def test_a_shared_op_takes_its_parameters_positionally_or_by_name():
    x = Value(-2.0)
    assert x.leaky_relu(0.2).data == x.leaky_relu(negative_slope=0.2).data == pytest.approx(-0.4)
    with pytest.raises(TypeError, match="unexpected argument 'slope'"):
        x.leaky_relu(slope=0.2)
    with pytest.raises(TypeError, match="at most 1 argument"):
        Tensor([1.0]).leaky_relu(0.2, 0.3)
    assert "negative_slope" in inspect.signature(optable.spec_of("leaky_relu").reference).parameters
