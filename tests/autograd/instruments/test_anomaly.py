"""detect_anomaly: the first op making (or handed) a NaN or an infinity raises AnomalyError naming it."""

import inspect
import threading
import warnings

import numpy as np
import pytest

import autograd
from autograd import AnomalyError, Tensor, Value, detect_anomaly, is_anomaly_enabled

HERE = __file__


def line_of(marker):
    """``"path:line"`` of the line of this file that holds ``marker`` (in a comment)."""
    lines = inspect.getsource(inspect.getmodule(line_of)).splitlines()
    number = next(i for i, line in enumerate(lines, start=1) if marker in line and "line_of(" not in line)
    return f"{HERE}:{number}"


@pytest.fixture(autouse=True)
def quiet_numpy():
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def test_forward_anomaly_of_a_tensor_names_op_phase_line_shapes_and_dtypes():
    x = Tensor([1.0, 0.0, 2.0], requires_grad=True)
    with pytest.raises(AnomalyError) as caught, detect_anomaly():
        x.log()  # <- tensor forward
    error = caught.value
    assert (error.op, error.phase) == ("log", "forward")
    assert error.location == line_of("<- tensor forward")
    assert error.shapes == ((3,),) and error.dtypes == (np.dtype(np.float64),)
    message = str(error)
    for fragment in ("'log'", "forward", line_of("<- tensor forward"), "(3,)", "float64", "infinity"):
        assert fragment in message
    assert isinstance(error, FloatingPointError)


def test_forward_anomaly_in_a_chain_names_the_first_op_not_a_later_one():
    x = Tensor([[1.0, -1.0]], requires_grad=True)
    with pytest.raises(AnomalyError) as caught, detect_anomaly():
        h = x * 1e200  # finite
        z = (h * h).sum()  # <- overflow
        z.exp()
    assert caught.value.op == "*" and caught.value.phase == "forward"
    assert caught.value.location == line_of("<- overflow")
    assert caught.value.shapes == ((1, 2), (1, 2))


def test_forward_anomaly_of_a_value():
    a = Value(1e200)
    with pytest.raises(AnomalyError) as caught, detect_anomaly():
        a * a  # <- value forward
    assert (caught.value.op, caught.value.phase) == ("*", "forward")
    assert caught.value.location == line_of("<- value forward")
    assert caught.value.shapes == ((), ())


def test_backward_anomaly_of_a_tensor_names_the_line_that_made_the_node():
    x = Tensor([4.0, 0.0], requires_grad=True)
    with pytest.raises(AnomalyError) as caught, detect_anomaly():
        y = x.sqrt()  # <- made the sqrt node
        loss = (y * 2.0).sum()
        loss.backward()
    error = caught.value
    assert (error.op, error.phase) == ("sqrt", "backward")
    assert error.location == line_of("<- made the sqrt node")
    assert error.shapes == ((2,),)
    assert "backward" in str(error) and line_of("<- made the sqrt node") in str(error)


def test_backward_anomaly_of_a_value():
    a = Value(1e-320)  # log is finite (-737), its derivative 1/a overflows
    with pytest.raises(AnomalyError) as caught, detect_anomaly():
        b = a.log()  # <- made the log node
        b.backward()
    assert (caught.value.op, caught.value.phase) == ("log", "backward")
    assert caught.value.location == line_of("<- made the log node")


def test_callers_data_holding_nan_is_reported_at_the_first_op_that_sees_it():
    data = Tensor([1.0, np.nan, 3.0])
    w = Tensor([2.0, 2.0, 2.0], requires_grad=True)
    with pytest.raises(AnomalyError) as caught, detect_anomaly():
        (data * w).sum()  # <- first op to see the NaN
    error = caught.value
    assert (error.op, error.phase) == ("*", "forward")
    assert error.location == line_of("<- first op to see the NaN")
    assert "NaN" in str(error) and "your data" in str(error)


def test_callers_array_with_an_infinity_is_reported_even_when_the_output_is_finite():
    x = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(AnomalyError) as caught, detect_anomaly():
        autograd.maximum(x, np.array([-np.inf, 0.0]))
    assert caught.value.op == "maximum" and "infinity" in str(caught.value)


def test_decorator_form():
    @detect_anomaly()
    def step(x):
        return x.log()  # <- in the decorated function

    with pytest.raises(AnomalyError) as caught:
        step(Tensor([0.0], requires_grad=True))
    assert caught.value.location == line_of("<- in the decorated function")
    assert not is_anomaly_enabled()


def test_outside_the_block_nothing_is_checked_and_no_op_is_ever_swapped():
    add, log = Tensor.__add__, Tensor.log
    with detect_anomaly():
        assert is_anomaly_enabled()
        assert Tensor.__add__ is add  # nothing is swapped in, even inside
    assert Tensor.__add__ is add and Tensor.log is log
    x = Tensor([0.0], requires_grad=True)
    y = x.log()  # no error outside
    assert np.isneginf(y.data[0])
    y.sum().backward()
    assert np.isinf(x.grad[0])


def test_a_node_made_inside_is_not_checked_when_backward_runs_outside():
    x = Tensor([0.0], requires_grad=True)
    with detect_anomaly():
        y = x.sqrt()
    y.sum().backward()
    assert np.isinf(x.grad[0])


def test_a_clean_run_inside_gives_the_same_gradients():
    rng = np.random.default_rng(0)
    w = Tensor(rng.standard_normal((3, 2)), requires_grad=True)
    X = rng.standard_normal((4, 3))
    (Tensor(X) @ w).relu().mean().backward()
    expected = w.grad.copy()
    w.grad = None
    with detect_anomaly():
        (Tensor(X) @ w).relu().mean().backward()
    np.testing.assert_array_equal(w.grad, expected)


def test_backward_anomaly_under_create_graph_in_a_second_derivative():
    x = Tensor([1e-320, 1.0], requires_grad=True)
    with pytest.raises(AnomalyError) as caught, detect_anomaly():
        z = x.log().sum()  # <- second order
        z.backward(create_graph=True)
    assert caught.value.phase == "backward" and caught.value.op == "log"


def test_the_seed_holding_nan_is_reported_by_the_first_rule():
    x = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(AnomalyError) as caught, detect_anomaly():
        y = x * 3.0
        y.backward(grad=np.array([np.nan, 1.0]))
    assert caught.value.phase == "backward" and "gradient it received" in str(caught.value)


def test_anomaly_mode_is_per_thread():
    seen = {}

    def other_thread():
        seen["enabled"] = is_anomaly_enabled()
        seen["log"] = Tensor([0.0], requires_grad=True).log().data[0]  # unchecked in this thread

    with detect_anomaly():
        worker = threading.Thread(target=other_thread)
        worker.start()
        worker.join()
    assert seen == {"enabled": False, "log": -np.inf}


def test_nested_blocks_and_profile_together_restore_the_originals():
    add = Tensor.__add__
    with autograd.profile() as prof, detect_anomaly():
        with detect_anomaly():
            (Tensor([1.0], requires_grad=True) + 1.0).sum()
        with pytest.raises(AnomalyError):
            Tensor([0.0]).log()
    assert Tensor.__add__ is add
    assert "+" in prof.stats


def test_primitive_ops_are_checked_too():
    @autograd.primitive
    def reciprocal(x):
        return 1.0 / x

    @reciprocal.defvjp
    def reciprocal_vjp(g, out, x):
        return (-g * out * out,)

    with pytest.raises(AnomalyError) as caught, detect_anomaly():
        reciprocal(Tensor([0.0, 1.0], requires_grad=True))
    assert caught.value.op == "reciprocal"
