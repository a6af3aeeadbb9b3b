"""The forward hooks of one Module: ``fn(module, inputs, output)`` run after each forward call."""


class ForwardHooks:
    """A module's forward hooks in registration order (not a list or dict, so the parameter walk skips it)."""

    __slots__ = ("hooks",)  # {key: fn}, read by Module.__call__

    def __init__(self):
        self.hooks = {}

    def __bool__(self):
        return bool(self.hooks)

    def add(self, fn):
        """Register ``fn``; returns its ``HookHandle``."""
        key = object()
        self.hooks[key] = fn
        return HookHandle(self.hooks, key)

    def run(self, module, inputs, output):
        """``output`` after every hook: a hook's non-None return replaces it for the hooks after it too."""
        for fn in tuple(self.hooks.values()):
            replaced = fn(module, inputs, output)
            if replaced is not None:
                output = replaced
        return output


class HookHandle:
    """Returned by ``register_forward_hook``: ``handle.remove()`` detaches the hook (again is harmless)."""

    __slots__ = ("_hooks", "_key")

    def __init__(self, hooks, key):
        self._hooks = hooks
        self._key = key

    def remove(self):
        """Detach the hook: later forward calls do not run it."""
        if self._hooks is not None:
            self._hooks.pop(self._key, None)
            self._hooks = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.remove()
        return False
