"""The forward hooks of one Module: ``fn(module, inputs, output)`` run after each forward call."""

from autograd import RemovableHandle


class ForwardHooks:
    """A module's forward hooks in registration order (not a list or dict, so the parameter walk skips it)."""

    __slots__ = ("hooks",)  # {key: fn}, read by Module.__call__

    def __init__(self):
        self.hooks = {}

    def __bool__(self):
        return bool(self.hooks)

    def add(self, fn):
        """Register ``fn``; returns its ``RemovableHandle``."""
        key = object()
        self.hooks[key] = fn
        return RemovableHandle(self.hooks, key)

    def run(self, module, inputs, output):
        """``output`` after every hook: a hook's non-None return replaces it for the hooks after it too."""
        for fn in tuple(self.hooks.values()):
            replaced = fn(module, inputs, output)
            if replaced is not None:
                output = replaced
        return output
