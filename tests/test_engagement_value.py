"""What an engagement is worth, from post_outcomes: the ratio of sums by hand, a bootstrap
over campaigns that covers the planted value over seeds, the parameter winning over the
data, and nothing valued without either."""

from __future__ import annotations

import ibis
import numpy as np
import pandas as pd
import pytest

from twinimpact import sample
from twinimpact.sample.posts import make_post_outcomes, make_posts
from twinimpact.sample.tables import make_campaigns
from twinimpact.analyses.engagement import value as engagement_value
from twinimpact.params import DEFAULT_GROSS_MARGIN, Params
from twinimpact.sources import data, reference

from .conftest import TINY, TINY_FX


class Frames:
    """What engagement_value asks of a Dataset, on frames in memory (no fingerprints: outside
    a run nothing is shared)."""

    def __init__(self, frames: dict[str, pd.DataFrame]):
        self.frames = frames
        self.fingerprints: dict[str, str] = {}
        self.brands: set[str] = set()
        self.reads: set[str] = set()

    def has(self, name: str) -> bool:
        return name in self.frames

    def table(self, name: str):
        return ibis.memtable(self.frames[name])

    def join_parts(self, *names: str) -> int:
        return 1  # frames in memory: one join


@pytest.fixture(scope="module")
def tiny():
    return data.load(Params(data_dir=str(TINY), fx_rates=TINY_FX, as_of="2026-11-28"))


def test_revenue_per_engagement_is_the_ratio_of_sums_in_the_reporting_currency(tiny):
    c = engagement_value.outcome_clusters(tiny, TINY_FX).set_index("cluster")
    # P1, P2 (C1): 135 + 920 engagements, EUR 80 + 150; P3, P4 (C2): 115 + 115, EUR 45.50; P5, P6 (C3): USD 60
    assert c.loc["C1", ["posts", "engagements", "revenue"]].tolist() == pytest.approx([2, 1055, 230.0])
    assert c.loc["C2", ["engagements", "revenue"]].tolist() == pytest.approx([230, 45.5])
    assert c.loc["C3", ["engagements", "revenue", "orders", "clicks"]].tolist() == pytest.approx(
        [136 + 30, 60 * 0.9, 1, 8])
    p = Params(data_dir=str(TINY), fx_rates=TINY_FX, as_of="2026-11-28", gross_margin=0.5)
    v = engagement_value.value_per_engagement(tiny, p)
    rpe = (230.0 + 45.5 + 54.0) / (1055 + 230 + 166)
    assert v["source"] == "post_outcomes" and v["revenue_per_engagement"]["estimate"] == pytest.approx(rpe)
    assert v["estimate"] == pytest.approx(0.5 * rpe) and v["clusters"] == 3 and v["posts"] == 6
    # three campaigns are too few to resample: the estimate stands, its interval is not estimable
    assert v["ci_low"] is None and v["ci_high"] is None and "3 campaign(s), too few" in v["not_estimable"]


def test_the_parameter_wins_and_without_outcomes_nothing_is_valued(tiny):
    set_ = engagement_value.value_per_engagement(tiny, Params(data_dir=str(TINY), fx_rates=TINY_FX,
                                                              as_of="2026-11-28", value_per_engagement=0.2))
    assert set_ == {"estimate": 0.2, "ci_low": None, "ci_high": None, "source": "parameter", "draws": None}
    frames = {k: v for k, v in tiny.frames.items() if k != "post_outcomes"}
    none = engagement_value.value_per_engagement(Frames(frames), Params())
    assert none["source"] == "none" and none["estimate"] is None and "no post_outcomes" in none["why"]
    assert (engagement_value.value_draws(none, 5, 1) == 0).all()
    assert (engagement_value.value_draws(set_, 5, 1) == 0.2).all()


def test_the_ratio_bootstrap_resamples_clusters_by_hand():
    # two clusters, 1/1 and 3/1: a resample holds (2, 0), (1, 1) or (0, 2) of the first
    reps = engagement_value.ratio_bootstrap(np.array([1.0, 3.0]), np.array([1.0, 1.0]), 4000, 0)
    assert set(np.round(reps, 9)) == {1.0, 2.0, 3.0}
    assert np.mean(reps == 2.0) == pytest.approx(0.5, abs=0.03)  # (1, 1) has probability 1/2


def test_the_default_gross_margin_is_the_sourced_reference_row():
    row = reference.benchmarks().set_index("metric").loc["gross_margin_hm_group"]
    assert row["value"] == DEFAULT_GROSS_MARGIN == Params().gross_margin
    assert "Full-year report 2024" in row["source"]


#: Seeds of the coverage check: 20 worlds, each with its own campaigns and conversion multipliers.
SEEDS = tuple(range(300, 320))


def test_the_interval_covers_the_planted_value_over_seeds():
    """The value the data were made with is gross_margin x clicks per engagement x conversion x
    order value. A 95% interval should hold it about 19 times in 20; at least 17 of 20 (a
    1.6% chance at the nominal rate to see fewer)."""
    spec = sample.SampleSpec()
    truth = DEFAULT_GROSS_MARGIN * spec.clicks_per_engagement * spec.conversion * spec.order_value_eur
    held, widths = 0, []
    for seed in SEEDS:
        rng = np.random.default_rng(seed)
        posts = make_posts(rng, make_campaigns(rng, spec), spec, 4000)
        tables = {"posts": posts, "post_outcomes": make_post_outcomes(rng, posts, spec)}
        v = engagement_value.value_per_engagement(Frames(tables), Params(seed=seed))
        held += v["ci_low"] <= truth <= v["ci_high"]
        widths.append(v["ci_high"] - v["ci_low"])
    assert held >= 17, held
    assert 0 < float(np.median(widths)) < 0.5 * truth  # informative, not degenerate


def test_outcomes_that_record_no_revenue_value_nothing_and_say_why(tiny):
    """The probe's case: post_outcomes rows all 0 had valued an engagement at EUR 0.000 and
    said no draw loses money. Outcomes that record nothing measure the tracking."""
    frames = dict(tiny.frames)
    frames["post_outcomes"] = frames["post_outcomes"].assign(clicks=0, orders=0, revenue=0.0)
    v = engagement_value.value_per_engagement(Frames(frames), Params(fx_rates=TINY_FX))
    assert v["source"] == "none" and v["estimate"] is None
    assert "record no revenue at all" in v["why"] and (engagement_value.value_draws(v, 5, 1) == 0).all()
