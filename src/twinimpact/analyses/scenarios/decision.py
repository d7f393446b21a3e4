"""From the scenario's draws to a decision: options compared, a recommendation by a stated
rule, and what testing first is worth.

Every option is a twin share the brand moves to from today's mix, valued on the **same
draws** as the scenario (:class:`~twinimpact.analyses.scenarios.paths.Draws`: the cost
drivers, the engagement effect, the value of an engagement, the adoption speed), so the
options differ only by the share: common random numbers. Keeping today's mix is worth 0 by
definition (every NPV is against it).

The recommendation (:data:`RULE`): the option with the highest expected NPV, unless a
randomised test of twin imagery has a positive expected net benefit of sampling (ENBS);
then ``test_first``, naming the test. The value of information comes from
:mod:`twinimpact.analyses.stats.voi` on the options' net-benefit table: EVPI, EVPPI of the
engagement effect and of the value of an engagement, and EVSI of a test of ``n`` posts per
arm whose standard error on the log rate ratio is the test planner's
(:mod:`twinimpact.analyses.engagement.test_plan`): ``sqrt((v(m) + v(m R)) / n)``.

``ENBS(n) = EVSI(n) - (test_setup_cost + test_cost_per_post x 2n) - n x m x E[|R - 1| x
value]``: the last term is the engagement the worse arm loses while the test runs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from twinimpact.analyses.engagement import model as engagement
from twinimpact.analyses.engagement import test_plan
from twinimpact.analyses.stats import montecarlo, voi

if TYPE_CHECKING:
    from twinimpact.params import Params
    from twinimpact.sources.data import Dataset

#: The recommendation's rule, in words (results.json ``decision.rule``).
RULE = ("the option with the highest expected net present value against keeping today's mix, unless a randomised "
        "test of twin imagery has a positive expected net benefit (what it is expected to be worth, less its cost "
        "and the engagement its worse arm loses); then test first")
#: Test sizes tried, posts per arm.
TEST_SIZES = tuple(int(n) for n in np.unique(np.round(np.geomspace(50, 50_000, 31))))
#: Two options are the same when their twin shares differ by less than this.
SAME_SHARE = 1e-6


@dataclass
class Decision:
    """The options, their NPV draws (draws x options) and results.json's ``decision`` block."""

    shares: list[float]
    labels: list[str]
    npv: np.ndarray
    block: dict[str, Any]


def option_shares(params: "Params", start: float) -> list[float]:
    """Today's twin share, then the options: ``params.options`` or halfway and the target."""
    target = params.adoption_share
    wanted = params.options or [start + (target - start) / 2, target]
    shares = [start] + [s for s in sorted(set(wanted)) if abs(s - start) > SAME_SHARE]
    return shares


def option_label(share: float, start: float, target: float) -> str:
    """``keep`` (today's mix), ``adopt`` (the target) or ``pilot`` (any other share)."""
    if abs(share - start) <= SAME_SHARE:
        return "keep"
    return "adopt" if abs(share - target) <= SAME_SHARE else "pilot"


def option_labels(shares: list[float], target: float) -> list[str]:
    """Each option's label, today's mix first (:func:`option_label`)."""
    return [option_label(s, shares[0], target) for s in shares]


def compare(shares: list[float], nb: np.ndarray, target: float) -> tuple[list[str], list[dict[str, Any]]]:
    """Each option's label, expected NPV, P10/P50/P90 and the share of draws in which it is
    best (ties go to the first, today's mix).

    Parameters
    ----------
    shares
        The options' twin shares, today's mix first.
    nb
        Their NPV draws (draws x options).
    target
        ``adoption_share``: the option labelled ``adopt``.
    """
    labels = option_labels(shares, target)
    means = nb.mean(axis=0)
    winner = nb.argmax(axis=1)
    options = []
    for j, (share, label) in enumerate(zip(shares, labels)):
        pct = montecarlo.percentiles(nb[:, j])
        options.append({"share": float(share), "label": label, "npv_expected": float(means[j]),
                        "npv_p10": pct["p10"], "npv_p50": pct["p50"], "npv_p90": pct["p90"],
                        "p_best": float((winner == j).mean())})
    return labels, options


def recommend(labels: list[str], nb: np.ndarray, test: dict[str, Any] | None) -> str:
    """:data:`RULE`: ``test_first`` when the test's ENBS is positive, else the label of the
    option with the highest expected NPV.

    Parameters
    ----------
    labels
        The options' labels (:func:`option_label`).
    nb
        Their NPV draws (draws x options).
    test
        The best test (:func:`best_test`), or None.
    """
    if test is not None and test["enbs"] > 0:
        return "test_first"
    return labels[int(nb.mean(axis=0).argmax())]


