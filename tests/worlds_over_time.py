"""Worlds whose effects move, written for the tests (the bundled generator's three brands
adopt once each and its label costs the same every month): many brands adopting twins at
staggered dates (some never), a backlash on every post of a brand after it adopts, and a
label penalty that depends on the months since the brand's first labelled post. The truth
is planted here and nowhere else."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

START, END = pd.Timestamp("2023-01-01", tz="UTC"), pd.Timestamp("2026-01-01", tz="UTC")
PLATFORMS = {"instagram": 0.012, "tiktok": 0.045, "facebook": 0.05}
MONTH_DAYS = 30.4375


@dataclass
class World:
    """What to plant."""

    brands: int = 8
    never: int = 2  # brands that never adopt
    twin: float = 0.88  # the twin imagery's own rate ratio
    backlash: float = 0.92  # every post of a brand after it adopted
    label: tuple[float, ...] = (0.70, 0.82, 0.95)  # the label's ratio by months since the first labelled post
    label_edges: tuple[int, ...] = (6, 12)
    posts: int = 60_000
    nb_alpha: float = 0.2
    label_share: float = 0.8  # of twin posts
    noise: bool = True  # False: every post engages exactly as expected (what an estimator targets)
    adoption: dict[str, pd.Timestamp] = field(default_factory=dict)  # filled by make()


def make(seed: int, w: World) -> dict[str, pd.DataFrame]:
    """The campaigns and posts of one world (contract tables, typed)."""
    rng = np.random.default_rng(seed)
    brands = [f"Brand {chr(65 + i)}" for i in range(w.brands)]
    adopters = brands[: w.brands - w.never]
    # staggered first twin campaigns, on the first of a month between June 2023 and June 2025
    months = np.linspace(5, 29, len(adopters)).round().astype(int)
    w.adoption = {b: (START + pd.DateOffset(months=int(m))).normalize() for b, m in zip(adopters, months)}
    rows, cid = [], 0
    for b in brands:
        for q in range(12):  # a campaign a quarter
            start = START + pd.DateOffset(months=3 * q)
            adopted = b in w.adoption and start >= w.adoption[b]
            if b in w.adoption and not adopted and start + pd.DateOffset(months=3) > w.adoption[b]:
                rows.append((f"C{cid:04d}", b, w.adoption[b], "twin"))  # the adoption campaign on its date
                cid += 1
            rows.append((f"C{cid:04d}", b, start, "hybrid" if adopted else "traditional"))
            cid += 1
    campaigns = pd.DataFrame(rows, columns=["campaign_id", "brand", "start_date", "production_mode"])
    campaigns = campaigns.assign(season="SS25", market="GB", looks=10, assets_delivered=40,
                                 shoot_days=np.where(campaigns.production_mode == "twin", 0.0, 2.0), currency="EUR")
    campaigns["start_date"] = pd.to_datetime(campaigns["start_date"]).dt.tz_localize(None)
    campaigns = campaigns[["campaign_id", "brand", "season", "market", "start_date", "production_mode", "looks",
                           "assets_delivered", "shoot_days", "currency"]]

    n = w.posts
    brand = rng.choice(brands, size=n)
    seconds = rng.integers(0, int((END - START).total_seconds()), n)
    posted = START + pd.to_timedelta(seconds, unit="s")
    adoption = pd.Series(brand).map(lambda b: w.adoption.get(b, END + pd.Timedelta(days=3650)))
    adopted = np.asarray(posted >= pd.DatetimeIndex(adoption))
    u = rng.random(n)
    imagery = np.where(adopted, np.where(u < 0.4, "twin", np.where(u < 0.8, "human", "none")),
                       np.where(u < 0.8, "human", "none"))
    label = (imagery == "twin") & (rng.random(n) < w.label_share)
    frame = pd.DataFrame({"brand": brand, "posted": posted, "label": label})
    first = frame[frame.label].groupby("brand")["posted"].min()
    since = ((frame.posted - frame.brand.map(first)).dt.total_seconds() / 86400 / MONTH_DAYS).to_numpy()
    bin_ = np.searchsorted(np.array(w.label_edges), np.nan_to_num(since, nan=0.0), side="right")
    label_irr = np.where(label, np.array(w.label)[bin_], 1.0)
    platform = rng.choice(list(PLATFORMS), size=n, p=[0.5, 0.3, 0.2])
    brand_fx = dict(zip(brands, np.exp(rng.normal(0, 0.15, len(brands)))))
    month_fx = np.exp(0.05 * np.sin(2 * np.pi * posted.month.to_numpy() / 12))
    followers = (1e6 * np.exp(rng.normal(0, 0.3, n))).round().astype(np.int64)
    impressions = np.maximum(100, (followers * 0.05 * np.exp(rng.normal(0, 0.5, n))).round()).astype(np.int64)
    mu = (impressions * np.array([PLATFORMS[p] for p in platform]) * np.where(imagery == "twin", w.twin, 1.0)
          * label_irr * np.where(adopted, w.backlash, 1.0) * pd.Series(brand).map(brand_fx).to_numpy() * month_fx)
    shape = 1 / w.nb_alpha
    drawn = rng.poisson(mu * rng.gamma(shape, 1 / shape, n))  # drawn either way: the same posts in both worlds
    if w.noise:
        total = np.minimum(drawn, impressions)
        likes = rng.binomial(total, 0.8)
        rest = total - likes
        comments = rng.binomial(rest, 0.5)
    else:  # a thousand times the exposure, engaging exactly at the expected rate
        impressions = impressions * 1000
        likes = np.round(mu * 1000).astype(np.int64)
        rest = comments = np.zeros(n, dtype=np.int64)
    # each post's campaign: its brand's latest campaign started by then
    campaign_id = np.empty(n, dtype=object)
    for b in brands:
        cb = campaigns[campaigns.brand == b].sort_values("start_date")
        starts = pd.DatetimeIndex(cb.start_date).tz_localize("UTC")
        sel = np.flatnonzero(brand == b)
        pos = np.searchsorted(starts.asi8, posted[sel].asi8, side="right") - 1
        campaign_id[sel] = np.where(pos >= 0, cb.campaign_id.to_numpy()[np.maximum(pos, 0)], None)
    posts = pd.DataFrame({
        "post_id": [f"P{i:07d}" for i in range(n)], "campaign_id": pd.array(campaign_id, dtype="string"),
        "brand": brand, "platform": platform, "posted_at": posted, "format": "image", "imagery": imagery,
        "ai_label": label, "followers": followers, "impressions": impressions, "likes": likes.astype(np.int64),
        "comments": comments.astype(np.int64), "shares": (rest - comments).astype(np.int64),
        "saves": np.zeros(n, dtype=np.int64)})
    return {"campaigns": campaigns.reset_index(drop=True), "posts": posts}
