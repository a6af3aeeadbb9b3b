"""Model files in the safetensors format (Hugging Face's), written and read with numpy alone.

The format: an 8-byte little-endian header length, a JSON header naming each tensor's
dtype, shape and byte range, then the bytes (C order, little-endian). The tensors are named as in
``state_dict()`` and keep our layout (``Linear.weight`` is ``(in_features, out_features)``); the
header's metadata says so, which is how a file written elsewhere (by PyTorch, say) is told apart.
"""

import json
import struct

import numpy as np

SUFFIX = ".safetensors"
METADATA = {"library": "chainrule", "linear_weight_layout": "(in_features, out_features)"}
_MAX_HEADER = 100_000_000  # the safetensors library's own limit
_DTYPES = {
    "F64": "<f8", "F32": "<f4", "F16": "<f2",
    "I64": "<i8", "I32": "<i4", "I16": "<i2", "I8": "|i1",
    "U64": "<u8", "U32": "<u4", "U16": "<u2", "U8": "|u1",
    "BOOL": "|b1",
}
_CODES = {np.dtype(numpy_dtype): code for code, numpy_dtype in _DTYPES.items()}


def is_safetensors_path(path):
    """Whether ``path`` (a pathlib.Path) names a safetensors file, by its suffix."""
    return path.suffix.lower() == SUFFIX


def write_safetensors(state, file, who):
    """Write ``state`` (names to ndarrays) to the open binary ``file``, in C order, with our metadata."""
    header, arrays, offset = {"__metadata__": METADATA}, [], 0
    for name, array in state.items():
        little = np.asarray(array).dtype.newbyteorder("<")
        code = _CODES.get(little)
        if code is None:
            raise ValueError(f"{who}: {name!r} has dtype {array.dtype}, which safetensors cannot store "
                             f"(it stores {', '.join(str(np.dtype(d)) for d in _DTYPES.values())})")
        array = np.asarray(array, dtype=little, order="C")
        header[name] = {"dtype": code, "shape": list(array.shape), "data_offsets": [offset, offset + array.nbytes]}
        arrays.append(array)
        offset += array.nbytes
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)  # the bytes that follow start 8-aligned
    file.write(struct.pack("<Q", len(text)))
    file.write(text)
    for array in arrays:
        file.write(array.tobytes(order="C"))


class SafetensorsReader:
    """An open safetensors file: ``layout`` ({name: (shape, dtype)}) from its header, ``read(name)`` for an array.

    ``ours`` says whether nn.save wrote it; ``where`` starts every message; anything malformed is a ValueError.
    """

    def __init__(self, file, size, where):
        self._file, self.where = file, where
        header = self._header(size)
        metadata = header.pop("__metadata__", None)
        if metadata is not None and not isinstance(metadata, dict):
            raise ValueError(f"{where}: the header's '__metadata__' is a {type(metadata).__name__}, not a dict")
        self.ours = bool(metadata) and metadata.get("library") == METADATA["library"]
        self._data_start = 8 + self._header_length
        self._entries = {name: self._entry(name, entry, size - self._data_start) for name, entry in header.items()}
        self.layout = {name: (shape, dtype) for name, (shape, dtype, _) in self._entries.items()}

    def _header(self, size):
        prefix = self._file.read(8)
        if len(prefix) < 8:
            raise ValueError(f"{self.where} is not a safetensors file: it has {len(prefix)} bytes, "
                             "fewer than the 8 of its header length")
        (length,) = struct.unpack("<Q", prefix)
        if length > min(size - 8, _MAX_HEADER):
            raise ValueError(f"{self.where} is not a safetensors file: its first 8 bytes claim a header of "
                             f"{length} bytes in a file of {size}")
        self._header_length = length
        try:
            header = json.loads(self._file.read(length).decode("utf-8"))
        except ValueError as error:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
            raise ValueError(f"{self.where} is not a safetensors file: its header is not JSON ({error})") from None
        if not isinstance(header, dict):
            raise ValueError(f"{self.where} is not a safetensors file: its header is a {type(header).__name__}, "
                             "not a JSON object")
        return header

    def _entry(self, name, entry, data_size):
        """``(shape, dtype, (start, end))`` of one header entry, every field checked against the file."""
        where = f"{self.where}: entry {name!r}"
        if not isinstance(entry, dict) or not {"dtype", "shape", "data_offsets"} <= entry.keys():
            raise ValueError(f"{where} is not a tensor description (dtype, shape, data_offsets): {entry!r:.200}")
        code, shape, offsets = entry["dtype"], entry["shape"], entry["data_offsets"]
        if code not in _DTYPES:
            raise ValueError(f"{where} has dtype {code!r}, which numpy cannot hold here "
                             f"(readable: {', '.join(_DTYPES)}); convert it first, e.g. tensor.float() in PyTorch")
        if not isinstance(shape, list) or not all(_is_count(n) for n in shape):
            raise ValueError(f"{where} has shape {shape!r:.200}, expected a list of non-negative integers")
        if not (isinstance(offsets, list) and len(offsets) == 2 and all(_is_count(n) for n in offsets)
                and offsets[0] <= offsets[1] <= data_size):
            raise ValueError(f"{where} has data_offsets {offsets!r:.200}, expected [start, end] within the "
                             f"{data_size} bytes of data")
        dtype, shape = np.dtype(_DTYPES[code]), tuple(shape)
        claimed = int(np.prod(shape, dtype=object)) * dtype.itemsize
        if offsets[1] - offsets[0] != claimed:
            raise ValueError(f"{where} claims shape {shape} of {dtype} ({claimed} bytes) but its data_offsets "
                             f"span {offsets[1] - offsets[0]} bytes")
        return shape, dtype, tuple(offsets)

    def read(self, name):
        """The array stored under ``name`` (after ``layout`` was checked), in the machine's byte order."""
        shape, dtype, (start, end) = self._entries[name]
        self._file.seek(self._data_start + start)
        data = self._file.read(end - start)
        if len(data) != end - start:
            raise ValueError(f"{self.where}: entry {name!r} is cut short: the file ended")
        return np.frombuffer(data, dtype=dtype).reshape(shape).astype(dtype.newbyteorder("="))


def _is_count(number):
    return isinstance(number, int) and not isinstance(number, bool) and number >= 0
