"""Type stubs for the modules whose classes get their ops from the op table: what editors and type checkers read.

Value's and Tensor's op methods are installed from the op table when autograd is
imported (``optable.attach``), so neither a type checker nor an editor can see
them in the source. ``python -m autograd stubs`` writes a ``.pyi`` beside each such
module, describing the whole module as it stands after import: every function
and class it defines or imports, and each class's members with their signatures
(read with ``inspect``) and docstrings. An op method returns its own class.
``tests/autograd/test_stubs.py`` fails when a committed stub differs from what
the table generates now.
"""

import ast
import builtins
import importlib
import inspect
import types
from pathlib import Path

STUBBED = {"autograd.value": "value.pyi", "autograd.tensor.core": "tensor/core.pyi"}
"""module -> its stub's path under autograd/."""

COMMAND = "python -m autograd stubs"
PACKAGE = Path(__file__).resolve().parent
_SKIPPED_MEMBERS = {"__module__", "__doc__", "__slots__", "__qualname__", "__dict__", "__weakref__",
                    "__annotations__", "__firstlineno__", "__static_attributes__"}
_COMPARED_WITH_OBJECT = {"__eq__", "__ne__"}  # typeshed's object says -> bool: an op returning a node overrides it


def generate():
    """path under autograd/ -> the text of its stub, for every stubbed module."""
    from .core import optable

    returns = {}  # (class, attribute) -> the class an op method returns
    for cls, attribute, _ in optable.op_methods():
        returns[cls, attribute] = cls
    return {path: _module_stub(importlib.import_module(name), returns) for name, path in STUBBED.items()}


def write(root=PACKAGE):
    """Write every stub under ``root`` (the autograd package); the paths written."""
    written = []
    for path, text in generate().items():
        target = Path(root) / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written


def stale(root=PACKAGE):
    """The stubs under ``root`` that differ from what the op table generates now (missing ones included)."""
    out = []
    for path, text in generate().items():
        target = Path(root) / path
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            out.append(path)
    return out


def _module_stub(module, returns):
    head = [f"# Generated from the op table by `{COMMAND}`: do not edit.", _docstring(module.__doc__, ""), ""]
    imports = ["from typing import Any", ""]
    body = []
    for name, obj in vars(module).items():
        if name.startswith("__"):
            continue
        if isinstance(obj, types.ModuleType):
            imports.append(f"import {obj.__name__}" + ("" if obj.__name__ == name else f" as {name}"))
        elif getattr(obj, "__module__", None) == module.__name__ and inspect.isclass(obj):
            body += ["", *_class_stub(obj, returns), ""]
        elif getattr(obj, "__module__", None) == module.__name__ and inspect.isfunction(obj):
            body.append(_function_stub(name, obj, None, ""))
        elif _importable(obj) and obj.__name__ == name:
            imports.append(f"from {obj.__module__} import {name} as {name}")  # the form a stub re-exports
        elif _importable(obj):
            imports.append(f"import {obj.__module__}")
            body.append(f"{name} = {obj.__module__}.{obj.__name__}")
        elif callable(obj):  # a bound method kept under a name of the module's own (grad_enabled): its doc is not
            body.append(_function_stub(name, obj, None, "", doc=None if obj.__name__ == name else ""))
        else:
            body.append(f"{name}: {_type_name(obj)}")
    return "\n".join(head + list(dict.fromkeys(imports)) + [""] + body).rstrip("\n") + "\n"


def _importable(obj):
    """Whether ``obj`` is a class or function that its module exports by its own name."""
    module, original = getattr(obj, "__module__", None), getattr(obj, "__name__", None)
    if not (module and original) or not (inspect.isclass(obj) or callable(obj)):
        return False
    try:
        return getattr(importlib.import_module(module), original, None) is obj
    except ImportError:
        return False


