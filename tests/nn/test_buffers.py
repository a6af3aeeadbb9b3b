"""Module buffers: state that is saved and loaded but never trained."""

import numpy as np
import pytest

import nn
from autograd import Tensor


class Stats(nn.Module):
    """A Linear with running statistics, laid out as PyTorch's BatchNorm1d is."""

    def __init__(self, n=3):
        self.weight = nn.Parameter(np.ones(n))
        self.bias = nn.Parameter(np.zeros(n))
        self.register_buffer("running_mean", np.zeros(n))
        self.register_buffer("running_var", np.ones(n))
        self.register_buffer("num_batches_tracked", np.array(0, dtype=np.int64))

    def forward(self, x):
        return (x - Tensor(self.running_mean)) * self.weight + self.bias


def test_a_buffer_is_read_back_as_the_attribute_it_was_registered_as():
    model = Stats()
    array = np.arange(3.0)
    model.register_buffer("extra", array)
    assert model.extra is array


def test_named_buffers_are_dotted_in_registration_order_with_nested_modules():
    model = nn.Sequential(nn.Linear(2, 3, rng=0), Stats(), nn.Sequential(Stats(2)))
    names = [name for name, _ in model.named_buffers()]
    assert names == [
        "1.running_mean", "1.running_var", "1.num_batches_tracked",
        "2.0.running_mean", "2.0.running_var", "2.0.num_batches_tracked",
    ]
    assert [id(b) for b in model.buffers()] == [id(b) for _, b in model.named_buffers()]
    assert model.buffers()[3] is model[2][0].running_mean


def test_buffers_are_never_parameters():
    model = Stats()
    assert [name for name, _ in model.named_parameters()] == ["weight", "bias"]
    assert len(model.parameters()) == 2


def test_state_dict_holds_parameters_then_buffers_as_pytorch_names_them():
    state = nn.Sequential(nn.Linear(2, 3, rng=0), Stats()).state_dict()
    assert list(state) == [
        "0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked",
    ]
    assert state["1.num_batches_tracked"].dtype == np.int64


def test_state_dict_copies_buffers():
    model = Stats()
    model.state_dict()["running_mean"][0] = 5.0
    assert model.running_mean[0] == 0.0


def test_a_tensor_that_does_not_require_grad_may_be_a_buffer():
    model = Stats()
    model.register_buffer("scale", Tensor(np.full(3, 2.0)))
    np.testing.assert_array_equal(model.state_dict()["scale"], [2.0, 2.0, 2.0])
    assert "scale" not in dict(model.named_parameters())


@pytest.mark.parametrize("value", [
    Tensor(np.zeros(3), requires_grad=True),
    nn.Parameter(np.zeros(3)),
    [0.0, 0.0, 0.0],
    1.5,
    np.array(["a", "b"]),
])
def test_a_buffer_that_requires_grad_or_is_not_an_array_is_a_type_error(value):
    with pytest.raises(TypeError, match=r"register_buffer\('bad', \.\.\.\)"):
        Stats().register_buffer("bad", value)


def test_buffer_names_are_checked():
    model = Stats()
    with pytest.raises(TypeError, match="name must be a str"):
        model.register_buffer(3, np.zeros(1))
    with pytest.raises(ValueError, match=r"without '\.'"):
        model.register_buffer("a.b", np.zeros(1))
    with pytest.raises(ValueError, match="'weight' already exists"):
        model.register_buffer("weight", np.zeros(1))


def test_reassigning_a_buffer_keeps_it_a_buffer():
    model = Stats()
    model.running_mean = np.full(3, 7.0)
    model.num_batches_tracked = model.num_batches_tracked + 1  # a numpy scalar: kept as a 0-d array
    buffers = dict(model.named_buffers())
    np.testing.assert_array_equal(buffers["running_mean"], [7.0, 7.0, 7.0])
    assert isinstance(buffers["num_batches_tracked"], np.ndarray) and buffers["num_batches_tracked"] == 1
    assert model.state_dict()["running_mean"][0] == 7.0


def test_reassigning_a_buffer_to_something_else_is_a_type_error_naming_it():
    model = Stats()
    with pytest.raises(TypeError, match="cannot assign list as buffer 'running_mean'"):
        model.running_mean = [1.0, 2.0, 3.0]
    with pytest.raises(TypeError, match="requires grad"):
        model.running_mean = Tensor(np.zeros(3), requires_grad=True)
    assert isinstance(model.running_mean, np.ndarray)


