"""The value of information: what it is worth to learn more before deciding.

A decision among options is represented, as in the R package voi (Jackson and Heath), by a
table of net benefits: one row per Monte Carlo draw of the uncertain inputs, one column per
option. Deciding now takes the option with the highest mean; knowing more lets the choice
follow what is learnt.

- **EVPI** (perfect information on everything) = mean over draws of the row maximum minus the
  maximum of the column means.
- **EVPPI(phi)** (perfect information on one input phi) = the same with the row maximum
  replaced by the maximum of ``E[NB | phi]``, estimated by regressing each option's net
  benefit on a natural cubic spline of phi (Strong, Oakley and Brennan 2014).
- **EVSI(n)** (a study of size n) = the same with ``E[NB | result]``: each draw's study result
  is simulated from its own phi (``phi + se_n * z``) and the net benefits are regressed on it
  (Strong et al. 2015). Always ``0 <= EVSI <= EVPPI <= EVPI``, up to Monte Carlo error.

Closed forms check the Monte Carlo path: for a net benefit linear in a normal input the
preposterior mean is normal with variance ``sigma^4 / (sigma^2 + s^2 / n)``, and
``E[max(0, Y)] = mu Phi(mu / sigma) + sigma phi(mu / sigma)`` for ``Y ~ N(mu, sigma^2)``. The
Test & Roll sample size (Feit and Berman 2019) is the profit-maximising test of two arms
followed by rolling out the winner.
"""

from __future__ import annotations

import math

import numpy as np

from twinimpact.analyses.stats.probability import normal_cdf

#: Knots of the regression spline (at quantiles of phi), as voi's GAM default is about.
SPLINE_KNOTS = 8


def expected_positive_part(mu: float, sd: float) -> float:
    """``E[max(0, Y)]`` for ``Y ~ N(mu, sd^2)`` (closed form; ``max(0, mu)`` when sd is 0)."""
    if sd <= 0:
        return max(0.0, mu)
    z = mu / sd
    return float(mu * normal_cdf(z) + sd * math.exp(-z * z / 2) / math.sqrt(2 * math.pi))


def evpi(net_benefit: np.ndarray) -> float:
    """Expected value of perfect information.

    Parameters
    ----------
    net_benefit
        Draws x options, in money.

    Returns
    -------
    float
        In the net benefit's unit; 0 with one option.
    """
    nb = np.asarray(net_benefit, dtype=float)
    return float(max(nb.max(axis=1).mean() - nb.mean(axis=0).max(), 0.0))


def spline_basis(x: np.ndarray, knots: int = SPLINE_KNOTS) -> np.ndarray:
    """A natural cubic spline basis of ``x`` (intercept, linear term and ``knots - 2``
    truncated-power terms, linear beyond the outer knots), with knots at quantiles of ``x``
    and ``x`` scaled to [0, 1] for a well-conditioned fit."""
    x = np.asarray(x, dtype=float)
    lo, hi = float(x.min()), float(x.max())
    u = (x - lo) / (hi - lo) if hi > lo else np.zeros_like(x)
    xi = np.unique(np.quantile(u, np.linspace(0, 1, knots)))
    cols = [np.ones_like(u), u]
    if len(xi) >= 3:
        last, before = xi[-1], xi[-2]

        def d(k: float) -> np.ndarray:
            return (np.clip(u - k, 0, None) ** 3 - np.clip(u - last, 0, None) ** 3) / (last - k)

        d_before = d(before)
        cols += [d(k) - d_before for k in xi[:-2]]
    return np.column_stack(cols)


def conditional_means(net_benefit: np.ndarray, x: np.ndarray, knots: int = SPLINE_KNOTS) -> np.ndarray:
    """``E[NB_option | x]`` for each draw: each option's net benefit regressed by least
    squares on :func:`spline_basis` of ``x`` (draws x options)."""
    nb = np.asarray(net_benefit, dtype=float)
    basis = spline_basis(x, knots)
    coef, *_ = np.linalg.lstsq(basis, nb, rcond=None)
    return basis @ coef


def evppi(net_benefit: np.ndarray, phi: np.ndarray, knots: int = SPLINE_KNOTS) -> float:
    """Expected value of partial perfect information on one input.

    Parameters
    ----------
    net_benefit
        Draws x options, in money.
    phi
        The input's value in each draw.
    knots
        Knots of the regression spline.

    Returns
    -------
    float
        In the net benefit's unit, at least 0.
    """
    nb = np.asarray(net_benefit, dtype=float)
    if nb.shape[1] < 2 or np.ptp(np.asarray(phi, dtype=float)) == 0:
        return 0.0
    fitted = conditional_means(nb, phi, knots)
    return float(max(fitted.max(axis=1).mean() - nb.mean(axis=0).max(), 0.0))


def evsi(net_benefit: np.ndarray, phi: np.ndarray, se: float, seed: int, knots: int = SPLINE_KNOTS
         ) -> tuple[float, float]:
    """Expected value of sample information of a study that measures ``phi`` with standard
    error ``se``, by regression on its simulated result, and the chance that its result
    changes the decision.

    Parameters
    ----------
    net_benefit
        Draws x options, in money.
    phi
        The input the study measures, in each draw (e.g. a log rate ratio).
    se
        The study's standard error on phi's scale.
    seed
        Seed of the simulated study results (one stream, the same for every size: common
        random numbers make EVSI smooth in the size).
    knots
        Knots of the regression spline.

    Returns
    -------
    tuple
        (EVSI in the net benefit's unit, at least 0; the share of draws whose study result
        makes another option best than the one chosen now).
    """
    nb = np.asarray(net_benefit, dtype=float)
    phi = np.asarray(phi, dtype=float)
    if nb.shape[1] < 2 or np.ptp(phi) == 0:
        return 0.0, 0.0
    result = phi + se * np.random.default_rng([seed, 4242]).standard_normal(len(phi))
    fitted = conditional_means(nb, result, knots)
    now = int(nb.mean(axis=0).argmax())
    value = float(max(fitted.max(axis=1).mean() - nb.mean(axis=0).max(), 0.0))
    return value, float((fitted.argmax(axis=1) != now).mean())


def evsi_normal(mu: float, sigma: float, sampling_se: float) -> float:
    """EVSI in closed form for two options whose net-benefit difference equals a normal
    input ``theta ~ N(mu, sigma^2)`` (up to a constant), learnt by a study with standard
    error ``sampling_se``: ``E[max(0, m)] - max(0, mu)`` with the preposterior mean ``m ~
    N(mu, sigma^4 / (sigma^2 + sampling_se^2))``."""
    v = sigma ** 2 / math.sqrt(sigma ** 2 + sampling_se ** 2) if sigma > 0 else 0.0
    return expected_positive_part(mu, v) - max(0.0, mu)


def test_and_roll_n(population: float, noise_sd: float, prior_sd: float) -> float:
    """Posts per arm of a profit-maximising test before rolling out the winner, for two
    arms with the same normal prior (Feit and Berman 2019, eq. 10)::

        n* = (-3 s^2 + sqrt(9 s^4 + 4 N s^2 sigma^2)) / (4 sigma^2)

    Parameters
    ----------
    population
        N, the units the test and the roll-out reach in all.
    noise_sd
        s, the response's standard deviation within an arm.
    prior_sd
        sigma, the prior standard deviation of each arm's mean.
    """
    s2, sig2 = noise_sd ** 2, prior_sd ** 2
    return (-3 * s2 + math.sqrt(9 * s2 ** 2 + 4 * population * s2 * sig2)) / (4 * sig2)
