"""``python -m tests.benchmarks [NAME ...]``: run every benchmark, or the named ones.
A benchmark module with ``OPT_IN = True`` (minutes long) runs only when named."""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
import warnings
from pathlib import Path

warnings.filterwarnings("ignore")


def main(argv: list[str]) -> int:
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
        importlib.import_module(f"tests.benchmarks.bench_{name}").run()
        print()
    print(f"benchmarks done in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
