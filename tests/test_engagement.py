"""Engagement: the cell-aggregated Poisson equals the post-level fit, the planted effects of
the sample generator are recovered within their 95% intervals, and data that cannot
identify an effect gets a message rather than a singular-matrix traceback."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from twinimpact import config, sample
from twinimpact.analyses.stats import count_model
from twinimpact.analyses.engagement import model as engagement
from twinimpact.sources import data
from twinimpact.params import Params

TRUTH = json.loads((config.SAMPLE_DIR / "TRUTH.json").read_text())


@pytest.fixture(scope="module")
def sample_data():
    return data.load(Params(as_of="2026-11-28"), keep_source=True)


@pytest.fixture(scope="module")
def sample_posts(sample_data):
    return sample_data.table("posts"), sample_data["campaigns"]


@pytest.fixture(scope="module")
def analysis(sample_data):
    return engagement.analyse(sample_data, Params(as_of="2026-11-28", nb_max_rows=50_000, seed=1))


def _inside(ci: dict, truth: float) -> bool:
    return ci["ci_low"] <= truth <= ci["ci_high"]


def test_cells_fit_equals_the_post_level_poisson_fit_to_1e6(sample_posts):
    posts, _ = sample_posts
    cells = count_model.aggregate_cells(posts)
    rows = count_model.sample_rows(posts, 10**9, seed=0)
    assert len(rows) == cells["posts"].sum() == 50_000 and len(cells) < len(rows) / 2
    cd, rd = count_model.build_design(cells), count_model.build_design(rows)
    assert cd.names == rd.names
    cell_fit = count_model.fit_poisson(cd)
    glm = sm.GLM(rd.y, rd.X, family=sm.families.Poisson(), offset=np.log(rd.exposure)).fit(tol=1e-12)
    np.testing.assert_allclose(cell_fit.params, glm.params, rtol=1e-6, atol=1e-9)
    row_fit = count_model.fit_poisson(rd)  # same estimator on rows: clustered covariance identical too
    np.testing.assert_allclose(cell_fit.params, row_fit.params, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(cell_fit.cov, row_fit.cov, rtol=1e-6, atol=1e-12)
    # and Pearson's dispersion from cell sums equals the one from rows
    mu = rd.exposure * np.exp(rd.X @ row_fit.params)
    pearson_rows = np.sum((rd.y - mu) ** 2 / mu) / (len(rd.y) - rd.X.shape[1])
    assert cell_fit.pearson_dispersion == pytest.approx(pearson_rows, rel=1e-6)


def test_the_planted_irrs_lie_inside_the_95_intervals(analysis):
    h, t = analysis.block, TRUTH["engagement"]
    for key in ("irr_twin_vs_human", "irr_synthetic_vs_human", "irr_ai_label"):
        assert _inside(h[key], t[key]), (key, h[key], t[key])
    for key in ("irr_twin_vs_human", "irr_synthetic_vs_human", "irr_ai_label"):
        assert _inside(h["negbin"][key], t[key]), ("negbin", key)


def test_negative_binomial_recovers_the_planted_overdispersion(analysis):
    lo, hi = analysis.negbin.alpha_ci
    assert lo <= TRUTH["engagement"]["nb_alpha"] <= hi
    assert analysis.poisson.pearson_dispersion > 10  # counts far more variable than Poisson


def test_other_planted_effects_from_another_seed_are_recovered_too():
    spec = sample.SampleSpec(irr_imagery={"human": 1.0, "twin": 0.80, "synthetic": 1.10, "none": 0.9},
                             irr_ai_label=0.70, nb_alpha=0.4)
    s = sample.generate(seed=4242, n_posts=40_000, spec=spec)
    ea = engagement.analyse(data.Dataset.from_frames(s.tables, as_of=date(2026, 11, 28)), Params(nb_max_rows=0))
    assert _inside(ea.block["irr_twin_vs_human"], 0.80)
    assert _inside(ea.block["irr_synthetic_vs_human"], 1.10)
    assert _inside(ea.block["irr_ai_label"], 0.70)


def test_each_count_alone_can_be_the_outcome(sample_posts):
    posts, campaigns = sample_posts
    cells = count_model.aggregate_cells(posts, outcome="saves")
    direct = posts.saves.sum().to_pyarrow().as_py()
    assert cells["y"].sum() == direct


def test_a_brand_showing_one_imagery_type_each_gets_a_message_not_a_traceback():
    rows = pd.DataFrame({
        "imagery": ["human"] * 4 + ["twin"] * 4, "ai_label": [False] * 8,
        "platform": ["instagram", "tiktok"] * 4, "format": ["image"] * 8,
        "brand": ["Alpha"] * 4 + ["Beta"] * 4, "month": ["2024-01", "2024-02"] * 4,
        "log_followers": [0.0] * 8, "cluster": list("abcdabcd"), "y": [10, 20, 12, 22, 9, 18, 8, 19],
        "exposure": [1000] * 8, "posts": [1] * 8,
    })
    design = count_model.build_design(rows)
    assert "imagery[twin]" not in design.names
    assert any("cannot separate imagery[twin]" in m for m in design.messages)
    fit = count_model.fit_poisson(design)
    assert engagement.headline(fit)["irr_twin_vs_human"]["estimate"] is None
    assert any("ai_label value" in m for m in fit.messages)


def test_a_missing_platform_or_imagery_type_is_named(sample_posts):
    posts, _ = sample_posts
    cells = count_model.aggregate_cells(posts.filter(posts.platform != "pinterest"))
    cells = cells[cells["imagery"] != "synthetic"]
    design = count_model.build_design(cells)
    assert any("No posts on pinterest" in m for m in design.messages)
    assert any("No post shows synthetic imagery" in m for m in design.messages)


def test_no_posts_at_all_is_a_clear_error():
    empty = pd.DataFrame(columns=[*count_model.CELL_KEYS, "posts", "y", "exposure", "log_followers"])
    with pytest.raises(count_model.EngagementError, match="No posts with impressions"):
        count_model.build_design(empty)


def test_power_by_hand_from_a_known_standard_error():
    # se of the log label effect 0.1: mde = (1.959964 + 0.841621) * 0.1 = 0.2801585 on the log scale,
    # so the smallest detectable drop is exp(-0.2801585) = 0.755664 and rise exp(0.2801585) = 1.323340;
    # a 10% drop (|log 0.9| = 0.1053605) needs 100 * (0.2801585 / 0.1053605)^2 = 707.05 -> 708 labelled posts.
    fit = count_model.Fit("poisson", ["ai_label"], np.array([0.0]), np.array([[0.01]]), 100, 100, 10,
                          support={"ai_label": (5, 5)})
    pw = engagement.power(fit, labelled_posts=100)
    assert pw["mde_irr_drop"] == pytest.approx(0.755664, abs=1e-6)
    assert pw["mde_irr_rise"] == pytest.approx(1.323340, abs=1e-6)
    assert pw["labelled_posts_needed"] == 708


def test_power_shrinks_with_more_posts(sample_posts):
    posts, _ = sample_posts
    few = posts.filter(posts.post_id.endswith("0") | posts.post_id.endswith("5"))  # every fifth post
    detectable = {}
    for name, table in (("few", few), ("all", posts)):
        cells = count_model.aggregate_cells(table)
        labelled = int(cells.loc[cells["ai_label"] & cells["imagery"].isin(["twin", "synthetic"]), "posts"].sum())
        detectable[name] = engagement.power(count_model.fit_poisson(count_model.build_design(cells)), labelled)
    # five times the posts: a smaller effect becomes detectable (the drop's IRR moves towards 1)
    assert detectable["few"]["labelled_posts"] < detectable["all"]["labelled_posts"]
    assert detectable["few"]["mde_irr_drop"] < detectable["all"]["mde_irr_drop"] < 1
    assert detectable["few"]["mde_irr_rise"] > detectable["all"]["mde_irr_rise"] > 1


def test_event_study_is_flat_before_adoption_and_names_its_controls(analysis):
    ev = analysis.event.set_index("rel_month")
    assert ev.loc[-1, "irr"] == 1.0
    pre = ev.loc[[-6, -5, -4, -3, -2]]
    assert ((pre["ci_low"] <= 1.0) & (pre["ci_high"] >= 1.0)).all()  # nothing planted before adoption
    assert any("every brand had adopted" in m for m in analysis.messages)


def test_rates_and_benchmarks(analysis):
    plat = analysis.platform_rates.set_index("platform")
    assert plat["posts"].sum() == 50_000
    assert set(analysis.bands["platform"]) >= {"instagram", "facebook", "tiktok"}
    assert (analysis.bands["source"].str.len() > 10).all()


def test_the_analytic_alpha_standard_error_equals_statsmodels_clustered_one(sample_posts):
    """statsmodels differentiates the NB2 score numerically for cov_type='cluster'; the fit's
    own analytic score must give the same clustered standard error of alpha."""
    import math
    import warnings

    rows = count_model.sample_rows(sample_posts[0], 4_000, seed=3)
    design = count_model.build_design(rows)
    fit = count_model.fit_negbin(design)
    model = sm.NegativeBinomial(design.y, design.X, exposure=design.exposure, loglike_method="nb2")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = model.fit(method="newton", maxiter=100, disp=False, cov_type="cluster",
                        cov_kwds={"groups": pd.factorize(design.clusters)[0], "use_correction": True})
    k = design.X.shape[1]
    assert fit.alpha == pytest.approx(float(ref.params[k]), rel=1e-6)
    se = math.sqrt(np.asarray(ref.cov_params())[k, k])
    z = count_model.Z95
    assert fit.alpha_ci == pytest.approx((fit.alpha * math.exp(-z * se / fit.alpha),
                                          fit.alpha * math.exp(z * se / fit.alpha)), rel=1e-6)


def test_the_negative_binomial_equals_statsmodels_nb2_newton_fit(sample_posts):
    """The reference: statsmodels' NegativeBinomial (nb2, method="newton") from its own
    start (a Poisson fit), on 4,000 sample posts and on 20,000 simulated posts with a planted
    alpha of 0.8; coefficients, alpha, log-likelihood and the Hessian at the optimum agree."""
    import warnings

    rows = count_model.sample_rows(sample_posts[0], 4_000, seed=5)
    rng = np.random.default_rng(11)
    n = 20_000
    X = np.column_stack([np.ones(n), rng.random(n) < 0.4, rng.normal(size=n)])
    exposure = rng.integers(1_000, 50_000, size=n).astype(float)
    mu = exposure * np.exp(X @ np.array([-4.0, -0.2, 0.3]))
    y = rng.poisson(rng.gamma(1 / 0.8, 0.8 * mu)).astype(float)  # gamma-mixed Poisson: NB2 with alpha 0.8
    simulated = count_model.Design(X, ["intercept", "twin", "x"], y, exposure, np.arange(n) % 40, np.ones(n), None)
    for design in (count_model.build_design(rows), simulated):
        fit = count_model.fit_negbin(design)
        model = sm.NegativeBinomial(design.y, design.X, exposure=design.exposure, loglike_method="nb2")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = model.fit(method="newton", maxiter=100, disp=False)
        k = design.X.shape[1]
        assert ref.mle_retvals["converged"]
        assert np.allclose(fit.params, np.asarray(ref.params)[:k], rtol=1e-7, atol=1e-9)
        assert fit.alpha == pytest.approx(float(ref.params[k]), rel=1e-7)
        assert fit.loglik == pytest.approx(float(ref.llf), rel=1e-12)
        for theta in (np.append(fit.params, fit.alpha), 1.05 * np.append(fit.params, fit.alpha)):  # and off it
            ll, grad, hess = count_model.nb2_derivatives(design.X, design.y, design.exposure, theta)
            assert ll == pytest.approx(float(model.loglike(theta)), rel=1e-12)
            assert np.allclose(hess, model.hessian(theta), rtol=1e-9, atol=1e-9)
            assert np.allclose(grad, model.score(theta), rtol=1e-8, atol=1e-6)
    assert simulated.X.shape == (n, 3) and 0.7 < fit.alpha < 0.9  # the planted alpha recovered


def test_counts_without_overdispersion_leave_the_poisson_as_the_model():
    """Poisson counts: NB2's likelihood rises as alpha falls to 0, where Newton's steps raise
    alpha without end (statsmodels' newton fit returns NaN and calls it converged). The fit
    says so instead of returning a number, and the engagement fits fall back to the Poisson."""
    rng = np.random.default_rng(3)
    n = 20_000
    X = np.column_stack([np.ones(n), rng.random(n) < 0.4, rng.normal(size=n)])
    exposure = rng.integers(1_000, 50_000, size=n).astype(float)
    y = rng.poisson(exposure * np.exp(X @ np.array([-4.0, -0.2, 0.3]))).astype(float)
    design = count_model.Design(X, ["intercept", "twin", "x"], y, exposure, np.arange(n) % 40, np.ones(n), None)
    with pytest.raises(count_model.EngagementError, match="alpha heads to 0.*Poisson fit is the model"):
        count_model.fit_negbin(design)
    assert count_model.fit_poisson(design).params[1] == pytest.approx(-0.2, abs=0.02)


def test_one_lead_rule_that_does_not_flip_at_the_row_cap(sample_data, analysis):
    """At 50,000 posts the negative binomial sees every post; one post fewer in the cap and
    it sees a seeded sample. It leads either way, and the twin conclusion stays put."""
    capped = engagement.analyse(sample_data, Params(as_of="2026-11-28", nb_max_rows=analysis.nb_population - 1,
                                                    seed=1))
    assert analysis.lead.method == capped.lead.method == "negative binomial"
    assert "seeded sample" in capped.block["headline_fit"] and "seeded sample" not in analysis.block["headline_fit"]
    key = "engagement_twin_vs_human"
    assert capped.conclusions[key]["direction"] == analysis.conclusions[key]["direction"] == "lower"
    # both fits are reported side by side, the lead's rate ratios being the negative binomial's
    assert analysis.block["irr_twin_vs_human"] == analysis.block["negbin"]["irr_twin_vs_human"]
    assert set(analysis.block["poisson"]) == set(analysis.block["negbin"]) - {"rows"}
    without = engagement.analyse(sample_data, Params(as_of="2026-11-28", nb_max_rows=0, seed=1))
    assert without.lead.method == "poisson"


def test_orders_rate_ratios_are_fitted_on_the_posts_with_an_outcome(analysis, sample_data):
    orders = analysis.block["orders"]
    assert orders["posts"] == len(sample_data["post_outcomes"])
    # orders are drawn from engagements, so the planted imagery and label effects carry over
    assert _inside(orders["irr_ai_label"], 0.86) and _inside(orders["irr_twin_vs_human"], 0.95)
    assert orders["irr_ai_label"]["ci_high"] - orders["irr_ai_label"]["ci_low"] > \
        analysis.block["irr_ai_label"]["ci_high"] - analysis.block["irr_ai_label"]["ci_low"]  # fewer events


def _outcome_tables():
    """Three posts of one campaign, cell and month: p1 seen (100 impressions, 3 orders, EUR),
    p2 seen (50 impressions, 1 order, SEK), p3 unseen (0 impressions, 2 orders, EUR), and p4
    without an outcome."""
    import ibis

    ts = pd.Timestamp("2026-03-05 10:00", tz="UTC")
    posts = pd.DataFrame({
        "post_id": ["p1", "p2", "p3", "p4"], "campaign_id": ["c1"] * 4, "brand": ["b"] * 4,
        "platform": ["instagram"] * 4, "posted_at": [ts] * 4, "format": ["image"] * 4,
        "imagery": ["twin"] * 4, "ai_label": [True] * 4, "followers": [999] * 4,
        "impressions": [100, 50, 0, 80], "likes": [10, 5, 0, 8], "comments": [1, 0, 0, 0],
        "shares": [0, 1, 0, 0], "saves": [1, 0, 0, 0]})
    outcomes = pd.DataFrame({"post_id": ["p1", "p2", "p3"], "clicks": [7, 2, 4], "orders": [3, 1, 2],
                             "revenue": [30.0, 100.0, 20.0], "currency": ["EUR", "SEK", "EUR"]})
    return ibis.memtable(posts), ibis.memtable(outcomes)


def test_orders_cells_hold_the_seen_posts_with_an_outcome_summed_over_currencies():
    posts, outcomes = _outcome_tables()
    frame = count_model.outcome_cells_query(posts, outcomes).to_pandas()
    assert len(frame) == 3  # EUR seen (p1), SEK seen (p2), EUR unseen (p3); p4 has no outcome
    cells = count_model.orders_cells(frame)
    assert len(cells) == 1
    cell = cells.iloc[0]
    assert (cell["posts"], cell["y"], cell["exposure"]) == (2, 4, 150)
    assert cell["y2_over_exposure"] == pytest.approx(3**2 / 100 + 1**2 / 50)
    assert (cell["month"], cell["cluster"]) == ("2026-03", "c1")
    # the unseen post still counts toward what posts sold: its engagements, clicks and revenue
    assert int(frame["clicks"].sum()) == 13 and int(frame["engagements"].sum()) == 12 + 6 + 0


def test_orders_cells_equal_the_cells_of_posts_joined_to_their_outcomes(sample_data):
    posts, outcomes = sample_data.table("posts"), sample_data.table("post_outcomes")
    joined = posts.inner_join(outcomes.select("post_id", "orders"), "post_id")
    direct = count_model.aggregate_cells(joined, "orders")
    shared = count_model.orders_cells(count_model.outcome_cells_query(posts, outcomes).to_pandas())
    pd.testing.assert_frame_equal(shared.drop(columns="y2_over_exposure"), direct.drop(columns="y2_over_exposure"),
                                  check_dtype=False)
    np.testing.assert_allclose(shared["y2_over_exposure"], direct["y2_over_exposure"], rtol=1e-12)


def test_outcome_cells_in_parts_are_the_cells_of_one_join():
    posts, outcomes = _outcome_tables()
    one = count_model.outcome_cells(posts, outcomes)
    for parts in (2, 3, 7):  # with 7 parts some are empty
        pd.testing.assert_frame_equal(count_model.outcome_cells(posts, outcomes, parts=parts), one)
    # each pass holds only its part: every post in exactly one
    seen = sorted(p for k in range(3) for p in count_model._part(posts, 3, k).to_pandas()["post_id"])
    assert seen == ["p1", "p2", "p3", "p4"]


def test_outcome_cells_of_the_sample_in_parts_equal_one_join(sample_data):
    posts, outcomes = sample_data.table("posts"), sample_data.table("post_outcomes")
    one = count_model.outcome_cells(posts, outcomes)
    parts = count_model.outcome_cells(posts, outcomes, parts=3)
    assert len(one) > 100 and int(one["posts"].sum()) == len(sample_data["post_outcomes"])
    pd.testing.assert_frame_equal(parts.drop(columns="y2_over_exposure"), one.drop(columns="y2_over_exposure"))
    np.testing.assert_allclose(parts["y2_over_exposure"], one["y2_over_exposure"], rtol=1e-12)


def test_orders_are_fitted_alike_when_the_join_is_made_in_parts(analysis, sample_data, monkeypatch):
    used = []
    real = count_model.outcome_cells
    monkeypatch.setattr(count_model, "outcome_cells", lambda *a: used.append(a[3]) or real(*a))
    monkeypatch.setattr(type(sample_data), "join_parts", lambda self, *names: 3)
    monkeypatch.setattr("twinimpact.sources.shared.once", lambda kind, parts, compute: compute())
    params = Params(as_of="2026-11-28", nb_max_rows=50_000, seed=1)  # the analysis fixture's
    in_parts = engagement.orders_rate_ratios(sample_data, params)
    assert used == [3]
    assert in_parts["posts"] == analysis.block["orders"]["posts"]
    for name in ("irr_twin_vs_human", "irr_ai_label"):
        for end in ("estimate", "ci_low", "ci_high"):
            assert in_parts[name][end] == pytest.approx(analysis.block["orders"][name][end], rel=1e-9)


def test_the_median_per_follower_is_one_definition_in_memory_and_kept_in_the_engine():
    """The ranked middle rows (posts kept in the engine) give the exact median pandas gives,
    for an odd and an even number of posts a platform (the mean of the two middle ones)."""
    import ibis

    from twinimpact.analyses.engagement.model import per_follower_medians

    posts = pd.DataFrame({"post_id": [f"p{i}" for i in range(7)],
                          "platform": ["instagram"] * 4 + ["tiktok"] * 3,
                          "followers": [100, 100, 200, 400, 100, 100, 100],
                          "likes": [1, 3, 8, 4, 5, 1, 9], "comments": 0, "shares": 0, "saves": 0})
    t = ibis.memtable(posts)
    exact, ranked = per_follower_medians(t, exact=True), per_follower_medians(t, exact=False)
    # instagram: 0.01, 0.03, 0.04, 0.01 -> middle two 0.01 and 0.03 -> 0.02; tiktok: 0.05, 0.01, 0.09 -> 0.05
    assert ranked["median_per_follower"].tolist() == pytest.approx([0.02, 0.05])
    assert exact["median_per_follower"].tolist() == pytest.approx([0.02, 0.05])
    assert ranked["posts"].tolist() == exact["posts"].tolist() == [4, 3]
