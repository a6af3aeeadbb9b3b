"""The notebooks in notebooks/: each runs top to bottom without an error and still draws its plots.

Each notebook is executed in memory (the committed file is never rewritten) in a
fresh python3 kernel started in a temporary directory, with this checkout on
PYTHONPATH. The committed copies are also checked for being commit-ready: run
top to bottom with their outputs saved, and free of this machine's paths.
"""

import copy
import json
import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

REPOSITORY = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = REPOSITORY / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))
IMAGE_TYPES = ("image/png", "image/svg+xml")
CELL_TIMEOUT = 300  # seconds; a notebook takes well under a minute


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


def execute(notebook, workdir):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPOSITORY), env.get("PYTHONPATH")]))
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(workdir)}},
    )
    client.execute(env=env)
    return notebook


def test_the_course_has_its_notebooks_each_number_once():
    numbers = [path.name[:2] for path in NOTEBOOKS]
    assert len(set(numbers)) == len(numbers)
    assert {f"{number:02d}" for number in [*range(1, 11), 13]} <= set(numbers)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_runs_top_to_bottom_and_draws_its_plots(path, tmp_path):
    committed = read(path)
    notebook = copy.deepcopy(committed)
    try:
        execute(notebook, tmp_path)
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
