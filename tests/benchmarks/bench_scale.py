"""The workbook at scale, every figure beside its bound measured in the same call:

* ``twinimpact validate`` on 10 million posts (a Parquet folder) against **the engine's
  bound**: DuckDB on the same files, 2 threads and the same memory limit, one hand-written
  query per large table holding every row rule of posts (or post outcomes), their key's
  uniqueness, the campaign (or post) foreign key and an md5 fingerprint of every row
  (target: within 1.5x);
* ``twinimpact run`` end to end on the same data against a fresh run on the bundled sample
  (target: within 2x, below 800 MB in any one process), the sample run itself against the
  papermill floor (target: within 1.5x);
* the engagement fit on 10M posts against DuckDB's covariate-cell aggregation of the same
  posts alone (target: within 2x);
* what the engine must do in any run on these data, by hand: validation's bound, the
  covariate cells and the join of posts with their outcomes, as a multiple of the sample run
  (the least a 10M run could take on this machine, before samples, fits and pages), and the
  same work fused into validation's own passes (target of the run: 2x);
* the md5 fingerprint alone on these rows read ten times over (100M posts), against the
  sample run: the part of validation no design avoids, beside the 100M run's target of 6x.

The data is generated first, in the same call, and not timed."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.benchmarks.bench_run import data_run_against_sample, floor_seconds, ratio_line, sample_seconds
from tests.benchmarks.harness import measure

POSTS = int(os.environ.get("TWINIMPACT_BENCH_POSTS", "10000000"))
#: The fingerprint at the huge benchmark's size: the posts read this many times over.
COPIES = 10
TARGET_MB = 800.0


def generate(folder: Path, posts: int) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "twinimpact", "sample", "--out", str(folder), "--posts", str(posts)],
                   check=True, capture_output=True)
    return time.perf_counter() - t0


CONTROL = "'[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]'"
#: The md5 fingerprint's aggregates over a digest column ``h`` (as validation computes them).
FINGERPRINT = "count(*), sum(('0x' || substr(h, 1, 5))::bigint), sum(('0x' || substr(h, 6, 5))::bigint)"
#: The columns of a post's covariate cell (the Poisson fit's and the outcome cells' keys).
CELL = {"imagery": "imagery", "ai_label": "ai_label", "platform": "platform", "format": "format", "brand": "brand",
        "month": "year(posted_at) * 100 + month(posted_at)", "bin": "floor(ln(followers + 1) / 0.1)",
        "campaign_id": "campaign_id"}


def _bad(cond: str) -> str:
    return f"count_if({cond})"


@dataclass(frozen=True)
class _Pass:
    """The pieces of one large table's single validation pass, by hand: where it is read, its
    row rules (counts of breaking rows), its foreign key (as a ``NOT IN`` count), the md5 of
    each row's canonical text, and its key's uniqueness (a scalar subquery)."""

    source: str
    rules: list[str]
    foreign_key: str
    digest: str
    unique: str


def _passes(folder: Path) -> dict[str, _Pass]:
    posts, outcomes = f"read_parquet('{folder / 'posts.parquet'}')", f"read_parquet('{folder / 'post_outcomes.parquet'}')"
    campaigns = f"(SELECT trim(campaign_id) AS k FROM read_csv('{folder / 'campaigns.csv'}', all_varchar = true))"
    counts = ["followers", "impressions", "likes", "comments", "shares", "saves"]
    text = ["post_id", "campaign_id", "brand"]
    enums = {"platform": "'instagram','tiktok','facebook','pinterest','youtube'", "format": "'image','carousel','video'",
             "imagery": "'human','twin','synthetic','none'"}
    rules = ([_bad(f"{c} IS NULL") for c in ["post_id", "brand", "platform", "posted_at", "format", "imagery",
                                               "ai_label", *counts]]
             + [_bad(f"regexp_matches({c}, {CONTROL})") for c in text]
             + [_bad(f"length({c}) > 64") for c in text]
             + [_bad(f"{c} NOT IN ({v})") for c, v in enums.items()]
             + [_bad(f"{c} < 0") for c in counts]
             + [_bad(f"{c} > impressions") for c in ["likes", "comments", "shares", "saves"]])
    row = ("md5(concat_ws('|', coalesce(post_id, '\\N'), coalesce(campaign_id, '\\N'), coalesce(brand, '\\N'), "
           "coalesce(platform, '\\N'), coalesce(cast(cast(epoch(posted_at) AS bigint) AS varchar), '\\N'), "
           "coalesce(format, '\\N'), coalesce(imagery, '\\N'), CASE WHEN ai_label THEN '1' ELSE '0' END, "
           + ", ".join(f"coalesce(cast({c} AS varchar), '\\N')" for c in counts) + "))")
    unique = "(SELECT coalesce(sum(n), 0) FROM (SELECT count(*) AS n FROM {t} WHERE post_id IS NOT NULL " \
             "GROUP BY post_id HAVING count(*) > 1))"
    o_rules = ([_bad(f"{c} IS NULL") for c in ["post_id", "clicks", "orders", "revenue", "currency"]]
               + [_bad(f"regexp_matches({c}, {CONTROL})") for c in ["post_id", "currency"]]
               + [_bad("length(post_id) > 64"), _bad("length(currency) > 100"), _bad("clicks < 0"),
                  _bad("orders < 0"), _bad("revenue < 0"), _bad("NOT isfinite(revenue)"),
                  _bad("NOT regexp_matches(currency, '^[A-Z]{3}$')"), _bad("currency NOT IN ('EUR','USD','GBP','SEK')"),
                  _bad("orders > clicks")])
    o_row = ("md5(concat_ws('|', coalesce(post_id, '\\N'), coalesce(cast(clicks AS varchar), '\\N'), "
             "coalesce(cast(orders AS varchar), '\\N'), coalesce(cast(round(revenue * 1000000)::bigint AS varchar), "
             "'\\N'), coalesce(currency, '\\N')))")
    return {
        "posts": _Pass(posts, rules, _bad(f"campaign_id IS NOT NULL AND campaign_id NOT IN (SELECT k FROM {campaigns})"),
                       row, unique.format(t=posts)),
        "post_outcomes": _Pass(outcomes, o_rules,
                               _bad(f"post_id IS NOT NULL AND post_id NOT IN (SELECT post_id FROM {posts})"),
                               o_row, unique.format(t=outcomes)),
    }


def bound_queries(folder: Path) -> dict[str, str]:
    """The engine's bound, by hand: one DuckDB query per large table with every row rule,
    the key's uniqueness, the foreign key and the md5 fingerprint (what validation must do
    at least once per row)."""
    return {name: f"SELECT {', '.join([*p.rules, p.foreign_key])}, {p.unique}, {FINGERPRINT} "
                  f"FROM (SELECT *, {p.digest} AS h FROM {p.source})"
            for name, p in _passes(folder).items()}


def needed_queries(folder: Path) -> dict[str, str]:
    """What any run's analyses must have the engine do on top of validation, by hand in
    DuckDB: the posts' covariate cells (the Poisson fit's input) and the posts joined with
    their outcomes by cell (the orders model and the value of an engagement). The seeded
    samples the negative binomial fits, the fits and the pages come on top."""
    p = _passes(folder)
    posts, outcomes = p["posts"].source, p["post_outcomes"].source
    cell = ", ".join(CELL.values())
    return {
        "cells": f"SELECT {cell}, count(*), sum(likes + comments + shares + saves), sum(impressions) FROM {posts} "
                 "WHERE impressions > 0 GROUP BY ALL",
        "join": f"SELECT {cell}, currency, impressions > 0, count(*), sum(orders), sum(impressions), sum(clicks), "
                "sum(likes + comments + shares + saves), sum(round(revenue * 1000000)::bigint) "
                f"FROM {posts} JOIN (SELECT post_id, clicks, orders, revenue, currency FROM {outcomes}) USING (post_id) "
                "GROUP BY ALL",
    }


def fused_queries(folder: Path) -> dict[str, str]:
    """The bound and the analyses' engine work made in the same passes, by hand: each large
    table read once, grouped by the posts' covariate cell, every rule's count and the
    fingerprint's sums taken per cell (they add up over the cells), the cells' own sums
    beside them; the outcomes' foreign key is the join with the posts that makes the outcome
    cells (an outcome the join finds no post for breaks it; on posts whose ids repeat, the
    join would count their outcomes twice: it is measured on valid data). The least engine
    work a run could have if validation did the analyses' work in its own scans."""
    p = _passes(folder)
    posts, outcomes = p["posts"], p["post_outcomes"]
    derived = ", ".join(f"{expr} AS {name}" for name, expr in CELL.items() if expr != name)
    cell = ", ".join(f"{expr} AS {name}" for name, expr in CELL.items())
    engaged = "likes + comments + shares + saves"
    grouped_posts = (f"SELECT {', '.join(CELL)}, {', '.join([*posts.rules, posts.foreign_key])}, {FINGERPRINT}, "
                     f"count_if(impressions > 0), sum({engaged}) FILTER (WHERE impressions > 0), "
                     "sum(impressions) FILTER (WHERE impressions > 0) "
                     f"FROM (SELECT *, {derived}, {posts.digest} AS h FROM {posts.source}) GROUP BY ALL")
    grouped_outcomes = (f"SELECT {', '.join(CELL)}, currency, impressions > 0 AS seen, {', '.join(outcomes.rules)}, "
                        f"count_if(post_id IS NOT NULL AND _pid IS NULL), {FINGERPRINT}, "
                        "sum(orders), sum(impressions), sum(clicks), sum(_engaged), "
                        "sum(round(revenue * 1000000)::bigint) "
                        f"FROM (SELECT *, {outcomes.digest} AS h FROM {outcomes.source}) "
                        f"LEFT JOIN (SELECT post_id AS _pid, {cell}, impressions, {engaged} AS _engaged "
                        f"FROM {posts.source}) ON post_id = _pid GROUP BY ALL")
    # the key's repeats beside the cells: a subquery of the same query, as in the bound
    return {"posts": f"SELECT * FROM ({grouped_posts}) CROSS JOIN (SELECT {posts.unique} AS _repeats)",
            "post_outcomes": f"SELECT * FROM ({grouped_outcomes}) CROSS JOIN (SELECT {outcomes.unique} AS _repeats)"}


