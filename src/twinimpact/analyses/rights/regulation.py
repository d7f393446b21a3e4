"""The regulation checklist, as data: each dated rule in ``data/reference/regulations.csv``
names in its ``check`` column one :class:`Obligation` below, and one loop evaluates every
rule on the data in its markets from the date it applies. A new rule of a known kind is a
new CSV row, not new code.

What the data shows, not legal advice: each obligation counts what the contract tables
record and says, in the rule's ``data_gap`` column, what they cannot show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Callable

import pandas as pd


#: What a rule's status is on the run date: ``pending`` (a bill), ``upcoming`` (not yet in
#: force), ``in force``, or ``in force (date not verified)`` when no date is on record.
STATUSES = ("in force", "upcoming", "pending", "in force (date not verified)")
#: The most asset ids a checklist row names (the rights findings table has them all).
IDS_SHOWN = 50


def status(applies_from: object, pending: object, as_of: date) -> str:
    """A rule's status on ``as_of`` (:data:`STATUSES`).

    Parameters
    ----------
    applies_from
        When it applies (a date, or empty).
    pending
        ``yes`` for a bill or a draft not yet law.
    as_of
        The run date.

    Returns
    -------
    str
    """
    if str(pending).strip().lower() in ("yes", "true", "1"):
        return "pending"
    if applies_from is None or pd.isna(applies_from):
        return "in force (date not verified)"
    return "in force" if pd.Timestamp(applies_from).date() <= as_of else "upcoming"


@dataclass
class Scope:
    """The data a rule applies to: its markets, from its date.

    ``usage`` holds twin assets with their models' consent terms; ``posts`` the twin and
    synthetic post counts (by campaign, platform, imagery, day and label); ``posts_in_markets``
    the same in the rule's markets at any date, and ``last_post`` the day of the newest AI
    post anywhere (for readiness when the data ends before the rule applies);
    ``provenance`` results.json's ``rights.provenance`` (what the asset files carry)."""

    since: pd.Timestamp
    usage: pd.DataFrame
    posts: pd.DataFrame
    posts_in_markets: pd.DataFrame
    last_post: pd.Timestamp | None
    data_gap: str
    provenance: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Obligation:
    """One kind of obligation: how many issues the data shows against it, a sentence, and
    the asset ids behind the issues (None when the issues are not assets)."""

    id: str
    description: str
    evaluate: Callable[[Scope], tuple[int | None, str, list[str] | None]]


def _ai_disclosure(s: Scope) -> tuple[int, str, list[str]]:
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
    return unlabelled + len(unmarked), shows, sorted(map(str, unmarked["asset_id"]))


def _replica_consent_terms(s: Scope) -> tuple[int, str, list[str]]:
    u = s.usage
    no_consent = ~u["has_twin"].fillna(False).astype(bool)
    lacks = u["consent_scope"].isna() | u["twin_fee_per_asset"].isna() | u["consent_end"].isna()
    issues = int(u[no_consent | lacks]["model_id"].nunique())
    return issues, (f"{len(u)} twin assets in these markets from {s.since:%Y-%m-%d}, of {u['model_id'].nunique()} "
                    f"models; {issues} models' consent lacks a scope, a fee or an end date (duration), or is "
                    f"missing ({int(no_consent.sum())} assets without any twin consent)"), \
        sorted(map(str, u.loc[no_consent | lacks, "asset_id"]))


def _machine_readable_marking(s: Scope) -> tuple[int | None, str, list[str] | None]:
    p = s.provenance or {}
    if not p.get("checked"):
        return None, ("not testable with this data: no asset files were given (an assets/ folder of the published "
                      "images would make it testable)"), None
    f = p.get("findings") or {}
    in_scope = set(map(str, s.usage["asset_id"]))
    bad = sorted(in_scope & set(f.get("marking_missing", [])) | in_scope & set(f.get("marking_contradicts", []))
                 | in_scope & set(f.get("marking_invalid", [])))
    missing = sorted(in_scope & set(f.get("file_missing", [])) | in_scope & set(f.get("unreadable", [])))
    return len(bad), (f"{len(in_scope)} twin assets in these markets from {s.since:%Y-%m-%d}; {len(bad)} files "
                      f"without a machine-readable AI marking or contradicting it; {len(missing)} without a readable "
                      "file"), bad


def _synthetic_disclosure(s: Scope) -> tuple[int, str, list[str] | None]:
    synth = s.posts[s.posts["imagery"] == "synthetic"] if "imagery" in s.posts else s.posts.iloc[0:0]
    n = int(synth["posts"].sum())
    unlabelled = int(synth.loc[~synth["ai_label"], "posts"].sum())
    gap = f"; {s.data_gap}" if s.data_gap else ""
    return unlabelled, (f"{n} posts with a synthetic persona in these markets from {s.since:%Y-%m-%d}; {unlabelled} "
                        f"without the AI label{gap}"), None


def _count_only(s: Scope) -> tuple[int | None, str, list[str] | None]:
    gap = f"; {s.data_gap}" if s.data_gap else ""
    return None, f"{len(s.usage)} twin assets in these markets from {s.since:%Y-%m-%d}{gap}", None


