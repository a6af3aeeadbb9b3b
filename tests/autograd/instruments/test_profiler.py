"""autograd.profile: exact op counts forward and backward, readable tables, and nothing left behind."""

import importlib
import sys
import threading

import numpy as np
import pytest

import autograd
from autograd import Tensor, Value, concatenate, dot, no_grad, primitive, profile, stack
from autograd.core import engine, pass_observers
from autograd.instruments import op_calls
from autograd import sum_values, where
from autograd.transforms.primitive import Primitive


def f_graph():
    """J = 3(a + bc) from the course notes: two "*" nodes and one "+" node."""
    a, b, c = Value(5.0, label="a"), Value(3.0, label="b"), Value(2.0, label="c")
    return a, b, c, 3 * (a + b * c)


def counts(prof):
    return {op: (entry.calls, entry.backward_calls) for op, entry in prof.stats.items() if op != "(graph order)"}


def snapshot_of_patched_names():
    """Everything an instrument could swap, as (owner, name) -> object: a profile swaps none of it."""
    names = {
        ("engine", "propagate"): engine.propagate,
        ("engine", "topological_order"): engine.topological_order,
        ("autograd", "dot"): autograd.dot,
        ("autograd", "sum_values"): autograd.sum_values,
        ("value", "dot"): autograd.value.dot,
        ("Primitive", "__call__"): Primitive.__dict__["__call__"],
    }
    for cls in (Value, Tensor):
        for name, attribute in vars(cls).items():
            names[(cls.__name__, name)] = attribute
    names[("tensor", "stack")] = autograd.tensor.stack
    return names


def test_counts_forward_ops_of_a_known_graph_by_op():
    with profile() as prof:
        f_graph()
    assert counts(prof) == {"*": (2, 0), "+": (1, 0)}


def test_counts_backward_nodes_of_a_known_graph_by_op():
    with profile() as prof:
        *_, J = f_graph()
        J.backward()
    assert counts(prof) == {"*": (2, 2), "+": (1, 1)}


def test_counts_each_backward_pass_sort_once():
    with profile() as prof:
        *_, J = f_graph()
        J.backward()
        J.backward()
    assert prof.stats["(graph order)"].backward_calls == 2


def test_counts_fused_module_functions_under_their_node_op():
    a, b, c = Value(1.0), Value(2.0), Value(3.0)
    with profile() as prof:
        total = sum_values([dot([a, b], [b, c], a), c])
        total.backward()
    assert counts(prof) == {"dot": (1, 1), "sum": (1, 1)}


def test_counts_reflected_operators_under_the_node_op():
    a = Value(2.0)
    with profile() as prof:
        _ = (1.0 - a) / 4.0 + 2.0**a
    assert counts(prof) == {"-": (1, 0), "/": (1, 0), "+": (1, 0), "**": (1, 0)}


def test_counts_each_op_a_subclass_method_composes():
    class SoftplusValue(Value):
        __slots__ = ()

        def softplus(self):
            """log(1 + e^x), built from three ops."""
            return (self.exp() + 1.0).log()

    x = SoftplusValue(0.5)
    with profile() as prof:
        y = x.softplus()
        y.backward()
    assert counts(prof) == {"log": (1, 1), "exp": (1, 1), "+": (1, 1)}


def test_does_not_count_ops_run_by_rules_as_forward_calls():
    x = Value(1.5)
    with profile() as prof:
        y = (x * x).exp()
        y.backward(create_graph=True)
    forward_calls = {op: entry.calls for op, entry in prof.stats.items() if entry.calls}
    assert forward_calls == {"*": 1, "exp": 1}


def test_counts_the_nodes_of_a_gradient_graph_in_a_second_backward():
    x = Value(1.5)
    y = x * x
    y.backward(create_graph=True)
    first_derivative = x.grad  # (0.0 + g*x) + g*x: the rule of "*", accumulated into x's grad of 0.0
    with profile() as prof:
        first_derivative.backward()
    assert counts(prof) == {"*": (0, 2), "+": (0, 2)}


