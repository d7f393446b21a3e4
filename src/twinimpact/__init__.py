"""twinimpact: what AI digital twins of fashion models do to cost, work, engagement and rights.

The package is a stack of folders, each importing only from the ones before it
(``tests/test_layers.py`` holds it to that order)::

    errors, config      exceptions with their exit codes; every path and fixed name
    contract/           the data contract as data, its two evaluators, hints, the generated page
    params, results     the one parameter model; the results blocks and their keys
    sources/            opening folders, DuckDB files and URLs, Spark; the Dataset; the snapshot
    sample/             the seeded sample generator
    words/              every sentence: statements, number formats, labels, the first page
    analyses/           each analysis and the models behind it (numbers in, numbers out)
    charts/             figures, returned, never shown or saved
    notebook/           what a notebook's cells call: the first cell, the what-if controls
    run/                the runner: check, execute, collect, render, publish
    cli                 the command line

Notebooks keep one import line, ``from twinimpact import charts, cost, ...``: the short
names below are loaded on first use from the folder that owns them.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import Any

try:
    __version__ = version("twinimpact")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

#: The names a notebook imports from the top, and the module behind each.
NOTEBOOK_FACES = {
    "charts": "twinimpact.charts",
    "cost": "twinimpact.analyses.cost.production",
    "engagement": "twinimpact.analyses.engagement.model",
    "labor": "twinimpact.analyses.labor.hours",
    "livelihoods": "twinimpact.analyses.labor.livelihoods",
    "overview": "twinimpact.analyses.overview",
    "rights": "twinimpact.analyses.rights.findings",
    "scenarios": "twinimpact.analyses.scenarios.paths",
    "narrate": "twinimpact.words.narrate",
    "statements": "twinimpact.words.statements",
    "notebook": "twinimpact.notebook",
    "sections": "twinimpact.notebook.sections",
    "whatif": "twinimpact.notebook.whatif",
    "results": "twinimpact.results",
}


def __getattr__(name: str) -> Any:
    target = NOTEBOOK_FACES.get(name)
    if target is None:
        raise AttributeError(f"module 'twinimpact' has no attribute {name!r}")
    return importlib.import_module(target)


__all__ = ["__version__", *NOTEBOOK_FACES]
