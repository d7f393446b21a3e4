"""Progress on long work: a line at least every :data:`EVERY` seconds while something runs
(validation of a large table, a long notebook, a Spark session starting), so that a terminal,
a cron mail or an Airflow log never sits silent for minutes."""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from datetime import datetime, timezone
from typing import Callable, Iterator

Progress = Callable[[str], None]

#: Seconds between two progress lines of work still going on.
EVERY = 10.0


def timestamps() -> bool:
    """Whether progress lines start with the time (UTC): ``TWINIMPACT_LOG_TIMES`` 1 or 0,
    else when standard error is not a terminal (cron mail, an Airflow or CI log, a file)."""
    setting = os.environ.get("TWINIMPACT_LOG_TIMES", "").strip().lower()
    if setting in ("1", "true", "yes"):
        return True
    if setting in ("0", "false", "no"):
        return False
    try:
        return not sys.stderr.isatty()
    except (AttributeError, ValueError):
        return True


def stderr_line(message: str) -> None:
    """One progress line on standard error, with the UTC time first where :func:`timestamps`
    says so (``2026-12-07T14:49:06Z validating data ...``)."""
    stamp = f"{datetime.now(timezone.utc):%Y-%m-%dT%H:%M:%SZ} " if timestamps() else ""
    print(stamp + message, file=sys.stderr, flush=True)


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
