"""autograd.testing: the strategies draw smooth, varied expressions, and the engine passes them."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st

from autograd import Tensor, Value, gradcheck, gradgradcheck
from autograd.testing import (
    KINK,
    NAMESPACE,
    SCALAR_OP_NAMES,
    TENSOR_OP_NAMES,
    broadcastable_shapes,
    free_points,
    scalar_expressions,
    scale_below,
    shift_away_from_zero,
    shift_to_at_least,
    shift_to_at_most,
    tensor_expressions,
    well_conditioned_arrays,
)

# --------------------------------------------------------------------------- the engine against scalar expressions


@given(scalar_expressions())
def test_gradcheck_passes_for_every_scalar_expression(e):
    assert gradcheck(e, *e.inputs)


@given(scalar_expressions())
def test_gradgradcheck_passes_for_every_scalar_expression(e):
    assert gradgradcheck(e, *e.inputs)


@pytest.mark.parametrize("name", SCALAR_OP_NAMES)
@settings(max_examples=5)
@given(data=st.data())
def test_gradcheck_and_gradgradcheck_pass_for_expressions_built_around_each_scalar_op(name, data):
    e = data.draw(scalar_expressions(ops=[name, "mul", "sin"], min_ops=3, max_ops=6))
    assert gradcheck(e, *e.inputs)
    assert gradgradcheck(e, *e.inputs)


# --------------------------------------------------------------------------- what a scalar expression is


@given(scalar_expressions())
def test_a_scalar_expression_gives_the_same_number_on_floats_and_on_values(e):
    on_values = e(*[Value(x) for x in e.inputs])
    assert isinstance(on_values, Value)
    assert on_values.data == pytest.approx(float(e(*e.inputs)), rel=1e-12, abs=1e-12)


@given(scalar_expressions(min_ops=4))
def test_a_scalar_expression_mixes_at_least_four_different_ops(e):
    assert len(set(e.ops)) >= 4


@given(scalar_expressions())
def test_a_scalar_expression_reuses_an_intermediate_result(e):
    n = len(e.inputs)
    uses = {}
    for step in e.steps:
        for register in step.operands:
            if register >= n:
                uses[register] = uses.get(register, 0) + 1
    assert max(uses.values()) >= 2


@given(scalar_expressions())
def test_every_input_of_a_scalar_expression_is_used(e):
    used = {register for step in e.steps for register in step.operands}
    assert set(range(len(e.inputs))) <= used


@given(scalar_expressions())
def test_the_repr_of_a_scalar_expression_is_python_that_computes_it(e):
    namespace = dict(NAMESPACE)
    exec(repr(e), namespace)  # noqa: S102 - the repr is meant to be run
    function = namespace["scalar_expression"]
    assert function(*e.inputs) == pytest.approx(e(*e.inputs), rel=1e-12, abs=1e-12)


def test_a_scalar_expression_draws_every_op_over_many_examples():
    seen = set()

    @settings(max_examples=200, phases=[Phase.generate], database=None)  # 38 ops, 4 to 12 drawn per expression
    @given(scalar_expressions())
    def collect(e):
        seen.update(e.ops)

    collect()
    assert seen == set(SCALAR_OP_NAMES)


@given(scalar_expressions(ops=["exp", "mul"]))
def test_ops_restricts_the_drawn_ops_to_those_named_and_the_final_sum(e):
    assert set(e.ops) <= {"exp", "mul", "sum_values"}


def test_calling_an_expression_with_the_wrong_number_of_arguments_is_a_type_error():
    @given(scalar_expressions(min_inputs=2, max_inputs=2))
    def call_with_one(e):
        with pytest.raises(TypeError, match="takes 2 arguments, got 1"):
            e(1.0)

    call_with_one()


def test_an_unknown_op_name_is_a_value_error():
    with pytest.raises(ValueError, match=r"unknown op names \['matmul'\]"):
        scalar_expressions(ops=["exp", "matmul"])


def test_fewer_than_two_ops_is_a_value_error():
    with pytest.raises(ValueError, match="need 2 <= min_ops <= max_ops"):
        scalar_expressions(min_ops=1)


# --------------------------------------------------------------------------- the engine against tensor expressions


@given(tensor_expressions())
def test_gradcheck_passes_for_every_tensor_expression(e):
    assert gradcheck(e, *e.inputs)


@given(tensor_expressions())
def test_gradgradcheck_passes_for_every_tensor_expression(e):
    assert gradgradcheck(e, *e.inputs)


@pytest.mark.parametrize("name", TENSOR_OP_NAMES)
@settings(max_examples=5)
@given(data=st.data())
def test_gradcheck_and_gradgradcheck_pass_for_expressions_built_around_each_tensor_op(name, data):
    e = data.draw(tensor_expressions(ops=[name, "mul", "unsqueeze"], min_ops=3, max_ops=6))
    assert gradcheck(e, *e.inputs)
    assert gradgradcheck(e, *e.inputs)


@pytest.mark.parametrize("name", TENSOR_OP_NAMES)
def test_every_tensor_op_can_be_drawn(name):
    found = find(
        tensor_expressions(ops=[name, "mul", "unsqueeze", "broadcast_to"], min_ops=3, max_ops=6),
        lambda e: name in e.ops,
        settings=settings(max_examples=500, phases=[Phase.generate], database=None),
    )
    assert name in found.ops


# --------------------------------------------------------------------------- what a tensor expression is


@given(tensor_expressions())
def test_a_tensor_expression_gives_the_same_number_on_arrays_and_on_tensors(e):
    on_tensors = e(*[Tensor(x, requires_grad=True) for x in e.inputs])
    assert isinstance(on_tensors, Tensor) and on_tensors.shape == ()
    np.testing.assert_allclose(on_tensors.data, e(*e.inputs), rtol=1e-12, atol=1e-12)


@given(tensor_expressions())
def test_the_inputs_of_a_tensor_expression_broadcast_together(e):
    assert all(isinstance(x, np.ndarray) and x.dtype == np.float64 for x in e.inputs)
    np.broadcast_shapes(*[x.shape for x in e.inputs])


@given(tensor_expressions(min_ops=4))
def test_a_tensor_expression_mixes_at_least_four_different_ops(e):
    assert len(set(e.ops)) >= 4


@given(tensor_expressions())
def test_a_tensor_expression_reuses_an_intermediate_result(e):
    uses = [0] * (len(e.inputs) + len(e.steps))
    for step in e.steps:
        for register in step.operands:
            uses[register] += 1
    assert max(uses[len(e.inputs) :]) >= 2


@given(tensor_expressions())
def test_the_repr_of_a_tensor_expression_is_python_that_computes_it_on_tensors(e):
    namespace = dict(NAMESPACE)
    exec(repr(e), namespace)  # noqa: S102 - the repr is meant to be run
    result = namespace["tensor_expression"](*[Tensor(x) for x in e.inputs])
    np.testing.assert_allclose(result.data, e(*e.inputs), rtol=1e-12, atol=1e-12)


def test_a_tensor_expressions_repr_lists_its_inputs():
    e = find(tensor_expressions(min_inputs=2), lambda e: True)
    assert repr(e).startswith("def tensor_expression(x0, x1):  # drawn at the inputs below\n")
    assert f"# x1 = np.array({e.inputs[1].tolist()!r})" in repr(e)


@given(tensor_expressions(ops=["exp", "matmul_constant", "sum"]))
def test_ops_restricts_the_drawn_tensor_ops_to_those_named_and_the_final_steps(e):
    assert set(e.ops) <= {"exp", "matmul_constant", "sum", "total", "scaled"}


def test_an_op_list_given_as_a_string_is_a_type_error():
    with pytest.raises(TypeError, match="tensor_expressions: ops must be a list of op names"):
        tensor_expressions(ops="exp")


def test_max_dims_out_of_range_is_a_value_error():
    with pytest.raises(ValueError, match="tensor_expressions: need 0 <= max_dims <= 3"):
        tensor_expressions(max_dims=5)


# --------------------------------------------------------------------------- the shifts that keep ops smooth

finite = st.floats(-10, 10, allow_nan=False)


@given(st.lists(finite, min_size=1, max_size=30))
def test_shift_away_from_zero_puts_every_value_at_least_the_margin_from_zero(values):
    shift = shift_away_from_zero(values, KINK)
    assert np.min(np.abs(np.array(values) + shift)) >= KINK


@given(st.lists(finite, min_size=1, max_size=30))
def test_free_points_are_at_least_the_margin_from_every_value(values):
    points = free_points(values, KINK)
    assert len(points) >= 2
    assert all(np.min(np.abs(np.array(values) - p)) >= KINK for p in points)


@given(st.lists(finite, min_size=1, max_size=30), st.floats(0.1, 1.0))
def test_shift_to_at_least_lifts_the_smallest_value_to_the_bound(values, low):
    assert min(values) + shift_to_at_least(values, low) >= low


@given(st.lists(finite, min_size=1, max_size=30))
def test_shift_to_at_most_lowers_the_largest_value_to_the_bound(values):
    assert max(values) + shift_to_at_most(values, 4.0) <= 4.0


def test_no_shift_is_needed_for_values_already_in_range():
    assert (shift_away_from_zero([0.5, -2.0], 0.1), shift_to_at_least([1.0], 0.25), shift_to_at_most([1.0], 4.0)) == (
        0.0,
        0.0,
        0.0,
    )


def test_scale_below_is_the_power_of_ten_that_brings_values_under_the_bound():
    assert (scale_below([3.0, -7.9]), scale_below([80.0]), scale_below([-12345.0])) == (1.0, 0.1, 0.0001)


# --------------------------------------------------------------------------- shapes and arrays


@given(broadcastable_shapes())
def test_broadcastable_shapes_broadcast_together(shapes):
    first, second = shapes
    np.broadcast_shapes(first, second)


@given(well_conditioned_arrays())
def test_well_conditioned_arrays_are_float64_away_from_zero_and_from_each_other(array):
    assert array.dtype == np.float64
    assert np.all((np.abs(array) >= 0.1) & (np.abs(array) <= 3.0025))
    values = np.sort(np.ravel(array))
    assert np.all(np.diff(values) >= 0.005)


@given(well_conditioned_arrays(shape=(2, 3)))
def test_well_conditioned_arrays_take_the_shape_given(array):
    assert array.shape == (2, 3)


def test_importing_autograd_does_not_import_hypothesis():
    code = "import sys, autograd; assert 'hypothesis' not in sys.modules, 'hypothesis was imported'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[2])
