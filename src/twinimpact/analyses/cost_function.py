"""Like for like: a cost function fitted per production mode, to price the same campaign in
every mode.

The model, fitted by ordinary least squares on campaigns with spend and assets::

    log(running cost_c) = alpha[mode_c] + beta[mode_c] * log(assets_c) + gamma[market_c] + e_c

Running cost is a campaign's spend less twin creation (amortised separately, see
:mod:`twinimpact.analyses.cost`), in the reporting currency. ``beta`` < 1 means economies of scale.
Market effects ``gamma`` are shared across modes (the first market in sort order is the
reference, gamma = 0). Predictions are retransformed with Duan's smearing factor
``mean(exp(e))``, so ``E[cost] = exp(x'b) * smearing``. Intervals are the homoskedastic OLS
95% intervals of the mean.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from twinimpact.contract.spec import PRODUCTION_MODES
from twinimpact.errors import DataError

#: Campaign sizes the like-for-like curve is evaluated at.
LIKE_FOR_LIKE_SIZES = 25


@dataclass
class CostFunction:
    """log(running cost) = alpha[mode] + beta[mode]*log(assets) + market effect, fitted by OLS."""

    result: Any  # statsmodels RegressionResults
    reference_market: str
    markets: list[str]
    modes: list[str]
    smearing: float  # Duan's factor: mean cost = exp(prediction) * smearing
    n: int
    dropped: int
    market_weights: dict[str, float] = field(default_factory=dict)  # campaigns per market, for the mix

    def coefficients(self) -> pd.DataFrame:
        ci = self.result.conf_int(0.05)
        rows = []
        for name, value in self.result.params.items():
            rows.append({"term": _pretty_term(name), "estimate": float(value), "ci_low": float(ci.loc[name, 0]),
                         "ci_high": float(ci.loc[name, 1]), "raw": name})
        return pd.DataFrame(rows)

    def alpha(self, mode: str) -> tuple[float, float, float]:
        return self._coef(f"C(production_mode)[{mode}]")

    def beta(self, mode: str) -> tuple[float, float, float]:
        return self._coef(f"C(production_mode)[{mode}]:log_assets")

    def market_effect(self, market: str) -> tuple[float, float, float]:
        if market == self.reference_market:
            return (0.0, 0.0, 0.0)
        return self._coef(f"C(market, Treatment('{self.reference_market}'))[T.{market}]")

    def _coef(self, name: str) -> tuple[float, float, float]:
        ci = self.result.conf_int(0.05)
        return float(self.result.params[name]), float(ci.loc[name, 0]), float(ci.loc[name, 1])

    def predict(self, assets: float, market: str | None = None) -> pd.DataFrame:
        """Expected running cost of one campaign of ``assets`` in each fitted mode, with a
        95% interval for that mean. Without ``market``: the campaign-weighted mix of markets."""
        markets = [market] if market else self.markets
        weights = [1.0] if market else [self.market_weights.get(m, 1.0) for m in markets]
        rows = []
        for mode in self.modes:
            grid = pd.DataFrame({"production_mode": mode, "log_assets": math.log(assets), "market": markets})
            pred = self.result.get_prediction(grid).summary_frame(alpha=0.05)
            w = np.asarray(weights) / np.sum(weights)
            mean, lo, hi = (float(np.dot(w, np.exp(pred[c]))) * self.smearing
                            for c in ("mean", "mean_ci_lower", "mean_ci_upper"))
            rows.append({"production_mode": mode, "assets": assets, "running_cost": mean, "ci_low": lo,
                         "ci_high": hi, "cost_per_asset": mean / assets})
        return pd.DataFrame(rows)


def _pretty_term(name: str) -> str:
    name = name.replace("C(production_mode)", "mode").replace(":log_assets", " x log(assets)")
    if name.startswith("C(market"):
        name = "market " + name.split("[T.")[-1].rstrip("]")
    return name


def fit_cost_function(costs: pd.DataFrame, min_campaigns: int = 3) -> CostFunction:
    """Fit log running cost (twin creation excluded: it is amortised separately) on log
    assets per mode, with market effects shared across modes.

    Campaigns with zero assets or zero spend are left out (counted in ``dropped``); a mode
    with fewer than ``min_campaigns`` campaigns, or whose campaigns all have the same
    size, is left out of the fit. Raises ``DataError`` if nothing can be fitted.

    Parameters
    ----------
    costs
        :func:`twinimpact.analyses.cost.campaign_costs` (``running_total`` in the reporting
        currency, ``assets_delivered``, ``market``, ``production_mode``).
    min_campaigns
        Campaigns a mode needs to be fitted.

    Returns
    -------
    CostFunction
        The fit, its reference market, modes, smearing factor and counts.
    """
    import statsmodels.formula.api as smf

    usable = costs[(costs["assets_delivered"] > 0) & (costs["running_total"] > 0)].copy()
    dropped = len(costs) - len(usable)
    keep = []
    for mode, grp in usable.groupby("production_mode"):
        if len(grp) >= min_campaigns and grp["assets_delivered"].nunique() > 1:
            keep.append(mode)
    usable = usable[usable["production_mode"].isin(keep)]
    if usable.empty:
        raise DataError(f"Cannot fit a cost function: no production mode has {min_campaigns} or more campaigns "
                        "of different sizes with spend and assets.")
    usable["log_cost"] = np.log(usable["running_total"].astype(float))
    usable["log_assets"] = np.log(usable["assets_delivered"].astype(float))
    usable["market"] = usable["market"].astype(str)
    usable["production_mode"] = usable["production_mode"].astype(str)
    markets = sorted(usable["market"].unique())
    ref = markets[0]
    formula = "log_cost ~ 0 + C(production_mode) + C(production_mode):log_assets"
    if len(markets) > 1:
        formula += f" + C(market, Treatment('{ref}'))"
    result = smf.ols(formula, data=usable).fit()
    if result.df_resid < 1 or np.linalg.matrix_rank(result.model.exog) < result.model.exog.shape[1]:
        raise DataError("Cannot fit a cost function: the campaigns do not separate modes, sizes and markets "
                        "(too few campaigns per market or mode).")
    smearing = float(np.mean(np.exp(result.resid)))
    weights = usable["market"].value_counts().reindex(markets).astype(float).to_dict()
    return CostFunction(result, ref, markets, [m for m in PRODUCTION_MODES if m in keep], smearing, len(usable),
                        dropped, weights)


def like_for_like(fit: CostFunction, assets_delivered: pd.Series, sizes: int = LIKE_FOR_LIKE_SIZES) -> pd.DataFrame:
    """The fitted running cost of one campaign in every mode over ``sizes`` campaign sizes
    spaced evenly in log between the smallest and largest campaign in the data."""
    delivered = assets_delivered[assets_delivered > 0]
    grid = np.unique(np.geomspace(max(1.0, float(delivered.min())), float(delivered.max()), sizes).round())
    return pd.concat([fit.predict(float(n)) for n in grid], ignore_index=True)


