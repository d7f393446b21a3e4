"""The executive's first page: the conclusions of results.json verbatim (one voice), sentences
that change with the numbers and say a loss as a loss, the notice only on synthetic data,
readable labels, escaped strings."""

from __future__ import annotations

import copy
import html
import shutil
from pathlib import Path

import pandas as pd

from twinimpact import config
from twinimpact.sources import data
from twinimpact.words import executive, labels, narrate, statements
from twinimpact.params import Params

from .conftest import TINY

RES = {
    "run": {"reporting_currency": "EUR", "params_name": "default"},
    "cost": {"cost_per_asset": {"traditional": 374.08, "twin": 91.55},
             "savings_per_asset": {"p10": 236.15, "p50": 305.91, "p90": 394.43}},
    "engagement": {"irr_twin_vs_human": {"estimate": 0.9454, "ci_low": 0.9247, "ci_high": 0.9666},
                   "irr_ai_label": {"estimate": 0.853, "ci_low": 0.834, "ci_high": 0.873},
                   "did_after_adoption": {"inference": {"p_value": 0.36, "clusters": 3}}},
    "labor": {"fte_change": -0.52, "adoption_share": 0.8, "displaced_hours": 3887.0,
              "intervals": {"net_fte": {"p10": -0.58, "p90": -0.48}},
              "hours_change_by_role": {"model": -648.0, "photographer": -399.8, "ai_artist": 860.6},
              "model_income": {"traditional_per_model": 5633.2, "twin_per_model": 2189.0, "gainers": 3,
                               "losers": 57}},
    "rights": {"assets_with_findings": 15, "twin_assets": 4879, "underpaid_total": 42.66,
               "owed_by_model": {"M1": 17.34, "M2": 13.43, "M3": 11.89}},
    "scenarios": {"npv": {"p10": 1047381.0, "p50": 1283718.0, "p90": 1586033.0}, "start_twin_share": 0.5753,
                  "target_twin_share": 0.8, "horizon_years": 5, "probability_npv_negative": 0.0,
                  "engagement": {"value_per_engagement": 0.0}},
}


def _conclusions(res: dict) -> dict:
    """The conclusions the analyses would emit for these numbers (built by the same functions)."""
    cost, eng, labor, rights, scen = (res[k] for k in ("cost", "engagement", "labor", "rights", "scenarios"))
    return {
        "cost_twin_vs_traditional": statements.cost_conclusion(
            cost["cost_per_asset"]["traditional"], cost["cost_per_asset"]["twin"],
            {"estimate": -282.53, "ci_low": -297.3, "ci_high": -267.7}, "EUR"),
        "engagement_twin_vs_human": statements.engagement_conclusion("engagement_twin_vs_human",
                                                                     eng["irr_twin_vs_human"]),
        "engagement_ai_label": statements.engagement_conclusion("engagement_ai_label", eng["irr_ai_label"]),
        "jobs_adoption": statements.jobs_conclusion(labor),
        "rights_findings": statements.rights_conclusion(rights, "EUR"),
        "npv_adoption": statements.npv_conclusion(scen["npv"], scen["probability_npv_negative"],
                                                  scen["start_twin_share"], scen["target_twin_share"],
                                                  scen["horizon_years"], "EUR", False),
    }


def test_the_bottom_line_is_every_conclusion_verbatim_in_order():
    res = {**copy.deepcopy(RES), "conclusions": _conclusions(RES)}
    res["conclusions"]["engagement_synthetic_vs_human"] = {"direction": None, "statement": None}  # not in this run
    lines = executive.bottom_line(res)
    assert lines == [res["conclusions"][k]["statement"] for k in (
        "cost_twin_vs_traditional", "engagement_twin_vs_human", "engagement_ai_label", "jobs_adoption",
        "rights_findings", "npv_adoption")]
    top, _ = executive.first_page(res, {"data": {"synthetic": False}}, [])
    for sentence in lines:
        assert html.escape(sentence) in top
    npv = res["conclusions"]["npv_adoption"]["statement"]
    assert "Engagement is not valued" in npv  # the caveat travels with the sentence


def test_the_jobs_sentence_states_its_numbers_and_the_bound_without_redeployment():
    labor = {**RES["labor"], "year": 2025, "fte_change_without_redeployment": -1.28}
    c = statements.jobs_conclusion(labor)
    assert c["direction"] == "fewer"  # P90 -0.48 < 0
    assert c["statement"].startswith("At 80% twin-made assets in 2025, paid creative work changes by -0.5 "
                                     "full-time equivalents a year (P10 -0.6, P90 -0.5 over the hours per asset")
    assert "; -1.3 if no displaced hour were redeployed" in c["statement"]
    assert ("3,887 paid hours a year of traditional and hybrid production are no longer needed, most from models and "
            "photographers.") in c["statement"]
    wide = {**labor, "intervals": {"net_fte": {"p10": -0.9, "p90": 0.2}}}
    assert statements.jobs_conclusion(wide)["direction"] == "uncertain"
    assert statements.jobs_conclusion({})["direction"] is None


def test_the_rights_sentence_counts_findings_and_money_owed():
    c = statements.rights_conclusion(RES["rights"], "EUR")
    assert c == {"direction": "findings", "statement": "15 of 4,879 twin assets break a consent, scope, watermark "
                                                       "or pay rule; EUR 42.66 is owed to 3 models."}
    clean = statements.rights_conclusion({**RES["rights"], "assets_with_findings": 0}, "EUR")
    assert clean["direction"] == "none" and clean["statement"].startswith("Every one of the 4,879 twin assets")
    assert statements.rights_conclusion({"twin_assets": 0}, "EUR")["direction"] is None


