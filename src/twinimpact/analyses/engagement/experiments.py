"""Randomised tests a brand ran (the optional ``experiments`` table) read as they were run.

For each test, the rate ratio of engagements per impression, treatment over control::

    RR = (sum E_treatment / sum I_treatment) / (sum E_control / sum I_control)

is the Poisson estimate with log(impressions) as offset and the arm as the only term,
and its 95% interval is cluster-robust by the unit that was randomised: with ``r`` an
arm's rate and ``G`` units in all, ``Var(log r) = G / (G - 1) * sum_u (E_u - r I_u)^2 /
(sum E)^2`` over the arm's units, and ``Var(log RR)`` the sum over the two arms. What
each arm shows comes from the posts (their imagery and label), with a warning when an
arm is not what it should be; a sample-ratio-mismatch test asks whether units were split
as a fair coin would, and a balance table compares what was fixed before the posts went
out (followers, platform, format).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from twinimpact.analyses.stats import wild
from twinimpact.analyses.stats.count_model import Z95
from twinimpact.contract.spec import AI_IMAGERY, FORMATS, PLATFORMS
from twinimpact.analyses.stats.probability import binomial_test, binomial_test_half

if TYPE_CHECKING:
    from twinimpact.sources.data import Dataset

#: An arm is "what it should be" when this share of its posts or more shows one imagery
#: with one label state.
PURE_ARM = 0.9
#: Units each arm needs before a cluster-robust interval is read as a finding (with fewer
#: clusters such intervals are too narrow).
MIN_UNITS_PER_ARM = 10
#: The contrasts a decision on twins needs: AI imagery as a brand would publish it against
#: photographed people.
DECISION_IMAGERY = AI_IMAGERY
#: A split of units this unlikely under the design (sample-ratio mismatch) fails the test's
#: own check: what was analysed is not what was randomised.
SRM_P = 0.01
#: Standardised differences before treatment above BALANCE_FLAG are warned about; above
#: BALANCE_FAIL (a quarter of a standard deviation, the usual limit of what adjustment can
#: repair) the test fails its own check.
BALANCE_FLAG = 0.1
BALANCE_FAIL = 0.25


def test_posts(dataset: "Dataset") -> pd.DataFrame:
    """The posts of every test with their arm and unit (the join runs in the engine).

    Parameters
    ----------
    dataset
        The run's validated tables (``posts`` and the optional ``experiments``).

    Returns
    -------
    DataFrame
        One row per test post: ``experiment_id``, ``arm``, ``unit_id``, ``imagery``,
        ``ai_label``, ``platform``, ``format``, ``followers``, ``impressions``, ``engagements``
        (and ``treatment_share`` where the table gives it).
    """
    posts, tests = dataset.table("posts"), dataset.table("experiments")
    j = posts.inner_join(tests, "post_id")
    j = j.mutate(engagements=(j.likes + j.comments + j.shares + j.saves).cast("int64"))
    cols = ["experiment_id", "arm", "unit_id", "post_id", "imagery", "ai_label", "platform", "format", "followers",
            "impressions", "engagements", *(["treatment_share"] if "treatment_share" in j.columns else [])]
    frame = j.select(*cols).to_pandas()
    return frame.sort_values(["experiment_id", "unit_id", "post_id"], kind="mergesort").reset_index(drop=True)


def rate_ratio(frame: pd.DataFrame) -> dict[str, float | None]:
    """Treatment over control rate ratio of engagements per impression with its 95%
    interval clustered by unit (see the module's formula).

    Parameters
    ----------
    frame
        One test's posts (:func:`test_posts`).

    Returns
    -------
    dict
        ``estimate``, ``ci_low``, ``ci_high`` and ``se_log`` (nulls when an arm has no
        impressions or engagements, or fewer than two units in all).
    """
    units = frame.groupby(["arm", "unit_id"], sort=True)[["engagements", "impressions"]].sum().reset_index()
    g = len(units)
    parts, rates = [], {}
    for arm in ("treatment", "control"):
        u = units[units["arm"] == arm]
        e, i = float(u["engagements"].sum()), float(u["impressions"].sum())
        if e <= 0 or i <= 0 or g < 2:
            return {"estimate": None, "ci_low": None, "ci_high": None, "se_log": None}
        r = e / i
        rates[arm] = r
        parts.append(g / (g - 1) * float(((u["engagements"] - r * u["impressions"]) ** 2).sum()) / e ** 2)
    est = rates["treatment"] / rates["control"]
    se = math.sqrt(sum(parts))
    return {"estimate": est, "ci_low": est * math.exp(-Z95 * se), "ci_high": est * math.exp(Z95 * se), "se_log": se}


def srm_p_value(units_treatment: int, units_control: int, share: float = 0.5) -> float | None:
    """Sample-ratio mismatch: the two-sided exact binomial test of the units per arm against
    the designed share of treatment (a fair coin by default): the probability, under that
    design, of a split no likelier than the one found (``scipy.stats.binomtest``'s
    two-sided p-value; by symmetry, twice the smaller tail at one half).

    Parameters
    ----------
    units_treatment, units_control
        Units in each arm.
    share
        The share of units the design assigned to treatment.

    Returns
    -------
    float or None
        The p-value (None without units).
    """
    n = units_treatment + units_control
    if not n:
        return None
    if share == 0.5:
        return binomial_test_half(units_treatment, n)
    return binomial_test(units_treatment, n, share)


def designed_share(frame: pd.DataFrame) -> tuple[float, str | None]:
    """The share of units a test's design assigned to treatment (``treatment_share``, half
    when empty or absent), and a warning when its rows give more than one.

    Parameters
    ----------
    frame
        One test's posts (:func:`test_posts`).

    Returns
    -------
    tuple
        (the share, a warning or None).
    """
    if "treatment_share" not in frame or frame["treatment_share"].isna().all():
        return 0.5, None
    shares = sorted({round(float(v), 6) for v in frame["treatment_share"].dropna()})
    if len(shares) > 1:
        return shares[0], (f"the rows give {len(shares)} designed treatment shares ({', '.join(map(str, shares[:3]))}); "
                           f"the first, {shares[0]}, is tested")
    return shares[0], None


def arm_profile(frame: pd.DataFrame) -> dict[str, Any]:
    """What one arm shows: posts, units, the share of each imagery and of labelled posts,
    and its dominant imagery and label state.

    Parameters
    ----------
    frame
        The arm's posts.

    Returns
    -------
    dict
        ``posts``, ``units``, ``imagery`` (imagery -> share), ``ai_label_share``, ``shows``
        (the dominant imagery and label, e.g. ``twin, labelled``) and ``pure`` (its share).
    """
    n = len(frame)
    shows = (frame["imagery"].astype(str) + ", " + np.where(frame["ai_label"].astype(bool), "labelled", "unlabelled"))
    top = shows.value_counts()
    return {"posts": int(n), "units": int(frame["unit_id"].nunique()),
            "imagery": {k: float(v) for k, v in frame["imagery"].value_counts(normalize=True).sort_index().items()},
            "ai_label_share": float(frame["ai_label"].astype(bool).mean()) if n else None,
            "shows": str(top.index[0]) if n else None, "pure": float(top.iloc[0] / n) if n else None}


def balance(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Covariates fixed before the posts went out, by arm: the mean log followers and the
    share of each platform and format, with the standardised difference (treatment minus
    control over the pooled standard deviation; above 0.1 in absolute value is a flag).

    Parameters
    ----------
    frame
        One test's posts.

    Returns
    -------
    list of dict
        ``covariate``, ``treatment``, ``control``, ``standardised_difference``.
    """
    cov = pd.DataFrame({"log followers": np.log1p(frame["followers"].astype(float))})
    for p in PLATFORMS:
        cov[f"platform {p}"] = (frame["platform"] == p).astype(float)
    for f in FORMATS:
        cov[f"format {f}"] = (frame["format"] == f).astype(float)
    treated = (frame["arm"] == "treatment").to_numpy()
    rows = []
    for name in cov.columns:
        x = cov[name].to_numpy()
        a, b = x[treated], x[~treated]
        if not len(a) or not len(b):
            continue
        sd = math.sqrt((a.var(ddof=1) + b.var(ddof=1)) / 2) if len(a) > 1 and len(b) > 1 else 0.0
        diff = (a.mean() - b.mean()) / sd if sd > 0 else 0.0
        rows.append({"covariate": name, "treatment": float(a.mean()), "control": float(b.mean()),
                     "standardised_difference": float(diff)})
    return rows


