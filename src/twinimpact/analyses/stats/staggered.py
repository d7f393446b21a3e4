"""Staggered adoption: group-time effects with not-yet-treated controls (Callaway and
Sant'Anna 2021, without covariates), aggregated, with randomisation inference over placebo
adoption dates.

A unit (a brand, by the rule of :data:`ADOPTION_UNIT`; or a brand in a market) adopts in
period ``g`` (its first twin or hybrid campaign);
for every adoption group ``g`` and period ``t``, with base period ``b = g - 1`` when
``t >= g`` and ``b = t - 1`` before (the "varying" base of the reference implementation)::

    ATT(g, t) = mean_{i in g}(Y_it - Y_ib) - mean_{j not yet treated at t}(Y_jt - Y_jb)

over units observed in both periods, the controls being units of other groups whose
adoption comes after ``max(t, b)``, or that never adopt. The overall effect is the average of the post-adoption
``ATT(g, t)`` weighted by the units of each group. With a handful of adopting units, its
p-value comes from re-assigning the adoption dates among the units (every permutation
when there are few, else a seeded sample) rather than from a large-sample formula.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pandas as pd

from twinimpact.analyses.stats.count_model import month_periods

#: Permutations beyond which randomisation inference samples instead of enumerating.
MAX_PERMUTATIONS = 1000


def att_gt(panel: pd.DataFrame, unit: str, time: str, y: str, group: str) -> pd.DataFrame:
    """Every group-time effect (see the module's formula).

    Parameters
    ----------
    panel
        One row per unit and period: ``unit``, integer periods ``time``, outcome ``y`` and the
        adoption period ``group`` (0 or missing = never adopts).
    unit, time, y, group
        Column names.

    Returns
    -------
    DataFrame
        ``group``, ``time``, ``att``, ``treated`` and ``controls`` (units used), one row per
        estimable pair.
    """
    wide = panel.pivot_table(index=unit, columns=time, values=y, aggfunc="first")
    first = panel.groupby(unit)[group].first().reindex(wide.index).fillna(0).astype(int)
    return _att_gt(wide.to_numpy(float), [int(c) for c in wide.columns], first.to_numpy())


def _steps(values: np.ndarray, per: np.ndarray) -> np.ndarray:
    """``Y_t - Y_{t-1}`` of a units x periods matrix (the base before adoption); NaN after a
    gap in the periods."""
    step = np.full_like(values, np.nan)
    step[:, 1:] = values[:, 1:] - values[:, :-1]
    step[:, ~np.r_[False, np.diff(per) == 1]] = np.nan
    return step


def _group_diffs(values: np.ndarray, per: np.ndarray, step: np.ndarray, g: int
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """For adoption group ``g``: which periods are after adoption, each unit's difference
    from its base period (``Y_t - Y_{g-1}`` after, ``Y_t - Y_{t-1}`` before) and the latest
    of ``t`` and the base (controls must adopt after it); None without a period ``g - 1``."""
    where = np.flatnonzero(per == g - 1)
    if not len(where):
        return None
    after = per >= g
    diff = np.where(after[None, :], values - values[:, [int(where[0])]], step)
    return after, diff, np.maximum(per, np.where(after, g - 1, per - 1))


def _att_arrays(values: np.ndarray, periods: list[int], first: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every estimable group-time effect of a units x periods matrix (NaN where a unit has no
    observation), each group's periods at once, as arrays: group, time, att, treated, controls."""
    per = np.asarray(periods)
    step = _steps(values, per)
    parts: list[tuple[np.ndarray, ...]] = []
    for g in sorted(v for v in set(first.tolist()) if v > 0):
        prepared = _group_diffs(values, per, step, g)
        if prepared is None:
            continue
        _, diff, latest = prepared
        control = (first[:, None] == 0) | ((first[:, None] > latest[None, :]) & (first[:, None] != g))
        members = (first == g)[:, None]
        ok = ~np.isnan(diff)
        treated, controlled = members & ok, control & ok
        nt, nc = treated.sum(axis=0), controlled.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            mt = np.where(treated, diff, 0.0).sum(axis=0) / nt
            mc = np.where(controlled, diff, 0.0).sum(axis=0) / nc
        keep = (nt > 0) & (nc > 0) & (per > per[0])
        parts.append((np.full(int(keep.sum()), g), per[keep], (mt - mc)[keep], nt[keep], nc[keep]))
    if not parts:
        empty = np.zeros(0)
        return empty, empty, empty, empty, empty
    return tuple(np.concatenate(col) for col in zip(*parts))  # type: ignore[return-value]


def _att_gt(values: np.ndarray, periods: list[int], first: np.ndarray) -> pd.DataFrame:
    """:func:`att_gt` on a units x periods matrix (:func:`_att_arrays` as a frame)."""
    g, t, att, nt, nc = _att_arrays(values, periods, first)
    return pd.DataFrame({"group": g.astype(int), "time": t.astype(int), "att": att.astype(float),
                         "treated": nt.astype(int), "controls": nc.astype(int)},
                        columns=["group", "time", "att", "treated", "controls"])


def _summaries(values: np.ndarray, periods: list[int], firsts: np.ndarray, block: int = 2_000_000
               ) -> tuple[np.ndarray, np.ndarray]:
    """(:func:`overall`, :func:`pre_trend`) of many assignments of adoption periods at once:
    ``firsts`` holds one assignment per row (assignments x units); NaN where a summary has no
    pair. The sums of :func:`_att_arrays` over units become one matrix product per adoption
    group for every assignment of a block (about ``block`` unit-period cells at a time)."""
    per = np.asarray(periods)
    n, units = firsts.shape
    step = _steps(values, per)
    sums = np.zeros((4, n))  # post: sum of att x treated, treated; pre: sum of att^2 x treated, treated
    rows = max(1, block // max(units * len(per), 1))
    for g in sorted(int(v) for v in np.unique(firsts) if v > 0):
        prepared = _group_diffs(values, per, step, g)
        if prepared is None:
            continue
        after, diff, latest = prepared
        ok = ~np.isnan(diff)
        filled = np.where(ok, diff, 0.0)
        for lo in range(0, n, rows):
            f = firsts[lo:lo + rows]
            members = (f == g).astype(float)
            control = ((f[:, :, None] == 0) | ((f[:, :, None] > latest) & (f[:, :, None] != g))) & ok
            nt, nc = members @ ok, control.sum(axis=1)
            with np.errstate(invalid="ignore", divide="ignore"):
                att = (members @ filled) / nt - np.einsum("put,ut->pt", control, filled) / nc
            keep = (nt > 0) & (nc > 0) & (per > per[0])
            post, pre = keep & after, keep & ~after
            sums[0, lo:lo + rows] += np.where(post, att * nt, 0.0).sum(axis=1)
            sums[1, lo:lo + rows] += np.where(post, nt, 0.0).sum(axis=1)
            sums[2, lo:lo + rows] += np.where(pre, att**2 * nt, 0.0).sum(axis=1)
            sums[3, lo:lo + rows] += np.where(pre, nt, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        over = np.where(sums[1] > 0, sums[0] / sums[1], np.nan)
        trend = np.where(sums[3] > 0, np.sqrt(sums[2] / sums[3]), np.nan)
    return over, trend


def overall(gt: pd.DataFrame) -> float | None:
    """The average post-adoption effect: ``ATT(g, t)`` for ``t >= g``, weighted by the
    treated units of each pair.

    Parameters
    ----------
    gt
        :func:`att_gt`.

    Returns
    -------
    float or None
        On the outcome's scale; None when no pair is after adoption.
    """
    post = gt[gt["time"] >= gt["group"]]
    if post.empty or post["treated"].sum() == 0:
        return None
    return float((post["att"] * post["treated"]).sum() / post["treated"].sum())


def pre_trend(gt: pd.DataFrame) -> float | None:
    """How far the effects before adoption (placebo periods ``t < g``) stray from 0: their
    root mean square, weighted by treated units (an average would cancel: with one unit a
    group, the pre-period effects sum to 0 by construction).

    Parameters
    ----------
    gt
        :func:`att_gt`.

    Returns
    -------
    float or None
        On the outcome's scale; None when no pair is before adoption.
    """
    pre = gt[gt["time"] < gt["group"]]
    if pre.empty or pre["treated"].sum() == 0:
        return None
    return float(math.sqrt((pre["att"] ** 2 * pre["treated"]).sum() / pre["treated"].sum()))


def _matrix(panel: pd.DataFrame, unit: str, time: str, y: str, group: str
            ) -> tuple[np.ndarray, list[int], np.ndarray]:
    """The panel as a units x periods matrix of ``y``, its periods, and each unit's adoption
    period (0: never)."""
    wide = panel.pivot_table(index=unit, columns=time, values=y, aggfunc="first")
    dates = panel.groupby(unit)[group].first().reindex(wide.index).fillna(0).astype(int).to_numpy()
    return wide.to_numpy(float), [int(c) for c in wide.columns], dates


def _permutations(k: int, seed: int) -> tuple[np.ndarray, str]:
    """The re-assignments of ``k`` units' adoption dates the randomisation test uses (every
    permutation up to :data:`MAX_PERMUTATIONS`, else that many seeded ones, stream 51), as
    rows of indices, and how they were chosen."""
    if k <= 10 and math.factorial(k) <= MAX_PERMUTATIONS:
        orders = np.asarray(list(itertools.permutations(range(k))), dtype=int).reshape(-1, k)
        return orders, f"every one of the {len(orders):,} permutations of the adoption dates"
    rng = np.random.default_rng([seed, 51])
    orders = np.asarray([rng.permutation(k) for _ in range(MAX_PERMUTATIONS)], dtype=int)
    return orders, f"{MAX_PERMUTATIONS:,} seeded permutations of the adoption dates"


def randomisation_p(panel: pd.DataFrame, unit: str, time: str, y: str, group: str, seed: int
                    ) -> dict[str, Any]:
    """Randomisation inference: the share of re-assignments of the adoption periods among
    the units (never-adopting units included) whose overall effect is at least as far from
    0 as the observed one, for the overall effect and for the pre-adoption average (with a
    seeded sample, the observed assignment is counted once more: ``(hits + 1) / (n + 1)``).

    Parameters
    ----------
    panel
        As :func:`att_gt`.
    unit, time, y, group
        Column names.
    seed
        Seeds the sampled permutations (stream 51).

    Returns
    -------
    dict
        ``p_value``, ``pre_p_value``, ``permutations`` and ``method`` (every permutation, or a
        seeded sample).
    """
    values, periods, dates = _matrix(panel, unit, time, y, group)
    observed_gt = _att_gt(values, periods, dates)
    observed, observed_pre = overall(observed_gt), pre_trend(observed_gt)
    orders, method = _permutations(len(dates), seed)
    stats, pres = _summaries(values, periods, dates[orders])

    sampled = "seeded" in method

    def share(values: np.ndarray, obs: float | None) -> float | None:
        vals = values[~np.isnan(values)]
        if obs is None or not len(vals):
            return None
        hits = int(np.sum(np.abs(vals) >= abs(obs) - 1e-12))
        # a sample of re-assignments may miss the observed one: count it (p is never 0)
        return (hits + 1) / (len(vals) + 1) if sampled else hits / len(vals)

    return {"p_value": share(stats, observed), "pre_p_value": share(pres, observed_pre), "permutations": len(orders),
            "method": method}


def randomisation_interval(panel: pd.DataFrame, unit: str, time: str, y: str, group: str, seed: int,
                           level: float = 0.95, span: float = 2.0, steps: int = 14) -> tuple[float | None, float | None]:
    """The interval of overall effects (log scale) the randomisation test does not reject:
    for a constant effect ``d``, the panel with ``d`` taken off every adopted unit-period is
    tested as :func:`randomisation_p` tests the data (the same permutations), and the
    interval holds the ``d`` whose p-value is at least 1 - ``level``; each end is found by
    bisection within ``span`` of the estimate (None: no end within it).

    Parameters
    ----------
    panel
        As :func:`att_gt`.
    unit, time, y, group
        Column names.
    seed
        The permutations' seed (as :func:`randomisation_p`).
    level
        The interval's coverage.
    span, steps
        How far from the estimate each end is sought (log scale), and the bisection steps.

    Returns
    -------
    tuple
        (low, high) on the log scale, either None when not found within ``span``.
    """
    values, periods, dates = _matrix(panel, unit, time, y, group)
    per = np.asarray(periods)
    treated = (dates[:, None] > 0) & (per[None, :] >= dates[:, None])
    orders, method = _permutations(len(dates), seed)
    firsts, extra = dates[orders], int("seeded" in method)

    def p_of(d: float) -> float:
        shifted = values - d * treated
        obs = overall(_att_gt(shifted, periods, dates))
        if obs is None:
            return 1.0
        stats, _ = _summaries(shifted, periods, firsts)
        vals = stats[~np.isnan(stats)]
        hits = int(np.sum(np.abs(vals) >= abs(obs) - 1e-12))
        return (hits + extra) / (len(vals) + extra) if len(vals) else 1.0

    centre = overall(_att_gt(values, periods, dates))
    if centre is None:
        return None, None
    alpha = 1 - level

    def end(direction: float) -> float | None:
        inside, outside = centre, centre + direction * span
        if p_of(outside) >= alpha:
            return None
        for _ in range(steps):
            mid = (inside + outside) / 2
            if p_of(mid) >= alpha:
                inside = mid
            else:
                outside = mid
        return inside

    return end(-1.0), end(1.0)


#: The before/after study's unit, by a stated rule: the brand. Adopting twins is a brand's
#: decision, and what follows it (a backlash, a new audience) reaches every market of the
#: brand at once; a finer unit (a brand in a market) would count a later market's months
#: after its brand adopted as "before", and its verdict would answer a narrower question.
ADOPTION_UNIT = ("brand",)
UNIT_RULE = ("the brand is the unit, because adopting twins is a brand's decision and its audience "
             "responds across all its markets")


def unit_panel(cells: pd.DataFrame, market_of: dict[str, str], adoption: dict[Any, pd.Timestamp],
               keys: tuple[str, ...] = ADOPTION_UNIT) -> pd.DataFrame:
    """The monthly panel of adopting units: one row per unit (a brand, or a brand in a
    market) and month with posts, the outcome the log of engagements per impression, the
    adoption month as an integer period (months since year 0), 0 for a unit that never adopts.

    Parameters
    ----------
    cells
        Covariate cells (``cluster`` = campaign, ``brand``, ``month``, ``y``, ``exposure``).
    market_of
        Campaign id -> its market.
    adoption
        The unit (a brand, or a (brand, market) pair) -> its adoption date.
    keys
        ``("brand",)`` or ``("brand", "market")``.

    Returns
    -------
    DataFrame
        ``unit``, ``period``, ``y`` (log rate), ``group`` (adoption period or 0).
    """
    c = cells[cells["cluster"].isin(list(market_of))].copy()
    if c.empty:
        return pd.DataFrame(columns=["unit", "period", "y", "group"])
    c["market"] = c["cluster"].map(market_of)
    by_market = "market" in keys
    c["unit"] = (c["brand"].astype(str) + " in " + c["market"].astype(str)) if by_market else c["brand"].astype(str)
    per = month_periods(c["month"])
    c["period"] = per.year * 12 + per.month - 1
    by = ["unit", "brand", "market", "period"] if by_market else ["unit", "brand", "period"]
    agg = c.groupby(by, as_index=False)[["y", "exposure"]].sum()
    agg = agg[(agg["y"] > 0) & (agg["exposure"] > 0)]
    agg["rate"] = np.log(agg["y"] / agg["exposure"])

    def period_of(key: Any) -> int:
        d = adoption.get(key)
        return int(d.year * 12 + d.month - 1) if d is not None else 0

    keys_of = zip(agg["brand"], agg["market"]) if by_market else agg["brand"]
    agg["group"] = [period_of(k) for k in keys_of]
    return agg[["unit", "period", "rate", "group"]].rename(columns={"rate": "y"}).reset_index(drop=True)


def smallest_p(permutations: np.ndarray, dates: np.ndarray) -> float:
    """The smallest p-value re-assigning the adoption dates can give: one over the distinct
    assignments among ``permutations`` (rows of indices into ``dates``)."""
    distinct = len({tuple(row) for row in dates[permutations].tolist()})
    return 1.0 / max(distinct, 1)


def study(cells: pd.DataFrame, campaigns: pd.DataFrame, seed: int, min_units: int = 2, min_months: int = 3,
          keys: tuple[str, ...] = ADOPTION_UNIT) -> dict[str, Any]:
    """The staggered-adoption study at the unit of :data:`ADOPTION_UNIT` (the brand; see
    :data:`UNIT_RULE`): group-time effects on the log of engagements per impression, their
    post-adoption average as a rate ratio with the 95% interval the randomisation test does
    not reject, the pre-adoption deviation, and randomisation p-values; not estimable (with
    the reason) below ``min_units`` adopting units with ``min_months`` months of posts each
    side. Where re-assigning the dates cannot reach p < 0.05 (fewer than 20 distinct
    assignments), there is no interval, and ``interval_reason`` says why.

    Parameters
    ----------
    cells
        Covariate cells (:func:`twinimpact.analyses.stats.count_model.aggregate_cells`).
    campaigns
        The contract's campaigns table (markets, and each unit's first twin or hybrid campaign).
    seed
        The run's seed (sampled permutations).
    min_units, min_months
        What the study needs to be read.
    keys
        The unit: ``("brand",)`` (the rule) or ``("brand", "market")``.

    Returns
    -------
    dict
        results.json's ``engagement.did_after_adoption.staggered``.
    """
    market_of = dict(zip(campaigns["campaign_id"].astype(str), campaigns["market"].astype(str)))
    adoption = adoption_by(campaigns, list(keys))
    panel = unit_panel(cells, market_of, adoption, keys)
    noun = "brand" if keys == ("brand",) else "brand-market unit"
    method = (f"Callaway and Sant'Anna (2021) group-time effects, not-yet-treated controls, no covariates, "
              f"{' x '.join(keys)} units, log engagements per impression")
    counts = {}
    for u, g in panel.groupby("unit"):
        adopt = int(g["group"].iloc[0])
        if adopt:
            counts[str(u)] = (int((g["period"] < adopt).sum()), int((g["period"] >= adopt).sum()))
    adopting = sorted(u for u, (pre, post) in counts.items() if pre >= min_months and post >= min_months)
    base = {"method": method, "unit": noun, "rule": UNIT_RULE if keys == ADOPTION_UNIT else None,
            "units": int(panel["unit"].nunique()), "adopting_units": len(adopting),
            "months_before_after": {u: list(v) for u, v in sorted(counts.items())}}
    if len(adopting) < min_units:
        return {**base, "estimable": False, "rate_ratio": None, "ci_low": None, "ci_high": None, "p_value": None,
                "pre_trend": None, "reason": f"{len(adopting)} {noun}(s) adopted with at least {min_months} months "
                                             f"of posts on each side; the study needs {min_units}"}
    gt = att_gt(panel, "unit", "period", "y", "group")
    att = overall(gt)
    ri = randomisation_p(panel, "unit", "period", "y", "group", seed)
    dates = _matrix(panel, "unit", "period", "y", "group")[2]
    floor = smallest_p(_permutations(len(dates), seed)[0], dates)
    low = high = None
    why = None
    if floor > 0.05:
        why = (f"re-assigning the adoption dates among {len(dates)} {noun}s gives at most "
               f"{round(1 / floor)} distinct assignments, so no p-value can fall below {floor:.2g} and no 95% "
               "interval can be formed")
    else:
        low, high = randomisation_interval(panel, "unit", "period", "y", "group", seed)
    return {**base, "estimable": att is not None, "rate_ratio": math.exp(att) if att is not None else None,
            "ci_low": math.exp(low) if low is not None else None,
            "ci_high": math.exp(high) if high is not None else None, "interval_reason": why,
            "smallest_p": floor, "att_log": att, "pre_trend": pre_trend(gt), "p_value": ri["p_value"],
            "pre_p_value": ri["pre_p_value"], "inference": ri["method"], "permutations": ri["permutations"],
            "pairs": len(gt)}


def adoption_by(campaigns: pd.DataFrame, keys: list[str]) -> dict[Any, pd.Timestamp]:
    """The workbook's one definition of adoption, at any level: the start of the first twin
    or hybrid campaign of each ``keys`` group (e.g. a brand, or a brand in a market).

    Parameters
    ----------
    campaigns
        The contract's campaigns table.
    keys
        Columns that make a unit.

    Returns
    -------
    dict
        Unit (a value, or a tuple for several keys) -> its adoption date.
    """
    ai = campaigns[campaigns["production_mode"] != "traditional"]
    by = keys[0] if len(keys) == 1 else keys
    return {k: pd.Timestamp(d) for k, d in ai.groupby(by)["start_date"].min().items()}
