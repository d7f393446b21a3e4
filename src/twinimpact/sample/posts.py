"""The sample's posts: drawn from the planted negative binomial engagement model."""

from __future__ import annotations

import numpy as np
import pandas as pd

from twinimpact.contract.spec import PLATFORMS
from twinimpact.sample.spec import BRANDS, FX_TO_EUR, PLATFORM_FOLLOWER_FACTOR, PLATFORM_REACH, PLATFORM_SHARE, SampleSpec


_START = pd.Timestamp("2023-01-01", tz="UTC")
_END = pd.Timestamp("2026-01-01", tz="UTC")


def make_posts(rng: np.random.Generator, campaigns: pd.DataFrame, spec: SampleSpec, n: int,
               first_id: int = 0, test: dict[str, np.ndarray] | None = None) -> pd.DataFrame:
    """``n`` posts with engagement drawn from the planted negative binomial model (vectorised).

    In the brand's own posts, twin imagery goes to products whose posts engage
    ``twin_product_appeal`` times as much (a confounder no column shows; 1 = none). The
    posts of a randomised test (``test``: per post its ``imagery``, ``ai_label`` and the
    ``appeal`` multiplier of its unit) take the imagery and label they were given, and their
    products' appeal is independent of the arm.

    Parameters
    ----------
    rng
        The generator's random stream.
    campaigns
        The sample's campaigns table.
    spec
        The planted truth (effects of imagery, label, platform, format, brand, followers).
    n
        Posts to make.
    first_id
        The number of the first post's id.
    test
        For the posts of a randomised test: ``imagery``, ``ai_label`` and ``appeal`` (one per post).

    Returns
    -------
    DataFrame
        The posts table of the contract.
    """
    brands = list(BRANDS)
    brand_idx = rng.choice(len(brands), size=n, p=[BRANDS[b]["weight"] for b in brands])
    span = int((_END - _START).total_seconds())
    seconds = rng.integers(0, span, n)
    if first_id == 0:
        seconds = np.sort(seconds)
    posted = np.datetime64(_START.tz_localize(None), "s") + seconds.astype("timedelta64[s]")  # naive UTC
    platform = rng.choice(len(PLATFORMS), size=n, p=PLATFORM_SHARE)
    plat_names = np.array(list(PLATFORMS))[platform]
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
    if test is not None:
        imagery, ai_label = np.asarray(test["imagery"], dtype=object), np.asarray(test["ai_label"], dtype=bool)
    seen = ai_label  # the label the audience saw
    platform_label = None
    if spec.platform_label_flip > 0:  # the platform's own label, which the audience sees
        flip = np.isin(imagery, ["twin", "synthetic"]) & (rng.random(n) < spec.platform_label_flip)
        platform_label = seen = ai_label ^ flip

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
                + np.log(spec.irr_ai_label) * seen
                + np.log(np.array([spec.irr_brand[b] for b in brands]))[brand_idx]
                + spec.followers_elasticity * (np.log(followers) - np.log(1e6))
                + spec.yearly_trend * t_years
                + spec.seasonality * np.sin(2 * np.pi * (month - 1) / 12))
    if test is None:  # the products twins are given to (no column shows it)
        log_rate = log_rate + np.log(spec.twin_product_appeal) * (imagery == "twin")
    else:
        log_rate = log_rate + np.log(np.asarray(test["appeal"], dtype=float))
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
    counted, metric = impressions, None
    if spec.views_from:  # from its switch, a platform's exposure column counts views, which run above impressions
        views = np.zeros(n, dtype=bool)
        for name, day in spec.views_from.items():
            views |= (plat_names == name) & (posted >= np.datetime64(day, "s"))
        factor = spec.views_per_impression * rng.lognormal(0, 0.1, n)
        counted = np.where(views, np.round(impressions * factor), impressions).astype(np.int64)
        metric = np.where(views, "views", "impressions").astype(object) if spec.mark_exposure else None
    frame = pd.DataFrame({
        "post_id": ids.astype(object),
        "campaign_id": pd.array(campaign_id, dtype="string"),
        "brand": np.array(brands)[brand_idx],
        "platform": plat_names,
        "posted_at": pd.DatetimeIndex(posted.astype("datetime64[us]")).tz_localize("UTC"),
        "format": fmt,
        "imagery": imagery,
        "ai_label": ai_label,
        "followers": followers,
        "impressions": counted,
        "likes": likes.astype(np.int64),
        "comments": comments.astype(np.int64),
        "shares": shares.astype(np.int64),
        "saves": saves.astype(np.int64),
    })
    if metric is not None:
        frame["exposure_metric"] = metric
    if platform_label is not None:
        frame["platform_ai_label"] = platform_label
    return frame


