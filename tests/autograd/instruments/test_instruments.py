"""The instruments observe: one protocol for the pass, per-thread watching of op calls, nothing left behind."""

import sys
import threading
import warnings

import numpy as np
import pytest

import autograd
import nn
from autograd import (
    AnomalyError,
    RemovableHandle,
    Tensor,
    Value,
    detect_anomaly,
    is_anomaly_enabled,
    profile,
)
from autograd.instruments import op_calls
from autograd.core import pass_observers
from autograd.core.pass_observers import PassObserver


def class_attributes():
    return {(cls.__name__, name): value for cls in (Value, Tensor) for name, value in vars(cls).items()}


def instrument_state():
    """What this thread has watching: the profile hook, op-call and pass observers, anomaly mode."""
    return sys.getprofile(), op_calls.watching(), pass_observers.watching(), is_anomaly_enabled()


def test_blocks_left_out_of_order_in_two_threads_leave_no_instrument_behind():
    before = class_attributes()
    rounds = 30
    barrier = threading.Barrier(2)
    after = {}

    def run(name, first_kind, exits_first):
        for round_ in range(rounds):
            block = (detect_anomaly if (round_ % 2 == 0) == first_kind else profile)()
            if name == "b":
                barrier.wait()  # a enters first
            block.__enter__()
            _ = (Tensor([1.0], requires_grad=True) * 2.0).sum()
            if name == "a":
                barrier.wait()
            barrier.wait()  # both inside
            if exits_first(round_):
                block.__exit__(None, None, None)
                barrier.wait()
            else:
                barrier.wait()
                block.__exit__(None, None, None)
            barrier.wait()
        after[name] = instrument_state()

    threads = [
        threading.Thread(target=run, args=("a", True, lambda round_: round_ % 3 != 0)),
        threading.Thread(target=run, args=("b", False, lambda round_: round_ % 3 == 0)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    nothing = (None, (), (), False)
    assert (after, instrument_state(), class_attributes() == before) == ({"a": nothing, "b": nothing}, nothing, True)


def test_after_interleaved_blocks_an_op_runs_unchecked_and_unwatched():
    test_blocks_left_out_of_order_in_two_threads_leave_no_instrument_behind()
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("error")
        y = Tensor([0.0], requires_grad=True).log()  # would raise inside detect_anomaly()
    assert np.isneginf(y.data[0]) and instrument_state() == (None, (), (), False)


def test_no_numpy_warning_comes_before_the_anomaly_error():
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn"):
        warnings.simplefilter("always")
        with pytest.raises(AnomalyError, match="'log'"), detect_anomaly():
            Tensor([1.0, 0.0], requires_grad=True).log()
    assert [str(w.message) for w in caught] == []


def test_no_numpy_warning_comes_before_a_backward_anomaly_error():
    x = Tensor([4.0, 0.0], requires_grad=True)
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn"):
        warnings.simplefilter("always")
        with pytest.raises(AnomalyError, match="backward"), detect_anomaly():
            x.sqrt().sum().backward()
    assert [str(w.message) for w in caught] == []


def test_numpy_warnings_of_the_users_own_code_inside_the_block_stay():
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn"):
        warnings.simplefilter("always")
        with detect_anomaly():
            np.log(np.zeros(1))
    assert [w.category for w in caught] == [RuntimeWarning]


def test_an_anomaly_caught_inside_the_block_leaves_the_checks_on():
    with detect_anomaly():
        with pytest.raises(AnomalyError):
            Tensor([0.0]).log()
        x = Tensor([0.0], requires_grad=True)
        (x + 1.0).sum().backward()  # the next pass puts the op-call watch back
        with pytest.raises(AnomalyError, match="'log'"):
            x.log()


class Recorder(PassObserver):
    def __init__(self):
        self.seen = []

    def rule_finished(self, node, grad, grads):
        self.seen.append((node.op, grad, tuple(grads)))


def test_a_pass_observer_sees_each_rule_root_first_with_its_gradients():
    a, b = Value(2.0), Value(3.0)
    product = a * b
    total = product + a
    recorder = Recorder()
    pass_observers.watch(recorder)
    try:
        total.backward()
    finally:
        pass_observers.unwatch(recorder)
    assert recorder.seen == [("+", 1.0, (1.0, 1.0)), ("*", 1.0, (3.0, 2.0))]


def test_a_pass_observer_sees_only_its_own_threads_passes():
    recorder = Recorder()
    pass_observers.watch(recorder)
    try:
        worker = threading.Thread(target=lambda: (Value(2.0) * Value(3.0)).backward())
        worker.start()
        worker.join()
    finally:
        pass_observers.unwatch(recorder)
    assert recorder.seen == []


def test_the_observed_loop_gives_the_plain_loops_gradients_bit_for_bit():
    rng = np.random.default_rng(7)
    X = rng.normal(size=(5, 3))

    def gradients():
        W = Tensor(rng.normal(size=(3, 3)), requires_grad=True)
        W.grad = np.full((3, 3), 0.1)  # leaves accumulate
        h = Tensor(X) @ W
        loss = (h[:, 0] * h[:, 1] + h[:, 2].exp() + h.sum(axis=1)).sum()  # h read by many slices: summed in place
        return W, loss

    state = rng.bit_generator.state
    W, loss = gradients()
    loss.backward()
    plain = W.grad.copy()
    rng.bit_generator.state = state
    W, loss = gradients()
    recorder = Recorder()
    pass_observers.watch(recorder)
    try:
        loss.backward()
    finally:
        pass_observers.unwatch(recorder)
    assert recorder.seen and W.grad.tobytes() == plain.tobytes()


def test_gradient_hooks_and_forward_hooks_return_one_handle_class():
    x = Tensor([1.0], requires_grad=True)
    gradient_handle = x.register_hook(lambda g: None)
    forward_handle = nn.ReLU().register_forward_hook(lambda *args: None)
    gradient_handle.remove()
    forward_handle.remove()
    assert (type(gradient_handle), type(forward_handle)) == (RemovableHandle, RemovableHandle)


def test_a_profile_refuses_to_start_under_a_c_profiler():
    import cProfile

    profiler = cProfile.Profile()
    profiler.enable()
    try:
        with pytest.raises(RuntimeError, match="another profiler"):
            profile().__enter__()
    finally:
        profiler.disable()
    assert instrument_state() == (None, (), (), False)


def test_a_python_profile_hook_set_before_keeps_seeing_every_call():
    calls = []

    def hook(frame, event, arg):
        if event == "call" and frame.f_code.co_name == "__mul__":
            calls.append(event)

    sys.setprofile(hook)
    try:
        with profile() as prof:
            _ = Value(2.0) * Value(3.0)
        still = sys.getprofile() is hook
    finally:
        sys.setprofile(None)
    assert (calls, prof.stats["*"].calls, still) == (["call"], 1, True)


def test_a_node_made_before_the_block_is_checked_in_a_backward_inside_it():
    x = Tensor([4.0, 0.0], requires_grad=True)
    y = x.sqrt()  # made before the block: its rule is checked, its line is not known
    with np.errstate(all="ignore"), pytest.raises(AnomalyError) as caught, detect_anomaly():
        y.sum().backward()
    assert (caught.value.op, caught.value.phase, caught.value.location) == (
        "sqrt", "backward", "<a line outside detect_anomaly()>:0")


def test_an_op_that_raises_inside_the_block_raises_its_own_error():
    data = Tensor([np.nan, 1.0])
    with pytest.raises(ValueError, match="shape"), detect_anomaly():
        data + Tensor([1.0, 2.0, 3.0])  # the shapes fail first: not an AnomalyError about the NaN


def test_a_nan_among_many_scalar_inputs_is_found_and_its_index_named():
    weights = [Value(1.0), Value(2.0), Value(3.0)]
    inputs = [Value(1.0), Value(float("nan")), Value(1.0)]
    with pytest.raises(AnomalyError, match="NaN in its input 4") as caught, detect_anomaly():
        autograd.dot(weights, inputs)
    assert caught.value.op == "dot"


def test_an_infinite_gradient_among_many_scalar_parents_is_found():
    weights = [Value(1.0), Value(1e300)]
    inputs = [Value(1.0), Value(1.0)]
    with pytest.raises(AnomalyError, match="gradient for its input 3") as caught, detect_anomaly():
        out = autograd.dot(weights, inputs)  # 1 + 1e300: finite
        out.backward(1e10)  # d/dx₂ = g·w₂ = 1e310: an infinity, the fourth gradient
    assert (caught.value.op, caught.value.phase) == ("dot", "backward")


def test_an_observer_of_one_thread_is_not_seen_by_another_and_unwatch_leaves_no_observer():
    observer = PassObserver()
    seen_elsewhere = []
    pass_observers.watch(observer)
    try:
        assert pass_observers.watching() == (observer,)
        thread = threading.Thread(target=lambda: seen_elsewhere.append(pass_observers.watching()))
        thread.start()
        thread.join()
        assert seen_elsewhere == [()]
    finally:
        pass_observers.unwatch(observer)
    pass_observers.unwatch(observer)  # a second unwatch is harmless
    assert pass_observers.watching() == ()
    pass_observers.watch(observer)  # and watching again works after it
    try:
        assert pass_observers.watching() == (observer,)
    finally:
        pass_observers.unwatch(observer)
