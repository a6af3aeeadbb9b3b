"""``nn.save`` and ``nn.load``: a model's ``state_dict()`` in a file, ``.npz`` or ``.safetensors`` by suffix.

A save writes a temporary file of its own beside the target and renames it over the
target, so a reader (or a concurrent save) never sees half a file. A load checks the
file's header (every name, shape and dtype) against the model before it reads any array,
and writes into the model only when everything fits.
"""

import os
import tempfile
import zipfile
from pathlib import Path

from .module import Module, state_layout
from .npz_file import NpzReader, write_npz
from .safetensors_file import SafetensorsReader, is_safetensors_path, write_safetensors
from .state_checks import dtype_problem, name_problems, shape_problem

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_NPY_MAGIC = b"\x93NUMPY"
_PICKLE_PROTOCOL = b"\x80"


def as_path(path, where):
    """``path`` (a str or os.PathLike) as a pathlib.Path, or a TypeError naming ``where``."""
    if isinstance(path, (str, os.PathLike)):
        return Path(path)
    raise TypeError(f"{where}: path must be a str or a pathlib.Path, got {type(path).__name__}")


def save(module, path):
    """Write ``module.state_dict()`` to ``path`` (a symlink's target); returns the path given, as a pathlib.Path.

    The format follows the suffix: ``.safetensors`` writes the safetensors format, any other
    name an ``.npz`` archive (no pickle); arrays are stored in C order. The file is written
    under a unique temporary name in the target's directory and renamed over the target, so
    an interrupted save leaves the old file, concurrent saves leave one complete file, and
    no other file is touched.
    """
    if not isinstance(module, Module):
        raise TypeError(f"nn.save: expected a Module, got {type(module).__name__}")
    path = as_path(path, "nn.save")
    state = module.state_dict()
    if is_safetensors_path(path):
        write_atomically(path, lambda file: write_safetensors(state, file, f"nn.save: {str(path)!r}"), "nn.save")
    else:
        write_atomically(path, lambda file: write_npz(state, file), "nn.save")
    return path


def write_atomically(path, write, where):
    """Call ``write(file)`` on a fresh temporary file beside ``path``'s target, then rename it over the target.

    An OSError keeps its class and says ``where`` and the path the user gave.
    """
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    temporary = None
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        with os.fdopen(descriptor, "wb") as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, _mode_for(target))
        os.replace(temporary, target)
        temporary = None
    except OSError as error:
        raise _renamed(error, f"{where}: cannot write {str(path)!r}: {error.strerror or error}") from error
    finally:
        if temporary is not None:
            try:
                os.unlink(temporary)
            except OSError:
                pass


def _mode_for(target):
    """The permissions the file gets: the old file's, or those a plain ``open(path, "w")`` would give."""
    try:
        return os.stat(target).st_mode & 0o7777
    except OSError:
        return 0o666 & ~_umask()


def _umask():
    try:
        with open("/proc/self/status") as status:  # read without changing it (os.umask sets it)
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _renamed(error, message):
    """An OSError of ``error``'s own class (FileNotFoundError, PermissionError, ...) saying ``message``."""
    renamed = type(error)(message)
    renamed.errno = error.errno
    return renamed


def load(module, path):
    """Load the arrays saved by ``nn.save`` into ``module``'s parameters and buffers; returns the module.

    The file's names, shapes and dtypes are checked against ``module.state_dict()``
    before any array is read; a refused load (ValueError naming what differs) leaves the
    module unchanged. Nothing is ever unpickled: a PyTorch file is refused with the way
    to bring it in (``nn.from_torch``).
    """
    if not isinstance(module, Module):
        raise TypeError(f"nn.load: expected a Module, got {type(module).__name__}")
    path = as_path(path, "nn.load")
    where = f"nn.load: {str(path)!r}"
    if not path.is_file():
        raise FileNotFoundError(f"nn.load: no model file at {str(path)!r}")
    with open(path, "rb") as file:
        safetensors = is_safetensors_path(path)
        _refuse_foreign(file, where, "a safetensors file" if safetensors else "an .npz archive written by nn.save")
        if safetensors:
            reader = SafetensorsReader(file, os.fstat(file.fileno()).st_size, where)
            state = _read_checked(module, reader, where, "" if reader.ours else _PYTORCH_LAYOUT_HINT)
        else:
            with NpzReader(file, where) as reader:
                state = _read_checked(module, reader, where, "")
    module.load_state_dict(state)
    return module


_PYTORCH_LAYOUT_HINT = (
    "; this file was not written by nn.save: if it holds a PyTorch model's weights (names like "
    "'0.weight', Linear weights shaped (out_features, in_features)), load it into that PyTorch "
    "model and convert the model with nn.from_torch(module)"
)


def _refuse_foreign(file, where, expected):
    """A ValueError for a file plainly of another kind: a pickle or a torch.save archive, a lone .npy array,
    a zip for .safetensors or no zip for .npz."""
    start = file.read(8)
    file.seek(0)
    if start.startswith(_PICKLE_PROTOCOL):
        raise ValueError(f"{where} is a pickle (torch.save writes one), not {expected}; nn.load never unpickles. "
                         f"{_FROM_TORCH}")
    if start.startswith(_NPY_MAGIC):
        raise ValueError(f"{where} holds a single .npy array, not {expected}")
    is_zip, npz = start.startswith(_ZIP_MAGIC), expected.startswith("an .npz")
    if is_zip:
        pickled = _torch_pickle(file)
        if pickled:
            raise ValueError(f"{where} is a PyTorch file written by torch.save (it holds {pickled!r}), not "
                             f"{expected}; nn.load never unpickles. {_FROM_TORCH}")
        if not npz:
            raise ValueError(f"{where} is a zip archive (an .npz?), not {expected}")
    elif npz:
        raise ValueError(f"{where} is not {expected} (it is not a zip archive)")


_FROM_TORCH = ("If it holds a PyTorch model, load it in PyTorch (module.load_state_dict(torch.load(path))) "
               "and convert the module with nn.from_torch(module)")


def _torch_pickle(file):
    """The name of the ``data.pkl`` member that marks a torch.save archive, or None."""
    try:
        with zipfile.ZipFile(file) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None  # not a readable zip: the format's reader says so
    finally:
        file.seek(0)
    return next((name for name in names if name.rsplit("/", 1)[-1] == "data.pkl"), None)


def _read_checked(module, reader, where, hint):
    """``{name: array}`` read from ``reader`` once its layout fits ``module``'s state; a ValueError otherwise."""
    expected = state_layout(module)
    problems = name_problems(list(expected), reader.layout)
    for name, (shape, dtype) in reader.layout.items():
        if name in expected:
            problems += [p for p in (shape_problem(name, expected[name][0], shape), dtype_problem(name, dtype)) if p]
    if problems:
        raise ValueError(f"{where} does not fit this model: {'; '.join(problems)}{hint}")
    return {name: reader.read(name) for name in expected}
