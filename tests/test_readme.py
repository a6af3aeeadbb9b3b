"""README's Python examples run as written, in order, in one namespace."""

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def python_blocks():
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def test_readme_has_python_examples():
    assert len(python_blocks()) >= 5


def test_readme_python_examples_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace = {}
    for block in python_blocks():
        if "@given" in block:
            pytest.importorskip("hypothesis")
        code = compile(block, str(README), "exec")
        exec(code, namespace)
        if "test_gradients_match_finite_differences" in block:
            namespace["test_gradients_match_finite_differences"]()
