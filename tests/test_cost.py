"""Production cost, worked by hand on the tiny fixture (EUR 1, GBP 1.2, USD 0.9):

C1 traditional, EUR: 4000 + 3000 + 1000 + 1500 + 500 = 10,000 for 50 assets -> 200 per asset.
C2 twin, GBP: 2000 creation + 300 + 500 + 1000 + 200 = 4000 GBP = 4800 EUR for 100 -> 48.
C3 hybrid, USD: 5000 USD = 4500 EUR for 40 -> 112.5.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from twinimpact import config, sample
from twinimpact.analyses.cost import production as cost
from twinimpact.analyses.cost import cost_function
from twinimpact.analyses.cost import drivers
from twinimpact.analyses.stats import montecarlo
from twinimpact.analyses.cost import savings
from twinimpact.sources import data
from twinimpact.errors import DataError
from twinimpact.params import Params
from tests.conftest import TINY, TINY_FX

#: Illustrative ranges for the Monte Carlo tests (the workbook takes them from the data).
RANGES = {"shoot_day_cost": (0.6, 1.8), "assets_per_shoot_day": (0.7, 1.3), "traditional_post_per_asset": (0.5, 2.0),
          "twin_creation_cost": (0.5, 2.0), "licensing_per_asset": (0.5, 2.0), "compute_per_asset": (0.5, 3.0),
          "review_per_asset": (0.5, 2.0), "compliance_per_asset": (0.5, 2.0), "twin_post_per_asset": (0.5, 2.0)}
NO_RANGE = {k: (1.0, 1.0) for k in RANGES}


@pytest.fixture(scope="module")
def tiny():
    return data.load(Params(data_dir=str(TINY), fx_rates=TINY_FX, as_of="2026-11-28"))


@pytest.fixture(scope="module")
def tiny_costs(tiny):
    return cost.campaign_costs(tiny["campaigns"], tiny["cost_lines"], TINY_FX)


def test_cost_per_asset_per_campaign_in_the_reporting_currency(tiny_costs):
    by = tiny_costs.set_index("campaign_id")
    assert by.loc["C1", "total"] == pytest.approx(10_000)
    assert by.loc["C2", "total"] == pytest.approx(4_000 * 1.2)
    assert by.loc["C3", "total"] == pytest.approx(5_000 * 0.9)
    assert by["cost_per_asset"].to_dict() == pytest.approx({"C1": 200.0, "C2": 48.0, "C3": 112.5})
    assert by.loc["C1", "cost_per_look"] == pytest.approx(1_000)
    assert by.loc["C2", "running_total"] == pytest.approx(4_800 - 2_000 * 1.2)  # twin creation set apart
    assert by.loc["C2", "photographer"] == 0  # a category a campaign lacks is zero, not missing


def test_pooled_cost_per_asset_is_spend_over_assets_per_mode(tiny_costs):
    assert cost.pooled_cost_per_asset(tiny_costs) == pytest.approx(
        {"traditional": 200.0, "twin": 48.0, "hybrid": 112.5})


def test_pooled_is_not_the_mean_of_campaign_ratios():
    import pandas as pd

    costs = pd.DataFrame({"production_mode": ["twin", "twin"], "total": [100.0, 900.0],
                          "assets_delivered": [10, 90]})
    # (100 + 900) / (10 + 90) = 10, though each campaign's ratio is also 10; change one:
    costs.loc[1, "total"] = 1800.0
    assert cost.pooled_cost_per_asset(costs)["twin"] == pytest.approx(1900 / 100)


def test_zero_asset_campaign_is_flagged_never_divided(tiny):
    campaigns = tiny["campaigns"].copy()
    campaigns.loc[campaigns["campaign_id"] == "C1", "assets_delivered"] = 0
    costs = cost.campaign_costs(campaigns, tiny["cost_lines"], TINY_FX)
    c1 = costs.set_index("campaign_id").loc["C1"]
    assert bool(c1["zero_assets"]) and math.isnan(c1["cost_per_asset"])
    assert cost.pooled_cost_per_asset(costs)["traditional"] is None
    block = cost.cost_block(costs, drivers.observed_drivers(costs, tiny["twin_usage"]), None, 100, 4, 6)
    assert block["zero_asset_campaigns"] == ["C1"]


def test_missing_exchange_rate_is_a_clear_data_error(tiny):
    with pytest.raises(DataError, match="No exchange rate for USD.*fx_rates") as caught:
        cost.campaign_costs(tiny["campaigns"], tiny["cost_lines"], {"EUR": 1.0, "GBP": 1.2})
    assert caught.value.exit_code == 3


def test_rollup_by_brand_and_mode(tiny_costs):
    r = cost.rollup(tiny_costs, ["brand"]).set_index("brand")
    assert r.loc["Alpha", "spend"] == pytest.approx(14_800)
    assert r.loc["Alpha", "cost_per_asset"] == pytest.approx(14_800 / 150)


def test_observed_drivers_by_hand(tiny_costs, tiny):
    d = drivers.observed_drivers(tiny_costs, tiny["twin_usage"]).as_dict()
    assert d == pytest.approx({
        "shoot_day_cost": 9_500 / 2,            # model, photographer, hair-make-up, studio over 2 days
        "assets_per_shoot_day": 50 / 2,
        "traditional_post_per_asset": 500 / 50,
        "twin_creation_cost": 2_400 / 2,        # EUR 2,400 of creation over twins M1 and M2
        "licensing_per_asset": 360 / 100,
        "compute_per_asset": 600 / 100,
        "review_per_asset": 1_200 / 100,
        "compliance_per_asset": 240 / 100,
        "twin_post_per_asset": 0.0,
        "hybrid_per_asset": 5_000 * 0.9 / 40,  # hybrid C3: USD 5,000 over 40 assets, no twin building
    })


def test_break_even_solved_by_hand(tiny_costs, tiny):
    d = drivers.observed_drivers(tiny_costs, tiny["twin_usage"]).as_dict()
    # traditional 4750/25 + 10 = 200 per asset; twin 24 per asset + 4 twins * 1200 / 6 seasons = 800 a season
    # 200 n = 800 + 24 n  ->  n = 800 / 176
    assert cost.break_even_assets(d, twins_per_season=4, twin_life_seasons=6) == pytest.approx(800 / 176)
    assert cost.savings_per_asset(d, 100, 4, 6) == pytest.approx(176 - 8)
    curve = cost.break_even_curve(d, 4, 6, 10).pivot(index="assets", columns="production_mode",
                                                      values="season_cost")
    assert curve.loc[0, "twin"] == pytest.approx(800) and curve.loc[10, "traditional"] == pytest.approx(2_000)


def test_break_even_is_none_when_twins_never_catch_up(tiny_costs, tiny):
    d = drivers.observed_drivers(tiny_costs, tiny["twin_usage"]).as_dict()
    d["review_per_asset"] = 500.0
    assert cost.break_even_assets(d, 4, 6) is None


def test_tornado_moves_one_driver_at_a_time(tiny_costs, tiny):
    d = drivers.observed_drivers(tiny_costs, tiny["twin_usage"]).as_dict()
    t = cost.tornado(d, {**NO_RANGE, "compute_per_asset": (0.5, 3.0)}, 100, 4, 6).set_index("driver")
    assert t.loc["compute_per_asset", "savings_at_low"] == pytest.approx(168 + 3)
    assert t.loc["compute_per_asset", "savings_at_high"] == pytest.approx(168 - 12)
    assert t.index[0] == "compute_per_asset" and t.loc["review_per_asset", "swing"] == 0


def test_monte_carlo_is_reproducible_by_seed(tiny_costs, tiny):
    d = drivers.observed_drivers(tiny_costs, tiny["twin_usage"]).as_dict()
    a = cost.monte_carlo(d, RANGES, 100, 4, 6, 5_000, seed=3)
    b = cost.monte_carlo(d, RANGES, 100, 4, 6, 5_000, seed=3)
    c = cost.monte_carlo(d, RANGES, 100, 4, 6, 5_000, seed=4)
    assert a.equals(b) and not a.equals(c)


def test_monte_carlo_median_matches_the_closed_form(tiny_costs, tiny):
    d = drivers.observed_drivers(tiny_costs, tiny["twin_usage"]).as_dict()
    mc = cost.monte_carlo(d, {**NO_RANGE, "compute_per_asset": (0.5, 3.0)}, 100, 4, 6, 200_000, seed=1)
    # log m ~ triangular(a, 0, b): since (a + b) / 2 > 0 the median is b - sqrt((b - a) * b / 2)
    a, b = math.log(0.5), math.log(3.0)
    median_m = math.exp(b - math.sqrt((b - a) * b / 2))
    expected = 176 + 6 - 8 - 6 * median_m  # savings fall 6 per unit of the compute multiplier
    assert np.median(mc["savings_per_asset"]) == pytest.approx(expected, abs=0.05)
    assert mc["savings_per_season"].equals(mc["savings_per_asset"] * 100)


def test_multipliers_stay_in_range_and_peak_at_one():
    m = montecarlo.multipliers(np.random.default_rng(0), 0.5, 2.0, 100_000)
    assert m.min() >= 0.5 and m.max() <= 2.0 and np.median(m) == pytest.approx(1.0, abs=0.01)


def test_planted_cost_function_is_recovered_within_its_intervals():
    truth = json.loads((config.SAMPLE_DIR / "TRUTH.json").read_text())["cost"]
    ds = data.load(Params(as_of="2026-11-28"))
    fit = cost_function.fit_cost_function(cost.campaign_costs(ds["campaigns"], ds["cost_lines"], Params().fx_rates))
    _assert_recovers(fit, truth["alpha"], truth["beta"], truth["market_effect"])


def test_a_different_planted_cost_function_is_recovered_too():
    spec = sample.SampleSpec(cost_alpha={"traditional": 7.0, "hybrid": 6.0, "twin": 5.2},
                             cost_beta={"traditional": 0.75, "hybrid": 0.9, "twin": 0.8},
                             market_effect={"DE": 0.0, "FR": -0.05, "GB": 0.12, "SE": 0.02, "US": 0.2, "US-NY": 0.3})
    s = sample.generate(seed=99, spec=spec, posts=False)
    costs = cost.campaign_costs(s.tables["campaigns"], s.tables["cost_lines"], sample.FX_TO_EUR)
    _assert_recovers(cost_function.fit_cost_function(costs), spec.cost_alpha, spec.cost_beta, spec.market_effect)


def _statsmodels_fit(costs):
    """The cost function's formula fitted by statsmodels (the reference implementation) on the
    campaigns the workbook's fit keeps."""
    import statsmodels.formula.api as smf

    usable = costs[(costs["assets_delivered"] > 0) & (costs["running_total"] > 0)].copy()
    sizes = usable.groupby("production_mode")["assets_delivered"].agg(["size", "nunique"])
    usable = usable[usable["production_mode"].isin(sizes.index[(sizes["size"] >= 3) & (sizes["nunique"] > 1)])].copy()
    usable["log_cost"] = np.log(usable["running_total"].astype(float))
    usable["log_assets"] = np.log(usable["assets_delivered"].astype(float))
    usable["market"] = usable["market"].astype(str)
    usable["production_mode"] = usable["production_mode"].astype(str)
    ref = sorted(usable["market"].unique())[0]
    formula = "log_cost ~ 0 + C(production_mode) + C(production_mode):log_assets"
    if usable["market"].nunique() > 1:
        formula += f" + C(market, Treatment('{ref}'))"
    return smf.ols(formula, data=usable).fit()


