"""The sentences saying how a state (names to arrays) differs from a model's: for load_state_dict and nn.load."""


def listing(names, limit=8):
    """``'a', 'b' and 3 more``: a short list of names for a message."""
    shown = ", ".join(repr(name) for name in names[:limit])
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return shown + more


def name_problems(expected, given):
    """``["missing ...", "unexpected ..."]`` for names of ``expected`` absent from ``given`` and the reverse."""
    missing = [name for name in expected if name not in given]
    known = set(expected)
    unexpected = [str(name) for name in given if name not in known]
    problems = []
    if missing:
        problems.append(f"missing {listing(missing)}")
    if unexpected:
        problems.append(f"unexpected {listing(unexpected)}")
    return problems


def shape_problem(name, expected, given):
    """A sentence saying that entry ``name`` has the wrong shape, or "" when it fits."""
    expected, given = tuple(expected), tuple(given)
    if given == expected:
        return ""
    transposed = len(expected) == 2 and given == expected[::-1] and expected[0] != expected[1]
    hint = " (the transpose: PyTorch's (out, in) layout?)" if transposed else ""
    return f"{name!r} expects shape {expected}, got {given}{hint}"


def dtype_problem(name, dtype):
    """A sentence saying that entry ``name`` holds no real numbers, or "" when its dtype can be cast in."""
    if dtype.kind in "biuf":
        return ""
    return f"{name!r} holds {dtype}, expected real numbers (bool, integer or floating point)"
