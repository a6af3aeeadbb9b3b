"""Value and 0-d Tensor agree: every scalar op gives the same value and the same gradients on both."""

import numpy as np
import pytest

from autograd import Tensor, Value

SCALAR_OPS = [
    ("add", lambda a, b: a + b),
    ("sub", lambda a, b: a - b),
    ("mul", lambda a, b: a * b),
    ("div", lambda a, b: a / b),
    ("pow", lambda a, b: a**b),
    ("add_number", lambda a, b: 2.5 + a - b * 0.5),
    ("rdiv_number", lambda a, b: 1.5 / a + b / 4.0),
    ("pow_number", lambda a, b: a**3 + b**-2 + a**2.5),
    ("rpow_number", lambda a, b: 2.0**a * 3.0**b),
    ("neg", lambda a, b: -a * b),
    ("exp", lambda a, b: a.exp() + b.exp()),
    ("log", lambda a, b: a.log() * b.log()),
    ("sqrt", lambda a, b: a.sqrt() / b.sqrt()),
    ("abs", lambda a, b: a.abs() + (-b).abs()),
    ("tanh", lambda a, b: a.tanh() * b.tanh()),
    ("sigmoid", lambda a, b: a.sigmoid() + (-b).sigmoid()),
    ("relu", lambda a, b: a.relu() + (-b).relu() + b.relu()),
    ("leaky_relu", lambda a, b: a.leaky_relu() + (-b).leaky_relu(0.2)),
    ("sin", lambda a, b: a.sin() * b.sin()),
    ("cos", lambda a, b: a.cos() + b.cos()),
    ("composite", lambda a, b: ((a * b).tanh() + (a / b).exp()).log() ** 2),
]


@pytest.mark.parametrize("name, function", SCALAR_OPS, ids=[name for name, _ in SCALAR_OPS])
def test_value_and_0d_tensor_agree_on_forward_and_gradient(name, function):
    a_value, b_value = Value(1.3), Value(0.7)
    a_tensor, b_tensor = Tensor(1.3, requires_grad=True), Tensor(0.7, requires_grad=True)
    out_value, out_tensor = function(a_value, b_value), function(a_tensor, b_tensor)
    assert out_tensor.shape == ()
    assert out_tensor.item() == pytest.approx(out_value.data, rel=1e-12)
    out_value.backward()
    out_tensor.backward()
    for value, tensor in ((a_value, a_tensor), (b_value, b_tensor)):
        assert np.shape(tensor.grad) == ()
        assert float(tensor.grad) == pytest.approx(value.grad, rel=1e-12)
