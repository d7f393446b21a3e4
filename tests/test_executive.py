"""The executive's first page: sentences built from results.json that change with the
numbers, the notice only on synthetic data, readable labels, escaped strings."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pandas as pd

from twinimpact import config
from twinimpact.sources import data
from twinimpact.words import executive, labels, narrate
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


def test_the_bottom_line_states_each_number_it_is_built_from():
    cost, eng, jobs, rights, npv = executive.bottom_line(RES)
    assert "EUR 91.55 against EUR 374.08" in cost and "EUR 282.53 less" in cost  # 374.08 - 91.55
    assert "EUR 306 (P10 EUR 236, P90 EUR 394)" in cost
    assert "5% fewer engagements" in eng and "0.92 to 0.97" in eng and "15% fewer than unlabelled" in eng
    assert "associations in observational data, not measured effects" in eng
    assert "At 80% twin-made assets" in jobs and "-0.5 full-time equivalents" in jobs
    assert "(P10 -0.6, P90 -0.5)" in jobs and "3,887 hours" in jobs and "models and photographers" in jobs
    assert rights == "15 of 4,879 twin assets break a consent, scope, watermark or pay rule; EUR 42.66 is owed to 3 models."
    assert "from 58% to 80%" in npv and "EUR 1.28 million today" in npv and "P10 EUR 1.05 million" in npv
    assert npv.endswith("0% of the simulated draws lose money.")


def test_the_bottom_line_changes_with_the_numbers():
    res = copy.deepcopy(RES)
    res["engagement"]["irr_twin_vs_human"] = {"estimate": 0.99, "ci_low": 0.95, "ci_high": 1.03}
    res["rights"]["assets_with_findings"] = 0
    res["scenarios"]["npv"] = {"p10": -900000.0, "p50": -250000.0, "p90": 120000.0}
    res["scenarios"]["probability_npv_negative"] = 0.71
    _, eng, _, rights, npv = executive.bottom_line(res)
    assert "no detectable difference" in eng and "fewer engagements per impression than" not in eng
    assert rights.startswith("Every one of the 4,879 twin assets")
    assert "a loss of EUR 250,000 today" in npv and "71% of the simulated draws lose money" in npv
    assert any(r.startswith("Value: 71%") for r in executive.risks(res))


def test_what_was_not_measured_says_so_and_never_shows_zero():
    lines = executive.bottom_line({"run": {"reporting_currency": "EUR"}})
    assert len(lines) == 5 and all("not" in s for s in lines)
    assert not [s for s in lines if "0.00" in s or "EUR 0" in s]
    assert executive.risks({}) == ["No material risk stands out in these numbers."]


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