def fingerprint_queries(folder: Path, copies: int) -> dict[str, str]:
    """The md5 fingerprint alone (no rule, no key) of each large table read ``copies`` times
    over: the one part of validation that grows with every row whatever the design."""
    return {name: f"SELECT {FINGERPRINT} FROM (SELECT {p.digest} AS h FROM "
                  f"({' UNION ALL '.join([f'SELECT * FROM {p.source}'] * copies)}))"
            for name, p in _passes(folder).items()}


def timed(queries: dict[str, str]) -> dict[str, float]:
    """Seconds DuckDB takes for each query (2 threads, the workbook's memory limit, one
    connection, the whole result fetched)."""
    import duckdb

    from twinimpact.sources.data import DUCKDB_MEMORY

    con = duckdb.connect()
    con.execute(f"SET threads = 2; SET memory_limit = '{DUCKDB_MEMORY}'; SET TimeZone = 'UTC'; "
                "SET enable_progress_bar = false")
    out = {}
    for name, sql in queries.items():
        t0 = time.perf_counter()
        con.execute(sql).fetchall()
        out[name] = time.perf_counter() - t0
    return out


def bound(folder: Path) -> float:
    """Seconds DuckDB takes for :func:`bound_queries`, 2 threads, the workbook's memory limit."""
    return sum(timed(bound_queries(folder)).values())