def contrast_of(treatment: dict[str, Any], control: dict[str, Any]) -> str | None:
    """What a test compares, from what its arms show: ``ai_vs_human`` when the treatment
    shows twin or synthetic imagery and the control photographed people (the contrast the
    decision needs), ``label`` when both show the same imagery and only the label differs,
    else None (another comparison).

    Parameters
    ----------
    treatment, control
        Each arm's :func:`arm_profile`.

    Returns
    -------
    str or None
    """
    t_img, t_lab = (treatment.get("shows") or ", ").split(", ")
    c_img, c_lab = (control.get("shows") or ", ").split(", ")
    if t_img in DECISION_IMAGERY and c_img == "human":
        return "ai_vs_human"
    if t_img == c_img and t_lab != c_lab:
        return "label"
    return None


def read_test(frame: pd.DataFrame) -> dict[str, Any]:
    """One test, read: its rate ratio clustered by unit, the arms as found, the
    sample-ratio-mismatch p-value, the balance table and the warnings.

    Parameters
    ----------
    frame
        The test's posts (:func:`test_posts`).

    Returns
    -------
    dict
        results.json's ``engagement.experiments.<experiment_id>``: ``rate_ratio``
        (``estimate``, ``ci_low``, ``ci_high``), ``posts``, ``units``, ``arms``,
        ``srm_p_value``, ``contrast``, ``balance``, ``warnings``, ``treatment_share`` (the
        design's) and ``failed_checks`` (the warnings that make it unusable for the decision).
    """
    warnings = []
    both = frame.groupby("unit_id")["arm"].nunique()
    mixed = sorted(both[both > 1].index.astype(str))
    if mixed:
        warnings.append(f"{len(mixed)} unit(s) have posts in both arms (first: {', '.join(mixed[:3])}); a unit is "
                        "randomised whole, so the test's arms are not what was randomised")
    arms = {arm: arm_profile(frame[frame["arm"] == arm]) for arm in ("control", "treatment")}
    for arm, prof in arms.items():
        if not prof["posts"]:
            warnings.append(f"the {arm} arm has no posts")
        elif prof["pure"] < PURE_ARM:
            warnings.append(f"the {arm} arm is not one thing: {prof['pure']:.0%} of its posts show {prof['shows']}")
    failed = list(warnings)  # a unit in both arms, an arm that is not one thing: the test is not what was designed
    share, share_warning = designed_share(frame)
    if share_warning:
        warnings.append(share_warning)
    srm = srm_p_value(arms["treatment"]["units"], arms["control"]["units"], share)
    if srm is not None and srm < SRM_P:
        design = "the fair coin it should be" if share == 0.5 else f"the designed {share:.0%} to treatment"
        failed.append(f"units are split {arms['treatment']['units']} to {arms['control']['units']} (sample-ratio "
                      f"mismatch p = {srm:.3g}): the assignment may not have been {design}")
        warnings.append(failed[-1])
    table = balance(frame)
    off = [r["covariate"] for r in table if abs(r["standardised_difference"]) > BALANCE_FLAG]
    if off:
        warnings.append(f"arms differ before treatment in {', '.join(off[:3])} (standardised difference above "
                        f"{BALANCE_FLAG})")
    far = [r["covariate"] for r in table if abs(r["standardised_difference"]) > BALANCE_FAIL]
    if far:
        failed.append(f"arms differ before treatment in {', '.join(far[:3])} by more than {BALANCE_FAIL} standard "
                      "deviations")
    few = min(arms["treatment"]["units"], arms["control"]["units"])
    boot = None
    if few < MIN_UNITS_PER_ARM:
        boot = wild_test(frame) if not mixed and few >= 1 else None
        said = ""
        if boot and boot["p_value"] is not None:
            said = (f"; the wild cluster bootstrap over its {boot['clusters']} units ({boot['method']}) gives "
                    f"p = {boot['p_value']:.2g}, and that rests on {boot['clusters']} units")
        warnings.append(f"too few randomised units to read ({few} in the smaller arm; a cluster-robust interval needs "
                        f"at least {MIN_UNITS_PER_ARM} per arm){said}: shown, not stated as a finding")
    rr = rate_ratio(frame) if not mixed else {"estimate": None, "ci_low": None, "ci_high": None, "se_log": None}
    return {"rate_ratio": {k: rr[k] for k in ("estimate", "ci_low", "ci_high")}, "se_log": rr["se_log"],
            "posts": int(len(frame)), "units": int(frame["unit_id"].nunique()), "arms": arms, "srm_p_value": srm,
            "contrast": contrast_of(arms["treatment"], arms["control"]) if not mixed else None,
            "balance": table, "warnings": warnings, "readable": not mixed and few >= MIN_UNITS_PER_ARM
            and rr["estimate"] is not None, "treatment_share": share, "failed_checks": failed,
            "interval": "95%, cluster-robust by the randomised unit (Poisson with the arm as the only term)",
            "wild_bootstrap": boot}


