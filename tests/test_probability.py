"""The distribution functions of :mod:`twinimpact.analyses.stats.probability`: values by hand,
then against ``scipy.stats`` (the reference implementation) over grids; and no module of
the package imports ``scipy.stats`` or statsmodels itself (a kernel's second of imports that
these and the package's own fits replace)."""

from __future__ import annotations

import ast
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from twinimpact.analyses.stats import probability

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "twinimpact"


def test_values_by_hand():
    assert probability.normal_cdf(0.0) == 0.5
    assert probability.normal_ppf(0.5) == 0.0
    assert float(probability.normal_sf(0.0)) == 0.5
    # the normal's 97.5% point, and 1.96's tail (1 - 0.975002104851780)
    assert probability.normal_ppf(0.975) == pytest.approx(1.959963984540054, rel=1e-15)
    assert float(probability.normal_sf(1.96)) == pytest.approx(0.024997895148220435, rel=1e-13)
    # chi-square with 2 degrees of freedom has tail exp(-x / 2); with 1, 3.841459 is the 5% point
    # t with 1 degree of freedom is Cauchy: its 97.5% point is tan(0.475 pi); with 2, sqrt(2 / (1 - 0.9**2)) * 0.9
    assert probability.t_ppf(0.975, 1) == pytest.approx(math.tan(0.475 * math.pi), rel=1e-13)
    assert probability.t_ppf(0.95, 2) == pytest.approx(0.9 * math.sqrt(2 / (1 - 0.9 ** 2)), rel=1e-13)
    assert probability.chi2_sf(3.0, 2) == pytest.approx(math.exp(-1.5), rel=1e-14)
    assert probability.chi2_sf(3.841458820694124, 1) == pytest.approx(0.05, rel=1e-12)
    # 2 of 10 heads: P(X <= 2) = (1 + 10 + 45) / 1024, twice that two-sided; 8 of 10 the same
    # (the CDF comes from the incomplete beta function: exact to rounding)
    assert probability.binomial_test_half(2, 10) == pytest.approx(112 / 1024, rel=1e-14)
    assert probability.binomial_test_half(8, 10) == pytest.approx(112 / 1024, rel=1e-14)
    assert probability.binomial_test_half(5, 10) == 1.0
    assert probability.binomial_test_half(0, 1) == 1.0  # both outcomes equally likely
    assert probability.binomial_test_half(0, 3) == pytest.approx(2 / 8, rel=1e-14)


def test_the_normal_t_and_chi_square_match_scipy_stats():
    x = np.linspace(-8, 8, 321)
    p = np.linspace(1e-6, 1 - 1e-6, 301)
    np.testing.assert_allclose(probability.normal_cdf(x), stats.norm.cdf(x), rtol=1e-14, atol=0)
    np.testing.assert_allclose(probability.normal_sf(x), stats.norm.sf(x), rtol=1e-14, atol=0)
    np.testing.assert_allclose(probability.normal_ppf(p), stats.norm.ppf(p), rtol=1e-14, atol=1e-300)
    for df in (1, 2, 3, 7, 20, 187):
        np.testing.assert_allclose(probability.t_ppf(p, df), stats.t.ppf(p, df), rtol=1e-13, atol=1e-300)
    for df in (1, 2, 3, 7, 20):
        for v in (0.01, 0.5, 1.0, 3.2, 11.0, 40.0):
            assert probability.chi2_sf(v, df) == pytest.approx(float(stats.chi2.sf(v, df)), rel=1e-13)


@pytest.mark.parametrize("n", [1, 2, 3, 10, 37, 100, 399, 1000, 20_001])
def test_the_binomial_test_matches_scipy_stats(n):
    ks = range(n + 1) if n <= 1000 else np.linspace(0, n, 101).astype(int)
    for k in ks:
        want = stats.binomtest(int(k), n, 0.5).pvalue
        assert probability.binomial_test_half(int(k), n) == pytest.approx(want, rel=1e-8, abs=1e-300), (k, n)


def test_the_binomial_test_refuses_impossible_counts():
    for k, n in ((3, 2), (-1, 4), (0, 0)):
        with pytest.raises(ValueError, match="0 <= k <= n"):
            probability.binomial_test_half(k, n)


def test_no_module_of_the_package_imports_scipy_stats_or_statsmodels():
    """Each takes a second or so of a kernel's CPU to import; the tests keep them as references."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            found += [f"{path.relative_to(PACKAGE)}:{node.lineno} {name}" for name in names
                      if name.startswith(("scipy.stats", "statsmodels", "patsy"))]
    assert not found, f"import twinimpact.analyses.stats.probability or count_model/cost_function's own fits instead: {found}"


def test_the_binomial_test_at_any_share_is_scipys():
    from scipy.stats import binomtest

    from twinimpact.analyses.stats.probability import binomial_test

    for k, n, p in ((70, 100, 0.7), (60, 100, 0.7), (3, 40, 0.3), (300, 429, 0.7), (0, 5, 0.2)):
        assert binomial_test(k, n, p) == pytest.approx(binomtest(k, n, p).pvalue, rel=1e-9)
