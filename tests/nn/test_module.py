"""Module, Parameter, Sequential, state_dict and save/load."""

import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest

import nn
from autograd import Tensor, Value


class Affine(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.scale = nn.Parameter(np.arange(1.0, n + 1))
        self.shift = nn.Parameter(np.zeros(n))

    def forward(self, x):
        return x * self.scale + self.shift


class Net(nn.Module):
    def __init__(self):
        self.first = nn.Linear(3, 4, rng=0)
        self.act = nn.ReLU()
        self.second = nn.Linear(4, 2, rng=1)

    def forward(self, x):
        return self.second(self.act(self.first(x)))


def weights_of(model):
    return {name: np.array(p.data, copy=True) for name, p in model.named_parameters()}


def assert_weights_equal(model, weights):
    current = weights_of(model)
    assert current.keys() == weights.keys()
    for name in weights:
        np.testing.assert_array_equal(current[name], weights[name])


# --- Parameter -------------------------------------------------------------------------


def test_a_parameter_is_a_tensor_that_requires_grad():
    p = nn.Parameter([1.0, 2.0])
    assert isinstance(p, Tensor) and p.requires_grad


def test_a_parameter_made_from_a_tensor_takes_its_data():
    p = nn.Parameter(Tensor([[1.0, 2.0]]))
    np.testing.assert_array_equal(p.data, [[1.0, 2.0]])


def test_a_parameter_keeps_float32():
    assert nn.Parameter(np.zeros(3, dtype=np.float32)).dtype == np.float32


def test_a_parameter_repr_says_parameter():
    assert repr(nn.Parameter([1.0, 2.0])).startswith("Parameter(")


# --- registration ---------------------------------------------------------------------


def test_parameters_and_modules_register_in_assignment_order():
    names = [name for name, _ in Net().named_parameters()]
    assert names == ["first.weight", "first.bias", "second.weight", "second.bias"]


def test_parameters_returns_a_list_matching_named_parameters():
    model = Net()
    params = model.parameters()
    assert isinstance(params, list)
    assert all(a is b for a, b in zip(params, [p for _, p in model.named_parameters()], strict=True))


def test_super_init_is_optional():
    class Bare(nn.Module):
        def __init__(self):
            self.w = nn.Parameter([1.0])

    assert len(Bare().parameters()) == 1


def test_lists_and_tuples_of_modules_register_with_their_index():
    class Stack(nn.Module):
        def __init__(self):
            self.layers = [nn.Linear(2, 2, rng=0), nn.Linear(2, 1, rng=0)]
            self.pair = (nn.Parameter([1.0]), nn.Parameter([2.0]))

    names = [name for name, _ in Stack().named_parameters()]
    assert names == ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias", "pair.0", "pair.1"]


def test_dicts_of_modules_register_with_their_key():
    class Heads(nn.Module):
        def __init__(self):
            self.heads = {"left": nn.Linear(2, 1, rng=0), "right": nn.Linear(2, 1, bias=False, rng=0)}

    names = [name for name, _ in Heads().named_parameters()]
    assert names == ["heads.left.weight", "heads.left.bias", "heads.right.weight"]


def test_a_plain_tensor_and_numbers_are_not_parameters():
    class Mixed(nn.Module):
        def __init__(self):
            self.constant = Tensor([1.0, 2.0])
            self.tracked = Tensor([1.0], requires_grad=True)
            self.rate = 0.5
            self.history = [0.1, 0.2]
            self.w = nn.Parameter([3.0])

    assert [name for name, _ in Mixed().named_parameters()] == ["w"]


def test_leaf_values_register_and_computed_values_do_not():
    class Scalar(nn.Module):
        def __init__(self):
            self.a = Value(1.0)
            self.frozen = Value(2.0, requires_grad=False)
            self.result = self.a * 3

    assert [name for name, _ in Scalar().named_parameters()] == ["a"]


def test_a_shared_parameter_is_listed_once():
    class Tied(nn.Module):
        def __init__(self):
            self.encoder = nn.Linear(2, 2, rng=0)
            self.decoder = nn.Linear(2, 2, rng=1)
            self.decoder.weight = self.encoder.weight

    names = [name for name, _ in Tied().named_parameters()]
    assert names == ["encoder.weight", "encoder.bias", "decoder.bias"]


def test_a_shared_module_is_listed_once():
    layer = nn.Linear(2, 2, rng=0)
    model = nn.Sequential(layer, nn.ReLU(), layer)
    assert len(model.parameters()) == 2


def test_reassigning_an_attribute_replaces_its_parameter():
    model = Affine(2)
    new = nn.Parameter([5.0, 6.0])
    model.scale = new
    assert model.parameters()[0] is new and len(model.parameters()) == 2


def test_deleting_an_attribute_unregisters_it():
    model = Affine(2)
    del model.shift
    assert [name for name, _ in model.named_parameters()] == ["scale"]


def test_a_module_that_refers_to_itself_does_not_loop():
    model = Affine(2)
    model.me = model
    assert len(model.parameters()) == 2


def test_named_modules_lists_every_module_once_depth_first():
    model = nn.Sequential(nn.Linear(2, 3, rng=0), nn.Sequential(nn.ReLU(), nn.Linear(3, 1, rng=0)))
    assert [name for name, _ in model.named_modules()] == ["", "0", "1", "1.0", "1.1"]


def test_modules_are_named_modules_without_their_names():
    shared = nn.ReLU()
    model = Net()
    model.blocks = [nn.Linear(2, 2, rng=0), shared, (nn.Tanh(), nn.Sequential(shared, nn.Sigmoid()))]
    model.heads = {"a": nn.Linear(2, 1, rng=0), "b": Affine(2)}
    model.numbers = [1, nn.ReLU()]  # a list whose first item is not a Module does not count
    model.me = model
    assert [id(module) for module in model.modules()] == [id(module) for _, module in model.named_modules()]
    assert len(model.modules()) == 11


def test_children_are_the_direct_submodules():
    model = Net()
    assert model.children() == [model.first, model.act, model.second]


# --- calling, modes, gradients -------------------------------------------------------


def test_calling_a_module_runs_forward():
    model = Affine(3)
    out = model(Tensor([1.0, 1.0, 1.0]))
    np.testing.assert_array_equal(out.data, [1.0, 2.0, 3.0])


def test_a_module_without_forward_says_so():
    class Empty(nn.Module):
        pass

    with pytest.raises(NotImplementedError, match="Empty has no forward"):
        Empty()(1.0)


def test_modules_start_in_training_mode():
    assert Net().training is True


def test_eval_and_train_reach_every_submodule_and_return_the_module():
    model = Net()
    assert model.eval() is model
    assert not any(module.training for module in model.modules())
    assert model.train() is model
    assert all(module.training for module in model.modules())


def test_train_refuses_a_non_bool_mode():
    with pytest.raises(TypeError, match="mode must be a bool"):
        Net().train("no")


def test_zero_grad_sets_tensor_grads_to_none():
    model = Net()
    model(Tensor(np.ones((2, 3)))).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())