def wild_test(frame: pd.DataFrame, seed: int = 0) -> dict[str, Any] | None:
    """The test of "no difference between the arms" by the restricted wild cluster bootstrap
    over the randomised units (:func:`twinimpact.analyses.stats.wild.wcr_test`, Webb weights),
    for a test with too few units for its cluster-robust interval: the Poisson model with the
    arm as the only term, at unit level (each unit's engagements and impressions; exact,
    since a unit is in one arm), fitted without the arm term.

    Parameters
    ----------
    frame
        One test's posts (:func:`test_posts`).
    seed
        Seeds the drawn patterns beyond six units.

    Returns
    -------
    dict or None
        ``statistic``, ``p_value``, ``patterns``, ``clusters`` and ``method``; None without
        engagements or impressions.
    """
    units = frame.groupby(["unit_id", "arm"], sort=True)[["engagements", "impressions"]].sum().reset_index()
    e, i = units["engagements"].to_numpy(float), units["impressions"].to_numpy(float)
    if e.sum() <= 0 or i.sum() <= 0:
        return None
    X = np.column_stack([np.ones(len(units)), (units["arm"] == "treatment").to_numpy(float)])
    mu = i * e.sum() / i.sum()
    scores, hessians = wild.by_cluster(X, e - mu, mu, units["unit_id"].astype(str).to_numpy())
    out = wild.wcr_test(scores, hessians, 1, len(units), seed)
    return {k: v for k, v in out.items() if k != "t_boot"}


