"""The sample's small tables: models, campaigns, twin usage (with planted rights
breaches), cost lines and staffing. Each function takes its own random generator."""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pandas as pd

from twinimpact.contract.spec import SHOOT_DAY_ROLES
from twinimpact.sample.spec import (BRANDS, ENGAGEMENT_MULTIPLIER, FX_TO_EUR, MARKET_CURRENCY, ROLE_ENGAGEMENT, SEASONS,
                   SOC_MEDIAN_USD, SampleSpec)


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
    """Each brand's campaigns per season in its markets' currencies: traditional before the
    brand's adoption date, after it 20% hybrid and a twin share growing from 25% by 25 points
    a year to at most 60% (the rest traditional)."""
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
    """Clean usage of consenting twins, then the planted breaches (one type per asset).

    Parameters
    ----------
    rng
        The generator's random stream.
    campaigns, models
        The sample's campaigns and models tables.
    spec
        The planted truth (breaches among them).

    Returns
    -------
    tuple
        (the twin_usage table, the planted breaches: asset id and kind).
    """
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
    """Planted total per campaign, itemised; licensing equals the fees paid; twin creation on first use.

    Parameters
    ----------
    rng
        The generator's random stream.
    campaigns, usage
        The sample's campaigns and twin_usage tables.
    spec
        The planted cost function of each mode.

    Returns
    -------
    DataFrame
        The cost_lines table (amounts in each campaign's currency).
    """
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
    """Hours by role: the planted hours per asset x assets x lognormal(0, 0.1) noise, at rates
    around each role's BLS median with freelance and agency mark-ups.

    Parameters
    ----------
    rng
        The generator's random stream.
    campaigns
        The sample's campaigns table.
    spec
        The planted hours per asset by role and mode.

    Returns
    -------
    DataFrame
        The staffing table (rates in each campaign's currency).
    """
    rows = []
    for c in campaigns.itertuples():
        for role, hpa in spec.hours_per_asset[c.production_mode].items():
            hours = round(hpa * c.assets_delivered * float(rng.lognormal(0, 0.1)), 1)
            per_person = c.shoot_days * 10 if role in SHOOT_DAY_ROLES and c.shoot_days > 0 else 40
            engagement = str(rng.choice(ROLE_ENGAGEMENT[role]))
            usd = SOC_MEDIAN_USD[role] * ENGAGEMENT_MULTIPLIER[engagement] * rng.uniform(0.9, 1.1)
            rows.append({"campaign_id": c.campaign_id, "role": role,
                         "people": max(1, math.ceil(hours / per_person)), "hours": hours,
                         "hourly_rate": _money(usd * FX_TO_EUR["USD"] / FX_TO_EUR[c.currency]),
                         "engagement": engagement})
    return pd.DataFrame(rows)


def make_bookings(rng: np.random.Generator, campaigns: pd.DataFrame, models: pd.DataFrame,
                  usage: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, dict[str, float]]]:
    """Who was photographed for each campaign with shoot days: one to four models, each for
    half a day up to the campaign's shoot days, paid their day rate. Planted: once a
    campaign's brand has adopted twins, models with a twin are booked a third as often (the
    brand uses their twin instead). Returns the bookings and each model's income in EUR
    over the whole period (photographed: day rate x days, before rounding to the
    campaign's currency; twin fees: every fee paid in twin usage), the truth per-model
    figures are checked against.

    Parameters
    ----------
    rng
        The generator's random stream.
    campaigns, models, usage
        The sample's campaigns, models and twin_usage tables.

    Returns
    -------
    tuple
        (the bookings table, the planted per-model truth: model id -> figures).
    """
    rate_eur = {m.model_id: m.day_rate * FX_TO_EUR[m.currency] for m in models.itertuples()}
    has_twin = models.set_index("model_id")["has_twin"]
    ids = models["model_id"].to_numpy()
    rows = []
    truth = {m: {"photographed": 0.0, "twin_fees": 0.0, "bookings": 0} for m in ids}
    for c in campaigns.itertuples():
        if c.shoot_days <= 0:
            continue
        adopted = c.start_date >= BRANDS[c.brand]["adopts"]
        weight = np.where(has_twin.loc[ids].to_numpy() & adopted, 1 / 3, 1.0)
        k = int(rng.integers(1, 5))
        chosen = rng.choice(ids, size=k, replace=False, p=weight / weight.sum())
        for mid in chosen:
            days = float(min(c.shoot_days, max(0.5, round(rng.uniform(0.5, c.shoot_days) * 2) / 2)))
            fee_eur = rate_eur[mid] * days
            rows.append({"model_id": mid, "campaign_id": c.campaign_id, "shoot_days": days,
                         "fee_paid": _money(fee_eur / FX_TO_EUR[c.currency])})
            truth[mid]["photographed"] += fee_eur
            truth[mid]["bookings"] += 1
    currency = campaigns.set_index("campaign_id")["currency"]
    for u in usage.itertuples():
        truth[u.model_id]["twin_fees"] += u.fee_paid * FX_TO_EUR[currency[u.campaign_id]]
    return pd.DataFrame(rows, columns=["model_id", "campaign_id", "shoot_days", "fee_paid"]), truth


# --- posts -------------------------------------------------------------------------
