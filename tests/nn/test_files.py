"""nn.save and nn.load as file operations: atomic writes, C order, headers checked before arrays are read."""

import io
import json
import os
import struct
import threading
import zipfile

import numpy as np
import pytest

import nn
from nn.npz_file import NpzReader
from nn.safetensors_file import SafetensorsReader

FORMATS = [".npz", ".safetensors"]


def state_of(model):
    return {name: array.copy() for name, array in model.state_dict().items()}


def assert_state_equal(model, state):
    now = model.state_dict()
    assert now.keys() == state.keys()
    for name in state:
        np.testing.assert_array_equal(now[name], state[name], err_msg=name)


def npy_bytes(array, shape=None):
    """An .npy member holding ``array``, its header claiming ``shape`` when given."""
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {
        "descr": np.lib.format.dtype_to_descr(array.dtype),
        "fortran_order": False,
        "shape": array.shape if shape is None else shape,
    })
    buffer.write(array.tobytes())
    return buffer.getvalue()


def safetensors_bytes(header, data=b""):
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + data


# --- C order ---------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", FORMATS)
def test_a_weight_in_fortran_order_comes_back_as_the_same_matrix(tmp_path, suffix):
    source = nn.Linear(3, 2, rng=0)
    pytorch_weight = np.arange(6.0).reshape(2, 3)  # (out, in), as torch_w.numpy() gives it
    source.weight.data = pytorch_weight.T  # a transposed view: Fortran order
    assert not source.weight.data.flags.c_contiguous
    target = nn.load(nn.Linear(3, 2, rng=1), nn.save(source, tmp_path / f"w{suffix}"))
    np.testing.assert_array_equal(target.weight.data, pytorch_weight.T)


def test_the_npz_members_are_written_in_c_order(tmp_path):
    model = nn.Linear(3, 2, rng=0)
    model.weight.data = np.asfortranarray(model.weight.data)
    nn.save(model, tmp_path / "w.npz")
    with zipfile.ZipFile(tmp_path / "w.npz") as archive, archive.open("weight.npy") as member:
        np.lib.format.read_magic(member)
        _, fortran_order, _ = np.lib.format.read_array_header_1_0(member)
    assert fortran_order is False


def test_a_fortran_order_weight_saved_as_safetensors_reads_right_in_the_safetensors_library(tmp_path):
    safetensors_numpy = pytest.importorskip("safetensors.numpy")
    model = nn.Linear(3, 2, rng=0)
    model.weight.data = np.asfortranarray(model.weight.data)
    nn.save(model, tmp_path / "w.safetensors")
    np.testing.assert_array_equal(safetensors_numpy.load_file(tmp_path / "w.safetensors")["weight"],
                                  model.weight.data)


# --- save: one file, written whole -------------------------------------------------------------


@pytest.mark.parametrize("suffix", FORMATS)
def test_concurrent_saves_to_one_path_leave_one_complete_file(tmp_path, suffix):
    models = [nn.MLP([4, 32, 3], rng=seed) for seed in range(8)]
    path = tmp_path / f"model{suffix}"
    barrier = threading.Barrier(len(models))
    errors = []

    def save(model):
        try:
            barrier.wait()
            for _ in range(5):
                nn.save(model, path)
        except Exception as error:  # reported below: an exception in a thread would otherwise vanish
            errors.append(error)

    threads = [threading.Thread(target=save, args=(model,)) for model in models]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
    loaded = nn.load(nn.MLP([4, 32, 3], rng=99), path).state_dict()
    matches = [all(np.array_equal(loaded[k], m.state_dict()[k]) for k in loaded) for m in models]
    assert sum(matches) == 1


@pytest.mark.parametrize("suffix", FORMATS)
def test_save_touches_no_other_file(tmp_path, suffix):
    path = tmp_path / f"m{suffix}"
    own = {tmp_path / f"m{suffix}.partial": b"mine", tmp_path / f"m{suffix}.tmp": b"also mine"}
    for other, content in own.items():
        other.write_bytes(content)
    nn.save(nn.Linear(2, 2, rng=0), path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name] + [p.name for p in own])
    for other, content in own.items():
        assert other.read_bytes() == content


@pytest.mark.parametrize("suffix", FORMATS)
def test_saving_through_a_symlink_writes_its_target(tmp_path, suffix):
    (tmp_path / "store").mkdir()
    target = tmp_path / "store" / f"real{suffix}"
    target.write_bytes(b"old")
    link = tmp_path / f"link{suffix}"
    link.symlink_to(target)
    model = nn.Linear(2, 2, rng=0)
    assert nn.save(model, link) == link
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert_state_equal(nn.load(nn.Linear(2, 2, rng=1), target), model.state_dict())
    assert [p.name for p in (tmp_path / "store").iterdir()] == [target.name]


