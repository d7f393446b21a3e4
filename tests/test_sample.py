"""The sample generator: deterministic by seed, contract-shaped, planted truth recorded."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from twinimpact import config, sample
from twinimpact.sources import data
from twinimpact.params import Params


def test_same_seed_same_tables_different_seed_different_tables():
    a = sample.generate(seed=5, n_posts=2000)
    b = sample.generate(seed=5, n_posts=2000)
    c = sample.generate(seed=6, n_posts=2000)
    for name in a.tables:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name])
    assert not a.tables["posts"]["likes"].equals(c.tables["posts"]["likes"])


def test_bundled_sample_is_what_the_generator_writes(tmp_path):
    truth = sample.write_sample(tmp_path, seed=20250331, n_posts=50_000)
    committed = json.loads((config.SAMPLE_DIR / "TRUTH.json").read_text())
    assert json.loads(json.dumps(truth, default=str)) == committed
    for name in ("campaigns", "cost_lines", "staffing", "models", "twin_usage"):
        assert (tmp_path / f"{name}.csv").read_text() == (config.SAMPLE_DIR / f"{name}.csv").read_text(), name
    assert pd.read_parquet(tmp_path / "posts.parquet").equals(pd.read_parquet(config.SAMPLE_DIR / "posts.parquet"))


def test_sample_passes_the_contract_and_has_the_promised_shape():
    ds = data.load(Params(as_of="2026-11-28"))
    c = ds["campaigns"]
    assert c["brand"].nunique() == 3 and set(c["production_mode"]) == {"traditional", "twin", "hybrid"}
    assert 150 <= len(c) <= 250 and c["currency"].nunique() >= 2
    assert c["start_date"].dt.year.between(2023, 2025).all()
    share = c.assign(y=c["start_date"].dt.year).groupby("y")["production_mode"].apply(lambda m: (m != "traditional").mean())
    assert share[2023] < share[2024] < share[2025]  # twin share rises over time
    assert len(ds["posts"]) == 50_000 and ds["posts"]["platform"].nunique() == 5
    m = ds["models"]
    assert len(m) == 60 and m["has_twin"].sum() == 30


def test_planted_breaches_cover_every_type_and_name_real_assets():
    truth = json.loads((config.SAMPLE_DIR / "TRUTH.json").read_text())
    counts = truth["rights"]["counts"]
    assert set(counts) == {"outside_consent_window", "outside_scope", "missing_watermark", "underpaid",
                           "no_twin_consent"} and all(v >= 1 for v in counts.values())
    usage = pd.read_csv(config.SAMPLE_DIR / "twin_usage.csv", dtype=str)
    planted = {p["asset_id"] for p in truth["rights"]["planted"]}
    assert len(planted) == sum(counts.values()) and planted <= set(usage["asset_id"])


def test_cost_lines_add_up_to_the_planted_total_and_licensing_equals_fees():
    # without noise, a campaign's spend other than twin creation is exactly the planted cost function:
    # exp(alpha[mode] + beta[mode] * log(assets) + market_effect[market]) EUR, in the campaign's currency
    spec = sample.SampleSpec(cost_sigma=0.0)
    s = sample.generate(seed=11, n_posts=100, spec=spec)
    lines, campaigns = s.tables["cost_lines"], s.tables["campaigns"].set_index("campaign_id")
    spent = lines[lines.category != "twin_creation"].groupby("campaign_id")["amount"].sum()
    for cid, c in campaigns.iterrows():
        planted = math.exp(spec.cost_alpha[c.production_mode] + spec.cost_beta[c.production_mode]
                           * math.log(c.assets_delivered) + spec.market_effect[c.market]) / sample.FX_TO_EUR[c.currency]
        assert spent[cid] == pytest.approx(planted, abs=0.02), cid  # two lines rounded to the cent
    fees = s.tables["twin_usage"].groupby("campaign_id")["fee_paid"].sum()
    lic = lines[lines.category == "twin_licensing"].set_index("campaign_id")["amount"]
    assert len(lic) > 0 and (abs(lic - fees.reindex(lic.index)) < 0.01).all()


def test_large_posts_stream_in_chunks_with_unique_ids(tmp_path, monkeypatch):
    monkeypatch.setattr(sample, "CHUNK_ROWS", 1000)
    seen = []
    sample.write_sample(tmp_path, seed=3, n_posts=3500, progress=lambda d, t: seen.append(d))
    posts = pd.read_parquet(tmp_path / "posts.parquet")
    assert seen == [1000, 2000, 3000, 3500]
    assert len(posts) == 3500 and posts["post_id"].is_unique
