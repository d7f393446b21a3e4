"""What the sample generator plants: the fictional brands and markets, and
:class:`SampleSpec`, every planted effect (change these, not the code, to test estimators)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from twinimpact.config import DEFAULT_FX_RATES

# --- the fictional world ---------------------------------------------------------
MARKET_CURRENCY = {"SE": "SEK", "DE": "EUR", "FR": "EUR", "GB": "GBP", "US": "USD", "US-NY": "USD"}
FX_TO_EUR = DEFAULT_FX_RATES  # illustrative: the parameters' default rates

BRANDS: dict[str, dict[str, Any]] = {
    # adoption: the date of the brand's first twin campaign (staggered, for before/after studies)
    "Aurora Apparel": {"markets": ["SE", "DE", "FR", "GB"], "adopts": date(2023, 9, 1), "followers": 2.4e6, "weight": 0.45},
    "Bluefin Denim": {"markets": ["US", "US-NY", "GB"], "adopts": date(2024, 9, 1), "followers": 0.8e6, "weight": 0.25},
    "Cobalt & Co": {"markets": ["GB", "DE", "FR", "US-NY"], "adopts": date(2025, 3, 1), "followers": 1.3e6, "weight": 0.30},
}
SEASONS = ["SS23", "AW23", "SS24", "AW24", "SS25", "AW25"]
PLATFORM_SHARE = [0.40, 0.25, 0.15, 0.12, 0.08]
PLATFORM_FOLLOWER_FACTOR = {"instagram": 1.0, "tiktok": 0.6, "facebook": 0.8, "pinterest": 0.2, "youtube": 0.1}
PLATFORM_REACH = {"instagram": 0.08, "tiktok": 0.30, "facebook": 0.04, "pinterest": 0.10, "youtube": 0.25}
SOC_MEDIAN_USD = {  # BLS OEWS May 2024 median hourly wage of each role's SOC proxy (data/reference)
    "model": 43.26, "photographer": 20.44, "makeup_artist": 24.17, "hair_stylist": 16.95,
    "stylist": 17.96, "art_director": 53.38, "producer": 61.04, "set_designer": 31.87,
    "retoucher": 34.12, "ai_artist": 29.47, "rights_manager": 45.0,  # no SOC proxy: assumption
}
ENGAGEMENT_MULTIPLIER = {"employee": 1.0, "freelance": 2.2, "agency": 2.8}
ROLE_ENGAGEMENT = {
    "model": ("agency",), "photographer": ("freelance",), "makeup_artist": ("freelance",),
    "hair_stylist": ("freelance",), "stylist": ("freelance", "employee"), "art_director": ("employee",),
    "producer": ("employee",), "set_designer": ("freelance",), "retoucher": ("employee", "freelance"),
    "ai_artist": ("employee", "freelance"), "rights_manager": ("employee",),
}


@dataclass
class SampleSpec:
    """Everything the generator plants. Change these (not the code) to test estimators."""

    campaigns_per_brand_season: int = 11
    # log(total cost in EUR, excluding twin creation) = alpha + beta*log(assets) + market + N(0, sigma)
    cost_alpha: dict[str, float] = field(default_factory=lambda: {
        "traditional": math.log(700.0), "hybrid": math.log(380.0), "twin": math.log(110.0)})
    cost_beta: dict[str, float] = field(default_factory=lambda: {"traditional": 0.85, "hybrid": 0.85, "twin": 0.90})
    cost_sigma: float = 0.12
    market_effect: dict[str, float] = field(default_factory=lambda: {
        "DE": 0.0, "FR": 0.03, "GB": 0.06, "SE": -0.04, "US": 0.10, "US-NY": 0.18})
    twin_creation_eur: float = 9000.0  # one-off cost of building one model's twin
    hours_per_asset: dict[str, dict[str, float]] = field(default_factory=lambda: {
        "traditional": {"model": 0.35, "photographer": 0.30, "makeup_artist": 0.20, "hair_stylist": 0.15,
                        "stylist": 0.25, "art_director": 0.12, "producer": 0.10, "set_designer": 0.08,
                        "retoucher": 0.30},
        "hybrid": {"model": 0.15, "photographer": 0.14, "makeup_artist": 0.09, "hair_stylist": 0.07,
                   "stylist": 0.14, "art_director": 0.12, "producer": 0.08, "set_designer": 0.03,
                   "retoucher": 0.18, "ai_artist": 0.20, "rights_manager": 0.03},
        "twin": {"stylist": 0.04, "art_director": 0.10, "producer": 0.05, "retoucher": 0.10,
                 "ai_artist": 0.35, "rights_manager": 0.05},
    })
    # engagement: log rate per impression of a human, unlabelled, single-image post of the
    # first brand at 1M followers, by platform (Buffer 2025 per-impression benchmarks for
    # instagram, facebook, tiktok; pinterest and youtube are assumptions)
    base_rate: dict[str, float] = field(default_factory=lambda: {
        "instagram": 0.0116, "tiktok": 0.0486, "facebook": 0.0507, "pinterest": 0.006, "youtube": 0.02})
    irr_imagery: dict[str, float] = field(default_factory=lambda: {
        "human": 1.0, "twin": 0.95, "synthetic": 0.82, "none": 0.88})
    irr_ai_label: float = 0.86
    irr_format: dict[str, float] = field(default_factory=lambda: {"image": 1.0, "carousel": 1.12, "video": 1.08})
    irr_brand: dict[str, float] = field(default_factory=lambda: {
        "Aurora Apparel": 1.0, "Bluefin Denim": 1.10, "Cobalt & Co": 0.92})
    followers_elasticity: float = -0.15  # per log follower, centred at 1M
    yearly_trend: float = -0.10  # log change per year (organic reach keeps falling)
    seasonality: float = 0.05  # amplitude of the month-of-year cycle
    nb_alpha: float = 0.25  # negative binomial overdispersion (variance = mu + alpha*mu^2)
    label_share_by_year: dict[int, float] = field(default_factory=lambda: {2023: 0.30, 2024: 0.50, 2025: 0.75})
    # what a post sells (post_outcomes): clicks ~ Poisson(clicks_per_engagement * engagements),
    # orders ~ Binomial(clicks, conversion x campaign multiplier), revenue = orders x a gamma order value (mean
    # order_value EUR); revenue per engagement = clicks_per_engagement * conversion * order_value
    clicks_per_engagement: float = 0.05
    conversion: float = 0.025
    conversion_spread: float = 0.3  # log-sd of a campaign's conversion multiplier (mean 1)
    order_value_eur: float = 120.0
    outcome_share: float = 0.9  # share of posts the shop's analytics can attribute
    # confounding: twin imagery goes to products whose posts engage this many times as much
    twin_product_appeal: float = 1.0
    # a randomised test (experiments): units (products) each with posts; 0 = no test
    experiment_units: int = 0
    experiment_posts_per_unit: int = 4
    experiment_unit_spread: float = 0.3  # log-sd of a product's appeal, shared by its posts
    # exposure regimes: platform -> the first day (ISO) its exposure column counts views, which run
    # above impressions by views_per_impression (x a lognormal(0, 0.1) per post); engagement still
    # follows the impressions, so a pooled rate per exposure falls at the switch. mark_exposure
    # writes the posts' exposure_metric column.
    views_from: dict[str, str] = field(default_factory=dict)
    views_per_impression: float = 1.6
    mark_exposure: bool = True
    # the platforms' own AI label (platform_ai_label): the share of AI-imagery posts on which it
    # differs from the brand's ai_label; engagement follows the platform's label, the one the
    # audience saw. 0 = no such column.
    platform_label_flip: float = 0.0
    breaches: dict[str, int] = field(default_factory=lambda: {
        "outside_consent_window": 3, "outside_scope": 3, "missing_watermark": 4, "underpaid": 3,
        "no_twin_consent": 2})


def world(name: str) -> SampleSpec:
    """A named world to plant: ``default`` (the bundled sample), ``no-effect`` (imagery and
    the AI label leave engagement per impression unchanged) ``costly-twin`` (a twin-made
    asset costs about three times a traditional one) or ``costly-engagement`` (an
    engagement sells ten times as much, so the engagement twins lose outweighs their saving),
    ``break-even-engagement`` (an engagement worth about the break-even value: a close call)
    or ``confounded-test`` (twin imagery goes to products that engage 25% more, which no
    column shows, and a randomised test of labelled twin against human imagery was run),
    ``views-switch`` (Instagram's exposure counts views from 21 April 2025, marked per post) or
    ``platform-label`` (the platforms' own AI label differs from the brand's on 30% of AI posts,
    and the audience reacts to the platform's). Tests run the workbook on each and
    check that its conclusions follow."""
    if name == "default":
        return SampleSpec()
    if name == "no-effect":
        return SampleSpec(irr_imagery={"human": 1.0, "twin": 1.0, "synthetic": 1.0, "none": 1.0}, irr_ai_label=1.0)
    if name == "costly-twin":
        return SampleSpec(cost_alpha={"traditional": math.log(700.0), "hybrid": math.log(900.0),
                                      "twin": math.log(1600.0)})
    if name == "confounded-test":  # twins go to products that engage 25% more; a randomised test tells the truth
        return SampleSpec(twin_product_appeal=1.25, experiment_units=600)
    if name == "costly-engagement":  # every engagement sells ten times as much as in the default
        return SampleSpec(order_value_eur=1200.0)
    if name == "break-even-engagement":  # an engagement worth about what makes the move break even
        return SampleSpec(order_value_eur=BREAK_EVEN_ORDER_VALUE_EUR)
    if name == "views-switch":  # Instagram's exposure counts views from 21 April 2025, marked per post
        return SampleSpec(views_from={"instagram": "2025-04-21"})
    if name == "platform-label":  # the platform's own label differs from the brand's on 30% of AI posts
        return SampleSpec(platform_label_flip=0.3)
    raise ValueError(f"unknown world {name!r}; worlds: {', '.join(WORLDS)}")


WORLDS = ("default", "no-effect", "costly-twin", "costly-engagement", "break-even-engagement", "confounded-test",
          "views-switch", "platform-label")
#: The order value at which an engagement is worth about the break-even value of the default cost world in
#: a 30,000-post sample (EUR 0.22 at the default gross margin 0.534: 0.22 / (0.534 x 0.05 x 0.025)): a close call.
BREAK_EVEN_ORDER_VALUE_EUR = 330.0
