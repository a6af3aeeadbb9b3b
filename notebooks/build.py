"""Build the notebooks: each ``source/NN_name.py`` becomes ``NN_name.ipynb``, run top to bottom, saved with outputs.

The sources are plain Python in the "percent" format that Jupytext, VS Code and
Spyder read: a line ``# %%`` starts a code cell, ``# %% [markdown]`` a markdown
cell whose lines are comments (``# `` is stripped). Edit the sources, then run

    python notebooks/build.py              # every notebook
    python notebooks/build.py 03 05        # the notebooks whose names start with 03 or 05
    python notebooks/build.py --no-execute # write the notebooks without running them

Executing needs ``nbclient``, ``nbformat``, ``ipykernel`` and ``matplotlib``
(``pip install ".[test]"``). The kernel imports ``autograd`` and ``nn`` from this
checkout, installed or not.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat

NOTEBOOKS = Path(__file__).resolve().parent
SOURCES = NOTEBOOKS / "source"
REPOSITORY = NOTEBOOKS.parent
CELL_MARKER = "# %%"
MARKDOWN_MARKER = "# %% [markdown]"
KERNEL = {"display_name": "Python 3", "language": "python", "name": "python3"}


def parse_cells(text):
    """Split percent-format source into ``(kind, text)`` pairs, kind "code" or "markdown"."""
    cells, kind, lines = [], None, []

    def close():
        body = "\n".join(lines).strip("\n")
        if kind is not None and body.strip():
            cells.append((kind, body))

    for line in text.splitlines():
        if line.startswith(CELL_MARKER):
            close()
            kind, lines = ("markdown" if line.strip() == MARKDOWN_MARKER else "code"), []
        elif kind == "markdown":
            lines.append(line[2:] if line.startswith("# ") else line.lstrip("#"))
        elif kind == "code":
            lines.append(line)
    close()
    return cells


def notebook_from_source(path):
    """A notebook (nbformat v4) holding the cells of one percent-format source file, with stable cell ids."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = dict(KERNEL)
    notebook.metadata["language_info"] = {"name": "python"}
    for index, (kind, body) in enumerate(parse_cells(path.read_text(encoding="utf-8"))):
        make = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
        cell = make(body)
        cell["id"] = f"{path.stem[:2]}-{index:02d}"
        notebook.cells.append(cell)
    return notebook


def kernel_environment():
    """The environment the kernel runs in: this checkout importable, plots drawn without a display."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPOSITORY), env.get("PYTHONPATH")]))
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    return env


def execute(notebook, workdir, timeout=600):
    """Run every cell of ``notebook`` in a fresh python3 kernel started in ``workdir``; raise on a cell error."""
    from nbclient import NotebookClient

    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name=KERNEL["name"],
        record_timing=False,
        resources={"metadata": {"path": str(workdir)}},
    )
    client.execute(env=kernel_environment())
    return notebook


def build(source, run=True):
    """Write ``NN_name.ipynb`` next to this script from ``source/NN_name.py``; return its path and build time."""
    start = time.perf_counter()
    notebook = notebook_from_source(source)
    if run:
        with tempfile.TemporaryDirectory() as workdir:  # whatever a run leaves behind (.hypothesis/) goes too
            execute(notebook, workdir)
    target = NOTEBOOKS / f"{source.stem}.ipynb"
    nbformat.validate(notebook)
    nbformat.write(notebook, target)
    return target, time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("prefixes", nargs="*", help="build only notebooks whose names start with one of these")
    parser.add_argument("--no-execute", action="store_true", help="write the notebooks without running them")
    args = parser.parse_args(argv)
    sources = sorted(SOURCES.glob("[0-9][0-9]_*.py"))
    if args.prefixes:
        sources = [s for s in sources if s.stem.startswith(tuple(args.prefixes))]
    if not sources:
        parser.error(f"no notebook sources match {args.prefixes or 'source/NN_*.py'}")
    for source in sources:
        target, seconds = build(source, run=not args.no_execute)
        size = target.stat().st_size / 1024
        print(f"{target.name}: {seconds:5.1f} s, {size:6.0f} KiB", flush=True)


if __name__ == "__main__":
    sys.exit(main())
