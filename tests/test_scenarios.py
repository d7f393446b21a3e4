"""Scenarios: the adoption path, discounting and the savings arithmetic by hand."""

from __future__ import annotations

import numpy as np
import pytest

from twinimpact import data, scenarios
from twinimpact.params import DEFAULT_DRIVER_RANGES, Params
from tests.conftest import TINY, TINY_FX

NO_RANGE = {k: (1.0, 1.0) for k in DEFAULT_DRIVER_RANGES}
# traditional: 1000 a shoot day / 100 assets a day = 10 per asset; twin: a licence of 4 per asset
DRIVERS = {"shoot_day_cost": 1000.0, "assets_per_shoot_day": 100.0, "traditional_post_per_asset": 0.0,
           "twin_creation_cost": 0.0, "licensing_per_asset": 4.0, "compute_per_asset": 0.0,
           "review_per_asset": 0.0, "compliance_per_asset": 0.0, "twin_post_per_asset": 0.0}


def test_adoption_path_is_linear_from_today_to_the_target():
    path = scenarios.adoption_path(0.2, 0.6, 4, assets=100, volume_growth=0.0)
    assert path["twin_share"].tolist() == pytest.approx([0.3, 0.4, 0.5, 0.6])
    grown = scenarios.adoption_path(0.2, 0.6, 2, assets=100, volume_growth=0.1)
    assert grown["assets"].tolist() == pytest.approx([110, 121])


def test_npv_discounts_at_year_end():
    assert scenarios.npv(np.array([110.0, 121.0]), 0.1) == pytest.approx(200.0)


def test_savings_and_npv_by_hand():
    path = scenarios.adoption_path(0.2, 0.6, 2, assets=100, volume_growth=0.0)  # shares 0.4, 0.6
    draws = scenarios.savings_draws(DRIVERS, NO_RANGE, path, 0.2, twins_per_season=0, twin_life_seasons=1,
                                    n_draws=3, seed=0)
    # margin 10 - 4 = 6 per asset moved; 20 then 40 assets moved
    np.testing.assert_allclose(draws, [[120.0, 240.0]] * 3)
    assert scenarios.npv(draws, 0.1)[0] == pytest.approx(120 / 1.1 + 240 / 1.21)


def test_twin_building_is_charged_as_adoption_grows():
    path = scenarios.adoption_path(0.2, 0.6, 2, assets=100, volume_growth=0.0)
    d = {**DRIVERS, "twin_creation_cost": 300.0}
    draws = scenarios.savings_draws(d, NO_RANGE, path, 0.2, twins_per_season=2, twin_life_seasons=6, n_draws=1,
                                    seed=0)
    # two seasons a year x 2 twins x 300 / 6 seasons = 200 a year at full target; half of it in year 1
    assert draws[0].tolist() == pytest.approx([120 - 100, 240 - 200])


def test_keeping_todays_share_is_worth_nothing_and_moves_no_job():
    ds = data.load(Params(data_dir=str(TINY), fx_rates=TINY_FX, as_of="2026-11-28"))
    start = scenarios.current_twin_share(ds["campaigns"], 2024)
    assert start == pytest.approx(100 / 190)
    p = Params(fx_rates=TINY_FX, twins_per_season=0, adoption_share=start, horizon_years=3, n_draws=200, seed=1)
    sa = scenarios.analyse(ds, p)
    assert sa.npv_pct == pytest.approx({"p10": 0.0, "p50": 0.0, "p90": 0.0}, abs=1e-6)
    assert sa.yearly["net_fte"].abs().max() < 1e-12 and sa.yearly["model_twin_fees"].abs().max() < 1e-9
