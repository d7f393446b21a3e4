"""The regulation checklist, as data: each dated rule in ``data/reference/regulations.csv``
names in its ``check`` column one :class:`Obligation` below, and one loop evaluates every
rule on the data in its markets from the date it applies. A new rule of a known kind is a
new CSV row, not new code.

What the data shows, not legal advice: each obligation counts what the contract tables
record and says, in the rule's ``data_gap`` column, what they cannot show.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pandas as pd


@dataclass
class Scope:
    """The data a rule applies to: its markets, from its date.

    ``usage`` holds twin assets with their models' consent terms; ``posts`` the twin and
    synthetic post counts (by campaign, platform, day and label); ``posts_in_markets`` the
    same in the rule's markets at any date, and ``last_post`` the day of the newest AI post
    anywhere (for readiness when the data ends before the rule applies)."""

    since: pd.Timestamp
    usage: pd.DataFrame
    posts: pd.DataFrame
    posts_in_markets: pd.DataFrame
    last_post: pd.Timestamp | None
    data_gap: str


@dataclass(frozen=True)
class Obligation:
    """One kind of obligation: how many issues the data shows against it, and a sentence."""

    id: str
    description: str
    evaluate: Callable[[Scope], tuple[int, str]]


def _ai_disclosure(s: Scope) -> tuple[int, str]:
    n_posts = int(s.posts["posts"].sum())
    unlabelled = int(s.posts.loc[~s.posts["ai_label"], "posts"].sum())
    unmarked = s.usage[~s.usage["watermarked"].astype(bool)]
    shows = (f"{n_posts} twin or synthetic posts in these markets from {s.since:%Y-%m-%d}; {unlabelled} without "
             f"the AI label; {len(unmarked)} of {len(s.usage)} twin assets without the watermark")
    last = s.last_post
    if last is not None and last < s.since:
        before = s.posts_in_markets
        n_before = int(before["posts"].sum())
        share = float(before.loc[~before["ai_label"], "posts"].sum() / n_before) if n_before else 0.0
        shows += (f". The posts end on {last:%Y-%m-%d}, before the rule applies; readiness: {share:.0%} of the "
                  f"{n_before} twin or synthetic posts in these markets so far carry no AI label")
    return unlabelled + len(unmarked), shows


def _replica_consent_terms(s: Scope) -> tuple[int, str]:
    u = s.usage
    no_consent = ~u["has_twin"].fillna(False).astype(bool)
    lacks = u["consent_scope"].isna() | u["twin_fee_per_asset"].isna() | u["consent_end"].isna()
    issues = int(u[no_consent | lacks]["model_id"].nunique())
    return issues, (f"{len(u)} twin assets in these markets from {s.since:%Y-%m-%d}, of {u['model_id'].nunique()} "
                    f"models; {issues} models' consent lacks a scope, a fee or an end date (duration), or is "
                    f"missing ({int(no_consent.sum())} assets without any twin consent)")


def _count_only(s: Scope) -> tuple[int, str]:
    gap = f"; {s.data_gap}" if s.data_gap else ""
    return 0, f"{len(s.usage)} twin assets in these markets from {s.since:%Y-%m-%d}{gap}"


OBLIGATIONS: dict[str, Obligation] = {o.id: o for o in (
    Obligation("ai_disclosure", "AI imagery is labelled to viewers and twin assets are watermarked", _ai_disclosure),
    Obligation("replica_consent_terms", "every digital replica has consent stating scope, pay and duration",
               _replica_consent_terms),
    Obligation("count_only", "the data can count what is in scope but not show compliance", _count_only),
)}


def checklist(regulations: pd.DataFrame, campaigns: pd.DataFrame, post_counts: pd.DataFrame,
              usage: pd.DataFrame) -> pd.DataFrame:
    """One row per dated rule: the campaigns, twin assets and AI posts in its markets from
    its date, the issues its obligation finds in them, and what the data shows.

    Parameters
    ----------
    regulations
        ``data/reference/regulations.csv``: ``markets`` (comma-separated), ``applies_from``,
        ``check`` (a key of :data:`OBLIGATIONS`), ``data_gap``, and the rule's citation.
    campaigns
        The contract's campaigns (for each asset's and post's market).
    post_counts
        Twin and synthetic posts counted by campaign, day and label
        (:func:`twinimpact.analyses.rights.ai_post_counts`).
    usage
        Twin usage joined with the models' consent terms.
    """
    camp = campaigns[["campaign_id", "market"]]
    u = usage.merge(camp, on="campaign_id", how="left") if "market" not in usage else usage
    p = post_counts.merge(camp, on="campaign_id", how="left")
    rows = []
    for r in regulations.itertuples():
        obligation = OBLIGATIONS.get(str(r.check))
        if obligation is None:
            raise ValueError(f"regulations.csv: rule {r.rule_id} names check {r.check!r}; known checks: "
                             f"{', '.join(OBLIGATIONS)}")
        markets = {m.strip() for m in str(r.markets).split(",")}
        since = pd.Timestamp(r.applies_from)
        in_markets = p[p["market"].isin(markets)]
        scope = Scope(since, u[u["market"].isin(markets) & (pd.to_datetime(u["used_on"]) >= since)],
                      in_markets[in_markets["day"] >= since], in_markets, p["day"].max() if len(p) else None,
                      "" if pd.isna(r.data_gap) else str(r.data_gap))
        issues, shows = obligation.evaluate(scope)
        rows.append({"rule": r.instrument, "jurisdiction": r.jurisdiction, "applies_from": since.date().isoformat(),
                     "obligation": r.obligation, "campaigns_in_markets": int(campaigns["market"].isin(markets).sum()),
                     "twin_assets_in_scope": int(len(scope.usage)), "ai_posts_in_scope": int(scope.posts["posts"].sum()),
                     "issues_found": int(issues), "what_the_data_shows": shows, "source": r.source})
    return pd.DataFrame(rows)