def _class_stub(cls, returns):
    bases = ", ".join(base.__name__ for base in cls.__bases__ if base is not object)
    lines = [f"class {cls.__name__}({bases}):" if bases else f"class {cls.__name__}:"]
    doc = _docstring(cls.__doc__, "    ")
    if doc:
        lines.append(doc)
    for name, member in vars(cls).items():
        if name in _SKIPPED_MEMBERS or (name.startswith("_") and not name.startswith("__")):
            continue
        if isinstance(member, property):
            lines += _property_stub(name, member)
        elif isinstance(member, (staticmethod, classmethod)):
            lines.append(f"    @{type(member).__name__}")
            lines.append(_function_stub(name, member.__func__, None, "    "))
        elif callable(member):
            result = returns.get((cls, name))
            lines.append(_function_stub(name, member, result and result.__name__, "    "))
        else:
            lines.append(f"    {name}: {_type_name(member)}")
    return lines


def _property_stub(name, prop):
    doc = _docstring(prop.__doc__, "        ")
    lines = ["    @property", f"    def {name}(self):\n{doc}" if doc else f"    def {name}(self): ..."]
    if prop.fset is not None:
        lines += [f"    @{name}.setter", f"    def {name}(self, value) -> None: ..."]
    return lines


def _function_stub(name, function, returns, indent, doc=None):
    """``def name(signature) -> returns:`` with its docstring (or ``...``), at ``indent``."""
    try:
        signature = inspect.signature(function)
        parameters = _parameters(signature)
    except (TypeError, ValueError):  # a builtin without a readable signature
        parameters = "self, *args, **kwargs" if indent else "*args, **kwargs"
    arrow = f" -> {returns}" if returns else ""
    ignore = "  # type: ignore[override]" if name in _COMPARED_WITH_OBJECT and returns else ""
    text = _docstring(doc if doc is not None else function.__doc__, indent + "    ")
    if not text:
        return f"{indent}def {name}({parameters}){arrow}: ...{ignore}"
    return f"{indent}def {name}({parameters}){arrow}:{ignore}\n{text}"


def _parameters(signature):
    parts, keyword_only_marked, previous = [], False, None
    for parameter in signature.parameters.values():
        kind = parameter.kind
        if previous is inspect.Parameter.POSITIONAL_ONLY and kind is not inspect.Parameter.POSITIONAL_ONLY:
            parts.append("/")
        if kind is inspect.Parameter.KEYWORD_ONLY and not keyword_only_marked:
            parts.append("*")
        if kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.KEYWORD_ONLY):
            keyword_only_marked = True
        prefix = {inspect.Parameter.VAR_POSITIONAL: "*", inspect.Parameter.VAR_KEYWORD: "**"}.get(kind, "")
        text = prefix + parameter.name
        if parameter.default is not inspect.Parameter.empty:
            text += "=" + _default(parameter.default)
        parts.append(text)
        previous = kind
    if previous is inspect.Parameter.POSITIONAL_ONLY:
        parts.append("/")
    return ", ".join(parts)


def _default(value):
    """A literal default as written (None, numbers, strings, tuples of them); anything else ``...``."""
    text = repr(value)
    try:
        return text if ast.literal_eval(text) == value and type(ast.literal_eval(text)) is type(value) else "..."
    except (ValueError, SyntaxError):
        return "..."


def _docstring(doc, indent):
    doc = inspect.cleandoc(doc or "")
    if not doc:
        return ""
    doc = doc.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    lines = doc.splitlines()
    if len(lines) == 1:
        return f'{indent}"""{doc}"""'
    body = "\n".join((indent + line) if line else "" for line in lines[1:])
    return f'{indent}"""{lines[0]}\n{body}\n{indent}"""'


def _type_name(value):
    """The name of ``value``'s type where it is a builtin one (``str``, ``bool``, ...), else ``Any``."""
    kind = type(value)
    return kind.__name__ if getattr(builtins, kind.__name__, None) is kind and value is not None else "Any"