def test_zero_grad_sets_value_grads_to_zero():
    class Scalar(nn.Module):
        def __init__(self):
            self.a = Value(2.0)

    model = Scalar()
    (model.a * model.a).backward()
    model.zero_grad()
    assert model.a.grad == 0.0


# --- state_dict -----------------------------------------------------------------------------


def test_state_dict_maps_names_to_copies():
    model = Affine(2)
    state = model.state_dict()
    assert list(state) == ["scale", "shift"]
    state["scale"][0] = 100.0
    assert model.scale.data[0] == 1.0


def test_state_dict_round_trip_restores_the_weights():
    source, target = Net(), Net()
    target.first.weight.data = np.zeros((3, 4))
    target.load_state_dict(source.state_dict())
    assert_weights_equal(target, weights_of(source))


def test_load_state_dict_copies_the_arrays():
    model = Affine(2)
    state = {"scale": np.array([7.0, 8.0]), "shift": np.array([0.0, 0.0])}
    model.load_state_dict(state)
    state["scale"][0] = -1.0
    assert model.scale.data[0] == 7.0


def test_load_state_dict_casts_to_the_parameter_dtype():
    model = Affine(2)
    model.scale = nn.Parameter(np.ones(2, dtype=np.float32))
    model.load_state_dict({"scale": np.array([1, 2]), "shift": [0.5, 0.5]})
    assert model.scale.dtype == np.float32
    np.testing.assert_array_equal(model.scale.data, [1.0, 2.0])


def test_load_state_dict_refuses_missing_names_and_changes_nothing():
    model = Net()
    before = weights_of(model)
    state = Net().state_dict()
    del state["second.bias"]
    with pytest.raises(ValueError, match=r"missing 'second.bias'"):
        model.load_state_dict(state)
    assert_weights_equal(model, before)


def test_load_state_dict_refuses_unexpected_names():
    state = Affine(2).state_dict()
    state["extra"] = np.zeros(2)
    with pytest.raises(ValueError, match=r"unexpected 'extra'"):
        Affine(2).load_state_dict(state)