def _planted_costs(seed, markets=None, modes=None):
    s = sample.generate(seed=seed, posts=False)
    costs = cost.campaign_costs(s.tables["campaigns"], s.tables["cost_lines"], sample.FX_TO_EUR)
    if markets:
        costs = costs[costs["market"].isin(markets)]
    if modes:
        costs = costs[costs["production_mode"].isin(modes)]
    return costs.reset_index(drop=True)


@pytest.mark.parametrize("seed, markets, modes", [(20250331, None, None), (99, None, None), (7, ["GB"], None),
                                                  (11, ["FR", "GB", "US"], ["twin", "traditional"])])
def test_the_cost_function_matches_statsmodels_ols(seed, markets, modes):
    """Our least squares against ``statsmodels.formula.api.ols`` on the same formula: the same
    coefficients by name and order, estimates, 95% intervals, residuals and degrees of
    freedom, and each mode's predicted mean cost with its interval at four campaign sizes
    (all markets, campaign-weighted, and one market); an unknown market is refused."""
    costs = _planted_costs(seed, markets, modes)
    ours, ref = cost_function.fit_cost_function(costs), _statsmodels_fit(costs)
    assert list(ours.result.params.index) == list(ref.params.index)
    np.testing.assert_allclose(ours.result.params, ref.params, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours.result.conf_int(0.05), ref.conf_int(0.05), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours.result.resid, ref.resid, rtol=1e-9, atol=1e-12)
    assert ours.result.df_resid == ref.df_resid
    assert ours.smearing == pytest.approx(float(np.mean(np.exp(ref.resid))), rel=1e-12)
    for n in (3.0, 40.0, 250.0, 1800.0):
        for market in (None, ours.markets[-1]):
            got = ours.predict(n, market).set_index("production_mode")
            markets_ = [market] if market else ours.markets
            w = np.array([1.0] if market else [ours.market_weights[m] for m in markets_])
            w = w / w.sum()
            for mode in ours.modes:
                grid = pd.DataFrame({"production_mode": mode, "log_assets": math.log(n), "market": markets_})
                frame = ref.get_prediction(grid).summary_frame(alpha=0.05)
                for col, name in (("running_cost", "mean"), ("ci_low", "mean_ci_lower"), ("ci_high", "mean_ci_upper")):
                    want = float(np.dot(w, np.exp(frame[name]))) * ours.smearing
                    assert got.loc[mode, col] == pytest.approx(want, rel=1e-9), (n, market, mode, col)
    with pytest.raises(ValueError, match="not fitted for market 'XX'"):  # patsy refused an unknown level too
        ours.predict(100.0, "XX")


