"""100 million posts from a DuckDB database file, ``twinimpact run`` end to end (target:
within 6x a fresh run on the bundled sample measured in the same call, below 1.5 GB in
any one process). Minutes long: it runs only
when named, ``make bench BENCH=huge``. The data (about 2.5 GB) is generated into a DuckDB
file first, in the same call, and not timed."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks.bench_scale import generate

OPT_IN = True
POSTS = int(os.environ.get("TWINIMPACT_BENCH_HUGE_POSTS", "100000000"))


def to_duckdb(folder: Path, path: Path) -> float:
    """The generated folder as tables of one DuckDB file (posts from Parquet, the rest CSV)."""
    t0 = time.perf_counter()
    code = (
        "import duckdb, sys, pathlib\n"
        "folder, path = pathlib.Path(sys.argv[1]), sys.argv[2]\n"
        "con = duckdb.connect(path)\n"
        "con.execute(\"SET preserve_insertion_order = false\")\n"
        "for f in sorted(folder.iterdir()):\n"
        "    if f.suffix == '.parquet':\n"
        "        con.execute(f\"CREATE TABLE {f.stem} AS SELECT * FROM read_parquet('{f}')\")\n"
        "    elif f.suffix == '.csv':\n"
        "        con.execute(f\"CREATE TABLE {f.stem} AS SELECT * FROM read_csv('{f}', all_varchar=true)\")\n"
        "con.close()\n"
    )
    subprocess.run([sys.executable, "-c", code, str(folder), str(path)], check=True)
    return time.perf_counter() - t0


def run() -> None:
    from tests.benchmarks.bench_run import data_run_against_sample, sample_seconds

    print(f"huge: twinimpact run on {POSTS:,} posts from a DuckDB file, end to end, against a sample run")
    with tempfile.TemporaryDirectory(dir=os.environ.get("TWINIMPACT_BENCH_TMP")) as d:
        folder, db = Path(d) / "data", Path(d) / "brand.duckdb"
        print(f"  (generating the data: {generate(folder, POSTS):.0f} s and loading it into DuckDB: "
              f"{to_duckdb(folder, db):.0f} s, not counted)")
        for p in folder.iterdir():
            p.unlink()
        sample, _, _ = sample_seconds(2)
        data_run_against_sample(f"twinimpact run --fresh, {POSTS:,} posts (DuckDB file)", str(db), sample, 6.0, 1536)
