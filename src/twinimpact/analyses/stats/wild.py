"""The wild cluster bootstrap with the null imposed (WCR), for inference that rests on few
clusters: brands, adopting units, randomised units.

One routine serves the linear model and the Poisson count models. It takes, at the
restricted fit (the term tested held at 0), each cluster's score ``s_g = X_g' (y_g - m_g)``
and Hessian block ``H_g`` (``X_g' X_g`` for least squares, ``X_g' diag(m_g) X_g`` for
Poisson), with ``H = sum_g H_g``. For a pattern of weights ``v`` (one per cluster) the
bootstrap moves the estimate by ``d(v) = H^-1 sum_g v_g s_g`` and each cluster's score to
``v_g s_g - H_g d(v)``; the statistic is the tested term's change over its CRV1 standard
error built from those scores (Roodman, Nielsen, MacKinnon and Webb 2019, "Fast and wild")::

    t(v) = C'v / sqrt(ssc * sum_g (C_g v_g - sum_h A_gh v_h)^2),
    C_g = [H^-1 s_g]_k,  A_gh = [H^-1 H_g H^-1 s_h]_k,  ssc = (N - 1) / (N - K) * G / (G - 1)

In the linear model this is exactly the WCR11 bootstrap of the Wald t statistic, and the
pattern of ones gives back the data's own Wald t; in the Poisson model it is its one-step
(score) analogue, which needs no refit per pattern. The observed statistic is ``t(1)``,
and the p-value the share of patterns with ``|t(v)| >= |t(1)|`` (with drawn patterns,
``(hits + 1) / (draws + 1)``).

Weights are Webb's six points (+-sqrt(1/2), +-1, +-sqrt(3/2), each with probability 1/6;
Webb 2023): with few clusters they give far more distinct patterns than Rademacher's +-1.
Every pattern is enumerated when there are at most :data:`ENUMERATE_UP_TO` (6^G, so G <= 6),
else :data:`DRAWS` are drawn with the run's seed. Checked against wildboottest 0.3.2
(``tests/reference/wildboottest/``) in the linear case.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

#: Below this many clusters, cluster-robust inference is fragile and the wild cluster
#: bootstrap carries it (the report says how many clusters it rests on).
FEW_CLUSTERS = 10
#: Webb's six-point weights: mean 0, variance 1.
WEBB_WEIGHTS = np.array([-np.sqrt(1.5), -1.0, -np.sqrt(0.5), np.sqrt(0.5), 1.0, np.sqrt(1.5)])
#: Enumerate every Webb pattern when there are at most this many (6^G).
ENUMERATE_UP_TO = 100_000
#: Patterns drawn (seeded) beyond that.
DRAWS = 9_999


def webb_patterns(clusters: int, seed: int) -> tuple[np.ndarray, str]:
    """The weight patterns, one row per pattern and a column per cluster: every one of the
    6^G when that is at most :data:`ENUMERATE_UP_TO`, else :data:`DRAWS` drawn with ``seed``
    (stream 61); and how they were chosen, in words."""
    total = 6 ** clusters
    if total <= ENUMERATE_UP_TO:
        idx = np.indices((6,) * clusters).reshape(clusters, -1).T
        return WEBB_WEIGHTS[idx], f"Webb weights, every one of the {total:,} patterns"
    idx = np.random.default_rng([seed, 61]).integers(0, 6, size=(DRAWS, clusters))
    return WEBB_WEIGHTS[idx], f"Webb weights, {DRAWS:,} seeded patterns"


def wcr_test(scores: np.ndarray, hessians: np.ndarray, term: int, observations: int, seed: int,
             patterns: np.ndarray | None = None) -> dict[str, Any]:
    """The restricted wild cluster bootstrap test that coefficient ``term`` is 0 (see the
    module's formula).

    Parameters
    ----------
    scores
        Clusters x coefficients: each cluster's score at the restricted fit.
    hessians
        Clusters x coefficients x coefficients: each cluster's Hessian block there.
    term
        The tested coefficient's column.
    observations
        N, for the small-sample factor (rows of the model: posts, cells or unit-months).
    seed
        Seeds the drawn patterns when they are not all enumerated.
    patterns
        Weight patterns to use instead (patterns x clusters); by default :func:`webb_patterns`.

    Returns
    -------
    dict
        ``statistic`` (``t(1)``), ``p_value``, ``patterns``, ``clusters``, ``method`` and
        ``t_boot`` (every pattern's statistic, in the patterns' order).
    """
    g, k = scores.shape
    if g < 2:
        return {"statistic": None, "p_value": None, "patterns": 0, "clusters": g, "method": "none: one cluster",
                "t_boot": np.zeros(0)}
    how = "given weights"
    if patterns is None:
        patterns, how = webb_patterns(g, seed)
    h_inv = np.linalg.inv(hessians.sum(axis=0))
    row = h_inv[term]                              # e_k' H^-1
    c = scores @ row                               # C_g
    a = np.einsum("j,gjl,lm,hm->gh", row, hessians, h_inv, scores)  # A_gh
    ssc = (observations - 1) / (observations - k) * g / (g - 1)
    ones = np.ones((1, g))
    t_boot = _t(patterns, c, a, ssc)
    t_obs = float(_t(ones, c, a, ssc)[0])
    with np.errstate(invalid="ignore"):
        # ties count (within rounding): the pattern of ones, and every constant pattern, give |t(1)| back
        hits = int(np.sum(np.abs(t_boot) >= abs(t_obs) - 1e-9 * (1 + abs(t_obs))))
        # drawn patterns may miss the pattern of ones: count it, so that p is never 0
        p = ((hits + 1) / (len(t_boot) + 1) if "seeded" in how else hits / len(t_boot)) if np.isfinite(t_obs) else None
    return {"statistic": t_obs if np.isfinite(t_obs) else None, "p_value": p, "patterns": int(len(patterns)),
            "clusters": g, "method": how, "t_boot": t_boot}


def _t(v: np.ndarray, c: np.ndarray, a: np.ndarray, ssc: float) -> np.ndarray:
    """t(v) for each row of ``v`` (patterns x clusters)."""
    numer = v @ c
    z = v * c[None, :] - v @ a.T
    with np.errstate(invalid="ignore", divide="ignore"):
        return numer / np.sqrt(ssc * (z ** 2).sum(axis=1))


def by_cluster(X: np.ndarray, residuals: np.ndarray, weights: np.ndarray, clusters: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray]:
    """Each cluster's score ``X_g' r_g`` and Hessian block ``X_g' diag(w_g) X_g`` (``w`` = 1
    for least squares, the fitted means for Poisson), clusters in order of first appearance.

    Parameters
    ----------
    X
        The model matrix (rows x coefficients).
    residuals, weights
        Per row: ``y - fitted`` and the Hessian weight.
    clusters
        Per row: the cluster label.

    Returns
    -------
    tuple
        (clusters x coefficients scores, clusters x coefficients x coefficients Hessians).
    """
    codes, uniq = pd.factorize(pd.Series(clusters).astype(str))
    g, k = len(uniq), X.shape[1]
    scores = np.zeros((g, k))
    np.add.at(scores, codes, X * residuals[:, None])
    hess = np.zeros((g, k, k))
    for j in range(g):
        rows = codes == j
        xs = X[rows]
        hess[j] = (xs * weights[rows][:, None]).T @ xs
    return scores, hess


def ols_test(X: np.ndarray, y: np.ndarray, clusters: np.ndarray, term: int, seed: int,
             patterns: np.ndarray | None = None) -> dict[str, Any]:
    """:func:`wcr_test` of least squares: fit ``y`` on ``X`` without column ``term`` and
    bootstrap its Wald t (WCR11).

    Parameters
    ----------
    X, y
        The model (rows x coefficients) and outcome.
    clusters
        Per row: the cluster label.
    term
        The tested column.
    seed, patterns
        As :func:`wcr_test`.

    Returns
    -------
    dict
        As :func:`wcr_test`.
    """
    keep = [j for j in range(X.shape[1]) if j != term]
    beta, *_ = np.linalg.lstsq(X[:, keep], y, rcond=None)
    resid = y - X[:, keep] @ beta
    scores, hess = by_cluster(X, resid, np.ones(len(y)), clusters)
    return wcr_test(scores, hess, term, len(y), seed, patterns)
