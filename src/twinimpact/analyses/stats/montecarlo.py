"""Monte Carlo building blocks: log-triangular multipliers on an observed value, and the
P10/P50/P90 every uncertainty figure of the workbook reports."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from twinimpact.analyses.stats.probability import normal_cdf


def multipliers(rng: np.random.Generator, low: float, high: float, n: int) -> np.ndarray:
    """``n`` multipliers ``m`` with ``log m ~ triangular(log low, 0, log high)``: most likely
    1 (the observed value), never outside ``[low, high]``, and as likely ``k`` times higher
    as ``k`` times lower when the range is symmetric in ratio. All ones when ``high <= low``."""
    if high <= low:
        return np.ones(n)
    return np.exp(rng.triangular(math.log(low), 0.0, math.log(high), n))


def percentiles(values: pd.Series | np.ndarray, axis: int | None = None) -> dict[str, Any]:
    """P10, P50 and P90 of draws (numpy's linear interpolation); along ``axis`` for a matrix
    of draws (e.g. draws x years gives one value per year).

    Parameters
    ----------
    values
        Draws (any unit), a vector or a matrix.
    axis
        The axis of the draws for a matrix.

    Returns
    -------
    dict
        ``p10``, ``p50``, ``p90`` in the draws' unit (arrays along the other axis for a matrix).
    """
    if axis is not None:
        p10, p50, p90 = np.percentile(np.asarray(values, dtype=float), [10, 50, 90], axis=axis)
        return {"p10": p10, "p50": p50, "p90": p90}
    p10, p50, p90 = np.percentile(np.asarray(values, dtype=float), [10, 50, 90])
    return {"p10": float(p10), "p50": float(p50), "p90": float(p90)}


def triangular_quantile(u: np.ndarray, low: float, mode: float, high: float) -> np.ndarray:
    """The quantile function of the triangular distribution on ``[low, high]`` with mode
    ``mode``: for ``u`` below ``F(mode) = (mode - low) / (high - low)``,
    ``low + sqrt(u (high - low)(mode - low))``, else ``high - sqrt((1 - u)(high - low)(high - mode))``.

    Parameters
    ----------
    u
        Probabilities (0-1).
    low, mode, high
        The triangle (``low <= mode <= high``).

    Returns
    -------
    ndarray
        The quantiles; ``mode`` everywhere when ``high <= low``.
    """
    u = np.asarray(u, dtype=float)
    if high <= low:
        return np.full(u.shape, float(mode))
    width = high - low
    cut = (mode - low) / width
    return np.where(u < cut, low + np.sqrt(u * width * (mode - low)), high - np.sqrt((1 - u) * width * (high - mode)))


def correlated_multipliers(ranges: list[tuple[float, float]], corr: np.ndarray, n: int, seed: int) -> np.ndarray:
    """``n`` joint draws of multipliers, each with the margin of :func:`multipliers`
    (``log m ~ triangular(log low, 0, log high)``) and tied together by a Gaussian copula
    with correlation ``corr``: ``z ~ N(0, corr)``, ``u = Phi(z)``, ``m = exp(F^-1(u))``.

    Parameters
    ----------
    ranges
        (low, high) multipliers of each variable.
    corr
        Their correlation matrix (positive definite).
    n
        Draws.
    seed
        Seeds the draws (stream 22).

    Returns
    -------
    ndarray
        ``n`` x ``len(ranges)`` multipliers.
    """

    z = np.random.default_rng([seed, 22]).multivariate_normal(np.zeros(len(ranges)), corr, n, method="cholesky")
    u = normal_cdf(z)
    return np.column_stack([np.exp(triangular_quantile(u[:, i], math.log(lo), 0.0, math.log(hi)))
                            if hi > lo else np.ones(n) for i, (lo, hi) in enumerate(ranges)])