def test_a_wrong_shape_is_refused_naming_it_and_nothing_is_assigned():
    model = Net()
    before = weights_of(model)
    state = {name: array + 1.0 for name, array in Net().state_dict().items()}
    state["second.weight"] = np.zeros((4, 3))
    with pytest.raises(ValueError, match=r"'second.weight' expects shape \(4, 2\), got \(4, 3\)"):
        model.load_state_dict(state)
    assert_weights_equal(model, before)  # first.* were fine, and still not assigned


def test_complex_or_text_arrays_are_a_type_error():
    with pytest.raises(TypeError, match="entry 'scale' must hold real numbers.*complex128"):
        Affine(2).load_state_dict({"scale": np.ones(2, dtype=complex), "shift": np.zeros(2)})
    with pytest.raises(TypeError, match="real numbers"):
        Affine(2).load_state_dict({"scale": np.array(["a", "b"]), "shift": np.zeros(2)})


def test_load_state_dict_needs_a_mapping():
    with pytest.raises(TypeError, match="expected a mapping"):
        Affine(2).load_state_dict([np.ones(2), np.zeros(2)])


# --- save / load ------------------------------------------------------------------------------


def test_save_and_load_round_trip_with_a_path(tmp_path):
    source, target = Net(), Net()
    target.second.bias.data = np.full(2, 9.0)
    nn.save(source, tmp_path / "net.npz")
    assert nn.load(target, tmp_path / "net.npz") is target
    assert_weights_equal(target, weights_of(source))


def test_save_and_load_round_trip_with_a_str(tmp_path):
    source, target = Affine(3), Affine(3)
    source.shift.data = np.array([1.0, 2.0, 3.0])
    nn.save(source, str(tmp_path / "affine.npz"))
    nn.load(target, str(tmp_path / "affine.npz"))
    np.testing.assert_array_equal(target.shift.data, [1.0, 2.0, 3.0])


def test_save_writes_exactly_the_given_path_as_an_npz_archive(tmp_path):
    path = tmp_path / "weights.model"
    nn.save(Affine(2), path)
    assert [p.name for p in tmp_path.iterdir()] == ["weights.model"]
    with np.load(path, allow_pickle=False) as archive:
        assert sorted(archive.files) == ["scale", "shift"]


def test_save_refuses_a_non_module():
    with pytest.raises(TypeError, match="expected a Module"):
        nn.save({"w": np.ones(2)}, "x.npz")


def test_a_path_of_the_wrong_type_is_a_type_error():
    with pytest.raises(TypeError, match="str or a pathlib.Path"):
        nn.load(Affine(2), 42)


def test_loading_another_models_file_is_refused_and_changes_nothing(tmp_path):
    nn.save(Affine(2), tmp_path / "affine.npz")
    model = Net()
    before = weights_of(model)
    with pytest.raises(ValueError, match=r"missing 'first.weight'.*unexpected 'scale'"):
        nn.load(model, tmp_path / "affine.npz")
    assert_weights_equal(model, before)


def test_loading_a_file_with_wrong_shapes_is_refused_and_changes_nothing(tmp_path):
    nn.save(Affine(3), tmp_path / "three.npz")
    model = Affine(2)
    before = weights_of(model)
    with pytest.raises(ValueError, match=r"'scale' expects shape \(2,\), got \(3,\)"):
        nn.load(model, tmp_path / "three.npz")
    assert_weights_equal(model, before)


