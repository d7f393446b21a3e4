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
  (the least a 10M run could take on this machine, before samples, fits and pages).

The data is generated first, in the same call, and not timed."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks.bench_run import data_run_against_sample, floor_seconds, ratio_line, sample_seconds
from tests.benchmarks.harness import measure

POSTS = int(os.environ.get("TWINIMPACT_BENCH_POSTS", "10000000"))
TARGET_MB = 800.0


def generate(folder: Path, posts: int) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "twinimpact", "sample", "--out", str(folder), "--posts", str(posts)],
                   check=True, capture_output=True)
    return time.perf_counter() - t0


CONTROL = "'[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]'"


def _bad(cond: str) -> str:
    return f"count_if({cond})"


def bound_queries(folder: Path) -> dict[str, str]:
    """The engine's bound, by hand: one DuckDB query per large table with every row rule,
    the key's uniqueness, the foreign key and the md5 fingerprint (what validation must do
    at least once per row)."""
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
             + [_bad(f"{c} > impressions") for c in ["likes", "comments", "shares", "saves"]]
             + [_bad(f"campaign_id IS NOT NULL AND campaign_id NOT IN (SELECT k FROM {campaigns})")])
    row = ("md5(concat_ws('|', coalesce(post_id, '\\N'), coalesce(campaign_id, '\\N'), coalesce(brand, '\\N'), "
           "coalesce(platform, '\\N'), coalesce(cast(cast(epoch(posted_at) AS bigint) AS varchar), '\\N'), "
           "coalesce(format, '\\N'), coalesce(imagery, '\\N'), CASE WHEN ai_label THEN '1' ELSE '0' END, "
           + ", ".join(f"coalesce(cast({c} AS varchar), '\\N')" for c in counts) + "))")
    fp = "count(*), sum(('0x' || substr(h, 1, 5))::bigint), sum(('0x' || substr(h, 6, 5))::bigint)"
    unique = "(SELECT coalesce(sum(n), 0) FROM (SELECT count(*) AS n FROM {t} WHERE post_id IS NOT NULL " \
             "GROUP BY post_id HAVING count(*) > 1))"
    q_posts = (f"SELECT {', '.join(rules)}, {unique.format(t=posts)}, {fp} FROM (SELECT *, {row} AS h FROM {posts})")
    o_rules = ([_bad(f"{c} IS NULL") for c in ["post_id", "clicks", "orders", "revenue", "currency"]]
               + [_bad(f"regexp_matches({c}, {CONTROL})") for c in ["post_id", "currency"]]
               + [_bad("length(post_id) > 64"), _bad("length(currency) > 100"), _bad("clicks < 0"),
                  _bad("orders < 0"), _bad("revenue < 0"), _bad("NOT isfinite(revenue)"),
                  _bad("NOT regexp_matches(currency, '^[A-Z]{3}$')"), _bad("currency NOT IN ('EUR','USD','GBP','SEK')"),
                  _bad("orders > clicks"),
                  _bad(f"post_id IS NOT NULL AND post_id NOT IN (SELECT post_id FROM {posts})")])
    o_row = ("md5(concat_ws('|', coalesce(post_id, '\\N'), coalesce(cast(clicks AS varchar), '\\N'), "
             "coalesce(cast(orders AS varchar), '\\N'), coalesce(cast(round(revenue * 1000000)::bigint AS varchar), "
             "'\\N'), coalesce(currency, '\\N')))")
    q_outcomes = (f"SELECT {', '.join(o_rules)}, {unique.format(t=outcomes)}, {fp} "
                  f"FROM (SELECT *, {o_row} AS h FROM {outcomes})")
    return {"posts": q_posts, "post_outcomes": q_outcomes}


