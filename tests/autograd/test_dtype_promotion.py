"""An integer Tensor combined with a floating one takes the floating dtype (PyTorch's rule); float32 stays float32."""

import numpy as np
import pytest

from autograd import Tensor, where

OPS = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "**": lambda a, b: a**b,
    "matmul": lambda a, b: a @ b,
    "where": lambda a, b: where(np.array([True, False, True]), a, b),
}


@pytest.mark.parametrize("name", OPS)
@pytest.mark.parametrize("int_dtype", [np.int64, np.int32, np.uint8, np.bool_])
@pytest.mark.parametrize("float_dtype", [np.float32, np.float64])
def test_an_integer_tensor_with_a_float_tensor_takes_the_float_dtype(name, int_dtype, float_dtype):
    ints = Tensor(np.array([1, 2, 3]).astype(int_dtype))
    floats = Tensor(np.array([0.5, 1.5, 2.5], dtype=float_dtype), requires_grad=True)
    for out in (OPS[name](ints, floats), OPS[name](floats, ints)):
        assert out.dtype == float_dtype


@pytest.mark.parametrize("name", ["+", "-", "*", "/", "matmul"])
def test_values_and_float32_gradient_of_an_int64_float32_op(name):
    ints = np.array([1, 2, 3], dtype=np.int64)
    floats = np.array([0.5, 1.5, 2.5], dtype=np.float32)
    w = Tensor(floats, requires_grad=True)
    out = OPS[name](Tensor(ints), w)
    np.testing.assert_allclose(out.data, OPS[name](ints.astype(np.float64), floats.astype(np.float64)), rtol=1e-6)
    out.sum().backward()
    assert w.grad.dtype == np.float32
    expected = {"+": [1, 1, 1], "-": [-1, -1, -1], "*": ints, "/": -ints / floats.astype(np.float64) ** 2, "matmul": ints}
    np.testing.assert_allclose(w.grad, expected[name], rtol=1e-6)


def test_an_integer_ndarray_next_to_a_float32_tensor_gives_float32():
    w = Tensor(np.ones((2, 2), dtype=np.float32), requires_grad=True)
    assert (np.arange(4).reshape(2, 2) @ w).dtype == np.float32
    assert (w * np.arange(4).reshape(2, 2)).dtype == np.float32


def test_float32_with_float64_still_gives_float64_as_in_pytorch():
    a = Tensor(np.ones(2, dtype=np.float32))
    b = Tensor(np.ones(2, dtype=np.float64))
    assert (a * b).dtype == np.float64


def test_two_integer_tensors_keep_numpys_integer_arithmetic():
    a = Tensor(np.array([1, 2], dtype=np.int64))
    assert (a * a).dtype == np.int64 and (a + a).dtype == np.int64
