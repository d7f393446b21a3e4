"""Sentences built from the numbers: directions from intervals, associational wording, verbs
that follow the sign, and the few-cluster inference behind the before/after sentence."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from twinimpact.words import statements
from twinimpact.analyses.stats.count_model import Design, Fit, build_design
from twinimpact.analyses.stats.event_study import pretrend_test, wild_score_test


@pytest.mark.parametrize("lo,hi,expected", [(0.80, 0.87, "lower"), (1.02, 1.10, "higher"),
                                             (0.93, 1.003, "no detectable difference"), (None, 1.1, None)])
def test_direction_follows_the_interval(lo, hi, expected):
    assert statements.direction(lo, hi) == expected


def test_change_words_and_trends():
    assert statements.change_words(0.839) == "16% fewer" and statements.change_words(1.12) == "12% more"
    assert statements.change_words(1.002) == "about the same"
    assert statements.trend_words(0.2, 0.35) == "rose from 20% to 35%"
    assert statements.trend_words(0.35, 0.2) == "fell from 35% to 20%"
    assert statements.trend_words(0.5, 0.501) == "stayed at 50%"


def test_the_label_statement_is_associational_and_follows_the_numbers():
    c = statements.engagement_conclusion("engagement_ai_label", {"estimate": 0.839, "ci_low": 0.805, "ci_high": 0.874})
    assert c["direction"] == "lower"
    assert c["statement"].startswith("Posts labelled as AI-made had 16% fewer engagements per impression than "
                                     "comparable unlabelled posts (rate ratio 0.839, 95% interval 0.805 to 0.874")
    assert "association" in c["statement"] and "costs" not in c["statement"] and "causes" not in c["statement"]
    null = statements.engagement_conclusion("engagement_ai_label", {"estimate": 0.99, "ci_low": 0.95, "ci_high": 1.03})
    assert null["direction"] == "no detectable difference" and "showed no detectable difference" in null["statement"]


def test_a_check_fit_pointing_elsewhere_is_named_in_the_same_statement():
    c = statements.engagement_conclusion("engagement_twin_vs_human",
                                         {"estimate": 0.945, "ci_low": 0.926, "ci_high": 0.965},
                                         {"estimate": 0.967, "ci_low": 0.933, "ci_high": 1.003}, "poisson")
    assert c["direction"] == "lower"
    assert "The Poisson fit finds no detectable difference (0.967, 0.933 to 1.003)." in c["statement"]
    same = statements.engagement_conclusion("engagement_twin_vs_human",
                                            {"estimate": 0.9, "ci_low": 0.85, "ci_high": 0.95},
                                            {"estimate": 0.91, "ci_low": 0.86, "ci_high": 0.97}, "poisson")
    assert "Poisson fit finds" not in same["statement"]


def test_not_estimable_is_said_not_shown_as_a_number():
    c = statements.engagement_conclusion("engagement_synthetic_vs_human",
                                         {"estimate": None, "ci_low": None, "ci_high": None})
    assert c["direction"] is None and "not estimable" in c["statement"] and "0.00" not in c["statement"]


def test_cost_statement_by_hand():
    # twin 48 against traditional 200: 152 less; bootstrap interval of twin - traditional -170 to -140
    c = statements.cost_conclusion(200.0, 48.0, {"estimate": -152.0, "ci_low": -170.0, "ci_high": -140.0}, "EUR")
    assert c["direction"] == "lower"
    assert "EUR 152.00 less per asset (95% bootstrap interval over campaigns EUR 140.00 to EUR 170.00 less)" in \
        c["statement"]
    dearer = statements.cost_conclusion(100.0, 130.0, {"estimate": 30.0, "ci_low": 10.0, "ci_high": 50.0}, "EUR")
    assert dearer["direction"] == "higher" and "EUR 30.00 more per asset" in dearer["statement"]


@pytest.mark.parametrize("npv,expected,word", [({"p10": 10.0, "p50": 20.0, "p90": 30.0}, "positive", "is worth"),
                                               ({"p10": -30.0, "p50": -20.0, "p90": -10.0}, "negative", "is a loss of EUR 20"),
                                               ({"p10": -5.0, "p50": 3.0, "p90": 9.0}, "uncertain", "may gain or lose")])
def test_npv_direction_from_p10_and_p90(npv, expected, word):
    c = statements.npv_conclusion(npv, 0.2, 0.5, 0.8, 5, "EUR", {"source": "none"})
    assert c["direction"] == expected and word in c["statement"], c["statement"]
    assert "Under the assumed ranges 20% of the draws lose money." in c["statement"]
    assert "engagement not valued (no post outcomes in the data, no value per engagement set)" in c["statement"]


def test_compliance_and_representation_titles_state_only_what_the_numbers_say():
    t = statements.compliance_title(0.9992, 0.9975, 0.62, "2025Q4", ("2023Q2", 0.0, 2))
    assert t == ("Over all quarters 99.9% of twin assets carried the watermark and 99.7% were within consent "
                 "(lowest: 0% in 2023Q2, 2 assets); 62% of AI-imagery posts carried the AI label in 2025Q4")
    assert "near 100%" not in statements.compliance_title(0.5, 0.4, None, None)
    r = statements.representation_title("size_range", {"twin_assets": 0.25, "roster": 0.1, "twin_roster": 0.2})
    assert r.startswith("By size range, published twin assets are 25% from the target mix, the whole roster 10%")
    assert "narrow" not in r and "widen" not in r


def test_the_before_after_sentence_names_its_unit_its_shuffles_and_the_brands_it_rests_on():
    st = {"estimable": True, "unit": "brand", "rule": "the brand is the unit, because adopting twins is a brand's "
          "decision", "units": 3, "adopting_units": 2, "rate_ratio": 0.984, "ci_low": None, "ci_high": None,
          "interval_reason": "re-assigning the adoption dates among 3 brands gives at most 6 distinct assignments",
          "smallest_p": 1 / 6, "p_value": 0.5, "inference": "every one of the 6 permutations of the adoption dates"}
    c = statements.before_after_conclusion({"estimate": 0.9, "staggered": st})
    assert c["direction"] == "cannot tell"
    assert "(every one of the 6 permutations) gives p = 0.50, and the inference rests on 3 brands" in c["statement"]
    assert "rests on 3 brands, whose shuffles cannot give a p-value below 0.17, so there is no 95% interval" in c[
        "statement"] and "the brand is the unit" in c["statement"]
    lower = statements.before_after_conclusion({"staggered": {**st, "units": 8, "p_value": 0.0041, "rate_ratio": 0.81,
                                                              "ci_low": 0.74, "ci_high": 0.88}})
    assert lower["direction"] == "lower" and "p = 0.0041" in lower["statement"]
    assert "(95% interval 0.740 to 0.880)" in lower["statement"] and "rests on 8 brands" in lower["statement"]
    not_estimable = statements.before_after_conclusion({"staggered": {"estimable": False, "reason": "1 brand(s)"}})
    assert not_estimable["direction"] is None and "not estimable: 1 brand(s)" in not_estimable["statement"]
    # under a study that is not estimable there is no pre-trend sentence to contradict it
    assert statements.staggered_pretrend_sentence({"estimable": False, "reason": "1 brand(s)"}) == ""


def test_pretrend_wald_test_by_hand():
    # two pre-adoption coefficients 0.1 and -0.2 with covariance diag(0.01, 0.04): chi2 = 1 + 1 = 2 on 2 df
    fit = Fit("poisson", ["intercept", "rel[-3]", "rel[-2]"], np.array([0.0, 0.1, -0.2]),
              np.diag([1.0, 0.01, 0.04]), 10, 10, 5)
    t = pretrend_test(fit, ["rel[-3]", "rel[-2]", "rel[-4]"])
    assert t["chi2"] == pytest.approx(2.0) and t["df"] == 2 and t["p_value"] == pytest.approx(np.exp(-1.0))


def _brand_design(effect: float) -> tuple[Design, Design, np.ndarray]:
    """Four brands, two months each; brands C and D adopt in month 2; ``effect`` multiplies
    their rate after adoption."""
    rows = []
    for b, adopts in zip("ABCD", (False, False, True, True)):
        for m in ("2024-01", "2024-02"):
            after = adopts and m == "2024-02"
            rows.append({"imagery": "human", "ai_label": False, "platform": "instagram", "format": "image", "brand": b,
                         "month": m, "log_followers": 0.0, "cluster": b, "posts": 1, "exposure": 10_000.0,
                         "y": 100.0 * (1.1 if b in "BD" else 1.0) * (1.05 if m == "2024-02" else 1.0)
                         * (effect if after else 1.0), "after": float(after)})
    cells = pd.DataFrame(rows)
    base = build_design(cells)
    full = Design(np.column_stack([base.X, cells["after"].to_numpy()]), base.names + ["after_adoption"], base.y,
                  base.exposure, base.clusters, base.posts, None)
    return base, full, cells["brand"].to_numpy()


def test_wild_bootstrap_enumerates_every_webb_pattern_and_finds_nothing_without_an_effect():
    base, full, brands = _brand_design(1.0)
    t = wild_score_test(base, full, brands, seed=0)
    assert t["patterns"] == 6 ** 4 and t["method"] == "Webb weights, every one of the 1,296 patterns"
    assert t["statistic"] == pytest.approx(0.0, abs=1e-6) and t["p_value"] == pytest.approx(1.0)


def test_an_effect_lowers_the_p_value_of_the_brand_level_bootstrap():
    base, full, brands = _brand_design(1.5)
    t = wild_score_test(base, full, brands, seed=0)
    assert t["statistic"] > 0 and t["clusters"] == 4
    assert t["p_value"] < wild_score_test(*_brand_design(1.0), seed=0)["p_value"]


def test_an_engagement_sentence_names_its_outcome_and_how_its_interval_was_made():
    irr = {"estimate": 0.9, "ci_low": 0.85, "ci_high": 0.95}
    c = statements.engagement_conclusion("engagement_twin_vs_human", irr, outcome="likes")
    assert "10% fewer likes per impression than" in c["statement"]
    assert "95% interval 0.850 to 0.950, clustered by campaign (CV3)" in c["statement"]
    other = statements.engagement_conclusion("engagement_twin_vs_human", irr,
                                             {"estimate": 0.97, "ci_low": 0.9, "ci_high": 1.05}, "poisson")
    assert "The Poisson fit finds no detectable difference (0.970, 0.900 to 1.050)." in other["statement"]
