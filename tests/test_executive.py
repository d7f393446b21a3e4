"""The executive's first page: the conclusions of results.json verbatim (one voice), sentences
that change with the numbers and say a loss as a loss, the notice only on synthetic data,
readable labels, escaped strings."""

from __future__ import annotations

import copy
import html
import json
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
                   "did_after_adoption": {"inference": {"p_value": 0.36, "clusters": 3},
                                          "staggered": {"estimable": True, "unit": "brand", "units": 3,
                                                        "adopting_units": 2, "rate_ratio": 0.98, "p_value": 0.5,
                                                        "interval_reason": "too few brands to shuffle",
                                                        "inference": "every one of the 6 permutations"}}},
    "labor": {"fte_change": -0.52, "adoption_share": 0.8, "displaced_hours": 3887.0,
              "intervals": {"net_fte": {"p10": -0.58, "p90": -0.48}},
              "hours_change_by_role": {"model": -648.0, "photographer": -399.8, "ai_artist": 860.6},
              "model_income": {"today_per_model": 3552.0, "at_adoption_per_model": 3288.0, "gainers": 3,
                               "losers": 57, "adoption_share": 0.8, "base_year": 2025}},
    "rights": {"assets_with_findings": 15, "twin_assets": 4879, "underpaid_total": 42.66,
               "owed_by_model": {"M1": 17.34, "M2": 13.43, "M3": 11.89}},
    "scenarios": {"npv": {"p10": 1047381.0, "p50": 1283718.0, "p90": 1586033.0}, "start_twin_share": 0.5753,
                  "target_twin_share": 0.8, "horizon_years": 5, "probability_npv_negative": 0.0,
                  "npv_observed": 1270895.0, "worst_case_saving_per_moved_asset": 94.0,
                  "value_per_engagement": {"estimate": None, "ci_low": None, "ci_high": None, "source": "none"},
                  "break_even_value_per_engagement": 0.13},
}
NONE_VALUED = RES["scenarios"]["value_per_engagement"]


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
        "engagement_before_after": statements.before_after_conclusion(
            {"estimate": 0.98, **eng["did_after_adoption"]}),
        "jobs_adoption": statements.jobs_conclusion(labor),
        "models_income": statements.models_income_conclusion(labor["model_income"], None, "EUR"),
        "rights_findings": statements.rights_conclusion(rights, "EUR"),
        "engagement_value": statements.engagement_value_conclusion(scen["value_per_engagement"],
                                                                   scen["break_even_value_per_engagement"], "", "EUR"),
        "npv_adoption": statements.npv_conclusion(scen["npv"], scen["probability_npv_negative"],
                                                  scen["start_twin_share"], scen["target_twin_share"],
                                                  scen["horizon_years"], "EUR", scen["value_per_engagement"],
                                                  scen["npv_observed"], scen["worst_case_saving_per_moved_asset"]),
    }


def test_the_bottom_line_is_every_conclusion_verbatim_in_order():
    res = {**copy.deepcopy(RES), "conclusions": _conclusions(RES)}
    res["conclusions"]["engagement_synthetic_vs_human"] = {"direction": None, "statement": None}  # not in this run
    lines = executive.bottom_line(res)
    assert lines == [res["conclusions"][k]["statement"] for k in (
        "npv_adoption", "engagement_value", "cost_twin_vs_traditional", "engagement_twin_vs_human",
        "engagement_ai_label", "engagement_before_after", "jobs_adoption", "models_income", "rights_findings")]
    top, bottom = executive.first_page(res, {"data": {"synthetic": False}}, [])
    for sentence in lines:  # one item each, verbatim, after the key charts (a risk's label before it)
        assert f"{html.escape(sentence)}</li>" in bottom and (top + bottom).count(html.escape(sentence)) == 1
    npv = res["conclusions"]["npv_adoption"]["statement"]
    assert "engagement not valued" in npv  # how engagement was valued travels with the sentence
    assert "The move pays unless an engagement is worth more than EUR 0.130" in lines[1]


def test_the_jobs_sentence_states_its_numbers_and_the_bound_without_redeployment():
    labor = {**RES["labor"], "year": 2025, "fte_change_without_redeployment": -1.28}
    c = statements.jobs_conclusion(labor)
    assert c["direction"] == "fewer"  # P90 -0.48 < 0
    assert c["statement"].startswith("At 80% twin-made assets in 2025, paid creative work changes by -0.5 "
                                     "full-time equivalents a year (P10 -0.6 to P90 -0.5 over hours per asset and redeployed shares)")
    assert "; -1.3 if no displaced hour were redeployed" in c["statement"]
    assert ("3,887 paid hours a year of traditional and hybrid production are no longer needed, most from models and "
            "photographers.") in c["statement"]
    wide = {**labor, "intervals": {"net_fte": {"p10": -0.9, "p90": 0.2}}}
    assert statements.jobs_conclusion(wide)["direction"] == "uncertain"
    assert statements.jobs_conclusion({})["direction"] is None


