"""Progress on long work: a line at least every :data:`EVERY` seconds while something runs
(validation of a large table, a long notebook, a Spark session starting), so that a terminal,
a cron mail or an Airflow log never sits silent for minutes."""

from __future__ import annotations

import contextlib
import threading
import time
from typing import Callable, Iterator

Progress = Callable[[str], None]

#: Seconds between two progress lines of work still going on.
EVERY = 10.0


@contextlib.contextmanager
def heartbeat(say: Progress | None, what: Callable[[], str | None], every: float | None = None) -> Iterator[None]:
    """While the block runs, ``say`` what ``what()`` returns (with the seconds since the
    block began) every ``every`` seconds (default :data:`EVERY`); nothing when ``what()``
    returns None or empty, or when ``say`` is None."""
    every = EVERY if every is None else every
    if say is None:
        yield
        return
    stop = threading.Event()
    t0 = time.perf_counter()

    def beat() -> None:
        while not stop.wait(every):
            text = what()
            if text:
                say(f"  ... {text} ({time.perf_counter() - t0:.0f} s so far)")

    thread = threading.Thread(target=beat, name="progress", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
