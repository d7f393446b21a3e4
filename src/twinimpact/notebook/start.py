"""What the first cell of every notebook calls: validate the parameters, set the chart
theme, and take the run's validated data (its snapshot) or load and validate them."""

from __future__ import annotations

from typing import Any

from twinimpact import charts
from twinimpact.sources import data, snapshot
from twinimpact.params import Params, from_namespace


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
    run = snapshot.read(snapshot.current(), params, keep_source=True)
    return params, run if run is not None else data.load(params, keep_source=True)
