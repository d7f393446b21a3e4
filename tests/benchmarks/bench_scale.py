"""The workbook at scale: ``twinimpact run`` end to end on 10 million posts (a Parquet
folder written by ``twinimpact sample``), wall time and the peak memory of the largest
process it starts (the runner or one notebook kernel). Target: <= 45 s and <= 1 GB on a
2-core machine. The data is generated first, in the same call, and not timed."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks.harness import measure

POSTS = int(os.environ.get("TWINIMPACT_BENCH_POSTS", "10000000"))
TARGET_S, TARGET_MB = 45.0, 1024.0


def generate(folder: Path, posts: int) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "twinimpact", "sample", "--out", str(folder), "--posts", str(posts)],
                   check=True, capture_output=True)
    return time.perf_counter() - t0


def timed_run(args: list[str]) -> tuple[float, float, str]:
    """``twinimpact run`` in a child: wall seconds, peak RSS of its largest process (MB)
    and its progress lines."""
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "twinimpact", "run", "--out", out, *args],
                              capture_output=True, text=True)
        seconds = time.perf_counter() - t0
    if proc.returncode:
        raise SystemExit(f"run failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, proc.stdout + proc.stderr


def report(label: str, seconds: float, peak: float, target_s: float, target_mb: float) -> None:
    print(f"  {label:<58} {seconds:>8.2f} s  {peak:>8.0f} MB peak RSS (largest process)")
    print(f"    target <= {target_s:.0f} s: ratio {seconds / target_s:.2f} "
          f"({'within' if seconds <= target_s else 'over'}); target <= {target_mb:.0f} MB: ratio "
          f"{peak / target_mb:.2f} ({'within' if peak <= target_mb else 'over'})")


def run() -> None:
    print(f"scale: twinimpact run on {POSTS:,} posts (Parquet folder), end to end")
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d) / "data"
        print(f"  (generating the data: {generate(folder, POSTS):.0f} s, not counted)")
        m = measure(f"twinimpact run --data <{POSTS:,} posts>", timed_run, ["--data", str(folder)])
        seconds, peak, out = m.value
        report(m.label, seconds, peak, TARGET_S, TARGET_MB)
        steps = [ln for ln in out.splitlines() if ln.startswith("[") and " ok " in ln]
        print("    notebooks: " + "; ".join(s.split("] ", 1)[1] for s in steps))
