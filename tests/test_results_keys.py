"""Every key a reader of results.json uses is declared by a results block
(:mod:`twinimpact.results`), and every promised key is in the published results.json.

The readers (the first page, the headline table, the run details, "what changed") are run
on the published results of the shared sample run, wrapped so that every key they look up
is recorded; each recorded path must be declared."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from twinimpact import results
from twinimpact.run import changes
from twinimpact.words import executive, summary


class Recording(dict):
    """A results mapping that records the path of every key looked up in it."""

    def __init__(self, data: dict[str, Any], log: set[tuple[str, ...]], path: tuple[str, ...] = ()):
        super().__init__(data)
        self._log, self._path = log, path

    def _seen(self, key: str, value: Any) -> Any:
        path = self._path + (key,)
        self._log.add(path)
        return Recording(value, self._log, path) if isinstance(value, dict) else value

    def __getitem__(self, key: str) -> Any:
        self._log.add(self._path + (key,))
        return self._seen(key, super().__getitem__(key))

    def get(self, key: str, default: Any = None) -> Any:
        self._log.add(self._path + (key,))
        return self._seen(key, super().__getitem__(key)) if key in self.keys() else default

    def __contains__(self, key: object) -> bool:
        self._log.add(self._path + (str(key),))
        return super().__contains__(key)

    def items(self):  # type: ignore[override]
        return [(k, self._seen(k, v)) for k, v in super().items()]

    def values(self):  # type: ignore[override]
        return [v for _, v in self.items()]


def _paths(d: dict[str, Any], prefix: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    out = set()
    for k, v in d.items():
        out.add(prefix + (k,))
        if isinstance(v, dict):
            out |= _paths(v, prefix + (k,))
    return out


def read_everything(res: dict[str, Any], manifest: dict[str, Any]) -> set[tuple[str, ...]]:
    """Run every reader of results.json on ``res``; the key paths they looked up."""
    log: set[tuple[str, ...]] = set()
    executive.first_page(Recording(res, log), manifest, [("chapter-01", "Production cost")])
    summary.headline_rows(Recording(res, log))
    summary.run_details_markdown(Recording(res, log), manifest)
    changes.compare(Recording(res, log), manifest, None, ("previous", Recording(res, log), manifest, None))
    return log


@pytest.fixture(scope="module")
def published_results(published: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    latest = published / "latest"
    return (json.loads((latest / "results.json").read_text()), json.loads((latest / "manifest.json").read_text()))


def test_every_key_a_reader_uses_is_declared_by_a_block(published_results):
    res, manifest = published_results
    used = read_everything(res, manifest)
    assert len(used) > 40  # the readers really read the results
    assert sorted(p for p in used if not results.declared(p)) == []


def test_a_reader_using_an_undeclared_key_is_caught(published_results):
    res, _ = published_results
    log: set[tuple[str, ...]] = set()
    wrapped = Recording(res, log)
    wrapped["cost"].get("cheapest_supplier")  # a key no block declares
    wrapped["cost"]["drivers"].get("shoot_day_cost")  # inside a map: data, declared
    assert [p for p in log if not results.declared(p)] == [("cost", "cheapest_supplier")]


def test_every_promised_key_is_in_the_published_results(published_results):
    res, _ = published_results
    assert _paths(results.TEMPLATE) <= _paths(res)
    assert all(results.declared(p) for p in _paths(res) if len(p) <= 3 and p[0] != "models" or len(p) <= 2)


def test_the_template_is_built_from_the_blocks_with_every_value_null():
    assert set(results.TEMPLATE) == {"run", "data", "cost", "labor", "engagement", "rights", "scenarios", "decision",
                                     "quality", "models", "conclusions"}
    assert results.TEMPLATE["cost"]["cost_per_asset"] == {"traditional": None, "hybrid": None, "twin": None}
    assert "not_available" not in results.TEMPLATE["engagement"]  # declared, not promised
    assert results.declared(("engagement", "not_available"))
    leaves = [v for p in _paths(results.TEMPLATE) for v in [_get(results.TEMPLATE, p)] if not isinstance(v, dict)]
    assert leaves and all(v is None for v in leaves)


def _get(d: dict[str, Any], path: tuple[str, ...]) -> Any:
    for k in path:
        d = d[k]
    return d
