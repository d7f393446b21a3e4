"""A slider moved in JupyterLab: the time to recompute and redraw the scenario charts and
the break-even chart on the bundled sample (target: under a second, the issue's bar),
measured as what the slider's callback runs: the analysis and the figures, without the
browser's drawing."""

from __future__ import annotations

import statistics
import time


def _timed(fn, repeats: int = 7) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def run() -> None:
    from twinimpact import config
    from twinimpact.analyses.cost import production as cost
    from twinimpact.sources import data
    from twinimpact.notebook import whatif
    from twinimpact.params import load_params

    params = load_params(config.DEFAULT_PARAMS)
    ds = data.load(params)
    drivers = cost.observed_drivers(cost.campaign_costs(ds["campaigns"], ds["cost_lines"], params.fx_rates),
                                    ds["twin_usage"]).as_dict()
    print("whatif: one slider move on the bundled sample (median of 7), target < 1 s")
    shares = iter([0.5, 0.6, 0.7, 0.9, 0.95, 1.0, 0.55])
    scen = _timed(lambda: whatif.scenario_figures(ds, params, adoption_share=next(shares), horizon_years=5,
                                                  discount_rate=0.08, shoot_day_cost=1.1, twin_creation_cost=1.0,
                                                  licensing_per_asset=1.0))
    be = _timed(lambda: whatif.break_even_figures(drivers, 1500.0, "EUR", 4, 6, twin_creation_cost=1.3))
    for label, seconds in (("scenario: NPV and yearly charts", scen), ("cost: break-even chart", be)):
        print(f"  {label:<40} {seconds:>6.3f} s   ratio to the 1 s target {seconds:.2f}x "
              f"({'within' if seconds < 1 else 'over'})")