def test_a_loss_is_worded_as_a_loss_never_as_a_negative_amount():
    assert statements.money_or_loss(-467953.2, "EUR") == "a loss of EUR 467,953"
    assert statements.money_or_loss(1200.0, "EUR") == "EUR 1,200"
    c = statements.npv_conclusion({"p10": -727591.0, "p50": -467953.0, "p90": -120000.0}, 0.97, 0.2, 0.8, 5,
                                  "EUR", True)
    assert c["direction"] == "negative"
    assert ("is a loss of EUR 467,953 today against keeping today's mix (P50; P10 a loss of EUR 727,591, "
            "P90 a loss of EUR 120,000); 97% of the draws under the assumed driver ranges lose money.") in c["statement"]
    assert "EUR -" not in c["statement"]
    mixed = statements.npv_conclusion({"p10": -90000.0, "p50": 25000.0, "p90": 120000.0}, 0.3, 0.2, 0.8, 5, "EUR", True)
    assert mixed["direction"] == "uncertain" and "may gain or lose: at the median it is worth EUR 25,000 today" in \
        mixed["statement"]
    assert "P10 a loss of EUR 90,000, P90 EUR 120,000" in mixed["statement"]


def test_what_was_not_measured_says_so_and_never_shows_zero():
    res = {"run": {"reporting_currency": "EUR"}, "conclusions": {
        "jobs_adoption": statements.jobs_conclusion({}), "rights_findings": statements.rights_conclusion({}, "EUR"),
        "npv_adoption": statements.npv_conclusion({}, None, 0.0, 0.8, 5, "EUR", False)}}
    lines = executive.bottom_line(res)
    assert len(lines) == 3 and all("not" in s for s in lines)
    assert not [s for s in lines if "0.00" in s or "EUR 0" in s]
    assert executive.risks({}) == ["No material risk stands out in these numbers."]


def test_when_twins_cost_more_the_engagement_risk_does_not_speak_of_savings():
    dear = copy.deepcopy(RES)
    dear["cost"]["savings_per_asset"] = {"p10": -220.0, "p50": -174.0, "p90": -120.0}
    found = " ".join(executive.risks(dear))
    assert "offsets part of the savings" not in found and "adds to the cost of moving" in found


def test_risks_appear_only_when_their_numbers_earn_them():
    found = " ".join(executive.risks(RES))
    assert "Engagement: twin imagery went with 5% fewer" in found and "no value per engagement is set" in found
    assert "who gains and who loses is not measured model by model" in found and "p = 0.36, 3 brands" in found
    booked = copy.deepcopy(RES)
    booked["models"] = {"better_and_worse_off": {
        "twin_models": {"models": 30, "gainers": {"p50": 18}, "losers": {"p10": 10, "p50": 11, "p90": 13}},
        "models_without_twin": {"models": 30, "losers": {"p10": 25, "p50": 26, "p90": 28}}}}
    assert "11 of 30 models with a twin and 26 of 30 without one would earn less" in " ".join(executive.risks(booked))
    calm = copy.deepcopy(RES)
    calm["engagement"] = {"irr_twin_vs_human": {"estimate": 1.0, "ci_low": 0.97, "ci_high": 1.03}}
    calm["rights"]["assets_with_findings"] = 0
    calm["labor"]["fte_change"] = 0.3
    calm["labor"]["model_income"]["twin_per_model"] = 6000.0
    assert executive.risks(calm) == ["No material risk stands out in these numbers."]


def test_the_sample_notice_appears_on_synthetic_data_only(tmp_path: Path):
    assert data.is_synthetic(Params())  # the bundled sample: its generator's TRUTH.json sits beside it
    real = tmp_path / "real"
    shutil.copytree(TINY, real)
    assert not data.is_synthetic(Params(data_dir=str(real)))
    (real / data.SYNTHETIC_MARKER).write_text("{}")
    assert data.is_synthetic(Params(data_dir=str(real)))
    assert not data.is_synthetic(Params(source_env="WAREHOUSE_URL"))
    assert (config.SAMPLE_DIR / data.SYNTHETIC_MARKER).is_file()
    assert "Sample data." in executive.notice_html({"data": {"synthetic": True}})
    assert executive.notice_html({"data": {"synthetic": False}}) == executive.notice_html({}) == ""


def test_the_first_page_escapes_what_comes_from_data_and_links_every_chapter():
    hostile = '<img src=x onerror=alert(1)>'
    res = copy.deepcopy(RES)
    res["run"] = {"reporting_currency": hostile, "params_name": hostile}
    top, bottom = executive.first_page(res, {"data": {"synthetic": False}}, [("chapter-01_cost", "Cost & <b>")])
    assert "<img" not in top + bottom and "&lt;img" in top
    assert 'href="#chapter-01_cost"' in bottom and "Cost &amp; &lt;b&gt;" in bottom
    assert 'href="#appendix"' in bottom and "Sample data." not in top


def test_labels_read_as_words():
    assert labels.label("baseline_hours") == "Baseline hours"
    assert labels.label("ai_artist") == "AI artist" and labels.label("net_fte_p10") == "Net FTE P10"
    assert labels.label("ci_low") == "95% CI low" and labels.label("spend") == "Spend"
    assert labels.value_label("platform[youtube]") == "Platform: youtube"
    assert labels.value_label("makeup_artist") == "Make-up artist"
    assert labels.value_label("Cobalt & Co") == "Cobalt & Co" and labels.value_label("M_01") == "M_01"
    styled = narrate.table(pd.DataFrame({"production_mode": ["hair_stylist"], "net_fte": [1.5]})).to_html()
    assert "Production mode" in styled and "Net FTE" in styled and "Hair stylist" in styled
    assert "production_mode" not in styled and "hair_stylist" not in styled
