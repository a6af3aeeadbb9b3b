"""nn's one array reader: every entry point refuses the same bad input with the same error class, naming itself."""

import numpy as np
import pytest

import nn
import nn.functional as F
from autograd import Tensor, Value
from nn.arrays import read_array

GOOD_2D = np.zeros((2, 2))

# each caller hands the input under test to the reader, as a user would hand it in
CALLERS = {
    "mse_loss": lambda x: F.mse_loss(x, GOOD_2D),
    "mse_loss target": lambda x: F.mse_loss(Tensor(GOOD_2D), x),
    "cross_entropy": lambda x: F.cross_entropy(Tensor(GOOD_2D), x),
    "nll_loss": lambda x: F.nll_loss(Tensor(GOOD_2D), x),
    "DataLoader": lambda x: nn.data.DataLoader(x, batch_size=1),
    "train_test_split": lambda x: nn.data.train_test_split(x, rng=0),
    "standardize": lambda x: nn.data.standardize(x),
    "fit": lambda x: nn.fit(nn.Linear(2, 2), nn.MSELoss(), nn.optim.SGD(nn.Linear(2, 2).parameters(), lr=0.1),
                            GOOD_2D, x, epochs=1, batch_size=1, progress=False),
    "accuracy": lambda x: nn.accuracy(GOOD_2D, x),
    "load_state_dict": lambda x: nn.Linear(2, 2).load_state_dict({"weight": x, "bias": np.zeros(2)}),
}
NAMES = {"DataLoader": "DataLoader", "load_state_dict": "Linear.load_state_dict", "mse_loss target": "mse_loss"}

BAD = {
    "ragged": ([[1.0, 2.0], [3.0]], ValueError),
    "strings": (np.array([["a", "b"], ["c", "d"]]), TypeError),
    "complex": (np.ones((2, 2), dtype=complex), TypeError),
    "a Value": (Value(1.0), TypeError),
    "a str": ("1.0, 2.0", TypeError),
    "Values in a list": ([[Value(1.0), Value(2.0)], [Value(3.0), Value(4.0)]], TypeError),
}


SCALAR_MODEL_OUTPUTS = {("mse_loss", "a Value"), ("mse_loss", "Values in a list")}  # read as Values, not arrays


@pytest.mark.parametrize("caller, bad", [(c, b) for c in CALLERS for b in BAD if (c, b) not in SCALAR_MODEL_OUTPUTS])
def test_every_reader_refuses_bad_input_with_the_contracts_error_naming_itself(caller, bad):
    value, error = BAD[bad]
    with pytest.raises(error) as caught:
        CALLERS[caller](value)
    assert type(caught.value) is error
    assert str(caught.value).startswith(NAMES.get(caller, caller) + ":")


def test_the_reader_keeps_an_ndarray_and_a_tensors_data_uncopied_and_their_dtype():
    array = np.arange(3, dtype=np.int32)
    assert read_array(array, "here") is array
    assert read_array(Tensor(array), "here") is array
    assert read_array([1, 2], "here").dtype == np.int64
    assert read_array([True, False], "here").dtype == np.bool_


def test_the_reader_says_what_was_given():
    with pytest.raises(TypeError, match=r"^here: the labels must hold real numbers .*dtype complex128"):
        read_array(np.ones(2, dtype=complex), "here", "the labels")
    with pytest.raises(ValueError, match=r"^here: the input cannot be read as an array: a ragged nested sequence"):
        read_array([[1], [2, 3]], "here")
