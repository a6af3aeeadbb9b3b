"""README's Python examples run as written, in order, in one namespace."""

import re
import subprocess
import warnings
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
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for block in python_blocks():
            if "@given" in block:
                pytest.importorskip("hypothesis")
            code = compile(block, str(README), "exec")
            exec(code, namespace)
            if "test_gradients_match_finite_differences" in block:
                namespace["test_gradients_match_finite_differences"]()
    shown = {type(w.message).__name__ + ": " + str(w.message).split(":")[0] for w in caught}
    # the warning README shows on purpose: the monitor's word on the deep sigmoid net (numpy's own "divide by
    # zero" of the log anomaly mode finds is silenced inside the block: the AnomalyError says it)
    assert shown == {"TrainingWarning: vanishing gradients"}


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
