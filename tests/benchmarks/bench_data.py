"""Data layer: sample generation and load + contract validation of the bundled sample."""

from __future__ import annotations

import tempfile

from tests.benchmarks.harness import measure


def _generate(n: int) -> int:
    from twinimpact.sample import write_sample

    with tempfile.TemporaryDirectory() as d:
        write_sample(d, seed=1, n_posts=n)
    return n


def _load() -> int:
    from twinimpact.sources import data
    from twinimpact.params import Params

    return len(data.load(Params())["posts"])


def run() -> None:
    print("data: sample generation and validation")
    gen = measure("sample --posts 1,000,000 (Parquet, streamed)", _generate, 1_000_000)
    print(gen.line() + f"  ({1_000_000 / gen.seconds:,.0f} posts/s)")
    load = measure("load + validate the bundled sample (50k posts)", _load)
    print(load.line())