def _assert_recovers(fit, alpha, beta, market):
    ref = fit.reference_market
    terms = len(fit.result.params)
    ci = fit.result.conf_int(0.05 / terms)  # Bonferroni: every coefficient at once, 95% overall
    for mode in fit.modes:
        name_a, name_b = f"C(production_mode)[{mode}]", f"C(production_mode)[{mode}]:log_assets"
        assert ci.loc[name_a, 0] <= alpha[mode] + market[ref] <= ci.loc[name_a, 1], mode
        assert ci.loc[name_b, 0] <= beta[mode] <= ci.loc[name_b, 1], mode
    for m in fit.markets:
        if m != ref:
            name = f"C(market, Treatment('{ref}'))[T.{m}]"
            assert ci.loc[name, 0] <= market[m] - market[ref] <= ci.loc[name, 1], m


def test_cost_function_refuses_data_it_cannot_fit(tiny_costs):
    with pytest.raises(DataError, match="Cannot fit a cost function"):
        cost_function.fit_cost_function(tiny_costs)  # one campaign per mode


def test_like_for_like_prices_the_same_campaign_in_every_mode():
    """Campaigns whose running cost follows a planted power law exactly, per mode, with a
    market uplift: the fit must price a 300-asset campaign in Germany, in every mode, at
    the planted cost (worked out here from the planted numbers, not from the fit)."""
    planted = {"traditional": (1000.0, 0.9), "hybrid": (600.0, 0.8), "twin": (200.0, 0.7)}  # scale, exponent
    uplift = {"FR": 1.0, "DE": 1.2}
    rows = [{"production_mode": mode, "market": market, "assets_delivered": n,
             "running_total": scale * n ** power * uplift[market]}
            for mode, (scale, power) in planted.items() for market in uplift for n in (40, 90, 200, 450, 1000)]
    fit = cost_function.fit_cost_function(pd.DataFrame(rows))
    assert fit.smearing == pytest.approx(1.0)  # no noise: nothing to retransform
    pred = fit.predict(300, market="DE").set_index("production_mode")
    hand = {"traditional": 1000 * 300 ** 0.9 * 1.2, "hybrid": 600 * 300 ** 0.8 * 1.2, "twin": 200 * 300 ** 0.7 * 1.2}
    for mode, cost_300 in hand.items():
        assert pred.loc[mode, "running_cost"] == pytest.approx(cost_300, rel=1e-9), mode
        assert pred.loc[mode, "cost_per_asset"] == pytest.approx(cost_300 / 300, rel=1e-9), mode
    grid = cost_function.like_for_like(fit, pd.Series([40, 1000]), sizes=3)  # 40, 200, 1000 assets
    mixed = grid[grid["assets"] == 200].set_index("production_mode")["running_cost"]  # the campaigns' market mix
    assert mixed["twin"] == pytest.approx(200 * 200 ** 0.7 * (1.0 + 1.2) / 2, rel=1e-9)
    assert mixed["traditional"] == pytest.approx(1000 * 200 ** 0.9 * 1.1, rel=1e-9)


