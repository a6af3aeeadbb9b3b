"""PyTorch's names for numpy's arguments (``dim`` for ``axis``, ``keepdim`` for ``keepdims``), resolved in one place."""


def numpy_argument(op, name, value, default, alias, alias_value):
    """``op``'s argument ``name``, given as ``name=value`` or under PyTorch's name as ``alias=alias_value``.

    ``alias_value`` None means the PyTorch name was not used. Both names at once
    (``value`` not at its ``default``) is a TypeError naming both.
    """
    if alias_value is None:
        return value
    if value is not default and value != default:
        raise TypeError(
            f"{op}: got both {name}={value!r} and {alias}={alias_value!r}, numpy's and PyTorch's names for one "
            f"argument; give one of them"
        )
    return alias_value