def test_inputs(dataset: "Dataset", params: "Params") -> dict[str, Any]:
    """The test planner's view of the brand's posts (mean engagements per post, overdispersion,
    spread of reach, posting rate), or ``not_available`` with why.

    Parameters
    ----------
    dataset, params
        The run's data and parameters.
    """
    fits = engagement.fitted(dataset, params, "engagements")[1]
    alpha = fits.negbin.alpha if getattr(fits, "negbin", None) is not None else None
    return test_plan.plan(dataset, params, alpha)


def test_standard_error(plan: dict[str, Any], ratio: float, n: int) -> float:
    """The standard error of a test's log rate ratio with ``n`` posts per arm, the planner's
    formula: ``sqrt((v(m) + v(m R)) / n)``, ``v(mu) = 1 / mu + alpha (1 + c^2)``.

    Parameters
    ----------
    plan
        :func:`test_inputs` (``mean_engagements``, ``overdispersion``, ``cv_impressions``).
    ratio
        R, the rate ratio expected in the treatment arm.
    n
        Posts per arm.
    """
    m, spread = plan["mean_engagements"], plan["overdispersion"] * (1 + plan["cv_impressions"] ** 2)
    return math.sqrt(((1 / m + spread) + (1 / (m * ratio) + spread)) / n)


def best_test(nb: np.ndarray, draws: Any, plan: dict[str, Any], params: "Params",
              evppi_engagement: float) -> dict[str, Any] | None:
    """The randomised test of twin imagery (labelled as it would be published) against
    photographed people with the highest expected net benefit of sampling over
    :data:`TEST_SIZES`, with its EVSI, cost and chance of changing the decision; None when
    the engagement is not valued or the posts cannot plan a test.

    Parameters
    ----------
    nb
        NPV draws x options.
    draws
        The scenario's draws (:class:`twinimpact.analyses.scenarios.paths.Draws`: its engagement change,
        engagements per asset, value draws).
    plan
        :func:`test_inputs`.
    params
        The run's parameters (``test_setup_cost``, ``test_cost_per_post``, ``seed``).
    evppi_engagement
        The EVPPI of the engagement effect: no test is worth more.
    """
    per_asset = float(draws.engagement.get("engagements_per_asset") or 0.0)
    if "not_valued" in draws.engagement or per_asset <= 0 or not plan.get("posts_per_arm"):
        return None
    ratio = 1.0 + draws.change / per_asset  # the rate ratio a moved asset's engagement changes by, per draw
    if (ratio <= 0).any():
        return None
    theta = np.log(ratio)
    lost_per_post = plan["mean_engagements"] * float(np.mean(np.abs(ratio - 1.0) * draws.value_draws))
    centre = float(np.exp(theta.mean()))
    best: dict[str, Any] | None = None
    for n in TEST_SIZES:
        value, changes = voi.evsi(nb, theta, test_standard_error(plan, centre, n), params.seed)
        value = min(value, evppi_engagement)  # Monte Carlo error aside, a test is worth no more than certainty
        cost = params.test_setup_cost + params.test_cost_per_post * 2 * n + n * lost_per_post
        row = {"n_per_arm": n, "evsi": value, "cost": cost, "enbs": value - cost, "p_changes_decision": changes,
               "weeks": math.ceil(2 * n / plan["posts_per_week"]) if plan.get("posts_per_week") else None}
        if best is None or row["enbs"] > best["enbs"]:
            best = row
    return best


#: The commitments a brand may make, in words.
COMMITMENTS = {"models_whole": "keep every model booked in the base year at least as well paid as today's mix pays "
                               "them, topping up their twin fees",
               "redeploy_all": "redeploy every displaced hour of creative work, and pay it"}


def commitment_costs(shares: list[float], at_target: dict[str, float | None], target: float) -> dict[str, np.ndarray]:
    """Each commitment's NPV cost for every option: its cost at the target share, scaled by
    how far the option moves against how far the target moves (both commitments grow with
    the assets moved); 0 for today's mix.

    Parameters
    ----------
    shares
        The options' twin shares, today's mix first.
    at_target
        Commitment -> its NPV cost at ``adoption_share`` (None: it cannot be priced).
    target
        ``adoption_share``.
    """
    start = shares[0]
    span = target - start
    scale = np.array([(s - start) / span if abs(span) > SAME_SHARE else 0.0 for s in shares])
    return {name: np.clip(scale, 0.0, None) * cost for name, cost in at_target.items() if cost is not None}


