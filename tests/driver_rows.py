"""The Spark tests' probe: counts every row a Spark DataFrame class hands to Python
(collect, toPandas, toArrow, a local iterator), the outermost call only."""

from __future__ import annotations

from typing import Any, Callable

NAMES = ("collect", "toPandas", "toArrow", "_collect_as_arrow", "toLocalIterator")


def install(cls: type, counted: dict[str, int], put: Callable[[Any, str, Any], None] = setattr) -> None:
    """Wrap ``cls``'s collecting methods so that ``counted["rows"]`` grows by the rows each
    outermost call returns (``put``: ``setattr``, or pytest's ``monkeypatch.setattr``)."""
    counted.setdefault("rows", 0)
    counted.setdefault("depth", 0)
    for name in NAMES:
        if hasattr(cls, name):
            put(cls, name, _counting(getattr(cls, name), name, counted))


def _counting(original: Callable[..., Any], name: str, counted: dict[str, int]) -> Callable[..., Any]:
    def wrapper(self: Any, *a: Any, **k: Any) -> Any:
        counted["depth"] += 1
        try:
            out = original(self, *a, **k)
        finally:
            counted["depth"] -= 1
        if counted["depth"] == 0:
            if name == "toLocalIterator":
                out = list(out)
                counted["rows"] += len(out)
                return iter(out)
            counted["rows"] += out.num_rows if hasattr(out, "num_rows") else len(out)
        return out
    return wrapper
