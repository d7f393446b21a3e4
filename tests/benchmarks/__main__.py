"""``python -m tests.benchmarks [NAME ...]``: run every benchmark, or the named ones.
A benchmark module with ``OPT_IN = True`` (minutes long) runs only when named.

What each benchmark prints is also written to ``docs/benchmarks/<name>.md`` with the date,
the machine and the commit, so that the performance page (docs/performance.md) links to
the newest figures of every benchmark; ``--no-write`` only prints."""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import pkgutil
import platform
import subprocess
import sys
import time
import warnings
from datetime import datetime, timezone
from pathlib import Path

warnings.filterwarnings("ignore")

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "benchmarks"


class _Tee(io.TextIOBase):
    """Writes to the terminal and keeps a copy."""

    def __init__(self, stream: io.TextIOBase) -> None:
        self.stream, self.kept = stream, io.StringIO()

    def write(self, text: str) -> int:
        self.stream.write(text)
        self.stream.flush()
        return self.kept.write(text)


def _page(name: str, printed: str, seconds: float) -> str:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=ROOT).stdout.strip() or "unknown"
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (f"# Benchmark `{name}`\n\nPrinted by `make bench BENCH={name}` on {when}: {os.cpu_count()} cores, "
            f"Python {platform.python_version()}, commit {commit}, {seconds:.0f} s in all. Each figure stands beside "
            f"the bound it is compared with, measured in the same call.\n\n```text\n{printed.rstrip()}\n```\n")


def main(argv: list[str]) -> int:
    write = "--no-write" not in argv
    argv = [a for a in argv if a != "--no-write"]
    here = Path(__file__).parent
    names = sorted(m.name.removeprefix("bench_") for m in pkgutil.iter_modules([str(here)])
                   if m.name.startswith("bench_"))
    chosen = argv or [n for n in names
                      if not getattr(importlib.import_module(f"tests.benchmarks.bench_{n}"), "OPT_IN", False)]
    unknown = [n for n in chosen if n not in names]
    if unknown:
        print(f"unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(names)}", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    for name in chosen:
        tee, started = _Tee(sys.stdout), time.perf_counter()
        with contextlib.redirect_stdout(tee):
            importlib.import_module(f"tests.benchmarks.bench_{name}").run()
        print()
        if write:
            OUT.mkdir(parents=True, exist_ok=True)
            (OUT / f"{name}.md").write_text(_page(name, tee.kept.getvalue(), time.perf_counter() - started))
            print(f"(written to {(OUT / f'{name}.md').relative_to(ROOT)})\n")
    print(f"benchmarks done in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
