"""Grad mode is per thread (as PyTorch's), and no_grad / enable_grad work as decorators with or without parentheses."""

import threading

import numpy as np
import pytest

from autograd import Tensor, Value, enable_grad, is_grad_enabled, no_grad


def _run(*targets):
    threads = [threading.Thread(target=target) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
        assert not thread.is_alive()


def test_no_grad_in_one_thread_leaves_another_recording():
    entered, checked = threading.Event(), threading.Event()
    seen = {}

    def quiet():
        with no_grad():
            entered.set()
            checked.wait(5)
            seen["quiet"] = is_grad_enabled()

    def busy():
        entered.wait(5)
        x = Value(2.0)
        seen["busy"] = is_grad_enabled()
        seen["recorded"] = (x * x).parents == (x, x)
        checked.set()

    _run(quiet, busy)
    assert seen == {"quiet": False, "busy": True, "recorded": True}


def test_overlapping_no_grad_blocks_exiting_out_of_order_leave_each_thread_right():
    # thread A enters first and leaves last; thread B enters second and leaves first
    a_in, b_in, b_out = threading.Event(), threading.Event(), threading.Event()
    seen = {}

    def thread_a():
        with no_grad():
            a_in.set()
            b_out.wait(5)
            seen["a inside, after b left"] = is_grad_enabled()
        seen["a after"] = is_grad_enabled()

    def thread_b():
        a_in.wait(5)
        with no_grad():
            b_in.set()
            seen["b inside"] = is_grad_enabled()
        seen["b after"] = is_grad_enabled()
        b_out.set()

    _run(thread_a, thread_b)
    assert seen == {"b inside": False, "b after": True, "a inside, after b left": False, "a after": True}
    assert is_grad_enabled()


def test_one_no_grad_object_shared_by_two_threads_restores_each_threads_mode():
    shared = no_grad()
    barrier = threading.Barrier(2, timeout=5)
    seen = {}

    def worker(name, start_enabled):
        with enable_grad() if start_enabled else no_grad():
            barrier.wait()
            with shared:
                barrier.wait()
                seen[name + " inside"] = is_grad_enabled()
                barrier.wait()
            seen[name + " after"] = is_grad_enabled()

    _run(lambda: worker("on", True), lambda: worker("off", False))
    assert seen == {"on inside": False, "off inside": False, "on after": True, "off after": False}


def test_a_new_thread_starts_with_grad_enabled_even_if_its_parent_is_in_no_grad():
    seen = []
    with no_grad():
        _run(lambda: seen.append(is_grad_enabled()))
        assert not is_grad_enabled()
    assert seen == [True]


def test_tensor_ops_in_another_thread_record_while_this_thread_is_in_no_grad():
    result = {}
    w = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    with no_grad():
        assert not (w * w).requires_grad

        def other():
            loss = (w * w).sum()
            loss.backward()
            result["grad"] = w.grad.copy()

        _run(other)
    np.testing.assert_array_equal(result["grad"], [2.0, 4.0])


def test_no_grad_without_parentheses_decorates():
    @no_grad
    def product(x):
        return x * x

    out = product(Value(3.0))
    assert out.data == 9.0 and out.parents == () and not out.requires_grad
    assert product.__name__ == "product"
    assert is_grad_enabled()


def test_no_grad_with_parentheses_still_decorates():
    @no_grad()
    def mode():
        return is_grad_enabled()

    assert mode() is False and is_grad_enabled()


def test_enable_grad_without_parentheses_decorates():
    @enable_grad
    def mode():
        return is_grad_enabled()

    with no_grad():
        assert mode() is True
        assert not is_grad_enabled()


def test_a_no_grad_decorated_function_restores_mode_after_an_exception():
    @no_grad
    def fails():
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        fails()
    assert is_grad_enabled()


def test_a_decorated_function_called_in_two_threads_at_once_restores_both():
    barrier = threading.Barrier(2, timeout=5)

    @no_grad
    def inside():
        barrier.wait()
        return is_grad_enabled()

    seen = {}

    def worker(name):
        seen[name + " inside"] = inside()
        seen[name + " after"] = is_grad_enabled()

    _run(lambda: worker("a"), lambda: worker("b"))
    assert seen == {"a inside": False, "b inside": False, "a after": True, "b after": True}


def test_no_grad_given_something_else_than_a_function_is_a_type_error():
    with pytest.raises(TypeError, match="no_grad"):
        no_grad(3)


def test_a_profile_counts_only_the_ops_of_its_own_thread():
    from autograd import profile

    started, done = threading.Event(), threading.Event()

    def other_thread():
        started.wait(5)
        x = Value(1.0)
        for _ in range(5):
            x = x.exp().tanh()
        done.set()

    thread = threading.Thread(target=other_thread)
    thread.start()
    with profile() as prof:
        started.set()
        done.wait(5)
        a = Value(2.0)
        (a * a).backward()
    thread.join(5)
    assert {op: entry.calls for op, entry in prof.stats.items() if entry.calls} == {"*": 1}
    assert "exp" not in prof.stats and "tanh" not in prof.stats


def test_no_grad_in_one_asyncio_task_does_not_leak_into_another_at_an_await():
    import asyncio

    seen = {}

    async def quiet(inside, checked):
        with no_grad():
            inside.set()
            await checked.wait()
            seen["quiet"] = is_grad_enabled()

    async def busy(inside, checked):
        await inside.wait()
        seen["busy"] = is_grad_enabled()
        checked.set()

    async def main():
        inside, checked = asyncio.Event(), asyncio.Event()
        await asyncio.gather(quiet(inside, checked), busy(inside, checked))

    asyncio.run(main())
    assert seen == {"quiet": False, "busy": True}
    assert is_grad_enabled()
