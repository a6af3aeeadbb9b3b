"""README's Python examples: each block runs as written, alone, in a fresh interpreter (its imports included)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
PARALLEL = 4


def python_blocks():
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def python_blocks_with_lines():
    """(line in README where the code starts, code) for each ```python block."""
    text = README.read_text(encoding="utf-8")
    return [(text.count("\n", 0, m.start(1)) + 1, m.group(1)) for m in re.finditer(r"```python\n(.*?)```", text, re.S)]


def test_readme_has_python_examples():
    assert len(python_blocks()) >= 5


# Runs one README block as a user pastes it into a fresh interpreter; then calls the test functions it defines
# (a hypothesis property is a function: running it is the example). Each warning shown is reported on stderr.
RUNNER = """
import sys, warnings
line, path = sys.argv[1:]
with open(path, encoding="utf-8") as file:
    block = file.read()
namespace = {"__name__": "__main__"}
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    exec(compile(block, "<README.md, the block at line " + line + ">", "exec"), namespace)
    for name, function in list(namespace.items()):
        if name.startswith("test_") and callable(function):
            function()
for w in caught:
    print("WARNING " + type(w.message).__name__ + ": " + str(w.message).split(":")[0], file=sys.stderr)
"""


def run_alone(line, block, directory):
    """Start ``block`` (README's code from ``line``) in a fresh interpreter, in ``directory`` (its files land there)."""
    directory.mkdir()
    (directory / "readme_block.py").write_text(block, encoding="utf-8")
    return subprocess.Popen([sys.executable, "-c", RUNNER, str(line), "readme_block.py"], cwd=directory,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "MPLBACKEND": "Agg", "PYTHONPATH": str(README.parent)})


def test_each_readme_python_block_runs_alone_in_a_fresh_interpreter(tmp_path):
    blocks = python_blocks_with_lines()
    processes = []
    for start in range(0, len(blocks), PARALLEL):  # a few at a time: the machine's cores, not one per block
        batch = [run_alone(line, block, tmp_path / f"line_{line}") for line, block in blocks[start:start + PARALLEL]]
        processes += [(process, process.communicate(timeout=600)[1]) for process in batch]
    failed, shown = [], set()
    for (line, _), (process, errors) in zip(blocks, processes):
        if process.returncode != 0:
            failed.append(f"--- README's block at line {line} failed alone:\n{errors}")
        shown |= {text[len("WARNING "):] for text in errors.splitlines() if text.startswith("WARNING ")}
    assert failed == [], "\n".join(failed)
    # the warning README shows on purpose: the monitor's word on the deep sigmoid net (numpy's own "divide by
    # zero" of the log anomaly mode finds is silenced inside the block: the AnomalyError says it)
    assert shown == {"TrainingWarning: vanishing gradients"}


def test_the_quickstart_is_two_commands():
    """CI runs the Quickstart block's lines: it stays exactly the install-and-run command and the test command."""
    text = README.read_text(encoding="utf-8")
    block = re.search(r"## Quickstart\n\n```\n(.*?)```", text, flags=re.S).group(1)
    assert block.splitlines() == [
        "pip install . && python examples/quickstart.py",
        'pip install ".[test]" && python -m pytest',
    ]


def test_every_picture_readme_shows_is_in_the_repository():
    pictures = re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", README.read_text(encoding="utf-8"))
    local = [picture for picture in pictures if not picture.startswith(("http:", "https:"))]
    assert local, "README shows no picture"
    missing = [picture for picture in local if not (README.parent / picture).is_file()]
    assert missing == []


def test_readme_pictures_are_not_ignored_by_git():
    if not (README.parent / ".git").exists():
        pytest.skip("not a git checkout")
    pictures = re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", README.read_text(encoding="utf-8"))
    ignored = subprocess.run(["git", "check-ignore", *pictures], cwd=README.parent, capture_output=True, text=True)
    assert ignored.stdout.split() == []
