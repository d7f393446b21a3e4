"""The exposure a post's count holds (impressions or views) and the platforms' own AI label:
optional posts columns that keep old files' fingerprints, a regime term where a platform's
metric changes, a level-shift warning where the posts do not say, and the label the audience
saw. Planted worlds of the generator are the truth."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from twinimpact import sample
from twinimpact.analyses import overview
from twinimpact.analyses.engagement import model as engagement
from twinimpact.analyses.rights import findings
from twinimpact.analyses.stats import count_model
from twinimpact.contract import checks
from twinimpact.contract.schemas import ContractViolation
from twinimpact.params import Params
from twinimpact.sources import data
from twinimpact.words import statements

AS_OF = date(2026, 11, 28)
SEEDS = (11, 12, 13)


def _fit(tables: dict[str, pd.DataFrame]) -> engagement.EngagementAnalysis:
    return engagement.analyse(data.Dataset.from_frames(tables, as_of=AS_OF), Params(nb_max_rows=0))


def _inside(ci: dict, truth: float) -> bool:
    return ci["ci_low"] <= truth <= ci["ci_high"]


def test_posts_without_the_optional_columns_keep_their_fingerprint():
    posts = sample.generate(seed=5, n_posts=2_000, posts=True).tables["posts"]
    with_empty = posts.assign(exposure_metric=None, platform_ai_label=None)
    assert checks.fingerprint(posts, "posts") == checks.fingerprint(with_empty, "posts")
    marked = posts.assign(exposure_metric="views")
    assert checks.fingerprint(marked, "posts") != checks.fingerprint(posts, "posts")


def test_an_unknown_exposure_metric_is_refused_by_name():
    s = sample.generate(seed=5, n_posts=500)
    posts = s.tables["posts"].assign(exposure_metric="view")
    con = data.duckdb_connect()
    tables = {n: con.create_table(n, f.astype(str).where(f.notna(), None)) for n, f in {**s.tables, "posts": posts}.items()}
    with pytest.raises(ContractViolation) as err:
        checks.validate(tables, currencies={"EUR", "USD", "GBP", "SEK"}, reporting_currency="EUR", as_of=AS_OF)
    text = str(err.value)
    assert "exposure_metric" in text and "impressions, views, reach" in text


def test_a_regime_term_enters_only_where_a_platform_counts_two_metrics():
    platform = pd.Series(["instagram", "instagram", "tiktok", "tiktok", "facebook"])
    regime = pd.Series(["instagram:impressions", "instagram:views", "tiktok:views", "tiktok:views",
                        "facebook:impressions"])
    cols, names, notes = count_model.regime_terms(platform, regime)
    assert names == ["exposure[instagram:views]"]
    assert cols[0].tolist() == [0.0, 1.0, 0.0, 0.0, 0.0]
    assert len(notes) == 1 and notes[0].startswith("Every tiktok post counts views")


@pytest.fixture(scope="module")
def views_fits():
    out = []
    for seed in SEEDS:
        s = sample.generate(seed=seed, n_posts=20_000, spec=sample.world("views-switch"))
        out.append((s, _fit(s.tables)))
    return out


def test_with_the_switch_marked_per_post_the_ratios_still_cover_the_truth(views_fits):
    covered = {"irr_twin_vs_human": 0, "irr_ai_label": 0}
    for s, fit in views_fits:
        assert "exposure[instagram:views]" in fit.poisson.names
        truth = s.truth["engagement"]
        for key in covered:
            covered[key] += _inside(fit.block[key], truth[key])
    assert all(n >= len(SEEDS) - 1 for n in covered.values()), covered


def test_the_switch_unmarked_is_found_at_its_date_and_the_marked_one_is_not_tested(views_fits):
    s, _ = views_fits[0]
    posts = s.tables["posts"]
    shifts = overview.exposure_shifts(posts.drop(columns="exposure_metric"))
    ig = next(x for x in shifts if x["platform"] == "instagram")
    assert ig["warned"] and ig["ci_low"] <= s.truth["exposure"]["views_per_impression"] * math.exp(0.005) <= ig["ci_high"]
    # the same test by hand: the mean log exposure per follower on each side, Welch's statistic
    switch = pd.Timestamp("2025-04-21", tz="UTC")
    w = posts[(posts.platform == "instagram") & (posts.posted_at >= switch - pd.Timedelta(days=90))
              & (posts.posted_at < switch + pd.Timedelta(days=90))]
    x = np.log(w.impressions / w.followers)
    after = (w.posted_at >= switch).to_numpy()
    assert ig["posts_before"] == int((~after).sum()) and ig["posts_after"] == int(after.sum())
    assert ig["ratio"] == pytest.approx(math.exp(x[after].mean() - x[~after].mean()), rel=1e-9)
    welch = stats.ttest_ind(x[after], x[~after], equal_var=False)
    assert ig["p_value"] == pytest.approx(welch.pvalue, abs=1e-12) or ig["p_value"] < 1e-12
    facebook = next(x for x in shifts if x["platform"] == "facebook")
    assert not facebook["warned"]
    # marked per post: nothing left to test
    assert all(x["platform"] != "instagram" for x in overview.exposure_shifts(posts))
    sentence = statements.exposure_shift_sentence(ig)
    assert sentence.startswith("Warning: Instagram's exposure per follower jumped at 2025-04-21")


def test_the_bundled_sample_shows_no_jump():
    ds = data.load(Params(as_of="2026-11-28"), keep_source=True)
    shifts = overview.exposure_shifts(ds.table("posts"))
    assert {x["platform"] for x in shifts} == {"instagram", "facebook"}
    assert not any(x["warned"] for x in shifts)
    assert "shows no jump" in statements.exposure_shift_sentence(shifts[0])


def test_the_label_effect_is_read_on_the_label_the_audience_saw():
    covered, brand_only = 0, []
    for seed in SEEDS:
        s = sample.generate(seed=seed, n_posts=20_000, spec=sample.world("platform-label"))
        truth = s.truth["engagement"]["irr_ai_label"]
        covered += _inside(_fit(s.tables).block["irr_ai_label"], truth)
        without = {**s.tables, "posts": s.tables["posts"].drop(columns="platform_ai_label")}
        brand_only.append(_fit(without).block["irr_ai_label"]["estimate"])
    assert covered >= len(SEEDS) - 1
    # the brand's label alone mixes labelled and unlabelled audiences: the effect is diluted toward 1
    assert np.mean(brand_only) > truth + 0.02


def test_platform_labels_are_counted_and_listed_by_post():
    s = sample.generate(seed=4, n_posts=5_000, spec=sample.world("platform-label"))
    posts = s.tables["posts"]
    block, listed = findings.platform_labels(posts, listed=10)
    differ = posts.platform_ai_label != posts.ai_label
    twin = (posts.imagery == "twin") & ~posts.platform_ai_label
    assert block["posts"] == len(posts)
    assert block["differ"] == int(differ.sum())
    assert block["brand_only"] == int((posts.ai_label & ~posts.platform_ai_label).sum())
    assert block["platform_only"] == int((~posts.ai_label & posts.platform_ai_label).sum())
    assert block["twin_unlabelled"] == int(twin.sum())
    assert block["twin_unlabelled_ids"] == sorted(posts.loc[twin, "post_id"])[:10]
    assert len(listed) == 20
    sentence = statements.platform_label_sentence(block)
    assert f"{block['twin_unlabelled']:,} twin posts carried no platform AI label" in sentence
    assert findings.platform_labels(posts.drop(columns="platform_ai_label")) [0] is None
    assert "brand's label is taken" in statements.platform_label_sentence(None)
