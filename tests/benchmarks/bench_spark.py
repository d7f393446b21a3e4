"""Spark when the data outgrow one machine: ``twinimpact run --source`` on 10 million posts
and their outcomes as Parquet tables read by Spark (``pyspark://local[2]?tables=...``),
against **the bound of the same call**: ``twinimpact run --data`` on the same files with
DuckDB. Printed: both wall times and their ratio, the peak memory of the Spark driver (the
JVM) and of the largest Python process, and how far the two runs' results.json numbers
and conclusions agree (target: every number to a relative 1e-6, the same conclusions).

Opt-in (``make bench BENCH=spark``; about 6 minutes here): it needs the ``spark`` extra
and Java 17 (Debian: ``openjdk-17-jre-headless``). ``TWINIMPACT_BENCH_POSTS`` sets the size.
The data is generated first, in the same call, and not timed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from tests.benchmarks.bench_scale import generate

OPT_IN = True
POSTS = int(os.environ.get("TWINIMPACT_BENCH_POSTS", "10000000"))
TOLERANCE = 1e-6


def as_parquet(folder: Path, out: Path) -> None:
    """Every table of the generated folder as ``<table>.parquet`` in ``out`` (the large two
    are Parquet already; the small ones are read as the contract types them)."""
    from twinimpact.params import Params
    from twinimpact.sources import data

    out.mkdir(parents=True)
    for big in ("posts", "post_outcomes"):
        shutil.copy(folder / f"{big}.parquet", out / f"{big}.parquet")
    dataset = data.load(Params(data_dir=str(folder)), keep_source=True)
    for name, frame in dataset.frames.items():
        if name not in ("posts", "post_outcomes"):
            frame.to_parquet(out / f"{name}.parquet", index=False)


class Peaks:
    """Samples the run's process tree every 0.2 s: the peak resident memory of the Spark
    driver (a java process) and of the largest other process."""

    def __init__(self, pid: int) -> None:
        self.pid, self.java, self.other, self._stop = pid, 0.0, 0.0, threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def _watch(self) -> None:
        import psutil

        while not self._stop.is_set():
            try:
                root = psutil.Process(self.pid)
                for p in [root, *root.children(recursive=True)]:
                    try:
                        mb = p.memory_info().rss / 2**20
                        if "java" in p.name():
                            self.java = max(self.java, mb)
                        else:
                            self.other = max(self.other, mb)
                    except psutil.Error:
                        pass
            except psutil.Error:
                pass
            time.sleep(0.2)

    def stop(self) -> None:
        self._stop.set()
        self.thread.join()


def run_cli(out: Path, env: dict[str, str], *args: str) -> tuple[float, Peaks, str]:
    """``twinimpact run --out OUT ARGS``: wall seconds, the memory peaks, stderr's last lines."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "twinimpact", "run", "--out", str(out), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    peaks = Peaks(proc.pid)
    stdout, stderr = proc.communicate()
    seconds = time.perf_counter() - t0
    peaks.stop()
    if proc.returncode:
        raise SystemExit(f"run failed ({proc.returncode}):\n{stdout[-2000:]}\n{stderr[-4000:]}")
    return seconds, peaks, stderr


def numbers(tree: Any, path: str = "") -> dict[str, float]:
    """Every number of a results.json, by its path (timings and the run block left out)."""
    if isinstance(tree, dict):
        out: dict[str, float] = {}
        for k, v in tree.items():
            if path == "" and k in ("run", "timings"):
                continue
            out.update(numbers(v, f"{path}.{k}"))
        return out
    if isinstance(tree, list):
        out = {}
        for i, v in enumerate(tree):
            out.update(numbers(v, f"{path}[{i}]"))
        return out
    if isinstance(tree, (int, float)) and not isinstance(tree, bool):
        return {path: float(tree)}
    return {}


def compare(a: dict[str, Any], b: dict[str, Any]) -> tuple[int, float, str, list[str]]:
    """(numbers compared, the largest relative difference, where, paths only one run has)."""
    na, nb = numbers(a), numbers(b)
    worst, where = 0.0, ""
    for k in sorted(set(na) & set(nb)):
        x, y = na[k], nb[k]
        rel = abs(x - y) / max(abs(x), abs(y), 1e-300) if x != y else 0.0
        if rel > worst:
            worst, where = rel, k
    return len(set(na) & set(nb)), worst, where, sorted(set(na) ^ set(nb))


def run() -> None:
    print(f"spark: {POSTS:,} posts and their outcomes as Parquet tables, Spark local[2] against DuckDB on the same "
          "files, in this call")
    if shutil.which("java") is None:
        print("  skipped: no java on PATH (Debian: apt-get install openjdk-17-jre-headless)")
        return
    try:
        import pyspark  # noqa: F401
    except ImportError:
        print("  skipped: pyspark is not installed (pip install -e '.[spark]')")
        return
    with tempfile.TemporaryDirectory() as d:
        raw, tables = Path(d) / "raw", Path(d) / "tables"
        print(f"  (generating the data: {generate(raw, POSTS):.0f} s, not counted)")
        as_parquet(raw, tables)
        shutil.rmtree(raw)
        env = {**os.environ, "TWINIMPACT_LOG_TIMES": "1",
               "BENCH_SPARK": f"pyspark://local[2]?tables={tables}"}
        duck, duck_peaks, _ = run_cli(Path(d) / "duckdb", env, "--data", str(tables), "--fresh")
        spark, spark_peaks, log = run_cli(Path(d) / "spark", env, "--source", "BENCH_SPARK", "--fresh")
        print(f"  twinimpact run --source, Spark local[2]: {spark:.1f} s | DuckDB run on the same files: {duck:.1f} s | "
              f"ratio {spark / duck:.2f}x")
        print(f"    Spark driver (JVM) peak RSS {spark_peaks.java:.0f} MB; largest Python process "
              f"{spark_peaks.other:.0f} MB (the DuckDB run's largest process: {duck_peaks.other:.0f} MB)")
        print("    the Spark run's steps:")
        for line in log.splitlines():
            if any(w in line for w in ("Spark session up", "data ok", " ok (", "copying", "published")):
                print(f"    | {line[:140]}")
        a = json.loads((Path(d) / "duckdb" / "latest" / "results.json").read_text())
        b = json.loads((Path(d) / "spark" / "latest" / "results.json").read_text())
        count, worst, where, only = compare(a, b)
        same = a.get("conclusions") == b.get("conclusions")
        print(f"  results.json: {count:,} numbers in both runs, largest relative difference {worst:.2g}"
              f"{f' (at {where})' if where else ''} (target <= {TOLERANCE:g}: "
              f"{'within' if worst <= TOLERANCE else 'OVER'}); numbers in one run only: {len(only)}"
              f"{f' (first: {only[0]})' if only else ''}")
        print(f"  conclusions: {'identical' if same else 'DIFFERENT'} ({len(a.get('conclusions') or {})} statements)")
        for key in ("irr_twin_vs_human", "irr_ai_label", "irr_after_adoption"):
            x, y = (r.get("engagement", {}).get(key) or {} for r in (a, b))
            print(f"    engagement {key}: DuckDB {x.get('estimate')!r}, Spark {y.get('estimate')!r}")
        npv = [(r.get("scenarios", {}).get("npv") or {}).get("p50") for r in (a, b)]
        print(f"    NPV P50: DuckDB {npv[0]!r}, Spark {npv[1]!r}")