def bound(folder: Path) -> float:
    """Seconds DuckDB takes for :func:`bound_queries`, 2 threads, the workbook's memory limit."""
    import duckdb

    from twinimpact.sources.data import DUCKDB_MEMORY

    con = duckdb.connect()
    con.execute(f"SET threads = 2; SET memory_limit = '{DUCKDB_MEMORY}'; SET TimeZone = 'UTC'; "
                "SET enable_progress_bar = false")
    t0 = time.perf_counter()
    for sql in bound_queries(folder).values():
        con.execute(sql).fetchall()
    return time.perf_counter() - t0


def needed_queries(folder: Path) -> dict[str, str]:
    """What any run's analyses must have the engine do on top of validation, by hand in
    DuckDB: the posts' covariate cells (the Poisson fit's input) and the posts joined with
    their outcomes by cell (the orders model and the value of an engagement). The seeded
    samples the negative binomial fits, the fits and the pages come on top."""
    posts, outcomes = f"read_parquet('{folder / 'posts.parquet'}')", f"read_parquet('{folder / 'post_outcomes.parquet'}')"
    cell = ("imagery, ai_label, platform, format, brand, year(posted_at) * 100 + month(posted_at), "
            "floor(ln(followers + 1) / 0.1), campaign_id")
    return {
        "cells": f"SELECT {cell}, count(*), sum(likes + comments + shares + saves), sum(impressions) FROM {posts} "
                 "WHERE impressions > 0 GROUP BY ALL",
        "join": f"SELECT {cell}, currency, impressions > 0, count(*), sum(orders), sum(impressions), sum(clicks), "
                "sum(likes + comments + shares + saves), sum(round(revenue * 1000000)::bigint) "
                f"FROM {posts} JOIN (SELECT post_id, clicks, orders, revenue, currency FROM {outcomes}) USING (post_id) "
                "GROUP BY ALL",
    }


def needed(folder: Path) -> dict[str, float]:
    """Seconds DuckDB takes for each of :func:`needed_queries` (2 threads, the workbook's
    memory limit)."""
    import duckdb

    from twinimpact.sources.data import DUCKDB_MEMORY

    con = duckdb.connect()
    con.execute(f"SET threads = 2; SET memory_limit = '{DUCKDB_MEMORY}'; SET TimeZone = 'UTC'; "
                "SET enable_progress_bar = false")
    out = {}
    for name, sql in needed_queries(folder).items():
        t0 = time.perf_counter()
        con.execute(sql).fetchall()
        out[name] = time.perf_counter() - t0
    return out


def validate_cli(folder: Path) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "twinimpact", "validate", "--data", str(folder)], check=True,
                   capture_output=True)
    return time.perf_counter() - t0


def fit_vs_cells(folder: Path) -> tuple[float, float]:
    """(seconds of the engagement fits on every post, seconds of DuckDB's covariate-cell
    aggregation of the same posts alone). The stack is imported first, as a run's kernel
    imports it while the data are validated (:data:`twinimpact.run.execute.WARM_IMPORTS`):
    the fit is timed, not the second statsmodels takes to import."""
    import duckdb
    import statsmodels.api  # noqa: F401 - imported before the clock starts, as in a run's kernel

    from twinimpact.analyses import engagement
    from twinimpact.params import Params
    from twinimpact.sources import data

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
        calls = [needed(folder) for _ in range(2)]
        work = {k: min(c[k] for c in calls) for k in calls[0]}
        least = engine + sum(work.values())
        print(f"  the engine's own work a {POSTS:,}-post run needs, by hand: validation's bound {engine:.2f} s + "
              f"covariate cells {work['cells']:.2f} s + posts joined with outcomes by cell {work['join']:.2f} s = "
              f"{least:.2f} s = {least / sample:.2f}x the sample run, before any sample, fit, kernel or page "
              f"(the run's target of 2x leaves {2 * sample - least:.2f} s for those)")
        fit, cells = measure("fit", fit_vs_cells, folder).value
        print(ratio_line("engagement fits on every post", fit, "DuckDB cell aggregation", cells, 2.0))
