"""PyTorch's names for numpy's arguments (``dim`` for ``axis``, ``keepdim`` for ``keepdims``), resolved in one place."""


def numpy_argument(op, name, value, default, **aliases):
    """``op``'s argument ``name``, given as ``name=value`` or under one of PyTorch's names (``dim=...``).

    An alias whose value is None was not used. Two names at once (``value`` not
    at its ``default``, or two aliases) is a TypeError naming both.
    """
    given = [(alias, alias_value) for alias, alias_value in aliases.items() if alias_value is not None]
    if not given:
        return value
    if value is not default and value != default:
        given.insert(0, (name, value))
    if len(given) > 1:
        names = " and ".join(f"{alias}={alias_value!r}" for alias, alias_value in given)
        raise TypeError(f"{op}: got both {names}, numpy's and PyTorch's names for one argument; give one of them")
    return given[0][1]
