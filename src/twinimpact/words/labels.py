"""Readable names for what the code calls in snake_case: table columns, parameters, roles,
finding types and data tables. Reports show :func:`label`; the code, results.json and the
exported tables keep the stable snake_case keys."""

from __future__ import annotations

import re
from typing import Any

#: Names whose words alone would not read well.
LABELS = {
    "ci_low": "95% CI low", "ci_high": "95% CI high", "irr": "Rate ratio", "log_irr": "Log rate ratio",
    "se": "Standard error", "p_value": "p-value", "fte": "FTE", "net_fte": "Net FTE",
    "makeup_artist": "Make-up artist", "ai_artist": "AI artist", "ai_label": "AI label", "ai_posts": "AI posts",
    "ai_posts_in_scope": "AI posts in scope", "log_followers": "Log followers",
    "median_per_follower": "Median engagements per follower", "per_impression": "Engagements per impression",
    "nb_max_rows": "Posts for the negative binomial (at most)", "cost_lines": "cost lines",
    "twin_usage": "twin usage", "first_start": "First campaign start", "last_start": "Last campaign start",
    "asset_id": "Asset", "campaign_id": "Campaign", "model_id": "Model", "post_id": "Post",
    "no_twin_consent": "No twin consent", "outside_consent_window": "Outside the consent window",
    "outside_scope": "Outside the licensed scope", "missing_watermark": "Missing watermark",
    "watermark_rate": "Watermarked", "consent_coverage": "Within consent", "label_share": "Labelled",
    "what_the_data_shows": "What the data show", "applies_from": "Applies from",
    "campaigns_in_markets": "Campaigns in its markets", "twin_assets_in_scope": "Twin assets in scope",
    "adoption_share": "Adoption share", "horizon_years": "Horizon (years)", "redeploy_share": "Redeployed share",
    "value_per_engagement": "Value per engagement", "volume_growth": "Volume growth a year",
    "twin_share": "Twin share", "model_photo_pay_lost": "Models' photographed pay lost",
    "model_twin_fees": "Models' twin fees", "savings_p10": "Savings P10", "savings_p50": "Savings P50",
    "savings_p90": "Savings P90", "net_fte_p10": "Net FTE P10", "net_fte_p90": "Net FTE P90",
    "zero_asset_campaigns": "Campaigns without assets", "shoot_day_cost": "Shoot day cost",
    "assets_per_shoot_day": "Assets per shoot day", "twin_creation_cost": "Twin creation cost",
    "twin_life_seasons": "Twin life (seasons)", "twins_per_season": "Twins per season",
    "cost_per_look": "Cost per look", "fee_paid_reporting": "Fee paid (reporting currency)",
    "fee_due_reporting": "Fee due (reporting currency)", "today": "Income today (net)",
    "projected": "Income at the adoption share (net)", "has_twin": "Has a twin", "driver_ranges": "Driver ranges", "range_from": "Range from",
    "probability_npv_negative": "Draws that lose money", "npv_p50_paying_redeployed": "NPV P50 paying the redeployed",
    "final_year_net_fte": "Net FTE in the final year", "post_outcomes": "post outcomes",
    "platform_ai_label": "Platform's AI label", "exposure_metric": "Exposure metric",
}
_WORDS = {"fte": "FTE", "ai": "AI", "id": "ID", "irr": "rate ratio", "ci": "CI", "nb": "NB", "us": "US",
          "p10": "P10", "p50": "P50", "p90": "P90", "eur": "EUR", "usd": "USD",
          "npv": "NPV"}
SNAKE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")


def label(name: str) -> str:
    """``baseline_hours`` -> ``Baseline hours``, ``ai_artist`` -> ``AI artist``, ``ci_low`` ->
    ``95% CI low``; a name without underscores gets a capital first letter; anything else
    (brand names, ids) is returned as it is."""
    if name in LABELS:
        return LABELS[name]
    if not isinstance(name, str) or not (SNAKE.match(name) or re.fullmatch(r"[a-z][a-z0-9 ]*", name)):
        return name
    words = [_WORDS.get(w, w) for w in name.split("_")]
    text = " ".join(words)
    return text[0].upper() + text[1:]


TERM = re.compile(r"^([a-z][a-z0-9_]*)\[(.+)\]$")


def value_label(value: Any) -> Any:
    """A category value in words when it is a snake_case code (``makeup_artist``) or a model
    term (``platform[youtube]`` -> ``Platform: youtube``); any other value unchanged."""
    if not isinstance(value, str):
        return value
    term = TERM.match(value)
    if term:
        return f"{label(term.group(1))}: {term.group(2)}"
    return label(value) if SNAKE.match(value) else value


def words(name: str) -> str:
    """A code name as words inside a sentence or on an axis: ``makeup_artist`` ->
    ``make-up artist``, ``ai_artist`` -> ``AI artist`` (:func:`label`, not capitalised)."""
    text = label(name)
    if not isinstance(text, str) or not text or text[:2].isupper():
        return text
    return text[0].lower() + text[1:]
