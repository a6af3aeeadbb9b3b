"""Model files as ``.npz`` archives (numpy's zip of ``.npy`` members, no pickle): written in C order, read header first.

``NpzReader`` reads every member's ``.npy`` header (name, shape, dtype) before any
array, so a file is checked against the model without allocating what it claims.
"""

import zipfile
import zlib

import numpy as np

_NPY_HEADER_READERS = {
    (1, 0): np.lib.format.read_array_header_1_0,
    (2, 0): np.lib.format.read_array_header_2_0,
}
_UNREADABLE = (ValueError, OSError, EOFError, zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError)


def write_npz(state, file):
    """Write ``state`` (names to ndarrays) to the open binary ``file`` as an uncompressed ``.npz`` archive."""
    with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for name, array in state.items():
            with archive.open(name + ".npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asarray(array, order="C"), allow_pickle=False)


class NpzReader:
    """An open ``.npz`` archive: ``layout`` ({name: (shape, dtype)}) from the headers, ``read(name)`` for an array.

    ``where`` starts every message (``nn.load: 'path'``); anything malformed is a ValueError.
    """

    def __init__(self, file, where):
        self.where = where
        try:
            self._archive = zipfile.ZipFile(file)
        except _UNREADABLE as error:
            raise ValueError(f"{where} is not an .npz archive written by nn.save ({error})") from None
        try:
            self._members, self.layout = self._scan()
        except BaseException:
            self._archive.close()
            raise

    def _scan(self):
        names = self._archive.namelist()
        members, layout = {}, {}
        for member in names:
            if not member.endswith(".npy"):
                raise ValueError(f"{self.where}: entry {member!r} is not an .npy array; "
                                 "not a model file written by nn.save")
            name = member[: -len(".npy")]
            if name in layout:
                raise ValueError(f"{self.where}: entry {name!r} appears twice")
            members[name] = member
            layout[name] = self._header(name, member)
        return members, layout

    def _header(self, name, member):
        """``(shape, dtype)`` from the member's ``.npy`` header, checked against the member's size."""
        try:
            with self._archive.open(member) as stream:
                version = np.lib.format.read_magic(stream)
                read_header = _NPY_HEADER_READERS.get(version)
                if read_header is None:
                    raise ValueError(f"unsupported .npy format version {version}")
                shape, _, dtype = read_header(stream)
                header_size = stream.tell()
        except _UNREADABLE as error:
            raise ValueError(f"{self.where}: entry {name!r} is not a readable .npy array ({error})") from None
        if dtype.hasobject:
            raise ValueError(
                f"{self.where}: entry {name!r} holds pickled Python objects; refused "
                "(model files hold numeric arrays only, read with allow_pickle=False)"
            )
        claimed = header_size + int(np.prod(shape, dtype=object)) * dtype.itemsize
        size = self._archive.getinfo(member).file_size
        if claimed != size:
            raise ValueError(
                f"{self.where}: entry {name!r} claims shape {shape} of {dtype} ({claimed} bytes with its header) "
                f"but holds {size} bytes: the file is corrupt or was not written by numpy"
            )
        return shape, dtype

    def read(self, name):
        """The array stored under ``name`` (after ``layout`` was checked)."""
        try:
            with self._archive.open(self._members[name]) as stream:
                return np.lib.format.read_array(stream, allow_pickle=False)
        except _UNREADABLE as error:
            raise ValueError(f"{self.where}: entry {name!r} is corrupt: {error}") from None

    def close(self):
        self._archive.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
