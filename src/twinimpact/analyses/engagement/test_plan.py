"""Plan the randomised test that would settle whether twin imagery costs engagement.

Posts (upcoming slots) are randomised one by one to a control arm (photographed people)
or a treatment arm (twin imagery as the brand may lawfully publish it). With ``m`` the
mean engagements per post in the brand's posts, ``alpha`` the negative binomial's
overdispersion and ``c`` the coefficient of variation of impressions per post (posts
differ in reach), an arm of ``n`` posts with mean ``mu`` estimates its log rate with
variance ``v(mu) / n``, ``v(mu) = 1 / mu + alpha (1 + c^2)``. A two-sided test at level
``a`` detects the rate ratio ``R`` with power ``p`` when::

    n = (z_{1 - a/2} + z_p)^2 (v(m) + v(m R)) / (ln R)^2     posts per arm

and takes ``2 n / w`` weeks at the brand's ``w`` posts a week.

Where a disclosure duty applies in the brand's markets on the run date (the reference
table ``regulations``, rows checking ``ai_disclosure``), AI imagery is not published
without its label, so the treatment is the labelled imagery and the label is tested, if at
all, as a variant of its placement or wording, never by leaving it off.
"""

from __future__ import annotations

import math
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from twinimpact.analyses.stats.probability import normal_ppf

if TYPE_CHECKING:
    from twinimpact.params import Params
    from twinimpact.sources.data import Dataset

#: Params fields the planner reads.
PARAMETERS = ("test_effect", "test_power", "seed", "as_of")
#: The test's level, two-sided.
ALPHA = 0.05
#: Weeks of the latest posts the posting rate is measured over.
RATE_WEEKS = 12


def posts_per_arm(effect: float, power: float, mean_count: float, overdispersion: float, cv_impressions: float,
                  alpha: float = ALPHA) -> int:
    """Posts per arm to detect the rate ratio ``effect`` (see the module's formula),
    rounded up.

    Parameters
    ----------
    effect
        The rate ratio to detect (treatment over control, e.g. 0.9).
    power
        The chance of detecting it (0-1).
    mean_count
        Mean engagements per post in the control arm.
    overdispersion
        The negative binomial's alpha (variance = mu + alpha mu^2).
    cv_impressions
        Coefficient of variation of impressions per post.
    alpha
        The two-sided level.

    Returns
    -------
    int
        Posts in each arm.
    """

    z = float(normal_ppf(1 - alpha / 2) + normal_ppf(power))
    spread = overdispersion * (1 + cv_impressions ** 2)
    var = (1 / mean_count + spread) + (1 / (mean_count * effect) + spread)
    return int(math.ceil(z ** 2 * var / math.log(effect) ** 2))


def disclosure_duties(regulations: pd.DataFrame, markets: set[str], as_of: date) -> list[str]:
    """The disclosure duties in force on ``as_of`` in any of ``markets`` (their instruments).

    Parameters
    ----------
    regulations
        The reference table ``regulations``.
    markets
        The brand's campaign markets.
    as_of
        The run date.

    Returns
    -------
    list of str
        Instrument names, in the table's order.
    """
    pending = regulations.get("pending", pd.Series("no", index=regulations.index)).astype(str).str.lower() == "yes"
    rows = regulations[(regulations["check"] == "ai_disclosure") & ~pending
                       & (pd.to_datetime(regulations["applies_from"]).dt.date <= as_of)]
    found = []
    for r in rows.itertuples():
        covered = {m.strip() for m in str(r.markets).split(",")}
        if covered & markets:
            found.append(str(r.instrument))
    return found


