"""Import an optional package on call, or say which pip extra brings it."""

import importlib


def require(package, extra, who):
    """The imported ``package``, or an ImportError telling ``who``'s user to ``pip install "chainrule[extra]"``."""
    try:
        return importlib.import_module(package)
    except ImportError as error:
        raise ImportError(
            f"{who} needs the optional package {package.split('.')[0]!r}, which is not installed "
            f"({error}); install it with: pip install \"chainrule[{extra}]\""
        ) from error
