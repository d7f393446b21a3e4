"""Scenarios: the adoption path, discounting and the savings arithmetic by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from twinimpact.sources import data
from twinimpact.analyses import labor, scenarios
from twinimpact.params import Params
from tests.conftest import TINY, TINY_FX

# traditional: 1000 a shoot day / 100 assets a day = 10 per asset; twin: a licence of 4 per asset; hybrid 7
DRIVERS = {"shoot_day_cost": 1000.0, "assets_per_shoot_day": 100.0, "traditional_post_per_asset": 0.0,
           "twin_creation_cost": 0.0, "licensing_per_asset": 4.0, "compute_per_asset": 0.0,
           "review_per_asset": 0.0, "compliance_per_asset": 0.0, "twin_post_per_asset": 0.0, "hybrid_per_asset": 7.0}
ONE_BRAND = pd.DataFrame({"traditional": [80.0], "hybrid": [0.0], "twin": [20.0]}, index=["A"])  # 20% twin


def fixed(d: dict, n: int = 3) -> dict:
    """Drivers as draws that do not vary."""
    return {k: np.full(n, v) for k, v in d.items()}


def test_adoption_path_is_linear_from_todays_mix_to_the_target():
    path = scenarios.adoption_path(ONE_BRAND, 0.6, 4, volume_growth=0.0)
    assert path["twin_share"].tolist() == pytest.approx([0.3, 0.4, 0.5, 0.6])
    assert path["moved_traditional"].tolist() == pytest.approx([10, 20, 30, 40])  # 0.4 x 100 by the end
    grown = scenarios.adoption_path(ONE_BRAND, 0.6, 2, volume_growth=0.1)
    assert grown["assets"].tolist() == pytest.approx([110, 121])
    assert grown["moved_traditional"].tolist() == pytest.approx([20 * 1.1, 40 * 1.21])


def test_npv_discounts_at_year_end():
    assert scenarios.npv(np.array([110.0, 121.0]), 0.1) == pytest.approx(200.0)


def test_savings_and_npv_by_hand():
    path = scenarios.adoption_path(ONE_BRAND, 0.6, 2, volume_growth=0.0)  # 20 then 40 assets moved
    draws = scenarios.savings_draws(fixed(DRIVERS), path, twins_per_season=0, twin_life_seasons=1)
    # margin 10 - 4 = 6 per traditional asset moved
    np.testing.assert_allclose(draws, [[120.0, 240.0]] * 3)
    assert scenarios.npv(draws, 0.1)[0] == pytest.approx(120 / 1.1 + 240 / 1.21)


def test_hybrid_assets_moved_save_the_hybrid_margin():
    # 40 traditional, 40 hybrid, 20 twin: to 60% moves 40 assets, 20 from each; (10-4) x 20 + (7-4) x 20 = 180
    mix = pd.DataFrame({"traditional": [40.0], "hybrid": [40.0], "twin": [20.0]}, index=["A"])
    draws = scenarios.savings_draws(fixed(DRIVERS, 1), scenarios.adoption_path(mix, 0.6, 1, 0.0), 0, 1)
    assert draws[0].tolist() == pytest.approx([180.0])


def test_twin_building_is_charged_as_adoption_grows():
    path = scenarios.adoption_path(ONE_BRAND, 0.6, 2, volume_growth=0.0)
    d = {**DRIVERS, "twin_creation_cost": 300.0}
    draws = scenarios.savings_draws(fixed(d, 1), path, twins_per_season=2, twin_life_seasons=6)
    # two seasons a year x 2 twins x 300 / 6 seasons = 200 a year at full target; half of it in year 1
    assert draws[0].tolist() == pytest.approx([120 - 100, 240 - 200])


def test_no_adoption_is_worth_nothing_and_moves_no_job():
    ds = data.load(Params(data_dir=str(TINY), fx_rates=TINY_FX, as_of="2026-11-28"))
    assert scenarios.current_twin_share(ds["campaigns"], 2024) == pytest.approx(100 / 190)
    p = Params(fx_rates=TINY_FX, twins_per_season=0, adoption_share=0.0, horizon_years=3, n_draws=200, seed=1)
    sa = scenarios.analyse(ds, p)
    assert sa.npv_pct == pytest.approx({"p10": 0.0, "p50": 0.0, "p90": 0.0}, abs=1e-6)
    assert sa.yearly["net_fte"].abs().max() < 1e-12 and sa.yearly["model_twin_fees"].abs().max() < 1e-9


@pytest.mark.parametrize("share", [0.6, 0.9])
def test_the_scenarios_final_year_equals_the_labour_notebooks_figures(share):
    ds = data.load(Params(as_of="2026-11-28"), keep_source=True)
    p = Params(as_of="2026-11-28", adoption_share=share, n_draws=300, volume_growth=0.0)
    la, sa = labor.analyse(ds, p), scenarios.analyse(ds, p)
    assert sa.block["final_year_net_fte"] == pytest.approx(la.block["fte_change"], rel=1e-12)
    assert sa.block["final_year_net_fte_p10_p90"] == pytest.approx([la.intervals["net_fte"]["p10"],
                                                                    la.intervals["net_fte"]["p90"]], rel=1e-12)
    last = sa.yearly.iloc[-1]
    assert last["lost_fte"] * p.annual_hours == pytest.approx(la.block["displaced_hours"] - la.block["redeployed_hours"])
