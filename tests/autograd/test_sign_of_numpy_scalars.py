"""sign on a numpy scalar (a 0-d reduction's payload): -1, 0 or 1 as a float, as on a Python float."""

import numpy as np
import pytest

from autograd import vocabulary
from autograd.pointwise import _float_sign


@pytest.mark.parametrize("sign", [vocabulary.sign, _float_sign])
@pytest.mark.parametrize(("x", "expected"), [(np.float64(-2.5), -1.0), (np.float32(0.0), 0.0), (np.float64(3.0), 1.0),
                                             (-2.5, -1.0), (0.0, 0.0), (3, 1.0)])
def test_sign_of_numpy_and_python_scalars(sign, x, expected):
    result = sign(x)
    assert result == expected and type(result) is float
