"""The few distribution functions the analyses need (the normal's CDF, tail and quantile,
Student's t quantile, the chi-square's tail, the exact two-sided binomial test at one half),
from ``scipy.special``'s functions, which ``scipy.stats`` itself calls for the first five.

Why not ``scipy.stats``: importing it takes a second or more of a kernel's CPU (``scipy.special``
a quarter of that), and a run's kernels share two cores with the validation of the data;
the engagement notebook, a run's longest, otherwise imports it for a quantile and a tail.
``tests/test_probability.py`` checks each function against ``scipy.stats``.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def normal_cdf(x: Any) -> Any:
    """P(Z <= x) for a standard normal Z (``scipy.stats.norm.cdf``), elementwise."""
    from scipy.special import ndtr

    return ndtr(x)


def normal_sf(x: Any) -> Any:
    """P(Z > x) for a standard normal Z (``scipy.stats.norm.sf``), elementwise."""
    from scipy.special import ndtr

    return ndtr(-np.asarray(x, dtype=float))


def normal_ppf(p: Any) -> Any:
    """The standard normal's quantile at ``p`` (``scipy.stats.norm.ppf``), elementwise."""
    from scipy.special import ndtri

    return ndtri(p)


def t_ppf(p: Any, df: float) -> Any:
    """Student's t quantile at ``p`` with ``df`` degrees of freedom (``scipy.stats.t.ppf``),
    elementwise."""
    from scipy.special import stdtrit

    return stdtrit(df, p)


def chi2_sf(x: float, df: int) -> float:
    """P(X > x) for X chi-square with ``df`` degrees of freedom (``scipy.stats.chi2.sf``)."""
    from scipy.special import chdtrc

    return float(chdtrc(df, x))


def binomial_test_half(k: int, n: int) -> float:
    """The exact two-sided p-value of ``k`` successes in ``n`` trials against a success
    probability of one half (``scipy.stats.binomtest(k, n, 0.5).pvalue``): the probability
    of an outcome no likelier than ``k``, which, the distribution being symmetric, is both
    tails beyond ``min(k, n - k)``, i.e. ``2 P(X <= min(k, n - k))``, at most 1."""
    from scipy.special import bdtr

    if n < 1 or not 0 <= k <= n:
        raise ValueError(f"binomial_test_half needs 0 <= k <= n and n >= 1, got k={k}, n={n}")
    if 2 * k == n:
        return 1.0
    return float(min(1.0, 2.0 * bdtr(min(k, n - k), n, 0.5)))


def binomial_test(k: int, n: int, p: float) -> float:
    """The exact two-sided p-value of ``k`` successes in ``n`` trials against a success
    probability ``p`` (``scipy.stats.binomtest(k, n, p).pvalue``): the probability of every
    outcome no likelier than ``k``, with a relative tolerance of 1e-7 on "no likelier"."""
    import numpy as np
    from scipy.special import gammaln

    if n < 1 or not 0 <= k <= n or not 0 < p < 1:
        raise ValueError(f"binomial_test needs 0 <= k <= n, n >= 1 and 0 < p < 1, got k={k}, n={n}, p={p}")
    i = np.arange(n + 1)
    log_pmf = gammaln(n + 1) - gammaln(i + 1) - gammaln(n - i + 1) + i * np.log(p) + (n - i) * np.log1p(-p)
    pmf = np.exp(log_pmf)
    return float(min(1.0, pmf[pmf <= pmf[k] * (1 + 1e-7)].sum()))
