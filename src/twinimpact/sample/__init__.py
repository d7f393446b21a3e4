"""Seeded, contract-shaped sample data with known, planted effects.

``generate`` builds the six contract tables for three fictional brands, 2023-2025, and a
*truth* record of everything planted in them: the cost function of each production mode,
the hours per asset of each role, the engagement effects of imagery, the AI label,
platform, format, brand and followers, and every rights breach. Estimators in the
workbook are tested by recovering that truth. ``write_sample`` writes the tables (posts as
Parquet, streamed in bounded memory for benchmark sizes) and ``TRUTH.json``.

Magnitudes are calibrated to the public figures in ``data/reference`` (BLS May 2024
wages, shoot day-rate ranges, per-impression engagement benchmarks); everything about the
brands themselves is invented.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from twinimpact.config import CHUNK_ROWS, DEFAULT_SEED
from twinimpact.results import jsonable
from twinimpact.sample.posts import make_experiment, make_post_outcomes, make_posts
from twinimpact.sample.spec import BRANDS, FX_TO_EUR, WORLDS, SampleSpec, world
from twinimpact.sample.tables import make_bookings, make_campaigns, make_cost_lines, make_models, make_staffing, make_twin_usage
from twinimpact.contract import checks
from twinimpact.contract.spec import CONTRACT
from twinimpact.sources.data import duckdb_connect

__all__ = ["WORLDS", "Sample", "SampleSpec", "generate", "world", "write_sample"]


@dataclass
class Sample:
    """The generated contract tables and the truth planted in them."""

    tables: dict[str, pd.DataFrame]
    truth: dict[str, Any]


def generate(seed: int = DEFAULT_SEED, n_posts: int = 50_000, spec: SampleSpec | None = None,
             posts: bool = True) -> Sample:
    """The six contract tables and the truth planted in them; same seed, same data."""
    spec = spec or SampleSpec()
    seqs = np.random.SeedSequence(seed).spawn(6)
    models = make_models(np.random.default_rng(seqs[0]))
    campaigns = make_campaigns(np.random.default_rng(seqs[1]), spec)
    usage, planted = make_twin_usage(np.random.default_rng(seqs[2]), campaigns, models, spec)
    cost_lines = make_cost_lines(np.random.default_rng(seqs[3]), campaigns, usage, spec)
    staffing = make_staffing(np.random.default_rng(seqs[4]), campaigns, spec)
    # bookings draw from a seventh stream: the six tables above are what they were before it
    bookings, income = make_bookings(np.random.default_rng(np.random.SeedSequence(seed).spawn(7)[6]), campaigns,
                                     models, usage)
    tables = {"campaigns": campaigns, "cost_lines": cost_lines, "staffing": staffing, "models": models,
              "twin_usage": usage, "bookings": bookings}
    if posts:
        tables["posts"] = make_posts(np.random.default_rng(seqs[5]), campaigns, spec, n_posts)
        tables["post_outcomes"] = make_post_outcomes(_outcome_rng(seed), tables["posts"], spec)
        if spec.experiment_units:
            test_posts, sold, tables["experiments"] = _experiment(seed, campaigns, spec, n_posts)
            tables["posts"] = pd.concat([tables["posts"], test_posts], ignore_index=True)
            tables["post_outcomes"] = pd.concat([tables["post_outcomes"], sold], ignore_index=True)
    truth = {
        "seed": seed,
        "n_posts": n_posts,
        "fx_to_eur": FX_TO_EUR,
        "brand_adoption": {b: i["adopts"].isoformat() for b, i in BRANDS.items()},
        "cost": {
            "currency": "EUR",
            "model": "log(total cost excl. twin_creation, EUR) = alpha[mode] + beta[mode]*log(assets_delivered) "
                     "+ market_effect[market] + N(0, sigma)",
            "alpha": spec.cost_alpha, "beta": spec.cost_beta, "sigma": spec.cost_sigma,
            "market_effect": spec.market_effect, "twin_creation_eur_mean": spec.twin_creation_eur,
        },
        "labor": {"hours_per_asset": spec.hours_per_asset,
                  "note": "hours = hours_per_asset * assets_delivered * lognormal(0, 0.1)"},
        "engagement": {
            "model": "engagements ~ NB2(mu, alpha); log mu = log impressions + log base_rate[platform] "
                     "+ log irr_format + log irr_imagery + log irr_ai_label*ai_label + log irr_brand "
                     "+ followers_elasticity*(log followers - log 1e6) + yearly_trend*years + seasonality*sin",
            "irr_twin_vs_human": spec.irr_imagery["twin"],
            "irr_synthetic_vs_human": spec.irr_imagery["synthetic"],
            "irr_none_vs_human": spec.irr_imagery["none"],
            "irr_ai_label": spec.irr_ai_label,
            "irr_format": spec.irr_format, "irr_brand": spec.irr_brand, "base_rate": spec.base_rate,
            "followers_elasticity": spec.followers_elasticity, "nb_alpha": spec.nb_alpha,
            "label_share_by_year": {str(k): v for k, v in spec.label_share_by_year.items()},
        },
        "post_outcomes": {
            "revenue_per_engagement_eur": spec.clicks_per_engagement * spec.conversion * spec.order_value_eur,
            "clicks_per_engagement": spec.clicks_per_engagement, "conversion": spec.conversion,
            "conversion_spread": spec.conversion_spread,
            "order_value_eur": spec.order_value_eur, "outcome_share": spec.outcome_share,
            "note": "the expected revenue per engagement the chain plants (EUR); the value of an engagement is "
                    "that times the parameter gross_margin",
        },
        "exposure": {
            "views_from": spec.views_from, "views_per_impression": spec.views_per_impression,
            "marked": bool(spec.views_from) and spec.mark_exposure,
            "note": "from views_from, a platform's impressions column counts views (impressions x "
                    "views_per_impression x lognormal(0, 0.1)); engagement follows the impressions",
        },
        "platform_label": {
            "flip": spec.platform_label_flip,
            "note": "share of AI-imagery posts whose platform_ai_label differs from ai_label; the label effect "
                    "follows platform_ai_label, the label the audience saw",
        },
        "confounding": {
            "twin_product_appeal": spec.twin_product_appeal,
            "note": "twin imagery in the brand's own posts goes to products whose posts engage this many times as "
                    "much; no column shows it, so the observational twin rate ratio is planted x this",
        },
        "experiments": ({"EXP-TWIN-LABELLED": {
            "rate_ratio": spec.irr_imagery["twin"] * spec.irr_ai_label, "units": spec.experiment_units,
            "posts": spec.experiment_units * spec.experiment_posts_per_unit,
            "contrast": "twin imagery with the AI label against photographed people without it"}}
            if spec.experiment_units else {}),
        "rights": {
            "planted": planted,
            "counts": {k: sum(p["breach"] == k for p in planted) for k in spec.breaches},
        },
        "models": {
            "income_by_model": income,
            "note": "EUR, whole period, gross of agency commission: photographed = day rate x shoot days of every "
                    "booking (before rounding to the campaign's currency), twin_fees = every fee paid in twin_usage. "
                    "Models with a twin are booked a third as often once their brand has adopted twins.",
        },
        "spec": jsonable(asdict(spec)),
    }
    return Sample(tables, truth)


def _experiment(seed: int, campaigns: pd.DataFrame, spec: SampleSpec, first_id: int
                ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The planted randomised test from a ninth stream: its posts, their outcomes and the
    experiments table."""
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(9)[8])
    posts, experiments = make_experiment(rng, campaigns, spec, first_id)
    return posts, make_post_outcomes(rng, posts, spec), experiments


