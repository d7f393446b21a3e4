"""Sentences that state a result, built from the numbers: the ``conclusions`` of
results.json and every finding a chart title or a notebook prints. Nothing here decides a
verb without the number that earns it, and estimates from observational data get
associational wording ("posts with ... had ...", "compared with ...") rather than causal
wording ("the label costs ...").

Each conclusion is ``{"direction": ..., "statement": ...}``; ``direction`` comes from the
95% interval: ``lower`` or ``higher`` when the interval excludes no difference, else
``no detectable difference`` (``null`` when the estimate could not be computed).

One module per chapter (``cost``, ``labor``, ``engagement``, ``rights``, ``scenarios``) and the
words they share (``common``); every public name is importable from here.
"""

from __future__ import annotations

from twinimpact.words.statements.common import NO_DIFFERENCE, ENGAGEMENT_HELD_FIXED, direction, change_words, trend_words, money_or_loss, signed_money_words, range_words, valued_words, fte_words
from twinimpact.words.statements.engagement import contradicted, engagement_conclusion, tested_conclusion, failed_test_conclusion, before_after_conclusion, staggered_pretrend_sentence, overdispersion_sentence, label_title, event_study_title, exposure_shift_sentence, label_over_time_conclusion, pvalue, after_adoption_sentence
from twinimpact.words.statements.cost import cost_conclusion
from twinimpact.words.statements.scenarios import decision_conclusion, decision_title, npv_conclusion, engagement_value_conclusion, npv_title, npv_tornado_title
from twinimpact.words.statements.labor import models_income_conclusion, jobs_conclusion, labour_title, exposure_title, livelihoods_sentence
from twinimpact.words.statements.rights import rights_conclusion, provenance_sentence, compliance_title, representation_title, platform_label_sentence

__all__ = [
    "contradicted",
    "NO_DIFFERENCE",
    "ENGAGEMENT_HELD_FIXED",
    "direction",
    "change_words",
    "trend_words",
    "money_or_loss",
    "signed_money_words",
    "range_words",
    "valued_words",
    "fte_words",
    "engagement_conclusion",
    "tested_conclusion",
    "failed_test_conclusion",
    "before_after_conclusion",
    "staggered_pretrend_sentence",
    "exposure_shift_sentence",
    "label_over_time_conclusion",
    "after_adoption_sentence",
    "pvalue",
    "platform_label_sentence",
    "overdispersion_sentence",
    "label_title",
    "event_study_title",
    "cost_conclusion",
    "decision_conclusion",
    "decision_title",
    "npv_conclusion",
    "engagement_value_conclusion",
    "npv_title",
    "npv_tornado_title",
    "models_income_conclusion",
    "jobs_conclusion",
    "labour_title",
    "exposure_title",
    "livelihoods_sentence",
    "rights_conclusion",
    "provenance_sentence",
    "compliance_title",
    "representation_title",
]
