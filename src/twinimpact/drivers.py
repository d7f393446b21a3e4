"""The cost driver model: the unit costs of traditional and twin production, observed in
the data, that break-even, sensitivity and every Monte Carlo of the workbook vary.

All money is in the reporting currency, pooled over the campaigns of a mode.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .contract import COST_CATEGORIES

#: Spend that scales with shoot days rather than with assets.
SHOOT_DAY_CATEGORIES = ("model_fees", "photographer", "hair_makeup", "styling", "studio_location", "travel")
#: Which cost driver each twin-campaign category feeds (per asset unless said).
TWIN_DRIVER_OF = {
    "twin_licensing": "licensing_per_asset",
    "generation_compute": "compute_per_asset",
    "ai_review": "review_per_asset",
    "disclosure_compliance": "compliance_per_asset",
}
DRIVER_LABELS = {
    "shoot_day_cost": "cost of a shoot day (crew, model, studio, travel)",
    "assets_per_shoot_day": "assets per shoot day",
    "traditional_post_per_asset": "traditional post-production and other, per asset",
    "twin_creation_cost": "building one twin",
    "licensing_per_asset": "twin licence fee per asset",
    "compute_per_asset": "generation compute per asset",
    "review_per_asset": "AI review per asset",
    "compliance_per_asset": "disclosure compliance per asset",
    "twin_post_per_asset": "twin post-production and other, per asset",
}


@dataclass
class Drivers:
    """Unit costs observed in the data (reporting currency). ``None`` where the data has no
    campaign of the mode needed."""

    shoot_day_cost: float | None
    assets_per_shoot_day: float | None
    traditional_post_per_asset: float | None
    twin_creation_cost: float | None
    licensing_per_asset: float | None
    compute_per_asset: float | None
    review_per_asset: float | None
    compliance_per_asset: float | None
    twin_post_per_asset: float | None
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, float | None]:
        return {k: getattr(self, k) for k in DRIVER_LABELS}

    @property
    def complete(self) -> bool:
        return all(v is not None for v in self.as_dict().values())


def observed_drivers(costs: pd.DataFrame, twin_usage: pd.DataFrame | None = None) -> Drivers:
    """Calibrate the driver model on the data (all pooled, reporting currency).

    Traditional: shoot-day spend (model fees, photographer, hair and make-up, styling,
    studio, travel) per shoot day; assets per shoot day; everything else per asset.
    Twin: licensing, compute, review and compliance per asset from twin campaigns; the rest
    as post-production per asset; twin creation spend per twin built, a twin being a model
    whose twin appears in ``twin_usage`` (or, without usage, one twin per creation line).
    """
    notes: list[str] = []
    cats = [c for c in COST_CATEGORIES if c in costs.columns]
    trad = costs[(costs["production_mode"] == "traditional") & ~costs["zero_assets"]]
    twin = costs[(costs["production_mode"] == "twin") & ~costs["zero_assets"]]
    t_assets, t_days = float(trad["assets_delivered"].sum()), float(trad["shoot_days"].sum())
    day_cats = [c for c in SHOOT_DAY_CATEGORIES if c in cats]
    if t_assets > 0 and t_days > 0:
        shoot_day_cost = float(trad[day_cats].to_numpy().sum()) / t_days
        assets_per_day = t_assets / t_days
        other = [c for c in cats if c not in day_cats and c != "twin_creation"]
        trad_post = float(trad[other].to_numpy().sum()) / t_assets
    else:
        shoot_day_cost = assets_per_day = trad_post = None
        notes.append("no traditional campaign with assets and shoot days: traditional unit costs unknown")
    w_assets = float(twin["assets_delivered"].sum())
    per_asset: dict[str, float | None] = {k: None for k in set(TWIN_DRIVER_OF.values()) | {"twin_post_per_asset"}}
    if w_assets > 0:
        for cat, driver in TWIN_DRIVER_OF.items():
            per_asset[driver] = float(twin[cat].sum()) / w_assets if cat in cats else 0.0
        rest = [c for c in cats if c not in TWIN_DRIVER_OF and c != "twin_creation"]
        per_asset["twin_post_per_asset"] = float(twin[rest].to_numpy().sum()) / w_assets
    else:
        notes.append("no twin campaign with assets: twin unit costs unknown")
    creation_spend = float(costs["twin_creation"].sum()) if "twin_creation" in costs else 0.0
    twins = int(twin_usage["model_id"].nunique()) if twin_usage is not None and len(twin_usage) else 0
    if creation_spend > 0 and twins > 0:
        creation = creation_spend / twins
    elif creation_spend > 0:
        creation = None
        notes.append("twin creation spend but no twin usage: cost per twin unknown")
    else:
        creation = 0.0 if w_assets > 0 else None
    return Drivers(shoot_day_cost, assets_per_day, trad_post, creation, per_asset["licensing_per_asset"],
                   per_asset["compute_per_asset"], per_asset["review_per_asset"],
                   per_asset["compliance_per_asset"], per_asset["twin_post_per_asset"], notes)


def drivers_table(drivers: Drivers) -> pd.DataFrame:
    """The observed unit costs with their meaning, for reading."""
    return pd.DataFrame([{"driver": k, "meaning": DRIVER_LABELS[k], "observed": v}
                         for k, v in drivers.as_dict().items()])
