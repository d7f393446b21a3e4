"""The value of information (twinimpact.analyses.stats.voi) against published references:
the exact normal forms of the R package voi's vignette (EVPI 0.479811, EVPPI 0.083315, EVSI
0.082118 for 100 observations), Feit and Berman's Test & Roll size (97.045), and the Monte
Carlo path against the closed forms within 1% at a million draws."""

from __future__ import annotations

import math

import numpy as np
import pytest

from twinimpact.analyses.stats import voi


def test_the_positive_part_of_a_normal_in_closed_form():
    assert voi.expected_positive_part(0.0, 1.0) == pytest.approx(1 / math.sqrt(2 * math.pi))
    assert voi.expected_positive_part(3.0, 0.0) == 3.0 and voi.expected_positive_part(-3.0, 0.0) == 0.0


def test_the_closed_forms_reproduce_the_voi_vignettes_values():
    # NB = (0, p1 - p2), p1 ~ N(1, 1), p2 ~ N(0, 2^2): p1 - p2 ~ N(1, 5)
    assert voi.expected_positive_part(1.0, math.sqrt(5)) - 1.0 == pytest.approx(0.4798107, abs=5e-7)
    assert voi.expected_positive_part(1.0, 1.0) - 1.0 == pytest.approx(0.0833155, abs=5e-7)  # EVPPI(p1)
    for n, ref in ((10, 0.072325), (100, 0.0821176), (1000, 0.083195)):  # x ~ N(p1, 1), n of them
        assert voi.evsi_normal(1.0, 1.0, 1.0 / math.sqrt(n)) == pytest.approx(ref, abs=5e-7), n


def test_test_and_roll_reproduces_feit_and_berman():
    assert voi.test_and_roll_n(10_000, 0.1, 0.05) == pytest.approx(97.045, abs=5e-4)


@pytest.fixture(scope="module")
def vignette_draws():
    rng = np.random.default_rng(2019)
    p1, p2 = rng.normal(1.0, 1.0, 1_000_000), rng.normal(0.0, 2.0, 1_000_000)
    return np.column_stack([np.zeros_like(p1), p1 - p2]), p1


def test_the_monte_carlo_path_agrees_with_the_closed_forms_within_one_percent(vignette_draws):
    nb, p1 = vignette_draws
    e_pi, e_ppi = voi.evpi(nb), voi.evppi(nb, p1)
    e_si, changes = voi.evsi(nb, p1, se=0.1, seed=7)  # 100 observations of sd 1
    assert e_pi == pytest.approx(0.4798107, rel=0.01)
    assert e_ppi == pytest.approx(0.0833155, rel=0.01)
    assert e_si == pytest.approx(0.0821176, rel=0.01)
    assert 0 <= e_si <= e_ppi <= e_pi
    # the study changes the decision (option 2 now) when it says p1 < 0: P(N(1, 0.995^2) < 0)
    assert changes == pytest.approx(0.5 * math.erfc(1 / 0.995037 / math.sqrt(2)), abs=0.003)


def test_more_sample_is_worth_more_and_never_more_than_perfect(vignette_draws):
    nb, p1 = vignette_draws
    values = [voi.evsi(nb[:200_000], p1[:200_000], se=1 / math.sqrt(n), seed=7)[0] for n in (1, 10, 100, 1000)]
    assert values == sorted(values) and values[-1] <= voi.evppi(nb[:200_000], p1[:200_000]) * 1.005


def test_a_decision_with_nothing_uncertain_between_options_is_worth_nothing_to_study():
    nb = np.column_stack([np.zeros(1000), np.full(1000, 5.0)])
    phi = np.random.default_rng(1).normal(size=1000)
    assert voi.evpi(nb) == 0 and voi.evppi(nb, phi) == pytest.approx(0, abs=1e-9)
    assert voi.evsi(nb, phi, 0.5, 1) == (pytest.approx(0, abs=1e-9), 0.0)


def test_a_bug_that_puts_the_max_inside_the_expectation_would_be_caught():
    """EVSI with the row maximum of the raw net benefits is EVPI: the ordering test above
    fails for it, as voi's authors warn."""
    nb = np.column_stack([np.zeros(10_000), np.random.default_rng(3).normal(1, 2.2, 10_000)])
    assert nb.max(axis=1).mean() - nb.mean(axis=0).max() == pytest.approx(voi.evpi(nb))
    assert voi.evsi(nb, nb[:, 1], se=50.0, seed=1)[0] < 0.2 * voi.evpi(nb)  # a useless study is worth little
