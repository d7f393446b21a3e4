"""Shared fixtures: the hand-checkable tiny data set, the bundled sample, and nbval's
output comparison settings."""

from __future__ import annotations

import shutil
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
