"""The hand-written DuckDB queries the scale benchmark measures the workbook against
(tests/benchmarks/bench_scale.py) must do validation's work, or the README's ratios compare
the workbook with something lighter than itself: the bound hashes each row's text exactly
as validation does (its fingerprint equals the one the generator records), counts planted
faults row for row, and the fused arrangement (rules, fingerprint and cells in one pass per
table) gives the bound's counts and the analyses' sums."""

from __future__ import annotations

import json

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from tests.benchmarks import bench_scale as bench
from twinimpact.contract.checks import fingerprint_of
from twinimpact.sample import write_sample


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench") / "data"
    write_sample(out, n_posts=3000)
    return out


def _run(sql: str):
    con = duckdb.connect()
    con.execute("SET threads = 2; SET TimeZone = 'UTC'")
    try:
        return con.execute(sql).fetchdf()
    finally:
        con.close()


def _fingerprint(values: list[int]) -> str:
    return fingerprint_of(dict(zip(("_fp_rows", "_fp_a", "_fp_b"), values)))


def test_the_bound_fingerprints_every_row_as_validation_does(folder):
    truth = json.loads((folder / "TRUTH.json").read_text())["fingerprints"]
    for name, sql in bench.bound_queries(folder).items():
        row = [int(v) for v in _run(sql).iloc[0].tolist()]
        assert _fingerprint(row[-3:]) == truth[name], name
        assert row[-3] > 0 and not any(row[:-3]), (name, row)  # the generator's rows break no rule


def _plant(folder) -> None:
    """One post without a brand, one with more likes than impressions, one post id twice and
    one outcome whose post is missing."""
    posts = pq.read_table(folder / "posts.parquet")
    brand = posts["brand"].to_pylist()
    brand[3] = None
    likes = posts["likes"].to_pylist()
    likes[5] = posts["impressions"][5].as_py() + 1
    ids = posts["post_id"].to_pylist()
    gone, ids[7] = ids[7], ids[8]
    posts = posts.set_column(posts.schema.get_field_index("brand"), "brand", pa.array(brand, posts["brand"].type))
    posts = posts.set_column(posts.schema.get_field_index("likes"), "likes", pa.array(likes, posts["likes"].type))
    posts = posts.set_column(posts.schema.get_field_index("post_id"), "post_id", pa.array(ids, pa.string()))
    pq.write_table(posts, folder / "posts.parquet")
    outcomes = pq.read_table(folder / "post_outcomes.parquet")
    # neither the overwritten id's outcomes nor the repeated id's (the fused join would count
    # those twice: it is measured on data whose post ids are unique)
    outcomes = outcomes.filter(pc.invert(pc.is_in(outcomes["post_id"], pa.array([gone, ids[8]]))))
    ids_o = outcomes["post_id"].to_pylist()
    ids_o[0] = "no-such-post"
    outcomes = outcomes.set_column(outcomes.schema.get_field_index("post_id"), "post_id", pa.array(ids_o, pa.string()))
    pq.write_table(outcomes, folder / "post_outcomes.parquet")


@pytest.fixture(scope="module")
def planted(tmp_path_factory, folder):
    out = tmp_path_factory.mktemp("planted")
    for f in folder.iterdir():
        (out / f.name).write_bytes(f.read_bytes())
    _plant(out)
    return out


def test_the_bound_counts_planted_faults_row_for_row(planted):
    passes = bench._passes(planted)
    queries = bench.bound_queries(planted)
    posts = [int(v) for v in _run(queries["posts"]).iloc[0].tolist()]
    rules = passes["posts"].rules
    assert posts[rules.index(bench._bad("brand IS NULL"))] == 1
    assert posts[rules.index(bench._bad("likes > impressions"))] == 1
    assert posts[len(rules) + 1] == 2  # the repeated id's two rows
    assert sum(posts[:len(rules) + 1]) == 2  # nothing else (the foreign key into campaigns holds)
    outcomes = [int(v) for v in _run(queries["post_outcomes"]).iloc[0].tolist()]
    assert outcomes[len(passes["post_outcomes"].rules)] == 1  # the outcome of no post


def test_the_fused_passes_give_the_bound_counts_and_the_analyses_sums(planted):
    """The fused arrangement is validation's work and the analyses' together: summed over
    its cells, each rule's count and the fingerprint's sums are the bound's, and its cells'
    sums are those of the separate cell and join queries."""
    bound = {n: [int(v) for v in _run(sql).iloc[0].tolist()] for n, sql in bench.bound_queries(planted).items()}
    needed = {n: _run(sql) for n, sql in bench.needed_queries(planted).items()}
    fused = {n: _run(sql) for n, sql in bench.fused_queries(planted).items()}
    passes = bench._passes(planted)
    for name, p in passes.items():
        keys = len(bench.CELL) + (2 if name == "post_outcomes" else 0)
        frame, n = fused[name], len(p.rules) + 1
        counts = [int(frame.iloc[:, keys + i].sum()) for i in range(n)]
        prints = [int(frame.iloc[:, keys + n + i].sum()) for i in range(3)]
        assert counts + [int(frame["_repeats"].iloc[0])] + prints == bound[name], name
    posts, cells = fused["posts"], needed["cells"]
    seen = len(bench.CELL) + len(passes["posts"].rules) + 1 + 3
    assert int(posts.iloc[:, seen].sum()) == int(cells.iloc[:, len(bench.CELL)].sum())  # posts with impressions
    assert int(posts.iloc[:, seen + 1].sum()) == int(cells.iloc[:, len(bench.CELL) + 1].sum())  # engagements
    outcomes, join = fused["post_outcomes"], needed["join"]
    orders = len(bench.CELL) + 2 + len(passes["post_outcomes"].rules) + 1 + 3
    matched = outcomes[outcomes["imagery"].notna()]  # the join drops the outcome of no post
    assert int(matched.iloc[:, orders].sum()) == int(join.iloc[:, len(bench.CELL) + 3].sum())
    assert len(matched) == len(join)
