"""twinimpact: what AI digital twins of fashion models do to cost, work, engagement and rights.

Modules, one concern each: ``config`` (paths), ``params`` (the one parameter model),
``schemas`` (the data contract), ``data`` (sources, loading, fingerprints), ``sample``
(seeded sample data), the calculations ``cost``, ``labor``, ``engagement``, ``rights``,
``scenarios``, then ``charts`` (figures), ``results`` (headline numbers out of notebooks),
``report`` (papermill, nbconvert, publishing) and ``cli``.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("twinimpact")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = ["__version__"]
