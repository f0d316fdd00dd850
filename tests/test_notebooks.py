"""The analysis notebooks run from a clean kernel and stay narrative, not code.

Each ``notebooks/*.py`` (jupytext percent format, the committed form) is read with
``jupytext.read`` and executed top to bottom with nbclient in a fresh ``python3``
kernel started in the repository root; any cell error fails the test. A second
check parses each notebook's code and fails on any function definition longer than
a few lines: models, figures and tables belong in the library, not in notebooks.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.py"))
#: Longest function (lines from ``def`` to its last line) a notebook may define.
MAX_FUNCTION_LINES = 5
#: Per-cell time limit (seconds).
CELL_TIMEOUT = 300


def _ids(paths: list[Path]) -> list[str]:
    return [p.stem for p in paths]


def test_notebooks_exist():
    stems = {p.stem for p in NOTEBOOKS}
    assert {
        "01_data_overview",
        "02_staffing_and_ratings",
        "03_case_sample_outcomes",
        "04_repeat_inspections",
        "05_bulletin_2021_02",
    } <= stems


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_is_paired_percent_script(path: Path):
    jupytext = pytest.importorskip("jupytext")
    nb = jupytext.read(path)
    assert nb.metadata["jupytext"]["formats"] == "ipynb,py:percent"
    kinds = {cell.cell_type for cell in nb.cells}
    assert {"markdown", "code"} <= kinds
    assert nb.cells[0].cell_type == "markdown", "a notebook opens with its question"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_defines_no_long_functions(path: Path):
    jupytext = pytest.importorskip("jupytext")
    nb = jupytext.read(path)
    transformer = pytest.importorskip("IPython.core.inputtransformer2").TransformerManager()
    # turn IPython magics such as %matplotlib into plain Python before parsing
    source = "\n".join(
        transformer.transform_cell(c.source) for c in nb.cells if c.cell_type == "code"
    )
    long_ones = [
        (node.name, node.end_lineno - node.lineno + 1)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long_ones, (
        f"{path.name} defines long functions (move them to the library): {long_ones}"
    )


def test_long_function_check_catches_a_long_function():
    # the check above would pass vacuously if the walk never saw a function
    tree = ast.parse("def f(x):\n" + "    x += 1\n" * 6 + "    return x\n")
    (node,) = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
    assert node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_executes_without_errors(path: Path):
    jupytext = pytest.importorskip("jupytext")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    nb = jupytext.read(path)
    client = nbclient.NotebookClient(
        nb,
        kernel_name="python3",
        timeout=CELL_TIMEOUT,
        resources={"metadata": {"path": str(REPO)}},
    )
    client.execute()  # raises CellExecutionError on the first failing cell
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    # caveats are shown as text or tables, never as red warnings or tracebacks on stderr
    stderr = [o["text"] for o in outputs if o.get("name") == "stderr"]
    assert not stderr, f"{path.name} writes to stderr: {stderr[:2]}"
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    if not path.name.startswith("05_"):  # 01-04 each show at least one figure
        assert images, f"{path.name} should display its figures"
