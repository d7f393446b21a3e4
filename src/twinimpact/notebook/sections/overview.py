"""Sections of the data overview notebook."""

from __future__ import annotations

from typing import Any

from twinimpact import charts
from twinimpact.notebook.show import Text, items, text
from twinimpact.words import statements
from twinimpact.results import emit, emit_table


def posts_by_platform(ov: Any) -> list[Any]:
    """Posts by brand and platform, titled with the platform that carries the most; a note
    when there are no posts."""
    frame = ov.posts_by_brand_platform
    if not len(frame):
        return [Text("**Not measured:** the posts table has no rows, so engagement and disclosure cannot be "
                     "measured.")]
    top = frame.groupby("platform")["posts"].sum().idxmax()
    return [charts.coverage_heatmap(frame, "brand", "platform", "posts",
                                    f"Posts by brand and platform: {top} carries the most")]


def posts_by_month(ov: Any) -> list[Any]:
    """Posts by month and imagery, when there are posts."""
    return [charts.posts_by_month(ov.posts_by_month_imagery)] if len(ov.posts_by_month_imagery) else []


def freshness(ov: Any, as_of: Any) -> list[Any]:
    """How recent the posts and campaigns are against the run date."""
    fresh = ov.fresh
    posts = None if fresh["last_post"] is None else text(
        "Posts run from **{first}** to **{last}**, {days} days before the run date {as_of}.", first=fresh["first_post"],
        last=fresh["last_post"], days=fresh["days_since_last_post"], as_of=as_of)
    return items(posts, text("Campaigns start between {c0} and {c1}.", c0=fresh["first_campaign"],
                             c1=fresh["last_campaign"]))


def exposure(ov: Any) -> list[Any]:
    """What the posts' exposure counts: one sentence per platform tested for a jump at its
    switch from impressions to views (:func:`twinimpact.analyses.overview.exposure_shifts`),
    or why none was tested."""
    if not ov.shifts:
        return [Text("No platform's posts without a marked exposure metric span a switch from impressions to views "
                     "with enough posts on both sides, so no jump was tested.")]
    return [Text(statements.exposure_shift_sentence(s)) for s in ov.shifts]


def emit_results(ov: Any) -> None:
    """The notebook's results block and key table, for the runner."""
    emit("data", ov.block)
    emit_table("data_tables", ov.summary)