def test_the_rights_sentence_counts_findings_and_money_owed():
    c = statements.rights_conclusion(RES["rights"], "EUR")
    assert c == {"direction": "findings", "statement": "15 of 4,879 twin assets break a consent, scope, watermark "
                                                       "or pay rule; EUR 42.66 is owed to 3 models. Whether the "
                                                       "published files carry a machine-readable AI marking was not "
                                                       "checked: no asset files were given (a folder named assets "
                                                       "beside the tables, or the assets folder parameter)."}
    clean = statements.rights_conclusion({**RES["rights"], "assets_with_findings": 0}, "EUR")
    assert clean["direction"] == "none" and clean["statement"].startswith("Every one of the 4,879 twin assets")
    files = {"checked": True, "files": 4_879, "post_files": 0, "findings": {
        "file_missing": ["A9"], "unreadable": [], "marking_missing": ["A1", "A2"], "marking_contradicts": ["A2"]}}
    read = statements.rights_conclusion({**RES["rights"], "assets_with_findings": 0, "provenance": files}, "EUR")
    assert read["direction"] == "findings"  # the files contradict a clean record
    assert read["statement"].endswith("Of the published files of the 4,879 twin assets, 2 carry no machine-readable "
                                      "AI marking; 1 contradict it (a camera capture, or recorded as watermarked "
                                      "with nothing in the file); 1 have no file.")
    assert statements.rights_conclusion({"twin_assets": 0}, "EUR")["direction"] is None


def test_a_loss_is_worded_as_a_loss_never_as_a_negative_amount():
    assert statements.money_or_loss(-467953.2, "EUR") == "a loss of EUR 467,953"
    assert statements.money_or_loss(1200.0, "EUR") == "EUR 1,200"
    c = statements.npv_conclusion({"p10": -727591.0, "p50": -467953.0, "p90": -120000.0}, 0.97, 0.2, 0.8, 5,
                                  "EUR", NONE_VALUED, -450000.0, -80.0)
    assert c["direction"] == "negative"
    assert ("is a loss of EUR 450,000 at the observed costs against keeping today's mix (P10 a loss of EUR 727,591 "
            "to P90 a loss of EUR 120,000 under the assumed ranges)") in c["statement"]
    assert "Under the assumed ranges 97% of the draws lose money." in c["statement"]
    assert "EUR -" not in c["statement"]
    mixed = statements.npv_conclusion({"p10": -90000.0, "p50": 25000.0, "p90": 120000.0}, 0.3, 0.2, 0.8, 5, "EUR",
                                      NONE_VALUED, 30000.0, 12.0)
    assert mixed["direction"] == "uncertain" and "is worth EUR 30,000 at the observed costs" in mixed["statement"]
    assert "P10 a loss of EUR 90,000 to P90 EUR 120,000" in mixed["statement"]


def test_no_losing_draw_is_explained_or_not_claimed():
    safe = statements.npv_conclusion({"p10": 9e5, "p50": 1.2e6, "p90": 1.6e6}, 0.0, 0.5, 0.8, 5, "EUR", NONE_VALUED,
                                     1.27e6, 94.0)
    assert ("No draw loses money: even with every cost driver at its worst end a moved asset saves EUR 94 "
            "before twin building.") in safe["statement"]
    # zero losing draws but a worst case that loses: the sentence gives the share and no reason it cannot back
    thin = statements.npv_conclusion({"p10": 9e5, "p50": 1.2e6, "p90": 1.6e6}, 0.0, 0.5, 0.8, 5, "EUR", NONE_VALUED,
                                     1.27e6, -5.0)
    assert "Under the assumed ranges 0% of the draws lose money." in thin["statement"]
    assert "No draw loses" not in thin["statement"]


def test_the_value_of_an_engagement_is_said_with_its_source_and_the_break_even():
    est = {"estimate": 0.078, "ci_low": 0.073, "ci_high": 0.082, "source": "post_outcomes", "gross_margin": 0.534}
    c = statements.engagement_value_conclusion(est, 0.13, "", "EUR")
    assert c == {"direction": "pays", "statement": "The move pays unless an engagement is worth more than EUR 0.130; "
                 "the posts' revenue says an engagement is worth EUR 0.078 (95% interval EUR 0.073 to EUR 0.082, "
                 "bootstrap over campaigns)."}
    assert statements.engagement_value_conclusion({**est, "ci_high": 0.2}, 0.13, "", "EUR")["direction"] == "uncertain"
    assert statements.engagement_value_conclusion({**est, "estimate": 0.5, "ci_low": 0.4, "ci_high": 0.6}, 0.13, "",
                                                  "EUR")["direction"] == "does not pay"
    none = statements.engagement_value_conclusion(NONE_VALUED, 0.13, "", "EUR")
    assert none["direction"] == "not valued" and "add the optional table of post outcomes" in none["statement"]
    assert statements.engagement_value_conclusion({"source": "parameter", "estimate": 0.5}, 0.13, "", "EUR")[
        "direction"] == "does not pay"
    lost = statements.engagement_value_conclusion(NONE_VALUED, None, "loses_anyway", "EUR")
    assert lost["direction"] == "does not pay" and lost["statement"].startswith("The move loses money even if")
    assert "npv" not in statements.valued_words(est, "EUR") and "53% gross margin" in statements.valued_words(est, "EUR")