class _Marker:
    """Unpickling this creates a file: proof that loading executed code."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (Path.touch, (Path(self.path),))


def test_an_npz_with_object_arrays_is_refused_without_executing_anything(tmp_path):
    marker = tmp_path / "executed"
    path = tmp_path / "crafted.npz"
    payload = np.empty(2, dtype=object)
    payload[0], payload[1] = _Marker(str(marker)), 1.0
    np.savez(path, scale=payload, shift=np.zeros(2))  # np.savez pickles object arrays
    model = Affine(2)
    before = weights_of(model)
    with pytest.raises(ValueError, match="pickled Python objects"):
        nn.load(model, path)
    assert not marker.exists()
    assert_weights_equal(model, before)


def test_a_pickled_file_is_refused_without_executing_anything(tmp_path):
    marker = tmp_path / "executed"
    path = tmp_path / "model.npz"
    path.write_bytes(pickle.dumps({"scale": _Marker(str(marker)), "shift": np.zeros(2)}))
    model = Affine(2)
    before = weights_of(model)
    with pytest.raises(ValueError, match="is a pickle .*never unpickles.*nn.from_torch"):
        nn.load(model, path)
    assert not marker.exists()
    assert_weights_equal(model, before)


def test_a_missing_file_is_a_file_not_found_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no model file"):
        nn.load(Affine(2), tmp_path / "nothing.npz")


def test_a_corrupt_file_is_refused_and_changes_nothing(tmp_path):
    path = tmp_path / "corrupt.npz"
    nn.save(Affine(2), path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    model = Affine(2)
    before = weights_of(model)
    with pytest.raises(ValueError, match="nn.load"):
        nn.load(model, path)
    assert_weights_equal(model, before)


def test_garbage_bytes_are_refused(tmp_path):
    path = tmp_path / "garbage.npz"
    path.write_bytes(b"this is not a model" * 10)
    with pytest.raises(ValueError, match=r"garbage.npz' is not an .npz archive written by nn.save"):
        nn.load(Affine(2), path)


def test_a_single_npy_array_is_refused(tmp_path):
    path = tmp_path / "array.npy"
    np.save(path, np.zeros(2))
    with pytest.raises(ValueError, match="single .npy array"):
        nn.load(Affine(2), path)


def test_a_zip_member_that_is_not_an_array_is_refused(tmp_path):
    path = tmp_path / "odd.npz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("scale.npy", b"not an npy header")
        archive.writestr("shift.npy", b"nor this")
    with pytest.raises(ValueError, match="nn.load"):
        nn.load(Affine(2), path)


# --- Sequential and repr ----------------------------------------------------------------------


def test_sequential_applies_its_modules_in_order():
    model = nn.Sequential(Affine(2), Affine(2))
    out = model(Tensor([1.0, 1.0]))
    np.testing.assert_array_equal(out.data, [1.0, 4.0])


def test_sequential_names_its_parts_by_index():
    names = [name for name, _ in nn.Sequential(nn.Linear(2, 2, rng=0), nn.ReLU()).named_parameters()]
    assert names == ["0.weight", "0.bias"]


def test_sequential_is_indexable_sliceable_and_has_a_length():
    first, second, third = nn.Linear(2, 3, rng=0), nn.ReLU(), nn.Linear(3, 1, rng=0)
    model = nn.Sequential(first, second, third)
    assert len(model) == 3 and model[0] is first and model[-1] is third
    head = model[:2]
    assert isinstance(head, nn.Sequential) and list(head) == [first, second]


def test_sequential_index_out_of_range_names_the_size():
    with pytest.raises(ValueError, match="index 3 is out of range for 1 modules"):
        nn.Sequential(nn.ReLU())[3]


def test_sequential_refuses_a_non_module():
    with pytest.raises(TypeError, match="argument 1 is a function, expected a Module"):
        nn.Sequential(nn.ReLU(), lambda x: x)


def test_sequential_append_adds_a_module():
    model = nn.Sequential(nn.Linear(2, 2, rng=0)).append(nn.Linear(2, 1, rng=0))
    assert [name for name, _ in model.named_parameters()][-1] == "1.bias"


def test_repr_nests_like_pytorch():
    model = nn.Sequential(nn.Linear(2, 3, rng=0), nn.ReLU(), nn.Sequential(nn.Dropout(0.5, rng=0)))
    assert repr(model) == (
        "Sequential(\n"
        "  (0): Linear(in_features=2, out_features=3, bias=True)\n"
        "  (1): ReLU()\n"
        "  (2): Sequential(\n"
        "    (0): Dropout(p=0.5)\n"
        "  )\n"
        ")"
    )


def test_parameters_and_named_parameters_agree_on_a_tangled_structure():
    shared = nn.Linear(2, 2, rng=0)

    class Tangled(nn.Module):
        def __init__(self):
            self.values = [Value(1.0), Value(2.0) * 3, Value(4.0)]
            self.nested = [[nn.Parameter([1.0]), shared], {"a": shared, "b": nn.Parameter([2.0])}]
            self.table = {"head": nn.Linear(2, 1, rng=1), "scale": Value(0.5)}
            self.again = shared

    model = Tangled()
    named = model.named_parameters()
    assert [name for name, _ in named] == [
        "values.0", "values.2", "nested.0.0", "nested.0.1.weight", "nested.0.1.bias", "nested.1.b",
        "table.head.weight", "table.head.bias", "table.scale",
    ]
    assert all(a is b for a, b in zip(model.parameters(), [p for _, p in named], strict=True))
