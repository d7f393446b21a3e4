"""The decision page's plain sentences (words/statements/plain.py), the quality card
(words/quality.py) and the glossary, on hand-made results whose wording is worked out here."""

from __future__ import annotations

from twinimpact.words import executive, quality
from twinimpact.words.glossary import GLOSSARY
from twinimpact.words.statements import plain

RES = {
    "run": {"reporting_currency": "EUR"},
    "cost": {"cost_per_asset": {"twin": 91.55, "traditional": 374.08},
             "twin_minus_traditional_per_asset": {"estimate": -282.5, "ci_low": -297.0, "ci_high": -267.0}},
    "scenarios": {"probability_npv_negative": 0.055, "tornado": [{"label": "assets per shoot day"}],
                  "value_per_engagement": {"source": "post_outcomes"}},
    "labor": {"adoption_share": 0.8, "fte_change": -0.5, "displaced_hours": 3887.0},
    "models": {"better_and_worse_off": {"twin_models": {"models": 29, "losers": {"p50": 11.0}},
                                        "models_without_twin": {"models": 28, "losers": {"p50": 26.0}}}},
    "rights": {"twin_assets": 4879, "assets_with_findings": 15, "underpaid_total": 42.66,
               "owed_by_model": {"M1": 10.0, "M2": 20.0, "M3": 12.66},
               "provenance": {"checked": False}},
    "decision": {"recommendation": "adopt", "test": None,
                 "best_test_considered": {"evsi": 2.3, "cost": 11_428.0, "enbs": -11_425.7},
                 "commitments": [{"name": "models_whole", "cost_npv": 207_679.0, "active": False,
                                  "recommendation_with": "adopt"},
                                 {"name": "redeploy_all", "cost_npv": 247_588.0, "active": True,
                                  "recommendation_with": "pilot"}]},
    "engagement": {"irr_twin_vs_human": {"estimate": 0.945, "ci_low": 0.925, "ci_high": 0.967}, "clusters": 303,
                   "posts": 50_000, "overdispersion": {"negbin_alpha": 0.4},
                   "did_after_adoption": {"estimable": True, "pretrend": {"p_value": 0.4}}},
}
JARGON = ("CV3", "Poisson", "bootstrap", "rate ratio", "clustered", "P10", "P90", "negative binomial", "IRR")


def test_each_plain_sentence_states_its_numbers_in_plain_words():
    said = plain.plain_conclusions(RES)
    assert said["plain_money"] == {"direction": "lower", "statement": (
        "Money: a finished image or video made with digital twins cost EUR 91.55 in these campaigns, against "
        "EUR 374.08 from a photoshoot: EUR 282.53 less per asset.")}
    assert said["plain_risk"]["statement"] == ("Risk: about 1 in 18 simulations of the move loses money; its value "
                                               "depends most on assets per shoot day.")  # 1 / 0.055 = 18.2
    assert said["plain_people"]["statement"] == (
        "People: at 80% twin-made assets, about 0.5 fewer full-time creative jobs a year (3,887 paid hours of "
        "photoshoots no longer needed, part of them redeployed); 11 of 29 models with a twin and 26 of 28 without "
        "one would earn less.")
    assert said["plain_rights"]["statement"] == ("Rights: 15 of 4,879 twin-made assets broke a model's consent, "
                                                 "scope, watermark or pay terms; EUR 42.66 is owed to 3 models.")
    assert said["plain_next_step"]["statement"] == (
        "Next step: plan the move and rerun this report as new posts come in; testing first would cost more than "
        "it is worth (at best EUR 2 against EUR 11,428).")
    assert said["plain_promises"]["statement"] == (
        "Promises: keeping every booked model's pay whole would cost EUR 207,679 and the target would still be best; "
        "paying every displaced hour would cost EUR 247,588 (made here) and a smaller move would be best.")
    for c in said.values():
        assert not any(j.lower() in c["statement"].lower() for j in JARGON), c["statement"]


def test_the_next_step_follows_the_recommendation():
    test = {"n_per_arm": 126, "weeks": 2}
    first = plain.next_step_plain({**RES, "decision": {"recommendation": "test_first", "test": test}})
    assert first["statement"] == ("Next step: run the randomised test, 126 posts per arm with twin imagery or "
                                  "photographed models, about 2 weeks, then decide on its result.")
    hang = plain.next_step_plain({**RES, "decision": {"recommendation": "adopt", "conditional_on": {"on": "x"}}})
    assert "measure what an engagement is worth" in hang["statement"]
    assert plain.next_step_plain({})["direction"] is None


def test_what_is_missing_is_said_and_never_shown_as_zero():
    empty = plain.plain_conclusions({"run": {"reporting_currency": "EUR"}})
    assert all(c["direction"] is None for c in empty.values())
    assert all("EUR 0" not in c["statement"] for c in empty.values())
    assert "was not measured" in empty["plain_money"]["statement"]


def test_the_quality_card_marks_observational_evidence_and_few_clusters_for_review_and_no_value_as_fail():
    card = quality.card(RES)
    status = {(r["estimate"], r["check"]): r["status"] for r in card}
    assert status[("Engagement of twin imagery", "evidence")] == "REVIEW"  # observational
    assert status[("Engagement of twin imagery", "clusters")] == "PASS"  # 303 campaigns
    assert status[("Value of an engagement", "evidence")] == "PASS"
    assert status[("Rights and markings", "provenance")] == "REVIEW"
    few = {**RES, "engagement": {**RES["engagement"], "clusters": 7}, "scenarios": {"value_per_engagement": {}}}
    card = quality.card(few)
    status = {(r["estimate"], r["check"]): r["status"] for r in card}
    assert status[("Engagement of twin imagery", "clusters")] == "REVIEW"
    assert status[("Value of an engagement", "evidence")] == "FAIL"
    assert quality.failed(card) == {"Value of an engagement"}
    assert all(r["status"] in quality.STATUSES and r["recommendation"] for r in card)
    html = executive.quality_html({"quality": card})
    assert html.count("<tr class=") == len(card) and "FAIL" in html


def test_the_glossary_explains_every_term_the_decision_page_keeps_out():
    terms = " ".join(GLOSSARY).lower()
    for jargon in ("p10", "rate ratio", "poisson", "negative binomial", "bootstrap", "cv3", "evpi", "enbs"):
        assert jargon in terms, jargon
    page = executive.glossary_html()
    assert page.count("<dt>") == len(GLOSSARY) and 'id="glossary"' in page