def test_models_income_is_said_against_today_with_the_booked_counts():
    income = RES["labor"]["model_income"]
    c = statements.models_income_conclusion(income, None, "EUR")
    assert c["direction"] == "lower"
    assert c["statement"].startswith("At 80% twin-made assets a model earns EUR 3,288 a year against EUR 3,552 in "
                                     "2025's mix (-7%; roster average, net of agency commission)")
    counts = {"twin_models": {"models": 29, "losers": {"p50": 11}}, "models_without_twin": {"models": 28,
                                                                                           "losers": {"p50": 26}}}
    booked = statements.models_income_conclusion(income, counts, "EUR")["statement"]
    assert "of the models booked in 2025, 11 of 29 with a twin and 26 of 28 without one would earn less." in booked
    assert statements.models_income_conclusion({}, None, "EUR")["direction"] is None


def test_what_was_not_measured_says_so_and_never_shows_zero():
    res = {"run": {"reporting_currency": "EUR"}, "conclusions": {
        "jobs_adoption": statements.jobs_conclusion({}), "rights_findings": statements.rights_conclusion({}, "EUR"),
        "npv_adoption": statements.npv_conclusion({}, None, 0.0, 0.8, 5, "EUR", NONE_VALUED)}}
    assert executive.bottom_line(res) == []  # nothing measured is a finding
    lines = executive.cannot_estimate(res)
    assert len(lines) == 3 and all("not" in s for s in lines)
    assert not [s for s in lines if "0.00" in s or "EUR 0" in s]
    assert executive.risks({}) == []
    _, bottom = executive.first_page(res, {}, [])
    assert executive.NO_RISK in bottom


def test_risks_are_conclusions_verbatim_and_appear_only_when_their_direction_earns_them():
    res = {**copy.deepcopy(RES), "conclusions": _conclusions(RES)}
    found = executive.risks(res)
    labels_found = [label for label, _ in found]
    # an engagement with no value leads: the decision hangs on it
    assert labels_found == ["What engagement is worth, unmeasured", "Engagement", "The AI label", "Rights",
                            "Models' income", "Jobs", "Evidence"]
    for label, text in found:  # each risk is a conclusion's statement, word for word
        assert text in [c["statement"] for c in res["conclusions"].values()]
    calm = copy.deepcopy(res)
    for key in ("engagement_twin_vs_human", "engagement_ai_label", "rights_findings", "models_income",
                "jobs_adoption", "engagement_before_after", "engagement_value"):
        calm["conclusions"][key]["direction"] = "no detectable difference"
    assert executive.risks(calm) == []
    dear = copy.deepcopy(res)
    dear["conclusions"]["npv_adoption"]["direction"] = "negative"
    assert [label for label, _ in executive.risks(dear)][:2] == ["What engagement is worth, unmeasured", "Value"]


def test_the_sample_notice_follows_the_samples_fingerprints_not_its_folder(tmp_path: Path):
    sample = data.load(Params(as_of="2026-11-28"))
    # the bundled sample, wherever it is read from: its TRUTH.json records what validation gives it
    assert data.is_synthetic(Params(), sample.fingerprints)
    assert data.is_synthetic(Params(source_env="WAREHOUSE_URL"), sample.fingerprints)  # e.g. loaded into a database
    assert data.is_synthetic(Params(), {"campaigns": sample.fingerprints["campaigns"]})
    real = tmp_path / "real"
    shutil.copytree(TINY, real)
    tiny = data.load(Params(data_dir=str(real), as_of="2026-11-28"))
    assert not data.is_synthetic(Params(data_dir=str(real)), tiny.fingerprints)
    # a stray TRUTH.json beside a brand's own tables no longer makes them synthetic ...
    (real / data.SYNTHETIC_MARKER).write_text("{}")
    assert not data.is_synthetic(Params(data_dir=str(real)), tiny.fingerprints)
    # ... one that records the tables' fingerprints (as `twinimpact sample` writes it) does
    (real / data.SYNTHETIC_MARKER).write_text(json.dumps({"fingerprints": {"posts": tiny.fingerprints["posts"]}}))
    assert data.is_synthetic(Params(data_dir=str(real)), tiny.fingerprints)
    assert "Sample data." in executive.notice_html({"data": {"synthetic": True}})
    assert executive.notice_html({"data": {"synthetic": False}}) == executive.notice_html({}) == ""


def test_the_bundled_samples_truth_records_the_fingerprints_its_validation_gives():
    truth = json.loads((config.SAMPLE_DIR / data.SYNTHETIC_MARKER).read_text())
    assert truth["fingerprints"] == data.load(Params(as_of="2026-11-28")).fingerprints


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
