"""Shared fixtures: the hand-checkable tiny data set, the bundled sample, and nbval's
output comparison settings."""

from __future__ import annotations

import os

# One linear-algebra thread per test process, before numpy loads: pytest-xdist runs a test
# file per core, and two processes each running OpenBLAS on both cores wait on each other's
# threads (a worlds test took 30 s beside another instead of 10 s). Runs the tests start
# inherit it, as a run's kernels have it anyway (run.execute.kernel_env).
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")
# Progress lines as a terminal shows them (tests read them line by line); a scheduled run's
# stderr is not a terminal and gets the time first (tests/test_faults.py checks that).
os.environ.setdefault("TWINIMPACT_LOG_TIMES", "0")

import fcntl  # noqa: E402 - after the thread settings above
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from twinimpact import config
from twinimpact.config import RESULTS_MIME, TABLE_MIME

TESTS = Path(__file__).resolve().parent
TINY = TESTS / "fixtures" / "tiny"
TINY_PARAMS = TESTS / "fixtures" / "tiny.yaml"
TINY_FX = {"EUR": 1.0, "GBP": 1.2, "USD": 0.9}
AS_OF = date(2026, 11, 28)


def pytest_collectstart(collector):
    # nbval: compare text only. HTML carries plotly's random div ids, stderr carries
    # warnings, and the private MIME types carry results checked by the tests instead.
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("text/html", "application/javascript", "stderr",
                                   "application/vnd.plotly.v1+json", RESULTS_MIME, TABLE_MIME)


#: The longest test files (seconds in `make test-all` here), started first when pytest-xdist
#: hands whole files to its workers: a long file left to the end runs alone on one core.
LONGEST_FIRST = ("test_worlds.py", "test_cli.py", "test_coverage.py", "test_contract_rules.py", "test_spark.py",
                 "test_minimum_data.py", "test_faults.py", "test_analyses.py", "test_data_sources.py",
                 "test_reuse.py", "test_engagement.py", "test_contract.py", "test_experiments.py")


def pytest_collection_modifyitems(session, config, items):
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(Path(str(item.fspath)).name, len(rank)))  # stable: order within a file kept


def pytest_sessionstart(session):
    from twinimpact.run.execute import ensure_kernel

    ensure_kernel()


def read_folder(folder: Path) -> dict[str, pd.DataFrame]:
    """Raw tables as text, the way the CSV loader sees them."""
    return {p.stem: pd.read_csv(p, dtype=str, keep_default_na=False).replace("", None)
            for p in sorted(folder.glob("*.csv"))}


def tiny_duckdb_file(path: Path) -> Path:
    """The tiny fixture, validated and typed, as tables of a DuckDB database file."""
    import duckdb

    from twinimpact.sources import data
    from twinimpact.params import Params

    typed = data.load(Params(data_dir=str(TINY), fx_rates=TINY_FX, as_of=AS_OF.isoformat()))
    con = duckdb.connect(str(path))
    for name, frame in typed.frames.items():
        con.register("f", frame)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM f")
        con.unregister("f")
    con.close()
    return path


def twinimpact_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """``python -m twinimpact ARGS`` in a child process, as a user or a scheduler runs it."""
    return subprocess.run([sys.executable, "-m", "twinimpact", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=600)


@pytest.fixture(scope="session")
def published(tmp_path_factory) -> Path:
    """One real run of the whole workbook on the sample (``notebooks/params/test.yaml``),
    shared by every test that reads a complete report: made once per test session, also
    when pytest-xdist spreads the tests over several processes (they take turns on a lock
    and the first one runs it)."""
    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    out = root / "published-run"
    with open(root / "published-run.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (out / "progress.txt").is_file():
            out.mkdir(exist_ok=True)
            proc = twinimpact_cli("run", "-p", str(config.PARAMS_DIR / "test.yaml"), "--out", str(out))
            assert proc.returncode == 0, proc.stderr
            (out / "progress.txt").write_text(proc.stdout + proc.stderr)
    return out


@pytest.fixture
def tiny_raw() -> dict[str, pd.DataFrame]:
    return read_folder(TINY)


@pytest.fixture
def tiny_copy(tmp_path: Path) -> Path:
    dst = tmp_path / "tiny"
    shutil.copytree(TINY, dst)
    return dst


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    dst = tmp_path / "sample"
    shutil.copytree(config.SAMPLE_DIR, dst)
    return dst


@pytest.fixture(scope="session")
def printed(published: Path) -> Path:
    """The shared run's report printed to PDF by headless Chromium, as ``run --pdf`` does."""
    from twinimpact.run import pdf

    return pdf.write(published / "latest" / "index.html", published / "report.pdf", "A4")


# --- a progress line per test file when pytest-xdist runs the files side by side ---------
# (without xdist pytest prints one line per file itself)
_FILES: dict[str, dict] = {}


def _file_of(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def pytest_xdist_node_collection_finished(node, ids):
    if not _FILES:
        for nodeid in ids:
            entry = _FILES.setdefault(_file_of(nodeid), {"total": 0, "done": 0, "outcomes": {}, "start": None})
            entry["total"] += 1


def pytest_runtest_logstart(nodeid, location):
    import time

    entry = _FILES.get(_file_of(nodeid))
    if entry is not None and entry["start"] is None:
        entry["start"] = time.monotonic()


def pytest_runtest_logreport(report):
    import time

    entry = _FILES.get(_file_of(report.nodeid))
    if entry is None:
        return
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        outcome = "xfailed" if hasattr(report, "wasxfail") else report.outcome
        entry["outcomes"][outcome] = entry["outcomes"].get(outcome, 0) + 1
    if report.when == "teardown":
        entry["done"] += 1
        if entry["done"] == entry["total"]:
            counts = ", ".join(f"{n} {k}" for k, n in sorted(entry["outcomes"].items()))
            reporter = _REPORTER.get("tr")
            if reporter is not None:
                reporter.write("\n")
                reporter.write_line(f"{_file_of(report.nodeid)}: {counts} ({time.monotonic() - entry['start']:.0f} s)")


_REPORTER: dict = {}


@pytest.hookimpl(trylast=True)
def pytest_configure(config):
    if not hasattr(config, "workerinput"):  # the controller (or a run without xdist)
        _REPORTER["tr"] = config.pluginmanager.get_plugin("terminalreporter")