def _outcome_rng(seed: int, chunk: int | None = None) -> np.random.Generator:
    """The stream of post outcomes (an eighth, so the other tables stay what they were);
    one child per chunk of posts when they are written in chunks."""
    seq = np.random.SeedSequence(seed).spawn(8)[7]
    return np.random.default_rng(seq if chunk is None else seq.spawn(chunk + 1)[chunk])


def _to_csv(frame: pd.DataFrame, path: Path) -> None:
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == bool or str(out[col].dtype) == "boolean":
            out[col] = out[col].map({True: "true", False: "false"})
        elif out[col].dtype == object and out[col].map(lambda v: isinstance(v, bool)).any():
            out[col] = out[col].map(lambda v: "true" if v is True else "false" if v is False else v)
    out.to_csv(path, index=False, lineterminator="\n")


def table_fingerprints(folder: Path) -> dict[str, str]:
    """The fingerprints validation gives the contract tables written into ``folder`` (what
    marks data as the generator's wherever they are loaded: a run on tables with these
    fingerprints carries the synthetic-data notice)."""

    con = duckdb_connect()
    try:
        out = {}
        for name in CONTRACT:
            if (folder / f"{name}.parquet").is_file():
                raw, trim = con.read_parquet(str(folder / f"{name}.parquet")), False
            elif (folder / f"{name}.csv").is_file():
                raw, trim = con.read_csv(str(folder / f"{name}.csv"), all_varchar=True, header=True), True
            else:
                continue
            out[name] = checks.fingerprint(checks.typed(raw, name, trim), name)
        return out
    finally:
        con.disconnect()


