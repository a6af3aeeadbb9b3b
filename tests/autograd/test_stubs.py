"""Every op is a method editors and type checkers see: the committed stubs are what the op table generates,
mypy finds every op of Value and Tensor in a user's script, and jedi completes every one after ``t.``."""

import inspect
import subprocess
import sys
from pathlib import Path

import jedi

from autograd import Tensor, Value, stubs
from autograd.core import optable
from autograd.__main__ import main as autograd_main

REPOSITORY = Path(__file__).resolve().parents[2]
BINARY = {"add": "+", "sub": "-", "mul": "*", "truediv": "/", "floordiv": "//", "mod": "%", "pow": "**",
          "matmul": "@", "and": "&", "or": "|", "xor": "^", "lshift": "<<", "rshift": ">>",
          "lt": "<", "le": "<=", "gt": ">", "ge": ">=", "eq": "==", "ne": "!="}
UNARY = {"neg": "-{}", "pos": "+{}", "invert": "~{}", "abs": "abs({})", "getitem": "{}[0]"}
NODES = {Value: "v", Tensor: "t"}


def public_names(cls):
    """The names a user reaches on an instance of ``cls``: its public attributes and the op methods."""
    ops = {attribute for klass, attribute, _ in optable.op_methods() if klass is cls}
    return ops | {name for name in dir(cls) if not name.startswith("_")}


def use(cls, name, node):
    """How a user reaches ``name`` on ``node``: an expression (operators as operators), or for an in-place
    operator a statement (``t += 1``); and whether it is a statement."""
    dunder = name[2:-2] if name.startswith("__") and name.endswith("__") else None
    if dunder in BINARY:
        return f"{node} {BINARY[dunder]} 1", False
    if dunder and dunder.startswith("r") and dunder[1:] in BINARY:
        return f"1 {BINARY[dunder[1:]]} {node}", False
    if dunder and dunder.startswith("i") and dunder[1:] in BINARY:
        return f"{node} {BINARY[dunder[1:]]}= 1", True
    if dunder in UNARY:
        return UNARY[dunder].format(node), False
    attribute = getattr(cls, name)
    if not callable(attribute) or isinstance(attribute, type):
        return f"{node}.{name}", False
    required = [p for p in list(inspect.signature(attribute).parameters.values())[1:]
                if p.default is inspect.Parameter.empty and p.kind is p.POSITIONAL_OR_KEYWORD]
    return f"{node}.{name}({', '.join('1' for _ in required)})", False


def user_script():
    """A script that reaches every public name of Value and Tensor, each op's result typed as its class."""
    lines = ["from autograd import Tensor, Value", "v = Value(2.0)", "t = Tensor([[1.0, 2.0]], requires_grad=True)"]
    ops = set()
    for number, (cls, attribute, _) in enumerate(optable.op_methods()):
        ops.add((cls, attribute))
        code, statement = use(cls, attribute, NODES[cls])
        lines.append(code if statement else f"result_{number}: {cls.__name__} = {code}")
    for cls, node in NODES.items():
        lines += [use(cls, name, node)[0] for name in sorted(public_names(cls)) if (cls, name) not in ops]
    return "\n".join(lines) + "\n"


def run_mypy(script, directory):
    path = directory / "user_script.py"
    path.write_text(script, encoding="utf-8")
    command = [sys.executable, "-m", "mypy", "--follow-imports=silent", "--cache-dir", str(directory / "cache"),
               "--no-error-summary", "--hide-error-context", path.name]
    environment = {"MYPYPATH": str(REPOSITORY), "PATH": ""}
    return subprocess.run(command, cwd=directory, capture_output=True, text=True, env=environment, timeout=300)


def test_the_committed_stubs_are_what_the_op_table_generates():
    assert stubs.stale() == [], f"the type stubs are stale: run `{stubs.COMMAND}` and commit autograd/**/*.pyi"


def test_the_command_writes_the_stubs_it_checks(tmp_path):
    written = stubs.write(tmp_path)
    assert sorted(path.relative_to(tmp_path).as_posix() for path in written) == ["tensor/core.pyi", "value.pyi"]
    assert stubs.stale(tmp_path) == []
    (tmp_path / "value.pyi").write_text("# edited by hand\n", encoding="utf-8")
    assert stubs.stale(tmp_path) == ["value.pyi"]


def test_the_usage_names_both_commands(capsys):
    assert autograd_main([]) == 2
    usage = capsys.readouterr().err
    assert "python -m autograd ops" in usage and "python -m autograd stubs" in usage


def test_a_stub_shadows_each_module_whose_class_gets_ops_from_the_table():
    stubbed = {cls.__module__ for cls, _, _ in optable.op_methods()}
    assert stubbed == set(stubs.STUBBED)


def test_the_package_says_it_is_typed():
    assert (REPOSITORY / "autograd" / "py.typed").is_file()
    assert '"py.typed"' in (REPOSITORY / "pyproject.toml").read_text(encoding="utf-8")


def test_mypy_finds_every_op_of_value_and_tensor_and_nothing_else(tmp_path):
    script = user_script() + "t.no_such_op()\nv.no_such_op()\n"
    report = run_mypy(script, tmp_path)
    last = len(script.splitlines())
    # the two lines that reach no op are the only errors: Value and Tensor are not Any to mypy
    assert report.stdout.splitlines() == [
        f'user_script.py:{last - 1}: error: "Tensor" has no attribute "no_such_op"  [attr-defined]',
        f'user_script.py:{last}: error: "Value" has no attribute "no_such_op"  [attr-defined]',
    ], report.stdout + report.stderr


def test_mypy_accepts_augmented_assignment_and_chained_ops(tmp_path):
    script = (
        "from autograd import Tensor, Value\n"
        "t = Tensor([1.0], requires_grad=True)\nv = Value(1.0)\n"
        "t += 1\nt *= t.exp()\nv -= 2\nv /= v.tanh()\n"
        "loss: Tensor = (t.relu() ** 2).sum().log()\nw: Value = (v * 3).sigmoid() + 1\n"
    )
    report = run_mypy(script, tmp_path)
    assert (report.returncode, report.stdout) == (0, "")


def test_jedi_completes_every_op_after_a_dot():
    project = jedi.Project(REPOSITORY)
    for cls, node in NODES.items():
        code = f"from autograd import Tensor, Value\nv = Value(1.0)\nt = Tensor([1.0])\n{node}."
        completed = {c.name for c in jedi.Script(code, project=project).complete(4, 2)}
        assert public_names(cls) - completed == set(), cls.__name__