def test_like_for_like_intervals_hold_the_sample_fit():
    ds = data.load(Params(as_of="2026-11-28"))
    fit = cost_function.fit_cost_function(cost.campaign_costs(ds["campaigns"], ds["cost_lines"], Params().fx_rates))
    pred = fit.predict(300, market="DE").set_index("production_mode")
    assert (pred["ci_low"] < pred["running_cost"]).all() and (pred["running_cost"] < pred["ci_high"]).all()
    assert pred.loc["twin", "cost_per_asset"] < pred.loc["traditional", "cost_per_asset"]

# --- what an asset moved from today's mix saves ------------------------------------------
HAND_DRIVERS = {"shoot_day_cost": 1000.0, "assets_per_shoot_day": 10.0, "traditional_post_per_asset": 20.0,
                "licensing_per_asset": 5.0, "compute_per_asset": 3.0, "review_per_asset": 2.0,
                "compliance_per_asset": 1.0, "twin_post_per_asset": 9.0, "twin_creation_cost": 5000.0,
                "hybrid_per_asset": 70.0}


def test_an_asset_moved_from_todays_mix_saves_the_mix_weighted_margin():
    # traditional 1000 / 10 + 20 = 120 per asset; twin 5 + 3 + 2 + 1 + 9 = 20; hybrid 70.
    # 30 traditional and 10 hybrid assets move: (30 x (120 - 20) + 10 x (70 - 20)) / 40 = 87.5
    assert savings.mix_margin(HAND_DRIVERS, 30.0, 10.0) == pytest.approx(87.5)
    assert savings.mix_margin(HAND_DRIVERS, 30.0, 0.0) == pytest.approx(100.0)  # traditional only: 120 - 20
    assert savings.mix_margin(HAND_DRIVERS, 0.0, 0.0) is None  # nothing moves
    drawn = savings.mix_margin({**HAND_DRIVERS, "shoot_day_cost": np.array([1000.0, 2000.0])}, 30.0, 10.0)
    assert drawn == pytest.approx([87.5, (30 * (220 - 20) + 10 * 50) / 40])  # element-wise over draws