#: The currency each brand's shop reports revenue in (post_outcomes).
SHOP_CURRENCY = {"Aurora Apparel": "EUR", "Bluefin Denim": "USD", "Cobalt & Co": "GBP"}
#: Shape of one order's value (gamma): orders vary about their mean by 1 / sqrt(2).
ORDER_VALUE_SHAPE = 2.0


def make_post_outcomes(rng: np.random.Generator, posts: pd.DataFrame, spec: SampleSpec) -> pd.DataFrame:
    """What the posts sold, drawn from the planted chain (vectorised): a share
    ``outcome_share`` of posts carry an outcome; clicks ~ Poisson(``clicks_per_engagement``
    x engagements), orders ~ Binomial(clicks, ``conversion`` x a campaign's lognormal
    multiplier of mean 1 and log-sd ``conversion_spread``), revenue the sum of the orders'
    gamma values (mean ``order_value_eur``), in the brand's shop currency. So revenue per
    engagement is planted at ``clicks_per_engagement * conversion * order_value_eur`` EUR.

    Parameters
    ----------
    rng
        The generator's random stream.
    posts
        The posts the outcomes belong to.
    spec
        The planted truth.

    Returns
    -------
    DataFrame
        The post_outcomes table of the contract.
    """
    n = len(posts)
    keep = rng.random(n) < spec.outcome_share
    engagements = (posts["likes"] + posts["comments"] + posts["shares"] + posts["saves"]).to_numpy()
    clicks = rng.poisson(spec.clicks_per_engagement * engagements)
    # conversion varies by campaign (its products and audience): a lognormal multiplier of mean 1
    # per cluster of the engagement model (a campaign; posts without one by brand and month)
    month = posts["posted_at"].dt.strftime("%Y-%m")
    cluster = posts["campaign_id"].astype(object).where(posts["campaign_id"].notna(), posts["brand"] + ":" + month)
    names, index = np.unique(cluster.to_numpy(dtype=str), return_inverse=True)
    sigma = spec.conversion_spread
    multiplier = rng.lognormal(-sigma**2 / 2, sigma, len(names))[index]
    orders = rng.binomial(clicks, np.clip(spec.conversion * multiplier, 0.0, 1.0))
    shape = ORDER_VALUE_SHAPE * np.maximum(orders, 1)
    value_eur = np.where(orders > 0, rng.gamma(shape, spec.order_value_eur / ORDER_VALUE_SHAPE), 0.0)
    currency = posts["brand"].map(SHOP_CURRENCY).fillna("EUR").to_numpy()
    rate = np.array([FX_TO_EUR[c] for c in currency])
    frame = pd.DataFrame({"post_id": posts["post_id"].to_numpy(), "clicks": clicks.astype(np.int64),
                          "orders": orders.astype(np.int64), "revenue": np.round(value_eur / rate, 2),
                          "currency": currency})
    return frame[keep].reset_index(drop=True)


def make_experiment(rng: np.random.Generator, campaigns: pd.DataFrame, spec: SampleSpec, first_id: int
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A randomised test: ``experiment_units`` products, each given by a coin flip to the
    treatment (twin imagery with the AI label, as a brand must publish it) or the control
    (photographed people, no label), ``experiment_posts_per_unit`` posts each. A product's
    appeal (lognormal, log-sd ``experiment_unit_spread``) is shared by its posts and
    independent of its arm, so the tested rate ratio is the planted ``irr_imagery[twin] x
    irr_ai_label``.

    Parameters
    ----------
    rng
        The test's random stream.
    campaigns
        The sample's campaigns (the posts' brands and dates are drawn as for the others).
    spec
        The planted truth.
    first_id
        The number of the first test post's id.

    Returns
    -------
    tuple
        (the test's posts, the experiments table).
    """
    units = spec.experiment_units
    per = spec.experiment_posts_per_unit
    arm_of_unit = np.where(rng.random(units) < 0.5, "treatment", "control")
    appeal_of_unit = rng.lognormal(-spec.experiment_unit_spread ** 2 / 2, spec.experiment_unit_spread, units)
    unit = np.repeat(np.arange(units), per)
    arm = arm_of_unit[unit]
    treated = arm == "treatment"
    test = {"imagery": np.where(treated, "twin", "human"), "ai_label": treated, "appeal": appeal_of_unit[unit]}
    posts = make_posts(rng, campaigns, spec, units * per, first_id=first_id, test=test)
    experiments = pd.DataFrame({"experiment_id": "EXP-TWIN-LABELLED", "post_id": posts["post_id"].to_numpy(),
                                "arm": arm, "unit_id": np.strings.add("U", np.strings.zfill(unit.astype(str), 4))
                                .astype(object)})
    return posts, experiments