def validate_cli(folder: Path) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "twinimpact", "validate", "--data", str(folder)], check=True,
                   capture_output=True)
    return time.perf_counter() - t0


def fit_vs_cells(folder: Path) -> tuple[float, float]:
    """(seconds of the engagement fits on every post, seconds of DuckDB's covariate-cell
    aggregation of the same posts alone). The stack is imported first, as a run's kernel
    imports it while the data are validated (:data:`twinimpact.run.execute.WARM_IMPORTS`):
    the fit is timed, not the imports."""
    import duckdb

    from twinimpact.analyses.engagement import model as engagement
    from twinimpact.params import Params
    from twinimpact.run.execute import WARM_IMPORTS
    from twinimpact.sources import data

    exec(WARM_IMPORTS, {})  # before the clock starts, as in a run's kernel
    data.quiet_engine_warnings()
    params = Params(data_dir=str(folder))
    dataset = data.load(params, keep_source=True)
    t0 = time.perf_counter()
    engagement.fitted(dataset, params, "engagements")
    fit = time.perf_counter() - t0
    con = duckdb.connect()
    con.execute("SET threads = 2; SET TimeZone = 'UTC'; SET enable_progress_bar = false")
    t0 = time.perf_counter()
    con.execute(needed_queries(folder)["cells"]).fetchall()
    return fit, time.perf_counter() - t0


