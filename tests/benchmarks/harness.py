"""Measure a function in a fresh process: wall time and peak resident memory."""

from __future__ import annotations

import multiprocessing as mp
import resource
import time
from dataclasses import dataclass
from typing import Any, Callable


@dataclass
class Measure:
    label: str
    seconds: float
    peak_mb: float
    value: Any = None

    def line(self) -> str:
        return f"  {self.label:<58} {self.seconds:>8.2f} s  {self.peak_mb:>8.0f} MB peak RSS"


def _child(fn: Callable[..., Any], args: tuple, queue: "mp.Queue[Any]") -> None:
    t0 = time.perf_counter()
    value = fn(*args)
    seconds = time.perf_counter() - t0
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put((seconds, peak_kb / 1024, value))


def measure(label: str, fn: Callable[..., Any], *args: Any) -> Measure:
    """Run ``fn(*args)`` in a new process (forked: imports are shared, memory is its own)."""
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(fn, args, queue))
    proc.start()
    seconds, peak, value = queue.get()
    proc.join()
    return Measure(label, seconds, peak, value)


def baseline_mb() -> float:
    """Peak RSS of a forked child that does nothing: the floor every figure includes."""
    return measure("baseline", lambda: None).peak_mb
