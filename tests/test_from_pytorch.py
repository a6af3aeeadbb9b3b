"""docs/from_pytorch.md: every row's PyTorch cell and chainrule cell run, and give what the row's last column says.

The page holds a PyTorch setup block, a chainrule setup block, then tables
``| idiom | PyTorch | chainrule | checked |`` whose code cells are one inline
code span each: statements joined by ``;``, the last one's value (when it is an
expression) the cell's result. Each cell runs in a fresh namespace made by its
setup block, in a temporary working directory.
"""

import ast
import builtins
import re
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from autograd import Node  # noqa: E402

PAGE = Path(__file__).resolve().parents[1] / "docs" / "from_pytorch.md"
HEADER = "| idiom | PyTorch | chainrule | checked |"
CHECKS = re.compile(r"^(same|same dtype|same shape|transposed|raises (?P<error>\w+)|same: (?P<expression>.+))$")


def page_text():
    return PAGE.read_text(encoding="utf-8")


def setup_blocks():
    """The PyTorch setup's source and the chainrule setup's source, the page's first two python blocks."""
    blocks = re.findall(r"```python\n(.*?)```", page_text(), flags=re.S)
    assert len(blocks) == 2, "the page holds exactly two python blocks: the PyTorch setup, then chainrule's"
    return blocks[0], blocks[1]


def code_cell(cell, where):
    match = re.fullmatch(r"`([^`]+)`", cell.strip())
    assert match, f"{where}: a code cell must be one inline code span, got {cell!r}"
    return match.group(1)


def table_rows():
    """(idiom, torch code, chainrule code, check) for every row of every table on the page."""
    rows, in_table = [], False
    for number, line in enumerate(page_text().splitlines(), 1):
        if line.strip() == HEADER:
            in_table = True
            continue
        if not in_table or not line.startswith("|"):
            in_table = False
            continue
        if set(line) <= {"|", "-"}:
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
        assert len(cells) == 4, f"line {number}: {len(cells)} cells, a row has 4: {line}"
        idiom, torch_cell, ours_cell, check = cells
        where = f"line {number} ({idiom})"
        assert CHECKS.match(check), f"{where}: unknown check {check!r}"
        rows.append(pytest.param(code_cell(torch_cell, where), code_cell(ours_cell, where), check, id=idiom))
    return rows


ROWS = table_rows()


def run_cell(setup, code):
    """Run ``setup`` then ``code`` in a fresh namespace; returns (namespace, the value of code's last expression)."""
    namespace = {}
    exec(compile(setup, "setup", "exec"), namespace)
    tree = ast.parse(code)
    last = tree.body[-1] if isinstance(tree.body[-1], ast.Expr) else None
    if last is not None:
        tree.body.pop()
    exec(compile(tree, "cell", "exec"), namespace)
    value = eval(compile(ast.Expression(last.value), "cell", "eval"), namespace) if last else None
    return namespace, value


def plain(value):
    """A result as numpy or Python data: a torch tensor or a chainrule node by its array, sizes as tuples."""
    if torch.is_tensor(value):
        return value.detach().numpy()
    if isinstance(value, Node):
        return np.asarray(value.data)
    if isinstance(value, torch.Size):
        return tuple(value)
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def assert_same(theirs, ours, dtype=False):
    theirs, ours = plain(theirs), plain(ours)
    if isinstance(theirs, (list, tuple, str, bool, type(None))) or isinstance(ours, (list, tuple, str, type(None))):
        assert type(ours) is type(theirs) or {type(ours), type(theirs)} <= {bool, np.bool_}, (theirs, ours)
        if isinstance(theirs, list) and theirs and not isinstance(theirs[0], str):
            for one, other in zip(theirs, ours, strict=True):
                assert_same(one, other, dtype)
            return
        assert ours == theirs
        return
    theirs, ours = np.asarray(theirs), np.asarray(ours)
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-12)
    if dtype:
        assert ours.dtype == theirs.dtype


def test_the_page_has_rows_in_every_section():
    sections = re.split(r"\n## ", page_text())
    tables = [section.splitlines()[0] for section in sections if HEADER in section]
    assert len(tables) >= 7 and len(ROWS) >= 60


@pytest.mark.parametrize("torch_code, ours_code, check", ROWS)
def test_row(torch_code, ours_code, check, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    torch_setup, ours_setup = setup_blocks()
    match = CHECKS.match(check)
    if match["error"]:
        error = getattr(builtins, match["error"])
        for setup, code in ((torch_setup, torch_code), (ours_setup, ours_code)):
            with pytest.raises(error):
                run_cell(setup, code)
        return
    torch_namespace, theirs = run_cell(torch_setup, torch_code)
    ours_namespace, ours = run_cell(ours_setup, ours_code)
    if match["expression"]:
        theirs = eval(match["expression"], torch_namespace)
        ours = eval(match["expression"], ours_namespace)
    if check == "same shape":
        assert plain(ours).shape == plain(theirs).shape
    elif check == "transposed":
        theirs, ours = plain(theirs), plain(ours)
        if isinstance(theirs, tuple):
            assert ours == theirs[::-1]
        else:
            np.testing.assert_allclose(ours, theirs.T, rtol=1e-6, atol=1e-12)
    else:
        assert_same(theirs, ours, dtype=check == "same dtype")
