"""What the first cell of every notebook calls: validate the parameters, set the chart
theme, and take the run's validated data (its snapshot) or load and validate them."""

from __future__ import annotations

from typing import Any

from twinimpact import charts
from twinimpact.sources import data, snapshot
from twinimpact.params import Params, from_namespace


_last: data.Dataset | None = None


def tables_read() -> list[str] | None:
    """The contract tables the data :func:`start` gave this kernel's notebook have read
    (None when no notebook called it): what a run compares with the tables the notebook
    declares before it may reuse the notebook's output (:mod:`twinimpact.run.reuse`)."""
    return None if _last is None else sorted(_last.reads)


def start(namespace: dict[str, Any]) -> tuple[Params, data.Dataset]:
    """Validate the parameters defined in the notebook's namespace and load the data.

    Raises ``ParamsError`` or ``DataError`` with a readable message: a notebook stops at
    its first cell rather than computing on bad input.

    Parameters
    ----------
    namespace
        The notebook's ``globals()`` (its parameters cell's names).

    Returns
    -------
    tuple
        (the validated parameters, the run's validated data).
    """
    data.quiet_engine_warnings()
    params = from_namespace(namespace)
    charts.setup()
    global _last
    run = snapshot.read(snapshot.current(), params, keep_source=True)
    _last = run if run is not None else data.load(params, keep_source=True)
    return params, _last
