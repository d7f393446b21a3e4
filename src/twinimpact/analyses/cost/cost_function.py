"""Like for like: a cost function fitted per production mode, to price the same campaign in
every mode.

The model, fitted by ordinary least squares on campaigns with spend and assets::

    log(running cost_c) = alpha[mode_c] + beta[mode_c] * log(assets_c) + gamma[market_c] + e_c

Running cost is a campaign's spend less twin creation (amortised separately, see
:mod:`twinimpact.analyses.cost.production`), in the reporting currency. ``beta`` < 1 means economies of scale.
Market effects ``gamma`` are shared across modes (the first market in sort order is the
reference, gamma = 0). Predictions are retransformed with Duan's smearing factor
``mean(exp(e))``, so ``E[cost] = exp(x'b) * smearing``. Intervals are the homoskedastic OLS
95% intervals of the mean.

The least squares are our own (:class:`OLS`, a few lines of numpy): they give what
``statsmodels.formula.api.ols`` gives for the same formula (its coefficient names, estimates,
intervals and predictions; ``tests/test_cost.py`` checks them against it), without the
second of a kernel's CPU that importing statsmodels' formula machinery takes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from twinimpact.analyses.stats.probability import t_ppf
from twinimpact.contract.spec import PRODUCTION_MODES
from twinimpact.errors import DataError

#: Campaign sizes the like-for-like curve is evaluated at.
LIKE_FOR_LIKE_SIZES = 25


@dataclass
class OLS:
    """Ordinary least squares of ``y`` on the columns of ``exog``, by the pseudo-inverse as
    statsmodels' ``OLS.fit()`` does; homoskedastic covariance ``s^2 (X'X)^-1`` with
    ``s^2 = SSR / (n - rank)``.

    Parameters
    ----------
    exog
        The design, one named column per coefficient.
    endog
        The response, one value per row of ``exog``.
    """

    exog: pd.DataFrame
    endog: np.ndarray
    params: pd.Series = field(init=False)
    resid: np.ndarray = field(init=False)
    df_resid: float = field(init=False)
    rank: int = field(init=False)
    cov: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        x = self.exog.to_numpy(dtype=float)
        y = np.asarray(self.endog, dtype=float)
        pinv = np.linalg.pinv(x)
        beta = pinv @ y
        self.params = pd.Series(beta, index=list(self.exog.columns))
        self.resid = y - x @ beta
        self.rank = int(np.linalg.matrix_rank(x))
        self.df_resid = float(len(y) - self.rank)
        scale = float(self.resid @ self.resid) / self.df_resid if self.df_resid > 0 else float("nan")
        self.cov = (pinv @ pinv.T) * scale

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """Each coefficient's two-sided ``1 - alpha`` t interval (columns 0 and 1)."""
        half = t_ppf(1 - alpha / 2, self.df_resid) * np.sqrt(np.diag(self.cov))
        return pd.DataFrame({0: self.params - half, 1: self.params + half})

    def mean_interval(self, rows: np.ndarray, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The fitted mean at each row of ``rows`` (a design in ``exog``'s columns) and its
        two-sided ``1 - alpha`` t interval (statsmodels' ``mean_ci_lower``/``upper``)."""
        mean = rows @ self.params.to_numpy()
        se = np.sqrt(np.einsum("ij,jk,ik->i", rows, self.cov, rows))
        half = t_ppf(1 - alpha / 2, self.df_resid) * se
        return mean, mean - half, mean + half


def _market_term(reference: str) -> str:
    return f"C(market, Treatment('{reference}'))"


def cost_design(frame: pd.DataFrame, modes: list[str], markets: list[str]) -> pd.DataFrame:
    """The cost function's design, named and ordered as patsy names and orders the formula
    ``0 + C(production_mode) + C(production_mode):log_assets + C(market, Treatment(ref))``:
    a dummy per mode, a dummy per market but the first (the reference), then each mode's
    slope on log assets.

    Parameters
    ----------
    frame
        Rows with ``production_mode``, ``market`` (text) and ``log_assets``.
    modes
        The fitted modes, sorted.
    markets
        The fitted markets, sorted; the first is the reference.

    Returns
    -------
    pandas.DataFrame
        One float column per coefficient.
    """
    mode = frame["production_mode"].to_numpy()
    cols: dict[str, np.ndarray] = {f"C(production_mode)[{m}]": (mode == m).astype(float) for m in modes}
    market = frame["market"].to_numpy()
    cols.update({f"{_market_term(markets[0])}[T.{m}]": (market == m).astype(float) for m in markets[1:]})
    log_assets = frame["log_assets"].to_numpy(dtype=float)
    cols.update({f"C(production_mode)[{m}]:log_assets": (mode == m) * log_assets for m in modes})
    return pd.DataFrame(cols, index=frame.index)


@dataclass
class CostFunction:
    """log(running cost) = alpha[mode] + beta[mode]*log(assets) + market effect, fitted by OLS."""

    result: OLS
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
        return self._coef(f"{_market_term(self.reference_market)}[T.{market}]")

    def _coef(self, name: str) -> tuple[float, float, float]:
        ci = self.result.conf_int(0.05)
        return float(self.result.params[name]), float(ci.loc[name, 0]), float(ci.loc[name, 1])

    def predict(self, assets: float, market: str | None = None) -> pd.DataFrame:
        """Expected running cost of one campaign of ``assets`` in each fitted mode, with a
        95% interval for that mean. Without ``market``: the campaign-weighted mix of markets."""
        if market and market not in self.markets:
            raise ValueError(f"The cost function was not fitted for market {market!r}; its markets: "
                             f"{', '.join(self.markets)}.")
        markets = [market] if market else self.markets
        weights = [1.0] if market else [self.market_weights.get(m, 1.0) for m in markets]
        rows = []
        fitted = sorted(self.modes)
        for mode in self.modes:
            grid = pd.DataFrame({"production_mode": mode, "log_assets": math.log(assets), "market": markets})
            rows_of = cost_design(grid, fitted, self.markets).to_numpy()
            w = np.asarray(weights) / np.sum(weights)
            mean, lo, hi = (float(np.dot(w, np.exp(v))) * self.smearing for v in self.result.mean_interval(rows_of))
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
        :func:`twinimpact.analyses.cost.production.campaign_costs` (``running_total`` in the reporting
        currency, ``assets_delivered``, ``market``, ``production_mode``).
    min_campaigns
        Campaigns a mode needs to be fitted.

    Returns
    -------
    CostFunction
        The fit, its reference market, modes, smearing factor and counts.
    """
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
    result = OLS(cost_design(usable, sorted(usable["production_mode"].unique()), markets), usable["log_cost"].to_numpy())
    if result.df_resid < 1 or result.rank < result.exog.shape[1]:
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


