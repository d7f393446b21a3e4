"""Worlds where the answer flips: the sample generator plants other truths (no imagery or
label effect at all; twins dearer than photography; engagement that sells ten times as
much) and the workbook's conclusions must
follow them, through the same loading, validation and analyses a real run uses."""

from __future__ import annotations

from pathlib import Path

import pytest

from twinimpact.analyses.cost import production as cost
from twinimpact.analyses.engagement import model as engagement
from twinimpact.analyses.scenarios import paths as scenarios
from twinimpact.sources import data
from twinimpact import sample
from twinimpact.params import Params
from twinimpact.sample.spec import SampleSpec, world

ENGAGEMENT_KEYS = ("engagement_twin_vs_human", "engagement_synthetic_vs_human", "engagement_ai_label")


def conclusions_of(folder: Path, **params) -> dict:
    p = Params(data_dir=str(folder), as_of="2026-11-28", n_draws=2000, **params)
    ds = data.load(p, keep_source=True)
    return {**cost.analyse(ds, p).conclusions, **engagement.analyse(ds, p).conclusions,
            **scenarios.analyse(ds, p).conclusions}


@pytest.fixture(scope="module")
def worlds(tmp_path_factory) -> dict[str, Path]:
    out = {}
    for name in ("costly-twin", "costly-engagement", "break-even-engagement"):
        folder = tmp_path_factory.mktemp(name)
        sample.write_sample(folder, seed=20250331, n_posts=30_000, spec=sample.world(name))
        out[name] = folder
    return out


def test_the_bundled_sample_concludes_what_was_planted():
    c = conclusions_of(Path(data.config.SAMPLE_DIR))
    # planted: twin 0.95, synthetic 0.82, label 0.86 (all lower); twins far cheaper; adoption pays
    assert [c[k]["direction"] for k in ENGAGEMENT_KEYS] == ["lower", "lower", "lower"]
    assert c["cost_twin_vs_traditional"]["direction"] == "lower"
    assert c["npv_adoption"]["direction"] == "positive"
    assert "fewer engagements per impression than comparable unlabelled posts" in c["engagement_ai_label"]["statement"]
    # an engagement worth EUR 0.08, far below the break-even: the move pays, and the decision is to adopt
    assert c["decision"]["direction"] == "adopt"


def decision_of(folder: Path, **params) -> dict:
    p = Params(data_dir=str(folder), as_of="2026-11-28", n_draws=2000, **params)
    d = scenarios.analyse(data.load(p, keep_source=True), p).decision
    considered = d["best_test_considered"]
    evsi = considered["evsi"] if considered else 0.0
    assert 0 <= evsi <= d["evppi"]["engagement_effect"] <= d["evpi"] + 1e-6  # EVSI <= EVPPI <= EVPI
    assert d["evppi"]["value_per_engagement"] <= d["evpi"] + 1e-6
    return d


def test_the_decision_follows_the_planted_truth(worlds):
    """Twins that cost far more: keep, and nothing left to learn; an engagement worth far more
    than the break-even: never adopt or pilot; worth about the break-even with a cheap test:
    test first, a test of 50 to 50,000 posts per arm that is worth its cost."""
    costly = decision_of(worlds["costly-twin"])
    assert costly["recommendation"] == "keep"
    assert costly["evpi"] < 0.01 * max(abs(o["npv_expected"]) for o in costly["options"])
    assert decision_of(worlds["costly-engagement"])["recommendation"] not in ("adopt", "pilot")
    close = decision_of(worlds["break-even-engagement"], test_setup_cost=500.0, test_cost_per_post=1.0)
    assert close["recommendation"] == "test_first"
    assert 50 <= close["test"]["n_per_arm"] <= 50_000 and close["test"]["enbs"] > 0


#: Seeds of the no-effect world: 8 worlds x 3 entries = 24 verdicts where nothing was planted.
NO_EFFECT_SEEDS = tuple(range(101, 109))


@pytest.mark.slow
def test_with_no_imagery_or_label_effect_the_entries_rarely_find_a_difference_over_seeds(tmp_path: Path):
    """Nothing planted: each 95% interval should say "no detectable difference" about 95% of
    the time. Over 24 verdicts at most 3 may find one (3% chance at the nominal rate)."""
    verdicts = []
    for seed in NO_EFFECT_SEEDS:
        folder = tmp_path / f"no-effect-{seed}"
        sample.write_sample(folder, seed=seed, n_posts=30_000, spec=sample.world("no-effect"))
        p = Params(data_dir=str(folder), as_of="2026-11-28", n_draws=200)
        c = engagement.analyse(data.load(p, keep_source=True), p).conclusions
        verdicts += [c[k]["direction"] for k in ENGAGEMENT_KEYS]
        assert all(("showed no detectable difference" in c[k]["statement"]) == (c[k]["direction"] ==
                                                                              "no detectable difference")
                   for k in ENGAGEMENT_KEYS)
    assert len(verdicts) == 24 and verdicts.count("no detectable difference") >= 21, verdicts


def test_when_twins_cost_more_the_cost_and_npv_conclusions_flip(worlds):
    c = conclusions_of(worlds["costly-twin"])
    assert c["cost_twin_vs_traditional"]["direction"] == "higher"
    assert "more per asset" in c["cost_twin_vs_traditional"]["statement"]
    assert c["npv_adoption"]["direction"] == "negative"
    assert "is a loss of" in c["npv_adoption"]["statement"] and "EUR -" not in c["npv_adoption"]["statement"]


