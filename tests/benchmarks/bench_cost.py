"""Production cost: the vectorised Monte Carlo over the cost drivers (target: 100k draws <= 2 s)."""

from __future__ import annotations

from tests.benchmarks.harness import measure

#: Illustrative driver ranges (multipliers of the observed value) for the timing runs.
RANGES = {"shoot_day_cost": (0.6, 1.8), "assets_per_shoot_day": (0.7, 1.3), "traditional_post_per_asset": (0.5, 2.0),
          "twin_creation_cost": (0.5, 2.0), "licensing_per_asset": (0.5, 2.0), "compute_per_asset": (0.5, 3.0),
          "review_per_asset": (0.5, 2.0), "compliance_per_asset": (0.5, 2.0), "twin_post_per_asset": (0.5, 2.0),
          "hybrid_per_asset": (0.5, 2.0)}


def _drivers() -> dict:
    from twinimpact.analyses.cost import production as cost
    from twinimpact.analyses.cost import drivers
    from twinimpact.sources import data
    from twinimpact.params import Params

    p = Params()
    ds = data.load(p)
    costs = cost.campaign_costs(ds["campaigns"], ds["cost_lines"], p.fx_rates)
    return drivers.observed_drivers(costs, ds["twin_usage"]).as_dict()


def _mc(d: dict, n: int) -> float:
    from twinimpact.analyses.cost import production as cost
    from twinimpact.analyses.stats import montecarlo

    mc = cost.monte_carlo(d, RANGES, 1500.0, 4, 6, n, seed=1)
    return montecarlo.percentiles(mc["savings_per_asset"])["p50"]


def _mc_loop(d: dict, n: int) -> float:
    """The peer an analyst might write: one draw at a time in Python."""
    import numpy as np

    from twinimpact.analyses.cost import production as cost
    from twinimpact.analyses.stats import montecarlo

    rng = np.random.default_rng(1)
    out = []
    for _ in range(n):
        draw = {k: v * float(montecarlo.multipliers(rng, *RANGES[k], 1)[0]) for k, v in d.items()}
        out.append(cost.savings_per_asset(draw, 1500.0, 4, 6))
    return float(np.median(out))


def run() -> None:
    print("cost: Monte Carlo of savings per asset over 9 drivers")
    d = _drivers()
    fast = measure("vectorised, 100,000 draws", _mc, d, 100_000)
    print(fast.line() + ("  target <= 2 s: met" if fast.seconds <= 2 else "  target <= 2 s: MISSED"))
    big = measure("vectorised, 1,000,000 draws", _mc, d, 1_000_000)
    print(big.line())
    loop = measure("python loop, 10,000 draws (peer)", _mc_loop, d, 10_000)
    print(loop.line())
    per_draw_fast, per_draw_loop = fast.seconds / 100_000, loop.seconds / 10_000
    print(f"  ratio per draw, loop / vectorised: {per_draw_loop / per_draw_fast:,.0f}x")
