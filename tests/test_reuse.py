"""Reruns that redo only what changed (``twinimpact.run.reuse``): a rerun on unchanged data
reuses every notebook and publishes the results a fresh run gives; a changed cost line reruns
exactly the notebooks that declare cost lines; a changed parameter those that declare it; a
touched file is validated again but its unchanged tables reuse every chapter; ``--fresh``
reuses nothing; a notebook that reads a table it does not declare is never reused."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from twinimpact import config
from twinimpact.run import reuse
from twinimpact.run.execute import list_notebooks

from .conftest import TINY, TINY_PARAMS, twinimpact_cli

BOOKS = [p.stem for p in list_notebooks()]


def _run(params: Path, out: Path, *extra: str) -> tuple[dict, dict, str]:
    proc = twinimpact_cli("run", "-p", str(params), "--out", str(out), *extra)
    assert proc.returncode == 0, proc.stderr
    run = Path(proc.stdout.strip().splitlines()[-1]).parent
    manifest = json.loads((run / "manifest.json").read_text())
    return manifest, json.loads((run / "results.json").read_text()), proc.stderr


def _status(manifest: dict) -> dict[str, str]:
    return {n["name"]: n["status"] for n in manifest["notebooks"]}


def _without_run(res: dict) -> dict:
    return {k: v for k, v in res.items() if k != "run"}


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> dict[str, tuple[dict, dict, str]]:
    """One reports folder and the runs a scheduler would make into it, in order: a first
    run; a rerun with nothing changed; one after a table file is rewritten with the same
    rows; one after a cost line changes (and one with ``--fresh`` beside it);
    one after a parameter changes. Each step: (manifest, results,
    progress)."""
    root = tmp_path_factory.mktemp("reuse")
    shutil.copytree(TINY, root / "tiny")
    params, reports = root / "tiny.yaml", root / "reports"
    shutil.copy(TINY_PARAMS, params)
    steps = {"first": _run(params, reports), "unchanged": _run(params, reports)}
    campaigns = root / "tiny" / "campaigns.csv"
    campaigns.write_bytes(campaigns.read_bytes())  # a new modification time, the same rows
    steps["touched"] = _run(params, reports)
    lines = pd.read_csv(root / "tiny" / "cost_lines.csv", dtype=str, keep_default_na=False)
    lines.loc[0, "amount"] = str(float(lines.loc[0, "amount"]) + 100)
    lines.to_csv(root / "tiny" / "cost_lines.csv", index=False)
    steps["cost_line"] = _run(params, reports)
    steps["cost_line_fresh"] = _run(params, reports, "--fresh")  # where the run just made could be reused
    params.write_text(params.read_text() + "annual_hours: 1500\n")
    steps["parameter"] = _run(params, reports)
    steps["reports"] = reports  # type: ignore[assignment]
    return steps


def test_the_first_run_runs_every_notebook(history):
    assert _status(history["first"][0]) == dict.fromkeys(BOOKS, "ok")
    assert history["first"][1]["run"]["reused"] == {}


def test_a_rerun_on_unchanged_data_reuses_every_notebook_and_publishes_the_same_results(history):
    (_, first, _), (manifest, res, progress) = history["first"], history["unchanged"]
    assert _status(manifest) == dict.fromkeys(BOOKS, "reused")
    assert "nothing to validate or execute" in progress and "validating data" not in progress
    assert _without_run(res) == _without_run(first)
    assert res["run"]["reused"] == dict.fromkeys(BOOKS, first["run"]["id"])
    reports = history["reports"]
    page = (reports / res["run"]["id"] / "index.html").read_text()
    assert f"reused from run <code>{first['run']['id']}</code>" in page
    for book in BOOKS:  # the chapters are the earlier run's, byte for byte
        assert (reports / res["run"]["id"] / f"{book}.html").read_bytes() == \
               (reports / first["run"]["id"] / f"{book}.html").read_bytes()


def test_a_rewritten_file_is_validated_again_and_its_unchanged_tables_reuse_every_chapter(history):
    manifest, _, progress = history["touched"]
    assert "validating data" in progress and "nothing to validate" not in progress
    assert _status(manifest) == dict.fromkeys(BOOKS, "reused")


def test_a_changed_cost_line_reruns_only_the_notebooks_that_read_cost_lines(history):
    manifest, res, _ = history["cost_line"]
    readers = {p.stem for p in list_notebooks() if "cost_lines" in reuse.declared_tables(p)}
    assert readers == {"00_data_overview", "01_production_cost", "05_scenarios"}
    assert _status(manifest) == {b: "ok" if b in readers else "reused" for b in BOOKS}
    # what it publishes is what a fresh run on the changed data publishes
    _, fresh, _ = history["cost_line_fresh"]
    assert fresh["run"]["reused"] == {}
    assert _without_run(res) == _without_run(fresh)
    assert _without_run(res) != _without_run(history["first"][1])


def test_a_changed_parameter_reruns_the_notebooks_that_declare_it(history):
    manifest, _, _ = history["parameter"]
    assert _status(manifest) == {b: "ok" if b in ("02_creative_labor", "05_scenarios") else "reused" for b in BOOKS}


def test_fresh_runs_every_notebook_and_validates_again(history):
    manifest, res, progress = history["cost_line_fresh"]  # beside a run it could have reused entirely
    assert _status(manifest) == dict.fromkeys(BOOKS, "ok") and res["run"]["reused"] == {}
    assert "validating data" in progress and "reused from run" not in progress


def test_a_notebook_that_reads_an_undeclared_table_runs_again_every_time(tmp_path):
    books = tmp_path / "notebooks"
    books.mkdir()
    nb = json.loads((config.NOTEBOOKS_DIR / "01_production_cost.ipynb").read_text())
    nb["metadata"]["twinimpact"]["tables"] = ["campaigns"]  # it reads cost lines and twin usage too
    (books / "01_production_cost.ipynb").write_text(json.dumps(nb))
    shutil.copytree(TINY, tmp_path / "tiny")
    shutil.copy(TINY_PARAMS, tmp_path / "tiny.yaml")
    from twinimpact.run.report import run

    said: list[str] = []
    for _ in range(2):
        outcome = run(tmp_path / "tiny.yaml", out=tmp_path / "reports", notebooks_dir=books, progress=said.append)
        manifest = json.loads((outcome.path / "manifest.json").read_text())
        entry = manifest["notebooks"][0]
        assert entry["status"] == "ok" and entry["reusable"] is False
        assert entry["tables_read"] == ["campaigns", "cost_lines", "twin_usage"]
    assert sum("read cost_lines, twin_usage, which its metadata" in line for line in said) == 2


def test_every_notebook_declares_the_tables_it_reads(published):
    manifest = json.loads((published / "latest" / "manifest.json").read_text())
    for entry in manifest["notebooks"]:
        declared = reuse.declared_tables(config.NOTEBOOKS_DIR / f"{entry['name']}.ipynb")
        assert declared is not None, entry["name"]
        assert set(entry["tables_read"]) <= set(declared), entry["name"]
        assert entry["reusable"] is True


def test_a_declared_table_the_contract_does_not_know_is_refused(tmp_path):
    from twinimpact.errors import ParamsError

    nb = json.loads((config.NOTEBOOKS_DIR / "01_production_cost.ipynb").read_text())
    nb["metadata"]["twinimpact"]["tables"] = ["campaigns", "costs"]
    (tmp_path / "01_x.ipynb").write_text(json.dumps(nb))
    with pytest.raises(ParamsError, match="'costs'"):
        reuse.declared_tables(tmp_path / "01_x.ipynb")


def test_the_key_moves_with_each_input(tmp_path):
    from datetime import date

    book = tmp_path / "01_x.ipynb"
    book.write_text("{}")
    base = dict(book=book, parameters={"seed": 1}, tables=["campaigns"], fingerprints={"campaigns": "a", "posts": "b"},
                as_of=date(2026, 12, 1), assets=None)
    key = reuse.notebook_key(**base)
    assert reuse.notebook_key(**{**base, "fingerprints": {"campaigns": "a", "posts": "c"}}) == key  # undeclared table
    for change in ({"parameters": {"seed": 2}}, {"fingerprints": {"campaigns": "z"}}, {"as_of": date(2026, 12, 2)},
                   {"tables": None}):
        assert reuse.notebook_key(**{**base, **change}) != key, change
    assert reuse.notebook_key(**{**base, "tables": ["assets", "campaigns"], "assets": "x"}) != \
        reuse.notebook_key(**{**base, "tables": ["assets", "campaigns"], "assets": "y"})
    book.write_text('{"cells": []}')
    assert reuse.notebook_key(**base) != key


def test_long_validation_and_long_notebooks_say_every_few_seconds_what_is_still_going_on(tmp_path, monkeypatch):
    from twinimpact.run.report import run
    from twinimpact.sources import progress

    monkeypatch.setattr(progress, "EVERY", 0.2)
    monkeypatch.setattr("twinimpact.sources.data.POSTS_IN_MEMORY", 1)  # posts and outcomes checked as large tables
    said: list[str] = []
    run(TINY_PARAMS, out=tmp_path / "reports", only=["00", "03"], progress=said.append, fresh=True)
    assert "checking table posts in its engine (every rule and the fingerprint in one pass) ..." in said
    assert any(line.startswith("  ... still running 03_engagement (") and ", cell " in line for line in said)
    stamps = [line for line in said if line.startswith("  ... still")]
    assert all(line.endswith(" s so far)") for line in stamps)


def test_a_notebook_that_does_not_start_the_packages_way_is_never_reused(tmp_path):
    """What it read is unknown (it did not call notebook.start; the kernel's memory of the
    previous notebook's reads is cleared before each notebook), so its declaration cannot be
    held to: it runs every time."""
    import nbformat

    from twinimpact.run.report import run

    books = tmp_path / "notebooks"
    books.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": config.KERNEL_NAME, "display_name": "Python 3 (twinimpact)", "language": "python"}
    nb.metadata["twinimpact"] = {"tables": ["campaigns"]}
    cell = nbformat.v4.new_code_cell('as_of: str = None  # run date')
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell, nbformat.v4.new_code_cell("x = 1")]
    nbformat.write(nb, books / "01_plain.ipynb")
    shutil.copytree(TINY, tmp_path / "tiny")
    shutil.copy(TINY_PARAMS, tmp_path / "tiny.yaml")
    said: list[str] = []
    for _ in range(2):
        outcome = run(tmp_path / "tiny.yaml", out=tmp_path / "reports", notebooks_dir=books, progress=said.append)
        entry = json.loads((outcome.path / "manifest.json").read_text())["notebooks"][0]
        assert entry["status"] == "ok" and entry["reusable"] is False and entry["tables_read"] is None
    assert sum("did not load its data with notebook.start" in line for line in said) == 2
