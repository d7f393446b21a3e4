"""Creative labour, worked by hand on the tiny fixture (EUR 1, GBP 1.2, USD 0.9).

Traditional C1, 50 assets: model 16 h at 100, photographer 20 h at 80, make-up 10 h at 50,
retoucher 15 h at 40 -> 61 h, 1.22 h per asset. Twin C2, 100 assets: AI artist 30 h,
art director 10 h, rights manager 5 h -> 0.45 h per asset. Hybrid C3, 40 assets: 28 h -> 0.70.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from twinimpact.sources import data, reference
from twinimpact.analyses.labor import hours as labor
from twinimpact.params import Params
from tests.conftest import TINY, TINY_FX


@pytest.fixture(scope="module")
def tiny():
    return data.load(Params(data_dir=str(TINY), fx_rates=TINY_FX, as_of="2026-11-28"))


@pytest.fixture(scope="module")
def rates(tiny):
    detail = labor.staffing_detail(tiny["staffing"], tiny["campaigns"], TINY_FX)
    return labor.role_hours_per_asset(detail, tiny["campaigns"])


def test_pooled_hours_per_asset_by_mode(tiny):
    assert labor.hours_per_asset(tiny["staffing"], tiny["campaigns"]) == pytest.approx(
        {"traditional": 61 / 50, "twin": 45 / 100, "hybrid": 28 / 40})


def test_role_hours_and_rates_in_the_reporting_currency(rates):
    r = rates.set_index(["production_mode", "role"])
    assert r.loc[("traditional", "photographer"), "hours_per_asset"] == pytest.approx(20 / 50)
    assert r.loc[("twin", "ai_artist"), "hourly_rate"] == pytest.approx(45 * 1.2)
    assert r.loc[("hybrid", "model"), "hourly_rate"] == pytest.approx(110 * 0.9)


def all_traditional(rates, assets, share, redeploy, annual_hours=1000):
    """The all-traditional case: ``share`` of ``assets`` made traditionally move to twins."""
    return labor.shift_from_mix(rates, {"traditional": assets}, {"traditional": share * assets}, redeploy,
                                annual_hours).table


def test_adoption_arithmetic_by_hand(rates):
    s = all_traditional(rates, 100, 0.5, {"photographer": 0.5}).set_index("role")
    assert s.loc["model", ["baseline_hours", "displaced", "redeployed", "lost", "new", "scenario_hours"]].tolist() == \
        pytest.approx([32, 16, 0, 16, 0, 16])
    assert s.loc["photographer", ["displaced", "redeployed", "lost", "scenario_hours"]].tolist() == \
        pytest.approx([20, 10, 10, 30])
    assert s.loc["ai_artist", ["baseline_hours", "new", "net"]].tolist() == pytest.approx([0, 15, 15])
    assert s.loc["rights_manager", "new"] == pytest.approx(2.5)
    assert s.loc["photographer", "baseline_fte"] == pytest.approx(0.04)
    assert s.loc["model", "baseline_pay"] == pytest.approx(3200) and s.loc["model", "scenario_pay"] == pytest.approx(1600)
    # new twin work is paid at the twin rate: 15 h of AI artist at 54
    assert s.loc["ai_artist", "scenario_pay"] == pytest.approx(15 * 54)


def test_hybrid_assets_moved_displace_hybrid_hours(rates):
    # hybrid C3: 28 h over 40 assets; moving 20 hybrid assets displaces 14 h and adds 20 * 0.45 = 9 h of twin work
    s = labor.shift_from_mix(rates, {"hybrid": 40.0}, {"hybrid": 20.0}, {}, 1000).table
    assert s["baseline_hours"].sum() == pytest.approx(28)
    assert s["displaced"].sum() == pytest.approx(14) and s["new"].sum() == pytest.approx(9)
    assert s["net"].sum() == pytest.approx(9 - 14)


def test_each_brand_moves_from_its_own_share_and_from_its_mix():
    # brand A: 60 traditional, 20 hybrid, 20 twin (20%); brand B: 50 twin of 50 (100%, moves nothing).
    # To 60%: A moves 0.4 * 100 = 40 assets, 3/4 from traditional (30) and 1/4 from hybrid (10).
    mix = pd.DataFrame({"traditional": [60.0, 0.0], "hybrid": [20.0, 0.0], "twin": [20.0, 50.0]}, index=["A", "B"])
    assert labor.moved_assets(mix, 0.6) == pytest.approx({"traditional": 30.0, "hybrid": 10.0})
    assert labor.moved_assets(mix, 0.6, fraction=0.5) == pytest.approx({"traditional": 15.0, "hybrid": 5.0})
    assert labor.moved_assets(mix, 0.1) == {"traditional": 0.0, "hybrid": 0.0}


def test_zero_adoption_reproduces_the_baseline_exactly(rates):
    s = all_traditional(rates, 100, 0.0, {"photographer": 0.5})
    assert (s["scenario_hours"] == s["baseline_hours"]).all() and (s["net"] == 0).all()
    assert (s["scenario_pay"] == s["baseline_pay"]).all()


def test_full_adoption_removes_shoot_day_hours_except_what_redeployment_keeps(rates):
    redeploy = {"photographer": 0.5, "makeup_artist": 0.25}
    s = all_traditional(rates, 100, 1.0, redeploy).set_index("role")
    for role in ("model", "photographer", "makeup_artist"):
        assert s.loc[role, "scenario_hours"] == pytest.approx(redeploy.get(role, 0.0) * s.loc[role, "baseline_hours"])


def test_hours_are_conserved(rates):
    s = labor.shift_from_mix(rates, {"traditional": 137.0, "hybrid": 40.0, "twin": 12.0},
                             {"traditional": 37.0, "hybrid": 11.0}, {"photographer": 0.3, "retoucher": 0.6}, 1720).table
    assert (s["displaced"] - s["redeployed"] - s["lost"]).abs().max() < 1e-9
    assert (s["scenario_hours"] - (s["baseline_hours"] - s["lost"] + s["new"])).abs().max() < 1e-9


def test_hours_intervals_bracket_the_point_and_widen_with_the_range(rates):
    scen = labor.shift_from_mix(rates, {"traditional": 100.0}, {"traditional": 50.0}, {}, 1000)
    rng = np.random.default_rng(0)
    narrow = {"traditional_hours_per_asset": 1.22 * rng.uniform(0.95, 1.05, 4000),
              "twin_hours_per_asset": 0.45 * rng.uniform(0.95, 1.05, 4000)}
    wide = {k: v[0] * 0 + (1.22 if k.startswith("trad") else 0.45) * rng.uniform(0.5, 1.5, 4000) for k, v in narrow.items()}
    a = labor.hours_intervals(scen, rates, narrow, 1000, {})
    b = labor.hours_intervals(scen, rates, wide, 1000, {})
    point = float(scen.table["net"].sum())  # 50 * (0.45 - 1.22) = -38.5 hours
    assert point == pytest.approx(-38.5)
    assert a["net_hours"]["p10"] < point < a["net_hours"]["p90"]
    assert b["net_hours"]["p90"] - b["net_hours"]["p10"] > a["net_hours"]["p90"] - a["net_hours"]["p10"]


def test_models_income_from_todays_mix_with_one_twin_fee(tiny):
    detail = labor.staffing_detail(tiny["staffing"], tiny["campaigns"], TINY_FX)
    income, summary = labor.model_income(detail, tiny["campaigns"], tiny["models"], tiny["twin_usage"], TINY_FX,
                                         year=2024, adoption_share=0.5, agency_commission=0.2)
    # model pay per asset: traditional 16 h x EUR 100 / 50 = 32; hybrid 8 h x USD 110 x 0.9 / 40 = 19.8
    assert summary["model_pay_per_asset"] == pytest.approx({"traditional": 32.0, "hybrid": 19.8})
    # the one twin fee: contracted M1 EUR 10 and M2 GBP 20 = EUR 24, weighted by 2024's twin assets (M1 2, M2 1)
    assert summary["twin_fee_per_asset"] == pytest.approx(2 / 3 * 10 + 1 / 3 * 24)
    # today (2024's mix): photographed 50 x 32 + 40 x 19.8 = 2392, twin fees 100 twin assets x 14.667;
    # at 50%: Alpha (twin share 2/3) moves nothing, Beta moves 20 of its 40 hybrid assets
    fee = 2 / 3 * 10 + 1 / 3 * 24
    by = income.set_index("model_id")
    assert by.loc["M3", "today_income"] == pytest.approx(0.8 * 2392 / 3)
    assert by.loc["M3", "scenario_income"] == pytest.approx(0.8 * (2392 - 20 * 19.8) / 3)  # no twin: days only
    assert by.loc["M1", "scenario_twin_income"] == pytest.approx(0.8 * 2 / 3 * 120 * fee)
    assert summary["today_per_model"] == pytest.approx(0.8 * (2392 + 100 * fee) / 3)
    assert summary["at_adoption_per_model"] == pytest.approx(0.8 * (1996 + 120 * fee) / 3)
    assert summary["base_year"] == 2024 and summary["gainers"] == 1 and summary["losers"] == 2  # only M1 gains


def test_the_redeployed_shares_are_drawn_around_the_assumption_within_0_and_1():
    draws = labor.redeploy_draws({"photographer": 0.3, "ai_artist": 1.0, "model": 0.0}, 4000, 7)
    assert draws["photographer"].min() >= 0.05 - 1e-12 and draws["photographer"].max() <= 0.55 + 1e-12
    assert abs(float(np.median(draws["photographer"])) - 0.3) < 0.02
    assert draws["ai_artist"].max() <= 1.0 and draws["model"].min() >= 0.0


def test_net_fte_intervals_widen_when_the_redeployed_shares_vary(rates):
    scen = labor.shift_from_mix(rates, {"traditional": 100.0}, {"traditional": 50.0}, {"photographer": 0.5}, 1000)
    fixed = {"traditional_hours_per_asset": np.full(2000, 1.22), "twin_hours_per_asset": np.full(2000, 0.45)}
    still = labor.hours_intervals(scen, rates, fixed, 1000, {"photographer": 0.5})
    varied = labor.hours_intervals(scen, rates, fixed, 1000, {"photographer": 0.5},
                                   labor.redeploy_draws({"photographer": 0.5}, 2000, 3))
    assert still["net_hours"]["p90"] - still["net_hours"]["p10"] == pytest.approx(0, abs=1e-9)
    # photographer: 50 assets x 0.4 h = 20 h displaced, half redeployed at the assumption, +/- 0.25 of it drawn
    assert 0 < varied["net_hours"]["p90"] - varied["net_hours"]["p10"] < 2 * 0.25 * 20
    assert varied["net_hours"]["p50"] == pytest.approx(still["net_hours"]["p50"], abs=0.5)


def test_redeployed_pay_per_moved_asset_by_hand(rates):
    # a traditional asset: photographer 0.4 h x 80, retoucher 0.3 h x 40; half of each redeployed
    assert labor.redeployed_pay_per_asset(rates, "traditional", {"photographer": 0.5, "retoucher": 0.5}) == \
        pytest.approx(0.5 * 0.4 * 80 + 0.5 * 0.3 * 40)


def test_reference_wages_are_keyed_by_soc_code(rates):
    occ = reference.occupations()
    assert occ.set_index("role").loc["model", "soc_code"] == "41-9012"
    assert occ.dropna(subset=["soc_code"])["soc_code"].is_unique
    assert occ["source"].str.len().min() > 5
    w = labor.wage_context(rates, occ, TINY_FX).set_index("role")
    assert w.loc["model", "median_hourly_wage"] == pytest.approx(43.26 * 0.9)  # USD at 0.9 EUR


def test_exposure_measures_side_by_side_show_the_disagreement_on_models():
    comp = labor.exposure_comparison(reference.exposure()).set_index("role")
    assert comp.loc["model", "aioe"] == 15 and comp.loc["model", "ig_aioe"] == 3
    assert comp.loc["model", "eloundou_human_beta"] == 64
    ranks = labor.exposure_ranks(comp.reset_index()).set_index("role")
    assert ranks.loc["model", "ig_aioe"] == len(ranks)  # least exposed of all roles by image-generation AIOE
    assert ranks.loc["model", "microsoft_applicability"] == 1  # most exposed by observed Copilot usage


def test_planted_hours_per_asset_are_recovered_on_the_sample():
    import json

    from twinimpact import config

    truth = json.loads((config.SAMPLE_DIR / "TRUTH.json").read_text())["labor"]["hours_per_asset"]
    p = Params(as_of="2026-11-28")
    ds = data.load(p)
    r = labor.role_hours_per_asset(labor.staffing_detail(ds["staffing"], ds["campaigns"], p.fx_rates), ds["campaigns"])
    got = r.set_index(["production_mode", "role"])["hours_per_asset"]
    for mode, roles in truth.items():
        for role, hpa in roles.items():
            # hours = planted * assets * lognormal(0, 0.1): pooled, within 3%
            assert got[(mode, role)] == pytest.approx(hpa, rel=0.03), (mode, role)