def test_a_missing_directory_stays_a_file_not_found_error_naming_the_path(tmp_path):
    path = tmp_path / "no such dir" / "m.npz"
    with pytest.raises(FileNotFoundError) as caught:
        nn.save(nn.Linear(2, 2), path)
    assert str(caught.value).startswith(f"nn.save: cannot write {str(path)!r}")
    assert caught.value.errno == 2


def test_saving_over_a_directory_is_an_os_error_and_leaves_no_temporary_file(tmp_path):
    (tmp_path / "m.npz").mkdir()
    with pytest.raises(OSError, match=r"^nn.save: cannot write .*m.npz'"):
        nn.save(nn.Linear(2, 2), tmp_path / "m.npz")
    assert [p.name for p in tmp_path.iterdir()] == ["m.npz"]


def test_a_failed_save_keeps_the_old_file_and_leaves_no_temporary_file(tmp_path, monkeypatch):
    path = nn.save(nn.Linear(2, 2, rng=0), tmp_path / "m.npz")
    before = path.read_bytes()

    def fail(state, file):
        file.write(b"half a file")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("nn.files.write_npz", fail)
    with pytest.raises(OSError, match=r"^nn.save: cannot write .*m.npz': No space left on device"):
        nn.save(nn.Linear(2, 2, rng=1), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["m.npz"]


def test_a_dtype_safetensors_cannot_store_is_a_value_error_naming_the_path(tmp_path):
    model = nn.Linear(2, 2, rng=0)
    model.weight.data = model.weight.data.astype(np.longdouble)
    if np.dtype(np.longdouble) == np.dtype(np.float64):
        pytest.skip("longdouble is float64 here")
    with pytest.raises(ValueError, match=r"^nn.save: .*w.safetensors': 'weight' has dtype float128"):
        nn.save(model, tmp_path / "w.safetensors")
    assert list(tmp_path.iterdir()) == []


def test_a_new_file_gets_the_permissions_open_would_give_and_an_old_file_keeps_its_own(tmp_path):
    umask = os.umask(0o022)
    os.umask(umask)
    path = nn.save(nn.Linear(2, 2), tmp_path / "m.npz")
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask
    path.chmod(0o600)
    nn.save(nn.Linear(2, 2), path)
    assert path.stat().st_mode & 0o777 == 0o600


# --- load: the header first --------------------------------------------------------------------


def test_an_npz_header_claiming_a_huge_shape_is_refused_naming_the_entry(tmp_path):
    path = tmp_path / "hostile.npz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("weight.npy", npy_bytes(np.zeros(3), shape=(100000, 100000)))
        archive.writestr("bias.npy", npy_bytes(np.zeros(2)))
    model = nn.Linear(3, 2, rng=0)
    before = state_of(model)
    with pytest.raises(ValueError, match=r"entry 'weight' claims shape \(100000, 100000\)"):
        nn.load(model, path)
    assert_state_equal(model, before)


def test_a_safetensors_header_claiming_a_huge_shape_is_refused_naming_the_entry(tmp_path):
    path = tmp_path / "hostile.safetensors"
    path.write_bytes(safetensors_bytes({
        "weight": {"dtype": "F64", "shape": [100000, 100000], "data_offsets": [0, 80_000_000_000]},
        "bias": {"dtype": "F64", "shape": [2], "data_offsets": [0, 16]},
    }, bytes(16)))
    with pytest.raises(ValueError, match=r"entry 'weight' has data_offsets \[0, 80000000000\]"):
        nn.load(nn.Linear(3, 2, rng=0), path)


def test_a_safetensors_header_length_beyond_the_file_is_refused(tmp_path):
    path = tmp_path / "w.safetensors"
    path.write_bytes(struct.pack("<Q", 2**60) + b"{}")
    with pytest.raises(ValueError, match=r"not a safetensors file: its first 8 bytes claim a header of"):
        nn.load(nn.Linear(3, 2), path)


@pytest.mark.parametrize("suffix", FORMATS)
def test_names_and_shapes_are_checked_before_any_array_is_read(tmp_path, monkeypatch, suffix):
    path = nn.save(nn.Linear(3, 4, rng=0), tmp_path / f"w{suffix}")

    def no_read(self, name):
        raise AssertionError(f"read {name} before the header was checked")

    monkeypatch.setattr(NpzReader, "read", no_read)
    monkeypatch.setattr(SafetensorsReader, "read", no_read)
    with pytest.raises(ValueError, match=r"'weight' expects shape \(3, 2\), got \(3, 4\)"):
        nn.load(nn.Linear(3, 2, rng=1), path)


def test_an_entry_of_complex_numbers_is_refused_from_its_header(tmp_path, monkeypatch):
    path = tmp_path / "w.npz"
    np.savez(path, weight=np.zeros((3, 2), dtype=complex), bias=np.zeros(2))
    monkeypatch.setattr(NpzReader, "read", lambda self, name: pytest.fail("read before the check"))
    with pytest.raises(ValueError, match=r"'weight' holds complex128, expected real numbers"):
        nn.load(nn.Linear(3, 2), path)


def test_a_file_that_is_not_a_zip_gets_our_message_and_no_advice_to_unpickle(tmp_path):
    path = tmp_path / "w.npz"
    path.write_bytes(b"\x00\x01 some bytes that are no archive" * 4)
    with pytest.raises(ValueError) as caught:
        nn.load(nn.Linear(3, 2), path)
    assert "is not an .npz archive written by nn.save" in str(caught.value)
    assert "allow_pickle" not in str(caught.value) and "pickle=True" not in str(caught.value)


@pytest.mark.parametrize("name", ["model.pt", "model.npz", "model.safetensors"])
def test_a_torch_save_file_points_to_from_torch(tmp_path, name):
    torch = pytest.importorskip("torch")
    path = tmp_path / name
    torch.save(torch.nn.Linear(3, 2).state_dict(), path)
    model = nn.Linear(3, 2, rng=0)
    before = state_of(model)
    with pytest.raises(ValueError, match=r"(torch.save|PyTorch).*nn.from_torch") as caught:
        nn.load(model, path)
    assert "allow_pickle" not in str(caught.value)
    assert_state_equal(model, before)


def test_a_legacy_torch_save_pickle_points_to_from_torch(tmp_path):
    torch = pytest.importorskip("torch")
    path = tmp_path / "model.pth"
    torch.save(torch.nn.Linear(3, 2).state_dict(), path, _use_new_zipfile_serialization=False)
    with pytest.raises(ValueError, match=r"is a pickle .*never unpickles.*nn.from_torch"):
        nn.load(nn.Linear(3, 2), path)


def test_a_compressed_big_endian_npz_from_numpy_loads(tmp_path):
    path = tmp_path / "w.npz"
    weight = np.arange(6.0).reshape(3, 2)
    np.savez_compressed(path, weight=weight.astype(">f8"), bias=np.array([1, 2], dtype=np.int32))
    model = nn.load(nn.Linear(3, 2), path)
    np.testing.assert_array_equal(model.weight.data, weight)
    np.testing.assert_array_equal(model.bias.data, [1.0, 2.0])
    assert model.weight.dtype == np.float64


def test_a_truncated_safetensors_file_is_refused_and_changes_nothing(tmp_path):
    path = nn.save(nn.Linear(3, 2, rng=0), tmp_path / "w.safetensors")
    path.write_bytes(path.read_bytes()[:-8])
    model = nn.Linear(3, 2, rng=1)
    before = state_of(model)
    with pytest.raises(ValueError, match="nn.load: .*w.safetensors"):
        nn.load(model, path)
    assert_state_equal(model, before)


@pytest.mark.parametrize("suffix", FORMATS)
def test_load_writes_into_the_existing_arrays_so_a_shared_array_stays_shared(tmp_path, suffix):
    source = nn.Linear(3, 2, rng=0)
    path = nn.save(source, tmp_path / f"w{suffix}")
    target = nn.Linear(3, 2, rng=1)
    weight = target.weight.data
    view = weight[:, 0]
    nn.load(target, path)
    assert target.weight.data is weight
    np.testing.assert_array_equal(view, source.weight.data[:, 0])


def test_save_and_load_live_in_nn_files():
    assert nn.save.__module__ == "nn.files" and nn.load.__module__ == "nn.files"


@pytest.mark.parametrize("suffix", FORMATS)
def test_a_graph_recorded_before_a_load_refuses_backward(tmp_path, suffix):
    path = nn.save(nn.Linear(3, 2, rng=1), tmp_path / f"w{suffix}")
    model = nn.Linear(3, 2, rng=0)
    loss = model(np.ones((1, 3))).sum()
    nn.load(model, path)
    with pytest.raises(RuntimeError, match="linear"):
        loss.backward()