def test_the_moved_saving_in_the_cost_block_is_the_margin_at_and_around_the_observed_drivers():
    fixed = cost.moved_saving(HAND_DRIVERS, {}, (30.0, 10.0), 500, 1)  # no ranges: every draw is observed
    assert fixed["saving_per_moved_asset_observed"] == pytest.approx(87.5)
    none = fixed["saving_per_moved_asset"]  # every draw the same: no range to show, the P50 alone
    assert none["p50"] == pytest.approx(87.5) and none["p10"] is None and none["p90"] is None
    assert "zero width" in none["not_estimable"]
    spread = cost.moved_saving(HAND_DRIVERS, {"shoot_day_cost": (0.5, 2.0)}, (30.0, 10.0), 2000, 1)
    p = spread["saving_per_moved_asset"]
    # shoot-day cost x 0.5 .. x 2: the traditional margin runs from 500 / 10 + 20 - 20 = 50 to
    # 2000 / 10 + 20 - 20 = 200 per asset, so the mix margin from (30 x 50 + 500) / 40 to (30 x 200 + 500) / 40
    assert (30 * 50 + 500) / 40 < p["p10"] < 87.5 < p["p90"] < (30 * 200 + 500) / 40
    assert cost.moved_saving(HAND_DRIVERS, {}, (0.0, 0.0), 10, 1)["saving_per_moved_asset"]["p50"] is None