def test_counts_constants_inside_no_grad_under_the_called_op():
    a, b = Value(1.0), Value(2.0)
    with profile() as prof, no_grad():
        (a + b).exp()
    assert counts(prof) == {"+": (1, 0), "exp": (1, 0)}


def test_counts_user_primitives_under_their_name():
    @primitive
    def cube(x):
        return x**3

    @cube.defvjp
    def cube_vjp(g, out, x):
        return (3 * g * x * x,)

    x = Value(2.0)
    with profile() as prof:
        cube(x).backward()
    assert counts(prof) == {"cube": (1, 1)}


@pytest.fixture
def user_module(tmp_path, monkeypatch):
    """A user's module, imported before any profile, that did ``from autograd import dot``."""
    (tmp_path / "profiled_user_module.py").write_text(
        "from autograd import dot\n\n\ndef neuron(w, x):\n    return dot(w, x)\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    yield importlib.import_module("profiled_user_module")
    del sys.modules["profiled_user_module"]


def test_times_functions_bound_by_name_before_the_profile_started(user_module):
    w, x = [Value(1.0), Value(2.0)], [Value(3.0), Value(4.0)]
    with profile() as prof:
        user_module.neuron(w, x)
    assert counts(prof) == {"dot": (1, 0)}


def test_rebinds_no_function_bound_by_name_in_other_modules(user_module):
    original = user_module.dot
    with profile():
        inside = user_module.dot is original
    assert (inside, user_module.dot is original) == (True, True)


def test_counts_tensor_ops_forward_and_backward():
    X = Tensor(np.ones((4, 3)))
    W = Tensor(np.full((3, 2), 0.5), requires_grad=True)
    b = Tensor(np.zeros(2), requires_grad=True)
    with profile() as prof:
        ((X @ W + b).relu() * 2.0).sum().backward()
    assert counts(prof) == {"matmul": (1, 1), "+": (1, 1), "relu": (1, 1), "*": (1, 1), "sum": (1, 1)}


def test_counts_an_ndarray_on_the_left_under_the_tensor_op():
    W = Tensor(np.ones((3, 2)), requires_grad=True)
    with profile() as prof:
        _ = np.ones((4, 3)) @ W
    assert counts(prof) == {"matmul": (1, 0)}


def test_counts_tensor_functions_of_the_package():
    a = Tensor(np.ones(3), requires_grad=True)
    with profile() as prof:
        _ = stack([a, a]).sum() + concatenate([a, a]).sum() + where(np.array([True, False, True]), a, 0.0).sum()
    assert {op: entry.calls for op, entry in prof.stats.items()} == {
        "stack": 1,
        "concatenate": 1,
        "where": 1,
        "sum": 3,
        "+": 2,
    }


def test_leaves_results_and_gradients_unchanged():
    *leaves, J = f_graph()
    J.backward()
    expected = (J.data, [leaf.grad for leaf in leaves])
    with profile():
        *leaves, J = f_graph()
        J.backward()
    assert (J.data, [leaf.grad for leaf in leaves]) == expected


def test_leaves_second_derivatives_unchanged():
    def second_derivative():
        x = Value(0.7)
        y = (x * x.sin()).tanh()
        y.backward(create_graph=True)
        g = x.grad
        x.grad = 0.0
        g.backward()
        return x.grad

    expected = second_derivative()
    with profile():
        assert second_derivative() == expected


def test_swaps_nothing_in_the_engine_classes_or_functions_while_it_runs():
    before = snapshot_of_patched_names()
    with profile():
        inside = snapshot_of_patched_names()
    assert (inside == before, snapshot_of_patched_names() == before) == (True, True)


def test_restores_everything_after_an_exception():
    before = snapshot_of_patched_names()
    with pytest.raises(RuntimeError, match="the user's code failed"), profile():
        *_, J = f_graph()
        J.backward()
        raise RuntimeError("the user's code failed")
    assert snapshot_of_patched_names() == before


def test_restores_node_rules_after_a_failing_backward():
    @primitive
    def broken(x):
        return x

    @broken.defvjp
    def broken_vjp(g, out, x):
        raise ValueError("this rule fails")

    node = broken(Value(2.0))
    rule = node._vjp
    with profile(), pytest.raises(ValueError, match="this rule fails"):
        node.backward()
    assert node._vjp is rule


def test_nested_profiles_each_count_what_runs_inside_them():
    a, b = Value(1.0), Value(2.0)
    with profile() as outer:
        _ = a * b
        with profile() as inner:
            _ = a + b
        _ = a - b
    assert (counts(outer), counts(inner)) == ({"*": (1, 0), "+": (1, 0), "-": (1, 0)}, {"+": (1, 0)})


def test_nested_profiles_leave_no_instrument_behind():
    with profile():
        with profile():
            pass
        still_watching = bool(op_calls.watching()) and bool(pass_observers.watching())
    assert (still_watching, op_calls.watching(), pass_observers.watching(), sys.getprofile()) == (True, (), (), None)


def test_a_profile_in_another_thread_counts_nothing_of_this_one():
    a = Value(1.0)
    entered, done = threading.Event(), threading.Event()
    other = profile()

    def profile_in_other_thread():
        with other:
            entered.set()
            done.wait()

    worker = threading.Thread(target=profile_in_other_thread)
    worker.start()
    entered.wait()
    _ = a * a
    (a * a).backward()
    done.set()
    worker.join()
    assert (other.stats, op_calls.watching(), pass_observers.watching()) == ({}, (), ())


def test_ops_called_with_numpy_functions_count_once():
    x = Tensor(np.ones(3), requires_grad=True)
    with profile() as prof:
        np.sum(x * 2.0).backward()
    assert counts(prof) == {"*": (1, 1), "sum": (1, 1)}


def test_refuses_to_enter_a_profile_that_is_running():
    prof = profile()
    with prof, pytest.raises(RuntimeError, match="already running"):
        prof.__enter__()


def test_a_profile_entered_again_adds_to_its_counts():
    a = Value(1.0)
    prof = profile()
    for _ in range(2):
        with prof:
            _ = a * a
    assert counts(prof) == {"*": (2, 0)}


def test_table_lists_every_op_and_a_total():
    with profile() as prof:
        *_, J = f_graph()
        J.backward()
    first_cells = [line.split()[0] for line in prof.table().splitlines() if line and not line.startswith("-")]
    assert sorted(first_cells) == sorted(["op", "*", "+", "(graph", "total"])


def test_table_header_names_the_columns():
    header = profile().table().splitlines()[0].split()
    assert header == ["op", "calls", "forward", "ms", "bwd", "calls", "backward", "ms", "total", "ms", "share"]


def test_str_is_the_table():
    with profile() as prof:
        f_graph()
    assert str(prof) == prof.table()


def test_table_limit_keeps_the_costliest_rows_and_says_how_many_are_hidden():
    with profile() as prof:
        *_, J = f_graph()
        J.backward()
    lines = prof.table(limit=1).splitlines()
    assert lines[2].startswith(prof.rows()[0].op + " ")  # the costliest op, whichever it was this time
    assert lines[3].split() == ["(2", "more)"]


def test_table_refuses_a_limit_below_one():
    with pytest.raises(ValueError, match="limit"):
        profile().table(limit=0)


def test_rows_are_sorted_by_total_time():
    with profile() as prof:
        *_, J = f_graph()
        J.backward()
    totals = [entry.total_time for entry in prof.rows()]
    assert totals == sorted(totals, reverse=True)


def test_rows_sorted_by_op_name():
    with profile() as prof:
        f_graph()
    assert [entry.op for entry in prof.rows(sort_by="op")] == ["*", "+"]


def test_rows_refuse_an_unknown_sort_key():
    with pytest.raises(ValueError, match="sort_by must be one of"):
        profile().rows(sort_by="speed")


def test_total_time_is_forward_plus_backward():
    with profile() as prof:
        *_, J = f_graph()
        J.backward()
    assert prof.total_time == prof.forward_time + prof.backward_time


def test_print_on_exit_prints_the_table(capsys):
    with profile(print_on_exit=True) as prof:
        f_graph()
    assert capsys.readouterr().out == prof.table() + "\n"
