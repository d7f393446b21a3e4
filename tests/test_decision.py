"""The decision (twinimpact.analyses.scenarios.decision): options, the recommendation by its
stated rule, the best test, and the decision sentence, on hand-made draws whose answer is
known; the whole on the sample."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from twinimpact.analyses.scenarios import decision
from twinimpact.params import Params
from twinimpact.words import statements


def test_the_options_run_from_todays_mix_through_halfway_to_the_target_unless_the_parameters_say():
    assert decision.option_shares(Params(adoption_share=0.8), 0.4) == pytest.approx([0.4, 0.6, 0.8])
    assert decision.option_shares(Params(adoption_share=0.8, options=[0.5, 0.4, 1.0]), 0.4) == [0.4, 0.5, 1.0]
    assert [decision.option_label(s, 0.4, 0.8) for s in (0.4, 0.6, 0.8)] == ["keep", "pilot", "adopt"]


def test_compare_summarises_each_option_and_who_wins_each_draw():
    nb = np.array([[0.0, 1.0, 3.0], [0.0, 2.0, -1.0], [0.0, -1.0, -2.0], [0.0, 5.0, 4.0]])
    labels, options = decision.compare([0.2, 0.5, 0.8], nb, 0.8)
    assert labels == ["keep", "pilot", "adopt"]
    assert [o["npv_expected"] for o in options] == [0.0, 1.75, 1.0]
    assert [o["p_best"] for o in options] == [0.25, 0.5, 0.25]  # draw 3: keep (0) beats -1 and -2
    assert decision.recommend(labels, nb, None) == "pilot"
    assert decision.recommend(labels, nb, {"enbs": 10.0}) == "test_first"
    assert decision.recommend(labels, nb, {"enbs": -1.0}) == "pilot"


def _draws(theta: np.ndarray, value: float = 0.1, per_asset: float = 100.0) -> SimpleNamespace:
    return SimpleNamespace(change=per_asset * (np.exp(theta) - 1), value_draws=np.full(len(theta), value),
                           engagement={"engagements_per_asset": per_asset}, value={"source": "parameter"})


PLAN = {"posts_per_arm": 1000, "mean_engagements": 50.0, "overdispersion": 0.5, "cv_impressions": 1.0,
        "posts_per_week": 20.0}


def test_the_standard_error_of_a_test_is_the_planners():
    # v(mu) = 1/mu + alpha (1 + c^2): 1/50 + 1 = 1.02 and 1/(50 x 0.8) + 1 = 1.025, over 100 posts per arm
    assert decision.test_standard_error(PLAN, 0.8, 100) == pytest.approx(np.sqrt((1.02 + 1.025) / 100))


def test_a_close_call_on_the_engagement_effect_is_worth_a_cheap_test_and_not_a_dear_one():
    """Adopting is worth 1,000,000 x theta: a coin flip on the sign of a log rate ratio
    drawn N(0, 0.1^2). A test measures theta; the cheap one pays, the dear one does not."""
    theta = np.random.default_rng(5).normal(0.0, 0.1, 20_000)
    nb = np.column_stack([np.zeros_like(theta), 1e6 * theta])
    draws = _draws(theta)
    e_pi = decision.voi.evpi(nb)
    assert e_pi == pytest.approx(1e6 * 0.1 / np.sqrt(2 * np.pi), rel=0.03)  # E[max(0, theta)] x 1e6
    cheap = decision.best_test(nb, draws, PLAN, Params(test_setup_cost=100.0, test_cost_per_post=0.1), e_pi)
    assert cheap is not None and cheap["enbs"] > 0 and 50 <= cheap["n_per_arm"] <= 50_000
    assert cheap["evsi"] <= e_pi and 0.3 < cheap["p_changes_decision"] < 0.7
    dear = decision.best_test(nb, draws, PLAN, Params(test_setup_cost=1e6, test_cost_per_post=0.1), e_pi)
    assert dear["enbs"] < 0
    assert decision.recommend(["keep", "adopt"], nb, dear) in ("keep", "adopt")


def test_no_test_is_planned_when_engagement_is_not_valued():
    theta = np.zeros(100)
    draws = SimpleNamespace(change=theta, value_draws=theta, engagement={"not_valued": "no fit"}, value={})
    assert decision.best_test(np.zeros((100, 2)), draws, PLAN, Params(), 0.0) is None


def _block(recommendation, options, test=None, conditional=None):
    return {"recommendation": recommendation, "options": options, "test": test, "conditional_on": conditional}


OPTIONS = [{"share": 0.58, "label": "keep", "npv_expected": 0.0, "npv_p10": 0.0, "p_best": 0.05},
           {"share": 0.69, "label": "pilot", "npv_expected": 300_000.0, "npv_p10": 60_000.0, "p_best": 0.02},
           {"share": 0.8, "label": "adopt", "npv_expected": 528_660.0, "npv_p10": 92_314.0, "p_best": 0.93}]


def test_the_decision_sentence_says_what_to_do_what_it_is_worth_and_how_sure_in_plain_words():
    c = statements.decision_conclusion(_block("adopt", OPTIONS), "EUR", 5)
    assert c["direction"] == "adopt"
    assert c["statement"] == ("Recommendation: move to 80% twin-made assets. Over 5 years it is expected to be worth "
                              "EUR 528,660 against keeping today's mix (58%), with a 1 in 10 chance of less than "
                              "EUR 92,314. It comes out best in 93% of the simulations of the 3 options compared.")
    for jargon in ("P10", "P90", "rate ratio", "Poisson", "bootstrap", "CV3", "IRR"):
        assert jargon not in c["statement"]


def test_the_decision_sentence_names_the_test_to_run_first_or_what_the_choice_hangs_on():
    test = {"n_per_arm": 1200, "weeks": 12, "enbs": 41_000.0, "cost": 29_000.0, "p_changes_decision": 0.31}
    c = statements.decision_conclusion(_block("test_first", OPTIONS, test), "EUR", 5)
    assert c["direction"] == "test_first" and "A randomised test of 1,200 posts per arm" in c["statement"]
    assert "about 12 weeks" in c["statement"] and "EUR 41,000 more than deciding now" in c["statement"]
    cond = {"on": "what an engagement is worth", "break_even_value_per_engagement": 0.13,
            "why": "the data hold no outcomes of posts to value an engagement by"}
    c = statements.decision_conclusion(_block("adopt", OPTIONS, None, cond), "EUR", 5)
    assert c["statement"].startswith("Recommendation: move to 80% twin-made assets, unless an engagement is worth "
                                     "more than EUR 0.13")
    keep = [dict(OPTIONS[0], p_best=0.9), dict(OPTIONS[2], npv_expected=-20_000.0)]
    c = statements.decision_conclusion(_block("keep", keep), "EUR", 5)
    assert c["direction"] == "keep" and "keep today's mix (58% twin-made assets)" in c["statement"]
    assert "expected to lose EUR 20,000" in c["statement"]


def test_a_commitment_costs_in_proportion_to_how_far_an_option_moves_and_can_change_the_choice():
    costs = decision.commitment_costs([0.4, 0.6, 0.8], {"models_whole": 1000.0, "redeploy_all": None}, 0.8)
    assert list(costs) == ["models_whole"] and costs["models_whole"] == pytest.approx([0.0, 500.0, 1000.0])
    nb = np.tile([0.0, 900.0, 1500.0], (4, 1))  # adopt best by 600; with the promise: 0, 400, 500
    rows = decision.priced_commitments(["keep", "pilot", "adopt"], nb, costs, [], {"redeploy_all": "no staffing"})
    whole, redeploy = rows
    assert whole["cost_npv"] == 1000.0 and whole["binding"] and whole["recommendation_with"] == "adopt"
    assert redeploy["cost_npv"] is None and redeploy["not_priced"] == "no staffing"
    dear = decision.commitment_costs([0.4, 0.6, 0.8], {"models_whole": 2000.0}, 0.8)  # 0, 1000, 2000
    assert decision.priced_commitments(["keep", "pilot", "adopt"], nb, dear, [], {})[0]["recommendation_with"] == "keep"


def test_the_sample_with_models_kept_whole_pays_for_it_and_still_says_so_on_the_first_line():
    from twinimpact.analyses.scenarios import paths
    from twinimpact.sources import data

    plain = Params(as_of="2026-11-28", n_draws=1000)
    whole = Params(as_of="2026-11-28", n_draws=1000, commitments={"models_whole": True})
    ds = data.load(plain, keep_source=True)
    a, b = paths.analyse(ds, plain), paths.analyse(ds, whole)
    target = lambda d: next(o for o in d["options"] if o["label"] == "adopt")  # noqa: E731
    priced = next(c for c in b.decision["commitments"] if c["name"] == "models_whole")
    assert priced["active"] and priced["cost_npv"] > 0 and priced["binding"]
    assert target(b.decision)["npv_expected"] < target(a.decision)["npv_expected"]
    assert "The promise to keep every model booked in the base year" in b.conclusions["decision"]["statement"]


def test_the_decision_sentence_says_which_evidence_the_engagement_figures_rest_on():
    observed = statements.decision_conclusion({**_block("adopt", OPTIONS), "evidence": "observational (Poisson)"},
                                              "EUR", 5)["statement"]
    assert observed.endswith("Its engagement figures rest on the brand's own posts, an association discounted for "
                             "possible bias.") and "Poisson" not in observed
    tested = statements.decision_conclusion({**_block("adopt", OPTIONS), "evidence": "randomised test EXP-1"},
                                            "EUR", 5)["statement"]
    assert tested.endswith("Its engagement figures rest on a randomised test.")
