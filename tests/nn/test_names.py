"""nn.data.load_names and Characters: makemore's names, their alphabet and the character windows."""

import numpy as np
import pytest

from nn.data import Characters, load_names


@pytest.fixture(scope="module")
def names():
    return load_names()


def test_load_names_reads_the_32033_lowercase_names_most_common_first(names):
    assert len(names) == 32033
    assert names[:3] == ["emma", "olivia", "ava"]
    assert all(name.isascii() and name.isalpha() and name.islower() for name in names)
    assert (min(map(len, names)), max(map(len, names))) == (2, 15)


def test_the_names_file_is_package_data_with_its_readme():
    from pathlib import Path

    import nn.data.names

    tomllib = pytest.importorskip("tomllib")

    folder = Path(nn.data.names.__file__).parent
    assert (folder / "names.txt").is_file() and "MIT" in (folder / "README.md").read_text(encoding="utf-8")
    pyproject = tomllib.loads((folder.parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    assert {"names.txt", "README.md"} <= set(pyproject["tool"]["setuptools"]["package-data"]["nn.data"])


def test_characters_of_the_names_are_the_boundary_then_a_to_z(names):
    characters = Characters(names)
    assert len(characters) == 27
    assert "".join(characters.itos) == ".abcdefghijklmnopqrstuvwxyz"
    assert characters.stoi["."] == 0 and characters.stoi["z"] == 26


def test_encode_and_decode_are_inverse():
    characters = Characters(["emma", "bob"])
    assert characters.itos == [".", "a", "b", "e", "m", "o"]
    assert characters.encode("emma") == [3, 4, 4, 1]
    assert characters.decode(np.array([3, 4, 4, 1])) == "emma"


def test_windows_hold_the_context_before_each_character_and_the_closing_boundary():
    characters = Characters(["emma"])  # . a e m
    X, y = characters.windows(["emma", "am"], context=3)
    assert X.dtype == y.dtype == np.int64
    assert X.tolist() == [[0, 0, 0], [0, 0, 2], [0, 2, 3], [2, 3, 3], [3, 3, 1],
                          [0, 0, 0], [0, 0, 1], [0, 1, 3]]
    assert y.tolist() == [2, 3, 3, 1, 0, 1, 3, 0]


def test_windows_of_the_names_count_every_character_and_every_end(names):
    X, y = Characters(names).windows(names, context=3)
    assert X.shape == (sum(map(len, names)) + len(names), 3)
    assert int((y == 0).sum()) == len(names)


def test_windows_of_no_words_are_empty_with_the_context_as_width():
    X, y = Characters(["ab"]).windows([], context=4)
    assert X.shape == (0, 4) and y.shape == (0,)


def test_bad_input_is_refused_by_name():
    characters = Characters(["ab"])
    with pytest.raises(TypeError, match="Characters: words must be a list of str"):
        Characters("emma")
    with pytest.raises(TypeError, match="int 3 at index 1"):
        characters.windows(["ab", 3])
    with pytest.raises(ValueError, match="'z' in 'az' is not one of '.ab'"):
        characters.encode("az")
    with pytest.raises(ValueError, match="must be in 0 .. 2, got -1"):
        characters.decode([1, -1])
    with pytest.raises(ValueError, match="context must be >= 1"):
        characters.windows(["ab"], context=0)
    with pytest.raises(ValueError, match="cannot be in a word"):
        Characters(["a.b"])
