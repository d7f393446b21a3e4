"""Monte Carlo building blocks: log-triangular multipliers on an observed value, and the
P10/P50/P90 every uncertainty figure of the workbook reports."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd


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