def test_in_the_costly_world_nearly_every_draw_loses_money(worlds):
    p = Params(data_dir=str(worlds["costly-twin"]), as_of="2026-11-28", n_draws=2000)
    block = scenarios.analyse(data.load(p, keep_source=True), p).block
    assert block["probability_npv_negative"] > 0.95 and block["npv_observed"] < 0
    assert block["worst_case_saving_per_moved_asset"] < 0
    assert "Under the assumed ranges" in conclusions_of(worlds["costly-twin"])["npv_adoption"]["statement"]


def test_the_npv_follows_what_the_posts_say_an_engagement_is_worth(worlds):
    """Planted: an engagement sells EUR 0.15 in the default world (worth 0.08 at the default
    margin, below the break-even of about 0.13) and EUR 1.50 in the costly-engagement world
    (worth 0.80, far above it). The estimate must cover what was planted and the NPV's
    direction follow it."""
    def worth(spec: SampleSpec) -> float:  # gross margin x revenue per engagement, as the generator plants it
        return Params().gross_margin * spec.clicks_per_engagement * spec.conversion * spec.order_value_eur

    truth = {name: worth(world(name)) for name in ("default", "costly-engagement")}
    for name, folder in (("default", Path(data.config.SAMPLE_DIR)), ("costly-engagement", worlds["costly-engagement"])):
        p = Params(data_dir=str(folder), as_of="2026-11-28", n_draws=2000)
        a = scenarios.analyse(data.load(p, keep_source=True), p)
        v, b = a.block["value_per_engagement"], a.block["break_even_value_per_engagement"]
        assert v["source"] == "post_outcomes" and v["ci_low"] <= truth[name] <= v["ci_high"], (name, v)
        assert 0.05 < b < 0.5, b  # the same cost world as the sample: its break-even is about EUR 0.13
        if name == "default":
            assert v["ci_high"] < b and a.npv_pct["p50"] > 0 and a.conclusions["npv_adoption"]["direction"] == "positive"
            assert a.conclusions["engagement_value"]["direction"] == "pays"
        else:
            assert v["ci_low"] > b and a.npv_pct["p50"] < 0 and a.conclusions["npv_adoption"]["direction"] == "negative"
            assert a.conclusions["engagement_value"]["direction"] == "does not pay"
        assert f"worth more than EUR {b:.3f}" in a.conclusions["engagement_value"]["statement"]


def test_without_post_outcomes_the_break_even_is_stated_and_engagement_not_valued(tmp_path):
    import shutil

    folder = tmp_path / "no-outcomes"
    shutil.copytree(data.config.SAMPLE_DIR, folder)
    (folder / "post_outcomes.parquet").unlink()
    p = Params(data_dir=str(folder), as_of="2026-11-28", n_draws=2000)
    a = scenarios.analyse(data.load(p, keep_source=True), p)
    statement = a.conclusions["engagement_value"]["statement"]
    assert a.block["value_per_engagement"]["source"] == "none"
    assert "the move pays unless an engagement is worth more than EUR 0.1" in statement  # on the observed costs
    assert "engagement is not valued here: add the optional table of post outcomes" in statement
    assert "engagement not valued" in a.conclusions["npv_adoption"]["statement"]


def test_valuing_engagement_moves_the_npv_by_the_label_and_twin_penalty():
    free = Params(as_of="2026-11-28", n_draws=2000, value_per_engagement=0.0)
    valued = Params(as_of="2026-11-28", n_draws=2000, value_per_engagement=0.5)
    ds = data.load(free, keep_source=True)
    a, b = scenarios.analyse(ds, free), scenarios.analyse(ds, valued)
    # moved assets become labelled twin imagery, planted at 0.95 x 0.86 = 0.82 of the engagement: a loss
    assert b.block["engagement"]["irr_twin_times_label"] < 1 and b.block["engagement"]["fit"] == "negative binomial"
    assert b.npv_pct["p50"] < 0 < a.npv_pct["p50"]  # 0.5 is far above the break-even
    assert "set in the parameters" in b.conclusions["npv_adoption"]["statement"]


def test_when_a_twin_asset_runs_dearer_break_even_is_never_and_the_headline_says_so(worlds):
    from twinimpact.words import summary

    p = Params(data_dir=str(worlds["costly-twin"]), as_of="2026-11-28", n_draws=200)
    block = cost.analyse(data.load(p, keep_source=True), p).block
    d = block["drivers"]
    margin = (d["shoot_day_cost"] / d["assets_per_shoot_day"] + d["traditional_post_per_asset"]) - sum(
        d[k] for k in ("licensing_per_asset", "compute_per_asset", "review_per_asset", "compliance_per_asset",
                       "twin_post_per_asset"))
    assert margin < 0  # planted: a twin asset's running cost exceeds a traditional one
    assert block["break_even_assets"] is None and block["break_even_never"] is True
    row = next(h for h in summary.headline_rows({"cost": block, "run": {"reporting_currency": "EUR"}})
               if h.key == "break_even")
    assert row.value == "never" and row.range == "a twin asset's running cost exceeds a traditional one"
    sample = cost.analyse(data.load(Params(as_of="2026-11-28", n_draws=200), keep_source=True),
                          Params(as_of="2026-11-28", n_draws=200)).block
    assert sample["break_even_never"] is False and sample["break_even_assets"] > 0
