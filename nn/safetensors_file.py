"""Model files in the safetensors format (Hugging Face's), written and read through ``safetensors.numpy``.

The tensors are named as in ``state_dict()`` and keep our layout (``Linear.weight`` is
``(in_features, out_features)``); the header's metadata says so, which is how a file
written elsewhere (by PyTorch, say) is told apart when it does not fit.
"""

from .optional import require

SUFFIX = ".safetensors"
METADATA = {"library": "chainrule", "linear_weight_layout": "(in_features, out_features)"}


def is_safetensors_path(path):
    """Whether ``path`` (a pathlib.Path) names a safetensors file, by its suffix."""
    return path.suffix.lower() == SUFFIX


def write_safetensors(state, path, who):
    """Write ``state`` (names to contiguous ndarrays) to ``path`` with our metadata."""
    safetensors_numpy = require("safetensors.numpy", "safetensors", who)
    safetensors_numpy.save_file(state, str(path), metadata=METADATA)


def read_safetensors(path, who):
    """``(state, written_by_chainrule)`` from the safetensors file at ``path``; ValueError if it is not one."""
    safetensors = require("safetensors", "safetensors", who)
    require("safetensors.numpy", "safetensors", who)
    try:
        with safetensors.safe_open(str(path), framework="np") as file:
            metadata = file.metadata() or {}
            state = {name: file.get_tensor(name) for name in file.keys()}
    except (safetensors.SafetensorError, OSError, ValueError, TypeError) as error:
        raise ValueError(f"{who}: {str(path)!r} is not a readable safetensors file: {error}") from None
    return state, metadata.get("library") == METADATA["library"]