def write_sample(out: str | Path, seed: int = DEFAULT_SEED, n_posts: int = 50_000, spec: SampleSpec | None = None,
                 progress: Any = None) -> dict[str, Any]:
    """Write the tables (CSV; posts as Parquet, streamed in chunks) and TRUTH.json into ``out``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    spec = spec or SampleSpec()
    sample = generate(seed, n_posts, spec, posts=False)
    for name, frame in sample.tables.items():
        _to_csv(frame, out / f"{name}.csv")
    for stale in (out / "posts.csv", out / "post_outcomes.csv", out / "experiments.csv"):
        stale.unlink(missing_ok=True)
    campaigns = sample.tables["campaigns"]
    post_seq = np.random.SeedSequence(seed).spawn(6)[5]
    writer = outcomes = None
    try:
        if n_posts <= CHUNK_ROWS:
            chunks = [(np.random.default_rng(post_seq), n_posts, 0)]
        else:
            subs = post_seq.spawn(math.ceil(n_posts / CHUNK_ROWS))
            chunks = [(np.random.default_rng(s), min(CHUNK_ROWS, n_posts - i * CHUNK_ROWS), i * CHUNK_ROWS)
                      for i, s in enumerate(subs)]
        done = 0
        for rng, size, first in chunks:
            frame = make_posts(rng, campaigns, spec, size, first_id=first)
            table = pa.Table.from_pandas(frame, preserve_index=False)
            if writer is None:
                writer = pq.ParquetWriter(out / "posts.parquet", table.schema, compression="zstd")
            writer.write_table(table)
            sold = pa.Table.from_pandas(make_post_outcomes(_outcome_rng(seed, None if len(chunks) == 1 else
                                                                         first // CHUNK_ROWS), frame, spec),
                                        preserve_index=False)
            if outcomes is None:
                outcomes = pq.ParquetWriter(out / "post_outcomes.parquet", sold.schema, compression="zstd")
            outcomes.write_table(sold)
            done += size
            if progress:
                progress(done, n_posts)
        if spec.experiment_units:  # the test's posts after the brand's own
            test_posts, test_sold, experiments = _experiment(seed, campaigns, spec, n_posts)
            writer.write_table(pa.Table.from_pandas(test_posts, preserve_index=False).cast(writer.schema))
            outcomes.write_table(pa.Table.from_pandas(test_sold, preserve_index=False).cast(outcomes.schema))
            _to_csv(experiments, out / "experiments.csv")
    finally:
        for open_writer in (writer, outcomes):
            if open_writer is not None:
                open_writer.close()
    truth = {**sample.truth, "fingerprints": table_fingerprints(out)}
    (out / "TRUTH.json").write_text(json.dumps(truth, indent=2, default=str) + "\n", encoding="utf-8")
    return truth
