"""What each estimate needs, and the one test an interval passes before it is a finding.

Every estimate the report states has a minimum of data below which it is *not estimable*:
its section says why and what data would make it estimable, results.json holds null there
(with ``not_estimable`` giving the reason), and the first page lists it under what these
data cannot estimate instead of in the bottom line. The minima (:data:`NEEDS`) are
documented in docs/DATA_CONTRACT.md ("How much data each estimate needs").

Beyond the minima, an interval is never a finding when it is

* **degenerate**: zero width (a bootstrap over one campaign, Monte Carlo draws that do not
  vary), which would read as certainty; or
* **absurd**: a rate ratio bound beyond :data:`RATIO_BOUNDS` (a hundredfold rise or fall in
  engagements per impression is not something an image changes; such bounds come from a
  covariance estimated on too few campaigns), or a bound that is not a finite number.

This module is plain Python (no numpy, no pandas) so that every layer can use it.
"""

from __future__ import annotations

import math
from typing import Any

#: A rate ratio whose 95% interval reaches beyond these bounds is not a finding.
RATIO_BOUNDS = (0.01, 100.0)
#: Campaigns on each side of a contrast (showing it, and not) a campaign-clustered interval needs.
MIN_CAMPAIGNS_PER_SIDE = 2
#: Campaigns of a production mode a bootstrap over campaigns needs for an interval.
MIN_CAMPAIGNS_PER_MODE = 3
#: Clusters (campaigns) a bootstrap over clusters needs for an interval (fewer resample to a
#: handful of distinct values).
MIN_BOOTSTRAP_CLUSTERS = 5
#: Relative width below which an interval counts as zero width.
DEGENERATE_WIDTH = 1e-9

#: What each estimate needs, in words: the second half of every "not estimable" sentence.
NEEDS: dict[str, str] = {
    "rate_ratio": (f"posts from at least {MIN_CAMPAIGNS_PER_SIDE} campaigns showing the contrast and "
                   f"{MIN_CAMPAIGNS_PER_SIDE} not showing it, and more campaigns with posts than the engagement "
                   "model has coefficients"),
    "cost_difference": (f"at least {MIN_CAMPAIGNS_PER_MODE} traditional and {MIN_CAMPAIGNS_PER_MODE} twin "
                        "campaigns with assets delivered"),
    "percentiles": "inputs that vary across campaigns or assumed ranges wider than a point",
    "engagement_value": f"post outcomes (revenue) for posts of at least {MIN_BOOTSTRAP_CLUSTERS} campaigns",
    "jobs": f"staffing of at least {MIN_CAMPAIGNS_PER_MODE} traditional and {MIN_CAMPAIGNS_PER_MODE} twin campaigns",
    "before_after": ("at least 2 adopting brands with posts 3 months before and after adoption while another "
                     "brand had not yet adopted"),
}


def _missing(x: Any) -> bool:
    return x is None or (isinstance(x, float) and not math.isfinite(x))


def interval_problem(estimate: Any, low: Any, high: Any, *, ratio: bool = False) -> str | None:
    """Why an interval is not a finding, or None when it is one.

    Parameters
    ----------
    estimate, low, high
        The estimate and its interval (or P50 and P10/P90).
    ratio
        Whether the values are ratios (rate ratios): bounds must then lie within
        :data:`RATIO_BOUNDS`.

    Returns
    -------
    str or None
        ``"missing"``-style reason in words, or None.
    """
    if any(_missing(v) for v in (estimate, low, high)):
        return "the interval could not be computed"
    lo, hi, est = float(low), float(high), float(estimate)
    if hi < lo:
        return f"the interval is inverted ({lo:g} above {hi:g})"
    if hi - lo <= DEGENERATE_WIDTH * max(1.0, abs(est)):
        return "the interval has zero width (the data carry no variation to estimate it from)"
    if ratio and (lo < RATIO_BOUNDS[0] or hi > RATIO_BOUNDS[1]):
        return (f"the 95% interval ({lo:.3g} to {hi:.3g}) reaches beyond {RATIO_BOUNDS[0]:g} to "
                f"{RATIO_BOUNDS[1]:g}: too few campaigns to estimate it")
    return None


def not_estimable(keys: tuple[str, ...], reason: str) -> dict[str, Any]:
    """A results.json block of nulls for ``keys`` with ``not_estimable`` giving the reason."""
    return {**{k: None for k in keys}, "not_estimable": reason}


def checked_interval(ci: dict[str, Any] | None, *, ratio: bool = False) -> dict[str, Any]:
    """``ci`` when it is a finding, else the same keys null with ``not_estimable``.

    Parameters
    ----------
    ci
        ``estimate``, ``ci_low``, ``ci_high``.
    ratio
        Whether it is a rate ratio (:func:`interval_problem`).

    Returns
    -------
    dict
        ``ci`` itself, or nulls with ``not_estimable``.
    """
    keys = ("estimate", "ci_low", "ci_high")
    ci = ci or {}
    why = interval_problem(ci.get("estimate"), ci.get("ci_low"), ci.get("ci_high"), ratio=ratio)
    return dict(ci) if why is None else not_estimable(keys, why)


def checked_percentiles(p: dict[str, Any] | None, *, need: str = "percentiles") -> dict[str, Any]:
    """P10/P50/P90 when they spread, else the P50 alone (what every draw gave) with P10 and
    P90 null and ``not_estimable``: draws that do not vary are not an uncertainty range.

    Parameters
    ----------
    p
        ``p10``, ``p50``, ``p90``.
    need
        A key of :data:`NEEDS`, appended to the reason.

    Returns
    -------
    dict
        ``p`` itself, or the P50 with null P10/P90 and ``not_estimable``.
    """
    p = p or {}
    why = interval_problem(p.get("p50"), p.get("p10"), p.get("p90"))
    if why is None or _missing(p.get("p50")):
        return dict(p)
    return {"p10": None, "p50": p.get("p50"), "p90": None, "not_estimable": f"{why}; it needs {NEEDS[need]}"}
