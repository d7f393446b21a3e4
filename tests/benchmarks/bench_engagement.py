"""Engagement at scale: the cell-aggregated fit on 10M posts against the peer an analyst
would write (pandas reads every post, statsmodels fits every row), at equal sizes.

Targets (issue): 10M posts in <= 20 s and <= 2 GB; >= 10x faster and >= 5x less memory
than the peer at equal size. Data is generated once into .bench/ (git-ignored).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from tests.benchmarks.harness import baseline_mb, measure

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / ".bench"
SIZES_OURS = (1_000_000, 2_000_000, 10_000_000)
SIZES_PEER = (1_000_000, 2_000_000)


def ensure_posts(n: int) -> Path:
    """A sample with ``n`` posts (generated once, streamed in bounded memory)."""
    folder = BENCH / f"posts_{n}"
    if not (folder / "posts.parquet").is_file():
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "twinimpact", "sample", "--out", str(folder), "--posts", str(n),
                        "--seed", "7"], check=True)
        print(f"  (generated {n:,} posts in {time.perf_counter() - t0:.0f} s)")
    return folder


def ours(folder: str) -> dict:
    """Engine aggregation to cells, then the Poisson fit on cells with clustered SEs."""
    from twinimpact.analyses.engagement import model as engagement
    from twinimpact.sources.data import duckdb_connect

    con = duckdb_connect()
    posts = con.read_parquet(str(Path(folder) / "posts.parquet"))
    cells = engagement.aggregate_cells(posts)
    fit = engagement.fit_poisson(engagement.build_design(cells))
    return {"cells": len(cells), **{k: v["estimate"] for k, v in engagement.headline(fit).items()}}


def peer(folder: str) -> dict:
    """What an analyst writes first: every post into pandas, dummies, a row-level GLM."""
    import numpy as np
    import pandas as pd
    import statsmodels.api as sm

    df = pd.read_parquet(Path(folder) / "posts.parquet")
    df = df[df["impressions"] > 0]
    df["y"] = df["likes"] + df["comments"] + df["shares"] + df["saves"]
    df["month"] = df["posted_at"].dt.strftime("%Y-%m")
    df["log_followers"] = np.log(df["followers"] + 1) - np.log(1e6)
    df["cluster"] = df["campaign_id"].fillna("none:" + df["brand"] + ":" + df["month"])
    df["imagery"] = pd.Categorical(df["imagery"], categories=["human", "twin", "synthetic", "none"])
    X = pd.get_dummies(df[["platform", "format", "brand", "month", "imagery"]], drop_first=True, dtype=float)
    X["log_followers"] = df["log_followers"]
    X["ai_label"] = df["ai_label"].astype(float)
    X = sm.add_constant(X)
    res = sm.GLM(df["y"], X, family=sm.families.Poisson(), offset=np.log(df["impressions"])).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(df["cluster"])[0]})
    irr = np.exp(res.params)
    return {"irr_twin_vs_human": float(irr["imagery_twin"]), "irr_synthetic_vs_human": float(irr["imagery_synthetic"]),
            "irr_ai_label": float(irr["ai_label"])}


def run() -> None:
    print("engagement: Poisson with campaign-clustered SEs, posts -> IRRs")
    floor = baseline_mb()
    print(f"  (a forked Python with the package imported: {floor:.0f} MB peak RSS, included below)")
    results = {}
    for n in sorted(set(SIZES_OURS) | set(SIZES_PEER)):
        folder = str(ensure_posts(n))
        if n in SIZES_OURS:
            m = measure(f"cells in DuckDB + fit, {n:>10,} posts", ours, folder)
            results[("ours", n)] = m
            print(m.line() + f"  ({m.value['cells']:,} cells; twin IRR {m.value['irr_twin_vs_human']:.3f}, "
                             f"label IRR {m.value['irr_ai_label']:.3f})")
        if n in SIZES_PEER:
            m = measure(f"peer: pandas + row-level GLM, {n:>10,} posts", peer, folder)
            results[("peer", n)] = m
            print(m.line() + f"  (twin IRR {m.value['irr_twin_vs_human']:.3f}, label IRR "
                             f"{m.value['irr_ai_label']:.3f})")
    big = results.get(("ours", 10_000_000))
    if big:
        ok = big.seconds <= 20 and big.peak_mb <= 2048
        print(f"  10M posts: {big.seconds:.1f} s, {big.peak_mb:,.0f} MB -> target <= 20 s and <= 2 GB "
              f"{'met' if ok else 'MISSED'}")
    for n in SIZES_PEER:
        if ("ours", n) in results and ("peer", n) in results:
            o, p = results[("ours", n)], results[("peer", n)]
            speed, mem = p.seconds / o.seconds, p.peak_mb / o.peak_mb
            print(f"  at {n:,} posts: {speed:.1f}x faster, {mem:.1f}x less memory than the peer "
                  f"(targets 10x and 5x: {'met' if speed >= 10 and mem >= 5 else 'MISSED'})")
