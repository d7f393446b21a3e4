"""twinimpact: what AI digital twins of fashion models do to cost, work, engagement and rights.

One concern per module (``docs/DESIGN.md`` has the full table): ``contract`` (the data
contract as data) and ``schemas`` (validation), ``data`` (sources, loading, the run's
``Dataset``), ``params`` (the one parameter model), the analyses ``overview``, ``cost``,
``labor``, ``engagement``, ``rights`` and ``scenarios`` (each ``analyse(dataset, params)``)
with their models, ``charts`` and ``narrate`` (figures and words), ``results`` (numbers out
of notebooks), the runner ``execute``, ``render``, ``export``, ``manifest``, ``publish`` and
``report``, the ``sample`` generator and the ``cli``.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("twinimpact")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = ["__version__"]
