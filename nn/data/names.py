"""makemore's names and the character windows a language model learns from.

``load_names()`` reads the 32,033 lowercase first names shipped beside this
file (``names.txt``: the most common US Social Security baby names, as the
makemore lectures use them; ``README.md`` beside it gives origin and licence).
``Characters(words)`` numbers their letters with ``.`` (index 0) marking where a
name starts and ends, and ``windows(words, context=3)`` turns names into
``(X, y)``: each row of X the indices of the ``context`` characters before the
character ``y`` to predict.
"""

from pathlib import Path

import numpy as np

from .checks import count

NAMES_FILE = Path(__file__).with_name("names.txt")
BOUNDARY = "."


def load_names():
    """The names of ``names.txt`` as a list of str, in the file's order (most common first)."""
    return NAMES_FILE.read_text(encoding="ascii").split()


def _words(words, where):
    if isinstance(words, str):
        raise TypeError(f"{where}: words must be a list of str, got one str {words[:20]!r}; wrap it in a list")
    words = list(words)
    for index, word in enumerate(words):
        if not isinstance(word, str):
            raise TypeError(f"{where}: words must be str, got {type(word).__name__} {word!r} at index {index}")
    return words


class Characters:
    """The alphabet of ``words`` with ``.`` first: ``stoi`` maps a character to its index, ``itos`` back.

    ``Characters(load_names())`` has 27 symbols: ``.`` = 0, ``a`` = 1, ..., ``z`` = 26.
    """

    def __init__(self, words):
        words = _words(words, "Characters")
        letters = sorted(set("".join(words)))
        if BOUNDARY in letters:
            raise ValueError(f"Characters: {BOUNDARY!r} marks a name's start and end and cannot be in a word")
        self.itos = [BOUNDARY, *letters]
        self.stoi = {character: index for index, character in enumerate(self.itos)}

    def __len__(self):
        return len(self.itos)

    def __repr__(self):
        return f"Characters({''.join(self.itos)!r})"

    def encode(self, word):
        """The indices of ``word``'s characters; an unknown character is a ValueError naming it."""
        try:
            return [self.stoi[character] for character in word]
        except KeyError as error:
            raise ValueError(f"Characters.encode: {error.args[0]!r} in {word!r} is not one of "
                             f"{''.join(self.itos)!r}") from None

    def decode(self, indices):
        """The string of characters at ``indices`` (ints in 0 .. len − 1)."""
        indices = [int(index) for index in indices]
        outside = [index for index in indices if not 0 <= index < len(self)]
        if outside:
            raise ValueError(f"Characters.decode: indices must be in 0 .. {len(self) - 1}, got {outside[0]}")
        return "".join(self.itos[index] for index in indices)

    def windows(self, words, context=3):
        """``(X, y)``, int64: for every character of every word and its closing ``.``, the ``context`` indices
        before it (``.`` before the start) as a row of X of shape ``(N, context)``, and its own index in y."""
        words = _words(words, "Characters.windows")
        context = count(context, "Characters.windows: context")
        rows, targets = [], []
        for word in words:
            window = [0] * context
            for index in [*self.encode(word), 0]:
                rows.append(window)
                targets.append(index)
                window = [*window[1:], index]
        X = np.array(rows, dtype=np.int64).reshape(len(rows), context)
        return X, np.array(targets, dtype=np.int64)