def priced_commitments(labels: list[str], nb: np.ndarray, costs: dict[str, np.ndarray], active: list[str],
                       reasons: dict[str, str]) -> list[dict[str, Any]]:
    """One row per commitment: its NPV cost at the best option once the active commitments are
    priced in, whether it binds (costs anything there), and the recommendation (by the options'
    expected NPV) with it added to the active ones.

    Parameters
    ----------
    labels
        The options' labels.
    nb
        Their NPV draws before any commitment (draws x options).
    costs
        Commitment -> its NPV cost per option (:func:`commitment_costs`).
    active
        The commitments the parameters make.
    reasons
        Commitment -> why it cannot be priced, for those not in ``costs``.
    """
    rows = []
    for name, words in COMMITMENTS.items():
        if name not in costs:
            rows.append({"name": name, "what": words, "active": name in active, "cost_npv": None, "binding": None,
                         "recommendation_with": None, "not_priced": reasons.get(name, "cannot be priced")})
            continue
        with_it = sorted(set(active) | {name})
        shifted = nb - sum(costs[c] for c in with_it if c in costs)[None, :]
        best = int(shifted.mean(axis=0).argmax())
        cost = float(costs[name][best])
        rows.append({"name": name, "what": words, "active": name in active, "cost_npv": cost, "binding": cost > 0,
                     "recommendation_with": labels[best]})
    return rows


def decide(dataset: "Dataset", params: "Params", shares: list[float], nb: np.ndarray, draws: Any,
           break_even: float | None, commitments_at_target: dict[str, float | None] | None = None,
           not_priced: dict[str, str] | None = None) -> Decision:
    """The decision: each option's NPV summary and chance of being best, EVPI and EVPPI, the
    best test, and the recommendation by :data:`RULE`.

    Parameters
    ----------
    dataset, params
        The run's data and parameters.
    shares
        The options' twin shares, today's mix first (:func:`option_shares`).
    nb
        Their NPV draws (draws x options, reporting currency), on the scenario's draws.
    draws
        The scenario's draws.
    break_even
        The value of an engagement at which the target stops paying (its NPV's median is 0),
        or None.
    commitments_at_target
        Commitment -> its NPV cost at ``adoption_share`` (None: cannot be priced); the ones
        ``params.commitments`` makes are subtracted from the options' NPVs.
    not_priced
        Commitment -> why it cannot be priced.

    Returns
    -------
    Decision
        ``block`` is results.json's ``decision``.
    """
    costs = commitment_costs(shares, commitments_at_target or {}, params.adoption_share)
    active = [name for name, on in params.commitments.items() if on]
    priced = priced_commitments(option_labels(shares, params.adoption_share), nb, costs, active, not_priced or {})
    nb = nb - sum((costs[c] for c in active if c in costs), np.zeros(nb.shape[1]))[None, :]
    labels, options = compare(shares, nb, params.adoption_share)
    best = int(nb.mean(axis=0).argmax())
    e_pi = voi.evpi(nb)
    measured = "not_valued" not in draws.engagement  # the engagement effect could be estimated
    valued = measured and draws.value.get("source") != "none"  # ... and an engagement has a value
    e_engagement = min(voi.evppi(nb, draws.change), e_pi) if valued else 0.0
    e_value = min(voi.evppi(nb, draws.value_draws), e_pi) if valued else 0.0
    plan = test_inputs(dataset, params) if valued else {}
    test = best_test(nb, draws, plan, params, e_engagement) if valued else None
    recommendation = recommend(labels, nb, test)
    conditional = None if valued else {
        "on": "what an engagement is worth", "break_even_value_per_engagement": break_even,
        "why": draws.engagement.get("not_valued") or "the data hold no outcomes of posts to value an engagement by"}
    block = {"recommendation": recommendation, "rule": RULE, "best_option": labels[best], "options": options,
             "evpi": e_pi, "evppi": {"engagement_effect": e_engagement, "value_per_engagement": e_value},
             "test": test if test is not None and test["enbs"] > 0 else None,
             "best_test_considered": test, "conditional_on": conditional, "commitments": priced,
             "evidence": draws.engagement.get("source", "not measured")}
    return Decision(shares, labels, nb, block)
