"""Work two notebooks of one run both need, done once: the first to ask computes it, the
others wait for it and read it.

Inside a run (:func:`twinimpact.sources.snapshot.current`), :func:`once` keeps each result in
the run's snapshot folder (never published, removed with the run), keyed by what it depends
on, under a file lock: the notebooks of a run execute side by side, and the engagement and
scenario notebooks both fit the engagement model to every post. Outside a run (a notebook
opened by hand, a test) it simply computes.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import pickle
from typing import Any, Callable, TypeVar

from twinimpact.sources import snapshot

T = TypeVar("T")


def once(kind: str, parts: dict[str, Any], compute: Callable[[], T]) -> T:
    """``compute()``, once per run for the same ``kind`` and ``parts`` (what the result
    depends on: table fingerprints and parameters). An exception it raises is kept and
    raised again to every notebook that asks, as if each had computed it.

    Parameters
    ----------
    kind
        What is computed (a file-name-safe word).
    parts
        Everything the result depends on, JSON-able.
    compute
        The work.

    Returns
    -------
    Any
        What ``compute`` returned (in this process or another notebook's).
    """
    state = snapshot.current()
    if state is None:
        return compute()
    key = hashlib.sha256(json.dumps({"kind": kind, "parts": parts, "run": state.meta.get("key")},
                                    sort_keys=True, default=str).encode()).hexdigest()[:24]
    folder = state.path.parent / "shared"
    folder.mkdir(exist_ok=True)
    path = folder / f"{kind}-{key}.pickle"
    with open(folder / f"{kind}-{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a second notebook waits here while the first computes
        if path.is_file():
            outcome, value = pickle.loads(path.read_bytes())  # noqa: S301 - written by this run, just now
        else:
            try:
                outcome, value = "value", compute()
            except Exception as exc:  # noqa: BLE001 - kept, and raised again below and to the others
                outcome, value = "error", exc
            tmp = path.with_name(f".{path.name}.{os.getpid()}")
            tmp.write_bytes(pickle.dumps((outcome, value)))
            tmp.replace(path)
    if outcome == "error":
        raise value
    return value
