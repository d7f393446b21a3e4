"""Sanity over every notebook in notebooks/: one parameters cell of typed literals that
match the Params defaults, the pinned kernel, no stored outputs, validation first."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import nbformat
import pytest

from twinimpact import config
from twinimpact.params import Params
from twinimpact.run.execute import list_notebooks, notebook_parameters

NOTEBOOKS = list_notebooks()


def test_the_workbook_has_notebooks():
    assert NOTEBOOKS and NOTEBOOKS[0].name == "00_data_overview.ipynb"


@pytest.fixture(params=NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def book(request) -> tuple[Path, nbformat.NotebookNode]:
    return request.param, nbformat.read(request.param, as_version=4)


def test_exactly_one_parameters_cell_and_it_comes_first(book):
    _, nb = book
    code = [c for c in nb.cells if c.cell_type == "code"]
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and code[0] is tagged[0]


def test_parameters_are_typed_commented_literals_equal_to_the_model_defaults(book):
    path, nb = book
    defaults = Params().model_dump(mode="json")
    declared = notebook_parameters(path)
    assert declared, "papermill finds no parameters"
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    lines = [ln for ln in cell.source.splitlines() if ln.strip()]
    assert len(lines) == len(declared), "papermill could not parse every line (an '=' in a comment?)"
    for line in lines:
        assert ":" in line.split("=")[0] and "#" in line, f"untyped or uncommented: {line}"
    for name, info in _inspect(path).items():
        assert name in defaults, f"{name} is not a Params field"
        assert ast.literal_eval(info["default"]) == defaults[name], name


def test_validation_runs_in_the_first_cell_after_parameters(book):
    _, nb = book
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "notebook.start(globals())" in code[1].source


def test_pinned_kernel_and_no_stored_outputs(book):
    _, nb = book
    assert nb.metadata["kernelspec"]["name"] == config.KERNEL_NAME
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


def test_regression_notebooks_use_the_pinned_kernel_and_keep_outputs():
    books = sorted((Path(__file__).parent / "regression").glob("*.ipynb"))
    assert books
    for path in books:
        nb = json.loads(path.read_text())
        assert nb["metadata"]["kernelspec"]["name"] == config.KERNEL_NAME
        checked = [c for c in nb["cells"] if c["cell_type"] == "code" and "NBVAL_CHECK_OUTPUT" in "".join(c["source"])]
        assert checked and all(c["outputs"] for c in checked)


def _inspect(path: Path) -> dict:
    import papermill

    return papermill.inspect_notebook(str(path))


#: What counts as logic in a notebook: a branch, a loop (comprehensions too) or a definition.
LOGIC = (ast.If, ast.IfExp, ast.For, ast.AsyncFor, ast.While, ast.ListComp, ast.SetComp, ast.DictComp,
         ast.GeneratorExp, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def logic_in(source: str) -> int:
    """Branches, loops and definitions in a cell's code (IPython magics left out)."""
    code = "\n".join(ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!")))
    return sum(isinstance(node, LOGIC) for node in ast.walk(ast.parse(code)))


def test_logic_in_a_cell_is_counted():
    assert logic_in("x = 1\nprint(x)") == 0
    assert logic_in("if a:\n    b = [i for i in c]\nf = lambda: 1") == 3


def test_notebooks_only_call_and_explain_at_most_five_branches_loops_or_definitions_in_all():
    """Presentation decisions live in twinimpact.notebook.sections, tested there."""
    found = {f"{p.name} cell {i}": n for p in NOTEBOOKS for i, c in enumerate(nbformat.read(p, as_version=4).cells)
             if c.cell_type == "code" and (n := logic_in(c.source))}
    assert sum(found.values()) <= 5, found