def read_all(dataset: "Dataset") -> dict[str, dict[str, Any]]:
    """Every test of the ``experiments`` table, read (:func:`read_test`); empty without it.

    Parameters
    ----------
    dataset
        The run's validated tables.

    Returns
    -------
    dict
        Experiment id -> its reading.
    """
    if not dataset.has("experiments"):
        return {}
    frame = test_posts(dataset)
    return {str(k): read_test(g) for k, g in frame.groupby("experiment_id", sort=True)}


def decision_test(tests: dict[str, dict[str, Any]]) -> tuple[str, dict[str, Any]] | None:
    """The test that settles the decision: the most precise readable one comparing AI
    imagery as published against photographed people.

    Parameters
    ----------
    tests
        :func:`read_all`.

    Returns
    -------
    tuple or None
        (its id, its reading), or None when no test compares that.
    """
    usable = [(k, t) for k, t in tests.items() if t["contrast"] == "ai_vs_human" and t["readable"]
              and not t.get("failed_checks")]
    return min(usable, key=lambda kt: kt[1]["se_log"]) if usable else None


def failed_decision_tests(tests: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
    """The readable tests of the decision's contrast that fail their own checks (a
    sample-ratio mismatch against the design, arms unlike before treatment, units in both
    arms, an arm that is not one thing), with what failed: they are not used.

    Parameters
    ----------
    tests
        :func:`read_all`.

    Returns
    -------
    dict
        Experiment id -> the checks it failed.
    """
    return {k: list(t["failed_checks"]) for k, t in tests.items()
            if t.get("contrast") == "ai_vs_human" and t.get("failed_checks") and t.get("readable")}


def combine(observed: dict[str, float | None], tested: dict[str, Any]) -> dict[str, Any]:
    """The observational rate ratio as a normal prior on the log scale, updated by the test:
    precision-weighted, ``log RR = (w_o log RR_o + w_t log RR_t) / (w_o + w_t)`` with
    ``w = 1 / se^2`` (each ``se`` from its 95% interval); and whether the two agree (their
    intervals overlap).

    Parameters
    ----------
    observed
        The observational rate ratio (``estimate``, ``ci_low``, ``ci_high``) of the same contrast.
    tested
        The test's reading (:func:`read_test`).

    Returns
    -------
    dict
        ``prior`` (the observational), ``tested``, ``posterior`` (each ``estimate``, ``ci_low``,
        ``ci_high``), ``agree`` (bool) and ``used`` (``posterior`` when they agree, else ``tested``).
    """
    t = tested["rate_ratio"]
    out = {"prior": observed, "tested": t}
    if any(observed.get(k) is None for k in ("estimate", "ci_low", "ci_high")):
        return {**out, "posterior": t, "agree": None, "used": "tested"}
    agree = not (observed["ci_high"] < t["ci_low"] or t["ci_high"] < observed["ci_low"])
    se_o = (math.log(observed["ci_high"]) - math.log(observed["ci_low"])) / (2 * Z95)
    se_t = tested["se_log"]
    w_o, w_t = 1 / se_o ** 2, 1 / se_t ** 2
    m = (w_o * math.log(observed["estimate"]) + w_t * math.log(t["estimate"])) / (w_o + w_t)
    se = math.sqrt(1 / (w_o + w_t))
    post = {"estimate": math.exp(m), "ci_low": math.exp(m - Z95 * se), "ci_high": math.exp(m + Z95 * se)}
    return {**out, "posterior": post, "agree": agree, "used": "posterior" if agree else "tested"}
