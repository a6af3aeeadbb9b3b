"""The notebooks in notebooks/: each runs top to bottom without an error and still draws its plots.

Each notebook is executed in memory (the committed file is never rewritten) by
notebooks/build.py's own runner: a fresh python3 kernel started in a temporary
directory, with this checkout on PYTHONPATH. The committed copies are also
checked for being commit-ready: built from their current source, run top to
bottom with their outputs saved, and free of this machine's paths.
"""

import copy
import importlib.util
import json
from pathlib import Path

import nbformat
import pytest
from nbclient.exceptions import CellExecutionError

REPOSITORY = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = REPOSITORY / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))
SOURCES = sorted((NOTEBOOK_DIR / "source").glob("[0-9][0-9]_*.py"))
IMAGE_TYPES = ("image/png", "image/svg+xml")
CELL_TIMEOUT = 300  # seconds; a notebook takes well under a minute


def load_builder():
    """notebooks/build.py, the one notebook runner: the tests run notebooks exactly as it builds them."""
    spec = importlib.util.spec_from_file_location("notebook_builder", NOTEBOOK_DIR / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


builder = load_builder()


def read(path):
    return nbformat.read(path, as_version=4)


def code_cells(notebook):
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def image_count(notebook):
    return sum(
        1
        for cell in code_cells(notebook)
        for output in cell.get("outputs", [])
        for mime in output.get("data", {})
        if mime in IMAGE_TYPES
    )


def test_every_source_has_its_notebook_and_every_notebook_its_source():
    assert [path.stem for path in NOTEBOOKS] == [path.stem for path in SOURCES]
    numbers = [int(path.name[:2]) for path in NOTEBOOKS]
    assert numbers == list(range(1, len(NOTEBOOKS) + 1)), numbers


@pytest.mark.parametrize("source", SOURCES, ids=lambda path: path.stem)
def test_committed_notebook_was_built_from_its_current_source(source):
    expected = builder.notebook_from_source(source)
    committed = read(NOTEBOOK_DIR / f"{source.stem}.ipynb")
    cells = [(cell.cell_type, cell.source) for cell in committed.cells]
    assert cells == [(cell.cell_type, cell.source) for cell in expected.cells], (
        f"{source.name} changed since its notebook was built: run `python notebooks/build.py {source.name[:2]}`"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_runs_top_to_bottom_and_draws_its_plots(path, tmp_path):
    committed = read(path)
    notebook = copy.deepcopy(committed)
    try:
        builder.execute(notebook, tmp_path, timeout=CELL_TIMEOUT)
    except CellExecutionError as error:
        pytest.fail(f"{path.name}: a cell raised an error\n{error}", pytrace=False)
    images = image_count(notebook)
    assert images > 0, f"{path.name}: no plot or graph was drawn"
    assert images == image_count(committed), (
        f"{path.name}: the committed notebook shows {image_count(committed)} images, a fresh run {images}"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_committed_notebook_was_run_top_to_bottom_with_outputs_saved(path):
    counts = [cell.get("execution_count") for cell in code_cells(read(path))]
    assert counts == list(range(1, len(counts) + 1)), (
        f"{path.name}: execution counts {counts}; rebuild it with `python notebooks/build.py {path.name[:2]}`"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_committed_notebook_holds_no_path_of_this_machine(path):
    outputs = json.dumps([cell.get("outputs", []) for cell in code_cells(read(path))])
    for local in {str(REPOSITORY), str(Path.home())}:
        assert local not in outputs, f"{path.name}: an output mentions the local path {local}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_committed_notebook_is_small(path):
    size = path.stat().st_size
    assert size < 1_500_000, f"{path.name} is {size / 1e6:.1f} MB; use smaller figures or a lower dpi"