def _not_testable(s: Scope) -> tuple[int | None, str, list[str] | None]:
    return None, f"not testable with this data: {s.data_gap or 'the contract tables do not record it'}", None


OBLIGATIONS: dict[str, Obligation] = {o.id: o for o in (
    Obligation("ai_disclosure", "AI imagery is labelled to viewers and twin assets are watermarked", _ai_disclosure),
    Obligation("replica_consent_terms", "every digital replica has consent stating scope, pay and duration",
               _replica_consent_terms),
    Obligation("machine_readable_marking", "the published file of every AI asset carries a machine-readable AI "
               "marking (C2PA or IPTC DigitalSourceType)", _machine_readable_marking),
    Obligation("synthetic_disclosure", "posts showing a synthetic performer disclose it", _synthetic_disclosure),
    Obligation("count_only", "the data can count what is in scope but not show compliance", _count_only),
    Obligation("not_testable", "the contract tables do not record what the rule needs", _not_testable),
)}


def checklist(regulations: pd.DataFrame, campaigns: pd.DataFrame, post_counts: pd.DataFrame,
              usage: pd.DataFrame, as_of: date | None = None, provenance: dict | None = None) -> pd.DataFrame:
    """One row per rule: its status on the run date, the campaigns, twin assets and AI posts
    in its markets from its date, the issues its obligation finds in them (with the asset
    ids), and what the data shows.

    Parameters
    ----------
    regulations
        ``data/reference/regulations.csv``: ``markets`` (comma-separated), ``applies_from``,
        ``pending``, ``check`` (a key of :data:`OBLIGATIONS`), ``data_gap``, and the rule's
        citation.
    campaigns
        The contract's campaigns (for each asset's and post's market).
    post_counts
        Twin and synthetic posts counted by campaign, imagery, day and label
        (:func:`twinimpact.analyses.rights.findings.ai_post_counts`).
    usage
        Twin usage joined with the models' consent terms.
    as_of
        The run date (today when None): what is in force, upcoming or pending.
    provenance
        results.json's ``rights.provenance`` (what the asset files carry).
    """
    as_of = as_of or date.today()
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
        since = pd.Timestamp(r.applies_from) if not pd.isna(r.applies_from) else pd.Timestamp.min
        in_markets = p[p["market"].isin(markets)]
        scope = Scope(since, u[u["market"].isin(markets) & (pd.to_datetime(u["used_on"]) >= since)],
                      in_markets[in_markets["day"] >= since], in_markets, p["day"].max() if len(p) else None,
                      "" if pd.isna(r.data_gap) else str(r.data_gap), provenance or {})
        st = status(r.applies_from, getattr(r, "pending", "no"), as_of)
        issues, shows, ids = obligation.evaluate(scope)
        if st in ("pending", "upcoming") and issues:
            shows += f" (the rule is {st} on {as_of.isoformat()}: readiness, not a breach)"
        rows.append({"id": r.rule_id, "rule": r.instrument, "jurisdiction": r.jurisdiction,
                     "applies_from": "" if pd.isna(r.applies_from) else pd.Timestamp(r.applies_from).date().isoformat(),
                     "status": st, "obligation": r.obligation, "check": obligation.id,
                     "campaigns_in_markets": int(campaigns["market"].isin(markets).sum()),
                     "twin_assets_in_scope": int(len(scope.usage)), "ai_posts_in_scope": int(scope.posts["posts"].sum()),
                     "issues_found": None if issues is None else int(issues),
                     "asset_ids": ", ".join((ids or [])[:IDS_SHOWN]), "what_the_data_shows": shows, "source": r.source,
                     "confidence": r.confidence})
    out = pd.DataFrame(rows)
    if len(out):  # a count, null where the rule is not tested (a float column would print 0.00)
        out["issues_found"] = out["issues_found"].astype("Int64")
    return out


def results_rows(table: pd.DataFrame) -> list[dict]:
    """results.json's ``rights.regulation``: per rule ``id``, ``jurisdiction``, ``source``,
    ``effective``, ``status`` and ``result`` (issues found, or why it is not tested), with
    the asset ids behind a failing test.

    Parameters
    ----------
    table
        :func:`checklist`.

    Returns
    -------
    list of dict
    """
    out = []
    for r in table.itertuples():
        if r.check == "count_only":
            result = "counted, not tested: " + str(r.what_the_data_shows)
        elif r.issues_found is None or pd.isna(r.issues_found):
            result = "not tested: " + str(r.what_the_data_shows).removeprefix("not testable with this data: ")
        else:
            result = "no issue found" if r.issues_found == 0 else f"{int(r.issues_found)} issue(s) found"
        out.append({"id": r.id, "jurisdiction": r.jurisdiction, "source": r.source, "effective": r.applies_from or None,
                    "status": r.status, "confidence": r.confidence, "result": result,
                    "issues": None if r.issues_found is None or pd.isna(r.issues_found) else int(r.issues_found),
                    "asset_ids": [a for a in str(r.asset_ids or "").split(", ") if a]})
    return out
