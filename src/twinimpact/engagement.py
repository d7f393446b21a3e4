"""Engagement of twin, synthetic and human imagery, and what the AI label costs.

The model: engagements (likes + comments + shares + saves, or one of them) are counts with
log(impressions) as offset; covariates imagery, ai_label, platform, format, brand,
calendar month and log followers. Estimates are incidence-rate ratios (IRR): engagements
per impression relative to the reference level, other covariates held fixed.

How it scales. Posts never come into pandas for the headline fit: the engine (ibis over
DuckDB or a warehouse) aggregates them to covariate cells, and the Poisson model is fitted
on each cell's sufficient statistics (post count, summed engagements, summed impressions).
For categorical covariates this is exactly the row-level Poisson maximum likelihood, and,
because cells nest inside campaigns, the campaign-clustered sandwich is exact too. Log
followers is continuous: it is binned (width ``follower_bin_width`` in natural log, so
posts in one bin differ by at most about 10% in followers) and each bin enters at its
centre, the one approximation. The negative binomial's likelihood depends on each post's
count, not on cell sums, so it is fitted on rows: all of them up to ``nb_max_rows``, a
seeded random sample beyond; at scale its intervals are wider than a full-data fit would
give (by about sqrt(posts / nb_max_rows)) and it serves as the check on overdispersion and
on the Poisson estimates, not as the headline.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .errors import DataError
from .schemas import ENGAGEMENT_COUNTS, PLATFORMS

OUTCOMES = ("engagements", *ENGAGEMENT_COUNTS)
REFERENCE_LEVELS = {"imagery": "human", "platform": "instagram", "format": "image"}
NUISANCE = ("platform", "format", "brand", "month")
LOG_FOLLOWERS_CENTRE = math.log(1e6)
Z95 = 1.959963984540054
Z80 = 0.8416212335729143


class EngagementError(DataError):
    """The data cannot support the engagement model at all (message says why)."""


# --- in the engine -----------------------------------------------------------------------
def _outcome(t, outcome: str):
    if outcome == "engagements":
        return t.likes + t.comments + t.shares + t.saves
    if outcome not in ENGAGEMENT_COUNTS:
        raise EngagementError(f"Unknown outcome {outcome!r}; choose one of {', '.join(OUTCOMES)}.")
    return t[outcome]


def _covariates(posts, outcome: str, follower_bin_width: float):
    t = posts.filter(posts.impressions > 0)  # a post nobody saw carries no information on its rate
    month = t.posted_at.truncate("M").strftime("%Y-%m")
    return t.mutate(
        y=_outcome(t, outcome).cast("int64"),
        month=month,
        fbin=((t.followers + 1).cast("float64").ln() / follower_bin_width).floor().cast("int64"),
        cluster=t.campaign_id.fill_null("none:" + t.brand + ":" + month),
    )


CELL_KEYS = ("imagery", "ai_label", "platform", "format", "brand", "month", "fbin", "cluster")


def cells_query(posts, outcome: str = "engagements", follower_bin_width: float = 0.1):
    """An ibis expression: posts grouped to covariate cells (nested in campaign clusters)
    with the sufficient statistics of the Poisson fit."""
    t = _covariates(posts, outcome, follower_bin_width)
    return t.group_by(list(CELL_KEYS)).aggregate(
        posts=t.count(), y=t.y.sum(), exposure=t.impressions.sum(),
        y2_over_exposure=(t.y * t.y / t.impressions).sum(),
    )


def aggregate_cells(posts, outcome: str = "engagements", follower_bin_width: float = 0.1) -> pd.DataFrame:
    """Run :func:`cells_query` in the engine; a frame of cells, never of posts."""
    cells = cells_query(posts, outcome, follower_bin_width).to_pandas()
    cells["log_followers"] = (cells["fbin"] + 0.5) * follower_bin_width - LOG_FOLLOWERS_CENTRE
    cells["ai_label"] = cells["ai_label"].astype(bool)
    return cells.sort_values(list(CELL_KEYS), kind="mergesort").reset_index(drop=True)


def sample_rows(posts, max_rows: int, seed: int, outcome: str = "engagements",
                follower_bin_width: float = 0.1) -> pd.DataFrame:
    """Post-level rows for the negative binomial: all up to ``max_rows``, else a seeded sample."""
    t = _covariates(posts, outcome, follower_bin_width)
    n = int(t.count().to_pyarrow().as_py())
    cols = ["imagery", "ai_label", "platform", "format", "brand", "month", "fbin", "cluster", "y", "impressions"]
    if n > max_rows:
        # a deterministic pseudo-random sample: rank by a hash of the post id and the seed
        t = t.mutate(_k=(t.post_id + f":{seed}").hash()).order_by(["_k", "post_id"]).limit(max_rows)
    rows = t.select(cols).to_pandas()
    rows = rows.rename(columns={"impressions": "exposure"}).assign(posts=1)
    rows["log_followers"] = (rows["fbin"] + 0.5) * follower_bin_width - LOG_FOLLOWERS_CENTRE
    rows["ai_label"] = rows["ai_label"].astype(bool)
    rows.attrs["population"] = n
    return rows.sort_values(["cluster", "month", "platform"], kind="mergesort").reset_index(drop=True)


# --- the design ---------------------------------------------------------------------------
@dataclass
class Design:
    """Model matrix of cells (or rows): intercept, nuisance dummies, log followers, then the
    terms of interest last, so that a term confounded with the others is the one dropped."""

    X: np.ndarray
    names: list[str]
    y: np.ndarray
    exposure: np.ndarray
    clusters: np.ndarray
    posts: np.ndarray
    y2_over_exposure: np.ndarray | None
    dropped: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)


def _reference(values: pd.Series, preferred: str | None) -> str:
    levels = sorted(values.dropna().unique())
    if preferred in levels:
        return preferred  # type: ignore[return-value]
    return str(levels[0]) if levels else ""  # first in sort order: the same for cells and rows


def independent_columns(X: np.ndarray, weights: np.ndarray, keep: list[int] | None = None,
                        tol: float = 1e-9) -> list[int]:
    """Indices of the columns of ``X`` that are not linear combinations of earlier ones,
    judged in the metric the fit uses (exposure weights), so that a confounded term
    placed last is the one named and dropped rather than silently absorbing another.
    Columns in ``keep`` are taken as given."""
    w = weights / weights.sum()
    G = (X * w[:, None]).T @ X
    kept = list(keep or [])
    for j in range(len(kept), X.shape[1]):
        resid = G[j, j]
        if kept:
            S = np.array(kept)
            resid = G[j, j] - G[j, S] @ np.linalg.lstsq(G[np.ix_(S, S)], G[S, j], rcond=None)[0]
        if resid > tol * max(G[j, j], 1e-300):
            kept.append(j)
    return kept


def build_design(cells: pd.DataFrame, tol: float = 1e-9) -> Design:
    """Dummies with stated reference levels; collinear columns dropped with a message."""
    if cells.empty or cells["exposure"].sum() <= 0:
        raise EngagementError("No posts with impressions: the engagement model has nothing to fit.")
    messages: list[str] = []
    missing = [p for p in PLATFORMS if p not in set(cells["platform"])]
    if missing and cells["platform"].nunique() > 1:
        messages.append(f"No posts on {', '.join(missing)}: platform effects are estimated for the others only.")
    cols: list[np.ndarray] = [np.ones(len(cells))]
    names = ["intercept"]
    for var in NUISANCE:
        ref = _reference(cells[var], REFERENCE_LEVELS.get(var))
        for level in sorted(cells[var].unique()):
            if level != ref:
                cols.append((cells[var] == level).to_numpy(float))
                names.append(f"{var}[{level}]")
    cols.append(cells["log_followers"].to_numpy(float))
    names.append("log_followers")
    imagery_levels = set(cells["imagery"].unique())
    if "human" not in imagery_levels:
        messages.append("No post shows human imagery, so nothing can be compared with it: the imagery IRRs are "
                        "not estimable.")
    else:
        for level in ("twin", "synthetic", "none"):
            if level in imagery_levels:
                cols.append((cells["imagery"] == level).to_numpy(float))
                names.append(f"imagery[{level}]")
            elif level != "none":
                messages.append(f"No post shows {level} imagery: irr_{level}_vs_human is not estimable.")
    if cells["ai_label"].nunique() > 1:
        cols.append(cells["ai_label"].to_numpy(float))
        names.append("ai_label")
    else:
        messages.append("Every post has the same ai_label value: the label effect is not estimable.")
    X = np.column_stack(cols)
    keep = independent_columns(X, cells["exposure"].to_numpy(float), tol=tol)
    dropped = [n for j, n in enumerate(names) if j not in keep]
    for name in dropped:
        if name.startswith("imagery[") or name == "ai_label":
            messages.append(f"The data cannot separate {name} from brand, platform, format, month or followers "
                            f"(e.g. a brand showing only one imagery type): its effect is not estimable.")
        else:
            messages.append(f"{name} is redundant given the other covariates and was left out.")
    return Design(X[:, keep], [names[j] for j in keep], cells["y"].to_numpy(float), cells["exposure"].to_numpy(float),
                  cells["cluster"].astype(str).to_numpy(), cells["posts"].to_numpy(float),
                  cells["y2_over_exposure"].to_numpy(float) if "y2_over_exposure" in cells else None,
                  dropped, messages)


# --- fits --------------------------------------------------------------------------------
@dataclass
class Fit:
    """A fitted count model: coefficients (log rate ratios) with a cluster-robust covariance."""

    method: str
    names: list[str]
    params: np.ndarray
    cov: np.ndarray
    n_posts: int
    n_cells: int
    n_clusters: int
    loglik: float | None = None
    alpha: float | None = None  # NB2 overdispersion: variance = mu + alpha * mu^2
    alpha_ci: tuple[float, float] | None = None
    pearson_dispersion: float | None = None
    messages: list[str] = field(default_factory=list)

    def se(self) -> np.ndarray:
        return np.sqrt(np.diag(self.cov))

    def irr(self, name: str) -> dict[str, float | None]:
        if name not in self.names:
            return {"estimate": None, "ci_low": None, "ci_high": None}
        i = self.names.index(name)
        b, s = float(self.params[i]), float(self.se()[i])
        return {"estimate": math.exp(b), "ci_low": math.exp(b - Z95 * s), "ci_high": math.exp(b + Z95 * s)}

    def table(self) -> pd.DataFrame:
        se = self.se()
        return pd.DataFrame({"term": self.names, "log_irr": self.params, "se": se, "irr": np.exp(self.params),
                             "ci_low": np.exp(self.params - Z95 * se), "ci_high": np.exp(self.params + Z95 * se)})


def cluster_sandwich(X: np.ndarray, scores: np.ndarray, bread: np.ndarray, clusters: np.ndarray) -> np.ndarray:
    """Cluster-robust covariance H^-1 (sum_g s_g s_g') H^-1 * G/(G-1). Only the cluster-count
    correction is applied, so cells and rows give the same answer."""
    codes, uniq = pd.factorize(clusters)
    S = np.zeros((len(uniq), X.shape[1]))
    np.add.at(S, codes, scores)
    G = len(uniq)
    inv = np.linalg.inv(bread)
    meat = S.T @ S
    return inv @ meat @ inv * (G / (G - 1) if G > 1 else 1.0)


def fit_poisson(design: Design, max_iter: int = 100, tol: float = 1e-12) -> Fit:
    """Poisson maximum likelihood by Newton's method on cells (or rows), offset log exposure,
    with campaign-clustered standard errors."""
    X, y, e = design.X, design.y, design.exposure
    rate = y.sum() / e.sum()
    beta = np.zeros(X.shape[1])
    beta[0] = math.log(rate) if rate > 0 else -20.0
    for _ in range(max_iter):
        eta = X @ beta
        mu = e * np.exp(eta)
        grad = X.T @ (y - mu)
        H = (X * mu[:, None]).T @ X
        step = np.linalg.solve(H, grad)
        beta = beta + step
        if np.max(np.abs(step)) < tol * (1 + np.max(np.abs(beta))):
            break
    else:
        raise EngagementError("The Poisson fit did not converge; check for extreme counts or impressions.")
    mu = e * np.exp(X @ beta)
    H = (X * mu[:, None]).T @ X
    cov = cluster_sandwich(X, X * (y - mu)[:, None], H, design.clusters)
    n_posts = int(design.posts.sum())
    pearson = None
    if design.y2_over_exposure is not None:
        r = np.exp(X @ beta)  # rate per impression, the same for every post of a cell
        chi2 = float(np.sum(design.y2_over_exposure / r - 2 * y + r * e))
        pearson = chi2 / max(n_posts - X.shape[1], 1)
    loglik = float(np.sum(y * np.log(np.where(mu > 0, mu, 1.0)) - mu))  # up to a constant
    return Fit("poisson", list(design.names), beta, cov, n_posts, len(y), len(np.unique(design.clusters)),
               loglik=loglik, pearson_dispersion=pearson, messages=list(design.messages))


def fit_negbin(design: Design, start: np.ndarray | None = None) -> Fit:
    """NB2 maximum likelihood (statsmodels) on rows, overdispersion alpha estimated jointly,
    standard errors clustered by campaign."""
    import warnings

    import statsmodels.api as sm

    if not np.all(design.posts == 1):
        raise EngagementError("The negative binomial needs post-level rows, not cells.")
    model = sm.NegativeBinomial(design.y, design.X, exposure=design.exposure, loglike_method="nb2")
    sp = None if start is None else np.append(start, 0.1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = model.fit(start_params=sp, method="newton", maxiter=100, disp=False, cov_type="cluster",
                        cov_kwds={"groups": pd.factorize(design.clusters)[0], "use_correction": True})
    k = design.X.shape[1]
    params = np.asarray(res.params)
    cov = np.asarray(res.cov_params())
    alpha = float(params[k])
    a_se = float(math.sqrt(cov[k, k]))
    return Fit("negative binomial", list(design.names), params[:k], cov[:k, :k], len(design.y), len(design.y),
               len(np.unique(design.clusters)), loglik=float(res.llf), alpha=alpha,
               alpha_ci=(alpha - Z95 * a_se, alpha + Z95 * a_se), messages=list(design.messages))


# --- headline, power, rates ----------------------------------------------------------------
def headline(fit: Fit) -> dict[str, dict[str, float | None]]:
    return {"irr_twin_vs_human": fit.irr("imagery[twin]"), "irr_synthetic_vs_human": fit.irr("imagery[synthetic]"),
            "irr_ai_label": fit.irr("ai_label")}


def power(fit: Fit, labelled_posts: int, effect: float = 0.9, power_level: float = 0.8) -> dict[str, Any]:
    """Minimum detectable label effect (two-sided 5%, 80% power) from the fitted standard
    error, and the labelled posts needed to detect a label IRR of ``effect``."""
    if "ai_label" not in fit.names:
        return {"mde_irr_drop": None, "mde_irr_rise": None, "labelled_posts": labelled_posts,
                "posts_needed_for": effect, "labelled_posts_needed": None}
    se = float(fit.se()[fit.names.index("ai_label")])
    z = Z95 + (Z80 if power_level == 0.8 else _z(power_level))
    mde = z * se
    needed = labelled_posts * (mde / abs(math.log(effect))) ** 2 if labelled_posts else None
    return {"se_log_irr": se, "mde_irr_drop": math.exp(-mde), "mde_irr_rise": math.exp(mde),
            "labelled_posts": labelled_posts, "posts_needed_for": effect,
            "labelled_posts_needed": math.ceil(needed) if needed is not None else None}


def _z(p: float) -> float:
    from scipy.stats import norm

    return float(norm.ppf(p))


def rates(cells: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Pooled engagements per impression by ``by`` (from cells: exact sums)."""
    g = cells.groupby(by, observed=True).agg(posts=("posts", "sum"), engagements=("y", "sum"),
                                              impressions=("exposure", "sum")).reset_index()
    g["per_impression"] = g["engagements"] / g["impressions"]
    return g


def per_follower_medians(posts, by: str = "platform", outcome: str = "engagements") -> pd.DataFrame:
    """Median per-post engagements per follower by ``by``, computed in the engine."""
    t = posts.filter(posts.followers > 0)
    t = t.mutate(r=_outcome(t, outcome).cast("float64") / t.followers)
    return t.group_by(by).aggregate(median_per_follower=t.r.median(), posts=t.count()).to_pandas() \
        .sort_values(by).reset_index(drop=True)


def benchmark_bands(bench: pd.DataFrame) -> pd.DataFrame:
    """Per-platform benchmark values from data/reference/benchmarks.csv (per impression and
    per follower), with their sources."""
    rows = []
    for _, r in bench.iterrows():
        for kind in ("engagement_per_impression_", "engagement_per_follower_"):
            if str(r["metric"]).startswith(kind):
                platform = str(r["metric"]).removeprefix(kind)
                if "_" in platform:
                    continue
                rows.append({"platform": platform, "basis": kind.removeprefix("engagement_").rstrip("_"),
                             "value": r["value"], "source": r["source"], "year": r["year"]})
    return pd.DataFrame(rows, columns=["platform", "basis", "value", "source", "year"])


# --- before / after adoption ----------------------------------------------------------------
def adoption_dates(campaigns: pd.DataFrame) -> dict[str, pd.Timestamp]:
    """Each brand's first twin or hybrid campaign start (brands that never adopt are absent)."""
    ai = campaigns[campaigns["production_mode"] != "traditional"]
    return {b: pd.Timestamp(d) for b, d in ai.groupby("brand")["start_date"].min().items()}


def event_study(cells: pd.DataFrame, adoption: dict[str, pd.Timestamp], window: tuple[int, int] = (-6, 12)
                ) -> tuple[pd.DataFrame, dict[str, float | None], list[str]]:
    """Engagement per impression around each brand's first twin campaign.

    The cell model without imagery and label terms (its platform, format, brand, month and
    followers adjustments kept), plus one dummy per month relative to the brand's adoption
    (binned at the window's ends; month -1 is the reference). Brands not yet adopting are
    the controls, so months from the last brand's adoption on are left out: already
    adopting brands as controls bias two-way fixed effects when effects grow over time.
    Also the pooled before/after difference-in-differences. Intervals are clustered by
    campaign; with a handful of brands, read the shape more than the stars.
    """
    empty = {"estimate": None, "ci_low": None, "ci_high": None}
    if not adoption:
        return pd.DataFrame(), empty, ["No brand has a twin or hybrid campaign: there is no adoption to study."]
    messages: list[str] = []
    c = cells.copy()
    c["t"] = pd.PeriodIndex(c["month"], freq="M")
    if set(c["brand"]) <= set(adoption):
        cutoff = max(pd.Period(d, freq="M") for d in adoption.values())
        if (c["t"] >= cutoff).any():
            messages.append(f"Months from {cutoff} on are left out of the before/after comparison: by then every "
                            "brand had adopted twins, so no brand was left to compare with.")
        c = c[c["t"] < cutoff].reset_index(drop=True)
    if c["brand"].nunique() < 2:
        messages.append("Only one brand: adoption cannot be told apart from calendar time.")
        return pd.DataFrame(), empty, messages
    first = {b: pd.Period(d, freq="M") for b, d in adoption.items()}
    rel = np.array([(t - first[b]).n if b in first else np.nan for b, t in zip(c["brand"], c["t"])])
    lo, hi = window
    base = build_design(c.assign(imagery="human", ai_label=False))  # nuisance terms only
    ks = [k for k in range(lo, hi + 1) if k != -1]
    extra, names = [], []
    for k in ks:
        m = (rel <= lo) if k == lo else (rel >= hi) if k == hi else (rel == k)
        m = np.nan_to_num(m.astype(float)) if m.dtype != bool else m.astype(float)
        if m.any():
            extra.append(m)
            names.append(f"rel[{k}]")
    ev = _with_columns(base, extra, names)
    fit = fit_poisson(ev)
    rows = [{"rel_month": -1, "irr": 1.0, "ci_low": 1.0, "ci_high": 1.0}]
    for k in ks:
        r = fit.irr(f"rel[{k}]")
        if r["estimate"] is not None:
            rows.append({"rel_month": k, "irr": r["estimate"], "ci_low": r["ci_low"], "ci_high": r["ci_high"]})
    after = np.nan_to_num(rel >= 0).astype(float) if len(rel) else np.array([])
    did = fit_poisson(_with_columns(base, [after], ["after_adoption"])).irr("after_adoption")
    return pd.DataFrame(rows).sort_values("rel_month").reset_index(drop=True), did, messages


def _with_columns(design: Design, columns: list[np.ndarray], names: list[str]) -> Design:
    """The design with extra columns appended; any that add nothing are dropped."""
    X = np.column_stack([design.X, *columns]) if columns else design.X
    all_names = design.names + names
    keep = independent_columns(X, design.exposure, keep=list(range(design.X.shape[1])))
    return Design(X[:, keep], [all_names[j] for j in keep], design.y, design.exposure, design.clusters,
                  design.posts, design.y2_over_exposure)


# --- one call for the notebook ----------------------------------------------------------------
@dataclass
class EngagementAnalysis:
    cells: pd.DataFrame
    poisson: Fit
    negbin: Fit | None
    nb_rows: int
    nb_population: int
    power: dict[str, Any]
    platform_rates: pd.DataFrame
    follower_medians: pd.DataFrame
    bands: pd.DataFrame
    by_imagery_label: pd.DataFrame
    by_format_imagery: pd.DataFrame
    event: pd.DataFrame
    did: dict[str, float | None]
    messages: list[str]
    block: dict[str, Any]


def analyse(posts, campaigns: pd.DataFrame, bench: pd.DataFrame, *, outcome: str = "engagements",
            nb_max_rows: int = 200_000, seed: int = 0, follower_bin_width: float = 0.1) -> EngagementAnalysis:
    """Every engagement calculation, posts staying in the engine (``posts`` is an ibis table)."""
    cells = aggregate_cells(posts, outcome, follower_bin_width)
    design = build_design(cells)
    pois = fit_poisson(design)
    nb, nb_rows, population = None, 0, int(cells["posts"].sum())
    messages = list(design.messages)
    if nb_max_rows > 0:
        rows = sample_rows(posts, nb_max_rows, seed, outcome, follower_bin_width)
        nb_rows = len(rows)
        try:
            rdesign = build_design(rows)
            start = np.array([pois.params[pois.names.index(n)] if n in pois.names else 0.0 for n in rdesign.names])
            nb = fit_negbin(rdesign, start)
        except (EngagementError, np.linalg.LinAlgError, ValueError) as err:
            messages.append(f"The negative binomial could not be fitted: {err}")
    labelled = int(cells.loc[cells["ai_label"] & cells["imagery"].isin(["twin", "synthetic"]), "posts"].sum())
    pw = power(pois, labelled)
    plat = rates(cells, ["platform"])
    event, did, ev_msgs = event_study(cells, adoption_dates(campaigns))
    block = {**headline(pois), "posts": int(cells["posts"].sum()), "method": "poisson on covariate cells, "
             "log-impressions offset, campaign-clustered 95% intervals", "outcome": outcome,
             "overdispersion": {"pearson_dispersion": pois.pearson_dispersion,
                                "negbin_alpha": nb.alpha if nb else None},
             "negbin": {**headline(nb), "rows": nb_rows} if nb else None,
             "did_after_adoption": did, "power": pw, "cells": len(cells)}
    return EngagementAnalysis(cells, pois, nb, nb_rows, population, pw, plat, per_follower_medians(posts),
                              benchmark_bands(bench), rates(cells, ["imagery", "ai_label"]),
                              rates(cells, ["format", "imagery"]), event, did,
                              messages + ev_msgs, block)
