"""The two evaluators of the data contract as one fixture: every test that uses
:func:`validate` runs twice, on pandas frames in memory and compiled to the engine (DuckDB
through ibis), and both must give the same messages."""

from __future__ import annotations

import pytest

from twinimpact.contract.schemas import validate_tables
from tests.conftest import AS_OF, TINY_FX

EVALUATOR = {"name": "pandas"}


@pytest.fixture(autouse=True, params=["pandas", "engine"])
def evaluator(request):
    EVALUATOR["name"] = request.param
    return request.param


def in_engine(raw, **kw):
    """The engine's validation of raw frames (as DuckDB tables), typed frames back."""
    import ibis

    from twinimpact.contract import checks

    tables = {n: ibis.memtable(f) for n, f in raw.items()}
    done = checks.validate(tables, **kw)
    return {n: checks.to_frame(c.typed, n) for n, c in done.items()}


def validate(raw, **kw):
    run = validate_tables if EVALUATOR["name"] == "pandas" else in_engine
    return run(raw, currencies=set(TINY_FX), reporting_currency="EUR", as_of=AS_OF, **kw)
