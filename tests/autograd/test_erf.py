"""erf, an op of the table on Value and Tensor: its values against math.erf, its derivatives, its dtype."""

import math

import numpy as np
import pytest

from autograd import Tensor, Value, gradcheck, gradgradcheck, vocabulary


def test_tensor_erf_matches_math_erf_to_1e_14_relative():
    edges = np.arange(0.5, 6.0 + 1e-9, 1 / 16)  # where the series switch centres
    near_edges = np.concatenate([edges, np.nextafter(edges, 0), np.nextafter(edges, 9), -edges])
    x = np.concatenate([np.linspace(-7.0, 7.0, 20001), near_edges, [0.0, -0.0, 1e-300, -1e-20, 5e-324, 30.0, -30.0]])
    expected = np.array([math.erf(v) for v in x])
    got = Tensor(x).erf().data
    scale = np.maximum(np.abs(expected), np.finfo(np.float64).tiny)
    assert np.max(np.abs(got - expected) / scale) <= 1e-14


def test_tensor_erf_at_infinities_nan_and_on_a_0d_array():
    out = Tensor(np.array([np.inf, -np.inf, np.nan])).erf().data
    np.testing.assert_array_equal(out, [1.0, -1.0, np.nan])
    assert Tensor(np.array(0.3)).erf().data == pytest.approx(math.erf(0.3), rel=1e-15)


def test_value_erf_is_math_erf_and_its_derivative_is_two_over_root_pi_exp_minus_x_squared():
    x = Value(0.7)
    y = x.erf()
    y.backward()
    assert y.data == math.erf(0.7)
    assert x.grad == pytest.approx(2 / math.sqrt(math.pi) * math.exp(-0.49), rel=1e-15)


def test_tensor_erf_gradient_and_second_derivative_by_finite_differences():
    x = Tensor(np.array([-2.0, -0.3, 0.0, 0.5, 1.7]), requires_grad=True)
    assert gradcheck(lambda t: t.erf(), x)
    assert gradgradcheck(lambda t: t.erf(), x)


def test_value_erf_second_derivative_is_minus_two_x_times_the_first():
    x = Value(0.8)
    x.erf().backward(create_graph=True)
    first = x.grad
    x.grad = 0.0
    first.backward()
    assert first.data == pytest.approx(2 / math.sqrt(math.pi) * math.exp(-0.64), rel=1e-15)
    assert x.grad == pytest.approx(-2 * 0.8 * first.data, rel=1e-12)


def test_erf_keeps_float32_and_the_vocabulary_runs_it_on_floats_and_arrays():
    x = np.array([0.25, -1.5], dtype=np.float32)
    out = Tensor(x).erf()
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.data, [math.erf(0.25), math.erf(-1.5)], rtol=1e-6)
    assert vocabulary.erf(0.5) == math.erf(0.5)
    np.testing.assert_array_equal(vocabulary.erf(np.array([0.5])), [math.erf(0.5)])