def run() -> None:
    print(f"scale: {POSTS:,} posts (a Parquet folder), each figure beside its bound, measured in this call")
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d) / "data"
        print(f"  (generating the data: {generate(folder, POSTS):.0f} s, not counted)")
        engine = min(bound(folder) for _ in range(2))
        checks = min(measure("validate", validate_cli, folder).seconds for _ in range(2))
        print(ratio_line(f"twinimpact validate, {POSTS:,} posts", checks, "DuckDB bound", engine, 1.5))
        floor, _ = floor_seconds(2)
        sample, sample_peak, _ = sample_seconds(2)
        print(ratio_line("twinimpact run --fresh on the sample", sample, "papermill floor", floor, 1.5))
        data_run_against_sample(f"twinimpact run --fresh, {POSTS:,} posts", str(folder), sample, 2.0, TARGET_MB)
        print(f"    (the sample run's peak: {sample_peak:.0f} MB)")
        calls = [timed(needed_queries(folder)) for _ in range(2)]
        work = {k: min(c[k] for c in calls) for k in calls[0]}
        least = engine + sum(work.values())
        print(f"  the engine's own work a {POSTS:,}-post run needs, by hand: validation's bound {engine:.2f} s + "
              f"covariate cells {work['cells']:.2f} s + posts joined with outcomes by cell {work['join']:.2f} s = "
              f"{least:.2f} s = {least / sample:.2f}x the sample run, before any sample, fit, kernel or page "
              f"(the run's target of 2x leaves {2 * sample - least:.2f} s for those)")
        fused = min(sum(timed(fused_queries(folder)).values()) for _ in range(2))
        print(ratio_line("the same work fused into validation's passes", fused, "sample run", sample, 2.0))
        print("    (by hand: each table read once, every rule, the fingerprint and the cells grouped together; "
              "the outcomes' foreign key is their join with the posts)")
        big = timed(fingerprint_queries(folder, COPIES))
        print(ratio_line(f"md5 fingerprint alone, {COPIES}x these rows", sum(big.values()), "sample run", sample, 6.0))
        print(f"    (posts {big['posts']:.2f} s, post outcomes {big['post_outcomes']:.2f} s: these {POSTS:,} posts and "
              f"their outcomes read {COPIES} times over, {COPIES * POSTS:,} posts; a {COPIES * POSTS:,}-post run's "
              "target is 6x the sample run, and validation must fingerprint every row)")
        fit, cells = measure("fit", fit_vs_cells, folder).value
        print(ratio_line("engagement fits on every post", fit, "DuckDB cell aggregation", cells, 2.0))
