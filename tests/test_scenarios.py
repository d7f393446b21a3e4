"""Scenarios: the adoption path, discounting and the savings arithmetic by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from twinimpact.sources import data
from twinimpact.analyses.labor import hours as labor
from twinimpact.analyses.scenarios import paths as scenarios
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
    p = Params(fx_rates=TINY_FX, twins_per_season=0, adoption_share=0.0, adoption_share_spread=0.0, horizon_years=3,
               n_draws=200, seed=1)
    sa = scenarios.analyse(ds, p)
    # every draw is worth nothing: the P50 is 0 and there is no range to show
    assert sa.npv_pct["p50"] == pytest.approx(0.0, abs=1e-6) and sa.npv_pct["p10"] is None
    assert "zero width" in sa.npv_pct["not_estimable"]
    assert sa.block["npv_observed"] == pytest.approx(0.0, abs=1e-9)
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


# --- risk that is not true by construction -------------------------------------------------
def test_the_worst_case_margin_puts_every_driver_at_the_end_that_saves_least():
    ranges = {"shoot_day_cost": (0.5, 1.5), "assets_per_shoot_day": (0.8, 1.25), "licensing_per_asset": (0.5, 2.0)}
    # worst: shoot day 500 over 125 assets a day = 4 per traditional asset, licence 8: a moved asset loses 4
    assert scenarios.worst_case_margin(DRIVERS, ranges, (100.0, 0.0)) == pytest.approx(500 / 125 - 8)
    assert scenarios.worst_case_margin(DRIVERS, {}, (100.0, 0.0)) == pytest.approx(10 - 4)
    assert scenarios.worst_case_margin(DRIVERS, ranges, (0.0, 0.0)) is None  # nothing moves


def test_the_break_even_value_is_on_the_headlines_basis_with_a_range_over_the_engagement_effect():
    """At the observed costs the move brings 200 without engagement and loses 2,000 engagements
    at the estimate: it breaks even at 200 / 2,000 = 0.1 per engagement. Over the effect's draws
    (losses of 1,000 to 4,000 engagements, one draw gaining) the break-even runs from 0.05 up,
    with no limit where the draw gains."""
    draws = np.concatenate([np.linspace(-4000.0, -1000.0, 97), np.array([10.0, 20.0, 30.0])])
    be, why, (low, high) = scenarios.break_even_at_observed(200.0, -2000.0, draws)
    assert be == pytest.approx(0.1) and why == ""
    assert low == pytest.approx(200 / 4000, rel=0.05) and high is None  # 3 of 100 draws gain: the top is open
    be, why, (low, high) = scenarios.break_even_at_observed(200.0, -2000.0, np.linspace(-4000.0, -1000.0, 101))
    assert low == pytest.approx(np.quantile(200 / np.linspace(4000.0, 1000.0, 101), 0.025))
    assert high == pytest.approx(np.quantile(200 / np.linspace(4000.0, 1000.0, 101), 0.975))
    assert scenarios.break_even_at_observed(200.0, 500.0, draws)[:2] == (None, "gains_engagement")
    assert scenarios.break_even_at_observed(-5.0, -2000.0, draws) == (None, "loses_anyway", [None, None])


def test_adoption_draws_hold_the_planned_path_without_spread_and_stay_within_their_ranges():
    planned = scenarios.adoption_path(ONE_BRAND, 0.6, 4, 0.0)
    flat = scenarios.adoption_draws(ONE_BRAND, 0.6, 4, 0.0, 0.0, 0.0, 2, 1)
    assert flat["moved_traditional"][0] == pytest.approx(planned["moved_traditional"].to_numpy())
    drawn = scenarios.adoption_draws(ONE_BRAND, 0.6, 4, 0.0, 0.1, 0.5, 4000, 1)
    assert drawn["end_share"].min() >= 0.5 and drawn["end_share"].max() <= 0.7
    assert drawn["years"].min() >= 2.0 and drawn["years"].max() <= 6.0
    # the end share reached: (s - 0.2) x 100 assets once the ramp is done (years <= 4)
    done = drawn["years"] <= 4
    assert drawn["moved_traditional"][done, -1] == pytest.approx((drawn["end_share"][done] - 0.2) * 100)


def test_the_copula_keeps_each_margin_and_carries_the_correlation():
    from twinimpact.analyses.stats import montecarlo

    corr = np.array([[1.0, 0.8], [0.8, 1.0]])
    m = montecarlo.correlated_multipliers([(0.5, 2.0), (0.8, 1.25)], corr, 20000, 3)
    assert m[:, 0].min() >= 0.5 and m[:, 0].max() <= 2.0 and m[:, 1].min() >= 0.8 and m[:, 1].max() <= 1.25
    # the margin is log-triangular with its mode at 1: the median of log m is that of the triangle (-ln 2, 0, ln 2)
    assert float(np.median(np.log(m[:, 0]))) == pytest.approx(0.0, abs=0.02)
    rho = pd.Series(m[:, 0]).rank().corr(pd.Series(m[:, 1]).rank())
    assert rho == pytest.approx(6 / np.pi * np.arcsin(0.8 / 2), abs=0.02)  # Spearman of a Gaussian copula
    u = np.linspace(0.001, 0.999, 50)  # the quantile function inverts the triangular cdf
    q = montecarlo.triangular_quantile(u, -1.0, 0.0, 2.0)
    cdf = np.where(q < 0, (q + 1) ** 2 / 3, 1 - (2 - q) ** 2 / 6)
    assert cdf == pytest.approx(u)


def test_the_bootstrap_of_pooled_means_centres_on_them_and_is_narrower_than_the_campaign_spread():
    from twinimpact.analyses.cost import production as cost
    from twinimpact.analyses.cost import drivers

    ds = data.load(Params(as_of="2026-11-28"))
    costs = cost.campaign_costs(ds["campaigns"], ds["cost_lines"], Params().fx_rates)
    observed = drivers.observed_drivers(costs, ds["twin_usage"]).as_dict()
    boot = drivers.bootstrap_drivers(costs, ds["twin_usage"], 2000, 5)
    spread = drivers.spread_ranges(drivers.campaign_drivers(costs), observed)
    for name in ("shoot_day_cost", "licensing_per_asset", "hybrid_per_asset"):
        lo, hi = np.percentile(boot[name], [10, 90]) / observed[name]
        assert lo < 1 < hi, name
        assert hi - lo < spread[name][1] - spread[name][0], name  # the mean is surer than one campaign
    corr = drivers.campaign_correlation(costs, ["shoot_day_cost", "assets_per_shoot_day", "licensing_per_asset"])
    assert corr[0, 2] == 0.0  # measured on different campaigns: no correlation assumed
    assert np.allclose(np.diag(corr), 1) and np.all(np.linalg.eigvalsh(corr) > 0)