def test_a_parameter_assigned_over_a_buffer_becomes_a_parameter():
    model = Stats()
    model.running_mean = nn.Parameter(np.zeros(3))
    assert "running_mean" in dict(model.named_parameters())
    assert "running_mean" not in dict(model.named_buffers())


def test_deleting_a_buffer_unregisters_it():
    model = Stats()
    del model.running_var
    assert "running_var" not in model.state_dict()
    model.running_var = [1.0]  # now a plain attribute again
    assert "running_var" not in model.state_dict()


def test_a_none_buffer_and_a_non_persistent_buffer_are_left_out_of_state_dict():
    model = Stats()
    model.register_buffer("later", None)
    model.register_buffer("cache", np.zeros(2), persistent=False)
    assert "later" not in model.state_dict() and "cache" not in model.state_dict()
    assert "cache" in dict(model.named_buffers())
    model.later = np.ones(1)
    assert "later" in model.state_dict()


def test_load_state_dict_writes_into_the_existing_buffer_and_parameter_arrays():
    model = Stats()
    mean, weight = model.running_mean, model.weight.data
    state = model.state_dict()
    state["running_mean"] = np.array([1, 2, 3])  # integers, cast to the buffer's float64
    state["weight"] = np.full(3, 4.0, dtype=np.float32)
    state["num_batches_tracked"] = np.array(12)
    model.load_state_dict(state)
    assert model.running_mean is mean and model.weight.data is weight
    np.testing.assert_array_equal(mean, [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(weight, [4.0, 4.0, 4.0])
    assert model.running_mean.dtype == np.float64 and model.num_batches_tracked.dtype == np.int64
    assert model.num_batches_tracked == 12


def test_load_state_dict_keeps_weights_that_view_one_array_tied():
    model = Stats()
    shared = np.zeros((2, 3))
    model.weight.data, model.bias.data = shared[0], shared[1]
    state = {**model.state_dict(), "weight": np.full(3, 2.0), "bias": np.full(3, 3.0)}
    model.load_state_dict(state)
    np.testing.assert_array_equal(shared, [[2.0, 2.0, 2.0], [3.0, 3.0, 3.0]])


def test_a_state_missing_a_buffer_is_refused_naming_it_and_changes_nothing():
    model = Stats()
    state = {name: array + 1 for name, array in model.state_dict().items()}
    del state["running_var"]
    with pytest.raises(ValueError, match="missing 'running_var'"):
        model.load_state_dict(state)
    np.testing.assert_array_equal(model.weight.data, np.ones(3))
    np.testing.assert_array_equal(model.running_mean, np.zeros(3))


def test_a_buffer_of_the_wrong_shape_is_refused_and_changes_nothing():
    model = Stats()
    state = {name: array + 1 for name, array in model.state_dict().items()}
    state["running_mean"] = np.zeros(4)
    with pytest.raises(ValueError, match=r"'running_mean' expects shape \(3,\), got \(4,\)"):
        model.load_state_dict(state)
    np.testing.assert_array_equal(model.weight.data, np.ones(3))


@pytest.mark.parametrize("suffix", [".npz", ".safetensors"])
def test_buffers_are_saved_and_loaded_in_both_formats(tmp_path, suffix):
    source, target = Stats(), Stats()
    source.running_mean[:] = [1.0, 2.0, 3.0]
    source.num_batches_tracked = np.array(5)
    mean = target.running_mean
    nn.load(target, nn.save(source, tmp_path / f"m{suffix}"))
    assert target.running_mean is mean
    np.testing.assert_array_equal(mean, [1.0, 2.0, 3.0])
    assert target.num_batches_tracked == 5 and target.num_batches_tracked.dtype == np.int64


@pytest.mark.parametrize("suffix", [".npz", ".safetensors"])
def test_a_file_missing_a_buffer_is_refused_naming_it(tmp_path, suffix):
    path = nn.save(nn.Sequential(Stats()), tmp_path / f"m{suffix}")
    with_more = nn.Sequential(Stats())
    with_more[0].register_buffer("count", np.zeros(1))
    with pytest.raises(ValueError, match="missing '0.count'"):
        nn.load(with_more, path)
    np.testing.assert_array_equal(with_more[0].count, [0.0])


def test_named_buffers_and_state_dict_match_pytorch_for_the_same_layout():
    torch = pytest.importorskip("torch")
    theirs = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.BatchNorm1d(3))
    ours = nn.Sequential(nn.Linear(2, 3, rng=0), Stats())
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [name for name, _ in ours.named_buffers()] == [name for name, _ in theirs.named_buffers()]
