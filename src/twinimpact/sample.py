"""Seeded, contract-shaped sample data with known, planted effects.

``generate`` builds the six contract tables for three fictional brands, 2023-2025, and a
*truth* record of everything planted in them: the cost function of each production mode,
the hours per asset of each role, the engagement effects of imagery, the AI label,
platform, format, brand and followers, and every rights breach. Estimators in the
workbook are tested by recovering that truth. ``write_sample`` writes the tables (posts as
Parquet, streamed in bounded memory for benchmark sizes) and ``TRUTH.json``.

Magnitudes are calibrated to the public figures in ``data/reference`` (BLS May 2024
wages, shoot day-rate ranges, per-impression engagement benchmarks); everything about the
brands themselves is invented.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

# --- the fictional world ---------------------------------------------------------
MARKET_CURRENCY = {"SE": "SEK", "DE": "EUR", "FR": "EUR", "GB": "GBP", "US": "USD", "US-NY": "USD"}
FX_TO_EUR = {"EUR": 1.0, "USD": 0.92, "GBP": 1.17, "SEK": 0.088}  # illustrative, = default params

BRANDS: dict[str, dict[str, Any]] = {
    # adoption: the date of the brand's first twin campaign (staggered, for before/after studies)
    "Aurora Apparel": {"markets": ["SE", "DE", "FR", "GB"], "adopts": date(2023, 9, 1), "followers": 2.4e6, "weight": 0.45},
    "Bluefin Denim": {"markets": ["US", "US-NY", "GB"], "adopts": date(2024, 9, 1), "followers": 0.8e6, "weight": 0.25},
    "Cobalt & Co": {"markets": ["GB", "DE", "FR", "US-NY"], "adopts": date(2025, 3, 1), "followers": 1.3e6, "weight": 0.30},
}
SEASONS = ["SS23", "AW23", "SS24", "AW24", "SS25", "AW25"]
PLATFORMS = ["instagram", "tiktok", "facebook", "pinterest", "youtube"]
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
SHOOT_ROLES = ("model", "photographer", "makeup_artist", "hair_stylist", "stylist", "set_designer")


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
    breaches: dict[str, int] = field(default_factory=lambda: {
        "outside_consent_window": 3, "outside_scope": 3, "missing_watermark": 4, "underpaid": 3,
        "no_twin_consent": 2})


# ---------------------------------------------------------------------------------
def _season_window(season: str) -> tuple[date, date]:
    year = 2000 + int(season[2:])
    return (date(year, 1, 1), date(year, 6, 30)) if season.startswith("SS") else (date(year, 7, 1), date(year, 12, 31))


def _money(x: float) -> float:
    return round(float(x), 2)


def _ceil_cent(x: float) -> float:
    return math.ceil(round(x * 100, 6)) / 100


def make_models(rng: np.random.Generator) -> pd.DataFrame:
    """60 models, 30 with twins; twin models skew young and straight-sized (planted)."""
    rows = []
    agencies = ["Northlight Models", "Atelier Talent", "Meridian Management", None]
    currencies = ["EUR", "GBP", "USD", "SEK"]
    starts = ([date(2023, 1, 1) + timedelta(days=int(d)) for d in rng.integers(0, 180, 12)]
              + [date(2023, 7, 1) + timedelta(days=int(d)) for d in rng.integers(0, 365, 10)]
              + [date(2024, 7, 1) + timedelta(days=int(d)) for d in rng.integers(0, 240, 8)])
    for i in range(60):
        has_twin = i < 30
        ccy = currencies[i % 4]
        rate = FX_TO_EUR[ccy]
        if has_twin:
            age = rng.choice(["18-24", "25-34", "35-44", "45-54", "55+"], p=[0.45, 0.40, 0.10, 0.05, 0.0])
            size = rng.choice(["petite", "straight", "plus"], p=[0.10, 0.80, 0.10])
        else:
            age = rng.choice(["18-24", "25-34", "35-44", "45-54", "55+"], p=[0.25, 0.30, 0.20, 0.15, 0.10])
            size = rng.choice(["petite", "straight", "plus"], p=[0.20, 0.50, 0.30])
        start = starts[i] if has_twin else None
        end = None
        if has_twin and i % 5 != 0:
            end = start + timedelta(days=int(rng.integers(730, 1460)))
        if has_twin and i in (3, 4):  # two short consents that lapse inside the data
            end = date(2025, 6, 30)
        rows.append({
            "model_id": f"M{i + 1:03d}",
            "agency": agencies[i % 4],
            "has_twin": has_twin,
            "consent_start": start,
            "consent_end": end,
            "consent_scope": (rng.choice(["all", "all", "social", "ecommerce", "campaign"]) if has_twin else None),
            "currency": ccy,
            "day_rate": _money(rng.uniform(400, 2500) / rate),
            "twin_fee_per_asset": _money(rng.uniform(8, 40) / rate) if has_twin else None,
            "age_band": str(age),
            "size_range": str(size),
        })
    return pd.DataFrame(rows)


def make_campaigns(rng: np.random.Generator, spec: SampleSpec) -> pd.DataFrame:
    rows = []
    n = 0
    for brand, info in BRANDS.items():
        for season in SEASONS:
            lo, hi = _season_window(season)
            for _ in range(spec.campaigns_per_brand_season):
                n += 1
                start = lo + timedelta(days=int(rng.integers(0, (hi - lo).days + 1)))
                market = str(rng.choice(info["markets"]))
                if start < info["adopts"]:
                    mode = "traditional"
                else:
                    years = (start - info["adopts"]).days / 365.25
                    p_twin = min(0.25 + 0.25 * years, 0.6)
                    mode = str(rng.choice(["traditional", "hybrid", "twin"], p=[0.8 - p_twin, 0.2, p_twin]))
                looks = int(rng.integers(6, 41))
                per_look = {"traditional": (3, 6), "hybrid": (4, 8), "twin": (6, 12)}[mode]
                assets = int(round(looks * rng.uniform(*per_look)))
                days = {"traditional": max(0.5, round(looks / 10 + rng.uniform(0, 1), 1)),
                        "hybrid": max(0.5, round(looks / 20 + rng.uniform(0, 0.5), 1)), "twin": 0.0}[mode]
                rows.append({"campaign_id": f"C{n:04d}", "brand": brand, "season": season, "market": market,
                             "start_date": start, "production_mode": mode, "looks": looks,
                             "assets_delivered": assets, "shoot_days": days,
                             "currency": MARKET_CURRENCY[market]})
    # the first twin campaign of each brand falls on its adoption date
    frame = pd.DataFrame(rows)
    for brand, info in BRANDS.items():
        ai = frame[(frame.brand == brand) & (frame.production_mode != "traditional")]
        if not ai.empty:
            first = ai.sort_values("start_date").index[0]
            frame.loc[first, "start_date"] = info["adopts"]
            frame.loc[first, "production_mode"] = "twin"
            frame.loc[first, "shoot_days"] = 0.0
    frame = frame.sort_values(["start_date", "campaign_id"]).reset_index(drop=True)
    frame["campaign_id"] = [f"C{i + 1:04d}" for i in range(len(frame))]  # ids in date order
    return frame


def _covers(model: pd.Series, day: date) -> bool:
    end = model["consent_end"]
    return model["consent_start"] <= day and (end is None or pd.isna(end) or end >= day)


def make_twin_usage(rng: np.random.Generator, campaigns: pd.DataFrame, models: pd.DataFrame,
                    spec: SampleSpec) -> tuple[pd.DataFrame, list[dict[str, str]]]:
    """Clean usage of consenting twins, then the planted breaches (one type per asset)."""
    twins = models[models.has_twin]
    rows = []
    for c in campaigns.itertuples():
        if c.production_mode == "traditional":
            continue
        share = rng.uniform(0.3, 0.5) if c.production_mode == "twin" else rng.uniform(0.15, 0.3)
        n = max(1, int(round(c.assets_delivered * share)))
        window_end = c.start_date + timedelta(days=120)
        eligible = twins[[_covers(m, c.start_date) and _covers(m, window_end) for _, m in twins.iterrows()]]
        chosen = eligible.sample(n=min(len(eligible), int(rng.integers(1, 5))), random_state=rng)
        for _ in range(n):
            m = chosen.iloc[int(rng.integers(0, len(chosen)))]
            use = (str(rng.choice(["social", "ecommerce", "campaign"], p=[0.5, 0.35, 0.15]))
                   if m.consent_scope == "all" else m.consent_scope)
            fee = m.twin_fee_per_asset * FX_TO_EUR[m.currency] / FX_TO_EUR[c.currency]
            rows.append({"model_id": m.model_id, "campaign_id": c.campaign_id,
                         "used_on": c.start_date + timedelta(days=int(rng.integers(7, 91))),
                         "use": use, "watermarked": True, "fee_paid": _ceil_cent(fee)})
    usage = pd.DataFrame(rows)
    usage.insert(0, "asset_id", [f"A{i + 1:06d}" for i in range(len(usage))])

    planted: list[dict[str, str]] = []
    taken: set[int] = set()
    model_by_id = models.set_index("model_id")

    def pick(mask: pd.Series) -> int:
        candidates = [i for i in usage.index[mask] if i not in taken]
        i = int(rng.choice(candidates))
        taken.add(i)
        return i

    def record(i: int, breach: str) -> None:
        planted.append({"asset_id": usage.at[i, "asset_id"], "model_id": usage.at[i, "model_id"],
                        "campaign_id": usage.at[i, "campaign_id"], "breach": breach})

    for _ in range(spec.breaches["outside_consent_window"]):
        i = pick(usage.index >= 0)
        m = model_by_id.loc[usage.at[i, "model_id"]]
        usage.at[i, "used_on"] = m.consent_start - timedelta(days=int(rng.integers(5, 60)))
        record(i, "outside_consent_window")
    for _ in range(spec.breaches["outside_scope"]):
        scoped = usage["model_id"].map(model_by_id["consent_scope"]).ne("all")
        i = pick(scoped)
        usage.at[i, "use"] = next(u for u in ("social", "ecommerce", "campaign") if u != usage.at[i, "use"])
        record(i, "outside_scope")
    for _ in range(spec.breaches["missing_watermark"]):
        i = pick(usage.index >= 0)
        usage.at[i, "watermarked"] = False
        record(i, "missing_watermark")
    for _ in range(spec.breaches["underpaid"]):
        i = pick(usage.index >= 0)
        usage.at[i, "fee_paid"] = _money(usage.at[i, "fee_paid"] * 0.5)
        record(i, "underpaid")
    untwinned = models[~models.has_twin]["model_id"].tolist()
    for _ in range(spec.breaches["no_twin_consent"]):
        i = pick(usage.index >= 0)
        usage.at[i, "model_id"] = str(rng.choice(untwinned))
        record(i, "no_twin_consent")
    return usage, planted


_SHARES = {
    "traditional": {"model_fees": .22, "photographer": .20, "hair_makeup": .10, "styling": .08,
                    "studio_location": .12, "travel": .08, "post_production": .15, "other": .05},
    "hybrid": {"model_fees": .12, "photographer": .12, "hair_makeup": .06, "styling": .06, "studio_location": .07,
               "travel": .04, "post_production": .10, "generation_compute": .10, "ai_review": .14,
               "disclosure_compliance": .04, "other": .05},
    "twin": {"generation_compute": .30, "ai_review": .35, "post_production": .15, "disclosure_compliance": .08,
             "other": .12},
}


def make_cost_lines(rng: np.random.Generator, campaigns: pd.DataFrame, usage: pd.DataFrame,
                    spec: SampleSpec) -> pd.DataFrame:
    """Planted total per campaign, itemised; licensing equals the fees paid; twin creation on first use."""
    licensing = usage.groupby("campaign_id")["fee_paid"].sum()
    first_use = usage.sort_values("used_on").drop_duplicates("model_id")
    created_in = first_use.groupby("campaign_id")["model_id"].count()
    rows = []
    for c in campaigns.itertuples():
        log_total = (spec.cost_alpha[c.production_mode] + spec.cost_beta[c.production_mode] * math.log(c.assets_delivered)
                     + spec.market_effect[c.market] + rng.normal(0, spec.cost_sigma))
        total = math.exp(log_total) / FX_TO_EUR[c.currency]
        lic = float(licensing.get(c.campaign_id, 0.0))
        shares = _SHARES[c.production_mode]
        weights = rng.dirichlet(np.array(list(shares.values())) * 80)
        rest = total - lic
        amounts = [_money(rest * w) for w in weights]
        amounts[-1] = _money(rest - sum(amounts[:-1]))  # lines add up to the planted total
        rows += [{"campaign_id": c.campaign_id, "category": k, "amount": a} for k, a in zip(shares, amounts)]
        if lic:
            rows.append({"campaign_id": c.campaign_id, "category": "twin_licensing", "amount": _money(lic)})
        for _ in range(int(created_in.get(c.campaign_id, 0))):
            creation = spec.twin_creation_eur * rng.uniform(0.85, 1.15) / FX_TO_EUR[c.currency]
            rows.append({"campaign_id": c.campaign_id, "category": "twin_creation", "amount": _money(creation)})
    return pd.DataFrame(rows)


def make_staffing(rng: np.random.Generator, campaigns: pd.DataFrame, spec: SampleSpec) -> pd.DataFrame:
    rows = []
    for c in campaigns.itertuples():
        for role, hpa in spec.hours_per_asset[c.production_mode].items():
            hours = round(hpa * c.assets_delivered * float(rng.lognormal(0, 0.1)), 1)
            per_person = c.shoot_days * 10 if role in SHOOT_ROLES and c.shoot_days > 0 else 40
            engagement = str(rng.choice(ROLE_ENGAGEMENT[role]))
            usd = SOC_MEDIAN_USD[role] * ENGAGEMENT_MULTIPLIER[engagement] * rng.uniform(0.9, 1.1)
            rows.append({"campaign_id": c.campaign_id, "role": role,
                         "people": max(1, math.ceil(hours / per_person)), "hours": hours,
                         "hourly_rate": _money(usd * FX_TO_EUR["USD"] / FX_TO_EUR[c.currency]),
                         "engagement": engagement})
    return pd.DataFrame(rows)


# --- posts -------------------------------------------------------------------------
_START = pd.Timestamp("2023-01-01", tz="UTC")
_END = pd.Timestamp("2026-01-01", tz="UTC")


def make_posts(rng: np.random.Generator, campaigns: pd.DataFrame, spec: SampleSpec, n: int,
               first_id: int = 0) -> pd.DataFrame:
    """``n`` posts with engagement drawn from the planted negative binomial model (vectorised)."""
    brands = list(BRANDS)
    brand_idx = rng.choice(len(brands), size=n, p=[BRANDS[b]["weight"] for b in brands])
    span = int((_END - _START).total_seconds())
    seconds = rng.integers(0, span, n)
    if first_id == 0:
        seconds = np.sort(seconds)
    posted = np.datetime64(_START.tz_localize(None), "s") + seconds.astype("timedelta64[s]")  # naive UTC
    platform = rng.choice(len(PLATFORMS), size=n, p=PLATFORM_SHARE)
    plat_names = np.array(PLATFORMS)[platform]
    video_only = np.isin(platform, [PLATFORMS.index("tiktok"), PLATFORMS.index("youtube")])
    fmt = np.where(video_only, "video", rng.choice(["image", "carousel", "video"], size=n, p=[0.45, 0.35, 0.20]))

    # link each post to its brand's latest campaign started within 120 days before it (80%)
    campaign_id = np.full(n, None, dtype=object)
    mode = np.full(n, "", dtype=object)
    for b_i, brand in enumerate(brands):
        cb = campaigns[campaigns.brand == brand].sort_values("start_date")
        starts = pd.to_datetime(cb.start_date).to_numpy().astype("datetime64[s]")
        sel = np.flatnonzero(brand_idx == b_i)
        pos = np.searchsorted(starts, posted[sel], side="right") - 1
        ok = pos >= 0
        gap = np.full(len(sel), np.inf)
        gap[ok] = (posted[sel][ok] - starts[pos[ok]]) / np.timedelta64(1, "D")
        linked = ok & (gap <= 120) & (rng.random(len(sel)) < 0.8)
        campaign_id[sel[linked]] = cb.campaign_id.to_numpy()[pos[linked]]
        mode[sel[linked]] = cb.production_mode.to_numpy()[pos[linked]]

    adopts = np.array([np.datetime64(BRANDS[b]["adopts"], "s") for b in brands])
    adopted = posted >= adopts[brand_idx]
    u = rng.random(n)
    imagery = np.where(u < 0.55, "human", np.where(u < 0.80, "none", np.where(u < 0.90, "synthetic", "twin")))
    imagery = np.where(~adopted & np.isin(imagery, ["synthetic", "twin"]), "human", imagery)
    imagery = np.where(mode == "traditional", np.where(u < 0.85, "human", "none"), imagery)
    imagery = np.where(mode == "hybrid", np.where(u < 0.45, "human", np.where(u < 0.85, "twin", "none")), imagery)
    imagery = np.where(mode == "twin", np.where(u < 0.80, "twin", np.where(u < 0.95, "none", "synthetic")), imagery)

    year = posted.astype("datetime64[Y]").astype(int) + 1970
    month = posted.astype("datetime64[M]").astype(int) % 12 + 1
    label_p = np.select([year == y for y in spec.label_share_by_year], list(spec.label_share_by_year.values()), 0.75)
    ai = np.isin(imagery, ["twin", "synthetic"])
    ai_label = ai & (rng.random(n) < label_p)

    t_years = seconds / (365.25 * 86400)
    base_followers = np.array([BRANDS[b]["followers"] for b in brands])[brand_idx]
    pf = np.array([PLATFORM_FOLLOWER_FACTOR[p] for p in PLATFORMS])[platform]
    followers = np.round(base_followers * pf * (1 + 0.25 * t_years) * rng.lognormal(0, 0.05, n)).astype(np.int64)
    reach = np.array([PLATFORM_REACH[p] for p in PLATFORMS])[platform] * rng.lognormal(0, 0.5, n)
    impressions = np.maximum(50, np.round(followers * reach)).astype(np.int64)

    fmt_irr = {"image": spec.irr_format["image"], "carousel": spec.irr_format["carousel"], "video": spec.irr_format["video"]}
    log_rate = (np.log(np.array([spec.base_rate[p] for p in PLATFORMS]))[platform]
                + np.log(np.select([fmt == k for k in fmt_irr], list(fmt_irr.values())))
                + np.log(np.select([imagery == k for k in spec.irr_imagery], list(spec.irr_imagery.values())))
                + np.log(spec.irr_ai_label) * ai_label
                + np.log(np.array([spec.irr_brand[b] for b in brands]))[brand_idx]
                + spec.followers_elasticity * (np.log(followers) - np.log(1e6))
                + spec.yearly_trend * t_years
                + spec.seasonality * np.sin(2 * np.pi * (month - 1) / 12))
    mu = impressions * np.exp(log_rate)
    shape = 1.0 / spec.nb_alpha
    total = rng.poisson(mu * rng.gamma(shape, 1.0 / shape, n))
    total = np.minimum(total, impressions)
    likes = rng.binomial(total, 0.82)
    rest = total - likes
    saves = rng.binomial(rest, 0.45)
    rest = rest - saves
    comments = rng.binomial(rest, 0.6)
    shares = rest - comments
    ids = np.strings.add("P", np.strings.zfill(np.arange(first_id + 1, first_id + n + 1).astype(str), 8))
    return pd.DataFrame({
        "post_id": ids.astype(object),
        "campaign_id": pd.array(campaign_id, dtype="string"),
        "brand": np.array(brands)[brand_idx],
        "platform": plat_names,
        "posted_at": pd.DatetimeIndex(posted.astype("datetime64[us]")).tz_localize("UTC"),
        "format": fmt,
        "imagery": imagery,
        "ai_label": ai_label,
        "followers": followers,
        "impressions": impressions,
        "likes": likes.astype(np.int64),
        "comments": comments.astype(np.int64),
        "shares": shares.astype(np.int64),
        "saves": saves.astype(np.int64),
    })


# ---------------------------------------------------------------------------------
@dataclass
class Sample:
    tables: dict[str, pd.DataFrame]
    truth: dict[str, Any]


def generate(seed: int = 20250331, n_posts: int = 50_000, spec: SampleSpec | None = None,
             posts: bool = True) -> Sample:
    """The six contract tables and the truth planted in them; same seed, same data."""
    spec = spec or SampleSpec()
    seqs = np.random.SeedSequence(seed).spawn(6)
    models = make_models(np.random.default_rng(seqs[0]))
    campaigns = make_campaigns(np.random.default_rng(seqs[1]), spec)
    usage, planted = make_twin_usage(np.random.default_rng(seqs[2]), campaigns, models, spec)
    cost_lines = make_cost_lines(np.random.default_rng(seqs[3]), campaigns, usage, spec)
    staffing = make_staffing(np.random.default_rng(seqs[4]), campaigns, spec)
    tables = {"campaigns": campaigns, "cost_lines": cost_lines, "staffing": staffing, "models": models,
              "twin_usage": usage}
    if posts:
        tables["posts"] = make_posts(np.random.default_rng(seqs[5]), campaigns, spec, n_posts)
    truth = {
        "seed": seed,
        "n_posts": n_posts,
        "fx_to_eur": FX_TO_EUR,
        "brand_adoption": {b: i["adopts"].isoformat() for b, i in BRANDS.items()},
        "cost": {
            "currency": "EUR",
            "model": "log(total cost excl. twin_creation, EUR) = alpha[mode] + beta[mode]*log(assets_delivered) "
                     "+ market_effect[market] + N(0, sigma)",
            "alpha": spec.cost_alpha, "beta": spec.cost_beta, "sigma": spec.cost_sigma,
            "market_effect": spec.market_effect, "twin_creation_eur_mean": spec.twin_creation_eur,
        },
        "labor": {"hours_per_asset": spec.hours_per_asset,
                  "note": "hours = hours_per_asset * assets_delivered * lognormal(0, 0.1)"},
        "engagement": {
            "model": "engagements ~ NB2(mu, alpha); log mu = log impressions + log base_rate[platform] "
                     "+ log irr_format + log irr_imagery + log irr_ai_label*ai_label + log irr_brand "
                     "+ followers_elasticity*(log followers - log 1e6) + yearly_trend*years + seasonality*sin",
            "irr_twin_vs_human": spec.irr_imagery["twin"],
            "irr_synthetic_vs_human": spec.irr_imagery["synthetic"],
            "irr_none_vs_human": spec.irr_imagery["none"],
            "irr_ai_label": spec.irr_ai_label,
            "irr_format": spec.irr_format, "irr_brand": spec.irr_brand, "base_rate": spec.base_rate,
            "followers_elasticity": spec.followers_elasticity, "nb_alpha": spec.nb_alpha,
            "label_share_by_year": {str(k): v for k, v in spec.label_share_by_year.items()},
        },
        "rights": {
            "planted": planted,
            "counts": {k: sum(p["breach"] == k for p in planted) for k in spec.breaches},
        },
        "spec": _jsonable(asdict(spec)),
    }
    return Sample(tables, truth)


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    return obj


def _to_csv(frame: pd.DataFrame, path: Path) -> None:
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == bool or str(out[col].dtype) == "boolean":
            out[col] = out[col].map({True: "true", False: "false"})
        elif out[col].dtype == object and out[col].map(lambda v: isinstance(v, bool)).any():
            out[col] = out[col].map(lambda v: "true" if v is True else "false" if v is False else v)
    out.to_csv(path, index=False, lineterminator="\n")


POSTS_CHUNK = 500_000


def write_sample(out: str | Path, seed: int = 20250331, n_posts: int = 50_000, spec: SampleSpec | None = None,
                 progress: Any = None) -> dict[str, Any]:
    """Write the tables (CSV; posts as Parquet, streamed in chunks) and TRUTH.json into ``out``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    spec = spec or SampleSpec()
    sample = generate(seed, n_posts, spec, posts=False)
    for name, frame in sample.tables.items():
        _to_csv(frame, out / f"{name}.csv")
    for stale in (out / "posts.csv",):
        stale.unlink(missing_ok=True)
    campaigns = sample.tables["campaigns"]
    post_seq = np.random.SeedSequence(seed).spawn(6)[5]
    writer = None
    try:
        if n_posts <= POSTS_CHUNK:
            chunks = [(np.random.default_rng(post_seq), n_posts, 0)]
        else:
            subs = post_seq.spawn(math.ceil(n_posts / POSTS_CHUNK))
            chunks = [(np.random.default_rng(s), min(POSTS_CHUNK, n_posts - i * POSTS_CHUNK), i * POSTS_CHUNK)
                      for i, s in enumerate(subs)]
        done = 0
        for rng, size, first in chunks:
            frame = make_posts(rng, campaigns, spec, size, first_id=first)
            table = pa.Table.from_pandas(frame, preserve_index=False)
            if writer is None:
                writer = pq.ParquetWriter(out / "posts.parquet", table.schema, compression="zstd")
            writer.write_table(table)
            done += size
            if progress:
                progress(done, n_posts)
    finally:
        if writer is not None:
            writer.close()
    truth = sample.truth
    (out / "TRUTH.json").write_text(json.dumps(truth, indent=2, default=str) + "\n", encoding="utf-8")
    return truth
