"""The wild cluster bootstrap (analyses/stats/wild.py) against wildboottest 0.3.2's stored
output in the linear case (tests/reference/wildboottest/, written by its make_reference.py),
and its Poisson form on few brands."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from twinimpact.analyses.stats import wild

HERE = Path(__file__).parent / "reference" / "wildboottest"
REFERENCE = json.loads((HERE / "reference.json").read_text())


def _case(name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    frame = pd.read_csv(HERE / f"{name}.csv")
    X = np.column_stack([np.ones(len(frame)), frame["x1"], frame["x2"]])
    return X, frame["y"].to_numpy(), frame["cluster"].to_numpy()


@pytest.mark.parametrize("name", sorted(REFERENCE["cases"]))
def test_webb_enumeration_equals_wildboottest(name):
    ref = REFERENCE["cases"][name]["webb"]
    X, y, clusters = _case(name)
    ours = wild.ols_test(X, y, clusters, term=1, seed=0)
    g = len(np.unique(clusters))
    assert ours["patterns"] == ref["patterns"] == 6 ** g and ours["method"].startswith("Webb weights, every one")
    assert ours["statistic"] == pytest.approx(ref["t_stat"], rel=1e-10)
    for i, t in ref["t_boot_at"].items():
        assert ours["t_boot"][int(i)] == pytest.approx(t, rel=1e-9, abs=1e-12), i
    # wildboottest counts |t*| > |t| strictly; ours counts ties (the 6 constant patterns, and
    # their mirror images, give back |t| itself), so ours is larger by exactly the ties' share
    # their share lies between ours without and with the ties, which floating point sends
    # either way in theirs
    strict = np.mean(np.abs(ours["t_boot"]) > abs(ours["statistic"]) * (1 + 1e-9))
    assert strict <= ref["p_value"] <= ours["p_value"] and ours["p_value"] - strict >= 6 / 6 ** g - 1e-12


@pytest.mark.parametrize("name", sorted(REFERENCE["cases"]))
def test_rademacher_enumeration_equals_wildboottest(name):
    ref = REFERENCE["cases"][name]["rademacher"]
    X, y, clusters = _case(name)
    g = len(np.unique(clusters))
    signs = np.array(np.meshgrid(*[[-1.0, 1.0]] * g, indexing="ij")).reshape(g, -1).T
    ours = wild.ols_test(X, y, clusters, term=1, seed=0, patterns=signs)
    strict = float(np.mean(np.abs(ours["t_boot"]) > abs(ours["statistic"]) * (1 + 1e-9)))
    assert ours["statistic"] == pytest.approx(ref["t_stat"], rel=1e-10)
    assert strict <= ref["p_value"] <= ours["p_value"] and ours["p_value"] - strict == pytest.approx(2 / 2 ** g)


def test_the_pattern_of_ones_is_the_data_own_wald_t_with_crv1():
    """Closed form: t(1) is the unrestricted OLS estimate over its CRV1 standard error with
    the small-sample factor (N-1)/(N-K) G/(G-1)."""
    X, y, clusters = _case("six_clusters")
    beta = np.linalg.lstsq(X, y, rcond=None)[0]
    u = y - X @ beta
    bread = np.linalg.inv(X.T @ X)
    meat = sum(np.outer(X[clusters == c].T @ u[clusters == c], X[clusters == c].T @ u[clusters == c])
               for c in np.unique(clusters))
    n, k, g = len(y), X.shape[1], 6
    se = np.sqrt((n - 1) / (n - k) * g / (g - 1) * (bread @ meat @ bread)[1, 1])
    assert wild.ols_test(X, y, clusters, 1, seed=0)["statistic"] == pytest.approx(beta[1] / se, rel=1e-10)


def test_webb_patterns_enumerate_up_to_six_clusters_then_draw_with_the_seed():
    w, how = wild.webb_patterns(6, seed=0)
    assert w.shape == (46_656, 6) and len({tuple(r) for r in w}) == 46_656 and "every one of the 46,656" in how
    w7, how7 = wild.webb_patterns(7, seed=3)
    assert w7.shape == (wild.DRAWS, 7) and "seeded" in how7
    assert np.array_equal(w7, wild.webb_patterns(7, seed=3)[0]) and not np.array_equal(w7, wild.webb_patterns(7, 4)[0])
    assert wild.WEBB_WEIGHTS.mean() == pytest.approx(0) and (wild.WEBB_WEIGHTS ** 2).mean() == pytest.approx(1)


def test_a_null_effect_is_rejected_near_the_nominal_rate_and_less_often_than_crv1_t():
    """Size over 400 worlds of 6 clusters with no effect, a regressor and errors both
    correlated within clusters: the 5% test rejects in 2% to 10% of them (measured 8.25%),
    where CRV1 with t(G-1) critical values rejects more often (measured 10.5%)."""
    from scipy import stats

    rejected = crv1 = 0
    for seed in range(400):
        rng = np.random.default_rng(seed)
        cl = np.repeat(np.arange(6), 15)
        x = rng.normal(size=6)[cl] + rng.normal(size=90)
        y = rng.normal(size=6)[cl] + rng.normal(size=90)
        X = np.column_stack([np.ones(90), x])
        out = wild.ols_test(X, y, cl, 1, seed)
        rejected += out["p_value"] < 0.05
        crv1 += 2 * stats.t.sf(abs(out["statistic"]), 5) < 0.05
    assert 8 <= rejected <= 40 and rejected < crv1, (rejected, crv1)


def test_one_cluster_gives_no_test():
    X = np.column_stack([np.ones(5), np.arange(5.0)])
    out = wild.ols_test(X, np.arange(5.0), np.zeros(5), 1, seed=0)
    assert out["p_value"] is None and out["clusters"] == 1