def plan(dataset: "Dataset", params: "Params", overdispersion: float | None) -> dict[str, Any]:
    """The test that would settle it, from the brand's posts: posts per arm, weeks at the
    brand's posting rate, and the arms it may lawfully publish.

    Parameters
    ----------
    dataset
        The run's validated tables (``posts``, ``campaigns``; the reference ``regulations``).
    params
        The run's parameters (``test_effect``, ``test_power``).
    overdispersion
        The negative binomial's alpha fitted on the posts (None: no fit, the Poisson's 0).

    Returns
    -------
    dict
        results.json's ``engagement.test_plan``: ``effect``, ``power``, ``alpha``,
        ``posts_per_arm``, ``weeks``, the inputs (``mean_engagements``, ``overdispersion``,
        ``cv_impressions``, ``posts_per_week``) and the ``arms``; or ``not_available`` with why.
    """
    posts = dataset.table("posts")
    t = posts.filter(posts.impressions > 0)
    y = t.likes + t.comments + t.shares + t.saves
    stats = t.aggregate(n=t.count(), m=y.mean(), i=t.impressions.mean(), i2=(t.impressions * t.impressions).mean(),
                        last=t.posted_at.max()).to_pandas().iloc[0]
    base = {"effect": params.test_effect, "power": params.test_power, "alpha": ALPHA, "posts_per_arm": None,
            "weeks": None}
    if not stats["n"] or not stats["m"] or stats["m"] <= 0:
        return {**base, "not_available": "no posts with impressions and engagements to plan from"}
    last = pd.Timestamp(stats["last"])
    since = last - pd.Timedelta(weeks=RATE_WEEKS)
    recent = int(t.filter(t.posted_at > since.to_pydatetime()).count().to_pyarrow().as_py())
    per_week = recent / RATE_WEEKS
    mean_i, mean_i2 = float(stats["i"]), float(stats["i2"])
    cv = math.sqrt(max(mean_i2 / mean_i ** 2 - 1, 0.0))
    a = float(overdispersion) if overdispersion is not None and math.isfinite(overdispersion) and \
        overdispersion >= 0 else None
    notes = [] if a is not None else ["the overdispersion could not be estimated from these posts: the plan assumes "
                                      "Poisson counts and is too small if they spread more"]
    n = posts_per_arm(params.test_effect, params.test_power, float(stats["m"]), a or 0.0, cv)
    markets = set(dataset["campaigns"]["market"].astype(str))
    duties = disclosure_duties(dataset.reference["regulations"], markets, dataset.as_of)
    treatment = "twin imagery with the AI label" if duties else "twin imagery, labelled as the brand labels it"
    return {**base, "posts_per_arm": n, "weeks": math.ceil(2 * n / per_week) if per_week > 0 else None,
            "mean_engagements": float(stats["m"]), "overdispersion": a or 0.0, "cv_impressions": cv, "notes": notes,
            "posts_per_week": per_week,
            "arms": {"control": "photographed people, no AI label", "treatment": treatment},
            "disclosure_duties": duties,
            "label_note": ("a disclosure duty applies in the brand's markets, so AI imagery is never published "
                           "without its label; to test the label, vary its placement or wording") if duties else
            "no disclosure duty applies in the brand's markets on the run date"}


def assignment(test_plan: dict[str, Any], seed: int, start: date | None = None) -> pd.DataFrame:
    """A seeded assignment of the next ``2 n`` post slots to the arms, half each, in a random
    order (a permutation, so the arms are exactly balanced).

    Parameters
    ----------
    test_plan
        :func:`plan`.
    seed
        Seeds the permutation (stream 41).
    start
        The first slot's week (for the ``week`` column), or None.

    Returns
    -------
    DataFrame
        ``slot`` (1..2n), ``arm``, ``shows`` (what the arm's post shows) and ``week`` (from
        ``start`` at the brand's posting rate, when given).
    """
    n = int(test_plan["posts_per_arm"])
    arms = np.array(["control"] * n + ["treatment"] * n, dtype=object)
    order = np.random.default_rng([seed, 41]).permutation(2 * n)
    frame = pd.DataFrame({"slot": np.arange(1, 2 * n + 1), "arm": arms[order]})
    frame["shows"] = frame["arm"].map(test_plan["arms"])
    rate = test_plan.get("posts_per_week")
    if start is not None and rate:
        frame["week"] = [(pd.Timestamp(start) + pd.Timedelta(weeks=int((s - 1) // rate))).date().isoformat()
                         for s in frame["slot"]]
    return frame
